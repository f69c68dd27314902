/* Unit tests of the unwindable call (platform.h's PLAT_CALL_UNWINDABLE;
 * arch/x86_64/unwind.S, which the hosted platform assembles too): arguments
 * and result pass through, the callee finds the stack aligned as the ABI
 * says, plat_unwind_live is true exactly while it runs, and an unwinding
 * from any depth comes back to the caller with its values (which the
 * compiler kept in memory across the call) and hands the caller's own
 * caller every callee-saved register it had (which the caller's frame
 * saved). */
#include "fake_platform.h"

#include <athanor/platform.h>

static struct plat_unwind u;
static bool live_inside;
static uintptr_t sp_at_entry; /* the callee's stack pointer mod 16, plus 1 */
static int depth_reached;

/* The stack pointer of its caller at the call: 16-byte aligned (the ABI's
 * rule; SSE code in the callee relies on it), so 8 mod 16 at entry. */
__attribute__((noinline)) static void note_alignment(void)
{
    sp_at_entry = ((uintptr_t)__builtin_frame_address(0) + 16) % 16 + 1;
}

static uint64_t add_all(void *arg, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
    note_alignment();
    live_inside = plat_unwind_live;
    return (uint64_t)(uintptr_t)arg + b + 2 * c + 3 * d + 4 * e + 5 * f;
}

static void test_return_passes_through(void **state)
{
    (void)state;
    plat_unwind_live = false;
    sp_at_entry = 0;
    uint64_t r;
    PLAT_CALL_UNWINDABLE(r, &u, add_all, (void *)(uintptr_t)1000, 1, 2, 3, 4, 5);
    assert_int_equal(r, 1000 + 1 + 4 + 9 + 16 + 25);
    assert_int_equal(sp_at_entry, 1);
    assert_true(live_inside);
    assert_false(plat_unwind_live);
}

/* Wipe every callee-saved register gcc may use (rbp is the frame pointer
 * here), as a callee's own code would, then unwind from n frames down. */
static __attribute__((noinline)) void clobber_and_unwind(int n)
{
    if (n > 0) {
        volatile char pad[64]; /* real frames, not a loop */
        pad[0] = (char)n;
        clobber_and_unwind(n - 1);
        (void)pad[0];
        return;
    }
    depth_reached = 1;
    if (!plat_unwind_live)
        return; /* no record to unwind to (never here) */
    __asm__ volatile("mov $-1, %%rbx\n\tmov $-1, %%r12\n\tmov $-1, %%r13\n\t"
                     "mov $-1, %%r14\n\tmov $-1, %%r15" ::: "rbx", "r12", "r13", "r14", "r15");
    plat_unwind(&u);
}

static uint64_t unwind_from(void *arg, uint64_t depth, uint64_t c, uint64_t d, uint64_t e,
                            uint64_t f)
{
    (void)arg, (void)c, (void)d, (void)e, (void)f;
    live_inside = plat_unwind_live;
    clobber_and_unwind((int)depth);
    return 42; /* never: the unwinding ends the call */
}

/* Values the caller keeps across the call: five of them live, which gcc
 * would hold in callee-saved registers across an ordinary call. */
static __attribute__((noinline)) uint64_t caller_with_live_values(uint64_t seed, uint64_t depth)
{
    uint64_t v1 = seed * 3, v2 = seed ^ 0x5555, v3 = seed + 77, v4 = seed << 3, v5 = ~seed;
    uint64_t r;
    PLAT_CALL_UNWINDABLE(r, &u, unwind_from, NULL, depth, 0, 0, 0, 0);
    assert_int_equal(r, 0);
    return v1 + 2 * v2 + 3 * v3 + 4 * v4 + 5 * v5;
}

static void test_unwind_restores_the_caller(void **state)
{
    (void)state;
    const uint64_t depths[] = { 0, 1, 7, 200 };
    for (unsigned i = 0; i < ARRAY_LEN(depths); i++) {
        uint64_t seed = 0x1234567 + i;
        uint64_t want = seed * 3 + 2 * (seed ^ 0x5555) + 3 * (seed + 77) + 4 * (seed << 3) + 5 * ~seed;
        depth_reached = 0;
        plat_unwind_live = false;
        live_inside = false;
        assert_int_equal(caller_with_live_values(seed, depths[i]), want);
        assert_int_equal(depth_reached, 1);
        assert_true(live_inside);
        assert_false(plat_unwind_live); /* cleared by the unwinding, not by a return */
    }
}

