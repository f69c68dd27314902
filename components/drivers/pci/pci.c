/* PCI enumeration service: scans configuration space through the legacy
 * mechanism (ports 0xCF8-0xCFF, its only hardware capability), following
 * PCI-to-PCI bridges, sizes each function's BARs, prints the list, and then
 * answers other components' questions about it by IPC.
 * IDs, locations, BARs and lines identify the machine (docs/privacy.md,
 * "Hardware identifiers"), so the questions are answered about a function
 * only to its claimer, and about every function only to a component the
 * manifest gives the inventory right (pci_inventory = true: the shell's
 * lspci); anyone else gets -ATH_EPERM for every index, there or not, and
 * for COUNT, so that it learns not even how many functions there are.
 *   op 1 COUNT          -> number of functions found (inventory right only)
 *   op 2 ID(i)          -> vendor | device << 16 | class << 32 (class, subclass, prog-if)
 *   op 3 LOCATION(i)    -> bus << 16 | device << 8 | function
 *   op 4 BAR(i, n)      -> base (low 4 bits: 1 = I/O, 0 = memory), size in the result of op 5
 *   op 5 BARSIZE(i, n)  -> size in bytes (0: no such BAR)
 *   op 6 IRQLINE(i)     -> interrupt line (config 0x3C) | pin << 8
 * and hands devices to their drivers. Which component may claim which
 * devices is the manifest's (each driver's pci key), which the build turns
 * into pci_claims.h. A driver claims a function by IDs;
 * from then on only that caller (its badge) gets capabilities to the
 * function's BARs and interrupt line (derived from the service's own,
 * which the manifest grants: the PCI memory hole, the PCI I/O window and
 * the PCI lines) and may
 * read and write its configuration space (not its BARs):
 *   op 7 CLAIM(vendor | device << 16, n)   -> index of the n-th such function
 *   op 8 GRANT_BAR(i, bar)                 -> the caller's handle to that BAR
 *   op 9 GRANT_IRQ(i)                      -> the caller's handle to its line
 *   op 10 CONFIG_READ(i, off) / op 11 CONFIG_WRITE(i, off, value): 32 bits
 * Errors come back as negative values: -ATH_EBUSY (claimed by another),
 * -ATH_EPERM (not the claimer), -ATH_ENOENT, -ATH_ERANGE. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <athanor.h>
#include <pci_claims.h>

#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA    0xcfc
#define MAX_FUNCS      64

enum { OP_COUNT = 1, OP_ID = 2, OP_LOCATION = 3, OP_BAR = 4, OP_BARSIZE = 5, OP_IRQLINE = 6,
       OP_CLAIM = 7, OP_GRANT_BAR = 8, OP_GRANT_IRQ = 9, OP_CONFIG_READ = 10, OP_CONFIG_WRITE = 11 };
#define ERR(e) ((uint64_t)(int64_t)-(e))

struct func {
    uint8_t  bus, dev, fn, irq_line, irq_pin, header;
    uint16_t vendor, device;
    uint32_t class; /* class << 16 | subclass << 8 | prog-if */
    uint64_t bar[6], bar_size[6];
    uint64_t     claimer;    /* badge of the driver that claimed it; 0 = free */
    ath_handle_t granted[7]; /* our copies behind the driver's (BARs 0-5, line) */
};

static ath_handle_t io, mmio_root, io_root;
static struct ath_cap_info mmio_info, io_info;
static struct func  funcs[MAX_FUNCS];
static unsigned     nfuncs;

static uint32_t cfg_read(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
    uint32_t v = 0xffffffffu;
    uint32_t addr = 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (off & 0xfc);
    if (ath_outl(io, CONFIG_ADDRESS, addr) == 0)
        ath_inl(io, CONFIG_DATA, &v);
    return v;
}

static void cfg_write(unsigned bus, unsigned dev, unsigned fn, unsigned off, uint32_t v)
{
    uint32_t addr = 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (off & 0xfc);
    if (ath_outl(io, CONFIG_ADDRESS, addr) == 0)
        ath_outl(io, CONFIG_DATA, v);
}

