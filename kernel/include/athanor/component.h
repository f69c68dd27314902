/* WebAssembly components: what the build generates for each one (image and
 * manifest entry), the kernel's component object — the parts each
 * subsystem owns, side by side — its activations, and the component table.
 * Starting and stopping them is the lifecycle's (athanor/lifecycle.h). */
#ifndef ATHANOR_COMPONENT_H
#define ATHANOR_COMPONENT_H

#include <athanor/abi/app.h>
#include <athanor/abi/consts.h>
#include <athanor/cap.h>
#include <athanor/heap.h>
#include <athanor/host_ctx.h>
#include <athanor/hw.h>
#include <athanor/ipc.h>
#include <athanor/platform.h>
#include <athanor/rt.h>
#include <athanor/rt_part.h>
#include <athanor/sched.h>
#include <athanor/snapshot.h>
#include <athanor/spinlock.h>
#include <athanor/trap.h>
#include <athanor/wasi.h>

/* The C interface wasm2c generated for one module, wrapped by the build's
 * glue (tools/wasm2kernel.sh) so the kernel can drive any module the same way.
 * `memory` returns the module's wasm_rt_memory_t (opaque here). */
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
/* A module's limit allows frames of at least COMP_FRAME_MIN (every
 * component of the system's has smaller ones: the largest, 1088 bytes),
 * so that one limit serves them all: while a component's code runs, the
 * limit is at least COMP_LIMIT_OFF_MIN above the thread's stack base, and
 * a call into a server whose frames fit (ipc_serve_begin) leaves it as it
 * is. A few hundred bytes of a 240 KiB stack buy a null call two stores
 * and a reload less. */
