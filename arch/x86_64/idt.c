/* IDT: all 256 vectors point at the stubs in isr.S; #DF, NMI and #MC run on
 * their own IST stacks. */
#include <arch/arch.h>
#include <arch/gdt.h>

extern char isr_stubs[];
#define STUB_SIZE 16

struct __attribute__((packed)) idt_entry {
    uint16_t off_lo;
    uint16_t sel;
    uint8_t  ist;
    uint8_t  type;   /* 0x8E: present, ring 0, 64-bit interrupt gate (IF cleared on entry) */
    uint16_t off_mid;
    uint32_t off_hi;
    uint32_t zero;
};

static struct idt_entry idt[256] __attribute__((aligned(16)));

struct __attribute__((packed)) idt_ptr {
    uint16_t limit;
    uint64_t base;
};

void idt_init(void)
{
    for (int v = 0; v < 256; v++) {
        uint64_t a = (uint64_t)(uintptr_t)(isr_stubs + v * STUB_SIZE);
        idt[v].off_lo = (uint16_t)a;
        idt[v].sel = SEL_KCODE;
        idt[v].ist = 0;
        idt[v].type = 0x8E;
        idt[v].off_mid = (uint16_t)(a >> 16);
        idt[v].off_hi = (uint32_t)(a >> 32);
        idt[v].zero = 0;
    }
    idt[2].ist = IST_NMI;
    idt[8].ist = IST_DOUBLE_FAULT;
    idt[18].ist = IST_MACHINE_CHECK;
    struct idt_ptr p = { sizeof idt - 1, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" ::"m"(p));
}
