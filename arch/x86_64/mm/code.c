/* Code regions on bare metal (packages loaded at run time, platform.h): one
 * slot of CODE_SLOT bytes each in CODE_AREA, its pages fresh frames mapped
 * read-write and no-execute, later re-protected page range by page range
 * (pt_protect: text RX, the rest R or RW, always NX unless executable).
 * Locking: slot_lock protects the slot table; the page tables are vm.c's.
 * A region belongs to the package that allocated it. */
#include <arch/arch.h>
#include <arch/pagetable.h>
#include <athanor/errors.h>
#include <athanor/klib.h>
#include <athanor/spinlock.h>

_Static_assert(CODE_SLOT == PLAT_CODE_MAX, "a slot holds the largest region");

static spinlock_t slot_lock = SPINLOCK_INIT;
static bool       slot_used[CODE_SLOTS];

static void unmap(uint64_t base, size_t size)
{
    for (uint64_t va = base; va < base + size; va += PAGE_SIZE)
        vm_unmap_and_free_page(va);
}

int plat_code_alloc(size_t size, struct plat_code *out)
{
    if (size == 0 || size > PLAT_CODE_MAX || size % PAGE_SIZE)
        return -ATH_EINVAL;
    irqflags_t f = spin_lock_irqsave(&slot_lock);
    unsigned s = 0;
    while (s < CODE_SLOTS && slot_used[s])
        s++;
    if (s < CODE_SLOTS)
        slot_used[s] = true;
    spin_unlock_irqrestore(&slot_lock, f);
    if (s == CODE_SLOTS)
        return -ATH_ENOMEM;
    uint64_t base = CODE_AREA + (uint64_t)s * CODE_SLOT;
    for (uint64_t va = base; va < base + size; va += PAGE_SIZE)
        if (vm_map_fresh_page(va) != 0) { /* zeroed, read-write, NX */
            unmap(base, va - base);
            f = spin_lock_irqsave(&slot_lock);
            slot_used[s] = false;
            spin_unlock_irqrestore(&slot_lock, f);
            return -ATH_ENOMEM;
        }
    out->base = base;
    out->size = size;
    out->cookie = (void *)(uintptr_t)s;
    return 0;
}

int plat_code_protect(struct plat_code *c, size_t off, size_t len, enum plat_prot prot)
{
    if (off % PAGE_SIZE || len % PAGE_SIZE || off > c->size || len > c->size - off)
        return -ATH_EINVAL;
    unsigned attr = prot == PLAT_PROT_R  ? PT_READ
                  : prot == PLAT_PROT_RW ? PT_WRITE
                  : prot == PLAT_PROT_RX ? PT_EXEC
                                         : ~0u;
    if (attr == ~0u)
        return -ATH_EINVAL;
    return len ? vm_protect_pages(c->base + off, len, attr | PT_NO_LARGE) : 0;
}

void plat_code_free(struct plat_code *c)
{
    if (!c->size)
        return;
    unmap(c->base, c->size);
    unsigned s = (unsigned)(uintptr_t)c->cookie;
    irqflags_t f = spin_lock_irqsave(&slot_lock);
    slot_used[s] = false;
    spin_unlock_irqrestore(&slot_lock, f);
    c->base = 0;
    c->size = 0;
}
