/* WASI preview 1's filesystem: a component's fds above 2, each a directory
 * (preopened by the manifest, or opened below one) or an open file, served
 * by the filesystem service through its protocol (athanor/abi/fs.h). Each
 * call: decode (the fd, its rights, every offset and length against the
 * linear memory), then one or more kernel calls to the service
 * (ipc_call_kernel), which copy paths and data straight between the
 * component's memory and the service's buffer. The service resolves every
 * path inside the root the kernel sends with it, the directory's: "..",
 * absolute paths and symlinks cannot leave a preopened directory. */
#include <athanor/abi/fs.h>
#include <athanor/component.h>
#include <athanor/heap.h>
#include <athanor/host.h>
#include <athanor/ipc.h>
#include <athanor/klib.h>
#include <athanor/wasi.h>
#include <wasm-rt.h>
#include "wasi_abi.h"

typedef uint32_t u32;
typedef uint64_t u64;
typedef struct w2c_wasi__snapshot__preview1 wasi_self;

/* Called only from generated code, whose headers declare them. */
#pragma GCC diagnostic ignored "-Wmissing-prototypes"

#define OFLAG_CREAT 1u
#define OFLAG_DIRECTORY 2u
#define OFLAG_EXCL 4u
#define OFLAG_TRUNC 8u
#define LOOKUP_FOLLOW 1u

/* ---- the fd table ---- */

/* The errno of a call that fds 0-2 do not support: EBADF if it is closed. */
static u32 stdio_err(struct component *c, u32 fd, u32 e)
{
    return wasi_stdio(c, fd) ? e : WASI_EBADF;
}

static struct wasi_fd *fd_at(struct component *c, u32 fd)
{
    if (!c->wasi.fds || fd < 3 || fd - 3 >= WASI_FD_MAX || c->wasi.fds[fd - 3].kind == WASI_FD_FREE ||
        c->wasi.fds[fd - 3].kind == WASI_FD_OPENING)
        return NULL;
    return &c->wasi.fds[fd - 3];
}

static int fd_alloc(struct component *c, u32 *fd)
{
    if (!c->wasi.fds)
        return WASI_EMFILE;
    for (u32 i = 0; i < WASI_FD_MAX; i++)
        if (c->wasi.fds[i].kind == WASI_FD_FREE) {
            c->wasi.fds[i].kind = WASI_FD_OPENING; /* taken: the open may sleep */
            *fd = i + 3;
            return WASI_ESUCCESS;
        }
    return WASI_EMFILE;
}

static void fd_release(struct wasi_fd *f)
{
    kfree(f->root);
    memset(f, 0, sizeof *f);
}

