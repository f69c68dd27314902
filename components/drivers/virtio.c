/* Virtio 1.x over PCI, the driver's side (virtio.h): claiming a device
 * from the PCI service, the status and feature handshake, virtqueues, the
 * interrupt status. Included by each virtio driver's source. */
#include <time.h>

#include "virtio.h"

enum { PCI_CLAIM = 7, PCI_GRANT_BAR = 8, PCI_GRANT_IRQ = 9, PCI_CONFIG_READ = 10,
       PCI_CONFIG_WRITE = 11 };
/* Virtio PCI capability types and common-config registers (virtio 1.2, 4.1.4). */
enum { CAP_COMMON = 1, CAP_NOTIFY = 2, CAP_ISR = 3, CAP_DEVICE = 4 };
enum { C_DFSELECT = 0x00, C_DF = 0x04, C_GFSELECT = 0x08, C_GF = 0x0c, C_NUMQ = 0x12,
       C_STATUS = 0x14, C_CFGGEN = 0x15, C_QSELECT = 0x16, C_QSIZE = 0x18, C_QENABLE = 0x1c,
       C_QNOTIFYOFF = 0x1e, C_QDESC = 0x20, C_QDRIVER = 0x28, C_QDEVICE = 0x30 };
enum { S_ACK = 1, S_DRIVER = 2, S_DRIVER_OK = 4, S_FEATURES_OK = 8, S_FAILED = 128 };

static uint32_t vcfg32(struct vdev *v, uint64_t dev, unsigned off)
{
    uint64_t x = 0;
    ath_call(v->pci, PCI_CONFIG_READ, dev, off, 0, &x);
    return (uint32_t)x;
}

static int vrd(struct vdev *v, uint64_t off, unsigned w, uint64_t *x) { return ath_mmio_read(v->bar, off, w, x); }
static int vwr(struct vdev *v, uint64_t off, unsigned w, uint64_t x) { return ath_mmio_write(v->bar, off, w, x); }

/* Find the virtio structures in configuration space: which BAR holds them
 * (one BAR for all, as QEMU's devices have it) and where in it. */
static int find_caps(struct vdev *v, uint64_t dev, unsigned *bar_no)
{
    unsigned found = 0;
    if (!(vcfg32(v, dev, 0x04) & (1u << 20)))
        return -ATH_ENOENT; /* no capability list */
    for (unsigned p = vcfg32(v, dev, 0x34) & 0xfc, n = 0; p && n < 48; n++) {
        uint32_t w0 = vcfg32(v, dev, p), w1 = vcfg32(v, dev, p + 4), off = vcfg32(v, dev, p + 8);
        if ((w0 & 0xff) == 0x09) { /* vendor-specific: a virtio structure */
            unsigned type = (w0 >> 24) & 0xff, b = w1 & 0xff;
            uint64_t *where = type == CAP_COMMON ? &v->common : type == CAP_NOTIFY ? &v->notify
                            : type == CAP_ISR ? &v->isr : type == CAP_DEVICE ? &v->device : NULL;
            if (where) {
                *where = off;
                *bar_no = b;
                found |= 1u << type;
                if (type == CAP_NOTIFY)
                    v->notify_mult = vcfg32(v, dev, p + 16);
            }
        }
        p = (w0 >> 8) & 0xfc;
    }
    return found == 0x1e ? 0 : -ATH_ENOENT;
}

int virtio_claim(struct vdev *v, const uint32_t *ids, unsigned n)
{
    uint64_t dev = (uint64_t)-1;
    int r = 0;
    v->pci = ath_cap_find(ATH_T_ENDPOINT, 0); /* the manifest's: calls = ["pci"] */
    for (unsigned i = 0; i < n && r == 0 && (int64_t)dev < 0; i++)
        for (int tries = 0;; tries++) { /* the PCI service starts at boot too: wait for it */
            r = ath_call(v->pci, PCI_CLAIM, ids[i], 0, 0, &dev);
            if (r == -ATH_EPEERRESTARTED)
                ath_reconnect(&v->pci, "pci");
            else if (r != -ATH_EPEERFAILED || tries == 100)
                break;
            struct timespec ts = { 0, 100000000 };
            if (nanosleep(&ts, NULL) != 0)
                return -ATH_EPERM; /* no clock capability: cannot wait */
        }
    if (r || (int64_t)dev < 0)
        return r ? r : (int)(int64_t)dev;
    unsigned bar_no = 0;
    if ((r = find_caps(v, dev, &bar_no)) != 0)
        return r;
    uint64_t h = 0, l = 0;
    if ((r = ath_call(v->pci, PCI_GRANT_BAR, dev, bar_no, 0, &h)) || (int64_t)h < 0)
        return r ? r : (int)(int64_t)h;
    if ((r = ath_call(v->pci, PCI_GRANT_IRQ, dev, 0, 0, &l)) || (int64_t)l < 0)
        return r ? r : (int)(int64_t)l;
    v->bar = (ath_handle_t)h, v->irq = (ath_handle_t)l;
    v->dev = dev;
    uint64_t ignored; /* bus mastering on: the device may do DMA */
    ath_call(v->pci, PCI_CONFIG_WRITE, dev, 0x04, vcfg32(v, dev, 0x04) | 0x06, &ignored);
    return 0;
}

