/* Capabilities: per-component tables of unforgeable handles to kernel
 * objects, with rights, badges, and a derivation tree so that revoking a
 * capability reaches every copy derived from it, in every table.
 *
 * A handle is (generation << CAP_INDEX_BITS) | index, with a 15-bit
 * generation, so a handle is always below 2^31 (never negative as the i32 the
 * ABI returns). Slot 0 is never used, so handle 0 is always invalid. Freeing a
 * slot bumps its generation: a handle kept from before fails with
 * -ATH_ESTALE; a slot whose generation would wrap is retired instead (never
 * reused while the component runs), so a handle never names a later object, a handle to an empty or
 * out-of-range slot with -ATH_EBADHANDLE, one of the wrong kind with
 * -ATH_EWRONGTYPE, one lacking rights with -ATH_EPERM.
 *
 * Locking: one cap_lock (irqsave) guards every change to the tables and
 * the derivation tree, since derivation links cross tables. cap_lookup (the
 * check on every call) takes no lock: a slot's generation works as a
 * sequence count (see cap.c), so a lookup racing a revoke either completes
 * before it or fails. */
#ifndef ATHANOR_CAP_H
#define ATHANOR_CAP_H

#include <athanor/abi/consts.h>
#include <athanor/errors.h>
#include <athanor/list.h>
#include <athanor/platform.h>
#include <athanor/types.h>

typedef uint32_t cap_handle_t;
#define CAP_INDEX_BITS ATH_HANDLE_INDEX_BITS
#define CAP_MAX_SLOTS  (1u << CAP_INDEX_BITS)
#define CAP_NULL       0u
#define CAP_GEN_MAX    ATH_HANDLE_GEN_MAX /* generations 1..CAP_GEN_MAX; 0 marks a retired slot */

enum cap_type { /* the ABI's (athanor/abi/consts.h), under the kernel's names */
    CAP_T_NONE         = ATH_T_NONE, /* an empty slot */
    CAP_T_ENDPOINT     = ATH_T_ENDPOINT,
    CAP_T_NOTIFICATION = ATH_T_NOTIFICATION,
    CAP_T_MEMGRANT     = ATH_T_MEMGRANT,
    CAP_T_CONSOLE      = ATH_T_CONSOLE,
    CAP_T_CLOCK        = ATH_T_CLOCK,
    CAP_T_RANDOM       = ATH_T_RANDOM,
    CAP_T_COMPONENT    = ATH_T_COMPONENT, /* control of another component: start/kill/reset */
    CAP_T_IOPORT       = ATH_T_IOPORT,    /* hardware types: ranges */
    CAP_T_MMIO         = ATH_T_MMIO,
    CAP_T_IRQ          = ATH_T_IRQ,
    CAP_T_DMA          = ATH_T_DMA,
    CAP_T_LOG          = ATH_T_LOG,       /* the console's output log (console.c) */
    CAP_T_COUNT        = ATH_T_COUNT
};

enum cap_rights {
    CAP_R_READ   = ATH_R_READ,
    CAP_R_WRITE  = ATH_R_WRITE,
    CAP_R_CALL   = ATH_R_CALL,
    CAP_R_GRANT  = ATH_R_GRANT,  /* may be passed to another table */
    CAP_R_DERIVE = ATH_R_DERIVE, /* may be copied with fewer rights / a badge */
    CAP_R_ALL    = ATH_R_ALL,
    CAP_R_PRECISE = ATH_R_PRECISE, /* clocks: full precision (not in CAP_R_ALL) */
    CAP_R_KNOWN  = ATH_R_ALL | ATH_R_PRECISE, /* every right a capability can hold */
};

struct cap_table;

