/* What the hosted virtio doubles (virtio_blk.c, virtio_net.c) share: the
 * vendor capabilities in configuration space (common at 0x0000, notify at
 * 0x1000, ISR at 0x2000, device at 0x3000 of memory BAR 4), the command
 * register and BAR writes, the line (fired when the ISR has bit 0 and the
 * driver enabled and unmasked it), the common configuration (features,
 * status, the queues' registers), and the rings' use. */
#include "hosted.h"

#include <athanor/hw.h>
#include <string.h>

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

void hosted_vpci_reset(struct hosted_vpci *v)
{
    v->status = v->isr = 0;
    v->dfselect = v->gfselect = v->qsel = 0;
    v->gfeatures[0] = v->gfeatures[1] = 0;
    for (unsigned i = 0; i < 2; i++)
        v->q[i] = (struct hosted_vqueue){ .size = HOSTED_VQ_MAX };
}

uint64_t hosted_vpci_common_in(const struct hosted_vpci *v, unsigned r, unsigned w)
{
    const struct hosted_vqueue *x = v->qsel < v->nqueues ? &v->q[v->qsel] : NULL;
    switch (r) {
    case 0x00: return v->dfselect;
    case 0x04: return v->dfselect < 2 ? (uint32_t)(v->offered >> (32 * v->dfselect)) : 0;
    case 0x08: return v->gfselect;
    case 0x0c: return v->gfselect < 2 ? v->gfeatures[v->gfselect] : 0;
    case 0x10: return 0xffff;                 /* no MSI-X */
    case 0x12: return v->nqueues;
    case 0x14: return v->status;
    case 0x15: return 0;                      /* config generation */
    case 0x16: return v->qsel;
    case 0x1a: return 0xffff;
    case 0x1e: return v->qsel;                /* queue notify offset: times notify_mult */
    default:   break;
    }
    if (!x)
        return 0;                             /* no such queue: size 0 */
    switch (r) {
    case 0x18: return x->size;
    case 0x1c: return x->enable;
    case 0x20: return w == 8 ? x->desc : (uint32_t)x->desc;
    case 0x24: return x->desc >> 32;
    case 0x28: return w == 8 ? x->driver : (uint32_t)x->driver;
    case 0x2c: return x->driver >> 32;
    case 0x30: return w == 8 ? x->device : (uint32_t)x->device;
    case 0x34: return x->device >> 32;
    default:   return 0;
    }
}

static void set_lo(uint64_t *r, uint64_t v) { *r = (*r & ~0xffffffffull) | (uint32_t)v; }
static void set_hi(uint64_t *r, uint64_t v) { *r = (*r & 0xffffffffull) | v << 32; }

bool hosted_vpci_common_out(struct hosted_vpci *v, unsigned r, unsigned w, uint64_t val)
{
    struct hosted_vqueue *x = v->qsel < v->nqueues ? &v->q[v->qsel] : NULL;
    switch (r) {
    case 0x00: v->dfselect = (uint32_t)val; return false;
    case 0x08: v->gfselect = (uint32_t)val; return false;
    case 0x0c: if (v->gfselect < 2) v->gfeatures[v->gfselect] = (uint32_t)val; return false;
    case 0x16: v->qsel = (uint16_t)val; return false;
    case 0x14:
        if (val == 0) {
            hosted_vpci_reset(v);
        } else {
            /* FEATURES_OK stays only if the driver took VERSION_1 and nothing unknown */
            uint64_t took = v->gfeatures[0] | (uint64_t)v->gfeatures[1] << 32;
            if ((val & HOSTED_VIRTIO_FEATURES_OK) && (!(took & HOSTED_VIRTIO_F_VERSION_1) || (took & ~v->offered)))
                val &= ~(uint64_t)HOSTED_VIRTIO_FEATURES_OK;
            v->status = (uint8_t)val;
        }
        return true;
    default: break;
    }
    if (!x)
        return false;
    switch (r) {
    case 0x18: if (val && val <= HOSTED_VQ_MAX && !(val & (val - 1))) x->size = (uint16_t)val; break;
    case 0x1c: x->enable = (uint16_t)(val & 1); break;
    case 0x20: if (w == 8) x->desc = val; else set_lo(&x->desc, val); break;
    case 0x24: set_hi(&x->desc, val); break;
    case 0x28: if (w == 8) x->driver = val; else set_lo(&x->driver, val); break;
    case 0x2c: set_hi(&x->driver, val); break;
    case 0x30: if (w == 8) x->device = val; else set_lo(&x->device, val); break;
    case 0x34: set_hi(&x->device, val); break;
    default: break;
    }
    return false;
}

bool hosted_vpci_rings(struct hosted_vpci *v, const struct hosted_vqueue *q, const void **desc,
                       uint16_t **avail, uint8_t **used)
{
    if (!(v->status & HOSTED_VIRTIO_DRIVER_OK) || !q->enable || !(v->command & HOSTED_CMD_MASTER))
        return false;
    *desc = hosted_dma_ptr(q->desc, (size_t)q->size * 16);
    *avail = hosted_dma_ptr(q->driver, 4 + 2u * q->size);
    *used = hosted_dma_ptr(q->device, 4 + 8u * q->size);
    if (!*desc || !*avail || !*used) {
        v->status |= 0x40; /* DEVICE_NEEDS_RESET: the rings are not where it said */
        return false;
    }
    return true;
}

void hosted_vpci_put_used(const struct hosted_vqueue *q, uint8_t *used, uint16_t head, uint32_t len)
{
    uint16_t uidx;
    memcpy(&uidx, used + 2, 2);
    uint32_t elem[2] = { head, len };
    memcpy(used + 4 + 8u * (uidx % q->size), elem, 8);
    __atomic_store_n((uint16_t *)(used + 2), (uint16_t)(uidx + 1), __ATOMIC_RELEASE);
}
