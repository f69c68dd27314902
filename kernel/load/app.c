/* Starting a package as a component (athanor/app.h): decode what its
 * starter grants (abi/athanor/abi/app.h: every offset and string checked,
 * each directory one the starter reaches itself), load the package
 * (pkg.c), build its config in one kernel block, take a component slot and
 * start it. From there it is a component like any other: capabilities,
 * faults, restarts, reset, the supervisor, ps and caps. */
#include <athanor/abi/app.h>
#include <athanor/abi/net.h>
#include <athanor/app.h>
#include <athanor/errors.h>
#include <athanor/heap.h>
#include <athanor/klib.h>
#include <athanor/lifecycle.h>
#include <athanor/load.h>

/* Kernel memory a started app may cause (its fds, its messages). */
#define APP_KERNEL_KIB 1024

static bool has_nul(const char *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (!p[i])
            return true;
    return false;
}

/* [off, off + len) inside the spec? */
static bool in_spec(const struct ath_app_spec *s, uint32_t off, uint32_t len)
{
    return off <= s->size && len <= s->size - off;
}

/* n NUL-terminated strings fill [p, p + len) exactly; how many, or -1. */
static long count_strings(const char *p, uint32_t len)
{
    if (len == 0)
        return 0;
    if (p[len - 1] != '\0')
        return -1;
    long n = 0;
    for (uint32_t i = 0; i < len; i++)
        n += p[i] == '\0';
    return n;
}

/* A canonical absolute path: "/", or "/a/b" with no empty, "." or ".."
 * component and no NUL inside. */
static bool canonical(const char *p, uint32_t len)
{
    if (len == 0 || p[0] != '/' || len >= ATH_APP_PATH_MAX)
        return false;
    if (len == 1)
        return true;
    if (p[len - 1] == '/')
        return false;
    for (uint32_t i = 0; i < len;) {
        uint32_t j = i + 1;
        while (j < len && p[j] != '/')
            j++;
        uint32_t n = j - i - 1; /* the component after the slash at i */
        if (n == 0 || (n == 1 && p[i + 1] == '.') || (n == 2 && p[i + 1] == '.' && p[i + 2] == '.'))
            return false;
        for (uint32_t k = i + 1; k < j; k++)
            if (p[k] == '\0')
                return false;
        i = j;
    }
    return true;
}

/* May the starter grant path (readonly or not)? The kernel may grant any;
 * a component only what lies in one of its own directories, read-only if
 * that one is. *ro becomes true where the starter's own is read-only. */
static bool starter_reaches(const struct component *starter, const char *path, uint32_t len, bool *ro)
{
    if (!starter)
        return true;
    for (unsigned i = 0; i < starter->cfg->ndirs; i++) {
        const struct comp_dir *d = &starter->cfg->dirs[i];
        size_t dl = strlen(d->path);
        bool under = (dl == 1 && d->path[0] == '/') ||
                     (len >= dl && memcmp(path, d->path, dl) == 0 && (len == dl || path[dl] == '/'));
        if (under) {
            *ro = *ro || d->readonly;
            return true;
        }
    }
    return false;
}

/* The rules to check at the net service, as a kernel call's message. */
struct rules_msg {
    const struct ath_net_rule *r;
    uint32_t                   n;
};

static int rules_fill(void *ctx, uint8_t *buf, uint32_t room, uint32_t *len)
{
    const struct rules_msg *m = ctx;
    *len = m->n * (uint32_t)sizeof *m->r;
    return *len > room ? -ATH_EMSGSIZE : umem_copy(buf, m->r, *len);
}

/* The network asked for: well-formed rules and listening sockets (each
 * one a "listen" rule too), within the starter's own. The kernel's own
 * start (the user's `azoth run`, as with --dir) may grant any; a
 * component's rules live in the net service, which is asked, with the
 * starter as the caller (NET_GRANT_CHECK). all gets the app's rules: the
 * spec's, then one per listening socket. */
