/* The host-call layer (kernel/host), what every host call shares, whatever
 * module it belongs to (WASI, Athanor's ipc, hw and component imports): the
 * per-component context wasm2c passes as the import-module instance, the
 * bracket around a call (enter: the thread leaves wasm code; leave: honour a
 * pending kill or reset, re-enter wasm), checked access to linear memory
 * (umem.h) and the interruptible sleep. */
#ifndef ATHANOR_HOST_H
#define ATHANOR_HOST_H

#include <athanor/component.h>
#include <athanor/host_ctx.h>
#include <athanor/sched.h>
#include <athanor/spinlock.h>
#include <athanor/umem.h>
#include <wasm-rt.h>

/* The component's linear memory as it is now. While one of its host calls
 * runs, a memory stays where it is and does not shrink: it grows in place
 * (a reserved range), and is freed only after every activation of the
 * component has unwound (the lifecycle's teardown: ipc_comp_stop, then the instance).
 * So a place checked at a host call's start is still there at its end
 * (but a page of it may be lent or given away meanwhile: guarded copies);
 * re-derive only to see what a growth added. */
static inline struct umem host_mem(struct component *c)
{
    const wasm_rt_memory_t *m = c->rt.memory;
    return m ? (struct umem){ m->data, m->size } : (struct umem){ NULL, 0 };
}

/* Copy n bytes of a result to offset off of the component's memory, as it
 * is now; false if they do not lie in it or a page of them is missing.
 * (Host calls check a result's place before acting, then put the result
 * there with this.) */
static inline bool host_put(struct component *c, uoff_t off, const void *v, size_t n)
{
    struct umem m = host_mem(c);
    void *p = umem_range(&m, off, n);
    return p && umem_copy(p, v, n) == 0;
}

/* Copy n bytes from offset off of the component's memory into v: false if
 * they do not lie in it or a page of them is missing. */
static inline bool host_get(struct component *c, uoff_t off, void *v, size_t n)
{
    struct umem m = host_mem(c);
    const void *p = umem_range(&m, off, n);
    return p && umem_copy(v, p, n) == 0;
}

/* Inline: every host call pays these, IPC calls included. */
static inline struct component *host_enter(host_ctx *w)
{
    thread_set_in_wasm(false);
    /* The context is its component's own (c->host, given to its code at
     * instantiation): the component by address, not by a load, which
     * every load of the call's path would otherwise wait for. */
    return (struct component *)((char *)w - __builtin_offsetof(struct component, host));
}

/* The call of t, a host call of some component, ends: asked to stop, or a
 * grace running on t, both show in t->stopping, because a stop request sets
 * trap.pending and nudges every thread with an activation of the component
 * in one comp_lock section, and a thread clears the flag only when none of
 * its activations is stopping (comp/trap.c). So the component's own field
 * is not read: on the IPC path it would be read back from the thread first.
 * This form takes the current thread, for paths that have it anyway. */
static inline uint32_t host_leave_on(struct thread *t, uint32_t rv)
{
    if (__builtin_expect(t->stopping, 0))
        comp_check_stop(t, true);
    thread_set_in_wasm(true);
    return rv;
}

/* c is the component whose host call ends (documentation at the call site;
 * see host_leave_on for why it is not read). */
static inline uint32_t host_leave(struct component *c, uint32_t rv)
{
    (void)c;
    return host_leave_on(thread_current(), rv);
}

/* Sleep until deadline_ns (true), or until the component is asked to stop
 * (false: an interruptible wait; host_leave then stops it). */
bool              host_sleep_until(uint64_t deadline_ns);

#endif
