/* 16550 UART driver for COM1: its ports (0x3F8-0x3FF) and its interrupt
 * line (4) are all it holds. Enabling the line takes the console's input
 * from the kernel (which keeps writing its own messages, polled); input
 * arrives by interrupt, as notification bits, into a ring; output is polled.
 * If the driver stops, the kernel console gets its input back.
 *   op 1 WRITE       with ath_call_msg: the message's bytes -> 0
 *   op 2 READ(ms)    up to 7 bytes, waiting up to ms for the first:
 *                    count | byte0 << 8 | byte1 << 16 ... (0 on timeout)
 *   op 3 SUBSCRIBE(bits), with ath_call_grant of a notification: the line
 *                    is bound to it, so the reader learns of input without
 *                    a call waiting here; READ(0) then drains and acknowledges */
#include <stdio.h>
#include <string.h>

#include <athanor.h>
#include <athanor_input.h>

#define COM1 0x3f8
enum { DATA = 0, IER = 1, LSR = 5, SCRATCH = 7 };
#define LSR_DR   0x01
#define LSR_THRE 0x20
enum { OP_WRITE = 1, OP_READ = 2, OP_SUBSCRIBE = 3 };
#define ERR(e) ((uint64_t)(int64_t)-(e))

static ath_handle_t io;
static unsigned char msgbuf[256];

static void drain(struct ath_input *in)
{
    uint8_t lsr, c;
    while (ath_input_room(in) && ath_inb(io, COM1 + LSR, &lsr) == 0 && (lsr & LSR_DR) &&
           ath_inb(io, COM1 + DATA, &c) == 0)
        ath_input_put(in, c);
}

static struct ath_input input = { .drain = drain };

static void put(uint8_t c)
{
    uint8_t lsr = 0;
    for (int i = 0; i < 100000 && ath_inb(io, COM1 + LSR, &lsr) == 0 && !(lsr & LSR_THRE); i++)
        ;
    ath_outb(io, COM1 + DATA, c);
}

ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    (void)badge;
    (void)a2;
    switch (op) {
    case OP_WRITE:
        for (uint64_t i = 0; i < a1 && i < sizeof msgbuf; i++)
            put(msgbuf[i]);
        return 0;
    case ATH_OP_PROBE:
        return ath_probe_outside();
    case OP_READ:
        return ath_input_read(&input, a0);
    case OP_SUBSCRIBE: /* a2: our handle to the reader's notification */
        return ath_input_subscribe(&input, a0, (ath_handle_t)a2);
    default:
        return ERR(ATH_ENOSYS);
    }
}

int main(void)
{
    io = ath_cap_find(ATH_T_IOPORT, 0);
    input.irq = ath_cap_find(ATH_T_IRQ, 0);
    input.note = ath_notify_create();
    uint8_t v = 0;
    /* Is there a UART? Its scratch register keeps what is written. */
    if (io < 0 || ath_outb(io, COM1 + SCRATCH, 0x5a) || ath_inb(io, COM1 + SCRATCH, &v) || v != 0x5a) {
        printf("uart: no 16550 at COM1\n");
        return 0;
    }
    int r = ath_irq_bind(input.irq, input.note, 1);
    if (r) {
        printf("uart: cannot take COM1's interrupt line (%d)\n", r);
        return r == -ATH_ENOSYS ? 0 : 1;
    }
    ath_outb(io, COM1 + IER, 0x01); /* received data available */
    ath_irq_ack(input.irq); /* before the drain: see athanor_input.h */
    drain(&input);
    if (ath_set_msgbuf(msgbuf, sizeof msgbuf) != 0)
        return 1;
    printf("uart: COM1 is mine (input by interrupt)\n");
    return ath_serve();
}
