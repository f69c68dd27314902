/* WASI preview 1: args, environ, the console as fds 0-2, clocks, random,
 * poll_oneoff, sched_yield, proc_exit, proc_raise; files and directories
 * (fds above 2) are files.c's, sockets sockets.c's.
 *
 * Each call: enter (the thread leaves wasm code: a fault from here on is a
 * kernel bug, not a trap), decode (check every offset and length against the
 * linear memory), invoke, leave (honour a pending kill, re-enter wasm). */
#include <athanor/cap.h>
#include <athanor/component.h>
#include <athanor/console.h>
#include <athanor/csprng.h>
#include <athanor/heap.h>
#include <athanor/host.h>
#include <athanor/klib.h>
#include <athanor/realtime.h>
#include <athanor/spinlock.h>
#include <athanor/wasi.h>
#include <wasm-rt.h>
#include "wasi_abi.h"

typedef uint32_t u32;
typedef uint64_t u64;

/* The w2c_wasi__snapshot__preview1_* functions are called only from generated
 * code, whose headers declare them; a second set of declarations here would
 * only restate wasm2c's signatures. */
#pragma GCC diagnostic ignored "-Wmissing-prototypes"

typedef struct w2c_wasi__snapshot__preview1 wasi_self;

#define STDIN  0
#define STDOUT 1
#define STDERR 2
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME 2
#define CLOCK_THREAD_CPUTIME 3

/* The rights fd 0-2 start with: a terminal's, fd 0 for reading, 1 and 2
 * for writing. */
static uint64_t tty_rights(u32 fd)
{
    return RIGHTS_TTY & ~(fd == STDIN ? R_FD_WRITE : R_FD_READ);
}

/* Does the component hold a capability of this type with these rights?
 * WASI calls name no handle, so the caller's table is searched by type. */
static bool has(struct component *c, enum cap_type type, uint32_t rights)
{
    return cap_find(&c->caps, type, rights, NULL) == 0;
}

/* ---- args and environment ---- */

int wasi_comp_start(struct component *c, const char *args)
{
    int r = wasi_files_start(c);
    /* fds 0-2 open again, as a terminal's: 0 for reading, 1 and 2 for writing. */
    for (u32 fd = STDIN; fd <= STDERR; fd++)
        c->wasi.stdio[fd] = (struct wasi_stdio){ .rights = tty_rights(fd) };
    if (r || !args)
        return r; /* a restart: the last start's arguments */
    struct comp_wasi *w = &c->wasi;
    const struct comp_config *cfg = c->cfg;
    w->env = cfg->env;
    w->envc = cfg->env ? cfg->envc : 0;
    w->env_len = cfg->env ? cfg->env_len : 0;
    if (cfg->argv) { /* loaded at run time: given whole */
        w->argv = cfg->argv;
        w->argc = cfg->argc;
        w->argv_len = cfg->argv_len;
        return 0;
    }
    /* argv[0] is the name, then the space-separated words: split in place. */
    char *buf = w->argv_buf, *end = buf + sizeof w->argv_buf - 1;
    size_t len = kstrlcpy(buf, cfg->name, sizeof w->argv_buf) + 1;
    char *p = buf + MIN(len, sizeof w->argv_buf - 1), *out = p;
    w->argc = 1;
    kstrlcpy(p, args, (size_t)(end - p) + 1);
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        while (*p && *p != ' ')
            *out++ = *p++;
        if (*p)
            p++; /* past the blank: out, which never passes p, ends the word on it */
        *out++ = '\0';
        w->argc++;
    }
    w->argv = buf;
    w->argv_len = (uint32_t)(out - buf);
    return 0;
}

void wasi_comp_stop(struct component *c)
{
    wasi_files_stop(c);
}

/* Write a string vector (argv or environ: n NUL-terminated strings in len
 * bytes) as WASI lays it out: an array of offsets at vec_off, the strings
 * at buf_off. */
static u32 put_strings(struct component *c, const char *strs, uint32_t n, uint32_t len, uoff_t vec_off,
                       uoff_t buf_off)
{
    struct umem m = host_mem(c);
    if ((n && !umem_range(&m, vec_off, (uint64_t)n * 4)) || (len && !umem_range(&m, buf_off, len)))
        return WASI_EFAULT;
    uint32_t pos = buf_off.off;
    const char *s = strs;
    for (uint32_t i = 0; i < n; i++) {
        if (!host_put(c, uoff(vec_off.off + 4 * i), &pos, 4))
            return WASI_EFAULT;
        size_t l = strlen(s) + 1;
        pos += (uint32_t)l;
        s += l;
    }
    return len && !host_put(c, buf_off, strs, len) ? WASI_EFAULT : WASI_ESUCCESS;
}

