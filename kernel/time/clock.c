/* Clock arithmetic (see clock.h). Pure integer math, unit-tested on the host.
 * 128-bit intermediates (libgcc provides the division) keep every result
 * exact to the rounding stated, with no overflow for any 64-bit input. */
#include <athanor/clock.h>

typedef unsigned __int128 u128;

bool clock_conv_init(struct clock_conv *c, uint64_t freq_hz)
{
    if (freq_hz == 0)
        return false;
    /* clock_ticks_to_ns splits the tick count at 2^32, so the multiply never
     * overflows; precision is best with the largest shift whose mult still
     * fits in 32 bits. */
    for (uint32_t shift = 32; shift > 0; shift--) {
        u128 mult = ((u128)NS_PER_S << shift) / freq_hz;
        if (mult != 0 && mult <= UINT32_MAX) {
            c->mult = (uint32_t)mult;
            c->shift = shift;
            return true;
        }
    }
    return false; /* above 1e9 * 2^32 Hz: mult is 0 at every shift */
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
    /* ceil(ns * freq / 1e9): never less than the time asked for. */
    u128 t = ((u128)ns * freq_hz + (NS_PER_S - 1)) / NS_PER_S;
    return t > UINT64_MAX ? UINT64_MAX : (uint64_t)t;
}

uint64_t clock_freq_from_sample(uint64_t ticks, uint64_t ns)
{
    if (ns == 0)
        return 0;
    u128 f = (u128)ticks * NS_PER_S / ns;
    return f > UINT64_MAX ? UINT64_MAX : (uint64_t)f;
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