#define APP_RULES_MAX (ATH_APP_NET_MAX + ATH_APP_LISTEN_MAX)
static int check_net(struct component *starter, const struct ath_app_spec *s, struct component *net,
                     struct ath_net_rule all[APP_RULES_MAX], char *why, size_t wl)
{
    if (s->nnet > ATH_APP_NET_MAX || s->nlisten > ATH_APP_LISTEN_MAX)
        return load_refuse(-ATH_EINVAL, why, wl, "at most %u network rules and %u listening sockets",
                           ATH_APP_NET_MAX, ATH_APP_LISTEN_MAX);
    for (uint32_t i = 0; i < s->nnet; i++) {
        const struct ath_net_rule *r = &s->net[i];
        bool ports = r->kind == ATH_NET_RULE_LISTEN || r->kind == ATH_NET_RULE_CONNECT;
        uint32_t beyond = r->prefix >= 32 ? 0 : 0xffffffffu >> r->prefix;
        if (r->kind < ATH_NET_RULE_LISTEN || r->kind > ATH_NET_RULE_ALL_SOCKETS || !r->proto ||
            (r->proto & ~(ATH_NET_RULE_TCP | ATH_NET_RULE_UDP)) || r->prefix > 32 || r->pad ||
            (r->addr & beyond) || (ports ? !r->port_lo || r->port_lo > r->port_hi : r->port_lo || r->port_hi))
            return load_refuse(-ATH_EINVAL, why, wl, "network rule %u is malformed", i);
        all[i] = *r;
    }
    for (uint32_t i = 0; i < s->nlisten; i++) {
        const struct ath_app_listen *l = &s->listen[i];
        if (!l->port || l->backlog > 16)
            return load_refuse(-ATH_EINVAL, why, wl, "listening socket %u: port 1-65535, backlog 0-16", i);
        for (uint32_t j = 0; j < i; j++)
            if (s->listen[j].port == l->port)
                return load_refuse(-ATH_EINVAL, why, wl, "port %u given twice", l->port);
        all[s->nnet + i] = (struct ath_net_rule){ .kind = ATH_NET_RULE_LISTEN, .proto = ATH_NET_RULE_TCP,
                                                  .port_lo = l->port, .port_hi = l->port };
    }
    uint32_t n = s->nnet + s->nlisten;
    if (!starter || !n)
        return 0;
    struct rules_msg m = { all, n };
    struct ipc_kcall k = { rules_fill, NULL, &m };
    struct ipc_call call = { .ep = &net->ipc.ep, .badge = ipc_badge_of(starter), .obj_gen = net->generation,
                             .m = { NET_GRANT_CHECK, 0, 0, 0 } };
    uint64_t res = 0;
    int r = ipc_call_kernel(thread_current(), starter, &call, &k, &res);
    if (r)
        return load_refuse(r, why, wl, "network: the network service did not answer (%s)", ath_strerror(r));
    if ((int64_t)res < 0)
        return load_refuse((int)(int64_t)res, why, wl, "network: %s",
                           (int64_t)res == -ATH_EPERM ? "beyond what its starter may do itself"
                                                      : ath_strerror((int)(int64_t)res));
    return 0;
}

