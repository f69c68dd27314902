/* Filesystem service: ext2/ext3/ext4 through e2fsprogs' libext2fs (from
 * Debian's source package, docs/files.md), on the disk the block service
 * offers. This file: libext2fs's I/O manager over the block service, and
 * the mount; serve.c serves the protocol (athanor/abi/fs.h), fuse2fs.c's
 * operations do the work. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/types.h> /* before ext2fs.h, which uses its types */

#include <athanor.h>

#include "fs.h"

enum { BLK_INFO = 1, BLK_READ = 2, BLK_WRITE = 3, BLK_FLUSH = 4 };

#define SECTOR 512u
#define PAGE   4096u
/* Block requests lend whole pages (the block service's rule), so every
 * transfer goes through this page-aligned buffer: a range that is not
 * page-aligned is read (and for a write, patched and written back) as the
 * pages around it. */
#define BOUNCE (64u * 1024u)
static uint8_t bounce[BOUNCE] __attribute__((aligned(PAGE)));

static ath_handle_t blk;
static uint64_t     disk_bytes;

/* A request to the block service, across its restarts (and the driver's,
 * which it rides out itself): reconnect on EPEERRESTARTED, wait on
 * EPEERFAILED, 5 s at most. len > 0: the bounce buffer's first len bytes
 * go along, lent. */
static int blk_call(int op, uint64_t a0, uint32_t len, uint64_t *v)
{
    for (int tries = 0;; tries++) {
        int r = len ? ath_call_lend(blk, (uint64_t)op, a0, bounce, len,
                                    op == BLK_READ ? ATH_LEND_RW : ATH_LEND_RO, v)
                    : ath_call(blk, (uint64_t)op, a0, 0, 0, v);
        if ((r != -ATH_EPEERFAILED && r != -ATH_EPEERRESTARTED) || tries == 50)
            return r;
        if (r == -ATH_EPEERRESTARTED)
            ath_reconnect(&blk, "block");
        else
            nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
    }
}

/* One block request for the pages [off, off + len) through the bounce
 * buffer (len <= BOUNCE, both page-aligned). */
static errcode_t blk_pages(int op, uint64_t off, uint32_t len)
{
    if (off > disk_bytes || len > disk_bytes - off)
        return EXT2_ET_SHORT_READ; /* past the end of the disk */
    uint64_t v = 0;
    int r = blk_call(op, off / SECTOR, len, &v);
    if (r != 0 || (int64_t)v < 0)
        return op == BLK_READ ? EXT2_ET_SHORT_READ : EXT2_ET_SHORT_WRITE;
    return 0;
}

/* Read or write [off, off + len) of the disk, any 512-byte-aligned range. */
errcode_t disk_rw(bool write, uint64_t off, void *buf, size_t len)
{
    int op = write ? BLK_WRITE : BLK_READ;
    uint8_t *p = buf;
    while (len) {
        uint64_t first = off & ~(uint64_t)(PAGE - 1);
        uint64_t in = off - first;
        uint64_t span = (in + len + PAGE - 1) & ~(uint64_t)(PAGE - 1);
        if (span > BOUNCE)
            span = BOUNCE;
        size_t n = (size_t)(span - in) < len ? (size_t)(span - in) : len;
        errcode_t e;
        if (op == BLK_READ) {
            if ((e = blk_pages(BLK_READ, first, (uint32_t)span)))
                return e;
            memcpy(p, bounce + in, n);
        } else {
            /* The pages' other bytes are the disk's: read them first
             * unless the write covers the pages whole. */
            if ((in || (n & (PAGE - 1))) && (e = blk_pages(BLK_READ, first, (uint32_t)span)))
                return e;
            memcpy(bounce + in, p, n);
            if ((e = blk_pages(BLK_WRITE, first, (uint32_t)span)))
                return e;
        }
        p += n, off += n, len -= n;
    }
    return 0;
}

/* ---- libext2fs's I/O manager over the block service ---- */

static struct struct_io_manager athanor_io;

static errcode_t io_open(const char *name, int flags, io_channel *channel)
{
    io_channel ch = calloc(1, sizeof *ch);
    if (!ch)
        return EXT2_ET_NO_MEMORY;
    ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
    ch->manager = &athanor_io;
    ch->name = strdup(name);
    ch->block_size = 1024;
    ch->refcount = 1;
    ch->flags = flags;
    *channel = ch;
    return 0;
}

static errcode_t io_close(io_channel ch)
{
    if (--ch->refcount > 0)
        return 0;
    free(ch->name);
    free(ch);
    return 0;
}

static errcode_t io_set_blksize(io_channel ch, int blksize)
{
    ch->block_size = blksize;
    return 0;
}

