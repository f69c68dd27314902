/* The clock a component sees, probed (the privacy tests, kernel/ktest/
 * test_privacy.c): read CLOCK_MONOTONIC as fast as possible for about
 * 20 ms and report the clock's resolution, the smallest step seen, how
 * many readings were off the coarse grid and how many fell between two
 * microseconds (how fast the loop reads depends on the machine: under
 * QEMU's TCG a read takes about a microsecond, so a precise clock shows as
 * readings with sub-microsecond digits, not only as small steps). Exit
 * status 0 when the clock is what the including component expects
 * (WANT_PRECISE or not), 1 if not. */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define COARSE_NS 100000u /* ATH_CLOCK_COARSE_NS */

static uint64_t ns(const struct timespec *t)
{
    return (uint64_t)t->tv_sec * 1000000000ull + (uint64_t)t->tv_nsec;
}

int main(void)
{
    struct timespec res, t;
    if (clock_getres(CLOCK_MONOTONIC, &res) != 0 || clock_gettime(CLOCK_MONOTONIC, &t) != 0) {
        printf("%s: no clock\n", NAME);
        return 1;
    }
    uint64_t start = ns(&t), last = start, smallest = UINT64_MAX, readings = 0, off_grid = 0, sub_us = 0;
    while (last - start < 20000000u) {
        clock_gettime(CLOCK_MONOTONIC, &t);
        uint64_t now = ns(&t);
        readings++;
        if (now % COARSE_NS)
            off_grid++;
        if (now % 1000)
            sub_us++;
        if (now != last && now - last < smallest)
            smallest = now - last;
        last = now;
    }
    printf("%s: resolution %llu ns, smallest step %llu ns, of %llu readings %llu off the %u ns grid "
           "and %llu between microseconds\n",
           NAME, (unsigned long long)ns(&res), (unsigned long long)smallest, (unsigned long long)readings,
           (unsigned long long)off_grid, COARSE_NS, (unsigned long long)sub_us);
#if WANT_PRECISE
    return ns(&res) == 1 && smallest < COARSE_NS && sub_us * 10 >= readings * 9 ? 0 : 1;
#else
    return ns(&res) == COARSE_NS && smallest >= COARSE_NS && off_grid == 0 ? 0 : 1;
#endif
}
