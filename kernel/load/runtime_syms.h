/* The declarations of runtime.def's symbols, for exports.c: the headers
 * wasm2c's output itself is compiled with. */
#ifndef LOAD_RUNTIME_SYMS_H
#define LOAD_RUNTIME_SYMS_H
#include <athanor/klib.h>
#include <athanor/wasm_stack.h>
#include <math.h>
#include <wasm-rt.h>
/* C23's, which the C library declares only when asked for C23 or GNU
 * extensions (wasm2c's output asks); the same declaration either way. */
double roundeven(double x);
float  roundevenf(float x);
#endif
