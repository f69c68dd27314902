/* wasitest: the WASI preview 1 conformance suite for every call but the
 * filesystem's (those are components/apps/wasifs's): args, environ, clocks,
 * random, poll_oneoff, sched_yield, fds 0-2, proc_raise, the sockets, each
 * success case and the errno values the specification gives, through the
 * raw calls (wasi/api.h). A plain WASI command: it runs with `azoth run` on
 * Linux (tests/hosted/wasi.sh) and the shell's `run` under QEMU
 * (tests/qemu/wasi.sh), and under any other WASI runtime.
 *   wasitest data DIR    stdin holds "hello\n", then ends
 *   wasitest quiet DIR   stdin stays open with nothing on it
 * started with the environment WASITEST=yes and nothing else, and DIR a
 * preopened directory it may write to. Prints "wasitest: PASS name" or
 * "wasitest: FAIL name: why" per check, then "wasitest: N passed, M
 * failed", and exits with status 0 if none failed, else 1. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static unsigned passed, failed;

static void check(const char *name, int ok, const char *fmt, long long got, long long want)
{
    if (ok) {
        passed++;
        printf("wasitest: PASS %s\n", name);
    } else {
        failed++;
        printf("wasitest: FAIL %s: ", name);
        printf(fmt, got, want);
        printf("\n");
    }
    fflush(stdout); /* stdout is a terminal or a pipe; either way, in order */
}

static void want(const char *name, __wasi_errno_t got, __wasi_errno_t w)
{
    check(name, got == w, "errno %lld, want %lld", got, w);
}

static void want_eq(const char *name, long long got, long long w)
{
    check(name, got == w, "got %lld, want %lld", got, w);
}

static void want_true(const char *name, int ok)
{
    check(name, ok, "%lld%lld", 0, 0);
}

/* An address whose 4 bytes are not all in the memory: for EFAULT. */
static void *bad_ptr(void)
{
    return (void *)(__builtin_wasm_memory_size(0) * 65536 - 2);
}

/* What the specification's reference gave a terminal (fd 0 less fd_write,
 * 1 and 2 less fd_read). */
#define TTY (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_WRITE | \
             __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_POLL_FD_READWRITE)

static void args_and_env(const char *mode)
{
    size_t argc = 0, len = 0;
    want("args_sizes_get", __wasi_args_sizes_get(&argc, &len), 0);
    want_eq("args_sizes_get-count", (long long)argc, 3);
    want("args_sizes_get-efault", __wasi_args_sizes_get(bad_ptr(), &len), __WASI_ERRNO_FAULT);
    want("args_sizes_get-efault2", __wasi_args_sizes_get(&argc, bad_ptr()), __WASI_ERRNO_FAULT);
    char buf[256];
    uint8_t *argv[8];
    if (argc <= 8 && len <= sizeof buf) {
        want("args_get", __wasi_args_get(argv, (uint8_t *)buf), 0);
        /* the name as given: "wasitest" from the shell, the file's path from azoth run */
        want_true("args_get-argv0", strstr((char *)argv[0], "wasitest") != NULL);
        want_true("args_get-argv1", strcmp((char *)argv[1], mode) == 0);
        want_eq("args_get-packed", (long long)((char *)argv[argc - 1] + strlen((char *)argv[argc - 1]) + 1 - buf),
                (long long)len);
    }
    want("args_get-efault", __wasi_args_get((uint8_t **)bad_ptr(), (uint8_t *)buf), __WASI_ERRNO_FAULT);
    want("args_get-efault-buf", __wasi_args_get(argv, (uint8_t *)bad_ptr()), __WASI_ERRNO_FAULT);

    size_t envc = 0;
    want("environ_sizes_get", __wasi_environ_sizes_get(&envc, &len), 0);
    want_eq("environ_sizes_get-count", (long long)envc, 1);
    want_eq("environ_sizes_get-size", (long long)len, (long long)sizeof "WASITEST=yes");
    if (envc == 1 && len <= sizeof buf) {
        want("environ_get", __wasi_environ_get(argv, (uint8_t *)buf), 0);
        want_true("environ_get-value", strcmp((char *)argv[0], "WASITEST=yes") == 0);
    }
    want("environ_sizes_get-efault", __wasi_environ_sizes_get(bad_ptr(), &len), __WASI_ERRNO_FAULT);
    want("environ_get-efault", __wasi_environ_get((uint8_t **)bad_ptr(), (uint8_t *)buf), __WASI_ERRNO_FAULT);
}

