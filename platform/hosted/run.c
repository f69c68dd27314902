/* `azoth run`: run one WASI program on the hosted kernel, like `wasmtime
 * run` (docs/apps.md). Parse the flags (wasmtime's names), compile a .wasm
 * into a package with the build's tools/mkpkg.sh — once: packages are kept
 * in a cache by the module's SHA-256, the runtime and the key — read it, and
 * hand it to the kernel with a start request holding exactly the grants
 * given. The kernel does the rest (kernel/load/run.c).
 *
 *   azoth run [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... [--tcplisten ADDR:PORT]...
 *             FILE [--] [ARGS...]
 *
 * --tcplisten gives the machine a network: tools/netpeer's slirp mode (QEMU's
 * user networking, as a child process that dies with this one) on the
 * virtio-net double, forwarding ADDR:PORT on the host to the same port of
 * the machine, where the program finds a listening socket made for it. */
#include "hosted.h"

#include <athanor/abi/app.h>
#include <athanor/abi/pkg.h>
#include <athanor/load.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef AZOTH_SRC_DIR
#error "the build defines AZOTH_SRC_DIR and AZOTH_BUILD_DIR (mk/hosted.mk)"
#endif

#define EXIT_USAGE 2
#define EXIT_FAIL  126

static const char *prog = "azoth run";

static void usage(void)
{
    fprintf(stderr,
            "usage: azoth run [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... [--tcplisten ADDR:PORT]...\n"
            "                 FILE [--] [ARGS...]\n"
            "  FILE                 a WebAssembly module (a WASI command) or a package (.azpkg)\n"
            "  --dir HOST[::GUEST]  grant the host folder HOST, seen by the program as GUEST\n"
            "                       (default: HOST as written)\n"
            "  --env NAME=VALUE     set a variable of its environment; --env NAME passes the\n"
            "                       host's own value on\n"
            "  --tcplisten ADDR:PORT  a listening TCP socket for the program (its fd after the\n"
            "                       folders'), reached from the host at ADDR:PORT (IPv4)\n"
            "  AZOTH_VERBOSE=1      show the kernel's messages on standard error\n"
            "  AZOTH_RUN_TIMING=1   say on standard error what loading and starting it took\n");
}

/* path opened for reading, a regular file: its descriptor and size, or -1
 * (said why). */
static int open_file(const char *path, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    const char *why = fd < 0 || fstat(fd, &st) != 0 ? strerror(errno)
                    : !S_ISREG(st.st_mode)           ? "not a regular file"
                                                     : NULL;
    if (why) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, why);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *size = (size_t)st.st_size;
    return fd;
}

/* All n bytes of fd into buf: true, or false (said why, naming path). */
static bool read_all(int fd, void *buf, size_t n, const char *path)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = read(fd, (char *)buf + done, n - done);
        if (r <= 0)
            break;
        done += (size_t)r;
    }
    if (done != n)
        fprintf(stderr, "%s: %s: could not read it\n", prog, path);
    return done == n;
}

/* The whole of a module file, or NULL with a message. */
static uint8_t *slurp(const char *path, size_t *len)
{
    size_t n;
    int fd = open_file(path, &n);
    if (fd < 0)
        return NULL;
    uint8_t *buf = n <= ATH_PKG_FILE_MAX * 4ull ? malloc(n + 1) : NULL;
    if (!buf)
        fprintf(stderr, "%s: %s: %zu bytes: more than %u MiB\n", prog, path, n, ATH_PKG_FILE_MAX * 4 >> 20);
    else if (!read_all(fd, buf, n, path)) {
        free(buf);
        buf = NULL;
    }
    close(fd);
    *len = n;
    return buf;
}

static void hex(char *out, const uint8_t *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", in[i]);
}

/* A package name from the file's: its base name without .wasm, lower case,
 * other characters as '-', at most ATH_PKG_NAME_MAX - 1 of them. */
