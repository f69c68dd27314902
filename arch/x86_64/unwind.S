/* plat_unwind (platform.h), and the flag PLAT_CALL_UNWINDABLE sets while
 * the call it makes may be unwound. That call is made in place (an asm
 * statement, platform.h) after it recorded the caller's frame pointer and
 * where its return address goes, and says that it leaves no other register
 * intact, so the caller's frame saved whatever its own caller expects back:
 * unwinding restores those two and returns to the call's return address,
 * with 0. The hosted platform assembles this same file. Offsets: struct
 * plat_unwind (regs[2] = rbp, rsp). */
    .set U_RBP, 0
    .set U_RSP, 8

    .text
    .globl plat_unwind
    .type plat_unwind, @function
plat_unwind:
    movb $0, plat_unwind_live(%rip)
    mov U_RBP(%rdi), %rbp
    mov U_RSP(%rdi), %rsp      /* one move: the return address is on top, never below it */
    xor %eax, %eax
    ret
    .size plat_unwind, . - plat_unwind

    .bss
    .globl plat_unwind_live
    .type plat_unwind_live, @object
plat_unwind_live:
    .byte 0
    .size plat_unwind_live, 1

    .section .note.GNU-stack, "", @progbits
