/* Synchronous calls (see ipc.h): invoke, on what decode (ipc/hostcalls.c)
 * checked, in one entry point for every mode; the parts on the plain
 * call's path are inline, in athanor/ipc_invoke.h. The caller's thread
 * becomes the server's for the duration: ipc_serve_begin pushes the server's
 * activation (component.h) on the caller's thread, so its faults, traps
 * and stops are the server's; a trap unwinds the activation's call of the
 * handler (PLAT_CALL_UNWINDABLE), is reported as the server's fault, stops the server
 * (its restart policy applies) and returns -ATH_EPEERFAILED to the caller.
 * The CPU time is the caller's (its thread's owner pays, see comp/trap.c).
 *
 * Locking: one call at a time per server (its instance has one shadow
 * stack): the endpoint's holder is taken by a test and a plain store the
 * scheduler does not preempt, released by a plain store; callers that
 * find it taken wait on ep->wq under ep->lock (ipc_invoke.h explains
 * why that is enough on one CPU, and what more CPUs would do). */
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/ipc.h>
#include <athanor/ipc_invoke.h>
#include <athanor/klib.h>
#include <athanor/umem.h>
#include <wasm-rt.h>


/* Wake callers waiting for ep (ipc_release saw one counted). */
void ipc_wake_waiters(struct endpoint *ep)
{
    irqflags_t f = spin_lock_irqsave(&ep->lock); /* a waiter that counted itself is queued */
    spin_unlock_irqrestore(&ep->lock, f);
    waitq_wake(&ep->wq, WAKE_ALL);
}

/* The endpoint was taken: queue up (FIFO) until it is free, the timeout, or
 * the caller is asked to stop. A thread already holding it (the server is
 * serving this thread's call further down) would wait for itself. */
int ipc_wait_endpoint(struct endpoint *ep, struct thread *t)
{
    struct list_node me;
    irqflags_t f = spin_lock_irqsave(&ep->lock);
    __atomic_fetch_add(&ep->nwaiters, 1, __ATOMIC_SEQ_CST);
    list_push_back(&ep->queue, &me);
    ep->waits++;
    int r = 0;
    uint64_t deadline = 0; /* read the clock only if we have to wait */
    /* Release wakes every waiter; only the first in line takes it. */
    while (r == 0 && !(ep->queue.next == &me && ipc_try_take(ep, t))) {
        if (__atomic_load_n(&ep->holder, __ATOMIC_SEQ_CST) == t) {
            r = -ATH_EDEADLK;
            break;
        }
        if (!deadline)
            deadline = plat_clock_ns() + IPC_WAIT_NS;
        r = waitq_wait_intr(&ep->wq, &ep->lock, deadline);
    }
    bool was_first = ep->queue.next == &me;
    list_remove(&me);
    __atomic_fetch_sub(&ep->nwaiters, 1, __ATOMIC_SEQ_CST);
    /* Leaving the line without the endpoint (a timeout, a stop) while it
     * is free: the next in line may take it now. */
    bool pass_on = r != 0 && was_first && !ep->holder && !list_empty(&ep->queue);
    spin_unlock_irqrestore(&ep->lock, f);
    if (pass_on)
        waitq_wake(&ep->wq, WAKE_ALL);
    return r;
}

/* The server's activation unwound (ipc_serve_end popped it): a trap of its
 * own (report it, stop it on every thread), or a stop someone asked for.
 * Either way the call failed; the caller goes on. */
int ipc_unwound(struct thread *t, struct component *srv)
{
    (void)t;
    plat_irq_enable(); /* a trap from the interrupt-exit path arrives with interrupts off */
    enum trap_kind kind = srv->trap.kind;
    if (comp_is_fault(kind))
        comp_report_fault(srv);
    comp_request_stop(srv, kind);
    return -ATH_EPEERFAILED;
}

/* ---- the modes: what happens around the handler, endpoint held ----
 *
 * Each runs with the endpoint held (the server is serving and cannot be
 * torn down meanwhile) and leaves releasing it to ipc_call. Not inlined:
 * inside ipc_call their registers and stack would cost the plain call,
 * the common one (bench/icount.py counts it). */