static char *kstrdup_(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = kmalloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

struct wasi_fd *wasi_fd_at(struct component *c, u32 fd)
{
    return fd_at(c, fd);
}

u32 wasi_fd_alloc(struct component *c, u32 *fd)
{
    return (u32)fd_alloc(c, fd);
}

void wasi_fd_release(struct wasi_fd *f)
{
    fd_release(f);
}

int wasi_files_start(struct component *c)
{
    const struct comp_config *cfg = c->cfg;
    wasi_sockets_start(c);
    if (!cfg->ndirs && !cfg->nlisten)
        return 0;
    if (!c->wasi.fds && !(c->wasi.fds = kzalloc(sizeof *c->wasi.fds * WASI_FD_MAX)))
        return -ATH_ENOMEM;
    for (u32 i = 0; i < WASI_FD_MAX; i++)
        fd_release(&c->wasi.fds[i]);
    /* fds 3...: the preopened directories, in the manifest's order (what
     * wasi-libc's start-up scans with fd_prestat_get). */
    for (u32 i = 0; i < cfg->ndirs; i++) {
        struct wasi_fd *f = &c->wasi.fds[i];
        uint64_t mask = cfg->dirs[i].readonly ? ~RIGHTS_WRITING : ~0ull;
        f->kind = WASI_FD_DIR;
        f->filetype = FS_T_DIR;
        f->rights = RIGHTS_DIR & mask;
        f->inheriting = (RIGHTS_DIR | RIGHTS_FILE) & mask;
        f->guest = cfg->dirs[i].guest;
        if (!(f->root = kstrdup_(cfg->dirs[i].path)))
            return -ATH_ENOMEM;
    }
    /* Then its listening sockets: made when its thread first runs
     * (wasi_sockets_open), before its code. */
    for (u32 i = 0; i < cfg->nlisten; i++) {
        struct wasi_fd *f = &c->wasi.fds[cfg->ndirs + i];
        f->kind = WASI_FD_SOCKET;
        f->filetype = FILETYPE_SOCKET_STREAM;
        f->rights = RIGHTS_LISTENER;
        f->handle = WASI_SOCK_NONE;
        f->preopen = (uint8_t)(i + 1);
    }
    c->wasi.fs_fresh = true;
    c->wasi.fs_unsynced = 0;
    return 0;
}

void wasi_files_stop(struct component *c)
{
    if (c->wasi.fds)
        for (u32 i = 0; i < WASI_FD_MAX; i++)
            fd_release(&c->wasi.fds[i]);
}

/* ---- requests to the filesystem service ---- */

/* A piece of a request block: kernel bytes, or bytes of the component's
 * memory (checked before the call, copied guarded). */
struct piece {
    const void *kptr;
    uoff_t      uoff;
    uint32_t    len;
};

struct kreq {
    struct component *c;
    struct fs_req     h;
    struct piece      s[4];       /* root, path, root2, path2 */
    struct wasi_iovs *gather;     /* WRITE: h.len bytes from here */
    /* The answer: up to out_cap bytes of it to out (kernel) or, with
     * scatter, into the iovecs. */
    void             *out;
    uint32_t          out_cap, out_len;
    struct wasi_iovs *scatter;    /* READ: the answer into these */
};

static int copy_in(struct component *c, uint8_t *dst, const struct piece *p)
{
    if (p->kptr)
        return umem_copy(dst, p->kptr, p->len);
    struct umem m = host_mem(c);
    const void *src = umem_range(&m, p->uoff, p->len);
    return !src ? -ATH_EFAULT : umem_copy(dst, src, p->len);
}

static int kreq_fill(void *ctx, uint8_t *buf, uint32_t room, uint32_t *len)
{
    struct kreq *q = ctx;
    uint64_t need = sizeof q->h + (q->gather ? q->h.len : 0);
    for (int i = 0; i < 4; i++)
        need += q->s[i].len;
    if (need > room)
        return -ATH_EMSGSIZE;
    q->h.root_len = (uint16_t)q->s[0].len, q->h.path_len = (uint16_t)q->s[1].len;
    q->h.root2_len = (uint16_t)q->s[2].len, q->h.path2_len = (uint16_t)q->s[3].len;
    int r = umem_copy(buf, &q->h, sizeof q->h);
    uint32_t at = sizeof q->h;
    for (int i = 0; i < 4 && !r; i++) {
        r = copy_in(q->c, buf + at, &q->s[i]);
        at += q->s[i].len;
    }
    if (!r && q->gather)
        r = wasi_iov_move(q->gather, buf + at, (uint32_t)q->h.len, false);
    *len = at + (q->gather ? (uint32_t)q->h.len : 0);
    return r;
}

static int kreq_drain(void *ctx, uint8_t *buf, uint32_t room, uint64_t result)
{
    struct kreq *q = ctx;
    int64_t v = (int64_t)result;
    q->out_len = 0;
    if (v < 0 || (!q->out && !q->scatter))
        return 0;
    /* The answer's length: what the operation returns (bytes) or what the
     * caller asked for (a struct), never more than the buffer. */
    uint32_t n = MIN(q->out_cap, room);
    if (q->scatter)
        return wasi_iov_move(q->scatter, buf, MIN(n, (uint32_t)MIN((uint64_t)v, n)), true);
    q->out_len = n;
    return umem_copy(q->out, buf, n);
}

/* Athanor's errors of the call itself, as WASI's. */
static u32 call_errno(int r)
{
    switch (r) {
    case -ATH_EFAULT: return WASI_EFAULT;
    case -ATH_ENOMEM: return WASI_ENOMEM;
    default:          return WASI_EIO; /* the service failed, restarted, is not there or busy */
    }
}

/* Does the request change the filesystem (if it succeeds)? */
static bool changes(uint64_t op, const struct kreq *q)
{
    switch (op) {
    case FS_OP_WRITE: case FS_OP_TRUNCATE: case FS_OP_SETTIMES: case FS_OP_MKDIR: case FS_OP_RMDIR:
    case FS_OP_UNLINK: case FS_OP_RENAME: case FS_OP_SYMLINK: case FS_OP_LINK: case FS_OP_ALLOCATE:
        return true;
    case FS_OP_OPEN:
        return q->h.flags & (FS_F_CREAT | FS_F_TRUNC);
    default:
        return false;
    }
}

/* One request to c's filesystem service: the service's result (a value or
 * a negative WASI errno) in *v; a WASI errno if the call itself failed.
 * gen: a file's handle belongs to this generation of the service (0: any,
 * the request names paths only, and is retried once on a new one). */
static u32 fs_request(struct component *c, uint64_t op, struct kreq *q, uint32_t gen, int64_t *v)
{
    struct component *srv = comp_at(c->cfg->dir_server);
    struct thread *t = thread_current();
    struct ipc_kcall k = { kreq_fill, kreq_drain, q };
    uint64_t res = 0;
    int r;
    q->c = c;
    if (c->wasi.fs_fresh) {
        /* This generation's first request: the last one's handles go. */
        struct kreq forget = { .c = c };
        struct ipc_kcall kf = { kreq_fill, NULL, &forget };
        struct ipc_call fc = { .ep = &srv->ipc.ep, .badge = ipc_badge_of(c),
                               .obj_gen = srv->generation, .m = { FS_OP_FORGET, 0, 0, 0 } };
        if (ipc_call_kernel(t, c, &fc, &kf, &res) == 0)
            c->wasi.fs_fresh = false;
    }
    uint32_t used;
    for (int tries = 0;; tries++) {
        used = gen ? gen : srv->generation;
        struct ipc_call call = { .ep = &srv->ipc.ep, .badge = ipc_badge_of(c),
                                 .obj_gen = used, .m = { op, 0, 0, 0 } };
        r = ipc_call_kernel(t, c, &call, &k, &res);
        if (r == -ATH_EPEERRESTARTED && !gen && tries == 0)
            continue;
        break;
    }
    if (r)
        return call_errno(r);
    *v = (int64_t)res;
    /* Changes the service holds but has not committed die with it if it
     * restarts. A later sync must not say otherwise: note the generation
     * the component's first unsynced change went to; a sync in another
     * generation reports EIO, once (as Linux's fsync reports a lost
     * writeback), and the component knows to do it again. */
    bool sync = op == FS_OP_SYNC || op == FS_OP_SYNCFS;
    if (sync && (int64_t)res >= 0) {
        if (c->wasi.fs_unsynced && c->wasi.fs_unsynced != used) {
            c->wasi.fs_unsynced = 0;
            *v = -(int64_t)WASI_EIO;
            return WASI_ESUCCESS;
        }
        c->wasi.fs_unsynced = 0;
    } else if (changes(op, q) && (int64_t)res >= 0 && !c->wasi.fs_unsynced) {
        c->wasi.fs_unsynced = used;
    }
    return WASI_ESUCCESS;
}

/* The service's negative result as WASI's errno: they are the same numbers
 * (its errno values are wasi-libc's, which are WASI's). */
static u32 result_errno(int64_t v)
{
    return v < 0 && v > -1000 ? (u32)-v : WASI_EIO;
}

/* A request on paths (no handle): the service's errno as the call's. */
static u32 ask(struct component *c, uint64_t op, struct kreq *q, int64_t *v)
{
    u32 e = fs_request(c, op, q, 0, v);
    return e ? e : *v < 0 ? result_errno(*v) : WASI_ESUCCESS;
}

/* A path in the component's memory, checked. */
static u32 user_path(struct component *c, uoff_t p, u32 len, struct piece *out)
{
    struct umem m = host_mem(c);
    if (len > FS_PATH_MAX)
        return WASI_ENAMETOOLONG;
    if (len && !umem_range(&m, p, len))
        return WASI_EFAULT;
    *out = (struct piece){ .uoff = p, .len = len };
    return WASI_ESUCCESS;
}

static struct piece kpiece(const char *s)
{
    return (struct piece){ .kptr = s, .len = (uint32_t)strlen(s) };
}

/* A directory fd with these rights, or why not. */
static u32 dir_fd(struct component *c, u32 fd, uint64_t rights, struct wasi_fd **out)
{
    struct wasi_fd *f = fd_at(c, fd);
    if (!f)
        return WASI_EBADF;
    if (f->kind != WASI_FD_DIR)
        return WASI_ENOTDIR;
    if ((f->rights & rights) != rights)
        return WASI_ENOTCAPABLE;
    *out = f;
    return WASI_ESUCCESS;
}

static u32 file_fd(struct component *c, u32 fd, uint64_t rights, struct wasi_fd **out)
{
    struct wasi_fd *f = fd_at(c, fd);
    if (!f)
        return WASI_EBADF;
    if ((f->rights & rights) != rights)
        return WASI_ENOTCAPABLE;
    if (f->kind != WASI_FD_FILE)
        return WASI_EISDIR;
    *out = f;
    return WASI_ESUCCESS;
}

/* A request on a path under dir fd: decode the fd and the path, ask. */
static u32 path_op(struct component *c, u32 fd, uint64_t rights, uint64_t op, uint32_t flags,
                   uoff_t path, u32 len, void *out, uint32_t out_cap, int64_t *v)
{
    struct wasi_fd *d;
    struct kreq q = { 0 };
    u32 e = dir_fd(c, fd, rights, &d);
    if (e || (e = user_path(c, path, len, &q.s[1])))
        return e;
    q.s[0] = kpiece(d->root);
    q.h.flags = flags;
    q.h.len = out_cap; /* what an answer of bytes (readlink) may take */
    q.out = out, q.out_cap = out_cap;
    return ask(c, op, &q, v);
}

/* A request on an open file's handle. */
static u32 file_op(struct component *c, struct wasi_fd *f, uint64_t op, struct kreq *q, int64_t *v)
{
    q->h.handle = f->handle;
    u32 e = fs_request(c, op, q, f->gen, v);
    if (e)
        return e;
    return *v < 0 ? result_errno(*v) : WASI_ESUCCESS;
}

static u32 put(struct component *c, uoff_t off, const void *v, size_t n)
{
    return host_put(c, off, v, n) ? WASI_ESUCCESS : WASI_EFAULT;
}

/* ---- the calls (the console's fds 0-2 are wasi.c's; it hands fds
 * above 2 to the wasi_file_* functions) ---- */

u32 wasi_file_prestat_get(struct component *c, u32 fd, uoff_t out)
{
    struct wasi_fd *f = fd_at(c, fd);
    if (!f || !f->guest)
        return WASI_EBADF; /* not a preopened directory: ends libc's scan */
    uint32_t st[2] = { 0, (uint32_t)strlen(f->guest) }; /* tag 0: a directory; its name's length */
    return put(c, out, st, sizeof st);
}

u32 w2c_wasi__snapshot__preview1_fd_prestat_dir_name(wasi_self *w, u32 fd, u32 path, u32 len)
{
    struct component *c = host_enter(&w->h);
    struct wasi_fd *f = fd_at(c, fd);
    if (!f || !f->guest)
        return host_leave(c, WASI_EBADF);
    size_t n = strlen(f->guest);
    if (len < n)
        return host_leave(c, WASI_ENAMETOOLONG);
    return host_leave(c, put(c, uoff(path), f->guest, n));
}

u32 wasi_file_fdstat_get(struct component *c, u32 fd, uoff_t out)
{
    struct wasi_fd *f = fd_at(c, fd);
    if (!f)
        return WASI_EBADF;
    uint8_t st[24] = { 0 };
    st[0] = f->filetype;
    memcpy(st + 2, &f->fdflags, 2);
    memcpy(st + 8, &f->rights, 8);
    memcpy(st + 16, &f->inheriting, 8);
    return put(c, out, st, sizeof st);
}

u32 w2c_wasi__snapshot__preview1_fd_fdstat_set_flags(wasi_self *w, u32 fd, u32 flags)
{
    struct component *c = host_enter(&w->h);
    struct wasi_fd *f = fd_at(c, fd);
    struct wasi_stdio *s = wasi_stdio(c, fd);
    if (!f && !s)
        return host_leave(c, WASI_EBADF);
    if (!((f ? f->rights : s->rights) & R_FD_FDSTAT_SET_FLAGS))
        return host_leave(c, WASI_ENOTCAPABLE);
    if (flags & ~FDFLAGS_ALL)
        return host_leave(c, WASI_EINVAL);
    if (s) {
        /* the console: append changes nothing, non-blocking reads do; the
         * sync flags mean nothing to a terminal (fcntl cannot set them either) */
        if (flags & (FDFLAG_DSYNC | FDFLAG_RSYNC | FDFLAG_SYNC))
            return host_leave(c, WASI_ENOTSUP);
        s->fdflags = (uint16_t)flags;
    } else {
        f->fdflags = (uint16_t)flags;
    }
    return host_leave(c, WASI_ESUCCESS);
}

u32 w2c_wasi__snapshot__preview1_fd_fdstat_set_rights(wasi_self *w, u32 fd, u64 base, u64 inh)
{
    struct component *c = host_enter(&w->h);
    struct wasi_fd *f = fd_at(c, fd);
    struct wasi_stdio *s = wasi_stdio(c, fd);
    if (s) {
        if ((base & ~s->rights) || inh)
            return host_leave(c, WASI_ENOTCAPABLE);
        s->rights = base;
        return host_leave(c, WASI_ESUCCESS);
    }
    if (!f)
        return host_leave(c, WASI_EBADF);
    if ((base & ~f->rights) || (inh & ~f->inheriting))
        return host_leave(c, WASI_ENOTCAPABLE); /* rights are only ever given up */
    f->rights = base, f->inheriting = inh;
    return host_leave(c, WASI_ESUCCESS);
}

u32 wasi_file_close(struct component *c, u32 fd)
{
    struct wasi_fd *f = fd_at(c, fd);
    if (!f)
        return WASI_EBADF;
    if (f->kind == WASI_FD_SOCKET)
        return wasi_sock_close(c, f);
    if (f->kind == WASI_FD_FILE) {
        struct kreq q = { 0 };
        int64_t v;
        file_op(c, f, FS_OP_CLOSE, &q, &v); /* the fd goes whatever the service says */
    }
    fd_release(f);
    return WASI_ESUCCESS;
}

u32 w2c_wasi__snapshot__preview1_fd_renumber(wasi_self *w, u32 from, u32 to)
{
    struct component *c = host_enter(&w->h);
    struct wasi_fd *f = fd_at(c, from), *t = fd_at(c, to);
    if (!f || !t)
        return host_leave(c, (from <= 2 && wasi_stdio(c, from)) || (to <= 2 && wasi_stdio(c, to)) ? WASI_ENOTSUP
                                                                                           : WASI_EBADF);
    if (from == to)
        return host_leave(c, WASI_ESUCCESS);
    wasi_file_close(c, to);
    *t = *f;
    memset(f, 0, sizeof *f); /* moved, root and all */
    return host_leave(c, WASI_ESUCCESS);
}

/* Read or write at off from or into the iovecs: as many requests as the
 * data needs, FS_DATA_MAX each; *done gets the bytes moved. A short
 * answer (the end of the file, a full disk) ends it. */
static u32 file_io(struct component *c, struct wasi_fd *f, bool write, uoff_t iovs, u32 n,
                   uint64_t off, bool append, uint64_t *done, uint64_t *end)
{
    *done = 0;
    uint64_t total;
    u32 e0 = wasi_iov_decode(c, iovs, n, &total);
    if (e0)
        return e0;
    struct wasi_iovs cur = { c, iovs, n, 0, 0 };
    *end = off;
    while (*done < total) {
        uint32_t chunk = (uint32_t)MIN(total - *done, (uint64_t)FS_DATA_MAX);
        struct kreq q = { 0 };
        uint64_t after = 0;
        q.h.off = off + *done;
        q.h.len = chunk;
        if (write) {
            q.gather = &cur;
            q.h.flags = append ? FS_F_APPEND : 0;
            q.out = &after, q.out_cap = sizeof after;
        } else {
            q.scatter = &cur;
            q.out_cap = chunk;
        }
        int64_t v;
        u32 e = file_op(c, f, write ? FS_OP_WRITE : FS_OP_READ, &q, &v);
        if (e)
            return *done ? WASI_ESUCCESS : e; /* what was done stays done */
        *done += (uint64_t)v;
        *end = write ? after : off + *done;
        if ((uint64_t)v < chunk)
            break;
    }
    if (write && *done && (f->fdflags & (FDFLAG_SYNC | FDFLAG_DSYNC))) {
        struct kreq q = { 0 };
        int64_t v;
        return file_op(c, f, FS_OP_SYNC, &q, &v);
    }
    return WASI_ESUCCESS;
}

u32 wasi_file_rw(struct component *c, u32 fd, bool write, uoff_t iovs, u32 n, uoff_t result,
                 bool positioned, uint64_t off)
{
    struct wasi_fd *f = fd_at(c, fd);
    if (f && f->kind == WASI_FD_SOCKET)
        return positioned ? WASI_ESPIPE : wasi_sock_rw(c, f, write, iovs, n, result);
    uint64_t need = write ? R_FD_WRITE : R_FD_READ;
    if (positioned)
        need |= R_FD_SEEK;
    u32 e = file_fd(c, fd, need, &f);
    if (e)
        return e;
    struct umem m = host_mem(c);
    if (!umem_range(&m, result, 4))
        return WASI_EFAULT;
    bool append = write && !positioned && (f->fdflags & FDFLAG_APPEND);
    uint64_t done, end;
    e = file_io(c, f, write, iovs, n, positioned ? off : f->pos, append, &done, &end);
    if (e)
        return e;
    if (!positioned)
        f->pos = end;
    uint32_t d32 = (uint32_t)done;
    return put(c, result, &d32, 4);
}

u32 w2c_wasi__snapshot__preview1_fd_pread(wasi_self *w, u32 fd, u32 iovs, u32 n, u64 off, u32 nread)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, fd <= 2 ? stdio_err(c, fd, WASI_ESPIPE) : wasi_file_rw(c, fd, false, uoff(iovs), n, uoff(nread), true, off));
}

