/* MMIO (see hw.h): exact-width accesses and block writes to device memory
 * through the platform's uncached mapping (or, for a device the platform
 * emulates, its access functions), at device addresses decode
 * (hw/hostcalls.c) has checked against an MMIO capability's range. */
#include <athanor/errors.h>
#include <athanor/hw.h>
#include <athanor/klib.h>
#include <athanor/umem.h>

int hw_mmio_read(uint64_t phys, unsigned width, uint64_t *val)
{
    volatile void *p = plat_mmio_ptr(phys, width);
    if (!p)
        return plat_mmio_emul_read(phys, width, val);
    switch (width) {
    case 1: *val = *(volatile uint8_t *)p; break;
    case 2: *val = *(volatile uint16_t *)p; break;
    case 4: *val = *(volatile uint32_t *)p; break;
    default: *val = *(volatile uint64_t *)p; break;
    }
    return 0;
}

int hw_mmio_write(uint64_t phys, unsigned width, uint64_t val)
{
    volatile void *p = plat_mmio_ptr(phys, width);
    if (!p)
        return plat_mmio_emul_write(phys, width, val);
    switch (width) {
    case 1: *(volatile uint8_t *)p = (uint8_t)val; break;
    case 2: *(volatile uint16_t *)p = (uint16_t)val; break;
    case 4: *(volatile uint32_t *)p = (uint32_t)val; break;
    default: *(volatile uint64_t *)p = val; break;
    }
    return 0;
}

int hw_mmio_write_block(uint64_t phys, const void *src, uint64_t len)
{
    const uint8_t *s = src;
    while (len) { /* chunk by chunk: each is mapped on its own */
        uint64_t n = MIN(len, PLAT_MMIO_CHUNK - (phys & (PLAT_MMIO_CHUNK - 1)));
        volatile uint8_t *p = plat_mmio_ptr(phys, n);
        if (!p)
            return -ATH_ENOSYS;
        if (umem_copy((void *)(uintptr_t)p, s, n) != 0)
            return -ATH_EFAULT; /* a page of the source went missing (athanor/umem.h) */
        phys += n, s += n, len -= n;
    }
    return 0;
}
