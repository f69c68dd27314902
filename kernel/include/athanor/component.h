/* WebAssembly components: what the build generates for each one (image and
 * manifest entry) and the kernel's running instances of them. */
#ifndef ATHANOR_COMPONENT_H
#define ATHANOR_COMPONENT_H

#include <athanor/cap.h>
#include <athanor/hw.h>
#include <athanor/platform.h>
#include <athanor/sched.h>
#include <athanor/spinlock.h>

/* The C interface wasm2c generated for one module, wrapped by the build's
 * glue (tools/mkcomponent.sh) so the kernel can drive any module the same way.
 * `memory` returns the module's wasm_rt_memory_t (opaque here). */
struct wasi_ctx; /* kernel/wasi: the host side of a component's WASI imports */
struct comp_image {
    const char *name;
    size_t      instance_size;
    void (*init_module)(void);
    void (*instantiate)(void *instance, struct wasi_ctx *wasi);
    void (*start)(void *instance);
    void (*free)(void *instance);
    void *(*memory)(void *instance);
    /* The exported IPC handler (ath_handle), or NULL if the module has none. */
    uint64_t (*handle)(void *instance, uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1,
                       uint64_t a2);
};

enum restart_policy { RESTART_NEVER, RESTART_ON_FAILURE, RESTART_ALWAYS };

/* Capabilities a manifest can grant (until the capability tables exist). */
enum comp_cap {
    CAP_CONSOLE = 1u << 0,
    CAP_CLOCK   = 1u << 1,
    CAP_RANDOM  = 1u << 2,
    CAP_MANAGE  = 1u << 3, /* may start/stop/kill/reset other components */
    CAP_REALTIME = 1u << 4, /* a clock capability that may also set the wall clock */
};

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
    bool                     autostart;
    const char              *calls;           /* space-separated servers it may call */
    struct ioport_range      ioports[COMP_MAX_IOPORTS]; /* its I/O-port ranges (drivers) */
    uint8_t                  nioports;
    uint8_t                  irqs[COMP_MAX_IRQS];       /* its interrupt lines (drivers) */
    uint8_t                  nirqs;
    struct mmio_range        mmio[COMP_MAX_MMIO];       /* device memory it may reach */
    uint8_t                  nmmio;
    uint32_t                 dma_pages;                 /* DMA quota, 4 KiB pages */
};

extern const struct comp_config comp_manifest[];
extern const unsigned           comp_manifest_count;

enum comp_state {
    COMP_STOPPED,  /* never started, killed, or given up on */
    COMP_RUNNING,
    COMP_EXITED,   /* returned from _start or called proc_exit */
    COMP_FAULTED,  /* trapped; may be restarted by its policy */
};

enum trap_kind {
    TRAP_NONE,
    TRAP_OUT_OF_BOUNDS,      /* load/store/bulk memory outside linear memory, table index */
    TRAP_INT_OVERFLOW,       /* INT_MIN / -1, or float->int out of range */
    TRAP_DIV_BY_ZERO,
    TRAP_INVALID_CONVERSION, /* NaN -> int */
    TRAP_UNREACHABLE,
    TRAP_INDIRECT_CALL,      /* null or wrongly-typed table entry */
    TRAP_STACK_EXHAUSTED,    /* call depth limit */
    TRAP_WATCHDOG,           /* CPU budget exceeded */
    TRAP_MEMORY_QUOTA,       /* instantiation needs more memory than the quota */
    TRAP_KILLED,             /* not a fault: kill/restart was asked for */
    TRAP_RESET,              /* not a fault: reset was asked for */
    TRAP_KIND_COUNT
};
const char *trap_kind_name(enum trap_kind k);

#define COMP_ARGS_MAX 8
#define COMP_CAP_SLOTS 64
#define FAULT_FUNC_MAX 48

struct fault_report {
    char           component[24];
    uint32_t       generation;
    enum trap_kind kind;
    char           function[FAULT_FUNC_MAX]; /* wasm function name (name section) */
    uintptr_t      offset;                   /* offset of the trapping code in that function */
    uintptr_t      addr;                     /* faulting linear-memory offset, if any */
    uint64_t       time_ns;
    bool           injected;                 /* asked for (inject), not the component's doing */
};

