/* virtio-net driver (virtio 1.x over PCI, "modern" interface): one receive
 * and one transmit queue, frames for the protocol stack (the net service)
 * through the network device protocol of sdk/athanor_net.h. It claims its
 * device from the PCI service, holds a DMA quota for the two rings and the
 * frame buffers, and runs on events: the device's interrupt reaps what was
 * sent and tells the stack that frames wait; the stack takes them with
 * RECV, which hands their buffers back to the device. Frames are copied
 * once each way, between the buffers the device owns and the pages the
 * stack lends for the call (a lend lasts one call, and the device keeps
 * receive buffers for as long as it likes).
 * Offered features other than VERSION_1, MAC and STATUS are refused:
 * checksums are the stack's, frames are whole (no merged buffers). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <athanor_net.h>

#include "../virtio.c"

#define ERR(e) ((uint64_t)(int64_t)-(e))
#define PAGE     4096u
#define BUF      2048u /* one frame and its header: two buffers a page */
#define NBUF     32u   /* receive buffers, and as many to transmit from */
#define HDR      12u   /* struct virtio_net_hdr with VERSION_1 */
#define F_MAC    5
#define F_STATUS 16
enum { Q_RX = 0, Q_TX = 1 };

static struct vdev vd;
static struct vq   rxq, txq;
static ath_handle_t dma, irq_note, subscriber = -1;
static uint64_t    sub_bits;
static uint8_t     mac[6];
static bool        has_status, tx_was_full;
/* The frame buffers: [0, NBUF) receive, [NBUF, 2 NBUF) transmit. */
static uint8_t    *buf_va[2 * NBUF];
static uint64_t    buf_pa[2 * NBUF];
static uint16_t    tx_free[NBUF]; /* descriptor ids of idle transmit buffers */
static unsigned    ntx_free;

/* Give receive buffer i (descriptor i) to the device. */
static void rx_post(uint16_t i)
{
    rxq.desc[i] = (struct vq_desc){ buf_pa[i], BUF, VQ_DESC_F_WRITE, 0 };
    virtio_post(&rxq, i);
}

static int setup(void)
{
    static const uint32_t ids[] = { 0x10001af4u, 0x10411af4u }; /* transitional, modern-only */
    int r = virtio_claim(&vd, ids, 2);
    uint64_t got = 0;
    if (r || (r = virtio_negotiate(&vd, 1ull << VIRTIO_F_VERSION_1 | 1ull << F_MAC | 1ull << F_STATUS,
                                   &got)) != 0)
        return r;
    has_status = got & 1ull << F_STATUS;
    if (!(got & 1ull << F_MAC))
        return -ATH_ENOSYS; /* a MAC of our own making: not yet */
    dma = ath_cap_find(ATH_T_DMA, 0);
    void *ring[2];
    uint64_t ring_pa[2];
    for (unsigned i = 0; i < 2; i++)
        if ((r = ath_dma_alloc(dma, PAGE, &ring[i], &ring_pa[i])) != 0)
            return r;
    for (unsigned i = 0; i < 2 * NBUF; i += PAGE / BUF) {
        void *page;
        uint64_t pa;
        if ((r = ath_dma_alloc(dma, PAGE, &page, &pa)) != 0)
            return r;
        for (unsigned k = 0; k < PAGE / BUF; k++) {
            buf_va[i + k] = (uint8_t *)page + k * BUF;
            buf_pa[i + k] = pa + k * BUF;
        }
    }
    if ((r = virtio_queue(&vd, &rxq, Q_RX, ring[0], ring_pa[0])) ||
        (r = virtio_queue(&vd, &txq, Q_TX, ring[1], ring_pa[1])))
        return r;
    irq_note = ath_notify_create();
    if ((r = ath_irq_bind(vd.irq, irq_note, 1)) != 0)
        return r;
    if ((r = virtio_config(&vd, 0, mac, sizeof mac)) != 0)
        return r;
    virtio_ready(&vd);
    for (uint16_t i = 0; i < NBUF; i++)
        rx_post(i);
    for (unsigned i = 0; i < NBUF; i++)
        tx_free[i] = (uint16_t)(NBUF + i);
    ntx_free = NBUF;
    virtio_kick(&vd, &rxq);
    return 0;
}

static bool link_up(void)
{
    uint8_t st[2] = { 1, 0 };
    if (has_status)
        virtio_config(&vd, 6, st, sizeof st);
    return st[0] & 1;
}

