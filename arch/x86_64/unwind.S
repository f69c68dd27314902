/* plat_call_unwindable and plat_unwind (platform.h): a component's code
 * called with a recovery point that costs two stores. The caller keeps no
 * value in a register across the call (it is returns_twice) and has saved
 * every callee-saved register in its own frame (PLAT_UNWINDABLE_FRAME), so
 * the record is its frame pointer and its stack pointer at entry; the
 * normal return restores nothing, and plat_unwind restores those two and
 * returns from plat_call_unwindable with 0. The hosted platform assembles
 * this same file. Offsets: struct plat_unwind (regs[8], fn, arg, live).
 *
 * That no value crosses a returns_twice call in a register is GCC's
 * promise, not clang's: clang keeps values in callee-saved registers
 * across one, counting on setjmp to save them. So when the C around it is
 * clang's (the fuzzing flavour's afl-clang; this file is preprocessed by
 * the same compiler driver), the record holds those registers too and
 * plat_unwind restores them, as setjmp and longjmp would. */
    .set U_RBX, 0
    .set U_RBP, 8
    .set U_R12, 16
    .set U_R13, 24
    .set U_R14, 32
    .set U_R15, 40
    .set U_RSP, 48
    .set U_FN, 64
    .set U_ARG, 72
    .set U_LIVE, 80

    .text
    .globl plat_call_unwindable
    .type plat_call_unwindable, @function
plat_call_unwindable:
#ifdef __clang__
    mov %rbx, U_RBX(%rdi)
    mov %r12, U_R12(%rdi)
    mov %r13, U_R13(%rdi)
    mov %r14, U_R14(%rdi)
    mov %r15, U_R15(%rdi)
#endif
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
#ifdef __clang__
    mov U_RBX(%rdi), %rbx
    mov U_R12(%rdi), %r12
    mov U_R13(%rdi), %r13
    mov U_R14(%rdi), %r14
    mov U_R15(%rdi), %r15
#endif
    mov U_RBP(%rdi), %rbp
    mov U_RSP(%rdi), %rsp      /* the caller's return address is on top again */
    xor %eax, %eax
    ret
    .size plat_unwind, . - plat_unwind

    .section .note.GNU-stack, "", @progbits
