/* Decoding values a component hands to a host call. Offsets into its linear
 * memory are untrusted: they get their own type and become host pointers only
 * through umem_range(), which checks them against the memory's current size. */
#ifndef WASI_UMEM_H
#define WASI_UMEM_H

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

#endif
