# Deliberate kernel faults on the hosted platform are reported with the
# fault address and a symbolised backtrace, and end the run with status 3.
. tests/lib.sh
log=$LOGDIR/pagefault.log
timeout 30 "$BUILD/hosted/azoth-test" azoth.test=pagefault > "$log" 2>&1
expect_status hosted/pagefault-status $? 3 "$log"
expect_in "$log" hosted/pagefault-report \
    'KERNEL FAULT: page fault' 'fault address 0x1000' \
    '#0 +0x[0-9a-f]+ poke' '#[0-9] +0x[0-9a-f]+ ktest_thread\+0x' '#[0-9] +0x[0-9a-f]+ thread_start\+0x'

log=$LOGDIR/stackoverflow.log
timeout 30 "$BUILD/hosted/azoth-test" azoth.test=stackoverflow > "$log" 2>&1
expect_status hosted/stackoverflow-status $? 3 "$log"
expect_in "$log" hosted/stackoverflow-report 'guard page below this thread.s stack' 'recurse'
