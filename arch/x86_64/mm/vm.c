/* The kernel's own address space, built once the frame allocator exists:
 * kernel image W^X (text RX, rodata R, data RW, all non-text NX), a direct
 * map of physical memory, guarded kernel stacks and uncached MMIO windows.
 * Locking: vm_lock (irqsave) protects the page tables, the stack-slot table
 * and the MMIO bump pointer. With one CPU a local invlpg is a complete TLB
 * flush; a second CPU will need a shootdown here. */
#include <arch/arch.h>
#include <arch/pagetable.h>
#include <arch/x86.h>
#include <athanor/errors.h>
#include <athanor/frame.h>
#include <athanor/kernel.h>
#include <athanor/klib.h>
#include <athanor/spinlock.h>

extern char __text_start[], __etext[], __rodata_start[], __rodata_end[], __data_start[],
    __kernel_end[], boot_stack_guard[];

static spinlock_t  vm_lock = SPINLOCK_INIT;
static phys_addr_t kernel_root;
static uint64_t    mmio_next = MMIO_AREA;
static uint32_t    stack_used[STACK_SLOTS]; /* usable bytes per slot; 0 = free */

void *plat_phys_to_virt(phys_addr_t pa)
{
    return (void *)(uintptr_t)(DIRECT_MAP + pa);
}

void plat_frames_prefault(phys_addr_t pa, size_t frames)
{
    (void)pa; /* RAM is there: nothing to prepare */
    (void)frames;
}

phys_addr_t plat_virt_to_phys(const void *va)
{
    uintptr_t v = (uintptr_t)va;
    return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DIRECT_MAP;
}

static int alloc_table(void *ctx, phys_addr_t *pa)
{
    (void)ctx;
    int r = frame_alloc(1, 1, pa);
    if (r == 0)
        memset(plat_phys_to_virt(*pa), 0, PAGE_SIZE);
    return r;
}

static void *env_p2v(void *ctx, phys_addr_t pa)
{
    (void)ctx;
    return plat_phys_to_virt(pa);
}

/* Page-table work since boot, for benchmarks (plat_pt_counts). Updated
 * under vm_lock, read without it (a benchmark's snapshot may be one update
 * behind another thread's: the numbers are counts, not a state). */
static struct pt_counts pt_counts;
static uint64_t         tlb_pages, tlb_full;

static struct pt_env env = { alloc_table, env_p2v, NULL, false, false, &pt_counts };

/* One page's translation dropped from the TLB, counted. vm_lock held. */
static void tlb_drop_page(uint64_t va)
{
    invlpg((void *)(uintptr_t)va);
    tlb_pages++;
}

void plat_pt_counts(struct plat_pt_counts *out)
{
    out->entries_written = pt_counts.writes;
    out->tables_scanned = pt_counts.scans;
    out->tlb_page_flushes = tlb_pages;
    out->tlb_full_flushes = tlb_full;
    out->os_calls = 0;
}

static void map_or_die(uint64_t va, phys_addr_t pa, uint64_t size, unsigned attr, const char *what)
{
    int r = pt_map(&env, kernel_root, va, pa, size, attr);
    if (r)
        kpanic("vm: cannot map %s: %s", what, ath_strerror(r));
}

static void map_image(uintptr_t start, uintptr_t end, unsigned attr, const char *what)
{
    start = ALIGN_DOWN(start, PAGE_SIZE);
    end = ALIGN_UP(end, PAGE_SIZE);
    if (end > start)
        map_or_die(start, start - KERNEL_VMA, end - start, attr | PT_GLOBAL, what);
}

void vm_init(void)
{
    env.nx = cpu_caps.nx;
    env.pages_1g = cpu_caps.pages_1g;
    if (alloc_table(NULL, &kernel_root))
        kpanic("vm: no frame for the kernel page tables");

    map_image((uintptr_t)__text_start, (uintptr_t)__etext, PT_EXEC, "kernel text");
    map_image((uintptr_t)__rodata_start, (uintptr_t)__rodata_end, PT_READ, "kernel rodata");
    /* data+bss, leaving the boot stack's guard page unmapped */
    map_image((uintptr_t)__data_start, (uintptr_t)boot_stack_guard, PT_WRITE, "kernel data");
    map_image((uintptr_t)boot_stack_guard + PAGE_SIZE, (uintptr_t)__kernel_end, PT_WRITE, "kernel bss");

    /* Direct map: the first 4 GiB (RAM, ACPI tables, firmware) plus all RAM above. */
    const struct boot_info *bi = kernel_boot_info();
    uint64_t top = BOOT_MAP_LIMIT;
    for (unsigned i = 0; i < bi->nregions; i++)
        top = MAX(top, bi->regions[i].base + bi->regions[i].size);
    top = ALIGN_UP(top, PAGE_1G);
    map_or_die(DIRECT_MAP, 0, top, PT_WRITE | PT_GLOBAL, "direct map");

    write_cr3(kernel_root);
}

