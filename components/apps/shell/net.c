/* The shell's network commands, through the net service
 * (sdk/athanor_net.h): ifconfig (the interface, its addresses and counts),
 * ping (ICMP echo, as ping(8) prints it; Ctrl-C stops it), sockets
 * (every component's, as ss(8)), host (a name's address) and http get (a
 * URL's body). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <athanor_net.h>

#include "shell.h"

static struct ath_net net = { -1, -1, 0, NULL };

/* The net service, looked up and subscribed to the first time (and again
 * by the SDK's calls after it restarted). */
static int net_ready(void)
{
    return net.ep >= 0 && net.stage ? 0 : ath_net_open(&net);
}

static int net_call(uint64_t op, uint64_t a0, uint64_t a1, void *lend, uint32_t len, uint64_t *result)
{
    int e = net_ready();
    return e ? e : ath_net_call(&net, op, a0, a1, lend, len, lend ? ATH_NET_LEND_RW : ATH_NET_PLAIN, result);
}

static const char *ip(uint32_t a, char *buf) /* network byte order */
{
    struct in_addr in = { a };
    return inet_ntop(AF_INET, &in, buf, 16) ? buf : "?";
}

static void cmd_ifconfig(void)
{
    static union {
        struct ath_net_ifinfo i;
        uint8_t               page[4096];
    } lent __attribute__((aligned(4096))); /* a lend is of whole pages */
    struct ath_net_ifinfo info;
    uint64_t r = 0;
    int e = net_call(NET_IFINFO, 0, 0, &lent, sizeof lent, &r);
    info = lent.i;
    if (e) {
        out("ifconfig: the net service does not answer (%s)\n", ath_strerror(e));
        return;
    }
    if (!info.device) {
        out("ifconfig: no network device\n");
        return;
    }
    char a[16], m[16], g[16], d0[16], d1[16];
    out("en0: %02x:%02x:%02x:%02x:%02x:%02x  link %s  (virtio_net, through net)\n", info.mac[0],
        info.mac[1], info.mac[2], info.mac[3], info.mac[4], info.mac[5], info.link ? "up" : "down");
    out("  inet %s  netmask %s  gateway %s  (%s)\n", ip(info.addr, a), ip(info.netmask, m),
        ip(info.gateway, g),
        info.dhcp == NET_DHCP_BOUND ? "DHCP" : info.dhcp == NET_DHCP_ASKING ? "asking DHCP" : "static");
    for (unsigned i = 0; i < 3; i++) {
        static const uint8_t none[16];
        char a6[INET6_ADDRSTRLEN];
        if (memcmp(info.addr6[i], none, 16) && inet_ntop(AF_INET6, info.addr6[i], a6, sizeof a6))
            out("  inet6 %s%s\n", a6, info.addr6_valid[i] ? "" : "  (tentative)");
    }
    out("  dns %s %s\n", info.dns[0] ? ip(info.dns[0], d0) : "-", info.dns[1] ? ip(info.dns[1], d1) : "");
    out("  rx %llu frames (%llu dropped)  tx %llu frames (%llu dropped)  driver restarts seen %llu\n",
        (unsigned long long)info.rx_frames, (unsigned long long)info.rx_dropped,
        (unsigned long long)info.tx_frames, (unsigned long long)info.tx_dropped,
        (unsigned long long)info.restarts_seen);
}

/* ping HOST [COUNT]: COUNT echo requests a second apart (4 by default). */
static void cmd_ping(int argc, char **argv)
{
    struct in_addr to;
    if (argc < 2 || argc > 3 || inet_pton(AF_INET, argv[1], &to) != 1) {
        out("usage: ping <IPv4 address> [count]\n");
        return;
    }
    long count = argc == 3 ? strtol(argv[2], NULL, 10) : 4;
    if (count < 1 || count > 1000)
        count = 4;
    int e = net_ready();
    if (e) {
        out("ping: the net service does not answer (%s)\n", ath_strerror(e));
        return;
    }
    unsigned answered = 0, sent = 0;
    out("PING %s: 56 data bytes\n", argv[1]);
    for (long seq = 1; seq <= count; seq++) {
        uint64_t us = 0, bits;
        e = net_call(NET_PING, to.s_addr, (uint64_t)seq, NULL, 0, &us);
        if (e) {
            out("ping: %s\n", e == -ATH_ENOENT ? "no address yet (is the network up? see ifconfig)"
                               : e == -ATH_EPERM ? "not allowed (the shell's manifest net key)"
                                                 : ath_strerror(e));
            break;
        }
        sent++;
        uint64_t t0 = ath_now_ns();
        /* The answer, told by our notification; a second at most. */
        while ((e = net_call(NET_PING_RESULT, 0, 0, NULL, 0, &us)) == -ATH_EAGAIN &&
               ath_now_ns() - t0 < 1000000000ull)
            ath_notify_wait(net.note, NET_EV_PING, 1000000000ull - (ath_now_ns() - t0), &bits);
        if (e) {
            out("no answer from %s: seq=%ld\n", argv[1], seq);
        } else {
            answered++;
            out("64 bytes from %s: seq=%ld time=%llu.%03llu ms\n", argv[1], seq,
                (unsigned long long)(us / 1000), (unsigned long long)(us % 1000));
        }
        uint64_t spent = ath_now_ns() - t0;
        if (seq < count && shell_poll_key(spent < 1000000000ull ? 1000000000ull - spent : 1) == 3)
            break; /* Ctrl-C */
    }
    out("--- %s: %u sent, %u answered\n", argv[1], sent, answered);
}

