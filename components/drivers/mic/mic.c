/* Microphone driver: captures 16-bit stereo PCM from an AC'97 controller's
 * microphone input by DMA (ac97.c) for the privacy service, the only
 * component that may call it. It owns no hardware: the service lends it
 * the controller's two I/O BARs, its line and a DMA quota for a session,
 * takes them back at its end, quiesces the controller and resets this
 * driver to its snapshot, which gives its DMA pages up zeroed
 * (docs/privacy.md). While it captures it prints, once a second, what it
 * counted (frames, the measured rate, buffers, interrupts) and the size
 * and peak of the newest 4 KiB, for the tests; the samples themselves go
 * only to the session's app, through FETCH. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <athanor_privacy.h>

#include "ac97.h"

#define SECOND_NS 1000000000ull

static struct ac97 dev;
static uint64_t    started_ns, next_report_ns, read_pos;
static ath_handle_t data_note = -1;
static int16_t     newest[AC97_BUF / 2];

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

static void report(void)
{
    uint64_t frames = ac97_captured(&dev) / AC97_FRAME, ms = (ath_now_ns() - started_ns) / 1000000u;
    size_t got = ac97_fetch(&dev, newest, sizeof newest);
    printf("mic: %u Hz, 2 ch, 16 bit: %llu frames in %llu ms (%llu Hz), buffers %llu, overruns %llu, "
           "interrupts %llu, newest %zu bytes peak %u\n",
           dev.rate, (unsigned long long)frames, (unsigned long long)ms,
           (unsigned long long)(ms ? frames * 1000u / ms : 0), (unsigned long long)dev.completed,
           (unsigned long long)dev.overruns, (unsigned long long)dev.interrupts, got,
           peak(newest, got / 2));
}

static int io_base(ath_handle_t h, uint16_t *base)
{
    struct ath_cap_info info;
    int r = ath_cap_info(h, &info);
    if (r == 0)
        *base = (uint16_t)info.base;
    return r;
}

/* What the service lends, by its index (sdk/athanor_privacy.h): the mixer
 * BAR, the bus-master BAR, the line, the DMA quota, the app's notification. */
static int granted(uint64_t index, ath_handle_t h)
{
    switch (index) {
    case 0: dev.nam = h; return io_base(h, &dev.nam_base);
    case 1: dev.nabm = h; return io_base(h, &dev.nabm_base);
    case 2: dev.irq = h; return 0;
    case 3: dev.dma = h; return 0;
    case 4: data_note = h; return 0;
    default: return -ATH_EINVAL;
    }
}

static int start(void)
{
    if (dev.nam <= 0 || dev.nabm <= 0 || dev.irq <= 0 || dev.dma <= 0) {
        printf("mic: started without its hardware (%d %d %d %d)\n", dev.nam, dev.nabm, dev.irq, dev.dma);
        return -ATH_EPERM;
    }
    printf("mic: AC'97 mixer at port %#x, bus master at port %#x\n", dev.nam_base, dev.nabm_base);
    int r = ac97_start(&dev, 0);
    if (r) {
        printf("mic: cannot start capture (%d)\n", r);
        return r;
    }
    started_ns = ath_now_ns();
    next_report_ns = started_ns + SECOND_NS;
    read_pos = 0;
    printf("mic: capturing the microphone input at %u Hz (variable rate %s)\n", dev.rate,
           dev.vra ? "supported" : "not supported");
    return 0;
}

ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    if (badge == 0 && op == ATH_OP_EVENT) {
        if (!dev.running)
            return ATH_NO_TIMEOUT;
        if (a0) { /* a buffer filled */
            dev.interrupts++;
            ac97_service(&dev);
            ath_irq_ack(dev.irq);
            if (data_note >= 0)
                ath_notify_signal(data_note, ATH_SESSION_DATA);
        }
        uint64_t now = ath_now_ns();
        if (now >= next_report_ns) {
            ac97_service(&dev);
            report();
            next_report_ns += SECOND_NS;
        }
        return next_report_ns > now ? next_report_ns - now : 0;
    }
    if (!ath_caller_is("privacy"))
        return (uint64_t)(int64_t)-ATH_EPERM;
    switch (op) {
    case ATH_SENSOR_GRANT: {
        int r = granted(a0, (ath_handle_t)a2);
        if (r)
            printf("mic: grant %llu (%d): %d\n", (unsigned long long)a0, (int)a2, r);
        return (uint64_t)(int64_t)r;
    }
    case ATH_SENSOR_START:
        return (uint64_t)(int64_t)start();
    case ATH_SENSOR_FETCH: { /* the PCM since the last fetch; a1 = the lent length, a2 = where */
        uint64_t lost;
        ac97_service(&dev);
        return ac97_read(&dev, &read_pos, (void *)(uintptr_t)a2, (size_t)a1, &lost);
    }
    default:
        return (uint64_t)(int64_t)-ATH_ENOSYS;
    }
}

int main(void)
{
    /* After a reset the first instance's notification is still ours. */
    dev.note = ath_cap_find(ATH_T_NOTIFICATION, 0);
    if (dev.note < 0)
        dev.note = ath_notify_create();
    return ath_serve_wait(dev.note, 1, ATH_NO_TIMEOUT);
}