static u32 put_sizes(struct component *c, uint32_t n, uint32_t len, uoff_t count_off, uoff_t size_off)
{
    struct umem m = host_mem(c);
    if (!umem_range(&m, count_off, 4) || !umem_range(&m, size_off, 4))
        return WASI_EFAULT;
    return host_put(c, count_off, &n, 4) && host_put(c, size_off, &len, 4) ? WASI_ESUCCESS : WASI_EFAULT;
}

u32 w2c_wasi__snapshot__preview1_args_get(wasi_self *w, u32 argv, u32 buf)
{
    struct component *c = host_enter(&w->h);
    const struct comp_wasi *x = &c->wasi;
    return host_leave(c, put_strings(c, x->argv, x->argc, x->argv_len, uoff(argv), uoff(buf)));
}

u32 w2c_wasi__snapshot__preview1_args_sizes_get(wasi_self *w, u32 argc, u32 size)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, put_sizes(c, c->wasi.argc, c->wasi.argv_len, uoff(argc), uoff(size)));
}

u32 w2c_wasi__snapshot__preview1_environ_get(wasi_self *w, u32 env, u32 buf)
{
    struct component *c = host_enter(&w->h);
    const struct comp_wasi *x = &c->wasi;
    return host_leave(c, put_strings(c, x->env, x->envc, x->env_len, uoff(env), uoff(buf)));
}

u32 w2c_wasi__snapshot__preview1_environ_sizes_get(wasi_self *w, u32 count, u32 size)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, put_sizes(c, c->wasi.envc, c->wasi.env_len, uoff(count), uoff(size)));
}

/* ---- the console as fds 0, 1, 2 ---- */

struct wasi_stdio *wasi_stdio(struct component *c, uint32_t fd)
{
    return fd <= STDERR && !c->wasi.stdio[fd].closed ? &c->wasi.stdio[fd] : NULL;
}

/* The rights fd 0-2 has now: what it was given and kept, less what the
 * component's console capability does not allow. */
static uint64_t stdio_rights(struct component *c, u32 fd)
{
    uint64_t r = c->wasi.stdio[fd].rights;
    if (!has(c, CAP_T_CONSOLE, CAP_R_READ))
        r &= ~R_FD_READ;
    if (!has(c, CAP_T_CONSOLE, CAP_R_WRITE))
        r &= ~R_FD_WRITE;
    return r;
}

/* May fd 0-2 be used this way? Closed, or open the other way: EBADF, as
 * POSIX says; a right given up or a capability missing: ENOTCAPABLE. */
static u32 stdio_check(struct component *c, u32 fd, uint64_t right)
{
    if (!wasi_stdio(c, fd) || !(tty_rights(fd) & right))
        return WASI_EBADF;
    return stdio_rights(c, fd) & right ? WASI_ESUCCESS : WASI_ENOTCAPABLE;
}

/* One iovec, as the component wrote it. */
struct iov {
    uint32_t base, len;
};

/* Check an fd_read/fd_write request before any I/O: the iovec list and
 * every buffer it names lie in the memory, and so does the result. The
 * total length goes to *total. No allocation: the list is read again, a
 * piece at a time, by the I/O itself (a page that goes missing meanwhile
 * ends it with EFAULT, see umem.h). */
static u32 decode_io(struct component *c, uoff_t iovs, u32 n, uoff_t result, uint64_t *total)
{
    struct umem m = host_mem(c);
    u32 e = wasi_iov_decode(c, iovs, n, total);
    return e ? e : umem_range(&m, result, 4) ? WASI_ESUCCESS : WASI_EFAULT;
}

static u32 put_u32(struct component *c, uoff_t off, uint32_t v)
{
    return host_put(c, off, &v, 4) ? WASI_ESUCCESS : WASI_EFAULT;
}

static u32 put_u64(struct component *c, uoff_t off, uint64_t v)
{
    return host_put(c, off, &v, 8) ? WASI_ESUCCESS : WASI_EFAULT;
}

