/* Unit tests of the physical frame allocator (kernel/mem/frame.c) over
 * simulated RAM: region parsing, runs, alignment, exhaustion, stats, panics. */
#include <string.h>

#include "fake_platform.h"
#include "unit_rng.h"

#include <athanor/errors.h>
#include <athanor/frame.h>

#define KiB          1024ull
#define MiB          (1024ull * KiB)
#define RAM_FRAMES   (FAKE_RAM_SIZE / PAGE_SIZE)
#define PAGE_2M_BYTES (2 * MiB)
#define FRAMES_2M     (PAGE_2M_BYTES / PAGE_SIZE)
#define BITS_PER_WORD 64
#define RANDOM_OPS    3000
#define RANDOM_SEED   0xf4a3e5ull
#define MAX_RUN       16
#define MAX_LIVE      512

/* Which simulated-RAM frames the test currently owns (frame index from FAKE_RAM_BASE). */
static bool owned[RAM_FRAMES];

static int setup(void **state)
{
    (void)state;
    fake_ram_reset();
    fake_panic_reset();
    fake_irq_set(true);
    memset(owned, 0, sizeof owned);
    return 0;
}

static struct boot_region region(uint64_t offset, uint64_t size)
{
    return (struct boot_region){ FAKE_RAM_BASE + offset, size };
}

/* Frames the bitmap needs when the highest usable byte is below `top`. */
static uint64_t bitmap_frames(phys_addr_t top)
{
    uint64_t frames = top / PAGE_SIZE;
    uint64_t words = (frames + BITS_PER_WORD - 1) / BITS_PER_WORD;
    return ALIGN_UP(words * sizeof(uint64_t), PAGE_SIZE) / PAGE_SIZE;
}

/* True if the whole frame at pa lies in the page-aligned part of a region. */
static bool in_regions(phys_addr_t pa, const struct boot_region *r, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        phys_addr_t b = ALIGN_UP(r[i].base, PAGE_SIZE);
        phys_addr_t e = ALIGN_DOWN(r[i].base + r[i].size, PAGE_SIZE);
        if (pa >= b && pa + PAGE_SIZE <= e)
            return true;
    }
    return false;
}

static size_t frame_index(phys_addr_t pa)
{
    assert_true(pa >= FAKE_RAM_BASE && pa < FAKE_RAM_END);
    return (size_t)((pa - FAKE_RAM_BASE) / PAGE_SIZE);
}

/* Record a freshly allocated run, checking it is new and inside the regions. */
static void take(phys_addr_t base, size_t count, const struct boot_region *r, unsigned n)
{
    assert_true(IS_ALIGNED(base, PAGE_SIZE));
    for (size_t i = 0; i < count; i++) {
        phys_addr_t pa = base + i * PAGE_SIZE;
        if (!in_regions(pa, r, n))
            fail_msg("frame %#llx handed out but not in any region", (unsigned long long)pa);
        size_t f = frame_index(pa);
        if (owned[f])
            fail_msg("frame %#llx handed out twice", (unsigned long long)pa);
        owned[f] = true;
    }
}

static void give_back(phys_addr_t base, size_t count)
{
    frame_free(base, count);
    for (size_t i = 0; i < count; i++)
        owned[frame_index(base + i * PAGE_SIZE)] = false;
}

static struct frame_stats stats(void)
{
    struct frame_stats st;
    frame_get_stats(&st);
    return st;
}

/* Allocate single frames until the allocator says no; returns how many. */
static uint64_t drain_singles(const struct boot_region *r, unsigned n)
{
    uint64_t got = 0;
    phys_addr_t pa;
    int rc;
    while ((rc = frame_alloc(1, 1, &pa)) == 0) {
        take(pa, 1, r, n);
        got++;
        assert_true(got <= RAM_FRAMES);
    }
    assert_int_equal(rc, -ATH_ENOMEM);
    return got;
}

