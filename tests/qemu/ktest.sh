# The in-kernel test suite on bare metal (QEMU, PVH boot), reporting through
# isa-debug-exit: only status 33 (pass) counts.
. tests/lib.sh
log=$LOGDIR/ktest.log
timeout 120 tools/qemu.sh --kernel "$TEST_KERNEL" --test --append azoth.test=all < /dev/null > "$log" 2>&1
rc=$?
ktest_results qemu/ktest "$log"
expect_status qemu/ktest-exit "$rc" 33 "$log"