struct cap {
    uint64_t          seq;      /* odd while the values change: lookups retry (cap.c) */
    uint16_t          gen;      /* bumped when the slot is freed */
    uint8_t           type;     /* enum cap_type; CAP_T_NONE when free */
    uint32_t          rights;
    uint64_t          badge;    /* what a server sees on each call through this cap */
    /* The object, if this is an endpoint capability with the call right,
     * else NULL: bound when the slot is filled, so an IPC call checks one
     * word besides the generation (cap_lookup_call). */
    void             *call;
    uint32_t          obj_gen;  /* generation of the object when the cap was made (endpoints) */
    void             *object;   /* the kernel object (not owned by the slot) */
    uint64_t          base, len; /* range types (I/O ports, MMIO): the part of the object it covers */
    struct cap       *parent;   /* derived from; NULL for an original */
    struct cap_table *charged;  /* a grant: the table whose owner put it here (and pays) */
    struct list_node  children; /* caps derived from this one */
    struct list_node  sibling;  /* link in parent->children */
    struct cap_table *table;
    uint64_t          pad;      /* to 128 bytes: a lookup scales the index by a shift */
};
_Static_assert(sizeof(struct cap) == 128, "a slot is 128 bytes (cap_lookup_call's index)");

/* What a lookup returns: the checked capability's values, not the slot
 * (the slot may change right after; these stay consistent). */
struct cap_ref {
    enum cap_type type;
    uint32_t      rights;
    uint64_t      badge;
    uint32_t      obj_gen;
    void         *object;
    uint64_t      base, len; /* range types: [base, base + len) */
};

/* A table's slots are in two zones: [1, own) for what the owner makes or
 * is given by the kernel, [own, nslots) for capabilities other tables'
 * owners grant it (cap_grant). Each grant is charged to the grantor's
 * table: at most grants_max live grants out of it, anywhere. The kernel
 * sizes a component's foreign zone to the sum of the grant quotas of every
 * component that may grant to it, so a grant never fails for lack of room,
 * only for the grantor's own quota (-ATH_EQUOTA), and no grant can take a
 * slot the owner's own operations need. */
struct cap_table {
    struct cap *slots;
    uint32_t    nslots;
    uint32_t    own;        /* first slot of the foreign zone (== nslots: none) */
    uint32_t    used;
    uint32_t    grants_out; /* live grants this table's owner made into other tables */
    uint32_t    grants_max;
    void       *owner;      /* the component, for listings */
};

/* Kernel objects that can go away (notifications) tell the capability
 * layer how: pin takes a reference (cap_lookup_pin calls it under cap_lock,
 * while the capability is known to exist, so the object cannot be freed in
 * between); release is called once the object's original capability is
 * gone (deleted, or its table cleared), outside cap_lock: by then every
 * capability derived from it is gone too. Objects whose use is bound to
 * the table that used them (an interrupt line bound through a copy) hear
 * of every capability of theirs that is freed, original or copy, in any
 * way (delete, revoke, a table cleared): freed runs under cap_lock with
 * interrupts off, so it may take only locks never held while cap_lock is
 * taken. */
struct cap_type_ops {
    void (*pin)(void *object);
    void (*release)(void *object);
    void (*freed)(void *object, struct cap_table *t);
};
void cap_set_type_ops(enum cap_type type, const struct cap_type_ops *ops);

/* A table over caller-provided storage of n slots (n <= CAP_MAX_SLOTS), all
 * of them its own, granting without limit (kernel use, tests). */
void cap_table_init(struct cap_table *t, struct cap *slots, uint32_t n, void *owner);
/* Split it: slots from `own` on take grants from others; the owner may
 * have grants_max grants out at once. */
void cap_table_set_zones(struct cap_table *t, uint32_t own, uint32_t grants_max);
/* Revoke and free everything in the table (the component goes away). */
void cap_table_clear(struct cap_table *t);
/* Clear, and bring retired slots back (generation 1): for a new instance,
 * which cannot hold any handle of the old one. */
void cap_table_renew(struct cap_table *t);

/* A new original capability (the kernel or the manifest creates these). */
int  cap_insert(struct cap_table *t, enum cap_type type, uint32_t rights, void *object,
                uint64_t badge, cap_handle_t *out);
