/* Physical frame allocator: one bit per 4 KiB frame over all RAM the boot
 * memory map reported, fed only with the regions the platform left free. */
#ifndef ATHANOR_FRAME_H
#define ATHANOR_FRAME_H

#include <athanor/platform.h>

struct frame_stats {
    uint64_t total;    /* frames the allocator manages (free at boot) */
    uint64_t free;     /* frames free now */
    uint64_t reserved; /* frames it keeps for its own bitmap */
};

/* Initialise from the free regions in `bi` (any order; overlapping or
 * touching regions are merged). The bitmap is placed at the start of the
 * lowest-addressed region large enough and reached through
 * plat_phys_to_virt(). Returns 0 or -ATH_ENOMEM if no region can hold it. */
int  frame_init(const struct boot_region *regions, unsigned n);
/* Allocate `count` physically contiguous frames aligned to `align` frames
 * (a power of two). Returns 0 and the base address, or -ATH_ENOMEM. */
int  frame_alloc(size_t count, size_t align, phys_addr_t *out);
/* Free frames previously allocated. Freeing a frame that is not allocated
 * (double free, or never part of RAM) is a kernel bug and panics. */
void frame_free(phys_addr_t base, size_t count);
void frame_get_stats(struct frame_stats *st);

#endif
