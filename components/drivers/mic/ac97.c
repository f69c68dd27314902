/* The AC'97 controller's capture path (ac97.h): the codec's mixer (BAR0),
 * the PCM In bus-master engine (BAR1) and its 32-entry descriptor list,
 * the PCI command register through the PCI service. Register offsets are
 * Intel's 82801AA datasheet and the AC'97 2.3 codec specification. */
#include <string.h>
#include <time.h>

#include "ac97.h"

enum { PCI_CLAIM = 7, PCI_GRANT_BAR = 8, PCI_GRANT_IRQ = 9, PCI_CONFIG_READ = 10,
       PCI_CONFIG_WRITE = 11 };
#define AC97_IDS 0x24158086u /* vendor 8086, device 2415, as CLAIM wants them */

/* PCI command register (configuration offset 4). */
#define PCI_COMMAND   0x04
#define CMD_IO        0x0001u
#define CMD_MASTER    0x0004u
#define CMD_INTX_OFF  0x0400u

/* Codec (mixer) registers, 16 bits wide: QEMU ignores other widths. */
enum { NAM_RESET = 0x00, NAM_REC_SELECT = 0x1a, NAM_REC_GAIN = 0x1c, NAM_POWERDOWN = 0x26,
       NAM_EXT_ID = 0x28, NAM_EXT_CTRL = 0x2a, NAM_ADC_RATE = 0x32, NAM_VENDOR1 = 0x7c };
#define EXT_VRA       0x0001u /* variable rate audio */
#define REC_MIC       0x0000u /* record select: the microphone, left and right */
#define PD_ADC_OFF    0x0100u /* PR0: PCM In ADCs and input mux powered down */

/* Bus-master engines (PCM In, PCM Out, Mic In) and their registers. */
enum { PI = 0x00, PO = 0x10, MC = 0x20 };
enum { BDBAR = 0x00, CIV = 0x04, LVI = 0x05, SR = 0x06, PICB = 0x08, CR = 0x0b };
enum { GLOB_CNT = 0x2c, GLOB_STA = 0x30 };
#define SR_DCH        0x01u /* DMA controller halted */
#define SR_LVBCI      0x04u /* last valid buffer completed: it stopped there */
#define SR_BCIS       0x08u /* a buffer with IOC completed */
#define SR_FIFOE      0x10u /* FIFO overrun */
#define SR_CLEAR      (SR_LVBCI | SR_BCIS | SR_FIFOE) /* write 1 to clear */
#define CR_RPBM       0x01u /* run */
#define CR_RR         0x02u /* reset the engine's registers */
#define CR_LVBIE      0x04u
#define CR_FEIE       0x08u
#define CR_IOCE       0x10u
#define GC_COLD       0x02u /* AC_RESET# released: out of cold reset */
#define GS_CODEC_RDY  0x100u /* primary codec ready */
#define BD_IOC        0x80000000u

static const uint16_t engines[] = { PI, PO, MC };

static void ac97_sleep_ms(unsigned ms)
{
    struct timespec ts = { 0, (long)ms * 1000000 };
    nanosleep(&ts, NULL);
}

static unsigned nam_rd(struct ac97 *a, unsigned reg)
{
    uint16_t v = 0xffff;
    ath_inw(a->nam, (uint16_t)(a->nam_base + reg), &v);
    return v;
}
static int nam_wr(struct ac97 *a, unsigned reg, unsigned v)
{
    return ath_outw(a->nam, (uint16_t)(a->nam_base + reg), (uint16_t)v);
}
static unsigned bm_rd8(struct ac97 *a, unsigned reg)
{
    uint8_t v = 0xff;
    ath_inb(a->nabm, (uint16_t)(a->nabm_base + reg), &v);
    return v;
}
static unsigned bm_rd16(struct ac97 *a, unsigned reg)
{
    uint16_t v = 0xffff;
    ath_inw(a->nabm, (uint16_t)(a->nabm_base + reg), &v);
    return v;
}
static uint32_t bm_rd32(struct ac97 *a, unsigned reg)
{
    uint32_t v = 0xffffffffu;
    ath_inl(a->nabm, (uint16_t)(a->nabm_base + reg), &v);
    return v;
}
static int bm_wr8(struct ac97 *a, unsigned reg, unsigned v)
{
    return ath_outb(a->nabm, (uint16_t)(a->nabm_base + reg), (uint8_t)v);
}
static int bm_wr16(struct ac97 *a, unsigned reg, unsigned v)
{
    return ath_outw(a->nabm, (uint16_t)(a->nabm_base + reg), (uint16_t)v);
}
static int bm_wr32(struct ac97 *a, unsigned reg, uint32_t v)
{
    return ath_outl(a->nabm, (uint16_t)(a->nabm_base + reg), v);
}

