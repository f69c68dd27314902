/* Synchronous calls (see ipc.h): invoke, on what decode (ipc/hostcalls.c)
 * checked, in one entry point for every mode. The caller's thread becomes the server's
 * for the duration: serve_on pushes the server's activation (component.h)
 * on the caller's thread, so its faults, traps and stops are the server's;
 * a trap unwinds to serve_on (the activation's jmp), is reported as the
 * server's fault, stops the server (its restart policy applies) and returns
 * -ATH_EPEERFAILED to the caller. The CPU time is the caller's (its
 * thread's owner pays, see comp/trap.c).
 *
 * Locking: one call at a time per server (its instance has one shadow
 * stack): the endpoint's holder is taken by a test and a plain store the
 * scheduler does not preempt, released by a plain store; callers that
 * find it taken wait on ep->wq under ep->lock (see acquire/release). */
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/ipc.h>
#include <athanor/klib.h>
#include <athanor/umem.h>
#include <wasm-rt.h>


/* Is the server in a state to run a call made through a cap of obj_gen, and
 * is the caller not stopping itself? (After the endpoint is taken: see
 * comp/trap.c on why a stop request cannot be missed.) */
static inline int check_server(struct component *caller, struct component *srv, uint32_t obj_gen)
{
    if (srv->generation != obj_gen)
        return -ATH_EPEERRESTARTED;
    if (srv->state != COMP_RUNNING || !__atomic_load_n(&srv->ipc.serving, __ATOMIC_SEQ_CST) ||
        __atomic_load_n(&srv->trap.pending, __ATOMIC_SEQ_CST))
        return -ATH_EPEERFAILED;
    if (caller && __atomic_load_n(&caller->trap.pending, __ATOMIC_RELAXED))
        return -ATH_EINTR; /* it stops at its host call's end */
    return 0;
}

/* The endpoint's hand-over, without a locked instruction: Athanor runs on
 * one CPU, where the only other party is whatever preempts this thread (a
 * thread or an interrupt on the same CPU). So taking is a test and a store
 * in a section the scheduler does not preempt (sched.h), and releasing is
 * a store. Waiters count themselves in nwaiters and sleep under ep->lock
 * (interrupts off); release wakes them only if there are any. What the
 * seq_cst atomics ordered before, program order on one CPU orders now, as
 * long as the compiler keeps it (the signal fences): a releaser either
 * sees a waiter's count or the waiter, which counted itself with
 * interrupts off, then saw the holder cleared (no lost wake-up); a
 * draining server (ipc_unserve) either sees a holder or the caller sees
 * serving cleared; a stop request either sees the holder or the caller
 * sees trap.pending (comp/trap.c).
 *
 * With more than one CPU this stays as it is on each CPU, and an endpoint
 * gets an owning CPU instead of a global atomic: its server's affinity. A
 * caller on that CPU takes it as here; a caller elsewhere migrates to it
 * first (the migrating thread moves, the call does not get a lock). */
static void wake_waiters(struct endpoint *ep)
{
    irqflags_t f = spin_lock_irqsave(&ep->lock); /* a waiter that counted itself is queued */
    spin_unlock_irqrestore(&ep->lock, f);
    waitq_wake(&ep->wq, WAKE_ALL);
}

static inline void release(struct endpoint *ep)
{
    __atomic_store_n(&ep->holder, NULL, __ATOMIC_RELAXED);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    if (__builtin_expect(__atomic_load_n(&ep->nwaiters, __ATOMIC_RELAXED) != 0, 0))
        wake_waiters(ep);
}

/* Take ep if it is free: the caller excludes preemption (a nopreempt
 * section, or interrupts off under ep->lock). */
static inline bool try_take(struct endpoint *ep, struct thread *t)
{
    if (__atomic_load_n(&ep->holder, __ATOMIC_RELAXED))
        return false;
    __atomic_store_n(&ep->holder, t, __ATOMIC_RELAXED);
    return true;
}

/* The endpoint was taken: queue up (FIFO) until it is free, the timeout, or
 * the caller is asked to stop. A thread already holding it (the server is
 * serving this thread's call further down) would wait for itself. */
static int wait_for_endpoint(struct endpoint *ep, struct thread *t)
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
            deadline = plat_clock_ns() + IPC_WAIT_NS;
        r = waitq_wait_intr(&ep->wq, &ep->lock, deadline);
    }
    __atomic_fetch_sub(&ep->nwaiters, 1, __ATOMIC_SEQ_CST);
    spin_unlock_irqrestore(&ep->lock, f);
    return r;
}

