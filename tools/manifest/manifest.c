/* Build-time tool: turn the system manifest (system.toml, a small TOML
 * subset) into C tables for the kernel, one per image, and a make fragment
 * listing the components to build and which image links which. Any mistake
 * is reported as "file:line: message" and nothing is written.
 *
 * Every component names its role (image = "system" | "demo" | "test" |
 * "bench" | "workload"). The user image (what make run boots) has the
 * system's and the demo components; the test image (what the test and
 * bench layers boot) has every component but the workloads; the bench
 * image (make bench's workload benchmarks, docs/performance.md) has every
 * component. Each image's table indexes its own components.
 *
 * Usage: manifest <system.toml> <out-dir> <component-dir>...
 *   writes <out-dir>/manifest-{user,test,bench}.c,
 *   <out-dir>/components.mk, <out-dir>/include/pci_claims.h,
 *   <out-dir>/include/sensor_policy.h and <out-dir>/include/net_policy.h */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <athanor/abi/consts.h>

#define MAX_COMPONENTS 128
#define MAX_LINE 512
#define NAME_MAX_LEN (ATH_NAME_MAX - 1) /* names travel in ATH_NAME_MAX bytes with their NUL */
#define MAX_PAGES_LIMIT ATH_MAX_PAGES    /* 3 GiB: the top GiB of the 32-bit space holds IPC windows */
#define ARGS_MAX_LEN ATH_ARGS_MAX
#define MAX_IOPORTS ATH_MAX_IOPORTS
#define MAX_IRQS    ATH_MAX_IRQS
#define MAX_MMIO    ATH_MAX_MMIO
#define MAX_PCI     4 /* PCI devices one driver may claim */
#define MAX_NET     8 /* network rules per component */
#define PHYS_LIMIT  ATH_PHYS_LIMIT /* MMIO ranges lie below the widest physical address */

struct entry {
    char name[NAME_MAX_LEN + 1];
    int  line;
    const char *dir;
    char args[ARGS_MAX_LEN + 1];
    char calls[ARGS_MAX_LEN + 1]; /* space-separated component names */
    int  call_idx[MAX_COMPONENTS]; /* the same, resolved to entry indices */
    int  ncalls;
    unsigned caps;
    long max_pages, cpu_budget_ms, cpu_period_ms, max_restarts, restart_window_ms;
    int  restart; /* 0 never, 1 on-failure, 2 always */
    int  autostart; /* 0 no, 1 at every boot, 2 when booting into the shell */
    struct { long lo, hi; } ioports[MAX_IOPORTS]; /* inclusive port ranges */
    int  nioports;
    long irqs[MAX_IRQS];
    int  nirqs;
    unsigned long pci[MAX_PCI]; /* PCI devices it may claim: vendor | device << 16 */
    int  npci;
    bool pci_inventory; /* may ask the PCI service about every function (lspci) */
    struct net_rule { /* what it may do on the network (net key): net_policy.h */
        int kind;               /* NET_RULE_* below */
        unsigned proto;         /* 1 TCP, 2 UDP, 3 both */
        unsigned long addr;     /* IPv4, host byte order (connect, ping) */
        int prefix;             /* bits of addr that must match: 0 any address */
        long port_lo, port_hi;  /* listen, connect */
    } net[MAX_NET];
    int  nnet;
    struct { unsigned long long lo, hi; } mmio[MAX_MMIO]; /* inclusive physical ranges */
    int  nmmio;
    long dma_pages;
    long kernel_kib;   /* kernel memory quota (heap); 0 until set: then the default */
    long grants;       /* capabilities it may have granted into other tables at once */
    int  role;         /* index into roles[]; -1 until its image key is read */
    unsigned sensor;   /* a sensor driver: the ATH_SENSOR_* it drives (sensor key) */
    unsigned sensors;  /* ATH_SENSOR_* bits it may ask the privacy service for */
    unsigned always, deny, once; /* pre-answers (sensor_answers): bits */
    int  sensor_control; /* 2: may answer prompts, revoke and read the audit log; 1 ("observe"): read only */
    struct { char path[ATH_DIR_PATH_MAX + 1], guest[ATH_DIR_PATH_MAX + 1]; bool ro; } dirs[ATH_MAX_DIRS];
    int  ndirs;        /* preopened directories: the filesystem service's paths */
};

/* The image key's values, and whether the user image has the component.
 * Workloads (large programs built from Debian source packages) are only in
 * the bench image, so that make test does not fetch or compile them. */
enum { ROLE_WORKLOAD = 4 };
static const char *const roles[] = { "system", "demo", "test", "bench", "workload" };
static const bool role_in_user[] = { true, true, false, false, false };
#define NROLES (sizeof roles / sizeof *roles)
#define ROLE_NAMES "\"system\", \"demo\", \"test\", \"bench\" or \"workload\""

/* The images the tool writes a table for: the name in manifest-NAME.c and
 * IMAGE_COMPONENTS_NAME, and whether it has a component of a given role. */
enum image { IMAGE_USER, IMAGE_TEST, IMAGE_BENCH, NIMAGES };
static const char *const image_names[NIMAGES] = { "user", "test", "bench" };
static bool in_image(const struct entry *e, enum image im)
{
    if (im == IMAGE_USER)
        return role_in_user[e->role];
    return im == IMAGE_BENCH || e->role != ROLE_WORKLOAD;
}

static const char *path;

/* Write s as the body of a C string literal. Manifest strings hold no quote
 * or backslash, but '?' could form a trigraph (C11 mode translates "??/" to
 * a backslash) and control or high bytes have no business in C source:
 * everything but letters, digits, space and plain punctuation is written as
 * an octal escape. */
static void put_cstr(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (isalnum(ch) || (ch != '?' && ch != '"' && ch != '\\' && ch >= 0x20 && ch < 0x7f))
            fputc(ch, f);
        else
            fprintf(f, "\\%03o", ch);
    }
}
static int lineno;
static struct entry entries[MAX_COMPONENTS];
static int nentries;

