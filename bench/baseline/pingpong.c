/* Linux baseline for the context-switch benchmark: two threads hand control
 * back and forth through futexes (or a pipe pair), pinned to one CPU like the
 * single-CPU Azoth kernel. Prints the median ns per one-way switch of 11 runs.
 * Usage: pingpong futex|pipe [rounds] */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RUNS 11

static long rounds = 20000;
static int use_pipe;
static _Atomic int turn; /* futex word: 0 = main's turn, 1 = partner's */
static int p2c[2], c2p[2];

static void fwait(int val)
{
    while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) == val)
        syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void fpass(int to)
{
    __atomic_store_n(&turn, to, __ATOMIC_RELEASE);
    syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void pin(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    sched_setaffinity(0, sizeof set, &set);
}

static void *partner(void *arg)
{
    (void)arg;
    pin();
    char c;
    for (long i = 0; i < rounds; i++) {
        if (use_pipe) {
            if (read(p2c[0], &c, 1) != 1 || write(c2p[1], &c, 1) != 1)
                exit(1);
        } else {
            fwait(0);
            fpass(0);
        }
    }
    return NULL;
}

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "futex") && strcmp(argv[1], "pipe"))) {
        fprintf(stderr, "usage: %s futex|pipe [rounds]\n", argv[0]);
        return 2;
    }
    use_pipe = !strcmp(argv[1], "pipe");
    if (argc > 2)
        rounds = atol(argv[2]);
    pin();
    uint64_t per[RUNS];
    for (int r = 0; r < RUNS; r++) {
        if (use_pipe && (pipe(p2c) || pipe(c2p)))
            return 1;
        turn = 0;
        pthread_t t;
        pthread_create(&t, NULL, partner, NULL);
        char c = 'x';
        uint64_t t0 = now_ns();
        for (long i = 0; i < rounds; i++) {
            if (use_pipe) {
                if (write(p2c[1], &c, 1) != 1 || read(c2p[0], &c, 1) != 1)
                    return 1;
            } else {
                fpass(1);
                fwait(1);
            }
        }
        uint64_t dt = now_ns() - t0;
        pthread_join(t, NULL);
        if (use_pipe) {
            close(p2c[0]); close(p2c[1]); close(c2p[0]); close(c2p[1]);
        }
        per[r] = dt / (2 * (uint64_t)rounds);
    }
    qsort(per, RUNS, sizeof per[0], cmp);
    printf("bench: linux-%s %llu ns (runs=%d)\n", argv[1], (unsigned long long)per[RUNS / 2], RUNS);
    return 0;
}
