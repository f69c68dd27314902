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
 *                                     PORTFILE), echo one connection */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

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
    printf("tcp-echo: %d connections, %zu bytes each: %d echoed intact, %d failed\n", nconns, bytes,
           nconns - failed, failed);
    return failed != 0;
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

static int tcp_serve(const char *portfile)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = loopback(0);
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

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "free-port"))
        return free_port();
    if ((argc == 5 || argc == 6) && !strcmp(argv[1], "tcp-echo"))
        return tcp_echo(atoi(argv[2]), atoi(argv[3]), strtoul(argv[4], NULL, 10),
                        argc == 6 ? atoi(argv[5]) : DEADLINE_S);
    if (argc == 4 && !strcmp(argv[1], "udp-echo"))
        return udp_echo(atoi(argv[2]), atoi(argv[3]));
    if (argc == 3 && !strcmp(argv[1], "tcp-serve"))
        return tcp_serve(argv[2]);
    fprintf(stderr, "usage: netpeer free-port | tcp-echo PORT CONNS BYTES [SECONDS] | udp-echo PORT COUNT | "
                    "tcp-serve PORTFILE\n");
    return 2;
}
