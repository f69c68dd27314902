/* The adversarial suite (docs/security.md): hostile components
 * (components/hostile) try each class of attack on isolation, on both
 * platforms, and each test checks that the attacker alone is harmed and
 * everything else still answers: exit, traps, spinning and blocking inside
 * a handler, kills and resets in the middle of calls (nested too), CPU
 * budgets running out inside a call, calls that would wait for themselves,
 * stacks run out from both sides of a call, and kills of components
 * blocked in every kind of wait (the time each takes is printed). */
#include <athanor/lifecycle.h>
#include <athanor/errors.h>
#include <athanor/heap.h>
#include <athanor/ktest.h>

#define WAIT_NS (10 * NS_PER_S)
/* A kill of a component stuck in a call returns within a few graces. */
#define KILL_BOUND_NS (4 * CALL_GRACE_NS + 500 * NS_PER_MS)

static struct component *must_find(const char *name)
{
    struct component *c = comp_find(name);
    if (!c)
        kpanic("ktest: component %s missing from the manifest", name);
    return c;
}

static const char *start_serving(struct component *c)
{
    if (c->state != COMP_RUNNING)
        KT_CHECK(comp_start(c, "") == 0, "start %s failed", c->cfg->name);
    KT_CHECK(ktest_wait_serving(c, 2000), "%s never started serving", c->cfg->name);
    return NULL;
}

/* Start c with args and wait for it to stop by itself. */
static const char *run(struct component *c, const char *args)
{
    int r = comp_start(c, args);
    KT_CHECK(r == 0, "start %s %s: error %d", c->cfg->name, args, r);
    KT_CHECK(comp_wait(c, plat_clock_ns() + WAIT_NS) == 0, "%s %s did not stop", c->cfg->name, args);
    return NULL;
}

static const char *run_ok(struct component *c, const char *args)
{
    const char *err = run(c, args);
    if (err)
        return err;
    KT_CHECK(c->state == COMP_EXITED && c->trap.exit_code == 0, "%s %s ended %s/%d (%s)", c->cfg->name, args,
             comp_state_name(c->state), c->trap.exit_code, trap_kind_name(c->trap.kind));
    return NULL;
}

/* Start c with args; return once its thread runs `inside`'s code (its own,
 * or a server's handler it called) and, if block, is blocked in a wait
 * there; a spinning one after a few milliseconds more. */
static const char *start_stuck(struct component *c, const char *args, struct component *inside, bool block)
{
    KT_CHECK(comp_start(c, args) == 0, "start %s %s failed", c->cfg->name, args);
    for (unsigned i = 0, seen = 0; i < 5000; i++) {
        thread_sleep_ns(NS_PER_MS);
        KT_CHECK(c->state == COMP_RUNNING, "%s %s stopped by itself (%s/%d)", c->cfg->name, args,
                 comp_state_name(c->state), c->trap.exit_code);
        struct thread *t = c->thread;
        if (t && thread_comp(t) == inside && (!block || t->state == THREAD_BLOCKED) && ++seen >= (block ? 1 : 10))
            return NULL;
    }
    return ktest_failf("%s %s never got stuck in %s", c->cfg->name, args, inside->cfg->name);
}

/* Kill c; it must be stopped within bound_ns. *ns: how long it took. */
static const char *kill_within(struct component *c, uint64_t bound_ns, uint64_t *ns)
{
    uint64_t t0 = plat_clock_ns();
    int r = comp_kill(c);
    uint64_t dt = plat_clock_ns() - t0;
    if (ns)
        *ns = dt;
    KT_CHECK(r == 0, "kill %s: %d", c->cfg->name, r);
    KT_CHECK(c->state == COMP_STOPPED, "%s is %s after the kill", c->cfg->name, comp_state_name(c->state));
    KT_CHECK(dt <= bound_ns, "killing %s took %llu ms", c->cfg->name, (unsigned long long)(dt / NS_PER_MS));
    return NULL;
}

/* Exactly one fault was reported since `before`: c's, of kind k. */
static const char *reported(unsigned before, struct component *c, enum trap_kind k)
{
    struct fault_report r;
    KT_CHECK(fault_count() == before + 1, "%u fault reports, want 1", fault_count() - before);
    KT_CHECK(fault_recent(&r, 1) == 1, "no fault report");
    KT_CHECK(strcmp(r.component, c->cfg->name) == 0 && r.kind == k, "the fault: %s %s, want %s %s",
             r.component, trap_kind_name(r.kind), c->cfg->name, trap_kind_name(k));
    return NULL;
}

