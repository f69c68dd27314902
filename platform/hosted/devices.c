/* The hosted platform's device double for driver components: port I/O
 * reaches a CMOS real-time clock that reads the host's UTC time (BCD, 24-hour,
 * as QEMU's and most PCs' firmware leave it); every other port reads all ones
 * and ignores writes, like an empty ISA bus. Enough for the RTC driver and
 * for the PCI scan to find no devices. No device raises interrupts, so no
 * interrupt line can be enabled, and there is no device memory or DMA. */
#include "hosted.h"

#include <athanor/errors.h>
#include <time.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71

static uint8_t cmos_index;

static uint8_t bcd(int v)
{
    return (uint8_t)((v / 10) << 4 | (v % 10));
}

static uint8_t cmos_read(uint8_t reg)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    switch (reg) {
    case 0x00: return bcd(tm.tm_sec);
    case 0x02: return bcd(tm.tm_min);
    case 0x04: return bcd(tm.tm_hour);
    case 0x06: return bcd(tm.tm_wday + 1);
    case 0x07: return bcd(tm.tm_mday);
    case 0x08: return bcd(tm.tm_mon + 1);
    case 0x09: return bcd(tm.tm_year % 100);
    case 0x32: return bcd((tm.tm_year + 1900) / 100); /* century (ACPI FADT's usual register) */
    case 0x0a: return 0x26;                           /* no update in progress */
    case 0x0b: return 0x02;                           /* BCD, 24-hour */
    case 0x0d: return 0x80;                           /* battery good */
    default:   return 0;
    }
}

uint32_t plat_io_in(uint16_t port, unsigned width)
{
    if (port == CMOS_DATA && width == 1)
        return cmos_read(cmos_index & 0x7f);
    return width == 1 ? 0xffu : width == 2 ? 0xffffu : 0xffffffffu;
}

void plat_io_out(uint16_t port, unsigned width, uint32_t value)
{
    if (port == CMOS_INDEX && width == 1)
        cmos_index = (uint8_t)value;
}

int plat_irqline_enable(unsigned line)
{
    (void)line;
    return -ATH_ENOSYS;
}

void plat_irqline_disable(unsigned line)
{
    (void)line;
}

void plat_irqline_unmask(unsigned line)
{
    (void)line;
}

volatile void *plat_mmio_ptr(uint64_t phys, size_t len)
{
    (void)phys;
    (void)len;
    return NULL; /* no device memory on the hosted platform */
}

int plat_vrange_map_frames(struct plat_vrange *r, size_t off, phys_addr_t phys, size_t len)
{
    (void)r, (void)off, (void)phys, (void)len;
    return -ATH_ENOSYS; /* no device could reach it */
}

int plat_vrange_phys(struct plat_vrange *r, size_t off, phys_addr_t *phys)
{
    (void)r, (void)off, (void)phys;
    return -ATH_ENOSYS;
}
