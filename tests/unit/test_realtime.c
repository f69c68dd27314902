/* Unit tests of the UTC calendar conversion and the wall-clock offset
 * (kernel/time/realtime.c), against dates checked with GNU date. */
#include "fake_platform.h"

#include <athanor/realtime.h>

static void check(int64_t unix_s, int y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned s)
{
    struct civil_time t;
    civil_from_unix(unix_s, &t);
    assert_int_equal(t.year, y);
    assert_int_equal(t.month, mo);
    assert_int_equal(t.day, d);
    assert_int_equal(t.hour, h);
    assert_int_equal(t.min, mi);
    assert_int_equal(t.sec, s);
    assert_int_equal(civil_to_unix(&t), unix_s);
}

static void test_known_dates(void **state)
{
    (void)state;
    check(0, 1970, 1, 1, 0, 0, 0);
    check(951782400, 2000, 2, 29, 0, 0, 0);   /* a leap day of a century divisible by 400 */
    check(4107542400, 2100, 3, 1, 0, 0, 0);   /* 2100 is not a leap year */
    check(1795809599, 2026, 11, 27, 19, 59, 59);
    check(-1, 1969, 12, 31, 23, 59, 59);
    check(253402300799, 9999, 12, 31, 23, 59, 59);
}

static void test_every_day_round_trips(void **state)
{
    (void)state;
    /* each day from 1900 to 2200: to calendar and back, days in order */
    struct civil_time prev = { 0 };
    for (int64_t s = -2208988800; s < 7258118400; s += 86400) {
        struct civil_time t;
        civil_from_unix(s, &t);
        assert_int_equal(civil_to_unix(&t), s);
        if (prev.year)
            assert_true(t.day == prev.day + 1 || (t.day == 1 && (t.month == prev.month % 12 + 1)));
        prev = t;
    }
}

static void test_rejects_bad_fields(void **state)
{
    (void)state;
    struct civil_time t = { 2026, 13, 1, 0, 0, 0 };
    assert_int_equal(civil_to_unix(&t), -1);
    t = (struct civil_time){ 2026, 4, 31, 0, 0, 0 };
    assert_int_equal(civil_to_unix(&t), -1);
    t = (struct civil_time){ 2026, 1, 1, 24, 0, 0 };
    assert_int_equal(civil_to_unix(&t), -1);
}

static void test_offset_over_monotonic(void **state)
{
    (void)state;
    assert_false(realtime_known());
    fake_clock_set(5 * 1000000000ull);
    assert_int_equal(realtime_now_ns(), 5 * 1000000000ull); /* unknown: time since boot */
    realtime_set(1795809599ull * 1000000000ull);
    assert_true(realtime_known());
    fake_clock_set(7 * 1000000000ull);
    assert_int_equal(realtime_now_ns(), (1795809599ull + 2) * 1000000000ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_dates),
        cmocka_unit_test(test_every_day_round_trips),
        cmocka_unit_test(test_rejects_bad_fields),
        cmocka_unit_test(test_offset_over_monotonic),
    };
    return cmocka_run_group_tests_name("realtime", tests, NULL, NULL);
}
