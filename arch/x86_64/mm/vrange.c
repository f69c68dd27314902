/* Reserved virtual ranges on bare metal (component linear memories): one
 * 8 GiB slot each in VRANGE_AREA; pages are mapped only as they are
 * committed, so everything past the committed prefix faults.
 * slot_lock protects the slot table; page tables are vm.c's (vm_lock). */
#include <arch/arch.h>
#include <athanor/errors.h>
#include <athanor/spinlock.h>

static spinlock_t slot_lock = SPINLOCK_INIT;
static bool       slot_used[VRANGE_SLOTS];

_Static_assert(VRANGE_SLOT == PLAT_VRANGE_MAX, "a slot holds the largest range");

int plat_vrange_reserve(size_t size, struct plat_vrange *out)
{
    size = ALIGN_UP(size, PAGE_SIZE);
    if (size == 0 || size > PLAT_VRANGE_MAX)
        return -ATH_EINVAL;
    irqflags_t f = spin_lock_irqsave(&slot_lock);
    unsigned s = 0;
    while (s < VRANGE_SLOTS && slot_used[s])
        s++;
    if (s < VRANGE_SLOTS)
        slot_used[s] = true;
    spin_unlock_irqrestore(&slot_lock, f);
    if (s == VRANGE_SLOTS)
        return -ATH_ENOMEM;
    out->base = VRANGE_AREA + (uint64_t)s * VRANGE_SLOT;
    out->size = size;
    out->committed = 0;
    out->cookie = (void *)(uintptr_t)s;
    return 0;
}

int plat_vrange_commit(struct plat_vrange *r, size_t bytes)
{
    if (bytes > r->size || (bytes & (PAGE_SIZE - 1)))
        return -ATH_EINVAL;
    for (size_t off = r->committed; off < bytes; off += PAGE_SIZE) {
        if (vm_map_fresh_page(r->base + off) != 0) {
            /* Undo this call's pages: commit is all or nothing. */
            for (size_t u = r->committed; u < off; u += PAGE_SIZE)
                vm_unmap_and_free_page(r->base + u);
            return -ATH_ENOMEM;
        }
    }
    if (bytes > r->committed)
        r->committed = bytes;
    return 0;
}

void plat_vrange_decommit(struct plat_vrange *r, size_t bytes)
{
    for (size_t off = bytes; off < r->committed; off += PAGE_SIZE)
        vm_unmap_and_free_page(r->base + off);
    if (bytes < r->committed)
        r->committed = bytes;
}

int plat_vrange_protect(struct plat_vrange *r, size_t off, size_t len, bool writable)
{
    if (off > r->committed || len > r->committed - off || ((off | len) & (PAGE_SIZE - 1)))
        return -ATH_EINVAL;
    for (size_t p = off; p < off + len; p += PAGE_SIZE) {
        int e = vm_protect_page(r->base + p, writable);
        if (e)
            return e;
    }
    return 0;
}

void plat_vrange_release(struct plat_vrange *r)
{
    for (size_t off = 0; off < r->committed; off += PAGE_SIZE)
        vm_unmap_and_free_page(r->base + off);
    unsigned s = (unsigned)(uintptr_t)r->cookie;
    irqflags_t f = spin_lock_irqsave(&slot_lock);
    slot_used[s] = false;
    spin_unlock_irqrestore(&slot_lock, f);
    r->size = r->committed = 0;
}
