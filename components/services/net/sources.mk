# The net service's sources beyond its folder (mk/components.mk): lwIP
# 2.1.3 from Debian's lwip source package, NO_SYS=1 (its raw, callback
# API, driven by the service's one handler), with the service's own port
# (port/: lwipopts.h, arch/cc.h, the hooks; Debian's port/ is GNU Hurd's,
# for sockets over glibc). Left out: api/ (sockets and netconn need
# NO_SYS=0), altcp, autoip, igmp, dhcp6, ppp, the other netifs, apps/.
# IPv6 is in (stateless autoconfiguration, as QEMU's slirp advertises it):
# about 40 KB more of wasm.
# And libsodium's SipHash-2-4 (the source package the loader's Ed25519
# comes from): the keyed hash of RFC 6528's initial sequence numbers.
LWIP := $(SRC)/lwip/src
NET_SODIUM := $(SRC)/libsodium/src/libsodium
net_PKGS := lwip libsodium
net_SRCS := $(addprefix $(LWIP)/core/,init.c def.c dns.c inet_chksum.c ip.c mem.c memp.c \
    netif.c pbuf.c raw.c stats.c sys.c tcp.c tcp_in.c tcp_out.c timeouts.c udp.c) \
    $(addprefix $(LWIP)/core/ipv4/,dhcp.c etharp.c icmp.c ip4.c ip4_addr.c ip4_frag.c) \
    $(addprefix $(LWIP)/core/ipv6/,ethip6.c icmp6.c inet6.c ip6.c ip6_addr.c ip6_frag.c mld6.c nd6.c) \
    $(LWIP)/netif/ethernet.c \
    $(NET_SODIUM)/crypto_shorthash/siphash24/ref/shorthash_siphash24_ref.c
net_CFLAGS := -Icomponents/services/net/port -I$(LWIP)/include -I$(NET_SODIUM)/include \
    -I$(NET_SODIUM)/include/sodium -DCONFIGURED -DNATIVE_LITTLE_ENDIAN -DAZOTH_LWIP_IPV6=1
