/* SHA-256 for the package loader (verify.c): nettle's, whose compression
 * function this file is. It calls nettle's assembly with the CPU's SHA
 * instructions if CPUID says there are some, else nettle's plain x86-64
 * assembly (mk/apps.mk builds both). Packages are x86-64 code, so is every
 * kernel that loads them: this is the ISA's, not a platform's. */
#include <athanor/load.h>
#include <cpuid.h>

#include "sha2.h"
#include "sha2-internal.h"

void azoth_sha256_compress_ni(uint32_t *state, const uint8_t *data, const uint32_t *k);
void azoth_sha256_compress_x86(uint32_t *state, const uint8_t *data, const uint32_t *k);

/* -1: not asked yet; then whether the SHA instructions are used. A race
 * between two first callers writes the same answer twice. */
static int use_ni = -1;

static bool cpu_has_sha(void)
{
    unsigned a, b, c, d;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b >> 29 & 1); /* CPUID.7.0:EBX.SHA */
}

void _nettle_sha256_compress(uint32_t *state, const uint8_t *data, const uint32_t *k)
{
    if (__builtin_expect(use_ni < 0, 0))
        use_ni = cpu_has_sha();
    if (use_ni)
        azoth_sha256_compress_ni(state, data, k);
    else
        azoth_sha256_compress_x86(state, data, k);
}

const char *pkg_sha256_use(int which)
{
    if (which >= 0)
        use_ni = which && cpu_has_sha();
    else if (use_ni < 0)
        use_ni = cpu_has_sha();
    return use_ni ? "SHA-NI" : "x86-64";
}

void pkg_sha256(uint8_t out[32], const void *data, size_t len)
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
}
