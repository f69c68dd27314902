/* Minimal ACPI table reading: the MADT (IOAPIC address, ISA interrupt
 * overrides for COM1) and the FADT (power-off through PM1 control with the
 * \_S5 sleep type from the DSDT, and the reset register). Tables are read
 * through the direct map; every length and checksum is verified first. */
#include <arch/arch.h>
#include <athanor/klib.h>

struct acpi_info acpi;

#define DEFAULT_IOAPIC 0xfec00000ull /* the PC default when there is no MADT */

struct __attribute__((packed)) rsdp {
    char     sig[8];
    uint8_t  checksum;
    char     oem[6];
    uint8_t  revision;
    uint32_t rsdt;
    uint32_t length;
    uint64_t xsdt;
    uint8_t  xchecksum;
    uint8_t  reserved[3];
};

struct __attribute__((packed)) sdt {
    char     sig[4];
    uint32_t length;
    uint8_t  revision, checksum;
    char     oem[6], oem_table[8];
    uint32_t oem_rev, creator, creator_rev;
};

static bool sum_ok(const void *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + ((const uint8_t *)p)[i]);
    return s == 0;
}

static const struct rsdp *check_rsdp(uint64_t pa)
{
    const struct rsdp *r = plat_phys_to_virt(pa);
    if (memcmp(r->sig, "RSD PTR ", 8) != 0 || !sum_ok(r, 20))
        return NULL;
    return r;
}

static const struct rsdp *find_rsdp(void)
{
    uint64_t given = bootinfo_rsdp();
    if (given)
        return check_rsdp(given);
    /* BIOS: the first KiB of the EBDA, then 0xE0000-0xFFFFF, on 16-byte boundaries. */
    uint64_t ebda = (uint64_t)*(const uint16_t *)plat_phys_to_virt(0x40e) << 4;
    for (uint64_t a = ebda; ebda && a < ebda + 1024; a += 16)
        if (check_rsdp(a))
            return check_rsdp(a);
    for (uint64_t a = 0xe0000; a < 0x100000; a += 16)
        if (check_rsdp(a))
            return check_rsdp(a);
    return NULL;
}

static const struct sdt *table_at(uint64_t pa)
{
    if (!pa || pa >= BOOT_MAP_LIMIT)
        return NULL; /* firmware tables live below 4 GiB on every machine we target */
    const struct sdt *t = plat_phys_to_virt(pa);
    if (t->length < sizeof *t || t->length > (1u << 20) || !sum_ok(t, t->length))
        return NULL;
    return t;
}

static const struct sdt *find_table(const struct rsdp *r, const char sig[4])
{
    bool x = r->revision >= 2 && r->xsdt;
    const struct sdt *root = table_at(x ? r->xsdt : r->rsdt);
    if (!root)
        return NULL;
    size_t esize = x ? 8 : 4;
    size_t n = (root->length - sizeof *root) / esize;
    const uint8_t *e = (const uint8_t *)(root + 1);
    for (size_t i = 0; i < n; i++) {
        uint64_t pa = 0;
        memcpy(&pa, e + i * esize, esize);
        const struct sdt *t = table_at(pa);
        if (t && memcmp(t->sig, sig, 4) == 0)
            return t;
    }
    return NULL;
}

static void parse_madt(const struct sdt *madt)
{
    const uint8_t *p = (const uint8_t *)madt + sizeof *madt + 8; /* skip LAPIC addr + flags */
    const uint8_t *end = (const uint8_t *)madt + madt->length;
    bool have_ioapic = false;
    while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
        uint8_t type = p[0], len = p[1];
        if (type == 1 && len >= 12 && !have_ioapic) { /* I/O APIC */
            uint32_t addr, gsi;
            memcpy(&addr, p + 4, 4);
            memcpy(&gsi, p + 8, 4);
            acpi.ioapic_phys = addr;
            acpi.ioapic_gsi_base = gsi;
            have_ioapic = true;
        } else if (type == 2 && len >= 10 && p[3] < 16) { /* interrupt source override */
            uint32_t gsi;
            uint16_t flags;
            memcpy(&gsi, p + 4, 4);
            memcpy(&flags, p + 8, 2);
            acpi.isa[p[3]] = (struct isa_route){ gsi, (flags & 3) == 3, ((flags >> 2) & 3) == 3 };
            if (p[3] == COM1_ISA_IRQ) {
                acpi.com1_gsi = gsi;
                acpi.com1_active_low = (flags & 3) == 3;
                acpi.com1_level = ((flags >> 2) & 3) == 3;
            }
        }
        p += len;
    }
}

