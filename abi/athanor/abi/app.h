/* Starting a package as a component (the app_start host call, docs/apps.md):
 * what the starter grants it. The spec is one block: this header, then the
 * strings its offsets name (offsets from the start of the block). The
 * kernel checks every offset, that each list is NUL-terminated strings,
 * and that each directory is one the starter may reach itself. Plain C11
 * with <stdint.h> only: wasm32 (the shell), x86-64 (the kernel). */
#ifndef ATHANOR_ABI_APP_H
#define ATHANOR_ABI_APP_H

#include <stdint.h>

#define ATH_APP_SPEC_MAX 16384u /* bytes of a spec, strings included */
#define ATH_APP_ARGS_MAX 8192u  /* bytes of its argv, NULs included */
#define ATH_APP_ENV_MAX  8192u  /* bytes of its environment, NULs included */
#define ATH_APP_DIRS_MAX 8u     /* preopened directories */
#define ATH_APP_PATH_MAX 256u   /* a directory's path or guest name, with its NUL */

/* What it may reach besides its directories. An app gets none of these
 * unless granted; the shell grants the first three by default. */
#define ATH_APP_CONSOLE       (1u << 0) /* fds 0-2: the console */
#define ATH_APP_CLOCK         (1u << 1) /* clocks, coarse (ATH_CLOCK_COARSE_NS) */
#define ATH_APP_RANDOM        (1u << 2) /* random_get */
#define ATH_APP_PRECISE_CLOCK (1u << 3) /* clocks at full precision */
#define ATH_APP_GRANTS        0xfu

struct ath_app_dir {
    uint32_t path_off, path_len;   /* the directory at the filesystem service: absolute, canonical */
    uint32_t guest_off, guest_len; /* the name the app's WASI calls see it by */
    uint32_t readonly;             /* 1: read-only (it always is if the starter's is) */
    uint32_t pad;
};

/* The network an app may use, granted by its starter (docs/network.md,
 * "Apps"): rules as a manifest's net key has them, one record each. kind:
 * ATH_NET_RULE_*; proto: ATH_NET_RULE_TCP | ATH_NET_RULE_UDP; a connect or
 * ping rule's addresses: those whose top prefix bits are addr's (host byte
 * order); ports port_lo..port_hi. The net service asks the kernel for a
 * caller's (the caller_net host call), beside its manifest's. */
#define ATH_APP_NET_MAX    8u
#define ATH_APP_LISTEN_MAX 4u
enum { ATH_NET_RULE_LISTEN = 1, ATH_NET_RULE_CONNECT = 2, ATH_NET_RULE_PING = 3, ATH_NET_RULE_ALL_SOCKETS = 4 };
#define ATH_NET_RULE_TCP 1u
#define ATH_NET_RULE_UDP 2u
struct ath_net_rule {
    uint8_t  kind, proto, prefix, pad;
    uint32_t addr;
    uint16_t port_lo, port_hi;
};

/* A listening TCP socket made for the app before it starts (`azoth run
 * --tcplisten`, as wasmtime's): its fds after the directories', each
 * accepting on port with a queue of backlog connections. Each implies a
 * "listen port tcp" rule. */
struct ath_app_listen {
    uint16_t port, backlog;
};

struct ath_app_spec {
    uint32_t size;               /* of the whole block */
    uint32_t grants;             /* ATH_APP_* bits */
    uint32_t max_pages;          /* 0: what the package asks for; else at most that */
    uint32_t name_off, name_len; /* its component name (len 0: the package's) */
    uint32_t args_off, args_len; /* argv[0], argv[1], ...: each NUL-terminated */
    uint32_t env_off, env_len;   /* KEY=VALUE strings, each NUL-terminated */
    uint32_t ndirs;
    struct ath_app_dir dirs[ATH_APP_DIRS_MAX];
    uint32_t nnet, nlisten;
    struct ath_net_rule net[ATH_APP_NET_MAX];
    struct ath_app_listen listen[ATH_APP_LISTEN_MAX];
};

#endif