u32 w2c_wasi__snapshot__preview1_fd_pwrite(wasi_self *w, u32 fd, u32 iovs, u32 n, u64 off, u32 nwritten)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, fd <= 2 ? stdio_err(c, fd, WASI_ESPIPE) : wasi_file_rw(c, fd, true, uoff(iovs), n, uoff(nwritten), true, off));
}

static u32 file_size(struct component *c, struct wasi_fd *f, uint64_t *size)
{
    uint8_t st[FS_FILESTAT_SIZE];
    struct kreq q = { .out = st, .out_cap = sizeof st };
    int64_t v;
    u32 e = file_op(c, f, FS_OP_FSTAT, &q, &v);
    if (!e)
        memcpy(size, st + 32, 8);
    return e;
}

u32 wasi_file_poll(struct component *c, u32 fd, bool write, uint64_t *nbytes)
{
    struct wasi_fd *f = fd_at(c, fd);
    *nbytes = 0;
    if (!f)
        return WASI_EBADF;
    if (!(f->rights & R_POLL_FD_READWRITE))
        return WASI_ENOTCAPABLE;
    if (f->kind != WASI_FD_FILE)
        return WASI_EISDIR; /* fd_read and fd_write on it say the same */
    if (!(f->rights & (write ? R_FD_WRITE : R_FD_READ)))
        return WASI_ENOTCAPABLE;
    if (write)
        return WASI_ESUCCESS; /* a file never makes a writer wait */
    uint64_t size;
    u32 e = file_size(c, f, &size);
    if (!e)
        *nbytes = size > f->pos ? size - f->pos : 0;
    return e;
}

