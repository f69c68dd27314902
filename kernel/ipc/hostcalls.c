/* Athanor's IPC and capability imports for components (module "athanor";
 * the rows of athanor/abi/imports.def that name this file, docs/abi.md):
 * calls, serving, lookup, notifications, capability copies and queries.
 * Decode is here, all of it: every offset against the caller's memory,
 * every handle against its capability table, the manifest's calls list;
 * the work (invoke) is in call.c and notify.c on checked values, and in
 * cap.c for the capability operations themselves. */
#include <athanor/abi/wire.h>
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/heap.h>
#include <athanor/host.h>
#include <athanor/hostcalls.h>
#include <athanor/ipc.h>
#include <athanor/ipc_invoke.h>
#include <athanor/klib.h>
#include <athanor/notify.h>


typedef uint32_t u32;
typedef uint64_t u64;



/* Decode a call through endpoint handle h of c's table: the capability
 * (endpoint type, call right: bound into the slot when it was made,
 * cap_lookup_call) into *call, with the mode. Inline: the null call's path
 * (bench/icount.py counts it). */
static inline __attribute__((always_inline)) int decode_call(struct component *c, u32 h,
                                                            struct ipc_call *call)
{
    struct cap_call cap;
    int r = cap_lookup_call(&c->caps, h, &cap);
    if (r)
        return r;
    call->ep = cap.ep;
    call->badge = cap.badge;
    call->obj_gen = cap.obj_gen;
    return 0;
}

/* Put a call's result where the caller asked: checked before the call, and
 * still the place (host.h); a page gone meanwhile loses the result, not
 * the kernel. */
static inline u32 finish_call(struct component *c, struct thread *t, void *rp, int r,
                              const uint64_t *result)
{
    if (__builtin_expect(r != 0, 0))
        return host_leave_on(t, (u32)r);
    umem_copy(rp, result, 8);
    return host_leave_on(t, 0);
}

/* The plain call with its result written to the caller's memory (the SDK
 * uses call_ret): through ipc_call. */
u32 w2c_athanor_call(struct w2c_athanor *a, u32 h, u64 op, u64 a0, u64 a1, u64 a2, u32 res)
{
    struct thread *t = thread_running();
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    void *rp = umem_range(&m, uoff(res), 8);
    if (!rp)
        return host_leave_on(t, (u32)-ATH_EFAULT);
    struct ipc_call call;
    int r = decode_call(c, h, &call);
    uint64_t result = 0;
    if (r == 0) {
        call.m = (struct ipc_msg){ op, a0, a1, a2 };
        r = ipc_call(t, c, IPC_PLAIN, &call, &result);
    }
    return finish_call(c, t, rp, r, &result);
}

/* The SDK's call: the result comes back in a register, so nothing in the
 * caller's memory is checked or written. A failure is ATH_CALL_FAILED with
 * its reason left in the thread for call_error, the next host call the
 * SDK makes on this thread; a server's own result equal to it leaves 0
 * there, so no result is ever taken for an error. */
u64 w2c_athanor_call_ret(struct w2c_athanor *a, u32 h, u64 op, u64 a0, u64 a1, u64 a2)
{
    struct thread *t = thread_running(); /* no call: the words stay in their registers */
    struct component *c = host_enter(&a->h);
    uint64_t result = 0;
    struct ipc_call call;
    int r = decode_call(c, h, &call); /* the endpoint, badge and generation bound in the slot */
    if (r == 0) {
        /* ipc_call's IPC_PLAIN, here: one function with decode, the whole
         * null call's path (bench/icount.py counts it) */
        call.m = (struct ipc_msg){ op, a0, a1, a2 };
        struct ipc_serving s;
        /* No value crosses the call in a register (platform.h): after it,
         * t is the thread again from memory rather than kept there for it
         * (the caller is not needed again: host_leave_on). */
        IPC_CALL_PLAIN(r, t, thread_running(), c, &call, &s, &result, true);
    }
    if (__builtin_expect(r != 0, 0)) {
        t->call_err = r;
        result = ATH_CALL_FAILED;
    } else if (__builtin_expect(result == ATH_CALL_FAILED, 0)) {
        t->call_err = 0;
    }
    host_leave_on(t, 0);
    return result;
}

u32 w2c_athanor_call_error(struct w2c_athanor *a)
{
    struct thread *t = thread_running();
    host_enter(&a->h);
    return host_leave_on(t, (u32)t->call_err);
}

