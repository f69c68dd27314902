/* Traps and stop requests (athanor/trap.h): a component's code trapping,
 * exiting, or being asked to stop — on its own thread and on every caller's
 * thread running its handler — and the CPU budget (watchdog) that can ask.
 * Owns the trap part of every component (struct comp_trap). */
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/klib.h>
#include <athanor/ksyms.h>
#include <athanor/load.h>
#include <athanor/spinlock.h>

#define WASM_FUNC_PREFIX "w2c_" /* wasm2c's prefix for functions from the name section */

void trap_clear(struct component *c)
{
    struct comp_trap *tr = &c->trap;
    tr->kind = TRAP_NONE;
    tr->pending = TRAP_NONE;
    tr->exit_code = 0;
    tr->pc = tr->addr = 0;
    tr->reported = false;
    tr->injected = false;
}

void trap_record(struct component *c, enum trap_kind kind)
{
    c->trap.kind = kind;
    if (kind == TRAP_NONE)
        c->trap.exit_code = 0;
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
    if (c->trap.kind == TRAP_NONE || !c->trap.reported) {
        c->trap.pc = pc;
        c->trap.addr = addr;
        c->trap.at_ns = plat_clock_ns();
    }
    c->trap.kind = kind;
    comp_unwind(a);
}

noreturn void comp_exit(int code)
{
    struct thread *t = thread_current();
    struct activation *a = t ? t->act : NULL;
    if (!a)
        kpanic("comp_exit outside a component activation");
    struct component *c = a->comp;
    c->trap.exit_code = code;
    if (t->owner == c && !a->below) { /* its own thread, its own code: a normal exit */
        c->trap.kind = TRAP_NONE;
        comp_unwind(a);
    }
    /* proc_exit inside a call's handler (on its caller's thread): the
     * component stops as exited, on every thread; this call fails for the
     * caller, who goes on (ipc/call.c). */
    comp_request_stop(c, TRAP_EXIT);
    c->trap.kind = TRAP_EXIT;
    comp_unwind(a);
}

noreturn void comp_fault_resume(uintptr_t kind, uintptr_t pc, uintptr_t addr)
{
    if (!comp_current())
        kpanic("comp_fault_resume outside a component thread");
    comp_trap((enum trap_kind)kind, pc, addr);
}

/* ---- stopping: every activation of a component, on every thread ----
 *
 * A stop request (kill, reset, watchdog, injected fault, a trap or exit in
 * a handler) sets trap.pending and nudges each thread where the component
 * has an activation: its own thread (c->thread) and the caller's thread
 * running its handler (c->ipc.ep.holder, read here, written by IPC). A
 * nudged thread looks at its own activations (only it changes them): if
 * its top's component is stopping, the top unwinds now (in wasm: from the
 * interrupt-exit hook; in a host call: at its end; in a wait: the wait
 * ends with EINTR). If a stopping one lies below the top, the top is a
 * server working for it and gets CALL_GRACE_NS to return; then it is taken
 * as hung (TRAP_HUNG, its fault) and the next one up gets a grace of its
 * own. t->stopping is that grace's flag: a hint set by nudgers, cleared by
 * the thread when it finds nothing stopping; both under comp_lock. So a
 * thread with an activation of a stopping component always has it set,
 * and a host call's end checks only it (athanor/host.h).
 *
 * Why nudges cannot be lost: the requester stores trap.pending, then
 * reads the endpoint's holder; a caller publishes itself as the holder,
 * then reads trap.pending (ipc/call.c's acquire). On one CPU, where the
 * requester runs either before the caller's store or after it, program
 * order (compiler barriers on the caller's side) makes one of the two see
 * the other (call.c says how more CPUs would keep this). A thread that waits checks
 * trap.pending under sched_lock, which a nudge takes too. The holder thread
 * cannot go away under a nudge: a component thread ends through the
 * lifecycle's finish(), which takes comp_lock. */

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
    if (c->state == COMP_RUNNING && stop_rank(kind) > stop_rank(c->trap.pending)) {
        __atomic_store_n(&c->trap.pending, kind, __ATOMIC_SEQ_CST);
        ipc_gate_close(c); /* before the holder is read below: see ipc_acquire */
    }
    struct thread *holder = __atomic_load_n(&c->ipc.ep.holder, __ATOMIC_SEQ_CST);
    if (c->thread)
        nudge_locked(c->thread);
    if (holder && holder != c->thread)
        nudge_locked(holder);
    spin_unlock_irqrestore(&comp_lock, f);
}

int trap_inject(struct component *c, enum trap_kind kind)
{
    irqflags_t f = spin_lock_irqsave(&comp_lock);
    int r = c->state != COMP_RUNNING || !c->thread ? -ATH_ENOENT : c->trap.pending ? -ATH_EBUSY : 0;
    if (r == 0) {
        c->trap.injected = true;
        c->trap.injections++;
    }
    spin_unlock_irqrestore(&comp_lock, f);
    if (r == 0) /* it traps wherever its code runs next: own thread, a handler, a host call's end */
        comp_request_stop(c, kind);
    return r;
}

enum verdict { RUN, GRACE, STOP, HUNG };

/* What the top activation of t must do (t itself; reads only). */
static enum verdict evaluate(struct thread *t, uint64_t *deadline)
{
    struct activation *a = t->act;
    if (!a)
        return RUN;
    if (a->comp->trap.pending)
        return STOP;
    if (!t->stopping)
        return RUN;
    for (struct activation *b = a->below; b; b = b->below)
        if (b->comp->trap.pending) {
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
        struct component *top = thread_comp(t);
        irqflags_t f = spin_lock_irqsave(&comp_lock);
        t->grace_deadline = plat_clock_ns() + CALL_GRACE_NS;
        spin_unlock_irqrestore(&comp_lock, f);
        comp_request_stop(top, TRAP_HUNG);
        v = STOP;
    }
    if (v == STOP && may_trap)
        comp_trap(thread_comp(t)->trap.pending, 0, 0);
}

