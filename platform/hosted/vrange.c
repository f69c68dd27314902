/* Reserved virtual ranges on the hosted platform. The reservation is one
 * PROT_NONE mapping; committed pages are a shared mapping of a memfd, so
 * instantiation writes land in the file. Taking the snapshot remaps the
 * committed part MAP_PRIVATE over the same file: from then on Linux does the
 * copy-on-write, and reverting is one madvise(MADV_DONTNEED) that drops the
 * private copies (cost grows with the pages touched, not the range). Memory
 * committed after the snapshot is anonymous (see plat_vrange_commit).
 * MAP_NORESERVE: 8 GiB reservations cost nothing until touched. A DMA
 * buffer is RAM (a memfd too, mem.c) mapped shared past the committed part,
 * so what a device double writes into RAM the driver reads in its memory. */
#include "hosted.h"

#include <athanor/errors.h>
#include <athanor/frame.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Linux cannot say whether a page of the PROT_NONE reservation was never
 * committed, moved away (a transfer, a lend out) or moved in: every move
 * must be all or nothing (every source page there, no destination page
 * there), as the page tables make it on bare metal. So a range that takes
 * part in a move keeps a bit per page: set while the page is accessible in
 * this range. Until its first move a page is there exactly when it is
 * committed, so the bitmap is made then (instantiation and components that
 * never lend pay nothing); calloc touches only the parts used. */
struct hrange {
    int       fd;
    uint64_t *present; /* one bit per page of the reservation; NULL before the first move */
    /* DMA buffers mapped in (RAM frames, past the committed memory): where,
     * and their frames, which the range frees at release. */
    struct dma_span { size_t off, len; phys_addr_t pa; } *dma;
    unsigned ndma, dma_cap;
};
#define HR(r) ((struct hrange *)(r)->cookie)

/* The C library's allocator is not reentrant, and kernel threads are
 * switched inside signal handlers on this one OS thread: a thread switched
 * out in the middle of malloc would let another one into it (the likely
 * cause of a use-after-free of an hrange the fuzzer found). So every call
 * into it is made with interrupts off. */
static void *hcalloc(size_t n, size_t size)
{
    irqflags_t f = plat_irq_save();
    void *p = calloc(n, size);
    plat_irq_restore(f);
    return p;
}

static void hfree(void *p)
{
    irqflags_t f = plat_irq_save();
    free(p);
    plat_irq_restore(f);
}
#define FD(r) (HR(r)->fd)

/* Every range reserved now, for the device doubles: a page of one can be
 * the target of a DMA (a client's page lent to a driver, which hands the
 * device its address). Changed with interrupts off (the doubles look with
 * them off too). */
#define MAX_RANGES 512
static struct plat_vrange *ranges[MAX_RANGES];
void (*plat_vrange_release_probe)(void);

static void ranges_set(struct plat_vrange *old, struct plat_vrange *new)
{
    irqflags_t f = plat_irq_save();
    for (unsigned i = 0; i < MAX_RANGES; i++)
        if (ranges[i] == old) {
            ranges[i] = new;
            break;
        }
    plat_irq_restore(f);
}

static bool page_present(struct plat_vrange *r, size_t page)
{
    if (!HR(r)->present)
        return page < r->committed / PAGE_SIZE;
    return HR(r)->present[page / 64] >> (page % 64) & 1;
}

static void set_present(struct plat_vrange *r, size_t off, size_t len, bool on)
{
    if (!HR(r)->present)
        return; /* committed is the truth until the bitmap exists */
    for (size_t p = off / PAGE_SIZE; p < (off + len) / PAGE_SIZE; p++) {
        uint64_t bit = 1ull << (p % 64);
        HR(r)->present[p / 64] = on ? HR(r)->present[p / 64] | bit : HR(r)->present[p / 64] & ~bit;
    }
}

/* Make r's bitmap (before its first move): the committed pages are there. */
static int track_pages(struct plat_vrange *r)
{
    if (HR(r)->present)
        return 0;
    HR(r)->present = hcalloc((r->size / PAGE_SIZE + 63) / 64, sizeof *HR(r)->present);
    if (!HR(r)->present)
        return -ATH_ENOMEM;
    set_present(r, 0, r->committed, true);
    return 0;
}

