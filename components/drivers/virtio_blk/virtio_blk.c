/* virtio-blk driver (virtio 1.x over PCI, "modern" interface). It claims
 * its device from the PCI service, which hands it capabilities to the
 * device's memory BAR and interrupt line; it holds a DMA quota for its one
 * virtqueue and the request headers. Clients lend their buffers: the data
 * goes straight between the device and the client's pages (their device
 * addresses come from ath_dma_phys), no copy.
 *   op 1 INFO                      -> capacity in 512-byte sectors
 *   op 2 READ(sector)   lend RW    -> 0; a1 = length (whole sectors, page-aligned lend)
 *   op 3 WRITE(sector)  lend RO    -> 0
 *   op 4 FLUSH                     -> 0
 *   op 99 PROBE                    -> refused | 6 << 32: 6 accesses outside its
 *                                     capabilities, refused (tests)
 * Errors come back as negative values (-ATH_EIO for a device error). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../virtio.c"

#define ERR(e) ((uint64_t)(int64_t)-(e))
#define EIO_CODE ATH_EINVAL /* no EIO in errors.h yet: a failed request reads as EINVAL */

enum { OP_INFO = 1, OP_READ = 2, OP_WRITE = 3, OP_FLUSH = 4, OP_PROBE = ATH_OP_PROBE };
enum { REQ_IN = 0, REQ_OUT = 1, REQ_FLUSH = 4 };
#define SECTOR 512u
#define PAGE 4096u

struct req_header {
    uint32_t type, reserved;
    uint64_t sector;
};

static struct vdev vd;
static struct vq   q;
static ath_handle_t note, dma;
static uint64_t capacity;
static struct req_header *hdr; /* header and status byte, in a second DMA page */
static volatile uint8_t  *status;
static uint64_t hdr_phys;
static unsigned requests, errors;

static int setup(void)
{
    /* transitional virtio-blk, then modern-only */
    static const uint32_t ids[] = { 0x10011af4u, 0x10421af4u };
    int r = virtio_claim(&vd, ids, 2);
    uint64_t features;
    if (r || (r = virtio_negotiate(&vd, 1ull << VIRTIO_F_VERSION_1, &features)) != 0)
        return r;
    void *ring, *hp;
    uint64_t ring_phys;
    dma = ath_cap_find(ATH_T_DMA, 0);
    if ((r = ath_dma_alloc(dma, PAGE, &ring, &ring_phys)) || (r = ath_dma_alloc(dma, PAGE, &hp, &hdr_phys)))
        return r;
    hdr = hp;
    status = (volatile uint8_t *)hp + 64;
    if ((r = virtio_queue(&vd, &q, 0, ring, ring_phys)) != 0)
        return r;
    note = ath_notify_create();
    if ((r = ath_irq_bind(vd.irq, note, 1)) != 0)
        return r;
    virtio_ready(&vd);
    uint8_t cap[8];
    if ((r = virtio_config(&vd, 0, cap, sizeof cap)) != 0)
        return r;
    memcpy(&capacity, cap, sizeof capacity);
    return 0;
}

/* One request: header, the data pages (one descriptor each: lent pages are
 * not contiguous in physical memory), status. Waits for its completion. */
