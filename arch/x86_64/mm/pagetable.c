/* x86-64 page-table builder (see arch/pagetable.h). */
#include <arch/pagetable.h>
#include <athanor/errors.h>

static inline unsigned idx(uint64_t va, int level) /* level 3 = PML4 ... 0 = PT */
{
    return (unsigned)(va >> (12 + 9 * level)) & 511;
}

static inline uint64_t *table(const struct pt_env *env, phys_addr_t pa)
{
    return env->phys_to_virt(env->ctx, pa);
}

bool pt_canonical(uint64_t va)
{
    uint64_t top = va >> 47;
    return top == 0 || top == 0x1ffff;
}

#define PHYS_LIMIT (1ull << 52) /* x86-64 physical addresses have at most 52 bits */

/* [va, va+size) is canonical, does not wrap, and stays in one half of the
 * address space (never crosses the non-canonical hole). size > 0. */
static bool range_ok(uint64_t va, uint64_t size)
{
    uint64_t last = va + size - 1;
    return last >= va && pt_canonical(va) && pt_canonical(last) && (va >> 47) == (last >> 47);
}

static uint64_t leaf_bits(const struct pt_env *env, unsigned attr)
{
    uint64_t b = PTE_P;
    if (attr & PT_WRITE)
        b |= PTE_W;
    if (!(attr & PT_EXEC) && env->nx)
        b |= PTE_NX;
    if (attr & PT_UNCACHED)
        b |= PTE_PCD | PTE_PWT;
    if (attr & PT_GLOBAL)
        b |= PTE_G;
    if (attr & PT_USER)
        b |= PTE_U;
    return b;
}

/* Note one entry written (or one table scanned) in the counters. */
static inline void counted_write(const struct pt_env *env)
{
    if (env->counts)
        env->counts->writes++;
}

/* Entry pointing to the next-level table for va at `level`, allocating the
 * table if needed. Intermediate entries are maximally permissive; the leaf
 * decides. Returns NULL with *err set on failure. */
static uint64_t *next_table(const struct pt_env *env, uint64_t *t, uint64_t va, int level,
                            unsigned attr, int *err)
{
    uint64_t *e = &t[idx(va, level)];
    if (*e & PTE_P) {
        if (*e & PTE_PS) {
            *err = -ATH_EEXIST; /* a large page already covers this range */
            return NULL;
        }
        if ((attr & PT_USER) && !(*e & PTE_U)) { /* a table made for kernel pages may now hold user pages */
            *e |= PTE_U;
            counted_write(env);
        }
        return table(env, *e & PTE_ADDR);
    }
    phys_addr_t pa;
    if (env->alloc_table(env->ctx, &pa) != 0) {
        *err = -ATH_ENOMEM;
        return NULL;
    }
    *e = pa | PTE_P | PTE_W | ((attr & PT_USER) ? PTE_U : 0);
    counted_write(env);
    return table(env, pa);
}

int pt_map(const struct pt_env *env, phys_addr_t root, uint64_t va, phys_addr_t pa,
           uint64_t size, unsigned attr)
{
    if ((va | pa | size) & (PAGE_SIZE - 1))
        return -ATH_EINVAL;
    if (size == 0)
        return 0;
    if (!range_ok(va, size) || pa >= PHYS_LIMIT || size > PHYS_LIMIT - pa)
        return -ATH_ERANGE;
    uint64_t bits = leaf_bits(env, attr);
    bool large_ok = !(attr & PT_NO_LARGE);
    int err = 0;
    while (size) {
        uint64_t *pml4 = table(env, root);
        uint64_t *pdpt = next_table(env, pml4, va, 3, attr, &err);
        if (!pdpt)
            return err;
        uint64_t *e1 = &pdpt[idx(va, 2)];
        if (large_ok && env->pages_1g && size >= PAGE_1G && !((va | pa) & (PAGE_1G - 1)) &&
            !(*e1 & PTE_P)) {
            *e1 = pa | bits | PTE_PS;
            counted_write(env);
            va += PAGE_1G, pa += PAGE_1G, size -= PAGE_1G;
            continue;
        }
        /* Otherwise (an existing table here, or no 1 GiB page possible) go down a level. */
        uint64_t *pd = next_table(env, pdpt, va, 2, attr, &err);
        if (!pd)
            return err;
        uint64_t *e2 = &pd[idx(va, 1)];
        if (large_ok && size >= PAGE_2M && !((va | pa) & (PAGE_2M - 1)) && !(*e2 & PTE_P)) {
            *e2 = pa | bits | PTE_PS;
            counted_write(env);
            va += PAGE_2M, pa += PAGE_2M, size -= PAGE_2M;
            continue;
        }
        uint64_t *pt = next_table(env, pd, va, 1, attr, &err);
        if (!pt)
            return err;
        uint64_t *e = &pt[idx(va, 0)];
        if (*e & PTE_P)
            return -ATH_EEXIST;
        *e = pa | bits;
        counted_write(env);
        va += PAGE_SIZE, pa += PAGE_SIZE, size -= PAGE_SIZE;
    }
    return 0;
}

/* Walk to the leaf for va; returns a pointer to it and its level, or NULL. */
static uint64_t *walk(const struct pt_env *env, phys_addr_t root, uint64_t va, int *level_out)
{
    uint64_t *t = table(env, root);
    for (int level = 3; level >= 0; level--) {
        uint64_t *e = &t[idx(va, level)];
        if (!(*e & PTE_P))
            return NULL;
        if (level == 0 || ((*e & PTE_PS) && level <= 2)) {
            *level_out = level;
            return e;
        }
        t = table(env, *e & PTE_ADDR);
    }
    return NULL;
}

