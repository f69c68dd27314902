/* Sockets for the net service's clients (sdk/athanor_net.h, docs/network.md):
 * TCP and UDP over lwIP's raw API. No operation waits: data a peer sent
 * waits in the socket (TCP: lwIP's window closes until the client reads
 * it), and the client hears of every change by NET_EV_SOCK. Decode (the
 * socket is the caller's, the data lies in its lend or message, the rules
 * allow it) is done before lwIP is asked anything. */
#include <stdlib.h>
#include <string.h>

#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h" /* the active connections' list and timers: sock_link_restarted */
#include "lwip/tcp.h"
#include "lwip/udp.h"

#include "net.h"

#define SOCKS      96 /* in the whole service */
#define PER_CLIENT 48
#define DGRAMS     16 /* datagrams waiting per UDP socket; more are dropped */
#define DGRAMS_ALL 48 /* ... and in all: they hold frames of the pool */
/* TCP data received and not yet read waits in a ring of the socket's own,
 * not in the frames it came in: those go back to lwIP's pool at once, so
 * that unread data (a client that does not read) never starves the pool
 * that every acknowledgement and every other client needs. The ring is
 * the receive window: lwIP's window opens only as the client reads. */
#define RX_RING    TCP_WND

struct sock {
    uint8_t        kind; /* 0: free, NET_TCP, NET_UDP */
    uint8_t        state; /* NET_S_* */
    bool           pending; /* a connection lwIP accepted, not yet NET_ACCEPTed */
    bool           shut_rd, shut_wr, want_out;
    bool           mem_blocked; /* a send found lwIP's heap full: not writable until memory is freed */
    uint16_t       error;    /* ATH_E* once failed */
    uint16_t       backlog;
    int16_t        listener; /* pending: the listening socket's index */
    struct client *owner;
    union {
        struct tcp_pcb *tcp;
        struct udp_pcb *udp;
    } pcb;
    uint8_t     *ring;               /* TCP: RX_RING bytes, from connection to close */
    uint32_t     ring_at, ring_len;  /* the unread bytes: [ring_at, ring_at + ring_len) mod RX_RING */
    struct {         /* UDP: datagrams received and not yet read, a ring */
        struct pbuf *p;
        uint32_t     from;
        uint16_t     port;
    } dq[DGRAMS];
    uint8_t  dq_head, dq_n;
    uint32_t dest;   /* UDP: NET_CONNECT's destination (0: none) */
    uint16_t dest_port;
    struct {         /* UDP: who sent to it lately: it may answer them */
        uint32_t addr;
        uint16_t port;
    } peers[8];
    uint8_t peer_next;
};
static struct sock socks[SOCKS];
static unsigned    dgrams_queued;

static int index_of(const struct sock *s)
{
    return (int)(s - socks);
}

static void tell(struct sock *s)
{
    if (s->owner && !s->pending)
        client_tell(s->owner, NET_EV_SOCK);
}

static struct sock *sock_new(struct client *c, uint8_t kind)
{
    unsigned mine = 0;
    struct sock *free_one = NULL;
    for (unsigned i = 0; i < SOCKS; i++) {
        if (socks[i].kind && socks[i].owner == c)
            mine++;
        else if (!socks[i].kind && !free_one)
            free_one = &socks[i];
    }
    if (!free_one || mine >= PER_CLIENT)
        return NULL;
    memset(free_one, 0, sizeof *free_one);
    free_one->kind = kind;
    free_one->owner = c;
    free_one->listener = -1;
    return free_one;
}

/* ---- lwIP's callbacks (arg: the socket) ---- */