static void name_from(char *out, const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    if (n > 5 && strcmp(b + n - 5, ".wasm") == 0)
        n -= 5;
    size_t k = 0;
    for (size_t i = 0; i < n && k < ATH_PKG_NAME_MAX - 1; i++) {
        char ch = b[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        out[k++] = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ? ch : '-';
    }
    out[k] = '\0';
    if (!k)
        strcpy(out, "app");
}

/* A package file into a code region of ath_pkg_mem_size bytes (the file,
 * then zeroes for its image's bss), as the loader takes it. 0, or -1 (said
 * why). */
static int read_package(const char *path, struct plat_code *out, size_t *len)
{
    size_t n;
    int fd = open_file(path, &n);
    if (fd < 0)
        return -1;
    _Static_assert(ATH_PKG_FILE_MAX == 64u << 20 && PLAT_CODE_MAX == 64u << 20, "the message below");
    struct ath_pkg_header h = { 0 };
    ssize_t got = pread(fd, &h, sizeof h, 0);
    uint64_t mem = ath_pkg_mem_size(&h, n);
    const char *why = got < 0 ? strerror(errno)
                    : n < sizeof h ? "too short to be a package"
                    : n > ATH_PKG_FILE_MAX || mem > PLAT_CODE_MAX ? "larger than a package may be (64 MiB)"
                    : plat_code_alloc((size_t)mem, out) != 0 ? "no memory for it"
                                                              : NULL;
    if (why) { /* said as the loader says it (kernel/load/pkg.c) */
        fprintf(stderr, "%s: cannot run it: %zu bytes: %s\n", prog, n, why);
        close(fd);
        return -1;
    }
    bool whole = read_all(fd, (void *)out->base, n, path);
    close(fd);
    if (!whole) {
        plat_code_free(out);
        return -1;
    }
    *len = n;
    return 0;
}

/* The cache: $AZOTH_CACHE, else $XDG_CACHE_HOME/azoth, else ~/.cache/azoth. */
static int cache_dir(char *out, size_t cap)
{
    const char *c = getenv("AZOTH_CACHE"), *x = getenv("XDG_CACHE_HOME"), *h = getenv("HOME");
    int n = c && *c ? snprintf(out, cap, "%s", c)
          : x && *x ? snprintf(out, cap, "%s/azoth", x)
          : snprintf(out, cap, "%s/.cache/azoth", h && *h ? h : "/tmp");
    if (n < 0 || (size_t)n >= cap)
        return -1;
    /* mkdir -p */
    for (char *p = out + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(out, 0755);
            *p = '/';
        }
    return mkdir(out, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

/* The package for a module, into file (4096 bytes): from the cache, or
 * compiled into it now. 0, or -1 (said why). */
static int package_of(const char *path, const uint8_t *wasm, size_t wasm_len, char *file)
{
    uint8_t h[32];
    pkg_hash(h, wasm, wasm_len);
    char name[ATH_PKG_NAME_MAX], dir[3072], tmp[4200], hx[65], rt[17], key[17];
    name_from(name, path);
    hex(hx, h, 32);
    hex(rt, pkg_runtime_id, 8);
    hex(key, pkg_key_id, 8);
    if (cache_dir(dir, sizeof dir) != 0) {
        fprintf(stderr, "%s: cannot make the package cache %s: %s\n", prog, dir, strerror(errno));
        return -1;
    }
    snprintf(file, 4096, "%s/%s-%s-%s-%s.azpkg", dir, name, hx, rt, key);
    if (access(file, R_OK) != 0) {
        snprintf(tmp, sizeof tmp, "%s.%d.tmp", file, (int)getpid());
        pid_t pid = fork();
        if (pid == 0) {
            /* mkpkg's output is the compiler's: on standard error. */
            dup2(2, 1);
            setenv("PKG_ENV", AZOTH_BUILD_DIR "/gen/pkg.env", 1);
            execl("/bin/sh", "sh", AZOTH_SRC_DIR "/tools/mkpkg.sh", "-n", name, path, tmp, (char *)NULL);
            _exit(127);
        }
        int st = 0;
        if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fprintf(stderr, "%s: %s: could not be compiled (above: why)\n", prog, path);
            unlink(tmp);
            return -1;
        }
        if (rename(tmp, file) != 0) {
            fprintf(stderr, "%s: %s: %s\n", prog, file, strerror(errno));
            unlink(tmp);
            return -1;
        }
    }
    return 0;
}

/* --tcplisten's network: tools/netpeer slirp on a socket of its own,
 * forwarding each ADDR:PORT, a child that ends with us (and removes its
 * socket then). The virtio-net double
 * finds it through AZOTH_NET. 0, or -1 (said why). */
static int start_netpeer(char fwds[][40], unsigned n)
{
    static char sock[64];
    char peer[4096];
    /* netpeer binds it (a path that exists already is refused, not reused)
     * and removes it when it ends, at our exit too (SIGTERM). */
    snprintf(sock, sizeof sock, "/tmp/azoth-net-%d", (int)getpid());
    snprintf(peer, sizeof peer, "%s/tools/netpeer", AZOTH_BUILD_DIR);
    if (access(peer, X_OK) != 0) {
        fprintf(stderr, "%s: --tcplisten needs %s (make hosted builds it)\n", prog, peer);
        return -1;
    }
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
        fprintf(stderr, "%s: --tcplisten: pipe: %s\n", prog, strerror(errno));
        return -1;
    }
    pid_t parent = getpid(), pid = fork();
    if (pid < 0) {
        fprintf(stderr, "%s: --tcplisten: fork: %s\n", prog, strerror(errno));
        return -1;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(0); /* gone already */
        signal(SIGPIPE, SIG_IGN); /* its last words may find no reader */
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, 0);
        dup2(out[1], 1);
        char *args[8] = { peer, "slirp", sock, "31536000" };
        for (unsigned i = 0; i < n; i++)
            args[4 + i] = fwds[i];
        execv(peer, args);
        _exit(127);
    }
    close(out[1]);
    /* Ready when it says so: after its socket and every forward (a host
     * port taken is refused, on our stderr, and it ends: EOF here). The
     * read end stays open while we run. */
    char line[256];
    size_t used = 0;
    for (;;) {
        struct pollfd p = { out[0], POLLIN, 0 };
        ssize_t k = poll(&p, 1, 5000) == 1 ? read(out[0], line + used, sizeof line - 1 - used) : -1;
        if (k <= 0) {
            fprintf(stderr, "%s: --tcplisten: the network (netpeer) did not start\n", prog);
            kill(pid, SIGTERM);
            return -1;
        }
        used += (size_t)k;
        line[used] = '\0';
        if (strstr(line, "netpeer slirp: on ")) {
            setenv("AZOTH_NET", sock, 1);
            return 0;
        }
        if (used == sizeof line - 1)
            used = 0;
    }
}

