/* Deliberate kernel faults, to prove the fault path reports them with a
 * symbolised backtrace instead of dying silently. */
#include <athanor/ktest.h>

/* noinline so the function shows up by name in the backtrace. */
__attribute__((noinline)) static void poke(volatile uint64_t *p)
{
    *p = 0xdeadbeef;
}

__attribute__((noinline)) noreturn void ktest_fault_pagefault(void)
{
    kprintf("ktest: writing to an unmapped address on purpose\n");
    /* 0x1000 lies in the never-mapped first pages on every platform. */
    poke((volatile uint64_t *)(uintptr_t)0x1000);
    kprintf("ktest: FAIL the write did not fault\n");
    plat_test_exit(PLAT_TEST_FAIL);
}

static volatile unsigned depth_limit = ~0u; /* volatile: the compiler cannot prove the recursion endless */

__attribute__((noinline)) static unsigned recurse(unsigned depth)
{
    volatile char pad[256];
    pad[0] = (char)depth;
    if (depth >= depth_limit)
        return 0;
    return recurse(depth + 1) + pad[0];
}

__attribute__((noinline)) noreturn void ktest_fault_stack_overflow(void)
{
    kprintf("ktest: recursing until the stack guard page is hit\n");
    recurse(0);
    kprintf("ktest: FAIL the recursion returned\n");
    plat_test_exit(PLAT_TEST_FAIL);
}
