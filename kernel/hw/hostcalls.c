/* Athanor's imports for drivers (module "athanor"; the rows of
 * athanor/abi/imports.def that name this file, docs/abi.md): I/O ports,
 * the wall clock, interrupts, MMIO and DMA.
 * Decode is here, all of it: every argument against the caller's memory
 * and the ABI, and every handle against its capability table (type,
 * rights, range); a refused access is counted and reported (refused.c).
 * Invoke (irq.c, mmio.c, dma.c, or the platform's port I/O) gets only
 * checked values. */
#include <athanor/errors.h>
#include <athanor/host.h>
#include <athanor/hostcalls.h>
#include <athanor/hw.h>
#include <athanor/klib.h>
#include <athanor/notify.h>
#include <athanor/realtime.h>


typedef uint32_t u32;
typedef uint64_t u64;


static bool width_ok(u32 port, u32 width)
{
    return (width == 1 || width == 2 || width == 4) && port + width <= 0x10000u;
}

/* Decode a range capability: h of c's table is of `type` with `right`, and
 * [off, off + len) lies in its range (absolute for I/O ports, relative
 * for MMIO); *cap gets its values. A refusal is counted and reported. */
static int check_range(struct component *c, cap_handle_t h, enum cap_type type, uint32_t right,
                       const char *what, uint64_t off, uint64_t len, bool relative,
                       struct cap_ref *cap)
{
    int r = cap_lookup(&c->caps, h, type, right, cap);
    if (r == 0) {
        uint64_t lo = relative ? 0 : cap->base;
        if (off < lo || off - lo >= cap->len || len > cap->len - (off - lo))
            r = -ATH_ERANGE;
    }
    if (r)
        hw_refused(c, what, off, r);
    return r;
}

/* Decode a handle that must name a capability of `type` with `right`
 * (DMA, IRQ); a refusal is counted and reported. */
static int check_handle(struct component *c, cap_handle_t h, enum cap_type type, uint32_t right,
                        const char *what, struct cap_ref *cap)
{
    int r = cap_lookup(&c->caps, h, type, right, cap);
    if (r)
        hw_refused(c, what, h, r);
    return r;
}

u32 w2c_athanor_io_in(struct w2c_athanor *a, u32 h, u32 port, u32 width, u32 out)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    if (!umem_range(&m, uoff(out), 4))
        return host_leave(c, (u32)-ATH_EFAULT);
    if (!width_ok(port, width))
        return host_leave(c, (u32)-ATH_EINVAL);
    struct cap_ref cap;
    int r = check_range(c, h, CAP_T_IOPORT, CAP_R_READ, "I/O port", port, width, false, &cap);
    if (r == 0) {
        uint32_t v = plat_io_in((uint16_t)port, width);
        host_put(c, uoff(out), &v, 4);
    }
    return host_leave(c, (u32)r);
}

u32 w2c_athanor_io_out(struct w2c_athanor *a, u32 h, u32 port, u32 width, u32 value)
{
    struct component *c = host_enter(&a->h);
    if (!width_ok(port, width))
        return host_leave(c, (u32)-ATH_EINVAL);
    struct cap_ref cap;
    int r = check_range(c, h, CAP_T_IOPORT, CAP_R_WRITE, "I/O port", port, width, false, &cap);
    if (r == 0)
        plat_io_out((uint16_t)port, width, value);
    return host_leave(c, (u32)r);
}

u32 w2c_athanor_irq_bind(struct w2c_athanor *a, u32 irq, u32 n, u64 bits)
{
    struct component *c = host_enter(&a->h);
    struct cap_ref line, note;
    int r = check_handle(c, irq, CAP_T_IRQ, CAP_R_READ, "IRQ handle", &line);
    if (r == 0 && !bits)
        r = -ATH_EINVAL;
    /* Pinned: the notification cannot be freed while hw_irq_bind looks at it. */
    if (r == 0 && (r = cap_lookup_pin(&c->caps, n, CAP_T_NOTIFICATION, CAP_R_WRITE, &note)) == 0) {
        r = hw_irq_bind(line.object, note.object, bits, &c->caps);
        notify_put(note.object);
    }
    return host_leave(c, (u32)r);
}

u32 w2c_athanor_irq_ack(struct w2c_athanor *a, u32 irq)
{
    struct component *c = host_enter(&a->h);
    struct cap_ref line;
    int r = check_handle(c, irq, CAP_T_IRQ, CAP_R_READ, "IRQ handle", &line);
    if (r == 0)
        hw_irq_ack(line.object);
    return host_leave(c, (u32)r);
}

