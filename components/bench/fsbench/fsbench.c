/* The file benchmarks (docs/files.md, "Benchmarks"; bench/files.sh): plain
 * POSIX through the C library, so the same program runs on Azoth (a
 * component, its preopened "/" the disk's root, through the kernel's WASI
 * calls and the filesystem service) and natively on the host's own
 * filesystem (the baseline, a temporary folder). Each step timed on its own
 * (the monotonic clock), printed as "bench: <name> <ns> ns":
 *   fs-create-1000x4k  create, write 4 KiB, fsync, close, 1000 times
 *   fs-read-1000x4k    open, read, close each
 *   fs-list-1000       list the folder
 *   fs-delete-1000     unlink each, then sync the folder
 *   fs-write-64m       one 64 MiB file in 64 KiB writes, fsync at the end
 *   fs-read-64m        read it back
 * Argument: the folder (default "/"). A failed step says so and exits 1. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NFILES 1000
#define SMALL  4096
#define BIG    (64u << 20)
#define CHUNK  (64u << 10)

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void fail(const char *what, const char *path)
{
    printf("fsbench: %s %s failed: %s\n", what, path, strerror(errno));
    exit(1);
}

static void report(const char *name, uint64_t t0)
{
    printf("bench: %s %llu ns\n", name, (unsigned long long)(now_ns() - t0));
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0 || fsync(fd) != 0)
        fail("syncing", dir);
    close(fd);
}

int main(int argc, char **argv)
{
    const char *root = argc > 1 ? argv[1] : "/";
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s/fsbench", strcmp(root, "/") ? root : "");
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        fail("making", dir);
    static char small[SMALL];
    for (unsigned i = 0; i < SMALL; i++)
        small[i] = (char)(i * 13);

    uint64_t t0 = now_ns();
    for (unsigned i = 0; i < NFILES; i++) {
        snprintf(path, sizeof path, "%s/f%04u", dir, i);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || write(fd, small, SMALL) != SMALL || fsync(fd) != 0)
            fail("writing", path);
        close(fd);
    }
    report("fs-create-1000x4k", t0);

    t0 = now_ns();
    static char back[SMALL];
    for (unsigned i = 0; i < NFILES; i++) {
        snprintf(path, sizeof path, "%s/f%04u", dir, i);
        int fd = open(path, O_RDONLY);
        if (fd < 0 || read(fd, back, SMALL) != SMALL || memcmp(back, small, SMALL))
            fail("reading", path);
        close(fd);
    }
    report("fs-read-1000x4k", t0);

    t0 = now_ns();
    DIR *d = opendir(dir);
    unsigned seen = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        seen += e->d_name[0] == 'f';
    if (!d || seen != NFILES)
        fail("listing", dir);
    closedir(d);
    report("fs-list-1000", t0);

    t0 = now_ns();
    for (unsigned i = 0; i < NFILES; i++) {
        snprintf(path, sizeof path, "%s/f%04u", dir, i);
        if (unlink(path) != 0)
            fail("removing", path);
    }
    sync_dir(dir);
    report("fs-delete-1000", t0);

    char *big = malloc(CHUNK);
    if (!big)
        fail("allocating", "64 KiB");
    for (unsigned i = 0; i < CHUNK; i++)
        big[i] = (char)(i * 7 + 1);
    snprintf(path, sizeof path, "%s/big", dir);
    t0 = now_ns();
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for (unsigned off = 0; fd >= 0 && off < BIG; off += CHUNK)
        if (write(fd, big, CHUNK) != CHUNK)
            fail("writing", path);
    if (fd < 0 || fsync(fd) != 0)
        fail("syncing", path);
    close(fd);
    report("fs-write-64m", t0);

    t0 = now_ns();
    fd = open(path, O_RDONLY);
    unsigned long long total = 0;
    ssize_t n;
    while (fd >= 0 && (n = read(fd, big, CHUNK)) > 0)
        total += (unsigned long long)n;
    if (fd < 0 || total != BIG)
        fail("reading", path);
    close(fd);
    report("fs-read-64m", t0);
    unlink(path);
    rmdir(dir);
    printf("fsbench: done\n");
    return 0;
}
