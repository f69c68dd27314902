/* Interrupts-off sections (see irqoff.h). Per CPU state; the statistics
 * are only written with interrupts off on this CPU (one CPU today; SMP
 * makes them per CPU). Times in cycles of plat_cycles(), turned into
 * nanoseconds when read, by the ratio of both clocks since boot. */
#include <athanor/irqoff.h>
#include <athanor/klib.h>
#include <athanor/platform.h>

static uint64_t            off_since;   /* cycles when the current section began; 0: none */
static uintptr_t           off_where;
static struct irqoff_stats st;          /* top[].ns in cycles until read */
static uint64_t            boot_cycles, boot_ns;
/* Off unless asked for: reading the cycle counter costs about 20 ns in a
 * virtual machine, twice per section, on every lock. */
static bool                enabled;

void irqoff_enable(bool on)
{
    irqflags_t f = plat_irq_save();
    off_since = 0;
    enabled = on;
    plat_irq_restore(f);
}

void irqoff_begin(uintptr_t where)
{
    if (!enabled || off_since)
        return;
    off_since = plat_cycles();
    off_where = where;
    if (!boot_cycles) {
        boot_cycles = off_since;
        boot_ns = plat_clock_ns();
    }
}

/* Cycles per nanosecond since boot, as a 32.32 fixed-point ratio. */
static uint64_t ns_of(uint64_t cycles)
{
    uint64_t dc = plat_cycles() - boot_cycles, dn = plat_clock_ns() - boot_ns;
    if (!dc || !dn)
        return cycles;
    return (uint64_t)((unsigned __int128)cycles * dn / dc);
}

void irqoff_end(void)
{
    if (!off_since)
        return;
    uint64_t len = plat_cycles() - off_since;
    off_since = 0;
    st.sections++;
    if (len > st.top[IRQOFF_TOP - 1].ns) { /* among the longest: one entry per place */
        unsigned i = 0;
        while (i < IRQOFF_TOP - 1 && st.top[i].where != off_where && st.top[i].ns)
            i++;
        if (st.top[i].where != off_where || len > st.top[i].ns) {
            if (st.top[i].where != off_where) /* a new place: it takes the last entry */
                i = IRQOFF_TOP - 1;
            st.top[i].ns = len;
            st.top[i].where = off_where;
            for (; i > 0 && st.top[i].ns > st.top[i - 1].ns; i--) { /* keep them sorted */
                __typeof__(st.top[0]) x = st.top[i];
                st.top[i] = st.top[i - 1];
                st.top[i - 1] = x;
            }
        }
    }
    /* Buckets by nanoseconds need the ratio: kept in cycles per microsecond,
     * estimated once the clocks have run apart a little. */
    static uint64_t cycles_per_us;
    if (!cycles_per_us || st.sections % 4096 == 0) {
        uint64_t dn = plat_clock_ns() - boot_ns;
        if (dn > 1000000)
            cycles_per_us = (plat_cycles() - boot_cycles) / (dn / 1000);
    }
    uint64_t us = cycles_per_us ? len / cycles_per_us : 0;
    unsigned b = 0;
    while (us && b < IRQOFF_BUCKETS - 1) {
        us >>= 1;
        b++;
    }
    st.buckets[b]++;
}

void irqoff_get(struct irqoff_stats *out)
{
    irqflags_t f = plat_irq_save();
    *out = st;
    plat_irq_restore(f);
    for (unsigned i = 0; i < IRQOFF_TOP; i++)
        out->top[i].ns = ns_of(out->top[i].ns);
}

void irqoff_reset(void)
{
    irqflags_t f = plat_irq_save();
    memset(&st, 0, sizeof st);
    plat_irq_restore(f);
}
