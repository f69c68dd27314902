/* The component SDK: typed wrappers for Athanor's own imports (module
 * "athanor"), for components written in C (clang --target=wasm32-wasi).
 *
 * Client:  ath_handle_t kv = ath_lookup("kv");          // allowed by the manifest's calls
 *          uint64_t v; int r = ath_call(kv, OP, a, b, c, &v);
 * Server:  ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op,
 *                                          uint64_t a0, uint64_t a1, uint64_t a2) { ... }
 *          int main(void) { ...; ath_serve(); }
 * A call runs the server's handler on the caller's thread; results and
 * errors are the kernel's (athanor/errors.h, negated). */
#ifndef ATHANOR_SDK_H
#define ATHANOR_SDK_H

#include <stdint.h>
#include <string.h>

#include <athanor/errors.h>

typedef int32_t ath_handle_t; /* a capability handle, or a negative error */

#define ATH_IMPORT(name) __attribute__((import_module("athanor"), import_name(name)))
#define ATH_HANDLER      __attribute__((export_name("ath_handle")))

ATH_IMPORT("call") int32_t __ath_call(uint32_t h, uint64_t op, uint64_t a0, uint64_t a1,
                                      uint64_t a2, uint64_t *result);
ATH_IMPORT("serve") int32_t __ath_serve(void);
ATH_IMPORT("lookup") int32_t __ath_lookup(const char *name, uint32_t len);

/* An endpoint capability to a server (fresh each time: after the server
 * restarted, old handles answer -ATH_EPEERRESTARTED until looked up again). */
static inline ath_handle_t ath_lookup(const char *server)
{
    return __ath_lookup(server, (uint32_t)strlen(server));
}

/* 0 and *result, or a negative error: -ATH_EBADHANDLE/-ATH_ESTALE/-ATH_EWRONGTYPE/
 * -ATH_EPERM (capability), -ATH_EPEERFAILED (the server trapped or stopped),
 * -ATH_EPEERRESTARTED, -ATH_ETIMEDOUT (server busy too long). */
static inline int ath_call(ath_handle_t h, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2,
                           uint64_t *result)
{
    return __ath_call((uint32_t)h, op, a0, a1, a2, result);
}

/* Park the server's own thread: from now on calls run its handler. Returns
 * only if the component is being stopped. */
static inline int ath_serve(void)
{
    return __ath_serve();
}

#endif