/* A component's IPC endpoint: callers run its ath_handle on their own
 * thread, one at a time (busy is taken atomically; callers that must wait
 * count themselves in nwaiters and sleep on wq under lock). */
struct endpoint {
    struct component *server;
    /* server->cfg->image->handle (NULL if it exports none), kept here so a
     * call does not chase three pointers before it starts */
    uint64_t        (*handle)(void *instance, uint64_t badge, uint64_t op, uint64_t a0,
                              uint64_t a1, uint64_t a2);
    spinlock_t        lock;
    bool              busy;
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
    struct wasi_ctx *wasi;
    struct plat_vrange mem;          /* the linear memory's reservation */
    uint32_t         mem_pages;      /* current size in wasm pages */
    int              exit_code;
    enum trap_kind   trap;           /* why it stopped, TRAP_NONE for a normal exit */
    enum trap_kind   fault_kind;     /* set by kernel_fault for comp_fault_resume */
    uintptr_t        trap_pc;
    uintptr_t        trap_addr;
    volatile enum trap_kind kill_pending; /* asked to stop (TRAP_KILLED / TRAP_WATCHDOG) */
    void            *trap_jmp[5];    /* __builtin_setjmp buffer on the component thread */
    uint32_t         restarts;       /* total restarts */
    uint64_t         restart_times[8]; /* recent restart times for the rate limit */
    uint64_t         cpu_ns_total;   /* CPU time of all its generations */
    uint64_t         period_start_ns, period_used_ns; /* CPU budget accounting */
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
    struct component *call_caller;   /* during a call to it: who calls (for reply_grant) */
    uint32_t         lent_len;       /* during a lending call to it: the lend's length, */
    bool             lent_writable;  /* and whether it may write it (it may lend it on) */
    uint64_t         last_reset_ns;  /* time the last restore took */
    uint32_t         last_reset_pages; /* pages it copied back */
    uint64_t         instantiate_ns; /* time instantiation + snapshot took */
    uint64_t         started_at_ns;  /* when the entry point was last entered */
    uint64_t         trapped_at_ns;  /* when it last trapped */
    uint64_t         restart_from_ns;   /* trap time behind a pending policy restart, or 0 */
    uint64_t         restart_latency_ns; /* last policy restart: trap to entry point */
    /* The component's capabilities: the manifest's grants, given afresh at
     * every start and revoked when it stops. */
    struct cap_table caps;
    struct cap       cap_slots[COMP_CAP_SLOTS];
    struct endpoint  ep;
    bool             serving;        /* parked in ath_serve: calls may run its handler */
    struct thread   *call_thread;    /* a caller's thread running its handler now */
    void            *call_jmp[5];    /* where a trap during such a call unwinds to */
    bool             report_done;    /* the fault was already reported (by a call) */
    bool             injected;       /* the pending trap was injected (reports say so) */
    uint32_t         injections;     /* injected faults, all generations */
    struct list_node notifications;  /* those it created; freed when it stops */
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
struct component *comp_find(const char *name);
unsigned          comp_count(void);
struct component *comp_at(unsigned i);
int  comp_start(struct component *c, const char *args); /* args NULL: the manifest's */
int  comp_kill(struct component *c);            /* stop it, no restart */
int  comp_restart(struct component *c);         /* kill if running, start afresh */
/* Put a running component's memory and globals back to its post-init
 * snapshot and run its entry point again, in the same generation.
 * -ATH_ENOENT (not running), -ATH_EAGAIN (not initialised yet), -ATH_EBUSY
 * (it grew a table since), -ATH_ETIMEDOUT. */
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

/* Fault reports (kernel/comp/faults.c): a ring of the most recent ones. */
void     fault_record(const struct fault_report *r);
unsigned fault_recent(struct fault_report *out, unsigned max); /* newest first */
void     fault_print(const struct fault_report *r);

/* The running component of this thread, or NULL for a kernel thread. */
struct component *comp_current(void);
/* Leave the component's code for good: trap (or exit) now. Only on the
 * component's own thread, holding no locks. */
noreturn void comp_trap(enum trap_kind kind, uintptr_t pc, uintptr_t addr);
/* Record and print c's current trap as a fault (once per trap). */
void comp_report_fault(struct component *c);
noreturn void comp_exit(int code);

#endif
