/* The shell's file commands. ls, cat, write, rm, mkdir, mv are plain C on
 * wasi-libc: the manifest preopens the disk's "/" for the shell, and the
 * kernel's WASI calls reach the filesystem service (docs/files.md). df and
 * sync ask the service itself (its endpoint: calls = ["fs"]), as no WASI
 * call tells how full a filesystem is or syncs all of it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <athanor.h>
#include <athanor/abi/fs.h>

#include "shell.h"

/* A request block for the service, lent (docs/files.md, "The protocol"). */
static uint8_t block[ATH_PAGE_SIZE] __attribute__((aligned(ATH_PAGE_SIZE)));

/* The service's answer: a value, a negative errno (the service's, which
 * are wasi-libc's), or CALL_FAILED + Athanor's code for a call that did not
 * reach it (the service not running, say). */
#define CALL_FAILED (-100000)
static int64_t fs_request(uint64_t op)
{
    struct fs_req h = { 0 };
    memcpy(block, &h, sizeof h);
    uint64_t v = 0;
    int r = ath_call_lend(shell_fs, op, 0, block, sizeof block, ATH_LEND_RW, &v);
    return r ? CALL_FAILED + r : (int64_t)v;
}

static const char *fs_why(int64_t r)
{
    return r > CALL_FAILED / 2 ? strerror((int)-r) : ath_strerror((int)(r - CALL_FAILED));
}

/* Sizes the way df -h and ls -h show them. */
static void human(char *buf, size_t n, uint64_t bytes)
{
    static const char units[] = "BKMGT";
    double v = (double)bytes;
    int u = 0;
    while (v >= 1024 && u < 4)
        v /= 1024, u++;
    if (u == 0)
        snprintf(buf, n, "%llu", (unsigned long long)bytes);
    else
        snprintf(buf, n, "%.1f%c", v, units[u]);
}

static void ls_one(const char *dir, const char *name)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
    if (lstat(path, &st) != 0) {
        out("ls: %s: %s\n", path, strerror(errno));
        return;
    }
    char size[16], target[256];
    human(size, sizeof size, (uint64_t)st.st_size);
    if (S_ISLNK(st.st_mode)) {
        ssize_t n = readlink(path, target, sizeof target - 1);
        target[n < 0 ? 0 : n] = '\0';
        out("%8s  %s -> %s\n", size, name, target);
    } else {
        out("%8s  %s%s\n", size, name, S_ISDIR(st.st_mode) ? "/" : "");
    }
}

static void cmd_ls(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/";
    struct stat st;
    if (stat(dir, &st) != 0) {
        out("ls: %s: %s\n", dir, strerror(errno));
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        char *slash = strrchr(dir, '/');
        ls_one(slash && slash != dir ? "" : "/", dir);
        return;
    }
    DIR *d = opendir(dir);
    if (!d) {
        out("ls: %s: %s\n", dir, strerror(errno));
        return;
    }
    /* Sorted, as ls does: the names first, then one line each. */
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            char **more = realloc(names, cap * sizeof *names);
            if (!more)
                break;
            names = more;
        }
        if (!(names[n] = strdup(e->d_name)))
            break;
        n++;
    }
    closedir(d);
    for (size_t i = 1; i < n; i++) /* insertion sort: directories are short here */
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++) {
        ls_one(dir, names[i]);
        free(names[i]);
    }
    free(names);
}

static void cmd_cat(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "r");
        if (!f) {
            out("cat: %s: %s\n", argv[i], strerror(errno));
            continue;
        }
        char buf[257];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf - 1, f)) > 0) {
            buf[n] = '\0';
            out("%s", buf);
        }
        if (ferror(f))
            out("cat: %s: %s\n", argv[i], strerror(errno));
        fclose(f);
    }
}

/* write FILE WORDS...: the words, a space between, and a newline, as the
 * file's whole content. */