/* Everything else still answers: a fresh component runs, hserver serves
 * (restarted if it had to be) and answers a client. */
static const char *system_answers(void)
{
    const char *err = run_ok(must_find("hello"), "still alive");
    if (!err)
        err = start_serving(must_find("hserver"));
    if (!err)
        err = run_ok(must_find("hclient2"), "ping");
    return err;
}

static void stop_all(void)
{
    static const char *const names[] = { "hclient", "hclient2", "hserver", "hpeer" };
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        comp_kill(must_find(names[i]));
}

#define TRY(e)                           \
    do {                                 \
        const char *err_ = (e);          \
        if (err_) {                      \
            stop_all();                  \
            return err_;                 \
        }                                \
    } while (0)

/* proc_exit inside a handler: the server stops as exited (on its own
 * thread too), the caller's call fails and the caller goes on. */
static const char *t_exit_in_handler(void)
{
    struct component *s = must_find("hserver");
    TRY(start_serving(s));
    TRY(run_ok(must_find("hclient2"), "exit"));
    TRY(comp_wait(s, plat_clock_ns() + WAIT_NS) == 0 ? NULL : "hserver still running after exit");
    KT_CHECK(s->state == COMP_EXITED && s->trap.exit_code == 7, "hserver ended %s/%d, want exited/7",
             comp_state_name(s->state), s->trap.exit_code);
    TRY(system_answers());
    stop_all();
    return NULL;
}

static const char *t_trap_in_handler(void)
{
    struct component *s = must_find("hserver");
    TRY(start_serving(s));
    uint32_t gen = s->generation;
    unsigned faults = fault_count();
    TRY(run_ok(must_find("hclient2"), "trap"));
    TRY(reported(faults, s, TRAP_UNREACHABLE));
    for (int i = 0; i < 1000 && (s->generation == gen || !s->ipc.serving); i++)
        thread_sleep_ns(NS_PER_MS); /* its policy restarts it */
    KT_CHECK(s->generation != gen && s->ipc.serving, "hserver was not restarted after its trap");
    TRY(system_answers());
    stop_all();
    return NULL;
}

/* A client stuck in a server's handler is killed within the grace: the
 * handler that never returns is the server's fault (TRAP_HUNG). */
static const char *stuck_client_killed(const char *mode, const char *hung, bool block)
{
    struct component *s = must_find("hserver"), *p = must_find("hpeer"), *c = must_find("hclient2");
    struct component *h = must_find(hung);
    TRY(start_serving(s));
    TRY(start_serving(p));
    uint32_t sgen = s->generation, pgen = p->generation;
    TRY(start_stuck(c, mode, h, block));
    unsigned faults = fault_count();
    uint64_t ns;
    TRY(kill_within(c, KILL_BOUND_NS, &ns));
    kprintf("ktest: kill of a client stuck in %s: %llu us\n", mode, (unsigned long long)(ns / 1000));
    KT_CHECK(ns >= CALL_GRACE_NS, "the kill took %llu us: no grace for the handler", (unsigned long long)(ns / 1000));
    TRY(reported(faults, h, TRAP_HUNG));
    if (h == p) /* the middle server returned (its nested call failed): it is unharmed */
        KT_CHECK(s->generation == sgen && s->state == COMP_RUNNING, "hserver harmed: %s gen %u->%u",
                 comp_state_name(s->state), sgen, s->generation);
    else
        KT_CHECK(p->generation == pgen, "hpeer harmed");
    TRY(system_answers());
    stop_all();
    return NULL;
}

static const char *t_kill_client_in_spinning_server(void)
{
    return stuck_client_killed("spin-in-server", "hserver", false);
}
static const char *t_kill_client_in_blocked_server(void)
{
    return stuck_client_killed("block-in-server", "hserver", true);
}
static const char *t_kill_client_nested_spin(void)
{
    return stuck_client_killed("nest-spin", "hpeer", false);
}
static const char *t_kill_client_nested_block(void)
{
    return stuck_client_killed("nest-block", "hpeer", true);
}

/* A handler that returns within the grace is not blamed: killing its
 * caller waits for it, and the server goes on (same generation). */
static const char *t_handler_finishes_in_grace(void)
{
    struct component *s = must_find("hserver"), *c = must_find("hclient2");
    TRY(start_serving(s));
    uint32_t gen = s->generation;
    uint32_t faults_before = fault_count();
    TRY(start_stuck(c, "sleep-in-server 40", s, true));
    uint64_t ns;
    TRY(kill_within(c, KILL_BOUND_NS, &ns));
    KT_CHECK(s->generation == gen && s->state == COMP_RUNNING && s->ipc.serving,
             "hserver harmed by its caller's kill: %s gen %u->%u", comp_state_name(s->state), gen,
             s->generation);
    KT_CHECK(fault_count() == faults_before, "a fault was reported");
    TRY(system_answers());
    stop_all();
    return NULL;
}