static const char *state_name(unsigned st)
{
    static const char *const names[] = { "new", "bound", "listen", "connecting", "connected", "peer-closed",
                                         "failed" };
    return st < sizeof names / sizeof *names ? names[st] : "?";
}

/* sockets: every component's sockets (the shell's all-sockets rule), as
 * ss(8) lists them. */
static void cmd_sockets(void)
{
    uint64_t n = 0;
    int e = net_ready();
    e = e ? e : ath_net_call(&net, NET_SOCKLIST, 0, 0, net.stage, ATH_NET_STAGE, ATH_NET_LEND_RW, &n);
    if (e) {
        out("sockets: %s\n", e == -ATH_EPERM ? "not allowed" : ath_strerror(e));
        return;
    }
    static struct ath_net_sockinfo list[ATH_NET_STAGE / sizeof(struct ath_net_sockinfo)];
    memcpy(list, net.stage, (size_t)n * sizeof *list);
    out("proto local                 remote                state         rx-queue tx-queue owner\n");
    for (uint64_t i = 0; i < n; i++) {
        const struct ath_net_sockinfo *k = &list[i];
        char a[16], l[24], r[24];
        snprintf(l, sizeof l, "%s:%u", ip(k->local_addr, a), k->local_port);
        if (k->remote_port)
            snprintf(r, sizeof r, "%s:%u", ip(k->remote_addr, a), k->remote_port);
        else
            snprintf(r, sizeof r, "*");
        out("%-5s %-21s %-21s %-13s %8u %8u %s%s%s\n", k->kind == NET_TCP ? "tcp" : "udp", l, r,
            state_name(k->state), k->rx_queued, k->tx_queued, k->owner, k->error ? "  " : "",
            k->error ? ath_strerror(k->error) : "");
    }
    out("%llu socket%s\n", (unsigned long long)n, n == 1 ? "" : "s");
}

/* http get [-i] URL: an HTTP/1.1 GET of http://HOST[:PORT][/PATH] (HOST a
 * name the DNS server knows, or an IPv4 address), the body to the console (-i: the
 * status line and headers first); Ctrl-C stops it. What a server sends is
 * shown, control characters but newlines and tabs as '?'. */
