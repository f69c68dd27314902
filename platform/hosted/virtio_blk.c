/* The hosted platform's virtio-blk double, present when the environment
 * names a disk image in AZOTH_DISK: a modern virtio 1.x block device (PCI
 * 00:04.0, 1af4:1042) as QEMU presents it to the virtio-blk driver: the
 * vendor capabilities in configuration space, the common, notify, ISR and
 * device structures in memory BAR 4, one queue of up to 64 entries, line
 * 11. A notify processes the queue at once, in the driver's own call: each
 * request's descriptors are read from its DMA addresses (hosted_dma_ptr:
 * RAM, or a page lent to the driver), the image is read or written with
 * pread/pwrite, FLUSH is fdatasync, and the used ring, the ISR and the line
 * say it is done. So the same driver, block service and filesystem service
 * run on the hosted platform, under ASan and UBSan, and fast. */
#include "hosted.h"

#include <athanor/hw.h>
#include <athanor/klib.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BAR_BASE   0xfe000000u /* in the PCI memory hole the PCI service may grant from */
#define BAR_SIZE   0x4000u
#define OFF_COMMON 0x0000u
#define OFF_NOTIFY 0x1000u
#define OFF_ISR    0x2000u
#define OFF_DEVICE 0x3000u
enum { REQ_IN = 0, REQ_OUT = 1, REQ_FLUSH = 4, REQ_GET_ID = 8 };
enum { ST_OK = 0, ST_IOERR = 1, ST_UNSUPP = 2 };
#define F_NEXT  1
#define F_WRITE 2

static int      present = -1;
static int      fd = -1;
static uint64_t sectors;
/* one queue, VERSION_1 and no other feature */
static struct hosted_vpci vp = { .bar4 = BAR_BASE, .line = HOSTED_VIRTIO_LINE, .notify_size = 4, .notify_mult = 0,
                                 .offered = HOSTED_VIRTIO_F_VERSION_1, .nqueues = 1,
                                 .q = { { .size = HOSTED_VQ_MAX } } };
static uint64_t served, failed;

bool hosted_virtio_present(void)
{
    if (present < 0) {
        irqflags_t f = plat_irq_save(); /* the host's getenv and open, no switch inside */
        const char *path = getenv("AZOTH_DISK");
        struct stat st;
        present = 0;
        if (path && (fd = open(path, O_RDWR | O_CLOEXEC)) >= 0 && fstat(fd, &st) == 0) {
            sectors = (uint64_t)st.st_size / 512;
            present = 1;
        }
        plat_irq_restore(f);
    }
    return present == 1;
}

/* ---- configuration space ---- */


uint32_t hosted_virtio_cfg_in(unsigned off)
{
    switch (off) {
    case 0x00: return 0x10421af4u;
    case 0x04: return vp.command | 0x0010u << 16; /* status: a capability list */
    case 0x08: return 0x01800001u;             /* mass storage (other), revision 1 */
    case 0x20: return vp.bar4;                    /* BAR 4: 32-bit memory */
    case 0x2c: return 0x00021af4u;             /* subsystem: virtio, block */
    case 0x34: return 0x40;
    case 0x3c: return HOSTED_VIRTIO_LINE | 1u << 8;
    default:   return off >= 0x40 ? hosted_vpci_cap_word(&vp, off) : 0;
    }
}

void hosted_virtio_cfg_out(unsigned off, uint32_t v)
{
    hosted_vpci_cfg_out(&vp, off, v, BAR_SIZE);
}

void hosted_virtio_line(bool enable)
{
    hosted_vpci_line(&vp, enable);
}

void hosted_virtio_unmask(void)
{
    hosted_vpci_unmask(&vp);
}

/* ---- the queue ---- */

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

/* One request, its chain from head: header, data, status. How many bytes
 * it wrote into the driver's buffers goes to *written. */
