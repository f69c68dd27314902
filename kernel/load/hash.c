/* The hash a package signature covers (verify.c): BLAKE3, the C code and
 * x86-64 assembly of Debian's librust-blake3-dev (mk/apps.mk), which picks
 * SSE4.1, AVX2 or AVX-512 by CPUID and XCR0 (blake3_dispatch.c; the kernel
 * is built without its SSE2 code, BLAKE3_NO_SSE2: components need SSE4.1).
 * Packages are x86-64 code, so is every kernel that loads them: this is the
 * ISA's, not a platform's. */
#include <athanor/load.h>

#include "blake3.h"

/* blake3_dispatch.c's choice (BLAKE3_TESTING makes it ours to set): its
 * flags, UNDEFINED until the first hash asks the CPU. */
extern unsigned g_cpu_features;
unsigned get_cpu_features(void);
enum { F_SSE2 = 1, F_SSE41 = 4, F_AVX2 = 16, F_AVX512F = 32, F_AVX512VL = 64 };

void pkg_hash2(uint8_t out[32], const void *a, size_t alen, const void *b, size_t blen)
{
    blake3_hasher h;
    blake3_hasher_init(&h);
    blake3_hasher_update(&h, a, alen);
    blake3_hasher_update(&h, b, blen);
    blake3_hasher_finalize(&h, out, 32);
}

void pkg_hash(uint8_t out[32], const void *data, size_t len)
{
    pkg_hash2(out, data, len, NULL, 0);
}

/* The implementations, slowest first, as the feature sets that select
 * them (blake3_hash_many takes the best the set allows). */
static const struct {
    unsigned    need;
    const char *name;
} impls[] = {
    { 0, "portable C" },
    { F_SSE2 | F_SSE41, "SSE4.1" },
    { F_SSE2 | F_SSE41 | F_AVX2, "AVX2" },
    { F_SSE2 | F_SSE41 | F_AVX2 | F_AVX512F | F_AVX512VL, "AVX-512" },
};
#define NIMPLS (sizeof impls / sizeof impls[0])

const char *pkg_hash_use(int which)
{
    /* What the CPU has (asked once more: the variable may hold a choice). */
    g_cpu_features = 1u << 30; /* UNDEFINED */
    unsigned has = get_cpu_features(), best = 0;
    for (unsigned i = 0; i < NIMPLS; i++)
        if ((has & impls[i].need) == impls[i].need)
            best = i;
    unsigned pick = which < 0 || (unsigned)which > best ? best : (unsigned)which;
    g_cpu_features = impls[pick].need;
    return which >= 0 && (unsigned)which > best ? NULL : impls[pick].name;
}
