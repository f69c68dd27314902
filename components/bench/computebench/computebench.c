/* computebench: the same compute kernels run natively (bench/run.sh builds
 * this file with gcc -O2) and as an Azoth component, so their times compare
 * the code WebAssembly + wasm2c produce with plain native code.
 * Kernels: matrix multiply, quicksort (our own), hashing, and a CoreMark-like mix
 * (linked-list walk, state machine, CRC). Prints, per kernel:
 *   bench: compute-<name> <median ns> ns (runs=N) check=<value>
 * The check value must match between native and wasm (same work done).
 * It is also one of the workload benchmarks (mk/workloads.mk), built with
 * -std=c11, where clock_gettime is declared only when POSIX is asked for. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 7
#define N 160           /* matrix size */
#define SORT_N 200000
#define HASH_BYTES (4u << 20)
#define LIST_N 20000

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static uint32_t rng_state = 1;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static double A[N][N], B[N][N], C[N][N];

static uint64_t k_matmul(void)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            A[i][j] = (double)((i * 7 + j * 3) % 17) / 8.0;
            B[i][j] = (double)((i * 5 + j * 11) % 13) / 4.0;
        }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int k = 0; k < N; k++)
                s += A[i][k] * B[k][j];
            C[i][j] = s;
        }
    double t = 0;
    for (int i = 0; i < N; i++)
        t += C[i][(i * 3) % N];
    return (uint64_t)t;
}

static uint32_t sort_buf[SORT_N];

/* Our own quicksort (not the C library's: native and wasm use different
 * libcs, and the point is to compare the same code). */
static void quicksort(uint32_t *a, long lo, long hi)
{
    while (lo < hi) {
        uint32_t pivot = a[lo + (hi - lo) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                uint32_t t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        if (j - lo < hi - i) { /* recurse on the smaller side */
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
}

static uint64_t k_sort(void)
{
    rng_state = 12345;
    for (int i = 0; i < SORT_N; i++)
        sort_buf[i] = rnd();
    quicksort(sort_buf, 0, SORT_N - 1);
    for (int i = 1; i < SORT_N; i++)
        if (sort_buf[i - 1] > sort_buf[i])
            return 0; /* not sorted: the check value says so */
    return sort_buf[0] ^ sort_buf[SORT_N / 2] ^ sort_buf[SORT_N - 1];
}

static uint8_t *hash_buf;
static uint64_t k_hash(void)
{
    /* FNV-1a 64 and a multiply-rotate hash over 4 MiB. */
    uint64_t fnv = 1469598103934665603ull, mr = 0;
    for (uint32_t i = 0; i < HASH_BYTES; i++) {
        fnv = (fnv ^ hash_buf[i]) * 1099511628211ull;
        mr = ((mr ^ hash_buf[i]) * 0x9e3779b97f4a7c15ull);
        mr = mr << 31 | mr >> 33;
    }
    return fnv ^ mr;
}

struct node {
    struct node *next;
    uint32_t     key, val;
};
static struct node nodes[LIST_N];

static uint64_t k_coremark(void)
{
    /* list: build, walk, find; state machine over a text; CRC-16 of results. */
    for (int i = 0; i < LIST_N; i++) {
        nodes[i].key = (uint32_t)(i * 2654435761u);
        nodes[i].val = (uint32_t)i;
        nodes[i].next = i + 1 < LIST_N ? &nodes[(i * 7919 + 1) % LIST_N] : NULL;
    }
    uint64_t sum = 0;
    for (int pass = 0; pass < 20; pass++) {
        struct node *p = &nodes[pass];
        for (int steps = 0; p && steps < LIST_N; steps++, p = p->next)
            sum += p->key & 0xff;
    }
    static const char text[] = "12,345 +0.5e-3 abc 0x1f -7 3.14159 ,, 42 1e10 foo";
    int state = 0, counts[4] = { 0 };
    for (int rep = 0; rep < 20000; rep++)
        for (const char *s = text; *s; s++) {
            char ch = *s;
            switch (state) {
            case 0: state = ch >= '0' && ch <= '9' ? 1 : ch == '+' || ch == '-' ? 2 : 0; break;
            case 1: state = ch >= '0' && ch <= '9' ? 1 : ch == '.' ? 3 : (counts[0]++, 0); break;
            case 2: state = ch >= '0' && ch <= '9' ? 1 : (counts[1]++, 0); break;
            default: state = ch >= '0' && ch <= '9' ? 3 : (counts[2]++, 0); break;
            }
        }
    uint16_t crc = 0xffff;
    uint32_t vals[5] = { (uint32_t)sum, (uint32_t)counts[0], (uint32_t)counts[1], (uint32_t)counts[2], 0 };
    for (int rep = 0; rep < 2000; rep++)
        for (int i = 0; i < 5; i++)
            for (int b = 0; b < 32; b++) {
                unsigned bit = (vals[i] >> b) & 1;
                crc = (uint16_t)((crc >> 1) ^ (((crc ^ bit) & 1) ? 0xa001 : 0));
            }
    return sum ^ crc;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void run(const char *name, uint64_t (*fn)(void))
{
    uint64_t t[RUNS], check = 0;
    for (int r = 0; r < RUNS; r++) {
        uint64_t t0 = now_ns();
        check = fn();
        t[r] = now_ns() - t0;
    }
    qsort(t, RUNS, sizeof t[0], cmp_u64);
    printf("bench: compute-%s %llu ns (runs=%d) check=%llu\n", name, (unsigned long long)t[RUNS / 2],
           RUNS, (unsigned long long)check);
}

int main(void)
{
    hash_buf = malloc(HASH_BYTES);
    if (!hash_buf)
        return 1;
    rng_state = 777;
    for (uint32_t i = 0; i < HASH_BYTES; i++)
        hash_buf[i] = (uint8_t)rnd();
    run("matmul", k_matmul);
    run("sort", k_sort);
    run("hash", k_hash);
    run("coremark", k_coremark);
    free(hash_buf);
    return 0;
}
