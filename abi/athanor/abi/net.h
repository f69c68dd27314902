/* The network's protocols between components (docs/network.md): the
 * network device protocol (a driver to the stack) and the net service's
 * (its clients: components through the SDK's sockets, athanor_net.h, and
 * the kernel's WASI sockets, kernel/wasi/sockets.c). One definition for
 * kernel, SDK and services. Plain C11 with <stdint.h> only.
 *
 * The network device protocol: what a network driver (virtio_net) serves
 * to the protocol stack (net), its only caller. Frames travel in lent
 * pages as records, one after another: a little-endian 16-bit length, then
 * that many bytes of an Ethernet frame (no FCS), then the next record at
 * the next even offset; a length of 0 ends the list early. */
#ifndef ATHANOR_ABI_NET_H
#define ATHANOR_ABI_NET_H

#include <stdint.h>

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

/* The net service's protocol (its clients: the shell, components through
 * the socket API below). Nothing waits inside the service: a client is told
 * that something it asked for happened by a bit in its own notification,
 * which it gives the service with NET_SUBSCRIBE, and then asks. What a
 * client may do is its manifest's net key (docs/network.md): a socket
 * operation outside it answers -ATH_EPERM. */
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

    /* Sockets (IPv4). Every operation answers at once: -ATH_EAGAIN when
     * it would have to wait, and NET_EV_SOCK in the client's notification
     * when one of its sockets changed (then NET_POLL says which). A
     * socket is a small number, the client's alone; all of a client's go
     * when it stops, and all go when the service restarts (its clients
     * then see -ATH_ECONNRESET from the SDK). Errors: -ATH_EBADHANDLE (not
     * the caller's socket), -ATH_EPERM (outside its net key), -ATH_EAGAIN
     * (before NET_SUBSCRIBE, or nothing yet). */
    /* a0 = NET_TCP or NET_UDP -> a socket | -ATH_EQUOTA. */
    NET_SOCKET = 5,
    /* a0 = socket, a1 = port (0: any free one) -> the port bound |
     * -ATH_EADDRINUSE | -ATH_EPERM (a port not in a "listen" rule). */
    NET_BIND = 6,
    /* a0 = socket (TCP, bound), a1 = backlog (at most NET_BACKLOG_MAX) -> 0. */
    NET_LISTEN = 7,
    /* a0 = listening socket -> a new connected socket | -ATH_EAGAIN. */
    NET_ACCEPT = 8,
    /* a0 = socket, a1 = IPv4 address (network byte order) | port << 32 ->
     * 0 (UDP: where NET_SEND sends from now on; datagrams from anyone are
     * still received) | -ATH_EINPROGRESS (TCP: its outcome makes it
     * writable, or failed: NET_POLLERR and NET_SOCKINFO's error, e.g.
     * ATH_ECONNREFUSED). */
    NET_CONNECT = 9,
    /* a0 = socket [| NET_LEN(n)]; the data in a message (ath_call_msg) or
     * a read-only lend (a1 = its length; NET_LEN: only its first n bytes)
     * -> bytes taken (TCP: maybe fewer; UDP: one datagram) | -ATH_EAGAIN
     * (no room: NET_POLLOUT later) | -ATH_ENOTCONN | -ATH_ECONNRESET. */
    NET_SEND = 10,
    /* a0 = socket [| NET_LEN(n)]; a read-write lend (a1 = its length; at
     * most n bytes go in) -> bytes received (TCP: 0 at the end of the
     * stream; UDP: one datagram, cut to fit) | -ATH_EAGAIN |
     * -ATH_ECONNRESET. */
    NET_RECV = 11,
    /* UDP: as NET_RECV, after a struct ath_net_from at the lend's start
     * (n counts the datagram alone) -> the datagram's length. */
    NET_RECVFROM = 12,
    /* a0 = socket, a1 = NET_SHUT_RD | NET_SHUT_WR -> 0. */
    NET_SHUTDOWN = 13,
    /* a0 = socket -> 0. A listening socket's waiting connections are
     * reset; unread data makes a TCP close a reset, as on Linux. */
    NET_CLOSE = 14,
    /* A read-write lend of struct ath_net_poll records (a0 = NET_LEN(their
     * bytes); without it, the whole lend): each one's got = its readiness
     * among want | NET_POLLERR | NET_POLLHUP (NET_POLLERR alone: not the
     * caller's socket) -> how many are ready. */
    NET_POLL = 15,
    /* a0 = socket; a read-write lend of a struct ath_net_sockinfo -> 0. */
    NET_SOCKINFO = 16,
    /* A read-write lend of struct ath_net_sockinfo records -> how many:
     * the caller's sockets, everyone's with the "all-sockets" rule. */
    NET_SOCKLIST = 17,
    /* A host name in a message (at most NET_NAME_MAX bytes) -> its IPv4
     * address as NET_ADDR_FOUND | address (network byte order) when known
     * at once (cached, or a dotted address), 0 when asked of the DNS
     * server (NET_EV_DNS then, and NET_RESOLVE_RESULT) | -ATH_ENOENT (no
     * DNS server) | -ATH_EINVAL | -ATH_EPERM (no network rules). One
     * lookup per client: a new one replaces the last. */
    NET_RESOLVE = 18,
    /* -> the last lookup's NET_ADDR_FOUND | address | -ATH_EAGAIN (asked,
     * not answered) | -ATH_ENOENT (no such name, or no answer). */
    NET_RESOLVE_RESULT = 19,
    /* struct ath_net_rule records (athanor/abi/app.h) in a message -> 0 if
     * the caller's own rules cover every one (so it may give them to a
     * component it starts), -ATH_EPERM if not, -ATH_EINVAL if malformed.
     * The kernel asks this for a starter (kernel/load/app.c). */
    NET_GRANT_CHECK = 20,
};
#define NET_NAME_MAX   255
#define NET_ADDR_FOUND (1ull << 32)
#define NET_EV_PING 1ull
#define NET_EV_SOCK 2ull
#define NET_EV_DNS  4ull

