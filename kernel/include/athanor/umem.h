/* Decoding values a component hands to a host call. Offsets into its linear
 * memory are untrusted: they get their own type and become host pointers only
 * through umem_range(), which checks them against the memory's current size.
 * A checked pointer may still name a page that is not there (lent out or
 * transferred away, perhaps right now by the same component on another
 * thread): the kernel reads and writes through it only with umem_copy,
 * which turns such a fault into -ATH_EFAULT. */
#ifndef ATHANOR_UMEM_H
#define ATHANOR_UMEM_H

#include <athanor/errors.h>
#include <athanor/platform.h>
#include <athanor/types.h>

/* An offset into a component's linear memory, as received (unchecked). */
typedef struct {
    uint32_t off;
} uoff_t;

static inline uoff_t uoff(uint32_t v) { return (uoff_t){ v }; }

struct umem {
    uint8_t *data;
    uint64_t size;
};

/* A host pointer to [off, off+len) if it lies inside the memory, else NULL.
 * 64-bit arithmetic: no wrap-around for any 32-bit inputs. */
static inline void *umem_range(const struct umem *m, uoff_t o, uint64_t len)
{
    if (!m->data || (uint64_t)o.off + len > m->size)
        return NULL;
    return m->data + o.off;
}

/* memcpy that returns -ATH_EFAULT instead of faulting the kernel when a
 * page of a component's memory on either side is missing (the platform's
 * plat_copy_guarded; kernel/fault.c resumes it). Hold no lock: a write may
 * first fault to copy a snapshot page, which takes the memory's lock. */
static inline int umem_copy(void *dst, const void *src, size_t n)
{
    return plat_copy_guarded(dst, src, n) ? -ATH_EFAULT : 0;
}

#endif