/* Console output from component memory: through a bounce buffer, a piece
 * at a time (the copy must not meet a missing page with the console's lock
 * held). The buffer gathers across the iovecs: wasi-libc writes a line as
 * two (what stdio buffered, then the rest), and two console writes let
 * another component's output in between, mid-line. */
#define BOUNCE 1024 /* a line of output stays one console write */

/* Output to fd 1 or 2: the console, or the host's own stream of that
 * number for a component the hosted `azoth run` started. */
static bool emit(struct component *c, u32 fd, const char *buf, size_t n)
{
    if (!c->cfg->host_stdio) {
        console_write(buf, n);
        return true;
    }
    return plat_host_write((int)fd, buf, n) == 0;
}

static u32 fd_write(struct component *c, u32 fd, uoff_t iovs, u32 n, uoff_t nwritten)
{
    if (fd > STDERR)
        return wasi_file_rw(c, fd, true, iovs, n, nwritten, false, 0);
    u32 r = stdio_check(c, fd, R_FD_WRITE);
    if (r != WASI_ESUCCESS)
        return r;
    uint64_t total;
    r = decode_io(c, iovs, n, nwritten, &total);
    if (r != WASI_ESUCCESS)
        return r;
    char buf[BOUNCE];
    uint32_t used = 0;
    for (u32 i = 0; i < n; i++) {
        struct iov v;
        if (!host_get(c, uoff(iovs.off + 8 * i), &v, sizeof v))
            return WASI_EFAULT;
        for (uint32_t off = 0; off < v.len;) {
            uint32_t k = MIN(v.len - off, (uint32_t)BOUNCE - used);
            if (!host_get(c, uoff(v.base + off), buf + used, k))
                return WASI_EFAULT;
            used += k;
            off += k;
            if (used == BOUNCE) {
                if (!emit(c, fd, buf, used))
                    return WASI_EIO;
                used = 0;
            }
        }
    }
    if (used && !emit(c, fd, buf, used))
        return WASI_EIO;
    return put_u32(c, nwritten, (uint32_t)total);
}

u32 w2c_wasi__snapshot__preview1_fd_write(wasi_self *w, u32 fd, u32 iovs, u32 n, u32 nwritten)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, fd_write(c, fd, uoff(iovs), n, uoff(nwritten)));
}

static u32 fd_read(struct component *c, u32 fd, uoff_t iovs, u32 n, uoff_t nread)
{
    if (fd > STDERR)
        return wasi_file_rw(c, fd, false, iovs, n, nread, false, 0);
    u32 r = stdio_check(c, fd, R_FD_READ);
    if (r != WASI_ESUCCESS)
        return r;
    uint64_t total;
    r = decode_io(c, iovs, n, nread, &total);
    if (r != WASI_ESUCCESS)
        return r;
    uint32_t got = 0;
    bool nonblock = c->wasi.stdio[fd].fdflags & FDFLAG_NONBLOCK;
    /* Block for the first byte (an interruptible wait) unless non-blocking,
     * then take what is there, a line at most, like a terminal. */
    for (u32 i = 0; i < n; i++) {
        struct iov v;
        if (!host_get(c, uoff(iovs.off + 8 * i), &v, sizeof v))
            return WASI_EFAULT;
        for (uint32_t k = 0; k < v.len; k++) {
            int ch = console_getc_intr(got == 0 && !nonblock ? UINT64_MAX : 0);
            if (ch == CONSOLE_TIMEOUT && got == 0 && nonblock)
                return WASI_EAGAIN;
            if (ch < 0)
                goto done; /* end of input, nothing more buffered, or asked to stop */
            uint8_t b = (uint8_t)ch;
            if (!host_put(c, uoff(v.base + k), &b, 1))
                return WASI_EFAULT;
            got++;
            if (ch == '\n')
                goto done;
        }
    }
done:
    return put_u32(c, nread, got);
}

u32 w2c_wasi__snapshot__preview1_fd_read(wasi_self *w, u32 fd, u32 iovs, u32 n, u32 nread)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, fd_read(c, fd, uoff(iovs), n, uoff(nread)));
}

