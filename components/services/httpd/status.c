/* The status page's contents: every component (state, generation,
 * restarts, restart policy, capabilities by type), the recent faults, the
 * kernel's memory, the network interface, the live sensor sessions and the
 * privacy audit log, read at each request through the read-only "observe"
 * capability, the net service and the privacy service (read only:
 * sensor_control = "observe"); written as HTML and as JSON from one
 * snapshot. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <athanor_privacy.h>

#include "httpd.h"

void text_add(struct text *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = t->cap - t->len;
        int n = vsnprintf(t->p ? t->p + t->len : NULL, t->p ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if (t->p && (size_t)n < room) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = t->cap ? t->cap * 2 : 8192;
        while (cap < t->len + (size_t)n + 1)
            cap *= 2;
        char *p = realloc(t->p, cap);
        if (!p) {
            t->failed = 1;
            return;
        }
        t->p = p, t->cap = cap;
    }
}

void text_html(struct text *t, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': text_add(t, "&lt;"); break;
        case '>': text_add(t, "&gt;"); break;
        case '&': text_add(t, "&amp;"); break;
        case '"': text_add(t, "&quot;"); break;
        default:  text_add(t, "%c", *s); break;
        }
    }
}

void text_json(struct text *t, const char *s)
{
    text_add(t, "\"");
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            text_add(t, "\\%c", ch);
        else if (ch < 0x20 || ch >= 0x7f)
            text_add(t, "\\u%04x", ch);
        else
            text_add(t, "%c", ch);
    }
    text_add(t, "\"");
}

void text_free(struct text *t)
{
    free(t->p);
    memset(t, 0, sizeof *t);
}

/* ---- one snapshot of the system ---- */

#define MAX_COMPS  128
#define MAX_FAULTS 16
static const char *const type_names[ATH_T_COUNT] = {
    [ATH_T_ENDPOINT] = "endpoint", [ATH_T_NOTIFICATION] = "notification", [ATH_T_MEMGRANT] = "memgrant",
    [ATH_T_CONSOLE] = "console",   [ATH_T_CLOCK] = "clock",               [ATH_T_RANDOM] = "random",
    [ATH_T_COMPONENT] = "component", [ATH_T_IOPORT] = "ioport",           [ATH_T_MMIO] = "mmio",
    [ATH_T_IRQ] = "irq",           [ATH_T_DMA] = "dma",                   [ATH_T_LOG] = "log",
};

struct comp {
    char     name[ATH_NAME_MAX];
    unsigned state, generation, restarts, policy;
    unsigned caps[ATH_T_COUNT], ncaps;
};
static struct snapshot {
    uint64_t              uptime_ms;
    int                   have_mem;
    struct ath_sys_mem    mem;
    struct comp           comps[MAX_COMPS];
    unsigned              ncomps, running;
    struct ath_sys_fault  faults[MAX_FAULTS];
    unsigned              nfaults;
    int                   have_if;
    struct ath_net_ifinfo ifi;
    int                   have_privacy;
    uint32_t              sessions_len, log_len; /* text, a line each, in the buffers below */
} snap;
/* The privacy service's answers (lent to it): live sensor sessions and
 * requests, and the audit log, as its text lines (ATH_PRIV_LIST, _LOG). */
static char sessions_text[ATH_PAGE_SIZE] __attribute__((aligned(ATH_PAGE_SIZE)));
static char log_text[4 * ATH_PAGE_SIZE] __attribute__((aligned(ATH_PAGE_SIZE)));
#define LOG_LINES 20 /* the newest of the audit log shown */

static const char *state_name(unsigned s)
{
    static const char *const names[] = { "stopped", "running", "exited", "faulted" };
    return s < 4 ? names[s] : "?";
}

static const char *policy_name(unsigned p)
{
    static const char *const names[] = { "never", "on-failure", "always" };
    return p < 3 ? names[p] : "?";
}


