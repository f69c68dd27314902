/* Tries to learn the machine's PCI devices from the PCI service without a
 * claim on them (docs/privacy.md, "Hardware identifiers"): the count and
 * every question about every index but its own must be refused (EPERM).
 * Its manifest lets it claim one device, QEMU's host bridge (8086:1237),
 * whose answers it must get. Exit status 0 when both hold; the hosted
 * platform has no PCI bus, so there only the refusals are checked, and the
 * line says so. */
#include <stdbool.h>
#include <stdio.h>

#include <athanor.h>

enum { OP_COUNT = 1, OP_ID = 2, OP_LOCATION = 3, OP_BAR = 4, OP_BARSIZE = 5, OP_IRQLINE = 6,
       OP_CLAIM = 7, OP_GRANT_BAR = 8, OP_GRANT_IRQ = 9, OP_CONFIG_READ = 10 };
#define HOST_BRIDGE 0x12378086u /* vendor | device << 16: i440FX, function 00:00.0 */
#define MAX_FUNCS   64          /* the PCI service's table: indexes past it must not answer otherwise */

static ath_handle_t pci;
static unsigned asked, refused;

static int64_t ask(uint64_t op, uint64_t a0, uint64_t a1)
{
    uint64_t v = 0;
    int r = ath_call(pci, op, a0, a1, 0, &v);
    return r ? r : (int64_t)v;
}

/* Every question about index i must be refused; a0 = i. */
static void ask_not_mine(uint64_t i)
{
    static const struct { uint64_t op, a1; } q[] = {
        { OP_ID, 0 }, { OP_LOCATION, 0 }, { OP_IRQLINE, 0 }, { OP_BAR, 0 }, { OP_BAR, 5 }, { OP_BARSIZE, 0 },
        { OP_BARSIZE, 5 }, { OP_GRANT_BAR, 0 }, { OP_GRANT_IRQ, 0 }, { OP_CONFIG_READ, 0 },
    };
    for (unsigned k = 0; k < sizeof q / sizeof q[0]; k++) {
        int64_t v = ask(q[k].op, i, q[k].a1);
        asked++;
        if (v == -ATH_EPERM)
            refused++;
        else if (asked - refused <= 8) /* the first few, so a failure shows what leaked */
            printf("hwid: op %llu about index %llu answered %#llx\n", (unsigned long long)q[k].op,
                   (unsigned long long)i, (unsigned long long)v);
    }
}

int main(void)
{
    pci = ath_cap_find(ATH_T_ENDPOINT, 0); /* the manifest's: calls = ["pci"] */
    bool ok = true;
    int64_t mine = ask(OP_CLAIM, HOST_BRIDGE, 0);
    if (mine >= 0) {
        int64_t id = ask(OP_ID, (uint64_t)mine, 0), loc = ask(OP_LOCATION, (uint64_t)mine, 0);
        int64_t irq = ask(OP_IRQLINE, (uint64_t)mine, 0), bar = ask(OP_BARSIZE, (uint64_t)mine, 0);
        if (id < 0 || loc < 0 || irq < 0 || bar < 0) {
            printf("hwid: its own device, index %lld: refused (ID %lld, LOCATION %lld, IRQLINE %lld, "
                   "BARSIZE %lld)\n", (long long)mine, (long long)id, (long long)loc, (long long)irq,
                   (long long)bar);
            return 1;
        }
        printf("hwid: its own device, index %lld: %04llx:%04llx class %06llx at %02llx:%02llx.%llx, "
               "irq %#llx, bar0 size %#llx\n", (long long)mine, (unsigned long long)(id & 0xffff),
               (unsigned long long)((id >> 16) & 0xffff), (unsigned long long)((uint64_t)id >> 32),
               (unsigned long long)((loc >> 16) & 0xff), (unsigned long long)((loc >> 8) & 0xff),
               (unsigned long long)(loc & 7), (unsigned long long)irq, (unsigned long long)bar);
        ok = (uint32_t)id == HOST_BRIDGE && ((uint64_t)id >> 40) == 0x0600; /* as claimed, a host bridge */
    } else if (mine == -ATH_ENOENT) {
        printf("hwid: no %04x:%04x here (no PCI bus): only the refusals are checked\n", HOST_BRIDGE & 0xffff,
               HOST_BRIDGE >> 16);
    } else {
        printf("hwid: claiming its own device: %lld\n", (long long)mine);
        ok = false;
    }
    int64_t count = ask(OP_COUNT, 0, 0);
    ok &= count == -ATH_EPERM;
    static const uint64_t far[] = { MAX_FUNCS, MAX_FUNCS + 1, 255, 1ull << 32, ~0ull };
    for (uint64_t i = 0; i < MAX_FUNCS; i++)
        if ((int64_t)i != mine)
            ask_not_mine(i);
    for (unsigned k = 0; k < sizeof far / sizeof far[0]; k++)
        ask_not_mine(far[k]);
    printf("hwid: count %lld; %u of %u questions about functions not its own refused (EPERM)\n",
           (long long)count, refused, asked);
    ok &= refused == asked;
    return ok ? 0 : 1;
}
