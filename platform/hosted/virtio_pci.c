/* What the hosted virtio doubles (virtio_blk.c, virtio_net.c) share: the
 * vendor capabilities in configuration space (common at 0x0000, notify at
 * 0x1000, ISR at 0x2000, device at 0x3000 of memory BAR 4), the command
 * register and BAR writes, the line (fired when the ISR has bit 0 and the
 * driver enabled and unmasked it), and setting halves of 64-bit registers. */
#include "hosted.h"

#include <athanor/hw.h>

uint32_t hosted_vpci_cap_word(const struct hosted_vpci *v, unsigned off)
{
    const struct { uint8_t at, next, len, type; uint32_t where, size; } caps[] = {
        { 0x40, 0x50, 16, 1, 0x0000, 0x38 },
        { 0x50, 0x68, 20, 2, 0x1000, v->notify_size },
        { 0x68, 0x78, 16, 3, 0x2000, 1 },
        { 0x78, 0x00, 16, 4, 0x3000, 8 },
    };
    for (unsigned i = 0; i < 4; i++) {
        unsigned rel = off - caps[i].at;
        if (off < caps[i].at || rel >= caps[i].len)
            continue;
        switch (rel) {
        case 0:  return 0x09u | (uint32_t)caps[i].next << 8 | (uint32_t)caps[i].len << 16 |
                        (uint32_t)caps[i].type << 24;
        case 4:  return 4; /* BAR 4 */
        case 8:  return caps[i].where;
        case 12: return caps[i].size;
        case 16: return v->notify_mult;
        }
    }
    return 0;
}

void hosted_vpci_cfg_out(struct hosted_vpci *v, unsigned off, uint32_t val, uint32_t bar_size)
{
    if (off == 0x04)
        v->command = (uint16_t)(val & (HOSTED_CMD_MEM | HOSTED_CMD_MASTER | HOSTED_CMD_INTX_OFF));
    else if (off == 0x20) /* sizing writes all ones: the size shows in the bits that stay 0 */
        v->bar4 = val & ~(bar_size - 1);
}

void hosted_vpci_update_line(struct hosted_vpci *v)
{
    if (v->line_enabled && !v->line_masked && (v->isr & 1) && !(v->command & HOSTED_CMD_INTX_OFF)) {
        v->line_masked = true;
        hw_irq_fired(v->line);
    }
}

void hosted_vpci_line(struct hosted_vpci *v, bool enable)
{
    irqflags_t f = plat_irq_save();
    v->line_enabled = enable;
    v->line_masked = false;
    hosted_vpci_update_line(v);
    plat_irq_restore(f);
}

void hosted_vpci_unmask(struct hosted_vpci *v)
{
    irqflags_t f = plat_irq_save();
    v->line_masked = false;
    hosted_vpci_update_line(v);
    plat_irq_restore(f);
}

void hosted_vpci_set_lo(uint64_t *r, uint64_t v) { *r = (*r & ~0xffffffffull) | (uint32_t)v; }
void hosted_vpci_set_hi(uint64_t *r, uint64_t v) { *r = (*r & 0xffffffffull) | v << 32; }
