/* Deterministic pseudo-random numbers for randomized unit tests (xorshift64*),
 * so a failing sequence replays identically on every run. */
#ifndef UNIT_RNG_H
#define UNIT_RNG_H

#include <stdint.h>

struct unit_rng {
    uint64_t s;
};

static inline void unit_rng_seed(struct unit_rng *r, uint64_t seed)
{
    r->s = seed ? seed : 0x9e3779b97f4a7c15ull; /* xorshift state must be nonzero */
}

static inline uint64_t unit_rng_next(struct unit_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dull;
}

/* Uniform-enough value in [0, n); n > 0. */
static inline uint64_t unit_rng_below(struct unit_rng *r, uint64_t n)
{
    return unit_rng_next(r) % n;
}

#endif