static void clocks(void)
{
    static const __wasi_clockid_t ids[] = { __WASI_CLOCKID_REALTIME, __WASI_CLOCKID_MONOTONIC,
                                            __WASI_CLOCKID_PROCESS_CPUTIME_ID, __WASI_CLOCKID_THREAD_CPUTIME_ID };
    static const char *names[] = { "realtime", "monotonic", "process", "thread" };
    char name[64];
    for (int i = 0; i < 4; i++) {
        __wasi_timestamp_t res = 0, t = 0;
        snprintf(name, sizeof name, "clock_res_get-%s", names[i]);
        want(name, __wasi_clock_res_get(ids[i], &res), 0);
        snprintf(name, sizeof name, "clock_res_get-%s-nonzero", names[i]);
        want_true(name, res > 0);
        snprintf(name, sizeof name, "clock_time_get-%s", names[i]);
        want(name, __wasi_clock_time_get(ids[i], 1, &t), 0);
        /* No step finer than the resolution the clock reports. */
        snprintf(name, sizeof name, "clock_time_get-%s-grain", names[i]);
        want_eq(name, (long long)(t % res), 0);
    }
    __wasi_timestamp_t a = 0, b = 0, now = 0;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &a);
    for (volatile int k = 0; k < 1000000; k++)
        ;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &b);
    want_true("clock_time_get-monotonic-never-back", b >= a);
    (void)__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now);
    want_true("clock_time_get-realtime-after-2020", now > 1577836800ull * 1000000000ull);
    __wasi_timestamp_t res;
    want("clock_res_get-einval", __wasi_clock_res_get(99, &res), __WASI_ERRNO_INVAL);
    want("clock_time_get-einval", __wasi_clock_time_get(99, 1, &res), __WASI_ERRNO_INVAL);
    want("clock_res_get-efault", __wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, bad_ptr()), __WASI_ERRNO_FAULT);
    want("clock_time_get-efault", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, bad_ptr()),
         __WASI_ERRNO_FAULT);
}

static void random_and_yield(void)
{
    uint8_t a[64] = { 0 }, b[64] = { 0 }, zero[64] = { 0 };
    want("random_get", __wasi_random_get(a, sizeof a), 0);
    want("random_get-again", __wasi_random_get(b, sizeof b), 0);
    want_true("random_get-filled", memcmp(a, zero, sizeof a) != 0);
    want_true("random_get-differs", memcmp(a, b, sizeof a) != 0);
    want("random_get-empty", __wasi_random_get(a, 0), 0);
    static uint8_t big[100000];
    want("random_get-large", __wasi_random_get(big, sizeof big), 0);
    want_true("random_get-large-tail", memcmp(big + sizeof big - 64, zero, 64) != 0);
    want("random_get-efault", __wasi_random_get(bad_ptr(), 4), __WASI_ERRNO_FAULT);
    want("sched_yield", __wasi_sched_yield(), 0);
}

/* ---- poll_oneoff ---- */

static __wasi_subscription_t clock_sub(uint64_t userdata, __wasi_clockid_t id, uint64_t timeout, int abs)
{
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = userdata;
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = id;
    s.u.u.clock.timeout = timeout;
    s.u.u.clock.flags = abs ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
    return s;
}

static __wasi_subscription_t fd_sub(uint64_t userdata, __wasi_eventtype_t type, __wasi_fd_t fd)
{
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = userdata;
    s.u.tag = type;
    s.u.u.fd_read.file_descriptor = fd; /* fd_write's lies in the same place */
    return s;
}

