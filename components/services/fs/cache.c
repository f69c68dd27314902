/* The write-back cache between libext2fs and the disk, and the commits that
 * empty it through the journal (docs/files.md, "Crash safety"). Every block
 * libext2fs writes waits here; a commit logs all of them as one jbd2
 * transaction (journal.c), flushes, writes them in place, flushes, and
 * marks the journal empty. A crash before the commit block leaves the disk
 * as the last commit left it; after it, the journal's replay at the next
 * mount finishes the job. So the disk only ever holds whole commits, and a
 * commit happens between two requests (a sync, the cache half full, or
 * every few seconds), when fuse2fs's operations have left everything
 * consistent.
 *
 * The disk's superblock says whether it needs a look: the first write after
 * a clean state marks it "needs recovery, not clean" in place (only those
 * bits, on the disk's own copy), and a sync ends with the superblock that
 * says "clean" written last, after the journal is marked empty. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"

static bool     active;  /* caching (after the mount and the replay) */
static bool     direct;  /* writes go to the disk: the journal's own, a checkpoint's */
static bool     clean;   /* the disk says clean: nothing written since the last sync */
static ext2_filsys fs;
static uint32_t bs;      /* the filesystem's block size: the cache's unit */
static size_t   cap, n;  /* slots, and slots in use (in the order first written) */
static uint8_t *data;    /* cap blocks: fmemopen hands them to the journal as they are */
static blk64_t *blocknr; /* which block each slot holds */
static int32_t *table;   /* open addressing: block -> slot, -1 free; 2 * cap, a power of two */
static size_t   tmask;
static uint64_t commits;

/* Read-ahead: what the disk holds, in 64 KiB windows (16, the least
 * recently used replaced), so that libext2fs's block-at-a-time reads of a
 * file or a table cost one block request per window, not per block. Every
 * write to the disk goes through disk_write, which drops the windows it
 * touches: they only ever hold what the disk holds. */
#define RA_WIN (64u * 1024u)
#define RA_N   16
static struct window {
    uint64_t off, used;
    uint32_t len;
} ra[RA_N];
static uint8_t *ra_buf;
static uint64_t ra_clock, fs_bytes;

static void ra_drop(uint64_t off, size_t len)
{
    for (unsigned i = 0; i < RA_N; i++)
        if (ra[i].len && off < ra[i].off + ra[i].len && ra[i].off < off + len)
            ra[i].len = 0;
}

static errcode_t disk_write(uint64_t off, const void *buf, size_t len)
{
    ra_drop(off, len);
    return disk_rw(true, off, (void *)buf, len);
}

static errcode_t disk_read(uint64_t off, void *buf, size_t len)
{
    uint64_t w = off & ~(uint64_t)(RA_WIN - 1);
    if (!ra_buf || off + len > w + RA_WIN || w >= fs_bytes)
        return disk_rw(false, off, buf, len);
    unsigned pick = 0;
    for (unsigned i = 0; i < RA_N; i++) {
        if (ra[i].len && ra[i].off == w && off + len <= w + ra[i].len) {
            ra[i].used = ++ra_clock;
            memcpy(buf, ra_buf + (size_t)i * RA_WIN + (off - w), len);
            return 0;
        }
        if (ra[i].used < ra[pick].used)
            pick = i;
    }
    uint32_t wlen = fs_bytes - w < RA_WIN ? (uint32_t)(fs_bytes - w) : RA_WIN;
    if (off + len > w + wlen)
        return disk_rw(false, off, buf, len);
    ra[pick].len = 0;
    errcode_t e = disk_rw(false, w, ra_buf + (size_t)pick * RA_WIN, wlen);
    if (e)
        return e;
    ra[pick] = (struct window){ w, ++ra_clock, wlen };
    memcpy(buf, ra_buf + (size_t)pick * RA_WIN + (off - w), len);
    return 0;
}

static size_t hash(blk64_t b)
{
    return (size_t)((b * 0x9E3779B97F4A7C15ull) >> 20) & tmask;
}