static err_t tcp_got(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct sock *s = arg;
    (void)err;
    if (!p) { /* the peer's FIN */
        if (s->state == NET_S_CONNECTED)
            s->state = NET_S_PEER_CLOSED;
        tell(s);
        return ERR_OK;
    }
    if (s->shut_rd) { /* nobody will read it: let the window open again */
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
        return ERR_OK;
    }
    /* The window keeps it within the ring; should a peer overrun it,
     * lwIP keeps the frame and offers it again later. */
    if (!s->ring || RX_RING - s->ring_len < p->tot_len)
        return ERR_MEM;
    uint32_t end = (s->ring_at + s->ring_len) % RX_RING, n = p->tot_len;
    uint32_t first = n < RX_RING - end ? n : RX_RING - end;
    pbuf_copy_partial(p, s->ring + end, (u16_t)first, 0);
    pbuf_copy_partial(p, s->ring, (u16_t)(n - first), (u16_t)first);
    s->ring_len += n;
    pbuf_free(p);
    tell(s);
    return ERR_OK;
}

/* Memory was freed (acknowledged data): sockets a full heap held back
 * may send again. */
static void mem_freed(void)
{
    for (unsigned i = 0; i < SOCKS; i++)
        if (socks[i].mem_blocked) {
            socks[i].mem_blocked = false;
            if (socks[i].want_out) {
                socks[i].want_out = false;
                tell(&socks[i]);
            }
        }
}

static err_t tcp_room(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    struct sock *s = arg;
    (void)pcb, (void)len;
    if (s->want_out) {
        s->want_out = false;
        tell(s);
    }
    mem_freed();
    return ERR_OK;
}

/* The driver restarted: what it held is lost, frames both ways. That is
 * no congestion, so no connection should wait out a backed-off
 * retransmission timer for it: each sends what is unacknowledged again
 * now, with its timer back at its measured value; and three duplicate
 * acknowledgements, which make a peer whose segments were lost send them
 * again at once (fast retransmit) instead of after its own, maybe
 * backed-off, timer: a load test lost a connection for 30 s to that. */
void sock_link_restarted(void)
{
    for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next) {
        p->nrtx = 0;
        if (p->sa) /* a measured round trip: the timer without backoff, at least a tick */
            p->rto = (s16_t)LWIP_MAX(((p->sa >> 3) + p->sv), 1);
        if (p->unacked)
            tcp_rexmit_rto(p);
        for (int i = 0; i < 3; i++) {
            tcp_ack_now(p);
            tcp_output(p);
        }
    }
}

void sock_mem_retry(void)
{
    /* What filled the heap may not have been a socket's (frames queued for
     * the driver, frames received): their freeing calls no socket back, so
     * a socket it held back would wait for the next check. At every event
     * (timer, driver), not once a second. */
    mem_freed();
}


/* lwIP freed the pcb: a reset, an abort, or retransmissions given up. */
static void tcp_failed(void *arg, err_t err)
{
    struct sock *s = arg;
    s->pcb.tcp = NULL;
    if (s->pending) { /* nobody knows it yet: it just goes */
        free(s->ring);
        memset(s, 0, sizeof *s);
        return;
    }
    if (err == ERR_CLSD) { /* closed both ways and done with: not a failure */
        if (s->state == NET_S_CONNECTED)
            s->state = NET_S_PEER_CLOSED;
        tell(s);
        return;
    }
    /* A reset answering our SYN is a refusal; lwIP aborts (ERR_ABRT) a
     * connection whose retransmissions ran out. */
    if (s->state == NET_S_CONNECTING && err == ERR_RST)
        s->error = ATH_ECONNREFUSED;
    else if (err == ERR_ABRT && s->state == NET_S_CONNECTING)
        s->error = ATH_ETIMEDOUT;
    else
        s->error = ATH_ECONNRESET;
    s->state = NET_S_FAILED;
    tell(s);
}

static void tcp_hook(struct sock *s, struct tcp_pcb *pcb)
{
    s->pcb.tcp = pcb;
    tcp_arg(pcb, s);
    tcp_err(pcb, tcp_failed);
}

