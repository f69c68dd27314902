/* A puppet of the stateful fuzzer (see puppet.h): included by fpa.c, fpb.c
 * and fpc.c, the same code under three manifest entries. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <athanor.h>
#include <wasi/api.h>

#include "puppet.h"

#define SCRATCH (3 * 4096)
static unsigned char scratch[SCRATCH] __attribute__((aligned(4096)));
static unsigned char msgbuf[256];
static ath_handle_t  handles[16];  /* handles this instance has seen: arguments pick from them */
static unsigned      nhandles;
static uint64_t      bad;          /* host calls that answered nonsense */
static volatile int  sink;

static void keep(int64_t h)
{
    if (h > 0)
        handles[nhandles++ % 16] = (ath_handle_t)h;
}

/* A handle: one seen before, a guess, zero or garbage. */
static uint32_t handle(uint8_t sel, uint32_t v)
{
    switch (sel & 3) {
    case 0:
    case 1: return nhandles ? (uint32_t)handles[v % 16 % (nhandles < 16 ? nhandles : 16)] : v;
    case 2: return (1u << 16) | (v % 80);
    default: return v;
    }
}

/* A pointer: in the scratch area, straddling the end of memory, or past it. */
static uint32_t ptr(uint8_t sel, uint32_t v)
{
    uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
    switch ((sel >> 2) & 3) {
    case 0:
    case 1: return (uint32_t)(uintptr_t)scratch + v % (SCRATCH - 256);
    case 2: return end - v % 64;
    default: return end + v % (0u - end);
    }
}

static uint32_t len(uint8_t sel, uint32_t v)
{
    return (sel & 0x10) ? v : v % 300;
}

/* Errors must be errors.h's (negated), or WASI errnos for WASI calls. */
static int64_t check(int64_t r)
{
    if (r < 0 && -r >= ATH_ERR_COUNT)
        bad++;
    return r;
}

static int64_t check_wasi(int r)
{
    if (r < 0 || r > 76)
        bad++;
    return r;
}

static uint64_t run(const struct fz_cmd *c, unsigned nested);

/* Another puppet, by index; our own name too (a call into ourselves). */
static ath_handle_t puppet(uint32_t i)
{
    ath_handle_t h = ath_lookup(fz_names[i % FZ_PUPPETS]);
    keep(h);
    return h;
}

__attribute__((noinline)) static int recurse(int d)
{
    return d < 0 ? 0 : recurse(d + 1) * 31 + d;
}

/* Run command c (and the `nested` commands after it, which a C_NEST hands
 * on to another puppet). The result goes back to whoever asked. */