static void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%d: ", path, lineno);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static bool valid_name(const char *s)
{
    if (!*s || strlen(s) > NAME_MAX_LEN || !islower((unsigned char)*s))
        return false;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

/* Parse a "string" value (no escapes needed by this manifest). */
static void parse_string(const char *v, char *out, size_t cap)
{
    size_t n = strlen(v);
    if (n < 2 || v[0] != '"' || v[n - 1] != '"')
        fail("expected a \"quoted string\", got: %s", v);
    if (n - 2 > cap - 1)
        fail("string too long (at most %zu characters)", cap - 1);
    if (memchr(v + 1, '"', n - 2) || memchr(v + 1, '\\', n - 2))
        fail("quotes and backslashes are not allowed inside strings");
    memcpy(out, v + 1, n - 2);
    out[n - 2] = '\0';
}

static long parse_int(const char *v, long min, long max)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || *end || end == v)
        fail("expected a whole number, got: %s", v);
    if (x < min || x > max)
        fail("%ld is out of range (%ld to %ld)", x, min, max);
    return x;
}

static bool parse_bool(const char *v)
{
    if (!strcmp(v, "true"))
        return true;
    if (!strcmp(v, "false"))
        return false;
    fail("expected true or false, got: %s", v);
}

/* The inside of a TOML list "[a, b]" (the closing bracket cut off), or a
 * failure naming what was expected (`like`). */
static char *list_body(char *v, const char *like)
{
    size_t n = strlen(v);
    if (n < 2 || v[0] != '[' || v[n - 1] != ']')
        fail("expected a list like %s, got: %s", like, v);
    v[n - 1] = '\0';
    return v + 1;
}

/* autostart = true | false | "shell" (started when booting into the shell:
 * azoth.shell=1, which make run does). */
static int parse_autostart(const char *v)
{
    if (*v != '"')
        return parse_bool(v) ? 1 : 0;
    char s[16];
    parse_string(v, s, sizeof s);
    if (strcmp(s, "shell"))
        fail("autostart must be true, false or \"shell\", got \"%s\"", s);
    return 2;
}

/* The manifest's capability names, and the kernel's names of their bits
 * (enum comp_cap): the generated table uses the symbols. */
static const char *const cap_names[] = { "console", "clock", "random", "manage", "realtime", "log",
                                         "precise_clock", "observe" };
static const char *const cap_symbols[] = { "CAP_CONSOLE", "CAP_CLOCK", "CAP_RANDOM", "CAP_MANAGE",
                                           "CAP_REALTIME", "CAP_LOG",
                                           "CAP_PRECISE_CLOCK", "CAP_OBSERVE" };

static unsigned parse_caps(char *v)
{
    v = list_body(v, "[\"console\", \"clock\"]");
    unsigned caps = 0;
    for (char *item = strtok(v, ","); item; item = strtok(NULL, ",")) {
        char word[32];
        item = trim(item);
        if (!*item)
            continue;
        parse_string(item, word, sizeof word);
        unsigned bit = 0;
        for (unsigned i = 0; i < sizeof cap_names / sizeof cap_names[0]; i++)
            if (!strcmp(word, cap_names[i]))
                bit = 1u << i;
        if (!bit)
            fail("unknown capability \"%s\" (known: console, clock, random, manage, realtime, log, precise_clock, observe)", word);
        caps |= bit;
    }
    return caps;
}

/* ["a", "b"] into "a b" (names checked later against the declared ones). */
static void parse_name_list(char *v, char *out, size_t cap)
{
    v = list_body(v, "[\"kv\"]");
    out[0] = '\0';
    for (char *item = strtok(v, ","); item; item = strtok(NULL, ",")) {
        char word[NAME_MAX_LEN + 1];
        item = trim(item);
        if (!*item)
            continue;
        parse_string(item, word, sizeof word);
        if (strlen(out) + strlen(word) + 2 > cap)
            fail("list too long");
        if (*out)
            strcat(out, " ");
        strcat(out, word);
    }
}

/* A canonical absolute path: "/" or "/a/b", no "." or ".." or empty
 * component, at most ATH_DIR_PATH_MAX bytes. */
static void check_dir_path(const char *p, const char *what)
{
    if (p[0] != '/' || strlen(p) > ATH_DIR_PATH_MAX)
        fail("%s \"%s\" is not an absolute path of at most %u bytes", what, p, ATH_DIR_PATH_MAX);
    if (strcmp(p, "/") && p[strlen(p) - 1] == '/')
        fail("%s \"%s\" ends in '/'", what, p);
    for (const char *c = p + 1; *c;) {
        size_t n = strcspn(c, "/");
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            fail("%s \"%s\" has an empty, \".\" or \"..\" component", what, p);
        c += n + (c[n] == '/');
    }
}

/* ["/data", "/srv::/www"]: preopened directories, the filesystem
 * service's path, and after "::" the name the component sees (the same
 * if absent), as wasmtime's --dir HOST::GUEST. */
static void parse_dirs(struct entry *e, char *v, bool ro)
{
    v = list_body(v, "[\"/data\", \"/srv::/www\"]");
    for (char *item = strtok(v, ","); item; item = strtok(NULL, ",")) {
        char word[2 * ATH_DIR_PATH_MAX + 3];
        item = trim(item);
        if (!*item)
            continue;
        parse_string(item, word, sizeof word);
        if (e->ndirs == ATH_MAX_DIRS)
            fail("at most %u preopened directories", ATH_MAX_DIRS);
        char *sep = strstr(word, "::");
        const char *guest = word;
        if (sep) {
            *sep = '\0';
            guest = sep + 2;
        }
        check_dir_path(word, "directory");
        check_dir_path(guest, "guest path");
        strcpy(e->dirs[e->ndirs].path, word);
        strcpy(e->dirs[e->ndirs].guest, guest);
        e->dirs[e->ndirs++].ro = ro;
    }
}

/* ["0x70-0x71", "0x80"]: I/O-port ranges (inclusive), hex or decimal. */
static void parse_ioports(struct entry *e, char *v)
{
    v = list_body(v, "[\"0x70-0x71\"]");
    e->nioports = 0;
    for (char *item = strtok(v, ","); item; item = strtok(NULL, ",")) {
        char word[32], *end;
        item = trim(item);
        if (!*item)
            continue;
        parse_string(item, word, sizeof word);
        if (e->nioports == MAX_IOPORTS)
            fail("at most %u I/O-port ranges per component", MAX_IOPORTS);
        errno = 0;
        long lo = strtol(word, &end, 0), hi = lo;
        if (*end == '-')
            hi = strtol(end + 1, &end, 0);
        if (errno || *end || end == word || lo < 0 || hi < lo || hi > 0xffff)
            fail("bad I/O-port range \"%s\" (expected \"LO-HI\" or \"PORT\", within 0-0xffff)", word);
        e->ioports[e->nioports].lo = lo;
        e->ioports[e->nioports].hi = hi;
        e->nioports++;
    }
}

