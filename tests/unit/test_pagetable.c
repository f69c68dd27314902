/* Unit tests of the x86-64 page-table builder (arch/x86_64/mm/pagetable.c)
 * over a simulated arena of table frames: page sizes, attribute bits, errors,
 * unmapping and higher-half addresses. */
#include <stdlib.h>
#include <string.h>

#include "fake_platform.h"
#include "unit_rng.h"

#include <arch/pagetable.h>
#include <athanor/errors.h>

#define ARENA_FRAMES   1024                /* 4 MiB of table frames */
#define ARENA_PA       0x7f000000ull       /* "physical" address of the arena */
#define NO_FAILURE     (-1)
#define FRAMES_PER_2M  (PAGE_2M / PAGE_SIZE)
#define FRAMES_PER_1G  (PAGE_1G / PAGE_SIZE)
#define LOW_CANON_END  0x0000800000000000ull /* first address of the hole */
#define HIGH_CANON     0xffff800000000000ull /* first address after the hole */
#define KERNEL_BASE    0xffffffff80000000ull /* -2 GiB: where kernels link */
#define PHYS_LIMIT     (1ull << 52)
#define LEVEL_PML4     3
#define LEVEL_PT       0
#define RANDOM_PAGES   300
#define RANDOM_SEED    0x9a6eull
#define CLUSTER_PAGES  16384               /* 64 MiB per random cluster */

/* Every leaf PTE bit the attributes control. */
#define ATTR_BITS (PTE_W | PTE_U | PTE_PWT | PTE_PCD | PTE_G | PTE_NX)

struct arena {
    unsigned char *mem;
    unsigned       used;       /* frames handed out */
    int            fail_after; /* allocations that succeed before failures, or NO_FAILURE */
};

static struct arena  arena;
static struct pt_env    env;
static struct pt_counts counts;
static phys_addr_t      root;

static int alloc_table(void *ctx, phys_addr_t *pa)
{
    struct arena *a = ctx;
    if (a->fail_after != NO_FAILURE && (int)a->used >= a->fail_after)
        return -ATH_ENOMEM;
    if (a->used == ARENA_FRAMES)
        fail_msg("page-table arena exhausted");
    memset(a->mem + (size_t)a->used * PAGE_SIZE, 0, PAGE_SIZE);
    *pa = ARENA_PA + (phys_addr_t)a->used * PAGE_SIZE;
    a->used++;
    return 0;
}

/* Only table frames may be reached through here: dereferencing a leaf's
 * address as a table is a bug the test must catch. */
static void *table_virt(void *ctx, phys_addr_t pa)
{
    struct arena *a = ctx;
    if (pa < ARENA_PA || pa >= ARENA_PA + (phys_addr_t)a->used * PAGE_SIZE ||
        !IS_ALIGNED(pa, PAGE_SIZE))
        fail_msg("phys_to_virt(%#llx): not a page table", (unsigned long long)pa);
    return a->mem + (pa - ARENA_PA);
}

