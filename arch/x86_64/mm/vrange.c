/* Reserved virtual ranges on bare metal (component linear memories): one
 * slot of 8 GiB + 2 MiB each in VRANGE_AREA; pages are mapped only as they are
 * committed, so everything past the committed prefix faults.
 *
 * Snapshots are copy-on-write in the page tables: taking one maps every
 * committed page read-only and remembers its frame (the "original"). A write
 * fault gives the writer a fresh copy, mapped read-write, and notes the page
 * as dirty. Reverting maps the originals back and frees the copies: no byte
 * is copied, the cost grows with the dirty pages only.
 *
 * Every copy a snapshot may need is promised by the frame allocator when
 * the snapshot is taken (and again when it is restored), so a
 * copy-on-write fault cannot run out of frames — not even one the kernel
 * takes while writing a host call's result into the page.
 *
 * Ownership: a range's frames (originals and copies) belong to it until
 * release. Locking: slot_lock protects the slot table; page tables are
 * vm.c's (vm_lock); the snapshot state is only touched by the range's owner
 * (the component thread, including its own write faults). */
#include <arch/arch.h>
#include <arch/pagetable.h>
#include <athanor/errors.h>
#include <athanor/frame.h>
#include <athanor/heap.h>
#include <athanor/klib.h>
#include <athanor/spinlock.h>

struct vrange_state {
    unsigned     slot;
    uint32_t     npages;  /* snapshot pages */
    phys_addr_t *orig;    /* per snapshot page: its original frame */
    uint32_t    *dirty;   /* pages now mapped to a private copy */
    uint32_t     ndirty;
    uint32_t     promised; /* frames promised for the copies still to come */
    /* Pages moved in by IPC above the committed part (transfers; lends go
     * back when their call ends): release frees [moved_lo, moved_hi). */
    size_t       moved_lo, moved_hi;
    /* One bit per 2 MiB of the slot: its page table is known to be full (a
     * scan counted 512 pages, or it moved in whole). Only ever a cache:
     * every unmapping in this file clears the bit of the chunk it touches
     * (revert clears them all), so a set bit is always true, and a clear
     * one only costs a scan. It spares IPC lends a 512-entry scan per
     * chunk each way. */
    uint64_t     full[(VRANGE_SLOT / PAGE_2M + 63) / 64];
    /* The other way round: the chunk is known to hold no page (a table
     * moved out whole, leaving an empty one or none, or a scan counted 0).
     * Every mapping in this file clears the bit of the chunk it maps into
     * (revert clears them all), so a set bit is always true. It spares a
     * lend the scan of the destination's (empty) table per chunk each way. */
    uint64_t     empty[(VRANGE_SLOT / PAGE_2M + 63) / 64];
};

static spinlock_t slot_lock = SPINLOCK_INIT;
void (*plat_vrange_release_probe)(void);
static bool       slot_used[VRANGE_SLOTS];

_Static_assert(VRANGE_SLOT == PLAT_VRANGE_MAX, "a slot holds the largest range");

#define ST(r) ((struct vrange_state *)(r)->cookie)

/* One bit per 2 MiB chunk of a range (the full and empty caches). */
static bool chunk_bit(const uint64_t *bits, size_t off)
{
    size_t c = off / PAGE_2M;
    return bits[c / 64] >> (c % 64) & 1;
}

static void set_chunk_bit(uint64_t *bits, size_t off, bool on)
{
    size_t c = off / PAGE_2M;
    if (on)
        bits[c / 64] |= 1ull << (c % 64);
    else
        bits[c / 64] &= ~(1ull << (c % 64));
}

static void set_full(struct plat_vrange *r, size_t off, bool full) { set_chunk_bit(ST(r)->full, off, full); }
static void set_empty(struct plat_vrange *r, size_t off, bool empty) { set_chunk_bit(ST(r)->empty, off, empty); }

/* Does the 2 MiB chunk at off hold no page? From the cache, or one scan. */
static bool table_empty(struct plat_vrange *r, size_t off)
{
    if (chunk_bit(ST(r)->empty, off))
        return true;
    if (vm_table_count(r->base + off) > 0)
        return false;
    set_empty(r, off, true);
    return true;
}

/* Is the page table under the 2 MiB chunk at off full? From the cache, or
 * one scan (whose answer is then cached). */
static bool table_full(struct plat_vrange *r, size_t off)
{
    if (chunk_bit(ST(r)->full, off))
        return true;
    if (vm_table_count(r->base + off) != 512)
        return false;
    set_full(r, off, true);
    return true;
}

