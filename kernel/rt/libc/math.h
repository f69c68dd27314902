/* Freestanding <math.h> for wasm2c output in the bare-metal kernel: the
 * operations wasm needs. Most are compiler builtins that become single SSE
 * instructions; the rounding functions are in kernel/rt/libm.c. */
#ifndef RT_LIBC_MATH_H
#define RT_LIBC_MATH_H
#define NAN       __builtin_nanf("")
#define INFINITY  __builtin_inff()
#define isnan(x)     __builtin_isnan(x)
#define isinf(x)     __builtin_isinf(x)
#define signbit(x)   __builtin_signbit(x)
#define fabs(x)      __builtin_fabs(x)
#define fabsf(x)     __builtin_fabsf(x)
#define sqrt(x)      __builtin_sqrt(x)
#define sqrtf(x)     __builtin_sqrtf(x)
#define copysign(x, y)  __builtin_copysign(x, y)
#define copysignf(x, y) __builtin_copysignf(x, y)
double floor(double x);
float  floorf(float x);
double ceil(double x);
float  ceilf(float x);
double trunc(double x);
float  truncf(float x);
double nearbyint(double x);
float  nearbyintf(float x);
double roundeven(double x);
float  roundevenf(float x);
double fmin(double a, double b);
double fmax(double a, double b);
float  fminf(float a, float b);
float  fmaxf(float a, float b);
/* What __builtin_sqrt calls when its SSE instruction's input is below zero
 * (gcc's errno path): in kernel/rt/libm.c. Parenthesised: the macros above. */
double (sqrt)(double x);
float  (sqrtf)(float x);
#endif
