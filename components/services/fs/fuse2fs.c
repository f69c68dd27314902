/* fuse2fs's file operations (e2fsprogs' misc/fuse2fs.c: POSIX semantics on
 * ext2/3/4 through libext2fs, Debian's), compiled as part of this file so
 * that its static operations and its mount context are ours to use; FUSE's
 * API is shim/fuse.h. fuse2fs's own main() (FUSE's mount loop) is renamed
 * and never called: fs_mount() below does what it does before serving. */
#include <stdio.h>
#include <unistd.h> /* getentropy */

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Weverything" /* not ours to lint */
#define main fuse2fs_main
#include <misc/fuse2fs.c>
#undef main
#pragma clang diagnostic pop

#include "fs.h"

static struct fuse2fs      mount_ctx;
static struct fuse_context fuse_ctx = { .private_data = &mount_ctx, .umask = 022 };

/* fuse2fs asks FUSE who is calling: the service, root, for every request
 * (who may reach which file is decided by capabilities, docs/files.md). */
struct fuse_context *fuse_get_context(void)
{
    return &fuse_ctx;
}

/* Only fuse2fs_main() uses these, and it is never called. */
int fuse_main(int argc, char *argv[], const struct fuse_operations *op, void *private_data)
{
    (void)argc, (void)argv, (void)op, (void)private_data;
    return 1;
}

int fuse_opt_parse(struct fuse_args *args, void *data, const struct fuse_opt opts[], fuse_opt_proc_t proc)
{
    (void)args, (void)data, (void)opts, (void)proc;
    return -1;
}

int fuse_opt_add_arg(struct fuse_args *args, const char *arg)
{
    (void)args, (void)arg;
    return -1;
}

const struct fuse_operations *fs_operations(void)
{
    return &fs_ops;
}

/* fuse2fs's main() from ext2fs_open2() to FUSE's loop, on our I/O manager:
 * read-write if rw and the filesystem allows it (*rw says what it got,
 * *why why not), else read-only. */
errcode_t fs_mount(io_manager io, int *rw, const char **why)
{
    memset(&mount_ctx, 0, sizeof mount_ctx);
    mount_ctx.magic = FUSE2FS_MAGIC;
    mount_ctx.device = "disk";
    mount_ctx.err_fp = stdout;
    *why = NULL;
    int flags = EXT2_FLAG_64BITS | (*rw ? EXT2_FLAG_RW : 0);
    errcode_t err = ext2fs_open2(mount_ctx.device, NULL, flags, 0, 0, io, &global_fs);
    if (err && *rw) {
        /* e.g. a feature libext2fs reads but does not write */
        *rw = 0, *why = error_message(err);
        err = ext2fs_open2(mount_ctx.device, NULL, EXT2_FLAG_64BITS, 0, 0, io, &global_fs);
    }
    if (err)
        return err;
    /* What libext2fs takes on trust when it reads the bitmaps, checked
     * first, as e2fsck does (the image fuzzer found a heap overflow in
     * reading the block bitmaps of an image whose first data block and
     * group descriptors disagree): a filesystem larger than the disk, or
     * group descriptors that point outside their groups, is refused. */
    if (ext2fs_blocks_count(global_fs->super) > disk_size() / global_fs->blocksize) {
        printf("fs: the filesystem says it has %llu blocks of %u bytes; the disk holds %llu bytes\n",
               (unsigned long long)ext2fs_blocks_count(global_fs->super), global_fs->blocksize,
               (unsigned long long)disk_size());
        err = EXT2_ET_TOOSMALL;
    } else
        err = ext2fs_check_desc(global_fs);
    if (err) {
        ext2fs_close_free(&global_fs);
        return err;
    }
    /* A crash left committed transactions in the journal: replay them
     * (e2fsprogs' recovery, as e2fsck and the kernel do at mount). */
    if (*rw && ext2fs_has_feature_journal_needs_recovery(global_fs->super)) {
        int jr = fsj_replay(&global_fs);
        if (!global_fs)
            return jr ? (errcode_t)jr : EXT2_ET_JOURNAL_FLAGS_WRONG;
        if (jr)
            *rw = 0, *why = "its journal could not be replayed";
        else
            printf("fs: replayed the journal\n");
    }
    if (*rw && (global_fs->super->s_state & EXT2_ERROR_FS))
        *rw = 0, *why = "it has errors recorded (e2fsck it)";
    if (!*rw)
        global_fs->flags &= ~EXT2_FLAG_RW;
    mount_ctx.ro = !*rw;
    mount_ctx.fs = global_fs;
    global_fs->priv_data = &mount_ctx;
    if (*rw) {
        if ((err = ext2fs_read_inode_bitmap(global_fs)) || (err = ext2fs_read_block_bitmap(global_fs)))
            return err;
    }
    /* inode generations start somewhere random (fuse2fs reads /dev/urandom) */
    getentropy(&mount_ctx.next_generation, sizeof(unsigned int));
    struct fuse_conn_info conn = { 0 };
    fs_ops.init(&conn);
    if (*rw) {
        /* fuse2fs's init marked the disk "not clean" for as long as it is
         * mounted; here the disk says so only while changes wait for a
         * sync (cache.c), and nothing has changed yet. */
        global_fs->super->s_state |= EXT2_VALID_FS;
        ext2fs_mark_super_dirty(global_fs);
        if ((err = ext2fs_flush2(global_fs, 0)))
            return err;
    }
    return 0;
}

