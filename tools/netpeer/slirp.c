/* netpeer slirp: QEMU's user networking as a program, for the hosted
 * platform's virtio-net double (platform/hosted/virtio_net.c, AZOTH_NET):
 * Debian's libslirp behind an AF_UNIX datagram socket, one Ethernet frame
 * per datagram (QEMU's -netdev dgram format). The guest network is QEMU's:
 * 10.0.2.0/24, the gateway and host 10.0.2.2 (answering pings, reaching
 * the host's loopback), DHCP handing out 10.0.2.15, IPv6 fec0::/64; host
 * ports forwarded to the guest as QEMU's hostfwd. slirp's DNS relay is off:
 * nothing reaches a resolver outside the machine; 10.0.2.3 answers the
 * names given here itself.
 *   netpeer slirp SOCKPATH SECONDS [tcp|udp:HOSTPORT-GUESTPORT | dns:NAME=A.B.C.D]... */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <slirp/libslirp.h>

#include "netpeer.h"

static int sock = -1;
static struct sockaddr_un guest;
static socklen_t guest_len;
static unsigned long to_guest, from_guest;

static int64_t clock_ns(void *opaque)
{
    (void)opaque;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* tap:NAME instead of a socket path: the guest is Linux's own stack behind
 * a tap device (bench/net.sh: a network namespace, to measure what slirp
 * costs); frames are read and written whole, no header (IFF_NO_PI). */
static int tap = -1;

static ssize_t send_packet(const void *buf, size_t len, void *opaque)
{
    (void)opaque;
    if (tap >= 0) {
        to_guest++;
        return write(tap, buf, len) < 0 ? -1 : (ssize_t)len;
    }
    if (!guest_len)
        return (ssize_t)len; /* no guest yet: dropped, as a wire would */
    to_guest++;
    /* connected to the guest (below): waits for room in our send buffer,
     * at most 100 ms (SO_SNDTIMEO), rather than dropping a burst */
    sendto(sock, buf, len, 0, (struct sockaddr *)&guest, guest_len);
    return (ssize_t)len;
}

static void guest_error(const char *msg, void *opaque)
{
    (void)opaque;
    fprintf(stderr, "netpeer slirp: guest error: %s\n", msg);
}

/* slirp's timers (version 4: by id): a handful, fired from the poll loop */
#define TIMERS 8
static struct timer {
    int          used;
    SlirpTimerId id;
    void        *cb_opaque;
    int64_t      expire_ms; /* -1: stopped */
} timers[TIMERS];

static void *timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
    (void)opaque;
    for (int i = 0; i < TIMERS; i++)
        if (!timers[i].used) {
            timers[i] = (struct timer){ 1, id, cb_opaque, -1 };
            return &timers[i];
        }
    return NULL;
}
static void *timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    (void)cb, (void)cb_opaque, (void)opaque;
    return NULL; /* unused with timer_new_opaque (config version 4) */
}
static void timer_free(void *t, void *opaque)
{
    (void)opaque;
    if (t)
        ((struct timer *)t)->used = 0;
}
static void timer_mod(void *t, int64_t expire_ms, void *opaque)
{
    (void)opaque;
    if (t)
        ((struct timer *)t)->expire_ms = expire_ms;
}
static void fd_noop(int fd, void *opaque) { (void)fd, (void)opaque; }
static void notify_noop(void *opaque) { (void)opaque; }

/* poll(2) bookkeeping for slirp_pollfds_fill/poll */
#define PFDS 512
static struct pollfd pfd[PFDS];
static int npfd;
static int add_poll(int fd, int events, void *opaque)
{
    (void)opaque;
    if (npfd == PFDS)
        return -1;
    short ev = 0;
    ev |= (events & SLIRP_POLL_IN) ? POLLIN : 0;
    ev |= (events & SLIRP_POLL_OUT) ? POLLOUT : 0;
    ev |= (events & SLIRP_POLL_PRI) ? POLLPRI : 0;
    pfd[npfd] = (struct pollfd){ fd, ev, 0 };
    return npfd++;
}
static int get_revents(int idx, void *opaque)
{
    (void)opaque;
    if (idx < 0 || idx >= npfd)
        return 0;
    short r = pfd[idx].revents;
    return ((r & POLLIN) ? SLIRP_POLL_IN : 0) | ((r & POLLOUT) ? SLIRP_POLL_OUT : 0) |
           ((r & POLLPRI) ? SLIRP_POLL_PRI : 0) | ((r & POLLERR) ? SLIRP_POLL_ERR : 0) |
           ((r & POLLHUP) ? SLIRP_POLL_HUP : 0);
}