/* ADDR:PORT (IPv4) -> the port, and netpeer's forward "tcp:ADDR:PORT-PORT";
 * 0 if malformed. */
static unsigned parse_listen(const char *v, char fwd[40])
{
    const char *colon = strrchr(v, ':');
    char addr[INET_ADDRSTRLEN];
    struct in_addr a;
    char *end;
    if (!colon || (size_t)(colon - v) >= sizeof addr)
        return 0;
    memcpy(addr, v, (size_t)(colon - v));
    addr[colon - v] = '\0';
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (*end || port == 0 || port > 65535 || inet_pton(AF_INET, addr, &a) != 1)
        return 0;
    snprintf(fwd, 40, "tcp:%s:%lu-%lu", addr, port, port);
    return (unsigned)port;
}

/* The start request being built: the header, then its strings. */
struct spec {
    struct ath_app_spec h;
    char   strings[ATH_APP_SPEC_MAX];
    size_t used; /* bytes of strings */
};

_Static_assert(offsetof(struct spec, strings) == sizeof(struct ath_app_spec),
               "the strings follow the header: the request is one block");

/* Append bytes (a string with its NUL, or a list) to the strings; its
 * offset in the request, or 0 with a message if it does not fit. */
static uint32_t put(struct spec *s, const void *p, size_t n)
{
    if (n > sizeof s->strings - s->used || sizeof s->h + s->used + n > ATH_APP_SPEC_MAX) {
        fprintf(stderr, "%s: arguments, environment and folders come to more than %u bytes\n", prog,
                ATH_APP_SPEC_MAX);
        return 0;
    }
    uint32_t off = (uint32_t)(sizeof s->h + s->used);
    memcpy(s->strings + s->used, p, n);
    s->used += n;
    return off;
}