int plat_vrange_reserve(size_t size, struct plat_vrange *out)
{
    size = ALIGN_UP(size, PAGE_SIZE);
    if (size == 0 || size > PLAT_VRANGE_MAX)
        return -ATH_EINVAL;
    struct vrange_state *st = kzalloc(sizeof *st);
    if (!st)
        return -ATH_ENOMEM;
    irqflags_t f = spin_lock_irqsave(&slot_lock);
    unsigned s = 0;
    while (s < VRANGE_SLOTS && slot_used[s])
        s++;
    if (s < VRANGE_SLOTS)
        slot_used[s] = true;
    spin_unlock_irqrestore(&slot_lock, f);
    if (s == VRANGE_SLOTS) {
        kfree(st);
        return -ATH_ENOMEM;
    }
    st->slot = s;
    out->base = VRANGE_AREA + (uint64_t)s * VRANGE_SLOT;
    out->size = size;
    out->committed = 0;
    out->snap_bytes = 0;
    out->cookie = st;
    return 0;
}

int plat_vrange_commit(struct plat_vrange *r, size_t bytes)
{
    if (bytes > r->size || (bytes & (PAGE_SIZE - 1)))
        return -ATH_EINVAL;
    for (size_t off = r->committed; off < bytes; off += PAGE_SIZE) {
        set_empty(r, off, false);
        if (vm_map_fresh_page(r->base + off) != 0) {
            /* Undo this call's pages: commit is all or nothing. */
            for (size_t u = r->committed; u < off; u += PAGE_SIZE) {
                vm_unmap_and_free_page(r->base + u);
                set_full(r, u, false);
            }
            return -ATH_ENOMEM;
        }
    }
    if (bytes > r->committed)
        r->committed = bytes;
    return 0;
}

int plat_vrange_snapshot(struct plat_vrange *r)
{
    struct vrange_state *st = ST(r);
    uint32_t n = (uint32_t)(r->committed / PAGE_SIZE);
    phys_addr_t *orig = kmalloc(sizeof *orig * (n ? n : 1));
    uint32_t *dirty = kmalloc(sizeof *dirty * (n ? n : 1));
    if (!orig || !dirty || frame_promise(n) != 0) {
        kfree(orig);
        kfree(dirty);
        return -ATH_ENOMEM; /* no snapshot: the pages stay plainly writable */
    }
    st->promised = n;
    for (uint32_t p = 0; p < n; p++)
        orig[p] = vm_page_frame(r->base + (uint64_t)p * PAGE_SIZE);
    vm_protect_range(r->base, r->committed, false);
    st->orig = orig;
    st->dirty = dirty;
    st->npages = n;
    st->ndirty = 0;
    r->snap_bytes = r->committed;
    return 0;
}

bool plat_vrange_cow(struct plat_vrange *r, uintptr_t addr)
{
    struct vrange_state *st = ST(r);
    if (!st || !st->orig || addr < r->base || addr >= r->base + r->snap_bytes)
        return false;
    uint32_t p = (uint32_t)((addr - r->base) / PAGE_SIZE);
    uint64_t va = r->base + (uint64_t)p * PAGE_SIZE;
    if (vm_page_frame(va) != st->orig[p])
        return false; /* already a private copy: not a copy-on-write fault */
    phys_addr_t copy;
    if (!st->promised || frame_alloc_promised(&copy) != 0)
        return false; /* cannot happen: a copy per snapshot page is promised */
    st->promised--;
    memcpy(plat_phys_to_virt(copy), plat_phys_to_virt(st->orig[p]), PAGE_SIZE);
    vm_remap_page(va, copy, true);
    st->dirty[st->ndirty++] = p;
    return true;
}

int plat_vrange_revert(struct plat_vrange *r, uint32_t *pages)
{
    struct vrange_state *st = ST(r);
    uint32_t n = st && st->orig ? st->ndirty : 0;
    /* Every page becomes an original again, so every page may need a copy
     * again: the copies freed here are promised anew; a copy transferred
     * away needs a new promise, taken first (all or nothing). */
    uint32_t gone = 0;
    for (uint32_t i = 0; i < n; i++)
        gone += !vm_page_mapped(r->base + (uint64_t)st->dirty[i] * PAGE_SIZE, NULL);
    if (gone && frame_promise(gone) != 0)
        return -ATH_ENOMEM;
    /* Memory committed after the snapshot goes away. */
    for (size_t off = r->snap_bytes; off < r->committed; off += PAGE_SIZE)
        vm_unmap_and_free_page(r->base + off);
    if (st) {
        memset(st->full, 0, sizeof st->full);
        memset(st->empty, 0, sizeof st->empty);
    }
    if (r->committed > r->snap_bytes)
        r->committed = r->snap_bytes;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t p = st->dirty[i];
        uint64_t va = r->base + (uint64_t)p * PAGE_SIZE;
        phys_addr_t copy;
        bool mapped = vm_unmap_keep_page(va, &copy); /* unmapped: it was transferred away */
        vm_remap_page(va, st->orig[p], false);
        if (mapped)
            frame_free_promise(copy);
    }
    if (st)
        st->promised += n;
    if (st)
        st->ndirty = 0;
    if (pages)
        *pages = n;
    return 0;
}

