/* The network for components: the protocols (athanor/abi/net.h) and the
 * client side of the net service's (struct ath_net and the ath_sock_*
 * calls below), with the frame records' helpers. Include after athanor.h. */
#ifndef ATHANOR_NET_H
#define ATHANOR_NET_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <athanor.h>
#include <athanor/abi/net.h>

/* Append a record of n bytes at *at in buf (cap bytes): false if it does
 * not fit. */
static inline int ath_netrec_put(uint8_t *buf, uint32_t cap, uint32_t *at, const void *frame, uint32_t n)
{
    if (n == 0 || n > NETDEV_FRAME_MAX || *at > cap || cap - *at < 2 + n)
        return 0;
    buf[*at] = (uint8_t)n;
    buf[*at + 1] = (uint8_t)(n >> 8);
    memcpy(buf + *at + 2, frame, n);
    *at += (2 + n + 1) & ~1u;
    return 1;
}

/* The record at *at in buf (len bytes used): 1 and *frame, *n; 0 at the
 * end; -1 for a malformed one (its length runs past the buffer or over
 * NETDEV_FRAME_MAX). */
static inline int ath_netrec_next(const uint8_t *buf, uint32_t len, uint32_t *at, const uint8_t **frame,
                                  uint32_t *n)
{
    if (*at >= len || len - *at < 2)
        return 0;
    uint32_t k = buf[*at] | (uint32_t)buf[*at + 1] << 8;
    if (k == 0)
        return 0;
    if (k > NETDEV_FRAME_MAX || len - *at - 2 < k)
        return -1;
    *frame = buf + *at + 2;
    *n = k;
    *at += (2 + k + 1) & ~1u;
    return 1;
}

/* An IPv4 address a.b.c.d as the protocol carries it (network byte order
 * in memory: what inet_aton gives). */
static inline uint32_t ath_ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    uint8_t x[4] = { a, b, c, d };
    uint32_t v;
    memcpy(&v, x, 4);
    return v;
}

/* ---- the client side: a connection to the net service, and sockets ----
 *
 * struct ath_net is one component's connection: the endpoint, the
 * notification the service signals, and a page-aligned staging buffer for
 * data that is not page-aligned (what is goes by lend, uncopied). The
 * ath_sock_* calls answer at once, as the service does; ath_net_wait and
 * the *_wait helpers wait client-side on the notification. */
#define ATH_NET_STAGE 16384u
#define ATH_NET_RECHECK_NS 1000000000ull /* ath_net_wait asks the service again at least this often */
struct ath_net {
    ath_handle_t ep, note;
    int          subscribed;
    uint8_t     *stage;
};

/* Socket operations name a socket of the service's instance: after it
 * restarted they fail (-ATH_ECONNRESET: the connection is lost) instead of
 * going to the new one. */
static inline int ath_net_per_socket_(uint64_t op)
{
    return op >= NET_BIND && op <= NET_SOCKINFO;
}

static inline int ath_net_subscribe_(struct ath_net *n)
{
    uint64_t r = 0;
    int e = ath_call_grant(n->ep, NET_SUBSCRIBE, 0, 0, n->note, &r);
    n->subscribed = e == 0 && (int64_t)r >= 0;
    return e ? e : (int)(int64_t)r;
}

/* How ath_net_call passes data: none (a plain call with a1), a message,
 * or a lend of page-aligned memory. */
enum { ATH_NET_PLAIN = 0, ATH_NET_MSG = 1, ATH_NET_LEND_RO = 2, ATH_NET_LEND_RW = 3 };

/* A call to the net service; one that finds it restarted reconnects and
 * subscribes again, then retries (not a socket operation: see above).
 * -> 0 and *result >= 0, or a negative error (the call's or the
 * service's). */
static inline int ath_net_call(struct ath_net *n, uint64_t op, uint64_t a0, uint64_t a1, const void *data,
                               uint32_t len, int how, uint64_t *result)
{
    for (int tries = 0;; tries++) {
        int r = how == ATH_NET_LEND_RO || how == ATH_NET_LEND_RW
                    ? ath_call_lend(n->ep, op, a0, (void *)(uintptr_t)data, len,
                                    how == ATH_NET_LEND_RW ? ATH_LEND_RW : ATH_LEND_RO, result)
                : how == ATH_NET_MSG ? ath_call_msg(n->ep, op, a0, data, len, result)
                                     : ath_call(n->ep, op, a0, a1, 0, result);
        if (r == 0)
            return (int64_t)*result < 0 ? (int)(int64_t)*result : 0;
        if (r == -ATH_EPEERFAILED && ath_net_per_socket_(op))
            return -ATH_ECONNRESET; /* it failed holding the socket: its next instance has none */
        if (r != -ATH_EPEERRESTARTED || tries == 1)
            return r;
        ath_reconnect(&n->ep, "net");
        if (n->subscribed)
            ath_net_subscribe_(n);
        if (ath_net_per_socket_(op))
            return -ATH_ECONNRESET;
    }
}

