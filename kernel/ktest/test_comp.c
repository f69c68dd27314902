/* In-kernel tests of WebAssembly components: every trap kind is contained
 * and reported with its kind and wasm function, other components keep
 * running, memory.grow stops at the quota, the CPU watchdog stops a spinner,
 * kill works, restart policy and its rate limit, and random WASI calls get
 * error codes. Run on both platforms. */
#include <athanor/lifecycle.h>
#include <athanor/errors.h>
#include <athanor/ktest.h>

#define WAIT_NS (10 * NS_PER_S)

static struct component *must_find(const char *name)
{
    struct component *c = comp_find(name);
    if (!c)
        kpanic("ktest: component %s missing from the manifest", name);
    return c;
}

/* Start c with args and wait for it to stop running. */
static const char *run(struct component *c, const char *args)
{
    int r = comp_start(c, args);
    KT_CHECK(r == 0, "start %s %s: error %d", c->cfg->name, args, r);
    KT_CHECK(comp_wait(c, plat_clock_ns() + WAIT_NS) == 0, "%s %s did not stop", c->cfg->name, args);
    return NULL;
}

/* kv running and serving (started if needed). */
static const char *kv_serving(struct component *kv)
{
    if (kv->state != COMP_RUNNING)
        KT_CHECK(comp_start(kv, "") == 0, "start kv failed");
    KT_CHECK(ktest_wait_serving(kv, 500), "kv never started serving");
    return NULL;
}

/* hello must still start, print and exit 0: the system is fine. */
static const char *hello_still_works(void)
{
    struct component *h = must_find("hello");
    const char *err = run(h, "still alive");
    if (err)
        return err;
    KT_CHECK(h->state == COMP_EXITED && h->trap.exit_code == 0, "hello ended %s/%d after a trap",
             comp_state_name(h->state), h->trap.exit_code);
    return NULL;
}

static const struct {
    const char    *arg;
    enum trap_kind kind;
    const char    *function;
} traps[] = {
    { "oob", TRAP_OUT_OF_BOUNDS, "do_oob" },
    { "unreachable", TRAP_UNREACHABLE, "do_unreachable" },
    { "divzero", TRAP_DIV_BY_ZERO, "do_divzero" },
    { "overflow", TRAP_INT_OVERFLOW, "do_overflow" },
    { "convert", TRAP_INVALID_CONVERSION, "do_convert" },
    { "nullcall", TRAP_INDIRECT_CALL, "do_nullcall" },
    { "badcall", TRAP_INDIRECT_CALL, "do_badcall" },
    { "stack", TRAP_STACK_EXHAUSTED, "do_stack" },   /* the native stack, by bytes */
    { "shadow", TRAP_OUT_OF_BOUNDS, "do_shadow" },   /* its own linear-memory stack */
};

static const char *t_every_trap_contained(void)
{
    struct component *c = must_find("crasher");
    for (size_t i = 0; i < ARRAY_LEN(traps); i++) {
        uint32_t gen_before = c->generation;
        const char *err = run(c, traps[i].arg);
        if (err)
            return err;
        KT_CHECK(c->state == COMP_FAULTED, "crasher %s ended %s", traps[i].arg, comp_state_name(c->state));
        KT_CHECK(c->trap.kind == traps[i].kind, "crasher %s: trap '%s', want '%s'", traps[i].arg,
                 trap_kind_name(c->trap.kind), trap_kind_name(traps[i].kind));
        struct fault_report r;
        KT_CHECK(fault_recent(&r, 1) == 1, "no fault report for %s", traps[i].arg);
        KT_CHECK(strcmp(r.component, "crasher") == 0 && r.generation == gen_before + 1 &&
                     r.kind == traps[i].kind,
                 "report for %s: %s gen %u kind %d", traps[i].arg, r.component, r.generation, r.kind);
        KT_CHECK(strcmp(r.function, traps[i].function) == 0, "crasher %s reported in '%s', want '%s'",
                 traps[i].arg, r.function, traps[i].function);
        if ((err = hello_still_works()))
            return err;
    }
    return NULL;
}