static u32 fd_fdstat_get(struct component *c, u32 fd, uoff_t out)
{
    if (fd > STDERR)
        return wasi_file_fdstat_get(c, fd, out);
    if (!wasi_stdio(c, fd))
        return WASI_EBADF;
    uint8_t st[24] = { 0 };
    st[0] = FILETYPE_CHARACTER_DEVICE;
    memcpy(st + 2, &c->wasi.stdio[fd].fdflags, 2);
    uint64_t rights = stdio_rights(c, fd); /* inheriting: none */
    memcpy(st + 8, &rights, 8);
    return host_put(c, out, st, sizeof st) ? WASI_ESUCCESS : WASI_EFAULT;
}

u32 w2c_wasi__snapshot__preview1_fd_fdstat_get(wasi_self *w, u32 fd, u32 out)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, fd_fdstat_get(c, fd, uoff(out)));
}

u32 w2c_wasi__snapshot__preview1_fd_close(wasi_self *w, u32 fd)
{
    struct component *c = host_enter(&w->h);
    if (fd > STDERR)
        return host_leave(c, wasi_file_close(c, fd));
    struct wasi_stdio *s = wasi_stdio(c, fd);
    if (s)
        s->closed = true; /* until the next start: the console itself stays */
    return host_leave(c, s ? WASI_ESUCCESS : WASI_EBADF);
}

u32 w2c_wasi__snapshot__preview1_fd_seek(wasi_self *w, u32 fd, u64 off, u32 whence, u32 out)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, fd > STDERR ? wasi_file_seek(c, fd, (int64_t)off, whence, uoff(out))
                         : wasi_stdio(c, fd) ? WASI_ESPIPE : WASI_EBADF);
}

u32 w2c_wasi__snapshot__preview1_fd_prestat_get(wasi_self *w, u32 fd, u32 out)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, fd <= STDERR ? WASI_EBADF : wasi_file_prestat_get(c, fd, uoff(out))); /* not a preopen */
}

/* ---- clocks, random, scheduling, exit ---- */

/* Every clock a component reads, at the precision its clock capability
 * gives: full with the precise right (CAP_R_PRECISE), otherwise rounded
 * down to ATH_CLOCK_COARSE_NS, so that it never sees a step finer than
 * that (docs/privacy.md: what this does and does not stop). */
static u32 clock_time(struct component *c, u32 id, uoff_t out, bool resolution)
{
    if (!has(c, CAP_T_CLOCK, CAP_R_READ))
        return WASI_ENOTCAPABLE;
    uint64_t grain = has(c, CAP_T_CLOCK, CAP_R_READ | CAP_R_PRECISE) ? 1 : ATH_CLOCK_COARSE_NS;
    uint64_t v;
    switch (id) {
    case CLOCK_REALTIME: /* set by the RTC driver; until then, time since boot */
        v = realtime_now_ns();
        break;
    case CLOCK_MONOTONIC:
        v = plat_clock_ns();
        break;
    case CLOCK_PROCESS_CPUTIME:
    case CLOCK_THREAD_CPUTIME: {
        struct thread *t = thread_current();
        v = t->cpu_ns + (plat_clock_ns() - t->run_start_ns);
        break;
    }
    default:
        return WASI_EINVAL;
    }
    return put_u64(c, out, resolution ? grain : v - v % grain);
}

u32 w2c_wasi__snapshot__preview1_clock_time_get(wasi_self *w, u32 id, u64 precision, u32 out)
{
    (void)precision;
    struct component *c = host_enter(&w->h);
    return host_leave(c, clock_time(c, id, uoff(out), false));
}

u32 w2c_wasi__snapshot__preview1_clock_res_get(wasi_self *w, u32 id, u32 out)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, clock_time(c, id, uoff(out), true));
}

u32 w2c_wasi__snapshot__preview1_random_get(wasi_self *w, u32 buf, u32 len)
{
    struct component *c = host_enter(&w->h);
    if (!has(c, CAP_T_RANDOM, CAP_R_READ))
        return host_leave(c, WASI_ENOTCAPABLE);
    struct umem m = host_mem(c);
    if (len && !umem_range(&m, uoff(buf), len))
        return host_leave(c, WASI_EFAULT);
    uint8_t bytes[BOUNCE];
    for (uint32_t off = 0; off < len; off += BOUNCE) {
        uint32_t k = MIN(len - off, (uint32_t)BOUNCE);
        csprng_fill(bytes, k);
        if (!host_put(c, uoff(buf + off), bytes, k))
            return host_leave(c, WASI_EFAULT);
    }
    return host_leave(c, WASI_ESUCCESS);
}

