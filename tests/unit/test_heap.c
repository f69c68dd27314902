/* Unit tests of the debug heap (kernel/mem/heap.c) on the real frame allocator
 * over simulated RAM: alignment, stress with content checks, statistics,
 * coalescing, chunk release, and detection of the misuse it promises to catch. */
#include <stdio.h>
#include <string.h>

#include "fake_platform.h"
#include "unit_rng.h"

#include <athanor/errors.h>
#include <athanor/frame.h>
#include <athanor/heap.h>

#define KiB          1024ull
#define STRESS_OPS   1500
#define STRESS_SLOTS 64
#define STRESS_SEED  0x4ea9ull
#define CHECK_EVERY  100
/* A block's header sits just before its payload; reports name the header,
 * so the reported address must be within this many bytes below the payload. */
#define HDR_SLACK    64
/* Bytes of a chunk that are never on the free list: chunk header plus the
 * first and the end block headers. Generous bound. */
#define CHUNK_OVERHEAD_MAX 256
#define BYTE_FLIP    0xff /* XOR mask that always changes a byte */

/* ---- observing the frame allocator and the error hook -------------------------- */

/* The heap's frame traffic is wrapped (linker --wrap) so that frames the heap
 * does not own are poisoned: ASan then catches any heap access to them. */
int  __real_frame_alloc(size_t count, size_t align, phys_addr_t *out);
void __real_frame_free(phys_addr_t base, size_t count);
int  __wrap_frame_alloc(size_t count, size_t align, phys_addr_t *out);
void __wrap_frame_free(phys_addr_t base, size_t count);

int __wrap_frame_alloc(size_t count, size_t align, phys_addr_t *out)
{
    int rc = __real_frame_alloc(count, align, out);
    if (rc == 0)
        fake_ram_unpoison(*out, count * PAGE_SIZE);
    return rc;
}

void __wrap_frame_free(phys_addr_t base, size_t count)
{
    __real_frame_free(base, count);
    fake_ram_poison(base, count * PAGE_SIZE);
}

static unsigned    hook_calls;
static char        hook_what[256];
static const void *hook_block;

static void record_error(const char *what, const void *block)
{
    hook_calls++;
    snprintf(hook_what, sizeof hook_what, "%s", what);
    hook_block = block;
}

static int setup(void **state)
{
    (void)state;
    fake_ram_reset();
    fake_panic_reset();
    fake_irq_set(true);
    struct boot_region r = { FAKE_RAM_BASE, FAKE_RAM_SIZE };
    assert_int_equal(frame_init(&r, 1), 0);
    struct frame_stats fs;
    frame_get_stats(&fs);
    /* The bitmap is at the region start; everything after it is free. */
    uint64_t bm_bytes = fs.reserved * PAGE_SIZE;
    fake_ram_poison(FAKE_RAM_BASE + bm_bytes, FAKE_RAM_SIZE - bm_bytes);
    heap_init();
    heap_set_error_hook(record_error);
    hook_calls = 0;
    hook_what[0] = '\0';
    hook_block = NULL;
    return 0;
}

static struct heap_stats hstats(void)
{
    struct heap_stats st;
    heap_get_stats(&st);
    return st;
}

static uint64_t frames_in_use(void)
{
    struct frame_stats fs;
    frame_get_stats(&fs);
    return fs.total - fs.free;
}

/* Invariants that hold whenever the heap is not in the middle of a call. */
static void assert_heap_consistent(void)
{
    struct heap_stats st = hstats();
    assert_int_equal(st.arena_bytes, frames_in_use() * PAGE_SIZE);
    assert_true(st.free_bytes + st.used_bytes <= st.arena_bytes);
    assert_int_equal(heap_check(), 0);
    assert_int_equal(hook_calls, 0);
}

static void fill(void *p, size_t n, unsigned seed)
{
    unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)(seed * 31u + i);
}

static void assert_filled(const void *p, size_t n, unsigned seed)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i] != (unsigned char)(seed * 31u + i))
            fail_msg("block %p (seed %u) byte %zu changed", p, seed, i);
}

