/* In-kernel test runner: `azoth.test=all` (or a single test name, or
 * `pagefault` / `stackoverflow` for the deliberate fault tests) runs tests and
 * ends the run through plat_test_exit() with the verdict. */
#include <athanor/component.h>
#include <athanor/kernel.h>
#include <athanor/ktest.h>
#include <athanor/lifecycle.h>
#include <athanor/sched.h>

static char fail_msg[160];

bool ktest_wait_serving(struct component *c, unsigned ms)
{
    for (unsigned i = 0; i < ms && !c->ipc.serving && c->state == COMP_RUNNING; i++)
        thread_sleep_ns(NS_PER_MS);
    return c->ipc.serving;
}

const char *ktest_run_to_exit(const char *name, uint64_t wait_ns)
{
    struct component *c = comp_find(name);
    KT_CHECK(c, "%s missing from the manifest", name);
    KT_CHECK(comp_start(c, NULL) == 0, "start %s", name);
    KT_CHECK(comp_wait(c, plat_clock_ns() + wait_ns) == 0, "%s did not stop", name);
    KT_CHECK(c->state == COMP_EXITED && c->trap.exit_code == 0, "%s ended %s/%d (see its lines above)",
             name, comp_state_name(c->state), c->trap.exit_code);
    return NULL;
}

const char *ktest_failf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(fail_msg, sizeof fail_msg, fmt, ap);
    va_end(ap);
    return fail_msg;
}

static const struct ktest *const tables[] = { ktests_sched, ktests_mem, ktests_fpu, ktests_comp, ktests_caps,
                                               ktests_isolation, ktests_privacy, ktests_wasm, ktests_load };

void ktest_thread(void *arg)
{
    const char *which = arg;
    if (strcmp(which, "pagefault") == 0)
        ktest_fault_pagefault();
    if (strcmp(which, "stackoverflow") == 0)
        ktest_fault_stack_overflow();

    unsigned passed = 0, failed = 0;
    /* Run by name only: the fuzzer's run reads its program from the
     * console; the sessions need a GPS feed and an AC'97 (their scripts). */
    static const struct { const char *name; const struct ktest *table; } named[] = {
        { "fuzz", ktests_fuzz }, { "sessions", ktests_sessions } };
    for (size_t t = 0; t < ARRAY_LEN(tables) + ARRAY_LEN(named); t++) {
        bool by_name = t >= ARRAY_LEN(tables);
        const struct ktest *table = by_name ? named[t - ARRAY_LEN(tables)].table : tables[t];
        bool whole = by_name ? strcmp(which, named[t - ARRAY_LEN(tables)].name) == 0 : strcmp(which, "all") == 0;
        for (const struct ktest *k = table; k->name; k++) {
            if (!whole && strcmp(which, k->name) != 0)
                continue;
            uint64_t t0 = plat_clock_ns();
            const char *err = k->fn();
            uint64_t ms = (plat_clock_ns() - t0) / NS_PER_MS;
            if (err) {
                failed++;
                kprintf("ktest: FAIL %s (%llu ms): %s\n", k->name, (unsigned long long)ms, err);
            } else {
                passed++;
                kprintf("ktest: PASS %s (%llu ms)\n", k->name, (unsigned long long)ms);
            }
        }
    }
    if (passed + failed == 0) {
        kprintf("ktest: no test named '%s'\n", which);
        failed = 1;
    }
    kprintf("ktest: %u passed, %u failed\n", passed, failed);
    plat_test_exit(failed ? PLAT_TEST_FAIL : PLAT_TEST_PASS);
}
