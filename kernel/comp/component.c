/* Component lifecycle (athanor/lifecycle.h): start (a fresh instance on its
 * own kernel thread, with a new generation), normal exit, kill, reset,
 * restart, and the restart policy applied by the component manager thread.
 * A start starts each subsystem's part of the component in the order of
 * the part table below; the teardown stops them in reverse.
 *
 * Locking: comp_lock (component.h). A component's instance and linear
 * memory belong to its own thread while it runs: only that thread creates
 * and frees them. */
#include <athanor/errors.h>
#include <athanor/heap.h>
#include <athanor/klib.h>
#include <athanor/lifecycle.h>
#include <athanor/load.h>
#include <athanor/notify.h>
#include <athanor/spinlock.h>

#define COMP_PRIO      (PRIO_DEFAULT - 2)  /* below the monitor, so it stays responsive */
#define COMP_STACK     (240 * 1024)        /* wasm2c code runs on the native stack */
#define MANAGER_PRIO   (PRIO_DEFAULT + 1)

spinlock_t               comp_lock = SPINLOCK_INIT;
static struct component *comps;
static unsigned          ncomps;   /* manifest entries, then app slots up to the highest ever used */
static unsigned          nslots;   /* room: manifest entries + COMP_APP_SLOTS */
/* Components whose thread finished, for the manager to apply policy to,
 * and the one it is applying policy to now (comp_remove waits for both). */
static struct component *pending[64];
static unsigned          npending;
static struct component *managing;
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
        if (comps[i].cfg && !comps[i].setting_up && strcmp(comps[i].cfg->name, name) == 0)
            return &comps[i];
    return NULL;
}

struct component *comp_by_address(uintptr_t addr)
{
    for (unsigned i = 0; i < ncomps; i++) {
        const struct plat_vrange *r = &comps[i].rt.range;
        if (r->size && addr >= r->base && addr - r->base < r->size)
            return &comps[i];
    }
    return NULL;
}

struct component *comp_current(void)
{
    struct thread *t = thread_current();
    return t ? thread_comp(t) : NULL;
}

/* ---- the parts ----
 *
 * Each subsystem's part of a component (component.h) has a start hook, run
 * on the starting thread for every new generation, in this order, and a
 * stop hook, run on the component's own thread when it is done for good
 * (after its last activation there unwound), in the reverse order. A start
 * hook that fails undoes the parts started before it (their stop hooks, in
 * reverse) and the start fails. The order is what the parts rely on:
 * - rt first, so its stop runs last: the instance and linear memory go
 *   only after everything that could look into them has stopped;
 * - caps before hw and ipc, whose starts grant into the renewed table; its
 *   stop (revoking every copy made from them) after theirs;
 * - ipc last, so its stop runs first: no caller runs the handler once the
 *   teardown begins; then the snapshot and the rest can go.
 * The trap part is cleared by the claim itself (start(), under comp_lock);
 * the host part (the import modules' context) is set once, in comp_init
 * (host_comp_init). */
struct comp_part {
    const char *name;
    int  (*start)(struct component *c, const char *args); /* args: NULL on a restart */
    void (*stop)(struct component *c);
};
static void supervise_stop(struct component *c)
{
    comp_watch_forget(c, NULL); /* if it was the supervisor: the kernel decides again */
    comp_listen_forget(c, NULL);
}
static const struct comp_part parts[] = {
    { "rt",        rt_comp_start,   rt_comp_stop },       /* kernel/rt */
    { "caps",      caps_comp_start, caps_comp_stop },     /* kernel/comp/caps.c */
    { "hw",        hw_comp_start,   hw_comp_stop },       /* kernel/hw */
    { "wasi",      wasi_comp_start, wasi_comp_stop },     /* kernel/wasi */
    { "snapshot",  NULL,            snapshot_comp_stop }, /* kernel/comp/snapshot.c */
    { "supervise", NULL,            supervise_stop },     /* kernel/comp/supervise.c */
    { "ipc",       ipc_comp_start,  ipc_comp_stop },      /* kernel/ipc */
};