static inline int acquire(struct endpoint *ep, struct thread *t, struct component *caller,
                          uint32_t obj_gen)
{
    thread_nopreempt_begin(t);
    bool took = try_take(ep, t);
    thread_nopreempt_end(t);
    if (__builtin_expect(!took, 0)) {
        int r = wait_for_endpoint(ep, t);
        if (r)
            return r;
    }
    __atomic_signal_fence(__ATOMIC_SEQ_CST); /* the holder published before the server is checked */
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
    if ((uintptr_t)__builtin_frame_address(0) < base + srv->ipc.ep.need_off)
        return -ATH_ESTACK;
    a.comp = srv;
    a.stack_limit = base + srv->ipc.ep.limit_off;
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
        *result = srv->ipc.ep.handle(srv->rt.instance, badge, m->op, m->a0, m->a1, m->a2);
        t->in_wasm = false;
    } else {
        /* Its activation unwound: a trap of its own (report it, stop it on
         * every thread), or a stop someone asked for. Either way the call
         * failed; the caller goes on. */
        t->in_wasm = false;
        plat_irq_enable(); /* a trap from the interrupt-exit path arrives with interrupts off */
        enum trap_kind kind = srv->trap.kind;
        if (comp_is_fault(kind))
            comp_report_fault(srv);
        comp_request_stop(srv, kind);
        r = -ATH_EPEERFAILED;
    }
    rt_set_stack_limit(limit_below);
    comp_act_restore(t, a.below, comp_below, acct_below);
    return r;
}

/* ---- the modes: what happens around the handler, endpoint held ----
 *
 * Each runs with the endpoint held (the server is serving and cannot be
 * torn down meanwhile) and leaves releasing it to ipc_call. Not inlined:
 * inside ipc_call their registers and stack would cost the plain call,
 * the common one (bench/icount.py counts it). */

/* MSG: copy the message into the server's buffer (the only copy). */
static __attribute__((noinline)) int call_msg(struct thread *t, struct component *srv, const struct ipc_call *call,
                    uint64_t *result)
{
    /* Its buffer and memory stay put until release: checked now, as the
     * buffer was registered for a memory that may have changed since. */
    const wasm_rt_memory_t *mem = srv->rt.memory;
    uint32_t len = call->msg.len;
    if (len > srv->ipc.msgbuf_len || !mem || (uint64_t)srv->ipc.msgbuf + len > mem->size)
        return -ATH_EMSGSIZE;
    /* Guarded: a page on either side may be missing (lent or given away,
     * athanor/umem.h); then the call fails, the kernel does not. */
    if (umem_copy(mem->data + srv->ipc.msgbuf, call->msg.data, len) != 0)
        return -ATH_EFAULT;
    struct ipc_msg m = { call->m.op, call->m.a0, len, 0 };
    return serve_on(t, srv, call->badge, &m, 0, false, result);
}

/* GRANT: copy the capability into the server's table first; it goes again
 * if the server never saw it or failed with it. cap_grant checks its grant
 * right again, under the capability lock, as part of the copy: it fails
 * only if the capability was revoked since decode, or for the caller's
 * grant quota (-ATH_EQUOTA). */
static __attribute__((noinline)) int call_grant(struct thread *t, struct component *caller, struct component *srv,
                      const struct ipc_call *call, uint64_t *result)
{
    cap_handle_t given;
    int r = cap_grant(&caller->caps, call->give, &srv->caps, &given);
    if (r)
        return r;
    struct ipc_msg m = { call->m.op, call->m.a0, call->m.a1, given };
    r = serve_on(t, srv, call->badge, &m, 0, false, result);
    if (r)
        cap_delete(&srv->caps, given);
    return r;
}

/* LEND_RO, LEND_RW, TRANSFER: move the pages to the server's lend window
 * (or transfer area), run the handler, take a lend back. */
static __attribute__((noinline)) int call_lend(struct thread *t, struct component *caller, struct component *srv,
                     enum ipc_mode mode, const struct ipc_call *call, uint64_t *result)
{
    bool transfer = mode == IPC_TRANSFER, writable = mode == IPC_LEND_RW;
    uint32_t ptr = call->lend.ptr, len = call->lend.len;
    uint32_t where = IPC_LEND_WINDOW;
    if (transfer) {
        if (!srv->ipc.transfer_next)
            srv->ipc.transfer_next = IPC_TRANSFER_AREA;
        if ((uint64_t)srv->ipc.transfer_next + len > IPC_TRANSFER_END)
            return -ATH_ENOMEM;
        where = srv->ipc.transfer_next;
    }
    int r = plat_vrange_move(&caller->rt.range, ptr, &srv->rt.range, where, len,
                             writable || transfer);
    if (r)
        return r;
    if (transfer)
        srv->ipc.transfer_next += len;
    struct ipc_msg m = { call->m.op, call->m.a0, len, where };
    /* The server may lend a lend on (decode checked it may); the endpoint serialises. */
    r = serve_on(t, srv, call->badge, &m, transfer ? 0 : len, writable, result);
    if (!transfer) { /* take the lent pages back, whatever happened, as writable as before */
        int back = plat_vrange_move(&srv->rt.range, where, &caller->rt.range, ptr, len,
                                    call->lend.nested ? call->lend.nested_writable : true);
        if (back)
            kpanic("ipc: cannot take back lent memory (%d)", back);
        caller->ipc.lends++;
    }
    return r;
}

