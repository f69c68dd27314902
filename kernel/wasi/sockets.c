/* WASI preview 1's sockets: the listening TCP sockets a component's starter
 * gave it (`azoth run --tcplisten`), made before its code runs, and the
 * connections it accepts on them: sock_accept, sock_recv, sock_send,
 * sock_shutdown, and fd_read, fd_write, fd_close, poll_oneoff on them
 * (files.c hands those over). The net service holds the sockets
 * (athanor/abi/net.h); the kernel calls it for the component, under the
 * component's own badge, as files.c calls the filesystem service, so the
 * service checks the component's own rules (its starter's, caller_net).
 * Data goes through the service's message buffer (ipc_call_kernel), up to
 * NET_DATA_MAX bytes a call. Blocking is the kernel's: it waits on the
 * component's notification, which the service signals, and asks again. */
#include <athanor/abi/net.h>
#include <athanor/component.h>
#include <athanor/host.h>
#include <athanor/ipc.h>
#include <athanor/klib.h>
#include <athanor/notify.h>
#include <athanor/wasi.h>
#include <wasm-rt.h>
#include "wasi_abi.h"

typedef uint32_t u32;
typedef uint64_t u64;
typedef struct w2c_wasi__snapshot__preview1 wasi_self;

/* Called only from generated code, whose headers declare them. */
#pragma GCC diagnostic ignored "-Wmissing-prototypes"

#define NET_DATA_MAX 16384u /* bytes a call moves: the service's buffer holds this and more */
#define RECHECK_NS   1000000000ull /* a wait asks the service again at least this often */
#define RIFLAG_PEEK    1u
#define RIFLAG_WAITALL 2u
#define SDFLAGS_ALL    3u  /* RD | WR: NET_SHUT_RD | NET_SHUT_WR */

/* The service's errors (ATH_E*, negated) as WASI's. */
static u32 errno_of(int64_t v)
{
    switch (-v) {
    case ATH_EAGAIN:       return WASI_EAGAIN;
    case ATH_ECONNRESET:   return WASI_ECONNRESET;
    case ATH_ENOTCONN:     return WASI_ENOTCONN;
    case ATH_EADDRINUSE:   return WASI_EADDRINUSE;
    case ATH_ECONNREFUSED: return WASI_ECONNREFUSED;
    case ATH_EHOSTUNREACH: return WASI_EHOSTUNREACH;
    case ATH_EMSGSIZE:     return WASI_EMSGSIZE;
    case ATH_EPERM:        return WASI_ENOTCAPABLE; /* outside its network rules */
    case ATH_EQUOTA:       return WASI_EMFILE;      /* the service's sockets per client */
    case ATH_ENOMEM:       return WASI_ENOMEM;
    case ATH_EINVAL:       return WASI_EINVAL;
    case ATH_EBADHANDLE:   return WASI_EBADF;
    default:               return WASI_EIO;
    }
}

/* The errno of a call that did not reach the service's answer: a service
 * that restarted has lost the socket (the connection is gone). */
static u32 call_errno(int r)
{
    switch (r) {
    case -ATH_EPEERRESTARTED:
    case -ATH_EPEERFAILED: return WASI_ECONNRESET;
    case -ATH_EFAULT:      return WASI_EFAULT;
    case -ATH_ENOMEM:      return WASI_ENOMEM;
    default:               return WASI_EIO;
    }
}

static struct component *net_of(struct component *c)
{
    return c->cfg->nnet ? comp_at(c->cfg->net_server) : NULL;
}

/* A plain call to the service as c (badge and all) in generation gen: 0
 * and the service's answer in *v, or a WASI errno. */
static u32 plain(struct component *c, uint32_t gen, uint64_t op, uint64_t a0, uint64_t a1, int64_t *v)
{
    struct component *srv = net_of(c);
    if (!srv)
        return WASI_ENOTCAPABLE;
    struct ipc_call call = { .ep = &srv->ipc.ep, .badge = ipc_badge_of(c), .obj_gen = gen,
                             .m = { op, a0, a1, 0 } };
    uint64_t res = 0;
    int r = ipc_call(thread_current(), c, IPC_PLAIN, &call, &res);
    if (r)
        return call_errno(r);
    *v = (int64_t)res;
    return WASI_ESUCCESS;
}