static void test_init_single_region(void **state)
{
    (void)state;
    struct boot_region r = region(0, FAKE_RAM_SIZE);
    assert_int_equal(frame_init(&r, 1), 0);
    struct frame_stats st = stats();
    uint64_t bm = bitmap_frames(FAKE_RAM_END);
    assert_true(bm > 1); /* the fake RAM base is chosen so the bitmap spans pages */
    assert_int_equal(st.reserved, bm);
    assert_int_equal(st.total, RAM_FRAMES - bm);
    assert_int_equal(st.free, st.total);
}

static void test_init_unaligned_edges(void **state)
{
    (void)state;
    const struct boot_region r[] = {
        region(0x10, 256 * KiB + 0x123),       /* whole frames [4K, 256K) */
        region(1 * MiB + 1, PAGE_SIZE - 2),    /* no whole frame inside */
        region(2 * MiB + 0x800, 3 * PAGE_SIZE), /* whole frames [2M+4K, 2M+12K) */
        region(3 * MiB, 0),                    /* empty */
    };
    const uint64_t whole_frames = (256 * KiB - PAGE_SIZE) / PAGE_SIZE + 2;
    assert_int_equal(frame_init(r, ARRAY_LEN(r)), 0);
    struct frame_stats st = stats();
    uint64_t bm = bitmap_frames(FAKE_RAM_BASE + 2 * MiB + 3 * PAGE_SIZE);
    assert_int_equal(st.reserved, bm);
    assert_int_equal(st.total, whole_frames - bm);
    assert_int_equal(drain_singles(r, ARRAY_LEN(r)), st.total);
    /* The bitmap sits at the start of the first region's aligned part. */
    for (uint64_t i = 0; i < bm; i++)
        assert_false(owned[frame_index(FAKE_RAM_BASE + PAGE_SIZE) + i]);
}

static void test_init_fails_without_room(void **state)
{
    (void)state;
    assert_int_equal(frame_init(NULL, 0), -ATH_ENOMEM);
    /* Each region is smaller than the bitmap plus one frame. */
    uint64_t bm = bitmap_frames(FAKE_RAM_END);
    assert_int_equal(bitmap_frames(FAKE_RAM_BASE + 2 * MiB + (bm + 1) * PAGE_SIZE), bm);
    const struct boot_region tiny[] = {
        region(0, bm * PAGE_SIZE),
        region(1 * MiB, PAGE_SIZE),
        region(2 * MiB + 1, (bm + 1) * PAGE_SIZE), /* bm+1 bytes-worth, but only bm whole frames */
    };
    assert_int_equal(frame_init(tiny, ARRAY_LEN(tiny)), -ATH_ENOMEM);
    const struct boot_region empty[] = { region(0, PAGE_SIZE - 1), region(1 * MiB, 0) };
    assert_int_equal(frame_init(empty, ARRAY_LEN(empty)), -ATH_ENOMEM);
}

static void test_drain_with_holes_and_unsorted_regions(void **state)
{
    (void)state;
    const struct boot_region r[] = {
        region(5 * MiB, 1 * MiB),
        region(0, 2 * PAGE_SIZE), /* too small for the bitmap: not where it goes */
        region(1 * MiB, 640 * KiB),
        region(7 * MiB + 4 * PAGE_SIZE, 40 * PAGE_SIZE),
    };
    assert_int_equal(frame_init(r, ARRAY_LEN(r)), 0);
    struct frame_stats st = stats();
    uint64_t whole = (1 * MiB + 2 * PAGE_SIZE + 640 * KiB + 40 * PAGE_SIZE) / PAGE_SIZE;
    assert_int_equal(st.total + st.reserved, whole);

    assert_int_equal(drain_singles(r, ARRAY_LEN(r)), st.total);
    assert_int_equal(stats().free, 0);
    /* The bitmap lives at the start of the lowest region big enough (r[2]). */
    for (uint64_t i = 0; i < st.reserved; i++)
        assert_false(owned[frame_index(r[2].base) + i]);
    assert_true(owned[frame_index(r[1].base)]);

    /* Give everything back; the allocator hands out the same amount again. */
    for (size_t f = 0; f < RAM_FRAMES; f++)
        if (owned[f])
            give_back(FAKE_RAM_BASE + f * PAGE_SIZE, 1);
    assert_int_equal(stats().free, st.total);
    assert_int_equal(drain_singles(r, ARRAY_LEN(r)), st.total);
}

