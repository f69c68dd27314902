/* Between the filesystem service's parts: fs.c (the I/O manager, the
 * protocol) and fuse2fs.c (fuse2fs's operations and the mount). */
#ifndef FS_H
#define FS_H
#include <sys/types.h>
#include <ext2fs/ext2fs.h>
#include <fuse.h>

errcode_t fs_mount(io_manager io, int rw);
const struct fuse_operations *fs_operations(void);
ext2_filsys fs_filesystem(void);
#endif