static uint8_t serve_one(const struct desc *d, uint16_t head, uint32_t *written)
{
    struct desc chain[HOSTED_VQ_MAX];
    unsigned n = 0;
    for (uint16_t i = head;; i = d[i].next) {
        if (i >= vp.q[0].size || n == HOSTED_VQ_MAX)
            return ST_IOERR; /* a loop or a bad index: refused */
        chain[n++] = d[i];
        if (!(d[i].flags & F_NEXT))
            break;
    }
    *written = 0;
    if (n < 2 || chain[0].len < 16 || chain[n - 1].len < 1 || !(chain[n - 1].flags & F_WRITE))
        return ST_IOERR;
    const uint8_t *h = hosted_dma_ptr(chain[0].addr, 16);
    if (!h)
        return ST_IOERR;
    uint32_t type;
    uint64_t sector;
    memcpy(&type, h, 4);
    memcpy(&sector, h + 8, 8);
    uint8_t st = ST_OK;
    uint64_t at = sector * 512;
    for (unsigned k = 1; k + 1 < n && st == ST_OK; k++) {
        void *p = hosted_dma_ptr(chain[k].addr, chain[k].len);
        bool to_driver = chain[k].flags & F_WRITE;
        if (!p || (type == REQ_IN) != to_driver || (type != REQ_IN && type != REQ_OUT)) {
            st = type == REQ_FLUSH || type == REQ_GET_ID ? ST_UNSUPP : ST_IOERR;
            break;
        }
        if (at + chain[k].len > sectors * 512) {
            st = ST_IOERR; /* past the end of the disk */
            break;
        }
        ssize_t done = type == REQ_IN ? pread(fd, p, chain[k].len, (off_t)at)
                                      : pwrite(fd, p, chain[k].len, (off_t)at);
        if (done != (ssize_t)chain[k].len)
            st = ST_IOERR;
        if (type == REQ_IN)
            *written += chain[k].len;
        at += chain[k].len;
    }
    if (type == REQ_FLUSH)
        st = n == 2 && fdatasync(fd) == 0 ? ST_OK : ST_IOERR;
    else if (type != REQ_IN && type != REQ_OUT)
        st = ST_UNSUPP;
    uint8_t *sp = hosted_dma_ptr(chain[n - 1].addr, 1);
    if (!sp)
        return ST_IOERR;
    *sp = st;
    *written += 1;
    return st;
}

/* What the driver made available since the last notify, in order. */
static void process(void)
{
    struct hosted_vqueue *x = &vp.q[0];
    const void *dp;
    uint16_t *avail;
    uint8_t *used;
    if (!hosted_vpci_rings(&vp, x, &dp, &avail, &used))
        return;
    const struct desc *d = dp;
    uint16_t idx = __atomic_load_n(&avail[1], __ATOMIC_ACQUIRE);
    while (x->last_avail != idx) {
        uint16_t head = avail[2 + x->last_avail % x->size];
        uint32_t written = 0;
        uint8_t st = serve_one(d, head, &written);
        if (st == ST_OK)
            served++;
        else
            failed++;
        hosted_vpci_put_used(x, used, head, written);
        x->last_avail++;
    }
    vp.isr |= 1;
    hosted_vpci_update_line(&vp);
}

int hosted_virtio_mmio(uint64_t phys, unsigned width, bool write, uint64_t *v)
{
    if (!hosted_virtio_present() || phys < vp.bar4 || phys + width > (uint64_t)vp.bar4 + BAR_SIZE ||
        !(vp.command & HOSTED_CMD_MEM))
        return -ATH_ENOSYS;
    irqflags_t f = plat_irq_save(); /* the interrupt path reads the line's state */
    unsigned off = (unsigned)(phys - vp.bar4);
    if (off < OFF_COMMON + 0x38) {
        if (write)
            hosted_vpci_common_out(&vp, off - OFF_COMMON, width, *v);
        else
            *v = hosted_vpci_common_in(&vp, off - OFF_COMMON, width);
    } else if (off >= OFF_NOTIFY && off < OFF_NOTIFY + 4) {
        if (write)
            process();
        else
            *v = 0;
    } else if (off == OFF_ISR) {
        if (!write) { /* reading it clears it, and lowers the line */
            *v = vp.isr;
            vp.isr = 0;
        }
    } else if (off >= OFF_DEVICE && off < OFF_DEVICE + 8) {
        if (!write) {
            uint64_t cap = sectors;
            *v = 0;
            memcpy(v, (uint8_t *)&cap + (off - OFF_DEVICE), width <= 8 - (off - OFF_DEVICE) ? width : 0);
        }
    } else if (!write) {
        *v = 0;
    }
    plat_irq_restore(f);
    return 0;
}