void plat_vrange_release(struct plat_vrange *r)
{
    /* r stops describing the range before its slot is free: the next
     * reservation may get the same addresses, and comp_by_address must
     * then find the new owner, not this one. (It did find the old one: a
     * component that exited was still releasing when another took its
     * slot, and the newcomer's first copy-on-write fault was tried against
     * the old owner's snapshot, refused, and became a trap of the
     * newcomer.) Everything below works on the copy. */
    struct plat_vrange gone = *r;
    r->cookie = NULL;
    r->size = r->committed = r->snap_bytes = 0;
    __atomic_signal_fence(__ATOMIC_SEQ_CST); /* cleared before the slot is freed below */
    r = &gone;
    struct vrange_state *st = ST(r);
    /* Mapped frames (originals, or copies of dirty pages, or pages moved in
     * by IPC) go with the mappings; the originals behind dirty pages are
     * freed separately. */
    for (size_t off = 0; off < r->committed; off += PAGE_SIZE)
        vm_unmap_and_free_page(r->base + off);
    for (size_t off = st ? st->moved_lo : 0; st && off < st->moved_hi; off += PAGE_SIZE)
        vm_unmap_and_free_page(r->base + off); /* lent pages went back: only transfers remain */
    for (uint32_t i = 0; st && st->orig && i < st->ndirty; i++)
        frame_free(st->orig[st->dirty[i]], 1);
    if (st) {
        frame_unpromise(st->promised);
        irqflags_t f = spin_lock_irqsave(&slot_lock);
        slot_used[st->slot] = false;
        spin_unlock_irqrestore(&slot_lock, f);
        if (plat_vrange_release_probe)
            plat_vrange_release_probe();
        kfree(st->orig);
        kfree(st->dirty);
        kfree(st);
    }
}

/* Is the page at off of r still its snapshot original (a frame that must
 * never be written: reset maps it back)? */
static bool is_original(struct plat_vrange *r, size_t off, phys_addr_t pa)
{
    struct vrange_state *st = ST(r);
    return st && st->orig && off < r->snap_bytes && st->orig[off / PAGE_SIZE] == pa;
}

/* May the 2 MiB chunk at foff of `from` move to toff of `to` as one page
 * table? Both aligned, a whole chunk left, and both sides past their
 * snapshot: no original (a read-only page in its own entry, which must
 * never be written) is among the pages. So every page of a table that
 * moves whole is writable in its own entry, and the directory entry alone
 * decides (pt_move_table): read-only while lent so, writable again when it
 * comes home. The test is symmetric, so a table that left whole comes back
 * whole (nothing unmaps a server's window meanwhile: it cannot lend or
 * transfer what lies past its committed memory). Whether the pages are
 * there is checked separately. */
static bool chunk_movable(struct plat_vrange *from, size_t foff, struct plat_vrange *to,
                          size_t toff, size_t left)
{
    uint64_t f = from->base + foff, t = to->base + toff;
    return !((f | t) & (PAGE_2M - 1)) && left >= PAGE_2M && toff >= to->snap_bytes &&
           foff >= from->snap_bytes;
}