int app_config(struct component *starter, const uint8_t *spec_bytes, size_t spec_len,
               const char *pkg_name, uint32_t pkg_pages, bool host_stdio, struct comp_config **out,
               char *why, size_t wl)
{
    if (spec_len < sizeof(struct ath_app_spec) || spec_len > ATH_APP_SPEC_MAX)
        return load_refuse(-ATH_EINVAL, why, wl, "a start request of %zu bytes", spec_len);
    struct ath_app_spec s;
    memcpy(&s, spec_bytes, sizeof s);
    const char *base = (const char *)spec_bytes;
    if (s.size != spec_len || (s.grants & ~ATH_APP_GRANTS) || s.ndirs > ATH_APP_DIRS_MAX ||
        !in_spec(&s, s.name_off, s.name_len) || !in_spec(&s, s.args_off, s.args_len) ||
        !in_spec(&s, s.env_off, s.env_len) || s.args_len > ATH_APP_ARGS_MAX ||
        s.env_len > ATH_APP_ENV_MAX)
        return load_refuse(-ATH_EINVAL, why, wl, "a malformed start request");
    /* Its name: the starter's choice, or the package's. */
    char name[ATH_NAME_MAX];
    if (s.name_len) {
        if (s.name_len >= ATH_NAME_MAX || has_nul(base + s.name_off, s.name_len))
            return load_refuse(-ATH_EINVAL, why, wl, "a component name of 1-%u characters", ATH_NAME_MAX - 1);
        memcpy(name, base + s.name_off, s.name_len);
        name[s.name_len] = '\0';
    } else {
        kstrlcpy(name, pkg_name, sizeof name);
    }
    long argc = count_strings(base + s.args_off, s.args_len);
    long envc = count_strings(base + s.env_off, s.env_len);
    if (argc < 0 || envc < 0)
        return load_refuse(-ATH_EINVAL, why, wl, "arguments or environment not NUL-terminated strings");
    for (long i = 0, off = 0; i < envc; i++) { /* each KEY=VALUE, with a key */
        const char *e = base + s.env_off + off;
        const char *eq = strchr(e, '=');
        if (!eq || eq == e)
            return load_refuse(-ATH_EINVAL, why, wl, "environment entry %ld is not KEY=VALUE", i);
        off += (long)strlen(e) + 1;
    }
    /* Its directories. */
    size_t strings = sizeof name + s.args_len + (argc ? 0 : sizeof name) + s.env_len;
    bool ro[ATH_APP_DIRS_MAX];
    for (uint32_t i = 0; i < s.ndirs; i++) {
        const struct ath_app_dir *d = &s.dirs[i];
        if (!in_spec(&s, d->path_off, d->path_len) || !in_spec(&s, d->guest_off, d->guest_len) ||
            d->guest_len == 0 || d->guest_len >= ATH_APP_PATH_MAX ||
            has_nul(base + d->guest_off, d->guest_len) || d->readonly > 1)
            return load_refuse(-ATH_EINVAL, why, wl, "directory %u is malformed", i);
        if (!canonical(base + d->path_off, d->path_len))
            return load_refuse(-ATH_EINVAL, why, wl, "directory %u: \"%.*s\" is not a canonical absolute path",
                          i, (int)MIN(d->path_len, 64u), base + d->path_off);
        ro[i] = d->readonly;
        if (!starter_reaches(starter, base + d->path_off, d->path_len, &ro[i]))
            return load_refuse(-ATH_EPERM, why, wl, "directory %.*s: not one its starter may grant",
                          (int)MIN(d->path_len, 64u), base + d->path_off);
        strings += d->path_len + d->guest_len + 2;
    }
    int net_server = -1;
    struct ath_net_rule all[APP_RULES_MAX];
    if (s.nnet || s.nlisten) {
        struct component *net = comp_find("net");
        if (!net)
            return load_refuse(-ATH_ENOENT, why, wl, "network asked for, but this system has no network service");
        int r = check_net(starter, &s, net, all, why, wl);
        if (r)
            return r;
        net_server = (int)(net - comp_at(0));
    }
    int server = -1;
    if (s.ndirs) {
        struct component *fs = comp_find("fs");
        if (!fs)
            return load_refuse(-ATH_ENOENT, why, wl, "directories asked for, but this system has no filesystem service");
        server = (int)(fs - comp_at(0));
    }
    /* One block: the config, its network rules (the starter's, then one
     * "listen" per listening socket) and sockets, its directories, its
     * strings. */
    uint32_t nrules = s.nnet + s.nlisten;
    size_t size = sizeof(struct comp_config) + nrules * sizeof(struct ath_net_rule) +
                  s.nlisten * sizeof(struct ath_app_listen) + s.ndirs * sizeof(struct comp_dir) + strings + 8;
    uint8_t *blk = kzalloc(size);
    if (!blk)
        return load_refuse(-ATH_ENOMEM, why, wl, "no memory for its configuration");
    struct comp_config *cfg = (struct comp_config *)blk;
    struct ath_net_rule *rules = (struct ath_net_rule *)(cfg + 1);
    struct ath_app_listen *listen = (struct ath_app_listen *)(rules + nrules);
    struct comp_dir *dirs = (struct comp_dir *)(listen + s.nlisten);
    char *p = (char *)(dirs + s.ndirs);
    memcpy(rules, all, nrules * sizeof *rules); /* check_net's */
    for (uint32_t i = 0; i < s.nlisten; i++) {
        listen[i] = s.listen[i];
        if (!listen[i].backlog)
            listen[i].backlog = 16;
    }
    cfg->net = nrules ? rules : NULL;
    cfg->nnet = (uint8_t)nrules;
    cfg->listen = s.nlisten ? listen : NULL;
    cfg->nlisten = (uint8_t)s.nlisten;
    cfg->net_server = net_server < 0 ? 0 : (uint8_t)net_server;
    cfg->name = p; /* ATH_NAME_MAX bytes: app_start may rename it */
    kstrlcpy(p, name, sizeof name);
    p += sizeof name;
    cfg->args = ""; /* argv is given whole */
    cfg->argv = p;
    if (argc) {
        memcpy(p, base + s.args_off, s.args_len);
        cfg->argc = (uint32_t)argc;
        cfg->argv_len = s.args_len;
    } else { /* argv[0] is at least its name */
        size_t n = strlen(name) + 1;
        memcpy(p, name, n);
        cfg->argc = 1;
        cfg->argv_len = (uint32_t)n;
    }
    p += cfg->argv_len;
    cfg->env = p;
    memcpy(p, base + s.env_off, s.env_len);
    cfg->envc = (uint32_t)envc;
    cfg->env_len = s.env_len;
    p += s.env_len;
    for (uint32_t i = 0; i < s.ndirs; i++) {
        const struct ath_app_dir *d = &s.dirs[i];
        dirs[i].path = p;
        memcpy(p, base + d->path_off, d->path_len);
        p += d->path_len + 1;
        dirs[i].guest = p;
        memcpy(p, base + d->guest_off, d->guest_len);
        p += d->guest_len + 1;
        dirs[i].readonly = ro[i];
    }
    cfg->dirs = s.ndirs ? dirs : NULL;
    cfg->ndirs = (uint8_t)s.ndirs;
    cfg->dir_server = server < 0 ? 0 : (uint8_t)server;
    cfg->caps = (s.grants & ATH_APP_CONSOLE ? CAP_CONSOLE : 0) |
                (s.grants & ATH_APP_CLOCK ? CAP_CLOCK : 0) |
                (s.grants & ATH_APP_RANDOM ? CAP_RANDOM : 0) |
                (s.grants & ATH_APP_PRECISE_CLOCK ? CAP_PRECISE_CLOCK : 0);
    cfg->max_pages = s.max_pages && s.max_pages < pkg_pages ? s.max_pages : pkg_pages;
    cfg->restart = RESTART_NEVER;
    cfg->autostart = COMP_BOOT_NEVER;
    cfg->kernel_kib = APP_KERNEL_KIB;
    cfg->grants = nrules ? APP_NET_GRANTS : 0;
    cfg->host_stdio = host_stdio;
    *out = cfg;
    return 0;
}

