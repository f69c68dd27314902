/* Component lifecycle: start (a fresh instance on its own kernel thread, with
 * a new generation), normal exit, traps, kill, restart, and the restart
 * policy applied by the component manager thread.
 *
 * Locking: comp_lock (irqsave) protects every component's state, generation,
 * thread pointer and the manager's pending list. A component's instance and
 * linear memory belong to its own thread while it runs: only that thread
 * creates and frees them. */
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/heap.h>
#include <athanor/ipc.h>
#include <athanor/notify.h>
#include <athanor/klib.h>
#include <athanor/ksyms.h>
#include <athanor/snapshot.h>
#include <athanor/spinlock.h>
#include <athanor/host.h>

#define COMP_PRIO      (PRIO_DEFAULT - 2)  /* below the monitor, so it stays responsive */
#define COMP_STACK     (240 * 1024)        /* wasm2c code runs on the native stack */
#define MANAGER_PRIO   (PRIO_DEFAULT + 1)
#define WASM_FUNC_PREFIX "w2c_"            /* wasm2c's prefix for functions from the name section */


static spinlock_t        comp_lock = SPINLOCK_INIT;
static struct component *comps;
static unsigned          ncomps;
/* Components whose thread finished, for the manager to apply policy to. */
static struct component *pending[64];
static unsigned          npending;
static struct waitq      manager_wq;

static const char *const state_names[] = {
    [COMP_STOPPED] = "stopped", [COMP_RUNNING] = "running",
    [COMP_EXITED] = "exited",   [COMP_FAULTED] = "faulted",
};

const char *comp_state_name(enum comp_state s)
{
    return (unsigned)s < ARRAY_LEN(state_names) ? state_names[s] : "?";
}

unsigned comp_count(void) { return ncomps; }
struct component *comp_at(unsigned i) { return i < ncomps ? &comps[i] : NULL; }

struct component *comp_find(const char *name)
{
    for (unsigned i = 0; i < ncomps; i++)
        if (strcmp(comps[i].cfg->name, name) == 0)
            return &comps[i];
    return NULL;
}

struct component *comp_by_address(uintptr_t addr)
{
    for (unsigned i = 0; i < ncomps; i++) {
        const struct plat_vrange *r = &comps[i].mem;
        if (r->size && addr >= r->base && addr - r->base < r->size)
            return &comps[i];
    }
    return NULL;
}

struct component *comp_current(void)
{
    struct thread *t = thread_current();
    return t ? t->comp : NULL;
}

bool comp_is_fault(enum trap_kind k)
{
    return k != TRAP_NONE && k != TRAP_KILLED && k != TRAP_RESET && k != TRAP_EXIT;
}

noreturn void comp_trap(enum trap_kind kind, uintptr_t pc, uintptr_t addr)
{
    struct thread *t = thread_current();
    struct activation *a = t ? t->act : NULL;
    if (!a)
        kpanic("comp_trap outside a component activation");
    struct component *c = a->comp;
    /* A stop that another activation of c already recorded (and reported)
     * keeps its place and time: this is c's other activation following it. */
    if (c->trap == TRAP_NONE || !c->report_done) {
        c->trap_pc = pc;
        c->trap_addr = addr;
        c->trapped_at_ns = plat_clock_ns();
    }
    c->trap = kind;
    __builtin_longjmp(a->jmp, 1);
}

noreturn void comp_exit(int code)
{
    struct thread *t = thread_current();
    struct activation *a = t ? t->act : NULL;
    if (!a)
        kpanic("comp_exit outside a component activation");
    struct component *c = a->comp;
    c->exit_code = code;
    if (t->owner == c && !a->below) { /* its own thread, its own code: a normal exit */
        c->trap = TRAP_NONE;
        __builtin_longjmp(a->jmp, 1);
    }
    /* proc_exit inside a call's handler (on its caller's thread): the
     * component stops as exited, on every thread; this call fails for the
     * caller, who goes on (ipc/call.c). */
    comp_request_stop(c, TRAP_EXIT);
    c->trap = TRAP_EXIT;
    __builtin_longjmp(a->jmp, 1);
}

