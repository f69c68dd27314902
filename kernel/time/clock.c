/* Clock arithmetic (see clock.h). Pure integer math, unit-tested on the host. */
#include <athanor/clock.h>

bool clock_conv_init(struct clock_conv *c, uint64_t freq_hz, uint32_t max_secs)
{
    if (freq_hz == 0)
        return false;
    /* Largest tick count we must convert in one multiply. */
    uint64_t max_ticks = freq_hz * (uint64_t)(max_secs ? max_secs : 1);
    /* Pick the biggest shift whose mult keeps max_ticks * mult < 2^64. */
    for (uint32_t shift = 32; shift > 0; shift--) {
        uint64_t mult = ((uint64_t)NS_PER_S << shift) / freq_hz;
        if (mult == 0 || mult > UINT32_MAX)
            continue;
        if (max_ticks > UINT64_MAX / mult)
            continue;
        c->mult = (uint32_t)mult;
        c->shift = shift;
        return true;
    }
    c->mult = (uint32_t)(NS_PER_S / freq_hz);
    c->shift = 0;
    return c->mult != 0;
}

uint64_t clock_ticks_to_ns(const struct clock_conv *c, uint64_t ticks)
{
    /* Split ticks = hi * 2^32 + lo so neither product overflows:
     * (hi*2^32 + lo) * mult >> shift = (hi*mult << (32-shift)) + (lo*mult >> shift). */
    uint64_t hi = ticks >> 32, lo = ticks & 0xffffffffu;
    uint64_t lo_ns = (lo * c->mult) >> c->shift;
    uint64_t hi_prod = hi * c->mult; /* < 2^64: both factors < 2^32 */
    uint64_t hi_ns = c->shift <= 32 ? hi_prod << (32 - c->shift) : hi_prod >> (c->shift - 32);
    return hi_ns + lo_ns;
}

uint64_t clock_ns_to_ticks(uint64_t ns, uint64_t freq_hz)
{
    /* ticks = ceil(ns * freq / 1e9), computed in pieces to avoid overflow. */
    uint64_t secs = ns / NS_PER_S, rem = ns % NS_PER_S;
    uint64_t t = secs * freq_hz;
    t += (rem * (freq_hz / 1000) + (NS_PER_S / 1000) - 1) / (NS_PER_S / 1000);
    uint64_t frac = freq_hz % 1000; /* sub-kHz remainder of the frequency */
    t += (rem * frac + NS_PER_S - 1) / NS_PER_S;
    return t;
}

uint64_t clock_freq_from_sample(uint64_t ticks, uint64_t ns)
{
    if (ns == 0)
        return 0;
    /* freq = ticks * 1e9 / ns without overflowing for big tick counts. */
    uint64_t whole = ticks / ns, rem = ticks % ns;
    return whole * NS_PER_S + (rem * NS_PER_S) / ns;
}

void clock_split_ns(uint64_t ns, struct clock_split *out)
{
    uint64_t ms = ns / NS_PER_MS;
    out->msecs = (unsigned)(ms % 1000);
    uint64_t s = ms / 1000;
    out->secs = (unsigned)(s % 60);
    out->mins = (unsigned)(s / 60 % 60);
    out->hours = (unsigned)(s / 3600 % 24);
    out->days = s / 86400;
}