/* A connection's receiving side: its ring, and lwIP's callbacks. */
static bool tcp_hook_data(struct sock *s, struct tcp_pcb *pcb)
{
    if (!s->ring && !(s->ring = malloc(RX_RING)))
        return false;
    s->pcb.tcp = pcb;
    tcp_arg(pcb, s);
    tcp_recv(pcb, tcp_got);
    tcp_sent(pcb, tcp_room);
    tcp_err(pcb, tcp_failed);
    return true;
}

static err_t tcp_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct sock *s = arg;
    (void)pcb, (void)err; /* lwIP calls it with ERR_OK only; failures go to tcp_failed */
    s->state = NET_S_CONNECTED;
    tell(s);
    return ERR_OK;
}

static unsigned queued_connections(const struct sock *l)
{
    unsigned n = 0;
    for (unsigned i = 0; i < SOCKS; i++)
        n += socks[i].kind && socks[i].pending && socks[i].listener == index_of(l);
    return n;
}

static err_t tcp_incoming(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct sock *l = arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    struct sock *s = queued_connections(l) < l->backlog ? sock_new(l->owner, NET_TCP) : NULL;
    if (!s)
        return ERR_MEM; /* lwIP resets it: the backlog or the table is full */
    if (!tcp_hook_data(s, pcb)) {
        s->kind = 0;
        return ERR_MEM;
    }
    s->pending = true;
    s->listener = (int16_t)index_of(l);
    s->state = NET_S_CONNECTED;
    tcp_nagle_disable(pcb); /* requests and answers, not streams of small writes */
    tell(l);
    return ERR_OK;
}

static void udp_got(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
    struct sock *s = arg;
    (void)pcb;
    if (s->shut_rd || s->dq_n == DGRAMS || dgrams_queued >= DGRAMS_ALL || !IP_IS_V4(addr)) {
        pbuf_free(p);
        return;
    }
    uint32_t from = ip4_addr_get_u32(ip_2_ip4(addr));
    bool known = false;
    for (unsigned i = 0; i < 8; i++)
        known |= s->peers[i].addr == from && s->peers[i].port == port;
    if (!known) {
        s->peers[s->peer_next].addr = from, s->peers[s->peer_next].port = port;
        s->peer_next = (uint8_t)((s->peer_next + 1) % 8);
    }
    unsigned at = (s->dq_head + s->dq_n++) % DGRAMS;
    dgrams_queued++;
    s->dq[at].p = p;
    s->dq[at].from = ip4_addr_get_u32(ip_2_ip4(addr));
    s->dq[at].port = port;
    tell(s);
}

/* ---- closing ---- */

static void unqueue_pending(struct sock *s)
{
    s->pending = false;
    s->listener = -1;
}

static void tcp_unhook(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    if (pcb->state == LISTEN) { /* a struct tcp_pcb_listen: the connection fields are not there */
        tcp_accept(pcb, NULL);
        return;
    }
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
}

static void sock_free(struct sock *s)
{
    if (s->kind == NET_TCP && s->pcb.tcp) {
        struct tcp_pcb *pcb = s->pcb.tcp;
        tcp_unhook(pcb);
        /* Unread data or a failed close: a reset (as Linux does). */
        if (s->ring_len || s->pending || tcp_close(pcb) != ERR_OK)
            tcp_abort(pcb);
    }
    if (s->kind == NET_UDP && s->pcb.udp)
        udp_remove(s->pcb.udp);
    free(s->ring);
    for (unsigned i = 0; i < s->dq_n; i++)
        pbuf_free(s->dq[(s->dq_head + i) % DGRAMS].p);
    dgrams_queued -= s->dq_n;
    if (s->state == NET_S_LISTEN) /* its waiting connections go too */
        for (unsigned i = 0; i < SOCKS; i++)
            if (socks[i].kind && socks[i].pending && socks[i].listener == index_of(s))
                sock_free(&socks[i]);
    memset(s, 0, sizeof *s);
}

