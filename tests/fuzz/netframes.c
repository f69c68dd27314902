/* The frame fuzzer (tests/hosted/netfuzz.sh, docs/network.md): the net
 * service's stack, lwIP 2.1.3 with the service's options, and its socket
 * layer (components/services/net/sock.c, policy.c), compiled for the host
 * with AFL++'s instrumentation and ASan/UBSan, fed hostile frames. A client
 * like netecho listens on TCP and UDP port 7 and echoes what arrives; the
 * input is a sequence of records [le16 length][Ethernet frame] (the
 * device protocol's own: ath_netrec_next reads them), each given to the
 * stack as the driver would, then the client reads, accepts and answers,
 * then 100 ms pass for lwIP's timers. What the stack sends is dropped.
 *   netframes FILE          one input
 *   netframes --seeds DIR   write the seed inputs: ARP, ICMP echo, a TCP
 *                           connection with data and its close, UDP, DHCP,
 *                           IPv6 neighbour solicitation, fragments */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/inet_chksum.h"
#include "lwip/init.h"
#include "lwip/ip4_frag.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ethernet.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/tcp.h"
#include "lwip/prot/udp.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#include "net.h"

/* ---- what the service's other files provide (net.c) ---- */

struct client clients[CLIENTS];
uint8_t net_msgbuf[NET_MSGBUF];
static uint32_t fake_ms;
static struct netif nif;
static unsigned long sent_frames;

void client_tell(struct client *c, uint64_t bits)
{
    (void)c, (void)bits;
}
bool net_up(void)
{
    return true;
}
/* The kernel's answer to the service's question: what the client's
 * starter gave it (a built-in client: nothing). */
int32_t __ath_caller_net(struct ath_net_rule *out, uint32_t max)
{
    (void)out, (void)max;
    return 0;
}
u32_t sys_now(void)
{
    return fake_ms;
}
uint32_t azoth_lwip_rand(void)
{
    static uint32_t x = 2463534242u; /* deterministic: a crash must replay */
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    return x;
}
u32_t azoth_tcp_isn(const ip_addr_t *l, u16_t lp, const ip_addr_t *r, u16_t rp)
{
    (void)l, (void)r;
    return 0x1000u + lp * 7u + rp; /* fixed, so that seeds can acknowledge the SYN-ACK */
}

static err_t out(struct netif *n, struct pbuf *p)
{
    (void)n, (void)p;
    sent_frames++;
    return ERR_OK;
}

/* ---- the client: netecho's rules, echoing ---- */

static struct client *me;
static uint8_t lend[16384] __attribute__((aligned(4096)));
static int socks[96], nsocks;
static unsigned long echoed_bytes, echoed_dgrams, accepted;

static uint64_t op(uint64_t o, uint64_t a0, uint64_t a1, uint64_t a2)
{
    return sock_handle(me, o, a0, a1, a2);
}

static void client_start(void)
{
    me = &clients[0];
    me->badge = 1;
    me->note = 1;
    strcpy(me->name, "netecho");
    policy_bind(me);
    int t = (int)op(NET_SOCKET, NET_TCP, 0, 0), u = (int)op(NET_SOCKET, NET_UDP, 0, 0);
    if (t < 0 || u < 0 || (int64_t)op(NET_BIND, (uint64_t)t, 7, 0) != 7 || op(NET_LISTEN, (uint64_t)t, 4, 0) ||
        (int64_t)op(NET_BIND, (uint64_t)u, 7, 0) != 7) {
        fprintf(stderr, "netframes: the client's sockets: no (is netecho's net key listen 7?)\n");
        exit(2);
    }
    socks[nsocks++] = t, socks[nsocks++] = u;
}