u32 wasi_file_seek(struct component *c, u32 fd, int64_t off, u32 whence, uoff_t out)
{
    struct wasi_fd *f = fd_at(c, fd);
    if (!f)
        return WASI_EBADF;
    uint64_t need = (whence == 1 && off == 0) ? R_FD_TELL : R_FD_SEEK;
    if (f->kind == WASI_FD_SOCKET)
        return WASI_ESPIPE;
    if (!(f->rights & need))
        return WASI_ENOTCAPABLE;
    if (f->kind != WASI_FD_FILE)
        return WASI_EISDIR;
    int64_t base;
    switch (whence) {
    case 0: base = 0; break;
    case 1: base = (int64_t)f->pos; break;
    case 2: {
        uint64_t size;
        u32 e = file_size(c, f, &size);
        if (e)
            return e;
        base = (int64_t)size;
        break;
    }
    default:
        return WASI_EINVAL;
    }
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
        return off > 0 ? WASI_EOVERFLOW : WASI_EINVAL;
    uint64_t pos = (uint64_t)(base + off);
    u32 e = put(c, out, &pos, 8);
    if (!e)
        f->pos = pos;
    return e;
}

u32 w2c_wasi__snapshot__preview1_fd_tell(wasi_self *w, u32 fd, u32 out)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, fd <= 2 ? stdio_err(c, fd, WASI_ESPIPE) : wasi_file_seek(c, fd, 0, 1, uoff(out)));
}

