/* The shell's app commands (docs/apps.md): run a package from the disk in
 * the foreground (or the background) with explicit grants, list, install
 * and remove packages in /apps, and say which start at boot. The kernel
 * checks the package and the grants (app_start); this side only reads the
 * file and asks.
 *   run [--dir PATH[::GUEST]]... [--env NAME=VALUE]... [--tcplisten PORT]... [--name NAME] PACKAGE [ARGS...] [&]
 *   apps | install FILE [NAME] | remove NAME | update NAME PACKAGE
 *   autostart [-d PACKAGE | [run's options] PACKAGE [ARGS...]] */
#include "shell.h"

#include <athanor/abi/pkg.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define APPS_DIR "/apps"
#define RUN_USAGE "usage: run [--dir PATH[::GUEST]]... [--env NAME=VALUE]... [--tcplisten PORT]... [--name NAME] " \
                  "PACKAGE [ARGS...] [&]\n"
/* What starts at boot: one line per app, run's words after "run" (each
 * quoted as the shell's split reads it back). */
#define AUTOSTART APPS_DIR "/autostart"
#define AUTOSTART_USAGE "usage: autostart [-d PACKAGE | [--dir ...] [--env ...] PACKAGE [ARGS...]]\n"

/* A package's file: a path as given if it has a '/', else /apps/NAME.azpkg. */
static void package_path(char *out, size_t cap, const char *arg)
{
    if (strchr(arg, '/'))
        snprintf(out, cap, "%s", arg);
    else
        snprintf(out, cap, "%s/%s.azpkg", APPS_DIR, arg);
}

/* The whole file in malloc'd memory, or NULL with a message. */
static uint8_t *read_whole(const char *cmd, const char *path, uint32_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        out("%s: %s: %s\n", cmd, path, strerror(errno));
        return NULL;
    }
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1 << 16;
            uint8_t *nb = cap <= ATH_PKG_FILE_MAX ? realloc(buf, cap) : NULL;
            if (!nb) {
                out("%s: %s: too large to read (%zu bytes so far)\n", cmd, path, n);
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        out("%s: %s: read error\n", cmd, path);
        free(buf);
        return NULL;
    }
    *len = (uint32_t)n;
    return buf;
}

/* The request being built: the header, then its strings. */
static struct {
    struct ath_app_spec h;
    char strings[ATH_APP_SPEC_MAX - sizeof(struct ath_app_spec)];
} req;
static size_t used;

static uint32_t put(const char *s, size_t n)
{
    if (n > sizeof req.strings - used)
        return 0;
    uint32_t off = (uint32_t)(sizeof req.h + used);
    memcpy(req.strings + used, s, n);
    used += n;
    return off;
}

/* Pass a line (or what there is of it) to the program's fd 0, all of it:
 * the console takes what it has room for. */
static void feed(const char *buf, uint32_t len, uint32_t flags, const char *name)
{
    uint32_t done = 0;
    for (int tries = 0; tries < 100; tries++) {
        int n = ath_console_feed(shell_manage, buf + done, len - done, flags);
        if (n < 0)
            return;
        done += (uint32_t)n;
        if (done == len)
            return;
        struct timespec pause = { 0, 10000000 }; /* the console is full: let it read */
        nanosleep(&pause, NULL);
        int64_t st = ath_comp_ctl(shell_manage, name, ATH_COMP_STATE, 0);
        if (st < 0 || ATH_STATE_STATE(st) != ATH_RUNNING)
            return; /* nobody reads any more */
    }
}

/* Wait for the app to stop, showing its output. What is typed meanwhile
 * is the program's input, a line at a time as a terminal gives it (edited
 * here: backspace, Ctrl-U); Ctrl-D ends the input, Ctrl-C stops it. Then
 * say how it ended and give its slot back. */
static void report_end(const char *name);