static const char *t_grow_stops_at_quota(void)
{
    struct component *c = must_find("crasher");
    const char *err = run(c, "grow");
    if (err)
        return err;
    KT_CHECK(c->state == COMP_EXITED && c->trap.exit_code == 0, "grow ended %s/%d",
             comp_state_name(c->state), c->trap.exit_code);
    KT_CHECK(c->rt.pages == c->cfg->max_pages, "memory is %u pages, quota %u", c->rt.pages,
             c->cfg->max_pages);
    return NULL;
}

static const char *t_watchdog_stops_spinner(void)
{
    struct component *c = must_find("spinner");
    KT_CHECK(c->cfg->cpu_budget_ms > 0, "spinner has no CPU budget in the manifest");
    uint64_t t0 = plat_clock_ns();
    const char *err = run(c, "");
    if (err)
        return err;
    KT_CHECK(c->state == COMP_FAULTED && c->trap.kind == TRAP_WATCHDOG, "spinner ended %s (%s)",
             comp_state_name(c->state), trap_kind_name(c->trap.kind));
    KT_CHECK(plat_clock_ns() - t0 >= (uint64_t)c->cfg->cpu_budget_ms * NS_PER_MS,
             "stopped before its budget was used");
    return hello_still_works();
}

static const char *t_kill(void)
{
    struct component *c = must_find("spinner");
    KT_CHECK(comp_start(c, "") == 0, "start spinner failed");
    thread_sleep_ns(20 * NS_PER_MS);
    KT_CHECK(c->state == COMP_RUNNING, "spinner not running");
    KT_CHECK(comp_kill(c) == 0, "kill failed");
    KT_CHECK(c->state == COMP_STOPPED && c->trap.kind == TRAP_KILLED, "after kill: %s (%s)",
             comp_state_name(c->state), trap_kind_name(c->trap.kind));
    KT_CHECK(comp_kill(c) != 0, "killing a stopped component succeeded");
    return NULL;
}

static const char *t_restart_policy(void)
{
    struct component *c = must_find("faulty");
    KT_CHECK(c->cfg->restart == RESTART_ON_FAILURE, "faulty is not restart-on-failure");
    uint32_t gen0 = c->generation, restarts0 = c->restarts;
    c->gave_up = false;
    KT_CHECK(comp_start(c, NULL) == 0, "start faulty failed");
    for (int i = 0; i < 500 && !c->gave_up; i++)
        thread_sleep_ns(10 * NS_PER_MS);
    KT_CHECK(c->gave_up, "the manager never gave up on faulty");
    KT_CHECK(c->state == COMP_STOPPED, "faulty left %s", comp_state_name(c->state));
    KT_CHECK(c->restarts - restarts0 == c->cfg->max_restarts, "%u restarts, policy allows %u",
             c->restarts - restarts0, c->cfg->max_restarts);
    KT_CHECK(c->generation == gen0 + 1 + c->cfg->max_restarts,
             "generation %u, want %u (one per start)", c->generation, gen0 + 1 + c->cfg->max_restarts);
    return hello_still_works();
}

static const char *t_random_wasi_calls(void)
{
    struct component *c = must_find("wasifuzz");
    const char *err = run(c, "4000 12345");
    if (err)
        return err;
    KT_CHECK(c->state == COMP_EXITED && c->trap.exit_code == 0, "wasifuzz ended %s/%d (%s)",
             comp_state_name(c->state), c->trap.exit_code, trap_kind_name(c->trap.kind));
    return NULL;
}

/* The same for Athanor's own host functions: capabilities, IPC, hardware,
 * component control, introspection (components/apps/athfuzz). */
