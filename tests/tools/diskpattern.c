/* Host-side check of a disk image after blktest ran in the guest: the
 * regions it wrote hold its pattern, every other byte is still zero.
 *   diskpattern IMAGE                  after `blktest` (four fixed regions)
 *   diskpattern IMAGE soak V0 ... V15  after `blktest soak`: slot k holds
 *                                      version Vk (0: never written)
 * Exit 0 and "...: ok" if the image is exactly as expected. The patterns
 * are the ones components/apps/blktest/blktest.c writes. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char pattern(uint64_t o)
{
    return (unsigned char)(((o * 2654435761u) >> 13) ^ (o >> 9));
}

static const struct { uint64_t sector, count; } regions[] = {
    { 0, 128 }, { 1000, 8 }, { 4096, 2048 }, { 32760, 8 },
};

#define SLOTS     16
#define SLOT_SECT 128
#define SOAK_BASE 8192

static unsigned char soak_pattern(unsigned slot, unsigned version, uint32_t j)
{
    return (unsigned char)((slot * 31 + version * 17 + j * 7 + (j >> 9)) ^ 0x5a);
}

int main(int argc, char **argv)
{
    bool soak = argc == 3 + SLOTS && !strcmp(argv[2], "soak");
    FILE *f = argc == 2 || soak ? fopen(argv[1], "rb") : NULL;
    if (!f) {
        fprintf(stderr, "usage: diskpattern IMAGE [soak V0 ... V15]\n");
        return 2;
    }
    unsigned version[SLOTS] = { 0 };
    for (unsigned k = 0; soak && k < SLOTS; k++)
        version[k] = (unsigned)strtoul(argv[3 + k], NULL, 10);
    uint64_t o = 0, bad = 0, written = 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
        int want = 0;
        if (soak) {
            uint64_t s = o / 512;
            if (s >= SOAK_BASE && s < SOAK_BASE + SLOTS * SLOT_SECT) {
                unsigned k = (unsigned)((s - SOAK_BASE) / SLOT_SECT);
                uint32_t j = (uint32_t)(o - (SOAK_BASE + (uint64_t)k * SLOT_SECT) * 512);
                if (version[k]) {
                    want = soak_pattern(k, version[k], j);
                    written++;
                }
            }
        } else {
            for (unsigned i = 0; i < sizeof regions / sizeof regions[0]; i++)
                if (o >= regions[i].sector * 512 && o < (regions[i].sector + regions[i].count) * 512) {
                    want = pattern(o);
                    written++;
                }
        }
        if (c != want && bad++ < 5)
            fprintf(stderr, "diskpattern: byte %llu is %#x, want %#x\n", (unsigned long long)o, c, want);
        o++;
    }
    fclose(f);
    printf("diskpattern: %llu bytes, %llu of them written, %llu wrong%s\n", (unsigned long long)o,
           (unsigned long long)written, (unsigned long long)bad, bad ? "" : ": ok");
    return bad ? 1 : 0;
}
