/* Unit tests of the kernel CSPRNG (kernel/lib/csprng.c): the ChaCha20 block
 * function against RFC 8439's test vector, and the generator's behaviour
 * (different output each call, any length, all byte values). */
#include <string.h>

#include "fake_platform.h"

#include <athanor/csprng.h>

/* RFC 8439, section 2.3.2. */
static void test_chacha20_rfc8439_vector(void **state)
{
    (void)state;
    uint32_t key[8];
    for (int i = 0; i < 8; i++)
        key[i] = (uint32_t)(4 * i) | (uint32_t)(4 * i + 1) << 8 | (uint32_t)(4 * i + 2) << 16 |
                 (uint32_t)(4 * i + 3) << 24;
    const uint32_t nonce[3] = { 0x09000000, 0x4a000000, 0x00000000 };
    static const uint8_t want[64] = {
        0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4,
        0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e,
        0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2,
        0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
    };
    uint8_t out[64];
    chacha20_block(key, 1, nonce, out);
    assert_memory_equal(out, want, sizeof want);
}

static void test_fill_differs_and_covers(void **state)
{
    (void)state;
    csprng_init();
    uint8_t a[4096], b[4096];
    csprng_fill(a, sizeof a);
    csprng_fill(b, sizeof b);
    assert_memory_not_equal(a, b, sizeof a); /* rekeyed between calls */
    unsigned seen[256] = { 0 };
    for (size_t i = 0; i < sizeof a; i++)
        seen[a[i]]++;
    for (int v = 0; v < 256; v++)
        assert_true(seen[v] > 0 && seen[v] < 64); /* 16 expected per value */
    /* Odd lengths and zero do not overrun. */
    uint8_t c[67];
    memset(c, 0xee, sizeof c);
    csprng_fill(c, 65);
    assert_int_equal(c[65], 0xee);
    assert_int_equal(c[66], 0xee);
    csprng_fill(c, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chacha20_rfc8439_vector),
        cmocka_unit_test(test_fill_differs_and_covers),
    };
    return cmocka_run_group_tests_name("csprng", tests, NULL, NULL);
}