#define COMP_FRAME_MIN     2048
#define COMP_LIMIT_OFF_MIN (ATH_STACK_RESERVE + COMP_FRAME_MIN + COMP_FRAME_SLACK)
static inline uint32_t comp_limit_off(const struct comp_image *img)
{
    uint32_t frame = *img->max_frame > COMP_FRAME_MIN ? *img->max_frame : COMP_FRAME_MIN;
    return ATH_STACK_RESERVE + frame + COMP_FRAME_SLACK;
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
 * component's capability table at every start (the caps part, comp/caps.c). */
enum comp_cap {
    CAP_CONSOLE = 1u << 0,
    CAP_CLOCK   = 1u << 1,
    CAP_RANDOM  = 1u << 2,
    CAP_MANAGE  = 1u << 3, /* may start/stop/kill/reset other components */
    CAP_REALTIME = 1u << 4, /* a clock capability that may also set the wall clock */
    CAP_LOG     = 1u << 5, /* may read the console's output (log_read): the screen shows it */
    CAP_PRECISE_CLOCK = 1u << 6, /* a clock capability that reads at full precision */
    CAP_OBSERVE = 1u << 7, /* "manage" with the read right only: state, faults, capabilities */
};

/* When a component starts by itself (the manifest's autostart): at every
 * boot, or when the system boots into the shell (azoth.shell=1). */
enum comp_boot { COMP_BOOT_NEVER, COMP_BOOT_ALWAYS, COMP_BOOT_SHELL };

/* A preopened directory (the manifest's dirs, dirs_ro): a path of the
 * filesystem service's, and the name the component's WASI calls see. */
struct comp_dir {
    const char *path, *guest;
    bool        readonly;
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
    const struct comp_dir   *dirs;        /* its preopened directories (WASI fds 3...), */
    uint8_t                  ndirs;
    uint8_t                  dir_server;  /* served by this component (index; the "fs") */
    /* A component loaded at run time (kernel/load/app.c) has its command
     * line and environment whole: argc (envc) NUL-terminated strings in
     * argv_len (env_len) bytes, argv[0] first. NULL argv: argv[0] is the
     * name, then the words of the start's arguments (the manifest's). */
    const char              *argv;
    uint32_t                 argc, argv_len;
    const char              *env;
    uint32_t                 envc, env_len;
    bool                     host_stdio;  /* fds 0-2 are the host's own (hosted azoth run) */
    /* A component loaded at run time: the network its starter gave it.
     * Rules (a listening socket's "listen" rule among them), which the net
     * service asks for (caller_net), and listening TCP sockets made for it
     * before its code runs: its WASI fds after the directories'. */
    const struct ath_net_rule   *net;
    uint8_t                      nnet;
    const struct ath_app_listen *listen;
    uint8_t                      nlisten;
    uint8_t                      net_server; /* the "net" (index), with nnet */
};

extern const struct comp_config comp_manifest[];
extern const unsigned           comp_manifest_count;

enum comp_state { /* the ABI's (athanor/abi/consts.h): comp_ctl's STATE reports it */
    COMP_STOPPED = ATH_STOPPED, /* never started, killed, or given up on */
    COMP_RUNNING = ATH_RUNNING,
    COMP_EXITED  = ATH_EXITED,  /* returned from _start or called proc_exit */
    COMP_FAULTED = ATH_FAULTED, /* trapped; may be restarted by its policy */
};

#define COMP_CAP_SLOTS 64 /* a component's own zone of its capability table (cap.h) */

/* One component's code running on a thread. A component thread's base
 * activation is its own (comp_main); each IPC call pushes the server's onto
 * the caller's thread (the migrating-thread model), so a thread carries a
 * stack of them: caller below, server on top. Whatever happens to a
 * component — trap, exit, kill, reset, watchdog — happens to its
 * activations: the top one unwinds at once (comp_unwind); one with others
 * above it waits for them to return, at most CALL_GRACE_NS each (then the
 * top is taken as hung: TRAP_HUNG, its own fault). Lives on the stack of
 * the function that runs it (comp_main, ipc_invoke.h's IPC_SERVE). */
struct activation {
    struct component  *comp;
    struct activation *below;         /* the caller's; NULL at the bottom */
    struct plat_unwind unwind;        /* the call of its code: where its unwinding lands */
    /* One 8-byte word (spare: 0), so that a call sets them with one store. */
    uint32_t           lent_len;      /* serving a lend: its length, */
    bool               lent_writable; /* and whether it may write it (it may lend it on) */
    bool               unwound;       /* its call ended by comp_unwind, not by a return */
    uint16_t           spare;
};
/* How long the activations above a stopping one get to return. */
#define CALL_GRACE_NS (100 * NS_PER_MS)

/* A component. The lifecycle's own fields come first; then each subsystem's
 * part, declared in that subsystem's header, written only by it. The
 * lifecycle starts the parts in the order of its part table
 * (kernel/comp/component.c) and stops them in the reverse order.
 *
 * comp_lock (irqsave) protects state, generation and thread of every
 * component, the trap part's stop request, and the manager's queue. */
extern spinlock_t comp_lock;
struct pkg;
struct component {
    const struct comp_config *cfg;   /* NULL: an empty slot for a component loaded at run time */
    /* The code it runs: its manifest's image, or a package's (an app, or a
     * built-in component updated at run time: comp_update). Changes only
     * while it is stopped. */
    const struct comp_image *image;
    struct pkg      *pkg;            /* the package whose code it runs, NULL: the image's own */
    /* Loaded at run time (comp_create): its config is this slot's own until
     * comp_remove. */
    bool             app;
    bool             setting_up;     /* comp_create is filling it in (under comp_lock) */
    enum comp_state  state;
    uint32_t         generation;     /* changes on every (re)start */
    struct thread   *thread;         /* its own thread while it runs */
    uint32_t         restarts;       /* total restarts */
    uint64_t         restart_times[ATH_MAX_RESTARTS]; /* recent restart times for the rate limit */
    bool             gave_up;        /* restart rate exceeded */
    uint32_t         resets;         /* resets done, all generations */
    uint64_t         cpu_ns_total;   /* CPU time of all its generations */
    uint64_t         instantiate_ns; /* time instantiation + snapshot took */
    uint64_t         started_at_ns;  /* when the entry point was last entered */
    uint64_t         restart_from_ns;   /* trap time behind a pending policy restart, or 0 */
    uint64_t         restart_latency_ns; /* last policy restart: trap to entry point */
    uint32_t         stack_low;      /* with comp_stack_watch: bytes above its stack's base never written */
    struct waitq     exit_wq;        /* woken when the thread finishes, and after a reset */

    /* The subsystems' parts. */
    struct comp_rt      rt;   /* kernel/rt: instance and linear memory */
    host_ctx            host; /* kernel/host: its import modules' context */
    /* kernel/cap: its capabilities, the manifest's given afresh at every
     * start (COMP_CAP_SLOTS of its own, then room for grants) */
    struct cap_table    caps;
    struct kmem_account kmem; /* kernel/mem: kernel memory charged to it (limit: kernel_kib) */
    struct comp_hw      hw;   /* kernel/hw */
    struct comp_wasi    wasi; /* kernel/wasi */
    struct comp_snap    snap; /* kernel/comp/snapshot.c */
    struct comp_ipc     ipc;  /* kernel/ipc */
    struct comp_trap    trap; /* kernel/comp/trap.c */
};

/* The component table (kernel/comp/component.c): one entry per manifest
 * entry, for good, then COMP_APP_SLOTS slots for components loaded at run
 * time (comp_create); comp_at gives NULL config for an empty one. */
#define COMP_APP_SLOTS 32
/* What one of them may have granted elsewhere at once: with a network, its
 * notification to the net service (and the next, while a restarted
 * service's table still holds the last). */
#define APP_NET_GRANTS 2
unsigned          comp_count(void);
struct component *comp_at(unsigned i);
struct component *comp_find(const char *name);
/* May `from` call `to` (the manifest's calls list)? */
bool comp_may_call(const struct comp_config *from, const struct comp_config *to);
/* The component whose linear memory reservation holds addr, or NULL. */
struct component *comp_by_address(uintptr_t addr);
/* The running component of this thread, or NULL for a kernel thread. */
struct component *comp_current(void);
const char *comp_state_name(enum comp_state s);

/* The component whose code runs on t: its top activation's (NULL: none).
 * Read through the activation, not kept in the thread: one store less on
 * each side of every call. */
static inline struct component *thread_comp(const struct thread *t)
{
    return t->act ? t->act->comp : NULL;
}

/* Activations (ipc/call.c pushes and pops the call ones): a becomes the
 * top of t, its component the one whose code runs (thread_comp). Only on t. */
static inline void comp_act_push(struct thread *t, struct activation *a)
{
    a->below = t->act;
    t->act = a;
}
static inline void comp_act_pop(struct thread *t, struct activation *a)
{
    t->act = a->below;
}
/* End the top activation a's call of its code, at once (a trap, a stop,
 * proc_exit): its unwound is set and its PLAT_CALL_UNWINDABLE gives 0. */
static inline noreturn void comp_unwind(struct activation *a)
{
    a->unwound = true;
    plat_unwind(&a->unwind);
}
#endif
