/* The journal's format and its replay are e2fsprogs' own jbd2 code
 * (Debian's source package): debugfs/journal.c (open, replay through
 * e2fsck/recovery.c and revoke.c) and debugfs/do_journal.c (debugfs's
 * transaction writer), compiled as part of this file so that their static
 * functions are the service's to call. debugfs's commands in them are never
 * called; the few debugfs functions they name are stubs here. cache.c
 * decides what goes into a transaction and when (docs/files.md, "Crash
 * safety"). */
#include <stdio.h>

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Weverything" /* not ours to lint */
#include <debugfs/journal.c>
#undef dbg_printf
#include <debugfs/do_journal.c>
#pragma clang diagnostic pop

#include "fs.h"

/* debugfs's, named by its journal commands (never run here). */
ext2_filsys current_fs;
int check_fs_open(char *name) { (void)name; return 1; }
int check_fs_read_write(char *name) { (void)name; return 1; }
int check_fs_bitmaps(char *name) { (void)name; return 1; }
void reset_getopt(void) {}
errcode_t read_list(char *str, blk64_t **list, size_t *len)
{
    (void)str, (void)list, (void)len;
    return EXT2_ET_INVALID_ARGUMENT;
}
/* Only an external journal needs these, and the service takes none
 * (fsj_open refuses one). */
io_manager unix_io_manager;
int blkid_get_cache(blkid_cache *cache, const char *filename)
{
    (void)filename;
    *cache = NULL;
    return -1;
}
void blkid_put_cache(blkid_cache cache) { (void)cache; }
char *blkid_get_devname(blkid_cache cache, const char *token, const char *value)
{
    (void)cache, (void)token, (void)value;
    return NULL;
}
char *blkid_devno_to_devname(dev_t devno)
{
    (void)devno;
    return NULL;
}

static journal_t *jnl;
static journal_transaction_t trans;

int fsj_replay(ext2_filsys *fsp)
{
    if (!ext2fs_has_feature_journal_needs_recovery((*fsp)->super))
        return 0;
    errcode_t err = ext2fs_run_ext3_journal(fsp); /* reopens the filesystem */
    if (err)
        return (int)err;
    ext2fs_clear_feature_journal_needs_recovery((*fsp)->super);
    ext2fs_mark_super_dirty(*fsp);
    return (int)ext2fs_flush(*fsp);
}

int fsj_open(ext2_filsys fs, blk64_t *capacity)
{
    if (!ext2fs_has_feature_journal(fs->super))
        return EXT2_ET_NO_JOURNAL;
    if (!uuid_is_null(fs->super->s_journal_uuid))
        return EXT2_ET_LOAD_EXT_JOURNAL; /* an external journal: not supported */
    errcode_t err = ext2fs_open_journal(fs, &jnl);
    if (err)
        return (int)err;
    update_uuid(jnl);        /* as debugfs's journal_open does */
    update_64bit_flag(jnl);
    if (jnl->j_superblock->s_start != 0)
        return EXT2_ET_JOURNAL_FLAGS_WRONG; /* fsj_replay ran: it should be empty */
    jnl->j_tail = 0;
    /* The most blocks one transaction can log: the blocks, their
     * descriptor blocks, the commit block. */
    blk64_t room = jnl->j_last - jnl->j_first, lo = 0, hi = room;
    while (lo < hi) {
        blk64_t mid = (lo + hi + 1) / 2;
        if (journal_guess_blocks(jnl, mid, 0) + 1 <= room)
            lo = mid;
        else
            hi = mid - 1;
    }
    *capacity = lo;
    return 0;
}

/* The journal superblock says where the log starts (0: empty) and the
 * sequence of its first transaction. */
static errcode_t write_jsb(blk64_t start, tid_t seq)
{
    journal_superblock_t *jsb = jnl->j_superblock;
    jsb->s_start = ext2fs_cpu_to_be32((__u32)start);
    jsb->s_sequence = ext2fs_cpu_to_be32(seq);
    ext2fs_journal_sb_csum_set(jnl, jsb);
    mark_buffer_dirty(jnl->j_sb_buffer);
    ll_rw_block(REQ_OP_WRITE, 0, 1, &jnl->j_sb_buffer);
    return jnl->j_sb_buffer->b_err;
}

int fsj_log(const blk64_t *list, size_t n, const void *blocks, int (*flush)(void))
{
    FILE *fp = fmemopen((void *)blocks, n * jnl->j_blocksize, "r");
    if (!fp)
        return EXT2_ET_NO_MEMORY;
    errcode_t err = journal_open_trans(jnl, &trans, journal_guess_blocks(jnl, n, 0));
    if (!err)
        err = journal_add_blocks_to_trans(&trans, (blk64_t *)list, n, fp);
    fclose(fp);
    /* The blocks are on the disk before the commit block that vouches
     * for them, and that before anything is written in place. */
    if (!err && flush())
        err = EXT2_ET_SHORT_WRITE;
    if (!err)
        err = journal_commit_trans(&trans);
    if (!err)
        err = journal_close_trans(&trans);
    if (!err)
        err = write_jsb(trans.start, trans.tid);
    if (!err && flush())
        err = EXT2_ET_SHORT_WRITE;
    return (int)err;
}

int fsj_done(void)
{
    /* Everything is in place: the log is empty, the next transaction
     * starts at its beginning with the next sequence number. */
    tid_t next = trans.tid + 1;
    jnl->j_tail = 0;
    jnl->j_tail_sequence = next;
    jnl->j_transaction_sequence = next;
    jnl->j_head = jnl->j_first;
    return (int)write_jsb(0, next);
}
