/* Unit tests of the error-code names (kernel/lib/errors.c): every code has
 * its stable name, negated codes too, and anything else gets "E?". */
#include <limits.h>
#include <string.h>

#include "fake_platform.h"

#include <athanor/errors.h>

#define UNKNOWN "E?"

static const struct {
    int         code;
    const char *name;
} names[] = {
    { ATH_OK, "OK" },         { ATH_ENOMEM, "ENOMEM" }, { ATH_EINVAL, "EINVAL" },
    { ATH_EBUSY, "EBUSY" },   { ATH_ETIMEDOUT, "ETIMEDOUT" }, { ATH_ENOENT, "ENOENT" },
    { ATH_EFAULT, "EFAULT" }, { ATH_ENOSYS, "ENOSYS" }, { ATH_EPERM, "EPERM" },
    { ATH_EEXIST, "EEXIST" }, { ATH_ERANGE, "ERANGE" }, { ATH_EAGAIN, "EAGAIN" },
    { ATH_EBADHANDLE, "EBADHANDLE" }, { ATH_ESTALE, "ESTALE" }, { ATH_EWRONGTYPE, "EWRONGTYPE" },
    { ATH_EPEERFAILED, "EPEERFAILED" }, { ATH_EPEERRESTARTED, "EPEERRESTARTED" }, { ATH_EMSGSIZE, "EMSGSIZE" },
    { ATH_EDEADLK, "EDEADLK" }, { ATH_ESTACK, "ESTACK" }, { ATH_EINTR, "EINTR" }, { ATH_EQUOTA, "EQUOTA" },
    { ATH_EDENIED, "EDENIED" }, { ATH_EBADPKG, "EBADPKG" }, { ATH_EBADSIG, "EBADSIG" },
    { ATH_ENOEXEC, "ENOEXEC" }, { ATH_EADDRINUSE, "EADDRINUSE" }, { ATH_ECONNREFUSED, "ECONNREFUSED" },
    { ATH_ECONNRESET, "ECONNRESET" }, { ATH_EINPROGRESS, "EINPROGRESS" }, { ATH_ENOTCONN, "ENOTCONN" },
    { ATH_EHOSTUNREACH, "EHOSTUNREACH" },
};

static void test_every_code_has_its_name(void **state)
{
    (void)state;
    /* The table above covers every code exactly once. */
    assert_int_equal(ARRAY_LEN(names), ATH_ERR_COUNT);
    for (unsigned i = 0; i < ARRAY_LEN(names); i++) {
        assert_int_equal(names[i].code, (int)i);
        assert_string_equal(ath_strerror(names[i].code), names[i].name);
    }
}

static void test_negated_codes(void **state)
{
    (void)state;
    /* Kernel functions return -ATH_E*; the name is the same. */
    for (unsigned i = 0; i < ARRAY_LEN(names); i++)
        assert_string_equal(ath_strerror(-names[i].code), names[i].name);
}

static void test_names_are_distinct(void **state)
{
    (void)state;
    for (int a = 0; a < ATH_ERR_COUNT; a++) {
        const char *na = ath_strerror(a);
        assert_non_null(na);
        assert_true(na[0] != '\0');
        assert_string_not_equal(na, UNKNOWN);
        for (int b = a + 1; b < ATH_ERR_COUNT; b++)
            assert_string_not_equal(na, ath_strerror(b));
    }
}

static void test_out_of_range(void **state)
{
    (void)state;
    static const int bad[] = { ATH_ERR_COUNT, -ATH_ERR_COUNT, ATH_ERR_COUNT + 1, 100, -100,
                               1000000, INT_MAX, -INT_MAX, INT_MIN };
    for (unsigned i = 0; i < ARRAY_LEN(bad); i++) {
        const char *s = ath_strerror(bad[i]);
        assert_non_null(s);
        assert_string_equal(s, UNKNOWN);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_code_has_its_name),
        cmocka_unit_test(test_negated_codes),
        cmocka_unit_test(test_names_are_distinct),
        cmocka_unit_test(test_out_of_range),
    };
    return cmocka_run_group_tests_name("errors", tests, NULL, NULL);
}
