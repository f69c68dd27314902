/* DMA (see hw.h): contiguous zeroed frames mapped into the driver's DMA
 * window, within its quota (its DMA capability's length, checked by decode
 * in hw/hostcalls.c), and the device address of a page the driver holds.
 * There is no IOMMU: a driver can program its device with any address; what
 * the kernel controls is which addresses it hands out. The DMA fields of
 * the hw part are written only here, by the component's own host calls. */
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/frame.h>
#include <athanor/hw.h>
#include <athanor/klib.h>

int hw_dma_alloc(struct component *c, uint64_t quota, uint32_t len, uint32_t *where,
                 uint64_t *phys)
{
    struct comp_hw *hw = &c->hw;
    if (!hw->dma_next)
        hw->dma_next = HW_DMA_WINDOW;
    if (hw->dma_used + (uint64_t)len > quota || (uint64_t)hw->dma_next + len > HW_DMA_END)
        return -ATH_ENOMEM; /* over its quota */
    phys_addr_t pa;
    int r = frame_alloc(len / PAGE_SIZE, 1, &pa);
    if (r)
        return r;
    memset(plat_phys_to_virt(pa), 0, len);
    if ((r = plat_vrange_map_frames(&c->rt.range, hw->dma_next, pa, len)) != 0) {
        frame_free(pa, len / PAGE_SIZE);
        return r;
    }
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
    /* Zeroed now, not only when next given out: what a device wrote there
     * (a microphone's samples) must not wait in free memory either. */
    for (uint32_t off = HW_DMA_WINDOW; hw->dma_used && off < hw->dma_next; off += PAGE_SIZE) {
        phys_addr_t pa;
        if (plat_vrange_phys(&c->rt.range, off, &pa) == 0)
            memset(plat_phys_to_virt(pa), 0, PAGE_SIZE);
    }
    if (hw->dma_next > HW_DMA_WINDOW)
        plat_vrange_unmap_frames(&c->rt.range, HW_DMA_WINDOW, hw->dma_next - HW_DMA_WINDOW);
    hw->dma_next = hw->dma_used = 0;
}