/* Transmit buffers the device is done with become idle again. */
static void tx_reap(void)
{
    struct vq_used_elem e;
    while (virtio_next_used(&txq, &e))
        if (e.id >= NBUF && e.id < 2 * NBUF && ntx_free < NBUF)
            tx_free[ntx_free++] = (uint16_t)e.id;
}

static void notify_stack(uint64_t bit)
{
    if (subscriber >= 0 && (sub_bits & bit))
        ath_notify_signal(subscriber, bit);
}

static uint64_t send(const uint8_t *buf, uint32_t len)
{
    uint32_t at = 0, n;
    const uint8_t *frame;
    int k;
    /* Decode first: a malformed list sends nothing. */
    while ((k = ath_netrec_next(buf, len, &at, &frame, &n)) > 0)
        ;
    if (k < 0)
        return ERR(ATH_EINVAL);
    tx_reap();
    uint64_t queued = 0;
    at = 0;
    while (ntx_free && ath_netrec_next(buf, len, &at, &frame, &n) > 0) {
        uint16_t id = tx_free[--ntx_free];
        memset(buf_va[id], 0, HDR); /* no checksum to fill, no segmentation */
        memcpy(buf_va[id] + HDR, frame, n);
        txq.desc[id] = (struct vq_desc){ buf_pa[id], HDR + n, 0, 0 };
        virtio_post(&txq, id);
        queued++;
    }
    if (queued)
        virtio_kick(&vd, &txq);
    tx_was_full |= ath_netrec_next(buf, len, &at, &frame, &n) > 0; /* some left behind */
    return queued;
}

static uint64_t recv(uint8_t *buf, uint32_t cap)
{
    uint32_t at = 0;
    bool posted = false;
    struct vq_used_elem e;
    while (virtio_peek_used(&rxq, &e)) {
        uint32_t n = e.len > HDR ? e.len - HDR : 0;
        if (e.id < NBUF && n && n <= NETDEV_FRAME_MAX && !ath_netrec_put(buf, cap, &at, buf_va[e.id] + HDR, n))
            break; /* no room: it waits for the next RECV */
        virtio_next_used(&rxq, &e);
        if (e.id >= NBUF)
            continue; /* not one of ours: the device is confused; nothing to give back */
        rx_post((uint16_t)e.id); /* taken, or dropped if malformed (the stack counts what it gets) */
        posted = true;
    }
    if (posted)
        virtio_kick(&vd, &rxq);
    if (at < cap && cap - at >= 2)
        buf[at] = buf[at + 1] = 0; /* the end */
    return at;
}

ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    if (badge == 0 && op == ATH_OP_EVENT) { /* our line */
        virtio_isr_ack(&vd);
        tx_reap();
        struct vq_used_elem e;
        if (virtio_peek_used(&rxq, &e))
            notify_stack(NETDEV_EV_RX);
        if (tx_was_full && ntx_free) {
            tx_was_full = false;
            notify_stack(NETDEV_EV_TX);
        }
        return ATH_NO_TIMEOUT;
    }
    switch (op) {
    case NETDEV_INFO: {
        uint64_t m = 0;
        for (unsigned i = 0; i < 6; i++)
            m |= (uint64_t)mac[i] << (8 * i);
        return m | (link_up() ? NETDEV_LINK_UP : 0);
    }
    case NETDEV_SUBSCRIBE:
        if (subscriber >= 0)
            ath_cap_delete(subscriber);
        subscriber = (ath_handle_t)a2;
        sub_bits = a0;
        return 0;
    case NETDEV_SEND:
        return send((const uint8_t *)(uintptr_t)a2, (uint32_t)a1);
    case NETDEV_RECV:
        return recv((uint8_t *)(uintptr_t)a2, (uint32_t)a1);
    case ATH_OP_PROBE:
        return ath_probe_outside();
    default:
        return ERR(ATH_ENOSYS);
    }
}

int main(void)
{
    int r = setup();
    if (r) {
        printf("virtio_net: no usable device (%d)\n", r);
        return r == -ATH_ENOENT ? 0 : 1; /* no network card is not a failure */
    }
    printf("virtio_net: %02x:%02x:%02x:%02x:%02x:%02x, link %s, serving\n", mac[0], mac[1], mac[2],
           mac[3], mac[4], mac[5], link_up() ? "up" : "down");
    return ath_serve_wait(irq_note, 1, ATH_NO_TIMEOUT);
}