/* count < 0 is a byte count (libext2fs's convention), else blocks. */
static size_t io_bytes(io_channel ch, int count)
{
    return count < 0 ? (size_t)-count : (size_t)count * (size_t)ch->block_size;
}

/* Through the write-back cache (cache.c), which goes to the disk until
 * the journal is open. */
static errcode_t io_read_blk64(io_channel ch, unsigned long long block, int count, void *data)
{
    return cache_read(block * (uint64_t)ch->block_size, data, io_bytes(ch, count));
}

static errcode_t io_write_blk64(io_channel ch, unsigned long long block, int count, const void *data)
{
    return cache_write(block * (uint64_t)ch->block_size, data, io_bytes(ch, count));
}

static errcode_t io_read_blk(io_channel ch, unsigned long block, int count, void *data)
{
    return io_read_blk64(ch, block, count, data);
}

static errcode_t io_write_blk(io_channel ch, unsigned long block, int count, const void *data)
{
    return io_write_blk64(ch, block, count, data);
}

/* The disk's write cache (BLK_FLUSH): what was written is durable. */
int disk_flush(void)
{
    uint64_t v = 0;
    int r = blk_call(BLK_FLUSH, 0, 0, &v);
    return r != 0 || (int64_t)v < 0 ? EXT2_ET_SHORT_WRITE : 0;
}

/* libext2fs's flush (the end of ext2fs_flush): with the journal open, what
 * it wrote waits in the cache for the next commit (cache.c says when);
 * before, it is on the disk, made durable here. */
static errcode_t io_flush(io_channel ch)
{
    (void)ch;
    return cache_capacity() ? 0 : disk_flush();
}

static errcode_t io_set_option(io_channel ch, const char *option, const char *arg)
{
    (void)ch, (void)option, (void)arg;
    return EXT2_ET_INVALID_ARGUMENT;
}

static struct struct_io_manager athanor_io = {
    .magic = EXT2_ET_MAGIC_IO_MANAGER,
    .name = "Athanor block service",
    .open = io_open,
    .close = io_close,
    .set_blksize = io_set_blksize,
    .read_blk = io_read_blk,
    .write_blk = io_write_blk,
    .flush = io_flush,
    .set_option = io_set_option,
    .read_blk64 = io_read_blk64,
    .write_blk64 = io_write_blk64,
};

int main(void)
{
    initialize_ext2_error_table(); /* libext2fs's messages for error_message() */
    blk = ath_cap_find(ATH_T_ENDPOINT, 0); /* the manifest's: calls = ["block"] */
    /* At boot the block service may not serve yet: wait for it, 5 s at most. */
    uint64_t sectors = 0;
    int r = -ATH_EPEERFAILED;
    for (int i = 0; i < 50 && (r == -ATH_EPEERFAILED || r == -ATH_EPEERRESTARTED); i++) {
        if (i)
            nanosleep(&(struct timespec){ 0, 100000000 }, NULL);
        if (r == -ATH_EPEERRESTARTED)
            ath_reconnect(&blk, "block");
        r = ath_call(blk, BLK_INFO, 0, 0, 0, &sectors);
    }
    if (r != 0 || (int64_t)sectors <= 0)
        return 0; /* no disk: nothing to serve, not a failure (quietly: lsblk and ps say so) */
    disk_bytes = sectors * SECTOR;
    int rw = 1;
    const char *why;
    errcode_t e = fs_mount(&athanor_io, &rw, &why);
    if (e) {
        printf("fs: the disk holds no ext2/3/4 filesystem this service can mount: %s\n",
               error_message(e));
        return 1;
    }
    ext2_filsys fs = fs_filesystem();
    if (why)
        printf("fs: mounting read-only: %s\n", why);
    if (rw) {
        /* The journal: every change reaches the disk as a jbd2 transaction. */
        blk64_t capacity = 0;
        if ((e = fsj_open(fs, &capacity)) || (e = cache_start(fs, capacity, true))) {
            printf("fs: no journal to write through (%s): mounting read-only\n", error_message(e));
            rw = 0;
            fs->flags &= ~EXT2_FLAG_RW;
        } else {
            printf("fs: journal: %llu blocks a transaction, %zu cached\n", (unsigned long long)capacity,
                   cache_capacity());
        }
    }
    printf("fs: mounted %s: %llu blocks of %u bytes, %u inodes, %llu blocks free\n",
           rw ? "read-write" : "read-only", (unsigned long long)ext2fs_blocks_count(fs->super),
           fs->blocksize, fs->super->s_inodes_count,
           (unsigned long long)ext2fs_free_blocks_count(fs->super));
    printf("fs: serving\n");
    return fs_serve(!rw);
}
