/* Unit tests of the clock arithmetic (kernel/time/clock.c) against exact
 * 128-bit math: tick/ns conversion accuracy, overflow safety, monotonicity,
 * ns->ticks rounding, frequency calibration and uptime splitting. */
#include <string.h>

#include "fake_platform.h"
#include "unit_rng.h"

#include <athanor/clock.h>

typedef unsigned __int128 u128;

#define SECS_PER_HOUR   3600ull
#define SECS_PER_DAY    86400ull
#define SECS_PER_YEAR   (365ull * SECS_PER_DAY)
#define RANDOM_SAMPLES  2000
#define MONO_WINDOW     3000 /* ticks checked on each side of a boundary */
#define PPB             1000000000ull
/* A 32-bit mult with the largest shift is >= 2^31: truncating it costs at
 * most 1/2^31 relative, below one part per billion. */
#define ACCURACY_PPB    1

static const uint64_t freqs[] = {
    1000000ull,     /* 1 MHz */
    1193182ull,     /* the PIT */
    100000000ull,   /* 100 MHz (a LAPIC timer bus clock) */
    2500000000ull,  /* 2.5 GHz TSC */
    3999000000ull,  /* 3.999 GHz TSC */
};

static uint64_t rnd_below(struct unit_rng *r, uint64_t n) { return n ? unit_rng_below(r, n) : 0; }

/* Exact floor(ticks * 1e9 / freq), which may exceed 64 bits. */
static u128 exact_ns(uint64_t ticks, uint64_t freq) { return (u128)ticks * NS_PER_S / freq; }

/* Largest tick count whose exact nanosecond value fits in 64 bits. */
static uint64_t max_convertible_ticks(uint64_t freq)
{
    u128 t = ((u128)UINT64_MAX * freq) / NS_PER_S;
    return t > UINT64_MAX ? UINT64_MAX : (uint64_t)t;
}

static struct clock_conv conv(uint64_t freq)
{
    struct clock_conv c = { 0, 0 };
    assert_true(clock_conv_init(&c, freq));
    return c;
}

/* The conversion never overshoots and loses at most what truncating mult
 * costs (ticks / 2^shift) plus one for the final floor; and within `ppb`
 * parts per billion of the exact value plus 1 ns. */
static void check_accuracy(const struct clock_conv *c, uint64_t freq, uint64_t ticks, uint64_t ppb)
{
    u128 want = exact_ns(ticks, freq);
    uint64_t got = clock_ticks_to_ns(c, ticks);
    u128 loss_bound = ((u128)ticks >> c->shift) + 1;
    u128 rel_bound = want * ppb / PPB + 1;
    if ((u128)got > want || want - got > loss_bound || want - got > rel_bound)
        fail_msg("freq %llu mult %u shift %u: %llu ticks -> %llu ns, exact %llu",
                 (unsigned long long)freq, c->mult, c->shift, (unsigned long long)ticks,
                 (unsigned long long)got, (unsigned long long)want);
}

static void test_conv_init_rejects_impossible(void **state)
{
    (void)state;
    struct clock_conv c = { 0, 0 };
    assert_false(clock_conv_init(&c, 0));
    assert_false(clock_conv_init(&c, UINT64_MAX)); /* mult would be 0 at any shift */
}

static void test_conv_init_parameters(void **state)
{
    (void)state;
    for (unsigned i = 0; i < ARRAY_LEN(freqs); i++) {
        uint64_t f = freqs[i];
        struct clock_conv c = conv(f);
        assert_true(c.mult > 0);
        assert_true(c.shift >= 1 && c.shift <= 32);
        /* mult is 1e9/freq in fixed point with `shift` fraction bits... */
        assert_true((u128)c.mult == ((u128)NS_PER_S << c.shift) / f);
        /* ...with the largest shift that keeps it in 32 bits. */
        assert_true(c.shift == 32 || ((u128)NS_PER_S << (c.shift + 1)) / f > UINT32_MAX);
        assert_true((u128)c.mult * ACCURACY_PPB * 2 >= PPB);
    }
    /* An exactly representable rate converts exactly. */
    struct clock_conv mhz = conv(1000000);
    assert_int_equal(clock_ticks_to_ns(&mhz, 123456789), 123456789000ull);
}

