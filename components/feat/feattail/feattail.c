/* feattail: the tail-call proposal. With -mtail-call, a musttail return
 * is return_call (or return_call_indirect through a pointer): a million
 * mutually recursive calls run in constant stack, where plain calls would
 * exhaust the component's stack and trap. */
#define FEAT_NAME "feattail"
#include "../feat.h"

typedef int (*step_fn)(uint32_t n, uint32_t acc);

static int is_odd(uint32_t n, uint32_t acc);

__attribute__((noinline)) static int is_even(uint32_t n, uint32_t acc)
{
    if (n == 0)
        return (int)(acc & 1);
    __attribute__((musttail)) return is_odd(n - 1, acc + 1);
}

__attribute__((noinline)) static int is_odd(uint32_t n, uint32_t acc)
{
    if (n == 0)
        return (int)(acc & 1) ^ 1;
    __attribute__((musttail)) return is_even(n - 1, acc + 3);
}

/* Through a table: return_call_indirect. */
static int ping(uint32_t n, uint32_t acc);
static int pong(uint32_t n, uint32_t acc);
static volatile step_fn steps[2] = { ping, pong };

__attribute__((noinline)) static int ping(uint32_t n, uint32_t acc)
{
    if (n == 0)
        return (int)acc;
    step_fn next = steps[1];
    __attribute__((musttail)) return next(n - 1, acc + 2);
}

__attribute__((noinline)) static int pong(uint32_t n, uint32_t acc)
{
    if (n == 0)
        return (int)acc;
    step_fn next = steps[0];
    __attribute__((musttail)) return next(n - 1, acc - 1);
}

int main(void)
{
    uint32_t n = opaque_u32(1000000);
    /* acc grows by 1 and 3 alternately: 2 000 000 after a million steps. */
    FEAT_CHECK(is_even(n, 0) == 0, "is_even(1e6) through return_call");
    FEAT_CHECK(is_even(n + 1, 0) == 0, "is_even(1e6+1)");
    FEAT_CHECK(ping(n, 0) == 500000, "ping/pong through return_call_indirect: %d", ping(n, 0));
    FEAT_CHECK(pong(opaque_u32(3), 10) == 10, "pong(3)"); /* -1 +2 -1 */
    return feat_done();
}
