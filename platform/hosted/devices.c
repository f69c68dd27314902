/* The hosted platform's device double for driver components: port I/O
 * reaches a CMOS real-time clock that reads the host's UTC time (BCD, 24-hour,
 * as QEMU's and most PCs' firmware leave it), a 16550 UART at COM1 on the
 * terminal (its input is the console's; enabling its line 4 hands the input
 * from the kernel console to the driver, as on bare metal), and a receive-
 * only 16550 at COM2 (line 3) whose input is the file or FIFO the
 * environment variable AZOTH_COM2 names (a GPS receiver's NMEA sentences,
 * for the GPS driver's tests), and the PCI configuration ports (pci.c) in
 * front of an AC'97 controller (ac97.c, when AZOTH_AC97 is set) and a
 * virtio-blk disk (virtio_blk.c, when AZOTH_DISK is set) and a host folder
 * (hostdir.c, when AZOTH_HOSTDIR is set) and a network card (virtio_net.c,
 * when AZOTH_NET names a peer), whose registers are the only
 * device memory (plat_mmio_emul_*); every other port reads all
 * ones and ignores writes, like an empty ISA bus. DMA buffers are RAM mapped
 * into components (vrange.c), which the doubles write. */
#include "hosted.h"

#include <athanor/errors.h>
#include <athanor/hw.h>
#include <athanor/klib.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
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

/* ---- COM1: a 16550 on the terminal ---- */
#define COM1 0x3f8
#define UART_LINE 4
static uint8_t uart_ier, uart_scratch;
static volatile bool uart_enabled, uart_masked; /* line 4 held by a driver; masked until its ack */

bool hosted_uart_owns_input(void)
{
    return uart_enabled;
}

void hosted_uart_input_ready(void)
{
    if (uart_enabled && !uart_masked && (uart_ier & 1)) {
        uart_masked = true; /* as the platform masks a line that fired */
        hw_irq_fired(UART_LINE);
    }
}

static uint8_t uart_in(uint16_t reg)
{
    uint8_t c;
    switch (reg) {
    case 0: return hosted_console_take(&c) ? c : 0;
    case 1: return uart_ier;
    case 5: return (uint8_t)(0x60 | (hosted_console_pending() ? 1 : 0)); /* THR empty, data ready */
    case 7: return uart_scratch;
    default: return 0;
    }
}

static void uart_out(uint16_t reg, uint8_t v)
{
    switch (reg) {
    case 0: {
        char ch = (char)v;
        plat_console_write(&ch, 1);
        break;
    }
    case 1: uart_ier = v; break;
    case 7: uart_scratch = v; break;
    default: break;
    }
}

/* ---- COM2: a receiver whose bytes come from a file or a pipe ---- */
/* A reader thread copies AZOTH_COM2 (a file, or a FIFO a test feeds at a
 * receiver's pace) into a ring and raises the console's signal, whose
 * handler (hosted_com2_input_ready, interrupt context) fires line 3 if the
 * driver enabled it; the kernel side consumes the ring. A receive FIFO
 * clear (FCR bit 1) drops what waits, as on a 16550. */
#define COM2 0x2f8
#define COM2_LINE 3
#define COM2_RING 65536u /* power of two */
static uint8_t            com2_buf[COM2_RING];
static struct hosted_ring com2_ring = { com2_buf, COM2_RING, 0, 0 };
static uint8_t          com2_ier, com2_scratch;
static volatile bool    com2_enabled, com2_masked;

static void *com2_reader(void *arg)
{
    int fd = (int)(intptr_t)arg;
    uint8_t buf[512];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) { /* what a FIFO has, as it comes */
        for (ssize_t i = 0; i < n; i++)
            hosted_ring_put(&com2_ring, buf[i]);
        hosted_console_kick();
    }
    close(fd);
    return NULL;
}