/* A call with data through the service's message buffer (k fills and
 * drains it), as c, in generation gen: 0 and the service's answer (not
 * negative) in *v, or a WASI errno (the call's, or the service's). */
static u32 with_data(struct component *c, uint32_t gen, uint64_t op, uint64_t a0, const struct ipc_kcall *k,
                     uint64_t *v)
{
    struct component *srv = net_of(c);
    struct ipc_call call = { .ep = &srv->ipc.ep, .badge = ipc_badge_of(c), .obj_gen = gen,
                             .m = { op, a0, 0, 0 } };
    int r = ipc_call_kernel(thread_current(), c, &call, k, v);
    if (r)
        return call_errno(r);
    return (int64_t)*v < 0 ? errno_of((int64_t)*v) : WASI_ESUCCESS;
}

/* ---- the subscription: the service signals c's notification ---- */

/* Subscribed in the service's current generation, with a notification of
 * c's own: 0, or a WASI errno. A new generation of either forgets it. */
static u32 subscribe(struct component *c)
{
    struct component *srv = net_of(c);
    if (!srv)
        return WASI_ENOTCAPABLE;
    struct comp_wasi *w = &c->wasi;
    struct cap_ref ref;
    if (w->net_note && cap_lookup(&c->caps, w->net_note, CAP_T_NOTIFICATION, CAP_R_READ, &ref) != 0)
        w->net_note = 0, w->net_gen = 0; /* it deleted it: a new one */
    if (w->net_gen && w->net_gen == srv->generation)
        return WASI_ESUCCESS;
    if (!w->net_note) {
        struct notification *n = notify_create();
        cap_handle_t h;
        if (!n)
            return WASI_ENOMEM;
        if (cap_insert(&c->caps, CAP_T_NOTIFICATION, CAP_R_ALL, n, 0, &h) != 0) {
            notify_put(n);
            return WASI_ENOMEM;
        }
        w->net_note = h;
    }
    uint32_t gen = srv->generation;
    struct ipc_call call = { .ep = &srv->ipc.ep, .badge = ipc_badge_of(c), .obj_gen = gen,
                             .m = { NET_SUBSCRIBE, 0, 0, 0 }, .give = w->net_note };
    uint64_t res = 0;
    int r = ipc_call(thread_current(), c, IPC_GRANT, &call, &res);
    if (r)
        return call_errno(r);
    if ((int64_t)res < 0)
        return errno_of((int64_t)res);
    w->net_gen = gen;
    return WASI_ESUCCESS;
}

bool wasi_sock_wait(struct component *c, uint64_t deadline_ns)
{
    struct cap_ref n;
    uint64_t now = plat_clock_ns(), got = 0;
    uint64_t until = MIN(deadline_ns, now + RECHECK_NS);
    if (!c->wasi.net_note ||
        cap_lookup_pin(&c->caps, c->wasi.net_note, CAP_T_NOTIFICATION, CAP_R_READ, &n) != 0)
        return host_sleep_until(MIN(deadline_ns, now + RECHECK_NS / 10)); /* none: ask again soon */
    int r = notify_wait(n.object, NET_EV_SOCK, until, &got);
    notify_put(n.object);
    struct thread *t = thread_current();
    return r == 0 && !c->trap.pending && !t->stopping;
}

/* ---- making sockets ---- */

/* A socket of the service's current generation, as f: made, bound to port,
 * listening. The component is the caller: its rules decide. */
static u32 listen_on(struct component *c, struct wasi_fd *f, const struct ath_app_listen *l)
{
    u32 e = subscribe(c);
    if (e)
        return e;
    uint32_t gen = c->wasi.net_gen;
    int64_t s, v;
    if ((e = plain(c, gen, NET_SOCKET, NET_TCP, 0, &s)) || (s < 0 && (e = errno_of(s))))
        return e;
    if ((e = plain(c, gen, NET_BIND, (uint64_t)s, l->port, &v)) == 0 && v < 0)
        e = errno_of(v);
    if (!e && (e = plain(c, gen, NET_LISTEN, (uint64_t)s, l->backlog, &v)) == 0 && v < 0)
        e = errno_of(v);
    if (e) {
        plain(c, gen, NET_CLOSE, (uint64_t)s, 0, &v);
        return e;
    }
    f->handle = (uint32_t)s;
    f->gen = gen;
    return WASI_ESUCCESS;
}

