/* featsimd: the SIMD proposal (v128). Intrinsics (wasm_simd128.h) for
 * integer, saturating, float, compare, shuffle, lane and load/store
 * instructions, checked against scalar code and known values; and a loop
 * clang vectorizes (built with -msimd128) against the same loop kept scalar. */
#define FEAT_NAME "featsimd"
#include "../feat.h"

#include <string.h>
#include <wasm_simd128.h>

#define N 1000

static float xs[N], ys[N], out_vec[N], out_scalar[N];
static uint8_t bytes[64];

/* clang vectorizes this loop at -O2 with -msimd128 (f32x4 mul and add). */
__attribute__((noinline)) static void saxpy(float a, const float *x, const float *y, float *o, int n)
{
    for (int i = 0; i < n; i++)
        o[i] = a * x[i] + y[i];
}

__attribute__((noinline)) static void saxpy_scalar(float a, const float *x, const float *y, float *o, int n)
{
#pragma clang loop vectorize(disable) interleave(disable)
    for (int i = 0; i < n; i++)
        o[i] = a * x[i] + y[i];
}

int main(void)
{
    uint32_t k = opaque_u32(3);
    v128_t a = wasm_i32x4_make((int)k, (int)k + 1, (int)k + 2, -(int)k);
    v128_t b = wasm_i32x4_splat((int)opaque_u32(10));
    v128_t s = wasm_i32x4_add(a, b);
    FEAT_CHECK(wasm_i32x4_extract_lane(s, 0) == 13 && wasm_i32x4_extract_lane(s, 3) == 7, "i32x4.add");
    v128_t m = wasm_i32x4_mul(a, b);
    FEAT_CHECK(wasm_i32x4_extract_lane(m, 2) == 50 && wasm_i32x4_extract_lane(m, 3) == -30, "i32x4.mul");

    /* Saturating 8-bit adds: 200 + 100 stays 255 unsigned, 100 + 100 is 127 signed. */
    v128_t u = wasm_u8x16_add_sat(wasm_u8x16_splat((uint8_t)opaque_u32(200)), wasm_u8x16_splat(100));
    FEAT_CHECK(wasm_u8x16_extract_lane(u, 5) == 255, "u8x16.add_sat: %u", wasm_u8x16_extract_lane(u, 5));
    v128_t i8 = wasm_i8x16_add_sat(wasm_i8x16_splat((int8_t)opaque_u32(100)), wasm_i8x16_splat(100));
    FEAT_CHECK(wasm_i8x16_extract_lane(i8, 9) == 127, "i8x16.add_sat: %d", wasm_i8x16_extract_lane(i8, 9));

    /* Floats: sqrt, min, and the rounding of f32x4.nearest. */
    v128_t f = wasm_f32x4_make(opaque_f32(4.0f), 9.0f, 2.5f, -1.5f);
    v128_t r = wasm_f32x4_sqrt(wasm_f32x4_abs(f));
    FEAT_CHECK(wasm_f32x4_extract_lane(r, 0) == 2.0f && wasm_f32x4_extract_lane(r, 1) == 3.0f, "f32x4.sqrt");
    v128_t n = wasm_f32x4_nearest(f);
    FEAT_CHECK(wasm_f32x4_extract_lane(n, 2) == 2.0f && wasm_f32x4_extract_lane(n, 3) == -2.0f,
               "f32x4.nearest: %g %g", (double)wasm_f32x4_extract_lane(n, 2), (double)wasm_f32x4_extract_lane(n, 3));
    v128_t d = wasm_f64x2_mul(wasm_f64x2_make(opaque_f64(1.5), 2.0), wasm_f64x2_splat(4.0));
    FEAT_CHECK(wasm_f64x2_extract_lane(d, 0) == 6.0 && wasm_f64x2_extract_lane(d, 1) == 8.0, "f64x2.mul");

    /* Compare and bitmask: lanes 1 and 3 of (3, 4, 5, -3) > 3 ... only 4 and 5. */
    v128_t gt = wasm_i32x4_gt(a, wasm_i32x4_splat(3));
    FEAT_CHECK(wasm_i32x4_bitmask(gt) == 0x6, "i32x4.gt + bitmask: %#x", wasm_i32x4_bitmask(gt));
    FEAT_CHECK(wasm_v128_any_true(gt) && !wasm_i32x4_all_true(gt), "any_true / all_true");

    /* Shuffle and swizzle. */
    v128_t bytes0 = wasm_i8x16_make(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    v128_t rev = wasm_i8x16_shuffle(bytes0, bytes0, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    FEAT_CHECK(wasm_i8x16_extract_lane(rev, 0) == 15 && wasm_i8x16_extract_lane(rev, 15) == 0, "i8x16.shuffle");
    v128_t sw = wasm_i8x16_swizzle(bytes0, wasm_i8x16_splat((int8_t)opaque_u32(200)));
    FEAT_CHECK(wasm_i8x16_extract_lane(sw, 4) == 0, "i8x16.swizzle out of range gives 0");

    /* Loads and stores, whole and per lane, at unaligned addresses. */
    for (int i = 0; i < 64; i++)
        bytes[i] = (uint8_t)(i * 7);
    v128_t l = wasm_v128_load(bytes + opaque_u32(3));
    FEAT_CHECK(wasm_u8x16_extract_lane(l, 0) == 21 && wasm_u8x16_extract_lane(l, 15) == (uint8_t)(18 * 7),
               "v128.load unaligned");
    wasm_v128_store(bytes + 40, l);
    FEAT_CHECK(bytes[40] == 21 && bytes[55] == (uint8_t)(18 * 7), "v128.store");
    v128_t ll = wasm_v128_load32_lane(bytes + opaque_u32(1), wasm_i32x4_splat(0), 2);
    uint32_t w;
    memcpy(&w, bytes + 1, 4);
    FEAT_CHECK((uint32_t)wasm_i32x4_extract_lane(ll, 2) == w && wasm_i32x4_extract_lane(ll, 1) == 0,
               "v128.load32_lane");
    wasm_v128_store16_lane(bytes + opaque_u32(60), wasm_i16x8_splat(0x1234), 5);
    FEAT_CHECK(bytes[60] == 0x34 && bytes[61] == 0x12, "v128.store16_lane");
    v128_t ext = wasm_u16x8_load8x8(bytes);
    FEAT_CHECK(wasm_u16x8_extract_lane(ext, 7) == 49, "v128.load8x8_u");

    /* The vectorized loop agrees with the scalar one, bit for bit. */
    for (int i = 0; i < N; i++) {
        xs[i] = (float)i * 0.25f;
        ys[i] = (float)(N - i) * 0.5f;
    }
    saxpy(opaque_f32(1.75f), xs, ys, out_vec, N);
    saxpy_scalar(opaque_f32(1.75f), xs, ys, out_scalar, N);
    FEAT_CHECK(memcmp(out_vec, out_scalar, sizeof out_vec) == 0, "vectorized loop differs from the scalar one");
    FEAT_CHECK(out_vec[999] == 1.75f * 249.75f + 0.5f, "saxpy[999] = %g", (double)out_vec[999]);
    return feat_done();
}
