/* The component SDK: typed wrappers for Athanor's own imports (module
 * "athanor"), for components written in C (clang --target=wasm32-wasi).
 *
 * Client:  ath_handle_t kv = ath_lookup("kv");          // allowed by the manifest's calls
 *          uint64_t v; int r = ath_call(kv, OP, a, b, c, &v);
 * Server:  ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op,
 *                                          uint64_t a0, uint64_t a1, uint64_t a2) { ... }
 *          int main(void) { ...; ath_serve(); }
 * A call runs the server's handler on the caller's thread; results and
 * errors are the kernel's (athanor/abi/errors.def, negated). Every number
 * and struct that crosses the boundary is in athanor/abi.h (docs/abi.md). */
#ifndef ATHANOR_SDK_H
#define ATHANOR_SDK_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <athanor/abi.h>
#include <athanor/abi/imports.h>

typedef int32_t ath_handle_t; /* a capability handle, or a negative error */

#define ATH_HANDLER __attribute__((export_name("ath_handle")))

/* The raw imports, __ath_<name>, one per row of the ABI's table
 * (athanor/abi/imports.def; docs/abi.md). The wrappers below are the API. */
#if defined(__wasm__)
#define ATH_IMPORT_ATTR_(name) __attribute__((import_module("athanor"), import_name(#name)))
#else
#define ATH_IMPORT_ATTR_(name)
#endif
#define ATH_SDK_PARAM_(type, name) ATH_CT_##type name
#define ATH_IMPORT(name, result, n, params, file, what, errors) \
    ATH_IMPORT_ATTR_(name) ATH_CT_##result __ath_##name(ATH_IMPORT_PARAMS(n, ATH_SDK_PARAM_, params));
#include <athanor/abi/imports.def>
#undef ATH_IMPORT

/* An endpoint capability to a server (fresh each time: after the server
 * restarted, old handles answer -ATH_EPEERRESTARTED until looked up again). */
static inline ath_handle_t ath_lookup(const char *server)
{
    return __ath_lookup(server, (uint32_t)strlen(server));
}

/* 0 and *result, or a negative error: -ATH_EBADHANDLE/-ATH_ESTALE/-ATH_EWRONGTYPE/
 * -ATH_EPERM (capability), -ATH_EPEERFAILED (the server trapped, exited, was
 * stopped or reset during the call), -ATH_EPEERRESTARTED, -ATH_ETIMEDOUT
 * (server busy too long), -ATH_EDEADLK (the server is already serving this
 * thread's call further down: it would wait for itself), -ATH_ESTACK (too
 * little native stack left for the server's handler: we are nested too
 * deep), -ATH_EFAULT (a page of the message or buffer is not there). */
static inline int ath_call(ath_handle_t h, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2,
                           uint64_t *result)
{
    /* The result in a register (call_ret); call_error only for the one
     * value that may be a failure. */
    uint64_t r = __ath_call_ret((uint32_t)h, op, a0, a1, a2);
    if (__builtin_expect(r == ATH_CALL_FAILED, 0)) {
        int e = __ath_call_error();
        if (e)
            return e;
    }
    *result = r;
    return 0;
}

/* A call that also hands the server capability `give` (it needs the grant
 * right); the server receives its own handle to it as a2. */
static inline int ath_call_grant(ath_handle_t h, uint64_t op, uint64_t a0, uint64_t a1,
                                 ath_handle_t give, uint64_t *result)
{
    return __ath_call_grant((uint32_t)h, op, a0, a1, (uint32_t)give, result);
}

/* A call with a message of up to ATH_MSG_MAX bytes, copied once into the
 * server's message buffer (the handler gets its length as a1).
 * -ATH_EMSGSIZE if the server registered a smaller buffer or none. */
static inline int ath_call_msg(ath_handle_t h, uint64_t op, uint64_t a0, const void *msg,
                               uint32_t len, uint64_t *result)
{
    return __ath_call_msg((uint32_t)h, op, a0, msg, len, result);
}
/* Server: where messages from ath_call_msg land (before ath_serve); up to
 * ATH_MSGBUF_MAX bytes, as the kernel's own calls (the WASI file calls) may
 * bring more than a component's ATH_MSG_MAX. */
static inline int ath_set_msgbuf(void *buf, uint32_t len)
{
    return __ath_set_msgbuf(buf, len);
}

/* Zero copy. Lend the page-aligned range [buf, buf+len) to the server for
 * this call (it sees it at a2, length a1; read-only unless ATH_LEND_RW);
 * it is ours again when the call returns. Transfer: the pages become the
 * server's (a2 says where) and are gone from our memory. */
