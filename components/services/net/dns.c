/* Name lookups for the net service's clients (NET_RESOLVE, sdk/athanor_net.h):
 * lwIP's DNS resolver, with the servers DHCP gave. No call waits: a lookup
 * the resolver must ask for answers 0, and its answer, when it comes, sets
 * NET_EV_DNS in the client's notification; the client then asks for it.
 * The resolver's callback names the client by slot and lookup number, so
 * an answer for a client that went (or asked again) finds nothing. */
#include <string.h>

#include "lwip/dns.h"

#include "net.h"

enum { DNS_NONE, DNS_ASKED, DNS_FOUND, DNS_FAILED };

static void answered(const char *name, const ip_addr_t *ip, void *arg)
{
    uintptr_t v = (uintptr_t)arg;
    unsigned slot = (unsigned)(v & 0xff);
    uint8_t gen = (uint8_t)(v >> 8);
    (void)name;
    if (slot >= CLIENTS)
        return;
    struct client *c = &clients[slot];
    if (!c->badge || c->dns_gen != gen || c->dns_state != DNS_ASKED)
        return; /* gone, or asked again since */
    if (ip && IP_IS_V4(ip)) {
        c->dns_addr = ip4_addr_get_u32(ip_2_ip4(ip));
        c->dns_state = DNS_FOUND;
    } else {
        c->dns_state = DNS_FAILED;
    }
    client_tell(c, NET_EV_DNS);
}

static uint64_t result(const struct client *c)
{
    switch (c->dns_state) {
    case DNS_FOUND:  return NET_ADDR_FOUND | c->dns_addr;
    case DNS_ASKED:  return ERR(ATH_EAGAIN);
    default:         return ERR(ATH_ENOENT);
    }
}

uint64_t dns_handle(struct client *c, uint64_t op, uint64_t len)
{
    if (!c || c->note < 0)
        return ERR(ATH_EAGAIN); /* NET_SUBSCRIBE first: the answer comes by the notification */
    if (!policy_any(c))
        return ERR(ATH_EPERM);
    if (op == NET_RESOLVE_RESULT)
        return result(c);
    /* NET_RESOLVE: the name in the message buffer, checked before use */
    if (len == 0 || len > NET_NAME_MAX || memchr(net_msgbuf, 0, len))
        return ERR(ATH_EINVAL);
    memcpy(c->dns_name, net_msgbuf, len);
    c->dns_name[len] = '\0';
    memset(net_msgbuf, 0, len); /* a plain call must not find it there later */
    c->dns_gen++;
    c->dns_state = DNS_ASKED;
    ip_addr_t ip;
    uintptr_t arg = (uintptr_t)(c - clients) | (uintptr_t)c->dns_gen << 8;
    err_t e = dns_gethostbyname_addrtype(c->dns_name, &ip, answered, (void *)arg, LWIP_DNS_ADDRTYPE_IPV4);
    if (e == ERR_OK) {
        c->dns_addr = ip4_addr_get_u32(ip_2_ip4(&ip));
        c->dns_state = DNS_FOUND;
        return NET_ADDR_FOUND | c->dns_addr;
    }
    if (e == ERR_INPROGRESS)
        return 0;
    c->dns_state = DNS_FAILED;
    return ip_addr_isany_val(*dns_getserver(0)) ? ERR(ATH_ENOENT) : ERR(ATH_EINVAL);
}