static void wait_for(const char *name)
{
    bool interrupted = false;
    char line[256];
    uint32_t n = 0;
    for (;;) {
        int64_t st = ath_comp_ctl(shell_manage, name, ATH_COMP_STATE, 0);
        if (st < 0 || ATH_STATE_STATE(st) != ATH_RUNNING)
            break;
        int key = shell_poll_key(100000000ull); /* its output meanwhile; 0.1 s at most */
        if (key < 0)
            continue;
        if (key == 0x03 && !interrupted) {
            out("^C\n");
            ath_comp_ctl(shell_manage, name, ATH_COMP_KILL, 0);
            interrupted = true;
        } else if (key == 0x04) { /* Ctrl-D: what is typed so far, then the end */
            feed(line, n, ATH_FEED_END, name);
            n = 0;
        } else if (key == '\r' || key == '\n') {
            out("\n");
            line[n++] = '\n';
            feed(line, n, 0, name);
            n = 0;
        } else if ((key == 0x7f || key == 0x08) && n) {
            n--;
            out("\b \b");
        } else if (key == 0x15) {
            for (; n; n--)
                out("\b \b");
        } else if (key >= 0x20 && key < 0x7f && n < sizeof line - 1) {
            line[n++] = (char)key;
            out("%c", key);
        }
    }
    report_end(name);
}

/* Background apps (run ... &, autostart): their names, until they end. */
#define BG_MAX 16
static char bg[BG_MAX][ATH_NAME_MAX];

void shell_reap(void)
{
    for (int i = 0; i < BG_MAX; i++) {
        if (!bg[i][0])
            continue;
        int64_t st = ath_comp_ctl(shell_manage, bg[i], ATH_COMP_STATE, 0);
        if (st >= 0 && ATH_STATE_STATE(st) == ATH_RUNNING)
            continue;
        if (st >= 0)
            report_end(bg[i]);
        bg[i][0] = '\0';
    }
}

/* Say how the app ended and give its slot back. */
static void report_end(const char *name)
{
    int64_t ex = ath_comp_ctl(shell_manage, name, ATH_COMP_EXIT, 0);
    unsigned kind = ex >= 0 ? ATH_EXIT_KIND(ex) : 0;
    if (ex < 0)
        out("[%s: %s]\n", name, ath_strerror((int)ex));
    else if (kind == ATH_TRAP_NONE)
        out("[%s: exit status %d]\n", name, ATH_EXIT_STATUS(ex));
    else
        out("[%s: stopped: %s]\n", name, ath_trap_name(kind));
    ath_comp_ctl(shell_manage, name, ATH_COMP_REMOVE, 0);
}

