/* netecho: the socket API's test component (tests/qemu/sockets.sh,
 * docs/network.md). Its manifest lets it listen on port 7 and connect to
 * the host's TCP ports (10.0.2.2 under QEMU's user networking), nothing
 * else.
 *   netecho serve SECONDS   echo TCP and UDP on port 7 for that long; a
 *                           restart of the net service resets the
 *                           connections, and it listens again
 *   netecho client PORT N   send N bytes to 10.0.2.2:PORT, read them back
 *   netecho deny            what its rules refuse, refused */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <athanor_net.h>

#define CONNS 24
static struct ath_net net;
static uint8_t        buf[8192];

static int fail(const char *what, int e)
{
    printf("netecho: %s: %s\n", what, ath_strerror(-e));
    return 1;
}

/* A connection, and what it sent that is not echoed yet (we read more
 * only once that is gone: the window holds the rest back). */
struct conn {
    int      s;
    uint32_t pending, at;
    uint8_t  buf[4096];
};

static int listen_all(int *tcp, int *udp)
{
    *tcp = ath_sock_listen_on(&net, NET_TCP, 7, 8);
    *udp = ath_sock_listen_on(&net, NET_UDP, 7, 0);
    if (*tcp < 0)
        return fail("listen on TCP port 7", *tcp);
    if (*udp < 0)
        return fail("bind UDP port 7", *udp);
    printf("netecho: listening on TCP and UDP port 7\n");
    return 0;
}

static int serve(uint64_t seconds)
{
    int tcp, udp;
    static struct conn c[CONNS];
    unsigned n = 0;
    uint64_t conns = 0, bytes = 0, dgrams = 0, resets = 0, relistens = 0;
    if (listen_all(&tcp, &udp))
        return 1;
    uint64_t end = ath_now_ns() + seconds * 1000000000ull;
    while (ath_now_ns() < end) {
        struct ath_net_poll p[CONNS + 2];
        p[0] = (struct ath_net_poll){ tcp, NET_POLLIN, 0 };
        p[1] = (struct ath_net_poll){ udp, NET_POLLIN, 0 };
        for (unsigned i = 0; i < n; i++)
            p[i + 2] = (struct ath_net_poll){ c[i].s, c[i].pending ? NET_POLLOUT : NET_POLLIN, 0 };
        int r = ath_net_wait(&net, p, n + 2, end - ath_now_ns());
        if (r == -ATH_ECONNRESET) { /* the net service restarted: our sockets are gone */
            resets += n;
            n = 0;
            relistens++;
            printf("netecho: the net service restarted; listening again\n");
            for (int tries = 0; listen_all(&tcp, &udp) && tries < 50; tries++) {
                struct timespec ts = { 0, 100000000 };
                nanosleep(&ts, NULL);
            }
            continue;
        }
        if (r < 0)
            return fail("wait", r);
        /* the connections first: p[] matches c[] until one goes */
        for (unsigned i = 0; i < n; i++) {
            struct conn *k = &c[i];
            if (!p[i + 2].got)
                continue;
            long e = 0;
            bool eof = false;
            if (!k->pending) {
                e = ath_sock_recv(&net, k->s, k->buf, sizeof k->buf);
                if (e > 0)
                    k->pending = (uint32_t)e, k->at = 0, bytes += (uint64_t)e;
                eof = e == 0;
            }
            if (e >= 0 && k->pending) {
                e = ath_sock_send(&net, k->s, k->buf + k->at, k->pending);
                if (e > 0)
                    k->pending -= (uint32_t)e, k->at += (uint32_t)e;
            }
            if (e == -ATH_EAGAIN || (e >= 0 && !eof))
                continue;
            if (e < 0) {
                resets++;
                printf("netecho: a connection failed: %s\n", ath_strerror((int)-e));
            }
            ath_sock_close(&net, k->s); /* the end of its stream, or a failure */
            c[i] = c[--n];
            p[i + 2] = p[n + 2];
            i--;
        }
        if (p[0].got & NET_POLLIN) {
            int s;
            while ((s = ath_sock_accept(&net, tcp)) >= 0) {
                if (n == CONNS) {
                    ath_sock_close(&net, s);
                    continue;
                }
                c[n].s = s, c[n].pending = 0;
                n++, conns++;
            }
        }
        if (p[1].got & NET_POLLIN) {
            struct ath_net_from from;
            long k;
            while ((k = ath_sock_recvfrom(&net, udp, buf, sizeof buf, &from)) >= 0) {
                dgrams++;
                ath_sock_sendto(&net, udp, buf, (size_t)k, from.addr, from.port);
            }
        }
    }
    printf("netecho: served %llu connections, %llu bytes, %llu datagrams; %llu reset, %llu restarts of net\n",
           (unsigned long long)conns, (unsigned long long)bytes, (unsigned long long)dgrams,
           (unsigned long long)resets, (unsigned long long)relistens);
    return 0;
}