/* Stop parts [0, n) in reverse. */
static void parts_stop(struct component *c, size_t n)
{
    while (n--)
        if (parts[n].stop)
            parts[n].stop(c);
}

static int parts_start(struct component *c, const char *args)
{
    for (size_t i = 0; i < ARRAY_LEN(parts); i++) {
        int r = parts[i].start ? parts[i].start(c, args) : 0;
        if (r) {
            kprintf("component %s: its %s part did not start: %s\n", c->cfg->name,
                    parts[i].name, ath_strerror(r));
            parts_stop(c, i);
            return r;
        }
    }
    return 0;
}

/* The component's thread has left wasm for good: record the outcome and
 * hand the component to the manager. */
static void finish(struct component *c)
{
    struct thread *t = thread_current();
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    c->cpu_ns_total += t->cpu_ns;
    enum trap_kind k = c->trap.kind;
    c->state = k == TRAP_NONE || k == TRAP_EXIT ? COMP_EXITED
             : comp_is_fault(k) ? COMP_FAULTED : COMP_STOPPED;
    c->thread = NULL;
    if (npending < ARRAY_LEN(pending))
        pending[npending++] = c;
    spin_unlock_irqrestore(&comp_lock, f);
    if (c->state == COMP_FAULTED)
        comp_report_fault(c);
    waitq_wake(&c->exit_wq, WAKE_ALL);
    comp_listeners_signal(c);
    waitq_wake(&manager_wq, 1);
}

/* Reset, on the component's thread after its base activation unwound:
 * wait until no caller runs its handler (nudged by the stop request: it
 * unwinds, its caller's call fails), restore the snapshot, then let
 * run_instance enter the entry point again. Never two threads in one
 * instance. */
static bool do_reset(struct component *c, struct thread *t)
{
    thread_set_in_wasm(false);
    plat_irq_enable();
    if (!c->snap.snap)
        return false; /* nothing to go back to: stop instead */
    ipc_comp_stop(c);
    if (snapshot_restore(c) != 0) {
        kprintf("component %s: no memory to restore its snapshot; it stops\n", c->cfg->name);
        return false; /* restore changes nothing when it fails: stop cleanly */
    }
    hw_comp_reset(c); /* its DMA buffers: zeroed and parked (hw.h) */
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    c->resets++;
    trap_clear(c);
    spin_unlock_irqrestore(&comp_lock, f);
    trap_budget_rearm(t);
    waitq_wake(&c->exit_wq, WAKE_ALL);
    comp_listeners_signal(c);
    return true;
}

/* What run_instance's calls of the component's code share: whether it was
 * instantiated survives a trap's unwinding (it is not in run_body's frame). */
struct run_state {
    struct component *c;
    bool              instantiated;
};

/* The component's own code on its thread, called unwindably (its base
 * activation's call): instantiate once and snapshot, then the entry point.
 * A trap, a stop or proc_exit ends it where it is (comp_unwind). It runs
 * in_wasm (thread_in_wasm(), set by PLAT_CALL_UNWINDABLE) but for every
 * stretch of kernel work, where an interrupt must not unwind it. */
static uint64_t run_body(void *arg, uint64_t b, uint64_t c2, uint64_t d, uint64_t e, uint64_t f)
{
    (void)b, (void)c2, (void)d, (void)e, (void)f;
    struct run_state *rs = arg;
    struct component *c = rs->c;
    const struct comp_image *img = c->image;
    if (!rs->instantiated) {
        uint64_t t0 = plat_clock_ns();
        img->instantiate(c->rt.instance, &c->host);
        thread_set_in_wasm(false);
        if (snapshot_take(c) != 0)
            kprintf("component %s: no memory for a snapshot; reset unavailable\n", c->cfg->name);
        c->instantiate_ns = plat_clock_ns() - t0;
        rs->instantiated = true;
        thread_set_in_wasm(true);
    }
    if (c->cfg->nlisten) {
        /* The listening sockets its starter gave it, made before its code
         * runs and on its thread: the net service must see it as the
         * caller (its rules, its badge). */
        thread_set_in_wasm(false);
        wasi_sockets_open(c);
        thread_set_in_wasm(true);
    }
    c->started_at_ns = plat_clock_ns();
    if (c->restart_from_ns) {
        c->restart_latency_ns = c->started_at_ns - c->restart_from_ns;
        c->restart_from_ns = 0;
    }
    img->start(c->rt.instance);
    thread_set_in_wasm(false);
    trap_record(c, TRAP_NONE); /* returned from _start: exit status 0 */
    return 0;
}

