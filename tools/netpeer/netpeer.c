/* netpeer: the host's end of the network tests (tests/qemu/sockets.sh):
 * talks to Azoth's sockets through QEMU's user networking, over the host's
 * loopback. Every mode checks what comes back byte for byte and ends with
 * one line saying what it saw; exit status 0 only if all of it was right.
 *   netpeer free-port                 a TCP port free on 127.0.0.1 now
 *   netpeer tcp-echo PORT CONNS BYTES [SECONDS]
 *                                     CONNS connections at once to
 *                                     127.0.0.1:PORT, BYTES each way each,
 *                                     within SECONDS (60)
 *   netpeer udp-echo PORT COUNT       COUNT datagrams, each echoed
 *   netpeer tcp-serve PORTFILE        listen on 127.0.0.1 (the port into
 *                                     PORTFILE), echo one connection
 *   netpeer http-get PORT PATH FILE   GET http://127.0.0.1:PORT/PATH: the
 *                                     status line printed, the body to FILE
 *   netpeer http-raw PORT REQUEST     send REQUEST (\r, \n spelled out),
 *                                     print the answer's first line
 *   netpeer http-load PORT PATH TOTAL CONC SECONDS
 *                                     TOTAL GETs of PATH, CONC keep-alive
 *                                     connections at once (below)
 *   netpeer http-serve PORTFILE SECONDS   the Linux baseline of /health
 *   netpeer udp-gap PORT SECONDS      a datagram a millisecond, echoed:
 *                                     round trip and longest outage
 *   netpeer slirp SOCKPATH|tap:NAME SECONDS [FWD]...   QEMU's user networking for
 *                                     the hosted platform, or for Linux's own
 *                                     stack behind a tap (slirp.c)
 *   netpeer dns-ask SERVER NAME       one A query: the answer's rcode
 *   NETPEER_ANY=1: the servers listen on every address, not 127.0.0.1 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "netpeer.h"

#define DEADLINE_S 60

static struct sockaddr_in loopback(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned char pattern(int conn, size_t i)
{
    return (unsigned char)(i * 13 + (size_t)conn * 101 + 5);
}

static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = loopback(0);
    socklen_t n = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) || getsockname(s, (struct sockaddr *)&a, &n)) {
        perror("netpeer: free-port");
        return 1;
    }
    printf("%d\n", ntohs(a.sin_port));
    close(s);
    return 0;
}

struct conn {
    int    fd;
    size_t sent, got;
    int    bad;
};

static int tcp_echo(int port, int nconns, size_t bytes, int seconds)
{
    struct conn *c = calloc((size_t)nconns, sizeof *c);
    struct pollfd *p = calloc((size_t)nconns, sizeof *p);
    struct sockaddr_in a = loopback(port);
    if (!c || !p)
        return 1;
    /* Paced: a connection opens once the one before it has been answered.
     * QEMU's user networking accepts a forwarded connection at a time (its
     * host socket listens with a backlog of 1): a burst of connects
     * overflows the host's accept queue (ListenOverflows in
     * /proc/net/netstat) and slirp then drops some. All are open at once
     * soon after. */
    for (int i = 0; i < nconns; i++)
        c[i].fd = -1;
    int opened = 0;
    double end = now() + seconds;
    int done = 0, failed = 0;
    unsigned char buf[16384];
    while (done < nconns && now() < end) {
        if (opened < nconns && (opened == 0 || c[opened - 1].got > 0 || c[opened - 1].fd < 0)) {
            int i = opened++;
            c[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            if (c[i].fd < 0 || (connect(c[i].fd, (struct sockaddr *)&a, sizeof a) && errno != EINPROGRESS)) {
                perror("netpeer: tcp-echo: connect");
                return 1;
            }
        }
        for (int i = 0; i < nconns; i++) {
            p[i].fd = c[i].got < bytes && c[i].fd >= 0 ? c[i].fd : -1;
            p[i].events = POLLIN | (c[i].sent < bytes ? POLLOUT : 0);
        }
        if (poll(p, (nfds_t)nconns, 1000) < 0)
            break;
        for (int i = 0; i < nconns; i++) {
            if (p[i].fd < 0 || !p[i].revents)
                continue;
            if ((p[i].revents & POLLOUT) && c[i].sent < bytes) {
                size_t k = bytes - c[i].sent < sizeof buf ? bytes - c[i].sent : sizeof buf;
                for (size_t j = 0; j < k; j++)
                    buf[j] = pattern(i, c[i].sent + j);
                ssize_t w = send(c[i].fd, buf, k, MSG_NOSIGNAL);
                if (w > 0)
                    c[i].sent += (size_t)w;
            }
            if (p[i].revents & (POLLIN | POLLHUP | POLLERR)) {
                ssize_t r = recv(c[i].fd, buf, sizeof buf, 0);
                if (r < 0 && (errno == EAGAIN || errno == EINTR))
                    continue;
                if (r <= 0) {
                    fprintf(stderr, "netpeer: tcp-echo: connection %d: %s after %zu of %zu bytes\n", i,
                            r ? strerror(errno) : "closed", c[i].got, bytes);
                    close(c[i].fd);
                    c[i].fd = -1, failed++, done++;
                    continue;
                }
                for (ssize_t j = 0; j < r; j++)
                    c[i].bad += buf[j] != pattern(i, c[i].got + (size_t)j);
                c[i].got += (size_t)r;
                if (c[i].got == bytes) {
                    close(c[i].fd);
                    c[i].fd = -1, done++;
                    failed += c[i].bad != 0;
                }
            }
        }
    }
    if (done < nconns)
        failed += nconns - done;
    double took = now() - (end - seconds);
    printf("tcp-echo: %d connections, %zu bytes each: %d echoed intact, %d failed\n", nconns, bytes,
           nconns - failed, failed);
    printf("tcp-echo: %.3f s, %.2f MB/s each way\n", took, (double)bytes * (nconns - failed) / took / 1e6);
    return failed != 0;
}

