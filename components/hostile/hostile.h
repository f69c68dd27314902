/* The adversarial suite's shared operations (components/hostile): a server
 * whose handler misbehaves on request, a peer it calls, and clients that
 * attack through it. The in-kernel tests (kernel/ktest/test_isolation.c)
 * drive them and check that only the attacker is harmed. */
#ifndef HOSTILE_H
#define HOSTILE_H

enum hostile_op {
    H_PING = 1,      /* returns a0 + 1 and counts the call */
    H_EXIT,          /* proc_exit(a0) inside the handler */
    H_SPIN,          /* loop forever in wasm code, no host call */
    H_BLOCK,         /* wait forever on a notification nobody signals */
    H_TRAP,          /* unreachable */
    H_SELFCALL,      /* call our own endpoint from the handler: EDEADLK */
    H_NEST,          /* call hpeer with op a0, argument a1 */
    H_RECURSE,       /* recurse on the native stack until it runs out */
    H_COMPUTE,       /* busy for a0 ms of CPU, then return the call count */
    H_COUNT,         /* calls handled by this instance */
    H_KEEP,          /* keep the capability passed in a2 (call_grant) */
    H_WAITKEPT,      /* wait up to a0 ms on the kept notification: its bits, or the error */
    H_NOTIFY,        /* create a notification (our own ops still work?) */
    H_SLEEP,         /* sleep a0 ms, then return */
    H_BIGFRAME,      /* (bigframe) run the a0-th big-frame function a1 deep */
};

#endif