static void take(ath_handle_t observe, struct ath_net *net)
{
    memset(&snap, 0, sizeof snap);
    snap.uptime_ms = ath_now_ns() / 1000000u;
    snap.have_mem = ath_sys_mem(observe, &snap.mem) == 0;
    char name[ATH_NAME_MAX];
    int n;
    for (unsigned i = 0; snap.ncomps < MAX_COMPS && (n = ath_comp_name(observe, i, name, sizeof name)) >= 0; i++) {
        if (n == 0)
            continue; /* an empty slot of the ones apps take */
        struct comp *c = &snap.comps[snap.ncomps++];
        memcpy(c->name, name, sizeof c->name);
        int64_t st = ath_comp_ctl(observe, name, ATH_COMP_STATE, 0);
        int64_t po = ath_comp_ctl(observe, name, ATH_COMP_POLICY, 0);
        c->state = st < 0 ? 99 : ATH_STATE_STATE(st);
        c->generation = st < 0 ? 0 : ATH_STATE_GENERATION(st);
        c->restarts = st < 0 ? 0 : ATH_STATE_RESTARTS(st);
        c->policy = po < 0 ? 99 : ATH_POLICY_RESTART(po);
        snap.running += c->state == ATH_RUNNING;
        struct ath_sys_cap cap;
        for (unsigned k = 0; k < 256 && ath_sys_cap(observe, name, k, &cap) == 0; k++) {
            if (cap.type < ATH_T_COUNT)
                c->caps[cap.type]++;
            c->ncaps++;
        }
    }
    while (snap.nfaults < MAX_FAULTS && ath_sys_fault(observe, snap.nfaults, &snap.faults[snap.nfaults]) == 0) {
        snap.faults[snap.nfaults].component[ATH_NAME_MAX - 1] = '\0';
        snap.faults[snap.nfaults].function[ATH_FUNC_MAX - 1] = '\0';
        snap.nfaults++;
    }
    static union {
        struct ath_net_ifinfo i;
        uint8_t               page[ATH_PAGE_SIZE];
    } lent __attribute__((aligned(ATH_PAGE_SIZE)));
    uint64_t r = 0;
    snap.have_if = ath_net_call(net, NET_IFINFO, 0, 0, &lent, sizeof lent, ATH_NET_LEND_RW, &r) == 0;
    snap.ifi = lent.i;
    /* Sensor sessions and the audit log: read only (sensor_control =
     * "observe"); a fresh endpoint each time, as the service may have
     * restarted. */
    ath_handle_t priv = ath_lookup("privacy");
    uint64_t ls = 0, ll = 0;
    snap.have_privacy = priv >= 0 &&
        ath_call_lend(priv, ATH_PRIV_LIST, 0, sessions_text, sizeof sessions_text, ATH_LEND_RW, &ls) == 0 &&
        (int64_t)ls >= 0 &&
        ath_call_lend(priv, ATH_PRIV_LOG, 0, log_text, sizeof log_text, ATH_LEND_RW, &ll) == 0 && (int64_t)ll >= 0;
    if (priv >= 0)
        ath_cap_delete(priv);
    snap.sessions_len = snap.have_privacy ? (uint32_t)(ls < sizeof sessions_text ? ls : sizeof sessions_text) : 0;
    snap.log_len = snap.have_privacy ? (uint32_t)(ll < sizeof log_text ? ll : sizeof log_text) : 0;
}

/* The lines of text[0..len) from the first of the last `last` on (all
 * with last 0): each handed to emit, without its newline. */
static void each_line(const char *text, uint32_t len, unsigned last, struct text *t,
                      void (*emit)(struct text *, const char *, unsigned))
{
    unsigned n = 0, skip;
    for (uint32_t i = 0; i < len; i++)
        n += text[i] == '\n';
    skip = last && n > last ? n - last : 0;
    char line[256];
    unsigned k = 0, idx = 0;
    for (uint32_t i = 0; i < len; i++) {
        if (text[i] != '\n') {
            if (k < sizeof line - 1)
                line[k++] = text[i];
            continue;
        }
        line[k] = '\0';
        if (idx >= skip)
            emit(t, line, idx - skip);
        idx++, k = 0;
    }
}

static void line_html(struct text *t, const char *line, unsigned i)
{
    (void)i;
    text_add(t, "<li>");
    text_html(t, line);
    text_add(t, "</li>\n");
}

static void line_json(struct text *t, const char *line, unsigned i)
{
    text_add(t, "%s", i ? "," : "");
    text_json(t, line);
}

static const char *ip(uint32_t a, char *buf)
{
    struct in_addr in = { a };
    return inet_ntop(AF_INET, &in, buf, 16) ? buf : "?";
}

/* ---- HTML ---- */

static void caps_html(struct text *t, const struct comp *c)
{
    int first = 1;
    for (unsigned k = 1; k < ATH_T_COUNT; k++) {
        if (!c->caps[k])
            continue;
        text_add(t, "%s%s", first ? "" : ", ", type_names[k]);
        if (c->caps[k] > 1)
            text_add(t, "&times;%u", c->caps[k]);
        first = 0;
    }
}

