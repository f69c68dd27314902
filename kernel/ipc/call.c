/* Synchronous calls (see ipc.h). The caller's thread becomes the server's
 * for the duration: serve_on pushes the server's activation (component.h)
 * on the caller's thread, so its faults, traps and stops are the server's;
 * a trap unwinds to serve_on (the activation's jmp), is reported as the
 * server's fault, stops the server (its restart policy applies) and returns
 * -ATH_EPEERFAILED to the caller. The CPU time is the caller's (its
 * thread's owner pays, see comp/component.c).
 *
 * Locking: one call at a time per server (its instance has one shadow
 * stack): the endpoint's holder is taken with one compare-and-swap, callers
 * that find it taken wait on ep->wq under ep->lock (see acquire/release). */
#include <athanor/errors.h>
#include <athanor/ipc.h>
#include <athanor/klib.h>
#include <athanor/umem.h>
#include <wasm-rt.h>


/* Is the server in a state to run a call made through a cap of obj_gen, and
 * is the caller not stopping itself? (After the endpoint is taken: see
 * component.c on why a stop request cannot be missed.) */
static inline int check_server(struct component *caller, struct component *srv, uint32_t obj_gen)
{
    if (srv->generation != obj_gen)
        return -ATH_EPEERRESTARTED;
    if (srv->state != COMP_RUNNING || !__atomic_load_n(&srv->serving, __ATOMIC_SEQ_CST) ||
        __atomic_load_n(&srv->kill_pending, __ATOMIC_SEQ_CST))
        return -ATH_EPEERFAILED;
    if (caller && __atomic_load_n(&caller->kill_pending, __ATOMIC_RELAXED))
        return -ATH_EINTR; /* it stops at its host call's end */
    return 0;
}

/* The endpoint's holder is taken with one compare-and-swap when nobody
 * waits (the common case: no lock). Waiters count themselves in nwaiters
 * and sleep under ep->lock; release wakes them only if there are any.
 * Both sides use sequentially consistent operations, so a releaser either
 * sees a waiter's count or the waiter sees the holder cleared (no lost
 * wake-up), and a draining server either sees a holder or the caller sees
 * serving cleared. */
static void wake_waiters(struct endpoint *ep)
{
    irqflags_t f = spin_lock_irqsave(&ep->lock); /* a waiter that counted itself is queued */
    spin_unlock_irqrestore(&ep->lock, f);
    waitq_wake(&ep->wq, WAKE_ALL);
}

static inline void release(struct endpoint *ep)
{
    __atomic_store_n(&ep->holder, NULL, __ATOMIC_SEQ_CST);
    if (__builtin_expect(__atomic_load_n(&ep->nwaiters, __ATOMIC_SEQ_CST) != 0, 0))
        wake_waiters(ep);
}

