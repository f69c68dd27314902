/* GDT with a 64-bit code and data segment and a TSS whose interrupt stack
 * table gives #DF, NMI and #MC their own stacks: a kernel stack overflow
 * then still produces a report instead of a triple fault. */
#include <arch/arch.h>
#include <arch/gdt.h>
#include <athanor/klib.h>

struct __attribute__((packed)) tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

#define IST_STACK_SIZE 8192
static uint8_t ist_stacks[IST_COUNT][IST_STACK_SIZE] __attribute__((aligned(16)));
static struct tss tss;
static uint64_t gdt[5] __attribute__((aligned(16)));

struct __attribute__((packed)) desc_ptr {
    uint16_t limit;
    uint64_t base;
};

void gdt_init(void)
{
    gdt[0] = 0;
    gdt[SEL_KCODE / 8] = 0x00af9a000000ffffull; /* present, ring 0, code, long mode */
    gdt[SEL_KDATA / 8] = 0x00cf92000000ffffull; /* present, ring 0, data, writable */
    for (int i = 0; i < IST_COUNT; i++)
        tss.ist[i] = (uint64_t)(uintptr_t)(ist_stacks[i] + IST_STACK_SIZE);
    tss.iomap_base = sizeof tss; /* no I/O permission bitmap */
    uint64_t base = (uint64_t)(uintptr_t)&tss, limit = sizeof tss - 1;
    /* 16-byte system descriptor: type 9 (available 64-bit TSS), present. */
    gdt[SEL_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
                       ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
    gdt[SEL_TSS / 8 + 1] = base >> 32;

    struct desc_ptr p = { sizeof gdt - 1, (uint64_t)(uintptr_t)gdt };
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw %w2, %%ax\n\t"
                     "movw %%ax, %%ds\n\t"
                     "movw %%ax, %%es\n\t"
                     "movw %%ax, %%ss\n\t"
                     "ltr %w3"
                     :
                     : "m"(p), "i"((uint64_t)SEL_KCODE), "r"((uint32_t)SEL_KDATA), "r"((uint32_t)SEL_TSS)
                     : "rax", "memory");
}

bool gdt_on_ist_stack(uintptr_t sp)
{
    uintptr_t lo = (uintptr_t)ist_stacks, hi = lo + sizeof ist_stacks;
    return sp >= lo && sp < hi;
}
