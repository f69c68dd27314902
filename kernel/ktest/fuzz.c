/* azoth.test=fuzz: one run of the stateful fuzzer (components/fuzz). The
 * driver component runs the program it reads from the console through the
 * puppets; then everything must hold that isolation promises: the driver
 * saw only results and error codes, every puppet stops when killed, the
 * heap is intact, and nothing they made is left: no capability, no grant,
 * no kernel memory, no heap block. A failure ends the run as a failed test
 * (hosted, under the fuzzer, as a crash: AZOTH_ABORT_ON_FAIL). */
#include <athanor/lifecycle.h>
#include <athanor/frame.h>
#include <athanor/heap.h>
#include <athanor/ktest.h>
#include <athanor/sched.h>

static const char *const puppets[] = { "fpa", "fpb", "fpc" };

static struct component *must(const char *name)
{
    struct component *c = comp_find(name);
    if (!c)
        kpanic("fuzz: %s missing from the manifest", name);
    return c;
}

/* Kill the puppets until none runs (a restart by a policy may follow a
 * kill of another one's victim). Each kill must finish in time. */
static const char *stop_puppets(void)
{
    for (int round = 0; round < 50; round++) {
        bool any = false;
        for (size_t i = 0; i < ARRAY_LEN(puppets); i++) {
            struct component *p = must(puppets[i]);
            if (p->state != COMP_RUNNING)
                continue;
            any = true;
            uint64_t t0 = plat_clock_ns();
            int r = comp_kill(p);
            KT_CHECK(r == 0 || p->state != COMP_RUNNING, "killing %s: %d after %llu ms", puppets[i], r,
                     (unsigned long long)((plat_clock_ns() - t0) / NS_PER_MS));
        }
        if (!any)
            return NULL;
        thread_sleep_ns(2 * NS_PER_MS); /* let the manager act on what stopped */
    }
    return "the puppets keep coming back";
}

static const char *fuzz_run(void)
{
    struct heap_stats h0, h1;
    heap_get_stats(&h0);
    for (size_t i = 0; i < ARRAY_LEN(puppets); i++)
        KT_CHECK(comp_start(must(puppets[i]), NULL) == 0, "start %s", puppets[i]);
    for (int i = 0; i < 2000; i++) { /* each runs its start-up burst, then serves (or died in it) */
        bool ready = true;
        for (size_t k = 0; k < ARRAY_LEN(puppets); k++)
            ready &= must(puppets[k])->ipc.serving || must(puppets[k])->state != COMP_RUNNING;
        if (ready)
            break;
        thread_sleep_ns(NS_PER_MS / 4);
    }
    struct component *drv = must("fuzzdrv");
    KT_CHECK(comp_start(drv, NULL) == 0, "start fuzzdrv");
    if (comp_wait(drv, plat_clock_ns() + 60 * NS_PER_S) != 0) {
        comp_kill(drv);
        return "the driver did not finish within 60 s";
    }
    KT_CHECK(drv->state == COMP_EXITED && drv->trap.exit_code == 0, "fuzzdrv ended %s/%d (%s)",
             comp_state_name(drv->state), drv->trap.exit_code, trap_kind_name(drv->trap.kind));
    const char *err = stop_puppets();
    if (err)
        return err;
    thread_sleep_ns(NS_PER_MS); /* the idle thread reaps their threads */
    KT_CHECK(heap_check() == 0, "the heap is corrupt");
    for (size_t i = 0; i < ARRAY_LEN(puppets); i++) {
        struct component *p = must(puppets[i]);
        KT_CHECK(p->caps.used == 0 && p->caps.grants_out == 0, "%s left %u capabilities, %u grants out",
                 puppets[i], p->caps.used, p->caps.grants_out);
        KT_CHECK(p->kmem.used == 0, "%s left %llu bytes of kernel memory charged", puppets[i],
                 (unsigned long long)p->kmem.used);
        KT_CHECK(p->ipc.ep.holder == NULL, "%s's endpoint is still held", puppets[i]);
    }
    KT_CHECK(drv->kmem.used == 0, "fuzzdrv left %llu bytes charged", (unsigned long long)drv->kmem.used);
    heap_get_stats(&h1);
    KT_CHECK(h1.allocs <= h0.allocs, "%llu heap blocks more than before the run",
             (unsigned long long)(h1.allocs - h0.allocs));
    return NULL;
}

const struct ktest ktests_fuzz[] = {
    { "fuzz", fuzz_run },
    { NULL, NULL },
};