void wasi_sockets_start(struct component *c)
{
    c->wasi.net_note = 0; /* the last generation's table is gone */
    c->wasi.net_gen = 0;
}

/* The service was started with c (app.c) but may not serve yet: it first
 * waits for its driver (up to 10 s when there is no card). */
#define SERVE_WAIT_NS (15 * NS_PER_S)
static bool serving(const struct component *srv)
{
    return srv->state == COMP_RUNNING && __atomic_load_n(&srv->ipc.serving, __ATOMIC_ACQUIRE);
}

static void wait_serving(struct component *c)
{
    struct component *srv = net_of(c);
    uint64_t until = plat_clock_ns() + SERVE_WAIT_NS;
    while (srv && !serving(srv) && plat_clock_ns() < until)
        if (!host_sleep_until(plat_clock_ns() + 10 * NS_PER_MS))
            return; /* asked to stop */
}

void wasi_sockets_open(struct component *c)
{
    wait_serving(c);
    for (u32 fd = 3; fd < 3 + WASI_FD_MAX; fd++) {
        struct wasi_fd *f = wasi_fd_at(c, fd);
        if (!f || f->kind != WASI_FD_SOCKET || !f->preopen || f->handle != WASI_SOCK_NONE)
            continue;
        const struct ath_app_listen *l = &c->cfg->listen[f->preopen - 1];
        u32 e = listen_on(c, f, l);
        if (e)
            kprintf("%s: cannot listen on TCP port %u: WASI errno %u\n", c->cfg->name, l->port, e);
    }
}

/* The socket fd's handle now: a listening socket lost with a restarted
 * service, or not made at start (its port was taken), is made again (the
 * port is the component's); a connection is gone (ECONNRESET). */
static u32 sock_ready(struct component *c, struct wasi_fd *f)
{
    struct component *srv = net_of(c);
    if (!srv)
        return WASI_ENOTCAPABLE;
    if (f->handle != WASI_SOCK_NONE && f->gen == srv->generation)
        return subscribe(c);
    if (!f->preopen)
        return WASI_ECONNRESET;
    if (!serving(srv))
        return WASI_EAGAIN; /* restarting: made again once it serves */
    f->handle = WASI_SOCK_NONE;
    return listen_on(c, f, &c->cfg->listen[f->preopen - 1]);
}

/* A socket fd with these rights. */
static u32 sock_fd(struct component *c, u32 fd, uint64_t rights, struct wasi_fd **out)
{
    struct wasi_fd *f = wasi_fd_at(c, fd);
    if (!f)
        return fd <= 2 && wasi_stdio(c, fd) ? WASI_ENOTSOCK : WASI_EBADF;
    if (f->kind != WASI_FD_SOCKET)
        return WASI_ENOTSOCK;
    if ((f->rights & rights) != rights)
        return WASI_ENOTCAPABLE;
    *out = f;
    return WASI_ESUCCESS;
}

/* NET_POLL of one socket: its record written into the service's buffer,
 * answered in place. */
/* Clear n bytes of the service's buffer, which a page of may be missing
 * (it can lend or transfer its own memory away): guarded, from zeros. */
static int clear_guarded(uint8_t *p, uint32_t n)
{
    static const uint8_t zeros[1024];
    for (uint32_t k; n; p += k, n -= k) {
        k = MIN(n, (uint32_t)sizeof zeros);
        if (umem_copy(p, zeros, k))
            return -ATH_EFAULT;
    }
    return 0;
}

static int poll_fill(void *ctx, uint8_t *buf, uint32_t room, uint32_t *len)
{
    struct ath_net_poll *p = ctx;
    if (room < sizeof *p)
        return -ATH_EMSGSIZE;
    *len = sizeof *p;
    return umem_copy(buf, p, sizeof *p);
}