static int32_t find(blk64_t b)
{
    for (size_t i = hash(b);; i = (i + 1) & tmask) {
        if (table[i] < 0)
            return -1;
        if (blocknr[table[i]] == b)
            return table[i];
    }
}

static void insert(blk64_t b, int32_t slot)
{
    size_t i = hash(b);
    while (table[i] >= 0)
        i = (i + 1) & tmask;
    table[i] = slot;
}

int cache_start(ext2_filsys filsys, blk64_t capacity, bool is_clean)
{
    fs = filsys;
    bs = fs->blocksize;
    /* At most 8 MiB of blocks in memory, however large the journal. */
    cap = capacity < (8u << 20) / bs ? (size_t)capacity : (8u << 20) / bs;
    size_t tsize = 1;
    while (tsize < 2 * cap)
        tsize <<= 1;
    tmask = tsize - 1;
    data = malloc(cap * bs);
    blocknr = malloc(cap * sizeof *blocknr);
    table = malloc(tsize * sizeof *table);
    ra_buf = malloc((size_t)RA_N * RA_WIN); /* none: no read-ahead, reads go to the disk */
    fs_bytes = ext2fs_blocks_count(fs->super) * bs;
    if (!data || !blocknr || !table || cap < 64)
        return EXT2_ET_NO_MEMORY;
    memset(table, 0xff, tsize * sizeof *table);
    n = 0;
    clean = is_clean;
    active = true;
    return 0;
}

size_t cache_dirty(void)
{
    return n;
}

size_t cache_capacity(void)
{
    return cap;
}

uint64_t cache_commits(void)
{
    return commits;
}

/* The disk's superblock, marked "needs recovery, not clean" in place:
 * only those bits change, in the disk's own copy (what libext2fs holds in
 * memory may be ahead of the disk), with its checksum. */
static errcode_t mark_disk_dirty(void)
{
    struct ext2_super_block sb;
    errcode_t e = disk_rw(false, SUPERBLOCK_OFFSET, &sb, sizeof sb); /* the disk's, not a window's */
    if (e)
        return e;
    sb.s_state &= (__u16)~EXT2_VALID_FS;
    sb.s_feature_incompat |= EXT3_FEATURE_INCOMPAT_RECOVER;
    ext2fs_superblock_csum_set(fs, &sb);
    if ((e = disk_write(SUPERBLOCK_OFFSET, &sb, sizeof sb)) || (e = disk_flush()))
        return e;
    /* and the same in memory, so that every later superblock says so */
    fs->super->s_state &= (__u16)~EXT2_VALID_FS;
    ext2fs_set_feature_journal_needs_recovery(fs->super);
    ext2fs_mark_super_dirty(fs);
    clean = false;
    return 0;
}

errcode_t cache_read(uint64_t off, void *buf, size_t len)
{
    errcode_t e = active ? disk_read(off, buf, len) : disk_rw(false, off, buf, len);
    if (e || !active || !n)
        return e;
    /* What the cache holds is newer than the disk. */
    for (blk64_t b = off / bs; (uint64_t)b * bs < off + len; b++) {
        int32_t s = find(b);
        if (s < 0)
            continue;
        uint64_t from = (uint64_t)b * bs > off ? (uint64_t)b * bs : off;
        uint64_t to = ((uint64_t)b + 1) * bs < off + len ? ((uint64_t)b + 1) * bs : off + len;
        memcpy((uint8_t *)buf + (from - off), data + (size_t)s * bs + (from - (uint64_t)b * bs), to - from);
    }
    return 0;
}

