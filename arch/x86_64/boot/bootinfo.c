/* Boot information from PVH (hvm_start_info) or Multiboot2 (tag list):
 * memory map, command line and the ACPI RSDP, copied into kernel memory
 * before anything can overwrite the loader's structures. RAM the kernel
 * image and the first MiB occupy is cut out of the usable regions. */
#include <arch/arch.h>
#include <athanor/klib.h>

#define PVH_MAGIC   0x336ec578u
#define E820_RAM    1
#define MB2_TAG_END     0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_MMAP    6
#define MB2_TAG_ACPI1   14
#define MB2_TAG_ACPI2   15
#define LOW_MEMORY_END  0x100000ull /* firmware, BIOS data, option ROMs */

struct hvm_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};
struct hvm_memmap_entry {
    uint64_t addr, size;
    uint32_t type, reserved;
};
struct mb2_tag {
    uint32_t type, size;
};
struct mb2_mmap_entry {
    uint64_t base, len;
    uint32_t type, reserved;
};

extern char __kernel_phys_start[], __kernel_end[];

static uint8_t rsdp_copy[36]; /* ACPI 2.0 RSDP is 36 bytes */
static bool    have_rsdp_copy;
static uint64_t rsdp_phys;

uint64_t bootinfo_rsdp(void)
{
    if (have_rsdp_copy)
        return plat_virt_to_phys(rsdp_copy) ; /* rsdp_copy is in the image, reachable through phys */
    return rsdp_phys;
}

static void add_region(struct boot_info *bi, uint64_t base, uint64_t size)
{
    bi->ram_total += size;
    if (bi->nregions < BOOT_MAX_REGIONS) {
        bi->regions[bi->nregions].base = base;
        bi->regions[bi->nregions].size = size;
        bi->nregions++;
    }
}

/* Remove [lo, hi) from every region, splitting where needed. */
static void cut(struct boot_info *bi, uint64_t lo, uint64_t hi)
{
    for (unsigned i = 0; i < bi->nregions; i++) {
        struct boot_region *r = &bi->regions[i];
        uint64_t b = r->base, e = r->base + r->size;
        if (hi <= b || lo >= e)
            continue;
        if (lo > b && hi < e && bi->nregions < BOOT_MAX_REGIONS) {
            /* split: keep [b, lo), append [hi, e) */
            r->size = lo - b;
            bi->regions[bi->nregions].base = hi;
            bi->regions[bi->nregions].size = e - hi;
            bi->nregions++;
            continue;
        }
        if (lo <= b)
            b = MIN(hi, e);
        if (hi >= e)
            e = MAX(lo, b);
        r->base = b;
        r->size = e - b;
    }
    /* drop empty regions */
    unsigned k = 0;
    for (unsigned i = 0; i < bi->nregions; i++)
        if (bi->regions[i].size)
            bi->regions[k++] = bi->regions[i];
    bi->nregions = k;
}

static void copy_cmdline(struct boot_info *bi, const char *s)
{
    kstrlcpy(bi->cmdline, s, sizeof bi->cmdline);
}

static bool parse_pvh(uint32_t info_phys, struct boot_info *bi)
{
    const struct hvm_start_info *si = plat_phys_to_virt(info_phys);
    if (si->magic != PVH_MAGIC)
        return false;
    bi->loader = "PVH";
    if (si->cmdline_paddr)
        copy_cmdline(bi, plat_phys_to_virt(si->cmdline_paddr));
    rsdp_phys = si->rsdp_paddr;
    if (si->version < 1 || !si->memmap_paddr)
        return false; /* without a memory map we cannot know where RAM is */
    const struct hvm_memmap_entry *m = plat_phys_to_virt(si->memmap_paddr);
    for (uint32_t i = 0; i < si->memmap_entries; i++)
        if (m[i].type == E820_RAM)
            add_region(bi, m[i].addr, m[i].size);
    return true;
}

static bool parse_mb2(uint32_t info_phys, struct boot_info *bi)
{
    bi->loader = "Multiboot2";
    const uint8_t *base = plat_phys_to_virt(info_phys);
    uint32_t total = *(const uint32_t *)base;
    bool have_mmap = false;
    for (uint32_t off = 8; off + sizeof(struct mb2_tag) <= total;) {
        const struct mb2_tag *t = (const struct mb2_tag *)(base + off);
        if (t->type == MB2_TAG_END || t->size < sizeof *t)
            break;
        const uint8_t *body = (const uint8_t *)(t + 1);
        switch (t->type) {
        case MB2_TAG_CMDLINE:
            copy_cmdline(bi, (const char *)body);
            break;
        case MB2_TAG_MMAP: {
            uint32_t esize = ((const uint32_t *)body)[0];
            if (esize < sizeof(struct mb2_mmap_entry))
                break;
            for (uint32_t p = 8; p + esize <= t->size - sizeof *t; p += esize) {
                const struct mb2_mmap_entry *e = (const void *)(body + p);
                if (e->type == E820_RAM)
                    add_region(bi, e->base, e->len);
            }
            have_mmap = true;
            break;
        }
        case MB2_TAG_ACPI1:
        case MB2_TAG_ACPI2:
            /* a copy of the RSDP itself; prefer the 2.0 one when both exist */
            if (t->type == MB2_TAG_ACPI2 || !have_rsdp_copy) {
                memcpy(rsdp_copy, body, MIN(sizeof rsdp_copy, t->size - sizeof *t));
                have_rsdp_copy = true;
            }
            break;
        }
        off += ALIGN_UP(t->size, 8u);
    }
    return have_mmap;
}

bool bootinfo_parse(uint32_t proto, uint32_t info_phys, struct boot_info *bi)
{
    bi->platform = "x86_64";
    bool ok = proto == BOOT_PROTO_PVH ? parse_pvh(info_phys, bi)
            : proto == BOOT_PROTO_MB2 ? parse_mb2(info_phys, bi) : false;
    if (!ok)
        return false;
    uint64_t before = 0, after = 0;
    for (unsigned i = 0; i < bi->nregions; i++)
        before += bi->regions[i].size;
    cut(bi, 0, LOW_MEMORY_END);
    cut(bi, (uint64_t)(uintptr_t)__kernel_phys_start,
        (uint64_t)((uintptr_t)__kernel_end - KERNEL_VMA));
    for (unsigned i = 0; i < bi->nregions; i++)
        after += bi->regions[i].size;
    bi->reserved_bytes = before - after;
    return true;
}
