/* The hosted platform's AC'97 double, present when the environment names
 * AZOTH_AC97: a PCI function 00:03.0 8086:2415 (its configuration space
 * through pci.c's mechanism 1), its codec's mixer at I/O 0xC000 and its
 * bus master at 0xC400, line 10, and a PCM In engine that fills the
 * driver's DMA buffers with a ramp at the codec's rate by the host's clock,
 * interrupting per buffer. It follows QEMU's model of the 82801AA (the
 * registers the microphone driver uses; PCM Out and Mic In only stop and
 * reset), so the driver's tests run under ASan and UBSan
 * (tests/hosted/mic.sh). It says on the console when bus mastering and
 * PCM In go on and off: what the device does, seen from outside the driver. */
#include "hosted.h"

#include <athanor/hw.h>
#include <athanor/klib.h>
#include <stdlib.h>
#include <string.h>

#define NAM_SIZE   0x400
#define NABM_SIZE  0x100
#define CMD_IO     0x0001u
#define CMD_MASTER 0x0004u
#define CMD_INTX_OFF 0x0400u

enum { SR_DCH = 1, SR_CELV = 2, SR_LVBCI = 4, SR_BCIS = 8, SR_FIFOE = 16 };
enum { CR_RPBM = 1, CR_RR = 2, CR_LVBIE = 4, CR_FEIE = 8, CR_IOCE = 16 };
#define BD_IOC 0x80000000u
#define EXT_VRA 1u

struct engine {
    uint32_t bdbar, bd_addr, bd_ctl;
    uint8_t  civ, lvi, piv, cr;
    uint16_t sr, picb;
};

static int      present = -1; /* not yet looked up */
static uint32_t glob_cnt;
static uint32_t bar[2] = { 0xc000 | 1, 0xc400 | 1 };
static const uint32_t bar_size[2] = { NAM_SIZE, NABM_SIZE };
static uint16_t command;
static uint16_t mixer[0x40];
static struct engine eng[3]; /* PCM In, PCM Out, Mic In */
static uint64_t run_from, frames_since; /* PCM In's time base since it last started */
static uint64_t produced;                /* frames written since boot: the ramp's phase */
static bool     line_enabled, line_masked;

static void mixer_reset(void);
static void engine_reset(struct engine *e);

bool hosted_ac97_present(void)
{
    if (present < 0) {
        irqflags_t f = plat_irq_save(); /* the host's getenv, no thread switch inside */
        present = getenv("AZOTH_AC97") != NULL;
        mixer_reset();
        for (unsigned i = 0; i < 3; i++)
            engine_reset(&eng[i]);
        plat_irq_restore(f);
    }
    return present;
}

static void mixer_reset(void)
{
    memset(mixer, 0, sizeof mixer);
    mixer[0x26 / 2] = 0x000f;              /* power-down: every section ready */
    mixer[0x28 / 2] = 0x0809;              /* extended audio ID: VRA, VRM */
    mixer[0x2a / 2] = 0x0009;              /* VRA and VRM on */
    for (unsigned r = 0x2c; r <= 0x34; r += 2)
        mixer[r / 2] = 48000;              /* the DAC and ADC rates */
    mixer[0x1c / 2] = 0x8808;              /* record gain: muted */
    mixer[0x7c / 2] = 0x8384;              /* vendor: SigmaTel, as QEMU's */
    mixer[0x7e / 2] = 0x7600;
}

static bool level(void)
{
    const struct engine *e = &eng[0];
    return !(command & CMD_INTX_OFF) &&
           (((e->sr & SR_BCIS) && (e->cr & CR_IOCE)) || ((e->sr & SR_LVBCI) && (e->cr & CR_LVBIE)) ||
            ((e->sr & SR_FIFOE) && (e->cr & CR_FEIE)));
}

/* The line fires while the engine's status asks for it and the driver has
 * not masked it (the platform masks a line that fired, until the ack). */
static void update_line(void)
{
    if (line_enabled && !line_masked && level()) {
        line_masked = true;
        hw_irq_fired(HOSTED_AC97_LINE);
    }
}

static void fetch_bd(struct engine *e)
{
    const uint32_t *bd = hosted_ram_ptr(e->bdbar + e->civ * 8u, 8);
    if (!bd || !(command & CMD_MASTER)) { /* nothing there to read: a bus error */
        e->sr |= SR_FIFOE | SR_DCH;
        e->picb = 0;
        return;
    }
    e->bd_addr = bd[0] & ~3u;
    e->bd_ctl = bd[1];
    e->picb = (uint16_t)bd[1];
}

static void next_bd(struct engine *e)
{
    e->civ = e->piv;
    e->piv = (uint8_t)((e->piv + 1) % 32);
    fetch_bd(e);
}

static void pi_started(uint64_t now)
{
    run_from = now;
    frames_since = 0;
}

/* PCM In catches up with the clock: the frames due since it started go
 * into its buffers, as QEMU's transfer loop does. */
