/* Hosted context switch (x86_64 System V). Only callee-saved state needs
 * saving: a thread preempted by a signal has the rest (including FPU/SSE
 * state) saved by Linux in the signal frame on its own stack. */
    .text
    .globl plat_ctx_switch_asm
    .type plat_ctx_switch_asm, @function
/* void plat_ctx_switch_asm(uintptr_t *save_sp, uintptr_t new_sp) */
plat_ctx_switch_asm:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)          /* MXCSR control bits and x87 CW are callee-saved */
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size plat_ctx_switch_asm, .-plat_ctx_switch_asm

    .globl hosted_thread_trampoline
    .type hosted_thread_trampoline, @function
/* First code of a new thread: r12 = entry, r13 = arg (set by plat_ctx_init). */
hosted_thread_trampoline:
    xorl %ebp, %ebp          /* ends backtraces here */
    movq %r12, %rdi
    movq %r13, %rsi
    callq hosted_thread_begin
    ud2
    .size hosted_thread_trampoline, .-hosted_thread_trampoline

    .section .note.GNU-stack, "", @progbits
