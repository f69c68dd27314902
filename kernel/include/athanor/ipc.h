/* Synchronous IPC between components (kernel/ipc): the caller's thread runs
 * the server's exported handler (a migrating thread, as in LRPC). Decode
 * (ipc/hostcalls.c) checks the caller's capability and arguments; invoke
 * (ipc/call.c, one entry point with a mode) carries the call out on
 * checked values and fails only for the server's state or a resource,
 * never for a capability reason. */
#ifndef ATHANOR_IPC_H
#define ATHANOR_IPC_H

#include <athanor/list.h>
#include <athanor/abi/consts.h>
#include <athanor/cap.h>
#include <athanor/sched.h>
#include <athanor/spinlock.h>

struct component;

/* Errors a call returns besides the capability ones (errors.h):
 * -ATH_EPEERFAILED: the server trapped or was killed during the call;
 * -ATH_EPEERRESTARTED: the server restarted since this handle was made. */

/* What a call needs above the server's stack limit to be worth starting: the
 * handler's first frames. Less, and the call fails with -ATH_ESTACK for the
 * caller (whose nesting used the stack up), before the server runs. */
#define CALL_MIN_STACK (8 * 1024)
/* An endpoint's gate while its server generation g may be called. */
#define IPC_GATE_OPEN(g) ((uint64_t)1 << 32 | (uint32_t)(g))

/* A component's IPC endpoint: callers run its ath_handle on their own
 * thread, one at a time. holder is the thread running it now (NULL: free),
 * taken by a test and a store the scheduler does not preempt; callers that
 * must wait count themselves in nwaiters and sleep on wq under lock (see
 * ipc/call.c). */
struct endpoint {
    struct component *server;
    /* server->image->handle (NULL if it exports none), kept here so a
     * call does not chase three pointers before it starts */
    uint64_t        (*handle)(void *instance, uint64_t badge, uint64_t op, uint64_t a0,
                              uint64_t a1, uint64_t a2);
    /* The server's stack needs, from its image's largest frame (set at
     * boot): where its limit sits above a stack's base, and how much stack
     * a call must find above the caller's stack pointer (component.h). */
    uint32_t          limit_off, need_off;
    spinlock_t        lock;
    struct thread *volatile holder;  /* volatile, not atomic: one CPU (ipc_invoke.h) */
    volatile uint32_t nwaiters;
    /* What a call needs of the server, in the endpoint, so that it does
     * not wait for a load of the server's own fields first (ipc.md, "The
     * cost model"): IPC_GATE_OPEN(generation) only while the server
     * serves, runs and is not asked to stop, so one compare checks all
     * that; 0 (closed) says nothing, and the call then checks each
     * (ipc_check_server). Opened by ipc_serve under comp_lock, which a
     * stop request holds while it sets trap.pending and closes the gate;
     * closed before serving is cleared; a component leaves COMP_RUNNING
     * only after its ipc part stopped (ipc_unserve), so an open gate
     * never outlives any of the three. instance is the server's
     * rt.instance, set before serving is: valid whenever it serves. */
    volatile uint64_t gate;
    void             *instance;
    uint32_t          waits;   /* calls that had to wait (statistics, tests) */
    struct waitq      wq;
    /* The waiting callers in arrival order (under lock): only the first
     * takes the endpoint when it is free, and a new caller does not pass
     * them (ipc_acquire), so waiting is first come, first served. */
    struct list_node  queue;
};

/* IPC's part of a component: its endpoint (made once, at boot) and the
 * state of its serving side, which starts empty with every generation.
 * Written by kernel/ipc only. */
struct comp_ipc {
    struct endpoint ep;
    bool            serving;       /* parked in ath_serve: calls may run its handler */
    uint32_t        transfer_next; /* where the next transferred range lands */
    uint32_t        msgbuf;        /* where call_msg messages land (linear offset), */
    uint32_t        msgbuf_len;    /* and its size; 0 = none registered */
    uint32_t        lends;         /* lends it made that have come back (statistics, tests) */
};
/* Lifecycle hooks. init: once, when the component table is made. start: a
 * new generation (empty serving state; the endpoints its manifest lists
 * granted into its table, which the caps part has renewed). stop: at
 * teardown, on its thread: no new calls, and wait until no caller runs its
 * handler (before its instance is freed). */
void ipc_comp_init(struct component *c);
/* Its code changed (comp_update, while it is stopped): the handler and the
 * stack bounds the endpoint keeps, from its image. */
void ipc_comp_image(struct component *c);
int  ipc_comp_start(struct component *c, const char *args);
void ipc_comp_stop(struct component *c);

/* How a call carries data. */
enum ipc_mode {
    IPC_PLAIN,     /* op and three words */
    IPC_MSG,       /* a message of up to IPC_MSG_MAX bytes, copied once into the server's buffer */
    IPC_GRANT,     /* a capability copied into the server's table for good */
    IPC_LEND_RO,   /* pages of the caller's memory, lent for the call, read-only */
    IPC_LEND_RW,   /* the same, writable */
    IPC_TRANSFER,  /* pages that move to the server for good */
};
#define IPC_MSG_MAX ATH_MSG_MAX
#define IPC_MSGBUF_MAX ATH_MSGBUF_MAX /* a server's buffer: the kernel's own calls may fill more of it */

