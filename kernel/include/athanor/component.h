/* WebAssembly components: what the build generates for each one (image and
 * manifest entry) and the kernel's running instances of them. */
#ifndef ATHANOR_COMPONENT_H
#define ATHANOR_COMPONENT_H

#include <athanor/abi/consts.h>
#include <athanor/cap.h>
#include <athanor/heap.h>
#include <athanor/hw.h>
#include <athanor/platform.h>
#include <athanor/sched.h>
#include <athanor/spinlock.h>

/* The C interface wasm2c generated for one module, wrapped by the build's
 * glue (tools/wasm2kernel.sh) so the kernel can drive any module the same way.
 * `memory` returns the module's wasm_rt_memory_t (opaque here). */
struct host_ctx; /* kernel/host: what every import module's instance parameter is */
struct comp_image {
    const char *name;
    size_t      instance_size;
    void (*init_module)(void);
    void (*instantiate)(void *instance, struct host_ctx *host);
    void (*start)(void *instance);
    void (*free)(void *instance);
    void *(*memory)(void *instance);
    /* The exported IPC handler (ath_handle), or NULL if the module has none. */
    uint64_t (*handle)(void *instance, uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1,
                       uint64_t a2);
    /* The largest native stack frame of its code, in bytes: measured by the
     * compiler for each build (-fstack-usage, see tools/frames.sh). */
    const uint32_t *max_frame;
};

/* The native stack. Generated code runs on the kernel stack of the thread
 * that runs it and checks, at the entry of every function, that its stack
 * pointer (after the function's frame is allocated) is not below
 * wasm_rt_stack_limit, else it traps (TRAP_STACK_EXHAUSTED). The limit of
 * a module's code sits max_frame + COMP_FRAME_SLACK above the thread's
 * ATH_STACK_RESERVE: a function that passed the check calls one whose frame
 * is at most max_frame, which therefore lies above the reserve whatever its
 * size, and traps there. No code of a component ever writes below the
 * reserve, which host calls, interrupts and the trap path use. The build
 * sets ATH_STACK_RESERVE (larger under the sanitizers). The limit is the
 * runtime's per-thread state (athanor/rt.h). */
#ifndef ATH_STACK_RESERVE
#error "the build defines ATH_STACK_RESERVE (mk/config.mk)"
#endif
#define COMP_FRAME_SLACK 256 /* return address and pushes the frame size may leave out */
static inline uint32_t comp_limit_off(const struct comp_image *img)
{
    return ATH_STACK_RESERVE + *img->max_frame + COMP_FRAME_SLACK;
}
static inline uintptr_t comp_stack_limit(const struct thread *t, const struct comp_image *img)
{
    return (uintptr_t)t->stack.base + comp_limit_off(img);
}

enum restart_policy { /* the ABI's (athanor/abi/consts.h) */
    RESTART_NEVER = ATH_RESTART_NEVER, RESTART_ON_FAILURE = ATH_RESTART_ON_FAILURE,
    RESTART_ALWAYS = ATH_RESTART_ALWAYS
};

/* The manifest's `caps` list, as bits: each becomes an entry of the
 * component's capability table at every start (grant_manifest_caps). */
enum comp_cap {
    CAP_CONSOLE = 1u << 0,
    CAP_CLOCK   = 1u << 1,
    CAP_RANDOM  = 1u << 2,
    CAP_MANAGE  = 1u << 3, /* may start/stop/kill/reset other components */
    CAP_REALTIME = 1u << 4, /* a clock capability that may also set the wall clock */
    CAP_LOG     = 1u << 5, /* may read the console's output (log_read): the screen shows it */
};

/* When a component starts by itself (the manifest's autostart): at every
 * boot, or when the system boots into the shell (azoth.shell=1). */
enum comp_boot { COMP_BOOT_NEVER, COMP_BOOT_ALWAYS, COMP_BOOT_SHELL };