static uint64_t mono(void)
{
    __wasi_timestamp_t t = 0;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
    return t;
}

#define MS 1000000ull

static void poll_clocks(void)
{
    __wasi_subscription_t in[4];
    __wasi_event_t ev[4];
    size_t n = 99;
    __wasi_timestamp_t res = 1;
    (void)__wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &res);

    in[0] = clock_sub(0x1234, __WASI_CLOCKID_MONOTONIC, 20 * MS, 0);
    uint64_t t0 = mono();
    want("poll_oneoff-clock", __wasi_poll_oneoff(in, ev, 1, &n), 0);
    uint64_t took = mono() - t0;
    want_eq("poll_oneoff-clock-events", (long long)n, 1);
    want_eq("poll_oneoff-clock-userdata", (long long)ev[0].userdata, 0x1234);
    want_eq("poll_oneoff-clock-type", ev[0].type, __WASI_EVENTTYPE_CLOCK);
    want_eq("poll_oneoff-clock-error", ev[0].error, 0);
    /* It waited (at the clock's grain) and not much more. */
    want_true("poll_oneoff-clock-waited", took + res >= 20 * MS && took < 2000 * MS);

    /* Two clocks: only the earlier fires. */
    in[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0);
    in[1] = clock_sub(2, __WASI_CLOCKID_MONOTONIC, 10 * MS, 0);
    want("poll_oneoff-two-clocks", __wasi_poll_oneoff(in, ev, 2, &n), 0);
    want_eq("poll_oneoff-two-clocks-events", (long long)n, 1);
    want_eq("poll_oneoff-two-clocks-earlier", (long long)ev[0].userdata, 2);

    /* An absolute deadline on the monotonic clock, and one already past. */
    in[0] = clock_sub(3, __WASI_CLOCKID_MONOTONIC, mono() + 15 * MS, 1);
    t0 = mono();
    want("poll_oneoff-abstime", __wasi_poll_oneoff(in, ev, 1, &n), 0);
    took = mono() - t0;
    want_true("poll_oneoff-abstime-waited", n == 1 && ev[0].userdata == 3 && took + res >= 15 * MS &&
                                              took < 2000 * MS);
    in[0] = clock_sub(4, __WASI_CLOCKID_MONOTONIC, 1, 1);
    want("poll_oneoff-abstime-past", __wasi_poll_oneoff(in, ev, 1, &n), 0);
    want_eq("poll_oneoff-abstime-past-events", (long long)n, 1);
    /* An absolute deadline on the realtime clock. */
    __wasi_timestamp_t now = 0;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now);
    in[0] = clock_sub(5, __WASI_CLOCKID_REALTIME, now + 10 * MS, 1);
    t0 = mono();
    want("poll_oneoff-realtime-abstime", __wasi_poll_oneoff(in, ev, 1, &n), 0);
    want_true("poll_oneoff-realtime-abstime-fired", n == 1 && ev[0].userdata == 5 && mono() - t0 < 2000 * MS);

    want("poll_oneoff-none-einval", __wasi_poll_oneoff(in, ev, 0, &n), __WASI_ERRNO_INVAL);
    in[0] = clock_sub(6, 99, 1, 0);
    want("poll_oneoff-bad-clock-einval", __wasi_poll_oneoff(in, ev, 1, &n), __WASI_ERRNO_INVAL);
    in[0] = clock_sub(7, __WASI_CLOCKID_MONOTONIC, 1, 0);
    in[0].u.tag = 9;
    want("poll_oneoff-bad-type-einval", __wasi_poll_oneoff(in, ev, 1, &n), __WASI_ERRNO_INVAL);
    in[0] = clock_sub(8, __WASI_CLOCKID_MONOTONIC, 1, 0);
    want("poll_oneoff-efault-in", __wasi_poll_oneoff(bad_ptr(), ev, 1, &n), __WASI_ERRNO_FAULT);
    want("poll_oneoff-efault-out", __wasi_poll_oneoff(in, bad_ptr(), 1, &n), __WASI_ERRNO_FAULT);
    want("poll_oneoff-efault-count", __wasi_poll_oneoff(in, ev, 1, bad_ptr()), __WASI_ERRNO_FAULT);
}

