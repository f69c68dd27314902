/* The hardware part of a component (athanor/hw.h, struct comp_hw): at each
 * start, the I/O-port, MMIO, DMA and IRQ capabilities its manifest entry
 * grants, over objects the part holds; at its stop, its lines fall silent
 * and its DMA buffers are parked; at a reset, its DMA buffers are parked. */
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/hw.h>
#include <athanor/klib.h>

int hw_comp_start(struct component *c, const char *args)
{
    (void)args;
    const struct comp_config *cfg = c->cfg;
    struct comp_hw *hw = &c->hw;
    hw->dma_next = hw->dma_used = 0;
    hw->refused = 0;
    cap_handle_t h;
    int r = 0;
    for (unsigned i = 0; r == 0 && i < cfg->nioports; i++) {
        hw->ioports[i] = cfg->ioports[i];
        r = cap_insert_range(&c->caps, CAP_T_IOPORT, CAP_R_ALL, &hw->ioports[i],
                             hw->ioports[i].base, hw->ioports[i].count, &h);
    }
    for (unsigned i = 0; r == 0 && i < cfg->nmmio; i++) {
        hw->mmio[i] = cfg->mmio[i];
        r = cap_insert_range(&c->caps, CAP_T_MMIO, CAP_R_ALL, &hw->mmio[i], hw->mmio[i].base,
                             hw->mmio[i].size, &h);
    }
    if (r == 0 && cfg->dma_pages) /* the object: what it holds; the range: its quota */
        r = cap_insert_range(&c->caps, CAP_T_DMA, CAP_R_ALL, &hw->dma_used, 0,
                             (uint64_t)cfg->dma_pages * PAGE_SIZE, &h);
    for (unsigned i = 0; r == 0 && i < cfg->nirqs; i++) {
        struct irq_line *l = hw_irq_line(cfg->irqs[i]);
        if (l)
            r = cap_insert_range(&c->caps, CAP_T_IRQ, CAP_R_ALL, l, l->line, 1, &h);
    }
    return r; /* the table is sized for the manifest: an error is not expected */
}

void hw_comp_stop(struct component *c)
{
    for (unsigned i = 0; i < c->cfg->nirqs; i++)
        hw_irq_release(c->cfg->irqs[i]);
    hw_dma_release(c); /* before the memory goes (the rt part stops after this one) */
}

void hw_comp_reset(struct component *c)
{
    hw_dma_release(c);
}
