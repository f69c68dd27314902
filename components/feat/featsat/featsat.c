/* featsat: the non-trapping float-to-int proposal. The saturating
 * conversions (i32/i64.trunc_sat_f32/f64_s/u), through clang's builtins so
 * that out-of-range inputs are defined: NaN gives 0, too large gives the
 * type's maximum, too small its minimum; in range they truncate. */
#define FEAT_NAME "featsat"
#include "../feat.h"

#include <math.h>

int main(void)
{
    float big = opaque_f32(3e10f), nbig = opaque_f32(-3e10f), nan = opaque_f32(NAN);
    float mid = opaque_f32(-7.9f);
    double dbig = opaque_f64(1e300), dmid = opaque_f64(123456789.99);
    FEAT_CHECK(__builtin_wasm_trunc_saturate_s_i32_f32(big) == INT32_MAX, "i32.trunc_sat_f32_s big");
    FEAT_CHECK(__builtin_wasm_trunc_saturate_s_i32_f32(nbig) == INT32_MIN, "i32.trunc_sat_f32_s -big");
    FEAT_CHECK(__builtin_wasm_trunc_saturate_s_i32_f32(nan) == 0, "i32.trunc_sat_f32_s NaN");
    FEAT_CHECK(__builtin_wasm_trunc_saturate_s_i32_f32(mid) == -7, "i32.trunc_sat_f32_s -7.9");
    FEAT_CHECK((uint32_t)__builtin_wasm_trunc_saturate_u_i32_f32(nbig) == 0, "i32.trunc_sat_f32_u -big");
    FEAT_CHECK((uint32_t)__builtin_wasm_trunc_saturate_u_i32_f32(big) == UINT32_MAX, "i32.trunc_sat_f32_u big");
    FEAT_CHECK((uint32_t)__builtin_wasm_trunc_saturate_u_i32_f64(dmid) == 123456789u, "i32.trunc_sat_f64_u");
    FEAT_CHECK(__builtin_wasm_trunc_saturate_s_i64_f64(dbig) == INT64_MAX, "i64.trunc_sat_f64_s big");
    FEAT_CHECK(__builtin_wasm_trunc_saturate_s_i64_f64(-dbig) == INT64_MIN, "i64.trunc_sat_f64_s -big");
    FEAT_CHECK((uint64_t)__builtin_wasm_trunc_saturate_u_i64_f64(-dbig) == 0, "i64.trunc_sat_f64_u -big");
    FEAT_CHECK((uint64_t)__builtin_wasm_trunc_saturate_u_i64_f32(nan) == 0, "i64.trunc_sat_f32_u NaN");
    FEAT_CHECK(__builtin_wasm_trunc_saturate_s_i64_f32(big) == 30000001024ll, "i64.trunc_sat_f32_s 3e10");
    return feat_done();
}
