/* The hosted platform's virtio-net double, present when AZOTH_NET names a
 * host peer's socket (tools/netpeer slirp: QEMU's user networking, as a
 * program): a modern virtio 1.x network device (PCI 00:06.0, 1af4:1041) as
 * QEMU presents it to the virtio-net driver: the vendor capabilities in
 * configuration space, common, notify (two queues, multiplier 4), ISR and
 * device (MAC, link status) structures in memory BAR 4, line 9. Frames
 * travel as datagrams of an AF_UNIX socket, one frame each, no header
 * (QEMU's -netdev dgram format). Transmit is done in the driver's notify;
 * received frames are read by a thread of their own into a ring, and the
 * console's signal (the hosted "interrupt") moves them into the receive
 * queue's buffers. So the same driver and stack run on the hosted platform. */
#include "hosted.h"

#include <athanor/hw.h>
#include <athanor/klib.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define BAR_BASE   0xfe020000u
#define BAR_SIZE   0x4000u
#define OFF_COMMON 0x0000u
#define OFF_NOTIFY 0x1000u
#define OFF_ISR    0x2000u
#define OFF_DEVICE 0x3000u
#define HDR        12u    /* struct virtio_net_hdr with VERSION_1 */
#define FRAME_MAX  1514u
#define F_NEXT  1
#define F_WRITE 2

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static int      present = -1;
static int      sock = -1;
/* two queues (receive, transmit); VERSION_1, MAC (5), STATUS (16): what the driver asks for */
static struct hosted_vpci vp = { .bar4 = BAR_BASE, .line = HOSTED_VNET_LINE, .notify_size = 8, .notify_mult = 4,
                                 .offered = HOSTED_VIRTIO_F_VERSION_1 | 1ull << 5 | 1ull << 16, .nqueues = 2,
                                 .q = { { .size = HOSTED_VQ_MAX }, { .size = HOSTED_VQ_MAX } } };

/* Frames the reader thread took from the socket, for the receive queue:
 * one producer (the thread), one consumer (the interrupt path). */
#define RING 128
static struct {
    uint16_t len;
    uint8_t  data[FRAME_MAX];
} ring[RING];
static unsigned ring_head, ring_tail; /* head: the thread's; tail: the consumer's */

static void *reader(void *arg)
{
    (void)arg;
    for (;;) {
        unsigned h = __atomic_load_n(&ring_head, __ATOMIC_RELAXED);
        if (h - __atomic_load_n(&ring_tail, __ATOMIC_ACQUIRE) == RING) {
            struct timespec ts = { 0, 1000000 }; /* full: the peer waits (the socket holds the rest) */
            nanosleep(&ts, NULL);
            continue;
        }
        ssize_t n = recv(sock, ring[h % RING].data, FRAME_MAX, 0);
        if (n < 0)
            return NULL;
        if (n < 14)
            continue; /* not a frame */
        ring[h % RING].len = (uint16_t)n;
        __atomic_store_n(&ring_head, h + 1, __ATOMIC_RELEASE);
        hosted_console_kick(); /* the interrupt: hosted_vnet_input_ready */
    }
}

bool hosted_vnet_present(void)
{
    if (present < 0) {
        irqflags_t f = plat_irq_save();
        const char *path = getenv("AZOTH_NET");
        present = 0;
        struct sockaddr_un peer = { .sun_family = AF_UNIX };
        if (path && strlen(path) < sizeof peer.sun_path) {
            strcpy(peer.sun_path, path);
            sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            /* our end: an abstract name of our own, so the peer can answer */
            struct sockaddr_un me = { .sun_family = AF_UNIX };
            snprintf(me.sun_path + 1, sizeof me.sun_path - 1, "azoth-net-%d", (int)getpid());
            /* A send waits for room, as a wire's sender would be held back,
             * instead of dropping a burst: room in our send buffer once the
             * peer has connected back to us (tools/netpeer does; else Linux
             * also waits for its queue of net.unix.max_dgram_qlen, 10,
             * datagrams); at most 100 ms, so that a peer that stopped
             * reading stops nothing. */
            struct timeval tmo = { 0, 100000 };
            if (sock >= 0 && bind(sock, (struct sockaddr *)&me, sizeof me) == 0 &&
                connect(sock, (struct sockaddr *)&peer, sizeof peer) == 0 &&
                setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof tmo) == 0)
                present = 1;
        }
        plat_irq_restore(f);
    }
    return present == 1;
}

void hosted_vnet_init(void)
{
    if (!hosted_vnet_present())
        return;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old); /* the reader never takes the kernel's signals */
    pthread_t t;
    if (pthread_create(&t, NULL, reader, NULL) != 0)
        kpanic("hosted: cannot start the network reader");
    pthread_detach(t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}


/* ---- configuration space and line (virtio_pci.c) ---- */

uint32_t hosted_vnet_cfg_in(unsigned off)
{
    switch (off) {
    case 0x00: return 0x10411af4u;
    case 0x04: return vp.command | 0x0010u << 16;
    case 0x08: return 0x02000001u;             /* network controller, revision 1 */
    case 0x20: return vp.bar4;
    case 0x2c: return 0x00011af4u;             /* subsystem: virtio, network */
    case 0x34: return 0x40;
    case 0x3c: return HOSTED_VNET_LINE | 1u << 8;
    default:   return off >= 0x40 ? hosted_vpci_cap_word(&vp, off) : 0;
    }
}