static u32 fd_sync(struct component *c, u32 fd, uint64_t right)
{
    struct wasi_fd *f = fd_at(c, fd);
    if (!f)
        return fd <= 2 ? stdio_err(c, fd, WASI_EINVAL) : WASI_EBADF;
    if (!(f->rights & right))
        return WASI_ENOTCAPABLE;
    struct kreq q = { 0 };
    int64_t v;
    if (f->kind == WASI_FD_FILE)
        return file_op(c, f, FS_OP_SYNC, &q, &v);
    q.s[0] = kpiece(f->root);
    return ask(c, FS_OP_SYNCFS, &q, &v);
}

u32 w2c_wasi__snapshot__preview1_fd_sync(wasi_self *w, u32 fd)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, fd_sync(c, fd, R_FD_SYNC));
}

u32 w2c_wasi__snapshot__preview1_fd_datasync(wasi_self *w, u32 fd)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, fd_sync(c, fd, R_FD_DATASYNC));
}

u32 w2c_wasi__snapshot__preview1_fd_filestat_get(wasi_self *w, u32 fd, u32 out)
{
    struct component *c = host_enter(&w->h);
    struct umem m = host_mem(c);
    if (fd <= 2) {
        /* the console: a character device, nothing more to say */
        if (!wasi_stdio(c, fd))
            return host_leave(c, WASI_EBADF);
        uint8_t st[FS_FILESTAT_SIZE] = { 0 };
        st[16] = FS_T_CHAR;
        return host_leave(c, put(c, uoff(out), st, sizeof st));
    }
    struct wasi_fd *f = fd_at(c, fd);
    if (!f)
        return host_leave(c, WASI_EBADF);
    if (!(f->rights & R_FD_FILESTAT_GET))
        return host_leave(c, WASI_ENOTCAPABLE);
    if (!umem_range(&m, uoff(out), FS_FILESTAT_SIZE))
        return host_leave(c, WASI_EFAULT);
    uint8_t st[FS_FILESTAT_SIZE];
    struct kreq q = { .out = st, .out_cap = sizeof st };
    int64_t v;
    u32 e;
    if (f->kind == WASI_FD_SOCKET) { /* a socket: its type, nothing more to say */
        memset(st, 0, sizeof st);
        st[16] = FILETYPE_SOCKET_STREAM;
        return host_leave(c, put(c, uoff(out), st, sizeof st));
    }
    if (f->kind == WASI_FD_FILE) {
        e = file_op(c, f, FS_OP_FSTAT, &q, &v);
    } else {
        q.s[0] = kpiece(f->root);
        q.s[1] = kpiece(".");
        e = ask(c, FS_OP_STAT, &q, &v);
    }
    return host_leave(c, e ? e : put(c, uoff(out), st, sizeof st));
}

