/* Between the filesystem service's parts: fs.c (the I/O manager, the
 * mount), serve.c (the protocol), paths.c (paths confined to a root) and
 * fuse2fs.c (fuse2fs's operations, and what the protocol needs besides). */
#ifndef FS_H
#define FS_H
#include <stdbool.h>
#include <errno.h>
#include <stdint.h>
#include <sys/types.h>
#include <ext2fs/ext2fs.h>
#include <fuse.h>

#include <athanor/abi/fs.h>

#define ERR(e) ((uint64_t)(int64_t)-(e))
/* The service answers in wasi-libc's errno values, which are WASI's; the
 * image fuzzer's host build has no ENOTCAPABLE. */
#ifndef ENOTCAPABLE
#define ENOTCAPABLE EPERM
#endif

errcode_t fs_mount(io_manager io, int *rw, const char **why);
const struct fuse_operations *fs_operations(void);
ext2_filsys fs_filesystem(void);

/* disk.c: the disk, through the block service (off and len 512-byte
 * aligned); disk_open: its size in bytes, 0 if there is none. */
uint64_t  disk_open(void);
uint64_t  disk_size(void); /* what disk_open found */
errcode_t disk_rw(bool write, uint64_t off, void *buf, size_t len);
int       disk_flush(void);
/* io.c: libext2fs's I/O manager, through the cache to the disk. */
extern struct struct_io_manager athanor_io;
/* hostdir.c: a host folder instead of a disk (hosted, AZOTH_HOSTDIR):
 * found and readied, and a request forwarded to it (the answer into buf). */
bool     hostdir_open(void);
uint64_t hostdir_forward(uint64_t badge, uint64_t op, uint8_t *buf, uint64_t len, size_t room);
/* mount.c: mount the disk; 1 read-write, 0 read-only, -1 none (said why). */
int fs_start(void);

/* cache.c: the write-back cache and its commits through the journal. */
int       cache_start(ext2_filsys fs, blk64_t capacity, bool clean);
errcode_t cache_read(uint64_t off, void *buf, size_t len);
errcode_t cache_write(uint64_t off, const void *buf, size_t len);
int       cache_commit(void);              /* one transaction of everything cached */
int       cache_sync(bool mark_clean);     /* libext2fs's state, then a commit */
size_t    cache_dirty(void), cache_capacity(void);
uint64_t  cache_commits(void);

/* journal.c: e2fsprogs' jbd2 code. */
int fsj_replay(ext2_filsys *fsp);          /* if the superblock says so */
int fsj_open(ext2_filsys fs, blk64_t *capacity);
int fsj_log(const blk64_t *list, size_t n, const void *blocks, int (*flush)(void));
int fsj_done(void);

/* serve.c: serve the protocol until told to stop (ath_serve's result);
 * fs_serve_init only readies the handler (the image fuzzer calls it). */
int  fs_serve(bool readonly);
void fs_serve_init(bool readonly);
int  fs_serve_hostdir(void); /* serve by forwarding everything to the host folder */

/* fuse2fs.c: each returns 0 or a negative errno. */
ext2_ino_t fs_handle_ino(const struct fuse_file_info *fi);
int  fs_filestat(ext2_ino_t ino, uint8_t out[FS_FILESTAT_SIZE]);
int  fs_mode(ext2_ino_t ino, uint16_t *mode);
int  fs_lookup(const char *path, ext2_ino_t *ino);
int  fs_readlink(const char *path, char *buf, size_t len);
long fs_readdir_wasi(ext2_ino_t dir, uint64_t cookie, uint8_t *buf, size_t cap);
int  fs_set_times(ext2_ino_t ino, uint64_t atim, uint64_t mtim, unsigned fst);

/* paths.c: resolve path under root (both as the client sent them) to a
 * canonical absolute path in out (FS_RESOLVED_MAX bytes) that names the
 * same object without leaving root: no "." or "..", no symlink but perhaps
 * the last component (followed only with FS_F_FOLLOW). With parent set,
 * the last component is not looked up: out is its directory and *last its
 * name (never "." or ".."). */
#define FS_RESOLVED_MAX (2 * FS_PATH_MAX + 2)
int fs_resolve(const char *root, size_t root_len, const char *path, size_t path_len, unsigned flags,
               bool parent, char *out, const char **last);
/* out + "/" + name, canonical (out is "/" or has no trailing slash). */
int fs_join(char *out, const char *name);
#endif