static void cmd_run(int argc, char **argv)
{
    bool background = argc > 1 && !strcmp(argv[argc - 1], "&");
    int slot = 0;
    if (background) {
        argc--;
        while (slot < BG_MAX && bg[slot][0])
            slot++;
        if (slot == BG_MAX) {
            out("run: %d apps run in the background already\n", BG_MAX);
            return;
        }
    }
    memset(&req.h, 0, sizeof req.h);
    used = 0;
    req.h.grants = ATH_APP_CONSOLE | ATH_APP_CLOCK | ATH_APP_RANDOM; /* the default, no more */
    const char *name = NULL;
    char env[ATH_APP_ENV_MAX];
    size_t env_len = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--")) {
            i++;
            break;
        }
        if (i + 1 >= argc) {
            out("run: %s wants a value\n" RUN_USAGE, o);
            return;
        }
        const char *v = argv[++i];
        if (!strcmp(o, "--name")) {
            name = v;
        } else if (!strcmp(o, "--env")) {
            size_t n = strlen(v) + 1;
            if (!strchr(v, '=') || v[0] == '=' || n > sizeof env - env_len) {
                out("run: --env %s: want NAME=VALUE (and less than %u bytes in all)\n", v, ATH_APP_ENV_MAX);
                return;
            }
            memcpy(env + env_len, v, n);
            env_len += n;
        } else if (!strcmp(o, "--dir")) {
            if (req.h.ndirs == ATH_APP_DIRS_MAX) {
                out("run: at most %u --dir\n", ATH_APP_DIRS_MAX);
                return;
            }
            const char *sep = strstr(v, "::");
            size_t plen = sep ? (size_t)(sep - v) : strlen(v);
            const char *guest = sep ? sep + 2 : v;
            struct ath_app_dir *d = &req.h.dirs[req.h.ndirs++];
            char path[ATH_APP_PATH_MAX];
            snprintf(path, sizeof path, "%.*s", (int)plen, v);
            d->path_len = (uint32_t)strlen(path);
            d->guest_len = (uint32_t)strlen(guest);
            d->path_off = put(path, d->path_len + 1);
            d->guest_off = put(guest, d->guest_len + 1);
        } else if (!strcmp(o, "--tcplisten")) {
            /* a listening socket made for it: the shell's own "listen"
             * rules must cover the port (the kernel asks the net service) */
            char *end;
            unsigned long port = strtoul(v, &end, 10);
            if (*end || !port || port > 65535 || req.h.nlisten == ATH_APP_LISTEN_MAX) {
                out("run: --tcplisten %s: want a port, 1-65535 (at most %u of them)\n", v, ATH_APP_LISTEN_MAX);
                return;
            }
            req.h.listen[req.h.nlisten++] = (struct ath_app_listen){ .port = (uint16_t)port, .backlog = 16 };
        } else {
            out("run: unknown option %s\n" RUN_USAGE, o);
            return;
        }
    }
    if (i >= argc) {
        out(RUN_USAGE);
        return;
    }
    char path[256];
    package_path(path, sizeof path, argv[i]);
    /* argv[0]: the package as the user named it. */
    req.h.args_off = (uint32_t)(sizeof req.h + used);
    for (int k = i; k < argc; k++)
        if (!put(argv[k], strlen(argv[k]) + 1)) {
            out("run: arguments too long\n");
            return;
        }
    req.h.args_len = (uint32_t)(sizeof req.h + used) - req.h.args_off;
    if (env_len && !(req.h.env_off = put(env, env_len))) {
        out("run: environment too long\n");
        return;
    }
    req.h.env_len = (uint32_t)env_len;
    if (name) {
        req.h.name_len = (uint32_t)strlen(name);
        req.h.name_off = put(name, req.h.name_len + 1);
    }
    req.h.size = (uint32_t)(sizeof req.h + used);
    uint32_t len;
    uint8_t *pkg = read_whole("run", path, &len);
    if (!pkg)
        return;
    if (!background) /* the foreground one's input starts empty; a background one gets none */
        ath_console_feed(shell_manage, NULL, 0, ATH_FEED_RESET);
    int idx = ath_app_start(shell_manage, pkg, len, &req.h);
    free(pkg);
    if (idx < 0) {
        out("run: %s: %s (the console says why)\n", path, ath_strerror(idx));
        return;
    }
    char started[ATH_NAME_MAX];
    if (ath_comp_name(shell_manage, (unsigned)idx, started, sizeof started) <= 0) {
        out("run: started, but its name is gone\n");
        return;
    }
    if (background) {
        snprintf(bg[slot], sizeof bg[slot], "%s", started);
        out("[%s running in the background]\n", started);
        return;
    }
    wait_for(started);
}

static bool is_package(const char *path)
{
    char magic[8];
    FILE *f = fopen(path, "rb");
    bool ok = f && fread(magic, 1, 8, f) == 8 && memcmp(magic, ATH_PKG_MAGIC, 8) == 0;
    if (f)
        fclose(f);
    return ok;
}

/* The package a line of /apps/autostart (or run's words) starts: the first
 * word that is not an option or an option's value. */
static const char *package_of(int argc, char **argv)
{
    int i = 0;
    while (i < argc && !strncmp(argv[i], "--", 2) && strcmp(argv[i], "--"))
        i += 2; /* an option and its value */
    if (i < argc && !strcmp(argv[i], "--"))
        i++;
    return i < argc ? argv[i] : NULL;
}

/* Each line of /apps/autostart in turn, split, to fn; fn returns false to
 * drop the line. With keep set, the lines kept are written back (and
 * extra, a line, after them): false if that failed. */
