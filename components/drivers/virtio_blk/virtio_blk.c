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
#include <time.h>

#include <athanor.h>

#define ERR(e) ((uint64_t)(int64_t)-(e))
#define EIO_CODE ATH_EINVAL /* no EIO in errors.h yet: a failed request reads as EINVAL */

enum { OP_INFO = 1, OP_READ = 2, OP_WRITE = 3, OP_FLUSH = 4, OP_PROBE = ATH_OP_PROBE };
enum { PCI_CLAIM = 7, PCI_GRANT_BAR = 8, PCI_GRANT_IRQ = 9, PCI_CONFIG_READ = 10,
       PCI_CONFIG_WRITE = 11 };

/* Virtio PCI capability types and common-config registers (virtio 1.2, 4.1.4). */
enum { CAP_COMMON = 1, CAP_NOTIFY = 2, CAP_ISR = 3, CAP_DEVICE = 4 };
enum { C_DFSELECT = 0x00, C_DF = 0x04, C_GFSELECT = 0x08, C_GF = 0x0c, C_NUMQ = 0x12,
       C_STATUS = 0x14, C_QSELECT = 0x16, C_QSIZE = 0x18, C_QENABLE = 0x1c, C_QNOTIFYOFF = 0x1e,
       C_QDESC = 0x20, C_QDRIVER = 0x28, C_QDEVICE = 0x30 };
enum { S_ACK = 1, S_DRIVER = 2, S_DRIVER_OK = 4, S_FEATURES_OK = 8, S_FAILED = 128 };
enum { REQ_IN = 0, REQ_OUT = 1, REQ_FLUSH = 4 };
#define VIRTIO_F_VERSION_1 32
#define QSIZE 64
#define DESC_F_NEXT 1
#define DESC_F_WRITE 2
#define SECTOR 512u
#define PAGE 4096u

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};
struct avail {
    uint16_t flags, idx, ring[QSIZE], used_event;
};
struct used_elem {
    uint32_t id, len;
};
struct used {
    uint16_t flags, idx;
    struct used_elem ring[QSIZE];
};
struct req_header {
    uint32_t type, reserved;
    uint64_t sector;
};

static ath_handle_t pci, bar, irq, note, dma;
static uint64_t pci_dev; /* our function's index at the PCI service */
static uint64_t common, notify_at, isr_at, device_at; /* offsets in the BAR */
static uint64_t capacity;
/* The ring, in one DMA page: descriptors, then avail, then used. */
static volatile struct desc  *descs;
static volatile struct avail *avail;
static volatile struct used  *used;
static uint64_t ring_phys;
static struct req_header *hdr; /* header and status byte, in a second DMA page */
static volatile uint8_t  *status;
static uint64_t hdr_phys;
static uint16_t used_seen;
static unsigned requests, errors;

static uint32_t cfg32(uint64_t dev, unsigned off)
{
    uint64_t v = 0;
    ath_call(pci, PCI_CONFIG_READ, dev, off, 0, &v);
    return (uint32_t)v;
}

static int rd(uint64_t off, unsigned w, uint64_t *v) { return ath_mmio_read(bar, off, w, v); }
static int wr(uint64_t off, unsigned w, uint64_t v) { return ath_mmio_write(bar, off, w, v); }

/* Find the virtio capabilities in configuration space: which BAR (must be
 * the one we were given) and where in it. */