/* Size the BARs of a type-0 header: write all ones, read the mask back, with
 * decoding off meanwhile so the device answers nowhere odd. */
static void size_bars(struct func *f)
{
    uint32_t cmd = cfg_read(f->bus, f->dev, f->fn, 0x04);
    cfg_write(f->bus, f->dev, f->fn, 0x04, cmd & ~3u);
    for (unsigned i = 0; i < 6; i++) {
        unsigned off = 0x10 + 4 * i;
        uint32_t orig = cfg_read(f->bus, f->dev, f->fn, off);
        cfg_write(f->bus, f->dev, f->fn, off, 0xffffffffu);
        uint32_t mask = cfg_read(f->bus, f->dev, f->fn, off);
        cfg_write(f->bus, f->dev, f->fn, off, orig);
        if (mask == 0 || mask == 0xffffffffu)
            continue;
        if (orig & 1) { /* I/O space */
            f->bar[i] = (orig & ~3u) | 1;
            f->bar_size[i] = (~(mask & ~3u) + 1) & 0xffff;
            continue;
        }
        uint64_t base = orig & ~0xfu, size_mask = mask & ~0xfu;
        if (((orig >> 1) & 3) == 2 && i < 5) { /* 64-bit: the next BAR is the high half */
            uint32_t orig_hi = cfg_read(f->bus, f->dev, f->fn, off + 4);
            cfg_write(f->bus, f->dev, f->fn, off + 4, 0xffffffffu);
            uint32_t mask_hi = cfg_read(f->bus, f->dev, f->fn, off + 4);
            cfg_write(f->bus, f->dev, f->fn, off + 4, orig_hi);
            base |= (uint64_t)orig_hi << 32;
            size_mask |= (uint64_t)mask_hi << 32;
            f->bar[i] = base;
            f->bar_size[i] = ~size_mask + 1;
            i++;
            continue;
        }
        f->bar[i] = base;
        f->bar_size[i] = (uint32_t)(~(uint32_t)size_mask + 1);
    }
    cfg_write(f->bus, f->dev, f->fn, 0x04, cmd);
}

static void scan_bus(unsigned bus, unsigned depth);

static void scan_function(unsigned bus, unsigned dev, unsigned fn, unsigned depth)
{
    uint32_t id = cfg_read(bus, dev, fn, 0x00);
    if ((id & 0xffff) == 0xffff || nfuncs == MAX_FUNCS)
        return;
    struct func *f = &funcs[nfuncs++];
    memset(f, 0, sizeof *f);
    f->bus = (uint8_t)bus, f->dev = (uint8_t)dev, f->fn = (uint8_t)fn;
    f->vendor = (uint16_t)id, f->device = (uint16_t)(id >> 16);
    f->class = cfg_read(bus, dev, fn, 0x08) >> 8;
    f->header = (uint8_t)(cfg_read(bus, dev, fn, 0x0c) >> 16);
    uint32_t irq = cfg_read(bus, dev, fn, 0x3c);
    f->irq_line = (uint8_t)irq, f->irq_pin = (uint8_t)(irq >> 8);
    if ((f->header & 0x7f) == 0)
        size_bars(f);
    else if ((f->header & 0x7f) == 1 && depth < 8) /* PCI-to-PCI bridge: its secondary bus */
        scan_bus((cfg_read(bus, dev, fn, 0x18) >> 8) & 0xff, depth + 1);
}

static void scan_bus(unsigned bus, unsigned depth)
{
    for (unsigned dev = 0; dev < 32; dev++) {
        if ((cfg_read(bus, dev, 0, 0x00) & 0xffff) == 0xffff)
            continue;
        bool multi = cfg_read(bus, dev, 0, 0x0c) & 0x800000;
        for (unsigned fn = 0; fn < (multi ? 8u : 1u); fn++)
            scan_function(bus, dev, fn, depth);
    }
}