static void test_ticks_to_ns_accuracy(void **state)
{
    (void)state;
    struct unit_rng rng;
    unit_rng_seed(&rng, 0xc10cull);
    for (unsigned i = 0; i < ARRAY_LEN(freqs); i++)
        {
            uint64_t f = freqs[i];
            struct clock_conv c = conv(f);
            uint64_t ppb = ACCURACY_PPB;
            const uint64_t fixed[] = {
                0, 1, 2, 999, f - 1, f, f + 1, 0xffffffffull, 0x100000000ull, 0x100000001ull,
                f * SECS_PER_HOUR, f * SECS_PER_DAY, f * SECS_PER_YEAR, f * 10 * SECS_PER_YEAR,
                f * 100 * SECS_PER_YEAR,
            };
            for (unsigned k = 0; k < ARRAY_LEN(fixed); k++)
                check_accuracy(&c, f, fixed[k], ppb);
            assert_int_equal(clock_ticks_to_ns(&c, 0), 0);
            for (int k = 0; k < RANDOM_SAMPLES; k++) {
                /* Spread over all magnitudes: random bit length, then random bits. */
                unsigned bits = 1 + (unsigned)unit_rng_below(&rng, 64);
                uint64_t t = unit_rng_next(&rng) >> (64 - bits);
                if (t > max_convertible_ticks(f))
                    t = max_convertible_ticks(f) - rnd_below(&rng, 1000);
                check_accuracy(&c, f, t, ppb);
            }
        }
}

static void test_ticks_to_ns_huge_counts(void **state)
{
    (void)state;
    /* Counts whose tick*mult product is far beyond 64 bits still convert
     * exactly as far as the result itself fits. */
    for (unsigned i = 0; i < ARRAY_LEN(freqs); i++) {
        uint64_t f = freqs[i];
        struct clock_conv c = conv(f);
        uint64_t top = max_convertible_ticks(f);
        for (uint64_t d = 0; d < 4; d++)
            check_accuracy(&c, f, top - d * 0x123456789ull, ACCURACY_PPB);
        for (unsigned sh = 33; sh < 64; sh++)
            if ((1ull << sh) <= top)
                check_accuracy(&c, f, 1ull << sh, ACCURACY_PPB);
    }
    /* At GHz rates even the largest 64-bit count fits once converted. */
    struct clock_conv ghz = conv(2500000000ull);
    assert_int_equal(max_convertible_ticks(2500000000ull), UINT64_MAX);
    check_accuracy(&ghz, 2500000000ull, UINT64_MAX, ACCURACY_PPB);
}

static void test_ticks_to_ns_monotonic(void **state)
{
    (void)state;
    struct unit_rng rng;
    unit_rng_seed(&rng, 0x3030ull);
    for (unsigned i = 0; i < ARRAY_LEN(freqs); i++)
        {
            uint64_t f = freqs[i];
            struct clock_conv c = conv(f);
            /* Around 0 and around the 2^32 splits of the tick count. */
            const uint64_t centres[] = { MONO_WINDOW, 1ull << 32, 2ull << 32, 1000ull << 32,
                                         f * SECS_PER_YEAR };
            for (unsigned k = 0; k < ARRAY_LEN(centres); k++) {
                uint64_t prev = clock_ticks_to_ns(&c, centres[k] - MONO_WINDOW);
                for (uint64_t t = centres[k] - MONO_WINDOW + 1; t <= centres[k] + MONO_WINDOW; t++) {
                    uint64_t ns = clock_ticks_to_ns(&c, t);
                    if (ns < prev)
                        fail_msg("freq %llu: ticks_to_ns(%llu) = %llu < ticks_to_ns(%llu) = %llu",
                                 (unsigned long long)f, (unsigned long long)t,
                                 (unsigned long long)ns, (unsigned long long)(t - 1),
                                 (unsigned long long)prev);
                    prev = ns;
                }
            }
            for (int k = 0; k < RANDOM_SAMPLES; k++) {
                uint64_t a = rnd_below(&rng, max_convertible_ticks(f));
                uint64_t b = a + rnd_below(&rng, max_convertible_ticks(f) - a);
                assert_true(clock_ticks_to_ns(&c, a) <= clock_ticks_to_ns(&c, b));
            }
        }
}