int ipc_call(struct thread *t, struct component *caller, enum ipc_mode mode,
             const struct ipc_call *call, uint64_t *result)
{
    struct endpoint *ep = call->ep;
    if (__builtin_expect(!ep->handle, 0))
        return -ATH_ENOSYS; /* the server exports no handler */
    int r = acquire(ep, t, caller, call->obj_gen);
    if (r)
        return r;
    struct component *srv = ep->server;
    if (__builtin_expect(mode == IPC_PLAIN, 1)) {
        r = serve_on(t, srv, call->badge, &call->m, 0, false, result);
    } else if (mode == IPC_MSG) {
        r = call_msg(t, srv, call, result);
    } else if (mode == IPC_GRANT) {
        r = call_grant(t, caller, srv, call, result);
    } else {
        r = call_lend(t, caller, srv, mode, call, result);
    }
    release(ep);
    return r;
}

void ipc_set_msgbuf(struct component *srv, uint32_t off, uint32_t len)
{
    srv->ipc.msgbuf = off;
    srv->ipc.msgbuf_len = len;
}

void ipc_serve(struct component *srv)
{
    __atomic_store_n(&srv->ipc.serving, true, __ATOMIC_SEQ_CST);
}

void ipc_unserve(struct component *c)
{
    struct endpoint *ep = &c->ipc.ep;
    __atomic_store_n(&c->ipc.serving, false, __ATOMIC_SEQ_CST); /* no new calls */
    /* A caller running its handler finishes (or, at a stop, was nudged by
     * the stop request: it unwinds at once, or after the grace of whatever
     * runs above it). Not interruptible: c's own thread must see it end
     * before it runs c's code again or frees its instance. */
    irqflags_t f = spin_lock_irqsave(&ep->lock);
    __atomic_fetch_add(&ep->nwaiters, 1, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&ep->holder, __ATOMIC_SEQ_CST))
        waitq_wait(&ep->wq, &ep->lock, UINT64_MAX);
    __atomic_fetch_sub(&ep->nwaiters, 1, __ATOMIC_SEQ_CST);
    spin_unlock_irqrestore(&ep->lock, f);
}

int ipc_serve_event(struct thread *t, struct component *srv, uint64_t bits, uint64_t *result)
{
    /* A call like any other (the endpoint serialises it with the callers'),
     * from the server's own thread, whose base activation lies below. */
    struct ipc_call call = { .ep = &srv->ipc.ep, .badge = 0, .obj_gen = srv->generation,
                             .m = { ATH_OP_EVENT, bits, 0, 0 } };
    return ipc_call(t, srv, IPC_PLAIN, &call, result);
}

/* The badge tells the server which component calls (its manifest index + 1). */
static uint64_t badge_of(struct component *c)
{
    return (uint64_t)(c - comp_at(0)) + 1;
}

int ipc_grant_endpoint(struct component *caller, struct component *srv, cap_handle_t *out)
{
    return cap_insert_gen(&caller->caps, CAP_T_ENDPOINT, CAP_R_CALL, &srv->ipc.ep, badge_of(caller),
                          srv->generation, out);
}

int ipc_self_endpoint(struct component *srv, cap_handle_t *out)
{
    return cap_insert_gen(&srv->caps, CAP_T_ENDPOINT, CAP_R_CALL | CAP_R_DERIVE | CAP_R_GRANT,
                          &srv->ipc.ep, badge_of(srv), srv->generation, out);
}

/* ---- the IPC part of a component ---- */

void ipc_comp_init(struct component *c)
{
    struct endpoint *ep = &c->ipc.ep;
    ep->server = c;
    ep->handle = c->cfg->image->handle;
    ep->limit_off = comp_limit_off(c->cfg->image);
    ep->need_off = ep->limit_off + *c->cfg->image->max_frame + CALL_MIN_STACK;
    ep->lock = (spinlock_t)SPINLOCK_INIT;
    waitq_init(&ep->wq);
}

int ipc_comp_start(struct component *c, const char *args)
{
    (void)args;
    /* A new instance: its transfer area and message buffer start empty. */
    c->ipc.transfer_next = 0;
    c->ipc.msgbuf = c->ipc.msgbuf_len = 0;
    /* The endpoints its manifest lists (resolved to indices by the build). */
    for (unsigned i = 0; i < c->cfg->ncalls; i++) {
        struct component *srv = comp_at(c->cfg->calls[i]);
        cap_handle_t h;
        int r = ipc_grant_endpoint(c, srv, &h);
        if (r)
            return r; /* the table is sized for the manifest: not expected */
    }
    return 0;
}

void ipc_comp_stop(struct component *c)
{
    ipc_unserve(c);
}