static uint64_t run(const struct fz_cmd *c, unsigned nested)
{
    uint64_t v = 0;
    uint8_t s = c->sel;
    switch (c->op % C_HOSTCALLS) {
    case C_CALL: {
        int r = ath_call(puppet(c->a), P_PING, c->b, c->c, 0, &v);
        return (uint64_t)check(r);
    }
    case C_CALL_GRANT: {
        int r = ath_call_grant(puppet(c->a), P_PING, c->b, 0, (ath_handle_t)handle(s, c->c), &v);
        return (uint64_t)check(r);
    }
    case C_CALL_MSG: {
        int r = __ath_call_msg((uint32_t)puppet(c->a), P_PING, 0, (const void *)(uintptr_t)ptr(s, c->b),
                               len(s, c->c), (uint64_t *)(uintptr_t)ptr(s >> 4, c->b >> 8));
        return (uint64_t)check(r);
    }
    case C_CALL_LEND: {
        uint32_t off = (c->b % 3) * 4096, n = (c->c % 3 + 1) * 4096;
        int r = __ath_call_lend((uint32_t)puppet(c->a), P_PING, 0,
                                (s & 0x20) ? ptr(s, c->b) : (uint32_t)(uintptr_t)scratch + off,
                                (s & 0x40) ? len(s, c->c) : n, s >> 6 & 1, (uint64_t *)(uintptr_t)ptr(s, c->c));
        return (uint64_t)check(r);
    }
    case C_TRANSFER: {
        int r = __ath_call_lend((uint32_t)puppet(c->a), P_PING, 0,
                                (uint32_t)(uintptr_t)scratch + (c->b % 3) * 4096, 4096, 2,
                                (uint64_t *)(uintptr_t)ptr(s, c->c));
        return (uint64_t)check(r);
    }
    case C_LOOKUP:
        return (uint64_t)check(__ath_lookup((const char *)(uintptr_t)ptr(s, c->a), len(s, c->b) % 32));
    case C_NOTIFY_CREATE: {
        int64_t h = check(ath_notify_create());
        keep(h);
        return (uint64_t)h;
    }
    case C_NOTIFY_SIGNAL:
        return (uint64_t)check(__ath_notify_signal(handle(s, c->a), (uint64_t)c->b << 32 | c->c));
    case C_NOTIFY_WAIT: /* at most 3 ms: a stuck wait is a grace test, not the point here */
        return (uint64_t)check(__ath_notify_wait(handle(s, c->a), (uint64_t)c->b << 32 | c->c,
                                                 (uint64_t)(c->c % 4) * 1000000,
                                                 (uint64_t *)(uintptr_t)ptr(s >> 1, c->b)));
    case C_CAP_DERIVE: {
        int64_t h = check(__ath_cap_derive(handle(s, c->a), c->b, c->c));
        keep(h);
        return (uint64_t)h;
    }
    case C_CAP_REVOKE:
        return (uint64_t)check(__ath_cap_revoke(handle(s, c->a)));
    case C_CAP_DELETE:
        return (uint64_t)check(__ath_cap_delete(handle(s, c->a)));
    case C_CAP_FIND: {
        int64_t h = check(__ath_cap_find(c->a % 14, c->b % 4));
        keep(h);
        return (uint64_t)h;
    }
    case C_CAP_INFO:
        return (uint64_t)check(__ath_cap_info(handle(s, c->a), (struct ath_cap_info *)(uintptr_t)ptr(s, c->b)));
    case C_CAP_DERIVE_RANGE: {
        int64_t h = check(__ath_cap_derive_range(handle(s, c->a), c->b, c->c, (uint64_t)c->b << 3));
        keep(h);
        return (uint64_t)h;
    }
    case C_REPLY_GRANT:
        return (uint64_t)check(__ath_reply_grant(handle(s, c->a)));
    case C_CALLER_NAME:
        return (uint64_t)check(__ath_caller_name((char *)(uintptr_t)ptr(s, c->a), len(s, c->b)));
    case C_SET_MSGBUF:
        return (uint64_t)check((s & 1) ? __ath_set_msgbuf((void *)(uintptr_t)ptr(s, c->a), len(s, c->b))
                                       : ath_set_msgbuf(msgbuf, sizeof msgbuf));
    case C_COMP_CTL: { /* only puppets are named: the run itself must go on */
        const char *name = fz_names[c->a % FZ_PUPPETS];
        return (uint64_t)check(__ath_comp_ctl(handle(s, c->b), name, (uint32_t)strlen(name), c->c % 10,
                                              c->b % 7));
    }
    case C_FD_WRITE: {
        __wasi_ciovec_t iov = { (const uint8_t *)(uintptr_t)ptr(s, c->a), len(s, c->b) % 64 };
        __wasi_size_t n;
        return (uint64_t)check_wasi(__wasi_fd_write(1 + (c->c & 1), (s & 0x80) ? &iov
                                                    : (const __wasi_ciovec_t *)(uintptr_t)ptr(s, c->c),
                                                    1 + c->c % 3, &n));
    }
    case C_CLOCK: {
        __wasi_timestamp_t t;
        return (uint64_t)check_wasi(__wasi_clock_time_get(c->a % 5, c->b, &t));
    }
    case C_RANDOM:
        return (uint64_t)check_wasi(__wasi_random_get((uint8_t *)(uintptr_t)ptr(s, c->a), len(s, c->b)));
    case C_SLEEP: {
        struct timespec ts = { 0, (long)(c->a % 3000) * 1000 };
        nanosleep(&ts, NULL);
        return 0;
    }
    case C_YIELD:
        return (uint64_t)check_wasi(__wasi_sched_yield());
    case C_EXIT: /* in a handler: the puppet stops as exited, the caller's call fails */
        exit((int)(c->a % 256));
    case C_TRAP:
        switch (c->a % 4) {
        case 0: __builtin_trap();
        case 1: return *(volatile uint32_t *)(uintptr_t)(0xfffffff0u - c->b % 16);
        case 2: return (uint64_t)(c->b / (volatile uint32_t){ 0 });
        default: return ((uint64_t (*)(void))(uintptr_t)(c->b % 64))();
        }
    case C_SPIN: { /* a few milliseconds of CPU: budgets and kills land mid-handler */
        uint64_t end = (ath_now_ns() / 1000000u) + c->a % 6;
        while ((ath_now_ns() / 1000000u) < end)
            sink++;
        return 0;
    }
    case C_RECURSE:
        return (uint64_t)recurse(-(int)(c->a % 2)); /* -1: returns at once; 0: off the stack */
    case C_GROW:
        return (uint64_t)__builtin_wasm_memory_grow(0, c->a % 5);
    case C_NEST: { /* hand the next `nested` commands to another puppet, which runs them there */
        unsigned k = nested < 15 ? nested : 15;
        int r = ath_call_msg(puppet(c->a), P_RUN, k, c + 1, (uint32_t)((k + 1) * sizeof *c) - sizeof *c, &v);
        return r ? (uint64_t)check(r) : v;
    }
    case C_SYS_MEM:
        return (uint64_t)check(__ath_sys_mem(handle(s, c->a), (struct ath_sys_mem *)(uintptr_t)ptr(s, c->b)));
    case C_SYS_FAULT:
        return (uint64_t)check(__ath_sys_fault(handle(s, c->a), c->b % 20,
                                               (struct ath_sys_fault *)(uintptr_t)ptr(s, c->c)));
    }
    return 0;
}