int plat_vrange_reserve(size_t size, struct plat_vrange *out)
{
    size = ALIGN_UP(size, PAGE_SIZE);
    if (size == 0 || size > PLAT_VRANGE_MAX)
        return -ATH_EINVAL;
    struct hrange *h = hcalloc(1, sizeof *h);
    int fd = memfd_create("azoth-linear-memory", MFD_CLOEXEC);
    if (fd < 0 || !h || ftruncate(fd, (off_t)size) != 0) {
        if (fd >= 0)
            close(fd);
        hfree(h);
        return -ATH_ENOMEM;
    }
    h->fd = fd;
    h->present = NULL;
    /* 2 MiB aligned, so that IPC moves of aligned ranges can move whole
     * page-table pages: reserve more, then trim both ends. */
    size_t align = 2u << 20;
    char *raw = mmap(NULL, size + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED) {
        close(fd);
        hfree(h);
        return -ATH_ENOMEM;
    }
    char *m = (char *)ALIGN_UP((uintptr_t)raw, align);
    if (m > raw)
        munmap(raw, (size_t)(m - raw));
    munmap(m + size, (size_t)(raw + align - m));
    out->base = (uintptr_t)m;
    out->size = size;
    out->committed = 0;
    out->snap_bytes = 0;
    out->cookie = h;
    ranges_set(NULL, out); /* a full table only hides it from the doubles */
    return 0;
}

static int map_file(struct plat_vrange *r, size_t off, size_t len, int share)
{
    void *p = mmap((void *)(r->base + off), len, PROT_READ | PROT_WRITE, share | MAP_FIXED,
                   FD(r), (off_t)off);
    return p == MAP_FAILED ? -ATH_ENOMEM : 0;
}