/* DNS: slirp's relay is off (nothing reaches a resolver outside); queries
 * to 10.0.2.3 are answered here from the names given (dns:NAME=A.B.C.D),
 * "no such name" for the rest. */
#define NAMES 8
static struct { char name[128]; uint8_t addr[4]; } names[NAMES];
static int nnames;
static unsigned long dns_answered;

static uint16_t csum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)p[i] << 8 | p[i + 1];
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* A frame for 10.0.2.3:53 (UDP, IPv4): answered, and 1; else 0. */
static int dns_answer(const uint8_t *f, size_t n)
{
    if (n < 14 + 20 + 8 + 12 || f[12] != 0x08 || f[13] != 0x00)
        return 0;
    const uint8_t *ip = f + 14;
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    if ((ip[0] >> 4) != 4 || ihl < 20 || n < 14 + ihl + 8 + 12 || ip[9] != 17 ||
        memcmp(ip + 16, (const uint8_t[]){ 10, 0, 2, 3 }, 4))
        return 0;
    const uint8_t *udp = ip + ihl;
    if (udp[2] != 0 || udp[3] != 53)
        return 0;
    const uint8_t *q = udp + 8;
    size_t qlen = n - (size_t)(q - f);
    /* the question's name, as dotted text; the question ends after type and class */
    char name[256];
    size_t at = 12, nl = 0;
    while (at < qlen && q[at] && nl < sizeof name - 64) {
        size_t l = q[at];
        if (l > 63 || at + 1 + l > qlen)
            return 1; /* malformed: dropped */
        if (nl)
            name[nl++] = '.';
        memcpy(name + nl, q + at + 1, l);
        nl += l, at += 1 + l;
    }
    name[nl] = '\0';
    if (at + 5 > qlen)
        return 1;
    size_t qend = at + 5;
    uint16_t qtype = (uint16_t)(q[at + 1] << 8 | q[at + 2]);
    int found = -1;
    for (int i = 0; i < nnames; i++)
        if (!strcasecmp(names[i].name, name))
            found = i;
    uint8_t out[1600];
    size_t dl = qend + (found >= 0 && qtype == 1 ? 16 : 0);
    if (14 + 20 + 8 + dl > sizeof out)
        return 1;
    memcpy(out, f + 6, 6), memcpy(out + 6, f, 6), out[12] = 0x08, out[13] = 0x00; /* back the way it came */
    uint8_t *oi = out + 14, *ou = oi + 20, *od = ou + 8;
    memset(oi, 0, 20);
    oi[0] = 0x45, oi[8] = 64, oi[9] = 17;
    size_t tot = 20 + 8 + dl;
    oi[2] = (uint8_t)(tot >> 8), oi[3] = (uint8_t)tot;
    memcpy(oi + 12, ip + 16, 4), memcpy(oi + 16, ip + 12, 4);
    uint16_t c = csum(oi, 20);
    oi[10] = (uint8_t)(c >> 8), oi[11] = (uint8_t)c;
    ou[0] = 0, ou[1] = 53, ou[2] = udp[0], ou[3] = udp[1];
    ou[4] = (uint8_t)((8 + dl) >> 8), ou[5] = (uint8_t)(8 + dl), ou[6] = ou[7] = 0; /* no checksum (IPv4 allows) */
    memcpy(od, q, qend);
    od[2] = 0x84 | (q[2] & 0x01);        /* a response, authoritative, recursion as asked */
    od[3] = found >= 0 ? 0x80 : 0x83;    /* recursion available; rcode 3: no such name */
    od[4] = 0, od[5] = 1;                /* one question */
    od[6] = 0, od[7] = found >= 0 && qtype == 1 ? 1 : 0;
    memset(od + 8, 0, 4);
    if (found >= 0 && qtype == 1) {
        uint8_t *a = od + qend;
        const uint8_t rr[12] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4 };
        memcpy(a, rr, 12);
        memcpy(a + 12, names[found].addr, 4);
    }
    dns_answered++;
    send_packet(out, 14 + tot, NULL);
    return 1;
}

