/* The hosted platform's host-directory double, present when AZOTH_HOSTDIR
 * names a folder of the host: a paravirtual PCI function 00:05.0
 * (1af4:10fe) that executes the filesystem service's protocol
 * (athanor/abi/fs.h) on that folder, as wasmtime's --dir does. The
 * filesystem service finds it and forwards every request to it instead of
 * mounting a disk (components/services/fs/hostdir.c), so the same WASI
 * calls reach either an ext4 image or a host folder through one protocol.
 *
 * Registers (memory BAR 0 at 0xfe010000): 0x00 GO (a write executes the
 * request), 0x08 BUF (the DMA address of the request block), 0x10 LEN (its
 * length), 0x18 ROOM (the buffer's size, for the answer), 0x20 BADGE (the
 * client), 0x28 OP, 0x30 RESULT (read: the answer, a negative WASI errno or
 * a value). Every path is resolved with openat2(RESOLVE_BENEATH) under the
 * root the request names, itself beneath the folder: "..", absolute paths
 * and symlinks cannot leave it (EXDEV becomes ENOTCAPABLE). Linux's errno
 * values are translated to WASI's. */
#include "hosted.h"

#include <athanor/abi/fs.h>
#include <athanor/errors.h>
#include <athanor/klib.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BAR_BASE 0xfe010000u
#define BAR_SIZE 0x1000u
#define CMD_MEM  0x0002u
#define CMD_MASTER 0x0004u
#define MAX_OPEN 256
#define PER_CLIENT 64

static int      present = -1;
/* The folders: AZOTH_HOSTDIR's, whose paths are the service's ("/a/b");
 * or azoth run's --dir folders, each a numbered root ("/0/a/b"). */
#define MAX_ROOTS 8
static int      tops[MAX_ROOTS];
static unsigned ntops;
static bool     numbered;
static uint32_t bar0 = BAR_BASE;
static uint16_t command;
static uint64_t reg_buf, reg_len, reg_room, reg_badge, reg_op, reg_result;
static struct hfile {
    int      fd;
    bool     dir;
    uint64_t badge;
} files[MAX_OPEN];

bool hosted_hostdir_present(void)
{
    if (present < 0) {
        irqflags_t f = plat_irq_save();
        const char *path = getenv("AZOTH_HOSTDIR");
        present = path && (tops[0] = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) >= 0;
        ntops = present == 1;
        for (unsigned i = 0; i < MAX_OPEN; i++)
            files[i].fd = -1;
        plat_irq_restore(f);
    }
    return present == 1;
}

int hosted_hostdir_add_root(const char *path)
{
    if (ntops == 0)
        for (unsigned i = 0; i < MAX_OPEN; i++)
            files[i].fd = -1;
    if (ntops == MAX_ROOTS)
        return -EMFILE;
    int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    tops[ntops] = fd;
    numbered = true;
    present = 1;
    return (int)ntops++;
}

uint32_t hosted_hostdir_cfg_in(unsigned off)
{
    switch (off) {
    case 0x00: return 0x10fe1af4u;
    case 0x04: return command;
    case 0x08: return 0x01800001u; /* mass storage (other) */
    case 0x10: return bar0;
    case 0x3c: return 0xff;        /* no interrupt: every request is done when GO returns */
    default:   return 0;
    }
}

void hosted_hostdir_cfg_out(unsigned off, uint32_t v)
{
    if (off == 0x04)
        command = (uint16_t)(v & (CMD_MEM | CMD_MASTER));
    else if (off == 0x10)
        bar0 = v & ~(BAR_SIZE - 1);
}

/* ---- Linux's answers as WASI's ---- */