int plat_vrange_commit(struct plat_vrange *r, size_t bytes)
{
    if (bytes > r->size || (bytes & (PAGE_SIZE - 1)))
        return -ATH_EINVAL;
    if (bytes <= r->committed)
        return 0;
    /* Before the snapshot: shared (writes are the snapshot to be). After it:
     * anonymous (reads as zero; revert drops it), with transparent huge
     * pages allowed: 2 MiB of it then takes one page-directory entry, so an
     * IPC lend moves and write-protects it with one entry, not 512. */
    if (!r->snap_bytes) {
        if (map_file(r, r->committed, bytes - r->committed, MAP_SHARED))
            return -ATH_ENOMEM;
    } else {
        void *p = (void *)(r->base + r->committed);
        if (mmap(p, bytes - r->committed, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
            return -ATH_ENOMEM;
        madvise(p, bytes - r->committed, MADV_HUGEPAGE); /* a hint: fine if refused */
    }
    set_present(r, r->committed, bytes - r->committed, true);
    r->committed = bytes;
    return 0;
}

int plat_vrange_snapshot(struct plat_vrange *r)
{
    if (r->committed && map_file(r, 0, r->committed, MAP_PRIVATE))
        return -ATH_ENOMEM;
    r->snap_bytes = r->committed;
    return 0;
}

bool plat_vrange_cow(struct plat_vrange *r, uintptr_t addr)
{
    (void)r;
    (void)addr;
    return false; /* Linux resolves copy-on-write itself */
}

int plat_vrange_revert(struct plat_vrange *r, uint32_t *pages)
{
    if (!r->snap_bytes && !r->committed)
        return 0;
    /* Memory committed after the snapshot: back to inaccessible. */
    if (r->committed > r->snap_bytes) {
        void *p = mmap((void *)(r->base + r->snap_bytes), r->committed - r->snap_bytes, PROT_NONE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
        if (p == MAP_FAILED)
            return -ATH_ENOMEM;
        set_present(r, r->snap_bytes, r->committed - r->snap_bytes, false);
        r->committed = r->snap_bytes;
    }
    /* Count the pages that differ from the file (resident private copies)
     * only for reporting: mincore cannot tell, so report what was dropped. */
    if (pages)
        *pages = 0;
    if (r->snap_bytes && madvise((void *)r->base, r->snap_bytes, MADV_DONTNEED) != 0)
        return -ATH_ENOMEM;
    /* Snapshot pages transferred away since come back with their snapshot
     * contents (as on bare metal, where they are among the dirty pages). */
    for (size_t p = 0; p < r->snap_bytes / PAGE_SIZE;) {
        size_t q = p;
        while (q < r->snap_bytes / PAGE_SIZE && !page_present(r, q))
            q++;
        if (q > p) {
            if (map_file(r, p * PAGE_SIZE, (q - p) * PAGE_SIZE, MAP_PRIVATE))
                return -ATH_ENOMEM;
            set_present(r, p * PAGE_SIZE, (q - p) * PAGE_SIZE, true);
        }
        p = q + 1;
    }
    return 0;
}

void plat_vrange_release(struct plat_vrange *r)
{
    /* r stops describing the range before its addresses go back to Linux:
     * the next reservation may get them, and comp_by_address must then
     * find its new owner, not this one (the fault handler would charge the
     * new owner's copy-on-write fault to a dying component). */
    struct plat_vrange gone = *r;
    r->cookie = NULL;
    r->size = r->committed = r->snap_bytes = 0;
    __atomic_signal_fence(__ATOMIC_SEQ_CST); /* cleared before the munmap below */
    if (gone.size) {
        ranges_set(r, NULL);
        munmap((void *)gone.base, gone.size);
        if (plat_vrange_release_probe)
            plat_vrange_release_probe();
        close(FD(&gone));
        for (unsigned i = 0; i < HR(&gone)->ndma; i++)
            frame_free(HR(&gone)->dma[i].pa, HR(&gone)->dma[i].len / PAGE_SIZE);
        hfree(HR(&gone)->dma);
        hfree(HR(&gone)->present);
        hfree(HR(&gone));
    }
}

/* mremap moves the page tables (whole page-table pages, or one directory
 * entry per huge page, when both ends are 2 MiB aligned), whatever the size;
 * MREMAP_FIXED replaces the PROT_NONE reservation at the destination. The
 * moved mapping keeps its protection, so mprotect only has work to do for a
 * read-only lend (and for its way back): a huge page takes one entry. */
/* Linux calls made by moves, for plat_pt_counts (a benchmark's count). */
static uint64_t move_calls;

void plat_pt_counts(struct plat_pt_counts *out)
{
    *out = (struct plat_pt_counts){ .os_calls = __atomic_load_n(&move_calls, __ATOMIC_RELAXED) };
}

static int move_one(uintptr_t from, uintptr_t to, size_t len, bool writable)
{
    void *src = (void *)from, *dst = (void *)to;
    __atomic_fetch_add(&move_calls, 3, __ATOMIC_RELAXED); /* mremap, mmap, mprotect */
    if (mremap(src, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, dst) == MAP_FAILED)
        return -ATH_EINVAL; /* e.g. the range spans mappings of different kinds */
    /* Keep the source part of its reservation: inaccessible, not unmapped. */
    if (mmap(src, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) ==
        MAP_FAILED)
        return -ATH_ENOMEM;
    if (mprotect(dst, len, writable ? PROT_READ | PROT_WRITE : PROT_READ) != 0)
        return -ATH_ENOMEM;
    return 0;
}

int plat_vrange_move(struct plat_vrange *from, size_t foff, struct plat_vrange *to, size_t toff,
                     size_t len, bool writable)
{
    if (((foff | toff | len) & (PAGE_SIZE - 1)) || len == 0 || foff + len > from->size ||
        toff + len > to->size)
        return -ATH_EINVAL;
    /* All or nothing, as on bare metal: a page given away (transferred) or
     * lent out cannot be moved again, and nothing lands on a page there. */
    if (track_pages(from) || track_pages(to))
        return -ATH_ENOMEM;
    for (size_t p = 0; p < len / PAGE_SIZE; p++)
        if (!page_present(from, foff / PAGE_SIZE + p) || page_present(to, toff / PAGE_SIZE + p))
            return -ATH_EINVAL;
    /* One mremap per mapping: the snapshot part of a memory (a private file
     * mapping) and what was committed after it (anonymous) are different
     * mappings, so a range is cut where either side's snapshot ends. A lend
     * comes back with the same cuts it went out with. */
    size_t cut1 = from->snap_bytes > foff ? from->snap_bytes - foff : 0;
    size_t cut2 = to->snap_bytes > toff ? to->snap_bytes - toff : 0;
    size_t cuts[4] = { 0, cut1 < cut2 ? cut1 : cut2, cut1 < cut2 ? cut2 : cut1, len };
    for (int i = 0; i < 3; i++) {
        size_t lo = cuts[i] < len ? cuts[i] : len, hi = cuts[i + 1] < len ? cuts[i + 1] : len;
        if (hi <= lo)
            continue;
        int r = move_one(from->base + foff + lo, to->base + toff + lo, hi - lo, writable);
        if (r)
            return r;
        set_present(from, foff + lo, hi - lo, false);
        set_present(to, toff + lo, hi - lo, true);
    }
    return 0;
}

/* ---- DMA buffers: RAM frames mapped into the range (hw/dma.c) ---- */

int plat_vrange_map_frames(struct plat_vrange *r, size_t off, phys_addr_t phys, size_t len)
{
    struct hrange *h = HR(r);
    if (((off | phys | len) & (PAGE_SIZE - 1)) || len == 0 || off + len > r->size || off < r->committed)
        return -ATH_EINVAL;
    for (unsigned i = 0; i < h->ndma; i++)
        if (off < h->dma[i].off + h->dma[i].len && h->dma[i].off < off + len)
            return -ATH_EEXIST;
    if (h->ndma == h->dma_cap) { /* grow the list (a driver takes a few buffers) */
        unsigned cap = h->dma_cap ? 2 * h->dma_cap : 4;
        struct dma_span *n = hcalloc(cap, sizeof *n);
        if (!n)
            return -ATH_ENOMEM;
        if (h->ndma)
            memcpy(n, h->dma, h->ndma * sizeof *n);
        hfree(h->dma);
        h->dma = n;
        h->dma_cap = cap;
    }
    int e = hosted_ram_map((void *)(r->base + off), phys, len);
    if (e)
        return e;
    h->dma[h->ndma++] = (struct dma_span){ off, len, phys };
    return 0;
}

bool plat_vrange_mapped(struct plat_vrange *r, size_t off, size_t len)
{
    if (len == 0 || off > r->size || len > r->size - off)
        return false;
    size_t last = (off + len - 1) / PAGE_SIZE;
    for (size_t p = off / PAGE_SIZE; p <= last; p++) {
        phys_addr_t pa;
        if (!page_present(r, p) && plat_vrange_phys(r, p * PAGE_SIZE, &pa) != 0)
            return false;
    }
    return true;
}

int plat_vrange_phys(struct plat_vrange *r, size_t off, phys_addr_t *phys)
{
    if (off >= r->size)
        return -ATH_EINVAL;
    for (unsigned i = 0; i < HR(r)->ndma; i++) {
        const struct dma_span *d = &HR(r)->dma[i];
        if (off >= d->off && off - d->off < d->len) {
            *phys = d->pa + (off - d->off);
            return 0;
        }
    }
    /* Any other page that is there: its address in the kernel's own
     * space, marked (HOSTED_VA_PHYS), which hosted_dma_ptr checks against
     * the ranges before a device double touches it. */
    if (!page_present(r, off / PAGE_SIZE))
        return -ATH_ENOSYS;
    *phys = HOSTED_VA_PHYS | (r->base + off);
    return 0;
}

void *hosted_dma_ptr(uint64_t pa, size_t len)
{
    void *p = hosted_ram_ptr(pa, len);
    if (p || !(pa & HOSTED_VA_PHYS) || len == 0)
        return p;
    uintptr_t va = (uintptr_t)(pa & ~HOSTED_VA_PHYS);
    for (unsigned i = 0; i < MAX_RANGES; i++) {
        struct plat_vrange *r = ranges[i];
        if (!r || va < r->base || va - r->base >= r->size || len > r->size - (va - r->base))
            continue;
        size_t off = va - r->base;
        for (size_t pg = off / PAGE_SIZE; pg <= (off + len - 1) / PAGE_SIZE; pg++)
            if (!page_present(r, pg))
                return NULL;
        return (void *)va;
    }
    return NULL;
}

int plat_vrange_unmap_frames(struct plat_vrange *r, size_t off, size_t len, bool free_frames)
{
    struct hrange *h = HR(r);
    if (((off | len) & (PAGE_SIZE - 1)) || off + len > r->size || off < r->committed)
        return -ATH_EINVAL;
    for (unsigned i = 0; i < h->ndma;) {
        struct dma_span *d = &h->dma[i];
        if (d->off < off || d->off + d->len > off + len) {
            i++;
            continue;
        }
        if (mmap((void *)(r->base + d->off), d->len, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
            return -ATH_ENOMEM; /* still mapped: its frames stay the range's */
        if (free_frames)
            frame_free(d->pa, d->len / PAGE_SIZE);
        *d = h->dma[--h->ndma];
    }
    return 0;
}
