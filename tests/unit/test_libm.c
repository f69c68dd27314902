/* Unit tests of the float rounding helpers wasm code uses in the bare-metal
 * kernel (kernel/rt/libm.c), against the host C library's results for
 * special values, halfway cases, signed zeros and random inputs. */
#define _GNU_SOURCE /* glibc declares roundeven and roundevenf (C23's) for GNU */
#include <math.h>
#include <string.h>

#include "fake_platform.h"
#include "unit_rng.h"

/* The kernel's versions, renamed at compile time (see mk/unit.mk). */
double k_floor(double), k_ceil(double), k_trunc(double), k_nearbyint(double), k_roundeven(double);
float k_floorf(float), k_ceilf(float), k_truncf(float), k_nearbyintf(float), k_roundevenf(float);

#define RANDOM_SAMPLES 20000

static void same_d(double got, double want, const char *fn, double x)
{
    if (memcmp(&got, &want, sizeof got) != 0 && !(isnan(got) && isnan(want)))
        fail_msg("%s(%a) = %a, libm says %a", fn, x, got, want);
}

static void same_f(float got, float want, const char *fn, float x)
{
    if (memcmp(&got, &want, sizeof got) != 0 && !(isnan(got) && isnan(want)))
        fail_msg("%s(%a) = %a, libm says %a", fn, (double)x, (double)got, (double)want);
}

static void check_d(double x)
{
    same_d(k_floor(x), floor(x), "floor", x);
    same_d(k_ceil(x), ceil(x), "ceil", x);
    same_d(k_trunc(x), trunc(x), "trunc", x);
    same_d(k_nearbyint(x), nearbyint(x), "nearbyint", x);
    same_d(k_roundeven(x), roundeven(x), "roundeven", x);
}

static void check_f(float x)
{
    same_f(k_floorf(x), floorf(x), "floorf", x);
    same_f(k_ceilf(x), ceilf(x), "ceilf", x);
    same_f(k_truncf(x), truncf(x), "truncf", x);
    same_f(k_nearbyintf(x), nearbyintf(x), "nearbyintf", x);
    same_f(k_roundevenf(x), roundevenf(x), "roundevenf", x);
}

static void test_special_values(void **state)
{
    (void)state;
    const double d[] = { 0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
                         1.0, -1.0, 4503599627370495.5, -4503599627370495.5, 4503599627370496.0, 1e300,
                         -1e300, INFINITY, -INFINITY, NAN, 5e-324, -5e-324, 123456.789, -123456.789 };
    for (unsigned i = 0; i < sizeof d / sizeof d[0]; i++) {
        check_d(d[i]);
        check_f((float)d[i]);
    }
}

static void test_random_values(void **state)
{
    (void)state;
    struct unit_rng r;
    unit_rng_seed(&r, 0x11b3ull);
    for (int i = 0; i < RANDOM_SAMPLES; i++) {
        uint64_t bits = unit_rng_next(&r);
        double x;
        memcpy(&x, &bits, sizeof x);
        check_d(x);
        /* and values with a fractional part near the integer range */
        check_d((double)(int64_t)(bits >> 12) / 256.0 - 1e10);
        uint32_t fb = (uint32_t)bits;
        float f;
        memcpy(&f, &fb, sizeof f);
        check_f(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_special_values),
        cmocka_unit_test(test_random_values),
    };
    return cmocka_run_group_tests_name("libm", tests, NULL, NULL);
}