static const char *t_random_athanor_calls(void)
{
    struct component *c = must_find("athfuzz");
    const char *err = run(c, "4000 777");
    if (err)
        return err;
    KT_CHECK(c->state == COMP_EXITED && c->trap.exit_code == 0, "athfuzz ended %s/%d (%s)",
             comp_state_name(c->state), c->trap.exit_code, trap_kind_name(c->trap.kind));
    return NULL;
}

/* The counter component's value, found by its marker in linear memory. */
static volatile unsigned long *counter_value(struct component *c)
{
    static const char marker[] = "AZOTH-COUNTER:";
    const uint8_t *base = (const uint8_t *)c->rt.range.base;
    for (size_t off = 0; off + 32 <= c->rt.range.committed; off += 8)
        if (memcmp(base + off, marker, sizeof marker) == 0)
            return (volatile unsigned long *)(uintptr_t)(base + off + 16);
    return NULL;
}

static const char *t_reset(void)
{
    struct component *c = must_find("counter");
    KT_CHECK(comp_start(c, "5") == 0, "start counter failed");
    volatile unsigned long *v = NULL;
    for (int i = 0; i < 500 && (!v || *v < 110); i++) {
        thread_sleep_ns(10 * NS_PER_MS);
        if (!v && c->snap.snap)
            v = counter_value(c);
    }
    KT_CHECK(v && *v >= 110, "counter did not count (value %lu)", v ? *v : 0);
    uint32_t gen = c->generation, resets = c->resets;
    int r = comp_reset(c);
    KT_CHECK(r == 0, "reset failed: %d", r);
    unsigned long after = *v;
    KT_CHECK(after == 100, "after reset the counter is %lu, want its post-init 100", after);
    KT_CHECK(c->generation == gen && c->resets == resets + 1, "reset changed generation %u->%u",
             gen, c->generation);
    thread_sleep_ns(100 * NS_PER_MS);
    KT_CHECK(c->state == COMP_RUNNING && *v > 100, "counter did not run on after reset (%lu)", *v);
    const char *err = hello_still_works();
    if (err)
        return err;
    KT_CHECK(comp_kill(c) == 0, "kill counter failed");
    KT_CHECK(comp_reset(c) == -ATH_ENOENT, "reset of a stopped component did not fail");
    return NULL;
}

/* Component-to-component calls: the kvclient component checks calls,
 * badges, capability errors, a server failing during a call (the client gets
 * an error and keeps running) and the restart rule; it exits 0 only if all
 * hold. */
static const char *t_ipc_calls(void)
{
    struct component *kv = must_find("kv"), *client = must_find("kvclient");
    const char *kv_err = kv_serving(kv);
    if (kv_err)
        return kv_err;
    uint32_t gen = kv->generation;
    const char *err = run(client, "test");
    if (err)
        return err;
    KT_CHECK(client->state == COMP_EXITED && client->trap.exit_code == 0,
             "kvclient test ended %s/%d (see its FAIL lines)", comp_state_name(client->state),
             client->trap.exit_code);
    /* kv fails four times on purpose: writing a read-only lend (small and big), reading a
     * lend after its call, and the explicit crash. */
    KT_CHECK(kv->generation == gen + 4 && kv->state == COMP_RUNNING,
             "kv should have been restarted four times (generation %u -> %u, %s)", gen,
             kv->generation, comp_state_name(kv->state));
    comp_kill(kv);
    return NULL;
}

/* Transferred pages leave the sender: kv reads them, the sender touching
 * them afterwards traps (out of bounds). */
static const char *t_ipc_transfer(void)
{
    struct component *kv = must_find("kv"), *client = must_find("kvclient");
    const char *kv_err = kv_serving(kv);
    if (kv_err)
        return kv_err;
    const char *err = run(client, "transfer");
    if (err)
        return err;
    KT_CHECK(client->state == COMP_FAULTED && client->trap.kind == TRAP_OUT_OF_BOUNDS,
             "kvclient transfer ended %s (%s): the given-away page was still readable",
             comp_state_name(client->state), trap_kind_name(client->trap.kind));
    KT_CHECK(kv->state == COMP_RUNNING, "kv stopped");
    comp_kill(kv);
    return NULL;
}

