/* Freestanding <alloca.h> for wasm2c output in the bare-metal kernel. */
#ifndef RT_LIBC_ALLOCA_H
#define RT_LIBC_ALLOCA_H
#define alloca __builtin_alloca
#endif
