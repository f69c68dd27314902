/* Component snapshots for reset: right after instantiation the platform
 * freezes the linear memory copy-on-write (plat_vrange_snapshot) and the
 * instance struct (globals) is copied. Reset reverts the memory, which costs
 * in proportion to the pages touched since (not the memory's size), and
 * copies the globals back.
 *
 * The snapshot belongs to the component's thread: only that thread takes,
 * restores and frees it, so no lock is needed. */
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/heap.h>
#include <athanor/klib.h>
#include <athanor/snapshot.h>

struct snapshot {
    uint8_t *instance;      /* the instance struct right after instantiation */
    size_t   instance_size;
    uint32_t wasm_pages;    /* memory size in wasm pages at snapshot time */
};

int snapshot_take(struct component *c)
{
    struct snapshot *s = kzalloc(sizeof *s);
    if (!s)
        return -ATH_ENOMEM;
    s->instance_size = c->image->instance_size;
    s->wasm_pages = c->rt.pages;
    s->instance = kmalloc(s->instance_size);
    if (!s->instance || (c->rt.range.size && plat_vrange_snapshot(&c->rt.range) != 0)) {
        kfree(s->instance);
        kfree(s);
        return -ATH_ENOMEM;
    }
    memcpy(s->instance, c->rt.instance, s->instance_size);
    c->snap.snap = s;
    return 0;
}

int snapshot_restore(struct component *c)
{
    struct snapshot *s = c->snap.snap;
    if (!s)
        return -ATH_ENOENT;
    uint64_t t0 = plat_clock_ns();
    uint32_t pages = 0;
    int r = c->rt.range.size ? plat_vrange_revert(&c->rt.range, &pages) : 0;
    if (r)
        return r;
    memcpy(c->rt.instance, s->instance, s->instance_size);
    c->rt.pages = s->wasm_pages;
    c->snap.last_pages = pages;
    c->snap.last_ns = plat_clock_ns() - t0;
    return 0;
}

void snapshot_comp_stop(struct component *c)
{
    struct snapshot *s = c->snap.snap;
    if (!s)
        return;
    kfree(s->instance);
    kfree(s);
    c->snap.snap = NULL;
}
