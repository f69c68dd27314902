/* wasm SIMD's lane loads and stores for generated component code, in place
 * of SIMDe's: SIMDe writes the lane through a union in memory, which gcc
 * keeps as a store to the stack and a 16-byte reload (a store-forwarding
 * stall per lane, 1.7x on SHA-256's message schedule, which clang builds
 * from v128.load8_lane). A lane of a GCC vector is one pinsr/pextr
 * instruction with SSE4.1 (GEN_ISA, mk/config.mk). tools/wasm2kernel.sh
 * includes this after SIMDe; the names below replace SIMDe's by macro. */
#ifndef ATHANOR_WASM_SIMD_H
#define ATHANOR_WASM_SIMD_H

#include <stdint.h>

typedef uint8_t  ath_u8x16 __attribute__((vector_size(16)));
typedef uint16_t ath_u16x8 __attribute__((vector_size(16)));
typedef uint32_t ath_u32x4 __attribute__((vector_size(16)));
typedef uint64_t ath_u64x2 __attribute__((vector_size(16)));

/* The lane is a constant wherever wasm2c calls these (the instruction's
 * immediate), so after inlining each is one instruction. The element goes
 * through a scalar of its own type copied byte-wise: linear-memory
 * addresses need no alignment. */
#define ATH_SIMD_LANE(bits, vec_t)                                                    \
    static inline __attribute__((always_inline)) simde_v128_t ath_v128_load##bits##_lane( \
        const void *a, simde_v128_t vec, const int lane)                              \
    {                                                                                 \
        uint##bits##_t x;                                                             \
        __builtin_memcpy(&x, a, sizeof x);                                            \
        vec_t v = (vec_t)vec;                                                         \
        v[lane] = x;                                                                  \
        return (simde_v128_t)v;                                                       \
    }                                                                                 \
    static inline __attribute__((always_inline)) void ath_v128_store##bits##_lane(    \
        void *a, simde_v128_t vec, const int lane)                                    \
    {                                                                                 \
        uint##bits##_t x = ((vec_t)vec)[lane];                                        \
        __builtin_memcpy(a, &x, sizeof x);                                            \
    }
ATH_SIMD_LANE(8, ath_u8x16)
ATH_SIMD_LANE(16, ath_u16x8)
ATH_SIMD_LANE(32, ath_u32x4)
ATH_SIMD_LANE(64, ath_u64x2)
#undef ATH_SIMD_LANE

#undef simde_wasm_v128_load8_lane
#undef simde_wasm_v128_load16_lane
#undef simde_wasm_v128_load32_lane
#undef simde_wasm_v128_load64_lane
#undef simde_wasm_v128_store8_lane
#undef simde_wasm_v128_store16_lane
#undef simde_wasm_v128_store32_lane
#undef simde_wasm_v128_store64_lane
#define simde_wasm_v128_load8_lane   ath_v128_load8_lane
#define simde_wasm_v128_load16_lane  ath_v128_load16_lane
#define simde_wasm_v128_load32_lane  ath_v128_load32_lane
#define simde_wasm_v128_load64_lane  ath_v128_load64_lane
#define simde_wasm_v128_store8_lane  ath_v128_store8_lane
#define simde_wasm_v128_store16_lane ath_v128_store16_lane
#define simde_wasm_v128_store32_lane ath_v128_store32_lane
#define simde_wasm_v128_store64_lane ath_v128_store64_lane

#endif
