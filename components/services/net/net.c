/* The net service: a TCP/IP stack (lwIP 2.1.3, NO_SYS=1, docs/network.md)
 * over the network driver (sdk/athanor_net.h's device protocol), for the
 * system's clients (the shell's ifconfig and ping; sockets: sock.c). One
 * thread, one handler: frames the driver signals, lwIP's timers and the
 * clients' calls never overlap, so lwIP needs no locks, and no call waits
 * in it (what a client waits for, it is told through its own
 * notification, NET_SUBSCRIBE: the service's own notification is its
 * event thread's, which would take the bits a waiting call hoped for). Frames go to the
 * driver in batches, collected while a handler runs and sent as one lend
 * at its end. A driver that restarted is found by the next call to it
 * (EPEERRESTARTED), at the latest at the next timer: the service
 * reconnects and subscribes again; what was in flight is lost and TCP
 * sends it again at once (sock_link_restarted). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto_shorthash_siphash24.h"
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/icmp.h"
#include "lwip/inet_chksum.h"
#include "lwip/init.h"
#include "lwip/ip4.h"
#include "lwip/ip6_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ip4.h"
#include "lwip/raw.h"
#include "lwip/stats.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#include "azoth_lwip_hooks.h"
#include "net.h"

#define BATCH  16384u /* bytes of frames per lend, each way */

static ath_handle_t dev = -1, note;
static bool         have_dev;
static uint8_t      mac[6];
static struct netif nif;
static uint8_t      txbuf[BATCH] __attribute__((aligned(4096)));
static uint8_t      rxbuf[BATCH] __attribute__((aligned(4096)));
static uint32_t     tx_at; /* bytes of records waiting in txbuf */
static uint64_t     rx_frames, tx_frames, rx_dropped, tx_dropped, restarts_seen;

/* ---- what lwIP needs of its host (NO_SYS=1) ---------------------------- */

