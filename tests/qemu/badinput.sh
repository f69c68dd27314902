# Bad input on bare metal: less memory than the minimum gives a clear message
# and a clean power-off; an unknown test name fails the run (status 35).
. tests/lib.sh
log=$LOGDIR/lowmem.log
timeout 60 tools/qemu.sh --mem 8M < /dev/null > "$log" 2>&1
expect_status qemu/lowmem-status $? 0 "$log"
expect_in "$log" qemu/lowmem-message 'not enough memory: [0-9]+ KiB usable, at least 16 MiB needed'

log=$LOGDIR/badtest.log
timeout 60 tools/qemu.sh --kernel "$TEST_KERNEL" --test --append azoth.test=no_such_test < /dev/null > "$log" 2>&1
expect_status qemu/unknown-test-status $? 35 "$log"
expect_in "$log" qemu/unknown-test-message "no test named 'no_such_test'"

log=$LOGDIR/reboot.log
printf 'reboot\n' | timeout 60 tools/qemu.sh --test > "$log" 2>&1
expect_status qemu/reboot-status $? 0 "$log"
expect_in "$log" qemu/reboot 'azoth: rebooting'
