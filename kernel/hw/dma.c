/* DMA capabilities (see hw.h): contiguous zeroed frames mapped into the
 * driver's DMA window, within its quota (the capability's length), and the
 * device address of a page the driver holds. There is no IOMMU: a driver
 * can program its device with any address; what the kernel controls is
 * which addresses it hands out. Decoding is in hostcalls.c. */
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/frame.h>
#include <athanor/hw.h>
#include <athanor/ipc.h>
#include <athanor/klib.h>

static int lookup(struct component *c, cap_handle_t h, struct cap_ref *cap)
{
    int r = cap_lookup(&c->caps, h, CAP_T_DMA, CAP_R_WRITE, cap);
    if (r)
        hw_refused(c, "DMA handle", h, r);
    return r;
}

int hw_dma_alloc(struct component *c, cap_handle_t h, uint32_t len, uint32_t *where,
                 uint64_t *phys)
{
    struct cap_ref cap;
    int r = lookup(c, h, &cap);
    if (r)
        return r;
    if (len == 0 || (len & (PAGE_SIZE - 1)))
        return -ATH_EINVAL;
    if (!c->dma_next)
        c->dma_next = HW_DMA_WINDOW;
    if (c->dma_used + len > cap.len || (uint64_t)c->dma_next + len > HW_DMA_END)
        return -ATH_ENOMEM; /* over its quota */
    phys_addr_t pa;
    if ((r = frame_alloc(len / PAGE_SIZE, 1, &pa)) != 0)
        return r;
    memset(plat_phys_to_virt(pa), 0, len);
    if ((r = plat_vrange_map_frames(&c->mem, c->dma_next, pa, len)) != 0) {
        frame_free(pa, len / PAGE_SIZE);
        return r;
    }
    *where = c->dma_next;
    *phys = pa;
    c->dma_next += len;
    c->dma_used += len;
    return 0;
}

int hw_dma_phys(struct component *c, cap_handle_t h, uint32_t where, uint64_t *phys)
{
    struct cap_ref cap;
    int r = lookup(c, h, &cap);
    if (r)
        return r;
    phys_addr_t pa;
    if ((r = plat_vrange_phys(&c->mem, where, &pa)) != 0)
        return r;
    *phys = pa;
    return 0;
}
