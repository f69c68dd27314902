/* lwIP options for Azoth's net service (docs/network.md): NO_SYS=1 (the
 * raw, callback API, one thread: the service's handler), IPv4 + ARP + ICMP
 * + UDP + TCP + DHCP + DNS; IPv6 when AZOTH_LWIP_IPV6=1. */
#ifndef AZOTH_LWIPOPTS_H
#define AZOTH_LWIPOPTS_H

#define NO_SYS                 1
#define SYS_LIGHTWEIGHT_PROT   0   /* no preemption inside the stack: calls and events never overlap */
#define LWIP_TIMERS            1   /* sys_check_timeouts(), driven by ath_serve_wait's timeout */
#define LWIP_SOCKET            0   /* sockets are the service's own protocol */
#define LWIP_NETCONN           0
#define LWIP_NETIF_API         0

/* memory: lwIP's own heap and pools, in static arrays */
#define MEM_LIBC_MALLOC        0
#define MEMP_MEM_MALLOC        0
#define MEM_ALIGNMENT          8   /* wasm32 and the host alike (the frame fuzzer builds it natively) */
#define MEM_SIZE               (256 * 1024) /* TCP's send queues (copies) among others */
#define MEMP_NUM_PBUF          64
#define MEMP_NUM_UDP_PCB       16
#define MEMP_NUM_TCP_PCB       64
#define MEMP_NUM_TCP_PCB_LISTEN 16
#define MEMP_NUM_TCP_SEG       512 /* the send queues of 32 connections, and then some */
#define MEMP_NUM_SYS_TIMEOUT   (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 4)
#define PBUF_POOL_SIZE         128
#define PBUF_POOL_BUFSIZE      1536 /* one Ethernet frame per pool pbuf */

/* protocols */
#define LWIP_IPV4              1
#ifndef AZOTH_LWIP_IPV6
#define AZOTH_LWIP_IPV6        0
#endif
#define LWIP_IPV6              AZOTH_LWIP_IPV6
#define LWIP_ARP               1
#define LWIP_ETHERNET          1
#define ETHARP_SUPPORT_STATIC_ENTRIES 0
#define ARP_QUEUEING           1   /* a connection's SYN waits for ARP's answer instead of being lost (3 s) */
#define MEMP_NUM_ARP_QUEUE     16
#define LWIP_ICMP              1
#define LWIP_RAW               1   /* ping's echo requests and replies */
#define LWIP_UDP               1
#define LWIP_TCP               1
#define LWIP_DHCP              1
#define LWIP_AUTOIP            0
#define LWIP_IGMP              0
#define LWIP_DNS               1
#define DNS_MAX_SERVERS        2
#define LWIP_DHCP_GET_NTP_SRV  0
#define IP_REASSEMBLY          1
#define IP_FRAG                1
#define LWIP_IPV6_MLD          AZOTH_LWIP_IPV6
#define LWIP_IPV6_AUTOCONFIG   AZOTH_LWIP_IPV6  /* SLAAC: QEMU's slirp advertises fec0::/64 */
#define LWIP_IPV6_DHCP6        0
#define IPV6_FRAG_COPYHEADER   1   /* 64-bit hosts need it (the fuzzer); wasm32 does not mind */

/* SO_REUSEADDR on listening sockets: a restarted server binds its port
 * again while its old connections are in TIME_WAIT */
#define SO_REUSE               1

/* TCP */
#define TCP_MSS                1460
#define TCP_WND                (12 * TCP_MSS) /* = each connection's receive ring (sock.c) */
#define TCP_SND_BUF            (16 * TCP_MSS)
#define TCP_SND_QUEUELEN       (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ        1
#define TCP_OOSEQ_MAX_PBUFS    4   /* out-of-order frames held per connection: the pool is everyone's */
#define LWIP_TCP_KEEPALIVE     1
#define LWIP_WND_SCALE         1
#define TCP_RCV_SCALE          2
#define LWIP_TCP_TIMESTAMPS    0

/* netif */
#define LWIP_NETIF_STATUS_CALLBACK 1  /* DHCP bound: print the lease */
#define LWIP_NETIF_LINK_CALLBACK   1
#define LWIP_NETIF_HOSTNAME        1
#define LWIP_SINGLE_NETIF          1
#define LWIP_NETIF_TX_SINGLE_PBUF  1  /* one contiguous frame per transmit: one descriptor after the header */

/* checksums in software both ways (no VIRTIO_NET_F_CSUM negotiated) */
#define LWIP_CHKSUM_ALGORITHM      3
#define CHECKSUM_CHECK_IP          1
#define CHECKSUM_CHECK_TCP         1
#define CHECKSUM_CHECK_UDP         1

/* statistics for the status page and the shell's netstat */
#define LWIP_STATS                 1
#define LWIP_STATS_DISPLAY         0
#define MIB2_STATS                 0

/* hooks */
#define LWIP_HOOK_FILENAME         "azoth_lwip_hooks.h"
#define LWIP_HOOK_TCP_ISN          azoth_tcp_isn

/* Assertions on (LWIP_NOASSERT undefined; defining it, even as 0, turns
 * them off): a broken invariant aborts, a trap the supervisor contains,
 * instead of corrupting the stack's memory. The frame fuzzer found a
 * write past a listening pcb that assertions would have stopped. */
#define LWIP_DEBUG                 0

#endif
