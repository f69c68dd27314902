/* Asks each driver to reach for hardware it was not given (ATH_OP_PROBE;
 * sdk/athanor.h) and prints how many attempts were refused: all of them
 * must be. The drivers are the ones this component may call (its manifest
 * entry); one not running is reported as such. */
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
    return bad;
}
