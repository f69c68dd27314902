# Deliberate kernel faults on bare metal: a page fault and a stack overflow
# into a guard page are reported with vector, error code, CR2, registers and
# a symbolised backtrace; the run ends with the fault status (37).
. tests/lib.sh
log=$LOGDIR/pagefault.log
timeout 60 tools/qemu.sh --kernel "$TEST_KERNEL" --test --append azoth.test=pagefault < /dev/null > "$log" 2>&1
expect_status qemu/pagefault-status $? 37 "$log"
expect_in "$log" qemu/pagefault-report \
    'KERNEL FAULT: page fault \(vector 14\)' 'cr2 0x1000' 'page not present, write access' \
    '^rax [0-9a-f]{16} rbx' \
    '#0 +0x[0-9a-f]+ poke' '#[0-9] +0x[0-9a-f]+ ktest_thread\+0x' '#[0-9] +0x[0-9a-f]+ thread_start\+0x'

log=$LOGDIR/stackoverflow.log
timeout 60 tools/qemu.sh --kernel "$TEST_KERNEL" --test --append azoth.test=stackoverflow < /dev/null > "$log" 2>&1
expect_status qemu/stackoverflow-status $? 37 "$log"
expect_in "$log" qemu/stackoverflow-report 'double fault' 'guard page below a kernel stack' \
    'recurse' 'ktest_fault_stack_overflow'
