/* benchrun.h: the timing harness the workload benchmarks share (zlibbench,
 * sqlitebench, luabench, classicbench). The same program is built natively
 * (gcc and clang -O2), as a .wasm for Node, and as an Azoth component, so
 * the timer is inside it: clock_gettime(CLOCK_MONOTONIC) around each run,
 * start-up and set-up excluded. Each workload prints, like computebench:
 *   bench: <name> <median ns> ns (runs=N) check=<value>
 * where the check value is computed from the work's result, so that equal
 * checks prove the native and wasm builds did the same work.
 * Arguments: runs=N (default 7) and, optionally, the names of the workloads
 * to run (default: all), e.g. `classicbench runs=1 nbody sha256`. */
#ifndef BENCHRUN_H
#define BENCHRUN_H

/* clock_gettime is POSIX: strict C11 declares it only when asked. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_MAX_RUNS 31

static int    bench_runs = 7;
static int    bench_nnames;
static char **bench_names;

static inline uint64_t bench_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* bench_init: read runs=N and the workload names from the arguments. */
static inline void bench_init(int argc, char **argv)
{
    bench_names = calloc((size_t)argc + 1, sizeof *bench_names);
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "runs=", 5) == 0) {
            bench_runs = atoi(argv[i] + 5);
            if (bench_runs < 1 || bench_runs > BENCH_MAX_RUNS) {
                fprintf(stderr, "runs must be 1..%d\n", BENCH_MAX_RUNS);
                exit(2);
            }
        } else if (bench_names) {
            bench_names[bench_nnames++] = argv[i];
        }
    }
}

/* bench_wanted NAME: whether the arguments asked for this workload. */
static inline int bench_wanted(const char *name)
{
    if (bench_nnames == 0)
        return 1;
    for (int i = 0; i < bench_nnames; i++)
        if (strcmp(bench_names[i], name) == 0)
            return 1;
    return 0;
}

/* bench_run NAME FN: time FN bench_runs times and print the median. FN
 * returns its check value; every run must return the same one (a run that
 * does not is reported with check=MISMATCH, which no comparison accepts). */
static inline void bench_run(const char *name, uint64_t (*fn)(void))
{
    uint64_t t[BENCH_MAX_RUNS], check = 0;
    int same = 1;
    if (!bench_wanted(name))
        return;
    for (int r = 0; r < bench_runs; r++) {
        uint64_t t0 = bench_now_ns();
        uint64_t c = fn();
        t[r] = bench_now_ns() - t0;
        if (r > 0 && c != check)
            same = 0;
        check = c;
    }
    /* Insertion sort: at most 31 values. */
    for (int i = 1; i < bench_runs; i++)
        for (int j = i; j > 0 && t[j - 1] > t[j]; j--) {
            uint64_t x = t[j];
            t[j] = t[j - 1];
            t[j - 1] = x;
        }
    if (same)
        printf("bench: %s %llu ns (runs=%d) check=%llu\n", name, (unsigned long long)t[bench_runs / 2],
               bench_runs, (unsigned long long)check);
    else
        printf("bench: %s %llu ns (runs=%d) check=MISMATCH\n", name, (unsigned long long)t[bench_runs / 2],
               bench_runs);
    fflush(stdout);
}

/* A small deterministic generator for inputs (xorshift32). */
static inline uint32_t bench_rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

#endif
