/* Boot-time benchmark: start a command (QEMU booting Azoth), time until the
 * monitor prompt appears on its output, kill it. Prints the median of N runs
 * in milliseconds. Usage: boottime N PROMPT command [args...] */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT_NS (30ull * 1000000000ull)

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One run: ms until `prompt` was seen, or -1. */
static double run_once(const char *prompt, char **cmd)
{
    int out[2], in[2];
    if (pipe(out) || pipe(in))
        return -1;
    uint64_t t0 = now_ns();
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(out[1], 2);
        close(in[1]);
        close(out[0]);
        execvp(cmd[0], cmd);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    char buf[65536];
    size_t len = 0;
    double ms = -1;
    while (now_ns() - t0 < TIMEOUT_NS) {
        ssize_t n = read(out[0], buf + len, sizeof buf - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        if (strstr(buf, prompt)) {
            ms = (double)(now_ns() - t0) / 1e6;
            break;
        }
        if (len > sizeof buf / 2) { /* keep the tail only */
            memmove(buf, buf + len - 256, 256);
            len = 256;
        }
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(out[0]);
    close(in[1]);
    return ms;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s N PROMPT command [args...]\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[1]);
    if (n < 1 || n > 1000)
        return 2;
    double *v = calloc((size_t)n, sizeof *v);
    for (int i = 0; i < n; i++) {
        v[i] = run_once(argv[2], argv + 3);
        if (v[i] < 0) {
            fprintf(stderr, "boottime: run %d never showed the prompt\n", i + 1);
            return 1;
        }
    }
    qsort(v, (size_t)n, sizeof *v, cmp);
    double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    printf("bench: boot-time %.1f ms (runs=%d, min %.1f, max %.1f)\n", median, n, v[0], v[n - 1]);
    return 0;
}