static void client_run(void)
{
    int64_t s;
    while ((s = (int64_t)op(NET_ACCEPT, (uint64_t)socks[0], 0, 0)) >= 0 && nsocks < 96)
        socks[nsocks++] = (int)s, accepted++;
    for (int i = 1; i < nsocks; i++) {
        int64_t n;
        if (i == 1) { /* UDP: each datagram back to its sender */
            while ((n = (int64_t)op(NET_RECVFROM, (uint64_t)socks[1], sizeof lend, (uintptr_t)lend)) >= 0) {
                struct ath_net_from f;
                memcpy(&f, lend, sizeof f);
                if (!op(NET_CONNECT, (uint64_t)socks[1], f.addr | (uint64_t)f.port << 32, 0) &&
                    (int64_t)op(NET_SEND, (uint64_t)socks[1] | NET_LEN(n), sizeof lend, (uintptr_t)(lend + sizeof f)) >= 0)
                    echoed_dgrams++;
            }
            continue;
        }
        n = (int64_t)op(NET_RECV, (uint64_t)socks[i], sizeof lend, (uintptr_t)lend);
        if (n > 0) {
            int64_t k = (int64_t)op(NET_SEND, (uint64_t)socks[i] | NET_LEN(n), sizeof lend, (uintptr_t)lend);
            echoed_bytes += k > 0 ? (unsigned long)k : 0;
        }
        else if (n == 0 || (n < 0 && n != -ATH_EAGAIN)) { /* its end, or it failed: closed */
            op(NET_CLOSE, (uint64_t)socks[i], 0, 0);
            socks[i--] = socks[--nsocks];
        }
    }
    struct ath_net_poll p[2] = { { socks[0], NET_POLLIN, 0 }, { socks[1], NET_POLLIN, 0 } };
    memcpy(lend, p, sizeof p);
    op(NET_POLL, NET_LEN(sizeof p), sizeof lend, (uintptr_t)lend);
}

static void run(const uint8_t *in, uint32_t len)
{
    lwip_init();
    ip4_addr_t a, m, g;
    IP4_ADDR(&a, 10, 0, 2, 15);
    IP4_ADDR(&m, 255, 255, 255, 0);
    IP4_ADDR(&g, 10, 0, 2, 2);
    static const struct net_link link = { { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, out };
    netif_add(&nif, &a, &m, &g, (void *)&link, net_link_init, ethernet_input); /* the service's own interface */
    netif_set_default(&nif);
    netif_create_ip6_linklocal_address(&nif, 1);
    netif_set_ip6_autoconfig_enabled(&nif, 1);
    netif_set_up(&nif);
    netif_set_link_up(&nif);
    sock_init();
    client_start();
    uint32_t at = 0, n;
    const uint8_t *f;
    while (ath_netrec_next(in, len, &at, &f, &n) > 0) {
        struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_POOL);
        if (!p)
            continue;
        pbuf_take(p, f, (u16_t)n);
        if (nif.input(p, &nif) != ERR_OK)
            pbuf_free(p);
        client_run();
        fake_ms += 100;
        sys_check_timeouts();
    }
    for (int i = 0; i < 100; i++) { /* 10 s of timers: retransmissions, timeouts, reassembly */
        fake_ms += 100;
        sys_check_timeouts();
        client_run();
    }
    sock_client_gone(me); /* every socket closed: what is left is lwIP's own */
}

/* ---- seeds ---- */

static const uint8_t guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t peer_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };

static size_t eth(uint8_t *b, const uint8_t *dst, uint16_t type)
{
    memcpy(b, dst, 6), memcpy(b + 6, peer_mac, 6);
    b[12] = (uint8_t)(type >> 8), b[13] = (uint8_t)type;
    return 14;
}

/* An IPv4 packet from 10.0.2.2 to 10.0.2.15 carrying proto's payload. */
static size_t ip4(uint8_t *b, uint8_t proto, const uint8_t *payload, size_t n, uint16_t id, uint16_t frag)
{
    size_t at = eth(b, guest_mac, 0x0800);
    uint8_t *h = b + at;
    memset(h, 0, 20);
    h[0] = 0x45, h[2] = (uint8_t)((20 + n) >> 8), h[3] = (uint8_t)(20 + n);
    h[4] = (uint8_t)(id >> 8), h[5] = (uint8_t)id, h[6] = (uint8_t)(frag >> 8), h[7] = (uint8_t)frag;
    h[8] = 64, h[9] = proto;
    h[12] = 10, h[13] = 0, h[14] = 2, h[15] = 2, h[16] = 10, h[17] = 0, h[18] = 2, h[19] = 15;
    uint16_t c = inet_chksum(h, 20);
    memcpy(h + 10, &c, 2);
    memcpy(h + 20, payload, n);
    return at + 20 + n;
}

