/* The network's protocols between components (docs/network.md).
 *
 * The network device protocol: what a network driver (virtio_net) serves
 * to the protocol stack (net), its only caller. Frames travel in lent
 * pages as records, one after another: a little-endian 16-bit length, then
 * that many bytes of an Ethernet frame (no FCS), then the next record at
 * the next even offset; a length of 0 ends the list early. Include after
 * athanor.h. */
#ifndef ATHANOR_NET_H
#define ATHANOR_NET_H

#include <stdint.h>
#include <string.h>

#include <athanor.h>

enum {
    /* -> MAC address (48 bits) | NETDEV_LINK_UP if the link is up. */
    NETDEV_INFO = 1,
    /* ath_call_grant of the caller's notification, a0 = the bits to
     * signal: the driver signals NETDEV_EV_RX when frames wait for RECV,
     * NETDEV_EV_TX when it has room to send again after a SEND that was
     * short. -> 0. A restarted driver has forgotten it: subscribe again. */
    NETDEV_SUBSCRIBE = 2,
    /* A read-only lend of records -> how many frames were queued (the
     * first ones; fewer than given when the device's queue is full), or a
     * negative error (-ATH_EINVAL: a malformed record, nothing sent). */
    NETDEV_SEND = 3,
    /* A read-write lend, filled with the frames received, as records ->
     * the bytes used (0: none waited). */
    NETDEV_RECV = 4,
};
#define NETDEV_LINK_UP (1ull << 48)
#define NETDEV_EV_RX   1ull
#define NETDEV_EV_TX   2ull
#define NETDEV_FRAME_MAX 1514u /* an Ethernet frame without FCS or VLAN tag */

/* The net service's protocol (its clients: the shell, apps through the
 * socket API to come). Nothing waits inside the service: a client is told
 * that something it asked for happened by a bit in its own notification,
 * which it gives the service with NET_SUBSCRIBE, and then asks. */
enum {
    /* A read-write lend of a struct ath_net_ifinfo, filled -> 0. */
    NET_IFINFO = 1,
    /* ath_call_grant of the client's notification -> 0: the service
     * signals NET_EV_* bits there from now on (for this client, by its
     * badge; again after a restart of the service). */
    NET_SUBSCRIBE = 2,
    /* a0 = an IPv4 address (as in memory: network byte order), a1 = the
     * sequence number -> 0 once the echo request (56 bytes of data, as
     * ping(8)) is sent, -ATH_ENOENT with no interface up, -ATH_EAGAIN
     * before NET_SUBSCRIBE. One per client: a new one replaces the last.
     * Its answer sets NET_EV_PING in the client's notification. */
    NET_PING = 3,
    /* -> the round trip of the client's last echo request in microseconds,
     * once answered; -ATH_EAGAIN until then (a client gives up when it
     * likes). */
    NET_PING_RESULT = 4,
};
#define NET_EV_PING 1ull

enum { NET_DHCP_OFF = 0, NET_DHCP_ASKING = 1, NET_DHCP_BOUND = 2 };
struct ath_net_ifinfo {
    uint8_t  mac[6];
    uint8_t  link;      /* 1: up */
    uint8_t  dhcp;      /* NET_DHCP_* */
    uint32_t addr, netmask, gateway, dns[2]; /* IPv4, network byte order; 0: none */
    uint32_t device;    /* 1: a network device answers */
    uint64_t rx_frames, tx_frames, rx_dropped, tx_dropped; /* at the stack */
    uint64_t restarts_seen; /* driver restarts the stack reconnected after */
    uint8_t  addr6[3][16];  /* IPv6 addresses, the link-local one first; all zero: none */
    uint8_t  addr6_valid[3]; /* 1: usable (its duplicate detection done) */
};

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

#endif
