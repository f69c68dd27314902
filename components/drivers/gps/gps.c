/* GPS receiver driver: NMEA 0183 sentences on COM2, by interrupt, parsed by
 * components/drivers/nmea.c into struct ath_location records for the
 * privacy service, the only component that may call it. It owns no
 * hardware: the service grants COM2's ports and line 3 for a session,
 * revokes them at its end and resets this driver to its snapshot, so no
 * position outlives a session here (docs/privacy.md). When the line falls
 * quiet it prints what it counted (sentences, bad checksums, malformed and
 * overlong lines, which it drops); positions it prints never.
 * Args "keep-going": a driver that will not let go (a test): at every
 * start it tries COM2 through every handle it could have held, and prints
 * how many of its attempts the kernel refused. */
#include <stdio.h>
#include <string.h>

#include <athanor.h>
#include <athanor_privacy.h>

#include "../nmea.c"

#define COM2 0x2f8
enum { DATA = 0, IER = 1, FCR = 2, LCR = 3, LSR = 5, SCRATCH = 7 };
#define LSR_DR   0x01
#define QUIET_NS (300 * 1000000ull) /* no byte for this long: print the counts */
#define RING     64                  /* positions kept until the service fetches them */

static ath_handle_t io = -1, irq = -1, data_note = -1, note;
static struct nmea_reader reader;
static struct nmea_stats shown;
static struct ath_location ring[RING];
static uint32_t head, tail, seq; /* ring: [tail, head); seq: positions read */
static uint32_t dropped;         /* positions the ring had no room for */

static void print_counts(const struct nmea_stats *st)
{
    printf("gps: sentences %u (gga %u, rmc %u, other %u), bad checksum %u, malformed %u, too long %u\n",
           st->sentences, st->gga, st->rmc, st->other, st->bad_checksum, st->malformed, st->too_long);
}

static void keep(const struct nmea_fix *f)
{
    if (!f->have_pos)
        return; /* a sentence without a position delivers nothing */
    if (head - tail == RING) {
        dropped++;
        tail++; /* the oldest goes: a reader wants the newest */
    }
    struct ath_location *l = &ring[head++ % RING];
    memset(l, 0, sizeof *l);
    l->lat_e7 = f->lat_e7;
    l->lon_e7 = f->lon_e7;
    l->alt_mm = f->have_alt ? f->alt_mm : 0;
    l->time_ms = f->time_ms;
    l->date = f->date;
    l->seq = ++seq;
    l->hdop_x100 = f->hdop_x100;
    l->kind = f->kind == NMEA_GGA ? 1 : 2;
    l->quality = f->quality;
    l->satellites = f->satellites;
    l->valid = f->valid;
}

/* Everything the receiver has sent so far. */
static void drain(void)
{
    uint8_t lsr, c;
    struct nmea_fix fix;
    uint32_t before = head;
    while (ath_inb(io, COM2 + LSR, &lsr) == 0 && (lsr & LSR_DR) && ath_inb(io, COM2 + DATA, &c) == 0)
        if (nmea_push(&reader, c, &fix))
            keep(&fix);
    if (head != before && data_note >= 0)
        ath_notify_signal(data_note, ATH_SESSION_DATA);
}

/* The session's hardware, granted: is there a 16550, then 115200 baud 8N1
 * (receivers speak 4800 or 9600; on QEMU and the hosted double the rate
 * changes nothing but the timing), the 16-byte FIFO on (one interrupt per
 * burst), and received-data interrupts. */