/* dns-ask SERVER NAME: ask SERVER (an IPv4 address, port 53) for NAME's A
 * record, once, 3 s: prints "rcode N, M answers" or "no answer" (what the
 * QEMU test expects of QEMU's DNS relay, which asks the host's resolver). */
static int dns_ask(const char *server, const char *name)
{
    uint8_t q[300] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 }, a[512];
    size_t n = 12;
    for (const char *p = name; *p;) {
        const char *dot = strchr(p, '.');
        size_t l = dot ? (size_t)(dot - p) : strlen(p);
        if (l == 0 || l > 63 || n + l + 6 > sizeof q)
            return 2;
        q[n++] = (uint8_t)l;
        memcpy(q + n, p, l);
        n += l;
        p += l + (dot ? 1 : 0);
    }
    q[n++] = 0, q[n++] = 0, q[n++] = 1, q[n++] = 0, q[n++] = 1; /* type A, class IN */
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(53) };
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct timeval tmo = { 3, 0 };
    if (s < 0 || inet_pton(AF_INET, server, &to.sin_addr) != 1 ||
        setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof tmo) ||
        sendto(s, q, n, 0, (struct sockaddr *)&to, sizeof to) < 0) {
        printf("no answer\n");
        return 1;
    }
    ssize_t k = recv(s, a, sizeof a, 0);
    if (k < 12 || a[0] != 0x12 || a[1] != 0x34) {
        printf("no answer\n");
        return 1;
    }
    printf("rcode %d, %d answers\n", a[3] & 15, a[6] << 8 | a[7]);
    return 0;
}