void *vm_map_mmio(uint64_t phys, size_t size)
{
    uint64_t off = phys & (PAGE_SIZE - 1);
    uint64_t len = ALIGN_UP(size + off, PAGE_SIZE);
    irqflags_t f = spin_lock_irqsave(&vm_lock);
    uint64_t va = mmio_next;
    if (va + len > MMIO_AREA + MMIO_AREA_SIZE) {
        spin_unlock_irqrestore(&vm_lock, f);
        return NULL;
    }
    int r = pt_map(&env, kernel_root, va, phys - off, len, PT_WRITE | PT_UNCACHED | PT_NO_LARGE);
    if (r == 0)
        mmio_next += len;
    spin_unlock_irqrestore(&vm_lock, f);
    return r == 0 ? (void *)(uintptr_t)(va + off) : NULL;
}

static uint64_t slot_va(unsigned s)
{
    return STACK_AREA + (uint64_t)s * STACK_SLOT;
}

/* Unmap and free the stack pages of slot s above `from`. vm_lock held. */
static void release_pages(unsigned s, uint64_t from)
{
    for (uint64_t va = from; va < slot_va(s) + STACK_SLOT; va += PAGE_SIZE) {
        phys_addr_t pa;
        if (pt_lookup(&env, kernel_root, va, &pa, NULL) != 0)
            continue;
        pt_unmap(&env, kernel_root, va, PAGE_SIZE);
        tlb_drop_page(va);
        frame_free(pa, 1);
    }
}

int plat_stack_alloc(size_t size, struct plat_stack *out)
{
    size = ALIGN_UP(size, PAGE_SIZE);
    if (size == 0 || size > STACK_SLOT - PAGE_SIZE)
        return -ATH_EINVAL;
    irqflags_t f = spin_lock_irqsave(&vm_lock);
    unsigned s = 0;
    while (s < STACK_SLOTS && stack_used[s])
        s++;
    if (s == STACK_SLOTS) {
        spin_unlock_irqrestore(&vm_lock, f);
        return -ATH_ENOMEM;
    }
    /* The stack sits at the top of its slot; everything below it in the slot,
     * in particular the page right under the stack, stays unmapped. */
    uint64_t base = slot_va(s) + STACK_SLOT - size;
    for (uint64_t va = base; va < base + size; va += PAGE_SIZE) {
        phys_addr_t pa;
        if (frame_alloc(1, 1, &pa) != 0 ||
            pt_map(&env, kernel_root, va, pa, PAGE_SIZE, PT_WRITE | PT_GLOBAL | PT_NO_LARGE) != 0) {
            release_pages(s, base);
            spin_unlock_irqrestore(&vm_lock, f);
            return -ATH_ENOMEM;
        }
    }
    stack_used[s] = (uint32_t)size;
    spin_unlock_irqrestore(&vm_lock, f);
    out->base = (void *)(uintptr_t)base;
    out->size = size;
    out->cookie = (void *)(uintptr_t)s;
    return 0;
}

void plat_stack_free(struct plat_stack *st)
{
    unsigned s = (unsigned)(uintptr_t)st->cookie;
    irqflags_t f = spin_lock_irqsave(&vm_lock);
    release_pages(s, (uint64_t)(uintptr_t)st->base);
    stack_used[s] = 0;
    spin_unlock_irqrestore(&vm_lock, f);
    st->size = 0;
}

int vm_map_fresh_page(uint64_t va)
{
    phys_addr_t pa;
    if (frame_alloc(1, 1, &pa) != 0)
        return -ATH_ENOMEM;
    memset(plat_phys_to_virt(pa), 0, PAGE_SIZE);
    irqflags_t f = spin_lock_irqsave(&vm_lock);
    int r = pt_map(&env, kernel_root, va, pa, PAGE_SIZE, PT_WRITE | PT_NO_LARGE);
    spin_unlock_irqrestore(&vm_lock, f);
    if (r)
        frame_free(pa, 1);
    return r;
}

void vm_unmap_and_free_page(uint64_t va)
{
    phys_addr_t pa;
    irqflags_t f = spin_lock_irqsave(&vm_lock);
    bool mapped = pt_lookup(&env, kernel_root, va, &pa, NULL) == 0;
    if (mapped) {
        pt_unmap(&env, kernel_root, va, PAGE_SIZE);
        tlb_drop_page(va);
    }
    spin_unlock_irqrestore(&vm_lock, f);
    if (mapped)
        frame_free(pa, 1);
}

phys_addr_t vm_page_frame(uint64_t va)
{
    phys_addr_t pa = 0;
    irqflags_t f = spin_lock_irqsave(&vm_lock);
    int r = pt_lookup(&env, kernel_root, va, &pa, NULL);
    spin_unlock_irqrestore(&vm_lock, f);
    if (r)
        kpanic("vm: no page at %#llx", (unsigned long long)va);
    return pa;
}