errcode_t cache_write(uint64_t off, const void *buf, size_t len)
{
    if (!active || direct)
        return disk_write(off, buf, len);
    errcode_t e;
    if (clean && (e = mark_disk_dirty()))
        return e;
    for (blk64_t b = off / bs; (uint64_t)b * bs < off + len; b++) {
        int32_t s = find(b);
        uint64_t from = (uint64_t)b * bs > off ? (uint64_t)b * bs : off;
        uint64_t to = ((uint64_t)b + 1) * bs < off + len ? ((uint64_t)b + 1) * bs : off + len;
        if (s < 0) {
            /* Full in the middle of an operation: commit what there is
             * (the rare case the commits between requests are there to
             * avoid: a crash right after it may need e2fsck). */
            if (n == cap && (e = cache_commit()))
                return e;
            s = (int32_t)n++;
            blocknr[s] = b;
            insert(b, s);
            /* A part of a block: the rest is the disk's. */
            if ((to - from < bs) && (e = disk_read((uint64_t)b * bs, data + (size_t)s * bs, bs)))
                return e;
        }
        memcpy(data + (size_t)s * bs + (from - (uint64_t)b * bs), (const uint8_t *)buf + (from - off), to - from);
    }
    return 0;
}

/* Write the cached blocks in place, runs of consecutive blocks at a time,
 * all but skip (the primary superblock's block, written last). */
static errcode_t checkpoint(blk64_t skip)
{
    /* Sort the slots by block number (an index sort: the slots stay put). */
    int32_t *order = malloc(n * sizeof *order);
    if (!order)
        return EXT2_ET_NO_MEMORY;
    for (size_t i = 0; i < n; i++)
        order[i] = (int32_t)i;
    for (size_t gap = n / 2; gap; gap /= 2) /* Shell sort: no recursion, no allocation */
        for (size_t i = gap; i < n; i++)
            for (size_t j = i; j >= gap && blocknr[order[j - gap]] > blocknr[order[j]]; j -= gap) {
                int32_t t = order[j];
                order[j] = order[j - gap];
                order[j - gap] = t;
            }
    static uint8_t run[64 * 1024];
    errcode_t e = 0;
    for (size_t i = 0; i < n && !e;) {
        if (blocknr[order[i]] == skip) {
            i++;
            continue;
        }
        size_t k = 0;
        blk64_t first = blocknr[order[i]];
        while (i + k < n && blocknr[order[i + k]] == first + k && blocknr[order[i + k]] != skip &&
               (k + 1) * bs <= sizeof run) {
            memcpy(run + k * bs, data + (size_t)order[i + k] * bs, bs);
            k++;
        }
        e = disk_write((uint64_t)first * bs, run, k * bs);
        i += k;
    }
    free(order);
    return e;
}

int cache_commit(void)
{
    if (!active || n == 0)
        return 0;
    direct = true;
    errcode_t e = fsj_log(blocknr, n, data, disk_flush);
    blk64_t sb_block = SUPERBLOCK_OFFSET / bs;
    int32_t sb_slot = e ? -1 : find(sb_block);
    if (!e)
        e = checkpoint(sb_block);
    if (!e)
        e = disk_flush();
    if (!e)
        e = fsj_done();
    if (!e)
        e = disk_flush();
    /* The superblock last: if it says "clean", the journal is empty by now. */
    if (!e && sb_slot >= 0)
        e = disk_write((uint64_t)sb_block * bs, data + (size_t)sb_slot * bs, bs);
    if (!e && sb_slot >= 0)
        e = disk_flush();
    direct = false;
    if (e) {
        /* The disk did not take it (the block service gave up). What is in
         * memory can no longer be trusted to match the disk: stop here, and
         * let the restart replay the journal, which holds every commit that
         * finished (what a sync promised). */
        printf("fs: a commit failed: %s; stopping, to start again from the journal\n", error_message(e));
        abort();
    }
    memset(table, 0xff, (tmask + 1) * sizeof *table);
    n = 0;
    commits++;
    return 0;
}

int cache_sync(bool mark_clean)
{
    if (!active)
        return 0;
    if (mark_clean) {
        /* The superblock this commit writes last says "clean". */
        fs->super->s_state |= EXT2_VALID_FS;
        ext2fs_clear_feature_journal_needs_recovery(fs->super);
        ext2fs_mark_super_dirty(fs);
    }
    errcode_t e = ext2fs_flush2(fs, 0); /* libext2fs's state into the cache */
    if (!e)
        e = cache_commit();
    if (!e && mark_clean)
        clean = true;
    return (int)e;
}