int plat_vrange_move(struct plat_vrange *from, size_t foff, struct plat_vrange *to, size_t toff,
                     size_t len, bool writable)
{
    if (((foff | toff | len) & (PAGE_SIZE - 1)) || len == 0 || foff + len > from->size ||
        toff + len > to->size)
        return -ATH_EINVAL;
    /* All or nothing: every source page must be there, and no destination
     * page may be. A movable chunk checks this in one look at each table. */
    for (size_t off = 0; off < len;) {
        if (chunk_movable(from, foff + off, to, toff + off, len - off) &&
            table_full(from, foff + off) && table_empty(to, toff + off)) {
            off += PAGE_2M;
            continue;
        }
        phys_addr_t pa;
        if (!vm_page_mapped(from->base + foff + off, &pa) || vm_page_mapped(to->base + toff + off, NULL))
            return -ATH_EINVAL;
        off += PAGE_SIZE;
    }
    /* Snapshot originals must stay unwritten: before they become writable
     * somewhere else, the source takes its private copy (as a write fault
     * would have). */
    if (writable)
        for (size_t off = 0; off < len && foff + off < from->snap_bytes; off += PAGE_SIZE) {
            phys_addr_t pa;
            vm_page_mapped(from->base + foff + off, &pa);
            if (is_original(from, foff + off, pa) && !plat_vrange_cow(from, from->base + foff + off))
                return -ATH_ENOMEM;
        }
    /* Page-table entries move; frames stay where they are. Coming home, a
     * page is writable unless it is a snapshot original. Movable chunks move
     * with one directory entry each and one TLB flush for the call: the check
     * above proved their source table full and their destination empty, and
     * the copy step only touches pages outside them. */
    bool flush = false;
    for (size_t off = 0; off < len;) {
        uint64_t f = from->base + foff + off, t = to->base + toff + off;
        if (chunk_movable(from, foff + off, to, toff + off, len - off) &&
            vm_move_2m(f, t, writable) == 0) {
            set_full(from, foff + off, false);
            set_full(to, toff + off, true);
            set_empty(from, foff + off, true); /* an empty table came back, or none */
            set_empty(to, toff + off, false);
            flush = true;
            off += PAGE_2M;
            continue;
        }
        phys_addr_t pa;
        vm_unmap_keep_page(f, &pa);
        set_full(from, foff + off, false);
        set_empty(to, toff + off, false);
        vm_remap_page(t, pa, writable && !is_original(to, toff + off, pa));
        off += PAGE_SIZE;
    }
    if (flush)
        vm_flush_tlb();
    struct vrange_state *dst = ST(to);
    if (toff >= to->committed) { /* remember the span, so release finds these pages */
        if (dst->moved_hi == 0 || toff < dst->moved_lo)
            dst->moved_lo = toff;
        if (toff + len > dst->moved_hi)
            dst->moved_hi = toff + len;
    }
    return 0;
}

int plat_vrange_map_frames(struct plat_vrange *r, size_t off, phys_addr_t phys, size_t len)
{
    if (((off | phys | len) & (PAGE_SIZE - 1)) || len == 0 || off + len > r->size ||
        off < r->committed)
        return -ATH_EINVAL;
    for (size_t o = 0; o < len; o += PAGE_SIZE)
        if (vm_page_mapped(r->base + off + o, NULL))
            return -ATH_EEXIST;
    for (size_t o = 0; o < len; o += PAGE_SIZE) {
        vm_remap_page(r->base + off + o, phys + o, true);
        set_full(r, off + o, false); /* a new table may be partly filled */
        set_empty(r, off + o, false);
    }
    struct vrange_state *st = ST(r); /* release frees them with the moved-in pages */
    if (st->moved_hi == 0 || off < st->moved_lo)
        st->moved_lo = off;
    if (off + len > st->moved_hi)
        st->moved_hi = off + len;
    return 0;
}

int plat_vrange_unmap_frames(struct plat_vrange *r, size_t off, size_t len, bool free_frames)
{
    if (((off | len) & (PAGE_SIZE - 1)) || off + len > r->size || off < r->committed)
        return -ATH_EINVAL;
    for (size_t o = 0; o < len; o += PAGE_SIZE) {
        phys_addr_t pa;
        if (free_frames)
            vm_unmap_and_free_page(r->base + off + o);
        else
            vm_unmap_keep_page(r->base + off + o, &pa);
        set_full(r, off + o, false);
    }
    return 0; /* the moved-in span may stay wider: release skips what is gone */
}

bool plat_vrange_mapped(struct plat_vrange *r, size_t off, size_t len)
{
    if (len == 0 || off > r->size || len > r->size - off)
        return false;
    size_t end = ALIGN_UP(off + len, PAGE_SIZE);
    for (size_t o = ALIGN_DOWN(off, PAGE_SIZE); o < end;) {
        if (!(o & (PAGE_2M - 1)) && end - o >= PAGE_2M && table_full(r, o)) {
            o += PAGE_2M; /* a whole table known full: no page-by-page look */
            continue;
        }
        if (!vm_page_mapped(r->base + o, NULL))
            return false;
        o += PAGE_SIZE;
    }
    return true;
}

int plat_vrange_phys(struct plat_vrange *r, size_t off, phys_addr_t *phys)
{
    if (off >= r->size)
        return -ATH_EINVAL;
    phys_addr_t pa;
    if (!vm_page_mapped(r->base + (off & ~(size_t)(PAGE_SIZE - 1)), &pa))
        return -ATH_EFAULT;
    *phys = pa + (off & (PAGE_SIZE - 1));
    return 0;
}
