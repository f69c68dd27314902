/* Physical frame allocator: one bit per 4 KiB frame over all RAM the boot
 * memory map reported, fed only with the regions the platform left free. */
#ifndef ATHANOR_FRAME_H
#define ATHANOR_FRAME_H

#include <athanor/platform.h>

struct frame_stats {
    uint64_t total;    /* frames the allocator manages (free at boot) */
    uint64_t free;     /* frames free now */
    uint64_t reserved; /* frames it keeps for its own bitmap */
    uint64_t promised; /* of the free ones, promised (frame_promise) */
};

/* Initialise from the free regions in `bi` (any order; overlapping or
 * touching regions are merged). The bitmap is placed at the start of the
 * lowest-addressed region large enough and reached through
 * plat_phys_to_virt(). Returns 0 or -ATH_ENOMEM if no region can hold it. */
int  frame_init(const struct boot_region *regions, unsigned n);
/* Allocate `count` physically contiguous frames aligned to `align` frames
 * (a power of two). Returns 0 and the base address, or -ATH_ENOMEM. */
int  frame_alloc(size_t count, size_t align, phys_addr_t *out);
/* Promises: set aside `count` free frames that only frame_alloc_promised
 * will hand out (frame_alloc fails rather than take them), so that an
 * allocation nobody can refuse later — a copy-on-write fault taken while
 * the kernel writes into a component's snapshot page — always succeeds.
 * frame_promise: 0 or -ATH_ENOMEM; frame_alloc_promised takes one frame of
 * an outstanding promise (0, never fails); frame_unpromise gives back
 * promised frames no longer needed. */
int  frame_promise(size_t count);
void frame_unpromise(size_t count);
int  frame_alloc_promised(phys_addr_t *out);
/* Free one frame and promise one in its place (a copy-on-write copy going
 * back when a snapshot is restored: the next copy is promised again). */
void frame_free_promise(phys_addr_t pa);
/* Free frames previously allocated. Freeing a frame that is not allocated
 * (double free, or never part of RAM) is a kernel bug and panics. */
void frame_free(phys_addr_t base, size_t count);
void frame_get_stats(struct frame_stats *st);

#endif