/* The words a handler gets besides the badge. */
struct ipc_msg {
    uint64_t op, a0, a1, a2;
};

/* One call, as decode leaves it: the endpoint capability checked (type
 * endpoint, call right), the arguments of its mode checked against the
 * caller's memory. The server's handler gets (badge, op, a0, a1, a2), where
 * MSG: a1 = the message's length; GRANT: a2 = the server's new handle;
 * LEND/TRANSFER: a1 = len, a2 = where the pages appear in its memory. */
struct ipc_call {
    struct endpoint *ep;
    uint64_t         badge;
    uint32_t         obj_gen;  /* the server's generation when the capability was made */
    struct ipc_msg   m;        /* PLAIN: all four; the other modes: op and a0 (and GRANT: a1) */
    union {
        struct {               /* MSG: a kernel pointer into the caller's memory */
            const void *data;
            uint32_t    len;
        } msg;
        cap_handle_t give;     /* GRANT: the caller's handle, grant right checked */
        struct {               /* LEND_*, TRANSFER: page-aligned, in the caller's */
            uint32_t ptr, len; /* memory or inside the lend it serves (decode) */
            bool     nested;   /* part of a lend it serves, lent on */
            bool     nested_writable;
        } lend;
    };
};

/* The call, in one of the modes (an argument, not a field: the plain call's
 * path tests a register), on t, which runs caller's code (a host call of
 * caller's): after the handler t is caller's again. A busy server is
 * waited for at most IPC_WAIT_NS (-ATH_ETIMEDOUT); *result gets the
 * handler's return value. */
#define IPC_WAIT_NS (5 * NS_PER_S)
int ipc_call(struct thread *t, struct component *caller, enum ipc_mode mode,
             const struct ipc_call *call, uint64_t *result);

/* A call the kernel makes for caller (its WASI file calls, kernel/wasi):
 * fill writes the request straight into the server's message buffer
 * (room: the buffer's length; *len: what it wrote), the handler runs with
 * (badge, op, a0, len, 0), and drain reads the answer from the same
 * buffer before the endpoint is released, so no other call can overwrite
 * it first (and may clear what it read, so no later call finds it). Both copy with umem_copy (a page of either memory may be
 * missing); an error of theirs ends the call with it. */
struct ipc_kcall {
    int (*fill)(void *ctx, uint8_t *buf, uint32_t room, uint32_t *len);
    int (*drain)(void *ctx, uint8_t *buf, uint32_t room, uint64_t result);
    void *ctx;
};
int ipc_call_kernel(struct thread *t, struct component *caller, const struct ipc_call *call,
                    const struct ipc_kcall *k, uint64_t *result);
/* The badge a component's calls carry: its manifest index + 1. */
uint64_t ipc_badge_of(struct component *c);

/* The server's message buffer: [off, off + len) of its own memory, checked
 * by decode (and again at each call, as its memory may have changed). */
void ipc_set_msgbuf(struct component *srv, uint32_t off, uint32_t len);
/* The serve host call: calls may run its handler from now on. */
void ipc_serve(struct component *srv);
/* No new calls, and wait until no caller runs c's handler (on c's own
 * thread, before it runs c's code again or its instance goes). */
void ipc_unserve(struct component *c);
/* No call through the gate any more (a stop was requested; ipc.h). */
void ipc_gate_close(struct component *c);
/* serve_wait's event: run srv's handler on its own thread t as a call with
 * badge 0 (which no endpoint capability carries) and op ATH_OP_EVENT, a0 =
 * bits; serialised with the callers' calls by the endpoint. */
int ipc_serve_event(struct thread *t, struct component *srv, uint64_t bits, uint64_t *result);
/* Where lent and transferred memory appears in a server's linear memory:
 * above anything a memory may grow to (the manifest caps quotas at 3 GiB).
 * The last part of the top GiB holds a driver's DMA buffers (hw.h). */
#define IPC_LEND_WINDOW     ATH_LEND_WINDOW   /* one lend at a time: [window, window + len) */
#define IPC_LEND_MAX        ATH_LEND_MAX
#define IPC_TRANSFER_AREA   ATH_TRANSFER_AREA /* transfers, kept after the call */
#define IPC_TRANSFER_END    ATH_TRANSFER_END

/* A fresh endpoint capability to srv in caller's table (the manifest lets
 * caller call srv: decode or the lifecycle checked). */
int ipc_grant_endpoint(struct component *caller, struct component *srv, cap_handle_t *out);
/* A capability to srv's own endpoint in its table, with the call, derive
 * and grant rights: the root of the badged copies a server hands out. */
int ipc_self_endpoint(struct component *srv, cap_handle_t *out);

#endif
