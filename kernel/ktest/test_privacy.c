/* In-kernel tests of the privacy layer (docs/privacy.md): the clock a
 * component sees is as precise as its capability says, and no memory a
 * component gave up reaches another with its contents. */
#include <athanor/ktest.h>
#include <athanor/lifecycle.h>

#define WAIT_NS (10 * NS_PER_S)

/* Start the named probe and wait for its verdict: it exits 0 when what it
 * saw was what it expects (components/apps/clockprobe.h, remanence.h). */
static const char *probe(const char *name)
{
    struct component *c = comp_find(name);
    KT_CHECK(c, "%s missing from the manifest", name);
    KT_CHECK(comp_start(c, NULL) == 0, "start %s", name);
    KT_CHECK(comp_wait(c, plat_clock_ns() + WAIT_NS) == 0, "%s did not stop", name);
    KT_CHECK(c->state == COMP_EXITED && c->trap.exit_code == 0, "%s ended %s/%d (see its line above)",
             name, comp_state_name(c->state), c->trap.exit_code);
    return NULL;
}

/* Without the precise right: resolution 100 µs, every reading on the grid,
 * no step under 100 µs. */
static const char *t_clock_coarse(void)
{
    return probe("clockcoarse");
}

/* With it (the manifest's precise_clock): resolution 1 ns, steps under
 * 100 µs, and readings with sub-microsecond digits. */
static const char *t_clock_precise(void)
{
    return probe("clockfine");
}

/* Memory a component gave up reaches the next one zeroed: remfill fills
 * fresh memory and DMA pages and exits, remcheck then gets memory and DMA
 * pages and finds no word of the pattern. Several rounds, so that the
 * frames the first gave back are among those the second gets. */
static const char *t_no_remanence(void)
{
    for (int round = 0; round < 4; round++) {
        const char *err = probe("remfill");
        if (!err)
            err = probe("remcheck");
        if (err)
            return err;
    }
    return NULL;
}

const struct ktest ktests_privacy[] = {
    { "privacy_clock_coarse", t_clock_coarse },
    { "privacy_clock_precise", t_clock_precise },
    { "privacy_no_remanence", t_no_remanence },
    { NULL, NULL },
};
