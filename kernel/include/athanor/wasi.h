/* The host side of WASI preview 1 for components (kernel/wasi), a leaf on
 * the host-call layer (athanor/host.h). Every call reaches resources only
 * through the component's capabilities, and checks every pointer and
 * length against its linear memory first. */
#ifndef ATHANOR_WASI_H
#define ATHANOR_WASI_H

#include <athanor/abi/consts.h>
#include <athanor/types.h>
#include <athanor/umem.h>

struct component;


/* A file descriptor above 2 (0-2 are the console's): a directory, named by
 * its canonical path at the filesystem service (stateless: it outlives a
 * restart of the service), or an open file, the service's handle in the
 * generation it was opened in. Rights are WASI's. kernel/wasi/files.c. */
#define WASI_FD_MAX 64 /* fds 3 .. 3 + WASI_FD_MAX - 1 */
enum wasi_fd_kind { WASI_FD_FREE = 0, WASI_FD_DIR, WASI_FD_FILE, WASI_FD_OPENING /* taken, being opened */,
                   WASI_FD_SOCKET };
struct wasi_fd {
    uint8_t     kind;
    uint8_t     filetype;   /* WASI's, for fdstat */
    uint16_t    fdflags;    /* WASI's: APPEND, DSYNC, NONBLOCK, RSYNC, SYNC */
    uint32_t    handle;     /* a file's, or a socket's, at the service (WASI_SOCK_NONE: not made) */
    uint32_t    gen;        /* the service's generation the handle belongs to */
    uint8_t     preopen;    /* a listening socket made before start: its index + 1 in cfg->listen */
    uint64_t    rights, inheriting;
    uint64_t    pos;        /* a file's offset */
    char       *root;       /* a directory's path at the service (kmalloc'd) */
    const char *guest;      /* a preopened directory's name (the manifest's) */
};

/* WASI's part of a component. Its command line (args_get) and environment
 * (environ_get): argc (envc) NUL-terminated strings in argv_len (env_len)
 * bytes. A built-in component's argv[0] is its name, then the words of the
 * arguments it was started with (in argv_buf); one loaded at run time has
 * its config's. Written by wasi_comp_start only, before its thread
 * exists; read by its own host calls. */
struct comp_wasi {
    uint32_t    argc, argv_len, envc, env_len;
    const char *argv, *env;
    char        argv_buf[ATH_NAME_MAX + ATH_ARGS_MAX + 1];
    /* Its fds above 2, made at start if the manifest gives it preopened
     * directories (else NULL: it reaches no file). Written by its own host
     * calls only, and by start and stop, when none runs. */
    struct wasi_fd *fds;
    /* fds 0-2, the console: their rights (narrowed by fd_fdstat_set_rights),
     * flags (APPEND, NONBLOCK) and whether the component closed them. Set
     * anew at every start, a restart's too; then its own host calls only. */
    struct wasi_stdio {
        uint64_t rights;
        uint16_t fdflags;
        bool     closed;
    } stdio[3];
    /* Its network (kernel/wasi/sockets.c): the notification the net
     * service signals for it (a capability in its own table, so that it
     * dies when the component stops and the service then reaps its
     * sockets), and the service's generation it subscribed in (0: not). */
    uint32_t     net_note; /* its handle (a cap_handle_t) */
    uint32_t     net_gen;
    bool  fs_fresh; /* a new generation: the service still has the last one's handles */
    uint32_t fs_unsynced; /* the service's generation its first change since its last sync
                           * went to (0: none): a sync in another one reports EIO */
};
/* The lifecycle's start hook: args are the start's (NULL: keep the last
 * start's, a restart). Set once at boot with the manifest's, too. It also
 * sets the fd table up: the preopened directories, nothing else. */
int  wasi_comp_start(struct component *c, const char *args);
void wasi_comp_stop(struct component *c);
/* kernel/wasi/files.c's part of them. */
int  wasi_files_start(struct component *c);
void wasi_files_stop(struct component *c);
/* The calls wasi.c hands to files.c for fds above 2 (WASI errno results). */
uint32_t wasi_file_rw(struct component *c, uint32_t fd, bool write, uoff_t iovs, uint32_t n,
                      uoff_t result, bool positioned, uint64_t off);
