/* 16550 UART on COM1: polled output (usable from the first instruction and
 * from fault handlers) and interrupt-driven input feeding the console. */
#include <arch/arch.h>
#include <arch/x86.h>
#include <athanor/console.h>

#define COM1     0x3f8
#define REG_DATA 0
#define REG_IER  1
#define REG_FCR  2
#define REG_LCR  3
#define REG_MCR  4
#define REG_LSR  5
#define LSR_DR   0x01 /* data ready */
#define LSR_THRE 0x20 /* transmit holding register empty */
#define LCR_DLAB 0x80
#define LCR_8N1  0x03
#define MCR_DTR_RTS_OUT2 0x0b /* OUT2 gates the UART's interrupt line on PCs */
#define BAUD_DIVISOR 1        /* 115200 baud */

void serial_init(void)
{
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, LCR_DLAB);
    outb(COM1 + REG_DATA, BAUD_DIVISOR & 0xff);
    outb(COM1 + REG_IER, BAUD_DIVISOR >> 8);
    outb(COM1 + REG_LCR, LCR_8N1);
    /* The FIFOs stay off: switching them on resets the receiver, losing
     * bytes a piped console may already have delivered. */
    outb(COM1 + REG_MCR, MCR_DTR_RTS_OUT2);
}

static void put(char c)
{
    while (!(inb(COM1 + REG_LSR) & LSR_THRE))
        __builtin_ia32_pause();
    outb(COM1 + REG_DATA, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            put('\r'); /* terminals want CR LF */
        put(s[i]);
    }
}

void serial_enable_rx_irq(void)
{
    ioapic_route(acpi.com1_gsi, VEC_COM1, acpi.com1_active_low, acpi.com1_level);
    outb(COM1 + REG_IER, 0x01); /* received data available */
    serial_irq();               /* drain anything typed before the interrupt was on */
}

/* Only what the console's ring has room for: the rest stays in the UART,
 * whose full FIFO holds the sender back (QEMU stops reading its input), and
 * is taken when the ring has emptied (plat_console_rx_ready). */
void serial_irq(void)
{
    while (console_input_room() && (inb(COM1 + REG_LSR) & LSR_DR))
        console_input_irq(inb(COM1 + REG_DATA));
}

void plat_console_rx_ready(void)
{
    /* The interrupt is an edge: bytes left in the FIFO raise no new one. */
    irqflags_t f = plat_irq_save();
    serial_irq();
    plat_irq_restore(f);
}