static void test_ns_to_ticks_rounds_up(void **state)
{
    (void)state;
    struct unit_rng rng;
    unit_rng_seed(&rng, 0x7777ull);
    for (unsigned i = 0; i < ARRAY_LEN(freqs); i++) {
        uint64_t f = freqs[i];
        const uint64_t fixed[] = { 0, 1, 2, 999, 1000, 1001, NS_PER_MS, NS_PER_S - 1, NS_PER_S,
                                   NS_PER_S + 1, 10 * NS_PER_S, SECS_PER_HOUR * NS_PER_S,
                                   SECS_PER_DAY * NS_PER_S + 12345 };
        for (unsigned k = 0; k < ARRAY_LEN(fixed) + RANDOM_SAMPLES; k++) {
            uint64_t ns = k < ARRAY_LEN(fixed) ? fixed[k]
                                               : rnd_below(&rng, SECS_PER_DAY * NS_PER_S);
            uint64_t got = clock_ns_to_ticks(ns, f);
            u128 prod = (u128)ns * f;
            u128 ceil = (prod + NS_PER_S - 1) / NS_PER_S;
            /* Exactly the ceiling: never early, never a tick late. */
            bool ok = (u128)got == ceil;
            if (!ok)
                fail_msg("ns_to_ticks(%llu, %llu) = %llu, exact ceiling %llu",
                         (unsigned long long)ns, (unsigned long long)f,
                         (unsigned long long)got, (unsigned long long)ceil);
        }
        assert_int_equal(clock_ns_to_ticks(0, f), 0);
    }
    assert_int_equal(clock_ns_to_ticks(NS_PER_MS, 1000000), 1000);
    assert_int_equal(clock_ns_to_ticks(1, 1000000), 1); /* a fraction of a tick is one tick */
    assert_int_equal(clock_ns_to_ticks(NS_PER_S, 1193182), 1193182);
    assert_int_equal(clock_ns_to_ticks(1, 1193182), 1); /* was 2 with a split rounding */
    assert_int_equal(clock_ns_to_ticks(UINT64_MAX, 4000000000ull), UINT64_MAX); /* saturates */
}

static void test_freq_from_sample(void **state)
{
    (void)state;
    assert_int_equal(clock_freq_from_sample(12345, 0), 0);
    assert_int_equal(clock_freq_from_sample(0, NS_PER_MS), 0);
    /* Typical calibrations: 10 ms of a 2.5 GHz TSC, 50 ms of the PIT. */
    assert_int_equal(clock_freq_from_sample(25000000, 10 * NS_PER_MS), 2500000000ull);
    assert_int_equal(clock_freq_from_sample(59659, 50 * NS_PER_MS), 1193180);
    assert_int_equal(clock_freq_from_sample(1ull << 50, NS_PER_MS), (1ull << 50) * 1000);
    /* Long samples: 1.5e11 ticks over 100 s (rem * 1e9 would overflow 64 bits). */
    assert_int_equal(clock_freq_from_sample(150000000000ull, 100 * NS_PER_S), 1500000000ull);
    struct unit_rng rng;
    unit_rng_seed(&rng, 0xf4e9ull);
    for (int k = 0; k < RANDOM_SAMPLES; k++) {
        uint64_t ns = 1 + rnd_below(&rng, UINT64_MAX - 1);
        uint64_t ticks = unit_rng_next(&rng) >> unit_rng_below(&rng, 64);
        u128 want = (u128)ticks * NS_PER_S / ns;
        if (want > UINT64_MAX)
            continue;
        uint64_t got = clock_freq_from_sample(ticks, ns);
        if ((u128)got != want)
            fail_msg("freq_from_sample(%llu, %llu) = %llu, want %llu", (unsigned long long)ticks,
                     (unsigned long long)ns, (unsigned long long)got, (unsigned long long)want);
    }
    /* Whole-second samples give the frequency back exactly. */
    for (unsigned i = 0; i < ARRAY_LEN(freqs); i++) {
        assert_int_equal(clock_freq_from_sample(freqs[i], NS_PER_S), freqs[i]);
        assert_int_equal(clock_freq_from_sample(3 * freqs[i], 3 * NS_PER_S), freqs[i]);
    }
}

