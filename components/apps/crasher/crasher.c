/* crasher: traps on purpose, of the kind its argument names, so tests and
 * demonstrations can check that every kind is contained and reported.
 *   oob | unreachable | divzero | overflow | convert | nullcall | badcall | stack | shadow | edge | grow */
#include <stdint.h>
#include <stdio.h>
#include <wasi/api.h>
#include <stdlib.h>
#include <string.h>

/* Each trap lives in its own non-inlined function, so the fault report can
 * name it. volatile keeps the compiler from folding the operations away. */
__attribute__((noinline)) static int do_oob(void)
{
    volatile uint32_t *p = (uint32_t *)(uintptr_t)0xfffffff0u; /* far past the memory */
    return (int)*p;
}

__attribute__((noinline)) static int do_unreachable(void)
{
    __builtin_trap();
}

__attribute__((noinline)) static int do_divzero(void)
{
    volatile int a = 7, b = 0;
    return a / b;
}

__attribute__((noinline)) static int do_overflow(void)
{
    volatile int a = INT32_MIN, b = -1;
    return a / b;
}

__attribute__((noinline)) static int do_convert(void)
{
    volatile double nan = __builtin_nan("");
    return __builtin_wasm_trunc_s_i32_f64(nan); /* the trapping i32.trunc_f64_s */
}

typedef int (*fn_t)(int);
typedef int (*fn2_t)(int, int, int);
static int one(int x) { return x + 1; }
static fn_t volatile table_entry = one;

__attribute__((noinline)) static int do_nullcall(void)
{
    fn_t volatile f = 0;
    return f(1);
}

__attribute__((noinline)) static int do_badcall(void)
{
    /* Call a real function through a pointer of the wrong type. */
    fn2_t f = (fn2_t)(void (*)(void))table_entry;
    return f(1, 2, 3);
}

static volatile int depth_limit = 1 << 30; /* never reached: the native stack's limit is */

/* Recursion that needs only the native stack (no address-taken locals, so
 * nothing on the linear-memory shadow stack), and is no accumulator clang
 * could turn into a loop: it runs into the kernel's stack limit. */
__attribute__((noinline)) static int do_stack(int depth)
{
    if (depth >= depth_limit)
        return 0;
    return do_stack(depth + 1) * 31 + depth;
}

/* Recursion with small frames that makes host calls directly at every
 * level (a console write, a yield): the last ones run kernel code right at
 * the limit, on the reserve below it. */
__attribute__((noinline)) static int do_edge(int depth)
{
    if (depth >= depth_limit)
        return 0;
    static const __wasi_ciovec_t iov = { (const uint8_t *)".", 1 }; /* static: nothing on the */
    static __wasi_size_t n;                                          /* shadow stack */
    int r = __wasi_fd_write(1, &iov, 1, &n) + __wasi_sched_yield();
    return do_edge(depth + 1) * 31 + depth + r;
}

/* Recursion whose frames live on the shadow stack in linear memory: it
 * runs off the bottom of its own memory (out of bounds) first. */
__attribute__((noinline)) static int do_shadow(int depth)
{
    volatile char frame[4096]; /* 16 levels fill the 64 KiB shadow stack */
    unsigned at = (unsigned)depth * 97 % sizeof frame; /* a variable index: the whole array exists */
    frame[at] = (char)depth;
    if (depth >= depth_limit)
        return 0;
    return do_shadow(depth + 1) + frame[at];
}

__attribute__((noinline)) static int do_grow(void)
{
    /* Grow past the manifest's memory quota: memory.grow must fail cleanly. */
    long got = 0;
    while (__builtin_wasm_memory_grow(0, 1) != (size_t)-1)
        got++;
    printf("crasher: memory.grow refused after %ld more pages\n", got);
    return 0;
}

int main(int argc, char **argv)
{
    const char *kind = argc > 1 ? argv[1] : "";
    printf("crasher: %s\n", kind);
    if (!strcmp(kind, "oob")) return do_oob();
    if (!strcmp(kind, "unreachable")) return do_unreachable();
    if (!strcmp(kind, "divzero")) return do_divzero();
    if (!strcmp(kind, "overflow")) return do_overflow();
    if (!strcmp(kind, "convert")) return do_convert();
    if (!strcmp(kind, "nullcall")) return do_nullcall();
    if (!strcmp(kind, "badcall")) return do_badcall();
    if (!strcmp(kind, "stack")) return do_stack(0);
    if (!strcmp(kind, "shadow")) return do_shadow(0);
    if (!strcmp(kind, "edge")) return do_edge(0);
    if (!strcmp(kind, "grow")) return do_grow();
    printf("crasher: unknown kind '%s' (oob unreachable divzero overflow convert nullcall badcall stack shadow edge grow)\n", kind);
    return 2;
}