static int udp_echo(int port, int count)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = loopback(port);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a)) {
        perror("netpeer: udp-echo");
        return 1;
    }
    int ok = 0, retried = 0;
    unsigned char out[1500], in[1500];
    for (int i = 0; i < count; i++) {
        size_t n = (size_t)(i * 37 % 1400) + 1;
        for (size_t j = 0; j < n; j++)
            out[j] = pattern(i, j);
        for (int tries = 0; tries < 5; tries++) {
            retried += tries > 0;
            send(s, out, n, 0);
            struct pollfd p = { s, POLLIN, 0 };
            if (poll(&p, 1, 1000) <= 0)
                continue;
            ssize_t r = recv(s, in, sizeof in, 0);
            if (r == (ssize_t)n && !memcmp(in, out, n)) {
                ok++;
                break;
            }
        }
    }
    printf("udp-echo: %d datagrams: %d echoed intact, %d failed (%d sent again)\n", count, ok, count - ok,
           retried);
    return ok != count;
}

/* Where the servers listen: 127.0.0.1, or every address with
 * NETPEER_ANY=1 (bench/net.sh runs them in a network namespace behind
 * slirp, reached through its tap device). */
static struct sockaddr_in server_addr(void)
{
    struct sockaddr_in a = loopback(0);
    const char *any = getenv("NETPEER_ANY");
    if (any && !strcmp(any, "1"))
        a.sin_addr.s_addr = htonl(INADDR_ANY);
    return a;
}

static int tcp_serve(const char *portfile)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = server_addr();
    socklen_t n = sizeof a;
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 1) ||
        getsockname(l, (struct sockaddr *)&a, &n)) {
        perror("netpeer: tcp-serve");
        return 1;
    }
    FILE *f = fopen(portfile, "w");
    if (!f || fprintf(f, "%d\n", ntohs(a.sin_port)) < 0 || fclose(f)) {
        perror(portfile);
        return 1;
    }
    struct pollfd p = { l, POLLIN, 0 };
    if (poll(&p, 1, DEADLINE_S * 1000) <= 0) {
        printf("tcp-serve: nobody connected\n");
        return 1;
    }
    int c = accept(l, NULL, NULL);
    size_t total = 0;
    unsigned char buf[16384];
    for (;;) {
        struct pollfd q = { c, POLLIN, 0 };
        if (poll(&q, 1, DEADLINE_S * 1000) <= 0)
            break;
        ssize_t r = recv(c, buf, sizeof buf, 0);
        if (r <= 0)
            break;
        for (ssize_t off = 0; off < r;) {
            ssize_t w = send(c, buf + off, (size_t)(r - off), MSG_NOSIGNAL);
            if (w <= 0)
                goto out;
            off += w;
        }
        total += (size_t)r;
    }
out:
    close(c);
    printf("tcp-serve: echoed %zu bytes\n", total);
    return 0;
}

static int http_get(int port, const char *path, const char *file)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = loopback(port);
    struct timeval tv = { DEADLINE_S, 0 };
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a)) {
        perror("netpeer: http-get: connect");
        return 1;
    }
    char req[512];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n", path,
                     port);
    if (send(s, req, (size_t)n, MSG_NOSIGNAL) != n) {
        perror("netpeer: http-get: send");
        return 1;
    }
    size_t len = 0, cap = 1 << 16;
    char *buf = malloc(cap + 1);
    ssize_t r;
    while (buf && (r = recv(s, buf + len, cap - len, 0)) > 0) {
        len += (size_t)r;
        if (len == cap && !(buf = realloc(buf, (cap *= 2) + 1)))
            break;
    }
    close(s);
    if (!buf)
        return 1;
    buf[len] = '\0';
    char *body = strstr(buf, "\r\n\r\n"), *eol = strstr(buf, "\r\n");
    if (!body || !eol) {
        printf("http-get: no answer (%zu bytes)\n", len);
        return 1;
    }
    printf("%.*s\n", (int)(eol - buf), buf);
    FILE *f = fopen(file, "w");
    if (!f || fwrite(body + 4, 1, len - (size_t)(body + 4 - buf), f) != len - (size_t)(body + 4 - buf) || fclose(f)) {
        perror(file);
        return 1;
    }
    free(buf);
    return 0;
}

/* http-load: TOTAL requests for PATH over CONC keep-alive connections,
 * within SECONDS. An answer counts when its status is 200 and its whole
 * body (Content-Length) has come. A connection that fails (reset, closed,
 * no progress for 30 s) is opened again and its request sent again:
 * counted as retried; a request is failed only if it has not been
 * answered when the time is up. */