static bool autostart_lines(bool (*fn)(int argc, char **argv, const char *line, void *arg), void *arg, bool keep,
                            const char *extra)
{
    char *kept = NULL;
    size_t klen = 0;
    FILE *f = fopen(AUTOSTART, "r");
    char line[512], copy[512];
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        snprintf(copy, sizeof copy, "%s", line);
        char *argv[32];
        int argc = shell_split(copy, argv, 32);
        if (argc <= 0 || !fn(argc, argv, line, arg))
            continue;
        if (keep) {
            char *k = realloc(kept, klen + strlen(line) + 2);
            if (!k)
                break;
            kept = k;
            klen += (size_t)sprintf(kept + klen, "%s\n", line);
        }
    }
    if (f)
        fclose(f);
    bool ok = true;
    if (keep) {
        FILE *w = fopen(AUTOSTART ".new", "w");
        ok = w && (!klen || fwrite(kept, 1, klen, w) == klen) && (!extra || fprintf(w, "%s\n", extra) > 0);
        ok = w && fclose(w) == 0 && ok;
        ok = ok && rename(AUTOSTART ".new", AUTOSTART) == 0; /* the old list or the new, whole */
        if (!ok)
            unlink(AUTOSTART ".new");
        shell_syncfs();
    }
    free(kept);
    return ok;
}

static bool is_not(int argc, char **argv, const char *line, void *name)
{
    (void)line;
    const char *p = package_of(argc, argv);
    return !p || strcmp(p, name);
}

static bool show(int argc, char **argv, const char *line, void *count)
{
    (void)argc, (void)argv;
    out("  %s\n", line);
    ++*(int *)count;
    return true;
}

struct find {
    const char *name;
    bool        found;
};

static bool find(int argc, char **argv, const char *line, void *arg)
{
    struct find *f = arg;
    f->found |= !is_not(argc, argv, line, (void *)f->name);
    return true;
}

/* Does /apps/autostart start this package? */
static bool autostarts(const char *name)
{
    struct find f = { name, false };
    autostart_lines(find, &f, false, NULL);
    return f.found;
}

static void cmd_apps(void)
{
    DIR *d = opendir(APPS_DIR);
    if (!d) {
        out("apps: none installed (%s: %s)\n", APPS_DIR, strerror(errno));
        return;
    }
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t l = strlen(e->d_name);
        if (l < 7 || strcmp(e->d_name + l - 6, ".azpkg"))
            continue;
        char path[300];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", APPS_DIR, e->d_name);
        char name[ATH_NAME_MAX];
        snprintf(name, sizeof name, "%.*s", (int)(l - 6), e->d_name);
        if (stat(path, &st) == 0)
            out("%-24s %8lld bytes%s\n", name, (long long)st.st_size, autostarts(name) ? "  autostart" : "");
        n++;
    }
    closedir(d);
    out("%d installed in %s\n", n, APPS_DIR);
}

static void cmd_install(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        out("usage: install FILE [NAME]\n");
        return;
    }
    if (!is_package(argv[1])) {
        out("install: %s is not a package (make one with tools/mkpkg.sh on the host)\n", argv[1]);
        return;
    }
    char name[ATH_NAME_MAX], dst[300];
    const char *b = strrchr(argv[1], '/');
    snprintf(name, sizeof name, "%s", argc == 3 ? argv[2] : b ? b + 1 : argv[1]);
    char *dot = strstr(name, ".azpkg");
    if (dot)
        *dot = '\0';
    mkdir(APPS_DIR, 0755);
    snprintf(dst, sizeof dst, "%s/%s.azpkg", APPS_DIR, name);
    uint32_t len;
    uint8_t *buf = read_whole("install", argv[1], &len);
    if (!buf)
        return;
    FILE *f = fopen(dst, "wb");
    bool ok = f && fwrite(buf, 1, len, f) == len;
    ok = f && fclose(f) == 0 && ok;
    free(buf);
    if (!ok) {
        out("install: cannot write %s: %s\n", dst, strerror(errno));
        unlink(dst);
        return;
    }
    if (shell_syncfs() < 0)
        out("install: %s written, but the sync failed: it may not survive a power cut\n", dst);
    out("installed %s (run %s)\n", dst, name);
}

static void cmd_remove(int argc, char **argv)
{
    if (argc != 2) {
        out("usage: remove NAME\n");
        return;
    }
    char path[300];
    package_path(path, sizeof path, argv[1]);
    if (unlink(path) != 0) {
        out("remove: %s: %s\n", path, strerror(errno));
        return;
    }
    if (autostarts(argv[1]) && !autostart_lines(is_not, argv[1], true, NULL))
        out("remove: %s stays in %s (it cannot be written)\n", argv[1], AUTOSTART);
    shell_syncfs();
    out("removed %s\n", path);
}