/* Resumption point after a CPU fault in wasm code (see kernel/fault.c). */
noreturn void comp_fault_resume(void);
noreturn void comp_fault_resume(void)
{
    struct component *c = comp_current();
    if (!c)
        kpanic("comp_fault_resume outside a component thread");
    comp_trap(c->fault_kind, c->trap_pc, c->trap_addr);
}

/* ---- stopping: every activation of a component, on every thread ----
 *
 * A stop request (kill, reset, watchdog, injected fault, a trap or exit in
 * a handler) sets kill_pending and nudges each thread where the component
 * has an activation: its own thread (c->thread) and the caller's thread
 * running its handler (c->ep.holder). A nudged thread looks at its own
 * activations (only it changes them): if its top's component is stopping,
 * the top unwinds now (in wasm: from the interrupt-exit hook; in a host
 * call: at its end; in a wait: the wait ends with EINTR). If a stopping
 * one lies below the top, the top is a server working for it and gets
 * CALL_GRACE_NS to return; then it is taken as hung (TRAP_HUNG, its fault)
 * and the next one up gets a grace of its own. t->stopping is that grace's
 * flag: a hint set by nudgers, cleared by the thread when it finds nothing
 * stopping; both under comp_lock.
 *
 * Why nudges cannot be lost: the requester stores kill_pending (sequentially
 * consistent), then reads the endpoint's holder; a caller takes the endpoint
 * with one sequentially consistent compare-and-swap that publishes itself as
 * the holder, then reads kill_pending (ipc/call.c's acquire). One of the two
 * sees the other. A thread that waits checks kill_pending under sched_lock,
 * which a nudge takes too. The holder thread cannot go away under a nudge:
 * a component thread ends through finish(), which takes comp_lock. */

static int stop_rank(enum trap_kind k)
{
    switch (k) {
    case TRAP_NONE:   return 0;
    case TRAP_RESET:  return 1;
    case TRAP_EXIT:   return 2;
    case TRAP_KILLED: return 4;
    default:          return 3; /* a fault */
    }
}

static void nudge_locked(struct thread *t)
{
    if (!t->stopping) {
        t->grace_deadline = plat_clock_ns() + CALL_GRACE_NS;
        t->stopping = true;
    }
    thread_interrupt(t);
}

void comp_request_stop(struct component *c, enum trap_kind kind)
{
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    if (c->state == COMP_RUNNING && stop_rank(kind) > stop_rank(c->kill_pending))
        __atomic_store_n(&c->kill_pending, kind, __ATOMIC_SEQ_CST);
    struct thread *holder = __atomic_load_n(&c->ep.holder, __ATOMIC_SEQ_CST);
    if (c->thread)
        nudge_locked(c->thread);
    if (holder && holder != c->thread)
        nudge_locked(holder);
    spin_unlock_irqrestore(&comp_lock, f);
}

enum verdict { RUN, GRACE, STOP, HUNG };

/* What the top activation of t must do (t itself; reads only). */
static enum verdict evaluate(struct thread *t, uint64_t *deadline)
{
    struct activation *a = t->act;
    if (!a)
        return RUN;
    if (a->comp->kill_pending)
        return STOP;
    if (!t->stopping)
        return RUN;
    for (struct activation *b = a->below; b; b = b->below)
        if (b->comp->kill_pending) {
            *deadline = t->grace_deadline;
            return plat_clock_ns() >= *deadline ? HUNG : GRACE;
        }
    return RUN;
}

/* sched's intr_deadline hook: interruptible waits end at once when the
 * top must stop, at the grace's end when a component below stops. */
static uint64_t intr_deadline(struct thread *t)
{
    uint64_t d = UINT64_MAX;
    enum verdict v = evaluate(t, &d);
    return v == STOP || v == HUNG ? 0 : v == GRACE ? d : UINT64_MAX;
}