/* Connect to the net service (the manifest's calls = ["net"]) and
 * subscribe. -> 0 or a negative error. */
static inline int ath_net_open(struct ath_net *n)
{
    n->ep = ath_lookup("net");
    n->note = ath_notify_create();
    n->subscribed = 0;
    n->stage = (uint8_t *)aligned_alloc(ATH_PAGE_SIZE, ATH_NET_STAGE);
    if (n->ep < 0 || n->note < 0 || !n->stage)
        return n->ep < 0 ? (int)n->ep : n->note < 0 ? (int)n->note : -ATH_ENOMEM;
    for (int tries = 0;; tries++) {
        int e = ath_net_subscribe_(n);
        if (e != -ATH_EPEERRESTARTED || tries == 1)
            return e;
        ath_reconnect(&n->ep, "net");
    }
}

static inline int ath_net_aligned_(const void *p, uint32_t len)
{
    return ((uintptr_t)p | len) % ATH_PAGE_SIZE == 0 && len;
}

static inline int ath_sock_open(struct ath_net *n, int kind)
{
    uint64_t r = 0;
    int e = ath_net_call(n, NET_SOCKET, (uint64_t)kind, 0, NULL, 0, 0, &r);
    return e ? e : (int)r;
}

/* -> the port bound, or a negative error. */
static inline int ath_sock_bind(struct ath_net *n, int s, uint16_t port)
{
    uint64_t r = 0;
    int e = ath_net_call(n, NET_BIND, (uint64_t)s, port, NULL, 0, 0, &r);
    return e ? e : (int)r;
}

static inline int ath_sock_listen(struct ath_net *n, int s, unsigned backlog)
{
    uint64_t r = 0;
    return ath_net_call(n, NET_LISTEN, (uint64_t)s, backlog, NULL, 0, 0, &r);
}

/* A TCP socket listening on port (or a UDP one bound to it) -> the socket. */
static inline int ath_sock_listen_on(struct ath_net *n, int kind, uint16_t port, unsigned backlog)
{
    int s = ath_sock_open(n, kind);
    if (s < 0)
        return s;
    int e = ath_sock_bind(n, s, port);
    if (e >= 0 && kind == NET_TCP)
        e = ath_sock_listen(n, s, backlog);
    if (e < 0) {
        uint64_t r;
        ath_net_call(n, NET_CLOSE, (uint64_t)s, 0, NULL, 0, 0, &r);
        return e;
    }
    return s;
}

static inline int ath_sock_accept(struct ath_net *n, int s)
{
    uint64_t r = 0;
    int e = ath_net_call(n, NET_ACCEPT, (uint64_t)s, 0, NULL, 0, 0, &r);
    return e ? e : (int)r;
}

/* addr in network byte order (as inet_addr gives it). */
static inline int ath_sock_connect(struct ath_net *n, int s, uint32_t addr, uint16_t port)
{
    uint64_t r = 0;
    return ath_net_call(n, NET_CONNECT, (uint64_t)s, addr | (uint64_t)port << 32, NULL, 0, 0, &r);
}

/* Data of len bytes to the service: a lend if page-aligned, else a
 * message or the staging buffer (a copy). -> bytes taken or an error. */
