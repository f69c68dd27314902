/* The mount, as the service does it at start (and the image fuzzer for
 * each image, tests/fuzz/fsimage.c): libext2fs on the disk through io.c,
 * the journal replayed if it must be (fuse2fs.c), then opened for writing
 * through the cache (cache.c, journal.c), or read-only if that cannot be. */
#include <stdio.h>
#include <sys/types.h>

#include "fs.h"

int fs_start(void)
{
    int rw = 1;
    const char *why;
    errcode_t e = fs_mount(&athanor_io, &rw, &why);
    if (e) {
        printf("fs: the disk holds no ext2/3/4 filesystem this service can mount: %s\n",
               e == EXT2_ET_TOOSMALL ? "it is smaller than the filesystem says" : error_message(e));
        return -1;
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
    return rw;
}
