/* The filesystem service's protocol (athanor/abi/fs.h; docs/files.md, "The
 * protocol"): decode a request block, check it, run it as fuse2fs's
 * operations on canonical paths resolved inside the root it came with. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include <athanor.h>

#include "fs.h"

/* Where the kernel's requests land (its WASI calls: athanor/abi/fs.h). */
static uint8_t msgbuf[FS_BUF_MAX] __attribute__((aligned(8)));

/* Open files: a client names one by its index, and only the client that
 * opened it (its badge) may use it. */
#define MAX_OPEN   256
#define PER_CLIENT 64
static struct open_file {
    bool                  used, dir, write;
    uint64_t              badge;
    struct fuse_file_info fi;
} files[MAX_OPEN];

static const struct fuse_operations *ops;
static bool readonly, hostdir;

/* A request as decoded: the header, and its strings, copied out of the
 * buffer (the answer overwrites it) and NUL-terminated. */
struct req {
    struct fs_req h;
    char          root[FS_PATH_MAX + 1], path[FS_PATH_MAX + 1];
    char          root2[FS_PATH_MAX + 1], path2[FS_PATH_MAX + 1];
    const uint8_t *data; /* WRITE's, in the buffer after the strings */
    uint8_t       *buf;  /* where the answer goes, */
    size_t         cap;  /* and its room */
};
static struct req rq;

static int take(char *dst, const uint8_t **p, uint16_t n)
{
    if (n > FS_PATH_MAX || memchr(*p, 0, n))
        return -EINVAL;
    memcpy(dst, *p, n);
    dst[n] = '\0';
    *p += n;
    return 0;
}

/* The block is [buf, buf + len); the answer may use [buf, buf + room). */
static int decode(uint64_t op, uint8_t *buf, uint64_t len, size_t room)
{
    struct fs_req *h = &rq.h;
    if (len < sizeof *h)
        return -EINVAL;
    memcpy(h, buf, sizeof *h);
    uint64_t need = sizeof *h + (uint64_t)h->root_len + h->path_len + h->root2_len + h->path2_len;
    if (op == FS_OP_WRITE) {
        if (h->len > FS_DATA_MAX)
            return -EINVAL;
        need += h->len;
    }
    if (need > len)
        return -EINVAL;
    const uint8_t *p = buf + sizeof *h;
    int r;
    if ((r = take(rq.root, &p, h->root_len)) || (r = take(rq.path, &p, h->path_len)) ||
        (r = take(rq.root2, &p, h->root2_len)) || (r = take(rq.path2, &p, h->path2_len)))
        return r;
    rq.data = p;
    rq.buf = buf;
    rq.cap = room;
    return 0;
}

static struct open_file *file_of(uint64_t badge, uint64_t h)
{
    if (h >= MAX_OPEN || !files[h].used || files[h].badge != badge)
        return NULL;
    return &files[h];
}

/* A free slot for badge, or a negative errno. */
static int slot_for(uint64_t badge)
{
    int free_slot = -1, mine = 0;
    for (int i = 0; i < MAX_OPEN; i++) {
        if (!files[i].used && free_slot < 0)
            free_slot = i;
        else if (files[i].used && files[i].badge == badge)
            mine++;
    }
    if (mine >= PER_CLIENT)
        return -EMFILE;
    return free_slot < 0 ? -ENFILE : free_slot;
}

static void close_file(struct open_file *f)
{
    if (f->dir)
        ops->releasedir("", &f->fi);
    else
        ops->release("", &f->fi);
    f->used = false;
}

/* Before a change: refused on a read-only mount. (The cache marks the
 * disk "not clean" at the first write after a sync: cache.c.) */
static int change(void)
{
    return readonly ? -EROFS : 0;
}

/* Everything to the disk as one committed transaction, then "clean"
 * (fsync and sync come here: every change of every file is committed when
 * any is synced). */
static int sync_all(void)
{
    if (readonly)
        return 0;
    int r = cache_sync(true);
    return r ? -EIO : 0;
}

static int resolve(unsigned flags, bool parent, char *out, const char **last)
{
    return fs_resolve(rq.root, rq.h.root_len, rq.path, rq.h.path_len, flags, parent, out, last);
}

static int resolve2(bool parent, char *out, const char **last)
{
    return fs_resolve(rq.root2, rq.h.root2_len, rq.path2, rq.h.path2_len, 0, parent, out, last);
}

static int lookup_mode(const char *path, ext2_ino_t *ino, uint16_t *mode)
{
    int r = fs_lookup(path, ino);
    return r ? r : fs_mode(*ino, mode);
}

static char pa[FS_RESOLVED_MAX], pb[FS_RESOLVED_MAX];