void sock_client_gone(struct client *c)
{
    for (unsigned i = 0; i < SOCKS; i++)
        if (socks[i].kind && socks[i].owner == c && !socks[i].pending)
            sock_free(&socks[i]);
}

void sock_init(void)
{
    memset(socks, 0, sizeof socks);
}

/* ---- readiness ---- */

static unsigned ready(struct sock *s)
{
    unsigned r = 0;
    if (s->error)
        r |= NET_POLLERR | NET_POLLHUP | NET_POLLIN;
    if (s->kind == NET_UDP) {
        r |= NET_POLLOUT;
        if (s->dq_n)
            r |= NET_POLLIN;
        return r;
    }
    switch (s->state) {
    case NET_S_LISTEN:
        if (queued_connections(s))
            r |= NET_POLLIN;
        break;
    case NET_S_PEER_CLOSED:
        r |= NET_POLLIN | NET_POLLHUP;
        /* fall through: it may still send */
    case NET_S_CONNECTED:
        if (s->ring_len)
            r |= NET_POLLIN;
        if (s->pcb.tcp && !s->shut_wr && !s->mem_blocked && tcp_sndbuf(s->pcb.tcp) > 0 &&
            tcp_sndqueuelen(s->pcb.tcp) < TCP_SND_QUEUELEN)
            r |= NET_POLLOUT;
        break;
    default:
        break;
    }
    return r;
}

/* ---- the operations ---- */

/* The data of NET_SEND/NET_RECV/NET_POLL: the lend at a2 (a1 bytes), the
 * message (a1 bytes in net_msgbuf), or with NET_IN_MSGBUF all of net_msgbuf
 * (the kernel's calls: it wrote or reads the bytes there itself), bounded
 * by NET_LEN in a0. */
struct data {
    uint8_t *p;
    uint32_t len;
};
static bool data_of(uint64_t a0, uint64_t a1, uint64_t a2, bool writing, struct data *d)
{
    bool inbuf = !a2 && (a0 & NET_IN_MSGBUF);
    if (!a2 && !inbuf && (writing || a1 > NET_MSGBUF))
        return false; /* answers go into a lend or the buffer asked for; a message fits the buffer */
    d->p = a2 ? (uint8_t *)(uintptr_t)a2 : net_msgbuf;
    d->len = inbuf ? NET_MSGBUF : (uint32_t)a1;
    if (a0 & (1ull << 31)) {
        uint32_t n = (uint32_t)(a0 >> 32);
        if (n > d->len)
            return false;
        d->len = n;
    }
    return true;
}

static uint64_t do_send(struct sock *s, struct data *d)
{
    if (s->error)
        return ERR(s->error);
    if (s->kind == NET_UDP) {
        if (!s->dest)
            return ERR(ATH_ENOTCONN);
        if (d->len > 65507)
            return ERR(ATH_EMSGSIZE);
        if (!net_up())
            return ERR(ATH_EHOSTUNREACH);
        struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)d->len, PBUF_RAM);
        if (!p)
            return ERR(ATH_EAGAIN);
        pbuf_take(p, d->p, (u16_t)d->len);
        ip_addr_t to;
        ip_addr_set_ip4_u32_val(to, s->dest);
        err_t e = udp_sendto(s->pcb.udp, p, &to, s->dest_port);
        pbuf_free(p);
        return e == ERR_OK ? d->len : e == ERR_MEM || e == ERR_BUF ? ERR(ATH_EAGAIN) : ERR(ATH_EHOSTUNREACH);
    }
    if (s->state == NET_S_CONNECTING) {
        s->want_out = true;
        return ERR(ATH_EAGAIN);
    }
    if ((s->state != NET_S_CONNECTED && s->state != NET_S_PEER_CLOSED) || s->shut_wr || !s->pcb.tcp)
        return ERR(ATH_ENOTCONN);
    struct tcp_pcb *pcb = s->pcb.tcp;
    uint32_t room = tcp_sndqueuelen(pcb) < TCP_SND_QUEUELEN ? tcp_sndbuf(pcb) : 0;
    uint32_t n = d->len < room ? d->len : room;
    if (d->len && !n) {
        s->want_out = true;
        return ERR(ATH_EAGAIN);
    }
    /* tcp_write copies: what the client lent is its own again at once. */
    while (n && tcp_write(pcb, d->p, (u16_t)n, TCP_WRITE_FLAG_COPY) == ERR_MEM)
        n /= 2; /* segments ran out before bytes did */
    if (d->len && !n) {
        s->want_out = s->mem_blocked = true;
        return ERR(ATH_EAGAIN);
    }
    tcp_output(pcb);
    return n;
}