void hosted_com2_init(void)
{
    const char *path = getenv("AZOTH_COM2");
    int fd = path ? open(path, O_RDONLY) : -1;
    if (fd < 0)
        return;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* the reader never takes the kernel's signals */
    pthread_t t;
    if (pthread_create(&t, NULL, com2_reader, (void *)(intptr_t)fd) != 0)
        kpanic("hosted: cannot start the COM2 reader");
    pthread_detach(t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static bool com2_pending(void)
{
    return hosted_ring_pending(&com2_ring);
}

/* The line fires while received data is waiting, the driver asked for it
 * (IER bit 0) and has not masked it (as the platform masks a line that
 * fired, until the driver's acknowledgement). */
static void com2_maybe_fire(void)
{
    if (com2_enabled && !com2_masked && (com2_ier & 1) && com2_pending()) {
        com2_masked = true;
        irqflags_t f = plat_irq_save(); /* as in an interrupt handler */
        hw_irq_fired(COM2_LINE);
        plat_irq_restore(f);
    }
}

void hosted_com2_input_ready(void)
{
    com2_maybe_fire();
}

static uint8_t com2_in(uint16_t reg)
{
    switch (reg) {
    case 0: {
        uint8_t c = 0;
        hosted_ring_take(&com2_ring, &c);
        return c;
    }
    case 1: return com2_ier;
    case 5: return (uint8_t)(0x60 | (com2_pending() ? 1 : 0));
    case 7: return com2_scratch;
    default: return 0;
    }
}

static void com2_out(uint16_t reg, uint8_t v)
{
    if (reg == 1) {
        com2_ier = v;
        com2_maybe_fire();
    } else if (reg == 2 && (v & 2)) {
        hosted_ring_drop(&com2_ring);
    } else if (reg == 7) {
        com2_scratch = v;
    }
}

uint32_t plat_io_in(uint16_t port, unsigned width)
{
    uint32_t v;
    if (hosted_pci_in(port, width, &v) || hosted_ac97_in(port, width, &v))
        return v;
    if (port == CMOS_DATA && width == 1)
        return cmos_read(cmos_index & 0x7f);
    if (port >= COM1 && port < COM1 + 8 && width == 1)
        return uart_in((uint16_t)(port - COM1));
    if (port >= COM2 && port < COM2 + 8 && width == 1)
        return com2_in((uint16_t)(port - COM2));
    return width == 1 ? 0xffu : width == 2 ? 0xffffu : 0xffffffffu;
}

void plat_io_out(uint16_t port, unsigned width, uint32_t value)
{
    if (hosted_pci_out(port, width, value) || hosted_ac97_out(port, width, value))
        return;
    if (port == CMOS_INDEX && width == 1)
        cmos_index = (uint8_t)value;
    else if (port >= COM1 && port < COM1 + 8 && width == 1)
        uart_out((uint16_t)(port - COM1), (uint8_t)value);
    else if (port >= COM2 && port < COM2 + 8 && width == 1)
        com2_out((uint16_t)(port - COM2), (uint8_t)value);
}

int plat_irqline_enable(unsigned line)
{
    if (line == HOSTED_VIRTIO_LINE && hosted_virtio_present()) {
        hosted_virtio_line(true);
        return 0;
    }
    if (line == HOSTED_AC97_LINE && hosted_ac97_present()) {
        hosted_ac97_line(true);
        return 0;
    }
    if (line == HOSTED_VNET_LINE && hosted_vnet_present()) {
        hosted_vnet_line(true);
        return 0;
    }
    if (line == COM2_LINE) {
        com2_masked = false;
        com2_enabled = true;
        com2_maybe_fire();
        return 0;
    }
    if (line != UART_LINE)
        return -ATH_ENOSYS;
    uart_masked = false;
    uart_enabled = true; /* the console's input now waits for the driver */
    hosted_console_kick();
    return 0;
}

void plat_irqline_disable(unsigned line)
{
    if (line == HOSTED_VIRTIO_LINE && hosted_virtio_present())
        hosted_virtio_line(false);
    if (line == HOSTED_AC97_LINE && hosted_ac97_present())
        hosted_ac97_line(false);
    if (line == HOSTED_VNET_LINE && hosted_vnet_present())
        hosted_vnet_line(false);
    if (line == COM2_LINE)
        com2_enabled = false;
    if (line == UART_LINE && uart_enabled) {
        uart_enabled = false; /* back to the kernel console */
        hosted_console_kick();
    }
}

void plat_irqline_unmask(unsigned line)
{
    if (line == HOSTED_VIRTIO_LINE && hosted_virtio_present())
        hosted_virtio_unmask();
    if (line == HOSTED_AC97_LINE && hosted_ac97_present())
        hosted_ac97_unmask();
    if (line == HOSTED_VNET_LINE && hosted_vnet_present())
        hosted_vnet_unmask();
    if (line == COM2_LINE && com2_masked) {
        com2_masked = false;
        com2_maybe_fire(); /* data left: fire again */
    }
    if (line == UART_LINE && uart_masked) {
        uart_masked = false;
        if (hosted_console_pending())
            hosted_console_kick(); /* more came meanwhile: fire again */
    }
}

volatile void *plat_mmio_ptr(uint64_t phys, size_t len)
{
    (void)phys;
    (void)len;
    return NULL; /* no device memory to map: the doubles' registers are functions */
}

int plat_mmio_emul_read(uint64_t phys, unsigned width, uint64_t *val)
{
    int r = hosted_virtio_mmio(phys, width, false, val);
    r = r == -ATH_ENOSYS ? hosted_hostdir_mmio(phys, width, false, val) : r;
    return r == -ATH_ENOSYS ? hosted_vnet_mmio(phys, width, false, val) : r;
}

int plat_mmio_emul_write(uint64_t phys, unsigned width, uint64_t val)
{
    int r = hosted_virtio_mmio(phys, width, true, &val);
    r = r == -ATH_ENOSYS ? hosted_hostdir_mmio(phys, width, true, &val) : r;
    return r == -ATH_ENOSYS ? hosted_vnet_mmio(phys, width, true, &val) : r;
}