static int start(void)
{
    uint8_t v = 0;
    if (io < 0 || irq < 0)
        return -ATH_EPERM;
    if (ath_outb(io, COM2 + SCRATCH, 0xa5) || ath_inb(io, COM2 + SCRATCH, &v) || v != 0xa5) {
        printf("gps: no 16550 at COM2\n");
        return -ATH_ENOENT;
    }
    int r = ath_irq_bind(irq, note, 1);
    if (r) {
        printf("gps: cannot take COM2's interrupt line (%d)\n", r);
        return r;
    }
    ath_outb(io, COM2 + LCR, 0x80);
    ath_outb(io, COM2 + DATA, 1);
    ath_outb(io, COM2 + IER, 0);
    ath_outb(io, COM2 + LCR, 0x03);
    ath_outb(io, COM2 + FCR, 0xc7); /* enable, clear both, interrupt at 14 bytes (or a pause) */
    ath_outb(io, COM2 + IER, 0x01); /* received data available */
    ath_irq_ack(irq);               /* before the drain: see the event */
    drain();
    return 0;
}

static uint64_t fetch(struct ath_location *out, uint32_t len)
{
    uint32_t n = 0, max = len / sizeof *out;
    while (tail != head && n < max)
        out[n++] = ring[tail++ % RING];
    return n;
}

static void granted(ath_handle_t h)
{
    struct ath_cap_info info;
    if (ath_cap_info(h, &info) != 0)
        return;
    if (info.type == ATH_T_IOPORT)
        io = h;
    else if (info.type == ATH_T_IRQ)
        irq = h;
    else if (info.type == ATH_T_NOTIFICATION)
        data_note = h;
}

ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    (void)a0;
    if (badge == 0 && op == ATH_OP_EVENT) {
        if (a0) { /* the line fired */
            /* Unmasked before the drain: the line is edge-triggered (an
             * ISA line on the I/O APIC), and a byte arriving between a
             * drain and a later acknowledgement would raise it while
             * masked, an edge lost for good; the receiver would stall. */
            ath_irq_ack(irq);
            drain();
            return QUIET_NS;
        }
        if (memcmp(&shown, &reader.stats, sizeof shown) != 0) { /* it fell quiet */
            print_counts(&reader.stats);
            shown = reader.stats;
        }
        return ATH_NO_TIMEOUT;
    }
    if (!ath_caller_is("privacy"))
        return (uint64_t)(int64_t)-ATH_EPERM;
    switch (op) {
    case ATH_SENSOR_GRANT:
        granted((ath_handle_t)a2);
        return 0;
    case ATH_SENSOR_START:
        return (uint64_t)(int64_t)start();
    case ATH_SENSOR_FETCH: /* a1 = the lent length, a2 = where it lies */
        return fetch((struct ath_location *)(uintptr_t)a2, (uint32_t)a1);
    default:
        return (uint64_t)(int64_t)-ATH_ENOSYS;
    }
}

/* A driver that will not let go: every handle it could have been given,
 * on the receiver's ports and line. */
static void keep_going(void)
{
    unsigned tried = 0, refused = 0;
    uint8_t v;
    for (uint32_t gen = 1; gen <= 2; gen++)
        for (uint32_t i = 1; i < 256; i++) { /* own zone and foreign zone */
            ath_handle_t h = (ath_handle_t)(gen << ATH_HANDLE_INDEX_BITS | i);
            struct ath_cap_info info;
            if (ath_cap_info(h, &info) == 0 && info.type != ATH_T_IOPORT && info.type != ATH_T_IRQ)
                continue; /* a capability of its own it may use (console, clock) */
            tried += 2;
            refused += ath_inb(h, COM2 + DATA, &v) != 0;
            refused += ath_irq_ack(h) != 0;
        }
    printf("gps: keep-going: %u attempts on COM2, %u refused\n", tried, refused);
}

int main(int argc, char **argv)
{
    nmea_init(&reader);
    /* After a reset, the notification of the first instance is still ours
     * (a reset keeps the capability table): no new one per session. */
    note = ath_cap_find(ATH_T_NOTIFICATION, 0);
    if (note < 0)
        note = ath_notify_create();
    if (argc > 1 && strcmp(argv[1], "keep-going") == 0)
        keep_going();
    return ath_serve_wait(note, 1, ATH_NO_TIMEOUT);
}