static int setup(void **state)
{
    (void)state;
    arena.mem = aligned_alloc(PAGE_SIZE, (size_t)ARENA_FRAMES * PAGE_SIZE);
    assert_non_null(arena.mem);
    arena.used = 0;
    arena.fail_after = NO_FAILURE;
    env = (struct pt_env){ alloc_table, table_virt, &arena, true, true, &counts };
    counts = (struct pt_counts){ 0, 0 };
    assert_int_equal(alloc_table(&arena, &root), 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(arena.mem);
    arena.mem = NULL;
    return 0;
}

/* Tables allocated besides the root. */
static unsigned tables(void) { return arena.used - 1; }

/* Independent walk: the entry for va at `level` (3 = PML4), or NULL if an
 * upper level is missing or is a large page. */
static uint64_t *raw_entry(uint64_t va, int level)
{
    uint64_t *t = table_virt(&arena, root);
    for (int l = LEVEL_PML4;; l--) {
        uint64_t *e = &t[(va >> (PAGE_SHIFT + 9 * l)) & (PT_ENTRIES - 1)];
        if (l == level)
            return e;
        if (!(*e & PTE_P) || (*e & PTE_PS))
            return NULL;
        t = table_virt(&arena, *e & PTE_ADDR);
    }
}

static void expect_maps(uint64_t va, phys_addr_t want_pa)
{
    phys_addr_t pa = 0;
    uint64_t pte = 0;
    int rc = pt_lookup(&env, root, va, &pa, &pte);
    if (rc != 0 || pa != want_pa)
        fail_msg("lookup(%#llx) = %d, pa %#llx; want pa %#llx", (unsigned long long)va, rc,
                 (unsigned long long)pa, (unsigned long long)want_pa);
    assert_true(pte & PTE_P);
}

static void expect_unmapped(uint64_t va)
{
    phys_addr_t pa = 0;
    int rc = pt_lookup(&env, root, va, &pa, NULL);
    if (rc != -ATH_ENOENT)
        fail_msg("lookup(%#llx) = %d (pa %#llx), want ENOENT", (unsigned long long)va, rc,
                 (unsigned long long)pa);
}

static uint64_t leaf(uint64_t va)
{
    uint64_t pte = 0;
    assert_int_equal(pt_lookup(&env, root, va, NULL, &pte), 0);
    return pte;
}

/* The leaf bits the attributes must produce. */
static uint64_t want_bits(unsigned attr, bool nx)
{
    uint64_t b = 0;
    if (attr & PT_WRITE)
        b |= PTE_W;
    if (!(attr & PT_EXEC) && nx)
        b |= PTE_NX;
    if (attr & PT_UNCACHED)
        b |= PTE_PCD | PTE_PWT;
    if (attr & PT_GLOBAL)
        b |= PTE_G;
    if (attr & PT_USER)
        b |= PTE_U;
    return b;
}

static void test_canonical(void **state)
{
    (void)state;
    assert_true(pt_canonical(0));
    assert_true(pt_canonical(LOW_CANON_END - 1));
    assert_false(pt_canonical(LOW_CANON_END));
    assert_false(pt_canonical(0x0000fffffffff000ull));
    assert_false(pt_canonical(0x1000000000000000ull));
    assert_false(pt_canonical(HIGH_CANON - 1));
    assert_true(pt_canonical(HIGH_CANON));
    assert_true(pt_canonical(KERNEL_BASE));
    assert_true(pt_canonical(UINT64_MAX));
}

static void test_map_4k_and_lookup(void **state)
{
    (void)state;
    const uint64_t va = 0x400000, pa = 0x12345000;
    assert_int_equal(pt_map(&env, root, va, pa, PAGE_SIZE, PT_WRITE), 0);
    assert_int_equal(tables(), 3); /* PDPT, PD, PT */
    expect_maps(va, pa);
    expect_maps(va + 0x123, pa + 0x123);
    expect_maps(va + PAGE_SIZE - 1, pa + PAGE_SIZE - 1);
    expect_unmapped(va + PAGE_SIZE);
    expect_unmapped(va - 1);
    uint64_t pte = leaf(va);
    assert_int_equal(pte & PTE_ADDR, pa);
    assert_false(pte & PTE_PS);
    assert_true(pte & PTE_W);
    assert_true(pte & PTE_NX); /* not PT_EXEC */
    /* Intermediate entries leave the decision to the leaf. */
    for (int l = LEVEL_PML4; l > LEVEL_PT; l--) {
        uint64_t e = *raw_entry(va, l);
        assert_true((e & (PTE_P | PTE_W)) == (PTE_P | PTE_W));
        assert_false(e & (PTE_NX | PTE_PS));
    }
}

static void test_map_4k_range_across_tables(void **state)
{
    (void)state;
    const uint64_t va = PAGE_2M - 4 * PAGE_SIZE, pa = 0x30000000;
    const unsigned pages = 8;
    assert_int_equal(pt_map(&env, root, va, pa, pages * PAGE_SIZE, PT_READ), 0);
    assert_int_equal(tables(), 4); /* PDPT, PD, and a PT on each side of 2 MiB */
    for (unsigned i = 0; i < pages; i++)
        expect_maps(va + i * PAGE_SIZE + 8, pa + i * PAGE_SIZE + 8);
    expect_unmapped(va - PAGE_SIZE);
    expect_unmapped(va + pages * PAGE_SIZE);
}

static void test_2m_pages_when_aligned(void **state)
{
    (void)state;
    const uint64_t va = 3 * PAGE_2M, pa = 9 * PAGE_2M;
    assert_int_equal(pt_map(&env, root, va, pa, 2 * PAGE_2M, PT_WRITE), 0);
    assert_int_equal(tables(), 2); /* PDPT and PD: no page tables */
    for (unsigned i = 0; i < 2; i++) {
        uint64_t pte = leaf(va + i * PAGE_2M);
        assert_true(pte & PTE_PS);
        assert_int_equal(pte & PTE_ADDR, pa + i * PAGE_2M);
    }
    expect_maps(va + 0x1234, pa + 0x1234);
    expect_maps(va + 2 * PAGE_2M - 1, pa + 2 * PAGE_2M - 1);
    expect_unmapped(va + 2 * PAGE_2M);
}

static void test_no_2m_when_misaligned_or_short(void **state)
{
    (void)state;
    /* pa not 2 MiB aligned: only 4 KiB pages. */
    assert_int_equal(pt_map(&env, root, PAGE_2M, 0x40001000, PAGE_2M, PT_READ), 0);
    assert_false(leaf(PAGE_2M) & PTE_PS);
    assert_false(leaf(2 * PAGE_2M - PAGE_SIZE) & PTE_PS);
    expect_maps(2 * PAGE_2M - 1, 0x40001000 + PAGE_2M - 1);

    /* Both aligned but shorter than 2 MiB: 4 KiB pages. */
    assert_int_equal(pt_map(&env, root, 4 * PAGE_2M, 8 * PAGE_2M, PAGE_2M / 2, PT_READ), 0);
    assert_false(leaf(4 * PAGE_2M) & PTE_PS);
    expect_unmapped(4 * PAGE_2M + PAGE_2M / 2);

    /* Starting 4 KiB before a boundary: one small page, then a large one. */
    const uint64_t va = 8 * PAGE_2M - PAGE_SIZE, pa = 20 * PAGE_2M - PAGE_SIZE;
    assert_int_equal(pt_map(&env, root, va, pa, PAGE_SIZE + PAGE_2M, PT_READ), 0);
    assert_false(leaf(va) & PTE_PS);
    assert_true(leaf(va + PAGE_SIZE) & PTE_PS);
    expect_maps(va + PAGE_SIZE + 0x5678, pa + PAGE_SIZE + 0x5678);
}

static void test_no_large_flag(void **state)
{
    (void)state;
    const uint64_t va = PAGE_1G, pa = 2 * PAGE_1G;
    const unsigned attr = PT_WRITE | PT_NO_LARGE;
    assert_int_equal(pt_map(&env, root, va, pa, 2 * PAGE_2M, attr), 0);
    assert_int_equal(tables(), 4); /* PDPT, PD, two PTs */
    for (uint64_t off = 0; off < 2 * PAGE_2M; off += PAGE_2M / 4) {
        assert_false(leaf(va + off) & PTE_PS);
        expect_maps(va + off, pa + off);
    }
    /* The flag itself leaves no trace in the entry. */
    assert_int_equal(leaf(va) & ATTR_BITS, want_bits(PT_WRITE, true));
}

static void test_1g_pages(void **state)
{
    (void)state;
    const uint64_t va = PAGE_1G, pa = 3 * PAGE_1G;
    assert_int_equal(pt_map(&env, root, va, pa, PAGE_1G, PT_WRITE), 0);
    assert_int_equal(tables(), 1); /* the PDPT only */
    uint64_t pte = leaf(va);
    assert_true(pte & PTE_PS);
    assert_int_equal(pte & PTE_ADDR, pa);
    assert_true(*raw_entry(va, 2) & PTE_PS);
    expect_maps(va + 0x12345678, pa + 0x12345678);
    expect_maps(va + PAGE_1G - 1, pa + PAGE_1G - 1);

    /* 1 GiB + 2 MiB + 4 KiB: one page of each size. */
    const uint64_t va2 = 4 * PAGE_1G, pa2 = 5 * PAGE_1G;
    assert_int_equal(pt_map(&env, root, va2, pa2, PAGE_1G + PAGE_2M + PAGE_SIZE, PT_READ), 0);
    assert_true(*raw_entry(va2, 2) & PTE_PS);
    assert_true(*raw_entry(va2 + PAGE_1G, 1) & PTE_PS);
    assert_false(leaf(va2 + PAGE_1G + PAGE_2M) & PTE_PS);
    expect_maps(va2 + PAGE_1G + PAGE_2M + 7, pa2 + PAGE_1G + PAGE_2M + 7);
}

static void test_no_1g_without_cpu_support(void **state)
{
    (void)state;
    env.pages_1g = false;
    const uint64_t va = PAGE_1G, pa = 3 * PAGE_1G;
    assert_int_equal(pt_map(&env, root, va, pa, PAGE_1G, PT_READ), 0);
    assert_int_equal(tables(), 2); /* PDPT and one PD of 2 MiB pages */
    assert_false(*raw_entry(va, 2) & PTE_PS);
    for (uint64_t off = 0; off < PAGE_1G; off += PAGE_2M)
        assert_true(*raw_entry(va + off, 1) & PTE_PS);
    expect_maps(va + PAGE_1G - 1, pa + PAGE_1G - 1);
}

static void test_attribute_bits(void **state)
{
    (void)state;
    const unsigned all = PT_WRITE | PT_EXEC | PT_UNCACHED | PT_GLOBAL | PT_USER;
    uint64_t va = PAGE_1G;
    for (int nx = 0; nx <= 1; nx++) {
        env.nx = nx;
        for (unsigned attr = 0; attr <= all; attr++) {
            /* A 4 KiB page and a 2 MiB page with the same attributes. */
            phys_addr_t pa = 0x100000000ull + va;
            assert_int_equal(pt_map(&env, root, va, pa, PAGE_SIZE, attr), 0);
            uint64_t pte = leaf(va);
            if ((pte & ATTR_BITS) != want_bits(attr, nx))
                fail_msg("attr %#x nx %d: 4K pte %#llx", attr, nx, (unsigned long long)pte);
            assert_int_equal(pte & PTE_ADDR, pa);
            assert_int_equal(pte & (PTE_P | PTE_PS), PTE_P);
            assert_int_equal(pt_map(&env, root, va + PAGE_2M, pa, PAGE_2M, attr), 0);
            pte = leaf(va + PAGE_2M);
            if ((pte & ATTR_BITS) != want_bits(attr, nx))
                fail_msg("attr %#x nx %d: 2M pte %#llx", attr, nx, (unsigned long long)pte);
            assert_int_equal(pte & (PTE_P | PTE_PS), PTE_P | PTE_PS);
            va += 2 * PAGE_2M;
        }
    }
}

static void test_user_mapping_reachable(void **state)
{
    (void)state;
    /* A user page in fresh tables is user-accessible at every level. */
    const uint64_t va = 0x400000;
    assert_int_equal(pt_map(&env, root, va, 0x5000, PAGE_SIZE, PT_USER | PT_WRITE), 0);
    for (int l = LEVEL_PML4; l >= LEVEL_PT; l--)
        assert_true(*raw_entry(va, l) & PTE_U);
}

/* A user page under tables first made for kernel pages is still reachable. */
static void test_user_page_under_kernel_tables(void **state)
{
    (void)state;
    const uint64_t kva = 0x600000, uva = 0x601000;
    assert_int_equal(pt_map(&env, root, kva, 0x5000, PAGE_SIZE, PT_WRITE), 0);
    assert_false(*raw_entry(kva, LEVEL_PML4) & PTE_U);
    assert_int_equal(pt_map(&env, root, uva, 0x6000, PAGE_SIZE, PT_USER), 0);
    for (int l = LEVEL_PML4; l >= LEVEL_PT; l--)
        assert_true(*raw_entry(uva, l) & PTE_U);
    assert_false(leaf(kva) & PTE_U); /* the kernel page itself stays supervisor-only */
}

/* After a 2M or 1G region is emptied page by page, a large mapping fits there
 * again (the leftover empty table is used, not reported as a conflict). */
static void test_large_map_over_emptied_table(void **state)
{
    (void)state;
    const uint64_t va2m = 20 * PAGE_2M, va1g = 5 * PAGE_1G;
    assert_int_equal(pt_map(&env, root, va2m, 0x3000, PAGE_SIZE, PT_READ), 0);
    assert_int_equal(pt_unmap(&env, root, va2m, PAGE_SIZE), 1);
    assert_int_equal(pt_map(&env, root, va2m, PAGE_2M, PAGE_2M, PT_READ), 0);
    expect_maps(va2m + 0x1234, PAGE_2M + 0x1234);
    assert_int_equal(pt_map(&env, root, va1g, 0x4000, PAGE_SIZE, PT_READ), 0);
    assert_int_equal(pt_unmap(&env, root, va1g, PAGE_SIZE), 1);
    assert_int_equal(pt_map(&env, root, va1g, PAGE_1G, PAGE_1G, PT_READ), 0);
    expect_maps(va1g + PAGE_1G - 1, 2 * PAGE_1G - 1);
    /* A live small page still conflicts. */
    assert_int_equal(pt_map(&env, root, va2m + PAGE_2M, 0x3000, PAGE_SIZE, PT_READ), 0);
    assert_int_equal(pt_map(&env, root, va2m + PAGE_2M, 0, PAGE_2M, PT_READ), -ATH_EEXIST);
}

static void test_remap_is_eexist(void **state)
{
    (void)state;
    const uint64_t va = 0x800000, pa = 0x900000;
    assert_int_equal(pt_map(&env, root, va + 2 * PAGE_SIZE, pa, PAGE_SIZE, PT_READ), 0);
    assert_int_equal(pt_map(&env, root, va + 2 * PAGE_SIZE, pa, PAGE_SIZE, PT_READ), -ATH_EEXIST);
    /* A range running into a mapped page stops there: the pages before it are
     * mapped, the old page keeps its target, nothing after it is mapped. */
    const phys_addr_t other = 0x20000000;
    assert_int_equal(pt_map(&env, root, va, other, 4 * PAGE_SIZE, PT_WRITE), -ATH_EEXIST);
    expect_maps(va, other);
    expect_maps(va + PAGE_SIZE, other + PAGE_SIZE);
    expect_maps(va + 2 * PAGE_SIZE, pa);
    assert_false(leaf(va + 2 * PAGE_SIZE) & PTE_W);
    expect_unmapped(va + 3 * PAGE_SIZE);

    /* Large pages conflict with anything inside them, and vice versa. */
    const uint64_t big = 8 * PAGE_2M;
    assert_int_equal(pt_map(&env, root, big, 0, PAGE_2M, PT_READ), 0);
    assert_int_equal(pt_map(&env, root, big, 0, PAGE_2M, PT_READ), -ATH_EEXIST);
    assert_int_equal(pt_map(&env, root, big + PAGE_2M / 2, 0, PAGE_SIZE, PT_READ), -ATH_EEXIST);
    assert_int_equal(pt_map(&env, root, va - PAGE_2M, 0, PAGE_2M, PT_READ), 0); /* the 2M before va */
    assert_int_equal(pt_map(&env, root, ALIGN_DOWN(va, PAGE_2M), 0, PAGE_2M, PT_READ), -ATH_EEXIST);
    const uint64_t huge = 2 * PAGE_1G;
    assert_int_equal(pt_map(&env, root, huge, 0, PAGE_1G, PT_READ), 0);
    assert_int_equal(pt_map(&env, root, huge + 5 * PAGE_2M, 0, PAGE_2M, PT_READ), -ATH_EEXIST);
    assert_int_equal(pt_map(&env, root, huge + PAGE_1G - PAGE_SIZE, 0, PAGE_SIZE, PT_READ),
                     -ATH_EEXIST);
    assert_int_equal(pt_map(&env, root, huge, 0, PAGE_1G, PT_READ), -ATH_EEXIST);
}

static void test_misaligned_is_einval(void **state)
{
    (void)state;
    assert_int_equal(pt_map(&env, root, 0x1001, 0x2000, PAGE_SIZE, PT_READ), -ATH_EINVAL);
    assert_int_equal(pt_map(&env, root, 0x1000, 0x2800, PAGE_SIZE, PT_READ), -ATH_EINVAL);
    assert_int_equal(pt_map(&env, root, 0x1000, 0x2000, PAGE_SIZE + 1, PT_READ), -ATH_EINVAL);
    assert_int_equal(pt_map(&env, root, 0x1000, 0x2000, 0x10, PT_READ), -ATH_EINVAL);
    assert_int_equal(tables(), 0);
    assert_int_equal(pt_map(&env, root, 0x1000, 0x2000, 0, PT_READ), 0); /* empty: nothing to do */
    assert_int_equal(tables(), 0);
    expect_unmapped(0x1000);
}

static void test_out_of_range_is_erange(void **state)
{
    (void)state;
    /* In the non-canonical hole. */
    assert_int_equal(pt_map(&env, root, LOW_CANON_END, 0, PAGE_SIZE, PT_READ), -ATH_ERANGE);
    assert_int_equal(pt_map(&env, root, HIGH_CANON - PAGE_SIZE, 0, PAGE_SIZE, PT_READ),
                     -ATH_ERANGE);
    /* Starting canonical, running into the hole. */
    assert_int_equal(pt_map(&env, root, LOW_CANON_END - PAGE_SIZE, 0, 2 * PAGE_SIZE, PT_READ),
                     -ATH_ERANGE);
    /* Both ends canonical, but the range spans the hole. */
    const uint64_t lo = LOW_CANON_END - PAGE_SIZE;
    assert_int_equal(pt_map(&env, root, lo, 0, HIGH_CANON + PAGE_SIZE - lo, PT_READ),
                     -ATH_ERANGE);
    /* Wrapping past the top of the address space. */
    assert_int_equal(pt_map(&env, root, UINT64_MAX - PAGE_SIZE + 1, 0, 2 * PAGE_SIZE, PT_READ),
                     -ATH_ERANGE);
    /* Physical addresses beyond 52 bits. */
    assert_int_equal(pt_map(&env, root, 0x1000, PHYS_LIMIT, PAGE_SIZE, PT_READ), -ATH_ERANGE);
    assert_int_equal(pt_map(&env, root, 0x1000, PHYS_LIMIT - PAGE_SIZE, 2 * PAGE_SIZE, PT_READ),
                     -ATH_ERANGE);
    assert_int_equal(pt_map(&env, root, 0x1000, 0xfffffffffffff000ull, 2 * PAGE_SIZE, PT_READ),
                     -ATH_ERANGE); /* pa + size wraps */
    assert_int_equal(tables(), 0); /* rejected before touching the tables */
    expect_unmapped(LOW_CANON_END);
    assert_int_equal(pt_lookup(&env, root, LOW_CANON_END + 0x1000, NULL, NULL), -ATH_ENOENT);
    /* The last page of each half is fine. */
    assert_int_equal(pt_map(&env, root, LOW_CANON_END - PAGE_SIZE, 0x1000, PAGE_SIZE, PT_READ), 0);
    assert_int_equal(pt_map(&env, root, UINT64_MAX - PAGE_SIZE + 1, 0x2000, PAGE_SIZE, PT_READ), 0);
    expect_maps(LOW_CANON_END - 1, 0x1fff);
    expect_maps(UINT64_MAX, 0x2fff);
    /* The last page below the physical limit is mappable. */
    assert_int_equal(pt_map(&env, root, 0x3000, PHYS_LIMIT - PAGE_SIZE, PAGE_SIZE, PT_READ), 0);
    expect_maps(0x3000, PHYS_LIMIT - PAGE_SIZE);
}

static void test_unmap_4k(void **state)
{
    (void)state;
    const uint64_t va = 0x10000000, pa = 0x50000000;
    assert_int_equal(pt_map(&env, root, va, pa, 8 * PAGE_SIZE, PT_WRITE), 0);
    assert_int_equal(pt_unmap(&env, root, va + 2 * PAGE_SIZE, 4 * PAGE_SIZE), 4);
    expect_maps(va + PAGE_SIZE, pa + PAGE_SIZE);
    for (unsigned i = 2; i < 6; i++)
        expect_unmapped(va + i * PAGE_SIZE);
    expect_maps(va + 6 * PAGE_SIZE, pa + 6 * PAGE_SIZE);
    /* Holes are skipped and not counted. */
    assert_int_equal(pt_unmap(&env, root, va, 8 * PAGE_SIZE), 4);
    assert_int_equal(pt_unmap(&env, root, va, 8 * PAGE_SIZE), 0);
    assert_int_equal(pt_unmap(&env, root, 0x7000000000ull, 64 * PAGE_SIZE), 0); /* no tables at all */
    assert_int_equal(pt_unmap(&env, root, va, 0), 0);
    /* An unmapped page can be mapped again, to somewhere else. */
    assert_int_equal(pt_map(&env, root, va + 3 * PAGE_SIZE, 0x1000, PAGE_SIZE, PT_READ), 0);
    expect_maps(va + 3 * PAGE_SIZE, 0x1000);
}

static void test_unmap_large(void **state)
{
    (void)state;
    const uint64_t va2m = 10 * PAGE_2M, va1g = 3 * PAGE_1G;
    assert_int_equal(pt_map(&env, root, va2m, 0, PAGE_2M, PT_READ), 0);
    assert_int_equal(pt_map(&env, root, va1g, 0, PAGE_1G, PT_READ), 0);
    /* Cutting a large page is refused and leaves it mapped. */
    assert_int_equal(pt_unmap(&env, root, va2m + PAGE_SIZE, PAGE_SIZE), -ATH_EINVAL);
    assert_int_equal(pt_unmap(&env, root, va2m, PAGE_SIZE), -ATH_EINVAL);
    assert_int_equal(pt_unmap(&env, root, va2m, PAGE_2M - PAGE_SIZE), -ATH_EINVAL);
    assert_int_equal(pt_unmap(&env, root, va1g, PAGE_2M), -ATH_EINVAL);
    expect_maps(va2m + 5, 5);
    expect_maps(va1g + PAGE_2M, PAGE_2M);
    /* Whole large pages go, counted in 4 KiB pages. */
    assert_int_equal(pt_unmap(&env, root, va2m, PAGE_2M), FRAMES_PER_2M);
    expect_unmapped(va2m);
    assert_int_equal(pt_unmap(&env, root, va1g, PAGE_1G), FRAMES_PER_1G);
    expect_unmapped(va1g + PAGE_1G - 1);
    /* A freed large slot takes a large page again. */
    assert_int_equal(pt_map(&env, root, va2m, PAGE_2M, PAGE_2M, PT_READ), 0);
    assert_true(leaf(va2m) & PTE_PS);

    /* One call across 4 KiB, 2 MiB and 4 KiB pages. */
    const uint64_t va = 40 * PAGE_2M - PAGE_SIZE;
    assert_int_equal(pt_map(&env, root, va, 60 * PAGE_2M - PAGE_SIZE, PAGE_2M + 2 * PAGE_SIZE,
                            PT_READ), 0);
    assert_true(leaf(va + PAGE_SIZE) & PTE_PS);
    assert_int_equal(pt_unmap(&env, root, va, PAGE_2M + 2 * PAGE_SIZE), FRAMES_PER_2M + 2);
    expect_unmapped(va);
    expect_unmapped(va + PAGE_SIZE);
    expect_unmapped(va + PAGE_SIZE + PAGE_2M);
}

static void test_unmap_argument_errors(void **state)
{
    (void)state;
    assert_int_equal(pt_map(&env, root, 0x1000, 0x1000, PAGE_SIZE, PT_READ), 0);
    assert_int_equal(pt_unmap(&env, root, 0x1001, PAGE_SIZE), -ATH_EINVAL);
    assert_int_equal(pt_unmap(&env, root, 0x1000, 0x800), -ATH_EINVAL);
    assert_int_equal(pt_unmap(&env, root, LOW_CANON_END, PAGE_SIZE), -ATH_ERANGE);
    assert_int_equal(pt_unmap(&env, root, LOW_CANON_END - PAGE_SIZE, 2 * PAGE_SIZE), -ATH_ERANGE);
    /* Wrapping past the top would reach page 0; spanning the hole would walk
     * 2^52 addresses and hit upper-half tables through their index bits. */
    assert_int_equal(pt_unmap(&env, root, UINT64_MAX - PAGE_SIZE + 1, 2 * PAGE_SIZE), -ATH_ERANGE);
    assert_int_equal(pt_unmap(&env, root, 0x1000, HIGH_CANON + PAGE_SIZE - 0x1000), -ATH_ERANGE);
    expect_maps(0x1000, 0x1000);
}

static void test_table_allocation_failure(void **state)
{
    (void)state;
    /* No frames at all: nothing gets mapped. */
    arena.fail_after = (int)arena.used;
    assert_int_equal(pt_map(&env, root, 0x400000, 0x1000, PAGE_SIZE, PT_READ), -ATH_ENOMEM);
    expect_unmapped(0x400000);

    /* Frames for the first page's tables only: the page needing a new PT fails. */
    arena.fail_after = (int)arena.used + 3;
    const uint64_t va = PAGE_2M - PAGE_SIZE;
    assert_int_equal(pt_map(&env, root, va, 0x1000, 2 * PAGE_SIZE, PT_READ), -ATH_ENOMEM);
    expect_unmapped(va + PAGE_SIZE);
    /* With frames available again the rest maps (the tables made are reused). */
    arena.fail_after = NO_FAILURE;
    unsigned before = tables();
    assert_int_equal(pt_map(&env, root, va + PAGE_SIZE, 0x2000, PAGE_SIZE, PT_READ), 0);
    assert_int_equal(tables(), before + 1);
    expect_maps(va + PAGE_SIZE, 0x2000);
    /* Large pages need fewer tables: a 2 MiB page fits where a 4 KiB one did not. */
    arena.fail_after = (int)arena.used;
    assert_int_equal(pt_map(&env, root, 4 * PAGE_2M, 0, PAGE_SIZE, PT_READ), -ATH_ENOMEM);
    assert_int_equal(pt_map(&env, root, 4 * PAGE_2M, 0, PAGE_2M, PT_READ), 0);
}

static void test_higher_half(void **state)
{
    (void)state;
    /* A kernel image at -2 GiB: PML4 slot 511, PDPT slot 510. */
    const phys_addr_t kpa = PAGE_2M;
    assert_int_equal(pt_map(&env, root, KERNEL_BASE, kpa, 2 * PAGE_2M,
                            PT_WRITE | PT_EXEC | PT_GLOBAL), 0);
    uint64_t *pml4 = table_virt(&arena, root);
    assert_true(pml4[PT_ENTRIES - 1] & PTE_P);
    assert_true(*raw_entry(KERNEL_BASE, 2) & PTE_P);
    uint64_t *pdpt = table_virt(&arena, pml4[PT_ENTRIES - 1] & PTE_ADDR);
    assert_true(pdpt[PT_ENTRIES - 2] & PTE_P);
    expect_maps(KERNEL_BASE + 0x123456, kpa + 0x123456);
    uint64_t pte = leaf(KERNEL_BASE);
    assert_true((pte & (PTE_G | PTE_W | PTE_PS)) == (PTE_G | PTE_W | PTE_PS));
    assert_false(pte & PTE_NX);

    /* A direct map of the first 4 GiB at the start of the upper half. */
    assert_int_equal(pt_map(&env, root, HIGH_CANON, 0, 4 * PAGE_1G, PT_WRITE), 0);
    assert_true(pml4[PT_ENTRIES / 2] & PTE_P);
    for (uint64_t g = 0; g < 4; g++)
        expect_maps(HIGH_CANON + g * PAGE_1G + 0x42, g * PAGE_1G + 0x42);
    expect_unmapped(HIGH_CANON + 4 * PAGE_1G);
    /* A non-canonical address whose index bits alias the direct map's slot. */
    expect_unmapped(LOW_CANON_END + 0x42);
    /* The lower half is untouched. */
    for (unsigned i = 0; i < PT_ENTRIES / 2; i++)
        assert_int_equal(pml4[i], 0);
    expect_unmapped(0);
    expect_unmapped(KERNEL_BASE - PAGE_SIZE);
    assert_int_equal(pt_unmap(&env, root, KERNEL_BASE, 2 * PAGE_2M), 2 * FRAMES_PER_2M);
    expect_unmapped(KERNEL_BASE);
    expect_maps(HIGH_CANON, 0);
}

static void test_random_pages_against_model(void **state)
{
    (void)state;
    static const uint64_t clusters[] = { 0x0, 0x7fffc0000000ull, HIGH_CANON,
                                         KERNEL_BASE - CLUSTER_PAGES * PAGE_SIZE, 0x123480000000ull };
    uint64_t va[RANDOM_PAGES];
    phys_addr_t pa[RANDOM_PAGES];
    unsigned n = 0;
    struct unit_rng rng;
    unit_rng_seed(&rng, RANDOM_SEED);
    for (unsigned k = 0; k < RANDOM_PAGES; k++) {
        uint64_t v = clusters[unit_rng_below(&rng, ARRAY_LEN(clusters))] +
                     unit_rng_below(&rng, CLUSTER_PAGES) * PAGE_SIZE;
        phys_addr_t p = unit_rng_below(&rng, PHYS_LIMIT / PAGE_SIZE) * PAGE_SIZE;
        bool dup = false;
        for (unsigned i = 0; i < n; i++)
            dup |= va[i] == v;
        int rc = pt_map(&env, root, v, p, PAGE_SIZE, (unsigned)unit_rng_below(&rng, PT_NO_LARGE));
        assert_int_equal(rc, dup ? -ATH_EEXIST : 0);
        if (!dup) {
            va[n] = v;
            pa[n] = p;
            n++;
        }
    }
    for (unsigned i = 0; i < n; i++)
        expect_maps(va[i] + (i % PAGE_SIZE), pa[i] + (i % PAGE_SIZE));
    long total = 0;
    for (unsigned i = 0; i < n; i++)
        total += pt_unmap(&env, root, va[i], PAGE_SIZE);
    assert_int_equal(total, n);
    for (unsigned i = 0; i < n; i++)
        expect_unmapped(va[i]);
}

/* Moving a whole page table: the 512 pages appear at the new place with the
 * asked access (set in the directory entry; each page keeps its own), and
 * nothing is left at the old one. */
static void test_move_table(void **state)
{
    (void)state;
    const uint64_t a = 0x40000000ull, b = 0xc0000000ull;
    const phys_addr_t pa = 0x12345000ull & ~(PAGE_2M - 1);
    assert_int_equal(pt_map(&env, root, a, pa, PAGE_2M, PT_WRITE | PT_NO_LARGE), 0);
    /* one page read-only in its own entry: it must stay so after the round trip */
    assert_int_equal(pt_unmap(&env, root, a + 9 * PAGE_SIZE, PAGE_SIZE), 1);
    assert_int_equal(pt_map(&env, root, a + 9 * PAGE_SIZE, pa + 9 * PAGE_SIZE, PAGE_SIZE, 0), 0);
    assert_int_equal(pt_table_count(&env, root, a), 512);
    assert_int_equal(pt_table_count(&env, root, b), -1);
    assert_int_equal(pt_move_table(&env, root, a, b, false), 0);
    assert_int_equal(pt_table_count(&env, root, a), -1);
    assert_int_equal(pt_table_count(&env, root, b), 512);
    phys_addr_t got;
    uint64_t pte;
    assert_int_equal(pt_lookup(&env, root, a, &got, &pte), -ATH_ENOENT);
    assert_int_equal(pt_lookup(&env, root, b + 7 * PAGE_SIZE + 3, &got, &pte), 0);
    assert_int_equal(got, pa + 7 * PAGE_SIZE + 3);
    assert_false(pte & PTE_W);
    unsigned before = arena.used; /* the directory at a is still there */
    assert_int_equal(pt_move_table(&env, root, b, a, true), 0);
    assert_int_equal(pt_lookup(&env, root, a + PAGE_2M - PAGE_SIZE, &got, &pte), 0);
    assert_int_equal(got, pa + PAGE_2M - PAGE_SIZE);
    assert_true(pte & PTE_W);
    assert_int_equal(pt_lookup(&env, root, a + 9 * PAGE_SIZE, &got, &pte), 0);
    assert_false(pte & PTE_W);
    assert_int_equal(arena.used, before); /* the page table moved, nothing was copied */
}

static void test_move_table_errors(void **state)
{
    (void)state;
    const uint64_t a = 0x40000000ull, b = 0x80000000ull, big = 0x100000000ull;
    assert_int_equal(pt_move_table(&env, root, a + PAGE_SIZE, b, true), -ATH_EINVAL);
    assert_int_equal(pt_move_table(&env, root, a, b + PAGE_SIZE, true), -ATH_EINVAL);
    assert_int_equal(pt_move_table(&env, root, a, b, true), -ATH_ENOENT); /* nothing there */
    assert_int_equal(pt_map(&env, root, big, 0, PAGE_2M, PT_WRITE), 0); /* a 2 MiB page */
    assert_int_equal(pt_table_count(&env, root, big), -1);
    assert_int_equal(pt_move_table(&env, root, big, b, true), -ATH_ENOENT);
    assert_int_equal(pt_map(&env, root, a, 0x200000, PAGE_2M, PT_WRITE | PT_NO_LARGE), 0);
    /* A page at the destination: refused, the source untouched. */
    assert_int_equal(pt_map(&env, root, b + PAGE_SIZE, 0x5000, PAGE_SIZE, PT_WRITE), 0);
    assert_int_equal(pt_move_table(&env, root, a, b, true), -ATH_EEXIST);
    assert_int_equal(pt_table_count(&env, root, a), 512);
    assert_int_equal(pt_move_table(&env, root, a, big, true), -ATH_EEXIST); /* a large page */
    /* An emptied table at the destination trades places with the moving one. */
    assert_int_equal(pt_unmap(&env, root, b + PAGE_SIZE, PAGE_SIZE), 1);
    assert_int_equal(pt_table_count(&env, root, b), 0);
    unsigned before = arena.used;
    assert_int_equal(pt_move_table(&env, root, a, b, true), 0);
    assert_int_equal(arena.used, before);
    assert_int_equal(pt_table_count(&env, root, a), 0);
    assert_int_equal(pt_table_count(&env, root, b), 512);
    expect_maps(b + 3 * PAGE_SIZE, 0x200000 + 3 * PAGE_SIZE);
    expect_unmapped(a + 3 * PAGE_SIZE);
}

/* The counts the lend benchmark reports: a new page under existing tables
 * is one entry, a new table one more per level made, a table moved two
 * entries whatever it holds, and counting a table's pages one scan. */
static void test_counts(void **state)
{
    (void)state;
    const uint64_t a = 0x40000000ull, b = 0xc0000000ull;
    assert_int_equal(pt_map(&env, root, a, 0x200000, PAGE_SIZE, PT_WRITE), 0);
    assert_int_equal(counts.writes, 4); /* PDPT, PD and PT made, and the page */
    assert_int_equal(pt_map(&env, root, a + PAGE_SIZE, 0x201000, PAGE_2M - PAGE_SIZE, PT_WRITE), 0);
    assert_int_equal(counts.writes, 4 + 511);
    struct pt_counts before = counts;
    assert_int_equal(pt_table_count(&env, root, a), 512);
    assert_int_equal(counts.scans, before.scans + 1);
    assert_int_equal(pt_move_table(&env, root, a, b, false), 0);
    assert_int_equal(counts.writes, before.writes + 1 + 2); /* a directory made for b, then the move */
    before = counts;
    assert_int_equal(pt_move_table(&env, root, b, a, true), 0);
    assert_int_equal(counts.writes, before.writes + 2);
    assert_int_equal(pt_unmap(&env, root, a, PAGE_SIZE), 1);
    assert_int_equal(counts.writes, before.writes + 3);
}

#define PT_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        PT_TEST(test_canonical),
        PT_TEST(test_map_4k_and_lookup),
        PT_TEST(test_map_4k_range_across_tables),
        PT_TEST(test_2m_pages_when_aligned),
        PT_TEST(test_no_2m_when_misaligned_or_short),
        PT_TEST(test_no_large_flag),
        PT_TEST(test_1g_pages),
        PT_TEST(test_no_1g_without_cpu_support),
        PT_TEST(test_attribute_bits),
        PT_TEST(test_user_mapping_reachable),
        PT_TEST(test_user_page_under_kernel_tables),
        PT_TEST(test_large_map_over_emptied_table),
        PT_TEST(test_remap_is_eexist),
        PT_TEST(test_misaligned_is_einval),
        PT_TEST(test_out_of_range_is_erange),
        PT_TEST(test_unmap_4k),
        PT_TEST(test_unmap_large),
        PT_TEST(test_unmap_argument_errors),
        PT_TEST(test_table_allocation_failure),
        PT_TEST(test_higher_half),
        PT_TEST(test_random_pages_against_model),
        PT_TEST(test_move_table),
        PT_TEST(test_move_table_errors),
        PT_TEST(test_counts),
    };
    return cmocka_run_group_tests_name("pagetable", tests, NULL, NULL);
}