struct hconn {
    int      fd;
    int      busy;         /* a request is out */
    size_t   have, need;   /* bytes of the answer received, and its whole length (0: headers not yet) */
    int      status;
    long     served;       /* answers on this connection so far */
    double   sent_at, progress_at;
    char     buf[16384];
};

static int hl_open(struct hconn *h, int port)
{
    struct sockaddr_in a = loopback(port);
    h->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    h->busy = 0;
    if (h->fd < 0 || (connect(h->fd, (struct sockaddr *)&a, sizeof a) && errno != EINPROGRESS))
        return -1;
    h->progress_at = now();
    return 0;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int http_load(int port, const char *path, long total, int conc, int seconds)
{
    struct hconn *h = calloc((size_t)conc, sizeof *h);
    struct pollfd *p = calloc((size_t)conc, sizeof *p);
    double *lat = calloc((size_t)total, sizeof *lat);
    if (!h || !p || !lat)
        return 1;
    char req[512];
    int reqlen = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n", path, port);
    long issued = 0, answered = 0, retried = 0, reconnects = 0, closed = 0, reset = 0, stalled = 0;
    int opened = 0;
    double t0 = now(), end = t0 + seconds;
    for (int i = 0; i < conc; i++)
        h[i].fd = -1;
    while (answered < total && now() < end) {
        /* paced opening, as tcp-echo: slirp accepts one at a time */
        if (opened < conc && (opened == 0 || h[opened - 1].served || h[opened - 1].fd < 0)) {
            if (hl_open(&h[opened], port) == 0)
                opened++;
        }
        for (int i = 0; i < conc; i++) {
            struct hconn *c = &h[i];
            if (c->fd >= 0 && !c->busy && issued < total) {
                if (send(c->fd, req, (size_t)reqlen, MSG_NOSIGNAL) == reqlen) {
                    c->busy = 1, c->have = c->need = 0, c->status = 0;
                    c->sent_at = c->progress_at = now();
                    issued++;
                }
            }
            p[i].fd = c->fd;
            p[i].events = c->busy ? POLLIN : 0;
            if (c->fd >= 0 && !c->busy && issued < total)
                p[i].events |= POLLOUT; /* still connecting */
        }
        poll(p, (nfds_t)conc, 100);
        double t = now();
        for (int i = 0; i < conc; i++) {
            struct hconn *c = &h[i];
            int broken = 0;
            if (c->fd >= 0 && c->busy && (p[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                ssize_t r = recv(c->fd, c->buf + c->have, sizeof c->buf - c->have - 1, 0);
                if (r > 0) {
                    c->have += (size_t)r, c->progress_at = t;
                    c->buf[c->have] = '\0';
                    char *hdr_end = strstr(c->buf, "\r\n\r\n");
                    if (!c->need && hdr_end) {
                        const char *cl = strstr(c->buf, "Content-Length: ");
                        c->status = atoi(c->buf + 9);
                        c->need = (size_t)(hdr_end + 4 - c->buf) + (cl ? strtoul(cl + 16, NULL, 10) : 0);
                    }
                    if (c->need && c->have >= c->need) {
                        if (c->status == 200) {
                            lat[answered++] = t - c->sent_at;
                            c->busy = 0;
                            c->served++;
                        } else
                            broken = 1;
                        c->have = c->need = 0;
                    }
                    if (c->have >= sizeof c->buf - 1)
                        broken = 1;
                } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                    broken = 1;
                    closed += r == 0, reset += r != 0;
                }
            }
            if (c->fd >= 0 && c->busy && t - c->progress_at > 30) {
                broken = 1; /* no progress: taken as lost */
                stalled++;
                struct sockaddr_in me;
                socklen_t ml = sizeof me;
                getsockname(c->fd, (struct sockaddr *)&me, &ml);
                fprintf(stderr, "netpeer: http-load: connection from port %d stalled: %zu bytes of its answer after %.1f s\n",
                        ntohs(me.sin_port), c->have, t - c->sent_at);
            }
            if (broken) {
                close(c->fd);
                if (c->busy)
                    issued--, retried++;
                reconnects++;
                if (hl_open(c, port))
                    c->fd = -1;
            }
        }
    }
    double took = now() - t0;
    qsort(lat, (size_t)answered, sizeof *lat, by_double);
    printf("http-load: %ld requests of %s, %d at a time: %ld answered, %ld failed, %ld retried, %ld reconnects "
           "(%ld closed, %ld reset, %ld stalled 30 s); %.1f s, %.0f requests/s, latency p50 %.3f ms p99 %.3f ms\n",
           total, path, conc, answered, total - answered, retried, reconnects, closed, reset, stalled, took,
           answered / took,
           answered ? lat[answered / 2] * 1e3 : 0, answered ? lat[answered * 99 / 100] * 1e3 : 0);
    return answered != total;
}

/* http-serve: the Linux baseline of the status page's /health: the same
 * answer, keep-alive, one poll loop, on 127.0.0.1 (the port into
 * PORTFILE), for SECONDS. */
static int http_serve(const char *portfile, int seconds)
{
    int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    struct sockaddr_in a = server_addr();
    socklen_t n = sizeof a;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 64) ||
        getsockname(l, (struct sockaddr *)&a, &n)) {
        perror("netpeer: http-serve");
        return 1;
    }
    FILE *f = fopen(portfile, "w");
    if (!f || fprintf(f, "%d\n", ntohs(a.sin_port)) < 0 || fclose(f))
        return 1;
    enum { MAXC = 64 };
    struct pollfd p[MAXC + 1];
    char in[MAXC][2048];
    size_t have[MAXC];
    int nc = 0;
    static const char answer[] = "HTTP/1.1 200 OK\r\nServer: netpeer\r\nContent-Type: text/plain\r\n"
                                 "Content-Length: 3\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nok\n";
    double end = now() + seconds;
    while (now() < end) {
        p[0] = (struct pollfd){ l, POLLIN, 0 };
        if (poll(p, (nfds_t)nc + 1, 100) <= 0)
            continue;
        for (int i = 1; i <= nc; i++) {
            if (!p[i].revents)
                continue;
            ssize_t r = recv(p[i].fd, in[i - 1] + have[i - 1], sizeof in[0] - have[i - 1], 0);
            if (r <= 0) {
                close(p[i].fd);
                p[i] = p[nc], have[i - 1] = have[nc - 1], memcpy(in[i - 1], in[nc - 1], have[nc - 1]);
                nc--, i--;
                continue;
            }
            have[i - 1] += (size_t)r;
            char *e;
            while ((e = memmem(in[i - 1], have[i - 1], "\r\n\r\n", 4))) { /* one answer per request */
                send(p[i].fd, answer, sizeof answer - 1, MSG_NOSIGNAL);
                size_t used = (size_t)(e + 4 - in[i - 1]);
                memmove(in[i - 1], e + 4, have[i - 1] - used);
                have[i - 1] -= used;
            }
        }
        if (p[0].revents & POLLIN) {
            int c;
            while (nc < MAXC && (c = accept(l, NULL, NULL)) >= 0) {
                nc++;
                p[nc] = (struct pollfd){ c, POLLIN, 0 };
                have[nc - 1] = 0;
            }
        }
    }
    return 0;
}

