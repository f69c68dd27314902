/* netnone: may call the net service but has no network rules in its
 * manifest (tests/qemu/sockets.sh): it may ask about the interface, and
 * every socket is refused. It also holds "observe", the status page's
 * read-only capability to every component: reads work, a kill does not. */
#include <stdio.h>

#include <athanor_net.h>

int main(void)
{
    struct ath_net net;
    int e = ath_net_open(&net);
    if (e) {
        printf("netnone: the net service: %s\n", ath_strerror(-e));
        return 1;
    }
    int s = ath_sock_open(&net, NET_TCP);
    printf("netnone: a TCP socket: %s\n", s == -ATH_EPERM ? "refused (EPERM)" : s < 0 ? ath_strerror(-s) : "ALLOWED");
    s = ath_sock_open(&net, NET_UDP);
    printf("netnone: a UDP socket: %s\n", s == -ATH_EPERM ? "refused (EPERM)" : s < 0 ? ath_strerror(-s) : "ALLOWED");
    static union {
        struct ath_net_ifinfo i;
        uint8_t               page[4096];
    } lent __attribute__((aligned(4096)));
    uint64_t r = 0;
    e = ath_net_call(&net, NET_IFINFO, 0, 0, &lent, sizeof lent, ATH_NET_LEND_RW, &r);
    printf("netnone: the interface: %s\n", e ? ath_strerror(-e) : lent.i.device ? "a device" : "no device");
    /* "observe" (what the status page has): reads every component's
     * state, changes none. */
    ath_handle_t obs = ath_cap_find(ATH_T_COMPONENT, 0);
    int64_t st = ath_comp_ctl(obs, "net", ATH_COMP_STATE, 0);
    printf("netnone: observe: net is %s\n", st < 0 ? ath_strerror((int)-st) : ATH_STATE_STATE(st) == ATH_RUNNING ? "running" : "not running");
    int64_t k = ath_comp_ctl(obs, "net", ATH_COMP_KILL, 0);
    printf("netnone: observe: kill net: %s\n", k == -ATH_EPERM ? "refused (EPERM)" : k < 0 ? ath_strerror((int)-k) : "ALLOWED");
    return 0;
}
