/* CMOS real-time clock driver: reads the date and time from the MC146818
 * (ports 0x70/0x71, its only hardware capability) and sets the system's wall
 * clock with its "realtime" capability, so CLOCK_REALTIME means UTC from then
 * on. Runs at boot and exits.
 *   rtc          set the wall clock from the CMOS
 *   rtc probe    also try ports it was not granted (tests): each must be refused
 *   rtc irq      also take 8 periodic interrupts (IRQ 8) through a notification */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <athanor.h>

#define CMOS_INDEX 0x70
#define CMOS_DATA  0x71
#define NMI_OFF    0x80 /* keep NMIs masked while we select registers */

enum { SEC = 0x00, MIN = 0x02, HOUR = 0x04, DAY = 0x07, MONTH = 0x08, YEAR = 0x09,
       STATUS_A = 0x0a, STATUS_B = 0x0b, STATUS_C = 0x0c, CENTURY = 0x32 };

static ath_handle_t io;

static int cmos(uint8_t reg, uint8_t *v)
{
    int r = ath_outb(io, CMOS_INDEX, NMI_OFF | reg);
    return r ? r : ath_inb(io, CMOS_DATA, v);
}

static int cmos_write(uint8_t reg, uint8_t v)
{
    int r = ath_outb(io, CMOS_INDEX, NMI_OFF | reg);
    return r ? r : ath_outb(io, CMOS_DATA, v);
}

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The periodic interrupt at 8 Hz, delivered through our IRQ capability as a
 * notification: take 8, acknowledging each, and time them. */
static int irq_test(void)
{
    enum { N = 8, RATE_8HZ = 13 }; /* 32768 >> (rate - 1) Hz */
    ath_handle_t irq = ath_cap_find(ATH_T_IRQ, 0);
    ath_handle_t note = ath_notify_create();
    if (irq < 0 || note < 0) {
        printf("rtc: irq: missing capabilities (irq %d, notification %d)\n", irq, note);
        return 1;
    }
    int r = ath_irq_bind(irq, note, 1);
    if (r == -ATH_ENOSYS) {
        printf("rtc: irq: this platform delivers no interrupt lines (ENOSYS)\n");
        return 0;
    }
    uint8_t a, b, c;
    if (r || (r = cmos(STATUS_A, &a)) || (r = cmos_write(STATUS_A, (a & 0xf0) | RATE_8HZ)) ||
        (r = cmos(STATUS_C, &c)) || (r = cmos(STATUS_B, &b)) || (r = cmos_write(STATUS_B, b | 0x40))) {
        printf("rtc: irq: setup failed: %d\n", r);
        return 1;
    }
    uint64_t t0 = mono_ns(), bits;
    int got = 0;
    while (got < N) {
        if ((r = ath_notify_wait(note, 1, 2000000000ull, &bits)) != 0 || !bits)
            break; /* no interrupt within 2 s */
        cmos(STATUS_C, &c); /* reading C clears the flag, or no further interrupt comes */
        if (c & 0x40)
            got++;
        ath_irq_ack(irq);
    }
    uint64_t dt = mono_ns() - t0;
    cmos_write(STATUS_B, b & ~0x40);
    printf("rtc: irq: %d periodic interrupts in %llu ms (8 Hz asked)\n", got,
           (unsigned long long)(dt / 1000000));
    return got == N ? 0 : 1;
}

struct reading {
    uint8_t sec, min, hour, day, month, year, century;
};

static int read_once(struct reading *t)
{
    uint8_t a;
    int r, tries = 0;
    do { /* an update takes under 2 ms: wait for it to pass */
        if ((r = cmos(STATUS_A, &a)) != 0)
            return r;
    } while ((a & 0x80) && ++tries < 100000);
    if ((r = cmos(SEC, &t->sec)) || (r = cmos(MIN, &t->min)) || (r = cmos(HOUR, &t->hour)) ||
        (r = cmos(DAY, &t->day)) || (r = cmos(MONTH, &t->month)) || (r = cmos(YEAR, &t->year)) ||
        (r = cmos(CENTURY, &t->century)))
        return r;
    return 0;
}