/* Reset of a server whose handler is blocked: the handler is abandoned
 * first (its caller's call fails), then the memory goes back: never two
 * threads in one instance. */
static const char *t_reset_during_call(void)
{
    struct component *s = must_find("hserver"), *c = must_find("hclient2");
    TRY(start_serving(s));
    uint32_t gen = s->generation, resets = s->resets;
    TRY(start_stuck(c, "block-in-server", s, true));
    KT_CHECK(comp_reset(s) == 0, "reset of hserver failed");
    KT_CHECK(comp_wait(c, plat_clock_ns() + WAIT_NS) == 0, "the caller is still in the call");
    KT_CHECK(c->state == COMP_EXITED && c->trap.exit_code == 2, "the caller ended %s/%d, want its call to fail",
             comp_state_name(c->state), c->trap.exit_code);
    KT_CHECK(s->generation == gen && s->resets == resets + 1 && s->state == COMP_RUNNING,
             "hserver after reset: %s gen %u->%u resets %u->%u", comp_state_name(s->state), gen,
             s->generation, resets, s->resets);
    TRY(system_answers());
    stop_all();
    return NULL;
}

/* A client's CPU budget running out inside a handler stops the client,
 * not the server (which finishes within the grace). */
static const char *t_budget_blames_the_client(void)
{
    struct component *s = must_find("hserver"), *c = must_find("hclient");
    TRY(start_serving(s));
    uint32_t gen = s->generation;
    KT_CHECK(c->cfg->cpu_budget_ms == 100, "hclient's budget is not 100 ms");
    unsigned faults = fault_count();
    TRY(run(c, "compute 150"));
    KT_CHECK(c->state == COMP_FAULTED && c->trap.kind == TRAP_WATCHDOG, "hclient ended %s (%s), want its watchdog",
             comp_state_name(c->state), trap_kind_name(c->trap.kind));
    TRY(reported(faults, c, TRAP_WATCHDOG));
    KT_CHECK(s->generation == gen && s->state == COMP_RUNNING, "hserver was blamed: %s gen %u->%u",
             comp_state_name(s->state), gen, s->generation);
    TRY(system_answers());
    stop_all();
    return NULL;
}

/* After a call, the client's own watchdog still works. */
static const char *t_budget_stays_armed(void)
{
    struct component *s = must_find("hserver"), *c = must_find("hclient");
    TRY(start_serving(s));
    TRY(run(c, "armed"));
    KT_CHECK(c->state == COMP_FAULTED && c->trap.kind == TRAP_WATCHDOG, "hclient ended %s (%s), want its watchdog",
             comp_state_name(c->state), trap_kind_name(c->trap.kind));
    TRY(system_answers());
    stop_all();
    return NULL;
}

static const char *t_call_into_itself(void)
{
    TRY(start_serving(must_find("hserver")));
    TRY(run_ok(must_find("hclient2"), "deadlock"));
    TRY(system_answers());
    stop_all();
    return NULL;
}

/* Stacks from both sides: a client deep in its own stack is refused calls
 * (ESTACK) before the server could run short; a server that recurses off
 * its stack traps itself (its fault), the client goes on. */
static const char *t_stack_client_side(void)
{
    struct component *s = must_find("hserver");
    TRY(start_serving(s));
    uint32_t gen = s->generation;
    TRY(run_ok(must_find("hclient2"), "deep"));
    KT_CHECK(s->generation == gen && s->state == COMP_RUNNING, "hserver harmed by a deep caller");
    TRY(system_answers());
    stop_all();
    return NULL;
}

static const char *t_stack_server_side(void)
{
    struct component *s = must_find("hserver");
    TRY(start_serving(s));
    unsigned faults = fault_count();
    TRY(run_ok(must_find("hclient2"), "server-recurse"));
    TRY(reported(faults, s, TRAP_STACK_EXHAUSTED));
    TRY(system_answers());
    stop_all();
    return NULL;
}

/* Kill a component blocked in each kind of wait: it stops at once (the
 * wait is interruptible), the time printed for each. */