/* call_msg(h, op, a0, msg_ptr, len, result_ptr): a call that copies a
 * message of up to IPC_MSG_MAX bytes into the server's message buffer. */
u32 w2c_athanor_call_msg(struct w2c_athanor *a, u32 h, u64 op, u64 a0, u32 msg, u32 len,
                        u32 res)
{
    struct thread *t = thread_current();
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    const void *p = umem_range(&m, uoff(msg), len); /* read by a guarded copy (call.c) */
    void *rp = umem_range(&m, uoff(res), 8);
    if (!rp || (len && !p))
        return host_leave_on(t, (u32)-ATH_EFAULT);
    if (len > IPC_MSG_MAX)
        return host_leave_on(t, (u32)-ATH_EMSGSIZE);
    struct ipc_call call;
    int r = decode_call(c, h, &call);
    uint64_t result = 0;
    if (r == 0) {
        call.m = (struct ipc_msg){ op, a0, 0, 0 };
        call.msg.data = p;
        call.msg.len = len;
        r = ipc_call(t, c, IPC_MSG, &call, &result);
    }
    return finish_call(c, t, rp, r, &result);
}

/* set_msgbuf(ptr, len): where this server's call_msg messages land. */
u32 w2c_athanor_set_msgbuf(struct w2c_athanor *a, u32 ptr, u32 len)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    if (len > IPC_MSGBUF_MAX)
        return host_leave(c, (u32)-ATH_EINVAL);
    if (!m.data || (uint64_t)ptr + len > m.size)
        return host_leave(c, (u32)-ATH_EFAULT);
    ipc_set_msgbuf(c, ptr, len);
    return host_leave(c, 0);
}

u32 w2c_athanor_serve(struct w2c_athanor *a)
{
    struct component *c = host_enter(&a->h);
    if (!c->image->handle)
        return host_leave(c, (u32)-ATH_ENOSYS);
    ipc_serve(c);
    host_sleep_until(UINT64_MAX); /* calls run on their callers' threads meanwhile */
    return host_leave(c, 0);             /* only reached when asked to stop or reset */
}

/* serve_wait(n, mask, timeout): serve, and run our own events through the
 * handler (ipc_serve_event) as they come. It leaves serving before it
 * returns, so no caller's handler runs beside the code it returns to. */
u32 w2c_athanor_serve_wait(struct w2c_athanor *a, u32 n, u64 mask, u64 timeout)
{
    struct thread *t = thread_current();
    struct component *c = host_enter(&a->h);
    if (!c->image->handle)
        return host_leave_on(t, (u32)-ATH_ENOSYS);
    struct cap_ref note;
    int r = cap_lookup_pin(&c->caps, n, CAP_T_NOTIFICATION, CAP_R_READ, &note);
    if (r)
        return host_leave_on(t, (u32)r);
    ipc_serve(c);
    for (;;) {
        uint64_t now = plat_clock_ns(), got = 0, next = UINT64_MAX;
        r = notify_wait(note.object, mask, timeout > UINT64_MAX - now ? UINT64_MAX : now + timeout,
                        &got);
        if (r) /* asked to stop (host_leave_on unwinds), or n died */
            break;
        r = ipc_serve_event(t, c, got, &next);
        if (r == -ATH_ETIMEDOUT) {
            /* Callers held the endpoint all along (a long call, a server
             * of theirs restarting): the event is not lost, it waits its
             * turn. The bits go back; the timeout fires again at once. */
            if (got)
                notify_signal(note.object, got);
            timeout = 0;
            continue;
        }
        if (r) /* the handler failed: c is being stopped */
            break;
        timeout = next;
    }
    notify_put(note.object);
    ipc_unserve(c);
    return host_leave_on(t, (u32)r);
}

/* self_endpoint() -> a capability to the caller's own endpoint. */
u32 w2c_athanor_self_endpoint(struct w2c_athanor *a)
{
    struct component *c = host_enter(&a->h);
    if (!c->image->handle)
        return host_leave(c, (u32)-ATH_ENOSYS);
    cap_handle_t h;
    int r = ipc_self_endpoint(c, &h);
    return host_leave(c, r ? (u32)r : h);
}