u32_t sys_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts); /* WASI clock_time_get: the "clock" capability */
    return (u32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

uint32_t azoth_lwip_rand(void)
{
    uint32_t v = 0;
    getentropy(&v, sizeof v); /* WASI random_get: the "random" capability */
    return v;
}

/* RFC 6528: ISN = M + F(local, remote, key), M a 4 us clock, F SipHash-2-4
 * (libsodium's) under a key drawn when the service starts, so that
 * numbers are neither guessable nor repeated by a restarted stack. */
u32_t azoth_tcp_isn(const ip_addr_t *lip, u16_t lport, const ip_addr_t *rip, u16_t rport)
{
    static uint8_t key[crypto_shorthash_siphash24_KEYBYTES];
    static bool have_key;
    if (!have_key) {
        getentropy(key, sizeof key);
        have_key = true;
    }
    uint8_t in[2 * sizeof(ip_addr_t) + 4], h[crypto_shorthash_siphash24_BYTES];
    memcpy(in, lip, sizeof *lip);
    memcpy(in + sizeof *lip, rip, sizeof *rip);
    in[2 * sizeof *lip] = (uint8_t)lport, in[2 * sizeof *lip + 1] = (uint8_t)(lport >> 8);
    in[2 * sizeof *lip + 2] = (uint8_t)rport, in[2 * sizeof *lip + 3] = (uint8_t)(rport >> 8);
    crypto_shorthash_siphash24(h, in, sizeof in, key);
    uint32_t f;
    memcpy(&f, h, sizeof f);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return f + (u32_t)(((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) / 4000u);
}

/* ---- the driver -------------------------------------------------------- */

static int subscribe(void)
{
    uint64_t r = 0;
    int e = ath_call_grant(dev, NETDEV_SUBSCRIBE, NETDEV_EV_RX | NETDEV_EV_TX, 0, note, &r);
    return e ? e : (int)(int64_t)r;
}

static bool link_restarted; /* the driver restarted: the connections are told after the handler's call */

/* A call to the driver, again after reconnecting if it restarted since. */
static int dev_call(uint64_t op, void *buf, uint32_t len, uint32_t mode, uint64_t *result)
{
    for (int tries = 0;; tries++) {
        int r = buf ? ath_call_lend(dev, op, 0, buf, len, mode, result)
                    : ath_call(dev, op, 0, 0, 0, result);
        if (r != -ATH_EPEERRESTARTED || tries == 1)
            return r;
        ath_reconnect(&dev, "virtio_net");
        restarts_seen++;
        subscribe();
        link_restarted = true;
    }
}

/* Send what the handler collected, as one lend. A driver with no room
 * takes the first frames; the rest are dropped (TCP sends them again). */
static void flush_tx(void)
{
    if (!tx_at)
        return;
    if (tx_at < BATCH)
        txbuf[tx_at] = txbuf[tx_at + 1] = 0; /* the end of the records */
    uint64_t sent = 0;
    uint32_t frames = 0, at = 0, n;
    const uint8_t *f;
    while (ath_netrec_next(txbuf, tx_at, &at, &f, &n) > 0)
        frames++;
    if (dev_call(NETDEV_SEND, txbuf, BATCH, ATH_LEND_RO, &sent) != 0 || (int64_t)sent < 0)
        sent = 0;
    tx_frames += sent;
    tx_dropped += frames - (sent < frames ? sent : frames);
    tx_at = 0;
}

static err_t nif_output(struct netif *n, struct pbuf *p)
{
    (void)n;
    if (p->tot_len > NETDEV_FRAME_MAX) {
        tx_dropped++;
        return ERR_IF;
    }
    if (BATCH - 2 - tx_at < 2u + p->tot_len + 1)
        flush_tx();
    uint8_t frame[NETDEV_FRAME_MAX];
    pbuf_copy_partial(p, frame, p->tot_len, 0);
    ath_netrec_put(txbuf, BATCH - 2, &tx_at, frame, p->tot_len); /* room made above */
    return ERR_OK;
}

/* Every frame the driver holds, into lwIP. */
static void rx_drain(void)
{
    for (int rounds = 0; rounds < 64; rounds++) {
        uint64_t used = 0;
        if (dev_call(NETDEV_RECV, rxbuf, BATCH, ATH_LEND_RW, &used) != 0 || (int64_t)used <= 0)
            return;
        uint32_t at = 0, n;
        const uint8_t *f;
        while (ath_netrec_next(rxbuf, (uint32_t)used, &at, &f, &n) > 0) {
            struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_POOL);
            if (!p) {
                rx_dropped++;
                continue;
            }
            pbuf_take(p, f, (u16_t)n);
            rx_frames++;
            if (nif.input(p, &nif) != ERR_OK)
                pbuf_free(p);
        }
    }
}

static void status_changed(struct netif *n)
{
    static uint32_t shown; /* the address last shown: lwIP calls this for IPv6 changes too */
    if (ip4_addr_isany_val(*netif_ip4_addr(n)) || ip4_addr_get_u32(netif_ip4_addr(n)) == shown)
        return;
    shown = ip4_addr_get_u32(netif_ip4_addr(n));
    char gw[16];
    ip4addr_ntoa_r(netif_ip4_gw(n), gw, sizeof gw);
    printf("net: %s/%d via %s%s\n", ip4addr_ntoa(netif_ip4_addr(n)),
           __builtin_popcount(ip4_addr_get_u32(netif_ip4_netmask(n))), gw,
           dhcp_supplied_address(n) ? " (DHCP)" : "");
}

/* ---- clients ------------------------------------------------------------- */

struct client clients[CLIENTS];

static struct client *client_of(uint64_t badge, bool make)
{
    struct client *free_slot = NULL;
    for (unsigned i = 0; i < CLIENTS; i++) {
        if (clients[i].badge == badge)
            return &clients[i];
        if (!clients[i].badge && !free_slot)
            free_slot = &clients[i];
    }
    if (!make || !free_slot)
        return NULL;
    memset(free_slot, 0, sizeof *free_slot);
    free_slot->badge = badge;
    free_slot->note = -1;
    return free_slot;
}

void client_tell(struct client *c, uint64_t bits)
{
    /* A dead notification (ESTALE) means the client stopped: its copy
     * died with the original. Reaped after the handler (lwIP may be in
     * the middle of a callback about one of its sockets). */
    if (c->note >= 0 && ath_notify_signal(c->note, bits) == -ATH_ESTALE)
        c->gone = true;
}

/* Forget a client that stopped: its sockets close, its slot is free. */
static void client_forget(struct client *c)
{
    sock_client_gone(c);
    if (c->note >= 0)
        ath_cap_delete(c->note);
    memset(c, 0, sizeof *c);
}

/* Every second or so, and after each handler: clients whose notification
 * died are gone. */
static uint64_t last_reap;
static void reap(bool probe)
{
    uint64_t now = ath_now_ns();
    if (probe && now - last_reap < 1000000000ull)
        probe = false;
    if (probe)
        last_reap = now;
    for (unsigned i = 0; i < CLIENTS; i++) {
        struct client *c = &clients[i];
        if (!c->badge)
            continue;
        if (probe && !c->gone)
            client_tell(c, 0);
        if (c->gone)
            client_forget(c);
    }
}

static uint64_t subscribe_client(uint64_t badge, ath_handle_t note)
{
    struct client *c = client_of(badge, false);
    /* The same badge with its old notification dead is a new instance (a
     * restart, or another program in a runtime slot): the old one's
     * sockets go first. */
    if (c && c->note >= 0 && ath_notify_signal(c->note, 0) == -ATH_ESTALE)
        client_forget(c), c = NULL;
    if (!c && !(c = client_of(badge, true))) {
        ath_cap_delete(note);
        return ERR(ATH_EQUOTA); /* CLIENTS of them already */
    }
    if (c->note >= 0)
        ath_cap_delete(c->note);
    c->note = note;
    c->gone = false;
    ath_caller_name(c->name, sizeof c->name);
    policy_bind(c);
    return 0;
}

/* ---- ping ---------------------------------------------------------------- */

/* Echo requests carry the client's slot in their identifier. */
#define PING_ID   0xa200
#define PING_DATA 56
static struct raw_pcb *ping_pcb;

static u8_t ping_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
    (void)arg, (void)pcb, (void)addr;
    struct icmp_echo_hdr h;
    uint16_t ihl = (uint16_t)(IPH_HL_BYTES((struct ip_hdr *)p->payload));
    if (p->tot_len < ihl + sizeof h || pbuf_copy_partial(p, &h, sizeof h, ihl) != sizeof h)
        return 0;
    unsigned slot = (unsigned)(lwip_ntohs(h.id) - PING_ID);
    if (h.type != ICMP_ER || slot >= CLIENTS)
        return 0; /* not an answer to us: lwIP goes on with it */
    struct client *c = &clients[slot];
    if (!c->badge || !c->ping_out || h.seqno != lwip_htons(c->ping_seq))
        return 0;
    c->ping_out = false;
    c->ping_answered = true;
    c->ping_rtt = ath_now_ns() - c->ping_t0;
    client_tell(c, NET_EV_PING);
    pbuf_free(p);
    return 1;
}