/* MSG: copy the message into the server's buffer (the only copy). */
static __attribute__((noinline)) int call_msg(struct thread *t, struct component *caller,
                                              struct component *srv, const struct ipc_call *call,
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
    struct ipc_serving s;
    int r;
    IPC_SERVE(r, t, call->ep, &s, 0, false, false, result, call->badge, call->m.op, call->m.a0,
              len, 0);
    return r;
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
    struct ipc_serving s;
    IPC_SERVE(r, t, call->ep, &s, 0, false, false, result, call->badge, call->m.op, call->m.a0,
              call->m.a1, given);
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
    /* The server may lend a lend on (decode checked it may); the endpoint serialises. */
    struct ipc_serving s;
    IPC_SERVE(r, t, call->ep, &s, transfer ? 0 : len, writable, false, result, call->badge,
              call->m.op, call->m.a0, len, where);
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
    if (__builtin_expect(mode == IPC_PLAIN, 1)) {
        struct ipc_serving s;
        int r;
        IPC_CALL_PLAIN(r, t, t, caller, call, &s, result, false); /* its caller may be kernel code */
        return r;
    }
    struct endpoint *ep = call->ep;
    if (__builtin_expect(!ep->handle, 0))
        return -ATH_ENOSYS; /* the server exports no handler */
    int r = ipc_acquire(ep, t, caller, call->obj_gen);
    if (r)
        return r;
    struct component *srv = ep->server;
    if (mode == IPC_MSG) {
        r = call_msg(t, caller, srv, call, result);
    } else if (mode == IPC_GRANT) {
        r = call_grant(t, caller, srv, call, result);
    } else {
        r = call_lend(t, caller, srv, mode, call, result);
    }
    ipc_release(ep);
    return r;
}

int ipc_call_kernel(struct thread *t, struct component *caller, const struct ipc_call *call,
                    const struct ipc_kcall *k, uint64_t *result)
{
    struct endpoint *ep = call->ep;
    if (!ep->handle)
        return -ATH_ENOSYS;
    int r = ipc_acquire(ep, t, caller, call->obj_gen);
    if (r)
        return r;
    /* Held: the server serves and its buffer and memory stay put until
     * release; the buffer is checked now against a memory that may have
     * changed since it was registered. */
    struct component *srv = ep->server;
    const wasm_rt_memory_t *mem = srv->rt.memory;
    uint32_t room = srv->ipc.msgbuf_len, len = 0;
    if (!mem || !room || (uint64_t)srv->ipc.msgbuf + room > mem->size) {
        r = -ATH_EMSGSIZE;
    } else {
        uint8_t *buf = mem->data + srv->ipc.msgbuf;
        r = k->fill(k->ctx, buf, room, &len);
        if (!r) {
            struct ipc_serving s;
            IPC_SERVE(r, t, call->ep, &s, 0, false, false, result, call->badge, call->m.op,
                      call->m.a0, len, 0);
        }
        if (!r && k->drain)
            r = k->drain(k->ctx, buf, room, *result);
    }
    ipc_release(ep);
    return r;
}

void ipc_set_msgbuf(struct component *srv, uint32_t off, uint32_t len)
{
    srv->ipc.msgbuf = off;
    srv->ipc.msgbuf_len = len;
}

void ipc_serve(struct component *srv)
{
    /* Under comp_lock: a stop request sets trap.pending and closes the
     * gate under it, so the gate is never opened after that (ipc.h). */
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    srv->ipc.ep.instance = srv->rt.instance;
    __atomic_store_n(&srv->ipc.serving, true, __ATOMIC_SEQ_CST);
    if (srv->state == COMP_RUNNING && !srv->trap.pending)
        srv->ipc.ep.gate = IPC_GATE_OPEN(srv->generation);
    spin_unlock_irqrestore(&comp_lock, f);
}

void ipc_gate_close(struct component *c)
{
    c->ipc.ep.gate = 0;
}

void ipc_unserve(struct component *c)
{
    struct endpoint *ep = &c->ipc.ep;
    ipc_gate_close(c);
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
uint64_t ipc_badge_of(struct component *c)
{
    return (uint64_t)(c - comp_at(0)) + 1;
}

int ipc_grant_endpoint(struct component *caller, struct component *srv, cap_handle_t *out)
{
    return cap_insert_gen(&caller->caps, CAP_T_ENDPOINT, CAP_R_CALL, &srv->ipc.ep, ipc_badge_of(caller),
                          srv->generation, out);
}

int ipc_self_endpoint(struct component *srv, cap_handle_t *out)
{
    return cap_insert_gen(&srv->caps, CAP_T_ENDPOINT, CAP_R_CALL | CAP_R_DERIVE | CAP_R_GRANT,
                          &srv->ipc.ep, ipc_badge_of(srv), srv->generation, out);
}

/* ---- the IPC part of a component ---- */

void ipc_comp_init(struct component *c)
{
    struct endpoint *ep = &c->ipc.ep;
    ep->server = c;
    ipc_comp_image(c);
    ep->lock = (spinlock_t)SPINLOCK_INIT;
    waitq_init(&ep->wq);
    list_init(&ep->queue);
}

void ipc_comp_image(struct component *c)
{
    struct endpoint *ep = &c->ipc.ep;
    ep->handle = c->image->handle;
    ep->limit_off = comp_limit_off(c->image);
    ep->need_off = ep->limit_off + *c->image->max_frame + CALL_MIN_STACK;
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