static int poll_drain(void *ctx, uint8_t *buf, uint32_t room, uint64_t result)
{
    struct ath_net_poll *p = ctx;
    (void)result;
    if (room < sizeof *p)
        return -ATH_EMSGSIZE;
    int r = umem_copy(p, buf, sizeof *p);
    return r ? r : clear_guarded(buf, sizeof *p); /* no later call finds the program's socket there */
}

/* Is the socket ready for want (NET_POLL*)? Its readiness bits in *got. */
static u32 readiness(struct component *c, struct wasi_fd *f, uint16_t want, uint16_t *got)
{
    u32 e = sock_ready(c, f);
    if (e)
        return e;
    struct ath_net_poll q = { (int32_t)f->handle, want, 0 };
    struct ipc_kcall k = { poll_fill, poll_drain, &q };
    uint64_t res = 0;
    if ((e = with_data(c, f->gen, NET_POLL, NET_IN_MSGBUF | NET_LEN(sizeof q), &k, &res)) != 0)
        return e;
    *got = q.got;
    return q.got == NET_POLLERR ? WASI_EBADF : WASI_ESUCCESS; /* POLLERR alone: not its socket */
}

/* ---- sock_accept ---- */

static u32 sock_accept(struct component *c, u32 fd, u32 flags, uoff_t out)
{
    struct wasi_fd *f;
    u32 e = sock_fd(c, fd, R_SOCK_ACCEPT, &f);
    if (e)
        return e;
    if (flags & ~FDFLAG_NONBLOCK)
        return WASI_EINVAL;
    struct umem m = host_mem(c);
    if (!umem_range(&m, out, 4))
        return WASI_EFAULT;
    int64_t s = -1;
    for (;;) {
        e = sock_ready(c, f);
        if (!e)
            e = plain(c, f->gen, NET_ACCEPT, f->handle, 0, &s);
        if (!e && s < 0)
            e = errno_of(s);
        if (e != WASI_EAGAIN || (f->fdflags & FDFLAG_NONBLOCK))
            break;
        if (!wasi_sock_wait(c, UINT64_MAX))
            return WASI_EAGAIN; /* asked to stop: host_leave acts on it */
    }
    if (e)
        return e;
    u32 nfd;
    if ((e = wasi_fd_alloc(c, &nfd)) != 0) {
        int64_t v;
        plain(c, f->gen, NET_CLOSE, (uint64_t)s, 0, &v); /* no fd for it: refused, as EMFILE */
        return e;
    }
    struct wasi_fd *n = &c->wasi.fds[nfd - 3];
    *n = (struct wasi_fd){ .kind = WASI_FD_SOCKET, .filetype = FILETYPE_SOCKET_STREAM,
                           .fdflags = (uint16_t)flags, .handle = (uint32_t)s, .gen = f->gen,
                           .rights = RIGHTS_CONN };
    return host_put(c, out, &nfd, 4) ? WASI_ESUCCESS : WASI_EFAULT;
}

u32 w2c_wasi__snapshot__preview1_sock_accept(wasi_self *w, u32 fd, u32 flags, u32 out)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, sock_accept(c, fd, flags, uoff(out)));
}

/* ---- data: sock_recv, sock_send, fd_read, fd_write ---- */

struct xfer {
    struct wasi_iovs *k;
    uint32_t     len; /* send: the bytes gathered into the buffer; recv: at most this many */
};

static int send_fill(void *ctx, uint8_t *buf, uint32_t room, uint32_t *len)
{
    struct xfer *x = ctx;
    if (x->len > room)
        return -ATH_EMSGSIZE;
    *len = x->len;
    return wasi_iov_move(x->k, buf, x->len, false);
}

static int recv_fill(void *ctx, uint8_t *buf, uint32_t room, uint32_t *len)
{
    (void)ctx, (void)buf, (void)room;
    *len = 0;
    return 0;
}