/* ["0xfd000000-0xfdffffff"]: physical device memory (inclusive ranges,
 * page aligned). */
static void parse_mmio(struct entry *e, char *v)
{
    v = list_body(v, "[\"0xfd000000-0xfdffffff\"]");
    e->nmmio = 0;
    for (char *item = strtok(v, ","); item; item = strtok(NULL, ",")) {
        char word[48], *end;
        item = trim(item);
        if (!*item)
            continue;
        parse_string(item, word, sizeof word);
        if (e->nmmio == MAX_MMIO)
            fail("at most %u MMIO ranges per component", MAX_MMIO);
        errno = 0;
        unsigned long long lo = strtoull(word, &end, 0), hi = 0;
        if (*end == '-')
            hi = strtoull(end + 1, &end, 0);
        else
            end = word; /* a range is required */
        /* hi < 2^52 (x86-64's widest physical address): also keeps hi + 1
         * and the range's size from wrapping past 2^64 */
        if (errno || *end || end == word || hi < lo || (lo & 0xfff) || ((hi + 1) & 0xfff) ||
            lo < 0x100000 || hi >= PHYS_LIMIT)
            fail("bad MMIO range \"%s\" (expected \"LO-HI\", page aligned, above 1 MiB, below 2^52)", word);
        e->mmio[e->nmmio].lo = lo;
        e->mmio[e->nmmio].hi = hi;
        e->nmmio++;
    }
}

/* [8, 4]: interrupt lines, numbered as ISA IRQs. */
static void parse_irqs(struct entry *e, char *v)
{
    v = list_body(v, "[8]");
    e->nirqs = 0;
    for (char *item = strtok(v, ","); item; item = strtok(NULL, ",")) {
        item = trim(item);
        if (!*item)
            continue;
        if (e->nirqs == MAX_IRQS)
            fail("at most %u interrupt lines per component", MAX_IRQS);
        e->irqs[e->nirqs++] = parse_int(item, 0, ATH_IRQ_LINES - 1);
    }
}

/* pci = ["VVVV:DDDD", ...]: the PCI devices (vendor:device, hex) this
 * driver may claim from the PCI service (pci_claims.h). */
static void parse_pci(struct entry *e, char *v)
{
    v = list_body(v, "[\"1af4:1001\"]");
    e->npci = 0;
    for (char *item = strtok(v, ","); item; item = strtok(NULL, ",")) {
        char word[16];
        item = trim(item);
        if (!*item)
            continue;
        parse_string(item, word, sizeof word);
        unsigned vendor, device;
        char end;
        if (strlen(word) != 9 || sscanf(word, "%4x:%4x%c", &vendor, &device, &end) != 2)
            fail("bad PCI device \"%s\" (VVVV:DDDD, hex)", word);
        if (e->npci == MAX_PCI)
            fail("at most %d PCI devices per component", MAX_PCI);
        e->pci[e->npci++] = vendor | (unsigned long)device << 16;
    }
}

/* net = ["listen 7", "connect 10.0.2.2:8000-8010 tcp", "ping *", ...]: what
 * the component may do through the net service (docs/network.md, "The
 * capability"): listen PORTS [tcp|udp]; connect HOST:PORTS [tcp|udp], HOST
 * being *, A.B.C.D or A.B.C.D/BITS, PORTS * or N or N-M; ping HOST; and
 * all-sockets (list every component's sockets, the shell's `sockets`). */
enum { NET_RULE_LISTEN = 1, NET_RULE_CONNECT = 2, NET_RULE_PING = 3, NET_RULE_ALL_SOCKETS = 4 };

static void parse_ports(const char *w, struct net_rule *r)
{
    char *end;
    if (!strcmp(w, "*")) {
        r->port_lo = 1, r->port_hi = 65535;
        return;
    }
    r->port_lo = r->port_hi = strtol(w, &end, 10);
    if (*end == '-' && end != w)
        r->port_hi = strtol(end + 1, &end, 10);
    if (*end || !isdigit((unsigned char)*w) || r->port_lo < 1 || r->port_hi > 65535 || r->port_lo > r->port_hi)
        fail("bad ports \"%s\" (*, N or N-M, 1 to 65535)", w);
}

static void parse_host(char *w, struct net_rule *r)
{
    if (!strcmp(w, "*")) {
        r->addr = 0, r->prefix = 0;
        return;
    }
    unsigned a, b, c, d, bits = 32;
    int n = 0;
    char *slash = strchr(w, '/');
    if (slash) {
        *slash = '\0';
        char *end;
        bits = (unsigned)strtoul(slash + 1, &end, 10);
        if (*end || end == slash + 1 || bits > 32)
            fail("bad prefix length /%s (0 to 32)", slash + 1);
    }
    if (sscanf(w, "%3u.%3u.%3u.%3u%n", &a, &b, &c, &d, &n) != 4 || w[n] || a > 255 || b > 255 || c > 255 ||
        d > 255)
        fail("bad address \"%s\" (*, A.B.C.D or A.B.C.D/BITS)", w);
    r->addr = (unsigned long)a << 24 | b << 16 | c << 8 | d;
    r->prefix = (int)bits;
    if (bits < 32 && (r->addr & (0xfffffffful >> bits)))
        fail("address %s has bits set beyond its /%u prefix", w, bits);
}