/* udp-gap: a datagram to 127.0.0.1:PORT every millisecond for SECONDS,
 * each echoed: the median round trip, and the longest time without an
 * answer (a driver restart's outage, when one is injected meanwhile). */
static int udp_gap(int port, int seconds)
{
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = loopback(port);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a)) {
        perror("netpeer: udp-gap");
        return 1;
    }
    size_t cap = (size_t)seconds * 1000 + 16, nr = 0;
    double *rtt = calloc(cap, sizeof *rtt), *sent = calloc(cap, sizeof *sent);
    double t0 = now(), end = t0 + seconds, last = t0, gap = 0, next = t0;
    uint32_t seq = 0, answered = 0;
    while (now() < end) {
        double t = now();
        if (t >= next && seq < cap) {
            sent[seq] = t;
            send(s, &seq, sizeof seq, 0);
            seq++, next += 0.001;
        }
        struct pollfd p = { s, POLLIN, 0 };
        poll(&p, 1, 1);
        uint32_t got;
        while (recv(s, &got, sizeof got, 0) == sizeof got) {
            t = now();
            if (got < seq) {
                rtt[nr++] = t - sent[got];
                answered++;
                if (t - last > gap)
                    gap = t - last;
                last = t;
            }
        }
    }
    qsort(rtt, nr, sizeof *rtt, by_double);
    printf("udp-gap: %u sent, %u answered, round trip p50 %.3f ms, longest without an answer %.1f ms\n", seq,
           answered, nr ? rtt[nr / 2] * 1e3 : 0, gap * 1e3);
    return 0;
}