static const char *t_kill_in_every_wait(void)
{
    struct component *s = must_find("hserver"), *c = must_find("hclient"), *c2 = must_find("hclient2");
    static const char *const waits[] = { "wait-notify", "wait-sleep", "wait-read" };
    uint64_t ns;
    for (size_t i = 0; i < ARRAY_LEN(waits); i++) {
        TRY(start_stuck(c, waits[i], c, true));
        TRY(kill_within(c, 100 * NS_PER_MS, &ns));
        kprintf("ktest: kill-latency %s %llu ns\n", waits[i], (unsigned long long)ns);
    }
    /* waiting for a busy server: hclient2's call holds it */
    TRY(start_serving(s));
    TRY(start_stuck(c2, "block-in-server", s, true));
    TRY(start_stuck(c, "wait-call", c, true));
    TRY(kill_within(c, 100 * NS_PER_MS, &ns));
    kprintf("ktest: kill-latency wait-call %llu ns\n", (unsigned long long)ns);
    TRY(kill_within(c2, KILL_BOUND_NS, NULL));
    /* a server parked in serve */
    TRY(start_serving(s));
    thread_sleep_ns(5 * NS_PER_MS);
    TRY(kill_within(s, 100 * NS_PER_MS, &ns));
    kprintf("ktest: kill-latency serve %llu ns\n", (unsigned long long)ns);
    /* waiting in comp_ctl for a slow kill (hclient stuck in a blocked handler) */
    TRY(start_serving(s));
    TRY(start_stuck(c, "block-in-server", s, true));
    TRY(start_stuck(c2, "ctl-kill", c2, true));
    TRY(kill_within(c2, 100 * NS_PER_MS, &ns));
    kprintf("ktest: kill-latency comp-ctl %llu ns\n", (unsigned long long)ns);
    TRY(comp_wait(c, plat_clock_ns() + WAIT_NS) == 0 ? NULL : "hclient never stopped");
    TRY(system_answers());
    stop_all();
    return NULL;
}

/* A notification dies with its owner: a server waiting on a copy it was
 * given wakes with ESTALE, nothing freed under it, the waiter's caller
 * goes on. */
static const char *t_object_dies_under_a_waiter(void)
{
    struct component *s = must_find("hserver"), *owner = must_find("hclient"), *c2 = must_find("hclient2");
    TRY(start_serving(s));
    TRY(start_stuck(owner, "keep-notify", owner, true)); /* gave hserver a copy, sleeps */
    TRY(start_stuck(c2, "waitkept", s, true));          /* hserver waits on the copy */
    TRY(kill_within(owner, 100 * NS_PER_MS, NULL));
    KT_CHECK(comp_wait(c2, plat_clock_ns() + WAIT_NS) == 0, "the waiter never woke");
    KT_CHECK(c2->state == COMP_EXITED && c2->trap.exit_code == 0, "the waiter ended %s/%d, want ESTALE seen",
             comp_state_name(c2->state), c2->trap.exit_code);
    KT_CHECK(s->state == COMP_RUNNING, "hserver harmed");
    KT_CHECK(heap_check() == 0, "the heap is corrupt");
    TRY(system_answers());
    stop_all();
    return NULL;
}

/* Kernel memory: with its quota a little above what it needs to run,
 * notifications stop at the quota (EQUOTA for the attacker alone), and
 * deleting gives the memory back: no leak across 20000 rounds. */
static const char *t_kernel_memory_quota(void)
{
    struct component *s = must_find("hserver"), *c = must_find("hclient2");
    TRY(start_serving(s));
    TRY(run_ok(c, "ping"));
    uint64_t limit = c->kmem.limit, small = c->kmem.peak + 2048; /* room for a dozen notifications */
    c->kmem.limit = small;
    c->kmem.refused = 0;
    struct heap_stats before, after;
    heap_get_stats(&before);
    const char *err = run_ok(c, "flood-notify");
    heap_get_stats(&after);
    uint64_t refused = c->kmem.refused, peak = c->kmem.peak, used = c->kmem.used;
    c->kmem.limit = limit;
    TRY(err);
    KT_CHECK(refused > 0, "the kernel memory quota never refused");
    KT_CHECK(peak <= small, "peak %llu over the limit %llu", (unsigned long long)peak, (unsigned long long)small);
    KT_CHECK(used <= 4096, "%llu bytes still charged after it stopped", (unsigned long long)used);
    KT_CHECK(after.allocs <= before.allocs + 8, "%llu more live heap blocks than before",
             (unsigned long long)(after.allocs - before.allocs));
    TRY(system_answers());
    stop_all();
    return NULL;
}

