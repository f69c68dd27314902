/* plat_call_unwindable and plat_unwind (platform.h): a component's code
 * called with a recovery point that costs two stores. The caller keeps no
 * value in a register across the call (it is returns_twice) and has saved
 * every callee-saved register in its own frame (PLAT_UNWINDABLE_FRAME), so
 * the record is its frame pointer and its stack pointer at entry; the
 * normal return restores nothing, and plat_unwind restores those two and
 * returns from plat_call_unwindable with 0. The hosted platform assembles
 * this same file. Offsets: struct plat_unwind (regs[2], fn, arg, live). */
    .set U_RBP, 0
    .set U_RSP, 8
    .set U_FN, 16
    .set U_ARG, 24
    .set U_LIVE, 32

    .text
    .globl plat_call_unwindable
    .type plat_call_unwindable, @function
plat_call_unwindable:
    mov %rbp, U_RBP(%rdi)
    mov %rsp, U_RSP(%rdi)      /* at entry: (%rsp) is the return address */
    push %rdi                  /* the record, kept for after fn; aligns the stack */
    mov U_LIVE(%rdi), %rax
    movb $1, (%rax)            /* the record is complete: fn may be unwound */
    mov U_FN(%rdi), %rax
    mov U_ARG(%rdi), %rdi
    call *%rax
    pop %rdi
    mov U_LIVE(%rdi), %rdx
    movb $0, (%rdx)
    ret
    .size plat_call_unwindable, . - plat_call_unwindable

    .globl plat_unwind
    .type plat_unwind, @function
plat_unwind:
    mov U_LIVE(%rdi), %rax
    movb $0, (%rax)
    mov U_RBP(%rdi), %rbp
    mov U_RSP(%rdi), %rsp      /* the caller's return address is on top again */
    xor %eax, %eax
    ret
    .size plat_unwind, . - plat_unwind

    .section .note.GNU-stack, "", @progbits
