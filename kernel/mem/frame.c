/* Physical frame allocator: a bitmap with one bit per 4 KiB frame (1 = in use
 * or not RAM), covering physical addresses [0, highest free byte). The bitmap
 * itself lives in the first free region that can hold it.
 * Locking: frame_lock (irqsave) protects the bitmap, the hint and the counters. */
#include <athanor/errors.h>
#include <athanor/frame.h>
#include <athanor/klib.h>
#include <athanor/spinlock.h>

static spinlock_t frame_lock = SPINLOCK_INIT;
static uint64_t  *bitmap;
static size_t     nframes;    /* frames covered by the bitmap */
static size_t     hint;       /* next-fit search start (a frame number) */
static struct frame_stats stats;
/* Frames promised (frame_promise) but not yet taken: free frames that only
 * frame_alloc_promised may use. Invariant: promised <= stats.free. */
static size_t     promised;
/* Copy of the free regions, to reject frees of addresses that were never RAM. */
static struct boot_region ram[BOOT_MAX_REGIONS];
static unsigned            nram;
static phys_addr_t         bitmap_base;   /* the allocator's own frames: never freeable */
static size_t              bitmap_frames;

static inline bool bit_get(size_t f) { return bitmap[f / 64] >> (f % 64) & 1; }
static inline void bit_set(size_t f) { bitmap[f / 64] |= 1ull << (f % 64); }
static inline void bit_clr(size_t f) { bitmap[f / 64] &= ~(1ull << (f % 64)); }

/* Copy the page-aligned regions into ram[], sorted by address, with
 * overlapping or touching regions merged: a contiguous run handed out across
 * a boundary between two reported regions must be freeable again. */
static void collect_regions(const struct boot_region *regions, unsigned n)
{
    nram = 0;
    for (unsigned i = 0; i < n && nram < BOOT_MAX_REGIONS; i++) {
        phys_addr_t b = ALIGN_UP(regions[i].base, PAGE_SIZE);
        phys_addr_t e = ALIGN_DOWN(regions[i].base + regions[i].size, PAGE_SIZE);
        if (e <= b)
            continue;
        unsigned k = nram++;
        while (k > 0 && ram[k - 1].base > b) { /* insertion sort by base */
            ram[k] = ram[k - 1];
            k--;
        }
        ram[k].base = b;
        ram[k].size = e - b;
    }
    unsigned out = 0;
    for (unsigned i = 0; i < nram; i++) {
        if (out && ram[i].base <= ram[out - 1].base + ram[out - 1].size) {
            phys_addr_t end = MAX(ram[out - 1].base + ram[out - 1].size, ram[i].base + ram[i].size);
            ram[out - 1].size = end - ram[out - 1].base;
        } else {
            ram[out++] = ram[i];
        }
    }
    nram = out;
}

int frame_init(const struct boot_region *regions, unsigned n)
{
    collect_regions(regions, n);
    phys_addr_t top = 0;
    for (unsigned i = 0; i < nram; i++)
        top = MAX(top, ram[i].base + ram[i].size);
    nframes = top / PAGE_SIZE;
    size_t words = (nframes + 63) / 64;
    size_t bm_bytes = ALIGN_UP(words * sizeof(uint64_t), PAGE_SIZE);

    /* Put the bitmap at the start of the first region that can hold it. */
    int at = -1;
    for (unsigned i = 0; i < nram; i++)
        if (ram[i].size >= bm_bytes + PAGE_SIZE) {
            at = (int)i;
            break;
        }
    if (at < 0 || nframes == 0)
        return -ATH_ENOMEM;
    bitmap = plat_phys_to_virt(ram[at].base);
    memset(bitmap, 0xff, words * sizeof(uint64_t));

    stats.total = stats.free = 0;
    for (unsigned i = 0; i < nram; i++) {
        for (phys_addr_t a = ram[i].base; a < ram[i].base + ram[i].size; a += PAGE_SIZE) {
            bit_clr(a / PAGE_SIZE);
            stats.total++;
        }
    }
    size_t bm_frames = bm_bytes / PAGE_SIZE;
    bitmap_base = ram[at].base;
    bitmap_frames = bm_frames;
    for (size_t f = 0; f < bm_frames; f++)
        bit_set(bitmap_base / PAGE_SIZE + f);
    stats.reserved = bm_frames;
    stats.total -= bm_frames;
    stats.free = stats.total;
    hint = 0;
    return 0;
}

