/* The filesystem service's protocol (components/services/fs, docs/files.md),
 * shared by the service, the kernel's WASI file calls and the SDK's clients.
 * Plain C11 with <stdint.h> only, like the rest of the ABI.
 *
 * A request is a block: struct fs_req, then its strings (root, path, root2,
 * path2, no terminators), then the data a write carries. It reaches the
 * service either in its message buffer (the kernel's calls, which copy it
 * there: the call's a2 is 0) or in a read-write lend of the client's
 * pages (a component's own calls: a2 is the lend window). The call's op is
 * the operation, a1 the block's length. The answer is the call's result
 * (a negative WASI errno, or a value) and, for the operations that return
 * data, that data at the start of the same buffer. */
#ifndef ATHANOR_ABI_FS_H
#define ATHANOR_ABI_FS_H

#include <stdint.h>

enum fs_op {
    FS_OP_STATFS = 1,   /* -> struct fs_statfs */
    FS_OP_OPEN = 2,     /* root, path, flags -> a handle; data: the object's filestat, and
                         * for a directory its canonical path (NUL-terminated, at most
                         * FS_PATH_MAX bytes): a root that names it from then on */
    FS_OP_READ = 3,     /* handle, off, len -> bytes; data: them */
    FS_OP_READDIR = 4,  /* handle (or root, path with FS_F_PATH), off = cookie, len -> bytes;
                         * data: WASI dirents */
    FS_OP_CLOSE = 5,    /* handle */
    FS_OP_STAT = 6,     /* root, path, flags (FS_F_FOLLOW) -> data: filestat */
    FS_OP_WRITE = 7,    /* handle, off, len, flags (FS_F_APPEND); data follows the strings
                         * -> bytes; data: the offset after the write (u64) */
    FS_OP_FSTAT = 8,    /* handle -> data: filestat */
    FS_OP_TRUNCATE = 9, /* handle, off = the new size */
    FS_OP_SETTIMES = 10,/* handle (or root, path, flags with FS_F_PATH), atim, mtim, len = WASI fstflags */
    FS_OP_SYNC = 11,    /* handle: the file's data and metadata reach the disk */
    FS_OP_MKDIR = 12,   /* root, path */
    FS_OP_RMDIR = 13,   /* root, path */
    FS_OP_UNLINK = 14,  /* root, path */
    FS_OP_RENAME = 15,  /* root, path -> root2, path2 */
    FS_OP_SYMLINK = 16, /* path2 (under root2): a new link whose target is path (not resolved) */
    FS_OP_READLINK = 17,/* root, path -> bytes; data: the target */
    FS_OP_LINK = 18,    /* root, path (flags: FS_F_FOLLOW) -> root2, path2: a hard link */
    FS_OP_FORGET = 19,  /* close every handle of the caller's */
    FS_OP_ALLOCATE = 20,/* handle, off, len: the file is at least off + len long */
    FS_OP_SYNCFS = 21,  /* everything reaches the disk */
};

/* flags */
#define FS_F_FOLLOW    0x01u /* the last component may be a symlink to follow */
#define FS_F_CREAT     0x02u
#define FS_F_EXCL      0x04u
#define FS_F_TRUNC     0x08u
#define FS_F_DIRECTORY 0x10u /* it must be a directory */
#define FS_F_READ      0x20u /* OPEN: for reading */
#define FS_F_WRITE     0x40u /* OPEN: for writing */
#define FS_F_APPEND    0x80u /* WRITE: at the end, whatever off says */
#define FS_F_PATH      0x100u /* SETTIMES, READDIR: by path, not handle */

struct fs_req {
    uint64_t handle;
    uint64_t off;
    uint64_t len;
    uint64_t atim, mtim;
    uint32_t flags;
    uint16_t root_len, path_len, root2_len, path2_len;
    uint16_t pad_;
};

#define FS_PATH_MAX 1024u   /* each string */
#define FS_DATA_MAX 65536u  /* what one read or write carries */
/* The largest block: the header, four strings, the data. */
#define FS_BUF_MAX  (sizeof(struct fs_req) + 4 * FS_PATH_MAX + FS_DATA_MAX)

/* What STATFS answers. */
struct fs_statfs {
    uint64_t blocks, bfree, files, ffree;
    uint32_t bsize, readonly;
};

/* WASI preview 1's layouts, which the service answers in so that the
 * kernel hands them on unchanged. */
#define FS_FILESTAT_SIZE 64u /* dev, ino, filetype (u8 + 7), nlink, size, atim, mtim, ctim */
#define FS_DIRENT_SIZE   24u /* d_next, d_ino, d_namlen (u32), d_type (u8 + 3), then the name */
enum fs_filetype {
    FS_T_UNKNOWN = 0,
    FS_T_BLOCK = 1,
    FS_T_CHAR = 2,
    FS_T_DIR = 3,
    FS_T_FILE = 4,
    FS_T_SYMLINK = 7,
};

#endif