static void advance(uint64_t now)
{
    struct engine *e = &eng[0];
    unsigned rate = mixer[0x32 / 2];
    if (!(e->cr & CR_RPBM) || (e->sr & SR_DCH) || !(command & CMD_MASTER) || !rate)
        return;
    uint64_t due = (now - run_from) * rate / 1000000000u - frames_since;
    if (due > 32 * 0xffffu / 2)
        due = 32 * 0xffffu / 2; /* the host stopped us a while: at most a ring's worth */
    while (due && !(e->sr & SR_DCH)) {
        if (!e->picb) { /* an empty descriptor: on to the next, or stop at the last */
            if (e->civ == e->lvi) {
                e->sr |= SR_DCH;
                break;
            }
            next_bd(e);
            continue;
        }
        uint64_t n = e->picb / 2u < due ? e->picb / 2u : due;
        int16_t *dst = hosted_ram_ptr(e->bd_addr, n * 4);
        if (!dst) {
            e->sr |= SR_FIFOE | SR_DCH; /* a buffer outside RAM: a bus error */
            break;
        }
        for (uint64_t k = 0; k < n; k++, produced++) { /* left rises, right falls */
            int ramp = (int)(produced & 0xff) * 256 - 32768;
            dst[2 * k] = (int16_t)ramp;
            dst[2 * k + 1] = (int16_t)(-1 - ramp);
        }
        e->bd_addr += (uint32_t)n * 4;
        e->picb = (uint16_t)(e->picb - n * 2);
        due -= n;
        frames_since += n;
        if (!e->picb) {
            uint16_t sr = e->sr & ~SR_CELV;
            if (e->bd_ctl & BD_IOC)
                sr |= SR_BCIS;
            if (e->civ == e->lvi)
                sr |= SR_LVBCI | SR_DCH | SR_CELV;
            else
                next_bd(e);
            e->sr = sr | (e->sr & SR_FIFOE);
        }
    }
}

/* When PCM In's current buffer will be full: the next tick. */
static void arm(uint64_t now)
{
    const struct engine *e = &eng[0];
    unsigned rate = mixer[0x32 / 2];
    if ((e->cr & CR_RPBM) && !(e->sr & SR_DCH) && (command & CMD_MASTER) && rate) {
        uint64_t ns = (uint64_t)(e->picb / 2u + 1) * 1000000000u / rate;
        plat_timer_arm(now + (ns < 1000000 ? 1000000 : ns));
    }
}

void hosted_ac97_tick(void)
{
    if (present != 1)
        return;
    uint64_t now = plat_clock_ns();
    advance(now);
    update_line();
    arm(now);
}

static void engine_reset(struct engine *e)
{
    uint8_t keep = e->cr & (CR_IOCE | CR_FEIE | CR_LVBIE);
    memset(e, 0, sizeof *e);
    e->cr = keep;
    e->sr = SR_DCH;
}

static void cr_write(struct engine *e, uint8_t v, uint64_t now)
{
    bool was = e->cr & CR_RPBM;
    if (v & CR_RR) {
        engine_reset(e);
    } else {
        e->cr = v & 0x1f;
        if (!(e->cr & CR_RPBM)) {
            e->sr |= SR_DCH;
        } else {
            next_bd(e);
            e->sr &= ~SR_DCH;
            if (e == &eng[0])
                pi_started(now);
        }
    }
    bool is = e->cr & CR_RPBM;
    if (e == &eng[0] && was != is)
        kprintf("ac97 double: PCM In %s (%llu frames so far)\n", is ? "running" : "stopped",
                (unsigned long long)produced);
}

static uint32_t nabm_in(unsigned reg, unsigned width, uint64_t now)
{
    if (reg == 0x2c && width == 4)
        return glob_cnt;
    if (reg == 0x30 && width == 4)
        return 0x100u | (level() ? 0x20u : 0); /* primary codec ready; PCM In interrupt */
    if (reg >= 0x30)
        return width == 1 ? 0 : 0xffffffffu >> (32 - 8 * width);
    struct engine *e = &eng[reg / 16];
    if (e == &eng[0])
        advance(now); /* the registers say where it is now */
    unsigned r = reg % 16;
    uint32_t v;
    switch (r) {
    case 0x0: v = e->bdbar; break;
    case 0x4: v = e->civ | e->lvi << 8 | (uint32_t)e->sr << 16; break;
    case 0x5: v = e->lvi; break;
    case 0x6: v = e->sr; break;
    case 0x8: v = e->picb | (uint32_t)e->piv << 16 | (uint32_t)e->cr << 24; break;
    case 0xa: v = e->piv; break;
    case 0xb: v = e->cr; break;
    default:  v = 0xffffffffu; break;
    }
    return width == 4 ? v : v & (width == 1 ? 0xffu : 0xffffu);
}

