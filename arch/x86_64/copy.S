/* plat_copy_guarded(dst, src, n): a memcpy whose page faults are not the
 * kernel's (platform.h). A page fault at one of the three labelled
 * instructions is resumed at plat_copy_guarded_fixup (plat_copy_fixup below
 * tells the fault handler so), which returns -1. No state is set or restored
 * around the copy, so a guarded copy costs what a memcpy does. The function
 * uses no stack: resuming with the faulting instruction's rsp is its own.
 * The hosted platform assembles this same file. */
    .text
    .globl plat_copy_guarded
    .type plat_copy_guarded, @function
plat_copy_guarded:
    mov %rdx, %rcx
    cmp $8, %rcx
    jne 2f
    /* 8 bytes (a host call's result): one load, one store */
plat_copy_guarded_load:
    mov (%rsi), %rax
plat_copy_guarded_store:
    mov %rax, (%rdi)
    xor %eax, %eax
    ret
2:
plat_copy_guarded_rep:
    rep movsb
    xor %eax, %eax
    ret
plat_copy_guarded_fixup:
    mov $-1, %eax
    ret
    .size plat_copy_guarded, . - plat_copy_guarded

/* plat_copy_fixup(pc): where to resume a page fault at pc, or 0 if pc is
 * not one of the copy's guarded instructions. */
    .globl plat_copy_fixup
    .type plat_copy_fixup, @function
plat_copy_fixup:
    lea plat_copy_guarded_fixup(%rip), %rax
    lea plat_copy_guarded_load(%rip), %rdx
    cmp %rdx, %rdi
    je 1f
    lea plat_copy_guarded_store(%rip), %rdx
    cmp %rdx, %rdi
    je 1f
    lea plat_copy_guarded_rep(%rip), %rdx
    cmp %rdx, %rdi
    je 1f
    xor %eax, %eax
1:  ret
    .size plat_copy_fixup, . - plat_copy_fixup

    .section .note.GNU-stack, "", @progbits