void status_html(struct text *t, ath_handle_t observe, struct ath_net *net)
{
    take(observe, net);
    text_add(t, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta http-equiv=\"refresh\" content=\"5\"><title>Azoth status</title>\n<style>"
                "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fafaf7}"
                "h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.4em 0 .4em}"
                "table{border-collapse:collapse}td,th{padding:.15em .8em .15em 0;text-align:left;"
                "border-bottom:1px solid #e4e4dc}th{font-weight:600}.running{color:#176d2a}"
                ".faulted{color:#b3261e;font-weight:600}.exited,.stopped{color:#777}.num{text-align:right}"
                ".note{color:#666}</style></head><body>\n");
    text_add(t, "<h1>Azoth</h1><p class=\"note\">Athanor microkernel &middot; up %llu.%03llu s &middot; "
                "%u of %u components running &middot; this page: /status.json for the same as JSON; "
                "it refreshes every 5 s</p>\n",
             (unsigned long long)(snap.uptime_ms / 1000), (unsigned long long)(snap.uptime_ms % 1000),
             snap.running, snap.ncomps);
    text_add(t, "<h2>Components</h2><table><tr><th>name</th><th>state</th><th class=\"num\">generation</th>"
                "<th class=\"num\">restarts</th><th>restart policy</th><th>capabilities</th></tr>\n");
    for (unsigned i = 0; i < snap.ncomps; i++) {
        const struct comp *c = &snap.comps[i];
        text_add(t, "<tr><td>");
        text_html(t, c->name);
        text_add(t, "</td><td class=\"%s\">%s</td><td class=\"num\">%u</td><td class=\"num\">%u</td><td>%s</td><td>",
                 state_name(c->state), state_name(c->state), c->generation, c->restarts, policy_name(c->policy));
        caps_html(t, c);
        text_add(t, "</td></tr>\n");
    }
    text_add(t, "</table>\n<h2>Faults</h2>\n");
    if (!snap.nfaults)
        text_add(t, "<p>none</p>\n");
    else {
        text_add(t, "<table><tr><th>component</th><th class=\"num\">generation</th><th>what</th><th>where</th></tr>\n");
        for (unsigned i = 0; i < snap.nfaults; i++) {
            const struct ath_sys_fault *f = &snap.faults[i];
            text_add(t, "<tr><td>");
            text_html(t, f->component);
            text_add(t, "</td><td class=\"num\">%u</td><td>%s%s</td><td>", f->generation, ath_trap_name(f->kind),
                     f->injected ? " (injected)" : "");
            text_html(t, f->function[0] ? f->function : "?");
            text_add(t, "+%#llx</td></tr>\n", (unsigned long long)f->offset);
        }
        text_add(t, "</table>\n");
    }
    text_add(t, "<h2>Network</h2>\n");
    if (!snap.have_if || !snap.ifi.device)
        text_add(t, "<p>no network device</p>\n");
    else {
        char a[16], g[16];
        const struct ath_net_ifinfo *n = &snap.ifi;
        text_add(t, "<table><tr><td>en0</td><td>%02x:%02x:%02x:%02x:%02x:%02x, link %s</td></tr>"
                    "<tr><td>inet</td><td>%s/%d via %s</td></tr>"
                    "<tr><td>frames</td><td>%llu received, %llu sent</td></tr>"
                    "<tr><td>driver restarts</td><td>%llu</td></tr></table>\n",
                 n->mac[0], n->mac[1], n->mac[2], n->mac[3], n->mac[4], n->mac[5], n->link ? "up" : "down",
                 ip(n->addr, a), __builtin_popcount(n->netmask), ip(n->gateway, g),
                 (unsigned long long)n->rx_frames, (unsigned long long)n->tx_frames,
                 (unsigned long long)n->restarts_seen);
    }
    text_add(t, "<h2>Sensor sessions</h2>\n");
    if (!snap.have_privacy)
        text_add(t, "<p>the privacy service does not answer</p>\n");
    else if (!snap.sessions_len)
        text_add(t, "<p id=\"sessions\">none live, no requests waiting</p>\n");
    else {
        text_add(t, "<ul id=\"sessions\">\n");
        each_line(sessions_text, snap.sessions_len, 0, t, line_html);
        text_add(t, "</ul>\n");
    }
    if (snap.have_privacy) {
        text_add(t, "<h2>Privacy audit log</h2>\n");
        if (!snap.log_len)
            text_add(t, "<p id=\"audit\">empty: no app has asked for a sensor</p>\n");
        else {
            text_add(t, "<p class=\"note\">the newest %u entries: number, seconds since boot, app, sensor, "
                        "precision, what happened</p><ul id=\"audit\">\n", LOG_LINES);
            each_line(log_text, snap.log_len, LOG_LINES, t, line_html);
            text_add(t, "</ul>\n");
        }
    }
    if (snap.have_mem)
        text_add(t, "<h2>Memory</h2><p>%llu of %llu frames free (%llu MiB); kernel heap %llu KiB in use of %llu KiB</p>\n",
                 (unsigned long long)snap.mem.frames_free, (unsigned long long)snap.mem.frames_total,
                 (unsigned long long)(snap.mem.frames_free * 4 / 1024), (unsigned long long)(snap.mem.heap_used >> 10),
                 (unsigned long long)(snap.mem.heap_arena >> 10));
    text_add(t, "</body></html>\n");
}