/* SIGTERM (azoth run ends, its child ends with it): stop, and remove the socket. */
static volatile sig_atomic_t stopping;
static void on_term(int sig)
{
    (void)sig;
    stopping = 1;
}

int netpeer_slirp(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: netpeer slirp SOCKPATH SECONDS [tcp|udp:[ADDR:]HOSTPORT-GUESTPORT]... "
                        "[dns:NAME=A.B.C.D]...\n");
        return 2;
    }
    const char *path = argv[0];
    int seconds = atoi(argv[1]);
    struct sockaddr_un me = { .sun_family = AF_UNIX };
    if (!strncmp(path, "tap:", 4)) {
        struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
        if (strlen(path + 4) >= sizeof ifr.ifr_name) {
            fprintf(stderr, "netpeer slirp: tap name too long\n");
            return 2;
        }
        strcpy(ifr.ifr_name, path + 4);
        if ((tap = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0 || ioctl(tap, TUNSETIFF, &ifr) != 0) {
            perror("netpeer slirp: tap (needs root)");
            return 1;
        }
        sock = tap;
    } else {
        if (strlen(path) >= sizeof me.sun_path) {
            fprintf(stderr, "netpeer slirp: socket path too long\n");
            return 2;
        }
        strcpy(me.sun_path, path);
        unlink(path);
        sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct timeval tmo = { 0, 100000 };
        if (sock < 0 || bind(sock, (struct sockaddr *)&me, sizeof me) ||
            setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof tmo)) {
            perror("netpeer slirp: socket");
            return 1;
        }
    }
    SlirpConfig cfg = { .version = 4, .in_enabled = true, .in6_enabled = true, .vprefix_len = 64,
                        .disable_dns = true };
    inet_pton(AF_INET, "10.0.2.0", &cfg.vnetwork);
    inet_pton(AF_INET, "255.255.255.0", &cfg.vnetmask);
    inet_pton(AF_INET, "10.0.2.2", &cfg.vhost);
    inet_pton(AF_INET, "10.0.2.15", &cfg.vdhcp_start);
    inet_pton(AF_INET, "10.0.2.3", &cfg.vnameserver);
    inet_pton(AF_INET6, "fec0::", &cfg.vprefix_addr6);
    inet_pton(AF_INET6, "fec0::2", &cfg.vhost6);
    inet_pton(AF_INET6, "fec0::3", &cfg.vnameserver6);
    static const SlirpCb cb = {
        .send_packet = send_packet, .guest_error = guest_error, .clock_get_ns = clock_ns,
        .timer_new = timer_new, .timer_free = timer_free, .timer_mod = timer_mod,
        .register_poll_fd = fd_noop, .unregister_poll_fd = fd_noop, .notify = notify_noop,
        .timer_new_opaque = timer_new_opaque,
    };
    Slirp *s = slirp_new(&cfg, &cb, NULL);
    if (!s) {
        fprintf(stderr, "netpeer slirp: slirp_new failed\n");
        return 1;
    }
    for (int i = 2; i < argc; i++) {
        if (!strncmp(argv[i], "dns:", 4)) {
            char *eq = strchr(argv[i] + 4, '=');
            if (nnames == NAMES || !eq || (size_t)(eq - argv[i] - 4) >= sizeof names[0].name ||
                inet_pton(AF_INET, eq + 1, names[nnames].addr) != 1) {
                fprintf(stderr, "netpeer slirp: bad %s (dns:NAME=A.B.C.D)\n", argv[i]);
                unlink(path);
                return 1;
            }
            memcpy(names[nnames].name, argv[i] + 4, (size_t)(eq - argv[i] - 4));
            names[nnames++].name[eq - argv[i] - 4] = '\0';
            continue;
        }
        /* tcp:[ADDR:]HOSTPORT-GUESTPORT (udp: the same); ADDR 127.0.0.1 unless given */
        int udp = !strncmp(argv[i], "udp:", 4), hp, gp;
        struct in_addr lo, g;
        char addr[INET_ADDRSTRLEN] = "127.0.0.1";
        const char *ports = argv[i] + 4, *colon = strchr(ports, ':');
        if (colon && (size_t)(colon - ports) < sizeof addr) {
            memcpy(addr, ports, (size_t)(colon - ports));
            addr[colon - ports] = '\0';
            ports = colon + 1;
        }
        inet_pton(AF_INET, "10.0.2.15", &g);
        if ((!udp && strncmp(argv[i], "tcp:", 4)) || inet_pton(AF_INET, addr, &lo) != 1 ||
            sscanf(ports, "%d-%d", &hp, &gp) != 2 || slirp_add_hostfwd(s, udp, lo, hp, g, gp) != 0) {
            fprintf(stderr, "netpeer slirp: cannot forward %s\n", argv[i]);
            unlink(path);
            return 1;
        }
    }
    printf("netpeer slirp: on %s\n", path);
    fflush(stdout);
    int64_t end_ms = clock_ns(NULL) / 1000000 + (int64_t)seconds * 1000;
    static uint8_t frame[65536];
    signal(SIGTERM, on_term);
    for (;;) {
        int64_t now_ms = clock_ns(NULL) / 1000000;
        if (now_ms >= end_ms || stopping)
            break;
        uint32_t timeout = 100;
        npfd = 0;
        add_poll(sock, SLIRP_POLL_IN, NULL);
        slirp_pollfds_fill(s, &timeout, add_poll, NULL);
        for (int i = 0; i < TIMERS; i++)
            if (timers[i].used && timers[i].expire_ms >= 0 && (uint32_t)LIMIT_MS(timers[i].expire_ms - now_ms) < timeout)
                timeout = (uint32_t)LIMIT_MS(timers[i].expire_ms - now_ms);
        int r = poll(pfd, (nfds_t)npfd, (int)timeout);
        slirp_pollfds_poll(s, r < 0, get_revents, NULL);
        if (r > 0 && (pfd[0].revents & POLLIN)) {
            for (;;) {
                struct sockaddr_un from;
                socklen_t fl = sizeof from;
                ssize_t n = tap >= 0 ? read(tap, frame, sizeof frame)
                                     : recvfrom(sock, frame, sizeof frame, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
                if (n < 0)
                    break;
                if (tap < 0 && !guest_len) {
                    /* The guest's end: where frames go back. Connected, both
                     * ends are each other's peer, and Linux then holds a
                     * datagram back only for the sender's buffer, not for
                     * the receiver's queue of max_dgram_qlen (10) datagrams,
                     * which a window of frames overran: each send waited
                     * its 100 ms and frames were dropped (bulk TCP on the
                     * hosted platform ran at 0.2 MB/s; now as under QEMU). */
                    guest = from, guest_len = fl;
                    if (connect(sock, (struct sockaddr *)&guest, guest_len) != 0)
                        perror("netpeer slirp: connect to the guest");
                }
                from_guest++;
                if (!dns_answer(frame, (size_t)n))
                    slirp_input(s, frame, (int)n);
            }
        }
        now_ms = clock_ns(NULL) / 1000000;
        for (int i = 0; i < TIMERS; i++)
            if (timers[i].used && timers[i].expire_ms >= 0 && timers[i].expire_ms <= now_ms) {
                timers[i].expire_ms = -1;
                slirp_handle_timer(s, timers[i].id, timers[i].cb_opaque);
            }
    }
    printf("netpeer slirp: %lu frames from the guest, %lu to it, %lu DNS answers\n", from_guest, to_guest,
           dns_answered);
    slirp_cleanup(s);
    unlink(path);
    return 0;
}