/* The event of the subscription with this userdata among n, or NULL. */
static const __wasi_event_t *event(const __wasi_event_t *ev, size_t n, uint64_t userdata)
{
    for (size_t i = 0; i < n; i++)
        if (ev[i].userdata == userdata)
            return &ev[i];
    return NULL;
}

static void poll_fds(__wasi_fd_t dir)
{
    __wasi_subscription_t in[4];
    __wasi_event_t ev[4];
    size_t n = 0;
    const __wasi_event_t *e;

    /* stdout and stderr are ready for writing at once. */
    in[0] = fd_sub(10, __WASI_EVENTTYPE_FD_WRITE, 1);
    in[1] = fd_sub(11, __WASI_EVENTTYPE_FD_WRITE, 2);
    want("poll_oneoff-stdout", __wasi_poll_oneoff(in, ev, 2, &n), 0);
    e = event(ev, n, 10);
    want_true("poll_oneoff-stdout-ready", n == 2 && e && e->type == __WASI_EVENTTYPE_FD_WRITE && e->error == 0);
    /* A bad fd, and an fd that is not open that way: events with errors, at once. */
    in[0] = fd_sub(12, __WASI_EVENTTYPE_FD_READ, 99);
    in[1] = fd_sub(13, __WASI_EVENTTYPE_FD_READ, 1);
    in[2] = clock_sub(14, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0);
    uint64_t t0 = mono();
    want("poll_oneoff-bad-fd", __wasi_poll_oneoff(in, ev, 3, &n), 0);
    want_true("poll_oneoff-bad-fd-at-once", n == 2 && mono() - t0 < 2000 * MS);
    e = event(ev, n, 12);
    want_eq("poll_oneoff-bad-fd-ebadf", e ? e->error : -1, __WASI_ERRNO_BADF);
    e = event(ev, n, 13);
    want_eq("poll_oneoff-stdout-read-ebadf", e ? e->error : -1, __WASI_ERRNO_BADF);

    /* A file: ready both ways; a read would give what lies past the offset. */
    __wasi_fd_t f;
    __wasi_rights_t r = __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK |
                        __WASI_RIGHTS_POLL_FD_READWRITE;
    __wasi_errno_t err = __wasi_path_open(dir, 0, "wasitest.tmp", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, r,
                                          0, 0, &f);
    want("poll_oneoff-file-open", err, 0);
    if (err == 0) {
        __wasi_ciovec_t v = { (const uint8_t *)"0123456789", 10 };
        size_t done;
        __wasi_filesize_t pos;
        (void)__wasi_fd_write(f, &v, 1, &done);
        (void)__wasi_fd_seek(f, 3, __WASI_WHENCE_SET, &pos);
        in[0] = fd_sub(15, __WASI_EVENTTYPE_FD_READ, f);
        in[1] = fd_sub(16, __WASI_EVENTTYPE_FD_WRITE, f);
        want("poll_oneoff-file", __wasi_poll_oneoff(in, ev, 2, &n), 0);
        e = event(ev, n, 15);
        want_true("poll_oneoff-file-read", e && e->error == 0 && e->type == __WASI_EVENTTYPE_FD_READ);
        want_eq("poll_oneoff-file-read-nbytes", e ? (long long)e->fd_readwrite.nbytes : -1, 7);
        e = event(ev, n, 16);
        want_true("poll_oneoff-file-write", e && e->error == 0 && e->type == __WASI_EVENTTYPE_FD_WRITE);
        /* Without the right to poll it: ENOTCAPABLE. */
        (void)__wasi_fd_fdstat_set_rights(f, __WASI_RIGHTS_FD_READ, 0);
        in[0] = fd_sub(17, __WASI_EVENTTYPE_FD_READ, f);
        want("poll_oneoff-file-no-right", __wasi_poll_oneoff(in, ev, 1, &n), 0);
        want_eq("poll_oneoff-file-no-right-enotcapable", n == 1 ? ev[0].error : -1, __WASI_ERRNO_NOTCAPABLE);
        (void)__wasi_fd_close(f);
        (void)__wasi_path_unlink_file(dir, "wasitest.tmp");
    }
}

