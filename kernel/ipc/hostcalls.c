/* Athanor's own imports for components (import module "athanor"):
 *   call(handle, op, a0, a1, a2, result_ptr) -> 0 or -ATH_E*   (i32)
 *   serve() -> only returns by stopping or resetting the component
 *   lookup(name_ptr, name_len) -> handle, or -ATH_E*            (i32)
 * Decode (check every offset against the caller's memory) happens here; the
 * work is in call.c. See sdk/athanor.h for the component side. */
#include <athanor/errors.h>
#include <athanor/ipc.h>
#include <athanor/klib.h>

#include "../wasi/host.h"

typedef uint32_t u32;
typedef uint64_t u64;

/* The "athanor" module's instance is the same host context as WASI's. */
struct Z_athanor_instance_t {
    host_ctx h;
};

#define CALL_WAIT_NS (5 * NS_PER_S) /* how long a call waits for a busy server */
#define NAME_MAX_LEN 24

/* Called only from generated code, whose headers declare them. */
#pragma GCC diagnostic ignored "-Wmissing-prototypes"

u32 Z_athanorZ_call(struct Z_athanor_instance_t *a, u32 h, u64 op, u64 a0, u64 a1, u64 a2, u32 res)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    void *out = umem_range(&m, uoff(res), 8);
    if (!out)
        return host_leave(c, (u32)-ATH_EFAULT);
    struct ipc_msg msg = { op, a0, a1, a2 };
    uint64_t result = 0;
    int r = ipc_call(c, h, &msg, CALL_WAIT_NS, &result);
    if (r == 0) {
        m = host_mem(c); /* the call may not change our memory, but re-derive anyway */
        memcpy(umem_range(&m, uoff(res), 8), &result, 8);
    }
    return host_leave(c, (u32)r);
}

u32 Z_athanorZ_serve(struct Z_athanor_instance_t *a)
{
    struct component *c = host_enter(&a->h);
    if (!c->cfg->image->handle)
        return host_leave(c, (u32)-ATH_ENOSYS);
    c->serving = true;
    host_sleep_until(&a->h, UINT64_MAX); /* calls run on their callers' threads meanwhile */
    return host_leave(c, 0);             /* only reached when asked to stop or reset */
}

u32 Z_athanorZ_lookup(struct Z_athanor_instance_t *a, u32 name, u32 len)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    const char *p = umem_range(&m, uoff(name), len);
    if (!p || len == 0)
        return host_leave(c, (u32)-ATH_EFAULT);
    if (len >= NAME_MAX_LEN)
        return host_leave(c, (u32)-ATH_EINVAL);
    char buf[NAME_MAX_LEN];
    memcpy(buf, p, len);
    buf[len] = '\0';
    cap_handle_t h;
    int r = ipc_lookup(c, buf, &h);
    return host_leave(c, r ? (u32)r : h);
}