/* Find `count` free frames starting at a multiple of `align`, in [from, to). */
static bool find_run(size_t from, size_t to, size_t count, size_t align, size_t *out)
{
    size_t f = ALIGN_UP(from, align);
    while (f + count <= to) {
        /* Skip whole used words quickly when looking for single frames. */
        if (align == 1 && f % 64 == 0 && bitmap[f / 64] == ~0ull) {
            f += 64;
            continue;
        }
        size_t i = 0;
        while (i < count && !bit_get(f + i))
            i++;
        if (i == count) {
            *out = f;
            return true;
        }
        f = ALIGN_UP(f + i + 1, align);
    }
    return false;
}

/* Take a run; frame_lock held. from_promise: count frames of a promise. */
static int alloc_locked(size_t count, size_t align, bool from_promise, phys_addr_t *out)
{
    if (!from_promise && stats.free - promised < count)
        return -ATH_ENOMEM; /* what is left is promised to others */
    size_t f;
    if (!find_run(hint, nframes, count, align, &f) && !find_run(0, nframes, count, align, &f))
        return -ATH_ENOMEM;
    for (size_t i = 0; i < count; i++)
        bit_set(f + i);
    stats.free -= count;
    if (from_promise)
        promised -= count;
    hint = f + count;
    *out = (phys_addr_t)f * PAGE_SIZE;
    return 0;
}

int frame_alloc(size_t count, size_t align, phys_addr_t *out)
{
    if (count == 0 || align == 0 || (align & (align - 1)))
        return -ATH_EINVAL;
    irqflags_t fl = spin_lock_irqsave(&frame_lock);
    int r = alloc_locked(count, align, false, out);
    spin_unlock_irqrestore(&frame_lock, fl);
    return r;
}

int frame_promise(size_t count)
{
    irqflags_t fl = spin_lock_irqsave(&frame_lock);
    int r = stats.free - promised >= count ? 0 : -ATH_ENOMEM;
    if (r == 0)
        promised += count;
    spin_unlock_irqrestore(&frame_lock, fl);
    return r;
}

void frame_unpromise(size_t count)
{
    irqflags_t fl = spin_lock_irqsave(&frame_lock);
    KASSERT(count <= promised);
    promised -= count;
    spin_unlock_irqrestore(&frame_lock, fl);
}

int frame_alloc_promised(phys_addr_t *out)
{
    irqflags_t fl = spin_lock_irqsave(&frame_lock);
    KASSERT(promised > 0);
    int r = alloc_locked(1, 1, true, out); /* promised <= free: a free frame exists */
    spin_unlock_irqrestore(&frame_lock, fl);
    return r;
}

/* True if [base, base + count frames) is RAM the allocator hands out. */
static bool is_ram(phys_addr_t base, size_t count)
{
    phys_addr_t end = base + count * PAGE_SIZE;
    if (count == 0 || end < base)
        return false;
    if (base < bitmap_base + bitmap_frames * PAGE_SIZE && end > bitmap_base)
        return false;
    for (unsigned i = 0; i < nram; i++)
        if (base >= ram[i].base && end <= ram[i].base + ram[i].size)
            return true;
    return false;
}

void frame_free(phys_addr_t base, size_t count)
{
    if (!IS_ALIGNED(base, PAGE_SIZE) || !is_ram(base, count))
        kpanic("frame_free: %#llx (+%zu frames) is not allocatable RAM",
               (unsigned long long)base, count);
    irqflags_t fl = spin_lock_irqsave(&frame_lock);
    size_t f0 = base / PAGE_SIZE;
    for (size_t i = 0; i < count; i++) {
        if (!bit_get(f0 + i)) {
            spin_unlock_irqrestore(&frame_lock, fl);
            kpanic("frame_free: double free of frame %#llx",
                   (unsigned long long)(base + i * PAGE_SIZE));
        }
    }
    for (size_t i = 0; i < count; i++)
        bit_clr(f0 + i);
    stats.free += count;
    if (f0 < hint)
        hint = f0;
    spin_unlock_irqrestore(&frame_lock, fl);
}

void frame_free_promise(phys_addr_t pa)
{
    frame_free(pa, 1);
    irqflags_t fl = spin_lock_irqsave(&frame_lock);
    promised++; /* the frame just freed is free: promised <= free holds */
    spin_unlock_irqrestore(&frame_lock, fl);
}

void frame_get_stats(struct frame_stats *st)
{
    irqflags_t fl = spin_lock_irqsave(&frame_lock);
    *st = stats;
    st->promised = promised;
    spin_unlock_irqrestore(&frame_lock, fl);
}
