/* Virtio 1.x over PCI, the "modern" interface (virtio 1.2, section 4.1):
 * the driver's side that every virtio driver shares. Kept beside the
 * driver folders, compiled into each driver that includes virtio.c. A
 * device is claimed from the PCI service, which hands over capabilities
 * to its memory BAR and its interrupt line; its virtqueues live in DMA
 * pages of the driver's quota, one page each (QSIZE entries: descriptors
 * at 0, the available ring at 1024, the used ring at 2048). */
#ifndef VIRTIO_H
#define VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include <athanor.h>

#define VQ_SIZE 64 /* entries per virtqueue: what one page holds in the layout above */
#define VQ_DESC_F_NEXT  1
#define VQ_DESC_F_WRITE 2 /* the device writes this buffer */
#define VIRTIO_F_VERSION_1 32

struct vq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};
struct vq_avail {
    uint16_t flags, idx, ring[VQ_SIZE], used_event;
};
struct vq_used_elem {
    uint32_t id, len;
};
struct vq_used {
    uint16_t flags, idx;
    struct vq_used_elem ring[VQ_SIZE];
};

struct vq {
    volatile struct vq_desc  *desc;
    volatile struct vq_avail *avail;
    volatile struct vq_used  *used;
    uint64_t                  phys;      /* of the ring page */
    uint64_t                  notify;    /* where to write its index, in the BAR */
    uint16_t                  index;
    uint16_t                  used_seen; /* used->idx we have consumed up to */
};

struct vdev {
    ath_handle_t pci, bar, irq;
    uint64_t     dev; /* the function's index at the PCI service */
    /* Where the virtio structures are in the BAR (found in config space). */
    uint64_t     common, notify, notify_mult, isr, device;
};

/* Claim the first of ids (PCI vendor | device << 16) the PCI service has
 * (waiting up to 10 s for the service, which starts at boot too), find its
 * virtio structures, take its BAR and line, and switch bus mastering on.
 * 0, -ATH_ENOENT if there is no such device, or another error. */
int virtio_claim(struct vdev *v, const uint32_t *ids, unsigned n);
/* Reset the device and agree on features: of the 64-bit set the device
 * offers, we take those in want (VERSION_1 must be among them). 0, or
 * -ATH_ENOSYS (not a modern device, or it refused the set). *got: what
 * was agreed. */
int virtio_negotiate(struct vdev *v, uint64_t want, uint64_t *got);
/* Set up queue `index` in the DMA page at ring (physical ring_phys).
 * 0, or -ATH_ENOSYS (the device's queue is too small for VQ_SIZE). */
int virtio_queue(struct vdev *v, struct vq *q, uint16_t index, void *ring, uint64_t ring_phys);
/* The driver is ready: the device may use its queues. */
void virtio_ready(struct vdev *v);
/* Make descriptor chain `head` available on q (the descriptors are set). */
void virtio_post(struct vq *q, uint16_t head);
/* Tell the device q has new buffers. */
void virtio_kick(struct vdev *v, const struct vq *q);
/* The next used element of q, if any: true and *e; peek leaves it there. */
bool virtio_next_used(struct vq *q, struct vq_used_elem *e);
bool virtio_peek_used(const struct vq *q, struct vq_used_elem *e);
/* Read the ISR status (lowers the line; bit 0: a queue, bit 1: the
 * configuration changed), then acknowledge the interrupt. */
uint8_t virtio_isr_ack(struct vdev *v);
/* Read `len` bytes of the device-specific configuration at off, as one
 * consistent snapshot (the configuration generation is checked). */
int virtio_config(struct vdev *v, unsigned off, void *buf, unsigned len);
/* Reset the device: it stops using every buffer it was given. */
void virtio_reset(struct vdev *v);

#endif