static int recv_drain(void *ctx, uint8_t *buf, uint32_t room, uint64_t result)
{
    struct xfer *x = ctx;
    if ((int64_t)result <= 0)
        return 0;
    uint32_t n = (uint32_t)MIN(result, (uint64_t)MIN(x->len, room));
    int r = wasi_iov_move(x->k, buf, n, true);
    int z = clear_guarded(buf, n); /* the program's data: no later call may find it in the service's buffer */
    return r ? r : z;
}

/* One NET_SEND or NET_RECV of up to len bytes at the cursor: the bytes
 * moved, or a WASI errno (EAGAIN: none now). */
static u32 xfer_once(struct component *c, struct wasi_fd *f, bool send, struct wasi_iovs *k, uint32_t len,
                     uint32_t *moved)
{
    struct xfer x = { k, len };
    struct ipc_kcall kc = { send ? send_fill : recv_fill, send ? NULL : recv_drain, &x };
    struct wasi_iovs saved = *k;
    uint64_t res = 0;
    u32 e = with_data(c, f->gen, send ? NET_SEND : NET_RECV,
                      f->handle | NET_LEN(len) | (send ? 0 : NET_IN_MSGBUF), &kc, &res);
    if (e)
        return e;
    *moved = (uint32_t)MIN(res, (uint64_t)len);
    if (send) { /* the cursor went past all it gathered: back to where the service stopped */
        *k = saved;
        return wasi_iov_skip(k, *moved) ? WASI_EFAULT : WASI_ESUCCESS;
    }
    return WASI_ESUCCESS;
}

/* Move up to total bytes: a blocking socket waits for the first byte (or
 * room), then moves what it can without waiting, except that a send, and
 * a receive with waitall, go on until all of it moved. */
static u32 xfer(struct component *c, struct wasi_fd *f, bool send, uoff_t iovs, u32 n, uint64_t total,
                bool waitall, uint64_t *done)
{
    struct wasi_iovs k = { c, iovs, n, 0, 0 };
    bool block = !(f->fdflags & FDFLAG_NONBLOCK);
    *done = 0;
    while (*done < total || total == 0) {
        u32 e = sock_ready(c, f);
        uint32_t moved = 0, len = (uint32_t)MIN(total - *done, (uint64_t)NET_DATA_MAX);
        if (!e)
            e = xfer_once(c, f, send, &k, len, &moved);
        if (e == WASI_EAGAIN && block && (*done == 0 || send || waitall)) {
            if (!wasi_sock_wait(c, UINT64_MAX))
                break; /* asked to stop */
            continue;
        }
        if (e)
            return *done ? WASI_ESUCCESS : e == WASI_ENOTCONN && send ? WASI_EPIPE : e;
        *done += moved;
        if (total == 0 || (!send && moved == 0))
            break; /* nothing asked for, or the end of the stream */
        if (!send && !waitall)
            break;
    }
    return WASI_ESUCCESS;
}

uint32_t wasi_sock_rw(struct component *c, struct wasi_fd *f, bool write, uoff_t iovs, uint32_t n, uoff_t result)
{
    if (!(f->rights & (write ? R_FD_WRITE : R_FD_READ)))
        return WASI_ENOTCAPABLE;
    uint64_t total, done;
    u32 e = wasi_iov_decode(c, iovs, n, &total);
    struct umem m = host_mem(c);
    if (!e && !umem_range(&m, result, 4))
        e = WASI_EFAULT;
    if (!e)
        e = xfer(c, f, write, iovs, n, MIN(total, (uint64_t)UINT32_MAX), false, &done);
    if (e)
        return e;
    uint32_t d32 = (uint32_t)done;
    return host_put(c, result, &d32, 4) ? WASI_ESUCCESS : WASI_EFAULT;
}

