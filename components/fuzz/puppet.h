/* The stateful fuzzer's puppets (fpa, fpb, fpc: this code under three
 * manifest entries) and its command format, shared with the driver
 * (fuzzdrv). A command is 16 bytes; a puppet runs it in its handler (on
 * the caller's thread) or queues it for its own thread. Every host call a
 * command makes must answer with a result or an error code of errors.h (or
 * a WASI errno): anything else is counted as a bad answer, which the
 * driver turns into a failed run. docs/testing.md: fuzzing. */
#ifndef PUPPET_H
#define PUPPET_H

#include <stdint.h>

struct fz_cmd {
    uint8_t  op;     /* see below */
    uint8_t  target; /* puppet 0-2 (fpa, fpb, fpc) */
    uint8_t  flags;  /* bit 0: lend the commands instead of sending them; bits 1-3: nested commands */
    uint8_t  sel;    /* picks handles, pointers and variants */
    uint32_t a, b, c;
};
_Static_assert(sizeof(struct fz_cmd) == 16, "commands are 16 bytes");

/* Handler ops (the puppet's ath_handle). */
enum { P_RUN = 1,      /* the message is one command plus a0 nested ones: run it here */
       P_RUN_LENT = 2, /* the same, in a lent page (a1 bytes at a2) */
       P_BAD = 3,      /* -> bad answers seen by this instance */
       P_PING = 4 };

/* Command ops below FZ_LIFECYCLE are host calls a puppet makes; the rest
 * the driver performs itself. */
enum {
    C_CALL, C_CALL_GRANT, C_CALL_MSG, C_CALL_LEND, C_LOOKUP, C_NOTIFY_CREATE, C_NOTIFY_SIGNAL,
    C_NOTIFY_WAIT, C_CAP_DERIVE, C_CAP_REVOKE, C_CAP_DELETE, C_CAP_FIND, C_CAP_INFO,
    C_CAP_DERIVE_RANGE, C_REPLY_GRANT, C_CALLER_NAME, C_SET_MSGBUF, C_COMP_CTL, C_FD_WRITE,
    C_CLOCK, C_RANDOM, C_SLEEP, C_YIELD, C_EXIT, C_TRAP, C_SPIN, C_RECURSE, C_GROW, C_NEST,
    C_TRANSFER, C_SYS_MEM, C_SYS_FAULT,
    C_HOSTCALLS,
    FZ_LIFECYCLE = 64, /* the driver: 64 kill, 65 start, 66 restart, 67 reset, 68 inject, 69 recover, 70 sleep */
};

#define FZ_PUPPETS 3
static const char *const fz_names[FZ_PUPPETS] = { "fpa", "fpb", "fpc" };
#define P_BAD_ANSWER 0xbadbadbadull /* a handler result that means "a host call answered nonsense" */

#endif