static inline bool try_take(struct endpoint *ep, struct thread *t)
{
    struct thread *none = NULL;
    return __atomic_compare_exchange_n(&ep->holder, &none, t, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}

/* The endpoint was taken: queue up (FIFO) until it is free, the timeout, or
 * the caller is asked to stop. A thread already holding it (the server is
 * serving this thread's call further down) would wait for itself. */
static int wait_for_endpoint(struct endpoint *ep, struct thread *t, uint64_t timeout_ns)
{
    irqflags_t f = spin_lock_irqsave(&ep->lock);
    __atomic_fetch_add(&ep->nwaiters, 1, __ATOMIC_SEQ_CST);
    ep->waits++;
    int r = 0;
    uint64_t deadline = 0; /* read the clock only if we have to wait */
    while (r == 0 && !try_take(ep, t)) {
        if (__atomic_load_n(&ep->holder, __ATOMIC_SEQ_CST) == t) {
            r = -ATH_EDEADLK;
            break;
        }
        if (!deadline)
            deadline = plat_clock_ns() + timeout_ns;
        r = waitq_wait_intr(&ep->wq, &ep->lock, deadline);
    }
    __atomic_fetch_sub(&ep->nwaiters, 1, __ATOMIC_SEQ_CST);
    spin_unlock_irqrestore(&ep->lock, f);
    return r;
}

static inline int acquire(struct endpoint *ep, struct thread *t, struct component *caller,
                          uint32_t obj_gen, uint64_t timeout_ns)
{
    if (__builtin_expect(!try_take(ep, t), 0)) {
        int r = wait_for_endpoint(ep, t, timeout_ns);
        if (r)
            return r;
    }
    int r = check_server(caller, ep->server, obj_gen);
    if (__builtin_expect(r != 0, 0))
        release(ep);
    return r;
}

/* The caller's thread becomes the server's for the handler (ep is held):
 * the server's activation goes on top of t, the handler runs, a trap or
 * stop of the server unwinds to the setjmp here. One function, not
 * inlined: the setjmp makes it save every register, which its callers
 * should not pay for on their other paths. Nothing set before the setjmp
 * changes after it, so nothing is lost by the unwinding. */
static __attribute__((noinline)) int serve_on(struct thread *t, struct component *srv,
                                              uint64_t badge, const struct ipc_msg *m,
                                              uint32_t lent_len, bool lent_writable,
                                              uint64_t *result)
{
    /* Not zero-initialised: the jmp buffer is filled by the setjmp. */
    struct activation a;
    uintptr_t base = (uintptr_t)t->stack.base;
    if ((uintptr_t)__builtin_frame_address(0) < base + srv->ep.need_off)
        return -ATH_ESTACK;
    a.comp = srv;
    a.stack_limit = base + srv->ep.limit_off;
    a.lent_len = lent_len;
    a.lent_writable = lent_writable;
    uintptr_t limit_below = rt_stack_limit();
    struct component *comp_below = t->comp;
    struct kmem_account *acct_below = t->kacct;
    comp_act_push(t, &a);
    rt_set_stack_limit(a.stack_limit);
    int r = 0;
    if (__builtin_setjmp(a.jmp) == 0) {
        t->in_wasm = true;
        *result = srv->ep.handle(srv->instance, badge, m->op, m->a0, m->a1, m->a2);
        t->in_wasm = false;
    } else {
        /* Its activation unwound: a trap of its own (report it, stop it on
         * every thread), or a stop someone asked for. Either way the call
         * failed; the caller goes on. */
        t->in_wasm = false;
        plat_irq_enable(); /* a trap from the interrupt-exit path arrives with interrupts off */
        if (comp_is_fault(srv->trap))
            comp_report_fault(srv);
        comp_request_stop(srv, srv->trap);
        r = -ATH_EPEERFAILED;
    }
    rt_set_stack_limit(limit_below);
    comp_act_restore(t, a.below, comp_below, acct_below);
    return r;
}

/* Check the caller's endpoint capability h and take the endpoint: on 0,
 * *cap is the capability and the server is serving and held by us until
 * release(cap->object). Always inline: it is on the null call's path, and
 * gcc outlines it once it has a third caller (36 instructions more per
 * call, bench/icount.py). */
static inline __attribute__((always_inline)) int take(struct thread *t, struct component *caller,
                                                      cap_handle_t h, uint64_t timeout_ns,
                                                      struct cap_ref *cap)
{
    int r = cap_lookup(&caller->caps, h, CAP_T_ENDPOINT, CAP_R_CALL, cap);
    if (r)
        return r;
    struct endpoint *ep = cap->object;
    if (!ep->handle)
        return -ATH_ENOSYS; /* the server exports no handler */
    return acquire(ep, t, caller, cap->obj_gen, timeout_ns);
}

int ipc_call_on(struct thread *t, struct component *caller, cap_handle_t h,
                const struct ipc_msg *m, uint64_t timeout_ns, uint64_t *result)
{
    struct cap_ref cap;
    int r = take(t, caller, h, timeout_ns, &cap);
    if (r)
        return r;
    struct endpoint *ep = cap.object;
    r = serve_on(t, ep->server, cap.badge, m, 0, false, result);
    release(ep);
    return r;
}

int ipc_set_msgbuf(struct component *srv, uint32_t off, uint32_t len)
{
    if (len > IPC_MSG_MAX)
        return -ATH_EINVAL;
    const wasm_rt_memory_t *mem = srv->rtmem;
    if (!mem || (uint64_t)off + len > mem->size)
        return -ATH_EFAULT;
    srv->msgbuf = off;
    srv->msgbuf_len = len;
    return 0;
}

int ipc_call_msg(struct thread *t, struct component *caller, cap_handle_t h, uint64_t op,
                 uint64_t a0, const void *msg, uint32_t len, uint64_t timeout_ns,
                 uint64_t *result)
{
    struct cap_ref cap;
    int r = take(t, caller, h, timeout_ns, &cap);
    if (r)
        return r;
    /* Serving, and held by us: its buffer and memory stay put until release. */
    struct endpoint *ep = cap.object;
    struct component *srv = ep->server;
    const wasm_rt_memory_t *mem = srv->rtmem;
    if (len > srv->msgbuf_len || !mem || (uint64_t)srv->msgbuf + len > mem->size) {
        release(ep);
        return -ATH_EMSGSIZE;
    }
    /* Guarded: a page on either side may be missing (lent or given away,
     * athanor/umem.h); then the call fails, the kernel does not. */
    if (umem_copy(mem->data + srv->msgbuf, msg, len) != 0) {
        release(ep);
        return -ATH_EFAULT;
    }
    struct ipc_msg m = { op, a0, len, 0 };
    r = serve_on(t, srv, cap.badge, &m, 0, false, result);
    release(ep);
    return r;
}

int ipc_call(struct component *caller, cap_handle_t h, const struct ipc_msg *m,
             uint64_t timeout_ns, uint64_t *result)
{
    return ipc_call_on(thread_current(), caller, h, m, timeout_ns, result);
}

int ipc_call_grant(struct component *caller, cap_handle_t h, uint64_t op, uint64_t a0,
                   uint64_t a1, cap_handle_t give, uint64_t timeout_ns, uint64_t *result)
{
    /* One lookup, and the grant only once the endpoint is ours: a copy
     * does not sit in the server's table while we wait for a busy server. */
    struct thread *t = thread_current();
    struct cap_ref cap;
    int r = take(t, caller, h, timeout_ns, &cap);
    if (r)
        return r;
    struct endpoint *ep = cap.object;
    struct component *srv = ep->server;
    cap_handle_t given;
    if ((r = cap_grant(&caller->caps, give, &srv->caps, &given)) != 0) {
        release(ep);
        return r;
    }
    struct ipc_msg m = { op, a0, a1, given };
    r = serve_on(t, srv, cap.badge, &m, 0, false, result);
    if (r)
        cap_delete(&srv->caps, given); /* the server never saw it, or failed with it */
    release(ep);
    return r;
}

int ipc_call_lend(struct component *caller, cap_handle_t h, uint64_t op, uint64_t a0,
                  uint32_t ptr, uint32_t len, bool writable, bool transfer, uint64_t timeout_ns,
                  uint64_t *result)
{
    if (((ptr | len) & (PAGE_SIZE - 1)) || len == 0 || len > IPC_LEND_MAX)
        return -ATH_EINVAL;
    /* Only the caller's own memory, or part of a lend it is serving, lent on
     * (a service forwarding its client's buffer to a driver): never
     * transferred, since it must go back, and never more writable than it
     * was lent. */
    struct thread *t = thread_current();
    const struct activation *ca = t->act; /* the caller's activation: what it serves */
    uint32_t lent_len = ca && ca->comp == caller ? ca->lent_len : 0;
    bool lent_writable = lent_len && ca->lent_writable;
    bool nested = (uint64_t)ptr + len > caller->mem.committed;
    if (nested && !(lent_len && ptr >= IPC_LEND_WINDOW &&
                    (uint64_t)ptr + len <= (uint64_t)IPC_LEND_WINDOW + lent_len &&
                    !transfer && (!writable || lent_writable)))
        return -ATH_EFAULT;
    struct cap_ref cap;
    int r = take(t, caller, h, timeout_ns, &cap);
    if (r)
        return r;
    struct endpoint *ep = cap.object;
    struct component *srv = ep->server;
    /* The server is serving and cannot be torn down while we hold the endpoint. */
    uint32_t where = IPC_LEND_WINDOW;
    if (transfer) {
        if (!srv->transfer_next)
            srv->transfer_next = IPC_TRANSFER_AREA;
        if ((uint64_t)srv->transfer_next + len > IPC_TRANSFER_END) {
            release(ep);
            return -ATH_ENOMEM;
        }
        where = srv->transfer_next;
    }
    r = plat_vrange_move(&caller->mem, ptr, &srv->mem, where, len, writable || transfer);
    if (r) {
        release(ep);
        return r;
    }
    if (transfer)
        srv->transfer_next += len;
    struct ipc_msg m = { op, a0, len, where };
    /* The server may lend a lend on (see above); the endpoint serialises. */
    r = serve_on(t, srv, cap.badge, &m, transfer ? 0 : len, writable, result);
    if (!transfer) { /* take the lent pages back, whatever happened, as writable as before */
        int back = plat_vrange_move(&srv->mem, where, &caller->mem, ptr, len,
                                    nested ? lent_writable : true);
        if (back)
            kpanic("ipc: cannot take back lent memory (%d)", back);
        caller->lends++;
    }
    release(ep);
    return r;
}

/* An endpoint capability to srv in the caller's table. */
static int grant_endpoint(struct component *caller, struct component *srv, cap_handle_t *out)
{
    /* The badge tells the server which component calls (its manifest index + 1). */
    uint64_t badge = (uint64_t)(caller - comp_at(0)) + 1;
    return cap_insert_gen(&caller->caps, CAP_T_ENDPOINT, CAP_R_CALL, &srv->ep, badge,
                          srv->generation, out);
}

int ipc_lookup(struct component *caller, const char *name, cap_handle_t *out)
{
    /* Only servers the manifest lists for the caller: nothing is ambient. */
    struct component *srv = comp_find(name);
    if (!srv || !comp_may_call(caller->cfg, srv->cfg))
        return -ATH_EPERM;
    return grant_endpoint(caller, srv, out);
}

void ipc_grant_manifest(struct component *c)
{
    for (unsigned i = 0; i < c->cfg->ncalls; i++) {
        struct component *srv = comp_at(c->cfg->calls[i]);
        cap_handle_t h;
        if (grant_endpoint(c, srv, &h) != 0)
            kprintf("comp %s: cannot grant its endpoint to %s\n", srv->cfg->name, c->cfg->name);
    }
}

void ipc_drain(struct component *c)
{
    struct endpoint *ep = &c->ep;
    __atomic_store_n(&c->serving, false, __ATOMIC_SEQ_CST); /* no new calls */
    /* A caller running its handler was nudged by the stop request that
     * brought us here: it unwinds (at once, or after the grace of whatever
     * runs above it). Not interruptible: c's own thread must see it end. */
    irqflags_t f = spin_lock_irqsave(&ep->lock);
    __atomic_fetch_add(&ep->nwaiters, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&ep->holder, __ATOMIC_SEQ_CST))
        waitq_wait(&ep->wq, &ep->lock, UINT64_MAX);
    __atomic_fetch_sub(&ep->nwaiters, 1, __ATOMIC_SEQ_CST);
    spin_unlock_irqrestore(&ep->lock, f);
}