static uint32_t cfg_read(struct ac97 *a, unsigned off)
{
    uint64_t v = ~0ull;
    if (ath_call(a->pci, PCI_CONFIG_READ, a->dev, off, 0, &v) != 0 || (int64_t)v < 0)
        return 0xffffffffu;
    return (uint32_t)v;
}

/* Set and clear bits of the command register. The upper half of the word
 * is the status register, whose error bits a written 1 clears: write 0s. */
static int cfg_command(struct ac97 *a, uint32_t set, uint32_t clear)
{
    uint32_t cmd = cfg_read(a, PCI_COMMAND);
    uint64_t r = 0;
    if (cmd == 0xffffffffu)
        return -ATH_EPERM; /* the PCI service refused: not ours (any more) */
    int e = ath_call(a->pci, PCI_CONFIG_WRITE, a->dev, PCI_COMMAND, ((cmd & 0xffff) | set) & ~clear, &r);
    return e ? e : (int)(int64_t)r;
}

/* A reply that is a handle or a negative error. */
static int granted(int r, uint64_t h, ath_handle_t *out)
{
    if (r == 0 && (int64_t)h < 0)
        r = (int)(int64_t)h;
    if (r == 0)
        *out = (ath_handle_t)h;
    return r;
}

static int io_base(ath_handle_t h, uint16_t *base)
{
    struct ath_cap_info info;
    int r = ath_cap_info(h, &info);
    if (r == 0)
        *base = (uint16_t)info.base;
    return r;
}

int ac97_acquire(struct ac97 *a)
{
    memset(a, 0, sizeof *a);
    a->pci = ath_lookup("pci"); /* by name: its holder calls other servers too */
    int r;
    uint64_t dev = 0, h = 0;
    for (int tries = 0;; tries++) { /* the PCI service starts at boot too: wait for it */
        r = ath_call(a->pci, PCI_CLAIM, AC97_IDS, 0, 0, &dev);
        if (r == -ATH_EPEERRESTARTED)
            ath_reconnect(&a->pci, "pci");
        else if (r != -ATH_EPEERFAILED || tries == 100)
            break;
        ac97_sleep_ms(100);
    }
    if (r || (int64_t)dev < 0)
        return r ? r : (int)(int64_t)dev;
    a->dev = dev;
    if ((r = granted(ath_call(a->pci, PCI_GRANT_BAR, dev, 0, 0, &h), h, &a->nam)) ||
        (r = granted(ath_call(a->pci, PCI_GRANT_BAR, dev, 1, 0, &h), h, &a->nabm)) ||
        (r = granted(ath_call(a->pci, PCI_GRANT_IRQ, dev, 0, 0, &h), h, &a->irq)) ||
        (r = io_base(a->nam, &a->nam_base)) || (r = io_base(a->nabm, &a->nabm_base)))
        return r;
    a->dma = ath_cap_find(ATH_T_DMA, 0);
    if (a->dma < 0)
        return a->dma;
    if ((r = cfg_command(a, CMD_IO, 0)) != 0)
        return r;
    /* A codec answers: its vendor ID is not the all-ones of nothing there. */
    return nam_rd(a, NAM_VENDOR1) == 0xffff ? -ATH_ENOSYS : 0;
}

int ac97_enable(struct ac97 *a)
{
    return cfg_command(a, CMD_IO | CMD_MASTER, CMD_INTX_OFF);
}

size_t ac97_read(struct ac97 *a, uint64_t *pos, void *dst, size_t n, uint64_t *lost)
{
    *lost = 0;
    if (!a->running)
        return 0;
    uint64_t total = ac97_captured(a);
    if (total - *pos > AC97_FETCH_MAX) { /* the engine went round past it */
        *lost = total - AC97_FETCH_MAX - *pos;
        *pos = total - AC97_FETCH_MAX;
    }
    if (n > total - *pos)
        n = (size_t)(total - *pos);
    n -= n % AC97_FRAME;
    size_t from = (size_t)(*pos % AC97_RING), first = AC97_RING - from < n ? AC97_RING - from : n;
    memcpy(dst, a->ring + from, first);
    memcpy((uint8_t *)dst + first, a->ring, n - first);
    *pos += n;
    return n;
}

