/* GPS receiver driver: NMEA 0183 sentences on COM2 (ports 0x2F8-0x2FF,
 * line 3), by interrupt, parsed by components/drivers/nmea.c; it prints
 * each position (GGA, RMC) and, once the line falls quiet, what it counted
 * (sentences, bad checksums, malformed and overlong lines, which it drops).
 * Until the privacy service exists (docs/privacy.md), nothing else sees the
 * positions, and it is only in the test image. */
#include <stdio.h>
#include <string.h>

#include <athanor.h>

#include "../nmea.c"

#define COM2 0x2f8
enum { DATA = 0, IER = 1, FCR = 2, LCR = 3, LSR = 5, SCRATCH = 7 };
#define LSR_DR 0x01
#define QUIET_NS (300 * 1000000ull) /* no byte for this long: print the counts */

static ath_handle_t io;
static struct nmea_reader reader;

static void coord(char *buf, size_t n, int32_t e7, char pos, char neg)
{
    uint32_t a = (uint32_t)(e7 < 0 ? -(int64_t)e7 : e7);
    snprintf(buf, n, "%u.%07u %c", a / 10000000u, a % 10000000u, e7 < 0 ? neg : pos);
}

static void print_fix(const struct nmea_fix *f)
{
    char lat[24] = "-", lon[24] = "-";
    if (f->have_pos) {
        coord(lat, sizeof lat, f->lat_e7, 'N', 'S');
        coord(lon, sizeof lon, f->lon_e7, 'E', 'W');
    }
    unsigned s = f->time_ms / 1000;
    printf("gps: %s %02u:%02u:%02u %s %s", f->kind == NMEA_GGA ? "GGA" : "RMC", s / 3600, s / 60 % 60,
           s % 60, lat, lon);
    if (f->kind == NMEA_GGA)
        printf(" alt %ld.%03ld m quality %u satellites %u hdop %u.%02u\n", (long)(f->alt_mm / 1000),
               (long)((f->alt_mm < 0 ? -f->alt_mm : f->alt_mm) % 1000), f->quality, f->satellites,
               f->hdop_x100 / 100, f->hdop_x100 % 100);
    else
        printf(" %s date %06u\n", f->valid ? "active" : "void", (unsigned)f->date);
}

static void print_counts(const struct nmea_stats *st)
{
    printf("gps: sentences %u (gga %u, rmc %u, other %u), bad checksum %u, malformed %u, too long %u\n",
           st->sentences, st->gga, st->rmc, st->other, st->bad_checksum, st->malformed, st->too_long);
}

/* Everything the receiver has sent so far. */
static void drain(void)
{
    uint8_t lsr, c;
    struct nmea_fix fix;
    while (ath_inb(io, COM2 + LSR, &lsr) == 0 && (lsr & LSR_DR) && ath_inb(io, COM2 + DATA, &c) == 0)
        if (nmea_push(&reader, c, &fix))
            print_fix(&fix);
}

int main(void)
{
    io = ath_cap_find(ATH_T_IOPORT, 0);
    ath_handle_t irq = ath_cap_find(ATH_T_IRQ, 0), note = ath_notify_create();
    uint8_t v = 0;
    if (io < 0 || ath_outb(io, COM2 + SCRATCH, 0xa5) || ath_inb(io, COM2 + SCRATCH, &v) || v != 0xa5) {
        printf("gps: no 16550 at COM2\n");
        return 0;
    }
    int r = ath_irq_bind(irq, note, 1);
    if (r) {
        printf("gps: cannot take COM2's interrupt line (%d)\n", r);
        return 1;
    }
    nmea_init(&reader);
    printf("gps: listening on COM2\n");
    /* 115200 baud, 8N1 (receivers speak 4800 or 9600; on QEMU's and the
     * hosted double the rate changes nothing but the receive timing), and
     * the 16-byte FIFO on: one interrupt per burst, not per byte. */
    ath_outb(io, COM2 + LCR, 0x80);
    ath_outb(io, COM2 + DATA, 1);
    ath_outb(io, COM2 + IER, 0);
    ath_outb(io, COM2 + LCR, 0x03);
    ath_outb(io, COM2 + FCR, 0xc7); /* enable, clear both, interrupt at 14 bytes (or a pause) */
    ath_outb(io, COM2 + IER, 0x01); /* received data available */
    struct nmea_stats shown;
    memset(&shown, 0, sizeof shown);
    for (;;) {
        uint64_t bits = 0;
        r = ath_notify_wait(note, 1, QUIET_NS, &bits);
        if (r)
            return 1;
        drain();
        ath_irq_ack(irq);
        /* the line fell quiet: the counts, if they changed */
        if (!bits && memcmp(&shown, &reader.stats, sizeof shown) != 0) {
            print_counts(&reader.stats);
            shown = reader.stats;
        }
    }
}
