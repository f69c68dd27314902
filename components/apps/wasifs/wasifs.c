/* The WASI filesystem conformance suite (tests/qemu/files.sh; docs/files.md):
 * every preview-1 file call, its success cases and the errno values the
 * specification gives for its failures, through the raw calls (wasi/api.h)
 * so that each errno is seen as the kernel returns it; then the same things
 * through wasi-libc's stdio and POSIX calls, as a C program uses them.
 * Preopens (system.toml): fd 3 = "/" (the disk's /work, read-write), fd 4 =
 * "/ro" (the disk's /ro, read-only). The disk (files.sh) holds /secret.txt
 * outside both, /work/up -> ../secret.txt and /work/abs -> /secret.txt.
 * Prints "wasifs: PASS name" or "wasifs: FAIL name: why" per check, then
 * "wasifs: N passed, M failed". */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#define ROOT 3
#define RO   4
static unsigned passed, failed;

static void check(const char *name, int ok, const char *fmt, long long got, long long want)
{
    if (ok) {
        passed++;
        printf("wasifs: PASS %s\n", name);
    } else {
        failed++;
        printf("wasifs: FAIL %s: ", name);
        printf(fmt, got, want);
        printf("\n");
    }
}

/* An errno (0: success) as wanted. */
static void want(const char *name, __wasi_errno_t got, __wasi_errno_t w)
{
    check(name, got == w, "errno %lld, want %lld", got, w);
}

static void want_eq(const char *name, long long got, long long w)
{
    check(name, got == w, "got %lld, want %lld", got, w);
}

/* Every right a file or directory can have (bits 0-27; 28 and 29 are sockets'). */
static const __wasi_rights_t ALL = (1ull << 28) - 1;

/* What a directory fd asks for: everything but writing to itself. */
static const __wasi_rights_t DIRR = ((1ull << 28) - 1) & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ALLOCATE |
                                                         __WASI_RIGHTS_FD_FILESTAT_SET_SIZE);

static __wasi_errno_t open_dir(__wasi_fd_t dir, const char *path, __wasi_fd_t *fd)
{
    return __wasi_path_open(dir, 0, path, __WASI_OFLAGS_DIRECTORY, DIRR, ALL, 0, fd);
}

/* path_open as imported, with the path's length given: the wrapper would
 * take strlen of a pointer that is not there. */
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t len, int32_t oflags, int64_t base,
                      int64_t inh, int32_t fdflags, int32_t out)
    __attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("path_open")));

static __wasi_errno_t open_at(__wasi_fd_t dir, const char *path, __wasi_lookupflags_t lf, __wasi_oflags_t of,
                              __wasi_rights_t rights, __wasi_fdflags_t ff, __wasi_fd_t *fd)
{
    return __wasi_path_open(dir, lf, path, of, rights, rights, ff, fd);
}

static __wasi_errno_t put(__wasi_fd_t fd, const void *p, size_t n, size_t *done)
{
    __wasi_ciovec_t v = { p, n };
    return __wasi_fd_write(fd, &v, 1, done);
}

static __wasi_errno_t get(__wasi_fd_t fd, void *p, size_t n, size_t *done)
{
    __wasi_iovec_t v = { p, n };
    return __wasi_fd_read(fd, &v, 1, done);
}

static __wasi_filestat_t stat_of(__wasi_fd_t dir, const char *path, int follow, __wasi_errno_t *e)
{
    __wasi_filestat_t st = { 0 };
    *e = __wasi_path_filestat_get(dir, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path, &st);
    return st;
}

static void prestat(void)
{
    __wasi_prestat_t p;
    char name[8] = { 0 };
    want("prestat_get", __wasi_fd_prestat_get(ROOT, &p), 0);
    want_eq("prestat_get-len", p.u.dir.pr_name_len, 1);
    want("prestat_dir_name", __wasi_fd_prestat_dir_name(ROOT, (uint8_t *)name, 1), 0);
    want_eq("prestat_dir_name-root", name[0], '/');
    want("prestat_get-second", __wasi_fd_prestat_get(RO, &p), 0);
    want("prestat_dir_name-short", __wasi_fd_prestat_dir_name(RO, (uint8_t *)name, 2), __WASI_ERRNO_NAMETOOLONG);
    want("prestat_get-not-preopen", __wasi_fd_prestat_get(RO + 1, &p), __WASI_ERRNO_BADF);
}

