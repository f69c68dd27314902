/* Boot headers: the PVH ELF note (QEMU -kernel, Xen) and the Multiboot2
 * header (GRUB). Both lead to 32-bit protected-mode entry points in start32.S. */
#include <arch/layout.h>

/* PVH: XEN_ELFNOTE_PHYS32_ENTRY (type 18), name "Xen". QEMU 7.2 needs the
 * note 4-byte aligned and the entry as a 64-bit value (see docs). */
    .section .note.Xen, "a"
    .p2align 2
    .long 4                 /* name size: "Xen\0" */
    .long 8                 /* descriptor size */
    .long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .p2align 2
    .quad pvh_entry

/* Multiboot2 header: must be 8-aligned within the first 32 KiB of the file. */
#define MB2_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0
    .section .multiboot2, "a"
    .p2align 3
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    /* information request: memory map (6), ACPI old/new RSDP (14, 15), cmdline (1) */
    .p2align 3
    .short 1, 0
    .long 24
    .long 1, 6, 14, 15
    /* end tag */
    .p2align 3
    .short 0, 0
    .long 8
mb2_header_end:

    .section .note.GNU-stack, "", @progbits
