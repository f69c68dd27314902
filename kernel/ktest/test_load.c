/* In-kernel tests of the package loader's hash (kernel/load/hash.c,
 * BLAKE3): every implementation the kernel has and the CPU too (portable C,
 * SSE4.1, AVX2, AVX-512), against the BLAKE3 team's test vectors, and against each
 * other on every length around a block and a chunk, and on large inputs
 * (where the vector ones hash many chunks at once). */
#include <athanor/heap.h>
#include <athanor/klib.h>
#include <athanor/ktest.h>
#include <athanor/load.h>

static void hex(char out[65], const uint8_t d[32])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[64] = '\0';
}

/* test_vectors/test_vectors.json of the BLAKE3 repository: the input is
 * bytes 0, 1, ... 250, 0, 1, ...; the hash's first 32 bytes. */
static const struct {
    size_t      len;
    const char *want;
} vec[] = {
    { 0, "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262" },
    { 1, "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213" },
    { 1023, "10108970eeda3eb932baac1428c7a2163b0e924c9a9e25b35bba72b28f70bd11" },
    { 1024, "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7" },
    { 1025, "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444" },
    { 2048, "e776b6028c7cd22a4d0ba182a8bf62205d2ef576467e838ed6f2529b85fba24a" },
    { 3073, "7124b49501012f81cc7f11ca069ec9226cecb8a2c850cfe644e327d22d3e1cd3" },
    { 4096, "015094013f57a5277b59d8475c0501042c0b642e531b0a1c8f58d2163229e969" },
    { 4097, "9b4052b38f1c5fc8b1f9ff7ac7b27cd242487b3d890d15c96a1c25b8aa0fb995" },
    { 8193, "bab6c09cb8ce8cf459261398d2e7aef35700bf488116ceb94a36d0f5f1b7bc3b" },
    { 16384, "f875d6646de28985646f34ee13be9a576fd515f76b5b0a26bb324735041ddde4" },
    { 31744, "62b6960e1a44bcc1eb1a611a8d6235b6b4b78f32e7abc4fb4c6cdcce94895c47" },
    { 102400, "bc3e3d41a1146b069abffad3c0d44860cf664390afce4d9661f7902e7943e085" },
};
#define VEC_MAX 102400

static const char *t_hash_vectors(void)
{
    uint8_t *in = kmalloc(VEC_MAX);
    KT_CHECK(in, "no memory");
    for (size_t i = 0; i < VEC_MAX; i++)
        in[i] = (uint8_t)(i % 251);
    const char *name;
    unsigned tried = 0;
    for (int impl = 0; impl < 5; impl++) {
        if (!(name = pkg_hash_use(impl)))
            continue; /* the CPU has not that one */
        tried++;
        for (size_t i = 0; i < ARRAY_LEN(vec); i++) {
            uint8_t d[32];
            char got[65];
            pkg_hash(d, in, vec[i].len);
            hex(got, d);
            if (strcmp(got, vec[i].want) != 0) {
                kfree(in);
                pkg_hash_use(-1);
                KT_CHECK(false, "%s: BLAKE3 of %zu bytes is %s", name, vec[i].len, got);
            }
        }
    }
    /* Two ranges hash as their concatenation (the signature skips itself). */
    uint8_t a[32], b[32];
    pkg_hash(a, in, 5000);
    pkg_hash2(b, in, 1234, in + 1234, 5000 - 1234);
    kfree(in);
    pkg_hash_use(-1);
    KT_CHECK(tried >= 1 && memcmp(a, b, 32) == 0, "hashing in two parts differs from hashing at once");
    return NULL;
}

/* Every length from 0 to 2100 (blocks of 64 bytes, chunks of 1024) and a
 * few large ones: every implementation gives the portable one's answer. */
static const char *t_hash_impls_agree(void)
{
    static uint8_t buf[70000];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 131 + (i >> 8));
    static const size_t big[] = { 4095, 4096, 4097, 16383, 16385, 65535, 69999 };
    for (size_t k = 0; k < 2101 + ARRAY_LEN(big); k++) {
        size_t len = k < 2101 ? k : big[k - 2101];
        uint8_t want[32], got[32];
        pkg_hash_use(0);
        pkg_hash(want, buf, len);
        for (int impl = 1; impl < 5; impl++) {
            const char *name = pkg_hash_use(impl);
            if (!name)
                continue;
            pkg_hash(got, buf, len);
            if (memcmp(want, got, 32) != 0) {
                pkg_hash_use(-1);
                KT_CHECK(false, "%s disagrees with the portable code at %zu bytes", name, len);
            }
        }
    }
    pkg_hash_use(-1);
    return NULL;
}

const struct ktest ktests_load[] = {
    { "hash_vectors", t_hash_vectors },
    { "hash_impls_agree", t_hash_impls_agree },
    { NULL, NULL },
};
