/* 64-bit entry in the higher half: load data segments and the boot stack,
 * then call x86_boot_main(protocol, info physical address). */
#include <arch/layout.h>

    .text
    .code64
    .globl start64
start64:
    movw $SEL_KDATA, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    leaq boot_stack_top(%rip), %rsp
    xorl %ebp, %ebp                 /* terminates backtraces */
    movl boot_proto, %edi           /* low addresses: still identity mapped */
    movl boot_info_phys, %esi
    call x86_boot_main
1:  cli
    hlt
    jmp 1b

/* The boot stack becomes the idle thread's stack. The page below it is a
 * guard: vm.c leaves it unmapped in the kernel's own page tables. */
    .section .bss.boot_stack, "aw", @nobits
    .p2align 12
    .globl boot_stack_guard, boot_stack, boot_stack_top
boot_stack_guard:
    .skip 4096
boot_stack:
    .skip BOOT_STACK_SIZE
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