int hosted_run_prepare(int argc, char **argv, struct boot_info *bi)
{
    static struct spec s;
    static char env[ATH_APP_ENV_MAX];
    size_t env_len = 0;
    const char *dirs[ATH_APP_DIRS_MAX][2];
    unsigned ndirs = 0, nlisten = 0;
    char fwds[ATH_APP_LISTEN_MAX][40];
    int i = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i], *v = NULL;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage();
            return EXIT_USAGE;
        }
        if (strncmp(a, "--dir=", 6) == 0 || strncmp(a, "--env=", 6) == 0)
            v = a + 6;
        else if (strncmp(a, "--tcplisten=", 12) == 0)
            v = a + 12;
        else if ((strcmp(a, "--dir") == 0 || strcmp(a, "--env") == 0 || strcmp(a, "--tcplisten") == 0) &&
                 i + 1 < argc)
            v = argv[++i];
        if (!v) {
            fprintf(stderr, "%s: unknown option %s\n", prog, a);
            usage();
            return EXIT_USAGE;
        }
        if (a[2] == 't') {
            if (nlisten == ATH_APP_LISTEN_MAX) {
                fprintf(stderr, "%s: at most %u --tcplisten\n", prog, ATH_APP_LISTEN_MAX);
                return EXIT_USAGE;
            }
            unsigned port = parse_listen(v, fwds[nlisten]);
            if (!port) {
                fprintf(stderr, "%s: --tcplisten %s: want ADDR:PORT (IPv4)\n", prog, v);
                return EXIT_USAGE;
            }
            for (unsigned k = 0; k < nlisten; k++)
                if (s.h.listen[k].port == port) {
                    fprintf(stderr, "%s: --tcplisten: port %u given twice\n", prog, port);
                    return EXIT_USAGE;
                }
            s.h.listen[nlisten++] = (struct ath_app_listen){ .port = (uint16_t)port, .backlog = 16 };
            continue;
        }
        if (a[2] == 'd') {
            if (ndirs == ATH_APP_DIRS_MAX) {
                fprintf(stderr, "%s: at most %u --dir\n", prog, ATH_APP_DIRS_MAX);
                return EXIT_USAGE;
            }
            const char *sep = strstr(v, "::");
            char *host = strndup(v, sep ? (size_t)(sep - v) : strlen(v));
            dirs[ndirs][0] = host;
            dirs[ndirs][1] = sep ? sep + 2 : v;
            if (!*host || !*dirs[ndirs][1]) {
                fprintf(stderr, "%s: --dir %s: want HOST or HOST::GUEST\n", prog, v);
                return EXIT_USAGE;
            }
            ndirs++;
        } else {
            const char *eq = strchr(v, '=');
            char kv[ATH_APP_ENV_MAX];
            if (eq == v || !*v) {
                fprintf(stderr, "%s: --env %s: want NAME=VALUE or NAME\n", prog, v);
                return EXIT_USAGE;
            }
            if (!eq) { /* NAME: the host's value, if it has one */
                const char *hv = getenv(v);
                if (!hv)
                    continue;
                snprintf(kv, sizeof kv, "%s=%s", v, hv);
                v = kv;
            }
            size_t n = strlen(v) + 1;
            if (n > sizeof env - env_len) {
                fprintf(stderr, "%s: the environment comes to more than %u bytes\n", prog,
                        ATH_APP_ENV_MAX);
                return EXIT_USAGE;
            }
            memcpy(env + env_len, v, n);
            env_len += n;
        }
    }
    if (i >= argc) {
        usage();
        return EXIT_USAGE;
    }
    const char *file = argv[i++];
    if (i < argc && strcmp(argv[i], "--") == 0)
        i++;

    /* What it is, by its first bytes: a module is read whole (compiled,
     * or found in the cache by its hash), a package only into the
     * kernel's copy below. */
    uint8_t head[8] = { 0 };
    size_t size;
    int fd = open_file(file, &size);
    if (fd < 0)
        return EXIT_FAIL;
    ssize_t got = pread(fd, head, sizeof head, 0);
    close(fd);
    char cached[4096];
    const char *pkg_file = file;
    if (got >= 4 && memcmp(head, "\0asm", 4) == 0) {
        size_t len;
        uint8_t *bytes = slurp(file, &len);
        int r = bytes ? package_of(file, bytes, len, cached) : -1;
        free(bytes);
        if (r != 0)
            return EXIT_FAIL;
        pkg_file = cached;
    } else if (got < 8 || memcmp(head, ATH_PKG_MAGIC, 8) != 0) {
        fprintf(stderr, "%s: %s: neither a WebAssembly module nor a package\n", prog, file);
        return EXIT_FAIL;
    }
    /* The kernel's copy: the package read into a code region as large as
     * its image asks (pkg_load relocates and protects it there). */
    if (read_package(pkg_file, &bi->run_pkg, &bi->run_pkg_len) != 0)
        return EXIT_FAIL;

    /* The request: argv[0] is FILE as given, then the arguments. */
    s.h.grants = ATH_APP_CONSOLE | ATH_APP_CLOCK | ATH_APP_RANDOM;
    size_t args_start = s.used;
    if (!put(&s, file, strlen(file) + 1))
        return EXIT_USAGE;
    for (; i < argc; i++)
        if (!put(&s, argv[i], strlen(argv[i]) + 1))
            return EXIT_USAGE;
    s.h.args_off = (uint32_t)(sizeof s.h + args_start);
    s.h.args_len = (uint32_t)(s.used - args_start);
    if (env_len && !(s.h.env_off = put(&s, env, env_len)))
        return EXIT_USAGE;
    s.h.env_len = (uint32_t)env_len;
    /* Each folder becomes a root of the host-folder device ("/0", "/1"...),
     * which the filesystem service serves. */
    for (unsigned d = 0; d < ndirs; d++) {
        int root = hosted_hostdir_add_root(dirs[d][0]);
        if (root < 0) {
            fprintf(stderr, "%s: --dir %s: %s\n", prog, dirs[d][0], strerror(-root));
            return EXIT_FAIL;
        }
        char path[16];
        snprintf(path, sizeof path, "/%d", root);
        struct ath_app_dir *ad = &s.h.dirs[d];
        ad->path_len = (uint32_t)strlen(path);
        ad->guest_len = (uint32_t)strlen(dirs[d][1]);
        if (!(ad->path_off = put(&s, path, ad->path_len + 1)) ||
            !(ad->guest_off = put(&s, dirs[d][1], ad->guest_len + 1)))
            return EXIT_USAGE;
    }
    s.h.ndirs = ndirs;
    s.h.nlisten = nlisten;
    if (nlisten && start_netpeer(fwds, nlisten) != 0)
        return EXIT_FAIL;
    s.h.size = (uint32_t)(sizeof s.h + s.used);
    const char *timing = getenv("AZOTH_RUN_TIMING");
    if (timing && *timing && strcmp(timing, "0") != 0)
        snprintf(bi->cmdline, sizeof bi->cmdline, "azoth.runtiming=1");
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    bi->run_realtime_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
    bi->run_spec = (const uint8_t *)&s;
    bi->run_spec_len = s.h.size;
    return 0;
}
