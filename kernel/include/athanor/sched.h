/* Kernel threads and the preemptive priority scheduler.
 *
 * Locking: one global sched_lock (a spinlock taken with interrupts off)
 * protects every thread's state, the run queue, the timeout queue and all
 * wait queues. A context switch happens with sched_lock held; the thread that
 * resumes releases it. This is coarse but SMP-correct; per-CPU queues can
 * replace it without changing this interface. */
#ifndef ATHANOR_SCHED_H
#define ATHANOR_SCHED_H

#include <athanor/clock.h>
#include <athanor/heap.h>
#include <athanor/list.h>
#include <athanor/platform.h>
#include <athanor/rt.h>
#include <athanor/runqueue.h>
#include <athanor/timerq.h>

enum thread_state {
    THREAD_READY,    /* on the run queue */
    THREAD_RUNNING,  /* on a CPU */
    THREAD_BLOCKED,  /* on a wait queue, maybe with a timeout */
    THREAD_SLEEPING, /* only on the timeout queue */
    THREAD_DEAD,     /* exited; waiting to be joined or reaped */
};

#define THREAD_NAME_MAX 24
#define THREAD_STACK_DEFAULT (16 * 1024)
#define SCHED_SLICE_NS (10 * NS_PER_MS) /* round-robin slice within one priority */

struct waitq {
    struct list_node waiters; /* struct thread.rq_node, FIFO */
};

struct thread {
    plat_ctx_t        ctx;
    struct list_node  rq_node;      /* run queue or wait queue link */
    struct list_node  all_node;     /* sched's list of every thread */
    struct timeout    timeout;      /* sleep / wait deadline */
    struct waitq     *waiting_on;   /* wait queue we are blocked on, if any */
    int               wake_result;  /* 0, or -ATH_ETIMEDOUT */
    enum thread_state state;
    int               prio;
    uint32_t          tid;
    bool              detached;     /* freed by the scheduler when it exits */
    bool              is_idle;
    struct plat_stack stack;
    void            (*entry)(void *);
    void             *arg;
    int               exit_code;
    bool              joined;       /* a thread_join has claimed it */
    volatile bool     on_cpu;       /* still executing (until the next thread's switch completes) */
    uint64_t          cpu_ns;       /* time spent running */
    uint64_t          run_start_ns; /* when it last got the CPU */
    uint64_t          slice_end_ns; /* when its time slice ends */
    uint64_t          switches;     /* times it was switched in */
    struct waitq      joiners;      /* threads waiting in thread_join */
    /* CPU budget: when the thread has run cpu_left_ns more (UINT64_MAX: no
     * limit), on_cpu_expired(t) is called on its own stack at interrupt exit,
     * with interrupts disabled and no locks held; it may not return. It runs
     * too as soon as possible after thread_interrupt(t). */
    uint64_t          cpu_left_ns;
    bool              cpu_expired;
    bool              cpu_forced;   /* the call was forced (thread_interrupt), not run out */
    void            (*on_cpu_expired)(struct thread *t);
    /* Interruptible waits (waitq_wait_intr) end with -ATH_EINTR from the
     * time intr_deadline(t) returns (0: at once; UINT64_MAX: never); called
     * with sched_lock held, on t, so it may only read. NULL: never. */
    uint64_t        (*intr_deadline)(struct thread *t);
    bool              wait_intr;    /* blocked in an interruptible wait */
    /* A section the scheduler does not preempt (thread_nopreempt_begin):
     * set and cleared by the thread itself, read by the interrupt exit on
     * its CPU, which then only notes preempt_missed. */
    volatile bool     nopreempt;
    volatile bool     preempt_missed;
    /* The component layer's part (kernel/comp, kernel/ipc): set while the
     * thread runs WebAssembly code, a CPU fault is a trap of the component
     * whose activation is on top (thread_comp, component.h), not a kernel
     * bug. */
    struct activation *act;         /* the top activation (struct activation, component.h) */
    struct component *owner;        /* the component whose thread this is (base activation) */
    volatile bool     stopping;     /* a component below the top is stopping: grace runs */
    uint64_t          grace_deadline; /* when the top activation is taken as hung */
    bool              in_wasm;      /* thread_in_wasm() while it does not run (saved at a switch) */
    int               call_err;     /* why its last call_ret failed (ipc/hostcalls.c) */
    /* What it allocates is charged to its top activation's component
     * (heap.h; none: the kernel), or here while this is set (a component's
     * start charges what it makes to that component, whoever starts it). */
    struct kmem_account *kacct;
    struct rt_thread_state rt;      /* the wasm runtime's, saved at a switch (athanor/rt.h) */
    char              name[THREAD_NAME_MAX];
};

void waitq_init(struct waitq *wq);
/* Block the current thread on `wq` until woken or until `deadline_ns`
 * (absolute, UINT64_MAX = forever). Returns 0 or -ATH_ETIMEDOUT.
 * If `lock` is non-NULL it is released atomically with going to sleep and
 * re-acquired before returning (condition-variable style). */