void comp_check_stop(struct thread *t, bool may_trap)
{
    uint64_t d;
    enum verdict v = evaluate(t, &d);
    if (v == RUN && t->stopping) { /* a stale hint: clear it, unless a nudge just came */
        irqflags_t f = spin_lock_irqsave(&comp_lock);
        if (evaluate(t, &d) == RUN)
            t->stopping = false;
        spin_unlock_irqrestore(&comp_lock, f);
        return;
    }
    if (v == HUNG) {
        /* The top outlived its grace: its own fault. Whatever is next up
         * after it unwinds gets a grace of its own. */
        struct component *top = t->comp;
        irqflags_t f = spin_lock_irqsave(&comp_lock);
        t->grace_deadline = plat_clock_ns() + CALL_GRACE_NS;
        spin_unlock_irqrestore(&comp_lock, f);
        comp_request_stop(top, TRAP_HUNG);
        v = STOP;
    }
    if (v == STOP && may_trap)
        comp_trap(t->comp->kill_pending, 0, 0);
}

static void budget_rearm(struct thread *t);

/* Interrupt-exit hook (interrupts off, no locks held, on t): the CPU budget
 * ran out, or the thread was nudged. CPU time is the thread's owner's,
 * whatever activation runs: a client pays for the handlers it calls, and
 * its budget running out stops the client, never the server (which gets
 * the grace to return). */
static void thread_hook(struct thread *t)
{
    struct component *owner = t->owner;
    t->cpu_forced = false;
    uint32_t budget_ms = owner->cfg->cpu_budget_ms;
    if (budget_ms && !owner->kill_pending) {
        uint64_t now = plat_clock_ns(), cpu = t->cpu_ns + (now - t->run_start_ns);
        if (now - owner->period_start_ns >= (uint64_t)owner->cfg->cpu_period_ms * NS_PER_MS) {
            owner->period_start_ns = now; /* a new period: a new budget */
            owner->period_cpu0 = cpu;
        } else if (cpu - owner->period_cpu0 >= (uint64_t)budget_ms * NS_PER_MS) {
            comp_request_stop(owner, TRAP_WATCHDOG);
        }
    }
    budget_rearm(t);
    /* In a host call the stop happens at its end (host_leave). A trap from
     * here leaves the interrupt: the catch site re-enables interrupts. */
    comp_check_stop(t, t->in_wasm);
}

/* Arm the thread's CPU timer for the next moment the hook must look: the
 * owner's budget running out, or the grace's end. */
static void budget_rearm(struct thread *t)
{
    struct component *owner = t->owner;
    uint64_t now = plat_clock_ns(), left = UINT64_MAX;
    if (owner->cfg->cpu_budget_ms && !owner->kill_pending) {
        uint64_t cpu = t->cpu_ns + (now - t->run_start_ns), used = cpu - owner->period_cpu0;
        uint64_t budget = (uint64_t)owner->cfg->cpu_budget_ms * NS_PER_MS;
        left = used < budget ? budget - used : 1;
    }
    if (t->stopping)
        left = MIN(left, t->grace_deadline > now ? t->grace_deadline - now : 1);
    thread_set_cpu_budget(left);
}

static void fill_report(struct component *c, struct fault_report *r)
{
    memset(r, 0, sizeof *r);
    kstrlcpy(r->component, c->cfg->name, sizeof r->component);
    r->generation = c->generation;
    r->kind = c->trap;
    r->addr = c->trap_addr;
    r->time_ns = plat_clock_ns();
    r->injected = c->injected;
    const char *name;
    uintptr_t off;
    if (c->trap_pc && ksym_lookup(c->trap_pc, &name, &off)) {
        size_t plen = strlen(WASM_FUNC_PREFIX);
        if (strncmp(name, WASM_FUNC_PREFIX, plen) == 0)
            name += plen;
        kstrlcpy(r->function, name, sizeof r->function);
        char *dot = strchr(r->function, '.'); /* gcc clones: name.constprop.0 */
        if (dot)
            *dot = '\0';
        r->offset = off;
    }
}

void comp_report_fault(struct component *c)
{
    if (c->report_done)
        return;
    struct fault_report r;
    fill_report(c, &r);
    fault_record(&r);
    fault_print(&r);
    c->report_done = true;
}

/* The component's thread has left wasm for good: record the outcome and
 * hand the component to the manager. */