static uint64_t do_recv(struct sock *s, struct data *d, bool from)
{
    uint32_t hdr = from ? sizeof(struct ath_net_from) : 0;
    if (from && (s->kind != NET_UDP || d->p == net_msgbuf))
        return ERR(ATH_EINVAL);
    if (s->kind == NET_UDP) {
        if (!s->dq_n)
            return s->error ? ERR(s->error) : ERR(ATH_EAGAIN);
        struct pbuf *p = s->dq[s->dq_head].p;
        uint32_t cap = d->len; /* the datagram's room (after the header) */
        struct ath_net_from f = { s->dq[s->dq_head].from, s->dq[s->dq_head].port, 0 };
        uint32_t n = p->tot_len < cap ? p->tot_len : cap;
        if (from)
            memcpy(d->p, &f, sizeof f);
        pbuf_copy_partial(p, d->p + hdr, (u16_t)n, 0);
        pbuf_free(p);
        s->dq_head = (uint8_t)((s->dq_head + 1) % DGRAMS);
        s->dq_n--;
        dgrams_queued--;
        return n;
    }
    if (!s->ring_len) {
        if (s->error)
            return ERR(s->error);
        if (s->state == NET_S_PEER_CLOSED || s->shut_rd)
            return 0;
        return s->state == NET_S_CONNECTED ? ERR(ATH_EAGAIN) : ERR(ATH_ENOTCONN);
    }
    uint32_t n = d->len < s->ring_len ? d->len : s->ring_len;
    uint32_t first = n < RX_RING - s->ring_at ? n : RX_RING - s->ring_at;
    memcpy(d->p, s->ring + s->ring_at, first);
    memcpy(d->p + first, s->ring, n - first);
    s->ring_at = (s->ring_at + n) % RX_RING;
    s->ring_len -= n;
    if (s->pcb.tcp)
        tcp_recved(s->pcb.tcp, (u16_t)n); /* the window opens as the client reads (n <= RX_RING) */
    return n;
}

static uint64_t do_bind(struct client *c, struct sock *s, uint64_t port)
{
    if (port > 65535)
        return ERR(ATH_EINVAL);
    if (s->state != NET_S_NEW)
        return ERR(ATH_EINVAL);
    unsigned proto = s->kind == NET_TCP ? NET_RULE_TCP : NET_RULE_UDP;
    if (port && !policy_listen(c, proto, (uint16_t)port))
        return ERR(ATH_EPERM);
    /* SO_REUSEADDR (set on every TCP socket) lets a port in TIME_WAIT be
     * bound again, but not one a live socket holds: */
    for (unsigned i = 0; port && i < SOCKS; i++) {
        const struct sock *o = &socks[i];
        if (o != s && o->kind == s->kind && (o->state == NET_S_BOUND || o->state == NET_S_LISTEN) &&
            (o->kind == NET_TCP ? o->pcb.tcp && o->pcb.tcp->local_port == port
                                : o->pcb.udp && o->pcb.udp->local_port == port))
            return ERR(ATH_EADDRINUSE);
    }
    err_t e;
    uint16_t got;
    if (s->kind == NET_TCP) {
        e = tcp_bind(s->pcb.tcp, IP4_ADDR_ANY, (u16_t)port);
        got = s->pcb.tcp->local_port;
    } else {
        e = udp_bind(s->pcb.udp, IP4_ADDR_ANY, (u16_t)port);
        got = s->pcb.udp->local_port;
    }
    if (e != ERR_OK)
        return e == ERR_USE ? ERR(ATH_EADDRINUSE) : ERR(ATH_ENOMEM);
    s->state = NET_S_BOUND;
    return got;
}

