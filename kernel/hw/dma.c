/* DMA (see hw.h): contiguous zeroed frames mapped into the driver's DMA
 * window, within its quota (its DMA capability's length, checked by decode
 * in hw/hostcalls.c), and the device address of a page the driver holds.
 * There is no IOMMU: a driver can program its device with any address; what
 * the kernel controls is which addresses it hands out, and that frames a
 * device may still write into go to nobody else (struct dma_book: parked).
 * The DMA fields of the hw part are written only here, by the component's
 * own host calls and its stop and reset, never at once (one thread). */
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/frame.h>
#include <athanor/hw.h>
#include <athanor/klib.h>
#include <athanor/spinlock.h>

/* The books, from a pool: a component gets one at its first DMA buffer (a
 * driver's own quota, or one lent to it: the microphone's) and keeps it,
 * as components keep their slots. Under book_lock. */
#define HW_DMA_BOOKS 16
static struct dma_book books[HW_DMA_BOOKS];
static unsigned        nbooks;
static spinlock_t      book_lock = SPINLOCK_INIT;

static struct dma_book *book_of(struct component *c)
{
    if (c->hw.dma)
        return c->hw.dma;
    irqflags_t f = spin_lock_irqsave(&book_lock);
    struct dma_book *b = nbooks < HW_DMA_BOOKS ? &books[nbooks++] : NULL;
    spin_unlock_irqrestore(&book_lock, f);
    if (!b)
        kprintf("component %s: no DMA book left (%u components have one)\n", c->cfg->name, HW_DMA_BOOKS);
    c->hw.dma = b; /* only its own thread writes it */
    return b;
}

static inline phys_addr_t run_pa(struct dma_run r) { return (phys_addr_t)r.frame << 12; }

/* A parked run of `pages` frames, taken off the list (the oldest such):
 * true and *pa. */
static bool take_parked(struct dma_book *b, uint32_t pages, phys_addr_t *pa)
{
    for (uint32_t i = 0; i < b->nparked; i++)
        if (b->parked[i].pages == pages) {
            *pa = run_pa(b->parked[i]);
            memmove(&b->parked[i], &b->parked[i + 1], (b->nparked - i - 1) * sizeof *b->parked);
            b->nparked--;
            return true;
        }
    return false;
}

/* Park a run at the end, freeing the oldest if the list is full. */
static void park(struct dma_book *b, struct dma_run r)
{
    if (b->nparked == ARRAY_LEN(b->parked)) {
        frame_free(run_pa(b->parked[0]), b->parked[0].pages);
        memmove(&b->parked[0], &b->parked[1], (b->nparked - 1) * sizeof *b->parked);
        b->nparked--;
    }
    b->parked[b->nparked++] = r;
}

int hw_dma_alloc(struct component *c, uint64_t quota, uint32_t len, uint32_t *where,
                 uint64_t *phys)
{
    struct comp_hw *hw = &c->hw;
    struct dma_book *b = book_of(c);
    if (!hw->dma_next)
        hw->dma_next = HW_DMA_WINDOW;
    if (!b || b->nlive == HW_DMA_RUNS || hw->dma_used + (uint64_t)len > quota ||
        (uint64_t)hw->dma_next + len > HW_DMA_END)
        return -ATH_ENOMEM; /* over its quota */
    uint32_t pages = len / PAGE_SIZE;
    phys_addr_t pa;
    bool parked = take_parked(b, pages, &pa);
    if (!parked) {
        int r = frame_alloc(pages, 1, &pa);
        if (r)
            return r;
    }
    /* Zeroed now also if parked: the device may have written since. */
    memset(plat_phys_to_virt(pa), 0, len);
    int r = plat_vrange_map_frames(&c->rt.range, hw->dma_next, pa, len);
    if (r) {
        if (parked)
            park(b, (struct dma_run){ (uint32_t)(pa >> 12), pages });
        else
            frame_free(pa, pages);
        return r;
    }
    b->live[b->nlive++] = (struct dma_run){ (uint32_t)(pa >> 12), pages };
    *where = hw->dma_next;
    *phys = pa;
    hw->dma_next += len;
    hw->dma_used += len;
    return 0;
}

int hw_dma_phys(struct component *c, uint32_t where, uint64_t *phys)
{
    phys_addr_t pa;
    int r = plat_vrange_phys(&c->rt.range, where, &pa);
    if (r == 0)
        *phys = pa;
    return r;
}

void hw_dma_release(struct component *c)
{
    struct comp_hw *hw = &c->hw;
    struct dma_book *b = hw->dma;
    if (!b || !b->nlive)
        return;
    /* Zeroed now, not only when next given out: what a device wrote there
     * (a microphone's samples) must not wait in memory either. Then out of
     * the window, the frames kept: parked. */
    for (uint32_t i = 0; i < b->nlive; i++)
        memset(plat_phys_to_virt(run_pa(b->live[i])), 0, (size_t)b->live[i].pages * PAGE_SIZE);
    plat_vrange_unmap_frames(&c->rt.range, HW_DMA_WINDOW, hw->dma_next - HW_DMA_WINDOW, false);
    for (uint32_t i = 0; i < b->nlive; i++)
        park(b, b->live[i]);
    b->nlive = 0;
    hw->dma_next = hw->dma_used = 0;
}
