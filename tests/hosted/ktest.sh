# Hosted integration tests: the in-kernel suite (threads, sleep/wake ordering,
# preemption, memory, FPU state, components, the adversarial isolation
# suite) on the Linux-hosted kernel under ASan+UBSan. Its console input is a
# pipe that stays open and silent, as a serial line is under QEMU: a
# component blocked reading the console must stay blocked until killed.
. tests/lib.sh
log=$LOGDIR/ktest.log
fifo=$LOGDIR/ktest.stdin
rm -f "$fifo"
mkfifo "$fifo"
timeout 180 "$TEST_HOSTED" azoth.test=all < "$fifo" > "$log" 2>&1 &
pid=$!
exec 3> "$fifo" # the writer end, held open (and silent) until the run ends
wait "$pid"
rc=$?
exec 3>&-
rm -f "$fifo"
ktest_results hosted/ktest "$log"
expect_status hosted/ktest-exit "$rc" 0 "$log"
if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log"; then
    result FAIL hosted/ktest-sanitizers "sanitizer report in $log"
else
    result PASS hosted/ktest-sanitizers
fi