static void nabm_out(unsigned reg, unsigned width, uint32_t v, uint64_t now)
{
    if (reg == 0x2c && width == 4) {
        glob_cnt = v & 0x3f & ~6u; /* the reset bits act, they are not kept */
        return;
    }
    if (reg >= 0x30)
        return;
    struct engine *e = &eng[reg / 16];
    if (e == &eng[0])
        advance(now);
    switch (reg % 16) {
    case 0x0:
        if (width == 4)
            e->bdbar = v & ~3u;
        break;
    case 0x5:
        if ((e->cr & CR_RPBM) && (e->sr & SR_DCH)) { /* stopped at the last valid: runs again */
            e->sr &= ~(SR_DCH | SR_CELV);
            next_bd(e);
            if (e == &eng[0])
                pi_started(now);
        }
        e->lvi = (uint8_t)(v % 32);
        break;
    case 0x6:
        e->sr &= ~(v & (SR_LVBCI | SR_BCIS | SR_FIFOE));
        break;
    case 0xb:
        cr_write(e, (uint8_t)v, now);
        break;
    default:
        break;
    }
}

static void nam_out(unsigned reg, uint16_t v)
{
    switch (reg) {
    case 0x00: mixer_reset(); break;
    case 0x26: mixer[reg / 2] = (uint16_t)((v & ~0x800fu) | (mixer[reg / 2] & 0xf)); break;
    case 0x28: case 0x7c: case 0x7e: break; /* read-only */
    case 0x2a:
        mixer[reg / 2] = v;
        if (!(v & EXT_VRA))
            mixer[0x32 / 2] = mixer[0x2c / 2] = 48000;
        break;
    case 0x2c: case 0x32:
        if (mixer[0x2a / 2] & EXT_VRA)
            mixer[reg / 2] = v;
        break;
    case 0x1a: mixer[reg / 2] = v & 0x0707; break;
    default:
        if (reg < sizeof mixer)
            mixer[reg / 2] = v;
        break;
    }
}

uint32_t hosted_ac97_cfg_in(unsigned off)
{
    switch (off & 0xfc) {
    case 0x00: return 0x24158086u;
    case 0x04: return command;
    case 0x08: return 0x04010001u; /* multimedia audio, revision 1 */
    case 0x10: return bar[0];
    case 0x14: return bar[1];
    case 0x3c: return HOSTED_AC97_LINE | 1u << 8; /* pin A, wired to line 10 */
    default:   return 0;
    }
}

void hosted_ac97_cfg_out(unsigned off, uint32_t v)
{
    switch (off & 0xfc) {
    case 0x04: {
        uint16_t was = command;
        command = (uint16_t)(v & (CMD_IO | CMD_MASTER | CMD_INTX_OFF));
        if ((was ^ command) & CMD_MASTER)
            kprintf("ac97 double: bus mastering %s\n", command & CMD_MASTER ? "on" : "off");
        if ((was & ~command) & CMD_MASTER)
            pi_started(plat_clock_ns()); /* nothing moves without the bus: no backlog either */
        break;
    }
    case 0x10:
    case 0x14: { /* sizing writes all ones: the size shows in the bits that stay 0 */
        unsigned i = (off & 0xfc) == 0x14;
        bar[i] = (v & ~(bar_size[i] - 1) & 0xffffu) | 1;
        break;
    }
    default: break;
    }
}

bool hosted_ac97_in(uint16_t port, unsigned width, uint32_t *v)
{
    if (!hosted_ac97_present())
        return false;
    irqflags_t f = plat_irq_save(); /* the tick must not run halfway through */
    bool ours = true;
    uint16_t nam = (uint16_t)(bar[0] & ~3u), nabm = (uint16_t)(bar[1] & ~3u);
    if ((command & CMD_IO) && port >= nam && port < nam + NAM_SIZE) {
        unsigned reg = port - nam; /* QEMU answers 16-bit accesses only */
        *v = width == 2 && reg < sizeof mixer ? mixer[reg / 2] : width == 1 ? 0xffu : width == 2 ? 0xffffu : 0xffffffffu;
    } else if ((command & CMD_IO) && port >= nabm && port < nabm + NABM_SIZE) {
        uint64_t now = plat_clock_ns();
        *v = nabm_in(port - nabm, width, now);
        update_line();
    } else {
        ours = false;
    }
    plat_irq_restore(f);
    return ours;
}

bool hosted_ac97_out(uint16_t port, unsigned width, uint32_t v)
{
    if (!hosted_ac97_present())
        return false;
    irqflags_t f = plat_irq_save();
    bool ours = true;
    uint16_t nam = (uint16_t)(bar[0] & ~3u), nabm = (uint16_t)(bar[1] & ~3u);
    if ((command & CMD_IO) && port >= nam && port < nam + NAM_SIZE) {
        if (width == 2)
            nam_out(port - nam, (uint16_t)v);
    } else if ((command & CMD_IO) && port >= nabm && port < nabm + NABM_SIZE) {
        uint64_t now = plat_clock_ns();
        nabm_out(port - nabm, width, v, now);
        update_line();
        arm(now);
    } else {
        ours = false;
    }
    plat_irq_restore(f);
    return ours;
}

void hosted_ac97_line(bool enable)
{
    irqflags_t f = plat_irq_save();
    line_enabled = enable;
    line_masked = false;
    update_line();
    plat_irq_restore(f);
}

void hosted_ac97_unmask(void)
{
    irqflags_t f = plat_irq_save();
    line_masked = false;
    update_line(); /* still asserted: fires again */
    plat_irq_restore(f);
}