static void test_contiguous_runs_do_not_cross_holes(void **state)
{
    (void)state;
    enum { RUN = 8 };
    const struct boot_region r[] = {
        region(0, 64 * KiB),        /* 16 frames, bitmap takes some */
        region(128 * KiB, 64 * KiB), /* 16 frames: 2 runs */
        region(1 * MiB, 1 * MiB),   /* 256 frames: 32 runs */
    };
    assert_int_equal(frame_init(r, ARRAY_LEN(r)), 0);
    struct frame_stats st = stats();
    uint64_t first_free = 64 * KiB / PAGE_SIZE - st.reserved;
    uint64_t want_runs = first_free / RUN + 2 + 32;

    uint64_t runs = 0;
    phys_addr_t pa;
    while (frame_alloc(RUN, 1, &pa) == 0) {
        take(pa, RUN, r, ARRAY_LEN(r)); /* every frame of the run is RAM: no hole crossed */
        runs++;
    }
    assert_int_equal(runs, want_runs);
    /* Runs are exhausted but the leftover single frames are not. */
    uint64_t left = first_free % RUN;
    assert_int_equal(stats().free, left);
    assert_int_equal(drain_singles(r, ARRAY_LEN(r)), left);
}

static void test_aligned_runs(void **state)
{
    (void)state;
    struct boot_region r = region(0, FAKE_RAM_SIZE);
    assert_int_equal(frame_init(&r, 1), 0);
    phys_addr_t pa;
    assert_int_equal(frame_alloc(1, 1, &pa), 0); /* leave the search start unaligned */
    take(pa, 1, &r, 1);
    for (size_t align = 1; align <= 64; align *= 2) {
        for (size_t count = 1; count <= align + 1; count += align / 2 + 1) {
            assert_int_equal(frame_alloc(count, align, &pa), 0);
            if (!IS_ALIGNED(pa, align * PAGE_SIZE))
                fail_msg("frame_alloc(%zu, %zu) = %#llx: misaligned", count, align,
                         (unsigned long long)pa);
            take(pa, count, &r, 1);
        }
    }
}

static void test_2m_runs_until_exhausted(void **state)
{
    (void)state;
    struct boot_region r = region(0, FAKE_RAM_SIZE);
    assert_int_equal(frame_init(&r, 1), 0);
    struct frame_stats st = stats();
    /* The bitmap occupies the start of the first 2 MiB block; the others are whole. */
    const uint64_t whole_blocks = FAKE_RAM_SIZE / PAGE_2M_BYTES - 1;
    phys_addr_t pa;
    for (uint64_t i = 0; i < whole_blocks; i++) {
        assert_int_equal(frame_alloc(FRAMES_2M, FRAMES_2M, &pa), 0);
        assert_true(IS_ALIGNED(pa, PAGE_2M_BYTES));
        take(pa, FRAMES_2M, &r, 1);
    }
    assert_int_equal(frame_alloc(FRAMES_2M, FRAMES_2M, &pa), -ATH_ENOMEM);
    assert_int_equal(frame_alloc(FRAMES_2M, 1, &pa), -ATH_ENOMEM); /* nor unaligned */
    /* What is left is exactly the first block minus the bitmap, in one run. */
    uint64_t rest = FRAMES_2M - st.reserved;
    assert_int_equal(stats().free, rest);
    assert_int_equal(frame_alloc(rest, 1, &pa), 0);
    assert_int_equal(pa, FAKE_RAM_BASE + st.reserved * PAGE_SIZE);
    take(pa, rest, &r, 1);
    assert_int_equal(frame_alloc(1, 1, &pa), -ATH_ENOMEM);
    assert_int_equal(stats().free, 0);
}