static inline long ath_net_put_(struct ath_net *n, uint64_t op, uint64_t a0, const void *buf, size_t len)
{
    uint64_t r = 0;
    int e;
    if (len > 0xffff0000u)
        len = 0xffff0000u;
    if (ath_net_aligned_(buf, (uint32_t)len))
        e = ath_net_call(n, op, a0, 0, buf, (uint32_t)len, ATH_NET_LEND_RO, &r);
    else if (len <= ATH_MSG_MAX)
        e = ath_net_call(n, op, len ? a0 : a0 | NET_LEN(0), 0, len ? buf : n->stage, len ? (uint32_t)len : 1,
                         ATH_NET_MSG, &r); /* an empty datagram: one byte, bounded to none */
    else {
        uint32_t k = len < ATH_NET_STAGE ? (uint32_t)len : ATH_NET_STAGE;
        memcpy(n->stage, buf, k);
        e = ath_net_call(n, op, a0 | NET_LEN(k), 0, n->stage, (k + ATH_PAGE_SIZE - 1) & ~(ATH_PAGE_SIZE - 1),
                         ATH_NET_LEND_RO, &r);
        if (e == 0 && r > k)
            r = k;
    }
    return e ? e : (long)r;
}

/* -> bytes taken (maybe fewer than len), or -ATH_EAGAIN, or an error. */
static inline long ath_sock_send(struct ath_net *n, int s, const void *buf, size_t len)
{
    return ath_net_put_(n, NET_SEND, (uint64_t)s, buf, len);
}

/* UDP: a datagram to addr:port (it stays the socket's destination). */
static inline long ath_sock_sendto(struct ath_net *n, int s, const void *buf, size_t len, uint32_t addr,
                                   uint16_t port)
{
    int e = ath_sock_connect(n, s, addr, port);
    return e ? e : ath_sock_send(n, s, buf, len);
}

/* -> bytes received (0: the end of the stream), -ATH_EAGAIN, or an error.
 * from: the sender (UDP), or NULL. */
static inline long ath_sock_recvfrom(struct ath_net *n, int s, void *buf, size_t len, struct ath_net_from *from)
{
    uint64_t r = 0;
    int e;
    if (!from && ath_net_aligned_(buf, (uint32_t)len) && len <= 0x40000000u)
        e = ath_net_call(n, NET_RECV, (uint64_t)s, 0, buf, (uint32_t)len, ATH_NET_LEND_RW, &r);
    else {
        uint32_t hdr = from ? sizeof *from : 0;
        uint32_t k = len < ATH_NET_STAGE - hdr ? (uint32_t)len : ATH_NET_STAGE - hdr;
        e = ath_net_call(n, from ? NET_RECVFROM : NET_RECV, (uint64_t)s | NET_LEN(k), 0, n->stage,
                         ATH_NET_STAGE, ATH_NET_LEND_RW, &r);
        if (e == 0) {
            if (r > k)
                r = k;
            if (from)
                memcpy(from, n->stage, sizeof *from);
            memcpy(buf, n->stage + hdr, (size_t)r);
        }
    }
    return e ? e : (long)r;
}

static inline long ath_sock_recv(struct ath_net *n, int s, void *buf, size_t len)
{
    return ath_sock_recvfrom(n, s, buf, len, NULL);
}

static inline int ath_sock_shutdown(struct ath_net *n, int s, unsigned how)
{
    uint64_t r = 0;
    return ath_net_call(n, NET_SHUTDOWN, (uint64_t)s, how, NULL, 0, 0, &r);
}

static inline int ath_sock_close(struct ath_net *n, int s)
{
    uint64_t r = 0;
    return ath_net_call(n, NET_CLOSE, (uint64_t)s, 0, NULL, 0, 0, &r);
}

static inline int ath_sock_info(struct ath_net *n, int s, struct ath_net_sockinfo *out)
{
    uint64_t r = 0;
    int e = ath_net_call(n, NET_SOCKINFO, (uint64_t)s, 0, n->stage, ATH_PAGE_SIZE, ATH_NET_LEND_RW, &r);
    if (e == 0)
        memcpy(out, n->stage, sizeof *out);
    return e;
}

/* The waits need the clock: components only (ath_now_ns; a host build of
 * the service's code for the fuzzer has none). */
#ifdef __wasm__
/* Readiness of up to ATH_NET_STAGE / 8 sockets, waiting up to timeout_ns
 * (0: not at all; ATH_NO_TIMEOUT: for ever) for one to be ready -> how
 * many are ready (0: the time ran out), or an error. */