/* stdin as the mode says: "data" holds "hello\n" and ends; "quiet" has nothing. */
static void poll_stdin(int data)
{
    __wasi_subscription_t in[2];
    __wasi_event_t ev[2];
    size_t n = 0;
    const __wasi_event_t *e;
    in[0] = fd_sub(20, __WASI_EVENTTYPE_FD_READ, 0);
    in[1] = clock_sub(21, __WASI_CLOCKID_MONOTONIC, (data ? 60000 : 300) * MS, 0);
    uint64_t t0 = mono();
    want("poll_oneoff-stdin", __wasi_poll_oneoff(in, ev, 2, &n), 0);
    uint64_t took = mono() - t0;
    e = event(ev, n, 20);
    if (data) {
        want_true("poll_oneoff-stdin-ready", e && e->error == 0 && e->type == __WASI_EVENTTYPE_FD_READ);
        want_true("poll_oneoff-stdin-nbytes", e && e->fd_readwrite.nbytes >= 1 && e->fd_readwrite.nbytes <= 6);
        char buf[16] = { 0 }, line[16] = { 0 };
        size_t got = 0, all = 0;
        /* A read gives what is there, up to a line. */
        do {
            __wasi_iovec_t v = { (uint8_t *)buf, sizeof buf };
            if (__wasi_fd_read(0, &v, 1, &got) != 0)
                break;
            if (all + got < sizeof line)
                memcpy(line + all, buf, got);
            all += got;
        } while (got && all < 6);
        want_true("fd_read-stdin", all == 6 && memcmp(line, "hello\n", 6) == 0);
        /* Then the end: poll says so (hang-up), a read gives 0, and
         * non-blocking changes neither. */
        in[0] = fd_sub(22, __WASI_EVENTTYPE_FD_READ, 0);
        in[1] = clock_sub(23, __WASI_CLOCKID_MONOTONIC, 60000 * MS, 0);
        want("poll_oneoff-stdin-end", __wasi_poll_oneoff(in, ev, 2, &n), 0);
        e = event(ev, n, 22);
        want_true("poll_oneoff-stdin-hangup", e && e->error == 0 &&
                                                (e->fd_readwrite.flags & __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP));
        __wasi_iovec_t v = { (uint8_t *)buf, sizeof buf };
        want("fd_read-stdin-end", __wasi_fd_read(0, &v, 1, &got), 0);
        want_eq("fd_read-stdin-end-zero", (long long)got, 0);
        want("fd_fdstat_set_flags-nonblock", __wasi_fd_fdstat_set_flags(0, __WASI_FDFLAGS_NONBLOCK), 0);
        want("fd_read-nonblock-end", __wasi_fd_read(0, &v, 1, &got), 0);
        want_eq("fd_read-nonblock-end-zero", (long long)got, 0);
    } else {
        /* Nothing comes: the clock fires, stdin does not. */
        want_true("poll_oneoff-stdin-quiet", n == 1 && !e && event(ev, n, 21));
        want_true("poll_oneoff-stdin-quiet-waited", took >= 250 * MS && took < 5000 * MS);
        /* Non-blocking, a read does not wait: EAGAIN. */
        want("fd_fdstat_set_flags-nonblock", __wasi_fd_fdstat_set_flags(0, __WASI_FDFLAGS_NONBLOCK), 0);
        char buf[8];
        size_t got = 99;
        __wasi_iovec_t v = { (uint8_t *)buf, sizeof buf };
        t0 = mono();
        want("fd_read-nonblock-eagain", __wasi_fd_read(0, &v, 1, &got), __WASI_ERRNO_AGAIN);
        want_true("fd_read-nonblock-at-once", mono() - t0 < 1000 * MS);
    }
    __wasi_fdstat_t st;
    want("fd_fdstat_get-nonblock", __wasi_fd_fdstat_get(0, &st), 0);
    want_eq("fd_fdstat_get-nonblock-flag", st.fs_flags, __WASI_FDFLAGS_NONBLOCK);
    want("fd_fdstat_set_flags-blocking", __wasi_fd_fdstat_set_flags(0, 0), 0);
}