ext2_filsys fs_filesystem(void)
{
    return global_fs;
}

/* ---- what the protocol needs beyond fuse2fs's operations ---- */

ext2_ino_t fs_handle_ino(const struct fuse_file_info *fi)
{
    const struct fuse2fs_file_handle *fh = (const void *)(uintptr_t)fi->fh;
    return fh ? fh->ino : 0;
}

static uint8_t wasi_type(uint16_t mode)
{
    return LINUX_S_ISDIR(mode) ? FS_T_DIR : LINUX_S_ISREG(mode) ? FS_T_FILE
         : LINUX_S_ISLNK(mode) ? FS_T_SYMLINK : LINUX_S_ISCHR(mode) ? FS_T_CHAR
         : LINUX_S_ISBLK(mode) ? FS_T_BLOCK : FS_T_UNKNOWN;
}

static uint64_t ns_of(const struct timespec *tv)
{
    return (uint64_t)tv->tv_sec * 1000000000u + (uint64_t)tv->tv_nsec;
}

/* WASI's filestat of an inode, with the nanoseconds ext4 keeps (fuse2fs's
 * stat_inode has whole seconds). */
int fs_filestat(ext2_ino_t ino, uint8_t out[FS_FILESTAT_SIZE])
{
    struct ext2_inode_large inode;
    memset(&inode, 0, sizeof inode);
    errcode_t err = ext2fs_read_inode_full(global_fs, ino, (struct ext2_inode *)&inode, sizeof inode);
    if (err)
        return translate_error(global_fs, ino, err);
    uint64_t dev, v;
    struct timespec tv;
    memcpy(&dev, global_fs->super->s_uuid, sizeof dev);
    memset(out, 0, FS_FILESTAT_SIZE);
    memcpy(out, &dev, 8);
    v = ino;
    memcpy(out + 8, &v, 8);
    out[16] = wasi_type(inode.i_mode);
    v = inode.i_links_count;
    memcpy(out + 24, &v, 8);
    v = EXT2_I_SIZE(&inode);
    memcpy(out + 32, &v, 8);
    EXT4_INODE_GET_XTIME(i_atime, &tv, &inode);
    v = ns_of(&tv);
    memcpy(out + 40, &v, 8);
    EXT4_INODE_GET_XTIME(i_mtime, &tv, &inode);
    v = ns_of(&tv);
    memcpy(out + 48, &v, 8);
    EXT4_INODE_GET_XTIME(i_ctime, &tv, &inode);
    v = ns_of(&tv);
    memcpy(out + 56, &v, 8);
    return 0;
}

int fs_mode(ext2_ino_t ino, uint16_t *mode)
{
    struct ext2_inode inode;
    errcode_t err = ext2fs_read_inode(global_fs, ino, &inode);
    if (err)
        return translate_error(global_fs, ino, err);
    *mode = inode.i_mode;
    return 0;
}

/* The inode a canonical path names (no symlink in it but perhaps the last
 * component, which is not followed). */
int fs_lookup(const char *path, ext2_ino_t *ino)
{
    errcode_t err = ext2fs_namei(global_fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path, ino);
    if (err == EXT2_ET_FILE_NOT_FOUND)
        return -ENOENT;
    return err ? translate_error(global_fs, 0, err) : 0;
}

/* fd_readdir's answer: WASI dirents from position `cookie` on, packed into
 * [buf, buf + cap), the last one cut off if it does not fit whole (WASI's
 * rule: a full buffer tells the caller to ask again). An entry's position
 * is where it lies in the directory (block * blocksize + offset), which
 * stays put when other entries come and go, so a program that deletes
 * what it has listed still sees every entry; its d_next is that + 1. */
struct readdir_wasi {
    uint8_t *buf;
    size_t   len, cap;
    uint64_t block, cookie;
    bool     started;
};