/* The same, recording the object's current generation (see cap.obj_gen). */
int  cap_insert_gen(struct cap_table *t, enum cap_type type, uint32_t rights, void *object,
                    uint64_t badge, uint32_t obj_gen, cap_handle_t *out);
/* The first capability of `type` with all of `rights` in t (for calls that
 * name no handle, like WASI's fd_write on the console). 0 or -ATH_EPERM. */
int  cap_find(struct cap_table *t, enum cap_type type, uint32_t rights, struct cap_ref *out);
/* A new original covering [base, base + len) of a range-type object (I/O
 * ports, MMIO): the checks of its operations use this range. */
int  cap_insert_range(struct cap_table *t, enum cap_type type, uint32_t rights, void *object,
                      uint64_t base, uint64_t len, cap_handle_t *out);
/* Derive a copy of range capability h covering [off, off + len) of its
 * range (inside it), with rights ⊆ h's, into dst. Needs CAP_R_DERIVE;
 * -ATH_ERANGE outside, -ATH_EWRONGTYPE for a type without ranges. */
int  cap_derive_range(struct cap_table *t, cap_handle_t h, uint32_t rights, uint64_t off,
                      uint64_t len, struct cap_table *dst, cap_handle_t *out);
/* The handle of the n-th (from 0) capability of `type` in t, in slot order:
 * how a component finds what its manifest granted. 0 or -ATH_ENOENT. */
int  cap_nth(struct cap_table *t, enum cap_type type, unsigned n, cap_handle_t *out);
/* Derive a copy into dst (same table allowed) with rights ⊆ the original's
 * and a badge (0 keeps the original's). Needs CAP_R_DERIVE. */
int  cap_derive(struct cap_table *t, cap_handle_t h, uint32_t rights, uint64_t badge,
                struct cap_table *dst, cap_handle_t *out);
/* Copy a capability into another table (as a child, so revoking the
 * original reaches it), into its foreign zone, charged to t. Needs
 * CAP_R_GRANT; -ATH_EQUOTA when t's owner has grants_max out already. */
int  cap_grant(struct cap_table *t, cap_handle_t h, struct cap_table *dst, cap_handle_t *out);
/* Invalidate every capability derived from h, in every table; h stays. */
int  cap_revoke(struct cap_table *t, cap_handle_t h);
/* Revoke, then free h itself. */
int  cap_delete(struct cap_table *t, cap_handle_t h);

/* Check a handle: right type (CAP_T_NONE = any), all of `rights`. On
 * success *out (if not NULL) holds the capability's values. Lock-free: a
 * seqlock read of the slot (writers are in cap.c); inline because every IPC
 * call starts with it (returning the values in registers, not memory). */
static inline int cap_lookup(struct cap_table *t, cap_handle_t h, enum cap_type type, uint32_t rights,
                             struct cap_ref *out)
{
    uint32_t idx = h & (CAP_MAX_SLOTS - 1), gen = h >> CAP_INDEX_BITS;
    if (idx == 0 || idx >= t->nslots)
        return -ATH_EBADHANDLE;
    struct cap *c = &t->slots[idx];
    struct cap_ref v;
    uint16_t slot_gen;
    for (;;) {
        uint64_t s = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
        if (s & 1) { /* a writer is in the middle (on another CPU: it holds cap_lock) */
            plat_cpu_relax();
            continue;
        }
        slot_gen = __atomic_load_n(&c->gen, __ATOMIC_RELAXED);
        v.type = (enum cap_type)__atomic_load_n(&c->type, __ATOMIC_RELAXED);
        v.rights = __atomic_load_n(&c->rights, __ATOMIC_RELAXED);
        v.badge = __atomic_load_n(&c->badge, __ATOMIC_RELAXED);
        v.obj_gen = __atomic_load_n(&c->obj_gen, __ATOMIC_RELAXED);
        v.object = __atomic_load_n(&c->object, __ATOMIC_RELAXED);
        /* the range only for a lookup that may find a hardware type (a
         * constant at every call site: the IPC path reads one cache line) */
        v.base = v.len = 0;
        if (type == CAP_T_NONE || type >= CAP_T_IOPORT) {
            v.base = __atomic_load_n(&c->base, __ATOMIC_RELAXED);
            v.len = __atomic_load_n(&c->len, __ATOMIC_RELAXED);
        }
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&c->seq, __ATOMIC_RELAXED) == s)
            break; /* nothing changed while we read: the values belong together */
    }
    if (slot_gen != gen)
        return -ATH_ESTALE;
    if (v.type == CAP_T_NONE)
        return -ATH_EBADHANDLE;
    if (type != CAP_T_NONE && v.type != type)
        return -ATH_EWRONGTYPE;
    if ((v.rights & rights) != rights)
        return -ATH_EPERM;
    if (out)
        *out = v;
    return 0;
}

