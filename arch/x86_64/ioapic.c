/* I/O APIC: routes device interrupt lines (GSIs) to vectors on this CPU. */
#include <arch/arch.h>
#include <athanor/klib.h>
#include <athanor/spinlock.h>

#define IOREGSEL  0x00
#define IOWIN     0x10
#define IOAPICVER 0x01
#define REDTBL(n) (0x10 + 2 * (n))
#define RED_MASKED     (1u << 16)
#define RED_LEVEL      (1u << 15)
#define RED_ACTIVE_LOW (1u << 13)

static volatile uint32_t *io;
static unsigned           nlines;
static spinlock_t         io_lock = SPINLOCK_INIT; /* IOREGSEL/IOWIN are a pair */

static uint32_t rd(uint32_t reg)
{
    io[IOREGSEL / 4] = reg;
    return io[IOWIN / 4];
}

static void wr(uint32_t reg, uint32_t v)
{
    io[IOREGSEL / 4] = reg;
    io[IOWIN / 4] = v;
}

void ioapic_init(void)
{
    io = vm_map_mmio(acpi.ioapic_phys, 4096);
    if (!io)
        kpanic("ioapic: cannot map registers");
    nlines = ((rd(IOAPICVER) >> 16) & 0xff) + 1;
    for (unsigned i = 0; i < nlines; i++)
        wr(REDTBL(i), RED_MASKED);
}

void ioapic_mask(uint32_t gsi, bool masked)
{
    uint32_t line = gsi - acpi.ioapic_gsi_base;
    if (gsi < acpi.ioapic_gsi_base || line >= nlines)
        return;
    irqflags_t f = spin_lock_irqsave(&io_lock);
    uint32_t v = rd(REDTBL(line));
    wr(REDTBL(line), masked ? v | RED_MASKED : v & ~RED_MASKED);
    spin_unlock_irqrestore(&io_lock, f);
}

void ioapic_route(uint32_t gsi, uint8_t vector, bool active_low, bool level)
{
    uint32_t line = gsi - acpi.ioapic_gsi_base;
    if (gsi < acpi.ioapic_gsi_base || line >= nlines) {
        kprintf("ioapic: GSI %u is not on this I/O APIC\n", gsi);
        return;
    }
    irqflags_t f = spin_lock_irqsave(&io_lock);
    wr(REDTBL(line) + 1, lapic_id() << 24);
    wr(REDTBL(line), vector | (active_low ? RED_ACTIVE_LOW : 0) | (level ? RED_LEVEL : 0));
    spin_unlock_irqrestore(&io_lock, f);
}