/* ---- fds 0-2 ---- */

static void stdio(void)
{
    __wasi_fdstat_t st;
    for (__wasi_fd_t fd = 0; fd <= 2; fd++) {
        char name[64];
        snprintf(name, sizeof name, "fd_fdstat_get-%u", (unsigned)fd);
        want(name, __wasi_fd_fdstat_get(fd, &st), 0);
        snprintf(name, sizeof name, "fd_fdstat_get-%u-chardev", (unsigned)fd);
        want_eq(name, st.fs_filetype, __WASI_FILETYPE_CHARACTER_DEVICE);
        snprintf(name, sizeof name, "fd_fdstat_get-%u-rights", (unsigned)fd);
        want_eq(name, (long long)st.fs_rights_base,
                (long long)(TTY & ~(fd == 0 ? __WASI_RIGHTS_FD_WRITE : __WASI_RIGHTS_FD_READ)));
        snprintf(name, sizeof name, "fd_fdstat_get-%u-inheriting", (unsigned)fd);
        want_eq(name, (long long)st.fs_rights_inheriting, 0);
        snprintf(name, sizeof name, "fd_fdstat_get-%u-flags", (unsigned)fd);
        want_eq(name, st.fs_flags, 0);
        __wasi_filestat_t fst;
        snprintf(name, sizeof name, "fd_filestat_get-%u", (unsigned)fd);
        want(name, __wasi_fd_filestat_get(fd, &fst), 0);
        snprintf(name, sizeof name, "fd_filestat_get-%u-chardev", (unsigned)fd);
        want_eq(name, fst.filetype, __WASI_FILETYPE_CHARACTER_DEVICE);
    }
    want("fd_fdstat_get-ebadf", __wasi_fd_fdstat_get(99, &st), __WASI_ERRNO_BADF);
    want("fd_fdstat_get-efault", __wasi_fd_fdstat_get(1, bad_ptr()), __WASI_ERRNO_FAULT);

    /* Writing: the count comes back; the wrong way round, EBADF. */
    const char *line = "wasitest: a line on stdout\n";
    __wasi_ciovec_t cv[2] = { { (const uint8_t *)line, 10 }, { (const uint8_t *)line + 10, strlen(line) - 10 } };
    size_t done = 0;
    want("fd_write-stdout", __wasi_fd_write(1, cv, 2, &done), 0);
    want_eq("fd_write-stdout-count", (long long)done, (long long)strlen(line));
    want("fd_write-stdin-ebadf", __wasi_fd_write(0, cv, 1, &done), __WASI_ERRNO_BADF);
    want("fd_write-ebadf", __wasi_fd_write(99, cv, 1, &done), __WASI_ERRNO_BADF);
    __wasi_ciovec_t badv = { bad_ptr(), 8 };
    want("fd_write-efault-buf", __wasi_fd_write(1, &badv, 1, &done), __WASI_ERRNO_FAULT);
    want("fd_write-efault-iovs", __wasi_fd_write(1, bad_ptr(), 1, &done), __WASI_ERRNO_FAULT);
    want("fd_write-efault-count", __wasi_fd_write(1, cv, 1, bad_ptr()), __WASI_ERRNO_FAULT);
    char buf[8];
    __wasi_iovec_t v = { (uint8_t *)buf, sizeof buf };
    want("fd_read-stdout-ebadf", __wasi_fd_read(1, &v, 1, &done), __WASI_ERRNO_BADF);
    want("fd_read-efault-iovs", __wasi_fd_read(0, bad_ptr(), 1, &done), __WASI_ERRNO_FAULT);

    /* A terminal does not seek, sync or take a size. */
    __wasi_filesize_t pos;
    want("fd_seek-stdout-espipe", __wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_SPIPE);
    want("fd_tell-stdout-espipe", __wasi_fd_tell(1, &pos), __WASI_ERRNO_SPIPE);
    want("fd_pwrite-stdout-espipe", __wasi_fd_pwrite(1, cv, 1, 0, &done), __WASI_ERRNO_SPIPE);
    want("fd_pread-stdin-espipe", __wasi_fd_pread(0, &v, 1, 0, &done), __WASI_ERRNO_SPIPE);
    want("fd_sync-stdout-einval", __wasi_fd_sync(1), __WASI_ERRNO_INVAL);
    want("fd_datasync-stdout-einval", __wasi_fd_datasync(1), __WASI_ERRNO_INVAL);
    want("fd_advise-stdout-espipe", __wasi_fd_advise(1, 0, 0, __WASI_ADVICE_NORMAL), __WASI_ERRNO_SPIPE);
    want("fd_allocate-stdout-espipe", __wasi_fd_allocate(1, 0, 1), __WASI_ERRNO_SPIPE);
    want("fd_filestat_set_size-stdout-einval", __wasi_fd_filestat_set_size(1, 0), __WASI_ERRNO_INVAL);
    want("fd_filestat_set_times-stdout-enotsup", __wasi_fd_filestat_set_times(1, 0, 0, 0), __WASI_ERRNO_NOTSUP);
    want("fd_renumber-stdout-enotsup", __wasi_fd_renumber(1, 2), __WASI_ERRNO_NOTSUP);
    __wasi_prestat_t pre;
    want("fd_prestat_get-stdout-ebadf", __wasi_fd_prestat_get(1, &pre), __WASI_ERRNO_BADF);

    /* Flags: non-blocking and append are a terminal's; the sync flags are not. */
    want("fd_fdstat_set_flags-append", __wasi_fd_fdstat_set_flags(1, __WASI_FDFLAGS_APPEND), 0);
    (void)__wasi_fd_fdstat_get(1, &st);
    want_eq("fd_fdstat_set_flags-append-kept", st.fs_flags, __WASI_FDFLAGS_APPEND);
    want("fd_fdstat_set_flags-sync-enotsup", __wasi_fd_fdstat_set_flags(1, __WASI_FDFLAGS_SYNC), __WASI_ERRNO_NOTSUP);
    want("fd_fdstat_set_flags-unknown-einval", __wasi_fd_fdstat_set_flags(1, 1 << 9), __WASI_ERRNO_INVAL);
    want("fd_fdstat_set_flags-ebadf", __wasi_fd_fdstat_set_flags(99, 0), __WASI_ERRNO_BADF);
    (void)__wasi_fd_fdstat_set_flags(1, 0);

    /* Rights are only ever given up: stderr without fd_write writes nothing. */
    want("fd_fdstat_set_rights-grow-enotcapable",
         __wasi_fd_fdstat_set_rights(2, TTY, 0), __WASI_ERRNO_NOTCAPABLE);
    want("fd_fdstat_set_rights-narrow",
         __wasi_fd_fdstat_set_rights(2, __WASI_RIGHTS_FD_FILESTAT_GET, 0), 0);
    (void)__wasi_fd_fdstat_get(2, &st);
    want_eq("fd_fdstat_set_rights-narrowed", (long long)st.fs_rights_base, __WASI_RIGHTS_FD_FILESTAT_GET);
    want("fd_write-no-right-enotcapable", __wasi_fd_write(2, cv, 1, &done), __WASI_ERRNO_NOTCAPABLE);
    want("fd_fdstat_set_flags-no-right-enotcapable", __wasi_fd_fdstat_set_flags(2, 0), __WASI_ERRNO_NOTCAPABLE);
}