static void finish(struct component *c)
{
    struct thread *t = thread_current();
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    c->cpu_ns_total += t->cpu_ns;
    c->state = c->trap == TRAP_NONE || c->trap == TRAP_EXIT ? COMP_EXITED
             : comp_is_fault(c->trap) ? COMP_FAULTED : COMP_STOPPED;
    c->thread = NULL;
    if (npending < ARRAY_LEN(pending))
        pending[npending++] = c;
    spin_unlock_irqrestore(&comp_lock, f);
    if (c->state == COMP_FAULTED)
        comp_report_fault(c);
    waitq_wake(&c->exit_wq, WAKE_ALL);
    waitq_wake(&manager_wq, 1);
}

/* Reset, on the component's thread after its base activation unwound:
 * wait until no caller runs its handler (nudged by the stop request: it
 * unwinds, its caller's call fails), restore the snapshot, then let
 * run_instance enter the entry point again. Never two threads in one
 * instance. */
static bool do_reset(struct component *c, struct thread *t)
{
    t->in_wasm = false;
    plat_irq_enable();
    if (!c->snap)
        return false; /* nothing to go back to: stop instead */
    ipc_drain(c);
    uint64_t t0 = plat_clock_ns();
    if (snapshot_restore(c, &c->last_reset_pages) != 0) {
        kprintf("component %s: no memory to restore its snapshot; it stops\n", c->cfg->name);
        return false; /* restore changes nothing when it fails: stop cleanly */
    }
    c->last_reset_ns = plat_clock_ns() - t0;
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    c->resets++;
    c->trap = TRAP_NONE;
    c->kill_pending = TRAP_NONE;
    spin_unlock_irqrestore(&comp_lock, f);
    budget_rearm(t);
    waitq_wake(&c->exit_wq, WAKE_ALL);
    return true;
}

/* Instantiate (once), snapshot, and run the entry point; again after each
 * reset. Returns when the component is done for good. */
static void run_instance(struct component *c, struct thread *t, struct activation *base)
{
    const struct comp_image *img = c->cfg->image;
    volatile bool instantiated = false; /* survives the longjmp of a trap */
    for (;;) {
        if (__builtin_setjmp(base->jmp) == 0) {
            rt_set_stack_limit(base->stack_limit);
            t->in_wasm = true;
            if (!instantiated) {
                uint64_t t0 = plat_clock_ns();
                img->instantiate(c->instance, c->host);
                t->in_wasm = false;
                if (snapshot_take(c) != 0)
                    kprintf("component %s: no memory for a snapshot; reset unavailable\n",
                            c->cfg->name);
                c->instantiate_ns = plat_clock_ns() - t0;
                instantiated = true;
                t->in_wasm = true;
            }
            c->started_at_ns = plat_clock_ns();
            if (c->restart_from_ns) {
                c->restart_latency_ns = c->started_at_ns - c->restart_from_ns;
                c->restart_from_ns = 0;
            }
            img->start(c->instance);
            t->in_wasm = false;
            c->trap = TRAP_NONE; /* returned from _start: exit status 0 */
            c->exit_code = 0;
        }
        if (c->trap != TRAP_RESET || !do_reset(c, t))
            return;
    }
}

bool comp_stack_watch;
#define STACK_PAINT 0xA5

/* With comp_stack_watch: everything below this frame gets the paint. */
__attribute__((noinline)) static void paint_stack(struct thread *t)
{
    uint8_t *lo = t->stack.base, *hi = (uint8_t *)__builtin_frame_address(0) - 512;
    memset(lo, STACK_PAINT, (size_t)(hi - lo));
}

/* The bytes above the base that still hold the paint. */
static uint32_t unpainted_from(struct thread *t)
{
    const uint8_t *p = t->stack.base, *end = p + t->stack.size;
    const uint8_t *q = p;
    while (q < end && *q == STACK_PAINT)
        q++;
    return (uint32_t)(q - p);
}

