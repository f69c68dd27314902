/* Baseline for the hosted lend benchmark, in the same run: the Linux system
 * calls a read-only lend of 4 KiB makes on the hosted platform, by
 * themselves (mremap out, a PROT_NONE placeholder where the pages were,
 * mprotect read-only; the same three back). Hosted Athanor cannot lend
 * faster than this. Prints "bench: linux-remap-lend-4kib <ns> ns". */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define N    2000
#define RUNS 7
#define PROT_RW (PROT_READ | PROT_WRITE)
#define RESERVE (MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED)

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Move len bytes from `from` to `to`, leaving a reservation behind. */
static int move(char *from, char *to, size_t len, int prot)
{
    return mremap(from, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to) == MAP_FAILED ||
           mmap(from, len, PROT_NONE, RESERVE, -1, 0) == MAP_FAILED || mprotect(to, len, prot) != 0;
}

int main(void)
{
    char *a = mmap(NULL, 1 << 20, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *b = mmap(NULL, 1 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (a == MAP_FAILED || b == MAP_FAILED)
        return 1;
    a[0] = 1;
    uint64_t t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        uint64_t t0 = now_ns();
        for (int i = 0; i < N; i++)
            if (move(a, b, 4096, PROT_READ) || b[0] != 1 || move(b, a, 4096, PROT_RW))
                return 1;
        t[r] = (now_ns() - t0) / N;
    }
    qsort(t, RUNS, sizeof t[0], cmp);
    printf("bench: linux-remap-lend-4kib %llu ns (runs=%d)\n", (unsigned long long)t[RUNS / 2], RUNS);
    return 0;
}