static uint64_t ping(struct client *c, uint32_t addr, uint64_t seq)
{
    if (!c || c->note < 0)
        return ERR(ATH_EAGAIN);
    if (!policy_ping(c, addr))
        return ERR(ATH_EPERM);
    if (!netif_is_up(&nif) || ip4_addr_isany_val(*netif_ip4_addr(&nif)))
        return ERR(ATH_ENOENT);
    struct pbuf *p = pbuf_alloc(PBUF_IP, sizeof(struct icmp_echo_hdr) + PING_DATA, PBUF_RAM);
    if (!p)
        return ERR(ATH_ENOMEM);
    struct icmp_echo_hdr *h = p->payload;
    c->ping_seq = (uint16_t)seq;
    c->ping_out = true;
    c->ping_answered = false;
    h->type = ICMP_ECHO, h->code = 0, h->chksum = 0;
    h->id = lwip_htons((u16_t)(PING_ID + (c - clients))), h->seqno = lwip_htons(c->ping_seq);
    for (unsigned i = 0; i < PING_DATA; i++)
        ((uint8_t *)(h + 1))[i] = (uint8_t)i;
    h->chksum = inet_chksum(h, p->len);
    ip_addr_t to;
    ip_addr_set_ip4_u32_val(to, addr);
    c->ping_t0 = ath_now_ns();
    err_t e = raw_sendto(ping_pcb, p, &to);
    pbuf_free(p);
    return e == ERR_OK ? 0 : ERR(ATH_ENOMEM);
}