static void check_split(uint64_t ns)
{
    struct clock_split s;
    memset(&s, 0xa5, sizeof s);
    clock_split_ns(ns, &s);
    assert_true(s.hours < 24 && s.mins < 60 && s.secs < 60 && s.msecs < 1000);
    u128 back = (u128)s.days * SECS_PER_DAY * NS_PER_S + (u128)s.hours * SECS_PER_HOUR * NS_PER_S +
                (u128)s.mins * 60 * NS_PER_S + (u128)s.secs * NS_PER_S + (u128)s.msecs * NS_PER_MS;
    /* The parts add up to ns, minus the sub-millisecond remainder. */
    if (back > ns || ns - back >= NS_PER_MS)
        fail_msg("split(%llu ns) = %llud %02u:%02u:%02u.%03u", (unsigned long long)ns,
                 (unsigned long long)s.days, s.hours, s.mins, s.secs, s.msecs);
}

static void test_split_ns(void **state)
{
    (void)state;
    struct clock_split s;
    clock_split_ns(0, &s);
    assert_true(s.days == 0 && s.hours == 0 && s.mins == 0 && s.secs == 0 && s.msecs == 0);
    clock_split_ns(NS_PER_MS - 1, &s);
    assert_int_equal(s.msecs, 0);
    /* 1 day 2 h 3 min 4 s 5 ms and 6 ns. */
    uint64_t ns = (SECS_PER_DAY + 2 * SECS_PER_HOUR + 3 * 60 + 4) * NS_PER_S + 5 * NS_PER_MS + 6;
    clock_split_ns(ns, &s);
    assert_int_equal(s.days, 1);
    assert_int_equal(s.hours, 2);
    assert_int_equal(s.mins, 3);
    assert_int_equal(s.secs, 4);
    assert_int_equal(s.msecs, 5);
    /* One nanosecond before a whole day. */
    clock_split_ns(SECS_PER_DAY * NS_PER_S - 1, &s);
    assert_true(s.days == 0 && s.hours == 23 && s.mins == 59 && s.secs == 59 && s.msecs == 999);
    check_split(UINT64_MAX);
    struct unit_rng rng;
    unit_rng_seed(&rng, 0x5917ull);
    for (int k = 0; k < RANDOM_SAMPLES; k++)
        check_split(unit_rng_next(&rng) >> unit_rng_below(&rng, 64));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_init_rejects_impossible),
        cmocka_unit_test(test_conv_init_parameters),
        cmocka_unit_test(test_ticks_to_ns_accuracy),
        cmocka_unit_test(test_ticks_to_ns_huge_counts),
        cmocka_unit_test(test_ticks_to_ns_monotonic),
        cmocka_unit_test(test_ns_to_ticks_rounds_up),
        cmocka_unit_test(test_freq_from_sample),
        cmocka_unit_test(test_split_ns),
    };
    return cmocka_run_group_tests_name("clock", tests, NULL, NULL);
}