/* Capabilities granted into another table are the grantor's: a flood
 * stops at its quota, the receiver's own operations still work. */
static const char *t_grant_quota(void)
{
    struct component *s = must_find("hserver");
    TRY(start_serving(s));
    TRY(run_ok(must_find("hclient2"), "flood-grant"));
    KT_CHECK(s->caps.grants_out == 0, "hserver has grants out");
    TRY(system_answers());
    stop_all();
    return NULL;
}

/* One capability slot churned 40000 times: handles stay positive, an old
 * handle never names the new object (the slot retires at the end). */
static const char *t_handles_never_come_back(void)
{
    TRY(run_ok(must_find("hclient2"), "handles"));
    TRY(system_answers());
    stop_all();
    return NULL;
}

/* One write of 1 MiB to the console: interrupts come on between pieces,
 * everything else keeps running. */
static const char *t_giant_write(void)
{
    TRY(run_ok(must_find("hclient2"), "bigwrite 1024"));
    TRY(system_answers());
    stop_all();
    return NULL;
}

/* Native stacks run out by bytes, for every frame size: recursion with
 * small frames, big frames (2.5, 5 and 10 KiB), both mixed, and kernel code
 * (host calls, sleeps, interrupts) at the limit. Each traps its component;
 * nothing wrote near the stack's base: the reserve below the limit held
 * (how much of it was used is printed). */
static const char *t_stack_every_frame_size(void)
{
    static const struct {
        const char *comp, *args;
    } runs[] = {
        { "crasher", "stack" }, { "crasher", "edge" }, { "bigframe", "deep 0" }, { "bigframe", "deep 1" },
        { "bigframe", "deep 2" }, { "bigframe", "mixed" }, { "bigframe", "edge" },
    };
    comp_stack_watch = true;
    for (size_t i = 0; i < ARRAY_LEN(runs); i++) {
        struct component *c = must_find(runs[i].comp);
        unsigned faults = fault_count();
        const char *err = run(c, runs[i].args);
        if (err) {
            comp_stack_watch = false;
            return err;
        }
        const char *rep = reported(faults, c, TRAP_STACK_EXHAUSTED);
        if (rep) {
            comp_stack_watch = false;
            return rep;
        }
        /* Its own frames end above the reserve (its limit is its largest
         * frame above it); only kernel code — host calls, interrupts, the
         * trap path — may write into the reserve, and must not fill it. */
        uint32_t reserve = ATH_STACK_RESERVE, floor = reserve + COMP_FRAME_SLACK;
        uint32_t used = c->stack_low < floor ? floor - c->stack_low : 0;
        kprintf("ktest: stack %s %s: %u of the %u-byte reserve used, %u bytes never written\n",
                runs[i].comp, runs[i].args, used, reserve, c->stack_low);
        if (used + 1024 > reserve) {
            comp_stack_watch = false;
            return ktest_failf("%s %s: %u bytes of the %u-byte reserve used", runs[i].comp,
                               runs[i].args, used, reserve);
        }
    }
    comp_stack_watch = false;
    TRY(system_answers());
    stop_all();
    return NULL;
}

const struct ktest ktests_isolation[] = {
    { "iso_exit_in_handler", t_exit_in_handler },
    { "iso_trap_in_handler", t_trap_in_handler },
    { "iso_kill_client_in_spinning_server", t_kill_client_in_spinning_server },
    { "iso_kill_client_in_blocked_server", t_kill_client_in_blocked_server },
    { "iso_kill_client_nested_spin", t_kill_client_nested_spin },
    { "iso_kill_client_nested_block", t_kill_client_nested_block },
    { "iso_handler_finishes_in_grace", t_handler_finishes_in_grace },
    { "iso_reset_during_call", t_reset_during_call },
    { "iso_budget_blames_the_client", t_budget_blames_the_client },
    { "iso_budget_stays_armed", t_budget_stays_armed },
    { "iso_call_into_itself", t_call_into_itself },
    { "iso_stack_client_side", t_stack_client_side },
    { "iso_stack_server_side", t_stack_server_side },
    { "iso_stack_every_frame_size", t_stack_every_frame_size },
    { "iso_kill_in_every_wait", t_kill_in_every_wait },
    { "iso_object_dies_under_a_waiter", t_object_dies_under_a_waiter },
    { "iso_kernel_memory_quota", t_kernel_memory_quota },
    { "iso_grant_quota", t_grant_quota },
    { "iso_handles_never_come_back", t_handles_never_come_back },
    { "iso_giant_write", t_giant_write },
    { NULL, NULL },
};