static void comp_main(void *arg)
{
    struct component *c = arg;
    struct thread *t = thread_current();
    bool watch = comp_stack_watch;
    if (watch)
        paint_stack(t);
    const struct comp_image *img = c->cfg->image;
    struct activation base = { .comp = c };
    base.stack_limit = comp_stack_limit(t, img);
    t->owner = c;
    comp_act_push(t, &base);
    t->on_cpu_expired = thread_hook;
    t->intr_deadline = intr_deadline;
    c->period_start_ns = plat_clock_ns();
    c->period_cpu0 = t->cpu_ns;
    budget_rearm(t);
    c->host = host_ctx_create(c);
    c->instance = kzalloc(img->instance_size);
    c->rtmem = c->instance ? img->memory(c->instance) : NULL; /* filled in by instantiate */
    if (c->kill_pending) {
        c->trap = c->kill_pending; /* stopped before it ever ran */
    } else if (!c->host || !c->instance) {
        c->trap = TRAP_MEMORY_QUOTA;
    } else {
        run_instance(c, t, &base);
    }
    /* Here after a normal return, proc_exit or a trap (which may have left an
     * interrupt handler, so interrupts may be off). */
    t->in_wasm = false;
    thread_set_cpu_budget(UINT64_MAX);
    t->on_cpu_expired = NULL;
    t->intr_deadline = NULL;
    plat_irq_enable();
    ipc_drain(c); /* no caller may still be running its handler */
    snapshot_free(c);
    /* Its capabilities and every copy made from them; the notifications
     * it created die with their originals (notification_gone). */
    cap_table_clear(&c->caps);
    for (unsigned i = 0; i < c->cfg->nirqs; i++) /* its lines fall silent */
        hw_irq_release(c->cfg->irqs[i]);
    comp_watch_forget(c, NULL); /* if it was the supervisor: the kernel decides again */
    /* Every activation above the base has unwound (the runtime frees the
     * memory of the activation on top, below). */
    if (t->act != &base || t->comp != c)
        kpanic("comp: %s tears down under %s's activation", c->cfg->name,
               t->comp ? t->comp->cfg->name : "no");
    c->rtmem = NULL;
    if (c->instance)
        img->free(c->instance); /* frees the linear memory and tables */
    kfree(c->instance);
    c->instance = NULL;
    host_ctx_destroy(c->host);
    c->host = NULL;
    comp_act_pop(t, &base);
    t->owner = NULL;
    if (watch)
        c->stack_low = unpainted_from(t);
    finish(c);
}

/* The kernel objects behind the manifest's device-less capabilities. */
static int console_object, clock_object, random_object;

/* Give a fresh instance the capabilities its manifest entry grants. */
static void grant_manifest_caps(struct component *c)
{
    static const struct {
        enum comp_cap  bit;
        enum cap_type  type;
        uint32_t       rights;
        void          *object;
    } grants[] = {
        { CAP_CONSOLE, CAP_T_CONSOLE, CAP_R_READ | CAP_R_WRITE, &console_object },
        { CAP_CLOCK, CAP_T_CLOCK, CAP_R_READ, &clock_object },
        { CAP_RANDOM, CAP_T_RANDOM, CAP_R_READ, &random_object },
        { CAP_MANAGE, CAP_T_COMPONENT, CAP_R_READ | CAP_R_WRITE, NULL }, /* NULL: any component */
        { CAP_REALTIME, CAP_T_CLOCK, CAP_R_READ | CAP_R_WRITE, &clock_object },
        { CAP_LOG, CAP_T_LOG, CAP_R_READ, NULL }, /* NULL: the one console log */
    };
    cap_table_renew(&c->caps); /* a new instance: retired slots come back */
    for (size_t i = 0; i < ARRAY_LEN(grants); i++) {
        cap_handle_t h;
        if ((c->cfg->caps & grants[i].bit) &&
            cap_insert(&c->caps, grants[i].type, grants[i].rights, grants[i].object, 0, &h) != 0)
            kpanic("comp %s: capability table too small", c->cfg->name);
    }
    for (unsigned i = 0; i < c->cfg->nioports; i++) {
        cap_handle_t h;
        c->ioports[i] = c->cfg->ioports[i];
        if (cap_insert_range(&c->caps, CAP_T_IOPORT, CAP_R_ALL, &c->ioports[i], c->ioports[i].base,
                             c->ioports[i].count, &h) != 0)
            kpanic("comp %s: capability table too small", c->cfg->name);
    }
    for (unsigned i = 0; i < c->cfg->nmmio; i++) {
        cap_handle_t h;
        c->mmio[i] = c->cfg->mmio[i];
        if (cap_insert_range(&c->caps, CAP_T_MMIO, CAP_R_ALL, &c->mmio[i], c->mmio[i].base,
                             c->mmio[i].size, &h) != 0)
            kpanic("comp %s: capability table too small", c->cfg->name);
    }
    if (c->cfg->dma_pages) {
        cap_handle_t h;
        if (cap_insert_range(&c->caps, CAP_T_DMA, CAP_R_ALL, &c->dma_used, 0,
                             (uint64_t)c->cfg->dma_pages * PAGE_SIZE, &h) != 0)
            kpanic("comp %s: capability table too small", c->cfg->name);
    }
    for (unsigned i = 0; i < c->cfg->nirqs; i++) {
        cap_handle_t h;
        struct irq_line *l = hw_irq_line(c->cfg->irqs[i]);
        if (l && cap_insert_range(&c->caps, CAP_T_IRQ, CAP_R_ALL, l, l->line, 1, &h) != 0)
            kpanic("comp %s: capability table too small", c->cfg->name);
    }
}

