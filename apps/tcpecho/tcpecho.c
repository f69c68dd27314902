/* tcpecho: a WASI TCP server of the ordinary kind, for `azoth run
 * --tcplisten` (docs/network.md, "Serving from an app"): it finds the
 * listening socket among its fds (fstat: a socket), then serves many
 * connections at once with poll(), sending back what each receives; when
 * a peer ends its stream, it ends its own (shutdown) and closes. Only
 * wasi-libc: accept, recv, send, read, shutdown, close, poll.
 *
 *   tcpecho [-q] [N]     -q: no line per connection; N: stop after N
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONNS 32
#define BUF 4096

struct conn {
    int    fd;
    char   buf[BUF];
};

static struct conn conns[CONNS];
static int quiet;

static int find_listener(void)
{
    for (int fd = 3; fd < 64; fd++) {
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode))
            return fd;
    }
    return -1;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = send(fd, p, n, 0);
        if (k < 0)
            return -1;
        p += k, n -= (size_t)k;
    }
    return 0;
}

static void drop(struct conn *c, const char *why)
{
    if (!quiet)
        printf("tcpecho: connection %d %s\n", c->fd, why);
    close(c->fd);
    c->fd = -1;
}

/* Send back what arrived; at the end of the peer's stream, end ours
 * (shutdown) and close. Returns 1 when the connection is done. */
static int serve(struct conn *c)
{
    /* read() on odd fds, recv() on even ones: both are the socket's */
    ssize_t n = (c->fd & 1) ? read(c->fd, c->buf, sizeof c->buf) : recv(c->fd, c->buf, sizeof c->buf, 0);
    if (n == 0) {
        shutdown(c->fd, SHUT_WR);
        drop(c, "closed by the peer");
        return 1;
    }
    if (n < 0 || send_all(c->fd, c->buf, (size_t)n) != 0) {
        drop(c, strerror(errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int a = 1;
    quiet = argc > a && !strcmp(argv[a], "-q");
    a += quiet;
    long limit = argc > a ? strtol(argv[a], NULL, 10) : -1;
    setvbuf(stdout, NULL, _IOLBF, 0);
    int ls = find_listener();
    if (ls < 0) {
        fprintf(stderr, "tcpecho: no listening socket (run it with --tcplisten ADDR:PORT)\n");
        return 2;
    }
    for (int i = 0; i < CONNS; i++)
        conns[i].fd = -1;
    printf("tcpecho: serving on fd %d\n", ls);
    int stopping = 0, served = 0, ended = 0;
    for (;;) {
        struct pollfd p[CONNS + 1];
        int n = 0, open = 0;
        if (!stopping)
            p[n++] = (struct pollfd){ .fd = ls, .events = POLLIN };
        for (int i = 0; i < CONNS; i++)
            if (conns[i].fd >= 0) {
                p[n++] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN };
                open++;
            }
        if (stopping && !open)
            break;
        if (poll(p, (nfds_t)n, -1) < 0) {
            fprintf(stderr, "tcpecho: poll: %s\n", strerror(errno));
            return 1;
        }
        for (int k = 0; k < n; k++) {
            if (!p[k].revents)
                continue;
            if (p[k].fd == ls) {
                struct sockaddr_storage from;
                socklen_t fl = sizeof from;
                int fd = accept(ls, (struct sockaddr *)&from, &fl);
                if (fd < 0) {
                    if (errno != EAGAIN)
                        fprintf(stderr, "tcpecho: accept: %s\n", strerror(errno));
                    continue;
                }
                int i = 0;
                while (i < CONNS && conns[i].fd >= 0)
                    i++;
                if (i == CONNS) {
                    close(fd); /* full: refused */
                    continue;
                }
                conns[i].fd = fd;
                served++;
                stopping = limit >= 0 && served >= limit; /* the last one: no more accepted */
                if (!quiet)
                    printf("tcpecho: connection %d accepted\n", fd);
                continue;
            }
            for (int i = 0; i < CONNS; i++)
                if (conns[i].fd == p[k].fd)
                    ended += serve(&conns[i]);
        }
    }
    printf("tcpecho: stopped after %d connections (%d ended)\n", served, ended);
    return 0;
}