uint32_t wasi_file_fdstat_get(struct component *c, uint32_t fd, uoff_t out);
uint32_t wasi_file_close(struct component *c, uint32_t fd);
uint32_t wasi_file_seek(struct component *c, uint32_t fd, int64_t off, uint32_t whence, uoff_t out);
uint32_t wasi_file_prestat_get(struct component *c, uint32_t fd, uoff_t out);
/* Is fd (ready to be) read or written without waiting (poll_oneoff)? 0 and
 * *nbytes, what a read would give at once (a file: what lies past its
 * offset), or the errno of an fd event. */
uint32_t wasi_file_poll(struct component *c, uint32_t fd, bool write, uint64_t *nbytes);
/* An iovec list of the component's (kernel/wasi/iov.c): decoded (the list
 * and every buffer in its memory, at most WASI_IOV_MAX of them; their
 * total length), then walked by a cursor that moves data between it and a
 * kernel buffer (to_user: into the iovecs) or skips some; both advance it
 * and answer -ATH_EFAULT if a page went missing. */
#define WASI_IOV_MAX 1024
struct wasi_iovs {
    struct component *c;
    uoff_t            at;     /* the list */
    uint32_t          n, i, off; /* its length; the iovec the cursor is in, and how far into it */
};
uint32_t wasi_iov_decode(struct component *c, uoff_t iovs, uint32_t n, uint64_t *total);
int      wasi_iov_move(struct wasi_iovs *k, uint8_t *buf, uint32_t len, bool to_user);
int      wasi_iov_skip(struct wasi_iovs *k, uint32_t len);

/* The fd table (files.c), for sockets.c: an fd in use, or NULL; a free
 * one taken (WASI_FD_OPENING) into *fd; an entry emptied. */
#define WASI_SOCK_NONE UINT32_MAX
struct wasi_fd *wasi_fd_at(struct component *c, uint32_t fd);
uint32_t wasi_fd_alloc(struct component *c, uint32_t *fd);
void wasi_fd_release(struct wasi_fd *f);
/* kernel/wasi/sockets.c: make the listening sockets its starter gave it
 * (before its code runs, on its own thread: the net service must see it
 * as the caller); forget the last generation's subscription at a start;
 * and the calls files.c hands it for socket fds. */
void     wasi_sockets_open(struct component *c);
void     wasi_sockets_start(struct component *c);
uint32_t wasi_sock_rw(struct component *c, struct wasi_fd *f, bool write, uoff_t iovs, uint32_t n, uoff_t result);
uint32_t wasi_sock_close(struct component *c, struct wasi_fd *f);
#define WASI_POLL_NOT_READY 0xffff /* a poll's fd event: not ready yet */
uint32_t wasi_sock_poll(struct component *c, struct wasi_fd *f, bool write, uint64_t *nbytes, uint16_t *flags);
/* Wait until the net service signals c (a socket of its changed) or the
 * deadline, at most a second at a time (a restarted service signals no
 * one): false if c is asked to stop. */
bool     wasi_sock_wait(struct component *c, uint64_t deadline_ns);
/* fds 0-2, for files.c's calls that also take them (kernel/wasi/wasi.c):
 * the fd's state if the component has not closed it, else NULL. */
struct wasi_stdio *wasi_stdio(struct component *c, uint32_t fd);


/* WASI errno values (wasi_snapshot_preview1), as components see them. */
enum wasi_errno {
    WASI_ESUCCESS = 0,
    WASI_E2BIG = 1,
    WASI_EADDRINUSE = 3,
    WASI_EAGAIN = 6,
    WASI_EBADF = 8,
    WASI_ECONNABORTED = 13,
    WASI_ECONNREFUSED = 14,
    WASI_ECONNRESET = 15,
    WASI_EFAULT = 21,
    WASI_EHOSTUNREACH = 23,
    WASI_EINVAL = 28,
    WASI_EIO = 29,
    WASI_EISDIR = 31,
    WASI_EMFILE = 33,
    WASI_EMSGSIZE = 35,
    WASI_ENAMETOOLONG = 37,
    WASI_ENOMEM = 48,
    WASI_ENOSYS = 52,
    WASI_ENOTCONN = 53,
    WASI_ENOTDIR = 54,
    WASI_ENOTSOCK = 57,
    WASI_ENOTSUP = 58,
    WASI_EOVERFLOW = 61,
    WASI_EPIPE = 64,
    WASI_ESPIPE = 70,
    WASI_ENOTCAPABLE = 76,
};

#endif