u32 w2c_wasi__snapshot__preview1_sched_yield(wasi_self *w)
{
    struct component *c = host_enter(&w->h);
    thread_yield();
    return host_leave(c, WASI_ESUCCESS);
}

/* poll_oneoff: clock subscriptions (this is how sleep() works) and fd
 * subscriptions: fd 0 is ready when the console has input or its input
 * ended (then with the hang-up flag), 1 and 2 always for writing, files
 * always (a read gives what lies past the offset), as POSIX's poll says of
 * regular files. It returns the events that are ready, waiting until one
 * is: for input on fd 0, or the earliest clock. A bad fd subscription is an
 * event with its error, at once. */
#define SUB_SIZE 48
#define EVENT_SIZE 32
#define EVENTTYPE_CLOCK 0
#define EVENTTYPE_FD_READ 1
#define EVENTTYPE_FD_WRITE 2
#define EVENTRW_HANGUP 1
#define SUBCLOCK_ABSTIME 1
#define POLL_MAX_SUBS 64
#define NOT_READY WASI_POLL_NOT_READY

struct poll_sub {
    uint64_t userdata, deadline; /* a clock's */
    uint32_t fd;
    uint8_t  tag;
};

/* An fd subscription's state now: errno of the event, or NOT_READY. */
static u32 poll_fd(struct component *c, const struct poll_sub *s, uint64_t *nbytes, uint16_t *flags)
{
    bool write = s->tag == EVENTTYPE_FD_WRITE;
    *nbytes = 0;
    *flags = 0;
    struct wasi_fd *f = s->fd > STDERR ? wasi_fd_at(c, s->fd) : NULL;
    if (f && f->kind == WASI_FD_SOCKET)
        return wasi_sock_poll(c, f, write, nbytes, flags);
    if (s->fd > STDERR)
        return wasi_file_poll(c, s->fd, write, nbytes);
    u32 e = stdio_check(c, s->fd, write ? R_FD_WRITE : R_FD_READ);
    if (e == WASI_ESUCCESS && !(stdio_rights(c, s->fd) & R_POLL_FD_READWRITE))
        e = WASI_ENOTCAPABLE;
    if (e != WASI_ESUCCESS || write)
        return e;
    long k = console_input_ready_intr(0);
    if (k == CONSOLE_TIMEOUT)
        return NOT_READY;
    if (k == CONSOLE_EOF)
        *flags = EVENTRW_HANGUP;
    else
        *nbytes = (uint64_t)k;
    return WASI_ESUCCESS;
}

