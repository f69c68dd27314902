/* Unit tests of the components' memcmp (sdk/libc/memcmp.c, compiled here
 * as ath_memcmp): the sign of its result against the host's memcmp for
 * every length up to 80, a difference at every position, at every
 * alignment of both sides, and random buffers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

int ath_memcmp(const void *l, const void *r, size_t n);

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

static unsigned char a[256], b[256];

/* Equal buffers of each length, then a difference at each position, one
 * way and the other, with both sides at each of 8 alignments. */
static void test_each_position(void **state)
{
    (void)state;
    for (size_t la = 0; la < 8; la++)
        for (size_t lb = 0; lb < 8; lb++)
            for (size_t n = 0; n <= 80; n++) {
                for (size_t i = 0; i < n; i++)
                    a[la + i] = b[lb + i] = (unsigned char)(i * 37 + 11);
                assert_int_equal(ath_memcmp(a + la, b + lb, n), 0);
                for (size_t d = 0; d < n; d++) {
                    unsigned char keep = b[lb + d];
                    b[lb + d] = (unsigned char)(keep + 1 + d % 200);
                    assert_int_equal(sign(ath_memcmp(a + la, b + lb, n)), sign(memcmp(a + la, b + lb, n)));
                    assert_int_equal(sign(ath_memcmp(b + lb, a + la, n)), sign(memcmp(b + lb, a + la, n)));
                    assert_int_not_equal(ath_memcmp(a + la, b + lb, n), 0);
                    /* A difference only past n is none. */
                    assert_int_equal(ath_memcmp(a + la, b + lb, d), 0);
                    b[lb + d] = keep;
                }
            }
}

/* The result is the difference of the first differing bytes, as unsigned
 * chars (what musl's returns), and bytes above 0x7f compare above. */
static void test_value_and_high_bytes(void **state)
{
    (void)state;
    memset(a, 0x41, 32);
    memset(b, 0x41, 32);
    a[19] = 0xff;
    b[19] = 0x01;
    assert_int_equal(ath_memcmp(a, b, 32), 0xff - 0x01);
    assert_int_equal(ath_memcmp(b, a, 32), 0x01 - 0xff);
    a[3] = 0x80;
    assert_true(ath_memcmp(a, b, 32) > 0); /* the first difference decides */
    assert_int_equal(ath_memcmp(a, b, 3), 0);
}

/* Random buffers that share a random prefix. */
static void test_random(void **state)
{
    (void)state;
    srand(12345);
    for (int k = 0; k < 20000; k++) {
        size_t n = (size_t)rand() % 200, common = n ? (size_t)rand() % (n + 1) : 0;
        size_t oa = (size_t)rand() % 16, ob = (size_t)rand() % 16;
        for (size_t i = 0; i < n; i++)
            a[oa + i] = (unsigned char)rand();
        for (size_t i = 0; i < n; i++)
            b[ob + i] = i < common ? a[oa + i] : (unsigned char)rand();
        assert_int_equal(sign(ath_memcmp(a + oa, b + ob, n)), sign(memcmp(a + oa, b + ob, n)));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_position),
        cmocka_unit_test(test_value_and_high_bytes),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