/* Every engine stopped, its interrupts off, its registers back to reset
 * (BDBAR, CIV, LVI and PICB 0, SR halted), its status cleared. */
static int stop_engines(struct ac97 *a)
{
    int r = 0;
    for (unsigned i = 0; i < sizeof engines / sizeof engines[0]; i++)
        r |= bm_wr8(a, engines[i] + CR, 0);
    for (int t = 0; t < 10 && !(bm_rd16(a, PI + SR) & SR_DCH); t++)
        ac97_sleep_ms(1); /* it halts at the end of the current transfer */
    for (unsigned i = 0; i < sizeof engines / sizeof engines[0]; i++) {
        r |= bm_wr8(a, engines[i] + CR, CR_RR);
        r |= bm_wr16(a, engines[i] + SR, SR_CLEAR);
    }
    return r ? -ATH_EPERM : 0;
}

int ac97_start(struct ac97 *a, unsigned rate)
{
    int r;
    if (!a->bdl) { /* one allocation: the list in the first page, the ring after it */
        void *p;
        if ((r = ath_dma_alloc(a->dma, 4096 + AC97_RING, &p, &a->bdl_phys)) != 0)
            return r;
        a->bdl = p;
        a->ring = (uint8_t *)p + 4096;
    }
    if (a->pci > 0 && (r = ac97_enable(a)) != 0)
        return r; /* (a driver in a session: the privacy service did it) */
    /* The controller out of cold reset, then wait for the codec. */
    bm_wr32(a, GLOB_CNT, GC_COLD);
    for (int t = 0; !(bm_rd32(a, GLOB_STA) & GS_CODEC_RDY); t++) {
        if (t == 100)
            return -ATH_ETIMEDOUT;
        ac97_sleep_ms(1);
    }
    if ((r = stop_engines(a)) != 0)
        return r;
    nam_wr(a, NAM_RESET, 0); /* any write: the codec's registers to their defaults */
    nam_wr(a, NAM_POWERDOWN, 0);
    a->vra = nam_rd(a, NAM_EXT_ID) & EXT_VRA;
    if (rate && a->vra) {
        nam_wr(a, NAM_EXT_CTRL, nam_rd(a, NAM_EXT_CTRL) | EXT_VRA);
        nam_wr(a, NAM_ADC_RATE, rate);
    }
    a->rate = nam_rd(a, NAM_ADC_RATE); /* what the codec runs at, asked for or not */
    if (a->rate == 0 || a->rate == 0xffff || (rate && a->rate != rate))
        return -ATH_ERANGE;
    nam_wr(a, NAM_REC_SELECT, REC_MIC);
    nam_wr(a, NAM_REC_GAIN, 0); /* unmuted, 0 dB */
    if (nam_rd(a, NAM_REC_SELECT) != REC_MIC)
        return -ATH_ENOSYS;
    /* The ring: every buffer interrupts when full (IOC); lengths are in
     * 16-bit samples. */
    for (unsigned i = 0; i < AC97_NBUF; i++) {
        a->bdl[2 * i] = (uint32_t)(a->bdl_phys + 4096 + (uint64_t)i * AC97_BUF);
        a->bdl[2 * i + 1] = BD_IOC | AC97_BUF / 2;
    }
    bm_wr32(a, PI + BDBAR, (uint32_t)a->bdl_phys);
    bm_wr8(a, PI + LVI, AC97_NBUF - 1);
    if (!a->note && (a->note = ath_notify_create()) < 0)
        return a->note;
    r = ath_irq_bind(a->irq, a->note, 1);
    if (r)
        return r;
    a->last_civ = 0;
    a->completed = a->overruns = a->interrupts = 0;
    a->running = true;
    return bm_wr8(a, PI + CR, CR_RPBM | CR_IOCE | CR_LVBIE | CR_FEIE);
}