/* ---- JSON ---- */

void status_json(struct text *t, ath_handle_t observe, struct ath_net *net)
{
    take(observe, net);
    text_add(t, "{\"uptime_ms\":%llu,\"components\":[", (unsigned long long)snap.uptime_ms);
    for (unsigned i = 0; i < snap.ncomps; i++) {
        const struct comp *c = &snap.comps[i];
        text_add(t, "%s{\"name\":", i ? "," : "");
        text_json(t, c->name);
        text_add(t, ",\"state\":\"%s\",\"generation\":%u,\"restarts\":%u,\"restart\":\"%s\",\"capabilities\":{",
                 state_name(c->state), c->generation, c->restarts, policy_name(c->policy));
        int first = 1;
        for (unsigned k = 1; k < ATH_T_COUNT; k++)
            if (c->caps[k]) {
                text_add(t, "%s\"%s\":%u", first ? "" : ",", type_names[k], c->caps[k]);
                first = 0;
            }
        text_add(t, "}}");
    }
    text_add(t, "],\"faults\":[");
    for (unsigned i = 0; i < snap.nfaults; i++) {
        const struct ath_sys_fault *f = &snap.faults[i];
        text_add(t, "%s{\"component\":", i ? "," : "");
        text_json(t, f->component);
        text_add(t, ",\"generation\":%u,\"kind\":", f->generation);
        text_json(t, ath_trap_name(f->kind));
        text_add(t, ",\"injected\":%s,\"function\":", f->injected ? "true" : "false");
        text_json(t, f->function);
        text_add(t, ",\"offset\":%llu}", (unsigned long long)f->offset);
    }
    text_add(t, "],\"network\":");
    if (!snap.have_if || !snap.ifi.device)
        text_add(t, "null");
    else {
        char a[16], g[16];
        const struct ath_net_ifinfo *n = &snap.ifi;
        text_add(t, "{\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\",\"link\":%s,\"addr\":\"%s\",\"prefix\":%d,"
                    "\"gateway\":\"%s\",\"rx_frames\":%llu,\"tx_frames\":%llu,\"driver_restarts\":%llu}",
                 n->mac[0], n->mac[1], n->mac[2], n->mac[3], n->mac[4], n->mac[5], n->link ? "true" : "false",
                 ip(n->addr, a), __builtin_popcount(n->netmask), ip(n->gateway, g),
                 (unsigned long long)n->rx_frames, (unsigned long long)n->tx_frames,
                 (unsigned long long)n->restarts_seen);
    }
    if (snap.have_privacy) {
        text_add(t, ",\"sensor_sessions\":[");
        each_line(sessions_text, snap.sessions_len, 0, t, line_json);
        text_add(t, "],\"audit_log\":[");
        each_line(log_text, snap.log_len, LOG_LINES, t, line_json);
        text_add(t, "]");
    }
    if (snap.have_mem)
        text_add(t, ",\"memory\":{\"frames_total\":%llu,\"frames_free\":%llu,\"heap_arena\":%llu,\"heap_used\":%llu}",
                 (unsigned long long)snap.mem.frames_total, (unsigned long long)snap.mem.frames_free,
                 (unsigned long long)snap.mem.heap_arena, (unsigned long long)snap.mem.heap_used);
    text_add(t, "}\n");
}