/* ---- the handler ----------------------------------------------------------- */

static uint64_t ifinfo(struct ath_net_ifinfo *o, uint32_t len)
{
    if (len < sizeof *o)
        return ERR(ATH_EINVAL);
    memset(o, 0, sizeof *o);
    memcpy(o->mac, mac, 6);
    o->device = have_dev;
    o->link = netif_is_link_up(&nif);
    struct dhcp *d = netif_dhcp_data(&nif);
    o->dhcp = !d ? NET_DHCP_OFF : dhcp_supplied_address(&nif) ? NET_DHCP_BOUND : NET_DHCP_ASKING;
    o->addr = ip4_addr_get_u32(netif_ip4_addr(&nif));
    o->netmask = ip4_addr_get_u32(netif_ip4_netmask(&nif));
    o->gateway = ip4_addr_get_u32(netif_ip4_gw(&nif));
    for (unsigned i = 0; i < 2 && i < DNS_MAX_SERVERS; i++)
        o->dns[i] = ip4_addr_get_u32(ip_2_ip4(dns_getserver((u8_t)i)));
    o->rx_frames = rx_frames, o->tx_frames = tx_frames;
    o->rx_dropped = rx_dropped, o->tx_dropped = tx_dropped;
    o->restarts_seen = restarts_seen;
    for (unsigned i = 0; i < 3 && i < LWIP_IPV6_NUM_ADDRESSES; i++) {
        u8_t st = netif_ip6_addr_state(&nif, i);
        if (ip6_addr_isinvalid(st))
            continue;
        memcpy(o->addr6[i], netif_ip6_addr(&nif, i)->addr, 16);
        o->addr6_valid[i] = ip6_addr_isvalid(st) ? 1 : 0;
    }
    return 0;
}

/* NET_GRANT_CHECK: len bytes of rules in the message buffer, each within
 * the caller's own (its manifest's and its starter's: found as a
 * subscription finds them, whether or not it subscribed). */
static uint64_t grant_check(uint64_t len)
{
    struct ath_net_rule r[ATH_APP_NET_MAX + ATH_APP_LISTEN_MAX];
    if (len > sizeof r || len % sizeof r[0])
        return ERR(ATH_EINVAL);
    memcpy(r, net_msgbuf, len);
    memset(net_msgbuf, 0, len); /* a plain call must not find it there later */
    static struct client me; /* large (its DNS name): not on the stack */
    memset(&me, 0, sizeof me);
    ath_caller_name(me.name, sizeof me.name);
    policy_bind(&me);
    for (size_t i = 0; i < len / sizeof r[0]; i++)
        if (!policy_covers(&me, &r[i]))
            return ERR(ATH_EPERM);
    return 0;
}

static bool any_client(void)
{
    for (unsigned i = 0; i < CLIENTS; i++)
        if (clients[i].badge)
            return true;
    return false;
}

/* lwIP's next timer; at most a second while there are clients (reap). */
static uint64_t next_timeout(void)
{
    u32_t ms = sys_timeouts_sleeptime();
    if (any_client() && (ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE || ms > 1000))
        ms = 1000;
    return ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE ? ATH_NO_TIMEOUT : (uint64_t)ms * 1000000u;
}

