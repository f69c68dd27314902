/* luabench.h: the Lua configuration of the luabench workload, included by
 * every Lua source through lua.h (LUA_USER_H, set in sources.mk), natively
 * and in wasm alike.
 *
 * Errors without setjmp. Lua raises errors (and coroutine yields) with
 * LUAI_THROW, a longjmp to the LUAI_TRY of the nearest protected call.
 * wasi-libc has no setjmp/longjmp, so here LUAI_TRY just calls the
 * function and LUAI_THROW ends the program with a message. This is exact
 * for any run that raises nothing: a setjmp-based LUAI_TRY would also only
 * have called the function, and no longjmp would have happened. The
 * benchmark's script raises no error, uses no pcall/error and no
 * coroutines (the coroutine library is not even opened), so it runs the
 * same code either way; if anything did throw (a bug, memory exhausted),
 * the run stops loudly instead of producing a number. The native builds use
 * the same configuration, so they do not pay for setjmp either.
 *
 * A fixed string-hash seed. Lua seeds its string hashes from the clock and
 * from addresses (ASLR): tables would be laid out differently in every run
 * and every build. A constant makes all builds do the same work. The same
 * for table.sort's pivot randomization (from clock() and time(), which
 * would also make the sort's work differ between runs).
 *
 * No <signal.h>. lstate.h types its hook flag (set by signal handlers in
 * lua.c, which is not built) as sig_atomic_t from <signal.h>, which
 * wasi-libc refuses without signal emulation; sig_atomic_t is int on glibc
 * and wasi-libc alike. */
#ifndef LUABENCH_H
#define LUABENCH_H

#define luai_jmpbuf      int
#define LUAI_TRY(L, c, a) { a }
#define LUAI_THROW(L, c)  luabench_throw(L, (c)->status)
#define luai_makeseed(L)  0x5eedu
#define l_randomizePivot() 0x5eedu
#define l_signalT         int

struct lua_State;
_Noreturn void luabench_throw(struct lua_State *L, int status);

#endif