/* REQUEST as written, with \r and \n spelled out; the answer's first line. */
static int http_raw(int port, const char *spelled)
{
    char req[1024];
    size_t n = 0;
    for (const char *p = spelled; *p && n < sizeof req - 1; p++) {
        if (p[0] == '\\' && (p[1] == 'r' || p[1] == 'n'))
            req[n++] = p[1] == 'r' ? '\r' : '\n', p++;
        else
            req[n++] = *p;
    }
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = loopback(port);
    struct timeval tv = { DEADLINE_S, 0 };
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) || send(s, req, n, MSG_NOSIGNAL) != (ssize_t)n) {
        perror("netpeer: http-raw");
        return 1;
    }
    char buf[4096];
    ssize_t r = recv(s, buf, sizeof buf - 1, 0);
    close(s);
    if (r <= 0) {
        printf("http-raw: no answer\n");
        return 1;
    }
    buf[r] = '\0';
    char *eol = strstr(buf, "\r\n");
    printf("%.*s\n", eol ? (int)(eol - buf) : (int)r, buf);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "free-port"))
        return free_port();
    if (argc >= 2 && !strcmp(argv[1], "slirp"))
        return netpeer_slirp(argc - 2, argv + 2);
    if ((argc == 5 || argc == 6) && !strcmp(argv[1], "tcp-echo"))
        return tcp_echo(atoi(argv[2]), atoi(argv[3]), strtoul(argv[4], NULL, 10),
                        argc == 6 ? atoi(argv[5]) : DEADLINE_S);
    if (argc == 4 && !strcmp(argv[1], "dns-ask"))
        return dns_ask(argv[2], argv[3]);
    if (argc == 4 && !strcmp(argv[1], "udp-echo"))
        return udp_echo(atoi(argv[2]), atoi(argv[3]));
    if (argc == 3 && !strcmp(argv[1], "tcp-serve"))
        return tcp_serve(argv[2]);
    if (argc == 4 && !strcmp(argv[1], "http-serve"))
        return http_serve(argv[2], atoi(argv[3]));
    if (argc == 4 && !strcmp(argv[1], "udp-gap"))
        return udp_gap(atoi(argv[2]), atoi(argv[3]));
    if (argc == 7 && !strcmp(argv[1], "http-load"))
        return http_load(atoi(argv[2]), argv[3], atol(argv[4]), atoi(argv[5]), atoi(argv[6]));
    if (argc == 4 && !strcmp(argv[1], "http-raw"))
        return http_raw(atoi(argv[2]), argv[3]);
    if (argc == 5 && !strcmp(argv[1], "http-get"))
        return http_get(atoi(argv[2]), argv[3], argv[4]);
    fprintf(stderr, "usage: netpeer free-port | tcp-echo PORT CONNS BYTES [SECONDS] | udp-echo PORT COUNT | "
                    "tcp-serve PORTFILE | http-get PORT PATH FILE | http-raw PORT REQUEST | dns-ask SERVER NAME |\n"
                    "       http-load PORT PATH TOTAL CONC SECONDS | http-serve PORTFILE SECONDS | udp-gap PORT SECONDS\n");
    return 2;
}