/* One entry of the system manifest (system.toml → build/gen/manifest.c). */
struct comp_config {
    const char              *name;
    const struct comp_image *image;
    const char              *args;            /* space-separated argv[1..] */
    uint32_t                 caps;            /* enum comp_cap bits */
    uint32_t                 max_pages;       /* memory quota in 64 KiB wasm pages */
    uint32_t                 cpu_budget_ms;   /* CPU allowed per period; 0 = unlimited */
    uint32_t                 cpu_period_ms;
    enum restart_policy      restart;
    uint32_t                 max_restarts;    /* within restart_window_ms, then give up */
    uint32_t                 restart_window_ms;
    enum comp_boot           autostart;   /* at which boots it starts by itself */
    const uint8_t           *calls;           /* the servers it may call: indices into */
    uint8_t                  ncalls;          /* comp_manifest, resolved by the build */
    struct ioport_range      ioports[COMP_MAX_IOPORTS]; /* its I/O-port ranges (drivers) */
    uint8_t                  nioports;
    uint8_t                  irqs[COMP_MAX_IRQS];       /* its interrupt lines (drivers) */
    uint8_t                  nirqs;
    struct mmio_range        mmio[COMP_MAX_MMIO];       /* device memory it may reach */
    uint8_t                  nmmio;
    uint32_t                 dma_pages;                 /* DMA quota, 4 KiB pages */
    uint32_t                 kernel_kib;  /* kernel memory (heap) it may cause to exist */
    uint32_t                 grants;      /* capabilities it may have granted elsewhere at once */
};

extern const struct comp_config comp_manifest[];
extern const unsigned           comp_manifest_count;

enum comp_state { /* the ABI's (athanor/abi/consts.h): comp_ctl's STATE reports it */
    COMP_STOPPED = ATH_STOPPED, /* never started, killed, or given up on */
    COMP_RUNNING = ATH_RUNNING,
    COMP_EXITED  = ATH_EXITED,  /* returned from _start or called proc_exit */
    COMP_FAULTED = ATH_FAULTED, /* trapped; may be restarted by its policy */
};

enum trap_kind { /* the ABI's (athanor/abi/consts.h): fault reports carry it */
    TRAP_NONE               = ATH_TRAP_NONE,
    TRAP_OUT_OF_BOUNDS      = ATH_TRAP_OOB,          /* load/store/bulk memory outside linear memory, table index */
    TRAP_INT_OVERFLOW       = ATH_TRAP_OVERFLOW,     /* INT_MIN / -1, or float->int out of range */
    TRAP_DIV_BY_ZERO        = ATH_TRAP_DIVZERO,
    TRAP_INVALID_CONVERSION = ATH_TRAP_CONVERSION,   /* NaN -> int */
    TRAP_UNREACHABLE        = ATH_TRAP_UNREACHABLE,
    TRAP_INDIRECT_CALL      = ATH_TRAP_INDIRECT,     /* null or wrongly-typed table entry */
    TRAP_STACK_EXHAUSTED    = ATH_TRAP_STACK,        /* native stack limit (bytes), see kernel/rt */
    TRAP_WATCHDOG           = ATH_TRAP_WATCHDOG,     /* CPU budget exceeded */
    TRAP_MEMORY_QUOTA       = ATH_TRAP_MEMORY_QUOTA, /* instantiation needs more memory than the quota */
    TRAP_KILLED             = ATH_TRAP_KILLED,       /* not a fault: kill/restart was asked for */
    TRAP_RESET              = ATH_TRAP_RESET,        /* not a fault: reset was asked for */
    TRAP_EXIT               = ATH_TRAP_EXIT,         /* not a fault: it exited inside a call's handler; stop as exited */
    TRAP_HUNG               = ATH_TRAP_HUNG,         /* its handler did not return within CALL_GRACE_NS of its caller stopping */
    TRAP_KIND_COUNT         = ATH_TRAP_COUNT
};
const char *trap_kind_name(enum trap_kind k);

#define COMP_ARGS_MAX 8
#define COMP_CAP_SLOTS 64
#define FAULT_FUNC_MAX ATH_FUNC_MAX