u32 w2c_athanor_lookup(struct w2c_athanor *a, u32 name, u32 len)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    if (!umem_range(&m, uoff(name), len) || len == 0)
        return host_leave(c, (u32)-ATH_EFAULT);
    if (len >= ATH_NAME_MAX)
        return host_leave(c, (u32)-ATH_EINVAL);
    char buf[ATH_NAME_MAX];
    if (!host_get(c, uoff(name), buf, len))
        return host_leave(c, (u32)-ATH_EFAULT);
    buf[len] = '\0';
    /* Only servers the manifest lists for the caller: nothing is ambient. */
    struct component *srv = comp_find(buf);
    if (!srv || !comp_may_call(c->cfg, srv->cfg))
        return host_leave(c, (u32)-ATH_EPERM);
    cap_handle_t h;
    int r = ipc_grant_endpoint(c, srv, &h);
    return host_leave(c, r ? (u32)r : h);
}

/* ---- capabilities and notifications ---- */

static int cap_result(int r, cap_handle_t h)
{
    return r ? r : (int)h;
}

/* notify_create() -> handle with all rights to a new notification; it
 * lives as long as that capability (notify.h). -ATH_EQUOTA over the
 * component's kernel memory quota. */
u32 w2c_athanor_notify_create(struct w2c_athanor *a)
{
    struct component *c = host_enter(&a->h);
    struct notification *n = notify_create();
    if (!n)
        return host_leave(c, (u32)(heap_account_full(&c->kmem, sizeof *n) ? -ATH_EQUOTA : -ATH_ENOMEM));
    cap_handle_t h;
    int r = cap_insert(&c->caps, CAP_T_NOTIFICATION, CAP_R_ALL, n, 0, &h);
    if (r) {
        notify_put(n);
        return host_leave(c, (u32)r);
    }
    return host_leave(c, h);
}

/* notify_signal(h, bits): needs the write right. */
u32 w2c_athanor_notify_signal(struct w2c_athanor *a, u32 h, u64 bits)
{
    struct component *c = host_enter(&a->h);
    struct cap_ref cap;
    int r = cap_lookup_pin(&c->caps, h, CAP_T_NOTIFICATION, CAP_R_WRITE, &cap);
    if (r == 0) {
        notify_signal(cap.object, bits);
        notify_put(cap.object);
    }
    return host_leave(c, (u32)r);
}

/* notify_wait(h, mask, timeout_ns, bits_ptr): needs the read right; writes
 * the bits taken (0 on timeout). -ATH_ESTALE if the notification dies
 * (its owner deleted it or stopped) before or while waiting. */
u32 w2c_athanor_notify_wait(struct w2c_athanor *a, u32 h, u64 mask, u64 timeout, u32 out)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    if (!umem_range(&m, uoff(out), 8))
        return host_leave(c, (u32)-ATH_EFAULT);
    struct cap_ref cap;
    int r = cap_lookup_pin(&c->caps, h, CAP_T_NOTIFICATION, CAP_R_READ, &cap);
    if (r)
        return host_leave(c, (u32)r);
    uint64_t now = plat_clock_ns(), got = 0;
    r = notify_wait(cap.object, mask, timeout > UINT64_MAX - now ? UINT64_MAX : now + timeout, &got);
    notify_put(cap.object);
    host_put(c, uoff(out), &got, 8);
    return host_leave(c, (u32)r);
}

/* cap_derive(h, rights, badge) -> a new handle in the caller's table. */
u32 w2c_athanor_cap_derive(struct w2c_athanor *a, u32 h, u32 rights, u64 badge)
{
    struct component *c = host_enter(&a->h);
    cap_handle_t out;
    int r = cap_derive(&c->caps, h, rights, badge, &c->caps, &out);
    return host_leave(c, (u32)cap_result(r, out));
}

/* cap_find(type, n) -> the handle of the n-th capability of that type in the
 * caller's own table (what the manifest granted), or -ATH_ENOENT. */
u32 w2c_athanor_cap_find(struct w2c_athanor *a, u32 type, u32 n)
{
    struct component *c = host_enter(&a->h);
    if (type == CAP_T_NONE || type >= CAP_T_COUNT)
        return host_leave(c, (u32)-ATH_EINVAL);
    cap_handle_t out;
    int r = cap_nth(&c->caps, (enum cap_type)type, n, &out);
    return host_leave(c, (u32)cap_result(r, out));
}