static void test_invalid_arguments(void **state)
{
    (void)state;
    struct boot_region r = region(0, FAKE_RAM_SIZE);
    assert_int_equal(frame_init(&r, 1), 0);
    const phys_addr_t untouched = 0xdeadb000;
    phys_addr_t pa = untouched;
    assert_int_equal(frame_alloc(0, 1, &pa), -ATH_EINVAL);
    assert_int_equal(frame_alloc(1, 0, &pa), -ATH_EINVAL);
    assert_int_equal(frame_alloc(1, 3, &pa), -ATH_EINVAL);
    assert_int_equal(frame_alloc(4, 12, &pa), -ATH_EINVAL);
    assert_int_equal(pa, untouched);
    assert_int_equal(stats().free, stats().total);
}

static void test_exhaustion(void **state)
{
    (void)state;
    struct boot_region r = region(0, FAKE_RAM_SIZE);
    assert_int_equal(frame_init(&r, 1), 0);
    struct frame_stats st = stats();
    phys_addr_t pa;
    assert_int_equal(frame_alloc(st.total + 1, 1, &pa), -ATH_ENOMEM);
    assert_int_equal(frame_alloc(SIZE_MAX / 2, 1, &pa), -ATH_ENOMEM);
    assert_int_equal(stats().free, st.total);
    /* With one region, everything but the bitmap is one run. */
    assert_int_equal(frame_alloc(st.total, 1, &pa), 0);
    take(pa, st.total, &r, 1);
    assert_int_equal(stats().free, 0);
    assert_int_equal(frame_alloc(1, 1, &pa), -ATH_ENOMEM);
    give_back(pa, st.total);
    assert_int_equal(stats().free, st.total);
}

static void test_free_and_realloc(void **state)
{
    (void)state;
    struct boot_region r = region(0, 1 * MiB);
    assert_int_equal(frame_init(&r, 1), 0);
    uint64_t n = drain_singles(&r, 1);
    assert_true(n > 16);
    phys_addr_t mid = FAKE_RAM_BASE + (r.size / 2);
    phys_addr_t late = mid + 8 * PAGE_SIZE;
    give_back(mid, 1);
    assert_int_equal(stats().free, 1);
    phys_addr_t pa;
    assert_int_equal(frame_alloc(1, 1, &pa), 0);
    assert_int_equal(pa, mid);
    take(pa, 1, &r, 1);

    /* Two free frames that are not adjacent do not make a run of two. */
    give_back(late, 1);
    give_back(mid, 1);
    assert_int_equal(frame_alloc(2, 1, &pa), -ATH_ENOMEM);
    phys_addr_t a, b;
    assert_int_equal(frame_alloc(1, 1, &a), 0);
    assert_int_equal(frame_alloc(1, 1, &b), 0);
    assert_true((a == mid && b == late) || (a == late && b == mid));
    take(a, 1, &r, 1);
    take(b, 1, &r, 1);

    /* An aligned run freed is found again by an aligned request. */
    phys_addr_t run = ALIGN_UP(mid, 4 * PAGE_SIZE);
    give_back(run, 4);
    assert_int_equal(frame_alloc(4, 4, &pa), 0);
    assert_int_equal(pa, run);
    take(pa, 4, &r, 1);
    assert_int_equal(stats().free, 0);
}