static void assert_reported(const char *what_substring, const void *payload)
{
    assert_int_equal(hook_calls, 1);
    if (!fake_contains(hook_what, what_substring))
        fail_msg("heap reported \"%s\", want \"%s\"", hook_what, what_substring);
    const char *blk = hook_block, *p = payload;
    assert_true(blk <= p && blk >= p - HDR_SLACK);
    hook_calls = 0;
    /* The report path released the heap lock and restored interrupts. */
    assert_true(fake_irq_enabled());
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_kmalloc_alignment_and_sizes(void **state)
{
    (void)state;
    static const size_t sizes[] = { 1, 2, 7, 15, 16, 17, 31, 32, 33, 100, 255, 256, 1000,
                                    4095, 4096, 4097, 10000, 70000, 200000 };
    void *p[ARRAY_LEN(sizes)];
    for (unsigned i = 0; i < ARRAY_LEN(sizes); i++) {
        p[i] = kmalloc(sizes[i]);
        assert_non_null(p[i]);
        assert_true(IS_ALIGNED((uintptr_t)p[i], KMALLOC_ALIGN));
        fill(p[i], sizes[i], i);
    }
    assert_heap_consistent();
    for (unsigned i = 0; i < ARRAY_LEN(sizes); i++)
        assert_filled(p[i], sizes[i], i);
    for (unsigned i = 0; i < ARRAY_LEN(sizes); i++)
        kfree(p[i]);
    assert_heap_consistent();
    assert_int_equal(hstats().allocs, 0);
    assert_int_equal(hstats().used_bytes, 0);
}

static void test_kzalloc_zeroes(void **state)
{
    (void)state;
    enum { SMALL = 300, BIG = 100 * 1024 };
    /* Dirty a block, free it, and ask for the same size: the memory is reused. */
    unsigned char *p = kmalloc(SMALL);
    assert_non_null(p);
    memset(p, 0xEE, SMALL);
    kfree(p);
    unsigned char *z = kzalloc(SMALL);
    assert_non_null(z);
    for (size_t i = 0; i < SMALL; i++)
        assert_int_equal(z[i], 0);
    unsigned char *big = kzalloc(BIG);
    assert_non_null(big);
    for (size_t i = 0; i < BIG; i++)
        if (big[i] != 0)
            fail_msg("kzalloc(%d) byte %zu = %#x", BIG, i, big[i]);
    kfree(z);
    kfree(big);
    assert_heap_consistent();
    assert_null(kzalloc(0));
}

static void test_kmalloc_aligned(void **state)
{
    (void)state;
    static const size_t aligns[] = { 32, 64, 128, 256, 1024, PAGE_SIZE };
    static const size_t sizes[] = { 1, 100, 5000 };
    enum { N = ARRAY_LEN(aligns) * ARRAY_LEN(sizes) };
    const struct heap_stats st0 = hstats();
    void *p[N];
    size_t sz[N];
    unsigned n = 0;
    for (unsigned a = 0; a < ARRAY_LEN(aligns); a++)
        for (unsigned s = 0; s < ARRAY_LEN(sizes); s++, n++) {
            sz[n] = sizes[s];
            p[n] = kmalloc_aligned(sz[n], aligns[a]);
            assert_non_null(p[n]);
            if (!IS_ALIGNED((uintptr_t)p[n], aligns[a]))
                fail_msg("kmalloc_aligned(%zu, %zu) = %p", sz[n], aligns[a], p[n]);
            fill(p[n], sz[n], n);
        }
    assert_heap_consistent();
    for (unsigned i = 0; i < N; i++)
        assert_filled(p[i], sz[i], i);
    for (unsigned i = 0; i < N; i++)
        kfree(p[i]);
    assert_heap_consistent();
    assert_int_equal(hstats().allocs, st0.allocs);
    assert_int_equal(hstats().used_bytes, st0.used_bytes);

    /* Small alignments are what kmalloc gives anyway. */
    static const size_t small[] = { 0, 1, 2, 8, KMALLOC_ALIGN };
    for (unsigned i = 0; i < ARRAY_LEN(small); i++) {
        void *q = kmalloc_aligned(24, small[i]);
        assert_non_null(q);
        assert_true(IS_ALIGNED((uintptr_t)q, KMALLOC_ALIGN));
        kfree(q);
    }
    /* Not a power of two, or beyond a page. */
    assert_null(kmalloc_aligned(64, 24));
    assert_null(kmalloc_aligned(64, 48));
    assert_null(kmalloc_aligned(64, 2 * PAGE_SIZE));
    assert_heap_consistent();
}

static void test_impossible_sizes(void **state)
{
    (void)state;
    void *keep = kmalloc(32); /* so the heap has a chunk to compare against */
    assert_non_null(keep);
    const struct heap_stats st0 = hstats();
    const uint64_t frames0 = frames_in_use();
    assert_null(kmalloc(0));
    assert_null(kmalloc((size_t)1 << 41));
    assert_null(kmalloc(SIZE_MAX));
    assert_null(kmalloc(2 * FAKE_RAM_SIZE)); /* plausible size, but no RAM for it */
    assert_null(kmalloc_aligned((size_t)1 << 41, 64));
    assert_null(kmalloc_aligned(SIZE_MAX - 63, 64)); /* size + align + header would wrap */
    assert_null(kmalloc_aligned(SIZE_MAX, PAGE_SIZE));
    struct heap_stats st = hstats();
    assert_int_equal(st.allocs, st0.allocs);
    assert_int_equal(st.total_allocs, st0.total_allocs);
    assert_int_equal(st.arena_bytes, st0.arena_bytes);
    assert_int_equal(frames_in_use(), frames0);
    /* Running out of frames leaves the heap working. */
    void *p = kmalloc(100);
    assert_non_null(p);
    kfree(p);
    kfree(keep);
    assert_heap_consistent();
}

static void test_stats_track_requests(void **state)
{
    (void)state;
    static const size_t sizes[] = { 1, 17, 100, 4000, 33333 };
    void *p[ARRAY_LEN(sizes)];
    uint64_t used = 0;
    for (unsigned i = 0; i < ARRAY_LEN(sizes); i++) {
        p[i] = kmalloc(sizes[i]);
        assert_non_null(p[i]);
        used += sizes[i];
        struct heap_stats st = hstats();
        assert_int_equal(st.used_bytes, used);
        assert_int_equal(st.allocs, i + 1);
        assert_int_equal(st.total_allocs, i + 1);
        assert_heap_consistent();
    }
    for (unsigned i = ARRAY_LEN(sizes); i-- > 0;) {
        kfree(p[i]);
        used -= sizes[i];
        struct heap_stats st = hstats();
        assert_int_equal(st.used_bytes, used);
        assert_int_equal(st.allocs, i);
        assert_int_equal(st.total_allocs, ARRAY_LEN(sizes)); /* a history, never decreases */
        assert_heap_consistent();
    }
    kfree(NULL); /* ignored */
    assert_int_equal(hstats().allocs, 0);
    assert_int_equal(hook_calls, 0);
}

static void test_random_stress(void **state)
{
    (void)state;
    void *p[STRESS_SLOTS] = { 0 };
    size_t sz[STRESS_SLOTS] = { 0 };
    size_t align[STRESS_SLOTS] = { 0 };
    struct unit_rng rng;
    unit_rng_seed(&rng, STRESS_SEED);
    uint64_t used = 0, live = 0, made = 0;
    for (unsigned op = 0; op < STRESS_OPS; op++) {
        unsigned i = (unsigned)unit_rng_below(&rng, STRESS_SLOTS);
        if (p[i]) {
            assert_filled(p[i], sz[i], i); /* each slot's pattern is seeded by its index */
            kfree(p[i]);
            p[i] = NULL;
            live--;
            if (!align[i])
                used -= sz[i];
        } else {
            unsigned kind = (unsigned)unit_rng_below(&rng, 100);
            sz[i] = 1 + (size_t)unit_rng_below(&rng, kind < 2 ? 150 * KiB : kind < 12 ? 20 * KiB : 512);
            align[i] = kind >= 90 ? (size_t)32 << unit_rng_below(&rng, 5) : 0;
            p[i] = align[i] ? kmalloc_aligned(sz[i], align[i]) : kmalloc(sz[i]);
            assert_non_null(p[i]);
            assert_true(IS_ALIGNED((uintptr_t)p[i], align[i] ? align[i] : KMALLOC_ALIGN));
            fill(p[i], sz[i], i);
            live++;
            made++;
            if (!align[i])
                used += sz[i];
        }
        assert_int_equal(hstats().allocs, live);
        if (op % CHECK_EVERY == 0) {
            assert_heap_consistent();
            for (unsigned k = 0; k < STRESS_SLOTS; k++)
                if (p[k])
                    assert_filled(p[k], sz[k], k);
        }
    }
    assert_true(hstats().used_bytes >= used); /* aligned blocks count their padding too */
    for (unsigned k = 0; k < STRESS_SLOTS; k++)
        if (p[k]) {
            assert_filled(p[k], sz[k], k);
            kfree(p[k]);
        }
    struct heap_stats st = hstats();
    assert_int_equal(st.allocs, 0);
    assert_int_equal(st.used_bytes, 0);
    assert_int_equal(st.total_allocs, made);
    /* All free: one chunk is kept, and all of it except headers is one free block. */
    assert_true(st.arena_bytes > 0);
    assert_true(st.arena_bytes - st.free_bytes <= CHUNK_OVERHEAD_MAX);
    assert_heap_consistent();
}

static void test_coalescing_reuses_space(void **state)
{
    (void)state;
    enum { N = 12 };
    void *p[N];
    p[0] = kmalloc(1);
    assert_non_null(p[0]);
    const uint64_t arena = hstats().arena_bytes;
    kfree(p[0]);
    /* N blocks of a sixteenth of the chunk fit in it together... */
    const size_t each = arena / 16;
    for (int i = 0; i < N; i++) {
        p[i] = kmalloc(each);
        assert_non_null(p[i]);
    }
    assert_int_equal(hstats().arena_bytes, arena);
    /* ...freed in an order that needs merges in both directions... */
    for (int i = 0; i < N; i += 2)
        kfree(p[i]);
    for (int i = N - 1; i > 0; i -= 2)
        kfree(p[i]);
    assert_int_equal(hstats().arena_bytes, arena);
    assert_true(arena - hstats().free_bytes <= CHUNK_OVERHEAD_MAX);
    /* ...leave one free block big enough for most of the chunk. */
    void *big = kmalloc(arena - arena / 8);
    assert_non_null(big);
    assert_int_equal(hstats().arena_bytes, arena);
    kfree(big);
    assert_heap_consistent();
}

static void test_free_chunks_go_back_to_frames(void **state)
{
    (void)state;
    enum { BIG = 200 * 1024 };
    void *small = kmalloc(100);
    assert_non_null(small);
    const uint64_t arena1 = hstats().arena_bytes, frames1 = frames_in_use();
    assert_int_equal(arena1, frames1 * PAGE_SIZE);

    void *big = kmalloc(BIG);
    assert_non_null(big);
    assert_true(frames_in_use() >= frames1 + BIG / PAGE_SIZE);
    kfree(big); /* its chunk is entirely free again: returned (and now poisoned) */
    assert_int_equal(frames_in_use(), frames1);
    assert_int_equal(hstats().arena_bytes, arena1);

    /* Overflow the first chunk with ordinary blocks, then free the overflow. */
    const size_t each = arena1 / 16;
    void *p[64];
    unsigned n = 0;
    while (hstats().arena_bytes == arena1) {
        assert_true(n < ARRAY_LEN(p));
        p[n] = kmalloc(each);
        assert_non_null(p[n]);
        n++;
    }
    assert_true(frames_in_use() > frames1);
    kfree(p[n - 1]);
    assert_int_equal(frames_in_use(), frames1);
    for (unsigned i = 0; i + 1 < n; i++)
        kfree(p[i]);
    /* The last chunk is kept even when it is entirely free. */
    kfree(small);
    assert_int_equal(frames_in_use(), frames1);
    assert_int_equal(hstats().arena_bytes, arena1);
    assert_heap_consistent();
}

/* A block too big for an ordinary chunk gets one of its own, charged to
 * the account like any other: over the limit it is refused and counted,
 * and freed it gives the account its bytes back. */
static struct kmem_account *current_acct;
static struct kmem_account *acct_hook(void) { return current_acct; }
static void test_big_blocks_are_charged(void **state)
{
    (void)state;
    enum { BIG = 200 * 1024 };
    struct kmem_account a = { .limit = 300 * 1024 };
    assert_true(heap_account_register(&a) != 0);
    heap_set_account_hook(acct_hook);
    current_acct = &a;
    unsigned char *p = kmalloc(BIG);
    assert_non_null(p);
    assert_true(a.used >= BIG && a.used < BIG + 2 * PAGE_SIZE);
    memset(p, 0x5A, BIG); /* every byte is the caller's */
    assert_null(kmalloc(BIG));
    assert_int_equal(a.refused, 1);
    kfree(p);
    assert_int_equal(a.used, 0);
    current_acct = NULL;
    heap_set_account_hook(NULL);
    assert_heap_consistent();
}

static void test_double_free_detected(void **state)
{
    (void)state;
    void *a = kmalloc(64), *b = kmalloc(64), *c = kmalloc(64);
    assert_true(a && b && c);
    kfree(b); /* neighbours still allocated: b stays a block of its own */
    const struct heap_stats st = hstats();
    kfree(b);
    assert_reported("double free", b);
    struct heap_stats st2 = hstats();
    assert_int_equal(st2.allocs, st.allocs);
    assert_int_equal(st2.used_bytes, st.used_bytes);
    assert_int_equal(st2.free_bytes, st.free_bytes);
    assert_int_equal(heap_check(), 0); /* the report left the heap intact */
    kfree(a);
    kfree(c);
    assert_int_equal(hstats().allocs, 0);
    assert_heap_consistent();

    /* The same for a pointer from kmalloc_aligned. */
    void *keep = kmalloc(64), *al = kmalloc_aligned(100, 256);
    assert_true(keep && al);
    kfree(al);
    kfree(al);
    assert_int_equal(hook_calls, 1);
    assert_true(fake_contains(hook_what, "double free"));
    hook_calls = 0;
    assert_int_equal(heap_check(), 0);
    kfree(keep);
    assert_heap_consistent();
}

static void test_overrun_detected(void **state)
{
    (void)state;
    static const size_t sizes[] = { 1, 15, 16, 17, 31, 100, 4095, 200 * 1024 + 1 /* a chunk of its own */ };
    for (unsigned i = 0; i < ARRAY_LEN(sizes); i++) {
        size_t n = sizes[i];
        unsigned char *p = kmalloc(n);
        assert_non_null(p);
        memset(p, 0x5A, n); /* using every requested byte is fine */
        assert_int_equal(heap_check(), 0);

        unsigned char saved = p[n];
        p[n] ^= BYTE_FLIP; /* one byte past the end */
        unsigned printed = fake_kprintf_count();
        assert_int_equal(heap_check(), 1);
        assert_true(fake_kprintf_count() > printed);
        assert_true(fake_contains(fake_kprintf_last(), "corrupt"));
        const uint64_t allocs = hstats().allocs;
        kfree(p);
        assert_reported("overrun", p);
        assert_int_equal(hstats().allocs, allocs); /* not freed */

        p[n] = saved; /* repaired: now it frees normally */
        assert_int_equal(heap_check(), 0);
        kfree(p);
        assert_int_equal(hstats().allocs, allocs - 1);
    }
    assert_heap_consistent();
}

static void test_kfree_of_foreign_pointers(void **state)
{
    (void)state;
    static _Alignas(KMALLOC_ALIGN) unsigned char not_heap[256];
    enum { SIZE = 512, INSIDE = 64 };
    unsigned char *p = kzalloc(SIZE);
    assert_non_null(p);
    kfree(p + INSIDE); /* inside a block: the "header" there is zeros */
    assert_reported("did not return", p + INSIDE);
    kfree(p + 1);
    assert_int_equal(hook_calls, 1);
    assert_true(fake_contains(hook_what, "misaligned"));
    hook_calls = 0;
    kfree(not_heap + INSIDE);
    assert_reported("did not return", not_heap + INSIDE);
    assert_int_equal(hstats().allocs, 1);
    kfree(p);
    assert_heap_consistent();
}

static void test_write_after_free_detected(void **state)
{
    (void)state;
    enum { SIZE = 64, FAR_INTO = 40 }; /* past the free-list link at the start */
    /* A freed block next to live ones: heap_check notices the modification. */
    unsigned char *a = kmalloc(SIZE), *guard = kmalloc(SIZE);
    assert_true(a && guard);
    kfree(a);
    assert_int_equal(heap_check(), 0);
    a[FAR_INTO] ^= BYTE_FLIP;
    assert_int_equal(heap_check(), 1);
    a[FAR_INTO] ^= BYTE_FLIP;
    assert_int_equal(heap_check(), 0);
    kfree(guard);

    /* Everything free is one block starting where `b` was; the next
     * allocation reuses it and reports the modification instead. */
    unsigned char *b = kmalloc(SIZE);
    assert_non_null(b);
    kfree(b);
    b[FAR_INTO] = 0;
    assert_null(kmalloc(SIZE));
    assert_reported("after free", b);
}

/* The poison check reads large blocks eight bytes at a time, in runs of
 * 256: a write after free is seen wherever it lands, in a run or in the
 * bytes after the last whole one. */
static void test_write_after_free_detected_in_large_blocks(void **state)
{
    (void)state;
    enum { BIG = 5000 }; /* 16 + 19 runs of 256 + a tail of 120 bytes */
    static const size_t at[] = { 16, 17, 271, 272, 2048, 4879, 4880, BIG - 1 };
    unsigned char *a = kmalloc(BIG), *guard = kmalloc(64);
    assert_true(a && guard);
    kfree(a);
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        assert_int_equal(heap_check(), 0);
        a[at[i]] ^= BYTE_FLIP;
        assert_int_equal(heap_check(), 1);
        a[at[i]] ^= BYTE_FLIP;
    }
    assert_int_equal(heap_check(), 0);
    kfree(guard);
}