/* Last: close stdin; after that it is gone for every call. */
static void close_stdin(void)
{
    want("fd_close-stdin", __wasi_fd_close(0), 0);
    char buf[8];
    size_t got;
    __wasi_iovec_t v = { (uint8_t *)buf, sizeof buf };
    want("fd_read-closed-ebadf", __wasi_fd_read(0, &v, 1, &got), __WASI_ERRNO_BADF);
    __wasi_fdstat_t st;
    want("fd_fdstat_get-closed-ebadf", __wasi_fd_fdstat_get(0, &st), __WASI_ERRNO_BADF);
    __wasi_filestat_t fst;
    want("fd_filestat_get-closed-ebadf", __wasi_fd_filestat_get(0, &fst), __WASI_ERRNO_BADF);
    __wasi_filesize_t pos;
    want("fd_seek-closed-ebadf", __wasi_fd_seek(0, 0, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_BADF);
    want("fd_close-closed-ebadf", __wasi_fd_close(0), __WASI_ERRNO_BADF);
    __wasi_subscription_t in = fd_sub(30, __WASI_EVENTTYPE_FD_READ, 0);
    __wasi_event_t ev;
    size_t n = 0;
    want("poll_oneoff-closed", __wasi_poll_oneoff(&in, &ev, 1, &n), 0);
    want_eq("poll_oneoff-closed-ebadf", n == 1 ? ev.error : -1, __WASI_ERRNO_BADF);
    want("fd_close-ebadf", __wasi_fd_close(99), __WASI_ERRNO_BADF);
}

/* proc_raise as imported: wasi-libc no longer declares it (the call is
 * gone after preview 1), but preview 1 programs may still import it. */
int32_t raw_proc_raise(int32_t sig)
    __attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("proc_raise")));
