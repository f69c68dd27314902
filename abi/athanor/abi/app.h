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

struct ath_app_spec {
    uint32_t size;               /* of the whole block */
    uint32_t grants;             /* ATH_APP_* bits */
    uint32_t max_pages;          /* 0: what the package asks for; else at most that */
    uint32_t name_off, name_len; /* its component name (len 0: the package's) */
    uint32_t args_off, args_len; /* argv[0], argv[1], ...: each NUL-terminated */
    uint32_t env_off, env_len;   /* KEY=VALUE strings, each NUL-terminated */
    uint32_t ndirs;
    struct ath_app_dir dirs[ATH_APP_DIRS_MAX];
};

#endif