static uint16_t l4sum(uint8_t proto, uint8_t *seg, size_t n)
{
    ip_addr_t s, d;
    IP_ADDR4(&s, 10, 0, 2, 2);
    IP_ADDR4(&d, 10, 0, 2, 15);
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_RAM);
    pbuf_take(p, seg, (u16_t)n);
    uint16_t c = ip_chksum_pseudo(p, proto, (u16_t)n, &s, &d);
    pbuf_free(p);
    return c;
}

static size_t tcp(uint8_t *b, uint16_t sport, uint32_t seq, uint32_t ack, uint8_t flags, const char *data)
{
    uint8_t seg[1500];
    size_t n = data ? strlen(data) : 0;
    memset(seg, 0, 20);
    seg[0] = (uint8_t)(sport >> 8), seg[1] = (uint8_t)sport, seg[3] = 7;
    for (int i = 0; i < 4; i++)
        seg[4 + i] = (uint8_t)(seq >> (24 - 8 * i)), seg[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
    seg[12] = 5 << 4, seg[13] = flags, seg[14] = 0xff, seg[15] = 0xff;
    memcpy(seg + 20, data ? data : "", n);
    uint16_t c = l4sum(IP_PROTO_TCP, seg, 20 + n);
    memcpy(seg + 16, &c, 2);
    return ip4(b, IP_PROTO_TCP, seg, 20 + n, (uint16_t)seq, 0);
}

static size_t udp(uint8_t *b, uint16_t sport, uint16_t dport, const char *data, size_t n)
{
    uint8_t seg[1500];
    seg[0] = (uint8_t)(sport >> 8), seg[1] = (uint8_t)sport, seg[2] = (uint8_t)(dport >> 8), seg[3] = (uint8_t)dport;
    seg[4] = (uint8_t)((8 + n) >> 8), seg[5] = (uint8_t)(8 + n), seg[6] = seg[7] = 0;
    memcpy(seg + 8, data, n);
    uint16_t c = l4sum(IP_PROTO_UDP, seg, 8 + n);
    memcpy(seg + 6, &c, 2);
    return ip4(b, IP_PROTO_UDP, seg, 8 + n, 77, 0);
}

struct seed {
    uint8_t  b[8192];
    uint32_t at;
};
static void put(struct seed *s, const uint8_t *f, size_t n)
{
    ath_netrec_put(s->b, sizeof s->b, &s->at, f, (uint32_t)n);
}
static int write_seed(const char *dir, const char *name, const struct seed *s)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(s->b, 1, s->at, f) != s->at || fclose(f)) {
        perror(path);
        return 1;
    }
    return 0;
}

