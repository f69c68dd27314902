/* The file benchmarks' like-for-like baseline (bench/files.sh): the
 * filesystem service's own code (libext2fs, fuse2fs, the journal, the
 * cache, the protocol) compiled natively (mk/fsfuzz.mk, -O2, no
 * sanitizers), on a disk image file (pread, pwrite, fdatasync for a
 * flush), driven through the protocol's handler as the kernel drives it,
 * minus IPC, SFI and the WASI layer. The same steps as fsbench
 * (components/bench/fsbench), printed the same way.
 *   fslib IMAGE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fshost.h"

/* fsbench's requests name one path at most. */
#define req(op, h, off, len, fl, path, data) fs_req(op, h, off, len, fl, path, NULL, data)

static int disk_fd = -1;

errcode_t disk_rw(bool write, uint64_t off, void *buf, size_t len)
{
    ssize_t n = write ? pwrite(disk_fd, buf, len, (off_t)off) : pread(disk_fd, buf, len, (off_t)off);
    return n == (ssize_t)len ? 0 : write ? EXT2_ET_SHORT_WRITE : EXT2_ET_SHORT_READ;
}

int disk_flush(void)
{
    return fdatasync(disk_fd) ? EXT2_ET_SHORT_WRITE : 0;
}

uint64_t disk_open(void)
{
    off_t end = lseek(disk_fd, 0, SEEK_END);
    return end > 0 ? (uint64_t)end : 0;
}

uint64_t disk_size(void)
{
    return disk_open();
}

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void report(const char *name, uint64_t t0)
{
    printf("bench: %s %llu ns\n", name, (unsigned long long)(now_ns() - t0));
}

static void check(int64_t r, const char *what)
{
    if (r < 0) {
        printf("fslib: %s failed: %s\n", what, strerror((int)-r));
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2 || (disk_fd = open(argv[1], O_RDWR)) < 0) {
        fprintf(stderr, "usage: fslib IMAGE\n");
        return 2;
    }
    initialize_ext2_error_table();
    if (fs_start() != 1)
        return 1;
    fs_serve_init(false);
    check(req(FS_OP_MKDIR, 0, 0, 0, 0, "fsbench", NULL), "mkdir");
    static uint8_t small[4096], big[65536];
    for (unsigned i = 0; i < sizeof small; i++)
        small[i] = (uint8_t)(i * 13);
    char path[64];
    uint64_t t0 = now_ns();
    for (unsigned i = 0; i < 1000; i++) {
        snprintf(path, sizeof path, "fsbench/f%04u", i);
        int64_t h = req(FS_OP_OPEN, 0, 0, 0, FS_F_CREAT | FS_F_TRUNC | FS_F_WRITE, path, NULL);
        check(h, "create");
        check(req(FS_OP_WRITE, (uint64_t)h, 0, sizeof small, 0, NULL, small), "write");
        check(req(FS_OP_SYNC, (uint64_t)h, 0, 0, 0, NULL, NULL), "fsync");
        req(FS_OP_CLOSE, (uint64_t)h, 0, 0, 0, NULL, NULL);
    }
    report("fs-create-1000x4k", t0);
    t0 = now_ns();
    for (unsigned i = 0; i < 1000; i++) {
        snprintf(path, sizeof path, "fsbench/f%04u", i);
        int64_t h = req(FS_OP_OPEN, 0, 0, 0, FS_F_READ, path, NULL);
        check(h, "open");
        if (req(FS_OP_READ, (uint64_t)h, 0, sizeof small, 0, NULL, NULL) != (int64_t)sizeof small ||
            memcmp(fs_block, small, sizeof small))
            check(-EIO, "read");
        req(FS_OP_CLOSE, (uint64_t)h, 0, 0, 0, NULL, NULL);
    }
    report("fs-read-1000x4k", t0);
    t0 = now_ns();
    unsigned seen = 0;
    for (uint64_t cookie = 0;;) {
        int64_t got = req(FS_OP_READDIR, 0, cookie, 32768, FS_F_PATH, "fsbench", NULL);
        check(got, "readdir");
        int64_t at = 0, whole = 0;
        while (at + FS_DIRENT_SIZE <= got) {
            uint32_t namlen;
            memcpy(&namlen, fs_block + at + 16, 4);
            if (at + FS_DIRENT_SIZE + (int64_t)namlen > got)
                break;
            memcpy(&cookie, fs_block + at, 8);
            seen += fs_block[at + FS_DIRENT_SIZE] == 'f';
            at += FS_DIRENT_SIZE + namlen;
            whole = at;
        }
        if (got < 32768 || whole == 0)
            break;
    }
    if (seen != 1000)
        check(-EIO, "listing");
    report("fs-list-1000", t0);
    t0 = now_ns();
    for (unsigned i = 0; i < 1000; i++) {
        snprintf(path, sizeof path, "fsbench/f%04u", i);
        check(req(FS_OP_UNLINK, 0, 0, 0, 0, path, NULL), "unlink");
    }
    check(req(FS_OP_SYNCFS, 0, 0, 0, 0, NULL, NULL), "sync");
    report("fs-delete-1000", t0);
    for (unsigned i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 7 + 1);
    t0 = now_ns();
    int64_t h = req(FS_OP_OPEN, 0, 0, 0, FS_F_CREAT | FS_F_TRUNC | FS_F_WRITE | FS_F_READ, "fsbench/big", NULL);
    check(h, "create big");
    for (uint64_t off = 0; off < (64u << 20); off += sizeof big)
        check(req(FS_OP_WRITE, (uint64_t)h, off, sizeof big, 0, NULL, big), "write big");
    check(req(FS_OP_SYNC, (uint64_t)h, 0, 0, 0, NULL, NULL), "fsync big");
    report("fs-write-64m", t0);
    t0 = now_ns();
    uint64_t total = 0;
    for (int64_t got; (got = req(FS_OP_READ, (uint64_t)h, total, sizeof big, 0, NULL, NULL)) > 0;)
        total += (uint64_t)got;
    if (total != (64u << 20))
        check(-EIO, "read big");
    report("fs-read-64m", t0);
    req(FS_OP_CLOSE, (uint64_t)h, 0, 0, 0, NULL, NULL);
    printf("fslib: done\n");
    return 0;
}
