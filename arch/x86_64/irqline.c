/* Device interrupt lines for drivers (plat_irqline_*): ISA IRQ n arrives at
 * vector VEC_IRQ_BASE + n through the I/O APIC, at the GSI and polarity the
 * MADT says. A line that fires is masked until the driver acknowledges it,
 * so a level-triggered line cannot storm while its driver is busy (or gone).
 *
 * COM1's line (4) is the kernel console's until a UART driver enables it:
 * then input goes to the driver, and the kernel only writes (polled). When
 * the driver lets go (it stopped), the kernel console takes input back, so
 * the monitor answers again. */
#include <arch/arch.h>
#include <athanor/errors.h>
#include <athanor/hw.h>

int plat_irqline_enable(unsigned line)
{
    if (line >= PLAT_IRQ_LINES || line == 0 || line == 2)
        return -ATH_EBUSY; /* the kernel's own (PIT, cascade) */
    const struct isa_route *r = &acpi.isa[line];
    ioapic_route(r->gsi, (uint8_t)(VEC_IRQ_BASE + line), r->active_low, r->level);
    return 0;
}

void plat_irqline_disable(unsigned line)
{
    if (line == COM1_ISA_IRQ)
        serial_enable_rx_irq(); /* back to the kernel console */
    else if (line < PLAT_IRQ_LINES)
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
