/* The invoke side's inline part (kernel/ipc/call.c owns it): taking and
 * releasing an endpoint, and running a server's handler on the caller's
 * thread. Inline so that decode's host call for the plain call
 * (ipc/hostcalls.c) compiles into one function with it, and ipc_call runs
 * the same code for every mode; what is not on the null call's path stays
 * out of line in call.c. Values arrive checked (decode did that); nothing
 * here refuses for a capability reason. */
#ifndef ATHANOR_IPC_INVOKE_H
#define ATHANOR_IPC_INVOKE_H

#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/ipc.h>
#include <athanor/sched.h>

/* Out of line, in call.c: the slow paths. */
int  ipc_wait_endpoint(struct endpoint *ep, struct thread *t);
void ipc_wake_waiters(struct endpoint *ep);
int  ipc_unwound(struct thread *t, struct component *srv);

/* Is the server in a state to run a call made through a cap of obj_gen, and
 * is the caller not stopping itself? (After the endpoint is taken: see
 * comp/trap.c on why a stop request cannot be missed.) */
static inline int ipc_check_server(struct component *caller, struct component *srv,
                                   uint32_t obj_gen)
{
    if (srv->generation != obj_gen)
        return -ATH_EPEERRESTARTED;
    if (srv->state != COMP_RUNNING || !__atomic_load_n(&srv->ipc.serving, __ATOMIC_RELAXED) ||
        __atomic_load_n(&srv->trap.pending, __ATOMIC_RELAXED))
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
 * (interrupts off); release wakes them only if there are any. What
 * sequentially consistent atomics ordered before, program order on one
 * CPU orders now, as long as the compiler keeps it (the signal fences): a
 * releaser either sees a waiter's count or the waiter, which counted
 * itself with interrupts off, then saw the holder cleared (no lost
 * wake-up); a draining server (ipc_unserve) either sees a holder or the
 * caller sees serving cleared; a stop request either sees the holder or
 * the caller sees trap.pending (comp/trap.c).
 *
 * With more than one CPU this stays as it is on each CPU, and an endpoint
 * gets an owning CPU instead of a global atomic: its server's affinity. A
 * caller on that CPU takes it as here; a caller elsewhere migrates to it
 * first (the migrating thread moves, the call does not get a lock). */
static inline void ipc_release(struct endpoint *ep)
{
    ep->holder = NULL;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    if (__builtin_expect(ep->nwaiters != 0, 0))
        ipc_wake_waiters(ep);
}

/* Take ep if it is free: the caller excludes preemption (a nopreempt
 * section, or interrupts off under ep->lock). */
static inline bool ipc_try_take(struct endpoint *ep, struct thread *t)
{
    if (ep->holder)
        return false;
    ep->holder = t;
    return true;
}

static inline __attribute__((always_inline)) int ipc_acquire(struct endpoint *ep, struct thread *t, struct component *caller,
                              uint32_t obj_gen)
{
    thread_nopreempt_begin(t);
    /* Not ahead of callers already waiting: a client calling in a loop
     * would otherwise take the endpoint again every time it gives it
     * back, before the waiters it woke run, and starve them (the queue is
     * FIFO: ipc_wait_endpoint). */
    bool took = ep->nwaiters == 0 && ipc_try_take(ep, t);
    thread_nopreempt_end(t);
    if (__builtin_expect(!took, 0)) {
        int r = ipc_wait_endpoint(ep, t);
        if (r)
            return r;
    }
    __atomic_signal_fence(__ATOMIC_SEQ_CST); /* the holder published before the server is checked */
    /* The gate open for this generation: serving, running, not stopping
     * (ipc.h); else each is checked and the call refused with the reason. */
    if (__builtin_expect(ep->gate != IPC_GATE_OPEN(obj_gen) ||
                             (caller && __atomic_load_n(&caller->trap.pending, __ATOMIC_RELAXED)),
                         0)) {
        /* A server without a handler never serves (the serve host calls
         * refuse it), so its gate never opens: the plain call checks the
         * handler only here. */
        int r = !ep->handle ? -ATH_ENOSYS : ipc_check_server(caller, ep->server, obj_gen);
        if (r != 0) {
            ipc_release(ep);
            return r;
        }
    }
    return 0;
}

/* The caller's thread becomes the server's for the handler (ep is held):
 * the server's activation goes on top of t and its handler runs under a
 * stack limit that covers its frames, called unwindably (platform.h): a
 * trap or stop of the server ends that call at once (comp_unwind), as if
 * the handler had returned, with unwound set. What t ran before is the
 * caller's own code (a host call of its), so that is what comes back.
 * in_wasm (thread_in_wasm()) is true exactly while the handler runs with
 * its recovery point recorded: the interrupt exit may unwind the top
 * activation only then.
 *
 * The unwindable call leaves no register but the frame and stack pointers
 * intact (PLAT_CALL_UNWINDABLE, platform.h), so ipc_serve_begin and
 * ipc_serve_end (IPC_SERVE) share what they need through the serving
 * record, in the serving function's frame: the activation (and the limit
 * to put back), from which ipc_serve_end finds the server again and
 * IPC_CALL_PLAIN its endpoint (ipc_serving_ep). IPC_SERVE uses its t after
 * the call too: the host call passes thread_running(), a load where a
 * variable would be kept in memory for it. from_wasm: the caller is a
 * component's host call (a component's code runs on t, under its limit). */
struct ipc_serving {
    struct activation a;
    uintptr_t         limit_below; /* the limit to put back, if the call set one */
};

/* Does a call of ep's handler set the server's own stack limit? A call
 * from a component's code runs under its limit, which covers a server
 * whose frames fit COMP_FRAME_MIN (component.h): only a server with larger
 * ones, or a call from kernel code (whose limit may be none), sets its own
 * (ipc_own_limit_set, and back after the call: IPC_SERVE). */
static inline bool ipc_own_limit(const struct endpoint *ep, bool from_wasm)
{
    return !from_wasm || ep->limit_off != COMP_LIMIT_OFF_MIN;
}
static inline void ipc_own_limit_set(struct thread *t, const struct endpoint *ep,
                                     struct ipc_serving *s)
{
    s->limit_below = rt_stack_limit();
    rt_set_stack_limit((uintptr_t)t->stack.base + ep->limit_off);
}

/* The server of a call being served (its endpoint is held). */
static inline struct endpoint *ipc_serving_ep(const struct ipc_serving *s)
{
    return &s->a.comp->ipc.ep;
}

static inline __attribute__((always_inline)) int ipc_serve_begin(struct thread *t, struct endpoint *ep,
                                                                struct ipc_serving *s, uint32_t lent_len,
                                                                bool lent_writable)
{
    /* What it needs of the server is read from ep (its srv->ipc.ep), not
     * through srv: one load less for every one of them to wait for. */
    s->a.comp = ep->server; /* first: ipc_serving_ep(s) finds ep even if this fails */
    if ((uintptr_t)__builtin_frame_address(0) < (uintptr_t)t->stack.base + ep->need_off)
        return -ATH_ESTACK;
    s->a.lent_len = lent_len;
    s->a.lent_writable = lent_writable;
    s->a.unwound = false;
    s->a.spare = 0;
    comp_act_push(t, &s->a);
    return 0;
}

static inline __attribute__((always_inline)) int ipc_serve_end(struct thread *t, struct ipc_serving *s)
{
    comp_act_pop(t, &s->a);
    if (__builtin_expect(s->a.unwound, 0))
        return ipc_unwound(t, s->a.comp);
    return 0;
}

/* r = the served call of ep's handler with (badge, op, a0, a1, a2), its
 * result in *result: ipc_serve_begin, the unwindable call, ipc_serve_end.
 * The function that serves saves every callee-saved register in its frame
 * for it (platform.h). t is a variable: after the call it is set from
 * t_again, which is t itself where t lives in memory anyway, or
 * thread_running() for the host call, whose t is then in a register up to
 * the call and loaded once after it (the thread is the same: no value
 * crosses the call in a register, platform.h). */
#define IPC_SERVE_AGAIN(r, t, t_again, ep, s, lent_len, lent_writable, from_wasm, result, badge, op, \
                        a0, a1, a2)                                                            \
    do {                                                                                       \
        /* the handler and instance read before the activation is written */                  \
        plat_unwind_fn *is_fn_ = (ep)->handle;                                                 \
        void *is_arg_ = (ep)->instance;                                                        \
        (r) = ipc_serve_begin((t), (ep), (s), (lent_len), (lent_writable));                   \
        if ((r) == 0) {                                                                        \
            if (__builtin_expect(!ipc_own_limit((ep), (from_wasm)), 1)) {                      \
                PLAT_CALL_UNWINDABLE(*(result), &(s)->a.unwind, is_fn_, is_arg_, (badge), (op), \
                                     (a0), (a1), (a2));                                        \
            } else {                                                                           \
                ipc_own_limit_set((t), (ep), (s));                                             \
                PLAT_CALL_UNWINDABLE(*(result), &(s)->a.unwind, is_fn_, is_arg_, (badge), (op), \
                                     (a0), (a1), (a2));                                        \
                rt_set_stack_limit((s)->limit_below);                                          \
            }                                                                                  \
            (t) = (t_again);                                                                   \
            (r) = ipc_serve_end((t), (s));                                                     \
        }                                                                                      \
    } while (0)
#define IPC_SERVE(r, t, ep, s, lent_len, lent_writable, from_wasm, result, badge, op, a0, a1, a2) \
    IPC_SERVE_AGAIN(r, t, t, ep, s, lent_len, lent_writable, from_wasm, result, badge, op, a0, a1, a2)

/* The plain call (op and three words), all of it: what ipc_call does for
 * IPC_PLAIN, and what the plain call's host call makes without a call of
 * ipc_call (t, t_again and from_wasm as for IPC_SERVE_AGAIN). */
#define IPC_CALL_PLAIN(r, t, t_again, caller, call, s, result, from_wasm)                              \
    do {                                                                                              \
        struct endpoint *ep_ = (call)->ep;                                                            \
        (r) = ipc_acquire(ep_, (t), (caller), (call)->obj_gen); /* (no handler: ENOSYS there) */      \
        if ((r) == 0) {                                                                               \
            IPC_SERVE_AGAIN((r), t, t_again, ep_, (s), 0, false, (from_wasm), (result), (call)->badge, \
                            (call)->m.op, (call)->m.a0, (call)->m.a1, (call)->m.a2);                  \
            ipc_release(ipc_serving_ep(s)); /* ep_, again from memory */                              \
        }                                                                                             \
    } while (0)

#endif