static void read_write(void)
{
    __wasi_fd_t fd, fd2;
    size_t n;
    char buf[32] = { 0 };
    __wasi_filesize_t pos;
    want("path_open-create", open_at(ROOT, "a.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL, 0, &fd), 0);
    want("fd_write", put(fd, "hello", 5, &n), 0);
    want_eq("fd_write-count", (long long)n, 5);
    want("fd_tell", __wasi_fd_tell(fd, &pos), 0);
    want_eq("fd_tell-pos", (long long)pos, 5);
    want("fd_seek-set", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos), 0);
    want("fd_read", get(fd, buf, sizeof buf, &n), 0);
    check("fd_read-data", n == 5 && !memcmp(buf, "hello", 5), "%lld bytes, want %lld", (long long)n, 5);
    want("fd_read-eof", get(fd, buf, sizeof buf, &n), 0);
    want_eq("fd_read-eof-count", (long long)n, 0);
    want("fd_seek-end", __wasi_fd_seek(fd, -1, __WASI_WHENCE_END, &pos), 0);
    want_eq("fd_seek-end-pos", (long long)pos, 4);
    want("fd_seek-negative", __wasi_fd_seek(fd, -10, __WASI_WHENCE_CUR, &pos), __WASI_ERRNO_INVAL);
    want("fd_seek-whence", __wasi_fd_seek(fd, 0, 7, &pos), __WASI_ERRNO_INVAL);
    want("path_open-excl", open_at(ROOT, "a.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, ALL, 0, &fd2),
         __WASI_ERRNO_EXIST);
    want("path_open-missing", open_at(ROOT, "missing", 0, 0, ALL, 0, &fd2), __WASI_ERRNO_NOENT);
    want("path_open-notdir", open_at(ROOT, "a.txt", 0, __WASI_OFLAGS_DIRECTORY, ALL, 0, &fd2), __WASI_ERRNO_NOTDIR);
    want("path_open-dir-write", open_at(ROOT, ".", 0, 0, __WASI_RIGHTS_FD_WRITE, 0, &fd2), __WASI_ERRNO_ISDIR);
    want("path_open-empty", open_at(ROOT, "", 0, 0, ALL, 0, &fd2), __WASI_ERRNO_NOENT);
    /* pwrite past the end leaves a hole of zeros; pread reads at its offset */
    want("fd_pwrite", __wasi_fd_pwrite(fd, &(__wasi_ciovec_t){ (const uint8_t *)"world", 5 }, 1, 10, &n), 0);
    want("fd_pread", __wasi_fd_pread(fd, &(__wasi_iovec_t){ (uint8_t *)buf, 15 }, 1, 0, &n), 0);
    check("fd_pread-data", n == 15 && !memcmp(buf, "hello\0\0\0\0\0world", 15), "%lld bytes, want %lld",
          (long long)n, 15);
    want("fd_tell-after-p", __wasi_fd_tell(fd, &pos), 0);
    want_eq("fd_tell-unmoved", (long long)pos, 4);
    __wasi_filestat_t st;
    want("fd_filestat_get", __wasi_fd_filestat_get(fd, &st), 0);
    want_eq("fd_filestat_get-size", (long long)st.size, 15);
    want_eq("fd_filestat_get-type", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
    want("fd_filestat_set_size", __wasi_fd_filestat_set_size(fd, 2), 0);
    want("fd_filestat_get-2", __wasi_fd_filestat_get(fd, &st), 0);
    want_eq("fd_filestat_set_size-size", (long long)st.size, 2);
    want("fd_filestat_set_times", __wasi_fd_filestat_set_times(fd, 5000000000ull, 123000000456ull,
                                                                 __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0);
    want("fd_filestat_get-3", __wasi_fd_filestat_get(fd, &st), 0);
    want_eq("fd_filestat_set_times-mtim", (long long)st.mtim, 123000000456ll);
    want_eq("fd_filestat_set_times-atim", (long long)st.atim, 5000000000ll);
    want("fd_filestat_set_times-both", __wasi_fd_filestat_set_times(fd, 0, 0,
         __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW), __WASI_ERRNO_INVAL);
    want("fd_sync", __wasi_fd_sync(fd), 0);
    want("fd_datasync", __wasi_fd_datasync(fd), 0);
    want("fd_advise", __wasi_fd_advise(fd, 0, 100, __WASI_ADVICE_SEQUENTIAL), 0);
    want("fd_advise-bad", __wasi_fd_advise(fd, 0, 100, 9), __WASI_ERRNO_INVAL);
    want("fd_allocate", __wasi_fd_allocate(fd, 0, 100), 0);
    want("fd_filestat_get-4", __wasi_fd_filestat_get(fd, &st), 0);
    want_eq("fd_allocate-size", (long long)st.size, 100);
    __wasi_fdstat_t fs;
    want("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &fs), 0);
    check("fd_fdstat_get-rights", fs.fs_filetype == __WASI_FILETYPE_REGULAR_FILE &&
          (fs.fs_rights_base & __WASI_RIGHTS_FD_READ) && (fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE),
          "type %lld rights %llx", fs.fs_filetype, (long long)fs.fs_rights_base);
    /* append: every write at the end, whatever the offset */
    want("fd_fdstat_set_flags", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND), 0);
    want("fd_seek-0", __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos), 0);
    want("fd_write-append", put(fd, "!", 1, &n), 0);
    want("fd_filestat_get-5", __wasi_fd_filestat_get(fd, &st), 0);
    want_eq("fd_write-append-size", (long long)st.size, 101);
    want("fd_fdstat_set_flags-bad", __wasi_fd_fdstat_set_flags(fd, 0x100), __WASI_ERRNO_INVAL);
    /* rights only go down */
    want("fd_fdstat_set_rights", __wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base & ~__WASI_RIGHTS_FD_WRITE, 0), 0);
    want("fd_write-no-right", put(fd, "x", 1, &n), __WASI_ERRNO_NOTCAPABLE);
    want("fd_fdstat_set_rights-up", __wasi_fd_fdstat_set_rights(fd, fs.fs_rights_base, 0), __WASI_ERRNO_NOTCAPABLE);
    want("fd_close", __wasi_fd_close(fd), 0);
    want("fd_close-again", __wasi_fd_close(fd), __WASI_ERRNO_BADF);
    want("fd_read-closed", get(fd, buf, 1, &n), __WASI_ERRNO_BADF);
}

static void directories(void)
{
    __wasi_fd_t d, f;
    __wasi_errno_t e;
    size_t n;
    want("path_create_directory", __wasi_path_create_directory(ROOT, "d"), 0);
    want("path_create_directory-exists", __wasi_path_create_directory(ROOT, "d"), __WASI_ERRNO_EXIST);
    want("path_open-directory", open_dir(ROOT, "d", &d), 0);
    want("path_open-under-dirfd", open_at(d, "x", 0, __WASI_OFLAGS_CREAT, ALL, 0, &f), 0);
    want("fd_write-under-dirfd", put(f, "x", 1, &n), 0);
    (void)__wasi_fd_close(f);
    char buf[256];
    __wasi_size_t used = 0;
    want("fd_readdir", __wasi_fd_readdir(d, (uint8_t *)buf, sizeof buf, 0, &used), 0);
    int names = 0, saw_x = 0;
    for (__wasi_size_t at = 0; at + sizeof(__wasi_dirent_t) <= used;) {
        __wasi_dirent_t de;
        memcpy(&de, buf + at, sizeof de);
        const char *nm = buf + at + sizeof de;
        if (de.d_namlen == 1 && nm[0] == 'x' && de.d_type == __WASI_FILETYPE_REGULAR_FILE)
            saw_x = 1;
        names++;
        at += sizeof de + de.d_namlen;
    }
    check("fd_readdir-entries", names == 3 && saw_x, "%lld entries, want %lld (., .. and x)", names, 3);
    __wasi_filestat_t st = stat_of(ROOT, "d", 0, &e);
    want("path_filestat_get", e, 0);
    want_eq("path_filestat_get-type", st.filetype, __WASI_FILETYPE_DIRECTORY);
    want("fd_filestat_get-dir", __wasi_fd_filestat_get(d, &st), 0);
    want_eq("fd_filestat_get-dir-type", st.filetype, __WASI_FILETYPE_DIRECTORY);
    want("path_remove_directory-notempty", __wasi_path_remove_directory(ROOT, "d"), __WASI_ERRNO_NOTEMPTY);
    want("path_unlink_file-dir", __wasi_path_unlink_file(ROOT, "d"), __WASI_ERRNO_ISDIR);
    want("path_remove_directory-file", __wasi_path_remove_directory(ROOT, "d/x"), __WASI_ERRNO_NOTDIR);
    want("path_unlink_file", __wasi_path_unlink_file(d, "x"), 0);
    want("path_unlink_file-missing", __wasi_path_unlink_file(d, "x"), __WASI_ERRNO_NOENT);
    want("fd_close-dir", __wasi_fd_close(d), 0);
    want("path_remove_directory", __wasi_path_remove_directory(ROOT, "d"), 0);
    stat_of(ROOT, "d", 0, &e);
    want("path_remove_directory-gone", e, __WASI_ERRNO_NOENT);
    want("fd_readdir-file", __wasi_fd_readdir(RO + 7, (uint8_t *)buf, sizeof buf, 0, &used), __WASI_ERRNO_BADF);

    /* A directory of 50 files, read with a buffer too small for two entries:
     * cookies carry on from where the last whole entry ended. */
    (void)__wasi_path_create_directory(ROOT, "many");
    for (int i = 0; i < 50; i++) {
        char nm[32];
        snprintf(nm, sizeof nm, "many/file-%02d", i);
        if (open_at(ROOT, nm, 0, __WASI_OFLAGS_CREAT, ALL, 0, &f) == 0)
            (void)__wasi_fd_close(f);
    }
    open_dir(ROOT, "many", &d);
    __wasi_dircookie_t cookie = 0;
    int count = 0;
    for (int guard = 0; guard < 1000; guard++) {
        char small[48];
        if (__wasi_fd_readdir(d, (uint8_t *)small, sizeof small, cookie, &used) != 0 || used < sizeof(__wasi_dirent_t))
            break;
        __wasi_dirent_t de;
        memcpy(&de, small, sizeof de);
        if (sizeof de + de.d_namlen > used)
            break; /* cannot happen with names this short */
        count++;
        cookie = de.d_next;
    }
    want_eq("fd_readdir-cookies", count, 52);
    (void)__wasi_fd_close(d);
}

static void names(void)
{
    __wasi_errno_t e;
    __wasi_fd_t f;
    size_t n;
    open_at(ROOT, "b.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL, 0, &f);
    put(f, "bee", 3, &n);
    (void)__wasi_fd_close(f);
    open_at(ROOT, "c.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL, 0, &f);
    put(f, "sea", 3, &n);
    (void)__wasi_fd_close(f);
    want("path_rename", __wasi_path_rename(ROOT, "b.txt", ROOT, "b2.txt"), 0);
    stat_of(ROOT, "b.txt", 0, &e);
    want("path_rename-old-gone", e, __WASI_ERRNO_NOENT);
    want("path_rename-over", __wasi_path_rename(ROOT, "c.txt", ROOT, "b2.txt"), 0);
    __wasi_filestat_t st = stat_of(ROOT, "b2.txt", 0, &e);
    want_eq("path_rename-over-size", (long long)st.size, 3);
    want("path_rename-missing", __wasi_path_rename(ROOT, "nothing", ROOT, "x"), __WASI_ERRNO_NOENT);
    (void)__wasi_path_create_directory(ROOT, "dd");
    want("path_rename-into-itself", __wasi_path_rename(ROOT, "dd", ROOT, "dd/sub"), __WASI_ERRNO_INVAL);
    want("path_rename-file-over-dir", __wasi_path_rename(ROOT, "b2.txt", ROOT, "dd"), __WASI_ERRNO_ISDIR);
    want("path_symlink", __wasi_path_symlink("b2.txt", ROOT, "ln"), 0);
    want("path_symlink-exists", __wasi_path_symlink("b2.txt", ROOT, "ln"), __WASI_ERRNO_EXIST);
    char buf[64];
    __wasi_size_t used = 0;
    want("path_readlink", __wasi_path_readlink(ROOT, "ln", (uint8_t *)buf, sizeof buf, &used), 0);
    check("path_readlink-target", used == 6 && !memcmp(buf, "b2.txt", 6), "%lld bytes, want %lld",
          (long long)used, 6);
    want("path_readlink-file", __wasi_path_readlink(ROOT, "b2.txt", (uint8_t *)buf, sizeof buf, &used),
         __WASI_ERRNO_INVAL);
    st = stat_of(ROOT, "ln", 0, &e);
    want_eq("path_filestat_get-nofollow", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
    st = stat_of(ROOT, "ln", 1, &e);
    want_eq("path_filestat_get-follow", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
    want("path_open-symlink-nofollow", open_at(ROOT, "ln", 0, 0, __WASI_RIGHTS_FD_READ, 0, &f), __WASI_ERRNO_LOOP);
    want("path_open-symlink-follow", open_at(ROOT, "ln", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0,
                                             __WASI_RIGHTS_FD_READ, 0, &f), 0);
    (void)__wasi_fd_close(f);
    want("path_link", __wasi_path_link(ROOT, 0, "b2.txt", ROOT, "hard"), 0);
    st = stat_of(ROOT, "hard", 0, &e);
    want_eq("path_link-nlink", (long long)st.nlink, 2);
    want("path_link-dir", __wasi_path_link(ROOT, 0, "dd", ROOT, "dd2"), __WASI_ERRNO_PERM);
    want("path_filestat_set_times", __wasi_path_filestat_set_times(ROOT, 0, "hard", 0, 7000000000ull,
                                                                   __WASI_FSTFLAGS_MTIM), 0);
    st = stat_of(ROOT, "b2.txt", 0, &e);
    want_eq("path_filestat_set_times-mtim", (long long)st.mtim, 7000000000ll);
}

/* Nothing leads out of a preopened directory. */
static void confinement(void)
{
    __wasi_fd_t f;
    __wasi_errno_t e;
    want("escape-dotdot", open_at(ROOT, "..", 0, 0, __WASI_RIGHTS_FD_READ, 0, &f), __WASI_ERRNO_NOTCAPABLE);
    want("escape-deep-dotdot", open_at(ROOT, "dd/../../secret.txt", 0, 0, __WASI_RIGHTS_FD_READ, 0, &f),
         __WASI_ERRNO_NOTCAPABLE);
    want("escape-absolute", open_at(ROOT, "/secret.txt", 0, 0, __WASI_RIGHTS_FD_READ, 0, &f),
         __WASI_ERRNO_NOTCAPABLE);
    want("escape-symlink", open_at(ROOT, "up", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, __WASI_RIGHTS_FD_READ, 0, &f),
         __WASI_ERRNO_NOTCAPABLE);
    want("escape-absolute-symlink", open_at(ROOT, "abs", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0,
                                            __WASI_RIGHTS_FD_READ, 0, &f), __WASI_ERRNO_NOTCAPABLE);
    want("escape-symlink-in-path", __wasi_path_create_directory(ROOT, "up/x"), __WASI_ERRNO_NOTCAPABLE);
    stat_of(ROOT, "up", 0, &e);
    want("symlink-itself-inside", e, 0);
    want("escape-rename", __wasi_path_rename(ROOT, "b2.txt", ROOT, "../stolen"), __WASI_ERRNO_NOTCAPABLE);
    want("inside-dotdot", open_at(ROOT, "dd/../b2.txt", 0, 0, __WASI_RIGHTS_FD_READ, 0, &f), 0);
    (void)__wasi_fd_close(f);
    /* the read-only preopen */
    char buf[64];
    size_t n;
    want("ro-open-read", open_at(RO, "readme.txt", 0, 0, __WASI_RIGHTS_FD_READ, 0, &f), 0);
    want("ro-read", get(f, buf, sizeof buf, &n), 0);
    check("ro-read-data", n == 9 && !memcmp(buf, "read me!\n", 9), "%lld bytes, want %lld", (long long)n, 9);
    (void)__wasi_fd_close(f);
    want("ro-create", open_at(RO, "new", 0, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_READ, 0, &f),
         __WASI_ERRNO_NOTCAPABLE);
    want("ro-open-write", open_at(RO, "readme.txt", 0, 0, __WASI_RIGHTS_FD_WRITE, 0, &f), __WASI_ERRNO_NOTCAPABLE);
    want("ro-mkdir", __wasi_path_create_directory(RO, "x"), __WASI_ERRNO_NOTCAPABLE);
    want("ro-unlink", __wasi_path_unlink_file(RO, "readme.txt"), __WASI_ERRNO_NOTCAPABLE);
}

/* Bad pointers and fds: clear errors, nothing else happens. */
static void bad_input(void)
{
    __wasi_fd_t f;
    size_t n;
    want("efault-path", (__wasi_errno_t)raw_path_open(ROOT, 0, (int32_t)0xfffffff0, 5, 0, __WASI_RIGHTS_FD_READ, 0,
                                                      0, (int32_t)(uintptr_t)&f), __WASI_ERRNO_FAULT);
    open_at(ROOT, "b2.txt", 0, 0, ALL, 0, &f);
    __wasi_iovec_t bad = { (uint8_t *)0xfffff000, 4096 };
    want("efault-iovec", __wasi_fd_read(f, &bad, 1, &n), __WASI_ERRNO_FAULT);
    want("efault-result", __wasi_fd_filestat_get(f, (__wasi_filestat_t *)0xffffffc0), __WASI_ERRNO_FAULT);
    (void)__wasi_fd_close(f);
    want("ebadf-read", __wasi_fd_read(99, &bad, 1, &n), __WASI_ERRNO_BADF);
    want("ebadf-path", __wasi_path_create_directory(99, "x"), __WASI_ERRNO_BADF);
    open_at(ROOT, "b2.txt", 0, 0, ALL, 0, &f);
    want("enotdir-path-on-file", __wasi_path_create_directory(f, "x"), __WASI_ERRNO_NOTDIR);
    __wasi_fd_t g;
    open_at(ROOT, "hard", 0, 0, ALL, 0, &g);
    want("fd_renumber", __wasi_fd_renumber(g, f), 0);
    __wasi_filestat_t st;
    want("fd_renumber-moved", __wasi_fd_filestat_get(f, &st), 0);
    want("fd_renumber-from-closed", __wasi_fd_filestat_get(g, &st), __WASI_ERRNO_BADF);
    want("fd_renumber-bad", __wasi_fd_renumber(g, f), __WASI_ERRNO_BADF);
    (void)__wasi_fd_close(f);
    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    want("enametoolong", __wasi_path_create_directory(ROOT, longname), __WASI_ERRNO_NAMETOOLONG);
}

/* Two fds on one file see each other's writes at once; a large write and
 * read cross the service's answer size. */
static void sharing(void)
{
    __wasi_fd_t a, b;
    size_t n;
    char buf[8] = { 0 };
    open_at(ROOT, "shared", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL, 0, &a);
    open_at(ROOT, "shared", 0, 0, ALL, 0, &b);
    put(a, "AAAA", 4, &n);
    (void)__wasi_fd_pwrite(b, &(__wasi_ciovec_t){ (const uint8_t *)"BB", 2 }, 1, 2, &n);
    (void)__wasi_fd_pread(a, &(__wasi_iovec_t){ (uint8_t *)buf, 8 }, 1, 0, &n);
    check("two-fds-one-file", n == 4 && !memcmp(buf, "AABB", 4), "%lld bytes, want %lld", (long long)n, 4);
    (void)__wasi_fd_close(a);
    (void)__wasi_fd_close(b);

    enum { BIG = 200 * 1024 };
    unsigned char *big = malloc(BIG), *back = malloc(BIG);
    for (unsigned i = 0; i < BIG; i++)
        big[i] = (unsigned char)(i * 7 + i / 251);
    open_at(ROOT, "big.bin", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, ALL, 0, &a);
    __wasi_ciovec_t two[2] = { { big, 1000 }, { big + 1000, BIG - 1000 } };
    want("fd_write-large", __wasi_fd_write(a, two, 2, &n), 0);
    want_eq("fd_write-large-count", (long long)n, BIG);
    __wasi_filesize_t pos;
    (void)__wasi_fd_seek(a, 0, __WASI_WHENCE_SET, &pos);
    __wasi_iovec_t in[2] = { { back, 70000 }, { back + 70000, BIG - 70000 } };
    want("fd_read-large", __wasi_fd_read(a, in, 2, &n), 0);
    check("fd_read-large-data", n == BIG && !memcmp(big, back, BIG), "%lld bytes, want %lld", (long long)n, BIG);
    (void)__wasi_fd_close(a);
    free(big);
    free(back);
}

/* What a C program does, through wasi-libc. */
static void libc(void)
{
    FILE *f = fopen("/notes.txt", "w");
    check("libc-fopen-w", f != NULL, "errno %lld, want %lld", errno, 0);
    if (f) {
        fprintf(f, "written in Azoth: %d\n", 42);
        check("libc-fclose", fclose(f) == 0, "errno %lld, want %lld", errno, 0);
    }
    char line[64] = { 0 };
    f = fopen("/notes.txt", "r");
    check("libc-fopen-r", f && fgets(line, sizeof line, f) && !strcmp(line, "written in Azoth: 42\n"),
          "errno %lld, want %lld", errno, 0);
    if (f)
        fclose(f);
    struct stat st;
    check("libc-stat", stat("/notes.txt", &st) == 0 && st.st_size == 21 && S_ISREG(st.st_mode),
          "size %lld, want %lld", (long long)st.st_size, 21);
    check("libc-rename", rename("/notes.txt", "/kept.txt") == 0, "errno %lld, want %lld", errno, 0);
    check("libc-stat-missing", stat("/notes.txt", &st) != 0 && errno == ENOENT, "errno %lld, want %lld", errno,
          ENOENT);
    check("libc-mkdir", mkdir("/sub", 0755) == 0, "errno %lld, want %lld", errno, 0);
    f = fopen("/sub/gone.txt", "w");
    if (f)
        fclose(f);
    check("libc-unlink", unlink("/sub/gone.txt") == 0 && rmdir("/sub") == 0, "errno %lld, want %lld", errno, 0);
    DIR *d = opendir("/");
    int seen = 0, kept = 0;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        seen++;
        kept |= !strcmp(de->d_name, "kept.txt");
    }
    if (d)
        closedir(d);
    check("libc-readdir", seen > 5 && kept, "%lld entries, want more than %lld with kept.txt", seen, 5);
    check("libc-escape", fopen("/../secret.txt", "r") == NULL && errno == ENOTCAPABLE, "errno %lld, want %lld",
          errno, ENOTCAPABLE);
    f = fopen("/ro/readme.txt", "r");
    check("libc-second-preopen", f && fgets(line, sizeof line, f) && !strcmp(line, "read me!\n"),
          "errno %lld, want %lld", errno, 0);
    if (f)
        fclose(f);
    /* What files.sh reads back on the host with debugfs. */
    f = fopen("/from-azoth.txt", "w");
    if (f) {
        fprintf(f, "made by wasifs\n");
        fflush(f);
        fsync(fileno(f));
        fclose(f);
    }
}

int main(void)
{
    prestat();
    read_write();
    directories();
    names();
    confinement();
    bad_input();
    sharing();
    libc();
    __wasi_fd_t r = 5;
    want("fd_close-preopen", __wasi_fd_close(RO), 0);
    want("path_open-closed-preopen", open_at(RO, "readme.txt", 0, 0, __WASI_RIGHTS_FD_READ, 0, &r),
         __WASI_ERRNO_BADF);
    printf("wasifs: %u passed, %u failed\n", passed, failed);
    return failed != 0;
}