static void set_args(struct component *c, const char *args)
{
    kstrlcpy(c->argv_buf, c->cfg->name, sizeof c->argv_buf);
    size_t len = strlen(c->argv_buf) + 1;
    if (args && *args)
        kstrlcpy(c->argv_buf + len, args, sizeof c->argv_buf - len);
    else
        c->argv_buf[len] = '\0';
    /* Split in place: argv[0] is the name, then the space-separated words. */
    c->argc = 0;
    c->argv[c->argc++] = c->argv_buf;
    for (char *p = c->argv_buf + len; *p && c->argc < COMP_ARGS_MAX;) {
        while (*p == ' ')
            *p++ = '\0';
        if (!*p)
            break;
        c->argv[c->argc++] = p;
        while (*p && *p != ' ')
            p++;
    }
    c->argv[c->argc] = NULL;
}

/* args NULL: keep the current arguments (a restart). */
static int start(struct component *c, const char *args);

int comp_start(struct component *c, const char *args)
{
    return start(c, args ? args : c->cfg->args);
}

static int start(struct component *c, const char *args)
{
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    if (c->state == COMP_RUNNING) {
        spin_unlock_irqrestore(&comp_lock, f);
        return -ATH_EBUSY;
    }
    c->state = COMP_RUNNING;
    c->generation++;
    c->transfer_next = 0; /* a new instance: its transfer area and message buffer start empty */
    c->msgbuf = c->msgbuf_len = 0;
    c->hw_refused = 0;
    c->dma_next = c->dma_used = 0;
    c->trap = TRAP_NONE;
    c->kill_pending = TRAP_NONE;
    c->exit_code = 0;
    c->trap_pc = c->trap_addr = 0;
    c->report_done = false;
    c->injected = false;
    spin_unlock_irqrestore(&comp_lock, f);
    if (args)
        set_args(c, args);
    grant_manifest_caps(c);
    ipc_grant_manifest(c);

    char tname[THREAD_NAME_MAX];
    ksnprintf(tname, sizeof tname, "c:%s", c->cfg->name);
    /* Its thread is its own kernel memory, whoever starts it. */
    struct thread *me = thread_current();
    struct kmem_account *caller_acct = me->kacct;
    me->kacct = &c->kmem;
    struct thread *t = thread_create(tname, comp_main, c, COMP_PRIO, COMP_STACK);
    me->kacct = caller_acct;
    if (!t) {
        f = spin_lock_irqsave(&comp_lock);
        c->state = COMP_STOPPED;
        spin_unlock_irqrestore(&comp_lock, f);
        return -ATH_ENOMEM;
    }
    f = spin_lock_irqsave(&comp_lock);
    if (c->state == COMP_RUNNING && !c->thread)
        c->thread = t;
    spin_unlock_irqrestore(&comp_lock, f);
    thread_detach(t);
    return 0;
}

int comp_kill(struct component *c)
{
    if (c->state != COMP_RUNNING)
        return -ATH_ENOENT;
    comp_request_stop(c, TRAP_KILLED);
    return comp_wait(c, plat_clock_ns() + 5 * NS_PER_S);
}