static int request(uint32_t type, uint64_t sector, const void *data, uint32_t len, bool to_device)
{
    unsigned n = 0;
    hdr->type = type;
    hdr->reserved = 0;
    hdr->sector = sector;
    *status = 0xff;
    q.desc[n] = (struct vq_desc){ hdr_phys, sizeof *hdr, VQ_DESC_F_NEXT, 1 };
    n++;
    for (uint32_t off = 0; off < len; off += PAGE) {
        uint64_t phys;
        int r = ath_dma_phys(dma, (const char *)data + off, &phys);
        if (r)
            return r;
        uint32_t chunk = len - off < PAGE ? len - off : PAGE;
        q.desc[n] = (struct vq_desc){ phys, chunk, (uint16_t)(VQ_DESC_F_NEXT | (to_device ? 0 : VQ_DESC_F_WRITE)),
                                      (uint16_t)(n + 1) };
        n++;
    }
    q.desc[n] = (struct vq_desc){ hdr_phys + 64, 1, VQ_DESC_F_WRITE, 0 };
    virtio_post(&q, 0);
    virtio_kick(&vd, &q);
    requests++;
    struct vq_used_elem e;
    for (int waits = 0; !virtio_next_used(&q, &e); waits++) {
        uint64_t bits;
        if (waits == 50) {
            errors++;
            return -ATH_ETIMEDOUT; /* 5 s without an answer */
        }
        ath_notify_wait(note, 1, 100000000ull, &bits);
        virtio_isr_ack(&vd);
    }
    if (*status != 0) {
        errors++;
        return -EIO_CODE;
    }
    return 0;
}

#define MAX_PAGES (VQ_SIZE - 2)

static uint64_t transfer(uint32_t type, uint64_t sector, const void *buf, uint64_t len, bool out)
{
    if (!len || (len % SECTOR) || (uintptr_t)buf % PAGE)
        return ERR(ATH_EINVAL);
    if (sector > capacity || len / SECTOR > capacity - sector)
        return ERR(ATH_ERANGE);
    for (uint64_t done = 0; done < len;) { /* at most 62 pages per request */
        uint64_t n = len - done < MAX_PAGES * PAGE ? len - done : MAX_PAGES * PAGE;
        int r = request(type, sector + done / SECTOR, (const char *)buf + done, (uint32_t)n, out);
        if (r)
            return ERR(-r);
        done += n;
    }
    return 0;
}

/* Reach past what we hold: each must be refused, by the kernel or by the
 * PCI service. */
static uint64_t probe(void)
{
    struct ath_cap_info info;
    uint64_t v;
    void *buf;
    uint64_t phys;
    unsigned refused = 0;
    ath_cap_info(vd.bar, &info);
    refused += ath_mmio_read(vd.bar, info.len, 4, &v) == -ATH_ERANGE;       /* just past the BAR */
    refused += ath_mmio_read(vd.bar, 0x100000000ull, 4, &v) == -ATH_ERANGE; /* far past it */
    refused += ath_mmio_write(vd.irq, 0, 4, 0) == -ATH_EWRONGTYPE;          /* the IRQ is no memory */
    uint8_t b;
    refused += ath_inb(vd.bar, 0x60, &b) == -ATH_EWRONGTYPE;                /* no I/O ports at all */
    refused += ath_dma_alloc(dma, 64 * PAGE, &buf, &phys) == -ATH_ENOMEM;   /* over the DMA quota */
    ath_call(vd.pci, PCI_CONFIG_WRITE, vd.dev, 0x10, 0, &v);               /* move its BAR: no */
    refused += (int64_t)v == -ATH_ERANGE;
    return refused | 6ull << 32;
}

ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    (void)badge;
    switch (op) {
    case OP_INFO:
        return capacity;
    case OP_READ:
        return transfer(REQ_IN, a0, (const void *)(uintptr_t)a2, a1, false);
    case OP_WRITE:
        return transfer(REQ_OUT, a0, (const void *)(uintptr_t)a2, a1, true);
    case OP_PROBE:
        return probe();
    case OP_FLUSH: {
        int r = request(REQ_FLUSH, 0, NULL, 0, false);
        return r ? ERR(-r) : 0;
    }
    default:
        return ERR(ATH_ENOSYS);
    }
}

int main(void)
{
    int r = setup();
    if (r) {
        printf("virtio_blk: no usable device (%d)\n", r);
        return r == -ATH_ENOENT ? 0 : 1; /* no disk attached is not a failure */
    }
    printf("virtio_blk: %llu sectors (%llu KiB), serving\n", (unsigned long long)capacity,
           (unsigned long long)(capacity / 2));
    return ath_serve();
}
