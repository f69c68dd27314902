/* In-kernel tests of the package loader's hash (kernel/load/sha256.c): both
 * compression functions, SHA-NI where the CPU has it and the plain x86-64
 * one, against FIPS 180-2's examples, and against each other on every
 * length around the block size (the padding's edge cases). */
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

/* FIPS 180-2, appendix B: "abc", the two-block message, a million 'a's. */
static const char *vectors(const char *impl)
{
    static const char two[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    static const struct {
        const char *msg;
        size_t      len;
        const char *want;
    } v[] = {
        { "abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
        { two, sizeof two - 1, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
        { "", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
    };
    uint8_t d[32];
    char got[65];
    for (size_t i = 0; i < ARRAY_LEN(v); i++) {
        pkg_sha256(d, v[i].msg, v[i].len);
        hex(got, d);
        KT_CHECK(strcmp(got, v[i].want) == 0, "%s: SHA-256 of a %zu-byte message is %s", impl, v[i].len, got);
    }
    uint8_t *a = kmalloc(1000000);
    KT_CHECK(a, "no memory");
    memset(a, 'a', 1000000);
    pkg_sha256(d, a, 1000000);
    kfree(a);
    hex(got, d);
    KT_CHECK(strcmp(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0,
             "%s: SHA-256 of a million 'a's is %s", impl, got);
    return NULL;
}

static const char *t_sha256_vectors(void)
{
    const char *r = vectors(pkg_sha256_use(0));
    if (!r)
        r = vectors(pkg_sha256_use(1)); /* SHA-NI if the CPU has it: both are checked then */
    pkg_sha256_use(1);
    return r;
}

/* Every length from 0 to 300 and a few odd large ones: both give the same. */
static const char *t_sha256_impls_agree(void)
{
    static uint8_t buf[70000];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 131 + (i >> 8));
    static const size_t big[] = { 4095, 4096, 4097, 65535, 69999 };
    for (size_t k = 0; k < 301 + ARRAY_LEN(big); k++) {
        size_t len = k < 301 ? k : big[k - 301];
        uint8_t a[32], b[32];
        pkg_sha256_use(0);
        pkg_sha256(a, buf, len);
        pkg_sha256_use(1);
        pkg_sha256(b, buf, len);
        KT_CHECK(memcmp(a, b, 32) == 0, "the two compression functions disagree at %zu bytes", len);
    }
    return NULL;
}

const struct ktest ktests_load[] = {
    { "sha256_vectors", t_sha256_vectors },
    { "sha256_impls_agree", t_sha256_impls_agree },
    { NULL, NULL },
};