int comp_inject(struct component *c, enum trap_kind kind)
{
    if (kind == TRAP_NONE || kind >= TRAP_WATCHDOG)
        return -ATH_EINVAL; /* only the kinds a component's own code can cause */
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    int r = c->state != COMP_RUNNING || !c->thread ? -ATH_ENOENT : c->kill_pending ? -ATH_EBUSY : 0;
    if (r == 0) {
        c->injected = true;
        c->injections++;
    }
    spin_unlock_irqrestore(&comp_lock, f);
    if (r == 0) /* it traps wherever its code runs next: own thread, a handler, a host call's end */
        comp_request_stop(c, kind);
    return r;
}

int comp_reset(struct component *c)
{
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    int r = c->state != COMP_RUNNING || !c->thread ? -ATH_ENOENT
          : !c->snap ? -ATH_EAGAIN
          : c->tables_grew ? -ATH_EBUSY : 0;
    uint32_t before = c->resets;
    spin_unlock_irqrestore(&comp_lock, f);
    if (r)
        return r;
    comp_request_stop(c, TRAP_RESET);
    uint64_t deadline = plat_clock_ns() + 5 * NS_PER_S;
    f = spin_lock_irqsave(&comp_lock);
    while (r == 0 && c->resets == before && c->state == COMP_RUNNING)
        r = waitq_wait_intr(&c->exit_wq, &comp_lock, deadline);
    if (r == 0 && c->resets == before)
        r = -ATH_ENOMEM; /* it stopped instead: its snapshot could not be restored */
    spin_unlock_irqrestore(&comp_lock, f);
    return r;
}

int comp_restart(struct component *c)
{
    if (c->state == COMP_RUNNING) {
        int r = comp_kill(c);
        if (r)
            return r;
    }
    c->gave_up = false;
    return start(c, NULL);
}

int comp_wait(struct component *c, uint64_t deadline_ns)
{
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    int r = 0;
    while (c->state == COMP_RUNNING && r == 0) /* a component waiting here can be stopped too */
        r = waitq_wait_intr(&c->exit_wq, &comp_lock, deadline_ns);
    spin_unlock_irqrestore(&comp_lock, f);
    return r;
}

/* Restart policy: on-failure restarts faulted components, always restarts
 * faulted and exited ones; a killed component stays stopped. More than
 * max_restarts within restart_window_ms and the manager gives up. */
static void apply_policy(struct component *c)
{
    const struct comp_config *cfg = c->cfg;
    if (comp_supervised(c))
        return; /* a supervisor component decides (and was told) */
    bool want = (cfg->restart == RESTART_ON_FAILURE && c->state == COMP_FAULTED) ||
                (cfg->restart == RESTART_ALWAYS && c->state != COMP_STOPPED);
    if (!want)
        return;
    uint64_t now = plat_clock_ns(), window = (uint64_t)cfg->restart_window_ms * NS_PER_MS;
    unsigned recent = 0;
    for (unsigned i = 0; i < ARRAY_LEN(c->restart_times); i++)
        if (c->restart_times[i] && now - c->restart_times[i] < window)
            recent++;
    if (recent >= cfg->max_restarts) {
        irqflags_t f = spin_lock_irqsave(&comp_lock);
        c->gave_up = true;
        c->state = COMP_STOPPED;
        spin_unlock_irqrestore(&comp_lock, f);
        kprintf("component %s: %u restarts within %u ms; giving up (policy %s)\n", cfg->name,
                recent, cfg->restart_window_ms,
                cfg->restart == RESTART_ALWAYS ? "always" : "on-failure");
        return;
    }
    int r = comp_recover(c);
    if (r)
        kprintf("component %s: restart failed: %s\n", cfg->name, ath_strerror(r));
}

int comp_recover(struct component *c)
{
    if (c->state == COMP_RUNNING)
        return -ATH_EBUSY;
    c->restart_times[c->restarts % ARRAY_LEN(c->restart_times)] = plat_clock_ns();
    c->restarts++;
    c->gave_up = false;
    c->restart_from_ns = c->state == COMP_FAULTED ? c->trapped_at_ns : 0;
    return start(c, NULL);
}

