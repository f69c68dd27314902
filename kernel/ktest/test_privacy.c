/* In-kernel tests of the privacy layer (docs/privacy.md): the clock a
 * component sees is as precise as its capability says, no memory a
 * component gave up reaches another with its contents, nor survives a
 * reset in its DMA pages, and the PCI service tells a component about its
 * own device only. */
#include <athanor/errors.h>
#include <athanor/hw.h>
#include <athanor/ktest.h>
#include <athanor/lifecycle.h>
#include <athanor/sched.h>

#define WAIT_NS (10 * NS_PER_S)

/* Start the named probe and wait for its verdict: it exits 0 when what it
 * saw was what it expects (components/apps/clockprobe.h, remanence.h). */
static const char *probe(const char *name)
{
    return ktest_run_to_exit(name, WAIT_NS);
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
    KT_CHECK(ktest_wait_serving(pci, 5000), "pci is not serving (%s)", comp_state_name(pci->state));
    const char *err = probe("hwid");
    if (started)
        comp_kill(pci);
    return err;
}

/* ---- a reset gives up the DMA pages ---- */

#define REM_DMA_PAGES 64 /* remfill's dma_pages */
#define REM_PATTERN   0xA207C0DEA207C0DEull /* components/apps/remanence.h's */

/* Words of remanence.h's pattern in page `page` of a DMA buffer. */
static size_t pattern_words(const volatile uint64_t *p, size_t page)
{
    size_t found = 0;
    for (size_t i = 0, n = page * (PAGE_SIZE / 8); i < PAGE_SIZE / 8; i++, n++)
        found += p[i] == (REM_PATTERN ^ n) || p[i] == REM_PATTERN;
    return found;
}

/* `remfill hold` holding its DMA pages full of the pattern (the last word
 * is written last), or stopped; within 10 s. */
static bool wait_held(struct component *c)
{
    const size_t bytes = REM_DMA_PAGES * PAGE_SIZE;
    for (int i = 0; i < 1000 && c->state == COMP_RUNNING; i++) {
        if (c->hw.dma_used == bytes) {
            volatile uint64_t *last = (volatile uint64_t *)(uintptr_t)(c->rt.range.base + HW_DMA_WINDOW + bytes - 8);
            if (*last == (REM_PATTERN ^ (bytes / 8 - 1)))
                return true;
        }
        thread_sleep_ns(10 * NS_PER_MS);
    }
    return false;
}

/* A reset leaves no DMA page with the component: remfill fills its DMA
 * pages and holds them; after a reset it holds none, its window is
 * unmapped, the frames it had are zero (not only when given out again),
 * and its own next allocation (it waits a second after the reset, and
 * checks before it fills) finds no word of the pattern; the line says how
 * many of those pages are frames it had before. The device is quiesced
 * first in real use (hw.h); remfill has none. On a platform without DMA
 * remfill would exit at once, and the line would say so. */
static const char *t_reset_frees_dma(void)
{
    struct component *c = comp_find("remfill");
    KT_CHECK(c, "remfill missing from the manifest");
    KT_CHECK(comp_start(c, "hold") == 0, "start remfill hold");
    bool held = wait_held(c);
    if (!held && c->state == COMP_EXITED && c->trap.exit_code == 0 && c->hw.dma_used == 0) {
        kprintf("privacy_reset_frees_dma: no DMA on this platform: nothing to give up\n");
        return NULL;
    }
    KT_CHECK(held, "remfill did not fill its DMA pages (%s, %u bytes)", comp_state_name(c->state),
             c->hw.dma_used);
    phys_addr_t frames[REM_DMA_PAGES];
    for (size_t i = 0; i < REM_DMA_PAGES; i++)
        KT_CHECK(plat_vrange_phys(&c->rt.range, HW_DMA_WINDOW + i * PAGE_SIZE, &frames[i]) == 0,
                 "DMA page %zu of remfill not mapped", i);
    KT_CHECK(comp_reset(c) == 0, "reset remfill");
    /* remfill waits a second before it takes pages again */
    phys_addr_t pa;
    KT_CHECK(c->hw.dma_used == 0 && c->hw.dma_next == 0, "after the reset remfill still holds %u bytes of DMA",
             c->hw.dma_used);
    KT_CHECK(plat_vrange_phys(&c->rt.range, HW_DMA_WINDOW, &pa) != 0, "its DMA window is still mapped");
    size_t left = 0;
    for (size_t i = 0; i < REM_DMA_PAGES; i++)
        left += pattern_words(plat_phys_to_virt(frames[i]), i);
    KT_CHECK(left == 0, "%zu words of the pattern left in the frames of its DMA pages", left);
    held = wait_held(c);
    KT_CHECK(held, "after the reset remfill %s (exit %d; it exits 1 on finding the pattern)",
             comp_state_name(c->state), c->trap.exit_code);
    unsigned same = 0;
    for (size_t i = 0; i < REM_DMA_PAGES; i++)
        for (size_t j = 0; plat_vrange_phys(&c->rt.range, HW_DMA_WINDOW + i * PAGE_SIZE, &pa) == 0 &&
                           j < REM_DMA_PAGES; j++)
            same += pa == frames[j];
    kprintf("privacy_reset_frees_dma: %u of remfill's %u new DMA pages are frames it had before the reset\n",
            same, REM_DMA_PAGES);
    KT_CHECK(comp_kill(c) == 0, "kill remfill");
    return NULL;
}

const struct ktest ktests_privacy[] = {
    { "privacy_clock_coarse", t_clock_coarse },
    { "privacy_clock_precise", t_clock_precise },
    { "privacy_no_remanence", t_no_remanence },
    { "privacy_hw_ids", t_hw_ids },
    { "privacy_reset_frees_dma", t_reset_frees_dma },
    { NULL, NULL },
};
