/* Clock arithmetic: convert counter ticks (TSC, LAPIC, PIT) to nanoseconds
 * with a multiply and a shift, without overflow for long uptimes. */
#ifndef ATHANOR_CLOCK_H
#define ATHANOR_CLOCK_H

#include <athanor/types.h>

struct clock_conv {
    uint32_t mult;
    uint32_t shift;
};

/* Choose mult/shift so that ns = (ticks * mult) >> shift for a counter of
 * `freq_hz`, as precisely as a 32-bit mult allows. Returns false if no such
 * pair exists (freq_hz of 0, or absurdly high). */
bool     clock_conv_init(struct clock_conv *c, uint64_t freq_hz);
/* ticks → ns, with the relative error of mult (about 2^-31 or better); any
 * 64-bit tick count converts without intermediate overflow. */
uint64_t clock_ticks_to_ns(const struct clock_conv *c, uint64_t ticks);
/* ns → ticks for a counter of freq_hz, rounded up (for arming timers):
 * the exact ceiling of ns * freq / 1e9, saturating at UINT64_MAX. */
uint64_t clock_ns_to_ticks(uint64_t ns, uint64_t freq_hz);
/* Frequency from `ticks` counted during `ns` nanoseconds (calibration),
 * rounded down; 0 if ns is 0. */
uint64_t clock_freq_from_sample(uint64_t ticks, uint64_t ns);

/* Split ns into days/h/m/s/ms for display. */
struct clock_split {
    uint64_t days;
    unsigned hours, mins, secs, msecs;
};
void clock_split_ns(uint64_t ns, struct clock_split *out);

#define NS_PER_US 1000ull
#define NS_PER_MS 1000000ull
#define NS_PER_S  1000000000ull

#endif
