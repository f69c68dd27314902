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
#include <athanor/wasi.h>

#define COMP_PRIO      (PRIO_DEFAULT - 2)  /* below the monitor, so it stays responsive */
#define COMP_STACK     (240 * 1024)        /* wasm2c code runs on the native stack */
#define MANAGER_PRIO   (PRIO_DEFAULT + 1)
#define WASM_FUNC_PREFIX "w2c_"            /* wasm2c's prefix for functions from the name section */

extern uint32_t wasm_rt_call_stack_depth;

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

struct component *comp_current(void)
{
    struct thread *t = thread_current();
    return t ? t->comp : NULL;
}

noreturn void comp_trap(enum trap_kind kind, uintptr_t pc, uintptr_t addr)
{
    struct component *c = comp_current();
    if (!c)
        kpanic("comp_trap outside a component thread");
    c->trap = kind;
    c->trap_pc = pc;
    c->trap_addr = addr;
    c->trapped_at_ns = plat_clock_ns();
    if (c->call_thread == thread_current())
        __builtin_longjmp(c->call_jmp, 1); /* trapped while serving a call on the caller's thread */
    __builtin_longjmp(c->trap_jmp, 1);
}

noreturn void comp_exit(int code)
{
    struct component *c = comp_current();
    if (!c)
        kpanic("comp_exit outside a component thread");
    c->trap = TRAP_NONE;
    c->exit_code = code;
    __builtin_longjmp(c->trap_jmp, 1);
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

static void start_budget(struct component *c);

/* Interrupt-exit hook: the CPU budget ran out, or a kill was requested. */
static void cpu_expired(struct thread *t)
{
    struct component *c = t->comp;
    enum trap_kind k = c->kill_pending;
    bool forced = t->cpu_forced;
    t->cpu_forced = false;
    if (k == TRAP_NONE && forced) {
        /* Forced for a kill or an injection meant for a server whose handler
         * this thread ran; the call has returned since, so it is not for this
         * component. Its budget restarts (a period's worth at most too
         * generous, and only in this race). */
        if (c->cfg->cpu_budget_ms)
            start_budget(c);
        else
            thread_set_cpu_budget(UINT64_MAX);
        return;
    }
    if (k == TRAP_NONE) {
        uint64_t now = plat_clock_ns();
        uint64_t period = (uint64_t)c->cfg->cpu_period_ms * NS_PER_MS;
        if (now - c->period_start_ns >= period) { /* a new period: new budget */
            c->period_start_ns = now;
            thread_set_cpu_budget((uint64_t)c->cfg->cpu_budget_ms * NS_PER_MS);
            return;
        }
        k = TRAP_WATCHDOG;
        c->kill_pending = k;
    }
    /* No more expiries: an exhausted budget would re-fire the timer at once. */
    thread_set_cpu_budget(UINT64_MAX);
    if (t->in_wasm)
        comp_trap(k, 0, 0); /* leaves the interrupt: the catch site re-enables interrupts */
    /* In a host call: it notices kill_pending when it returns to wasm. */
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
    c->state = c->trap == TRAP_NONE ? COMP_EXITED
             : c->trap == TRAP_KILLED || c->trap == TRAP_RESET ? COMP_STOPPED : COMP_FAULTED;
    c->thread = NULL;
    if (npending < ARRAY_LEN(pending))
        pending[npending++] = c;
    spin_unlock_irqrestore(&comp_lock, f);
    if (c->state == COMP_FAULTED)
        comp_report_fault(c);
    waitq_wake(&c->exit_wq, WAKE_ALL);
    waitq_wake(&manager_wq, 1);
}

static void start_budget(struct component *c)
{
    if (c->cfg->cpu_budget_ms) {
        c->period_start_ns = plat_clock_ns();
        thread_set_cpu_budget((uint64_t)c->cfg->cpu_budget_ms * NS_PER_MS);
    }
}

/* Reset, on the component's thread after it left wasm: restore the snapshot,
 * then let run_instance enter the entry point again. */
static bool do_reset(struct component *c, struct thread *t)
{
    t->in_wasm = false;
    wasm_rt_call_stack_depth = 0;
    thread_set_cpu_budget(UINT64_MAX);
    plat_irq_enable();
    if (!c->snap)
        return false; /* nothing to go back to: stop instead */
    uint64_t t0 = plat_clock_ns();
    snapshot_restore(c, &c->last_reset_pages);
    c->last_reset_ns = plat_clock_ns() - t0;
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    c->resets++;
    c->trap = TRAP_NONE;
    c->kill_pending = TRAP_NONE;
    spin_unlock_irqrestore(&comp_lock, f);
    start_budget(c);
    waitq_wake(&c->exit_wq, WAKE_ALL);
    return true;
}

/* Instantiate (once), snapshot, and run the entry point; again after each
 * reset. Returns when the component is done for good. */
static void run_instance(struct component *c, struct thread *t)
{
    const struct comp_image *img = c->cfg->image;
    volatile bool instantiated = false; /* survives the longjmp of a trap */
    for (;;) {
        if (__builtin_setjmp(c->trap_jmp) == 0) {
            t->in_wasm = true;
            if (!instantiated) {
                uint64_t t0 = plat_clock_ns();
                img->instantiate(c->instance, c->wasi);
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

static void comp_main(void *arg)
{
    struct component *c = arg;
    struct thread *t = thread_current();
    const struct comp_image *img = c->cfg->image;
    t->comp = c;
    t->on_cpu_expired = cpu_expired;
    start_budget(c);
    c->wasi = wasi_ctx_create(c);
    c->instance = kzalloc(img->instance_size);
    c->rtmem = c->instance ? img->memory(c->instance) : NULL; /* filled in by instantiate */
    if (c->kill_pending) {
        c->trap = c->kill_pending; /* killed before it ever ran */
    } else if (!c->wasi || !c->instance) {
        c->trap = TRAP_MEMORY_QUOTA;
    } else {
        run_instance(c, t);
    }
    /* Here after a normal return, proc_exit or a trap (which may have left an
     * interrupt handler, so interrupts may be off). */
    t->in_wasm = false;
    wasm_rt_call_stack_depth = 0;
    thread_set_cpu_budget(UINT64_MAX);
    plat_irq_enable();
    ipc_drain(c); /* no caller may still be running its handler */
    snapshot_free(c);
    cap_table_clear(&c->caps); /* its capabilities, and every copy made from them */
    struct list_node *n; /* with every capability to them gone, its notifications can go */
    for (unsigned i = 0; i < c->cfg->nirqs; i++) /* its lines fall silent */
        hw_irq_release(c->cfg->irqs[i]);
    comp_watch_forget(c, NULL); /* if it was the supervisor: the kernel decides again */
    while ((n = list_pop_front(&c->notifications))) {
        struct notification *note = container_of(n, struct notification, owner_link);
        hw_irq_forget(note); /* no line may signal it any more */
        comp_watch_forget(NULL, note);
        notify_free(note);
    }
    c->rtmem = NULL;
    if (c->instance)
        img->free(c->instance); /* frees the linear memory and tables */
    kfree(c->instance);
    c->instance = NULL;
    wasi_ctx_destroy(c->wasi);
    c->wasi = NULL;
    t->comp = NULL;
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

int comp_start(struct component *c, const char *args)
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
    struct thread *t = thread_create(tname, comp_main, c, COMP_PRIO, COMP_STACK);
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
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    if (c->state != COMP_RUNNING || !c->thread) {
        spin_unlock_irqrestore(&comp_lock, f);
        return -ATH_ENOENT;
    }
    c->kill_pending = TRAP_KILLED;
    struct thread *t = c->thread;
    thread_expire_cpu(t); /* its interrupt-exit hook runs as soon as it is on a CPU */
    if (c->call_thread) /* a caller is running its handler: stop that too */
        thread_expire_cpu(c->call_thread);
    spin_unlock_irqrestore(&comp_lock, f);
    wasi_ctx_interrupt(c); /* wake it if it waits inside a host call */
    return comp_wait(c, plat_clock_ns() + 5 * NS_PER_S);
}

int comp_inject(struct component *c, enum trap_kind kind)
{
    if (kind == TRAP_NONE || kind >= TRAP_WATCHDOG)
        return -ATH_EINVAL; /* only the kinds a component's own code can cause */
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    if (c->state != COMP_RUNNING || !c->thread || c->kill_pending) {
        spin_unlock_irqrestore(&comp_lock, f);
        return c->kill_pending ? -ATH_EBUSY : -ATH_ENOENT;
    }
    c->kill_pending = kind;
    c->injected = true;
    c->injections++;
    thread_expire_cpu(c->thread);
    if (c->call_thread) /* a caller is running its handler: the trap lands there */
        thread_expire_cpu(c->call_thread);
    spin_unlock_irqrestore(&comp_lock, f);
    wasi_ctx_interrupt(c); /* and if it waits in a host call, it returns to trap */
    return 0;
}

int comp_reset(struct component *c)
{
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    int r = c->state != COMP_RUNNING || !c->thread ? -ATH_ENOENT
          : !c->snap ? -ATH_EAGAIN
          : c->tables_grew ? -ATH_EBUSY : 0;
    uint32_t before = c->resets;
    if (r == 0) {
        c->kill_pending = TRAP_RESET;
        thread_expire_cpu(c->thread);
        wasi_ctx_interrupt(c);
    }
    uint64_t deadline = plat_clock_ns() + 5 * NS_PER_S;
    while (r == 0 && c->resets == before && c->state == COMP_RUNNING)
        r = waitq_wait(&c->exit_wq, &comp_lock, deadline);
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
    return comp_start(c, NULL);
}

int comp_wait(struct component *c, uint64_t deadline_ns)
{
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    int r = 0;
    while (c->state == COMP_RUNNING && r == 0)
        r = waitq_wait(&c->exit_wq, &comp_lock, deadline_ns);
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
    return comp_start(c, NULL);
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

void comp_init(bool autostart)
{
    waitq_init(&manager_wq);
    ncomps = comp_manifest_count;
    comps = kzalloc(sizeof *comps * (ncomps ? ncomps : 1));
    if (!comps)
        kpanic("comp: no memory for %u components", ncomps);
    for (unsigned i = 0; i < ncomps; i++) {
        struct component *c = &comps[i];
        c->cfg = &comp_manifest[i];
        c->state = COMP_STOPPED;
        waitq_init(&c->exit_wq);
        cap_table_init(&c->caps, c->cap_slots, COMP_CAP_SLOTS, c);
        list_init(&c->notifications);
        c->ep.server = c;
        c->ep.handle = c->cfg->image->handle;
        c->ep.lock = (spinlock_t)SPINLOCK_INIT;
        waitq_init(&c->ep.wq);
        set_args(c, c->cfg->args);
        c->cfg->image->init_module();
    }
    struct thread *m = thread_create("comp-manager", manager_main, NULL, MANAGER_PRIO, 0);
    if (!m)
        kpanic("comp: cannot start the manager thread");
    thread_detach(m);
    for (unsigned i = 0; autostart && i < ncomps; i++)
        if (comps[i].cfg->autostart)
            comp_start(&comps[i], NULL);
}
