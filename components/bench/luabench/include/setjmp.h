/* A stand-in <setjmp.h> for Lua's ldo.c in the luabench workload: ldo.c
 * includes <setjmp.h> unconditionally, wasi-libc has none (WebAssembly has
 * no setjmp without the exception-handling proposal), and luabench.h's
 * LUAI_TRY/LUAI_THROW need none. Used by the native builds too (sources.mk
 * puts this folder first on the include path), so every build compiles the
 * same Lua. Nothing else in the Lua sources the benchmark builds includes it. */
#ifndef LUABENCH_SETJMP_H
#define LUABENCH_SETJMP_H
#endif
