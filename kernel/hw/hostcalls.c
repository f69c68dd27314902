/* Athanor's imports for drivers (module "athanor"; the rows of
 * athanor/abi/imports.def that name this file, docs/abi.md): I/O ports,
 * the wall clock, interrupts, MMIO and DMA.
 * Decode (check every argument against the caller's memory and the ABI)
 * happens here; the checks of capabilities and ranges are in ioport.c,
 * irq.c, mmio.c and dma.c (clock_set's, here). */
#include <athanor/errors.h>
#include <athanor/host.h>
#include <athanor/hostcalls.h>
#include <athanor/hw.h>
#include <athanor/klib.h>
#include <athanor/realtime.h>


typedef uint32_t u32;
typedef uint64_t u64;


static bool width_ok(u32 port, u32 width)
{
    return (width == 1 || width == 2 || width == 4) && port + width <= 0x10000u;
}

u32 Z_athanorZ_io_in(struct Z_athanor_instance_t *a, u32 h, u32 port, u32 width, u32 out)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    if (!umem_range(&m, uoff(out), 4))
        return host_leave(c, (u32)-ATH_EFAULT);
    if (!width_ok(port, width))
        return host_leave(c, (u32)-ATH_EINVAL);
    uint32_t v = 0;
    int r = hw_io_in(c, h, (uint16_t)port, width, &v);
    if (r == 0)
        host_put(c, uoff(out), &v, 4);
    return host_leave(c, (u32)r);
}

u32 Z_athanorZ_io_out(struct Z_athanor_instance_t *a, u32 h, u32 port, u32 width, u32 value)
{
    struct component *c = host_enter(&a->h);
    if (!width_ok(port, width))
        return host_leave(c, (u32)-ATH_EINVAL);
    return host_leave(c, (u32)hw_io_out(c, h, (uint16_t)port, width, value));
}

u32 Z_athanorZ_irq_bind(struct Z_athanor_instance_t *a, u32 irq, u32 n, u64 bits)
{
    struct component *c = host_enter(&a->h);
    return host_leave(c, (u32)hw_irq_bind(c, irq, n, bits));
}

u32 Z_athanorZ_irq_ack(struct Z_athanor_instance_t *a, u32 irq)
{
    struct component *c = host_enter(&a->h);
    return host_leave(c, (u32)hw_irq_ack(c, irq));
}

u32 Z_athanorZ_mmio_read(struct Z_athanor_instance_t *a, u32 h, u64 off, u32 width, u32 out)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    if (!umem_range(&m, uoff(out), 8))
        return host_leave(c, (u32)-ATH_EFAULT);
    uint64_t v = 0;
    int r = hw_mmio_read(c, h, off, width, &v);
    if (r == 0)
        host_put(c, uoff(out), &v, 8);
    return host_leave(c, (u32)r);
}

u32 Z_athanorZ_mmio_write(struct Z_athanor_instance_t *a, u32 h, u64 off, u32 width, u64 value)
{
    struct component *c = host_enter(&a->h);
    return host_leave(c, (u32)hw_mmio_write(c, h, off, width, value));
}

u32 Z_athanorZ_mmio_write_block(struct Z_athanor_instance_t *a, u32 h, u64 off, u32 src, u32 len)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    const void *p = umem_range(&m, uoff(src), len); /* read by a guarded copy (mmio.c) */
    if (!p && len)
        return host_leave(c, (u32)-ATH_EFAULT);
    return host_leave(c, (u32)hw_mmio_write_block(c, h, off, p, len));
}

u32 Z_athanorZ_dma_alloc(struct Z_athanor_instance_t *a, u32 h, u32 len, u32 where_out, u32 phys_out)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    if (!umem_range(&m, uoff(where_out), 4) || !umem_range(&m, uoff(phys_out), 8))
        return host_leave(c, (u32)-ATH_EFAULT);
    uint32_t where = 0;
    uint64_t phys = 0;
    int r = hw_dma_alloc(c, h, len, &where, &phys);
    if (r == 0) {
        host_put(c, uoff(where_out), &where, 4);
        host_put(c, uoff(phys_out), &phys, 8);
    }
    return host_leave(c, (u32)r);
}

u32 Z_athanorZ_dma_phys(struct Z_athanor_instance_t *a, u32 h, u32 where, u32 phys_out)
{
    struct component *c = host_enter(&a->h);
    struct umem m = host_mem(c);
    if (!umem_range(&m, uoff(phys_out), 8))
        return host_leave(c, (u32)-ATH_EFAULT);
    uint64_t phys = 0;
    int r = hw_dma_phys(c, h, where, &phys);
    if (r == 0)
        host_put(c, uoff(phys_out), &phys, 8);
    return host_leave(c, (u32)r);
}

u32 Z_athanorZ_clock_set(struct Z_athanor_instance_t *a, u32 h, u64 unix_ns)
{
    struct component *c = host_enter(&a->h);
    int r = cap_lookup(&c->caps, h, CAP_T_CLOCK, CAP_R_WRITE, NULL);
    if (r == 0)
        realtime_set(unix_ns);
    return host_leave(c, (u32)r);
}
