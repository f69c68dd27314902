# Hosted integration tests: the in-kernel suite (threads, sleep/wake ordering,
# preemption, memory, FPU state) on the Linux-hosted kernel under ASan+UBSan.
. tests/lib.sh
log=$LOGDIR/ktest.log
timeout 120 "$BUILD/hosted-san/azoth" azoth.test=all > "$log" 2>&1
rc=$?
ktest_results hosted/ktest "$log"
expect_status hosted/ktest-exit "$rc" 0 "$log"
if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log"; then
    result FAIL hosted/ktest-sanitizers "sanitizer report in $log"
else
    result PASS hosted/ktest-sanitizers
fi