struct fault_report {
    char           component[ATH_NAME_MAX];
    uint32_t       generation;
    enum trap_kind kind;
    char           function[FAULT_FUNC_MAX]; /* wasm function name (name section) */
    uintptr_t      offset;                   /* offset of the trapping code in that function */
    uintptr_t      addr;                     /* faulting linear-memory offset, if any */
    uint64_t       time_ns;
    bool           injected;                 /* asked for (inject), not the component's doing */
};

/* One component's code running on a thread. A component thread's base
 * activation is its own (comp_main); each IPC call pushes the server's onto
 * the caller's thread (the migrating-thread model), so a thread carries a
 * stack of them: caller below, server on top. Whatever happens to a
 * component — trap, exit, kill, reset, watchdog — happens to its
 * activations: the top one unwinds to its jmp at once; one with others
 * above it waits for them to return, at most CALL_GRACE_NS each (then the
 * top is taken as hung: TRAP_HUNG, its own fault). Lives on the stack of
 * the function that runs it (comp_main, ipc/call.c's serve_on). */
struct activation {
    struct component  *comp;
    struct activation *below;         /* the caller's; NULL at the bottom */
    void              *jmp[5];        /* __builtin_setjmp buffer: where its unwinding lands */
    uintptr_t          stack_limit;   /* the wasm runtime's limit while it runs (kernel/rt) */
    uint32_t           lent_len;      /* serving a lend: its length, */
    bool               lent_writable; /* and whether it may write it (it may lend it on) */
};
/* How long the activations above a stopping one get to return. */
#define CALL_GRACE_NS (100 * NS_PER_MS)

/* A component's IPC endpoint: callers run its ath_handle on their own
 * thread, one at a time. holder is the thread running it now (NULL: free),
 * taken with one compare-and-swap; callers that must wait count themselves
 * in nwaiters and sleep on wq under lock (see ipc/call.c). */
struct endpoint {
    struct component *server;
    /* server->cfg->image->handle (NULL if it exports none), kept here so a
     * call does not chase three pointers before it starts */
    uint64_t        (*handle)(void *instance, uint64_t badge, uint64_t op, uint64_t a0,
                              uint64_t a1, uint64_t a2);
    /* The server's stack needs, from its image's largest frame (set at
     * boot): where its limit sits above a stack's base, and how much stack
     * a call must find above the caller's stack pointer (component.h). */
    uint32_t          limit_off, need_off;
    spinlock_t        lock;
    struct thread    *holder;
    uint32_t          nwaiters;
    uint32_t          waits;   /* calls that had to wait (statistics, tests) */
    struct waitq      wq;
};