static int readdir_wasi_one(struct ext2_dir_entry *d, int offset, int blocksize, char *b, void *priv)
{
    (void)b;
    struct readdir_wasi *r = priv;
    if (offset == 0 && r->started)
        r->block++; /* every block starts with an entry (empty ones included, see below) */
    r->started = true;
    uint64_t pos = r->block * (uint64_t)blocksize + (uint64_t)offset;
    if (d->inode == 0 || pos < r->cookie)
        return 0;
    uint8_t ent[FS_DIRENT_SIZE] = { 0 };
    uint64_t next = pos + 1, ino = d->inode;
    uint32_t namlen = ext2fs_dirent_name_len(d);
    memcpy(ent, &next, 8);
    memcpy(ent + 8, &ino, 8);
    memcpy(ent + 16, &namlen, 4);
    int ft = ext2fs_dirent_file_type(d);
    ent[20] = ft == EXT2_FT_DIR ? FS_T_DIR : ft == EXT2_FT_REG_FILE ? FS_T_FILE
            : ft == EXT2_FT_SYMLINK ? FS_T_SYMLINK : ft == EXT2_FT_CHRDEV ? FS_T_CHAR
            : ft == EXT2_FT_BLKDEV ? FS_T_BLOCK : FS_T_UNKNOWN;
    size_t room = r->cap - r->len;
    size_t k = room < sizeof ent ? room : sizeof ent;
    memcpy(r->buf + r->len, ent, k);
    r->len += k;
    room -= k;
    k = room < namlen ? room : namlen;
    memcpy(r->buf + r->len, d->name, k);
    r->len += k;
    return r->len == r->cap ? DIRENT_ABORT : 0;
}

long fs_readdir_wasi(ext2_ino_t dir, uint64_t cookie, uint8_t *buf, size_t cap)
{
    struct readdir_wasi r = { buf, 0, cap, 0, cookie, false };
    if (cap == 0)
        return 0;
    errcode_t err = ext2fs_dir_iterate(global_fs, dir, DIRENT_FLAG_INCLUDE_EMPTY, NULL,
                                       readdir_wasi_one, &r);
    if (err)
        return translate_error(global_fs, dir, err);
    return (long)r.len;
}

/* readlink, as fuse2fs's op_readlink but for its error path: a symlink
 * whose data is shorter than its size makes op_readlink close the file
 * twice (a use after free the image fuzzer found, tests/hosted/fsimage.sh).
 * The target, NUL-terminated, cut to len - 1 bytes. */
int fs_readlink(const char *path, char *buf, size_t len)
{
    ext2_ino_t ino;
    struct ext2_inode inode;
    errcode_t err = ext2fs_namei(global_fs, EXT2_ROOT_INO, EXT2_ROOT_INO, path, &ino);
    if (err || ino == 0)
        return translate_error(global_fs, 0, err);
    if ((err = ext2fs_read_inode(global_fs, ino, &inode)))
        return translate_error(global_fs, ino, err);
    if (!LINUX_S_ISLNK(inode.i_mode))
        return -EINVAL;
    if (len == 0)
        return -EINVAL;
    size_t want = len - 1;
    if (EXT2_I_SIZE(&inode) < want)
        want = (size_t)EXT2_I_SIZE(&inode);
    if (ext2fs_is_fast_symlink(&inode)) {
        if (want > sizeof inode.i_block)
            want = sizeof inode.i_block;
        memcpy(buf, (char *)inode.i_block, want);
    } else {
        ext2_file_t file;
        unsigned int got = 0;
        if ((err = ext2fs_file_open(global_fs, ino, 0, &file)))
            return translate_error(global_fs, ino, err);
        err = ext2fs_file_read(file, buf, (unsigned int)want, &got);
        errcode_t cerr = ext2fs_file_close(file);
        if (err || cerr)
            return translate_error(global_fs, ino, err ? err : cerr);
        if (got != want)
            return -EIO; /* shorter than it says: a damaged link */
    }
    buf[want] = '\0';
    return 0;
}

/* fd_filestat_set_times: WASI's fstflags (1 ATIM, 2 ATIM_NOW, 4 MTIM, 8
 * MTIM_NOW) on an inode; ctime becomes now, as POSIX says. */
int fs_set_times(ext2_ino_t ino, uint64_t atim, uint64_t mtim, unsigned fst)
{
    if (!fs_writeable(global_fs))
        return -EROFS;
    struct ext2_inode_large inode;
    memset(&inode, 0, sizeof inode);
    errcode_t err = ext2fs_read_inode_full(global_fs, ino, (struct ext2_inode *)&inode, sizeof inode);
    if (err)
        return translate_error(global_fs, ino, err);
    struct timespec now, tv;
    get_now(&now);
    if (fst & 3) {
        tv = (fst & 2) ? now : (struct timespec){ (time_t)(atim / 1000000000u), (long)(atim % 1000000000u) };
        EXT4_INODE_SET_XTIME(i_atime, &tv, &inode);
    }
    if (fst & 12) {
        tv = (fst & 8) ? now : (struct timespec){ (time_t)(mtim / 1000000000u), (long)(mtim % 1000000000u) };
        EXT4_INODE_SET_XTIME(i_mtime, &tv, &inode);
    }
    update_ctime(global_fs, ino, &inode); /* in the buffer: cannot fail */
    err = ext2fs_write_inode_full(global_fs, ino, (struct ext2_inode *)&inode, sizeof inode);
    return err ? translate_error(global_fs, ino, err) : 0;
}

