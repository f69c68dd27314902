/* Interfaces between the files of the x86-64 platform (not seen by kernel/). */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include <athanor/platform.h>
#include <arch/layout.h>

/* Interrupt vectors. */
#define VEC_PIC_BASE  0x20 /* legacy 8259 range, masked; only spurious IRQs land here */
#define VEC_TIMER     0x30
#define VEC_COM1      0x31
#define COM1_ISA_IRQ  4    /* the kernel console's line */
#define VEC_IRQ_BASE  0x40 /* + ISA IRQ: lines enabled for drivers (plat_irqline_*) */
#define VEC_SPURIOUS  0xFF

/* Register state pushed by isr.S (lowest address first). */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* serial.c */
void serial_init(void);
void serial_write(const char *s, size_t n);
void serial_enable_rx_irq(void);
void serial_irq(void);

/* bootinfo.c: parse the loader's data into bi; returns false on bad magic. */
bool bootinfo_parse(uint32_t proto, uint32_t info_phys, struct boot_info *bi);
/* Physical address of the ACPI RSDP the loader gave us (0 if none). */
uint64_t bootinfo_rsdp(void);

/* cpu.c */
struct cpu_caps {
    bool nx, pages_1g, xsave, avx, avx2, x2apic, rdrand, rdseed, invariant_tsc, tsc_deadline;
    uint32_t xsave_size;
};
extern struct cpu_caps cpu_caps;
void cpu_init(struct boot_info *bi);   /* detect features, enable SSE/AVX state */

/* gdt.c / idt.c */
void gdt_init(void);
void idt_init(void);

/* trap.c */
void x86_trap(struct trap_frame *f);

/* vm.c: the kernel's own address space. */
void  vm_init(void);                    /* build and load the kernel page tables */
void *vm_map_mmio(uint64_t phys, size_t size);  /* uncached device mapping */
bool  vm_is_stack_guard(uintptr_t va);  /* va lies in a guard page below a kernel stack */
/* Map one fresh zeroed frame read-write (NX) at va / unmap va and free its
 * frame. Both take vm_lock. */
int   vm_map_fresh_page(uint64_t va);
void  vm_unmap_and_free_page(uint64_t va);
/* Frame mapped at va (a 4 KiB page that must be mapped). */
phys_addr_t vm_page_frame(uint64_t va);
/* Move the page table under the 2 MiB at `from` to `to` (see
 * pt_move_table); no TLB flush: call vm_flush_tlb() after a batch. */
int   vm_move_2m(uint64_t from, uint64_t to, bool writable);
void  vm_flush_tlb(void);
/* See pt_table_count. */
int   vm_table_count(uint64_t va);
/* Is a 4 KiB page mapped at va (its frame in *pa if pa is not NULL)? */
bool  vm_page_mapped(uint64_t va, phys_addr_t *pa);
/* Unmap the page at va without freeing its frame (returned in *pa); false
 * if nothing was mapped there. */
bool  vm_unmap_keep_page(uint64_t va, phys_addr_t *pa);
/* Point the 4 KiB page at va to frame pa, read-only or read-write. */
void  vm_remap_page(uint64_t va, phys_addr_t pa, bool writable);
/* Make mapped 4 KiB pages [va, va+len) read-only or read-write, one TLB flush. */
void  vm_protect_range(uint64_t va, size_t len, bool writable);
/* Give the mapped 4 KiB pages of [va, va+len) the attributes attr
 * (enum pt_attr: PT_EXEC without PT_WRITE for code) and flush the TLB. */
int   vm_protect_pages(uint64_t va, size_t len, unsigned attr);

/* pit.c / lapic.c / ioapic.c / acpi.c */
void     pit_wait_start(uint32_t us);   /* start a PIT one-shot of `us` microseconds (channel 2) */
bool     pit_wait_done(void);
uint16_t pit_count(void);              /* channel 2's count now */
uint64_t pit_ticks_ns(uint32_t ticks); /* how long that many PIT ticks last */
void     pic_disable(void);
void     lapic_init(void);
void     lapic_eoi(void);
uint32_t lapic_id(void);
void     clock_init(void);              /* calibrate TSC and LAPIC timer against the PIT */
void     timer_irq(void);
/* Where an ISA IRQ arrives: its GSI and polarity/trigger (identity, active
 * high, edge unless the MADT overrides it). */
struct isa_route {
    uint32_t gsi;
    bool     active_low, level;
};

struct acpi_info {
    uint64_t ioapic_phys;
    uint32_t ioapic_gsi_base;
    uint32_t com1_gsi;
    bool     com1_active_low, com1_level;
    struct isa_route isa[16];
    uint16_t pm1a_cnt, pm1b_cnt;
    uint16_t slp_typa, slp_typb;
    bool     s5_found;
    uint8_t  reset_space;  /* FADT reset register (1 = I/O) */
    uint64_t reset_addr;
    uint8_t  reset_value;
    bool     reset_supported;
};
extern struct acpi_info acpi;
void acpi_init(void);
void ioapic_init(void);
void ioapic_route(uint32_t gsi, uint8_t vector, bool active_low, bool level);
void ioapic_mask(uint32_t gsi, bool masked);
void irqline_fired(unsigned line); /* irqline.c: a driver's line fired (interrupt context) */

/* power.c */
bool x86_test_mode(void);

#endif
