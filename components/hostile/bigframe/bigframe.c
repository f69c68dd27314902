/* bigframe: native stack frames of every size the suite needs. Each big_*
 * function loads N values in order and only then combines them in an
 * order no compiler can reassociate (division), so all N stay live at
 * once: wasm2c turns them into N C locals and gcc spills them into one
 * frame of about 8*N bytes (tools/frames.sh measures it; this module's
 * limit sits that far above the kernel's reserve). Modes:
 *   deep K   recurse through the K-th big function until the stack runs out
 *   mixed    recurse alternating small and big frames
 *   edge     recurse with small frames, making host calls (a console write,
 *            a sleep) at every level, so kernel code runs at the limit
 * Each ends in a trap of this component (stack exhausted), never a fault
 * of the kernel. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile uint64_t src[4096];
static volatile int      depth_limit = 1 << 30;

#define LOAD(n) uint64_t v##n = src[(n) & 4095];
#define USE(n)  r = v##n / (r | 1);
#define X10(m, p)  m(p##0) m(p##1) m(p##2) m(p##3) m(p##4) m(p##5) m(p##6) m(p##7) m(p##8) m(p##9)
#define X100(m, p) X10(m, p##0) X10(m, p##1) X10(m, p##2) X10(m, p##3) X10(m, p##4) \
                   X10(m, p##5) X10(m, p##6) X10(m, p##7) X10(m, p##8) X10(m, p##9)

/* about 2.4 KiB, 4.8 KiB and 9.6 KiB of live values */
#define V300(m)  X100(m, 1) X100(m, 2) X100(m, 3)
#define V600(m)  V300(m) X100(m, 4) X100(m, 5) X100(m, 6)
#define V1200(m) V600(m) X100(m, 7) X100(m, 8) X100(m, 9) X100(m, 10) X100(m, 11) X100(m, 12) \
                 X100(m, 13) X100(m, 14)

typedef uint64_t (*bigfn)(int depth, int which);
static uint64_t recurse(int depth, int which);

#define BIG(name, VALUES)                                          \
    __attribute__((noinline)) static uint64_t name(int depth, int which) \
    {                                                              \
        VALUES(LOAD)                                               \
        uint64_t r = (uint64_t)depth;                              \
        r ^= recurse(depth + 1, which);                            \
        VALUES(USE)                                                \
        return r;                                                  \
    }
BIG(big_2k, V300)
BIG(big_5k, V600)
BIG(big_10k, V1200)

static const bigfn bigs[] = { big_2k, big_5k, big_10k };

__attribute__((noinline)) static uint64_t small(int depth, int which)
{
    return recurse(depth + 1, which) * 31 + (uint64_t)depth;
}

/* which: 0-2 one big function; 3 alternate small and big; 4 the edge. */
static uint64_t recurse(int depth, int which)
{
    if (depth >= depth_limit)
        return 0;
    if (which < 3)
        return bigs[which](depth, which);
    if (which == 3)
        return depth % 2 ? small(depth, which) : bigs[depth % 3](depth, which);
    /* the edge: kernel code below every level, until there is no room */
    printf("%d ", depth);
    fflush(stdout);
    struct timespec ts = { 0, 1000 };
    nanosleep(&ts, NULL);
    return small(depth, which);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "deep";
    int which = !strcmp(mode, "mixed") ? 3 : !strcmp(mode, "edge") ? 4
              : argc > 2 ? atoi(argv[2]) % 3 : 2;
    printf("bigframe: %s %d\n", mode, which);
    return (int)recurse(0, which);
}