static int client(uint16_t port, uint32_t total)
{
    int s = ath_sock_open(&net, NET_TCP);
    if (s < 0)
        return fail("socket", s);
    int e = ath_sock_connect_wait(&net, s, ath_ipv4(10, 0, 2, 2), port, 30000000000ull);
    if (e)
        return fail("connect to 10.0.2.2", e);
    uint32_t sent = 0, got = 0;
    uint8_t out[4096];
    bool ok = true;
    while (got < total) {
        if (sent < total) {
            uint32_t k = total - sent < sizeof out ? total - sent : (uint32_t)sizeof out;
            for (uint32_t i = 0; i < k; i++)
                out[i] = (uint8_t)((sent + i) * 7 + 3);
            long w = ath_sock_send(&net, s, out, k);
            if (w > 0)
                sent += (uint32_t)w;
            else if (w != -ATH_EAGAIN)
                return fail("send", (int)w);
            if (sent == total)
                ath_sock_shutdown(&net, s, NET_SHUT_WR);
        }
        long r = ath_sock_recv(&net, s, buf, sizeof buf);
        if (r == -ATH_EAGAIN) {
            ath_sock_wait(&net, s, NET_POLLIN | (sent < total ? NET_POLLOUT : 0), 10000000000ull);
            continue;
        }
        if (r <= 0)
            return r ? fail("recv", (int)r) : (printf("netecho: client: the peer closed early\n"), 1);
        for (long i = 0; i < r; i++)
            ok &= buf[i] == (uint8_t)((got + (uint32_t)i) * 7 + 3);
        got += (uint32_t)r;
    }
    struct ath_net_sockinfo info;
    ath_sock_info(&net, s, &info);
    char from[16];
    inet_ntop(AF_INET, &info.local_addr, from, sizeof from);
    printf("netecho: client: %u bytes sent to 10.0.2.2:%u from %s:%u and echoed %s\n", total, port, from,
           info.local_port, ok ? "intact" : "CORRUPTED");
    ath_sock_close(&net, s);
    return ok ? 0 : 1;
}

static void expect_refused(const char *what, long r)
{
    printf("netecho: deny: %s: %s\n", what, r == -ATH_EPERM ? "refused (EPERM)" : r < 0 ? ath_strerror((int)-r) : "ALLOWED");
}

static int deny(void)
{
    int t = ath_sock_open(&net, NET_TCP), u = ath_sock_open(&net, NET_UDP);
    if (t < 0 || u < 0)
        return fail("socket", t < 0 ? t : u);
    expect_refused("listen on TCP port 8", ath_sock_bind(&net, t, 8));
    expect_refused("connect to 10.0.2.3:53 (UDP)", ath_sock_connect(&net, u, ath_ipv4(10, 0, 2, 3), 53));
    expect_refused("connect to 10.0.2.99:80 (TCP)", ath_sock_connect(&net, t, ath_ipv4(10, 0, 2, 99), 80));
    uint64_t r = 0;
    int e = ath_net_call(&net, NET_PING, ath_ipv4(10, 0, 2, 2), 1, NULL, 0, 0, &r);
    expect_refused("ping 10.0.2.2", e);
    e = ath_sock_bind(&net, t, 7);
    printf("netecho: deny: listen on TCP port 7: %s\n", e == 7 ? "allowed" : ath_strerror(-e));
    int other = ath_sock_open(&net, NET_TCP);
    e = other < 0 ? other : ath_sock_bind(&net, other, 7);
    printf("netecho: deny: a second socket on TCP port 7: %s\n", ath_strerror(e < 0 ? -e : 0));
    printf("netecho: deny: a socket that is not ours: %s\n", ath_strerror(-ath_sock_close(&net, 95)));
    /* Malformed requests: a clear error each, and the service goes on. */
    e = ath_net_call(&net, NET_RECV, (uint64_t)t | NET_LEN(2 * ATH_NET_STAGE), 0, net.stage, ATH_NET_STAGE,
                     ATH_NET_LEND_RW, &r);
    printf("netecho: deny: a receive bounded beyond its lend: %s\n", ath_strerror(-e));
    e = ath_net_call(&net, NET_POLL, 0, 4096, NULL, 0, ATH_NET_PLAIN, &r);
    printf("netecho: deny: a poll without a lend: %s\n", ath_strerror(-e));
    e = ath_net_call(&net, NET_SOCKET, 7, 0, NULL, 0, ATH_NET_PLAIN, &r);
    printf("netecho: deny: a socket of kind 7: %s\n", ath_strerror(-e));
    e = ath_net_call(&net, 99, 0, 0, NULL, 0, ATH_NET_PLAIN, &r);
    printf("netecho: deny: operation 99: %s\n", ath_strerror(-e));
    e = ath_sock_bind(&net, u, 7);
    printf("netecho: deny: still served: %s\n", e == 7 ? "yes" : ath_strerror(-e));
    return 0;
}

int main(int argc, char **argv)
{
    int e = ath_net_open(&net);
    if (e)
        return fail("the net service", e);
    if (argc >= 3 && !strcmp(argv[1], "serve"))
        return serve(strtoull(argv[2], NULL, 10));
    if (argc >= 4 && !strcmp(argv[1], "client"))
        return client((uint16_t)atoi(argv[2]), (uint32_t)strtoul(argv[3], NULL, 10));
    if (argc >= 2 && !strcmp(argv[1], "deny"))
        return deny();
    printf("usage: netecho serve SECONDS | client PORT BYTES | deny\n");
    return 2;
}