u32 w2c_wasi__snapshot__preview1_fd_filestat_set_size(wasi_self *w, u32 fd, u64 size)
{
    struct component *c = host_enter(&w->h);
    struct wasi_fd *f;
    u32 e = file_fd(c, fd, R_FD_FILESTAT_SET_SIZE, &f);
    if (e)
        return host_leave(c, fd <= 2 ? stdio_err(c, fd, WASI_EINVAL) : e);
    struct kreq q = { 0 };
    q.h.off = size;
    int64_t v;
    return host_leave(c, file_op(c, f, FS_OP_TRUNCATE, &q, &v));
}

u32 w2c_wasi__snapshot__preview1_fd_filestat_set_times(wasi_self *w, u32 fd, u64 atim, u64 mtim, u32 fst)
{
    struct component *c = host_enter(&w->h);
    struct wasi_fd *f = fd_at(c, fd);
    if (!f)
        return host_leave(c, fd <= 2 ? stdio_err(c, fd, WASI_ENOTSUP) : WASI_EBADF);
    if (!(f->rights & R_FD_FILESTAT_SET_TIMES))
        return host_leave(c, WASI_ENOTCAPABLE);
    struct kreq q = { 0 };
    q.h.atim = atim, q.h.mtim = mtim, q.h.len = fst;
    int64_t v;
    if (f->kind == WASI_FD_FILE)
        return host_leave(c, file_op(c, f, FS_OP_SETTIMES, &q, &v));
    q.s[0] = kpiece(f->root);
    q.s[1] = kpiece(".");
    q.h.flags = FS_F_PATH;
    return host_leave(c, ask(c, FS_OP_SETTIMES, &q, &v));
}

u32 w2c_wasi__snapshot__preview1_fd_advise(wasi_self *w, u32 fd, u64 off, u64 len, u32 advice)
{
    (void)off, (void)len;
    struct component *c = host_enter(&w->h);
    struct wasi_fd *f;
    u32 e = file_fd(c, fd, R_FD_ADVISE, &f);
    if (e)
        return host_leave(c, fd <= 2 ? stdio_err(c, fd, WASI_ESPIPE) : e);
    /* Advice only: the service reads what it is asked for, when asked. */
    return host_leave(c, advice > 5 ? WASI_EINVAL : WASI_ESUCCESS);
}

u32 w2c_wasi__snapshot__preview1_fd_allocate(wasi_self *w, u32 fd, u64 off, u64 len)
{
    struct component *c = host_enter(&w->h);
    struct wasi_fd *f;
    u32 e = file_fd(c, fd, R_FD_ALLOCATE, &f);
    if (e)
        return host_leave(c, fd <= 2 ? stdio_err(c, fd, WASI_ESPIPE) : e);
    struct kreq q = { 0 };
    q.h.off = off, q.h.len = len;
    int64_t v;
    return host_leave(c, file_op(c, f, FS_OP_ALLOCATE, &q, &v));
}

/* fd_readdir: the service's dirents (WASI's layout) copied as they come.
 * A buffer larger than one answer takes several, each from the cookie
 * after the last whole entry of the one before. */
static u32 readdir(struct component *c, u32 fd, uoff_t buf, u32 len, uint64_t cookie, uoff_t used)
{
    struct wasi_fd *d;
    u32 e = dir_fd(c, fd, R_FD_READDIR, &d);
    if (e)
        return e;
    struct umem m = host_mem(c);
    if (!umem_range(&m, buf, len) || !umem_range(&m, used, 4))
        return WASI_EFAULT;
    /* The answers pass through the kernel: the whole entries are picked
     * out of a full one before they are handed on. */
    uint8_t *page = kmalloc(MIN(len, FS_DATA_MAX));
    if (!page)
        return WASI_ENOMEM;
    uint32_t at = 0;
    while (at < len) {
        uint32_t want = MIN(len - at, FS_DATA_MAX);
        struct kreq q = { 0 };
        q.s[0] = kpiece(d->root);
        q.s[1] = kpiece(".");
        q.h.flags = FS_F_PATH;
        q.h.off = cookie;
        q.h.len = want;
        q.out = page, q.out_cap = want;
        int64_t v;
        e = ask(c, FS_OP_READDIR, &q, &v);
        if (e)
            break;
        uint32_t got = (uint32_t)MIN((uint64_t)v, want);
        if (got < want || at + got == len) {
            /* the end of the directory, or the caller's buffer full */
            if (!host_put(c, uoff(buf.off + at), page, got))
                e = WASI_EFAULT;
            at += got;
            break;
        }
        /* Full, and the caller has room for more: keep the whole entries. */
        uint32_t whole = 0;
        uint64_t next = cookie;
        while (whole + FS_DIRENT_SIZE <= got) {
            uint32_t namlen;
            memcpy(&namlen, page + whole + 16, 4);
            if (whole + FS_DIRENT_SIZE + namlen > got)
                break;
            memcpy(&next, page + whole, 8);
            whole += FS_DIRENT_SIZE + namlen;
        }
        if (whole == 0)
            break; /* cannot happen: one entry is far smaller than an answer */
        if (!host_put(c, uoff(buf.off + at), page, whole)) {
            e = WASI_EFAULT;
            break;
        }
        at += whole;
        cookie = next;
    }
    kfree(page);
    return e ? e : put(c, used, &at, 4);
}