static uint64_t do_listen(struct client *c, struct sock *s, uint64_t backlog)
{
    if (s->kind != NET_TCP || s->state != NET_S_BOUND)
        return ERR(ATH_EINVAL);
    /* checked on the port bound, which NET_BIND may have chosen */
    if (!policy_listen(c, NET_RULE_TCP, s->pcb.tcp->local_port))
        return ERR(ATH_EPERM);
    struct tcp_pcb *l = tcp_listen_with_backlog(s->pcb.tcp, (u8_t)NET_BACKLOG_MAX);
    if (!l)
        return ERR(ATH_ENOMEM); /* the bound pcb is still s's */
    s->pcb.tcp = l; /* lwIP freed the bound one */
    s->backlog = (uint16_t)(backlog == 0 ? 1 : backlog > NET_BACKLOG_MAX ? NET_BACKLOG_MAX : backlog);
    s->state = NET_S_LISTEN;
    tcp_arg(l, s);
    tcp_accept(l, tcp_incoming);
    return 0;
}

static uint64_t do_accept(struct client *c, struct sock *l)
{
    if (l->state != NET_S_LISTEN)
        return ERR(ATH_EINVAL);
    for (unsigned i = 0; i < SOCKS; i++) {
        struct sock *s = &socks[i];
        if (s->kind && s->pending && s->listener == index_of(l) && s->owner == c) {
            unqueue_pending(s);
            return (uint64_t)i;
        }
    }
    return ERR(ATH_EAGAIN);
}

static uint64_t do_connect(struct client *c, struct sock *s, uint64_t a1)
{
    uint32_t addr = (uint32_t)a1;
    uint64_t port = a1 >> 32;
    unsigned proto = s->kind == NET_TCP ? NET_RULE_TCP : NET_RULE_UDP;
    if (!port || port > 65535 || !addr)
        return ERR(ATH_EINVAL);
    bool answer = false; /* UDP: to a recent sender, which a listening socket may answer */
    for (unsigned i = 0; s->kind == NET_UDP && i < 8; i++)
        answer |= s->peers[i].addr == addr && s->peers[i].port == port;
    if (!answer && !policy_connect(c, proto, addr, (uint16_t)port))
        return ERR(ATH_EPERM);
    if (s->kind == NET_UDP) {
        s->dest = addr;
        s->dest_port = (uint16_t)port;
        return 0;
    }
    if (s->state != NET_S_NEW && s->state != NET_S_BOUND)
        return s->state == NET_S_CONNECTING ? ERR(ATH_EINPROGRESS) : ERR(ATH_EINVAL);
    if (!net_up())
        return ERR(ATH_EHOSTUNREACH);
    if (!tcp_hook_data(s, s->pcb.tcp))
        return ERR(ATH_ENOMEM);
    ip_addr_t to;
    ip_addr_set_ip4_u32_val(to, addr);
    err_t e = tcp_connect(s->pcb.tcp, &to, (u16_t)port, tcp_connected);
    if (e != ERR_OK)
        return e == ERR_RTE ? ERR(ATH_EHOSTUNREACH) : e == ERR_USE ? ERR(ATH_EADDRINUSE) : ERR(ATH_ENOMEM);
    tcp_nagle_disable(s->pcb.tcp);
    s->state = NET_S_CONNECTING;
    s->want_out = true;
    return ERR(ATH_EINPROGRESS);
}

