/* Address → function name lookup over the generated symbol table. */
#include <athanor/klib.h>
#include <athanor/ksyms.h>

/* Provided by the generated table (empty in the first link). Sorted by address. */
extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];
extern const uint32_t ksyms_name_offs[];
extern const char     ksyms_names[];
extern const uint64_t ksyms_text_end;

bool ksym_lookup(uintptr_t addr, const char **name, uintptr_t *offset)
{
    uint64_t n = ksyms_count;
    if (n == 0 || addr < ksyms_addrs[0] || addr >= ksyms_text_end)
        return false;
    uint64_t lo = 0, hi = n; /* find last entry with addr >= ksyms_addrs[i] */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ksyms_addrs[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    *name = &ksyms_names[ksyms_name_offs[lo]];
    *offset = addr - ksyms_addrs[lo];
    return true;
}

void ksym_print_frame(unsigned n, uintptr_t addr)
{
    const char *name;
    uintptr_t off;
    if (ksym_lookup(addr, &name, &off))
        kprintf("  #%-2u 0x%016lx %s+%#lx\n", n, (unsigned long)addr, name, (unsigned long)off);
    else
        kprintf("  #%-2u 0x%016lx ?\n", n, (unsigned long)addr);
}
