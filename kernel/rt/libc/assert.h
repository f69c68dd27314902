/* Freestanding <assert.h> for wasm2c output in the bare-metal kernel: a
 * failed internal assertion of generated code is a kernel bug. */
#ifndef RT_LIBC_ASSERT_H
#define RT_LIBC_ASSERT_H
#include <athanor/klib.h>
#define assert(cond) KASSERT(cond)
/* C11's macro; wasm2c 1.0.39 output uses its one-argument form (a gcc
 * extension before C23). */
#define static_assert _Static_assert
#endif