/* A read-write lend of a snapshot page must not write into the snapshot:
 * after a reset the page is back to its post-init contents. */
static const char *t_lend_keeps_snapshot(void)
{
    struct component *kv = must_find("kv"), *client = must_find("kvclient");
    const char *kv_err = kv_serving(kv);
    if (kv_err)
        return kv_err;
    uint32_t lends = client->ipc.lends;
    KT_CHECK(comp_start(client, "lendwait") == 0, "start kvclient");
    /* Read its memory only once the lend is back (while lent, the page is kv's). */
    for (int i = 0; i < 5000 && client->ipc.lends == lends; i++)
        thread_sleep_ns(NS_PER_MS);
    KT_CHECK(client->ipc.lends > lends, "the lend never completed");
    /* kv wrote 'Z' over the marker's first byte, "AZOTH-LENDPAGE:" */
    static const char tail[] = "ZOTH-LENDPAGE:";
    volatile uint8_t *page = NULL;
    for (size_t off = 0; off + PAGE_SIZE <= client->rt.range.committed; off += PAGE_SIZE)
        if (memcmp((const void *)(client->rt.range.base + off + 1), tail, sizeof tail) == 0)
            page = (volatile uint8_t *)(client->rt.range.base + off);
    KT_CHECK(page, "lendpage not found in kvclient's memory");
    KT_CHECK(page[0] == 0x5a, "kv's write through the lend did not arrive (%#x)", page[0]);
    KT_CHECK(comp_reset(client) == 0, "reset kvclient");
    KT_CHECK(page[0] == 'A', "after reset the lent page holds %#x, want its post-init 'A'", page[0]);
    comp_kill(client);
    comp_kill(kv);
    return NULL;
}

/* Two components calling kv at once with slow calls: one waits for the
 * endpoint while the other's call runs; every answer is right. */
static const char *t_ipc_contention(void)
{
    struct component *kv = must_find("kv"), *a = must_find("kvstress"), *b = must_find("kvclient");
    const char *kv_err = kv_serving(kv);
    if (kv_err)
        return kv_err;
    uint32_t waits = kv->ipc.ep.waits;
    KT_CHECK(comp_start(a, "30 3000000") == 0 && comp_start(b, "bench 20000") == 0, "start clients");
    KT_CHECK(comp_wait(a, plat_clock_ns() + 60 * NS_PER_S) == 0 &&
                 comp_wait(b, plat_clock_ns() + 60 * NS_PER_S) == 0, "clients did not finish");
    KT_CHECK(a->state == COMP_EXITED && a->trap.exit_code == 0, "kvstress ended %s/%d",
             comp_state_name(a->state), a->trap.exit_code);
    KT_CHECK(b->state == COMP_EXITED && b->trap.exit_code == 0, "kvclient bench ended %s/%d",
             comp_state_name(b->state), b->trap.exit_code);
    KT_CHECK(kv->state == COMP_RUNNING, "kv stopped");
    KT_CHECK(kv->ipc.ep.waits > waits, "no call ever had to wait: the test proves nothing");
    comp_kill(kv);
    return NULL;
}

const struct ktest ktests_comp[] = {
    { "ipc_contention", t_ipc_contention },
    { "ipc_lend_keeps_snapshot", t_lend_keeps_snapshot },
    { "ipc_calls", t_ipc_calls },
    { "ipc_transfer", t_ipc_transfer },
    { "comp_reset", t_reset },
    { "comp_every_trap_contained", t_every_trap_contained },
    { "comp_grow_stops_at_quota", t_grow_stops_at_quota },
    { "comp_watchdog_stops_spinner", t_watchdog_stops_spinner },
    { "comp_kill", t_kill },
    { "comp_restart_policy", t_restart_policy },
    { "comp_random_wasi_calls", t_random_wasi_calls },
    { "comp_random_athanor_calls", t_random_athanor_calls },
    { NULL, NULL },
};