static const char *class_name(uint32_t class)
{
    switch (class >> 8) {
    case 0x0101: return "IDE controller";
    case 0x0100: return "SCSI controller";
    case 0x0106: return "SATA controller";
    case 0x0200: return "Ethernet controller";
    case 0x0300: return "VGA controller";
    case 0x0380: return "display controller";
    case 0x0600: return "host bridge";
    case 0x0601: return "ISA bridge";
    case 0x0604: return "PCI bridge";
    case 0x0680: return "bridge";
    case 0x0c03: return "USB controller";
    case 0x0c05: return "SMBus";
    case 0x0780: return "communication controller";
    case 0x0880: return "system peripheral";
    case 0x0000: return "unclassified device";
    default:     return (class >> 16) == 0x01 ? "storage controller" : "device";
    }
}

/* Hand the caller a copy of h (which we derived for it), or an error. */
static uint64_t give(ath_handle_t h, ath_handle_t *keep)
{
    if (h < 0)
        return ERR(-h);
    *keep = h;
    ath_handle_t given = ath_reply_grant(h);
    return given < 0 ? ERR(-given) : (uint64_t)given;
}

/* Who may list every function: the manifest's pci_inventory keys. */
static bool may_list(void)
{
    char who[24] = "";
    ath_caller_name(who, sizeof who);
    for (unsigned i = 0; pci_inventory[i]; i++)
        if (!strcmp(pci_inventory[i], who))
            return true;
    return false;
}

/* Who may claim what: the manifest's pci keys, resolved by the build. */
static bool may_claim(const char *who, uint32_t ids)
{
    for (unsigned i = 0; i < sizeof pci_claims / sizeof pci_claims[0]; i++)
        if (pci_claims[i].ids == ids && !strcmp(pci_claims[i].component, who))
            return true;
    return false;
}

/* Delete our copy behind a grant, which revokes the driver's copy too. */
static void drop(ath_handle_t *keep)
{
    if (*keep > 0)
        ath_cap_delete(*keep);
    *keep = 0;
}

static uint64_t claim(uint64_t badge, uint32_t ids, uint64_t n)
{
    char who[24] = "";
    ath_caller_name(who, sizeof who);
    if (!may_claim(who, ids)) {
        printf("pci: refused: %s may not claim %04x:%04x (manifest)\n", who, ids & 0xffff, ids >> 16);
        return ERR(ATH_EPERM);
    }
    for (unsigned i = 0; i < nfuncs; i++) {
        struct func *f = &funcs[i];
        if ((f->vendor | (uint32_t)f->device << 16) != ids || n-- != 0)
            continue;
        if (f->claimer && f->claimer != badge)
            return ERR(ATH_EBUSY);
        for (unsigned k = 0; k < 7; k++) /* a restarted driver claims again: old copies go */
            drop(&f->granted[k]);
        f->claimer = badge;
        return i;
    }
    return ERR(ATH_ENOENT);
}

static uint64_t grant_irq(struct func *f)
{
    for (unsigned k = 0;; k++) {
        ath_handle_t h = ath_cap_find(ATH_T_IRQ, k);
        struct ath_cap_info info;
        if (h < 0)
            return ERR(ATH_ENOENT); /* its line is not one the manifest gave us */
        if (ath_cap_info(h, &info) == 0 && info.base == f->irq_line) {
            drop(&f->granted[6]);
            return give(ath_cap_derive(h, ATH_R_READ | ATH_R_WRITE | ATH_R_GRANT, 0), &f->granted[6]);
        }
    }
}

/* A memory BAR comes out of the memory hole, an I/O BAR out of the I/O
 * window: whichever the manifest gave us that holds the whole BAR. */