/* cap_derive_range(h, rights, off, len) -> a copy covering part of a range
 * capability (I/O ports, MMIO, DMA quota), in the caller's own table. */
u32 w2c_athanor_cap_derive_range(struct w2c_athanor *a, u32 h, u32 rights, u64 off, u64 len)
{
    struct component *c = host_enter(&a->h);
    cap_handle_t out;
    int r = cap_derive_range(&c->caps, h, rights, off, len, &c->caps, &out);
    return host_leave(c, (u32)cap_result(r, out));
}

/* cap_info(h, out) -> writes struct ath_cap_info of a capability in the
 * caller's own table (base/len: what a range capability covers; an IRQ's
 * line). */
u32 w2c_athanor_cap_info(struct w2c_athanor *a, u32 h, u32 out)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    if (!umem_range(&m, uoff(out), sizeof(struct ath_cap_info)))
        return host_leave(c, (u32)-ATH_EFAULT);
    struct cap_ref ref;
    int r = cap_lookup(&c->caps, h, CAP_T_NONE, 0, &ref);
    if (r == 0) {
        struct ath_cap_info rec = { .type = ref.type, .rights = ref.rights, .base = ref.base,
                                    .len = ref.len };
        r = host_put(c, uoff(out), &rec, sizeof rec) ? 0 : -ATH_EFAULT;
    }
    return host_leave(c, (u32)r);
}

/* Inside a call's handler: the component whose call this is (the
 * activation below the caller's own), or NULL. */
static struct component *calling(struct thread *t)
{
    const struct activation *a = t->act;
    return a && a->below ? a->below->comp : NULL; /* the base activation has none */
}

/* caller_name(buf, len) -> inside a call's handler: the name of the
 * component whose call this is (NUL-terminated into buf), its length; a
 * server that gives out resources by name (the PCI service) asks this. */
u32 w2c_athanor_caller_name(struct w2c_athanor *a, u32 buf, u32 len)
{
    struct thread *t = thread_current();
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    if (!umem_range(&m, uoff(buf), len) || len == 0)
        return host_leave_on(t, (u32)-ATH_EFAULT);
    struct component *caller = calling(t);
    if (!caller)
        return host_leave_on(t, (u32)-ATH_EINVAL); /* not inside a call */
    char name[ATH_NAME_MAX];
    kstrlcpy(name, caller->cfg->name, MIN((size_t)len, sizeof name));
    size_t n = strlen(name);
    return host_leave_on(t, host_put(c, uoff(buf), name, n + 1) ? (u32)n : (u32)-ATH_EFAULT);
}

/* caller_net(out, max) -> inside a call's handler: the network rules the
 * caller's starter gave it (kernel/load/app.c checked them), which the net
 * service adds to what its manifest's net key allows. How many it has; at
 * most max copied. */
u32 w2c_athanor_caller_net(struct w2c_athanor *a, u32 out, u32 max)
{
    struct thread *t = thread_current();
    struct component *c = host_enter(&a->h);
    struct component *caller = calling(t);
    if (!caller)
        return host_leave_on(t, (u32)-ATH_EINVAL); /* not inside a call */
    const struct comp_config *cfg = caller->cfg;
    uint32_t n = MIN(max, (uint32_t)cfg->nnet);
    struct umem m = host_mem(c);
    if (n && !umem_range(&m, uoff(out), (uint64_t)n * sizeof *cfg->net))
        return host_leave_on(t, (u32)-ATH_EFAULT);
    if (n && !host_put(c, uoff(out), cfg->net, n * sizeof *cfg->net))
        return host_leave_on(t, (u32)-ATH_EFAULT);
    return host_leave_on(t, cfg->nnet);
}

/* reply_grant(h) -> inside a call's handler: copy capability h (grant right)
 * into the caller's table; returns the caller's handle to it, which the
 * handler passes back as (part of) its result. */
u32 w2c_athanor_reply_grant(struct w2c_athanor *a, u32 h)
{
    struct thread *t = thread_current();
    struct component *c = host_enter(&a->h);
    struct component *caller = calling(t);
    if (!caller)
        return host_leave_on(t, (u32)-ATH_EINVAL); /* not inside a call */
    cap_handle_t out;
    int r = cap_grant(&c->caps, h, &caller->caps, &out);
    return host_leave_on(t, (u32)cap_result(r, out));
}

