/* lwIP hooks (LWIP_HOOK_FILENAME): RFC 6528 initial sequence numbers, so
 * that they are neither guessable nor repeated by a restarted stack
 * (lwIP 2.1.3's default is a counter from 6510 plus tcp_ticks): net.c's,
 * a SipHash of the connection under a key drawn at start, plus a 4 us clock. */
#ifndef AZOTH_LWIP_HOOKS_H
#define AZOTH_LWIP_HOOKS_H
#include "lwip/ip_addr.h"
u32_t azoth_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip,
                    u16_t remote_port);
#endif