static void cmd_write(int argc, char **argv)
{
    FILE *f = fopen(argv[1], "w");
    if (!f) {
        out("write: %s: %s\n", argv[1], strerror(errno));
        return;
    }
    for (int i = 2; i < argc; i++)
        fprintf(f, "%s%s", i > 2 ? " " : "", argv[i]);
    fputc('\n', f);
    if (fclose(f) != 0)
        out("write: %s: %s\n", argv[1], strerror(errno));
}

static void cmd_rm(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        struct stat st;
        int r = lstat(argv[i], &st) != 0 ? -1 : S_ISDIR(st.st_mode) ? rmdir(argv[i]) : unlink(argv[i]);
        if (r != 0)
            out("rm: %s: %s\n", argv[i], strerror(errno));
    }
}

static void cmd_df(void)
{
    int64_t r = fs_request(FS_OP_STATFS);
    if (r < 0) {
        out("df: the filesystem service: %s\n", fs_why(r));
        return;
    }
    struct fs_statfs s;
    memcpy(&s, block, sizeof s);
    char size[16], used[16], avail[16];
    human(size, sizeof size, s.blocks * s.bsize);
    human(used, sizeof used, (s.blocks - s.bfree) * s.bsize);
    human(avail, sizeof avail, s.bfree * s.bsize);
    out("Filesystem    Size   Used  Avail Use%%  Inodes  IFree  Mounted on\n");
    out("disk0 (ext4) %5s  %5s  %5s %3llu%%  %6llu %6llu  / (%s)\n", size, used, avail,
        (unsigned long long)(s.blocks ? (s.blocks - s.bfree) * 100 / s.blocks : 0), (unsigned long long)s.files,
        (unsigned long long)s.ffree, s.readonly ? "read-only" : "read-write");
}

void shell_lsblk_fs(void)
{
    int64_t r = fs_request(FS_OP_STATFS);
    struct fs_statfs s;
    memcpy(&s, block, sizeof s);
    if (r < 0)
        out("  fs     no filesystem mounted (%s)\n", fs_why(r));
    else
        out("  fs     ext4, %llu blocks of %u bytes, %llu free, mounted on / %s\n", (unsigned long long)s.blocks,
            s.bsize, (unsigned long long)s.bfree, s.readonly ? "read-only" : "read-write");
}

int64_t shell_syncfs(void)
{
    return fs_request(FS_OP_SYNCFS);
}

bool shell_file_command(int argc, char **argv)
{
    const char *c = argv[0];
    if (!strcmp(c, "ls") && argc <= 2)
        cmd_ls(argc, argv);
    else if (!strcmp(c, "cat") && argc >= 2)
        cmd_cat(argc, argv);
    else if (!strcmp(c, "write") && argc >= 2)
        cmd_write(argc, argv);
    else if (!strcmp(c, "rm") && argc >= 2)
        cmd_rm(argc, argv);
    else if (!strcmp(c, "mkdir") && argc >= 2) {
        for (int i = 1; i < argc; i++)
            if (mkdir(argv[i], 0755) != 0)
                out("mkdir: %s: %s\n", argv[i], strerror(errno));
    } else if (!strcmp(c, "mv") && argc == 3) {
        if (rename(argv[1], argv[2]) != 0)
            out("mv: %s -> %s: %s\n", argv[1], argv[2], strerror(errno));
    } else if (!strcmp(c, "df") && argc == 1)
        cmd_df();
    else if (!strcmp(c, "sync") && argc == 1) {
        int64_t r = shell_syncfs();
        if (r < 0)
            out("sync: %s\n", fs_why(r));
    } else if (!strcmp(c, "ls") || !strcmp(c, "cat") || !strcmp(c, "write") || !strcmp(c, "rm") ||
               !strcmp(c, "mkdir") || !strcmp(c, "mv") || !strcmp(c, "df") || !strcmp(c, "sync"))
        out("usage: ls [path] | cat file... | write file words... | rm path... | mkdir dir... | mv from to | "
            "df | sync\n");
    else
        return false;
    return true;
}
