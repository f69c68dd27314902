/* Shared by the wasm feature tests (components/feat/): each checks what one
 * WebAssembly proposal's instructions compute against values known in
 * advance (or against plain scalar code in the same program), prints one
 * line per failed check and a summary, and exits 0 only if all held.
 * kernel/ktest/test_wasm.c runs them on hosted and QEMU. */
#ifndef FEAT_H
#define FEAT_H

#include <stdint.h>
#include <stdio.h>

static int feat_checks, feat_failed;

#define FEAT_CHECK(cond, ...)                                                  \
    do {                                                                       \
        feat_checks++;                                                         \
        if (!(cond)) {                                                         \
            feat_failed++;                                                     \
            printf("%s: FAIL line %d: ", FEAT_NAME, __LINE__);                 \
            printf(__VA_ARGS__);                                               \
            printf("\n");                                                      \
        }                                                                      \
    } while (0)

/* The summary line the test looks for, and the exit status. */
static inline int feat_done(void)
{
    printf("%s: %d checks, %d failed\n", FEAT_NAME, feat_checks, feat_failed);
    return feat_failed ? 1 : 0;
}

/* Values the compiler cannot see through, so that the instructions under
 * test run in the module instead of being folded at compile time. */
static inline uint32_t opaque_u32(uint32_t v)
{
    __asm__ volatile("" : "+r"(v));
    return v;
}
static inline float opaque_f32(float v)
{
    __asm__ volatile("" : "+r"(v));
    return v;
}
static inline double opaque_f64(double v)
{
    __asm__ volatile("" : "+r"(v));
    return v;
}

#endif
