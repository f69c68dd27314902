/* Synchronous IPC between components (kernel/ipc): the caller's thread runs
 * the server's exported handler (a migrating thread, as in LRPC), after the
 * capability check; small messages travel as arguments. */
#ifndef ATHANOR_IPC_H
#define ATHANOR_IPC_H

#include <athanor/component.h>

/* Errors a call returns besides the capability ones (errors.h):
 * -ATH_EPEERFAILED: the server trapped or was killed during the call;
 * -ATH_EPEERRESTARTED: the server restarted since this handle was made. */

/* What a call needs above the server's stack limit to be worth starting: the
 * handler's first frames. Less, and the call fails with -ATH_ESTACK for the
 * caller (whose nesting used the stack up), before the server runs. */
#define CALL_MIN_STACK (8 * 1024)

struct ipc_msg {
    uint64_t op, a0, a1, a2;
};

/* Call through endpoint handle h of caller's table; *result gets the
 * handler's return value. timeout_ns bounds the wait for a busy server. */
int ipc_call(struct component *caller, cap_handle_t h, const struct ipc_msg *m,
             uint64_t timeout_ns, uint64_t *result);
/* The same, given the current thread (the host-call path has it already). */
int ipc_call_on(struct thread *t, struct component *caller, cap_handle_t h,
                const struct ipc_msg *m, uint64_t timeout_ns, uint64_t *result);
/* A call that also grants capability `give` of the caller's table (grant
 * right needed) to the server; the server's new handle arrives as a2. */
int ipc_call_grant(struct component *caller, cap_handle_t h, uint64_t op, uint64_t a0,
                   uint64_t a1, cap_handle_t give, uint64_t timeout_ns, uint64_t *result);
/* A call carrying a message of up to IPC_MSG_MAX bytes: copied (the only
 * copy) into the buffer the server registered with ipc_set_msgbuf, then the
 * handler runs with a1 = len. msg is a kernel pointer into the caller's
 * memory, already checked. -ATH_EMSGSIZE if the server's buffer is smaller
 * or missing. */
#define IPC_MSG_MAX ATH_MSG_MAX
int ipc_call_msg(struct thread *t, struct component *caller, cap_handle_t h, uint64_t op,
                 uint64_t a0, const void *msg, uint32_t len, uint64_t timeout_ns,
                 uint64_t *result);
/* The server's message buffer: [off, off + len) of its own memory (checked
 * now and again at each call), len <= IPC_MSG_MAX. */
int ipc_set_msgbuf(struct component *srv, uint32_t off, uint32_t len);
/* Where lent and transferred memory appears in a server's linear memory:
 * above anything a memory may grow to (the manifest caps quotas at 3 GiB).
 * The last part of the top GiB holds a driver's DMA buffers (hw.h). */
#define IPC_LEND_WINDOW     ATH_LEND_WINDOW   /* one lend at a time: [window, window + len) */
#define IPC_LEND_MAX        ATH_LEND_MAX
#define IPC_TRANSFER_AREA   ATH_TRANSFER_AREA /* transfers, kept after the call */
#define IPC_TRANSFER_END    ATH_TRANSFER_END
#define HW_DMA_WINDOW       ATH_DMA_WINDOW    /* DMA buffers, up to HW_DMA_END */
#define HW_DMA_END          ATH_DMA_END

/* A call that lends [ptr, ptr+len) of the caller's memory (page aligned) to
 * the server for its duration, read-only or read-write: the server finds it
 * at a2 = IPC_LEND_WINDOW, a1 = len; it is taken back when the call ends
 * (also when the server traps). transfer: the pages move to the server for
 * good (a2 = where) and the caller loses them. No byte is copied. */
int ipc_call_lend(struct component *caller, cap_handle_t h, uint64_t op, uint64_t a0,
                  uint32_t ptr, uint32_t len, bool writable, bool transfer, uint64_t timeout_ns,
                  uint64_t *result);
/* A fresh endpoint capability to `server_name`, if caller's manifest lists
 * it under calls. */
int ipc_lookup(struct component *caller, const char *server_name, cap_handle_t *out);
/* Give a starting component the endpoint capabilities its manifest lists. */
void ipc_grant_manifest(struct component *c);
/* Wait until no call runs in c's handler (before its instance is freed). */
void ipc_drain(struct component *c);

#endif