/* Find SLP_TYPa/b in the \_S5 package: NameOp "_S5_" PackageOp PkgLength
 * NumElements, then two integers (BytePrefix 0x0A n, or ZeroOp/OneOp). */
static void parse_s5(const struct sdt *dsdt)
{
    const uint8_t *p = (const uint8_t *)(dsdt + 1);
    const uint8_t *end = (const uint8_t *)dsdt + dsdt->length;
    for (; p + 4 < end; p++) {
        if (memcmp(p, "_S5_", 4) != 0 || p + 12 > end || p[4] != 0x12)
            continue;
        const uint8_t *q = p + 5;
        q += ((*q >> 6) & 3) + 1; /* PkgLength: lead byte plus 0-3 more */
        q++;                      /* NumElements */
        uint16_t v[2];
        for (int i = 0; i < 2; i++) {
            if (q >= end)
                return;
            if (*q == 0x0a && q + 1 < end) {
                v[i] = q[1];
                q += 2;
            } else if (*q == 0x00 || *q == 0x01) {
                v[i] = *q;
                q++;
            } else {
                return;
            }
        }
        acpi.slp_typa = v[0];
        acpi.slp_typb = v[1];
        acpi.s5_found = true;
        return;
    }
}

static void parse_fadt(const struct sdt *fadt)
{
    const uint8_t *f = (const uint8_t *)fadt;
    uint32_t dsdt32 = 0, pm1a = 0, pm1b = 0;
    if (fadt->length >= 72) {
        memcpy(&dsdt32, f + 40, 4);
        memcpy(&pm1a, f + 64, 4);
        memcpy(&pm1b, f + 68, 4);
    }
    acpi.pm1a_cnt = (uint16_t)pm1a;
    acpi.pm1b_cnt = (uint16_t)pm1b;
    if (fadt->length >= 129) { /* RESET_REG (generic address) and RESET_VALUE, ACPI 2.0+ */
        acpi.reset_space = f[116];
        memcpy(&acpi.reset_addr, f + 120, 8);
        acpi.reset_value = f[128];
        uint32_t flags;
        memcpy(&flags, f + 112, 4);
        acpi.reset_supported = (flags & (1u << 10)) && acpi.reset_addr;
    }
    uint64_t dsdt = dsdt32;
    if (fadt->length >= 148) {
        uint64_t x;
        memcpy(&x, f + 140, 8);
        if (x)
            dsdt = x;
    }
    const struct sdt *d = table_at(dsdt);
    if (d)
        parse_s5(d);
}

void acpi_init(void)
{
    static bool done; /* also called early by power-off, before plat_init_late */
    if (done)
        return;
    done = true;
    acpi.ioapic_phys = DEFAULT_IOAPIC;
    acpi.com1_gsi = COM1_ISA_IRQ;
    for (uint32_t i = 0; i < 16; i++)
        acpi.isa[i] = (struct isa_route){ i, false, false };
    const struct rsdp *r = find_rsdp();
    if (!r) {
        kprintf("acpi: no RSDP found; using PC defaults, power-off unavailable\n");
        return;
    }
    const struct sdt *madt = find_table(r, "APIC");
    if (madt)
        parse_madt(madt);
    const struct sdt *fadt = find_table(r, "FACP");
    if (fadt)
        parse_fadt(fadt);
    kprintf("acpi: rev %u, IOAPIC %#llx, COM1 on GSI %u, power-off %s\n", r->revision,
            (unsigned long long)acpi.ioapic_phys, acpi.com1_gsi,
            acpi.s5_found && acpi.pm1a_cnt ? "via PM1 control" : "unavailable");
}