static void test_default_report_is_a_panic(void **state)
{
    (void)state;
    heap_set_error_hook(NULL);
    void *a = kmalloc(64), *b = kmalloc(64), *c = kmalloc(64);
    assert_true(a && b && c);
    kfree(b);
    EXPECT_PANIC(kfree(b));
    assert_true(fake_contains(fake_panic_message(), "double free"));
    unsigned char *d = kmalloc(10);
    assert_non_null(d);
    d[10] ^= BYTE_FLIP;
    EXPECT_PANIC(kfree(d));
    assert_true(fake_contains(fake_panic_message(), "overrun"));
    d[10] ^= BYTE_FLIP;
    kfree(d);
    kfree(a);
    kfree(c);
    assert_int_equal(hstats().allocs, 0);
    assert_true(fake_irq_enabled());
    assert_heap_consistent();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_kmalloc_alignment_and_sizes, setup),
        cmocka_unit_test_setup(test_kzalloc_zeroes, setup),
        cmocka_unit_test_setup(test_kmalloc_aligned, setup),
        cmocka_unit_test_setup(test_impossible_sizes, setup),
        cmocka_unit_test_setup(test_stats_track_requests, setup),
        cmocka_unit_test_setup(test_random_stress, setup),
        cmocka_unit_test_setup(test_coalescing_reuses_space, setup),
        cmocka_unit_test_setup(test_free_chunks_go_back_to_frames, setup),
        cmocka_unit_test_setup(test_double_free_detected, setup),
        cmocka_unit_test_setup(test_overrun_detected, setup),
        cmocka_unit_test_setup(test_kfree_of_foreign_pointers, setup),
        cmocka_unit_test_setup(test_write_after_free_detected, setup),
        cmocka_unit_test_setup(test_big_blocks_are_charged, setup),
        cmocka_unit_test_setup(test_write_after_free_detected_in_large_blocks, setup),
        cmocka_unit_test_setup(test_default_report_is_a_panic, setup),
    };
    return cmocka_run_group_tests_name("heap", tests, NULL, NULL);
}