static void manager_main(void *arg)
{
    (void)arg;
    for (;;) {
        irqflags_t f = spin_lock_irqsave(&comp_lock);
        while (npending == 0)
            waitq_wait(&manager_wq, &comp_lock, UINT64_MAX);
        struct component *c = pending[--npending];
        spin_unlock_irqrestore(&comp_lock, f);
        apply_policy(c);
    }
}

bool comp_may_call(const struct comp_config *from, const struct comp_config *to)
{
    for (unsigned i = 0; i < from->ncalls; i++)
        if (&comp_manifest[from->calls[i]] == to)
            return true;
    return false;
}

/* Room for grants into c's table: every component that may grant to it —
 * a client (call_grant) or a server it calls (reply_grant) — may fill its
 * whole grant quota there (see cap.h). */
static uint32_t foreign_slots(const struct comp_config *cfg)
{
    uint32_t n = 0;
    for (unsigned i = 0; i < comp_manifest_count; i++) {
        const struct comp_config *p = &comp_manifest[i];
        if (p != cfg && (comp_may_call(p, cfg) || comp_may_call(cfg, p)))
            n += p->grants;
    }
    return n;
}

/* A notification's original capability is gone (notify.h): nothing may
 * signal it any more; its waiters wake; the original's reference goes. */
static void notification_gone(void *object)
{
    struct notification *n = object;
    notify_kill(n);
    hw_irq_forget(n);
    comp_watch_forget(NULL, n);
    notify_put(n);
}

static void notification_pin(void *object)
{
    notify_get(object);
}

/* The kernel memory account of the running thread (the heap's hook). */
static struct kmem_account *current_account(void)
{
    struct thread *t = thread_current();
    return t ? t->kacct : NULL;
}

void comp_init(bool autostart)
{
    waitq_init(&manager_wq);
    ncomps = comp_manifest_count;
    comps = kzalloc(sizeof *comps * (ncomps ? ncomps : 1));
    if (!comps)
        kpanic("comp: no memory for %u components", ncomps);
    heap_set_account_hook(current_account);
    static const struct cap_type_ops notification_ops = { notification_pin, notification_gone };
    cap_set_type_ops(CAP_T_NOTIFICATION, &notification_ops);
    for (unsigned i = 0; i < ncomps; i++) {
        struct component *c = &comps[i];
        c->cfg = &comp_manifest[i];
        c->state = COMP_STOPPED;
        waitq_init(&c->exit_wq);
        uint32_t nslots = COMP_CAP_SLOTS + foreign_slots(c->cfg);
        struct cap *slots = kzalloc(sizeof *slots * nslots);
        if (!slots || nslots > CAP_MAX_SLOTS)
            kpanic("comp: no memory for %s's capability table", c->cfg->name);
        cap_table_init(&c->caps, slots, nslots, c);
        cap_table_set_zones(&c->caps, COMP_CAP_SLOTS, c->cfg->grants);
        c->kmem.limit = (uint64_t)c->cfg->kernel_kib * 1024;
        if (!heap_account_register(&c->kmem))
            kpanic("comp: too many kernel memory accounts");
        c->ep.server = c;
        c->ep.handle = c->cfg->image->handle;
        c->ep.limit_off = comp_limit_off(c->cfg->image);
        c->ep.need_off = c->ep.limit_off + *c->cfg->image->max_frame + CALL_MIN_STACK;
        c->ep.lock = (spinlock_t)SPINLOCK_INIT;
        waitq_init(&c->ep.wq);
        set_args(c, c->cfg->args);
        c->cfg->image->init_module();
    }
    struct thread *m = thread_create("comp-manager", manager_main, NULL, MANAGER_PRIO, 0);
    if (!m)
        kpanic("comp: cannot start the manager thread");
    thread_detach(m);
    if (autostart)
        comp_boot(COMP_BOOT_ALWAYS);
}

int comp_boot(enum comp_boot profile)
{
    int started = 0, err = -ATH_ENOENT;
    for (unsigned i = 0; i < ncomps; i++) {
        if (comps[i].cfg->autostart != profile)
            continue;
        int r = comp_start(&comps[i], NULL);
        if (r)
            err = r;
        else
            started++;
    }
    return started && err == -ATH_ENOENT ? started : err;
}
