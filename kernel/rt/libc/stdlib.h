/* Freestanding <stdlib.h> for wasm2c output in the bare-metal kernel. */
#ifndef RT_LIBC_STDLIB_H
#define RT_LIBC_STDLIB_H
#include <stddef.h>
_Noreturn void abort(void);
#endif