static unsigned from_bcd(uint8_t v) { return (v >> 4) * 10u + (v & 15u); }

/* Read until two readings agree (none straddles an update), decode to UTC. */
static int read_clock(time_t *out)
{
    struct reading a, b;
    uint8_t status_b;
    int r;
    if ((r = read_once(&b)) != 0)
        return r;
    do {
        a = b;
        if ((r = read_once(&b)) != 0)
            return r;
    } while (memcmp(&a, &b, sizeof a) != 0);
    if ((r = cmos(STATUS_B, &status_b)) != 0)
        return r;
    bool binary = status_b & 0x04, h24 = status_b & 0x02;
    bool pm = !h24 && (b.hour & 0x80);
    b.hour &= 0x7f;
    unsigned sec = b.sec, min = b.min, hour = b.hour, day = b.day, month = b.month, year = b.year,
             century = b.century;
    if (!binary) {
        sec = from_bcd(b.sec), min = from_bcd(b.min), hour = from_bcd(b.hour);
        day = from_bcd(b.day), month = from_bcd(b.month), year = from_bcd(b.year);
        century = from_bcd(b.century);
    }
    if (!h24)
        hour = hour % 12 + (pm ? 12 : 0);
    if (century < 19 || century > 29)
        century = 20; /* no century register: assume this one */
    struct tm tm = { .tm_sec = (int)sec, .tm_min = (int)min, .tm_hour = (int)hour,
                     .tm_mday = (int)day, .tm_mon = (int)month - 1,
                     .tm_year = (int)(century * 100 + year) - 1900 };
    if (sec > 59 || min > 59 || hour > 23 || day < 1 || day > 31 || month < 1 || month > 12)
        return -ATH_ERANGE; /* not a time: a dead battery, or no RTC */
    *out = timegm(&tm);
    return 0;
}

/* Accesses outside our capabilities: every one must be refused. */
static int probe(void)
{
    static const uint16_t ports[] = { 0x60, 0x64, 0x3f8, 0xcf8, 0xf4 };
    unsigned tried = 0, refused = 0;
    uint8_t v;
    for (unsigned i = 0; i < sizeof ports / sizeof ports[0]; i++) {
        tried++;
        refused += ath_inb(io, ports[i], &v) == -ATH_ERANGE;
    }
    tried++;
    refused += ath_outb(0, 0xf4, 0) == -ATH_EBADHANDLE; /* no handle at all */
    tried++;
    refused += ath_inb(io, CMOS_DATA + 1, &v) == -ATH_ERANGE; /* just past the range */
    printf("rtc: probe: %u of %u accesses outside my capabilities refused\n", refused, tried);
    return refused == tried ? 0 : 1;
}

int main(int argc, char **argv)
{
    io = ath_cap_find(ATH_T_IOPORT, 0);
    ath_handle_t clock = ath_cap_find(ATH_T_CLOCK, 0);
    if (io < 0 || clock < 0) {
        printf("rtc: missing capabilities (io %d, clock %d)\n", io, clock);
        return 1;
    }
    time_t t;
    int r = read_clock(&t);
    if (r) {
        printf("rtc: cannot read the clock: %d\n", r);
        return 1;
    }
    if ((r = ath_clock_set(clock, (uint64_t)t * 1000000000ull)) != 0) {
        printf("rtc: cannot set the wall clock: %d\n", r);
        return 1;
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    printf("rtc: wall clock set to %s UTC (%lld)\n", buf, (long long)t);
    struct timespec now; /* what every component with a clock now reads */
    clock_gettime(CLOCK_REALTIME, &now);
    if (now.tv_sec < t || now.tv_sec > t + 2) {
        printf("rtc: CLOCK_REALTIME reads %lld, not the time just set\n", (long long)now.tv_sec);
        return 1;
    }
    if (argc > 1 && !strcmp(argv[1], "probe"))
        return probe();
    if (argc > 1 && !strcmp(argv[1], "irq"))
        return irq_test();
    return 0;
}