static void test_random_alloc_free_keeps_stats(void **state)
{
    (void)state;
    const struct boot_region r[] = {
        region(0, 512 * KiB),
        region(1 * MiB + 0x321, 700 * KiB),
        region(3 * MiB, 64 * KiB),
        region(4 * MiB, 2 * MiB),
    };
    assert_int_equal(frame_init(r, ARRAY_LEN(r)), 0);
    const struct frame_stats st0 = stats();
    struct live {
        phys_addr_t pa;
        size_t      n;
    } live[MAX_LIVE];
    unsigned nlive = 0;
    uint64_t held = 0, enomem = 0;
    struct unit_rng rng;
    unit_rng_seed(&rng, RANDOM_SEED);
    for (int op = 0; op < RANDOM_OPS; op++) {
        bool do_alloc = nlive == 0 || (nlive < MAX_LIVE && unit_rng_below(&rng, 100) < 55);
        if (do_alloc) {
            size_t n = 1 + (size_t)unit_rng_below(&rng, MAX_RUN);
            size_t align = (size_t)1 << unit_rng_below(&rng, 5);
            phys_addr_t pa;
            int rc = frame_alloc(n, align, &pa);
            if (rc == -ATH_ENOMEM) {
                enomem++;
                continue;
            }
            assert_int_equal(rc, 0);
            assert_true(IS_ALIGNED(pa, align * PAGE_SIZE));
            take(pa, n, r, ARRAY_LEN(r));
            live[nlive++] = (struct live){ pa, n };
            held += n;
        } else {
            unsigned i = (unsigned)unit_rng_below(&rng, nlive);
            give_back(live[i].pa, live[i].n);
            held -= live[i].n;
            live[i] = live[--nlive];
        }
        struct frame_stats st = stats();
        assert_int_equal(st.total, st0.total);
        assert_int_equal(st.reserved, st0.reserved);
        assert_int_equal(st.free, st0.total - held);
    }
    assert_true(enomem > 0); /* the sequence must have hit exhaustion at least once */
    while (nlive) {
        nlive--;
        give_back(live[nlive].pa, live[nlive].n);
    }
    assert_int_equal(stats().free, st0.total);
}

static void test_double_free_panics(void **state)
{
    (void)state;
    struct boot_region r = region(0, FAKE_RAM_SIZE);
    assert_int_equal(frame_init(&r, 1), 0);
    phys_addr_t pa;
    assert_int_equal(frame_alloc(1, 1, &pa), 0);
    frame_free(pa, 1);
    uint64_t free_before = stats().free;
    EXPECT_PANIC(frame_free(pa, 1));
    assert_true(fake_contains(fake_panic_message(), "double free"));
    assert_int_equal(stats().free, free_before);

    /* A run with one free frame in the middle: panics and frees nothing. */
    phys_addr_t run;
    assert_int_equal(frame_alloc(4, 1, &run), 0);
    frame_free(run + 2 * PAGE_SIZE, 1);
    free_before = stats().free;
    EXPECT_PANIC(frame_free(run, 4));
    assert_int_equal(stats().free, free_before);
    frame_free(run, 2); /* still allocated, so this must not panic */
    frame_free(run + 3 * PAGE_SIZE, 1);

    /* A RAM frame that was never allocated. */
    phys_addr_t never = FAKE_RAM_END - PAGE_SIZE;
    EXPECT_PANIC(frame_free(never, 1));
    assert_true(fake_contains(fake_panic_message(), "double free"));

    /* The panic paths released the lock and restored interrupts. */
    assert_true(fake_irq_enabled());
    assert_int_equal(frame_alloc(1, 1, &pa), 0);
}

static void test_free_of_non_ram_panics(void **state)
{
    (void)state;
    const struct boot_region r[] = { region(0, 1 * MiB), region(2 * MiB, 1 * MiB) };
    assert_int_equal(frame_init(r, ARRAY_LEN(r)), 0);
    const uint64_t free0 = stats().free;
    EXPECT_PANIC(frame_free(FAKE_RAM_BASE + 1 * MiB + PAGE_SIZE, 1)); /* in the hole */
    assert_true(fake_contains(fake_panic_message(), "not allocatable RAM"));
    EXPECT_PANIC(frame_free(PAGE_SIZE, 1));                           /* below all RAM */
    EXPECT_PANIC(frame_free(FAKE_RAM_BASE + 3 * MiB, 1));             /* just past the end */
    /* All of the first region allocated, so only the RAM check can object to
     * a free that runs from its last frame into the hole. */
    const size_t first = (size_t)(1 * MiB / PAGE_SIZE - stats().reserved);
    phys_addr_t pa;
    assert_int_equal(frame_alloc(first, 1, &pa), 0);
    assert_int_equal(pa + first * PAGE_SIZE, FAKE_RAM_BASE + 1 * MiB);
    EXPECT_PANIC(frame_free(FAKE_RAM_BASE + 1 * MiB - PAGE_SIZE, 2));
    assert_true(fake_contains(fake_panic_message(), "not allocatable RAM"));
    EXPECT_PANIC(frame_free(pa + 0x10, 1)); /* misaligned */
    assert_int_equal(fake_panic_count(), 5);
    assert_int_equal(stats().free, free0 - first);
    frame_free(pa, first);
    assert_int_equal(stats().free, free0);
    assert_true(fake_irq_enabled());
}