static inline int ath_call_lend(ath_handle_t h, uint64_t op, uint64_t a0, void *buf, uint32_t len,
                                uint32_t mode, uint64_t *result)
{
    return __ath_call_lend((uint32_t)h, op, a0, (uint32_t)(uintptr_t)buf, len, mode, result);
}
static inline int ath_transfer(ath_handle_t h, uint64_t op, uint64_t a0, void *buf, uint32_t len,
                               uint64_t *result)
{
    return __ath_call_lend((uint32_t)h, op, a0, (uint32_t)(uintptr_t)buf, len, ATH_LEND_TRANSFER, result);
}

/* Notifications: a 64-bit mask to signal (OR in bits) and wait on. */
static inline ath_handle_t ath_notify_create(void) { return __ath_notify_create(); }
static inline int ath_notify_signal(ath_handle_t n, uint64_t bits)
{
    return __ath_notify_signal((uint32_t)n, bits);
}
/* Wait until a bit of mask is set (taken and returned in *bits) or the
 * timeout passes (*bits = 0). */
static inline int ath_notify_wait(ath_handle_t n, uint64_t mask, uint64_t timeout_ns, uint64_t *bits)
{
    return __ath_notify_wait((uint32_t)n, mask, timeout_ns, bits);
}

/* A weaker copy (rights a subset, optional badge), revocation of every copy
 * made from h (in every component), deletion. */
static inline ath_handle_t ath_cap_derive(ath_handle_t h, uint32_t rights, uint64_t badge)
{
    return __ath_cap_derive((uint32_t)h, rights, badge);
}
static inline int ath_cap_revoke(ath_handle_t h) { return __ath_cap_revoke((uint32_t)h); }
static inline int ath_cap_delete(ath_handle_t h) { return __ath_cap_delete((uint32_t)h); }

/* After -ATH_EPEERRESTARTED: the server is a new instance, so the old
 * endpoint capability is dropped and the server looked up again. */
static inline void ath_reconnect(ath_handle_t *h, const char *server)
{
    ath_cap_delete(*h);
    *h = ath_lookup(server);
}

/* The n-th (from 0) capability of a type in our own table, in the order the
 * manifest granted them; -ATH_ENOENT if there is none. */
static inline ath_handle_t ath_cap_find(enum ath_cap_type type, unsigned n)
{
    return __ath_cap_find((uint32_t)type, n);
}

/* Drivers: port I/O through an I/O-port capability (read right for in,
 * write right for out). A port outside its range is refused (-ATH_ERANGE),
 * counted and reported by the kernel. */
static inline int ath_inb(ath_handle_t io, uint16_t port, uint8_t *v)
{
    uint32_t x = 0;
    int r = __ath_io_in((uint32_t)io, port, 1, &x);
    *v = (uint8_t)x;
    return r;
}
static inline int ath_inw(ath_handle_t io, uint16_t port, uint16_t *v)
{
    uint32_t x = 0;
    int r = __ath_io_in((uint32_t)io, port, 2, &x);
    *v = (uint16_t)x;
    return r;
}
static inline int ath_inl(ath_handle_t io, uint16_t port, uint32_t *v)
{
    return __ath_io_in((uint32_t)io, port, 4, v);
}
static inline int ath_outb(ath_handle_t io, uint16_t port, uint8_t v)
{
    return __ath_io_out((uint32_t)io, port, 1, v);
}
static inline int ath_outw(ath_handle_t io, uint16_t port, uint16_t v)
{
    return __ath_io_out((uint32_t)io, port, 2, v);
}
static inline int ath_outl(ath_handle_t io, uint16_t port, uint32_t v)
{
    return __ath_io_out((uint32_t)io, port, 4, v);
}

/* Interrupts: bind an IRQ capability to a notification (each interrupt
 * sets `bits` there), wait on the notification, serve the device, then
 * acknowledge: the line stays masked until then. -ATH_ENOSYS where the
 * platform delivers no such line (hosted). */
static inline int ath_irq_bind(ath_handle_t irq, ath_handle_t n, uint64_t bits)
{
    return __ath_irq_bind((uint32_t)irq, (uint32_t)n, bits);
}
static inline int ath_irq_ack(ath_handle_t irq) { return __ath_irq_ack((uint32_t)irq); }

/* MMIO through a capability to device memory: exact-width accesses at an
 * offset of the capability's range (checked; -ATH_ERANGE outside). */