void ac97_service(struct ac97 *a)
{
    if (!a->running)
        return;
    unsigned sr = bm_rd16(a, PI + SR), civ = bm_rd8(a, PI + CIV) % AC97_NBUF;
    a->completed += (civ - a->last_civ) % AC97_NBUF;
    a->last_civ = civ;
    if (sr & (SR_LVBCI | SR_FIFOE))
        a->overruns++; /* it ran out of buffers and stopped: what came meanwhile is lost */
    if (sr & SR_CLEAR)
        bm_wr16(a, PI + SR, sr & SR_CLEAR); /* lowers the line */
    /* One behind the engine: it may fill every other buffer. Written while
     * it is halted there, it runs again. */
    bm_wr8(a, PI + LVI, (civ + AC97_NBUF - 1) % AC97_NBUF);
}

/* Where the engine writes: CIV and PICB, read until CIV held still around
 * PICB (else the pair may straddle a buffer change). */
static uint64_t position(struct ac97 *a, unsigned *civ, unsigned *in_buf)
{
    unsigned c, picb;
    for (int t = 0;; t++) {
        c = bm_rd8(a, PI + CIV) % AC97_NBUF;
        picb = bm_rd16(a, PI + PICB);
        if (bm_rd8(a, PI + CIV) % AC97_NBUF == c || t == 4)
            break;
    }
    *civ = c;
    *in_buf = picb * 2u <= AC97_BUF ? AC97_BUF - picb * 2u : 0; /* PICB: samples left */
    return (a->completed + (c - a->last_civ) % AC97_NBUF) * AC97_BUF + *in_buf;
}

uint64_t ac97_captured(struct ac97 *a)
{
    unsigned civ, in_buf;
    return a->running ? position(a, &civ, &in_buf) : 0;
}

size_t ac97_fetch(struct ac97 *a, void *dst, size_t n)
{
    if (!a->running)
        return 0;
    unsigned civ, in_buf;
    uint64_t total = position(a, &civ, &in_buf);
    size_t end = ((size_t)civ * AC97_BUF + in_buf) % AC97_RING;
    if (n > AC97_FETCH_MAX)
        n = AC97_FETCH_MAX;
    if (n > total)
        n = (size_t)total;
    n -= n % AC97_FRAME;
    size_t from = (end + AC97_RING - n) % AC97_RING, first = AC97_RING - from < n ? AC97_RING - from : n;
    memcpy(dst, a->ring + from, first);
    memcpy((uint8_t *)dst + first, a->ring, n - first);
    return n;
}

int ac97_quiesce(struct ac97 *a)
{
    /* Each step is tried even if one before failed: stop as much as we can. */
    int r = stop_engines(a);
    a->running = false;
    int p = nam_wr(a, NAM_POWERDOWN, PD_ADC_OFF);
    int c = cfg_command(a, CMD_INTX_OFF, CMD_MASTER);
    return r ? r : p ? p : c;
}

void ac97_check_stopped(struct ac97 *a, unsigned ms, struct ac97_stopped *o)
{
    memset(o, 0, sizeof *o);
    o->civ = bm_rd8(a, PI + CIV), o->picb = bm_rd16(a, PI + PICB);
    o->sr = bm_rd16(a, PI + SR), o->cr = bm_rd8(a, PI + CR);
    o->steady = true;
    uint64_t t0 = ath_now_ns(), until = t0 + (uint64_t)ms * 1000000u;
    for (uint64_t now = t0; now < until; now = ath_now_ns()) {
        uint64_t bits = 0;
        if (a->note <= 0 || ath_notify_wait(a->note, 1, 5000000u, &bits) != 0)
            ac97_sleep_ms(5);
        o->interrupts += bits != 0;
        o->steady &= bm_rd8(a, PI + CIV) == o->civ && bm_rd16(a, PI + PICB) == o->picb &&
                     bm_rd16(a, PI + SR) == o->sr && bm_rd8(a, PI + CR) == o->cr;
    }
    o->ms = (unsigned)((ath_now_ns() - t0) / 1000000u);
    o->halted = (o->sr & SR_DCH) && !(o->cr & CR_RPBM);
    uint32_t cmd = cfg_read(a, PCI_COMMAND);
    o->master = cmd == 0xffffffffu || (cmd & CMD_MASTER); /* unreadable counts as on */
    o->intx_off = cmd != 0xffffffffu && (cmd & CMD_INTX_OFF);
}
