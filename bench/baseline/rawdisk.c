/* Baseline for the block benchmark, in the same run: the same requests as
 * `blktest bench` (4 KiB at random places in the first 8 MiB, 1 MiB in
 * sequence; median per request) made with pwrite/pread on the raw disk
 * image file on the host, which is what QEMU does for the guest underneath
 * (its default cache mode goes through the host's page cache too).
 * Usage: rawdisk IMAGE. Prints "bench: raw-<op>-<size> <ns> ns". */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

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

static int run(int fd, int write, size_t len, int n, const char *name)
{
    static unsigned char buf[1 << 20];
    uint64_t t[512];
    unsigned seed = 12345;
    for (size_t j = 0; j < len; j++)
        buf[j] = (unsigned char)j;
    for (int i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        off_t off = len == 4096 ? (off_t)((seed >> 8) % 2048) * 4096 : (off_t)(i % 8) * (off_t)len;
        uint64_t t0 = now_ns();
        ssize_t r = write ? pwrite(fd, buf, len, off) : pread(fd, buf, len, off);
        t[i] = now_ns() - t0;
        if (r != (ssize_t)len)
            return 1;
    }
    uint64_t total = 0;
    for (int i = 0; i < n; i++)
        total += t[i];
    qsort(t, (size_t)n, sizeof t[0], cmp);
    printf("bench: %s %llu ns (requests=%d)\n", name, (unsigned long long)t[n / 2], n);
    printf("bench: %s-throughput %.1f MiB/s\n", name, (double)len * n / (double)total * 1e9 / 1048576.0);
    return 0;
}

int main(int argc, char **argv)
{
    int fd = argc == 2 ? open(argv[1], O_RDWR) : -1;
    if (fd < 0) {
        fprintf(stderr, "usage: rawdisk IMAGE\n");
        return 2;
    }
    int r = run(fd, 1, 4096, 501, "raw-write-4kib") || run(fd, 0, 4096, 501, "raw-read-4kib") ||
            run(fd, 1, 1 << 20, 31, "raw-write-1mib") || run(fd, 0, 1 << 20, 31, "raw-read-1mib");
    close(fd);
    return r;
}