struct component {
    const struct comp_config *cfg;
    enum comp_state  state;
    uint32_t         generation;     /* changes on every (re)start */
    struct thread   *thread;
    void            *instance;       /* wasm2c instance struct */
    void            *rtmem;          /* its wasm_rt_memory_t (image->memory), cached for host calls */
    struct host_ctx *host;
    struct plat_vrange mem;          /* the linear memory's reservation */
    uint32_t         mem_pages;      /* current size in wasm pages */
    int              exit_code;
    enum trap_kind   trap;           /* why it stopped, TRAP_NONE for a normal exit */
    enum trap_kind   fault_kind;     /* set by kernel_fault for comp_fault_resume */
    uintptr_t        trap_pc;
    uintptr_t        trap_addr;
    /* Asked to stop, and why (KILLED, RESET, EXIT, WATCHDOG, HUNG or an
     * injected fault): every activation of it unwinds (comp_request_stop). */
    volatile enum trap_kind kill_pending;
    uint32_t         restarts;       /* total restarts */
    uint64_t         restart_times[ATH_MAX_RESTARTS]; /* recent restart times for the rate limit */
    uint64_t         cpu_ns_total;   /* CPU time of all its generations */
    uint64_t         period_start_ns, period_cpu0; /* CPU budget: this period's start, thread CPU then */
    int              argc;
    char             argv_buf[128];
    char            *argv[COMP_ARGS_MAX + 1];
    bool             gave_up;        /* restart rate exceeded */
    struct snapshot *snap;           /* post-initialisation snapshot, for reset */
    bool             tables_grew;    /* a table grew: the snapshot no longer fits */
    uint32_t         resets;         /* resets done (same generation) */
    uint32_t         hw_refused;     /* hardware accesses refused (this generation) */
    /* The objects of its I/O-port capabilities (copied from the manifest at
     * each start; a component struct lives for good, so they can be pointed at). */
    struct ioport_range ioports[COMP_MAX_IOPORTS];
    struct mmio_range   mmio[COMP_MAX_MMIO];
    uint32_t         dma_next;       /* where its next DMA buffer goes (linear offset) */
    uint32_t         dma_used;       /* bytes of DMA memory it holds */
    uint64_t         last_reset_ns;  /* time the last restore took */
    uint32_t         last_reset_pages; /* pages it copied back */
    uint64_t         instantiate_ns; /* time instantiation + snapshot took */
    uint64_t         started_at_ns;  /* when the entry point was last entered */
    uint64_t         trapped_at_ns;  /* when it last trapped */
    uint64_t         restart_from_ns;   /* trap time behind a pending policy restart, or 0 */
    uint64_t         restart_latency_ns; /* last policy restart: trap to entry point */
    /* The component's capabilities: the manifest's grants, given afresh at
     * every start and revoked when it stops. */
    struct cap_table caps;           /* COMP_CAP_SLOTS of its own, then room for grants */
    struct kmem_account kmem;        /* kernel memory charged to it (limit: kernel_kib) */
    uint32_t         stack_low;      /* with comp_stack_watch: bytes above its stack's base never written */
    struct endpoint  ep;
    bool             serving;        /* parked in ath_serve: calls may run its handler */
    bool             report_done;    /* the fault was already reported (by a call) */
    bool             injected;       /* the pending trap was injected (reports say so) */
    uint32_t         injections;     /* injected faults, all generations */
    uint32_t         transfer_next;  /* where the next transferred range lands (IPC) */
    uint32_t         msgbuf;         /* where call_msg messages land (linear offset), */
    uint32_t         msgbuf_len;     /* and its size; 0 = none registered (IPC) */
    uint32_t         lends;          /* lends it made that have come back (statistics, tests) */
    struct waitq     exit_wq;        /* woken when the thread finishes */
};

/* Lifecycle (kernel/comp/component.c). Names are manifest names. */
/* Registers images; starts the autostart components if asked (not in test
 * and benchmark runs, which start what they need). */
void              comp_init(bool autostart);
/* Start every component the manifest starts at this boot profile; the
 * number started, or a negative error if one could not be (or none is). */
int               comp_boot(enum comp_boot profile);
struct component *comp_find(const char *name);
/* Does cfg's manifest entry list `name` among the servers it calls? */
/* May `from` call `to` (the manifest's calls list)? */
bool comp_may_call(const struct comp_config *from, const struct comp_config *to);
unsigned          comp_count(void);
struct component *comp_at(unsigned i);
/* Start c with args (space-separated; NULL: the manifest's). Restarts, by
 * its policy or comp_restart, keep the arguments of the last start. */
int  comp_start(struct component *c, const char *args);
int  comp_kill(struct component *c);            /* stop it, no restart */
int  comp_restart(struct component *c);         /* kill if running, start afresh */
/* Put a running component's memory and globals back to its post-init
 * snapshot and run its entry point again, in the same generation.
 * -ATH_ENOENT (not running), -ATH_EAGAIN (not initialised yet), -ATH_EBUSY
 * (it grew a table since), -ATH_ETIMEDOUT, -ATH_ENOMEM (the snapshot could
 * not be restored: it stopped instead). Callers running its handler are
 * abandoned first (their calls fail with -ATH_EPEERFAILED). */