/* Decode an MMIO access of len bytes at offset off of capability h's range:
 * its device address, or an error (a refused one counted). */
static int check_mmio(struct component *c, cap_handle_t h, uint32_t right, uint64_t off,
                      uint64_t len, uint64_t *phys)
{
    struct cap_ref cap;
    int r = check_range(c, h, CAP_T_MMIO, right, "MMIO offset", off, len, true, &cap);
    if (r == 0)
        *phys = cap.base + off;
    return r;
}

static bool mmio_width_ok(u64 off, u32 width)
{
    return (width == 1 || width == 2 || width == 4 || width == 8) && !(off & (width - 1));
}

u32 w2c_athanor_mmio_read(struct w2c_athanor *a, u32 h, u64 off, u32 width, u32 out)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    if (!umem_range(&m, uoff(out), 8))
        return host_leave(c, (u32)-ATH_EFAULT);
    if (!mmio_width_ok(off, width))
        return host_leave(c, (u32)-ATH_EINVAL);
    uint64_t phys, v = 0;
    int r = check_mmio(c, h, CAP_R_READ, off, width, &phys);
    if (r == 0 && (r = hw_mmio_read(phys, width, &v)) == 0)
        host_put(c, uoff(out), &v, 8);
    return host_leave(c, (u32)r);
}

u32 w2c_athanor_mmio_write(struct w2c_athanor *a, u32 h, u64 off, u32 width, u64 value)
{
    struct component *c = host_enter(&a->h);
    if (!mmio_width_ok(off, width))
        return host_leave(c, (u32)-ATH_EINVAL);
    uint64_t phys;
    int r = check_mmio(c, h, CAP_R_WRITE, off, width, &phys);
    if (r == 0)
        r = hw_mmio_write(phys, width, value);
    return host_leave(c, (u32)r);
}

u32 w2c_athanor_mmio_write_block(struct w2c_athanor *a, u32 h, u64 off, u32 src, u32 len)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    const void *p = umem_range(&m, uoff(src), len); /* read by a guarded copy (mmio.c) */
    if (!p && len)
        return host_leave(c, (u32)-ATH_EFAULT);
    uint64_t phys;
    int r = check_mmio(c, h, CAP_R_WRITE, off, len, &phys);
    if (r == 0 && len)
        r = hw_mmio_write_block(phys, p, len);
    return host_leave(c, (u32)r);
}

u32 w2c_athanor_dma_alloc(struct w2c_athanor *a, u32 h, u32 len, u32 where_out, u32 phys_out)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    if (!umem_range(&m, uoff(where_out), 4) || !umem_range(&m, uoff(phys_out), 8))
        return host_leave(c, (u32)-ATH_EFAULT);
    struct cap_ref cap;
    int r = check_handle(c, h, CAP_T_DMA, CAP_R_WRITE, "DMA handle", &cap);
    if (r == 0 && (len == 0 || (len & (PAGE_SIZE - 1))))
        r = -ATH_EINVAL;
    uint32_t where = 0;
    uint64_t phys = 0;
    if (r == 0 && (r = hw_dma_alloc(c, cap.len, len, &where, &phys)) == 0) {
        host_put(c, uoff(where_out), &where, 4);
        host_put(c, uoff(phys_out), &phys, 8);
    }
    return host_leave(c, (u32)r);
}

u32 w2c_athanor_dma_phys(struct w2c_athanor *a, u32 h, u32 where, u32 phys_out)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    if (!umem_range(&m, uoff(phys_out), 8))
        return host_leave(c, (u32)-ATH_EFAULT);
    struct cap_ref cap;
    int r = check_handle(c, h, CAP_T_DMA, CAP_R_WRITE, "DMA handle", &cap);
    uint64_t phys = 0;
    if (r == 0 && (r = hw_dma_phys(c, where, &phys)) == 0)
        host_put(c, uoff(phys_out), &phys, 8);
    return host_leave(c, (u32)r);
}

u32 w2c_athanor_clock_set(struct w2c_athanor *a, u32 h, u64 unix_ns)
{
    struct component *c = host_enter(&a->h);
    int r = cap_lookup(&c->caps, h, CAP_T_CLOCK, CAP_R_WRITE, NULL);
    if (r == 0)
        realtime_set(unix_ns);
    return host_leave(c, (u32)r);
}
