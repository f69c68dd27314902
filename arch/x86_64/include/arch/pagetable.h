/* x86-64 4-level page-table builder. Pure C with no privileged instructions,
 * so the host unit tests exercise exactly this code against simulated RAM.
 * Callers serialise access to one tree (the kernel holds its vm lock). */
#ifndef ARCH_PAGETABLE_H
#define ARCH_PAGETABLE_H

#include <athanor/types.h>

/* Hardware PTE bits. */
#define PTE_P    (1ull << 0)
#define PTE_W    (1ull << 1)
#define PTE_U    (1ull << 2)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_A    (1ull << 5)
#define PTE_D    (1ull << 6)
#define PTE_PS   (1ull << 7) /* large page (in PDPT/PD entries) */
#define PTE_G    (1ull << 8)
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define PT_ENTRIES 512
#define PAGE_2M    (2ull << 20)
#define PAGE_1G    (1ull << 30)

/* Portable mapping attributes; the builder turns them into PTE bits. */
enum pt_attr {
    PT_READ     = 0,      /* every mapping is readable */
    PT_WRITE    = 1 << 0,
    PT_EXEC     = 1 << 1, /* without it the page is NX (when NX is supported) */
    PT_UNCACHED = 1 << 2, /* device memory: PCD|PWT */
    PT_GLOBAL   = 1 << 3,
    PT_USER     = 1 << 4,
    PT_NO_LARGE = 1 << 5, /* force 4 KiB pages (e.g. memory that will be split later) */
};

/* What the builder did to the tables, for benchmarks (docs/performance.md:
 * the entries an IPC lend touches). */
struct pt_counts {
    uint64_t writes; /* entries written */
    uint64_t scans;  /* whole tables read (512 entries each), to count pages */
};

struct pt_env {
    /* Allocate one zeroed 4 KiB page-table frame; 0 on success. */
    int  (*alloc_table)(void *ctx, phys_addr_t *pa);
    void *(*phys_to_virt)(void *ctx, phys_addr_t pa);
    void *ctx;
    bool  nx;       /* the CPU supports no-execute (EFER.NXE set) */
    bool  pages_1g; /* the CPU supports 1 GiB pages */
    struct pt_counts *counts; /* counted when not NULL */
};

/* Map [va, va+size) to [pa, pa+size). va, pa and size must be 4 KiB aligned;
 * va must be canonical. Uses 1 GiB / 2 MiB pages where both addresses are
 * aligned and PT_NO_LARGE is not given. Fails with -ATH_EEXIST (and maps
 * nothing new at or after that page) if a page is already mapped. */
int pt_map(const struct pt_env *env, phys_addr_t root, uint64_t va, phys_addr_t pa,
           uint64_t size, unsigned attr);
/* Remove the 4 KiB mappings in [va, va+size). Large pages are removed only
 * whole (-ATH_EINVAL if the range cuts one). Unmapped pages are skipped.
 * Returns the number of 4 KiB pages unmapped, or a negative error. */
long pt_unmap(const struct pt_env *env, phys_addr_t root, uint64_t va, uint64_t size);
/* Change the attributes of existing 4 KiB mappings in [va, va+size) (the
 * physical pages stay). -ATH_ENOENT if a page is unmapped, -ATH_EINVAL for
 * misalignment or a range inside a large page. Callers flush the TLB. */
int pt_protect(const struct pt_env *env, phys_addr_t root, uint64_t va, uint64_t size,
               unsigned attr);
/* Move the page table covering the 2 MiB at `from` (its page-directory
 * entry) so that it covers `to` instead: 512 pages move with one entry.
 * `writable` is set in that directory entry only: read-only there makes
 * every page under it read-only whatever its own entry says, and the leaves
 * are left alone (so moving it back writable restores each page's own
 * access). -ATH_EINVAL (alignment), -ATH_ENOENT (no table at from),
 * -ATH_EEXIST (a page at to; an empty table there is swapped to `from`).
 * Callers flush the TLB. */
int pt_move_table(const struct pt_env *env, phys_addr_t root, uint64_t from, uint64_t to,
                  bool writable);
/* Present pages in the page table under the 2 MiB holding va (0..512), or
 * -1 if there is no such table (nothing mapped there, or a large page). */
int pt_table_count(const struct pt_env *env, phys_addr_t root, uint64_t va);
/* Translate va: returns 0 and fills pa and pte (the leaf entry, its W bit
 * cleared if a level above denies writes), or -ATH_ENOENT. */
int pt_lookup(const struct pt_env *env, phys_addr_t root, uint64_t va, phys_addr_t *pa,
              uint64_t *pte);
/* True if va is a canonical 48-bit address. */
bool pt_canonical(uint64_t va);

#endif