struct spinlock;
int  waitq_wait(struct waitq *wq, struct spinlock *lock, uint64_t deadline_ns);
/* The same, interruptible: also ends with -ATH_EINTR when the thread is
 * asked to stop (thread_interrupt, see intr_deadline). Every wait a host call
 * makes on a component's behalf is one of these, so a kill reaches a
 * component wherever it waits. A wake-up by thread_interrupt that finds no
 * reason to stop returns 0 (a spurious wake-up: callers re-check and wait
 * again). wq may be a queue only this thread waits on (a plain sleep). */
int  waitq_wait_intr(struct waitq *wq, struct spinlock *lock, uint64_t deadline_ns);
/* Wake up to `n` waiters in FIFO order; returns how many were woken. */
int  waitq_wake(struct waitq *wq, int n);
#define WAKE_ALL 0x7fffffff

/* Create a thread; it starts READY. Stack size 0 means THREAD_STACK_DEFAULT.
 * Returns NULL when out of memory. */
struct thread *thread_create(const char *name, void (*entry)(void *), void *arg,
                             int prio, size_t stack_size);
/* Mark `t` detached: it is freed as soon as it has exited. */
void thread_detach(struct thread *t);
/* Wait for `t` to exit, store its exit code, and free it. Only one joiner. */
int  thread_join(struct thread *t, int *exit_code);
noreturn void thread_exit(int code);
struct thread *thread_current(void);
/* thread_current() without a call, for the IPC call's path: the running
 * thread, which the scheduler stores at every switch. A plain global, as
 * the wasm runtime's stack limit is (rt.h), while Athanor has one CPU;
 * with more, both become per-CPU (the platform's per-CPU register). */
extern struct thread *sched_running;
static inline struct thread *thread_running(void) { return sched_running; }
/* Does the running thread run its top activation's component code now,
 * not kernel work (a host call, the lifecycle's)? Only then may an
 * interrupt or a fault end that code where it is. The platform's flag,
 * which its unwindable call sets (plat_unwind_live); a thread that does
 * not run keeps it in its in_wasm. */
static inline bool thread_in_wasm(void) { return plat_unwind_live; }
static inline void thread_set_in_wasm(bool v) { plat_unwind_live = v; }

void thread_yield(void);
void thread_sleep_ns(uint64_t ns);
void thread_sleep_until(uint64_t deadline_ns);
void thread_set_prio(struct thread *t, int prio);
/* Give the current thread `ns` more CPU time from now before its
 * on_cpu_expired hook runs (UINT64_MAX: unlimited). t must be current. */
void thread_set_cpu_budget(uint64_t ns);
/* Ask t to look at its state: an interruptible wait it is blocked in ends
 * (and re-evaluates intr_deadline), and its on_cpu_expired hook runs as soon
 * as it is on a CPU at interrupt exit (so code that never waits notices too). */
void thread_interrupt(struct thread *t);

/* A few instructions the current thread t runs without being preempted,
 * without a locked instruction and with interrupts on: interrupts are
 * still taken, but the interrupt exit (sched_irq_exit) neither switches
 * away from t nor runs its on_cpu_expired hook meanwhile; it notes that it
 * wanted to, and thread_nopreempt_end has it done then (thread_interrupt:
 * the hook runs and a pending preemption happens). So on one CPU the
 * section is atomic with respect to every other thread, which is what the
 * IPC endpoint's hand-over needs (kernel/ipc/call.c). Only interrupts on
 * t's own CPU see the flags: plain stores, with compiler barriers so the
 * section's accesses stay inside. Not nested, no blocking inside. */
static inline void thread_nopreempt_begin(struct thread *t)
{
    t->nopreempt = true;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
}
static inline void thread_nopreempt_end(struct thread *t)
{
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    t->nopreempt = false;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    if (__builtin_expect(t->preempt_missed, 0)) {
        t->preempt_missed = false;
        thread_interrupt(t);
    }
}

/* Boot: turn the boot context into this CPU's idle thread. */
void sched_init(void);
/* Enter the idle loop forever (called by kernel_main at the end). */
noreturn void sched_idle_loop(void);

/* Platform hooks, called with interrupts disabled. */
void sched_timer_irq(void);   /* the one-shot timer fired */
void sched_irq_exit(void);    /* last thing before returning from an interrupt: preempt if needed */

/* Iterate threads for the monitor; the callback runs with sched_lock held
 * and must not block or allocate. */
struct thread_info {
    uint32_t tid;
    char     name[THREAD_NAME_MAX];
    enum thread_state state;
    int      prio;
    uint64_t cpu_ns;
    uint64_t switches;
    size_t   stack_size;
};
/* Copy up to `max` entries into `out`; returns the number of threads. */
unsigned sched_snapshot(struct thread_info *out, unsigned max);
const char *thread_state_name(enum thread_state s);

struct sched_stats {
    uint64_t context_switches;
    uint64_t preemptions;
    uint64_t idle_ns;
    unsigned threads;
};
void sched_get_stats(struct sched_stats *st);

#endif
