/* 32-bit entry from PVH or Multiboot2: paging is off. Check for long mode,
 * build the boot page tables (identity and direct map of the first 4 GiB,
 * kernel image at KERNEL_VMA), enable long mode and jump to the 64-bit kernel.
 * Everything here runs at its physical address (the .boot sections). */
#include <arch/layout.h>

#define MB2_BOOT_MAGIC 0x36d76289
#define COM1 0x3f8

    .section .boot.text, "ax"
    .code32
    .globl pvh_entry, mb2_entry
pvh_entry:
    cli
    movl $BOOT_PROTO_PVH, boot_proto
    movl %ebx, boot_info_phys       /* hvm_start_info; its magic is checked in C */
    jmp start32

mb2_entry:
    cli
    cmpl $MB2_BOOT_MAGIC, %eax
    jne bad_loader
    movl $BOOT_PROTO_MB2, boot_proto
    movl %ebx, boot_info_phys
    jmp start32

bad_loader:
    movl $msg_loader, %esi
    jmp die

start32:
    movl $boot32_stack_top, %esp
    cld
    /* Long mode? CPUID 0x80000001 EDX bit 29. */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx
    jz no_long_mode
    movl %edx, %ebp                 /* keep: bit 20 = NX */

    /* Zero the boot page tables (7 pages, contiguous). */
    movl $boot_pml4, %edi
    xorl %eax, %eax
    movl $(7 * 4096 / 4), %ecx
    rep stosl

    /* PML4[0] and PML4[256] (DIRECT_MAP) -> the identity PDPT; PML4[511] -> kernel PDPT */
    movl $boot_pdpt_id, %eax
    orl $3, %eax
    movl %eax, boot_pml4
    movl %eax, boot_pml4 + 256 * 8
    movl $boot_pdpt_k, %eax
    orl $3, %eax
    movl %eax, boot_pml4 + 511 * 8

    /* Identity PDPT[0..3] -> PD0..PD3; kernel PDPT[510] -> PD0 (phys 0..1 GiB at KERNEL_VMA) */
    movl $boot_pd, %eax
    orl $3, %eax
    movl %eax, boot_pdpt_id
    movl %eax, boot_pdpt_k + 510 * 8
    addl $4096, %eax
    movl %eax, boot_pdpt_id + 8
    addl $4096, %eax
    movl %eax, boot_pdpt_id + 16
    addl $4096, %eax
    movl %eax, boot_pdpt_id + 24

    /* PD0..PD3: 2048 entries of 2 MiB pages covering 0..4 GiB (present, write, large). */
    movl $boot_pd, %edi
    movl $0x83, %eax
    movl $2048, %ecx
1:  movl %eax, (%edi)
    movl $0, 4(%edi)
    addl $0x200000, %eax
    addl $8, %edi
    loop 1b

    /* PAE on, CR3, EFER.LME (+NXE when supported), paging on with WP. */
    movl %cr4, %eax
    orl $(1 << 5), %eax
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $0xC0000080, %ecx
    rdmsr
    orl $(1 << 8), %eax
    testl $(1 << 20), %ebp
    jz 2f
    orl $(1 << 11), %eax
2:  wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16) | 1), %eax
    movl %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $SEL_KCODE, $start64_low

no_long_mode:
    movl $msg_no_lm, %esi
    /* fall through */

/* Print the NUL-terminated string at %esi on COM1 and halt forever. */
die:
1:  movb (%esi), %al
    testb %al, %al
    jz 3f
    movw $(COM1 + 5), %dx
2:  inb %dx, %al
    testb $0x20, %al
    jz 2b
    movb (%esi), %al
    movw $COM1, %dx
    outb %al, %dx
    incl %esi
    jmp 1b
3:  cli
    hlt
    jmp 3b

    .code64
start64_low:
    movabsq $start64, %rax
    jmp *%rax

    .section .boot.data, "aw"
    .p2align 3
    .globl boot_proto, boot_info_phys
boot_proto:     .long 0
boot_info_phys: .long 0
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* SEL_KCODE: 64-bit code */
    .quad 0x00cf92000000ffff        /* SEL_KDATA: data */
boot_gdt_end:
boot_gdt_ptr:
    .short boot_gdt_end - boot_gdt - 1
    .long boot_gdt
msg_no_lm:  .asciz "Azoth: this CPU has no 64-bit long mode; Azoth needs an x86-64 CPU.\r\n"
msg_loader: .asciz "Azoth: unknown boot loader (not PVH or Multiboot2).\r\n"

    .section .boot.bss, "aw", @nobits
    .p2align 12
    .globl boot_pml4
boot_pml4:    .skip 4096
boot_pdpt_id: .skip 4096
boot_pdpt_k:  .skip 4096
boot_pd:      .skip 4 * 4096
boot32_stack: .skip 1024
boot32_stack_top:

    .section .note.GNU-stack, "", @progbits