void virtio_reset(struct vdev *v)
{
    uint64_t x;
    vwr(v, v->common + C_STATUS, 1, 0);
    do /* the device says it is done with every buffer by reading back 0 */
        vrd(v, v->common + C_STATUS, 1, &x);
    while (x != 0);
}

int virtio_negotiate(struct vdev *v, uint64_t want, uint64_t *got)
{
    uint64_t lo = 0, hi = 0, st = 0;
    virtio_reset(v);
    vwr(v, v->common + C_STATUS, 1, S_ACK);
    vwr(v, v->common + C_STATUS, 1, S_ACK | S_DRIVER);
    vwr(v, v->common + C_DFSELECT, 4, 0);
    vrd(v, v->common + C_DF, 4, &lo);
    vwr(v, v->common + C_DFSELECT, 4, 1);
    vrd(v, v->common + C_DF, 4, &hi);
    uint64_t agreed = (lo | hi << 32) & want;
    if (!(agreed & (1ull << VIRTIO_F_VERSION_1)))
        return -ATH_ENOSYS; /* not a modern device */
    vwr(v, v->common + C_GFSELECT, 4, 0);
    vwr(v, v->common + C_GF, 4, agreed & 0xffffffffu);
    vwr(v, v->common + C_GFSELECT, 4, 1);
    vwr(v, v->common + C_GF, 4, agreed >> 32);
    vwr(v, v->common + C_STATUS, 1, S_ACK | S_DRIVER | S_FEATURES_OK);
    vrd(v, v->common + C_STATUS, 1, &st);
    if (!(st & S_FEATURES_OK))
        return -ATH_ENOSYS;
    *got = agreed;
    return 0;
}

int virtio_queue(struct vdev *v, struct vq *q, uint16_t index, void *ring, uint64_t ring_phys)
{
    uint64_t x = 0;
    vwr(v, v->common + C_QSELECT, 2, index);
    vrd(v, v->common + C_QSIZE, 2, &x);
    if (x < VQ_SIZE)
        return -ATH_ENOSYS; /* the ring layout is for VQ_SIZE entries */
    vwr(v, v->common + C_QSIZE, 2, VQ_SIZE);
    q->desc = ring;
    q->avail = (volatile struct vq_avail *)((char *)ring + 1024);
    q->used = (volatile struct vq_used *)((char *)ring + 2048);
    q->phys = ring_phys;
    q->index = index;
    q->used_seen = 0;
    vwr(v, v->common + C_QDESC, 8, ring_phys);
    vwr(v, v->common + C_QDRIVER, 8, ring_phys + 1024);
    vwr(v, v->common + C_QDEVICE, 8, ring_phys + 2048);
    vrd(v, v->common + C_QNOTIFYOFF, 2, &x);
    q->notify = v->notify + x * v->notify_mult;
    vwr(v, v->common + C_QENABLE, 2, 1);
    return 0;
}

void virtio_ready(struct vdev *v)
{
    vwr(v, v->common + C_STATUS, 1, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

void virtio_post(struct vq *q, uint16_t head)
{
    q->avail->ring[q->avail->idx % VQ_SIZE] = head;
    __atomic_thread_fence(__ATOMIC_RELEASE); /* the ring entry before the index the device reads */
    q->avail->idx = (uint16_t)(q->avail->idx + 1);
}

void virtio_kick(struct vdev *v, const struct vq *q)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    vwr(v, q->notify, 2, q->index);
}

bool virtio_peek_used(const struct vq *q, struct vq_used_elem *e)
{
    if (q->used->idx == q->used_seen)
        return false;
    __atomic_thread_fence(__ATOMIC_ACQUIRE); /* the element after the index that published it */
    e->id = q->used->ring[q->used_seen % VQ_SIZE].id;
    e->len = q->used->ring[q->used_seen % VQ_SIZE].len;
    return true;
}

bool virtio_next_used(struct vq *q, struct vq_used_elem *e)
{
    if (!virtio_peek_used(q, e))
        return false;
    q->used_seen++;
    return true;
}

uint8_t virtio_isr_ack(struct vdev *v)
{
    uint64_t x = 0;
    vrd(v, v->isr, 1, &x); /* reading the ISR status lowers the line */
    ath_irq_ack(v->irq);
    return (uint8_t)x;
}

int virtio_config(struct vdev *v, unsigned off, void *buf, unsigned len)
{
    for (int tries = 0; tries < 100; tries++) {
        uint64_t g0 = 0, g1 = 0, x = 0;
        vrd(v, v->common + C_CFGGEN, 1, &g0);
        for (unsigned i = 0; i < len; i++) {
            int r = vrd(v, v->device + off + i, 1, &x);
            if (r)
                return r;
            ((uint8_t *)buf)[i] = (uint8_t)x;
        }
        vrd(v, v->common + C_CFGGEN, 1, &g1);
        if (g0 == g1)
            return 0;
    }
    return -ATH_EAGAIN; /* the device kept changing it */
}
