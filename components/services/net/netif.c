/* The interface lwIP sees, set up one way for the service (net.c) and the
 * frame fuzzer (tests/fuzz/netframes.c): an Ethernet with ARP, IPv6 and
 * MLD, its MAC and its way out given as the netif's state (struct
 * net_link), so that the fuzzer runs the very interface the service does. */
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"

#include "net.h"

err_t net_link_init(struct netif *n)
{
    const struct net_link *l = n->state;
    n->name[0] = 'e', n->name[1] = 'n';
    n->mtu = 1500;
    n->hwaddr_len = 6;
    memcpy(n->hwaddr, l->mac, 6);
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
    n->output = etharp_output;
    n->output_ip6 = ethip6_output;
    n->linkoutput = l->out;
    return ERR_OK;
}
