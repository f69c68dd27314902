/* Asks each driver to reach for hardware it was not given (ATH_OP_PROBE;
 * sdk/athanor.h) and prints how many attempts were refused: all of them
 * must be. The drivers are the ones this component may call (its manifest
 * entry); one not running is reported as such. Then it tries to claim the
 * disk from the PCI service, which the manifest does not allow it. */
#include <stdio.h>

#include <athanor.h>

static const char *const drivers[] = { "pci", "uart", "ps2kbd", "fb", "virtio_blk" };

int main(void)
{
    int bad = 0;
    for (unsigned i = 0; i < sizeof drivers / sizeof drivers[0]; i++) {
        ath_handle_t h = ath_lookup(drivers[i]);
        uint64_t v = 0;
        int r = ath_call(h, ATH_OP_PROBE, 0, 0, 0, &v);
        if (r) {
            printf("probe: %s: not answering (%d)\n", drivers[i], r);
            bad = 1;
            continue;
        }
        unsigned refused = (unsigned)v, tried = (unsigned)(v >> 32);
        printf("probe: %s: %u of %u accesses outside its capabilities refused\n", drivers[i], refused, tried);
        bad |= refused != tried || tried == 0;
    }
    uint64_t v = 0;
    int r = ath_call(ath_lookup("pci"), 7 /* CLAIM */, 0x10011af4u, 0, 0, &v);
    printf("probe: claiming the disk from the PCI service: %d, %lld\n", r, (long long)(int64_t)v);
    bad |= r != 0 || (int64_t)v != -ATH_EPERM;
    return bad;
}
