/* kv: a key/value server. Clients call it through an endpoint capability;
 * each call runs ath_handle on the caller's thread. The badge tells which
 * client calls (the kernel gives each client its own). */
#include <stdio.h>

#include <athanor.h>

enum { OP_NULL = 0, OP_PUT = 1, OP_GET = 2, OP_COUNT = 3, OP_CRASH = 4, OP_WHO = 5,
       OP_SUBSCRIBE = 6, OP_SIGSTATUS = 7, OP_SUM = 8, OP_SAVEWIN = 9, OP_READSAVED = 10,
       OP_WRITEWIN = 11, OP_TOUCH = 12, OP_SLOW = 13, OP_MSGSUM = 14 };
/* Where ath_call_msg messages land: 64 bytes, so a longer one is refused. */
static unsigned char msgbuf[64];
static volatile unsigned char *saved; /* a window address kept past its call (tests) */

/* A client may subscribe with a notification capability (passed in the
 * call); every PUT signals it. */
static ath_handle_t subscriber;
static int          last_signal = 1; /* status of the last signal; 1 = none sent */
#define SLOTS 64
#define NOT_FOUND 0xffffffffffffffffull

static struct {
    uint64_t key, value, owner;
    int      used;
} table[SLOTS];

/* Busy for about n iterations (OP_SLOW): out of line, so that its volatile
 * counter's shadow-stack frame is not taken on every call of ath_handle. */
static __attribute__((noinline)) void spin(uint64_t n)
{
    volatile uint64_t i = 0;
    while (i < n)
        i++;
}

/* Every operation but the null one. */
static __attribute__((noinline)) uint64_t handle_op(uint64_t badge, uint64_t op, uint64_t a0,
                                                    uint64_t a1, uint64_t a2)
{
    switch (op) {
    case OP_PUT:
        for (int i = 0; i < SLOTS; i++)
            if (!table[i].used || table[i].key == a0) {
                table[i].key = a0;
                table[i].value = a1;
                table[i].owner = badge;
                table[i].used = 1;
                if (subscriber > 0)
                    last_signal = ath_notify_signal(subscriber, 1);
                return 0;
            }
        return NOT_FOUND;
    case OP_GET:
        for (int i = 0; i < SLOTS; i++)
            if (table[i].used && table[i].key == a0)
                return table[i].value;
        return NOT_FOUND;
    case OP_COUNT: {
        uint64_t n = 0;
        for (int i = 0; i < SLOTS; i++)
            n += table[i].used;
        return n;
    }
    case OP_CRASH:
        __builtin_trap(); /* for tests: a server that fails during a call */
    case OP_WHO:
        return badge;
    case OP_SUBSCRIBE:
        subscriber = (ath_handle_t)a2; /* the kernel put our handle to the passed capability here */
        return 0;
    case OP_SIGSTATUS:
        return (uint64_t)(int64_t)last_signal;
    case OP_SUM: { /* sum of a lent or transferred buffer: a1 bytes at a2 */
        const volatile unsigned char *p = (const volatile unsigned char *)(uintptr_t)a2;
        uint64_t sum = 0;
        for (uint64_t i = 0; i < a1; i++)
            sum += p[i];
        return sum;
    }
    case OP_SLOW: /* busy for about a0 iterations: keeps the endpoint taken (tests) */
        spin(a0);
        return badge;
    case OP_MSGSUM: { /* a weighted sum of the a1-byte message in msgbuf */
        uint64_t sum = 0;
        for (uint64_t i = 0; i < a1 && i < sizeof msgbuf; i++)
            sum += (i + 1) * msgbuf[i];
        return sum;
    }
    case OP_TOUCH: /* read the first byte of a lend (the benchmark) */
        return ((const volatile unsigned char *)(uintptr_t)a2)[0];
    case OP_SAVEWIN:
        saved = (volatile unsigned char *)(uintptr_t)a2;
        return 0;
    case OP_READSAVED:
        return saved[0]; /* traps if the memory there is no longer ours */
    case OP_WRITEWIN:
        ((volatile unsigned char *)(uintptr_t)a2)[0] = 0x5a; /* traps if lent read-only */
        return 0;
    default:
        return NOT_FOUND;
    }
}

ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    /* The null call (the IPC benchmark's) answered before anything else: a
     * switch that includes it makes every call pay for the registers and
     * the jump table of the others. */
    if (op == OP_NULL)
        return 0;
    return handle_op(badge, op, a0, a1, a2);
}

int main(void)
{
    if (ath_set_msgbuf(msgbuf, sizeof msgbuf) != 0)
        return 1;
    printf("kv: serving\n");
    return ath_serve();
}
