/* hserver: the adversarial suite's server. Its handler does what the caller
 * asks, including the things a buggy or hostile server does (exit, spin,
 * block, trap, call itself, recurse off the stack). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <athanor.h>

#include "../hostile.h"

static uint64_t calls;
static ath_handle_t kept = -1, self = -1;
static volatile int sink;

static uint64_t cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Native recursion, no shadow-stack use (see crasher's do_stack). */
__attribute__((noinline)) static int recurse(int depth)
{
    if (depth < 0)
        return 0;
    return recurse(depth + 1) * 31 + depth;
}

ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    (void)badge;
    calls++;
    switch (op) {
    case H_PING:
        return a0 + 1;
    case H_EXIT:
        exit((int)a0);
    case H_SPIN:
        for (;;)
            sink++;
    case H_BLOCK: {
        ath_handle_t n = ath_notify_create();
        uint64_t bits;
        ath_notify_wait(n, 1, UINT64_MAX, &bits); /* nobody signals it */
        return 0;
    }
    case H_TRAP:
        __builtin_trap();
    case H_SELFCALL: {
        uint64_t v = 0;
        int r = ath_call(self, H_PING, 1, 0, 0, &v);
        return (uint64_t)(int64_t)(r ? r : (int)v);
    }
    case H_NEST: { /* a fresh capability each time: hpeer may have (re)started since */
        uint64_t v = 0;
        ath_handle_t peer = ath_lookup("hpeer");
        int r = ath_call(peer, a0, a1, 0, 0, &v);
        ath_cap_delete(peer);
        return r ? (uint64_t)(int64_t)r : v;
    }
    case H_RECURSE:
        return (uint64_t)recurse(0);
    case H_COMPUTE: {
        uint64_t end = cpu_ms() + a0;
        while (cpu_ms() < end)
            sink++;
        return calls;
    }
    case H_COUNT:
        return calls;
    case H_KEEP:
        kept = (ath_handle_t)a2;
        return 0;
    case H_WAITKEPT: {
        uint64_t bits = 0;
        int r = ath_notify_wait(kept, ~0ull, a0 * 1000000ull, &bits);
        return r ? (uint64_t)(int64_t)r : bits;
    }
    case H_NOTIFY: {
        ath_handle_t n = ath_notify_create();
        if (n > 0)
            ath_cap_delete(n);
        return (uint64_t)(int64_t)n;
    }
    case H_SLEEP: {
        struct timespec ts = { (time_t)(a0 / 1000), (long)(a0 % 1000) * 1000000 };
        nanosleep(&ts, NULL);
        return calls;
    }
    default:
        return (uint64_t)-1;
    }
}

int main(void)
{
    self = ath_lookup("hserver");
    printf("hserver: serving\n");
    ath_serve();
    return 0;
}
