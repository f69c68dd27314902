/* Host-side check of a disk image after the blktest component ran: the
 * regions it wrote hold its pattern, every other byte is still zero.
 * Usage: diskpattern IMAGE  (exit 0 and "diskpattern: ok" if so). */
#include <stdint.h>
#include <stdio.h>

static unsigned char pattern(uint64_t o)
{
    return (unsigned char)(((o * 2654435761u) >> 13) ^ (o >> 9));
}

static const struct { uint64_t sector, count; } regions[] = {
    { 0, 128 }, { 1000, 8 }, { 4096, 2048 }, { 32760, 8 },
};

int main(int argc, char **argv)
{
    FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
    if (!f) {
        fprintf(stderr, "usage: diskpattern IMAGE\n");
        return 2;
    }
    uint64_t o = 0, bad = 0, written = 0;
    int c;
    while ((c = fgetc(f)) != EOF) {
        int want = 0;
        for (unsigned i = 0; i < sizeof regions / sizeof regions[0]; i++)
            if (o >= regions[i].sector * 512 && o < (regions[i].sector + regions[i].count) * 512) {
                want = pattern(o);
                written++;
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