static int64_t werr(int e)
{
    static const struct { int lx, wasi; } map[] = {
        { E2BIG, 1 }, { EACCES, 2 }, { EAGAIN, 6 }, { EBADF, 8 }, { EBUSY, 10 }, { EEXIST, 20 },
        { EFAULT, 21 }, { EFBIG, 22 }, { EINTR, 27 }, { EINVAL, 28 }, { EIO, 29 }, { EISDIR, 31 },
        { ELOOP, 32 }, { EMFILE, 33 }, { EMLINK, 34 }, { ENAMETOOLONG, 37 }, { ENFILE, 41 },
        { ENOENT, 44 }, { ENOMEM, 48 }, { ENOSPC, 51 }, { ENOSYS, 52 }, { ENOTDIR, 54 },
        { ENOTEMPTY, 55 }, { ENOTSUP, 58 }, { EOVERFLOW, 61 }, { EPERM, 63 }, { EROFS, 69 },
        { ESPIPE, 70 }, { EXDEV, 76 /* ENOTCAPABLE: it would leave the folder */ }, { ETXTBSY, 74 },
    };
    for (unsigned i = 0; i < sizeof map / sizeof *map; i++)
        if (map[i].lx == e)
            return -map[i].wasi;
    return -29; /* EIO */
}
#define WASI_EINVAL (-28)
#define WASI_EBADF  (-8)
#define WASI_ENOTCAPABLE (-76)
#define WASI_EMFILE (-33)
#define WASI_ENFILE (-41)
#define WASI_ENOTDIR (-54)
#define WASI_EISDIR (-31)
#define WASI_ENOENT (-44)

/* ---- the request ---- */

struct req {
    struct fs_req h;
    char root[FS_PATH_MAX + 1], path[FS_PATH_MAX + 1], root2[FS_PATH_MAX + 1], path2[FS_PATH_MAX + 1];
    const uint8_t *data;
    uint8_t *out;
    size_t room;
};

static int take(char *dst, const uint8_t **p, uint16_t n)
{
    if (n > FS_PATH_MAX || memchr(*p, 0, n))
        return -1;
    memcpy(dst, *p, n);
    dst[n] = '\0';
    *p += n;
    return 0;
}