/* Instantiate (once), snapshot, and run the entry point; again after each
 * reset. Returns when the component is done for good. */
static void run_instance(struct component *c, struct thread *t, struct activation *base)
{
    struct run_state rs = { .c = c, .instantiated = false };
    for (;;) {
        base->unwound = false;
        rt_set_stack_limit(comp_stack_limit(t, c->image));
        uint64_t ret;
        PLAT_CALL_UNWINDABLE(ret, &base->unwind, run_body, &rs, 0, 0, 0, 0, 0);
        (void)ret; /* run_body's 0, or unwound */
        if (c->trap.kind != TRAP_RESET || !do_reset(c, t))
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
    struct activation base = { .comp = c };
    t->owner = c;
    comp_act_push(t, &base);
    /* Its thread, from before its first host call: its starter sets it
     * only after thread_create returns, and this thread may run first. A
     * stop request nudges c->thread, and a host call's end relies on that
     * (athanor/host.h); one made before this is the check just below. */
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    if (!c->thread)
        c->thread = t;
    spin_unlock_irqrestore(&comp_lock, f);
    trap_thread_begin(t);
    if (c->trap.pending)
        trap_record(c, c->trap.pending); /* stopped before it ever ran */
    else if (rt_comp_create(c) != 0)
        trap_record(c, TRAP_MEMORY_QUOTA);
    else
        run_instance(c, t, &base);
    /* Here after a normal return, proc_exit or a trap (which may have left an
     * interrupt handler, so interrupts may be off). */
    thread_set_in_wasm(false);
    trap_thread_end(t);
    plat_irq_enable();
    /* Every activation above the base has unwound (the runtime frees the
     * memory of the activation on top, in the rt part's stop). */
    if (t->act != &base)
        kpanic("comp: %s tears down under %s's activation", c->cfg->name,
               thread_comp(t) ? thread_comp(t)->cfg->name : "no");
    parts_stop(c, ARRAY_LEN(parts));
    comp_act_pop(t, &base);
    t->owner = NULL;
    if (watch)
        c->stack_low = unpainted_from(t);
    finish(c);
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
    trap_clear(c);
    spin_unlock_irqrestore(&comp_lock, f);

    /* Its parts and its thread are its own kernel memory, whoever starts it. */
    struct thread *me = thread_current();
    struct kmem_account *caller_acct = me->kacct;
    me->kacct = &c->kmem;
    struct thread *t = NULL;
    int r = parts_start(c, args);
    if (r == 0) {
        char tname[THREAD_NAME_MAX];
        ksnprintf(tname, sizeof tname, "c:%s", c->cfg->name);
        t = thread_create(tname, comp_main, c, COMP_PRIO, COMP_STACK);
        if (!t) {
            parts_stop(c, ARRAY_LEN(parts)); /* nothing of it stays granted */
            r = -ATH_ENOMEM;
        }
    }
    me->kacct = caller_acct;
    f = spin_lock_irqsave(&comp_lock);
    if (r)
        c->state = COMP_STOPPED;
    else if (c->state == COMP_RUNNING && !c->thread)
        c->thread = t;
    spin_unlock_irqrestore(&comp_lock, f);
    if (t)
        thread_detach(t);
    return r;
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
    return trap_inject(c, kind);
}

int comp_reset(struct component *c)
{
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    int r = c->state != COMP_RUNNING || !c->thread ? -ATH_ENOENT
          : !c->snap.snap ? -ATH_EAGAIN
          : c->rt.tables_grew ? -ATH_EBUSY : 0;
    uint32_t before = c->resets, gen = c->generation;
    spin_unlock_irqrestore(&comp_lock, f);
    if (r)
        return r;
    comp_request_stop(c, TRAP_RESET);
    uint64_t deadline = plat_clock_ns() + 5 * NS_PER_S;
    f = spin_lock_irqsave(&comp_lock);
    while (r == 0 && c->resets == before && c->state == COMP_RUNNING && c->generation == gen)
        r = waitq_wait_intr(&c->exit_wq, &comp_lock, deadline);
    if (r == 0 && c->generation != gen)
        r = -ATH_EPEERRESTARTED; /* another stop came first and it restarted: a fresh instance */
    else if (r == 0 && c->resets == before)
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
    c->restart_from_ns = c->state == COMP_FAULTED ? c->trap.at_ns : 0;
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
        managing = c;
        spin_unlock_irqrestore(&comp_lock, f);
        apply_policy(c);
        f = spin_lock_irqsave(&comp_lock);
        managing = NULL;
        spin_unlock_irqrestore(&comp_lock, f);
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
    /* The network service: each component loaded at run time with a
     * network subscribes to it with a notification of its own (kernel/
     * wasi/sockets.c, app.c's grant quota), from no manifest entry. */
    uint32_t n = strcmp(cfg->name, "net") == 0 ? COMP_APP_SLOTS * APP_NET_GRANTS : 0;
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
    comp_listen_forget(NULL, n);
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
    if (!t)
        return NULL;
    if (t->kacct)
        return t->kacct;
    struct component *c = thread_comp(t); /* its code and host calls: its own memory */
    return c ? &c->kmem : NULL;
}

/* What a slot needs before its component first starts: its capability
 * table (sized for cfg), kernel-memory limit, import context, endpoint, the
 * arguments a restart without a start runs with, the module's set-up. */
static int slot_setup(struct component *c, const struct comp_config *cfg)
{
    uint32_t nslots_caps = COMP_CAP_SLOTS + foreign_slots(cfg);
    struct cap *slots = nslots_caps <= CAP_MAX_SLOTS ? kzalloc(sizeof *slots * nslots_caps) : NULL;
    if (!slots)
        return -ATH_ENOMEM;
    c->cfg = cfg;
    c->image = cfg->image;
    c->state = COMP_STOPPED;
    cap_table_init(&c->caps, slots, nslots_caps, c);
    cap_table_set_zones(&c->caps, COMP_CAP_SLOTS, cfg->grants);
    c->kmem.limit = (uint64_t)cfg->kernel_kib * 1024;
    host_comp_init(c);
    ipc_comp_init(c);
    wasi_comp_start(c, cfg->args); /* what a first restart without a start runs with */
    cfg->image->init_module();
    return 0;
}

void comp_init(bool autostart)
{
    waitq_init(&manager_wq);
    ncomps = comp_manifest_count;
    nslots = ncomps + COMP_APP_SLOTS;
    comps = kzalloc(sizeof *comps * nslots);
    if (!comps)
        kpanic("comp: no memory for %u components", nslots);
    heap_set_account_hook(current_account);
    static const struct cap_type_ops notification_ops = { .pin = notification_pin,
                                                          .release = notification_gone };
    cap_set_type_ops(CAP_T_NOTIFICATION, &notification_ops);
    hw_irq_init();
    for (unsigned i = 0; i < nslots; i++) {
        struct component *c = &comps[i];
        c->state = COMP_STOPPED;
        waitq_init(&c->exit_wq);
        if (!heap_account_register(&c->kmem))
            kpanic("comp: too many kernel memory accounts");
        if (i < ncomps && slot_setup(c, &comp_manifest[i]) != 0)
            kpanic("comp: no memory for %s's capability table", comp_manifest[i].name);
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
        if (!comps[i].cfg || comps[i].cfg->autostart != profile)
            continue;
        int r = comp_start(&comps[i], NULL);
        if (r)
            err = r;
        else
            started++;
    }
    return started && err == -ATH_ENOENT ? started : err;
}

/* ---- components loaded at run time ---- */

int comp_create(struct comp_config *cfg, struct pkg *pkg, struct component **out)
{
    cfg->image = &pkg->image;
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    struct component *c = NULL;
    int r = comp_find(cfg->name) ? -ATH_EEXIST : 0;
    for (unsigned i = comp_manifest_count; !r && i < nslots && !c; i++)
        if (!comps[i].cfg && !comps[i].app) {
            c = &comps[i];
            c->app = true; /* taken: nobody else picks it while it is set up, */
            c->setting_up = true; /* and nobody finds it by name */
            c->pkg = pkg;
        }
    spin_unlock_irqrestore(&comp_lock, f);
    if (!r && !c)
        r = -ATH_ENOMEM;
    if (!r)
        r = slot_setup(c, cfg);
    f = spin_lock_irqsave(&comp_lock);
    if (c)
        c->setting_up = false;
    if (r && c) {
        c->cfg = NULL;
        c->pkg = NULL;
        c->app = false;
    }
    if (!r && (unsigned)(c - comps) >= ncomps)
        ncomps = (unsigned)(c - comps) + 1; /* cfg set: comp_find sees it from here */
    spin_unlock_irqrestore(&comp_lock, f);
    if (r) {
        kfree(cfg);
        pkg_put(pkg);
        return r;
    }
    *out = c;
    return 0;
}

int comp_remove(struct component *c)
{
    if (!c->app)
        return -ATH_EPERM;
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    bool busy = c->state == COMP_RUNNING || c->thread || managing == c;
    /* Its stop may still wait for the manager: nothing to decide for it
     * any more (a component loaded at run time is never restarted by
     * policy; a supervisor was told already). */
    for (unsigned i = 0; i < npending && !busy; i++)
        if (pending[i] == c)
            pending[i--] = pending[--npending];
    const struct comp_config *cfg = c->cfg;
    struct pkg *pkg = c->pkg;
    if (!busy)
        c->cfg = NULL; /* comp_find and the lists no longer see it */
    spin_unlock_irqrestore(&comp_lock, f);
    if (busy)
        return -ATH_EBUSY;
    /* Stopped: its parts stopped, its capabilities (and every copy made
     * from them) revoked. The slot keeps its generation, so that handles
     * to this component stay stale for the next one here. */
    kfree(c->caps.slots);
    memset(&c->caps, 0, sizeof c->caps);
    c->restarts = c->resets = 0;
    c->gave_up = false;
    memset(c->restart_times, 0, sizeof c->restart_times);
    c->cpu_ns_total = c->instantiate_ns = c->started_at_ns = 0;
    c->restart_from_ns = c->restart_latency_ns = 0;
    kfree((void *)cfg);
    f = spin_lock_irqsave(&comp_lock);
    c->pkg = NULL;
    c->image = NULL;
    c->app = false; /* the slot is free */
    spin_unlock_irqrestore(&comp_lock, f);
    pkg_put(pkg);
    return 0;
}

int comp_update(struct component *c, struct pkg *pkg)
{
    bool was_running = c->state == COMP_RUNNING;
    int r = was_running ? comp_kill(c) : 0;
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    if (!r && (c->state == COMP_RUNNING || c->thread || managing == c))
        r = -ATH_EBUSY; /* started again meanwhile: not ours to swap under it */
    struct pkg *old = NULL;
    if (!r) {
        /* Stopped, no activation of it anywhere (kill waited for them):
         * nothing runs its old code, and its next start runs the new. */
        old = c->pkg;
        c->pkg = pkg;
        c->image = &pkg->image;
    }
    spin_unlock_irqrestore(&comp_lock, f);
    if (r) {
        pkg_put(pkg);
        return r;
    }
    ipc_comp_image(c); /* its handler and stack bounds are the new code's */
    c->image->init_module();
    if (old)
        pkg_put(old);
    /* A new generation: its clients' handles answer EPEERRESTARTED, and they
     * look it up again, as after any restart. */
    return was_running ? start(c, NULL) : 0;
}
