/* Filesystem service: ext2/ext3/ext4 through e2fsprogs' libext2fs (from
 * Debian's source package, docs/files.md), on the disk the block service
 * offers (disk.c), or a folder of the host (hostdir.c: hosted only).
 * mount.c mounts the disk; io.c is libext2fs's I/O manager,
 * cache.c and journal.c the journal, serve.c the protocol
 * (athanor/abi/fs.h), fuse2fs.c fuse2fs's operations, paths.c the paths. */
#include <stdio.h>
#include <sys/types.h>

#include <athanor.h>

#include "fs.h"

int main(void)
{
    initialize_ext2_error_table(); /* libext2fs's messages for error_message() */
    if (hostdir_open()) {
        printf("fs: serving the host folder (AZOTH_HOSTDIR)\n");
        return fs_serve_hostdir();
    }
    if (!disk_open())
        return 0; /* no disk: nothing to serve, not a failure (quietly: lsblk and ps say so) */
    int rw = fs_start();
    if (rw < 0)
        return 1;
    printf("fs: serving\n");
    return fs_serve(!rw);
}