u32 w2c_wasi__snapshot__preview1_fd_readdir(wasi_self *w, u32 fd, u32 buf, u32 len, u64 cookie, u32 used)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, readdir(c, fd, uoff(buf), len, cookie, uoff(used)));
}

static u32 open_fd(struct component *c, u32 fd, char *ans, int64_t v, uint64_t base, uint64_t inh,
                   u32 fdflags, uint32_t gen);

/* path_open: the service opens (or creates) it; a directory becomes a
 * path fd (its canonical path, from the answer), a file keeps the
 * service's handle. */
static u32 path_open(struct component *c, u32 dirfd, u32 dirflags, uoff_t path, u32 len, u32 oflags,
                     uint64_t base, uint64_t inh, u32 fdflags, uoff_t out)
{
    struct wasi_fd *d;
    uint64_t need = R_PATH_OPEN | ((oflags & OFLAG_CREAT) ? R_PATH_CREATE_FILE : 0) |
                    ((oflags & OFLAG_TRUNC) ? R_PATH_FILESTAT_SET_SIZE : 0);
    struct kreq q = { 0 };
    u32 e = dir_fd(c, dirfd, need, &d);
    if (e || (e = user_path(c, path, len, &q.s[1])))
        return e;
    if (oflags & ~15u || fdflags & ~FDFLAGS_ALL)
        return WASI_EINVAL;
    if ((base & ~d->inheriting) || (inh & ~d->inheriting))
        return WASI_ENOTCAPABLE;
    struct umem m = host_mem(c);
    if (!umem_range(&m, out, 4))
        return WASI_EFAULT;
    u32 fd;
    if ((e = fd_alloc(c, &fd)))
        return e;
    bool writes = base & (R_FD_WRITE | R_FD_ALLOCATE | R_FD_FILESTAT_SET_SIZE);
    q.s[0] = kpiece(d->root);
    q.h.flags = ((dirflags & LOOKUP_FOLLOW) ? FS_F_FOLLOW : 0) |
                ((oflags & OFLAG_CREAT) ? FS_F_CREAT : 0) | ((oflags & OFLAG_EXCL) ? FS_F_EXCL : 0) |
                ((oflags & OFLAG_TRUNC) ? FS_F_TRUNC : 0) |
                ((oflags & OFLAG_DIRECTORY) ? FS_F_DIRECTORY : 0) |
                ((base & (R_FD_READ | R_FD_READDIR)) ? FS_F_READ : 0) | (writes ? FS_F_WRITE : 0);
    /* The answer: the filestat, then (a directory) its canonical path. */
    enum { ANS = FS_FILESTAT_SIZE + FS_PATH_MAX + 1 };
    char *ans = kmalloc(ANS + 1);
    if (!ans)
        return WASI_ENOMEM;
    q.out = ans, q.out_cap = ANS;
    struct component *srv = comp_at(c->cfg->dir_server);
    int64_t v;
    e = ask(c, FS_OP_OPEN, &q, &v);
    if (!e)
        e = open_fd(c, fd, ans, v, base, inh, fdflags, srv->generation);
    if (e)
        c->wasi.fds[fd - 3].kind = WASI_FD_FREE;
    kfree(ans);
    return e ? e : put(c, out, &fd, 4);
}

/* The fd path_open made, from the service's answer ans (handle v). */
static u32 open_fd(struct component *c, u32 fd, char *ans, int64_t v, uint64_t base, uint64_t inh,
                   u32 fdflags, uint32_t gen)
{
    struct wasi_fd *f = &c->wasi.fds[fd - 3];
    memset(f, 0, sizeof *f);
    f->filetype = ans[16];
    f->rights = base;
    f->inheriting = inh;
    f->fdflags = (uint16_t)fdflags;
    if (f->filetype == FS_T_DIR) {
        /* The service closes its handle: a directory fd is its path. */
        struct kreq cq = { 0 };
        int64_t cv;
        cq.h.handle = (uint64_t)v;
        fs_request(c, FS_OP_CLOSE, &cq, gen, &cv);
        ans[FS_FILESTAT_SIZE + FS_PATH_MAX + 1] = '\0';
        if (!(f->root = kstrdup_(ans + FS_FILESTAT_SIZE))) {
            memset(f, 0, sizeof *f);
            return WASI_ENOMEM;
        }
        f->kind = WASI_FD_DIR;
        f->rights &= RIGHTS_DIR;
    } else {
        f->kind = WASI_FD_FILE;
        f->handle = (uint32_t)v;
        f->gen = gen;
        f->rights &= RIGHTS_FILE;
    }
    return WASI_ESUCCESS;
}

u32 w2c_wasi__snapshot__preview1_path_open(wasi_self *w, u32 dirfd, u32 dirflags, u32 path, u32 len,
                                           u32 oflags, u64 base, u64 inh, u32 fdflags, u32 out)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, path_open(c, dirfd, dirflags, uoff(path), len, oflags, base, inh, fdflags, uoff(out)));
}

#define PATH_CALL(name, right, op)                                                         \
    u32 w2c_wasi__snapshot__preview1_##name(wasi_self *w, u32 fd, u32 path, u32 len)       \
    {                                                                                      \
        struct component *c = host_enter(&w->h);                                           \
        int64_t v;                                                                         \
        return host_leave(c, path_op(c, fd, right, op, 0, uoff(path), len, NULL, 0, &v)); \
    }
