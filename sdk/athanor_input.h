/* The reading side of a console input driver (the UART, the PS/2 keyboard):
 * a ring of bytes the device's drain function fills, READ (up to 7 bytes,
 * waiting on the driver's own interrupt notification unless a reader has
 * subscribed) and SUBSCRIBE (the line bound to the reader's notification,
 * so the reader sleeps on its own and asks with READ(0)). Include after
 * athanor.h; one struct ath_input per driver. */
#ifndef ATHANOR_INPUT_H
#define ATHANOR_INPUT_H

#include <athanor.h>

struct ath_input {
    unsigned char ring[1024];
    unsigned      head, tail;             /* ring[tail..head) */
    ath_handle_t  irq, note, subscriber;  /* our line, our notification, the reader's copy */
    void        (*drain)(struct ath_input *in); /* read the device into the ring */
};

/* Room left in the ring. A drain function reads the device only while
 * there is room: what it cannot take stays in the device, which holds the
 * sender back (a UART's FIFO full: QEMU and the hosted double stop
 * accepting input), so no byte is lost, however fast it comes. */
static inline unsigned ath_input_room(const struct ath_input *in)
{
    return (unsigned)sizeof in->ring - (in->head - in->tail);
}

static inline void ath_input_put(struct ath_input *in, unsigned char c)
{
    if (ath_input_room(in))
        in->ring[in->head++ % sizeof in->ring] = c;
}

/* READ(ms): count | byte0 << 8 | byte1 << 16 ... (0 bytes on timeout). */
static inline uint64_t ath_input_read(struct ath_input *in, uint64_t ms)
{
    uint64_t bits;
    if (in->head == in->tail) {
        if (!in->subscriber && ms)
            ath_notify_wait(in->note, 1, (ms > 10000 ? 10000 : ms) * 1000000ull, &bits);
        /* Unmasked before the drain: ISA lines are edge-triggered on the
         * I/O APIC, and a byte arriving between a drain and a later
         * acknowledgement raises the line while masked, an edge lost for
         * good (the GPS driver's receiver stalled that way). */
        ath_irq_ack(in->irq);
        in->drain(in);
    }
    uint64_t v = 0, n = 0;
    while (n < 7 && in->tail != in->head) {
        v |= (uint64_t)in->ring[in->tail++ % sizeof in->ring] << (8 * (n + 1));
        n++;
    }
    return v | n;
}

/* SUBSCRIBE(bits) with the reader's notification n (our handle to it, from
 * ath_call_grant): 0, or a negative error as a u64. */
static inline uint64_t ath_input_subscribe(struct ath_input *in, uint64_t bits, ath_handle_t n)
{
    int r = ath_irq_bind(in->irq, n, bits ? bits : 1);
    if (r)
        return (uint64_t)(int64_t)r;
    if (in->subscriber > 0)
        ath_cap_delete(in->subscriber);
    in->subscriber = n;
    return 0;
}

#endif