enum { NET_TCP = 1, NET_UDP = 2 };
/* a0's bits 32-63 bound the data of NET_SEND, NET_RECV, NET_RECVFROM and
 * NET_POLL below the lend's length (lends are whole pages). */
#define NET_LEN(n) (1ull << 31 | (uint64_t)(uint32_t)(n) << 32)
/* In a0 of NET_RECV and NET_POLL without a lend: the data is in the
 * service's message buffer, the poll records put there, the answer left
 * there (its room: the whole buffer, bounded by NET_LEN). For the kernel's
 * calls (kernel/wasi/sockets.c), which write and read that buffer
 * themselves and clear what they read; a component's plain call gets
 * nothing back this way. */
#define NET_IN_MSGBUF (1ull << 30)
#define NET_BACKLOG_MAX 16
#define NET_SHUT_RD 1u
#define NET_SHUT_WR 2u
#define NET_POLLIN  1u  /* data, the end of the stream, a connection to accept */
#define NET_POLLOUT 2u  /* room to send (a connection made) */
#define NET_POLLERR 4u  /* failed: NET_SOCKINFO's error */
#define NET_POLLHUP 8u  /* the peer closed, or the connection failed */

struct ath_net_poll {
    int32_t  sock;
    uint16_t want, got;
};
struct ath_net_from {
    uint32_t addr;  /* network byte order */
    uint16_t port, pad;
};
enum { NET_S_NEW = 0, NET_S_BOUND, NET_S_LISTEN, NET_S_CONNECTING, NET_S_CONNECTED, NET_S_PEER_CLOSED,
       NET_S_FAILED };
struct ath_net_sockinfo {
    int32_t  sock;
    uint8_t  kind, state;      /* NET_TCP/NET_UDP, NET_S_* */
    uint16_t local_port;
    uint32_t local_addr, remote_addr; /* network byte order */
    uint16_t remote_port;
    uint16_t error;            /* ATH_E* of a failed socket, else 0 */
    uint32_t rx_queued, tx_queued; /* bytes (UDP: datagrams) waiting each way */
    char     owner[24];        /* the component's name */
};

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

#endif