static u32 poll_oneoff(struct component *c, uoff_t in, uoff_t out, u32 nsubs, uoff_t nevents)
{
    if (nsubs == 0 || nsubs > POLL_MAX_SUBS)
        return WASI_EINVAL;
    struct umem m = host_mem(c);
    if (!umem_range(&m, in, (uint64_t)nsubs * SUB_SIZE) || !umem_range(&m, out, (uint64_t)nsubs * EVENT_SIZE) ||
        !umem_range(&m, nevents, 4))
        return WASI_EFAULT;
    /* Decode everything first: the waits below must not re-read component memory. */
    struct poll_sub subs[POLL_MAX_SUBS];
    uint64_t now = plat_clock_ns(), earliest = UINT64_MAX;
    bool stdin_sub = false, sock_sub = false;
    for (u32 i = 0; i < nsubs; i++) {
        uint8_t sub[SUB_SIZE];
        struct poll_sub *p = &subs[i];
        if (!host_get(c, uoff(in.off + i * SUB_SIZE), sub, sizeof sub))
            return WASI_EFAULT;
        memcpy(&p->userdata, sub, 8);
        p->tag = sub[8];
        p->deadline = UINT64_MAX;
        memcpy(&p->fd, sub + 16, 4);
        if (p->tag == EVENTTYPE_FD_READ || p->tag == EVENTTYPE_FD_WRITE) {
            struct wasi_fd *f = p->fd > STDERR ? wasi_fd_at(c, p->fd) : NULL;
            stdin_sub |= p->tag == EVENTTYPE_FD_READ && p->fd == STDIN;
            sock_sub |= f && f->kind == WASI_FD_SOCKET;
            continue;
        }
        if (p->tag != EVENTTYPE_CLOCK)
            return WASI_EINVAL;
        uint64_t timeout;
        uint16_t flags;
        memcpy(&timeout, sub + 24, 8);
        memcpy(&flags, sub + 40, 2);
        if (!has(c, CAP_T_CLOCK, CAP_R_READ))
            return WASI_ENOTCAPABLE;
        if (p->fd > CLOCK_MONOTONIC) /* the clock id */
            return WASI_EINVAL;
        uint64_t base = p->fd == CLOCK_REALTIME ? realtime_now_ns() : now;
        if (flags & SUBCLOCK_ABSTIME) /* a deadline on the clock named: in monotonic time */
            p->deadline = timeout <= base ? now : now + (timeout - base) < now ? UINT64_MAX : now + (timeout - base);
        else
            p->deadline = timeout > UINT64_MAX - now ? UINT64_MAX : now + timeout;
        earliest = MIN(earliest, p->deadline);
    }
    for (;;) {
        now = plat_clock_ns();
        uint32_t n = 0;
        for (u32 i = 0; i < nsubs; i++) {
            const struct poll_sub *p = &subs[i];
            uint64_t nbytes = 0;
            uint16_t rwflags = 0;
            u32 err = p->tag == EVENTTYPE_CLOCK ? (p->deadline <= now ? WASI_ESUCCESS : NOT_READY)
                                                 : poll_fd(c, p, &nbytes, &rwflags);
            if (err == NOT_READY)
                continue;
            uint8_t ev[EVENT_SIZE] = { 0 };
            uint16_t e16 = (uint16_t)err;
            memcpy(ev, &p->userdata, 8);
            memcpy(ev + 8, &e16, 2);
            ev[10] = p->tag;
            if (p->tag != EVENTTYPE_CLOCK) {
                memcpy(ev + 16, &nbytes, 8);
                memcpy(ev + 24, &rwflags, 2);
            }
            if (!host_put(c, uoff(out.off + n * EVENT_SIZE), ev, EVENT_SIZE))
                return WASI_EFAULT;
            n++;
        }
        if (n)
            return put_u32(c, nevents, n);
        /* Nothing yet: only input on fd 0, a socket's change (the net
         * service signals it) or a clock can change that. With both fd 0
         * and sockets, the console is looked at every 20 ms. A stop request
         * ends the wait with no events; host_leave acts on it. */
        bool waited;
        if (sock_sub && stdin_sub)
            waited = console_input_ready_intr(MIN(earliest, plat_clock_ns() + 20000000)) != CONSOLE_TIMEOUT ||
                     wasi_sock_wait(c, MIN(earliest, plat_clock_ns() + 1));
        else if (sock_sub)
            waited = wasi_sock_wait(c, earliest);
        else
            waited = stdin_sub ? console_input_ready_intr(earliest) != CONSOLE_TIMEOUT || plat_clock_ns() >= earliest
                               : host_sleep_until(earliest);
        if (!waited)
            return put_u32(c, nevents, 0);
    }
}

u32 w2c_wasi__snapshot__preview1_poll_oneoff(wasi_self *w, u32 in, u32 out, u32 nsubs, u32 nevents)
{
    struct component *c = host_enter(&w->h);
    return host_leave(c, poll_oneoff(c, uoff(in), uoff(out), nsubs, uoff(nevents)));
}

void w2c_wasi__snapshot__preview1_proc_exit(wasi_self *w, u32 code)
{
    host_enter(&w->h);
    comp_exit((int)code);
}

/* proc_raise: Azoth has no signals to deliver (wasi-libc's raise() handles
 * its own in the program and never calls this; the call is deprecated in
 * WASI and gone after preview 1). The program hears ENOSYS, and its stderr
 * says which signal it tried, so the error is not silent. */
u32 w2c_wasi__snapshot__preview1_proc_raise(wasi_self *w, u32 sig)
{
    struct component *c = host_enter(&w->h);
    if (has(c, CAP_T_CONSOLE, CAP_R_WRITE)) { /* not for one that may not write to the console */
        char msg[96];
        int n = ksnprintf(msg, sizeof msg, "%s: proc_raise(%u): no signals on Azoth (ENOSYS)\n", c->cfg->name, sig);
        emit(c, STDERR, msg, (size_t)MIN(n, (int)sizeof msg - 1)); /* its stderr, where its own errors go */
    }
    return host_leave(c, WASI_ENOSYS);
}
