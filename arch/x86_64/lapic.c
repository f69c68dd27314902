/* Local APIC: interrupt acknowledge and the one-shot timer that drives the
 * scheduler, plus the monotonic clock (TSC). Both counters are calibrated
 * against the PIT at boot. */
#include <arch/arch.h>
#include <arch/x86.h>
#include <athanor/clock.h>
#include <athanor/klib.h>
#include <athanor/sched.h>

#define LAPIC_ID      0x020
#define LAPIC_TPR     0x080
#define LAPIC_EOI     0x0b0
#define LAPIC_SVR     0x0f0
#define LAPIC_LVT_TMR 0x320
#define LAPIC_TMR_INIT 0x380
#define LAPIC_TMR_CUR  0x390
#define LAPIC_TMR_DIV  0x3e0
#define SVR_ENABLE     0x100
#define LVT_MASKED     (1u << 16)
#define TMR_DIV_16     0x3
#define APIC_BASE_ENABLE (1ull << 11)
#define CALIBRATE_US   10000  /* 10 ms against the PIT */
#define CALIBRATE_MAX_US 50000 /* the PIT's one-shot: longer than a try needs */
#define CALIBRATE_TRIES 5

static volatile uint32_t *lapic;
static uint64_t          lapic_hz;   /* timer ticks per second (after the divider) */
static uint64_t          tsc_hz;
static uint64_t          tsc_boot;
static struct clock_conv tsc_conv;
static bool              clock_ready;

static inline uint32_t rd(uint32_t reg) { return lapic[reg / 4]; }
static inline void wr(uint32_t reg, uint32_t v) { lapic[reg / 4] = v; }

void lapic_init(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    lapic = vm_map_mmio(base & ~0xfffull, 4096);
    if (!lapic)
        kpanic("lapic: cannot map registers");
    wr(LAPIC_TPR, 0);
    wr(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
    wr(LAPIC_TMR_DIV, TMR_DIV_16);
    wr(LAPIC_LVT_TMR, LVT_MASKED | VEC_TIMER);
}

uint32_t lapic_id(void)
{
    return rd(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
    wr(LAPIC_EOI, 0);
}

/* The three counters at one moment: the PIT's count read between two TSC
 * reads, and the LAPIC timer's. The bracket's width says how far apart the
 * reads were (a virtual CPU preempted in between, on a loaded host under
 * TCG: then wide); the TSC is taken at its middle. */
struct stamp {
    uint64_t tsc, width;
    uint16_t pit;
    uint32_t lapic;
};

static void stamp(struct stamp *s)
{
    uint64_t a = rdtsc();
    s->pit = pit_count();
    s->lapic = rd(LAPIC_TMR_CUR);
    uint64_t b = rdtsc();
    s->tsc = a + (b - a) / 2;
    s->width = b - a;
}

void clock_init(void)
{
    /* Count TSC cycles and LAPIC ticks over about 10 ms of PIT ticks, read
     * at both ends rather than waited for: a preemption in the middle does
     * not matter, one at an end shows as a wide bracket. Of a few tries,
     * the one with the narrowest brackets counts. (Waiting for the PIT to
     * run out, one try, made the clock 1.8 times slow on a loaded host:
     * the virtual CPU saw the end late.) */
    uint64_t best = UINT64_MAX, tsc_ticks = 0, lapic_ticks = 0, pit_ticks = 0, first = 0;
    for (int i = 0; i < CALIBRATE_TRIES; i++) {
        struct stamp s0, s1;
        wr(LAPIC_TMR_INIT, 0xffffffffu);
        pit_wait_start(CALIBRATE_MAX_US); /* counting down; runs out only if we overslept */
        stamp(&s0);
        if (i == 0)
            first = s0.tsc;
        do
            stamp(&s1);
        while (pit_ticks_ns((uint16_t)(s0.pit - s1.pit)) < CALIBRATE_US * NS_PER_US && !pit_wait_done());
        wr(LAPIC_TMR_INIT, 0);
        if (!pit_wait_done() && s0.width + s1.width < best) {
            best = s0.width + s1.width;
            tsc_ticks = s1.tsc - s0.tsc;
            lapic_ticks = s0.lapic - s1.lapic;
            pit_ticks = (uint16_t)(s0.pit - s1.pit);
        }
    }
    lapic_hz = clock_freq_from_sample(lapic_ticks, pit_ticks_ns((uint32_t)pit_ticks));
    tsc_hz = clock_freq_from_sample(tsc_ticks, pit_ticks_ns((uint32_t)pit_ticks));
    if (!lapic_hz || !clock_conv_init(&tsc_conv, tsc_hz))
        kpanic("clock: calibration failed (lapic %llu Hz, tsc %llu Hz)",
               (unsigned long long)lapic_hz, (unsigned long long)tsc_hz);
    /* Keep the clock continuous: uptime counts from the start of calibration. */
    tsc_boot = first;
    clock_ready = true;
    wr(LAPIC_LVT_TMR, VEC_TIMER); /* one-shot, unmasked */
    kprintf("clock: TSC %llu MHz, LAPIC timer %llu kHz\n", (unsigned long long)(tsc_hz / 1000000),
            (unsigned long long)(lapic_hz / 1000));
}

uint64_t plat_clock_ns(void)
{
    if (!clock_ready)
        return 0;
    return clock_ticks_to_ns(&tsc_conv, rdtsc() - tsc_boot);
}

void plat_timer_arm(uint64_t deadline_ns)
{
    if (!clock_ready)
        return;
    if (deadline_ns == UINT64_MAX) {
        wr(LAPIC_TMR_INIT, 0); /* stops the timer */
        return;
    }
    uint64_t now = plat_clock_ns();
    uint64_t ticks = deadline_ns > now ? clock_ns_to_ticks(deadline_ns - now, lapic_hz) : 1;
    if (ticks == 0)
        ticks = 1;
    if (ticks > 0xffffffffu)
        ticks = 0xffffffffu; /* fires early; the scheduler re-arms for the rest */
    wr(LAPIC_TMR_INIT, (uint32_t)ticks);
}

void timer_irq(void)
{
    sched_timer_irq();
}