long pt_unmap(const struct pt_env *env, phys_addr_t root, uint64_t va, uint64_t size)
{
    if ((va | size) & (PAGE_SIZE - 1))
        return -ATH_EINVAL;
    if (size && !range_ok(va, size))
        return -ATH_ERANGE;
    long pages = 0;
    while (size) {
        int level;
        uint64_t *e = walk(env, root, va, &level);
        if (!e) {
            va += PAGE_SIZE;
            size -= PAGE_SIZE;
            continue;
        }
        uint64_t span = level == 2 ? PAGE_1G : level == 1 ? PAGE_2M : PAGE_SIZE;
        if ((va & (span - 1)) || size < span)
            return -ATH_EINVAL; /* would split a large page */
        *e = 0;
        counted_write(env);
        pages += (long)(span / PAGE_SIZE);
        va += span;
        size -= span;
    }
    return pages;
}

int pt_protect(const struct pt_env *env, phys_addr_t root, uint64_t va, uint64_t size,
               unsigned attr)
{
    if ((va | size) & (PAGE_SIZE - 1))
        return -ATH_EINVAL;
    if (size && !range_ok(va, size))
        return -ATH_ERANGE;
    uint64_t bits = leaf_bits(env, attr);
    for (; size; va += PAGE_SIZE, size -= PAGE_SIZE) {
        int level;
        uint64_t *e = walk(env, root, va, &level);
        if (!e)
            return -ATH_ENOENT;
        if (level != 0)
            return -ATH_EINVAL;
        *e = (*e & PTE_ADDR) | bits;
        counted_write(env);
    }
    return 0;
}

/* Present entries in a page table. */
static int count_present(const struct pt_env *env, const uint64_t *pt)
{
    if (env->counts)
        env->counts->scans++;
    int n = 0;
    for (unsigned i = 0; i < 512; i++)
        n += (pt[i] & PTE_P) != 0;
    return n;
}

/* The page-directory entry covering va (level 1), allocating the upper
 * tables if `create`; NULL if absent (or a large page covers va above). */
static uint64_t *pd_entry(const struct pt_env *env, phys_addr_t root, uint64_t va, bool create,
                          int *err)
{
    uint64_t *t = table(env, root);
    for (int level = 3; level >= 2; level--) {
        uint64_t *e = &t[idx(va, level)];
        if (!(*e & PTE_P)) {
            if (!create)
                return NULL;
            t = next_table(env, t, va, level, PT_WRITE, err);
            if (!t)
                return NULL;
            continue;
        }
        if (*e & PTE_PS)
            return NULL;
        t = table(env, *e & PTE_ADDR);
    }
    return &t[idx(va, 1)];
}

int pt_move_table(const struct pt_env *env, phys_addr_t root, uint64_t from, uint64_t to,
                  bool writable)
{
    if ((from | to) & (PAGE_2M - 1))
        return -ATH_EINVAL;
    int err = 0;
    uint64_t *src = pd_entry(env, root, from, false, &err);
    if (!src || !(*src & PTE_P) || (*src & PTE_PS))
        return -ATH_ENOENT; /* nothing, or a large page: not a table to move */
    uint64_t *dst = pd_entry(env, root, to, true, &err);
    if (!dst)
        return err ? err : -ATH_EEXIST;
    /* An empty table at `to` (left by page-by-page moves) trades places with
     * the moving one: no table is freed or allocated. It arrives writable:
     * pages mapped into it later decide their access in their own entries. */
    uint64_t empty = 0;
    if (*dst & PTE_P) {
        if ((*dst & PTE_PS) || count_present(env, table(env, *dst & PTE_ADDR)) != 0)
            return -ATH_EEXIST;
        empty = *dst | PTE_W;
    }
    /* Access is set in the directory entry alone (x86 grants a write only
     * if every level allows it), so the 512 leaves are not touched. */
    *dst = writable ? (*src | PTE_W) : (*src & ~PTE_W);
    *src = empty;
    counted_write(env);
    counted_write(env);
    return 0;
}

int pt_table_count(const struct pt_env *env, phys_addr_t root, uint64_t va)
{
    int err = 0;
    uint64_t *e = pd_entry(env, root, va, false, &err);
    if (!e || !(*e & PTE_P) || (*e & PTE_PS))
        return -1;
    return count_present(env, table(env, *e & PTE_ADDR));
}

int pt_lookup(const struct pt_env *env, phys_addr_t root, uint64_t va, phys_addr_t *pa,
              uint64_t *pte)
{
    if (!pt_canonical(va))
        return -ATH_ENOENT;
    int level;
    uint64_t *e = walk(env, root, va, &level);
    if (!e)
        return -ATH_ENOENT;
    uint64_t span = level == 2 ? PAGE_1G : level == 1 ? PAGE_2M : PAGE_SIZE;
    if (pa)
        *pa = (*e & PTE_ADDR & ~(span - 1)) + (va & (span - 1));
    if (pte) {
        /* The access the CPU grants: a write needs W at every level. */
        uint64_t w = PTE_W, *t = table(env, root);
        for (int l = 3; l > level; l--) {
            uint64_t u = t[idx(va, l)];
            w &= u;
            t = table(env, u & PTE_ADDR);
        }
        *pte = *e & (~PTE_W | w);
    }
    return 0;
}