/* A name to create (under root2 with second): its directory resolved, the
 * name not taken, the superblock told of the change to come. */
static int new_name(bool second, char *out)
{
    const char *last;
    ext2_ino_t ino;
    int r;
    if ((r = second ? resolve2(true, out, &last) : resolve(0, true, out, &last)) || (r = fs_join(out, last)))
        return r == -EINVAL ? -EEXIST : r; /* "." or "..": there already */
    if (fs_lookup(out, &ino) == 0)
        return -EEXIST;
    return change();
}

static int64_t do_open(uint64_t badge)
{
    unsigned fl = rq.h.flags;
    int slot = slot_for(badge);
    if (slot < 0)
        return slot;
    struct open_file *f = &files[slot];
    memset(f, 0, sizeof *f);
    bool created = false;
    const char *last;
    int r = resolve(fl & FS_F_FOLLOW, false, pa, NULL);
    if (r == 0 && (fl & FS_F_CREAT) && (fl & FS_F_EXCL))
        return -EEXIST;
    if (r == -ENOENT && (fl & FS_F_CREAT)) {
        if ((r = resolve(0, true, pa, &last)) || (r = fs_join(pa, last)) || (r = change()))
            return r;
        f->fi.flags = O_RDWR | O_CREAT;
        if ((r = ops->create(pa, LINUX_S_IFREG | 0644, &f->fi))) /* FUSE's mode: type and permissions */
            return r;
        created = true;
    } else if (r) {
        return r;
    }
    ext2_ino_t ino;
    uint16_t mode;
    if ((r = lookup_mode(pa, &ino, &mode)))
        goto fail;
    r = LINUX_S_ISLNK(mode) ? -ELOOP /* not to be followed */
      : (fl & FS_F_DIRECTORY) && !LINUX_S_ISDIR(mode) ? -ENOTDIR
      : LINUX_S_ISDIR(mode) && (fl & (FS_F_WRITE | FS_F_TRUNC)) ? -EISDIR
      : (fl & (FS_F_WRITE | FS_F_TRUNC)) && readonly ? -EROFS : 0;
    if (r)
        goto fail;
    f->dir = LINUX_S_ISDIR(mode);
    f->write = created || (fl & FS_F_WRITE);
    if (!created) {
        f->fi.flags = f->write ? ((fl & FS_F_READ) ? O_RDWR : O_WRONLY) : O_RDONLY;
        if ((r = f->dir ? ops->opendir(pa, &f->fi) : ops->open(pa, &f->fi)))
            return r;
    }
    f->used = true;
    f->badge = badge;
    if ((fl & FS_F_TRUNC) && !created && ((r = change()) || (r = ops->ftruncate("", 0, &f->fi))))
        goto fail;
    if (rq.cap < FS_FILESTAT_SIZE || (r = fs_filestat(ino, rq.buf)))
        goto fail;
    if (f->dir) { /* and its canonical path: what the kernel keeps as the directory fd */
        size_t n = strlen(pa);
        r = n > FS_PATH_MAX ? -ENAMETOOLONG : rq.cap < FS_FILESTAT_SIZE + n + 1 ? -EINVAL : 0;
        if (r)
            goto fail;
        memcpy(rq.buf + FS_FILESTAT_SIZE, pa, n + 1);
    }
    return slot;
fail:
    if (f->fi.fh)
        close_file(f);
    f->used = false;
    return r < 0 ? r : -EIO;
}

static int64_t do_rename(void)
{
    const char *last;
    int r;
    if ((r = resolve(0, true, pa, &last)) || (r = fs_join(pa, last)))
        return r;
    if ((r = resolve2(true, pb, &last)) || (r = fs_join(pb, last)))
        return r;
    size_t n = strlen(pa);
    if (!strncmp(pb, pa, n) && pb[n] == '/')
        return -EINVAL; /* a directory into itself */
    ext2_ino_t ino, ino2;
    uint16_t mode, mode2;
    if ((r = lookup_mode(pa, &ino, &mode)))
        return r;
    if (lookup_mode(pb, &ino2, &mode2) == 0) {
        if (ino2 == ino)
            return 0; /* the same file: nothing to do (POSIX) */
        if (LINUX_S_ISDIR(mode2) && !LINUX_S_ISDIR(mode))
            return -EISDIR;
        if (!LINUX_S_ISDIR(mode2) && LINUX_S_ISDIR(mode))
            return -ENOTDIR;
    }
    if ((r = change()))
        return r;
    return ops->rename(pa, pb);
}

