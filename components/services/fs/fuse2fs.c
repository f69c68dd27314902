/* fuse2fs's file operations (e2fsprogs' misc/fuse2fs.c: POSIX semantics on
 * ext2/3/4 through libext2fs, Debian's), compiled as part of this file so
 * that its static operations and its mount context are ours to use; FUSE's
 * API is shim/fuse.h. fuse2fs's own main() (FUSE's mount loop) is renamed
 * and never called: fs_mount() below does what it does before serving. */
#include <stdio.h>

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

/* fuse2fs's main() from ext2fs_open2() to FUSE's loop, on our I/O manager. */
errcode_t fs_mount(io_manager io, int rw)
{
    memset(&mount_ctx, 0, sizeof mount_ctx);
    mount_ctx.magic = FUSE2FS_MAGIC;
    mount_ctx.device = "disk";
    mount_ctx.ro = !rw;
    mount_ctx.err_fp = stdout;
    int flags = EXT2_FLAG_64BITS | (rw ? EXT2_FLAG_RW : 0);
    errcode_t err = ext2fs_open2(mount_ctx.device, NULL, flags, 0, 0, io, &global_fs);
    if (err)
        return err;
    mount_ctx.fs = global_fs;
    global_fs->priv_data = &mount_ctx;
    if (rw) {
        if ((err = ext2fs_read_inode_bitmap(global_fs)) || (err = ext2fs_read_block_bitmap(global_fs)))
            return err;
    }
    struct fuse_conn_info conn = { 0 };
    fs_ops.init(&conn);
    return 0;
}

ext2_filsys fs_filesystem(void)
{
    return global_fs;
}
