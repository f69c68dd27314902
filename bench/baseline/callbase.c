/* Baselines for the IPC benchmark, in the same run: a direct indirect
 * function call (what a component call should come close to) and a Linux
 * getppid system call. Prints "bench: <name> <ns> ns". With the argument
 * "call", the indirect call alone (bench/run.sh alternates it with the
 * component call's processes). */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define N 20000000L
#define RUNS 7

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

__attribute__((noinline)) static uint64_t handler(uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    return op + a0 + a1 + a2;
}
static uint64_t (*volatile fp)(uint64_t, uint64_t, uint64_t, uint64_t) = handler;

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int calls_only = argc > 1 && strcmp(argv[1], "call") == 0;
    double call[RUNS], sys[RUNS] = { 0 };
    volatile uint64_t sink = 0;
    for (int r = 0; r < RUNS; r++) {
        uint64_t t0 = now_ns();
        for (long i = 0; i < N; i++)
            sink += fp((uint64_t)i, 1, 2, 3);
        call[r] = (double)(now_ns() - t0) / N;
        if (calls_only)
            continue;
        t0 = now_ns();
        for (long i = 0; i < N / 20; i++)
            sink += (uint64_t)syscall(SYS_getppid);
        sys[r] = (double)(now_ns() - t0) / (N / 20);
    }
    qsort(call, RUNS, sizeof call[0], cmp);
    qsort(sys, RUNS, sizeof sys[0], cmp);
    printf("bench: indirect-call %.2f ns (runs=%d)\n", call[RUNS / 2], RUNS);
    if (!calls_only)
        printf("bench: getppid-syscall %.1f ns (runs=%d)\n", sys[RUNS / 2], RUNS);
    return (int)(sink & 0);
}