static uint64_t grant_bar(struct func *f, uint64_t bar)
{
    if (bar >= 6 || !f->bar_size[bar])
        return ERR(ATH_ENOENT); /* no such BAR */
    bool is_io = f->bar[bar] & 1;
    ath_handle_t root = is_io ? io_root : mmio_root;
    const struct ath_cap_info *in = is_io ? &io_info : &mmio_info;
    uint64_t base = f->bar[bar] & ~1ull;
    if (root < 0 || base < in->base || base + f->bar_size[bar] > in->base + in->len)
        return ERR(ATH_ERANGE); /* outside the device memory or ports we were given */
    drop(&f->granted[bar]);
    ath_handle_t d = ath_cap_derive_range(root, ATH_R_READ | ATH_R_WRITE | ATH_R_GRANT,
                                          base - in->base, f->bar_size[bar]);
    return give(d, &f->granted[bar]);
}

ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    if (op == OP_COUNT)
        return may_list() ? nfuncs : ERR(ATH_EPERM);
    if (op == ATH_OP_PROBE)
        return ath_probe_outside();
    if (op == OP_CLAIM)
        return claim(badge, (uint32_t)a0, a1);
    /* A function is its claimer's; the lister may ask about any (not use
     * it). Everyone else is refused before the index is looked at: an
     * ENOENT past the end would tell them the count. */
    bool mine = a0 < nfuncs && funcs[a0].claimer == badge;
    if (!mine && (op < OP_ID || op > OP_IRQLINE || !may_list()))
        return ERR(ATH_EPERM);
    if (a0 >= nfuncs)
        return ERR(ATH_ENOENT);
    struct func *f = &funcs[a0];
    switch (op) {
    case OP_GRANT_BAR:
        return grant_bar(f, a1);
    case OP_GRANT_IRQ:
        return grant_irq(f);
    case OP_CONFIG_READ:
        return a1 < 256 && !(a1 & 3) ? cfg_read(f->bus, f->dev, f->fn, (unsigned)a1) : ERR(ATH_ERANGE);
    case OP_CONFIG_WRITE:
        if (a1 >= 256 || (a1 & 3) || (a1 >= 0x10 && a1 < 0x28))
            return ERR(ATH_ERANGE); /* not the BARs: a driver must not move its device */
        cfg_write(f->bus, f->dev, f->fn, (unsigned)a1, (uint32_t)a2);
        return 0;
    case OP_ID:
        return f->vendor | (uint64_t)f->device << 16 | (uint64_t)f->class << 32;
    case OP_LOCATION:
        return (uint64_t)f->bus << 16 | (uint64_t)f->dev << 8 | f->fn;
    case OP_BAR:
        return a1 < 6 ? f->bar[a1] : ~0ull;
    case OP_BARSIZE:
        return a1 < 6 ? f->bar_size[a1] : 0;
    case OP_IRQLINE:
        return f->irq_line | (uint64_t)f->irq_pin << 8;
    default:
        return ~0ull;
    }
}

int main(void)
{
    io = ath_cap_find(ATH_T_IOPORT, 0);
    if (io < 0) {
        printf("pci: no I/O-port capability (%d)\n", io);
        return 1;
    }
    mmio_root = ath_cap_find(ATH_T_MMIO, 0);
    if (mmio_root >= 0)
        ath_cap_info(mmio_root, &mmio_info);
    io_root = ath_cap_find(ATH_T_IOPORT, 1); /* the PCI I/O window, after the config ports */
    if (io_root >= 0)
        ath_cap_info(io_root, &io_info);
    scan_bus(0, 0);
    for (unsigned i = 0; i < nfuncs; i++) {
        const struct func *f = &funcs[i];
        printf("pci: %02x:%02x.%x %04x:%04x %s", f->bus, f->dev, f->fn, f->vendor, f->device,
               class_name(f->class));
        for (unsigned b = 0; b < 6; b++)
            if (f->bar_size[b])
                printf(" bar%u=%s%#llx+%#llx", b, (f->bar[b] & 1) ? "io:" : "",
                       (unsigned long long)(f->bar[b] & ~1ull), (unsigned long long)f->bar_size[b]);
        if (f->irq_pin)
            printf(" irq %u", f->irq_line);
        printf("\n");
    }
    printf("pci: %u devices\n", nfuncs);
    return ath_serve();
}