static inline int ath_mmio_read32(ath_handle_t m, uint64_t off, uint32_t *v)
{
    uint64_t x = 0;
    int r = __ath_mmio_read((uint32_t)m, off, 4, &x);
    *v = (uint32_t)x;
    return r;
}
static inline int ath_mmio_read(ath_handle_t m, uint64_t off, unsigned width, uint64_t *v)
{
    return __ath_mmio_read((uint32_t)m, off, width, v);
}
static inline int ath_mmio_write(ath_handle_t m, uint64_t off, unsigned width, uint64_t v)
{
    return __ath_mmio_write((uint32_t)m, off, width, v);
}
static inline int ath_mmio_write_block(ath_handle_t m, uint64_t off, const void *src, uint32_t len)
{
    return __ath_mmio_write_block((uint32_t)m, off, src, len);
}

/* DMA: zeroed, physically contiguous memory for a device (len a multiple of
 * 4 KiB, within the driver's quota); *buf is where we see it, *phys what the
 * device is told. ath_dma_phys: the device address behind a byte of our own
 * memory (a buffer lent to us stays put for the call). */
static inline int ath_dma_alloc(ath_handle_t dma, uint32_t len, void **buf, uint64_t *phys)
{
    uint32_t where = 0;
    int r = __ath_dma_alloc((uint32_t)dma, len, &where, phys);
    *buf = (void *)(uintptr_t)where;
    return r;
}
static inline int ath_dma_phys(ath_handle_t dma, const void *p, uint64_t *phys)
{
    return __ath_dma_phys((uint32_t)dma, (uint32_t)(uintptr_t)p, phys);
}

/* A copy of a range capability (I/O ports, MMIO, DMA quota) covering
 * [off, off + len) of it. */
static inline ath_handle_t ath_cap_derive_range(ath_handle_t h, uint32_t rights, uint64_t off,
                                                uint64_t len)
{
    return __ath_cap_derive_range((uint32_t)h, rights, off, len);
}
/* What capability h of our own table is: type, rights, and for range types
 * (I/O ports, MMIO, DMA quota) what it covers; an IRQ's line in base. */
static inline int ath_cap_info(ath_handle_t h, struct ath_cap_info *out)
{
    return __ath_cap_info((uint32_t)h, out);
}
/* Component control through a component capability (the manifest's
 * "manage"): start, kill, restart, reset, inject a fault, or read the
 * state (ATH_STATE_PACK: ATH_STATE_STATE/GENERATION/RESTARTS take it
 * apart) or the restart policy (ATH_POLICY_PACK). Result >= 0 or -ATH_E*. */
static inline int64_t ath_comp_ctl(ath_handle_t manage, const char *name, enum ath_comp_op op,
                                   uint64_t arg)
{
    return __ath_comp_ctl((uint32_t)manage, name, (uint32_t)strlen(name), (uint32_t)op, arg);
}

/* Start a component with arguments (space-separated, at most ATH_ARGS_MAX
 * bytes; ATH_COMP_START gives it the manifest's). */
/* Load a package (its bytes) and start it as a new component with what
 * spec grants (athanor/abi/app.h); the new component's index, or an error
 * (the kernel says on the console why a package is refused). */
static inline int ath_app_start(ath_handle_t manage, const void *pkg, uint32_t len,
                                const struct ath_app_spec *spec)
{
    return __ath_app_start((uint32_t)manage, pkg, len, spec, spec->size);
}

/* Replace the code of the component `name` by a package's (its bytes):
 * it restarts on the new code in a new generation. 0 or an error (the
 * kernel says on the console why a package is refused). */
static inline int ath_app_update(ath_handle_t manage, const char *name, const void *pkg, uint32_t len)
{
    return __ath_app_update((uint32_t)manage, name, (uint32_t)strlen(name), pkg, len);
}

/* Pass input to the console, which programs read as their fd 0 (a shell
 * passing on what is typed): how many bytes went in (flags: ATH_FEED_*). */
static inline int ath_console_feed(ath_handle_t manage, const void *buf, uint32_t len, uint32_t flags)
{
    return __ath_console_feed((uint32_t)manage, buf, len, flags);
}

static inline int ath_comp_start(ath_handle_t manage, const char *name, const char *args)
{
    return __ath_comp_start((uint32_t)manage, name, (uint32_t)strlen(name), args, (uint32_t)strlen(args));
}

/* The name of the index-th component of the system (needs "manage");
 * -ATH_ENOENT past the last. */
static inline int ath_comp_name(ath_handle_t manage, unsigned index, char *buf, unsigned len)
{
    return __ath_comp_name((uint32_t)manage, index, buf, len);
}

