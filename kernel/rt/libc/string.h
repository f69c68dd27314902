/* Freestanding <string.h> for compiling wasm2c output and wasm-rt.h into the
 * bare-metal kernel (only on its include path; hosted builds use the C library). */
#ifndef RT_LIBC_STRING_H
#define RT_LIBC_STRING_H
#include <athanor/klib.h>
#endif