/* What an IPC call needs of its capability. */
struct cap_call {
    void    *ep;      /* the endpoint */
    uint64_t badge;
    uint32_t obj_gen;
};

/* cap_lookup(t, h, CAP_T_ENDPOINT, CAP_R_CALL, ...) for the IPC call's
 * path: the type and the right were bound into the slot's `call` when it
 * was filled, so a call reads the endpoint, badge and object generation
 * and checks the handle's generation, in one seqlock read. Anything else
 * (no such slot, a stale handle, another type, no call right, a writer in
 * the way) goes to cap_lookup_call_slow: cap_lookup, which says why (or
 * succeeds, if a writer was only passing). */
int cap_lookup_call_slow(struct cap_table *t, cap_handle_t h, struct cap_call *out);
static inline __attribute__((always_inline)) int cap_lookup_call(struct cap_table *t, cap_handle_t h,
                                                                 struct cap_call *out)
{
    uint32_t idx = h & (CAP_MAX_SLOTS - 1);
    if (__builtin_expect(idx < t->nslots, 1)) {
        const struct cap *c = &t->slots[idx];
        uint64_t s = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
        uint16_t gen = __atomic_load_n(&c->gen, __ATOMIC_RELAXED);
        void *ep = __atomic_load_n(&c->call, __ATOMIC_RELAXED);
        uint64_t badge = __atomic_load_n(&c->badge, __ATOMIC_RELAXED);
        uint32_t obj_gen = __atomic_load_n(&c->obj_gen, __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__builtin_expect(__atomic_load_n(&c->seq, __ATOMIC_RELAXED) == s && !(s & 1) &&
                                 gen == h >> CAP_INDEX_BITS && ep, 1)) {
            *out = (struct cap_call){ ep, badge, obj_gen }; /* slot 0 never binds one */
            return 0;
        }
    }
    return cap_lookup_call_slow(t, h, out);
}

/* cap_lookup, and a reference to the object taken by its type's pin (which
 * the caller drops when done): for objects that may be freed meanwhile. */
int cap_lookup_pin(struct cap_table *t, cap_handle_t h, enum cap_type type, uint32_t rights,
                   struct cap_ref *out);

/* A listing entry (for the monitor's `caps`). */
struct cap_info {
    cap_handle_t  handle;
    enum cap_type type;
    uint32_t      rights;
    uint64_t      badge;
    const void   *object;        /* for describing it */
    uint64_t      base, len;     /* range types: what it covers */
    const void   *parent_owner;  /* owner of the table it was derived from; NULL for originals */
    cap_handle_t  parent_handle;
};
/* Copy up to max entries, from the first-th (0-based, slot order) on;
 * returns how many capabilities t holds. */
unsigned cap_list(struct cap_table *t, unsigned first, struct cap_info *out, unsigned max);

const char *cap_type_name(enum cap_type t);
/* "rwcgd" style rights string into buf, and a 'p' after it for a precise
 * clock (7 bytes). */
void cap_rights_str(uint32_t rights, char buf[7]);

#endif