/* Remove a name: a file (rmdir false) or an empty directory. */
static int64_t do_remove(bool rmdir)
{
    const char *last;
    ext2_ino_t ino;
    uint16_t mode;
    int r;
    if ((r = resolve(0, true, pa, &last)) || (r = fs_join(pa, last)) || (r = lookup_mode(pa, &ino, &mode)))
        return r;
    if (rmdir && !LINUX_S_ISDIR(mode))
        return -ENOTDIR;
    if (!rmdir && LINUX_S_ISDIR(mode))
        return -EISDIR;
    if (rmdir && ino == EXT2_ROOT_INO)
        return -EBUSY;
    if ((r = change()))
        return r;
    return rmdir ? ops->rmdir(pa) : ops->unlink(pa);
}

static int64_t do_statfs(void)
{
    ext2_filsys fs = fs_filesystem();
    struct fs_statfs s = {
        .blocks = ext2fs_blocks_count(fs->super),
        .bfree = ext2fs_free_blocks_count(fs->super),
        .files = fs->super->s_inodes_count,
        .ffree = fs->super->s_free_inodes_count,
        .bsize = fs->blocksize,
        .readonly = readonly,
    };
    if (rq.cap < sizeof s)
        return -EINVAL;
    memcpy(rq.buf, &s, sizeof s);
    return sizeof s;
}

static int64_t serve(uint64_t badge, uint64_t op)
{
    struct fs_req *h = &rq.h;
    struct open_file *f = NULL;
    ext2_ino_t ino;
    uint16_t mode;
    int r;
    switch (op) {
    case FS_OP_READ: case FS_OP_CLOSE: case FS_OP_WRITE: case FS_OP_FSTAT:
    case FS_OP_TRUNCATE: case FS_OP_SYNC: case FS_OP_ALLOCATE:
        if (!(f = file_of(badge, h->handle)))
            return -EBADF;
        break;
    case FS_OP_SETTIMES:
    case FS_OP_READDIR:
        if (!(h->flags & FS_F_PATH) && !(f = file_of(badge, h->handle)))
            return -EBADF;
        break;
    }
    switch (op) {
    case FS_OP_STATFS:
        return do_statfs();
    case FS_OP_OPEN:
        return do_open(badge);
    case FS_OP_READ:
        if (f->dir)
            return -EISDIR;
        if (h->off > INT64_MAX)
            return -EINVAL;
        r = ops->read("", (char *)rq.buf, h->len < rq.cap ? h->len : rq.cap, (off_t)h->off, &f->fi);
        return r;
    case FS_OP_WRITE: {
        if (f->dir)
            return -EISDIR;
        if (!f->write)
            return -EBADF;
        if ((r = change()))
            return r;
        uint64_t off = h->off;
        uint8_t st[FS_FILESTAT_SIZE];
        if ((h->flags & FS_F_APPEND)) {
            if ((r = fs_filestat(fs_handle_ino(&f->fi), st)))
                return r;
            memcpy(&off, st + 32, 8);
        }
        if (off > INT64_MAX || h->len > INT64_MAX - off)
            return -EFBIG;
        r = h->len ? ops->write("", (const char *)rq.data, h->len, (off_t)off, &f->fi) : 0;
        if (r < 0)
            return r;
        uint64_t end = off + (uint64_t)r;
        memcpy(rq.buf, &end, 8);
        return r;
    }
    case FS_OP_READDIR:
        if (f && !f->dir)
            return -ENOTDIR;
        if (f)
            ino = fs_handle_ino(&f->fi);
        else if ((r = resolve(FS_F_FOLLOW, false, pa, NULL)) || (r = lookup_mode(pa, &ino, &mode)))
            return r;
        else if (!LINUX_S_ISDIR(mode))
            return -ENOTDIR;
        return fs_readdir_wasi(ino, h->off, rq.buf, h->len < rq.cap ? h->len : rq.cap);
    case FS_OP_CLOSE:
        close_file(f);
        return 0;
    case FS_OP_FSTAT:
        return rq.cap < FS_FILESTAT_SIZE ? -EINVAL : fs_filestat(fs_handle_ino(&f->fi), rq.buf);
    case FS_OP_STAT:
        if ((r = resolve(h->flags & FS_F_FOLLOW, false, pa, NULL)) || (r = fs_lookup(pa, &ino)))
            return r;
        return rq.cap < FS_FILESTAT_SIZE ? -EINVAL : fs_filestat(ino, rq.buf);
    case FS_OP_TRUNCATE:
    case FS_OP_ALLOCATE: {
        if (f->dir)
            return -EISDIR;
        if (!f->write)
            return -EBADF;
        uint64_t size = h->off;
        if (op == FS_OP_ALLOCATE) {
            uint8_t st[FS_FILESTAT_SIZE];
            uint64_t now;
            if (h->len == 0 || h->off > INT64_MAX - h->len)
                return h->len == 0 ? -EINVAL : -EFBIG;
            if ((r = fs_filestat(fs_handle_ino(&f->fi), st)))
                return r;
            memcpy(&now, st + 32, 8);
            if (now >= h->off + h->len)
                return 0;
            size = h->off + h->len;
        }
        if (size > INT64_MAX)
            return -EFBIG;
        if ((r = change()))
            return r;
        return ops->ftruncate("", (off_t)size, &f->fi);
    }
    case FS_OP_SETTIMES: {
        unsigned fst = (unsigned)h->len;
        if (fst > 15 || (fst & 3) == 3 || (fst & 12) == 12)
            return -EINVAL;
        if (f)
            ino = fs_handle_ino(&f->fi);
        else if ((r = resolve(h->flags & FS_F_FOLLOW, false, pa, NULL)) || (r = fs_lookup(pa, &ino)))
            return r;
        if ((r = change()))
            return r;
        return fs_set_times(ino, h->atim, h->mtim, fst);
    }
    case FS_OP_SYNC:
    case FS_OP_SYNCFS:
        return sync_all();
    case FS_OP_MKDIR:
        return (r = new_name(false, pa)) ? r : ops->mkdir(pa, 0755);
    case FS_OP_RMDIR:
        return do_remove(true);
    case FS_OP_UNLINK:
        return do_remove(false);
    case FS_OP_RENAME:
        return do_rename();
    case FS_OP_SYMLINK:
        if (h->path_len == 0)
            return -ENOENT;
        return (r = new_name(true, pb)) ? r : ops->symlink(rq.path, pb);
    case FS_OP_READLINK: {
        char target[FS_PATH_MAX + 1];
        if ((r = resolve(0, false, pa, NULL)) || (r = lookup_mode(pa, &ino, &mode)))
            return r;
        if (!LINUX_S_ISLNK(mode))
            return -EINVAL;
        if ((r = fs_readlink(pa, target, sizeof target)))
            return r;
        size_t n = strlen(target), k = n < rq.cap ? n : rq.cap;
        if (h->len < k)
            k = h->len;
        memcpy(rq.buf, target, k);
        return (int64_t)k;
    }
    case FS_OP_LINK:
        if ((r = resolve(h->flags & FS_F_FOLLOW, false, pa, NULL)) || (r = lookup_mode(pa, &ino, &mode)))
            return r;
        if (LINUX_S_ISDIR(mode))
            return -EPERM;
        return (r = new_name(true, pb)) ? r : ops->link(pa, pb);
    case FS_OP_FORGET:
        for (int i = 0; i < MAX_OPEN; i++)
            if (files[i].used && files[i].badge == badge)
                close_file(&files[i]);
        return 0;
    default:
        return -ENOSYS;
    }
}

