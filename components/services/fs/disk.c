/* The filesystem service's disk: the block service, through a page-aligned
 * bounce buffer (it takes whole pages, libext2fs asks for 1 KiB blocks and
 * the superblock at byte 1024), across the block service's restarts. */
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

/* The disk's write cache (BLK_FLUSH): what was written is durable. */
int disk_flush(void)
{
    uint64_t v = 0;
    int r = blk_call(BLK_FLUSH, 0, 0, &v);
    return r != 0 || (int64_t)v < 0 ? EXT2_ET_SHORT_WRITE : 0;
}


/* The block service's disk: its size, waiting 5 s at most for the service
 * (at boot it may not serve yet). 0: no disk. */
uint64_t disk_open(void)
{
    blk = ath_lookup("block"); /* the manifest's: calls = ["block", ...] */
    uint64_t sectors = 0;
    int r = blk_call(BLK_INFO, 0, 0, &sectors); /* rides out its start, as every request */
    if (r != 0 || (int64_t)sectors <= 0)
        return 0;
    disk_bytes = sectors * SECTOR;
    return disk_bytes;
}

uint64_t disk_size(void)
{
    return disk_bytes;
}
