/* zlibbench: zlib (Debian's source package, tools/debsrc.lock) compressing
 * and decompressing a 1 MiB corpus, as a workload benchmark (benchrun.h):
 * the same source natively and as wasm.
 * The corpus is generated here, deterministically: text in made-up words
 * drawn with a skewed frequency (like prose: many repeats of a few words),
 * interleaved with CSV-like lines of numbers, so deflate finds both long
 * matches and literals, as on real files (it compresses to about a third).
 *   zlib-compress    compress2() at level 6 (zlib's default)
 *   zlib-decompress  uncompress() of that, eight times per run (inflate is
 *                    much faster than deflate; one would take a few ms) */
#include "../benchrun.h"
#include <zlib.h>

#define CORPUS_BYTES (1u << 20)
#define INFLATES     8

static uint8_t *corpus, *packed, *unpacked;
static uLongf   packed_len;

static void make_corpus(void)
{
    static const char *const syl[] = { "ka", "ro", "te", "mi", "su", "na", "lo", "ve", "qui", "dra",
                                       "pel", "tor", "an", "es", "ul", "om", "ith", "ber", "gon", "sa" };
    enum { NWORDS = 400 };
    static char words[NWORDS][16];
    uint32_t s = 88172645u;
    for (int w = 0; w < NWORDS; w++) {
        int n = 1 + (int)(bench_rnd(&s) % 4);
        words[w][0] = 0;
        for (int k = 0; k < n; k++)
            strcat(words[w], syl[bench_rnd(&s) % 20]);
    }
    uint32_t pos = 0, line = 0;
    while (pos < CORPUS_BYTES) {
        char buf[256];
        int len = 0;
        if (line++ % 7 == 6) {
            /* One draw per statement: the order a call evaluates its
             * arguments in is the compiler's choice. */
            uint32_t a = bench_rnd(&s) % 100000, b = bench_rnd(&s) % 1000, c = bench_rnd(&s) % 100;
            const char *w = words[bench_rnd(&s) % NWORDS];
            len = snprintf(buf, sizeof buf, "%u,%u,%u.%02u,%s\n", line, a, b, c, w);
        } else {
            int nw = 6 + (int)(bench_rnd(&s) % 10);
            for (int k = 0; k < nw && len < 200; k++) {
                /* Skewed: the square of a uniform number favours low indexes. */
                uint32_t u = bench_rnd(&s) % NWORDS;
                const char *w = words[u * u / NWORDS];
                len += snprintf(buf + len, sizeof buf - (size_t)len, k ? " %s" : "%s", w);
            }
            len += snprintf(buf + len, sizeof buf - (size_t)len, ".\n");
        }
        for (int k = 0; k < len && pos < CORPUS_BYTES; k++)
            corpus[pos++] = (uint8_t)buf[k];
    }
}

static uint64_t k_compress(void)
{
    packed_len = compressBound(CORPUS_BYTES);
    if (compress2(packed, &packed_len, corpus, CORPUS_BYTES, 6) != Z_OK)
        return 0;
    return (uint64_t)packed_len << 32 | crc32(0, packed, (uInt)packed_len);
}

static uint64_t k_decompress(void)
{
    uint64_t check = 0;
    for (int i = 0; i < INFLATES; i++) {
        uLongf n = CORPUS_BYTES;
        if (uncompress(unpacked, &n, packed, packed_len) != Z_OK || n != CORPUS_BYTES)
            return 0;
        check += crc32(0, unpacked, (uInt)n);
    }
    return check;
}

int main(int argc, char **argv)
{
    bench_init(argc, argv);
    corpus = malloc(CORPUS_BYTES);
    packed = malloc(compressBound(CORPUS_BYTES));
    unpacked = malloc(CORPUS_BYTES);
    if (!corpus || !packed || !unpacked)
        return 1;
    make_corpus();
    bench_run("zlib-compress", k_compress);
    /* Decompression needs the compressed corpus even when only it was asked for. */
    if (!bench_wanted("zlib-compress"))
        k_compress();
    bench_run("zlib-decompress", k_decompress);
    return 0;
}