/* regs_survive(fn, a, b): fn(a, b) called with rbx and r12-r15 holding
 * known values, as a component's code holds its own across a host call;
 * returns how many of the five came back changed. In assembly: C cannot
 * say which registers hold what. */
uint64_t regs_survive(uint64_t (*fn)(uint64_t, uint64_t), uint64_t a, uint64_t b);
__asm__(".text\n"
        ".globl regs_survive\n"
        ".type regs_survive, @function\n"
        "regs_survive:\n"
        "    push %rbx\n    push %r12\n    push %r13\n    push %r14\n    push %r15\n"
        "    mov %rdi, %rax\n    mov %rsi, %rdi\n    mov %rdx, %rsi\n"
        "    movabs $0x1111111111111111, %rbx\n    movabs $0x2222222222222222, %r12\n"
        "    movabs $0x3333333333333333, %r13\n    movabs $0x4444444444444444, %r14\n"
        "    movabs $0x5555555555555555, %r15\n"
        "    call *%rax\n"
        "    xor %eax, %eax\n"
        "    movabs $0x1111111111111111, %rcx\n    cmp %rcx, %rbx\n    setne %cl\n"
        "    movzbl %cl, %ecx\n    add %rcx, %rax\n"
        "    movabs $0x2222222222222222, %rcx\n    cmp %rcx, %r12\n    setne %cl\n"
        "    movzbl %cl, %ecx\n    add %rcx, %rax\n"
        "    movabs $0x3333333333333333, %rcx\n    cmp %rcx, %r13\n    setne %cl\n"
        "    movzbl %cl, %ecx\n    add %rcx, %rax\n"
        "    movabs $0x4444444444444444, %rcx\n    cmp %rcx, %r14\n    setne %cl\n"
        "    movzbl %cl, %ecx\n    add %rcx, %rax\n"
        "    movabs $0x5555555555555555, %rcx\n    cmp %rcx, %r15\n    setne %cl\n"
        "    movzbl %cl, %ecx\n    add %rcx, %rax\n"
        "    pop %r15\n    pop %r14\n    pop %r13\n    pop %r12\n    pop %rbx\n"
        "    ret\n"
        ".size regs_survive, . - regs_survive\n");

/* The unwound call's caller hands its own caller back every callee-saved
 * register, although the unwinding left -1 in each (the record keeps only
 * the frame and stack pointers: the call's clobbers made the caller's
 * frame save them). */
static void test_unwind_keeps_the_callers_registers(void **state)
{
    (void)state;
    const uint64_t depths[] = { 0, 3, 50 };
    for (unsigned i = 0; i < ARRAY_LEN(depths); i++) {
        depth_reached = 0;
        assert_int_equal(regs_survive(caller_with_live_values, 99 + i, depths[i]), 0);
        assert_int_equal(depth_reached, 1);
    }
}

/* One record serves call after call, returns and unwindings mixed. */
static void test_record_reused(void **state)
{
    (void)state;
    for (int i = 0; i < 100; i++) {
        if (i % 3 == 0) {
            assert_int_equal(caller_with_live_values((uint64_t)i, (uint64_t)(i % 5)),
                             (uint64_t)i * 3 + 2 * ((uint64_t)i ^ 0x5555) + 3 * ((uint64_t)i + 77) +
                                 4 * ((uint64_t)i << 3) + 5 * ~(uint64_t)i);
        } else {
            uint64_t r;
            PLAT_CALL_UNWINDABLE(r, &u, add_all, (void *)(uintptr_t)i, 1, 1, 1, 1, 1);
            assert_int_equal(r, (uint64_t)i + 15);
        }
        assert_false(plat_unwind_live);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_return_passes_through),
        cmocka_unit_test(test_unwind_restores_the_caller),
        cmocka_unit_test(test_unwind_keeps_the_callers_registers),
        cmocka_unit_test(test_record_reused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
