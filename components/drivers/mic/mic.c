/* Microphone driver: captures 16-bit stereo PCM from an AC'97 controller's
 * microphone input by DMA (ac97.c), prints what it counted each second,
 * and after `seconds=N` (argument) quiesces the device and checks that it
 * stopped. Until the privacy service hands out sessions (docs/privacy.md),
 * nothing else sees what it captures, and it is only in the test image.
 * Arguments: seconds=N (3), rate=HZ (the codec's own when absent). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ac97.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The largest magnitude among the 16-bit samples of buf. */
static unsigned peak(const int16_t *s, size_t n)
{
    unsigned p = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned m = (unsigned)(s[i] < 0 ? -(int)s[i] : s[i]);
        p = m > p ? m : p;
    }
    return p;
}

static struct ac97 dev;
static int16_t newest[AC97_BUF / 2];

static void report(uint64_t t0)
{
    uint64_t frames = ac97_captured(&dev) / AC97_FRAME, ms = (now_ns() - t0) / 1000000u;
    size_t got = ac97_fetch(&dev, newest, sizeof newest);
    printf("mic: %u Hz, 2 ch, 16 bit: %llu frames in %llu ms (%llu Hz), buffers %llu, overruns %llu, "
           "interrupts %llu, newest %zu bytes peak %u\n",
           dev.rate, (unsigned long long)frames, (unsigned long long)ms,
           (unsigned long long)(ms ? frames * 1000u / ms : 0), (unsigned long long)dev.completed,
           (unsigned long long)dev.overruns, (unsigned long long)dev.interrupts, got,
           peak(newest, got / 2));
}

int main(int argc, char **argv)
{
    unsigned seconds = 3, rate = 0;
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "seconds=", 8))
            seconds = (unsigned)strtoul(argv[i] + 8, NULL, 10);
        else if (!strncmp(argv[i], "rate=", 5))
            rate = (unsigned)strtoul(argv[i] + 5, NULL, 10);
    }
    int r = ac97_acquire(&dev);
    if (r == -ATH_ENOENT) {
        printf("mic: no AC'97 controller (8086:2415)\n");
        return 0; /* no device is not a fault */
    }
    if (r) {
        printf("mic: cannot take the AC'97 controller (%d)\n", r);
        return 1;
    }
    printf("mic: AC'97 mixer at port %#x, bus master at port %#x\n", dev.nam_base, dev.nabm_base);
    r = ac97_start(&dev, rate);
    if (r) {
        printf("mic: cannot start capture (%d)\n", r);
        ac97_quiesce(&dev);
        return 1;
    }
    uint64_t t0 = now_ns(), next = t0 + 1000000000u;
    printf("mic: capturing the microphone input at %u Hz (variable rate %s)\n", dev.rate,
           dev.vra ? "supported" : "not supported");
    for (unsigned s = 0; s < seconds;) {
        uint64_t now = now_ns(), bits = 0;
        if (now >= next) {
            ac97_service(&dev);
            report(t0);
            s++;
            next += 1000000000u;
            continue;
        }
        if (ath_notify_wait(dev.note, 1, next - now, &bits) != 0)
            return 1;
        if (bits) {
            dev.interrupts++;
            ac97_service(&dev);
            ath_irq_ack(dev.irq);
        }
    }
    r = ac97_quiesce(&dev);
    struct ac97_stopped st;
    ac97_check_stopped(&dev, 50, &st);
    bool ok = r == 0 && st.steady && st.halted && !st.master && st.intx_off && !st.interrupts;
    printf("mic: quiesce %s: engine %s, %s (CIV %u, PICB %u, SR %#x, CR %#x over %u ms, %u interrupts), "
           "bus mastering %s, interrupts %s\n",
           ok ? "done" : "FAILED", st.halted ? "halted" : "RUNNING", st.steady ? "steady" : "MOVING",
           st.civ, st.picb, st.sr, st.cr, st.ms, st.interrupts, st.master ? "ON" : "off",
           st.intx_off ? "off" : "ON");
    return ok ? 0 : 1;
}
