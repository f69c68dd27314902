/* Component snapshots for reset: right after instantiation the linear memory
 * is made read-only and the instance struct (globals) copied. The first
 * write to a page saves its original contents and makes it writable again
 * (copy-on-write, through kernel_fault); reset copies back only the pages
 * written since, so its cost grows with the memory a component dirtied, not
 * with the memory it has.
 *
 * The snapshot belongs to the component's thread: only that thread takes,
 * restores and frees it, and its write faults are the only CoW faults, so no
 * lock is needed. Original copies are whole frames. */
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/frame.h>
#include <athanor/heap.h>
#include <athanor/klib.h>
#include <athanor/snapshot.h>

struct snapshot {
    uint8_t     *instance;      /* the instance struct right after instantiation */
    size_t       instance_size;
    size_t       mem_bytes;     /* committed linear memory at snapshot time */
    uint32_t     wasm_pages;
    uint32_t     npages;        /* mem_bytes / PAGE_SIZE */
    phys_addr_t *orig;          /* per page: frame holding its original contents, or 0 */
    uint32_t    *dirty;         /* pages writable now (written since the last reset) */
    uint32_t     ndirty;
};

int snapshot_take(struct component *c)
{
    struct snapshot *s = kzalloc(sizeof *s);
    if (!s)
        return -ATH_ENOMEM;
    s->instance_size = c->cfg->image->instance_size;
    s->mem_bytes = c->mem.committed;
    s->wasm_pages = c->mem_pages;
    s->npages = (uint32_t)(s->mem_bytes / PAGE_SIZE);
    s->instance = kmalloc(s->instance_size);
    s->orig = kzalloc(sizeof *s->orig * (s->npages ? s->npages : 1));
    s->dirty = kmalloc(sizeof *s->dirty * (s->npages ? s->npages : 1));
    if (!s->instance || !s->orig || !s->dirty ||
        plat_vrange_protect(&c->mem, 0, s->mem_bytes, false) != 0) {
        c->snap = s;
        snapshot_free(c);
        return -ATH_ENOMEM;
    }
    memcpy(s->instance, c->instance, s->instance_size);
    c->snap = s;
    return 0;
}

bool snapshot_cow(struct component *c, uintptr_t addr)
{
    struct snapshot *s = c->snap;
    if (!s || addr < c->mem.base || addr >= c->mem.base + s->mem_bytes)
        return false;
    uint32_t page = (uint32_t)((addr - c->mem.base) / PAGE_SIZE);
    uint8_t *va = (uint8_t *)(c->mem.base + (uintptr_t)page * PAGE_SIZE);
    if (!s->orig[page]) {
        phys_addr_t pa;
        if (frame_alloc(1, 1, &pa) != 0)
            return false; /* no frame for the copy: the write becomes a trap */
        memcpy(plat_phys_to_virt(pa), va, PAGE_SIZE);
        s->orig[page] = pa;
    }
    if (plat_vrange_protect(&c->mem, (size_t)page * PAGE_SIZE, PAGE_SIZE, true) != 0)
        return false;
    s->dirty[s->ndirty++] = page;
    return true;
}

int snapshot_restore(struct component *c, uint32_t *pages_restored)
{
    struct snapshot *s = c->snap;
    if (!s)
        return -ATH_ENOENT;
    for (uint32_t i = 0; i < s->ndirty; i++) {
        uint32_t page = s->dirty[i];
        size_t off = (size_t)page * PAGE_SIZE;
        memcpy((uint8_t *)c->mem.base + off, plat_phys_to_virt(s->orig[page]), PAGE_SIZE);
        plat_vrange_protect(&c->mem, off, PAGE_SIZE, false);
    }
    if (pages_restored)
        *pages_restored = s->ndirty;
    s->ndirty = 0;
    plat_vrange_decommit(&c->mem, s->mem_bytes); /* memory grown since the snapshot */
    memcpy(c->instance, s->instance, s->instance_size);
    c->mem_pages = s->wasm_pages;
    return 0;
}

void snapshot_free(struct component *c)
{
    struct snapshot *s = c->snap;
    if (!s)
        return;
    for (uint32_t i = 0; s->orig && i < s->npages; i++)
        if (s->orig[i])
            frame_free(s->orig[i], 1);
    kfree(s->orig);
    kfree(s->dirty);
    kfree(s->instance);
    kfree(s);
    c->snap = NULL;
}