/* Touching and overlapping regions merge: a run handed out across the
 * boundary of two reported regions can be freed again. */
static void test_touching_regions_merge(void **state)
{
    (void)state;
    const struct boot_region r[] = {
        region(1 * MiB, 64 * KiB),
        region(1 * MiB + 64 * KiB, 64 * KiB), /* touches the first */
        region(1 * MiB + 96 * KiB, 64 * KiB), /* overlaps the second */
    };
    assert_int_equal(frame_init(r, ARRAY_LEN(r)), 0);
    struct frame_stats st = stats();
    assert_int_equal(st.total + st.reserved, (160 * KiB) / PAGE_SIZE); /* counted once */
    size_t all = (size_t)st.total;
    phys_addr_t pa;
    assert_int_equal(frame_alloc(all, 1, &pa), 0); /* one run spanning all three */
    frame_free(pa, all);
    assert_int_equal(fake_panic_count(), 0);
    assert_int_equal(stats().free, st.total);
}

/* The allocator's own bitmap frames can never be "freed" into circulation. */
static void test_free_of_bitmap_panics(void **state)
{
    (void)state;
    struct boot_region r = region(0, FAKE_RAM_SIZE);
    assert_int_equal(frame_init(&r, 1), 0);
    uint64_t free0 = stats().free;
    EXPECT_PANIC(frame_free(FAKE_RAM_BASE, 1)); /* the bitmap sits at the start */
    assert_true(fake_contains(fake_panic_message(), "not allocatable RAM"));
    assert_int_equal(stats().free, free0);
}

static void test_irq_state_preserved(void **state)
{
    (void)state;
    struct boot_region r = region(0, FAKE_RAM_SIZE);
    assert_int_equal(frame_init(&r, 1), 0);
    phys_addr_t pa;
    for (int on = 0; on <= 1; on++) {
        fake_irq_set(on);
        assert_int_equal(frame_alloc(3, 2, &pa), 0);
        assert_int_equal(fake_irq_enabled(), on);
        frame_free(pa, 3);
        assert_int_equal(fake_irq_enabled(), on);
        (void)stats();
        assert_int_equal(fake_irq_enabled(), on);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init_single_region, setup),
        cmocka_unit_test_setup(test_touching_regions_merge, setup),
        cmocka_unit_test_setup(test_free_of_bitmap_panics, setup),
        cmocka_unit_test_setup(test_init_unaligned_edges, setup),
        cmocka_unit_test_setup(test_init_fails_without_room, setup),
        cmocka_unit_test_setup(test_drain_with_holes_and_unsorted_regions, setup),
        cmocka_unit_test_setup(test_contiguous_runs_do_not_cross_holes, setup),
        cmocka_unit_test_setup(test_aligned_runs, setup),
        cmocka_unit_test_setup(test_2m_runs_until_exhausted, setup),
        cmocka_unit_test_setup(test_invalid_arguments, setup),
        cmocka_unit_test_setup(test_exhaustion, setup),
        cmocka_unit_test_setup(test_free_and_realloc, setup),
        cmocka_unit_test_setup(test_random_alloc_free_keeps_stats, setup),
        cmocka_unit_test_setup(test_double_free_panics, setup),
        cmocka_unit_test_setup(test_free_of_non_ram_panics, setup),
        cmocka_unit_test_setup(test_irq_state_preserved, setup),
    };
    return cmocka_run_group_tests_name("frame", tests, NULL, NULL);
}