static void cmd_update(int argc, char **argv)
{
    if (argc != 3) {
        out("usage: update NAME PACKAGE\n");
        return;
    }
    char path[256];
    package_path(path, sizeof path, argv[2]);
    uint32_t len;
    uint8_t *pkg = read_whole("update", path, &len);
    if (!pkg)
        return;
    int r = ath_app_update(shell_manage, argv[1], pkg, len);
    free(pkg);
    if (r)
        out("update %s: %s%s\n", argv[1], ath_strerror(r), r == -ATH_ENOENT ? " (no such component)" : "");
    else
        out("updated %s from %s\n", argv[1], path);
}

/* Append a word to a line as shell_split reads it back: in double quotes,
 * with " and \ escaped. false if it does not fit. */
static bool quote(char *line, size_t cap, const char *w)
{
    size_t n = strlen(line);
    if (n && n + 1 < cap)
        line[n++] = ' ';
    if (n + 1 >= cap)
        return false;
    line[n++] = '"';
    for (; *w; w++) {
        if (n + 3 >= cap)
            return false;
        if (*w == '"' || *w == '\\')
            line[n++] = '\\';
        line[n++] = *w;
    }
    line[n++] = '"';
    line[n] = '\0';
    return true;
}

static void cmd_autostart(int argc, char **argv)
{
    int count = 0;
    if (argc == 1) {
        out("%s:\n", AUTOSTART);
        autostart_lines(show, &count, false, NULL);
        out("%d app%s start%s at boot\n", count, count == 1 ? "" : "s", count == 1 ? "s" : "");
        return;
    }
    if (!strcmp(argv[1], "-d")) {
        if (argc != 3) {
            out(AUTOSTART_USAGE);
        } else if (!autostarts(argv[2])) {
            out("autostart: %s does not start at boot\n", argv[2]);
        } else if (autostart_lines(is_not, argv[2], true, NULL)) {
            out("%s no longer starts at boot\n", argv[2]);
        } else {
            out("autostart: cannot write %s: %s\n", AUTOSTART, strerror(errno));
        }
        return;
    }
    const char *pkg = package_of(argc - 1, argv + 1);
    if (!pkg || !strcmp(argv[argc - 1], "&")) {
        out(AUTOSTART_USAGE);
        return;
    }
    char path[256], line[512] = "";
    package_path(path, sizeof path, pkg);
    if (strchr(pkg, '/') || !is_package(path)) {
        out("autostart: %s is not an installed package (see apps; install puts one in %s)\n", pkg, APPS_DIR);
        return;
    }
    for (int i = 1; i < argc; i++)
        if (!quote(line, sizeof line, argv[i])) {
            out("autostart: the line is too long\n");
            return;
        }
    /* One line per package: a new one replaces the old. */
    if (autostart_lines(is_not, (void *)pkg, true, line))
        out("%s starts at boot: run %s\n", pkg, line);
    else
        out("autostart: cannot write %s: %s\n", AUTOSTART, strerror(errno));
}

static bool start_one(int argc, char **argv, const char *line, void *arg)
{
    (void)arg;
    char *args[34] = { "run" };
    int n = 1;
    for (int i = 0; i < argc && n < 33; i++)
        args[n++] = argv[i];
    args[n++] = "&";
    out("autostart: run %s\n", line);
    cmd_run(n, args);
    return true;
}

void shell_autostart(void)
{
    autostart_lines(start_one, NULL, false, NULL);
}

bool shell_app_command(int argc, char **argv)
{
    if (!strcmp(argv[0], "run"))
        cmd_run(argc, argv);
    else if (!strcmp(argv[0], "apps"))
        cmd_apps();
    else if (!strcmp(argv[0], "install"))
        cmd_install(argc, argv);
    else if (!strcmp(argv[0], "remove"))
        cmd_remove(argc, argv);
    else if (!strcmp(argv[0], "update"))
        cmd_update(argc, argv);
    else if (!strcmp(argv[0], "autostart"))
        cmd_autostart(argc, argv);
    else
        return false;
    return true;
}