u32 w2c_athanor_cap_revoke(struct w2c_athanor *a, u32 h)
{
    struct component *c = host_enter(&a->h);
    return host_leave(c, (u32)cap_revoke(&c->caps, h));
}

u32 w2c_athanor_cap_delete(struct w2c_athanor *a, u32 h)
{
    struct component *c = host_enter(&a->h);
    return host_leave(c, (u32)cap_delete(&c->caps, h));
}

/* call_grant(h, op, a0, a1, cap, result_ptr): a call that also passes a
 * capability (grant right needed); the server gets its new handle in a2. */
u32 w2c_athanor_call_grant(struct w2c_athanor *a, u32 h, u64 op, u64 a0, u64 a1, u32 give,
                          u32 res)
{
    struct thread *t = thread_current();
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    void *rp = umem_range(&m, uoff(res), 8);
    if (!rp)
        return host_leave_on(t, (u32)-ATH_EFAULT);
    struct ipc_call call;
    int r = decode_call(c, h, &call);
    if (r == 0)
        r = cap_lookup(&c->caps, give, CAP_T_NONE, CAP_R_GRANT, NULL);
    uint64_t result = 0;
    if (r == 0) {
        call.m = (struct ipc_msg){ op, a0, a1, 0 };
        call.give = give;
        r = ipc_call(t, c, IPC_GRANT, &call, &result);
    }
    return finish_call(c, t, rp, r, &result);
}

/* Decode a lend of [ptr, ptr + len) of the caller's memory: page aligned,
 * at most IPC_LEND_MAX; its own memory, or part of a lend it is serving,
 * lent on (a service forwarding its client's buffer to a driver): never
 * transferred, since it must go back, and never more writable than it was
 * lent. */
static int decode_lend(struct thread *t, struct component *c, u32 ptr, u32 len, bool writable,
                       bool transfer, struct ipc_call *call)
{
    if (((ptr | len) & (PAGE_SIZE - 1)) || len == 0 || len > IPC_LEND_MAX)
        return -ATH_EINVAL;
    const struct activation *ca = t->act; /* the caller's activation: what it serves */
    uint32_t lent_len = ca && ca->comp == c ? ca->lent_len : 0;
    bool lent_writable = lent_len && ca->lent_writable;
    bool nested = (uint64_t)ptr + len > c->rt.range.committed;
    if (nested && !(lent_len && ptr >= IPC_LEND_WINDOW &&
                    (uint64_t)ptr + len <= (uint64_t)IPC_LEND_WINDOW + lent_len &&
                    !transfer && (!writable || lent_writable)))
        return -ATH_EFAULT;
    call->lend.ptr = ptr;
    call->lend.len = len;
    call->lend.nested = nested;
    call->lend.nested_writable = lent_writable;
    return 0;
}

/* call_lend(h, op, a0, ptr, len, flags, result_ptr): flags ATH_LEND_RW =
 * the server may write, ATH_LEND_TRANSFER = the pages move to the server
 * for good. */
u32 w2c_athanor_call_lend(struct w2c_athanor *a, u32 h, u64 op, u64 a0, u32 ptr, u32 len,
                         u32 flags, u32 res)
{
    struct thread *t = thread_current();
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    void *rp = umem_range(&m, uoff(res), 8);
    if (!rp)
        return host_leave_on(t, (u32)-ATH_EFAULT);
    if (flags & ~(ATH_LEND_RW | ATH_LEND_TRANSFER))
        return host_leave_on(t, (u32)-ATH_EINVAL);
    /* the result must not sit in the range that leaves us */
    if ((uint64_t)res + 8 > ptr && res < (uint64_t)ptr + len)
        return host_leave_on(t, (u32)-ATH_EINVAL);
    bool transfer = flags & ATH_LEND_TRANSFER, writable = flags & ATH_LEND_RW;
    enum ipc_mode mode = transfer ? IPC_TRANSFER : writable ? IPC_LEND_RW : IPC_LEND_RO;
    struct ipc_call call;
    int r = decode_lend(t, c, ptr, len, writable, transfer, &call);
    if (r == 0)
        r = decode_call(c, h, &call);
    uint64_t result = 0;
    if (r == 0) {
        call.m = (struct ipc_msg){ op, a0, 0, 0 };
        r = ipc_call(t, c, mode, &call, &result);
    }
    return finish_call(c, t, rp, r, &result);
}
