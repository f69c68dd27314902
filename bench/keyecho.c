/* Keystroke to echo: boot Azoth in QEMU with its serial console on pipes,
 * wait for a prompt, then type one character at a time and time how long
 * until its echo comes back. Median of 40 keys.
 *   keyecho shell DISK   through the UART driver and the shell (make run's setup)
 *   keyecho monitor      through the kernel's own console and monitor (baseline)
 * Prints "bench: keystroke-echo-<mode> <ns> ns". */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KEYS 40

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

/* Read from fd until `want` has been seen (a sliding window), or timeout. */
static int wait_for(int fd, const char *want, int timeout_ms)
{
    size_t n = strlen(want), have = 0;
    uint64_t end = now_ns() + (uint64_t)timeout_ms * 1000000ull;
    while (now_ns() < end) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, 10) <= 0)
            continue;
        char c;
        if (read(fd, &c, 1) != 1)
            return -1;
        have = c == want[have] ? have + 1 : (c == want[0] ? 1 : 0);
        if (have == n)
            return 0;
    }
    return -1;
}

int main(int argc, char **argv)
{
    int shell = argc == 3 && !strcmp(argv[1], "shell");
    if (!shell && !(argc == 2 && !strcmp(argv[1], "monitor"))) {
        fprintf(stderr, "usage: keyecho shell DISK | keyecho monitor\n");
        return 2;
    }
    int in[2], out[2];
    if (pipe(in) || pipe(out))
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        if (shell)
            execl("tools/qemu.sh", "qemu.sh", "--disk", argv[2], "--append", "azoth.shell=1", (char *)NULL);
        else
            execl("tools/qemu.sh", "qemu.sh", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    int rc = 1;
    if (wait_for(out[0], shell ? "azoth$ " : "azoth> ", 60000) == 0) {
        usleep(500000); /* let the boot messages settle */
        uint64_t t[KEYS];
        int k = 0;
        for (; k < KEYS; k++) {
            char c = (char)('a' + k % 26), s[2] = { c, 0 };
            uint64_t t0 = now_ns();
            if (write(in[1], &c, 1) != 1 || wait_for(out[0], s, 5000) != 0)
                break;
            t[k] = now_ns() - t0;
            usleep(20000);
        }
        if (k == KEYS) {
            qsort(t, KEYS, sizeof t[0], cmp);
            printf("bench: keystroke-echo-%s %llu ns (keys=%d)\n", argv[1], (unsigned long long)t[KEYS / 2], KEYS);
            rc = 0;
        }
    }
    if (write(in[1], "\rhalt\r", 6) < 0)
        rc = 1;
    close(in[1]);
    for (int i = 0; i < 50 && waitpid(pid, NULL, WNOHANG) == 0; i++)
        usleep(100000);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    return rc;
}