PATH_CALL(path_create_directory, R_PATH_CREATE_DIRECTORY, FS_OP_MKDIR)
PATH_CALL(path_remove_directory, R_PATH_REMOVE_DIRECTORY, FS_OP_RMDIR)
PATH_CALL(path_unlink_file, R_PATH_UNLINK_FILE, FS_OP_UNLINK)

u32 w2c_wasi__snapshot__preview1_path_filestat_get(wasi_self *w, u32 fd, u32 flags, u32 path, u32 len, u32 out)
{
    struct component *c = host_enter(&w->h);
    struct umem m = host_mem(c);
    if (!umem_range(&m, uoff(out), FS_FILESTAT_SIZE))
        return host_leave(c, WASI_EFAULT);
    uint8_t st[FS_FILESTAT_SIZE];
    int64_t v;
    u32 e = path_op(c, fd, R_PATH_FILESTAT_GET, FS_OP_STAT, (flags & LOOKUP_FOLLOW) ? FS_F_FOLLOW : 0,
                    uoff(path), len, st, sizeof st, &v);
    return host_leave(c, e ? e : put(c, uoff(out), st, sizeof st));
}

u32 w2c_wasi__snapshot__preview1_path_filestat_set_times(wasi_self *w, u32 fd, u32 flags, u32 path, u32 len,
                                                         u64 atim, u64 mtim, u32 fst)
{
    struct component *c = host_enter(&w->h);
    struct wasi_fd *d;
    struct kreq q = { 0 };
    u32 e = dir_fd(c, fd, R_PATH_FILESTAT_SET_TIMES, &d);
    if (e || (e = user_path(c, uoff(path), len, &q.s[1])))
        return host_leave(c, e);
    q.s[0] = kpiece(d->root);
    q.h.flags = FS_F_PATH | ((flags & LOOKUP_FOLLOW) ? FS_F_FOLLOW : 0);
    q.h.atim = atim, q.h.mtim = mtim, q.h.len = fst;
    int64_t v;
    return host_leave(c, ask(c, FS_OP_SETTIMES, &q, &v));
}

/* Two paths, under two dirs (rename, link) or one (symlink: the first is
 * the target, kept as it is). */
static u32 two_paths(struct component *c, uint64_t op, u32 fd1, uint64_t r1, u32 flags, uoff_t p1, u32 l1,
                     u32 fd2, uint64_t r2, uoff_t p2, u32 l2)
{
    struct wasi_fd *d1 = NULL, *d2;
    struct kreq q = { 0 };
    u32 e = op == FS_OP_SYMLINK ? WASI_ESUCCESS : dir_fd(c, fd1, r1, &d1);
    if (e || (e = dir_fd(c, fd2, r2, &d2)) || (e = user_path(c, p1, l1, &q.s[1])) ||
        (e = user_path(c, p2, l2, &q.s[3])))
        return e;
    if (d1)
        q.s[0] = kpiece(d1->root);
    q.s[2] = kpiece(d2->root);
    q.h.flags = flags;
    int64_t v;
    return ask(c, op, &q, &v);
}

u32 w2c_wasi__snapshot__preview1_path_rename(wasi_self *w, u32 fd, u32 old, u32 old_len, u32 nfd, u32 new,
                                             u32 new_len)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, two_paths(c, FS_OP_RENAME, fd, R_PATH_RENAME_SOURCE, 0, uoff(old), old_len, nfd,
                                   R_PATH_RENAME_TARGET, uoff(new), new_len));
}

u32 w2c_wasi__snapshot__preview1_path_link(wasi_self *w, u32 fd, u32 flags, u32 old, u32 old_len, u32 nfd,
                                           u32 new, u32 new_len)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, two_paths(c, FS_OP_LINK, fd, R_PATH_LINK_SOURCE,
                                   (flags & LOOKUP_FOLLOW) ? FS_F_FOLLOW : 0, uoff(old), old_len, nfd,
                                   R_PATH_LINK_TARGET, uoff(new), new_len));
}

u32 w2c_wasi__snapshot__preview1_path_symlink(wasi_self *w, u32 target, u32 target_len, u32 fd, u32 path,
                                              u32 len)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, two_paths(c, FS_OP_SYMLINK, 0, 0, 0, uoff(target), target_len, fd, R_PATH_SYMLINK,
                                   uoff(path), len));
}

u32 w2c_wasi__snapshot__preview1_path_readlink(wasi_self *w, u32 fd, u32 path, u32 len, u32 buf, u32 buf_len,
                                               u32 used)
{
    struct component *c = host_enter(&w->h);
    struct umem m = host_mem(c);
    if (!umem_range(&m, uoff(buf), buf_len) || !umem_range(&m, uoff(used), 4))
        return host_leave(c, WASI_EFAULT);
    uint32_t cap = MIN(buf_len, FS_PATH_MAX);
    char *target = kmalloc(FS_PATH_MAX);
    if (!target)
        return host_leave(c, WASI_ENOMEM);
    int64_t v;
    u32 e = path_op(c, fd, R_PATH_READLINK, FS_OP_READLINK, 0, uoff(path), len, target, cap, &v);
    uint32_t n = e ? 0 : (uint32_t)MIN((uint64_t)v, cap);
    if (!e && !host_put(c, uoff(buf), target, n))
        e = WASI_EFAULT;
    kfree(target);
    return host_leave(c, e ? e : put(c, uoff(used), &n, 4));
}