/* System introspection for a shell (needs "manage"): memory, the i-th most
 * recent fault report, the i-th capability of a component (-ATH_ENOENT
 * past the last). */
static inline int ath_sys_mem(ath_handle_t manage, struct ath_sys_mem *out)
{
    return __ath_sys_mem((uint32_t)manage, out);
}
static inline int ath_sys_fault(ath_handle_t manage, unsigned i, struct ath_sys_fault *out)
{
    return __ath_sys_fault((uint32_t)manage, i, out);
}
static inline int ath_sys_cap(ath_handle_t manage, const char *name, unsigned i, struct ath_sys_cap *out)
{
    return __ath_sys_cap((uint32_t)manage, name, (uint32_t)strlen(name), i, out);
}

/* Become the supervisor: from now on, each time a component stops, `bits`
 * are set in notification n and the kernel leaves the restart decision to
 * us (ATH_COMP_RECOVER). -ATH_EBUSY if another component supervises. */
static inline int ath_sys_watch(ath_handle_t manage, ath_handle_t n, uint64_t bits)
{
    return __ath_sys_watch((uint32_t)manage, (uint32_t)n, bits);
}

/* Power the machine off (ATH_POWER_OFF) or reboot it (ATH_POWER_REBOOT):
 * needs "manage". Returns only
 * on error. */
static inline int ath_power(ath_handle_t manage, int op) { return __ath_power((uint32_t)manage, (uint32_t)op); }

/* The console's output (kernel messages, every component's stdout and
 * stderr) through a log capability (the manifest's "log"): up to len bytes
 * (at most ATH_LOG_CHUNK) from position *pos, which moves past them; the
 * number of bytes, or a negative error. Positions count bytes from boot:
 * 0 is the oldest still kept, ATH_LOG_END from now on. The kernel keeps
 * the last 16 KiB; a reader that fell further behind gets the oldest kept
 * and *lost says how many it missed (0 otherwise). When there is nothing
 * new and note is a notification (write right), `bits` are set in it at
 * the next output, once: read until 0, then wait on it. Without a log
 * capability: -ATH_EBADHANDLE (no such handle) or -ATH_EWRONGTYPE (a handle
 * to something else). */
static inline int ath_log_read(ath_handle_t log, uint64_t *pos, void *buf, uint32_t len, ath_handle_t note,
                               uint64_t bits, uint64_t *lost)
{
    uint64_t from = *pos;
    int r = __ath_log_read((uint32_t)log, pos, buf, len, note > 0 ? (uint32_t)note : 0, bits);
    if (lost)
        *lost = r >= 0 && *pos - (uint64_t)r > from ? *pos - (uint64_t)r - from : 0;
    return r;
}

/* Inside ath_handle only: the name of the component whose call this is. */
static inline int ath_caller_name(char *buf, unsigned len) { return __ath_caller_name(buf, len); }

/* Inside ath_handle only: the network rules the caller's starter gave it
 * (none for a component of the manifest): how many, up to max of them in out. */
static inline int ath_caller_net(struct ath_net_rule *out, unsigned max) { return __ath_caller_net(out, max); }

/* Inside ath_handle only: is the caller the component `name`? (The kernel
 * names the caller: no component can choose what it answers.) */
static inline bool ath_caller_is(const char *name)
{
    char buf[ATH_NAME_MAX];
    return ath_caller_name(buf, sizeof buf) > 0 && strcmp(buf, name) == 0;
}

/* The monotonic clock in nanoseconds (WASI's, so as precise as the
 * caller's clock capability: 100 µs steps without the precise right); 0
 * without a clock. For components only: a host compile of this header in
 * strict C11 (tests/hosted/abi.sh) has no clock_gettime. */
#ifdef __wasm__
static inline uint64_t ath_now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
#endif

/* Inside ath_handle only: give the caller a copy of capability h (grant
 * right needed); returns the caller's handle to it, for the reply. */
static inline ath_handle_t ath_reply_grant(ath_handle_t h) { return __ath_reply_grant((uint32_t)h); }

/* The name of an error code ("EPERM"; e or -e), from the one table
 * (athanor/abi/errors.def). */
static inline const char *ath_strerror(int e)
{
    static const char *const names[] = {
#define ATH_ERROR(name, num, what) [num] = #name,
#include <athanor/abi/errors.def>
#undef ATH_ERROR
    };
    unsigned u = e < 0 ? (unsigned)-e : (unsigned)e;
    return u < sizeof names / sizeof *names && names[u] ? names[u] : "E?";
}