void hosted_vnet_cfg_out(unsigned off, uint32_t v)
{
    hosted_vpci_cfg_out(&vp, off, v, BAR_SIZE);
}

void hosted_vnet_line(bool enable)
{
    hosted_vpci_line(&vp, enable);
}

void hosted_vnet_unmask(void)
{
    hosted_vpci_unmask(&vp);
}

/* ---- the queues ---- */

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

/* Transmit: each chain gathered into one frame (the header skipped), sent. */
static void transmit(void)
{
    struct hosted_vqueue *x = &vp.q[1];
    const void *dp;
    uint16_t *avail;
    uint8_t *used;
    if (!hosted_vpci_rings(&vp, x, &dp, &avail, &used))
        return;
    const struct desc *d = dp;
    uint16_t idx = __atomic_load_n(&avail[1], __ATOMIC_ACQUIRE);
    while (x->last_avail != idx) {
        uint16_t head = avail[2 + x->last_avail % x->size];
        uint8_t frame[HDR + FRAME_MAX];
        uint32_t n = 0;
        unsigned hops = 0;
        bool bad = false;
        for (uint16_t i = head; !bad; i = d[i].next) {
            if (i >= x->size || ++hops > HOSTED_VQ_MAX || (d[i].flags & F_WRITE) || d[i].len > sizeof frame - n) {
                bad = true; /* a loop, a bad index, a buffer for us to write, too long */
                break;
            }
            const void *p = hosted_dma_ptr(d[i].addr, d[i].len);
            if (!p) {
                bad = true;
                break;
            }
            memcpy(frame + n, p, d[i].len);
            n += d[i].len;
            if (!(d[i].flags & F_NEXT))
                break;
        }
        if (!bad && n > HDR)
            send(sock, frame + HDR, n - HDR, 0); /* waits for room, at most 100 ms (above) */
        hosted_vpci_put_used(x, used, head, 0);
        x->last_avail++;
    }
    vp.isr |= 1;
    hosted_vpci_update_line(&vp);
}

/* Receive: the frames the reader took, into the buffers the driver posted. */
static void receive(void)
{
    struct hosted_vqueue *x = &vp.q[0];
    const void *dp;
    uint16_t *avail;
    uint8_t *used;
    if (!hosted_vpci_rings(&vp, x, &dp, &avail, &used))
        return;
    const struct desc *d = dp;
    bool any = false;
    for (;;) {
        unsigned t = ring_tail;
        if (t == __atomic_load_n(&ring_head, __ATOMIC_ACQUIRE))
            break;
        uint16_t idx = __atomic_load_n(&avail[1], __ATOMIC_ACQUIRE);
        if (x->last_avail == idx)
            break; /* no buffer: the frames wait in the ring */
        uint16_t head = avail[2 + x->last_avail % x->size];
        uint32_t n = ring[t % RING].len;
        uint8_t *p = head < x->size && (d[head].flags & F_WRITE) && d[head].len >= HDR + n
                         ? hosted_dma_ptr(d[head].addr, HDR + n) : NULL;
        uint32_t len = 0;
        if (p) {
            memset(p, 0, HDR);
            p[10] = 1; /* num_buffers */
            memcpy(p + HDR, ring[t % RING].data, n);
            len = HDR + n;
        }
        hosted_vpci_put_used(x, used, head, len);
        x->last_avail++;
        __atomic_store_n(&ring_tail, t + 1, __ATOMIC_RELEASE);
        any = true;
    }
    if (any) {
        vp.isr |= 1;
        hosted_vpci_update_line(&vp);
    }
}

void hosted_vnet_input_ready(void)
{
    if (hosted_vnet_present())
        receive();
}

int hosted_vnet_mmio(uint64_t phys, unsigned width, bool write, uint64_t *v)
{
    if (!hosted_vnet_present() || phys < vp.bar4 || phys + width > (uint64_t)vp.bar4 + BAR_SIZE ||
        !(vp.command & HOSTED_CMD_MEM))
        return -ATH_ENOSYS;
    irqflags_t f = plat_irq_save();
    unsigned off = (unsigned)(phys - vp.bar4);
    if (off < OFF_COMMON + 0x38) {
        if (!write)
            *v = hosted_vpci_common_in(&vp, off - OFF_COMMON, width);
        else if (hosted_vpci_common_out(&vp, off - OFF_COMMON, width, *v) &&
                 (vp.status & HOSTED_VIRTIO_DRIVER_OK))
            receive(); /* frames may have waited for the buffers */
    } else if (off >= OFF_NOTIFY && off < OFF_NOTIFY + 8) {
        if (!write)
            *v = 0;
        else if (off - OFF_NOTIFY < 4)
            receive(); /* buffers posted: frames that waited go in */
        else
            transmit();
    } else if (off == OFF_ISR) {
        if (!write) {
            *v = vp.isr;
            vp.isr = 0;
        }
    } else if (off >= OFF_DEVICE && off < OFF_DEVICE + 8) {
        if (!write) {
            uint8_t cfg[8] = { mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], 1, 0 }; /* status: LINK_UP */
            unsigned at = off - OFF_DEVICE;
            *v = 0;
            memcpy(v, cfg + at, width <= 8 - at ? width : 8 - at);
        }
    } else if (!write) {
        *v = 0;
    }
    plat_irq_restore(f);
    return 0;
}
