/* The bare-metal virtual memory layout (see docs/architecture.md).
 * Shared by the linker script, the boot assembly and C. */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

#define KERNEL_PHYS     0x200000             /* load address of the kernel image (2 MiB) */
#define KERNEL_VMA      0xffffffff80000000   /* the image is linked at KERNEL_VMA + phys */
#define DIRECT_MAP      0xffff800000000000   /* all RAM, phys p at DIRECT_MAP + p */
#define STACK_AREA      0xffffc00000000000   /* kernel thread stacks, each below a guard page */
#define STACK_SLOT      0x40000              /* 256 KiB per slot: guard page + up to 252 KiB */
#define STACK_SLOTS     4096
#define MMIO_AREA       0xffffd00000000000   /* device registers, uncached */
#define VRANGE_AREA     0xffff900000000000   /* component linear memories, 8 GiB + 2 MiB slots */
#define VRANGE_SLOT     0x200200000          /* = PLAT_VRANGE_MAX: 8 GiB + 2 MiB */
#define VRANGE_SLOTS    1024
#define MMIO_AREA_SIZE  0x40000000
#define CODE_AREA       0xffffe00000000000   /* packages' code loaded at run time, 64 MiB slots */
#define CODE_SLOT       0x4000000            /* = PLAT_CODE_MAX */
#define CODE_SLOTS      256
#define BOOT_MAP_LIMIT  0x100000000          /* the boot page tables map the first 4 GiB */

#define BOOT_STACK_SIZE 0x4000

/* Segment selectors (gdt.c and the boot GDT agree on these). */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_TSS   0x18

/* Boot protocols recorded by the 32-bit entry code. */
#define BOOT_PROTO_PVH 1
#define BOOT_PROTO_MB2 2

#endif