/* Changes not synced reach the disk within this long anyway, as ext4's. */
#define COMMIT_INTERVAL_NS (5ull * 1000000000ull)

ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    if (op == ATH_OP_EVENT) { /* the interval passed (badge 0: no client sends this) */
        (void)a0;
        if (!readonly && !hostdir && cache_dirty())
            cache_sync(false);
        return COMMIT_INTERVAL_NS;
    }
    /* The block: in the lend (a component's call) or the message buffer (the kernel's). */
    uint8_t *buf = a2 ? (uint8_t *)(uintptr_t)a2 : msgbuf;
    if (!a2 && a1 > sizeof msgbuf)
        return ERR(EINVAL);
    if (hostdir)
        return hostdir_forward(badge, op, buf, a1, a2 ? (size_t)a1 : sizeof msgbuf);
    int r = decode(op, buf, a1, a2 ? (size_t)a1 : sizeof msgbuf);
    uint64_t v = r ? ERR(-r) : (uint64_t)serve(badge, op);
    /* Half full: commit now, between two requests, while everything is
     * consistent, so that the cache never fills in the middle of one. */
    if (!readonly && cache_dirty() > cache_capacity() / 2)
        cache_sync(false);
    return v;
}

void fs_serve_init(bool ro)
{
    ops = fs_operations();
    readonly = ro;
}

int fs_serve_hostdir(void)
{
    hostdir = true;
    return fs_serve(false);
}

int fs_serve(bool ro)
{
    fs_serve_init(ro);
    ath_handle_t timer = ath_notify_create(); /* never signalled: the timeout is the event */
    if (ath_set_msgbuf(msgbuf, sizeof msgbuf) != 0 || (int32_t)timer < 0) {
        printf("fs: no message buffer or notification\n");
        return 1;
    }
    /* serve_wait returns only when the notification fails us (it does not
     * when the service is stopped: that never comes back here). */
    int r = ath_serve_wait(timer, 1, COMMIT_INTERVAL_NS);
    printf("fs: serving ended: %s\n", ath_strerror(r));
    return 1;
}
