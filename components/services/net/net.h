/* What the net service's files share (net.c: the driver, lwIP and the
 * handler; sock.c: the clients' sockets; policy.c: the manifest's network
 * rules). One thread runs all of it: no locks. */
#ifndef NET_NET_H
#define NET_NET_H

#include <stdbool.h>
#include <stdint.h>

#include <athanor_net.h>

#include <net_policy.h>

#define ERR(e) ((uint64_t)(int64_t)-(e))

/* What the service keeps for a client, by its badge: the notification it
 * gave (NET_SUBSCRIBE), its network rules (its manifest net key, looked up
 * by name, and what its starter gave a component loaded at run time, asked
 * of the kernel: both at each subscription, as a runtime slot may hold
 * another program next time), its echo request. A client's sockets go when it does: its
 * notification dies with it, and the service finds that when it signals
 * it (at once, or within a second: sock_reap). */
#define CLIENTS 16
struct client {
    uint64_t     badge; /* 0: free */
    ath_handle_t note;
    char         name[24];
    unsigned     rule0, nrules; /* its rules: net_rules[rule0 .. rule0 + nrules) */
    struct ath_net_rule given[ATH_APP_NET_MAX + ATH_APP_LISTEN_MAX]; /* its starter's (caller_net) */
    unsigned     ngiven;
    bool         gone;          /* its notification died: reap it */
    uint16_t     ping_seq;
    bool         ping_out, ping_answered;
    uint64_t     ping_t0, ping_rtt;
    /* its name lookup (dns.c): one at a time */
    char         dns_name[NET_NAME_MAX + 1];
    uint8_t      dns_state, dns_gen; /* DNS_* in dns.c; gen tells a stale answer */
    uint32_t     dns_addr;
};
extern struct client clients[CLIENTS];

/* Tell a client something changed (NET_EV_* bits in its notification). */
void client_tell(struct client *c, uint64_t bits);

/* policy.c: the client's rules, found by its name; and the checks. addr
 * in network byte order (as in memory), proto NET_RULE_TCP or _UDP. */
void policy_bind(struct client *c);
bool policy_any(const struct client *c);
bool policy_listen(const struct client *c, unsigned proto, uint16_t port);
bool policy_connect(const struct client *c, unsigned proto, uint32_t addr, uint16_t port);
bool policy_ping(const struct client *c, uint32_t addr);
bool policy_all_sockets(const struct client *c);
/* Is r within one of c's rules (the same kind, its protocols, ports and
 * addresses among that one's)? */
bool policy_covers(const struct client *c, const struct ath_net_rule *r);

/* dns.c: NET_RESOLVE, NET_RESOLVE_RESULT */
uint64_t dns_handle(struct client *c, uint64_t op, uint64_t len);

/* sock.c */
void     sock_init(void);
uint64_t sock_handle(struct client *c, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2);
void     sock_client_gone(struct client *c); /* close its sockets */
void     sock_mem_retry(void); /* at every event: sockets a full heap held back may send again */
void     sock_link_restarted(void); /* the driver restarted: frames in flight were lost */

/* netif.c: the interface's set-up (netif_add's init, with a struct
 * net_link as its state) */
#include "lwip/netif.h"
struct net_link {
    uint8_t             mac[6];
    netif_linkoutput_fn out;
};
err_t net_link_init(struct netif *n);

/* net.c: bytes of a message (ath_call_msg) or a kernel call land here. */
#define NET_MSGBUF (16384u + 64u)
extern uint8_t net_msgbuf[NET_MSGBUF];
bool net_up(void); /* an interface with an IPv4 address */

#endif
