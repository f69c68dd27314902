/* WASI preview 1's numbers that wasi.c and files.c both use: rights,
 * fd flags, file types (wasi_snapshot_preview1's witx; private to kernel/wasi). */
#ifndef KERNEL_WASI_ABI_H
#define KERNEL_WASI_ABI_H

/* WASI's rights (wasi_snapshot_preview1). */
#define R_FD_DATASYNC           (1ull << 0)
#define R_FD_READ               (1ull << 1)
#define R_FD_SEEK               (1ull << 2)
#define R_FD_FDSTAT_SET_FLAGS   (1ull << 3)
#define R_FD_SYNC               (1ull << 4)
#define R_FD_TELL               (1ull << 5)
#define R_FD_WRITE              (1ull << 6)
#define R_FD_ADVISE             (1ull << 7)
#define R_FD_ALLOCATE           (1ull << 8)
#define R_PATH_CREATE_DIRECTORY (1ull << 9)
#define R_PATH_CREATE_FILE      (1ull << 10)
#define R_PATH_LINK_SOURCE      (1ull << 11)
#define R_PATH_LINK_TARGET      (1ull << 12)
#define R_PATH_OPEN             (1ull << 13)
#define R_FD_READDIR            (1ull << 14)
#define R_PATH_READLINK         (1ull << 15)
#define R_PATH_RENAME_SOURCE    (1ull << 16)
#define R_PATH_RENAME_TARGET    (1ull << 17)
#define R_PATH_FILESTAT_GET     (1ull << 18)
#define R_PATH_FILESTAT_SET_SIZE (1ull << 19)
#define R_PATH_FILESTAT_SET_TIMES (1ull << 20)
#define R_FD_FILESTAT_GET       (1ull << 21)
#define R_FD_FILESTAT_SET_SIZE  (1ull << 22)
#define R_FD_FILESTAT_SET_TIMES (1ull << 23)
#define R_PATH_SYMLINK          (1ull << 24)
#define R_PATH_REMOVE_DIRECTORY (1ull << 25)
#define R_PATH_UNLINK_FILE      (1ull << 26)
#define R_POLL_FD_READWRITE     (1ull << 27)
#define R_SOCK_SHUTDOWN         (1ull << 28)
#define R_SOCK_ACCEPT           (1ull << 29)

/* What a file may be given, what a directory may, and what writes. */
#define RIGHTS_FILE (R_FD_DATASYNC | R_FD_READ | R_FD_SEEK | R_FD_FDSTAT_SET_FLAGS | R_FD_SYNC | \
                     R_FD_TELL | R_FD_WRITE | R_FD_ADVISE | R_FD_ALLOCATE | R_FD_FILESTAT_GET |  \
                     R_FD_FILESTAT_SET_SIZE | R_FD_FILESTAT_SET_TIMES | R_POLL_FD_READWRITE)
#define RIGHTS_DIR  (R_FD_FDSTAT_SET_FLAGS | R_FD_SYNC | R_FD_DATASYNC | R_PATH_CREATE_DIRECTORY |  \
                     R_PATH_CREATE_FILE | R_PATH_LINK_SOURCE | R_PATH_LINK_TARGET | R_PATH_OPEN |   \
                     R_FD_READDIR | R_PATH_READLINK | R_PATH_RENAME_SOURCE | R_PATH_RENAME_TARGET | \
                     R_PATH_FILESTAT_GET | R_PATH_FILESTAT_SET_SIZE | R_PATH_FILESTAT_SET_TIMES |   \
                     R_FD_FILESTAT_GET | R_FD_FILESTAT_SET_TIMES | R_PATH_SYMLINK |                 \
                     R_PATH_REMOVE_DIRECTORY | R_PATH_UNLINK_FILE)
#define RIGHTS_WRITING (R_FD_WRITE | R_FD_ALLOCATE | R_FD_FILESTAT_SET_SIZE | R_FD_FILESTAT_SET_TIMES | \
                        R_PATH_CREATE_DIRECTORY | R_PATH_CREATE_FILE | R_PATH_LINK_TARGET |           \
                        R_PATH_RENAME_SOURCE | R_PATH_RENAME_TARGET | R_PATH_FILESTAT_SET_SIZE |      \
                        R_PATH_FILESTAT_SET_TIMES | R_PATH_SYMLINK | R_PATH_REMOVE_DIRECTORY |         \
                        R_PATH_UNLINK_FILE)

#define FDFLAG_APPEND 1u
#define FDFLAG_DSYNC  2u
#define FDFLAG_NONBLOCK 4u
#define FDFLAG_RSYNC  8u
#define FDFLAG_SYNC   16u
#define FDFLAGS_ALL   31u
/* A terminal's rights, as WASI's reference implementation gave a tty (and
 * Node's uvwasi still does): no seek or tell, which is how wasi-libc's
 * isatty() knows one; fd 0 then loses the writing right, 1 and 2 the
 * reading one, and each what its console capability does not give. */
#define RIGHTS_TTY (R_FD_READ | R_FD_FDSTAT_SET_FLAGS | R_FD_WRITE | R_FD_FILESTAT_GET | R_POLL_FD_READWRITE)

#define FILETYPE_CHARACTER_DEVICE 2
#define FILETYPE_SOCKET_STREAM    6

/* A listening socket's rights, and a connection's (kernel/wasi/sockets.c). */
#define RIGHTS_LISTENER (R_SOCK_ACCEPT | R_FD_FDSTAT_SET_FLAGS | R_FD_FILESTAT_GET | R_POLL_FD_READWRITE)
#define RIGHTS_CONN     (R_FD_READ | R_FD_WRITE | R_SOCK_SHUTDOWN | R_FD_FDSTAT_SET_FLAGS | R_FD_FILESTAT_GET | \
                         R_POLL_FD_READWRITE)

#endif