static void parse_net(struct entry *e, char *v)
{
    v = list_body(v, "[\"listen 80\", \"connect 10.0.2.2:8000 tcp\"]");
    e->nnet = 0;
    for (char *item = strtok(v, ","); item; item = strtok(NULL, ",")) {
        char rule[64], *w[4] = { 0 };
        int nw = 0;
        item = trim(item);
        if (!*item)
            continue;
        parse_string(item, rule, sizeof rule);
        char *save = NULL;
        for (char *t = strtok_r(rule, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
            if (nw == 3)
                fail("network rule has too many words: \"%s\"", item);
            w[nw++] = t;
        }
        if (e->nnet == MAX_NET)
            fail("at most %d network rules per component", MAX_NET);
        struct net_rule *r = &e->net[e->nnet++];
        memset(r, 0, sizeof *r);
        r->proto = 3;
        int proto_at = 2;
        if (nw >= 1 && !strcmp(w[0], "listen") && nw >= 2) {
            r->kind = NET_RULE_LISTEN;
            parse_ports(w[1], r);
        } else if (nw >= 1 && !strcmp(w[0], "connect") && nw >= 2) {
            r->kind = NET_RULE_CONNECT;
            char *colon = strrchr(w[1], ':');
            if (!colon)
                fail("connect needs HOST:PORTS, got \"%s\"", w[1]);
            *colon = '\0';
            parse_host(w[1], r);
            parse_ports(colon + 1, r);
        } else if (nw == 2 && !strcmp(w[0], "ping")) {
            r->kind = NET_RULE_PING;
            parse_host(w[1], r);
            proto_at = 3;
        } else if (nw == 1 && !strcmp(w[0], "all-sockets")) {
            r->kind = NET_RULE_ALL_SOCKETS;
            proto_at = 3;
        } else {
            fail("unknown network rule %s (listen PORTS [tcp|udp], connect HOST:PORTS [tcp|udp], ping HOST, "
                 "all-sockets)", item);
        }
        if (nw > proto_at + 1)
            fail("network rule %s: one word too many", item);
        if (nw == proto_at + 1) {
            if (!strcmp(w[proto_at], "tcp"))
                r->proto = 1;
            else if (!strcmp(w[proto_at], "udp"))
                r->proto = 2;
            else
                fail("network rule %s: tcp or udp, got \"%s\"", item, w[proto_at]);
        }
    }
}

/* The sensors the privacy service hands out (docs/privacy.md). */
static const char *const sensor_names[] = { "location", "microphone" };
static const unsigned sensor_bits[] = { ATH_SENSOR_LOCATION, ATH_SENSOR_MICROPHONE };

static unsigned sensor_bit(const char *word)
{
    for (unsigned i = 0; i < sizeof sensor_names / sizeof *sensor_names; i++)
        if (!strcmp(word, sensor_names[i]))
            return sensor_bits[i];
    fail("unknown sensor \"%s\" (known: location, microphone)", word);
}

/* sensors = ["location"]: what it may ask for. sensor_answers =
 * ["location=always", "microphone=deny"]: the user's answer given in
 * advance (always, once or deny), for tests and kiosks. */
static void parse_sensors(struct entry *e, char *v, bool answers)
{
    v = list_body(v, answers ? "[\"location=always\"]" : "[\"location\"]");
    for (char *item = strtok(v, ","); item; item = strtok(NULL, ",")) {
        char word[32];
        item = trim(item);
        if (!*item)
            continue;
        parse_string(item, word, sizeof word);
        char *eq = strchr(word, '=');
        if (!answers) {
            e->sensors |= sensor_bit(word);
            continue;
        }
        if (!eq)
            fail("expected \"SENSOR=always|once|deny\", got \"%s\"", word);
        *eq = '\0';
        unsigned bit = sensor_bit(word);
        if (!strcmp(eq + 1, "always"))
            e->always |= bit;
        else if (!strcmp(eq + 1, "once"))
            e->once |= bit;
        else if (!strcmp(eq + 1, "deny"))
            e->deny |= bit;
        else
            fail("an answer is always, once or deny, got \"%s\"", eq + 1);
    }
}

static void set(struct entry *e, const char *key, char *v)
{
    if (!strcmp(key, "args"))
        parse_string(v, e->args, sizeof e->args);
    else if (!strcmp(key, "caps"))
        e->caps = parse_caps(v);
    else if (!strcmp(key, "calls"))
        parse_name_list(v, e->calls, sizeof e->calls);
    else if (!strcmp(key, "memory_pages"))
        e->max_pages = parse_int(v, 1, MAX_PAGES_LIMIT);
    else if (!strcmp(key, "cpu_budget_ms"))
        e->cpu_budget_ms = parse_int(v, 0, 3600000);
    else if (!strcmp(key, "cpu_period_ms"))
        e->cpu_period_ms = parse_int(v, 1, 3600000);
    else if (!strcmp(key, "max_restarts"))
        e->max_restarts = parse_int(v, 0, ATH_MAX_RESTARTS);
    else if (!strcmp(key, "restart_window_ms"))
        e->restart_window_ms = parse_int(v, 1, 86400000);
    else if (!strcmp(key, "autostart"))
        e->autostart = parse_autostart(v);
    else if (!strcmp(key, "ioports"))
        parse_ioports(e, v);
    else if (!strcmp(key, "irqs"))
        parse_irqs(e, v);
    else if (!strcmp(key, "pci"))
        parse_pci(e, v);
    else if (!strcmp(key, "pci_inventory"))
        e->pci_inventory = parse_bool(v);
    else if (!strcmp(key, "net"))
        parse_net(e, v);
    else if (!strcmp(key, "mmio"))
        parse_mmio(e, v);
    else if (!strcmp(key, "dma_pages"))
        e->dma_pages = parse_int(v, 0, ATH_MAX_DMA_PAGES);
    else if (!strcmp(key, "kernel_kib"))
        e->kernel_kib = parse_int(v, 16, 65536);
    else if (!strcmp(key, "grants"))
        e->grants = parse_int(v, 0, ATH_MAX_GRANTS);
    else if (!strcmp(key, "sensor")) {
        char s[16];
        parse_string(v, s, sizeof s);
        e->sensor = sensor_bit(s);
    } else if (!strcmp(key, "sensors"))
        parse_sensors(e, v, false);
    else if (!strcmp(key, "sensor_answers"))
        parse_sensors(e, v, true);
    else if (!strcmp(key, "sensor_control")) {
        if (*v == '"') { /* "observe": the sessions and the audit log, to read only (the status page) */
            char s[16];
            parse_string(v, s, sizeof s);
            if (strcmp(s, "observe"))
                fail("sensor_control must be true, false or \"observe\", got \"%s\"", s);
            e->sensor_control = 1;
        } else {
            e->sensor_control = parse_bool(v) ? 2 : 0;
        }
    }
    else if (!strcmp(key, "dirs"))
        parse_dirs(e, v, false);
    else if (!strcmp(key, "dirs_ro"))
        parse_dirs(e, v, true);
    else if (!strcmp(key, "image")) {
        char s[16];
        parse_string(v, s, sizeof s);
        e->role = -1;
        for (unsigned r = 0; r < NROLES; r++)
            if (!strcmp(s, roles[r]))
                e->role = (int)r;
        if (e->role < 0)
            fail("image must be " ROLE_NAMES ", got \"%s\"", s);
    }
    else if (!strcmp(key, "restart")) {
        char s[16];
        parse_string(v, s, sizeof s);
        if (!strcmp(s, "never"))
            e->restart = 0;
        else if (!strcmp(s, "on-failure"))
            e->restart = 1;
        else if (!strcmp(s, "always"))
            e->restart = 2;
        else
            fail("restart must be \"never\", \"on-failure\" or \"always\", got \"%s\"", s);
    } else
        fail("unknown key '%s' (known: args, caps, calls, memory_pages, cpu_budget_ms, "
             "cpu_period_ms, restart, max_restarts, restart_window_ms, autostart, ioports, irqs, mmio, pci, "
             "pci_inventory, dma_pages, kernel_kib, grants, image, sensor, sensors, sensor_answers, "
             "sensor_control, dirs, dirs_ro, net)", key);
}

static const char *find_dir(const char *name, int ndirs, char **dirs)
{
    const char *found = NULL;
    for (int i = 0; i < ndirs; i++) {
        const char *base = strrchr(dirs[i], '/');
        base = base ? base + 1 : dirs[i];
        if (!strcmp(base, name)) {
            if (found)
                fail("component '%s' has two folders: %s and %s", name, found, dirs[i]);
            found = dirs[i];
        }
    }
    return found;
}

/* A generated header's text, built by add() and written whole by
 * write_header(): once it overflows, further adds are dropped and the
 * write reports it instead of writing a cut header. */
struct header {
    char   text[8192];
    size_t n;
};

static void add(struct header *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct header *h, const char *fmt, ...)
{
    if (h->n >= sizeof h->text)
        return;
    va_list ap;
    va_start(ap, fmt);
    h->n += (size_t)vsnprintf(h->text + h->n, sizeof h->text - h->n, fmt, ap);
    va_end(ap);
}

/* Write h to $(GEN)/include/<name>; `what` names what made it too long. */
static int write_header(const char *gen, const char *name, const struct header *h, const char *what)
{
    if (h->n >= sizeof h->text) {
        fprintf(stderr, "manifest: too many %s\n", what);
        return 1;
    }
    char file[1024];
    snprintf(file, sizeof file, "%s/include", gen);
    mkdir(file, 0755);
    snprintf(file, sizeof file, "%s/include/%s", gen, name);
    FILE *f = fopen(file, "w");
    if (!f || fwrite(h->text, 1, h->n, f) != h->n || fclose(f)) {
        fprintf(stderr, "manifest: cannot write %s: %s\n", file, strerror(errno));
        return 1;
    }
    return 0;
}

/* $(GEN)/include/pci_claims.h: which component may claim which PCI device,
 * and which may ask about every device (IDs, locations, BARs, lines: the
 * machine's inventory, which the PCI service tells no one else), for the
 * PCI service (which alone includes it: only it is rebuilt when the
 * manifest changes, through its dependency file). */
static int write_pci_claims(const char *gen, const char *manifest)
{
    static struct header h;
    add(&h, "/* Generated from %s by tools/manifest: which component may claim which PCI\n"
            " * device (vendor | device << 16), from the drivers' pci keys, and which may\n"
            " * list every device, from the pci_inventory keys. Do not edit. */\n"
            "#ifndef PCI_CLAIMS_H\n#define PCI_CLAIMS_H\n#include <stdint.h>\n"
            "static const struct { const char *component; uint32_t ids; } pci_claims[] = {\n", manifest);
    unsigned count = 0;
    for (int i = 0; i < nentries; i++)
        for (int k = 0; k < entries[i].npci; k++, count++)
            add(&h, "    { \"%s\", %#lx },\n", entries[i].name, entries[i].pci[k]);
    add(&h, "%s};\n#define PCI_CLAIMS %u\nstatic const char *const pci_inventory[] = {",
        count ? "" : "    { \"\", 0 },\n", count);
    for (int i = 0; i < nentries; i++)
        if (entries[i].pci_inventory)
            add(&h, " \"%s\",", entries[i].name);
    add(&h, " NULL };\n#endif\n");
    return write_header(gen, "pci_claims.h", &h, "PCI claims");
}

/* $(GEN)/include/net_policy.h, for the net service alone: each
 * component's network rules (the net keys), by name. */
static int write_net_policy(const char *gen, const char *manifest)
{
    static struct header h;
    add(&h, "/* Generated from %s by tools/manifest: what each component may do on the network\n"
            " * (its net key; docs/network.md). Do not edit. */\n"
            "#ifndef NET_POLICY_H\n#define NET_POLICY_H\n#include <stdint.h>\n"
            "enum { NET_RULE_LISTEN = %d, NET_RULE_CONNECT = %d, NET_RULE_PING = %d, NET_RULE_ALL_SOCKETS = %d };\n"
            "#define NET_RULE_TCP 1u\n#define NET_RULE_UDP 2u\n"
            "struct net_rule {\n    const char *component;\n    uint8_t kind, proto, prefix;\n"
            "    uint32_t addr; /* IPv4, host byte order: the top prefix bits must match */\n"
            "    uint16_t port_lo, port_hi;\n};\n"
            "static const struct net_rule net_rules[] = {\n", manifest, NET_RULE_LISTEN, NET_RULE_CONNECT,
        NET_RULE_PING, NET_RULE_ALL_SOCKETS); /* the tool's own numbers: one list */
    unsigned count = 0;
    for (int i = 0; i < nentries; i++)
        for (int k = 0; k < entries[i].nnet; k++, count++) {
            const struct net_rule *r = &entries[i].net[k];
            add(&h, "    { \"%s\", %d, %u, %d, %#lx, %ld, %ld },\n", entries[i].name, r->kind, r->proto, r->prefix,
                r->addr, r->port_lo, r->port_hi);
        }
    add(&h, "%s};\n#define NET_RULES %u\n#endif\n", count ? "" : "    { \"\", 0, 0, 0, 0, 0, 0 },\n", count);
    return write_header(gen, "net_policy.h", &h, "network rules");
}

/* $(GEN)/include/sensor_policy.h, for the privacy service alone: which
 * component drives which sensor, which may ask for which (and what the
 * user answered in advance), and which may control sessions. */
static int write_sensor_policy(const char *gen, const char *manifest)
{
    static struct header h;
    add(&h, "/* Generated from %s by tools/manifest: the sensor drivers, the components that\n"
            " * may ask for sensors (ATH_SENSOR_* bits, and the answers given in advance),\n"
            " * and those that may control sessions. Do not edit. */\n"
            "#ifndef SENSOR_POLICY_H\n#define SENSOR_POLICY_H\n#include <stdint.h>\n"
            "static const struct { const char *component; uint8_t sensor; } sensor_drivers[] = {\n",
        manifest);
    unsigned nd = 0, na = 0, nc = 0;
    for (int i = 0; i < nentries; i++)
        if (entries[i].sensor)
            nd++, add(&h, "    { \"%s\", %u },\n", entries[i].name, entries[i].sensor);
    add(&h, "%s};\n#define SENSOR_DRIVERS %u\n"
            "static const struct { const char *component; uint8_t may, always, once, deny; }"
            " sensor_apps[] = {\n", nd ? "" : "    { \"\", 0 },\n", nd);
    for (int i = 0; i < nentries; i++)
        if (entries[i].sensors)
            na++, add(&h, "    { \"%s\", %u, %u, %u, %u },\n", entries[i].name, entries[i].sensors,
                      entries[i].always, entries[i].once, entries[i].deny);
    add(&h, "%s};\n#define SENSOR_APPS %u\n"
            "/* full: answer, revoke, read; else (\"observe\") read the sessions and the log only */\n"
            "static const struct { const char *component; uint8_t full; } sensor_controllers[] = {\n",
        na ? "" : "    { \"\", 0, 0, 0, 0 },\n", na);
    for (int i = 0; i < nentries; i++)
        if (entries[i].sensor_control)
            nc++, add(&h, "    { \"%s\", %d },\n", entries[i].name, entries[i].sensor_control == 2);
    add(&h, "%s};\n#define SENSOR_CONTROLLERS %u\n#endif\n", nc ? "" : "    { \"\", 0 },\n", nc);
    return write_header(gen, "sensor_policy.h", &h, "sensor entries");
}

/* <out-dir>/manifest-<image>.c: the kernel's table of one image's
 * components (comp_manifest), whose calls lists are indices into that
 * table: each image resolves them for itself. */
static int write_manifest(const char *gen, enum image im)
{
    int pos[MAX_COMPONENTS], n = 0;
    for (int i = 0; i < nentries; i++)
        pos[i] = in_image(&entries[i], im) ? n++ : -1;
    char file[1024];
    snprintf(file, sizeof file, "%s/manifest-%s.c", gen, image_names[im]);
    FILE *c = fopen(file, "w");
    if (!c) {
        fprintf(stderr, "manifest: cannot write %s: %s\n", file, strerror(errno));
        return 1;
    }
    fprintf(c, "/* Generated from %s by tools/manifest: the %s image's components. Do not edit. */\n"
               "#include <athanor/component.h>\n\n", path, image_names[im]);
    for (int i = 0; i < nentries; i++)
        if (pos[i] >= 0)
            fprintf(c, "extern const struct comp_image comp_image_%s;\n", entries[i].name);
    /* Whom each may call, as indices into the table below. */
    for (int i = 0; i < nentries; i++) {
        if (pos[i] < 0 || !entries[i].ncalls)
            continue;
        fprintf(c, "static const uint8_t calls_%s[] = {", entries[i].name);
        for (int k = 0; k < entries[i].ncalls; k++)
            fprintf(c, "%s%d /* %s */", k ? ", " : " ", pos[entries[i].call_idx[k]],
                    entries[entries[i].call_idx[k]].name);
        fprintf(c, " };\n");
    }
    /* Preopened directories, and the filesystem service that has them. */
    int fs_pos = -1;
    for (int i = 0; i < nentries; i++)
        if (pos[i] >= 0 && !strcmp(entries[i].name, "fs"))
            fs_pos = pos[i];
    for (int i = 0; i < nentries; i++) {
        if (pos[i] < 0 || !entries[i].ndirs)
            continue;
        fprintf(c, "static const struct comp_dir dirs_%s[] = {", entries[i].name);
        for (int k = 0; k < entries[i].ndirs; k++) {
            fprintf(c, "%s{ \"", k ? ", " : " ");
            put_cstr(c, entries[i].dirs[k].path);
            fprintf(c, "\", \"");
            put_cstr(c, entries[i].dirs[k].guest);
            fprintf(c, "\", %s }", entries[i].dirs[k].ro ? "true" : "false");
        }
        fprintf(c, " };\n");
    }
    fprintf(c, "\nconst struct comp_config comp_manifest[] = {\n");
    static const char *const boot[] = { "COMP_BOOT_NEVER", "COMP_BOOT_ALWAYS", "COMP_BOOT_SHELL" };
    static const char *const restart[] = { "RESTART_NEVER", "RESTART_ON_FAILURE", "RESTART_ALWAYS" };
    for (int i = 0; i < nentries; i++) {
        struct entry *e = &entries[i];
        if (pos[i] < 0)
            continue;
        fprintf(c, "    { .name = \"%s\", .image = &comp_image_%s, .args = \"", e->name, e->name);
        put_cstr(c, e->args);
        fprintf(c, "\", .caps = ");
        bool any = false;
        for (unsigned b = 0; b < sizeof cap_symbols / sizeof *cap_symbols; b++)
            if (e->caps & (1u << b)) {
                fprintf(c, "%s%s", any ? " | " : "", cap_symbols[b]);
                any = true;
            }
        fprintf(c, "%s,\n"
                   "      .max_pages = %ld, .cpu_budget_ms = %ld, .cpu_period_ms = %ld,\n"
                   "      .restart = %s, .max_restarts = %ld, .restart_window_ms = %ld, .autostart = %s,\n",
                any ? "" : "0", e->max_pages, e->cpu_budget_ms, e->cpu_period_ms,
                restart[e->restart], e->max_restarts, e->restart_window_ms, boot[e->autostart]);
        if (e->ncalls)
            fprintf(c, "      .calls = calls_%s, .ncalls = %d,", e->name, e->ncalls);
        else
            fprintf(c, "      .calls = NULL, .ncalls = 0,");
        fprintf(c, " .nioports = %d, .ioports = {", e->nioports);
        for (int k = 0; k < e->nioports; k++)
            fprintf(c, "%s{ %#lx, %ld }", k ? ", " : " ", e->ioports[k].lo,
                    e->ioports[k].hi - e->ioports[k].lo + 1);
        fprintf(c, " }, .nirqs = %d, .irqs = {", e->nirqs);
        for (int k = 0; k < e->nirqs; k++)
            fprintf(c, "%s%ld", k ? ", " : " ", e->irqs[k]);
        fprintf(c, " },\n      .nmmio = %d, .mmio = {", e->nmmio);
        for (int k = 0; k < e->nmmio; k++)
            fprintf(c, "%s{ %#llx, %#llx }", k ? ", " : " ", e->mmio[k].lo, e->mmio[k].hi - e->mmio[k].lo + 1);
        fprintf(c, " }, .dma_pages = %ld, .kernel_kib = %ld, .grants = %ld", e->dma_pages,
                e->kernel_kib, e->grants);
        if (e->ndirs)
            fprintf(c, ",\n      .dirs = dirs_%s, .ndirs = %d, .dir_server = %d", e->name, e->ndirs, fs_pos);
        fprintf(c, " },\n");
    }
    if (!n)
        fprintf(c, "    { 0 }\n");
    fprintf(c, "};\nconst unsigned comp_manifest_count = %d;\n", n);
    if (fclose(c)) {
        fprintf(stderr, "manifest: writing %s failed\n", file);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s system.toml out-dir component-dir...\n", argv[0]);
        return 2;
    }
    path = argv[1];
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return 1;
    }
    /* fgets cannot tell a NUL byte from the end of a line: look for one
     * first, so it is reported as what it is. */
    lineno = 1;
    for (int ch; (ch = getc(f)) != EOF;) {
        if (ch == '\0')
            fail("NUL byte in the manifest");
        lineno += ch == '\n';
    }
    if (ferror(f) || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
        return 1;
    }
    lineno = 0;
    char buf[MAX_LINE];
    struct entry *cur = NULL;
    while (fgets(buf, sizeof buf, f)) {
        lineno++;
        if (!strchr(buf, '\n') && !feof(f))
            fail("line longer than %d characters", MAX_LINE - 2);
        char *hash = NULL;
        bool in_str = false;
        for (char *p = buf; *p; p++) { /* a comment starts at # outside a string */
            if (*p == '"')
                in_str = !in_str;
            if (*p == '#' && !in_str) {
                hash = p;
                break;
            }
        }
        if (hash)
            *hash = '\0';
        char *s = trim(buf);
        if (!*s)
            continue;
        if (*s == '[') {
            size_t n = strlen(s);
            if (s[n - 1] != ']' || strncmp(s, "[component.", 11) != 0)
                fail("expected a section header like [component.NAME], got: %s", s);
            s[n - 1] = '\0';
            char *name = s + 11;
            if (!valid_name(name))
                fail("bad component name '%s': lower-case letters, digits and _, starting with a letter, at most %d characters",
                     name, NAME_MAX_LEN);
            for (int i = 0; i < nentries; i++)
                if (!strcmp(entries[i].name, name))
                    fail("component '%s' is already declared on line %d", name, entries[i].line);
            if (nentries == MAX_COMPONENTS)
                fail("more than %d components", MAX_COMPONENTS);
            cur = &entries[nentries++];
            memset(cur, 0, sizeof *cur);
            strcpy(cur->name, name);
            cur->line = lineno;
            cur->caps = 0;
            cur->max_pages = 16;
            cur->cpu_period_ms = 100;
            cur->max_restarts = 3;
            cur->restart_window_ms = 10000;
            cur->grants = 16;
            cur->role = -1;
            if (!(cur->dir = find_dir(name, argc - 3, argv + 3)))
                fail("component '%s' has no folder components/<group>/%s", name, name);
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq)
            fail("expected key = value, got: %s", s);
        if (!cur)
            fail("key outside a [component.NAME] section");
        *eq = '\0';
        set(cur, trim(s), trim(eq + 1));
    }
    fclose(f);
    for (int i = 0; i < nentries; i++) {
        lineno = entries[i].line;
        char calls[ARGS_MAX_LEN + 1];
        strcpy(calls, entries[i].calls);
        for (char *w = strtok(calls, " "); w; w = strtok(NULL, " ")) {
            int known = -1;
            for (int j = 0; j < nentries; j++)
                if (!strcmp(entries[j].name, w))
                    known = j;
            if (known < 0)
                fail("component '%s' calls '%s', which is not declared", entries[i].name, w);
            entries[i].call_idx[entries[i].ncalls++] = known; /* resolved now: the kernel parses nothing */
        }
        /* A device belongs to one driver: no port is granted twice. */
        for (int a = 0; a < entries[i].nioports; a++)
            for (int j = 0; j <= i; j++)
                for (int b = 0; b < (j == i ? a : entries[j].nioports); b++)
                    if (entries[i].ioports[a].lo <= entries[j].ioports[b].hi &&
                        entries[j].ioports[b].lo <= entries[i].ioports[a].hi)
                        fail("component '%s': I/O ports %#lx-%#lx are also granted to '%s'",
                             entries[i].name, entries[i].ioports[a].lo, entries[i].ioports[a].hi,
                             entries[j].name);
        for (int a = 0; a < entries[i].nmmio; a++)
            for (int j = 0; j <= i; j++)
                for (int b = 0; b < (j == i ? a : entries[j].nmmio); b++)
                    if (entries[i].mmio[a].lo <= entries[j].mmio[b].hi &&
                        entries[j].mmio[b].lo <= entries[i].mmio[a].hi)
                        fail("component '%s': MMIO %#llx-%#llx is also granted to '%s'",
                             entries[i].name, entries[i].mmio[a].lo, entries[i].mmio[a].hi,
                             entries[j].name);
        for (int a = 0; a < entries[i].nirqs; a++)
            for (int j = 0; j <= i; j++)
                for (int b = 0; b < (j == i ? a : entries[j].nirqs); b++)
                    if (entries[i].irqs[a] == entries[j].irqs[b])
                        fail("component '%s': interrupt line %ld is also granted to '%s'",
                             entries[i].name, entries[i].irqs[a], entries[j].name);
        /* The inventory right is the PCI service's to honour: one who
         * cannot call it has been given it by mistake. */
        bool calls_pci = false;
        for (int k = 0; k < entries[i].ncalls; k++)
            calls_pci |= !strcmp(entries[entries[i].call_idx[k]].name, "pci");
        if (entries[i].pci_inventory && !calls_pci)
            fail("component '%s': pci_inventory = true, but its calls do not include \"pci\"", entries[i].name);
        /* Network rules are the net service's to honour. */
        bool calls_net = false;
        for (int k = 0; k < entries[i].ncalls; k++)
            calls_net |= !strcmp(entries[entries[i].call_idx[k]].name, "net");
        if (entries[i].nnet && !calls_net)
            fail("component '%s' has network rules (net), but its calls do not include \"net\"", entries[i].name);
        /* A PCI device belongs to one driver. */
        for (int a = 0; a < entries[i].npci; a++)
            for (int j = 0; j <= i; j++)
                for (int b = 0; b < (j == i ? a : entries[j].npci); b++)
                    if (entries[i].pci[a] == entries[j].pci[b])
                        fail("component '%s': PCI device %04lx:%04lx is also claimed by '%s'",
                             entries[i].name, entries[i].pci[a] & 0xffff, entries[i].pci[a] >> 16,
                             entries[j].name);
        /* Default kernel memory: 64 KiB, plus what bare metal keeps per page
         * of a snapshot (an original frame and a dirty index, 12 bytes per
         * 4 KiB) for as much memory as the component may have. */
        if (!entries[i].kernel_kib)
            entries[i].kernel_kib = 64 + (entries[i].max_pages * 16 * 12 + 1023) / 1024;
        if (entries[i].cpu_budget_ms > entries[i].cpu_period_ms)
            fail("component '%s': cpu_budget_ms (%ld) is larger than cpu_period_ms (%ld)",
                 entries[i].name, entries[i].cpu_budget_ms, entries[i].cpu_period_ms);
    }
    /* Checked once everything else is: every component says which image
     * it belongs to, and a component calls only components every image it
     * is in has (its calls table could not name them). */
    for (int i = 0; i < nentries; i++) {
        lineno = entries[i].line;
        if (entries[i].role < 0)
            fail("component '%s' has no image key (image = " ROLE_NAMES ")", entries[i].name);
    }
    /* A sensor driver holds no hardware of its own (the privacy service
     * lends it its device's, per session), and only the privacy service
     * calls it: nobody reaches a sensor but through a session. */
    for (int i = 0; i < nentries; i++) {
        const struct entry *e = &entries[i];
        lineno = e->line;
        if (e->sensor && (e->nioports || e->nirqs || e->nmmio || e->npci || e->dma_pages))
            fail("component '%s' drives a sensor: its hardware goes to the privacy service, which "
                 "lends it per session (docs/privacy.md)", e->name);
        for (int k = 0; k < e->ncalls; k++)
            if (entries[e->call_idx[k]].sensor && strcmp(e->name, "privacy"))
                fail("component '%s' calls the sensor driver '%s': only the privacy service may",
                     e->name, entries[e->call_idx[k]].name);
    }
    for (int i = 0; i < nentries; i++) {
        lineno = entries[i].line;
        for (int k = 0; k < entries[i].ncalls; k++) {
            const struct entry *to = &entries[entries[i].call_idx[k]];
            for (int im = 0; im < NIMAGES; im++)
                if (in_image(&entries[i], im) && !in_image(to, im))
                    fail("component '%s' (image \"%s\") calls '%s' (image \"%s\"), which the %s image does "
                         "not have", entries[i].name, roles[entries[i].role], to->name, roles[to->role],
                         image_names[im]);
        }
    }

    /* Preopened directories are the filesystem service's: every image
     * that has a component with some has the service. */
    for (int i = 0; i < nentries; i++) {
        lineno = entries[i].line;
        if (!entries[i].ndirs)
            continue;
        int fs = -1;
        for (int j = 0; j < nentries; j++)
            if (!strcmp(entries[j].name, "fs"))
                fs = j;
        for (int im = 0; im < NIMAGES; im++)
            if (in_image(&entries[i], im) && (fs < 0 || !in_image(&entries[fs], im)))
                fail("component '%s' has preopened directories, but the %s image has no filesystem "
                     "service ('fs')", entries[i].name, image_names[im]);
    }

    for (int im = 0; im < NIMAGES; im++)
        if (write_manifest(argv[2], im) != 0)
            return 1;
    if (write_pci_claims(argv[2], path) != 0 || write_sensor_policy(argv[2], path) != 0 ||
        write_net_policy(argv[2], path) != 0)
        return 1;
    char out[1024];
    snprintf(out, sizeof out, "%s/components.mk", argv[2]);
    FILE *mk = fopen(out, "w");
    if (!mk) {
        fprintf(stderr, "manifest: cannot write %s: %s\n", out, strerror(errno));
        return 1;
    }
    fprintf(mk, "# Generated from %s by tools/manifest. Do not edit.\nCOMPONENTS :=", path);
    for (int i = 0; i < nentries; i++)
        fprintf(mk, " %s", entries[i].name);
    fprintf(mk, "\n");
    for (int im = 0; im < NIMAGES; im++) {
        fprintf(mk, "IMAGE_COMPONENTS_%s :=", image_names[im]);
        for (int i = 0; i < nentries; i++)
            if (in_image(&entries[i], im))
                fprintf(mk, " %s", entries[i].name);
        fprintf(mk, "\n");
    }
    for (int i = 0; i < nentries; i++)
        fprintf(mk, "COMP_DIR_%s := %s\n", entries[i].name, entries[i].dir);
    if (fclose(mk)) {
        fprintf(stderr, "manifest: writing %s failed\n", out);
        return 1;
    }
    return 0;
}