static uint64_t do_shutdown(struct sock *s, uint64_t how)
{
    if (!how || how > (NET_SHUT_RD | NET_SHUT_WR))
        return ERR(ATH_EINVAL);
    if (how & NET_SHUT_RD) {
        s->shut_rd = true;
        if (s->ring_len) { /* what waits goes: nobody will read it */
            if (s->pcb.tcp)
                tcp_recved(s->pcb.tcp, (u16_t)s->ring_len);
            s->ring_len = 0;
        }
    }
    if ((how & NET_SHUT_WR) && !s->shut_wr && s->kind == NET_TCP) {
        if (s->state != NET_S_CONNECTED && s->state != NET_S_PEER_CLOSED)
            return ERR(ATH_ENOTCONN);
        s->shut_wr = true;
        if (s->pcb.tcp)
            tcp_shutdown(s->pcb.tcp, 0, 1); /* our FIN; the pcb lives on */
    }
    return 0;
}

static void info_of(const struct sock *s, struct ath_net_sockinfo *o)
{
    memset(o, 0, sizeof *o);
    o->sock = index_of(s);
    o->kind = s->kind;
    o->state = s->state;
    o->error = s->error;
    if (s->kind == NET_TCP && s->pcb.tcp) {
        const struct tcp_pcb *p = s->pcb.tcp;
        o->local_port = p->local_port;
        o->local_addr = ip4_addr_get_u32(ip_2_ip4(&p->local_ip));
        if (s->state != NET_S_LISTEN) {
            o->remote_addr = ip4_addr_get_u32(ip_2_ip4(&p->remote_ip));
            o->remote_port = p->remote_port;
            o->tx_queued = TCP_SND_BUF - tcp_sndbuf(p);
        }
    } else if (s->kind == NET_UDP && s->pcb.udp) {
        o->local_port = s->pcb.udp->local_port;
        o->local_addr = ip4_addr_get_u32(ip_2_ip4(&s->pcb.udp->local_ip));
        o->remote_addr = s->dest;
        o->remote_port = s->dest_port;
    }
    o->rx_queued = s->kind == NET_UDP ? s->dq_n : s->ring_len;
    if (s->owner)
        memcpy(o->owner, s->owner->name, sizeof o->owner);
}

static uint64_t do_poll(struct client *c, uint64_t a0, uint64_t a1, uint64_t a2)
{
    struct data d;
    if ((!a2 && !(a0 & NET_IN_MSGBUF)) || !data_of(a0, a1, a2, true, &d))
        return ERR(ATH_EINVAL);
    struct ath_net_poll *p = (struct ath_net_poll *)d.p;
    uint64_t n = d.len / sizeof *p, hits = 0;
    for (uint64_t i = 0; i < n; i++) {
        struct ath_net_poll q;
        memcpy(&q, &p[i], sizeof q);
        struct sock *s = q.sock >= 0 && q.sock < SOCKS ? &socks[q.sock] : NULL;
        if (!s || !s->kind || s->owner != c || s->pending)
            q.got = NET_POLLERR;
        else {
            q.got = (uint16_t)(ready(s) & (q.want | NET_POLLERR | NET_POLLHUP));
            if ((q.want & NET_POLLOUT) && !(q.got & NET_POLLOUT))
                s->want_out = true;
        }
        hits += q.got != 0;
        memcpy(&p[i], &q, sizeof q);
    }
    return hits;
}

static uint64_t do_list(struct client *c, uint64_t a1, uint64_t a2)
{
    if (!a2)
        return ERR(ATH_EINVAL);
    bool all = policy_all_sockets(c);
    struct ath_net_sockinfo *o = (struct ath_net_sockinfo *)(uintptr_t)a2;
    uint64_t cap = a1 / sizeof *o, n = 0;
    for (unsigned i = 0; i < SOCKS && n < cap; i++) {
        const struct sock *s = &socks[i];
        if (!s->kind || s->pending || (!all && s->owner != c))
            continue;
        struct ath_net_sockinfo one;
        info_of(s, &one);
        memcpy(&o[n++], &one, sizeof one);
    }
    return n;
}

