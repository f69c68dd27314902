/* In-kernel tests of the privacy layer (docs/privacy.md): the clock a
 * component sees is as precise as its capability says, no memory a
 * component gave up reaches another with its contents, and the PCI service
 * tells a component about its own device only. */
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

/* No hardware identifier reaches a component without a capability for the
 * device: hwid, with no inventory right and a claim on one device only,
 * asks the PCI service about every index and is refused each time but for
 * its own device (components/apps/hwid). The service is started here if
 * no earlier test left it running, and stopped again. */
static const char *t_hw_ids(void)
{
    struct component *pci = comp_find("pci");
    KT_CHECK(pci, "pci missing from the manifest");
    bool started = pci->state != COMP_RUNNING;
    if (started)
        KT_CHECK(comp_start(pci, NULL) == 0, "start pci");
    for (int i = 0; i < 5000 && !pci->ipc.serving && pci->state == COMP_RUNNING; i++)
        thread_sleep_ns(NS_PER_MS);
    KT_CHECK(pci->ipc.serving, "pci is not serving (%s)", comp_state_name(pci->state));
    const char *err = probe("hwid");
    if (started)
        comp_kill(pci);
    return err;
}

const struct ktest ktests_privacy[] = {
    { "privacy_clock_coarse", t_clock_coarse },
    { "privacy_clock_precise", t_clock_precise },
    { "privacy_no_remanence", t_no_remanence },
    { "privacy_hw_ids", t_hw_ids },
    { NULL, NULL },
};