bool net_up(void)
{
    return have_dev && netif_is_up(&nif) && !ip4_addr_isany_val(*netif_ip4_addr(&nif));
}

ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    uint64_t r;
    if (op == ATH_OP_EVENT) {
        /* Also at every timer: a restarted driver signals nobody until we
         * subscribe again, and a call is how we find it restarted. */
        if ((a0 & NETDEV_EV_RX) || (!a0 && have_dev))
            rx_drain();
        if (link_restarted) {
            link_restarted = false;
            sock_link_restarted();
        }
        sys_check_timeouts();
        flush_tx();
        sock_mem_retry(); /* frames just sent or received may have freed the heap */
        reap(true);
        return next_timeout();
    }
    switch (op) {
    case NET_IFINFO:
        r = a2 ? ifinfo((struct ath_net_ifinfo *)(uintptr_t)a2, (uint32_t)a1) : ERR(ATH_EINVAL);
        break;
    case NET_SUBSCRIBE:
        r = subscribe_client(badge, (ath_handle_t)a2);
        break;
    case NET_PING:
        r = ping(client_of(badge, false), (uint32_t)a0, a1);
        break;
    case NET_PING_RESULT: {
        struct client *c = client_of(badge, false);
        r = c && c->ping_answered ? c->ping_rtt / 1000u : ERR(ATH_EAGAIN);
        break;
    }
    case NET_GRANT_CHECK:
        r = a2 ? ERR(ATH_EINVAL) : grant_check(a1); /* the rules: a message */
        break;
    case NET_RESOLVE:
    case NET_RESOLVE_RESULT:
        r = a2 ? ERR(ATH_EINVAL) : dns_handle(client_of(badge, false), op, a1); /* the name: a message */
        break;
    default:
        r = op >= NET_SOCKET && op <= NET_SOCKLIST ? sock_handle(client_of(badge, false), op, a0, a1, a2)
                                                   : ERR(ATH_ENOSYS);
        break;
    }
    flush_tx();
    reap(false);
    return r;
}

uint8_t net_msgbuf[NET_MSGBUF] __attribute__((aligned(8)));

int main(void)
{
    note = ath_notify_create();
    ath_set_msgbuf(net_msgbuf, sizeof net_msgbuf);
    sock_init();
    dev = ath_cap_find(ATH_T_ENDPOINT, 0); /* the manifest's: calls = ["virtio_net"] */
    uint64_t info = 0;
    /* The driver starts at boot too, and may find no card: 10 s, then we
     * serve without an interface (ifconfig says so). */
    for (int tries = 0; tries < 100; tries++) {
        int r = dev_call(NETDEV_INFO, NULL, 0, 0, &info);
        if (r == 0 && (int64_t)info >= 0) {
            have_dev = true;
            break;
        }
        struct timespec ts = { 0, 100000000 };
        nanosleep(&ts, NULL);
    }
    lwip_init();
    if (have_dev) {
        for (unsigned i = 0; i < 6; i++)
            mac[i] = (uint8_t)(info >> (8 * i));
        subscribe();
        static struct net_link link;
        memcpy(link.mac, mac, 6);
        link.out = nif_output;
        netif_add(&nif, NULL, NULL, NULL, &link, net_link_init, ethernet_input);
        netif_set_default(&nif);
        netif_set_status_callback(&nif, status_changed);
        netif_create_ip6_linklocal_address(&nif, 1); /* fe80:: from the MAC */
        netif_set_ip6_autoconfig_enabled(&nif, 1);   /* the router's prefixes: SLAAC */
        netif_set_up(&nif);
        if (info & NETDEV_LINK_UP)
            netif_set_link_up(&nif);
        ping_pcb = raw_new(IP_PROTO_ICMP);
        raw_recv(ping_pcb, ping_recv, NULL);
        raw_bind(ping_pcb, IP_ADDR_ANY);
        dhcp_start(&nif);
        flush_tx();
        printf("net: lwIP %s on %02x:%02x:%02x:%02x:%02x:%02x, asking DHCP for an address\n",
               LWIP_VERSION_STRING, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    } else {
        printf("net: no network device; serving without an interface\n");
    }
    return ath_serve_wait(note, NETDEV_EV_RX | NETDEV_EV_TX, next_timeout());
}