static void cmd_http(int argc, char **argv)
{
    bool head = argc == 4 && !strcmp(argv[2], "-i");
    const char *url = argv[argc - 1];
    char host[64], path[256] = "/";
    unsigned port = 80;
    struct in_addr addr;
    if (argc < 3 || argc > 4 || strcmp(argv[1], "get") || (argc == 4 && !head) || strncmp(url, "http://", 7)) {
        out("usage: http get [-i] http://host[:port][/path]\n");
        return;
    }
    const char *h = url + 7, *slash = strchr(h, '/'), *colon = strchr(h, ':');
    size_t hl = slash ? (size_t)(slash - h) : strlen(h);
    if (colon && (!slash || colon < slash)) {
        char *end;
        port = (unsigned)strtoul(colon + 1, &end, 10);
        if (end != (slash ? slash : colon + 1 + strlen(colon + 1)) || port == 0 || port > 65535) {
            out("http: bad port in %s\n", url);
            return;
        }
        hl = (size_t)(colon - h);
    }
    if (hl == 0 || hl >= sizeof host || (slash && strlen(slash) >= sizeof path)) {
        out("http: bad URL %s\n", url);
        return;
    }
    memcpy(host, h, hl);
    host[hl] = '\0';
    if (slash)
        strcpy(path, slash);
    int e = net_ready();
    if (!e && inet_pton(AF_INET, host, &addr) != 1 && (e = ath_net_resolve(&net, host, &addr.s_addr, 10000000000ull))) {
        out("http: %s: %s\n", host, e == -ATH_ENOENT ? "no such host (or no DNS answer)" : ath_strerror(e));
        return;
    }
    int sk = e ? e : ath_sock_open(&net, NET_TCP);
    if (sk < 0) {
        out("http: %s\n", sk == -ATH_EPERM ? "not allowed (the shell's manifest net key)" : ath_strerror(sk));
        return;
    }
    e = ath_sock_connect_wait(&net, sk, addr.s_addr, (uint16_t)port, 10000000000ull);
    if (e) {
        out("http: %s:%u: %s\n", host, port,
            e == -ATH_ECONNREFUSED ? "connection refused" : e == -ATH_ETIMEDOUT ? "no answer (timed out)"
            : e == -ATH_EPERM ? "not allowed (the shell's manifest net key)" : ath_strerror(e));
        ath_sock_close(&net, sk);
        return;
    }
    static char buf[4096], hdr[4096];
    int n = snprintf(buf, sizeof buf, "GET %s HTTP/1.1\r\nHost: %s:%u\r\nUser-Agent: azoth-shell\r\n"
                                      "Connection: close\r\n\r\n", path, host, port);
    e = ath_sock_send_all(&net, sk, buf, (size_t)n, 10000000000ull);
    size_t hlen = 0;
    bool in_body = false;
    long left = -1; /* the body's bytes still to come (Content-Length); -1: until the server closes */
    unsigned long total = 0;
    while (!e && left != 0) {
        long k = ath_sock_recv(&net, sk, buf, sizeof buf);
        if (k == -ATH_EAGAIN) {
            int w = ath_sock_wait(&net, sk, NET_POLLIN, 100000000ull);
            if (w < 0)
                e = w;
            if (shell_poll_key(1) == 3) { /* Ctrl-C */
                out("\n^C\n");
                break;
            }
            continue;
        }
        if (k <= 0) {
            e = k == 0 && in_body ? 0 : k == 0 ? -ATH_ECONNRESET : (int)k;
            break;
        }
        total += (unsigned long)k;
        const char *body = buf;
        long blen = k;
        if (!in_body) { /* the headers, kept until their end */
            size_t take = (size_t)k < sizeof hdr - 1 - hlen ? (size_t)k : sizeof hdr - 1 - hlen;
            memcpy(hdr + hlen, buf, take);
            hlen += take;
            hdr[hlen] = '\0';
            char *end = strstr(hdr, "\r\n\r\n");
            if (!end) {
                if (hlen == sizeof hdr - 1)
                    e = -ATH_EMSGSIZE;
                continue;
            }
            in_body = true;
            size_t used = (size_t)(end + 4 - hdr); /* of hdr, which began with this read's earlier bytes */
            size_t before = hlen - take;
            body = buf + (used - before);
            blen = k - (long)(used - before);
            for (char *h = hdr; h < end; h++)
                if (!strncasecmp(h, "\r\ncontent-length:", 17))
                    left = strtol(h + 17, NULL, 10);
            if (head) { /* -i: the status line and headers, as they came */
                *end = '\0';
                for (char *line = hdr, *nl; line; line = nl ? nl + 2 : NULL) {
                    nl = strstr(line, "\r\n");
                    out("%.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
                }
                out("\n");
            }
        }
        if (left >= 0 && blen > left)
            blen = left;
        char show[4096];
        int m = 0;
        for (long i = 0; i < blen; i++) {
            char c = body[i];
            if (c != '\r')
                show[m++] = (c == '\n' || c == '\t' || ((unsigned char)c >= 0x20 && c != 0x7f)) ? c : '?';
        }
        for (int off = 0; off < m; off += 400)
            out("%.*s", m - off < 400 ? m - off : 400, show + off);
        if (left > 0)
            left -= blen;
    }
    if (e)
        out("\nhttp: %s after %lu bytes\n", ath_strerror(e), total);
    ath_sock_close(&net, sk);
}

/* host NAME: its IPv4 address, from the DNS server DHCP gave. */
static void cmd_host(int argc, char **argv)
{
    if (argc != 2) {
        out("usage: host <name>\n");
        return;
    }
    uint32_t a = 0;
    char b[16];
    int e = net_ready();
    e = e ? e : ath_net_resolve(&net, argv[1], &a, 10000000000ull);
    if (e)
        out("host: %s: %s\n", argv[1], e == -ATH_ENOENT ? "not found (or no DNS answer)"
                                     : e == -ATH_ETIMEDOUT ? "no answer in 10 s" : ath_strerror(e));
    else
        out("%s has address %s\n", argv[1], ip(a, b));
}

bool shell_net_command(int argc, char **argv)
{
    if (!strcmp(argv[0], "ifconfig"))
        cmd_ifconfig();
    else if (!strcmp(argv[0], "ping"))
        cmd_ping(argc, argv);
    else if (!strcmp(argv[0], "sockets"))
        cmd_sockets();
    else if (!strcmp(argv[0], "http"))
        cmd_http(argc, argv);
    else if (!strcmp(argv[0], "host"))
        cmd_host(argc, argv);
    else
        return false;
    return true;
}
