/* The rounding functions wasm needs (f32/f64 floor, ceil, trunc, nearest,
 * and round-half-even for SIMD), and sqrt/sqrtf for gcc's errno path of __builtin_sqrt (first needed by
 * classicbench's n-body), for code generated from WebAssembly in the
 * bare-metal kernel, which has no C library. Written by hand: Debian's libm
 * cannot be linked freestanding. Valid in the default rounding mode (round
 * to nearest even), which the kernel never changes. Compiled with SSE
 * enabled. */
#include <stdint.h>

#include "libc/math.h"

#define TWO52 4503599627370496.0 /* 2^52: doubles at or above are integers */
#define TWO23 8388608.0f         /* 2^23: floats at or above are integers */

double trunc(double x)
{
    if (!(__builtin_fabs(x) < TWO52))
        return x; /* already integral, infinite or NaN */
    return __builtin_copysign((double)(int64_t)x, x);
}

double floor(double x)
{
    double t = trunc(x);
    return t > x ? t - 1.0 : t;
}

double ceil(double x)
{
    double t = trunc(x);
    return t < x ? __builtin_copysign(t + 1.0, x) : t;
}

double nearbyint(double x)
{
    if (!(__builtin_fabs(x) < TWO52))
        return x;
    /* Adding and removing 2^52 rounds to an integer in the current mode. */
    volatile double big = __builtin_copysign(TWO52, x);
    double r = (x + big) - big;
    return __builtin_copysign(r, x);
}

float truncf(float x)
{
    if (!(__builtin_fabsf(x) < TWO23))
        return x;
    return __builtin_copysignf((float)(int32_t)x, x);
}

float floorf(float x)
{
    float t = truncf(x);
    return t > x ? t - 1.0f : t;
}

float ceilf(float x)
{
    float t = truncf(x);
    return t < x ? __builtin_copysignf(t + 1.0f, x) : t;
}

float nearbyintf(float x)
{
    if (!(__builtin_fabsf(x) < TWO23))
        return x;
    volatile float big = __builtin_copysignf(TWO23, x);
    float r = (x + big) - big;
    return __builtin_copysignf(r, x);
}

/* Round half to even: SIMDe's f32x4/f64x2.nearest call these. In the
 * default rounding mode they are nearbyint. */
double roundeven(double x) { return nearbyint(x); }
float roundevenf(float x) { return nearbyintf(x); }

double fmin(double a, double b) { return a < b ? a : b; }
double fmax(double a, double b) { return a > b ? a : b; }
float fminf(float a, float b) { return a < b ? a : b; }
float fmaxf(float a, float b) { return a > b ? a : b; }

/* gcc compiles __builtin_sqrt (math.h's sqrt) to sqrtsd, and calls sqrt
 * itself when the input is below zero, to set errno (the kernel has none),
 * using the call's result. The instruction's own result is what wasm's
 * f64.sqrt gives there: a NaN. */
double (sqrt)(double x)
{
    double r;
    __asm__("sqrtsd %1, %0" : "=x"(r) : "x"(x));
    return r;
}

float (sqrtf)(float x)
{
    float r;
    __asm__("sqrtss %1, %0" : "=x"(r) : "x"(x));
    return r;
}
