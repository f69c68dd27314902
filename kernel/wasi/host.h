/* What every host call (WASI and Athanor's own imports) shares: the
 * per-component context wasm2c passes as the import-module instance, the
 * bracket around a call (enter: the thread leaves wasm code; leave: honour a
 * pending kill or reset, re-enter wasm), and checked access to linear memory. */
#ifndef WASI_HOST_H
#define WASI_HOST_H

#include <athanor/component.h>
#include <athanor/spinlock.h>

#include "umem.h"

/* The per-component state behind every import module's instance parameter
 * (the generated glue passes the same object for each module). */
struct Z_wasi_snapshot_preview1_instance_t {
    struct component *comp;
    /* A host call sleeping in host_sleep_until waits on `wake`; kill/reset
     * wakes it. wake_lock orders its check of kill_pending against the waker. */
    struct waitq      wake;
    spinlock_t        wake_lock;
};
typedef struct Z_wasi_snapshot_preview1_instance_t host_ctx;

struct component *host_enter(host_ctx *w);
uint32_t          host_leave(struct component *c, uint32_t rv);
struct umem       host_mem(struct component *c);
/* Sleep until deadline_ns, or until the component is asked to stop or reset. */
void              host_sleep_until(host_ctx *w, uint64_t deadline_ns);

#endif