static inline int ath_net_wait(struct ath_net *n, struct ath_net_poll *p, unsigned count, uint64_t timeout_ns)
{
    if (count > ATH_NET_STAGE / sizeof *p)
        return -ATH_EINVAL;
    uint64_t deadline = timeout_ns == ATH_NO_TIMEOUT ? ATH_NO_TIMEOUT : ath_now_ns() + timeout_ns;
    for (;;) {
        uint64_t r = 0;
        memcpy(n->stage, p, count * sizeof *p);
        int e = ath_net_call(n, NET_POLL, NET_LEN(count * sizeof *p), 0, n->stage, ATH_NET_STAGE,
                             ATH_NET_LEND_RW, &r);
        if (e)
            return e;
        memcpy(p, n->stage, count * sizeof *p);
        if (r)
            return (int)r;
        uint64_t now = ath_now_ns(), bits = 0;
        if (deadline != ATH_NO_TIMEOUT && now >= deadline)
            return 0;
        /* At most a second at a time: a restarted service signals no one
         * until asked, and asking is how we learn it restarted. */
        uint64_t slice = deadline - now < ATH_NET_RECHECK_NS ? deadline - now : ATH_NET_RECHECK_NS;
        e = ath_notify_wait(n->note, NET_EV_SOCK, slice, &bits);
        if (e)
            return e;
    }
}

/* One socket's readiness among want, waiting up to timeout_ns -> the bits
 * (0: the time ran out), or an error. */
static inline int ath_sock_wait(struct ath_net *n, int s, unsigned want, uint64_t timeout_ns)
{
    struct ath_net_poll p = { s, (uint16_t)want, 0 };
    int r = ath_net_wait(n, &p, 1, timeout_ns);
    return r < 0 ? r : r ? p.got : 0;
}

/* Send all of buf, waiting for room -> 0 or an error. */
static inline int ath_sock_send_all(struct ath_net *n, int s, const void *buf, size_t len, uint64_t timeout_ns)
{
    const uint8_t *p = (const uint8_t *)buf;
    while (len) {
        long k = ath_sock_send(n, s, p, len);
        if (k == -ATH_EAGAIN) {
            int w = ath_sock_wait(n, s, NET_POLLOUT, timeout_ns);
            if (w <= 0)
                return w ? w : -ATH_ETIMEDOUT;
            continue;
        }
        if (k < 0)
            return (int)k;
        p += k, len -= (size_t)k;
    }
    return 0;
}

/* The IPv4 address of a host name (or a dotted address), waiting up to
 * timeout_ns for the DNS server -> 0 and *addr (network byte order), or
 * -ATH_ENOENT (no such name, no answer, no server), -ATH_ETIMEDOUT. */
static inline int ath_net_resolve(struct ath_net *n, const char *name, uint32_t *addr, uint64_t timeout_ns)
{
    size_t len = strlen(name);
    uint64_t r = 0;
    if (!len || len > NET_NAME_MAX)
        return -ATH_EINVAL;
    int e = ath_net_call(n, NET_RESOLVE, 0, 0, name, (uint32_t)len, ATH_NET_MSG, &r);
    uint64_t deadline = ath_now_ns() + timeout_ns;
    while (e == 0 && !(r & NET_ADDR_FOUND)) {
        uint64_t now = ath_now_ns(), bits = 0;
        if (now >= deadline)
            return -ATH_ETIMEDOUT;
        uint64_t slice = deadline - now < ATH_NET_RECHECK_NS ? deadline - now : ATH_NET_RECHECK_NS;
        ath_notify_wait(n->note, NET_EV_DNS, slice, &bits);
        e = ath_net_call(n, NET_RESOLVE_RESULT, 0, 0, NULL, 0, ATH_NET_PLAIN, &r);
        if (e == -ATH_EAGAIN)
            e = 0, r = 0;
    }
    if (e == 0)
        *addr = (uint32_t)r;
    return e;
}

/* Connect and wait for the outcome -> 0 or an error (-ATH_ECONNREFUSED...). */
static inline int ath_sock_connect_wait(struct ath_net *n, int s, uint32_t addr, uint16_t port,
                                        uint64_t timeout_ns)
{
    int e = ath_sock_connect(n, s, addr, port);
    if (e != -ATH_EINPROGRESS)
        return e;
    int w = ath_sock_wait(n, s, NET_POLLOUT, timeout_ns);
    if (w <= 0)
        return w ? w : -ATH_ETIMEDOUT;
    if (w & NET_POLLERR) {
        struct ath_net_sockinfo i;
        e = ath_sock_info(n, s, &i);
        return e ? e : -(int)(i.error ? i.error : ATH_ECONNRESET);
    }
    return 0;
}

#endif /* __wasm__ */

#endif