static int find_caps(uint64_t dev, unsigned *bar_no)
{
    unsigned found = 0;
    if (!(cfg32(dev, 0x04) & (1u << 20)))
        return -ATH_ENOENT; /* no capability list */
    for (unsigned p = cfg32(dev, 0x34) & 0xfc, n = 0; p && n < 48; n++) {
        uint32_t w0 = cfg32(dev, p), w1 = cfg32(dev, p + 4), off = cfg32(dev, p + 8);
        if ((w0 & 0xff) == 0x09) { /* vendor-specific: a virtio structure */
            unsigned type = (w0 >> 24) & 0xff, b = w1 & 0xff;
            uint64_t *where = type == CAP_COMMON ? &common : type == CAP_NOTIFY ? &notify_at
                            : type == CAP_ISR ? &isr_at : type == CAP_DEVICE ? &device_at : NULL;
            if (where) {
                *where = off;
                *bar_no = b;
                found |= 1u << type;
                if (type == CAP_NOTIFY)
                    notify_at |= (uint64_t)cfg32(dev, p + 16) << 32; /* multiplier, kept high */
            }
        }
        p = (w0 >> 8) & 0xfc;
    }
    return found == 0x1e ? 0 : -ATH_ENOENT;
}

static int setup(void)
{
    uint64_t dev = 0;
    int r;
    pci = ath_cap_find(ATH_T_ENDPOINT, 0); /* the manifest's: calls = ["pci"] */
    for (int tries = 0;; tries++) { /* the PCI service starts at boot too: wait for it */
        r = ath_call(pci, PCI_CLAIM, 0x10011af4u, 0, 0, &dev); /* transitional virtio-blk */
        if (r == -ATH_EPEERRESTARTED) {
            ath_reconnect(&pci, "pci");
        } else if (r != -ATH_EPEERFAILED || tries == 100) {
            break;
        }
        struct timespec ts = { 0, 100000000 };
        if (nanosleep(&ts, NULL) != 0)
            return -ATH_EPERM; /* no clock capability: cannot wait */
    }
    if (r == 0 && (int64_t)dev < 0)
        r = ath_call(pci, PCI_CLAIM, 0x10421af4u, 0, 0, &dev); /* modern-only virtio-blk */
    if (r || (int64_t)dev < 0)
        return r ? r : (int)(int64_t)dev;
    unsigned bar_no = 0;
    if ((r = find_caps(dev, &bar_no)) != 0)
        return r;
    uint64_t h = 0, l = 0;
    if ((r = ath_call(pci, PCI_GRANT_BAR, dev, bar_no, 0, &h)) || (int64_t)h < 0)
        return r ? r : (int)(int64_t)h;
    if ((r = ath_call(pci, PCI_GRANT_IRQ, dev, 0, 0, &l)) || (int64_t)l < 0)
        return r ? r : (int)(int64_t)l;
    bar = (ath_handle_t)h, irq = (ath_handle_t)l;
    pci_dev = dev;
    /* bus mastering on: the device may do DMA */
    uint64_t ignored;
    ath_call(pci, PCI_CONFIG_WRITE, dev, 0x04, cfg32(dev, 0x04) | 0x06, &ignored);

    uint64_t mult = notify_at >> 32, v;
    notify_at &= 0xffffffffu;
    wr(common + C_STATUS, 1, 0); /* reset */
    do {
        rd(common + C_STATUS, 1, &v);
    } while (v != 0);
    wr(common + C_STATUS, 1, S_ACK);
    wr(common + C_STATUS, 1, S_ACK | S_DRIVER);
    wr(common + C_DFSELECT, 4, 1);
    rd(common + C_DF, 4, &v);
    if (!(v & (1u << (VIRTIO_F_VERSION_1 - 32))))
        return -ATH_ENOSYS; /* not a modern device */
    wr(common + C_GFSELECT, 4, 0);
    wr(common + C_GF, 4, 0);
    wr(common + C_GFSELECT, 4, 1);
    wr(common + C_GF, 4, 1u << (VIRTIO_F_VERSION_1 - 32)); /* nothing but VERSION_1 */
    wr(common + C_STATUS, 1, S_ACK | S_DRIVER | S_FEATURES_OK);
    rd(common + C_STATUS, 1, &v);
    if (!(v & S_FEATURES_OK))
        return -ATH_ENOSYS;

    void *ring, *hp;
    dma = ath_cap_find(ATH_T_DMA, 0);
    if ((r = ath_dma_alloc(dma, PAGE, &ring, &ring_phys)) || (r = ath_dma_alloc(dma, PAGE, &hp, &hdr_phys)))
        return r;
    descs = ring;
    avail = (volatile struct avail *)((char *)ring + 1024);
    used = (volatile struct used *)((char *)ring + 2048);
    hdr = hp;
    status = (volatile uint8_t *)hp + 64;
    wr(common + C_QSELECT, 2, 0);
    rd(common + C_QSIZE, 2, &v);
    if (v < 4)
        return -ATH_ENOSYS;
    if (v > QSIZE)
        wr(common + C_QSIZE, 2, QSIZE);
    else if (v < QSIZE)
        return -ATH_ENOSYS; /* our ring layout assumes 64 entries */
    wr(common + C_QDESC, 8, ring_phys);
    wr(common + C_QDRIVER, 8, ring_phys + 1024);
    wr(common + C_QDEVICE, 8, ring_phys + 2048);
    rd(common + C_QNOTIFYOFF, 2, &v);
    notify_at += v * mult;
    wr(common + C_QENABLE, 2, 1);
    note = ath_notify_create();
    if ((r = ath_irq_bind(irq, note, 1)) != 0)
        return r;
    wr(common + C_STATUS, 1, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    uint64_t lo = 0, hi = 0;
    rd(device_at, 4, &lo);
    rd(device_at + 4, 4, &hi);
    capacity = lo | hi << 32;
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
    descs[n] = (struct desc){ hdr_phys, sizeof *hdr, DESC_F_NEXT, 1 };
    n++;
    for (uint32_t off = 0; off < len; off += PAGE) {
        uint64_t phys;
        int r = ath_dma_phys(dma, (const char *)data + off, &phys);
        if (r)
            return r;
        uint32_t chunk = len - off < PAGE ? len - off : PAGE;
        descs[n] = (struct desc){ phys, chunk, (uint16_t)(DESC_F_NEXT | (to_device ? 0 : DESC_F_WRITE)),
                                  (uint16_t)(n + 1) };
        n++;
    }
    descs[n] = (struct desc){ hdr_phys + 64, 1, DESC_F_WRITE, 0 };
    avail->ring[avail->idx % QSIZE] = 0;
    avail->idx = (uint16_t)(avail->idx + 1);
    wr(notify_at, 2, 0); /* queue 0 */
    requests++;
    for (int waits = 0; used->idx == used_seen; waits++) {
        uint64_t bits, isr;
        if (waits == 50) {
            errors++;
            return -ATH_ETIMEDOUT; /* 5 s without an answer */
        }
        ath_notify_wait(note, 1, 100000000ull, &bits);
        rd(isr_at, 1, &isr); /* reading the ISR status lowers the line */
        ath_irq_ack(irq);
    }
    used_seen = used->idx;
    if (*status != 0) {
        errors++;
        return -EIO_CODE;
    }
    return 0;
}

#define MAX_PAGES (QSIZE - 2)

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
    ath_cap_info(bar, &info);
    refused += ath_mmio_read(bar, info.len, 4, &v) == -ATH_ERANGE;         /* just past the BAR */
    refused += ath_mmio_read(bar, 0x100000000ull, 4, &v) == -ATH_ERANGE;   /* far past it */
    refused += ath_mmio_write(irq, 0, 4, 0) == -ATH_EWRONGTYPE;           /* the IRQ is no memory */
    uint8_t b;
    refused += ath_inb(bar, 0x60, &b) == -ATH_EWRONGTYPE;                 /* no I/O ports at all */
    refused += ath_dma_alloc(dma, 64 * PAGE, &buf, &phys) == -ATH_ENOMEM; /* over the DMA quota */
    ath_call(pci, PCI_CONFIG_WRITE, pci_dev, 0x10, 0, &v);               /* move its BAR: no */
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