static int seeds(const char *dir)
{
    static struct seed s;
    uint8_t f[1600];
    size_t n;
    int bad = 0;
    /* ARP: who has 10.0.2.15, and the peer's own */
    memset(&s, 0, sizeof s);
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    n = eth(f, bcast, 0x0806);
    static const uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1, 0x52, 0x55, 10, 0, 2, 2, 10, 0, 2, 2,
                                     0, 0, 0, 0, 0, 0, 10, 0, 2, 15 };
    memcpy(f + n, arp, sizeof arp);
    put(&s, f, n + sizeof arp);
    bad |= write_seed(dir, "arp", &s);
    /* ICMP echo */
    memset(&s, 0, sizeof s);
    uint8_t icmp[64] = { 8, 0, 0, 0, 0x12, 0x34, 0, 1 };
    uint16_t c = inet_chksum(icmp, sizeof icmp);
    memcpy(icmp + 2, &c, 2);
    put(&s, f, ip4(f, IP_PROTO_ICMP, icmp, sizeof icmp, 1, 0));
    bad |= write_seed(dir, "icmp", &s);
    /* TCP to port 7: SYN, the handshake's ACK (our ISN is fixed: 0x1000 +
     * 7 * 7 + 40000), data, FIN, then the last ACK */
    memset(&s, 0, sizeof s);
    uint32_t isn = 0x1000u + 7u * 7u + 40000u;
    put(&s, f, tcp(f, 40000, 100, 0, TCP_SYN, NULL));
    put(&s, f, tcp(f, 40000, 101, isn + 1, TCP_ACK, NULL));
    put(&s, f, tcp(f, 40000, 101, isn + 1, TCP_ACK | TCP_PSH, "hello, echo\n"));
    put(&s, f, tcp(f, 40000, 113, isn + 13, TCP_ACK | TCP_FIN, NULL));
    put(&s, f, tcp(f, 40000, 114, isn + 14, TCP_ACK, NULL));
    bad |= write_seed(dir, "tcp", &s);
    /* TCP reset of a connection, and a segment to a closed port */
    memset(&s, 0, sizeof s);
    put(&s, f, tcp(f, 40001, 500, 0, TCP_SYN, NULL));
    put(&s, f, tcp(f, 40001, 501, 0, TCP_RST, NULL));
    bad |= write_seed(dir, "tcp-rst", &s);
    /* UDP to port 7 and to a closed port (ICMP unreachable back) */
    memset(&s, 0, sizeof s);
    put(&s, f, udp(f, 5353, 7, "a datagram", 10));
    put(&s, f, udp(f, 5353, 9, "nobody", 6));
    bad |= write_seed(dir, "udp", &s);
    /* A DHCP offer-shaped datagram to port 68 */
    memset(&s, 0, sizeof s);
    char dhcp[300] = { 2, 1, 6, 0 };
    memset(dhcp + 4, 1, 200);
    dhcp[236] = 99, dhcp[237] = (char)130, dhcp[238] = 83, dhcp[239] = 99, dhcp[240] = 53, dhcp[241] = 1,
    dhcp[242] = 2, dhcp[243] = (char)255, dhcp[244] = 0;
    put(&s, f, udp(f, 67, 68, dhcp, sizeof dhcp));
    bad |= write_seed(dir, "dhcp", &s);
    /* IPv4 fragments of one UDP datagram */
    memset(&s, 0, sizeof s);
    uint8_t part[64];
    memset(part, 'x', sizeof part);
    part[0] = 0x13, part[1] = 0x89, part[2] = 0, part[3] = 7, part[4] = 0, part[5] = 128, part[6] = part[7] = 0;
    put(&s, f, ip4(f, IP_PROTO_UDP, part, 64, 99, 0x2000));
    put(&s, f, ip4(f, IP_PROTO_UDP, part, 64, 99, 8));
    bad |= write_seed(dir, "frags", &s);
    /* IPv6: a neighbour solicitation for the link-local address */
    memset(&s, 0, sizeof s);
    static const uint8_t mc[6] = { 0x33, 0x33, 0xff, 0x12, 0x34, 0x56 };
    n = eth(f, mc, 0x86dd);
    static const uint8_t ns[40 + 32] = {
        0x60, 0, 0, 0, 0, 32, 58, 255, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x50, 0x55, 0, 0xff, 0xfe, 0, 2, 2,
        0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0x12, 0x34, 0x56,
        135, 0, 0, 0, 0, 0, 0, 0, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x50, 0x54, 0, 0xff, 0xfe, 0x12, 0x34, 0x56,
        1, 1, 0x52, 0x55, 10, 0, 2, 2 };
    memcpy(f + n, ns, sizeof ns);
    put(&s, f, n + sizeof ns);
    bad |= write_seed(dir, "ipv6-ns", &s);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--seeds")) {
        lwip_init(); /* for the checksum helpers' pbufs */
        return seeds(argv[2]);
    }
    if (argc != 2) {
        fprintf(stderr, "usage: netframes FILE | netframes --seeds DIR\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    static uint8_t in[1 << 20];
    size_t len = f ? fread(in, 1, sizeof in, f) : 0;
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    fclose(f);
    run(in, (uint32_t)len);
    printf("netframes: %zu bytes of records, %lu frames sent back; %lu connections accepted, %lu bytes and %lu "
           "datagrams echoed\n", len, sent_frames, accepted, echoed_bytes, echoed_dgrams);
    return 0;
}
