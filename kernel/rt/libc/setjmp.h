/* Freestanding <setjmp.h> for wasm-rt.h in the bare-metal kernel. wasm2c
 * uses setjmp only for the exception-handling proposal, which components do
 * not use: these are declared so the header compiles, and never defined, so
 * a module that needs them fails to link instead of misbehaving. */
#ifndef RT_LIBC_SETJMP_H
#define RT_LIBC_SETJMP_H
typedef long jmp_buf[8];
typedef long sigjmp_buf[8];
int setjmp(jmp_buf env);
int sigsetjmp(sigjmp_buf env, int savemask);
#endif