/* Run the commands at p (n bytes): the first, with the rest as its nested. */
static uint64_t run_buffer(const void *p, uint64_t n, uint64_t nested)
{
    if (n < sizeof(struct fz_cmd) || n > 16 * sizeof(struct fz_cmd))
        return (uint64_t)-1;
    struct fz_cmd cmds[16];
    memcpy(cmds, p, n);
    unsigned k = (unsigned)(n / sizeof(struct fz_cmd)) - 1;
    uint64_t r = run(&cmds[0], k < nested ? k : (unsigned)nested);
    return bad ? P_BAD_ANSWER : r;
}

ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    (void)badge;
    switch (op) {
    case P_RUN:
        return a1 <= sizeof msgbuf ? run_buffer(msgbuf, a1, a0) : (uint64_t)-1;
    case P_RUN_LENT:
        return run_buffer((const void *)(uintptr_t)a2, a1 < 256 ? a1 : 256, a0);
    case P_BAD:
        return bad;
    case P_PING:
        return a0 + 1;
    }
    return (uint64_t)-1;
}

/* A command of our own, from a small generator (xorshift). */
static struct fz_cmd own_command(uint64_t *x)
{
    *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
    struct fz_cmd c = { (uint8_t)(*x % C_HOSTCALLS), 0, 0, (uint8_t)(*x >> 8), (uint32_t)(*x >> 16) % 97,
                        (uint32_t)(*x >> 24) % 4099, (uint32_t)(*x >> 40) };
    if (c.op == C_EXIT || c.op == C_TRAP || c.op == C_RECURSE || c.op == C_NEST || c.op == C_SLEEP ||
        c.op == C_NOTIFY_WAIT || c.op == C_SPIN)
        c.op = C_YIELD; /* a start that always dies, or takes long, would only keep it from serving */
    return c;
}

int main(int argc, char **argv)
{
    ath_set_msgbuf(msgbuf, sizeof msgbuf);
    /* A burst of host calls on our own thread at every start, while the
     * driver's calls run in the other puppets' handlers; then serve. */
    uint64_t x = 0x9e3779b97f4a7c15ull + (uint64_t)argc + (uint64_t)(uint8_t)argv[0][2]; /* fp[abc]: each its own */
    for (int i = 0; i < 16; i++) {
        struct fz_cmd c = own_command(&x);
        run(&c, 0);
    }
    ath_serve();
    return 0;
}