static u32 sock_recv(struct component *c, u32 fd, uoff_t iovs, u32 n, u32 flags, uoff_t len_out, uoff_t flags_out)
{
    struct wasi_fd *f;
    u32 e = sock_fd(c, fd, R_FD_READ, &f);
    if (e)
        return e;
    if (flags & ~(RIFLAG_PEEK | RIFLAG_WAITALL))
        return WASI_EINVAL;
    if (flags & RIFLAG_PEEK)
        return WASI_ENOTSUP; /* the service hands data over once */
    uint64_t total, done;
    struct umem m = host_mem(c);
    if ((e = wasi_iov_decode(c, iovs, n, &total)) != 0)
        return e;
    if (!umem_range(&m, len_out, 4) || !umem_range(&m, flags_out, 2))
        return WASI_EFAULT;
    if ((e = xfer(c, f, false, iovs, n, MIN(total, (uint64_t)UINT32_MAX), flags & RIFLAG_WAITALL, &done)))
        return e;
    uint32_t d32 = (uint32_t)done;
    uint16_t ro = 0; /* a stream is never truncated */
    return host_put(c, len_out, &d32, 4) && host_put(c, flags_out, &ro, 2) ? WASI_ESUCCESS : WASI_EFAULT;
}

u32 w2c_wasi__snapshot__preview1_sock_recv(wasi_self *w, u32 fd, u32 iovs, u32 n, u32 flags, u32 len_out,
                                           u32 flags_out)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, sock_recv(c, fd, uoff(iovs), n, flags, uoff(len_out), uoff(flags_out)));
}

static u32 sock_send(struct component *c, u32 fd, uoff_t iovs, u32 n, u32 flags, uoff_t len_out)
{
    struct wasi_fd *f;
    u32 e = sock_fd(c, fd, R_FD_WRITE, &f);
    if (e)
        return e;
    if (flags) /* siflags: none defined */
        return WASI_EINVAL;
    return wasi_sock_rw(c, f, true, iovs, n, len_out);
}

u32 w2c_wasi__snapshot__preview1_sock_send(wasi_self *w, u32 fd, u32 iovs, u32 n, u32 flags, u32 len_out)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, sock_send(c, fd, uoff(iovs), n, flags, uoff(len_out)));
}

/* ---- sock_shutdown, close, poll ---- */

static u32 sock_shutdown(struct component *c, u32 fd, u32 how)
{
    struct wasi_fd *f;
    u32 e = sock_fd(c, fd, R_SOCK_SHUTDOWN, &f);
    if (e)
        return e;
    if (!how || (how & ~SDFLAGS_ALL))
        return WASI_EINVAL;
    if ((e = sock_ready(c, f)) != 0)
        return e;
    int64_t v;
    if ((e = plain(c, f->gen, NET_SHUTDOWN, f->handle, how, &v)) != 0)
        return e;
    return v < 0 ? errno_of(v) : WASI_ESUCCESS;
}

u32 w2c_wasi__snapshot__preview1_sock_shutdown(wasi_self *w, u32 fd, u32 how)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, sock_shutdown(c, fd, how));
}

uint32_t wasi_sock_close(struct component *c, struct wasi_fd *f)
{
    struct component *srv = net_of(c);
    int64_t v;
    if (srv && f->handle != WASI_SOCK_NONE && f->gen == srv->generation)
        plain(c, f->gen, NET_CLOSE, f->handle, 0, &v); /* the fd goes whatever the service says */
    wasi_fd_release(f);
    return WASI_ESUCCESS;
}

uint32_t wasi_sock_poll(struct component *c, struct wasi_fd *f, bool write, uint64_t *nbytes, uint16_t *flags)
{
    *nbytes = 0;
    *flags = 0;
    if (!(f->rights & R_POLL_FD_READWRITE))
        return WASI_ENOTCAPABLE;
    uint16_t got = 0;
    u32 e = readiness(c, f, write ? NET_POLLOUT : NET_POLLIN, &got);
    if (e == WASI_EAGAIN)
        return WASI_POLL_NOT_READY; /* a listening socket waits for its restarted service */
    if (e == WASI_ECONNRESET) { /* gone with a restarted service: ready, and a read says so */
        *flags = 1; /* EVENTRW_HANGUP */
        return WASI_ESUCCESS;
    }
    if (e)
        return e;
    if (got & NET_POLLHUP)
        *flags = 1; /* EVENTRW_HANGUP */
    if (!(got & ((write ? NET_POLLOUT : NET_POLLIN) | NET_POLLERR | NET_POLLHUP)))
        return WASI_POLL_NOT_READY;
    *nbytes = 1; /* at least: the service does not say how much */
    return WASI_ESUCCESS;
}