/* Start c if it is not running, and first the servers it calls (the
 * filesystem service needs the PCI service to find its device): what the
 * boot would have started, for a system that started only this app. */
static int start_with_servers(struct component *c, unsigned depth)
{
    if (c->state == COMP_RUNNING)
        return 0;
    if (depth > 8)
        return -ATH_EINVAL; /* the manifest's calls do not loop this deep */
    for (unsigned i = 0; i < c->cfg->ncalls; i++) {
        int r = start_with_servers(comp_at(c->cfg->calls[i]), depth + 1);
        if (r)
            return r;
    }
    int r = comp_start(c, NULL);
    return r == -ATH_EBUSY ? 0 : r; /* started meanwhile */
}

int app_start(struct component *starter, struct plat_code *pkg, size_t pkg_len,
              const uint8_t *spec, size_t spec_len, bool host_stdio, struct component **out,
              char *why, size_t why_len)
{
    struct pkg *p;
    int r = pkg_load(pkg, pkg_len, &p, why, why_len);
    if (r)
        return r;
    struct comp_config *cfg;
    r = app_config(starter, spec, spec_len, p->name, p->max_pages, host_stdio, &cfg, why, why_len);
    if (r) {
        kprintf("app %s: refused: %s\n", p->name, why);
        pkg_put(p);
        return r;
    }
    /* Its files and network are served by these services. */
    for (int k = 0; k < 2; k++) {
        bool wanted = k == 0 ? cfg->dirs != NULL : cfg->nnet != 0;
        struct component *srv = comp_at(k == 0 ? cfg->dir_server : cfg->net_server);
        if (!wanted || (r = start_with_servers(srv, 0)) == 0)
            continue;
        ksnprintf(why, why_len, "the %s service did not start: %s", k == 0 ? "filesystem" : "network",
                  ath_strerror(r));
        kprintf("app %s: %s\n", p->name, why);
        kfree(cfg);
        pkg_put(p);
        return r;
    }
    /* Unless the starter chose its name, it takes its package's, or the
     * first of name-2, name-3... that no component has (a second copy, or
     * a built-in component of that name). */
    struct ath_app_spec sh;
    memcpy(&sh, spec, sizeof sh);
    char *name = (char *)cfg->name; /* in cfg's own block, ATH_NAME_MAX bytes */
    for (unsigned n = 2; !sh.name_len && comp_find(name) && n < 100; n++) {
        char base[ATH_NAME_MAX];
        kstrlcpy(base, p->name, ATH_NAME_MAX - 3);
        ksnprintf(name, ATH_NAME_MAX, "%s-%u", base, n);
    }
    struct component *c;
    char name_was[ATH_NAME_MAX];
    kstrlcpy(name_was, cfg->name, sizeof name_was);
    r = comp_create(cfg, p, &c); /* the slot owns cfg and p from here, also on failure */
    if (r) {
        ksnprintf(why, why_len, r == -ATH_EEXIST ? "a component named %s exists"
                                                 : "no free component slot (%s)", name_was);
        kprintf("app: refused: %s\n", why);
        return r;
    }
    r = comp_start(c, NULL);
    if (r) {
        ksnprintf(why, why_len, "%s did not start: %s", name_was, ath_strerror(r));
        kprintf("app: %s\n", why);
        comp_remove(c);
        return r;
    }
    *out = c;
    return 0;
}