static long openat2_(int dirfd, const char *path, int flags, mode_t mode)
{
    struct open_how how = { .flags = (uint64_t)flags | O_CLOEXEC, .mode = flags & O_CREAT ? mode : 0,
                            .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
    return syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

/* The root a request names, beneath its folder: an O_PATH fd, or an errno. */
static int64_t open_root(const char *root)
{
    if (root[0] != '/')
        return WASI_EINVAL;
    int top = tops[0];
    const char *rel = root + 1;
    if (numbered) { /* "/N" or "/N/rest" */
        char *end;
        unsigned long n = strtoul(rel, &end, 10);
        if (end == rel || n >= ntops || (*end && *end != '/'))
            return WASI_ENOENT;
        top = tops[n];
        rel = *end ? end + 1 : end;
    }
    long fd = openat2_(top, *rel ? rel : ".", O_PATH | O_DIRECTORY, 0);
    return fd < 0 ? werr(errno) : fd;
}

/* path's directory (an O_PATH fd beneath root) and its last name. */
static int64_t open_parent(int rootfd, const char *path, char *name)
{
    if (!path[0])
        return WASI_ENOENT;
    if (path[0] == '/')
        return WASI_ENOTCAPABLE;
    char dir[FS_PATH_MAX + 1];
    strcpy(dir, path);
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        dir[--n] = '\0';
    char *slash = strrchr(dir, '/');
    const char *base = slash ? slash + 1 : dir;
    if (!strcmp(base, ".") || !strcmp(base, ".."))
        return WASI_EINVAL;
    strcpy(name, base);
    if (!slash)
        strcpy(dir, ".");
    else
        *slash = '\0';
    long fd = openat2_(rootfd, dir[0] ? dir : "/", O_PATH | O_DIRECTORY, 0);
    return fd < 0 ? werr(errno) : fd;
}

static void filestat(const struct stat *st, uint8_t out[FS_FILESTAT_SIZE])
{
    uint64_t v;
    memset(out, 0, FS_FILESTAT_SIZE);
    v = st->st_dev, memcpy(out, &v, 8);
    v = st->st_ino, memcpy(out + 8, &v, 8);
    out[16] = S_ISDIR(st->st_mode) ? FS_T_DIR : S_ISREG(st->st_mode) ? FS_T_FILE : S_ISLNK(st->st_mode) ? FS_T_SYMLINK
            : S_ISCHR(st->st_mode) ? FS_T_CHAR : S_ISBLK(st->st_mode) ? FS_T_BLOCK : FS_T_UNKNOWN;
    v = st->st_nlink, memcpy(out + 24, &v, 8);
    v = (uint64_t)st->st_size, memcpy(out + 32, &v, 8);
    v = (uint64_t)st->st_atim.tv_sec * 1000000000u + (uint64_t)st->st_atim.tv_nsec, memcpy(out + 40, &v, 8);
    v = (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec, memcpy(out + 48, &v, 8);
    v = (uint64_t)st->st_ctim.tv_sec * 1000000000u + (uint64_t)st->st_ctim.tv_nsec, memcpy(out + 56, &v, 8);
}

/* WASI's fstflags and times as utimensat's: 0, or EINVAL for a request
 * that sets a time both to a value and to now. */
static int64_t times_of(const struct fs_req *h, struct timespec ts[2])
{
    unsigned fst = (unsigned)h->len;
    if (fst > 15 || (fst & 3) == 3 || (fst & 12) == 12)
        return WASI_EINVAL;
    ts[0] = (struct timespec){ (time_t)(h->atim / 1000000000u), (long)(h->atim % 1000000000u) };
    ts[1] = (struct timespec){ (time_t)(h->mtim / 1000000000u), (long)(h->mtim % 1000000000u) };
    ts[0].tv_nsec = (fst & 2) ? UTIME_NOW : (fst & 1) ? ts[0].tv_nsec : UTIME_OMIT;
    ts[1].tv_nsec = (fst & 8) ? UTIME_NOW : (fst & 4) ? ts[1].tv_nsec : UTIME_OMIT;
    return 0;
}

static struct hfile *file_of(uint64_t badge, uint64_t h)
{
    return h < MAX_OPEN && files[h].fd >= 0 && files[h].badge == badge ? &files[h] : NULL;
}

/* A directory's path from its folder ("/" or "/a/b"; numbered: "/N" or
 * "/N/a/b"), from /proc. */
static int64_t path_of(int fd, char *out, size_t cap)
{
    char link[64], mine[4096], topp[4096], path[4200];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, mine, sizeof mine - 1);
    if (n < 0)
        return werr(errno);
    mine[n] = '\0';
    for (unsigned i = 0; i < ntops; i++) {
        snprintf(link, sizeof link, "/proc/self/fd/%d", tops[i]);
        ssize_t t = readlink(link, topp, sizeof topp - 1);
        if (t < 0)
            return werr(errno);
        topp[t] = '\0';
        size_t tl = strlen(topp);
        if (tl == 1)
            tl = 0; /* the folder is / itself */
        if (strncmp(mine, topp, tl) || (mine[tl] && mine[tl] != '/'))
            continue;
        const char *rel = mine[tl] ? mine + tl : "/";
        if (numbered)
            snprintf(path, sizeof path, "/%u%s", i, strcmp(rel, "/") ? rel : "");
        else
            snprintf(path, sizeof path, "%s", rel);
        if (strlen(path) + 1 > cap || strlen(path) > FS_PATH_MAX)
            return -37; /* ENAMETOOLONG */
        strcpy(out, path);
        return 0;
    }
    return WASI_ENOTCAPABLE;
}

static int64_t do_open(struct req *q, int rootfd, uint64_t badge)
{
    unsigned fl = q->h.flags;
    int slot = -1, mine = 0;
    for (int i = 0; i < MAX_OPEN; i++) {
        if (files[i].fd < 0 && slot < 0)
            slot = i;
        else if (files[i].fd >= 0 && files[i].badge == badge)
            mine++;
    }
    if (mine >= PER_CLIENT)
        return WASI_EMFILE;
    if (slot < 0)
        return WASI_ENFILE;
    if (!q->path[0])
        return WASI_ENOENT;
    if (q->path[0] == '/')
        return WASI_ENOTCAPABLE;
    int acc = (fl & FS_F_WRITE) ? ((fl & FS_F_READ) ? O_RDWR : O_WRONLY) : O_RDONLY;
    int flags = acc | ((fl & FS_F_CREAT) ? O_CREAT : 0) | ((fl & FS_F_EXCL) ? O_EXCL : 0) |
                ((fl & FS_F_TRUNC) ? O_TRUNC : 0) | ((fl & FS_F_DIRECTORY) ? O_DIRECTORY : 0) |
                ((fl & FS_F_FOLLOW) ? 0 : O_NOFOLLOW);
    long fd = openat2_(rootfd, q->path, flags, 0644);
    if (fd < 0 && errno == EISDIR && acc == O_RDONLY)
        fd = openat2_(rootfd, q->path, flags | O_DIRECTORY, 0);
    if (fd < 0)
        return werr(errno);
    struct stat st;
    if (fstat((int)fd, &st) != 0 || q->room < FS_FILESTAT_SIZE) {
        close((int)fd);
        return WASI_EINVAL;
    }
    filestat(&st, q->out);
    if (S_ISDIR(st.st_mode)) {
        int64_t r = path_of((int)fd, (char *)q->out + FS_FILESTAT_SIZE, q->room - FS_FILESTAT_SIZE);
        if (r) {
            close((int)fd);
            return r;
        }
    }
    files[slot] = (struct hfile){ (int)fd, S_ISDIR(st.st_mode), badge };
    return slot;
}

/* WASI dirents from cookie on (getdents' d_off: where the next one is). */
static int64_t readdir_at(int dirfd, uint64_t cookie, uint8_t *out, size_t room)
{
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return werr(errno);
    if (lseek(fd, (off_t)cookie, SEEK_SET) < 0) {
        close(fd);
        return werr(errno);
    }
    size_t len = 0;
    char buf[8192];
    for (;;) {
        long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (long at = 0; at < n && len < room;) {
            struct dirent64 *d = (struct dirent64 *)(buf + at);
            uint8_t ent[FS_DIRENT_SIZE] = { 0 };
            uint64_t next = (uint64_t)d->d_off, ino = d->d_ino;
            uint32_t namlen = (uint32_t)strlen(d->d_name);
            memcpy(ent, &next, 8);
            memcpy(ent + 8, &ino, 8);
            memcpy(ent + 16, &namlen, 4);
            ent[20] = d->d_type == DT_DIR ? FS_T_DIR : d->d_type == DT_REG ? FS_T_FILE
                    : d->d_type == DT_LNK ? FS_T_SYMLINK : FS_T_UNKNOWN;
            size_t k = room - len < sizeof ent ? room - len : sizeof ent;
            memcpy(out + len, ent, k);
            len += k;
            k = room - len < namlen ? room - len : namlen;
            memcpy(out + len, d->d_name, k);
            len += k;
            at += d->d_reclen;
        }
        if (len >= room)
            break;
    }
    close(fd);
    return (int64_t)len;
}

static int64_t serve(struct req *q, uint64_t op, uint64_t badge)
{
    struct fs_req *h = &q->h;
    struct hfile *f = NULL;
    struct stat st;
    char name[FS_PATH_MAX + 1], name2[FS_PATH_MAX + 1];
    switch (op) {
    case FS_OP_READ: case FS_OP_CLOSE: case FS_OP_WRITE: case FS_OP_FSTAT: case FS_OP_TRUNCATE:
    case FS_OP_SYNC: case FS_OP_ALLOCATE:
        if (!(f = file_of(badge, h->handle)))
            return WASI_EBADF;
        break;
    case FS_OP_SETTIMES: case FS_OP_READDIR:
        if (!(h->flags & FS_F_PATH) && !(f = file_of(badge, h->handle)))
            return WASI_EBADF;
        break;
    case FS_OP_FORGET:
        for (int i = 0; i < MAX_OPEN; i++)
            if (files[i].fd >= 0 && files[i].badge == badge) {
                close(files[i].fd);
                files[i].fd = -1;
            }
        return 0;
    case FS_OP_STATFS: {
        struct statvfs sv;
        if (fstatvfs(tops[0], &sv) != 0)
            return werr(errno);
        struct fs_statfs s = { sv.f_blocks, sv.f_bfree, sv.f_files, sv.f_ffree, (uint32_t)sv.f_frsize, 0 };
        if (q->room < sizeof s)
            return WASI_EINVAL;
        memcpy(q->out, &s, sizeof s);
        return sizeof s;
    }
    }
    if (f) {
        ssize_t n;
        switch (op) {
        case FS_OP_READ:
            if (f->dir)
                return WASI_EISDIR;
            n = pread(f->fd, q->out, h->len < q->room ? h->len : q->room, (off_t)h->off);
            return n < 0 ? werr(errno) : n;
        case FS_OP_WRITE: {
            if (f->dir)
                return WASI_EISDIR;
            uint64_t off = h->off;
            if ((h->flags & FS_F_APPEND) && fstat(f->fd, &st) == 0)
                off = (uint64_t)st.st_size;
            n = pwrite(f->fd, q->data, h->len, (off_t)off);
            if (n < 0)
                return werr(errno);
            uint64_t end = off + (uint64_t)n;
            memcpy(q->out, &end, 8);
            return n;
        }
        case FS_OP_CLOSE:
            close(f->fd);
            f->fd = -1;
            return 0;
        case FS_OP_FSTAT:
            if (fstat(f->fd, &st) != 0)
                return werr(errno);
            filestat(&st, q->out);
            return 0;
        case FS_OP_TRUNCATE:
            return ftruncate(f->fd, (off_t)h->off) ? werr(errno) : 0;
        case FS_OP_ALLOCATE:
            if (fstat(f->fd, &st) != 0)
                return werr(errno);
            if ((uint64_t)st.st_size >= h->off + h->len)
                return 0;
            return ftruncate(f->fd, (off_t)(h->off + h->len)) ? werr(errno) : 0;
        case FS_OP_SYNC:
            return fsync(f->fd) ? werr(errno) : 0;
        case FS_OP_READDIR:
            if (!f->dir)
                return WASI_ENOTDIR;
            return readdir_at(f->fd, h->off, q->out, h->len < q->room ? h->len : q->room);
        case FS_OP_SETTIMES: {
            struct timespec ts[2];
            int64_t e = times_of(h, ts);
            return e ? e : futimens(f->fd, ts) ? werr(errno) : 0;
        }
        }
        return WASI_EINVAL;
    }
    /* By path, under the request's root. */
    /* SYMLINK names no first root: its first path is the link's target, as it is. */
    int64_t root = op == FS_OP_SYMLINK ? -1 : open_root(q->root), root2 = -1, dirfd = -1, dir2 = -1, r = 0;
    if (root < 0 && op != FS_OP_SYMLINK)
        return root;
    if (q->h.root2_len && (root2 = open_root(q->root2)) < 0) {
        close((int)root);
        return root2;
    }
    bool follow = h->flags & FS_F_FOLLOW;
    long fd;
    switch (op) {
    case FS_OP_OPEN:
        r = do_open(q, (int)root, badge);
        break;
    case FS_OP_STAT:
    case FS_OP_SETTIMES:
    case FS_OP_READDIR:
        if (q->path[0] == '/') {
            r = WASI_ENOTCAPABLE;
            break;
        }
        if (!q->path[0]) {
            r = WASI_ENOENT;
            break;
        }
        fd = openat2_((int)root, q->path, O_PATH | ((follow || op == FS_OP_READDIR) ? 0 : O_NOFOLLOW), 0);
        if (fd < 0) {
            r = werr(errno);
            break;
        }
        if (op == FS_OP_STAT) {
            r = fstatat((int)fd, "", &st, AT_EMPTY_PATH) ? werr(errno) : 0;
            if (!r)
                filestat(&st, q->out);
        } else if (op == FS_OP_READDIR) {
            r = readdir_at((int)fd, h->off, q->out, h->len < q->room ? h->len : q->room);
        } else {
            /* utimensat on an O_PATH fd: through /proc, which follows it */
            struct timespec ts[2];
            char p[64];
            snprintf(p, sizeof p, "/proc/self/fd/%ld", fd);
            if (!(r = times_of(h, ts)))
                r = utimensat(AT_FDCWD, p, ts, 0) ? werr(errno) : 0;
        }
        close((int)fd);
        break;
    case FS_OP_MKDIR: case FS_OP_RMDIR: case FS_OP_UNLINK: case FS_OP_READLINK:
        if ((dirfd = open_parent((int)root, q->path, name)) < 0) {
            r = dirfd == WASI_EINVAL && op == FS_OP_MKDIR ? -20 /* EEXIST */ : dirfd;
            break;
        }
        if (op == FS_OP_MKDIR) {
            r = mkdirat((int)dirfd, name, 0755) ? werr(errno) : 0;
        } else if (op == FS_OP_READLINK) {
            char target[FS_PATH_MAX + 1];
            ssize_t n = readlinkat((int)dirfd, name, target, sizeof target - 1);
            if (n < 0) {
                r = werr(errno);
            } else {
                size_t k = (size_t)n < q->room ? (size_t)n : q->room;
                if (h->len < k)
                    k = h->len;
                memcpy(q->out, target, k);
                r = (int64_t)k;
            }
        } else {
            r = unlinkat((int)dirfd, name, op == FS_OP_RMDIR ? AT_REMOVEDIR : 0) ? werr(errno) : 0;
        }
        break;
    case FS_OP_RENAME: case FS_OP_LINK: case FS_OP_SYMLINK:
        if (root2 < 0) {
            r = WASI_EINVAL;
            break;
        }
        if ((dir2 = open_parent((int)root2, q->path2, name2)) < 0) {
            r = dir2;
            break;
        }
        if (op == FS_OP_SYMLINK) {
            r = !q->path[0] ? WASI_ENOENT : symlinkat(q->path, (int)dir2, name2) ? werr(errno) : 0;
            break;
        }
        if ((dirfd = open_parent((int)root, q->path, name)) < 0) {
            r = dirfd;
            break;
        }
        if (op == FS_OP_RENAME)
            r = renameat((int)dirfd, name, (int)dir2, name2) ? werr(errno) : 0;
        else
            r = linkat((int)dirfd, name, (int)dir2, name2, follow ? AT_SYMLINK_FOLLOW : 0) ? werr(errno) : 0;
        break;
    case FS_OP_SYNCFS: /* syncfs wants a real fd, not an O_PATH one */
        fd = openat((int)root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        r = fd < 0 ? werr(errno) : syncfs((int)fd) ? werr(errno) : 0;
        if (fd >= 0)
            close((int)fd);
        break;
    default:
        r = -52; /* ENOSYS */
    }
    if (dirfd >= 0)
        close((int)dirfd);
    if (dir2 >= 0)
        close((int)dir2);
    if (root2 >= 0)
        close((int)root2);
    if (root >= 0)
        close((int)root);
    return r;
}

/* GO: decode the block in the DMA buffer, execute, answer in place. */
static int64_t go(void)
{
    uint8_t *buf = hosted_dma_ptr(reg_buf, reg_room);
    if (!buf || reg_len > reg_room || reg_len < sizeof(struct fs_req) || !(command & CMD_MASTER))
        return WASI_EINVAL;
    static struct req q;
    memcpy(&q.h, buf, sizeof q.h);
    uint64_t need = sizeof q.h + (uint64_t)q.h.root_len + q.h.path_len + q.h.root2_len + q.h.path2_len;
    if (reg_op == FS_OP_WRITE)
        need += q.h.len;
    if (need > reg_len || (reg_op == FS_OP_WRITE && q.h.len > FS_DATA_MAX))
        return WASI_EINVAL;
    const uint8_t *p = buf + sizeof q.h;
    if (take(q.root, &p, q.h.root_len) || take(q.path, &p, q.h.path_len) || take(q.root2, &p, q.h.root2_len) ||
        take(q.path2, &p, q.h.path2_len))
        return WASI_EINVAL;
    q.data = p;
    q.out = buf;
    q.room = reg_room;
    if (reg_op == FS_OP_WRITE) { /* the data moves to the front: the answer overwrites the block */
        static uint8_t data[FS_DATA_MAX];
        memcpy(data, p, q.h.len);
        q.data = data;
    }
    return serve(&q, reg_op, reg_badge);
}

int hosted_hostdir_mmio(uint64_t phys, unsigned width, bool write, uint64_t *v)
{
    if (!hosted_hostdir_present() || phys < bar0 || phys + width > (uint64_t)bar0 + BAR_SIZE ||
        !(command & CMD_MEM) || width != 8)
        return -ATH_ENOSYS;
    irqflags_t f = plat_irq_save(); /* the host's calls, no thread switch inside */
    uint64_t *reg[] = { NULL, &reg_buf, &reg_len, &reg_room, &reg_badge, &reg_op, &reg_result };
    unsigned i = (unsigned)(phys - bar0) / 8;
    if (i == 0 && write)
        reg_result = (uint64_t)go();
    else if (i > 0 && i < 7 && write)
        *reg[i] = *v;
    else if (i > 0 && i < 7)
        *v = *reg[i];
    else if (!write)
        *v = 0;
    plat_irq_restore(f);
    return 0;
}