int  comp_reset(struct component *c);
/* Make a running component trap with `kind` (a fault kind, not KILLED or
 * RESET) as soon as it next runs: in its own code, in a call's handler, or
 * when a host call it waits in returns. It is reported as that fault
 * ("injected") and its restart policy applies. Does not wait. For
 * demonstrations and the fault-injection tests. */
int  comp_inject(struct component *c, enum trap_kind kind);
/* The trap kind named by a short word (oob, unreachable, divzero, overflow,
 * conversion, indirect, stack), or TRAP_NONE. */
enum trap_kind trap_kind_parse(const char *word);
/* A supervisor component (kernel/comp/supervise.c): register n as the
 * watcher (bits set on every component stop); -ATH_EBUSY if another holds
 * it. comp_supervised: called when c stopped: true (and the watcher
 * signalled) if a running supervisor decides about c. comp_watch_forget: the
 * owner stops or the notification goes. */
struct notification;
int  comp_watch(struct component *owner, struct notification *n, uint64_t bits);
bool comp_supervised(struct component *c);
void comp_watch_forget(struct component *owner, struct notification *n);
/* The supervisor restarts a component that stopped: like the kernel's own
 * policy would (counts the restart, times trap to running). */
int  comp_recover(struct component *c);
/* Wait until it is no longer running (or the deadline passes); -ATH_ETIMEDOUT. */
int  comp_wait(struct component *c, uint64_t deadline_ns);
const char *comp_state_name(enum comp_state s);

/* Tests: paint each starting component's stack, and measure at its end how
 * close to the stack's base anything wrote (stack_low). */
extern bool comp_stack_watch;

/* Fault reports (kernel/comp/faults.c): a ring of the most recent ones. */
void     fault_record(const struct fault_report *r);
unsigned fault_recent(struct fault_report *out, unsigned max); /* newest first */
unsigned fault_count(void); /* reports ever recorded */
void     fault_print(const struct fault_report *r);

/* The component whose linear memory reservation holds addr, or NULL. */
struct component *comp_by_address(uintptr_t addr);
/* The running component of this thread, or NULL for a kernel thread. */
struct component *comp_current(void);
/* The component on top of this thread's activations traps (or stops, for
 * the non-fault kinds): its activation unwinds at once. Holding no locks. */
noreturn void comp_trap(enum trap_kind kind, uintptr_t pc, uintptr_t addr);
/* Ask c to stop with `kind` (see kill_pending): every activation of it
 * unwinds, each thread it is on is interrupted. Does not wait. */
void comp_request_stop(struct component *c, enum trap_kind kind);
/* Activations (ipc/call.c pushes and pops the call ones): a becomes the
 * top of t, its component the one whose code runs (t->comp). Only on t. */
static inline void comp_act_push(struct thread *t, struct activation *a)
{
    a->below = t->act;
    t->act = a;
    t->comp = a->comp;
    t->kacct = &a->comp->kmem; /* what its code and host calls allocate is charged to it */
}
static inline void comp_act_pop(struct thread *t, struct activation *a)
{
    t->act = a->below;
    t->comp = a->below ? a->below->comp : NULL;
    t->kacct = a->below ? &a->below->comp->kmem : NULL;
}
/* The same, with what t->comp and t->kacct were before the push (saved by
 * the caller: no loads through the activation below on the IPC path). */
static inline void comp_act_restore(struct thread *t, struct activation *below,
                                    struct component *comp, struct kmem_account *acct)
{
    t->act = below;
    t->comp = comp;
    t->kacct = acct;
}
/* Must the thread's top activation stop (its component is stopping, or it
 * outlived the grace above a stopping one)? Then trap it if may_trap (in
 * wasm code or at a host call's end); otherwise return. The slow path of
 * host_leave and of the interrupt-exit hook, on t itself. */
void comp_check_stop(struct thread *t, bool may_trap);
/* Faults are reported and leave the component FAULTED; KILLED, RESET,
 * EXIT and NONE are not faults. */
bool comp_is_fault(enum trap_kind k);
/* Record and print c's current trap as a fault (once per trap). */
void comp_report_fault(struct component *c);
noreturn void comp_exit(int code);

#endif