#define SIGNAL_USR1 10

/* proc_raise: no signals. The sockets on what is not a socket: the
 * console's fd 1 is no socket (ENOTSOCK), fd 99 is nothing (EBADF); a
 * program given a listening socket is tests/hosted/tcplisten.sh's. */
static void unsupported(void)
{
    want("proc_raise-enosys", raw_proc_raise(SIGNAL_USR1), __WASI_ERRNO_NOSYS);
    __wasi_fd_t fd;
    __wasi_iovec_t v = { NULL, 0 };
    __wasi_ciovec_t cv = { NULL, 0 };
    size_t k;
    __wasi_roflags_t rf;
    want("sock_accept-enotsock", __wasi_sock_accept(1, 0, &fd), __WASI_ERRNO_NOTSOCK);
    want("sock_recv-enotsock", __wasi_sock_recv(1, &v, 1, 0, &k, &rf), __WASI_ERRNO_NOTSOCK);
    want("sock_send-enotsock", __wasi_sock_send(1, &cv, 1, 0, &k), __WASI_ERRNO_NOTSOCK);
    want("sock_shutdown-enotsock", __wasi_sock_shutdown(1, __WASI_SDFLAGS_RD), __WASI_ERRNO_NOTSOCK);
    want("sock_accept-ebadf", __wasi_sock_accept(99, 0, &fd), __WASI_ERRNO_BADF);
    want("sock_send-ebadf", __wasi_sock_send(99, &cv, 1, 0, &k), __WASI_ERRNO_BADF);
}

/* The preopened directory the starter gave (any name): the first fd with a prestat. */
static __wasi_fd_t preopen(void)
{
    for (__wasi_fd_t fd = 3; fd < 64; fd++) {
        __wasi_prestat_t p;
        if (__wasi_fd_prestat_get(fd, &p) == 0)
            return fd;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (argc != 3 || (strcmp(mode, "data") != 0 && strcmp(mode, "quiet") != 0)) {
        fprintf(stderr, "usage: wasitest data|quiet DIR (see the source)\n");
        return 2;
    }
    __wasi_fd_t dir = preopen();
    want_true("preopen-given", dir != 0);
    args_and_env(mode);
    clocks();
    random_and_yield();
    poll_clocks();
    poll_fds(dir);
    poll_stdin(strcmp(mode, "data") == 0);
    stdio();
    unsupported();
    close_stdin();
    printf("wasitest: %u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