/* Interrupt-exit hook (interrupts off, no locks held, on t): the CPU budget
 * ran out, or the thread was nudged. CPU time is the thread's owner's,
 * whatever activation runs: a client pays for the handlers it calls, and
 * its budget running out stops the client, never the server (which gets
 * the grace to return). */
static void thread_hook(struct thread *t)
{
    struct component *owner = t->owner;
    struct comp_trap *tr = &owner->trap;
    t->cpu_forced = false;
    uint32_t budget_ms = owner->cfg->cpu_budget_ms;
    if (budget_ms && !tr->pending) {
        uint64_t now = plat_clock_ns(), cpu = t->cpu_ns + (now - t->run_start_ns);
        if (now - tr->period_start_ns >= (uint64_t)owner->cfg->cpu_period_ms * NS_PER_MS) {
            tr->period_start_ns = now; /* a new period: a new budget */
            tr->period_cpu0 = cpu;
        } else if (cpu - tr->period_cpu0 >= (uint64_t)budget_ms * NS_PER_MS) {
            comp_request_stop(owner, TRAP_WATCHDOG);
        }
    }
    trap_budget_rearm(t);
    /* In a host call the stop happens at its end (host_leave). A trap from
     * here leaves the interrupt: the catch site re-enables interrupts. */
    comp_check_stop(t, thread_in_wasm());
}

/* Arm the thread's CPU timer for the next moment the hook must look: the
 * owner's budget running out, or the grace's end. */
void trap_budget_rearm(struct thread *t)
{
    struct component *owner = t->owner;
    struct comp_trap *tr = &owner->trap;
    uint64_t now = plat_clock_ns(), left = UINT64_MAX;
    if (owner->cfg->cpu_budget_ms && !tr->pending) {
        uint64_t cpu = t->cpu_ns + (now - t->run_start_ns), used = cpu - tr->period_cpu0;
        uint64_t budget = (uint64_t)owner->cfg->cpu_budget_ms * NS_PER_MS;
        left = used < budget ? budget - used : 1;
    }
    if (t->stopping)
        left = MIN(left, t->grace_deadline > now ? t->grace_deadline - now : 1);
    thread_set_cpu_budget(left);
}

void trap_thread_begin(struct thread *t)
{
    struct comp_trap *tr = &t->owner->trap;
    t->on_cpu_expired = thread_hook;
    t->intr_deadline = intr_deadline;
    tr->period_start_ns = plat_clock_ns();
    tr->period_cpu0 = t->cpu_ns;
    trap_budget_rearm(t);
}

void trap_thread_end(struct thread *t)
{
    thread_set_cpu_budget(UINT64_MAX);
    t->on_cpu_expired = NULL;
    t->intr_deadline = NULL;
}

static unsigned hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return (unsigned)(ch - '0');
    if (ch >= 'A' && ch <= 'F')
        return (unsigned)(ch - 'A' + 10);
    return 16; /* wasm2c writes upper-case digits only */
}

/* The wasm name of a native symbol of component comp's code: wasm2c names
 * a function w2c_<module>_<name>, the module name with each "_" doubled
 * and, in the name, a character C cannot have (and a leading "_") written
 * 0xHH. Anything else (a kernel or runtime function) is kept as it is; a
 * gcc clone's suffix (name.constprop.0) is dropped. */
static void wasm_func_name(const char *sym, const char *comp, char *out, size_t n)
{
    const char *p = sym;
    size_t plen = strlen(WASM_FUNC_PREFIX);
    bool wasm = strncmp(p, WASM_FUNC_PREFIX, plen) == 0;
    if (wasm) {
        p += plen;
        for (const char *m = comp; *m && wasm; m++) {
            if (*p++ != *m || (*m == '_' && *p++ != '_'))
                wasm = false;
        }
        wasm = wasm && *p++ == '_';
    }
    if (!wasm)
        p = sym;
    size_t o = 0;
    while (*p && *p != '.' && o + 1 < n) {
        unsigned hi, lo;
        if (wasm && p[0] == '0' && p[1] == 'x' && (hi = hexval(p[2])) < 16 &&
            (lo = hexval(p[3])) < 16) {
            out[o++] = (char)(hi << 4 | lo);
            p += 4;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
}

static void fill_report(struct component *c, struct fault_report *r)
{
    memset(r, 0, sizeof *r);
    kstrlcpy(r->component, c->cfg->name, sizeof r->component);
    r->generation = c->generation;
    r->kind = c->trap.kind;
    r->addr = c->trap.addr;
    r->time_ns = plat_clock_ns();
    r->injected = c->trap.injected;
    const char *name;
    uintptr_t off;
    if (c->trap.pc && ksym_lookup(c->trap.pc, &name, &off)) {
        wasm_func_name(name, c->cfg->name, r->function, sizeof r->function);
        r->offset = off;
    } else if (c->trap.pc && c->pkg && pkg_sym_lookup(c->pkg, c->trap.pc, &name, &off)) {
        char sym[FAULT_FUNC_MAX + 16]; /* a package names its functions without wasm2c's prefix */
        ksnprintf(sym, sizeof sym, "%s%s", WASM_FUNC_PREFIX "app_", name);
        wasm_func_name(sym, "app", r->function, sizeof r->function); /* wasm2c's module in every package */
        r->offset = off;
    }
}

void comp_report_fault(struct component *c)
{
    if (c->trap.reported)
        return;
    struct fault_report r;
    fill_report(c, &r);
    fault_record(&r);
    fault_print(&r);
    c->trap.reported = true;
}