/* What a trap kind (enum ath_trap: a fault report's, a stop's) means, as
 * the shell and the status page print it. */
static inline const char *ath_trap_name(unsigned kind)
{
    static const char *const kinds[ATH_TRAP_COUNT] = {
        [ATH_TRAP_NONE] = "none", [ATH_TRAP_OOB] = "out-of-bounds memory access",
        [ATH_TRAP_OVERFLOW] = "integer overflow", [ATH_TRAP_DIVZERO] = "integer divide by zero",
        [ATH_TRAP_CONVERSION] = "invalid conversion to integer",
        [ATH_TRAP_UNREACHABLE] = "unreachable executed", [ATH_TRAP_INDIRECT] = "invalid indirect call",
        [ATH_TRAP_STACK] = "call stack exhausted", [ATH_TRAP_WATCHDOG] = "CPU budget exceeded (watchdog)",
        [ATH_TRAP_MEMORY_QUOTA] = "memory quota exceeded", [ATH_TRAP_KILLED] = "killed",
        [ATH_TRAP_RESET] = "reset", [ATH_TRAP_EXIT] = "exited inside a call",
        [ATH_TRAP_HUNG] = "a call's handler did not return after its caller stopped" };
    return kind < ATH_TRAP_COUNT && kinds[kind] ? kinds[kind] : "?";
}

/* Drivers answer ATH_OP_PROBE (tests): they try hardware they were not
 * given, each attempt of which the kernel must refuse and report:
 * refused | tried << 32. */
#define ATH_OP_PROBE 99
static inline uint64_t ath_probe_outside(void)
{
    ath_handle_t con = ath_cap_find(ATH_T_CONSOLE, 0), io = ath_cap_find(ATH_T_IOPORT, 0);
    uint8_t b;
    uint64_t v;
    void *p;
    unsigned tried = 0, refused = 0;
    tried++, refused += __ath_io_in(0, 0x2f8, 1, (uint32_t *)&v) == -ATH_EBADHANDLE;   /* no handle */
    tried++, refused += (io >= 0 ? ath_inb(io, 0x2f8, &b) == -ATH_ERANGE               /* COM2: not ours */
                                 : ath_inb(con, 0x2f8, &b) == -ATH_EWRONGTYPE);
    tried++, refused += ath_mmio_read(con, 0, 4, &v) == -ATH_EWRONGTYPE;               /* no memory */
    tried++, refused += ath_irq_ack(0x7fff) == -ATH_EBADHANDLE;                         /* a guessed line */
    tried++, refused += ath_dma_alloc(con, 4096, &p, &v) == -ATH_EWRONGTYPE;           /* no DMA */
    return refused | (uint64_t)tried << 32;
}

/* Set the wall clock (a clock capability with the write right: the RTC
 * driver's "realtime"); WASI's CLOCK_REALTIME reads it from then on. */
static inline int ath_clock_set(ath_handle_t clock, uint64_t unix_ns)
{
    return __ath_clock_set((uint32_t)clock, unix_ns);
}

/* Park the server's own thread: from now on calls run its handler. Returns
 * only if the component is being stopped. */
static inline int ath_serve(void)
{
    return __ath_serve();
}

/* Serve, and handle our own events too: whenever a bit of mask is set in
 * notification n (an interrupt, a signal) or timeout_ns passes, the kernel
 * runs ath_handle on our own thread with badge 0 (no client's call carries
 * it) and op ATH_OP_EVENT, a0 = the bits taken (0: the timeout); what it
 * returns is the next timeout (ATH_NO_TIMEOUT: none). Events and calls
 * never overlap. Returns only if we are stopped, n dies, or the handler
 * failed. */
#define ATH_NO_TIMEOUT UINT64_MAX
static inline int ath_serve_wait(ath_handle_t n, uint64_t mask, uint64_t timeout_ns)
{
    return __ath_serve_wait((uint32_t)n, mask, timeout_ns);
}

/* A capability to our own endpoint (call, derive, grant), to derive badged
 * copies from and hand them out (ath_reply_grant, ath_call_grant):
 * revoking such a copy cuts whoever holds it off. */
static inline ath_handle_t ath_self_endpoint(void) { return __ath_self_endpoint(); }

/* Hear of every other component's stop or reset: bits set in notification n
 * (needs "manage"; a few components may listen, -ATH_EBUSY past that). */
static inline int ath_sys_listen(ath_handle_t manage, ath_handle_t n, uint64_t bits)
{
    return __ath_sys_listen((uint32_t)manage, (uint32_t)n, bits);
}

#endif
