/* Device interrupt lines for drivers (plat_irqline_*): ISA IRQ n arrives at
 * vector VEC_IRQ_BASE + n through the I/O APIC, at the GSI and polarity the
 * MADT says. A line that fires is masked until the driver acknowledges it,
 * so a level-triggered line cannot storm while its driver is busy (or gone). */
#include <arch/arch.h>
#include <athanor/errors.h>
#include <athanor/hw.h>

int plat_irqline_enable(unsigned line)
{
    if (line >= PLAT_IRQ_LINES || line == COM1_ISA_IRQ || line == 0 || line == 2)
        return -ATH_EBUSY; /* the kernel's own (console, PIT, cascade) */
    const struct isa_route *r = &acpi.isa[line];
    ioapic_route(r->gsi, (uint8_t)(VEC_IRQ_BASE + line), r->active_low, r->level);
    return 0;
}

void plat_irqline_disable(unsigned line)
{
    if (line < PLAT_IRQ_LINES)
        ioapic_mask(acpi.isa[line].gsi, true);
}

void plat_irqline_unmask(unsigned line)
{
    if (line < PLAT_IRQ_LINES)
        ioapic_mask(acpi.isa[line].gsi, false);
}

/* From x86_trap, interrupts off: mask, acknowledge, hand to the core. */
void irqline_fired(unsigned line)
{
    ioapic_mask(acpi.isa[line].gsi, true);
    lapic_eoi();
    hw_irq_fired(line);
}
