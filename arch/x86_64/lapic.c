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

void clock_init(void)
{
    /* Count LAPIC timer ticks and TSC cycles during one PIT interval. */
    wr(LAPIC_TMR_INIT, 0xffffffffu);
    uint64_t t0 = rdtsc();
    pit_wait_start(CALIBRATE_US);
    while (!pit_wait_done())
        __builtin_ia32_pause();
    uint64_t t1 = rdtsc();
    uint32_t left = rd(LAPIC_TMR_CUR);
    wr(LAPIC_TMR_INIT, 0);
    lapic_hz = clock_freq_from_sample(0xffffffffu - left, CALIBRATE_US * NS_PER_US);
    tsc_hz = clock_freq_from_sample(t1 - t0, CALIBRATE_US * NS_PER_US);
    if (!lapic_hz || !clock_conv_init(&tsc_conv, tsc_hz))
        kpanic("clock: calibration failed (lapic %llu Hz, tsc %llu Hz)",
               (unsigned long long)lapic_hz, (unsigned long long)tsc_hz);
    /* Keep the clock continuous: uptime counts from the start of calibration. */
    tsc_boot = t0;
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