/* The caller's socket a0 (its low 16 bits), or NULL. */
static struct sock *mine(struct client *c, uint64_t a0)
{
    uint64_t i = a0 & 0xffff;
    if (i >= SOCKS || !socks[i].kind || socks[i].owner != c || socks[i].pending)
        return NULL;
    return &socks[i];
}

uint64_t sock_handle(struct client *c, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    if (!c || c->note < 0)
        return ERR(ATH_EAGAIN); /* NET_SUBSCRIBE first: readiness needs the notification */
    if (op == NET_POLL)
        return do_poll(c, a0, a1, a2);
    if (op == NET_SOCKLIST)
        return do_list(c, a1, a2);
    if (op == NET_SOCKET) {
        if (!policy_any(c))
            return ERR(ATH_EPERM);
        if (a0 != NET_TCP && a0 != NET_UDP)
            return ERR(ATH_EINVAL);
        struct sock *s = sock_new(c, (uint8_t)a0);
        if (!s)
            return ERR(ATH_EQUOTA);
        if (a0 == NET_TCP)
            s->pcb.tcp = tcp_new_ip_type(IPADDR_TYPE_V4);
        else
            s->pcb.udp = udp_new_ip_type(IPADDR_TYPE_V4);
        if (!s->pcb.tcp && !s->pcb.udp) {
            s->kind = 0;
            return ERR(ATH_ENOMEM);
        }
        if (a0 == NET_TCP) {
            tcp_hook(s, s->pcb.tcp);
            ip_set_option(s->pcb.tcp, SOF_REUSEADDR); /* a restarted server binds its port again at once */
        } else {
            udp_recv(s->pcb.udp, udp_got, s);
        }
        return (uint64_t)index_of(s);
    }
    struct sock *s = mine(c, a0);
    if (!s)
        return ERR(ATH_EBADHANDLE);
    struct data d;
    switch (op) {
    case NET_BIND:
        return do_bind(c, s, a1);
    case NET_LISTEN:
        return do_listen(c, s, a1);
    case NET_ACCEPT:
        return do_accept(c, s);
    case NET_CONNECT:
        return do_connect(c, s, a1);
    case NET_SEND: {
        if (!data_of(a0, a1, a2, false, &d))
            return ERR(ATH_EINVAL);
        uint64_t r = do_send(s, &d);
        if (d.p == net_msgbuf)
            memset(net_msgbuf, 0, d.len); /* a plain call must not find it there later */
        return r;
    }
    case NET_RECV:
    case NET_RECVFROM: {
        if (!data_of(a0, a1, a2, true, &d))
            return ERR(ATH_EINVAL);
        if (op == NET_RECVFROM) { /* the header first, then the datagram: both in the lend */
            uint64_t room = a1 < sizeof(struct ath_net_from) ? 0 : a1 - sizeof(struct ath_net_from);
            if (!(a0 & (1ull << 31)))
                d.len = (uint32_t)room; /* no bound given: the lend after the header */
            if (!room || d.len > room)
                return ERR(ATH_EINVAL);
        }
        return do_recv(s, &d, op == NET_RECVFROM);
    }
    case NET_SHUTDOWN:
        return do_shutdown(s, a1);
    case NET_CLOSE:
        sock_free(s);
        return 0;
    case NET_SOCKINFO:
        if (!a2 || a1 < sizeof(struct ath_net_sockinfo))
            return ERR(ATH_EINVAL);
        struct ath_net_sockinfo o;
        info_of(s, &o);
        memcpy((void *)(uintptr_t)a2, &o, sizeof o);
        return 0;
    default:
        return ERR(ATH_ENOSYS);
    }
}
