/* Traps and stop requests (kernel/comp/trap.c): why a component stops, the
 * per-component trap state this subsystem owns, and the functions that
 * unwind a component's activations. Used by every layer that runs
 * component code (the runtime, IPC, host calls, the fault dispatcher). */
#ifndef ATHANOR_TRAP_H
#define ATHANOR_TRAP_H

#include <athanor/abi/consts.h>
#include <athanor/types.h>

struct component;
struct thread;

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
/* The trap kind named by a short word (oob, unreachable, divzero, overflow,
 * conversion, indirect, stack), or TRAP_NONE. */
enum trap_kind trap_kind_parse(const char *word);

/* The trap subsystem's part of a component. Written by this subsystem only
 * (trap.c), under comp_lock where noted there; everyone may read `pending`
 * (a stop has been asked for) and `kind` (why it stopped). */
struct comp_trap {
    enum trap_kind kind;       /* why it stopped, TRAP_NONE for a normal exit */
    int            exit_code;  /* its exit status (proc_exit, or 0 from its entry point) */
    /* Asked to stop, and why (KILLED, RESET, EXIT, WATCHDOG, HUNG or an
     * injected fault): every activation of it unwinds (comp_request_stop). */
    volatile enum trap_kind pending;
    uintptr_t      pc;         /* where it trapped (0: not in its code) */
    uintptr_t      addr;       /* the faulting linear-memory offset, if any */
    uint64_t       at_ns;      /* when it last trapped */
    bool           reported;   /* this trap was already reported (by a call) */
    bool           injected;   /* the pending trap was injected (reports say so) */
    uint32_t       injections; /* injected faults, all generations */
    /* The CPU budget's current period: its start, and its thread's CPU
     * time then (the watchdog, trap.c). */
    uint64_t       period_start_ns, period_cpu0;
};
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
/* Fault reports (kernel/comp/faults.c): a ring of the most recent ones. */
void     fault_record(const struct fault_report *r);
unsigned fault_recent(struct fault_report *out, unsigned max); /* newest first */
unsigned fault_count(void); /* reports ever recorded */
void     fault_print(const struct fault_report *r);

/* No trap, nothing pending, exit status 0: a new generation, or a reset done. Called by
 * the lifecycle under comp_lock, with the state change, so that a stop
 * request (which only marks a running component) cannot fall in between. */
void trap_clear(struct component *c);
/* c's code ended outside any activation's trap: kind is why (TRAP_NONE: it
 * returned from its entry point, exit status 0; a pending stop or a memory
 * quota before its code ran). On its own thread. */
void trap_record(struct component *c, enum trap_kind kind);

/* The component on top of this thread's activations traps (or stops, for
 * the non-fault kinds): its activation unwinds at once. Holding no locks. */
noreturn void comp_trap(enum trap_kind kind, uintptr_t pc, uintptr_t addr);
/* Where the platform resumes a thread whose wasm code took a CPU fault
 * (kernel/fault.c): the fault's kind and place arrive as arguments. */
noreturn void comp_fault_resume(uintptr_t kind, uintptr_t pc, uintptr_t addr);
noreturn void comp_exit(int code);
/* Ask c to stop with `kind` (see pending): every activation of it unwinds,
 * each thread it is on is interrupted. Does not wait. */
void comp_request_stop(struct component *c, enum trap_kind kind);
/* Make a running component trap with a fault kind as soon as it next runs
 * (reported as injected; see lifecycle.h's comp_inject). 0, -ATH_ENOENT
 * (not running) or -ATH_EBUSY (a stop is already pending). */
int  trap_inject(struct component *c, enum trap_kind kind);
/* Must the thread's top activation stop (its component is stopping, or it
 * outlived the grace above a stopping one)? Then trap it if may_trap (in
 * wasm code or at a host call's end); otherwise return. The slow path of
 * host_leave and of the interrupt-exit hook, on t itself. */
void comp_check_stop(struct thread *t, bool may_trap);
/* A component thread's hooks (trap.c): the CPU budget and stop checks at
 * interrupt exit, and the deadline of its interruptible waits. */
void trap_thread_begin(struct thread *t);
void trap_thread_end(struct thread *t);
/* After a reset: the budget's timer again (the stop that reset was is over). */
void trap_budget_rearm(struct thread *t);
/* Faults are reported and leave the component FAULTED; KILLED, RESET,
 * EXIT and NONE are not faults. */
bool comp_is_fault(enum trap_kind k);
/* Record and print c's current trap as a fault (once per trap). */
void comp_report_fault(struct component *c);

#endif
