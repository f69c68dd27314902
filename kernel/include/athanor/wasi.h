/* The host side of WASI preview 1 for components (kernel/wasi), a leaf on
 * the host-call layer (athanor/host.h). Every call reaches resources only
 * through the component's capabilities, and checks every pointer and
 * length against its linear memory first. */
#ifndef ATHANOR_WASI_H
#define ATHANOR_WASI_H

#include <athanor/types.h>

struct component;

/* WASI's part of a component: its command line (args_get), argv[0] its
 * name, then the space-separated words of the arguments it was started
 * with. Written by wasi_comp_start only, before its thread exists; read
 * by its own host calls. */
#define WASI_ARGS_MAX 8
struct comp_wasi {
    int   argc;
    char  argv_buf[128];
    char *argv[WASI_ARGS_MAX + 1];
};
/* The lifecycle's start hook: args are the start's (NULL: keep the last
 * start's, a restart). Set once at boot with the manifest's, too. */
int wasi_comp_start(struct component *c, const char *args);


/* WASI errno values (wasi_snapshot_preview1), as components see them. */
enum wasi_errno {
    WASI_ESUCCESS = 0,
    WASI_E2BIG = 1,
    WASI_EBADF = 8,
    WASI_EFAULT = 21,
    WASI_EINVAL = 28,
    WASI_EIO = 29,
    WASI_ENOMEM = 48,
    WASI_ENOSYS = 52,
    WASI_ESPIPE = 70,
    WASI_ENOTCAPABLE = 76,
};

#endif