int vm_move_2m(uint64_t from, uint64_t to, bool writable)
{
    irqflags_t f = spin_lock_irqsave(&vm_lock);
    int r = pt_move_table(&env, kernel_root, from, to, writable);
    spin_unlock_irqrestore(&vm_lock, f);
    return r;
}

int vm_table_count(uint64_t va)
{
    irqflags_t f = spin_lock_irqsave(&vm_lock);
    int n = pt_table_count(&env, kernel_root, va);
    spin_unlock_irqrestore(&vm_lock, f);
    return n;
}

/* Reloading CR3 drops every non-global translation. Component memory is
 * mapped without PT_GLOBAL (vm_map_fresh_page, vm_remap_page), so moved page
 * tables leave no stale entry behind; only kernel text, the direct map and
 * kernel stacks are global, and they never move. */
void vm_flush_tlb(void)
{
    irqflags_t f = spin_lock_irqsave(&vm_lock);
    write_cr3(kernel_root);
    tlb_full++;
    spin_unlock_irqrestore(&vm_lock, f);
}

bool vm_page_mapped(uint64_t va, phys_addr_t *pa)
{
    phys_addr_t p;
    irqflags_t f = spin_lock_irqsave(&vm_lock);
    bool mapped = pt_lookup(&env, kernel_root, va, &p, NULL) == 0;
    spin_unlock_irqrestore(&vm_lock, f);
    if (mapped && pa)
        *pa = p;
    return mapped;
}

bool vm_unmap_keep_page(uint64_t va, phys_addr_t *pa)
{
    irqflags_t f = spin_lock_irqsave(&vm_lock);
    bool mapped = pt_lookup(&env, kernel_root, va, pa, NULL) == 0;
    if (mapped) {
        pt_unmap(&env, kernel_root, va, PAGE_SIZE);
        tlb_drop_page(va);
    }
    spin_unlock_irqrestore(&vm_lock, f);
    return mapped;
}

void vm_remap_page(uint64_t va, phys_addr_t pa, bool writable)
{
    irqflags_t f = spin_lock_irqsave(&vm_lock);
    pt_unmap(&env, kernel_root, va, PAGE_SIZE);
    int r = pt_map(&env, kernel_root, va, pa, PAGE_SIZE, (writable ? PT_WRITE : PT_READ) | PT_NO_LARGE);
    tlb_drop_page(va);
    spin_unlock_irqrestore(&vm_lock, f);
    if (r) /* the table for va exists (the page was mapped): cannot fail */
        kpanic("vm: remap of %#llx failed: %s", (unsigned long long)va, ath_strerror(r));
}

/* The range can be a component's whole memory, so the lock (and with it
 * interrupts) is taken per 2 MiB of it, not for all of it (docs/security.md:
 * no work in proportion to a component's size with interrupts off). Between
 * chunks the TLB may still hold writable entries for pages already made
 * read-only: the caller owns the range (the component's own thread, before
 * the component runs again), so nothing writes through them before the one
 * full flush at the end. */
void vm_protect_range(uint64_t va, size_t len, bool writable)
{
    const size_t chunk = 512 * PAGE_SIZE;
    for (size_t off = 0; off < len; off += chunk) {
        size_t n = len - off < chunk ? len - off : chunk;
        irqflags_t f = spin_lock_irqsave(&vm_lock);
        int r = pt_protect(&env, kernel_root, va + off, n, writable ? PT_WRITE : PT_READ);
        spin_unlock_irqrestore(&vm_lock, f);
        if (r)
            kpanic("vm: protect of %#llx+%zu failed: %s", (unsigned long long)(va + off), n,
                   ath_strerror(r));
    }
    vm_flush_tlb(); /* one full flush instead of an invlpg per page */
}

int vm_protect_pages(uint64_t va, size_t len, unsigned attr)
{
    irqflags_t f = spin_lock_irqsave(&vm_lock);
    int r = pt_protect(&env, kernel_root, va, len, attr);
    spin_unlock_irqrestore(&vm_lock, f);
    vm_flush_tlb();
    return r;
}

bool vm_is_stack_guard(uintptr_t va)
{
    if (va >= (uintptr_t)boot_stack_guard && va < (uintptr_t)boot_stack_guard + PAGE_SIZE)
        return true;
    if (va < STACK_AREA || va >= STACK_AREA + (uint64_t)STACK_SLOTS * STACK_SLOT)
        return false;
    unsigned s = (unsigned)((va - STACK_AREA) / STACK_SLOT);
    uint64_t base = slot_va(s) + STACK_SLOT - stack_used[s];
    return stack_used[s] && va >= base - PAGE_SIZE && va < base;
}
