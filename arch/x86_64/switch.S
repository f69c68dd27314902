/* Context switch on bare metal: callee-saved registers on the old stack, the
 * full FPU/SSE/AVX state into the old thread's xstate area (XSAVE, or FXSAVE
 * without it), then the reverse for the new thread. A thread preempted by an
 * interrupt keeps every SIMD register: the kernel's own C code is compiled
 * without SSE, so the interrupt path never touches them before this save.
 * plat_ctx_t layout: 0 sp, 8 xstate (see platform.h). */
    .text
    .code64
    .globl plat_ctx_switch
    .type plat_ctx_switch, @function
/* void plat_ctx_switch(plat_ctx_t *from, plat_ctx_t *to) */
plat_ctx_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq 8(%rdi), %r8
    movl $0xffffffff, %eax      /* save every enabled state component */
    movl $0xffffffff, %edx
    cmpb $0, x86_use_xsave(%rip)
    je 1f
    xsave64 (%r8)
    jmp 2f
1:  fxsave64 (%r8)
2:  movq %rsp, (%rdi)
    movq (%rsi), %rsp
    movq 8(%rsi), %r8
    cmpb $0, x86_use_xsave(%rip)
    je 3f
    xrstor64 (%r8)
    jmp 4f
3:  fxrstor64 (%r8)
4:  popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size plat_ctx_switch, .-plat_ctx_switch

    .globl x86_thread_trampoline
    .type x86_thread_trampoline, @function
/* First code of a new thread: r12 = entry, r13 = arg (set by plat_ctx_init). */
x86_thread_trampoline:
    xorl %ebp, %ebp             /* ends backtraces here */
    movq %r13, %rdi
    callq *%r12
    ud2
    .size x86_thread_trampoline, .-x86_thread_trampoline

    .section .note.GNU-stack, "", @progbits
