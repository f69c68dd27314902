/* MMIO capabilities (see hw.h): check the capability, the range and the
 * alignment, then access device memory through the platform's uncached
 * mapping. Decoding the component's arguments is in hostcalls.c. */
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/hw.h>
#include <athanor/klib.h>
#include <athanor/umem.h>


/* The device address for an access of len bytes at off, or an error (reported). */
static int check(struct component *c, cap_handle_t h, uint32_t right, uint64_t off, uint64_t len,
                 uint64_t *phys)
{
    struct cap_ref cap;
    int r = cap_lookup(&c->caps, h, CAP_T_MMIO, right, &cap);
    if (r == 0 && (off >= cap.len || len > cap.len - off))
        r = -ATH_ERANGE;
    if (r) {
        hw_refused(c, "MMIO offset", off, r);
        return r;
    }
    *phys = cap.base + off;
    return 0;
}

/* The register an exact-width access of `right` at off reaches, or an error. */
static int reg(struct component *c, cap_handle_t h, uint32_t right, uint64_t off, unsigned width,
               volatile void **p)
{
    if (!(width == 1 || width == 2 || width == 4 || width == 8) || (off & (width - 1)))
        return -ATH_EINVAL;
    uint64_t phys;
    int r = check(c, h, right, off, width, &phys);
    if (r)
        return r;
    *p = plat_mmio_ptr(phys, width);
    return *p ? 0 : -ATH_ENOSYS;
}

int hw_mmio_read(struct component *c, cap_handle_t h, uint64_t off, unsigned width, uint64_t *val)
{
    volatile void *p;
    int r = reg(c, h, CAP_R_READ, off, width, &p);
    if (r)
        return r;
    switch (width) {
    case 1: *val = *(volatile uint8_t *)p; break;
    case 2: *val = *(volatile uint16_t *)p; break;
    case 4: *val = *(volatile uint32_t *)p; break;
    default: *val = *(volatile uint64_t *)p; break;
    }
    return 0;
}

int hw_mmio_write(struct component *c, cap_handle_t h, uint64_t off, unsigned width, uint64_t val)
{
    volatile void *p;
    int r = reg(c, h, CAP_R_WRITE, off, width, &p);
    if (r)
        return r;
    switch (width) {
    case 1: *(volatile uint8_t *)p = (uint8_t)val; break;
    case 2: *(volatile uint16_t *)p = (uint16_t)val; break;
    case 4: *(volatile uint32_t *)p = (uint32_t)val; break;
    default: *(volatile uint64_t *)p = val; break;
    }
    return 0;
}

int hw_mmio_write_block(struct component *c, cap_handle_t h, uint64_t off, const void *src,
                        uint64_t len)
{
    uint64_t phys;
    int r = check(c, h, CAP_R_WRITE, off, len, &phys);
    if (r || len == 0)
        return r;
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
