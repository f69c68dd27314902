/* Capability tables and the derivation tree (see cap.h). */
#include <athanor/cap.h>
#include <athanor/errors.h>
#include <athanor/klib.h>
#include <athanor/spinlock.h>

static spinlock_t cap_lock = SPINLOCK_INIT;
static const struct cap_type_ops *type_ops[CAP_T_COUNT];

void cap_set_type_ops(enum cap_type type, const struct cap_type_ops *ops)
{
    KASSERT(type > CAP_T_NONE && type < CAP_T_COUNT);
    type_ops[type] = ops;
}

/* Is c an original whose object must hear that it is gone? */
static inline bool releases(const struct cap *c)
{
    return !c->parent && type_ops[c->type] && type_ops[c->type]->release;
}

static const char *const type_names[CAP_T_COUNT] = {
    [CAP_T_NONE] = "none",         [CAP_T_ENDPOINT] = "endpoint", [CAP_T_NOTIFICATION] = "notification",
    [CAP_T_MEMGRANT] = "memgrant", [CAP_T_CONSOLE] = "console",   [CAP_T_CLOCK] = "clock",
    [CAP_T_RANDOM] = "random",     [CAP_T_COMPONENT] = "component", [CAP_T_IOPORT] = "ioport",
    [CAP_T_MMIO] = "mmio",         [CAP_T_IRQ] = "irq",           [CAP_T_DMA] = "dma",
    [CAP_T_LOG] = "log",
};

const char *cap_type_name(enum cap_type t)
{
    return (unsigned)t < CAP_T_COUNT ? type_names[t] : "?";
}

void cap_rights_str(uint32_t r, char buf[7])
{
    static const char letters[] = "rwcgd";
    for (int i = 0; i < 5; i++)
        buf[i] = (r & (1u << i)) ? letters[i] : '-';
    int n = 5;
    if (r & CAP_R_PRECISE)
        buf[n++] = 'p';
    buf[n] = '\0';
}

static inline cap_handle_t handle_of(const struct cap_table *t, const struct cap *c)
{
    return (cap_handle_t)c->gen << CAP_INDEX_BITS | (cap_handle_t)(c - t->slots);
}

void cap_table_init(struct cap_table *t, struct cap *slots, uint32_t n, void *owner)
{
    KASSERT(n >= 2 && n <= CAP_MAX_SLOTS);
    t->slots = slots;
    t->nslots = n;
    t->own = n;
    t->used = 0;
    t->grants_out = 0;
    t->grants_max = UINT32_MAX;
    t->owner = owner;
    for (uint32_t i = 0; i < n; i++) {
        memset(&slots[i], 0, sizeof slots[i]);
        slots[i].gen = 1; /* a handle's generation is never 0 */
        slots[i].table = t;
        list_init(&slots[i].children);
        list_init(&slots[i].sibling);
    }
}

void cap_table_set_zones(struct cap_table *t, uint32_t own, uint32_t grants_max)
{
    KASSERT(own >= 2 && own <= t->nslots);
    t->own = own;
    t->grants_max = grants_max;
}

/* Lookups take no lock (cap_lookup, inline in cap.h: it is on every IPC
 * call's path): a slot is a seqlock. The only two functions that change a
 * slot's values, fill and free_slot, do it under cap_lock between
 * write_begin (seq becomes odd) and write_end (even again); a reader that
 * saw the same even seq before and after reading got values that belong
 * together. The handle's 16-bit generation cannot serve as that count: it
 * wraps after 65536 reuses, which a preempted reader could sleep through
 * (the unit test saw exactly that); a 64-bit count never wraps. The slot
 * array and nslots never change after cap_table_init. */

static void write_begin(struct cap *c)
{
    __atomic_store_n(&c->seq, c->seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE); /* odd before any value changes */
}

static void write_end(struct cap *c)
{
    __atomic_store_n(&c->seq, c->seq + 1, __ATOMIC_RELEASE); /* even after all of them */
}

static struct cap_ref ref_of(const struct cap *c)
{
    return (struct cap_ref){ (enum cap_type)c->type, c->rights, c->badge, c->obj_gen, c->object,
                             c->base, c->len };
}

/* Find the slot a handle names, or an error. cap_lock held. */
static int resolve(struct cap_table *t, cap_handle_t h, struct cap **out)
{
    uint32_t idx = h & (CAP_MAX_SLOTS - 1), gen = h >> CAP_INDEX_BITS;
    if (idx == 0 || idx >= t->nslots)
        return -ATH_EBADHANDLE;
    struct cap *c = &t->slots[idx];
    if (c->gen != gen)
        return -ATH_ESTALE;
    if (c->type == CAP_T_NONE)
        return -ATH_EBADHANDLE;
    *out = c;
    return 0;
}

/* A free slot in t's own zone, or (for a grant) its foreign zone. */
static struct cap *alloc_slot(struct cap_table *t, bool foreign)
{
    bool zoned = t->own < t->nslots; /* a table without zones takes grants anywhere */
    uint32_t lo = foreign && zoned ? t->own : 1, hi = foreign || !zoned ? t->nslots : t->own;
    for (uint32_t i = lo; i < hi; i++)
        if (t->slots[i].type == CAP_T_NONE && t->slots[i].gen != 0) { /* gen 0: retired */
            t->used++;
            return &t->slots[i];
        }
    return NULL;
}

/* Free one slot: unlink it from the tree, invalidate its handle. A slot
 * whose generation would pass CAP_GEN_MAX is retired (generation 0, which no
 * handle carries and alloc_slot skips): wrapping would make a handle from
 * 32767 reuses ago name whatever the slot holds next. */
static void free_slot(struct cap *c)
{
    const struct cap_type_ops *ops = type_ops[c->type];
    if (ops && ops->freed)
        ops->freed(c->object, c->table);
    uint16_t g = c->gen < CAP_GEN_MAX ? (uint16_t)(c->gen + 1) : 0;
    write_begin(c);
    __atomic_store_n(&c->gen, g, __ATOMIC_RELAXED);
    __atomic_store_n(&c->type, CAP_T_NONE, __ATOMIC_RELAXED);
    if (list_linked(&c->sibling))
        list_remove(&c->sibling);
    c->parent = NULL;
    if (c->charged)
        c->charged->grants_out--;
    c->charged = NULL;
    __atomic_store_n(&c->rights, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&c->badge, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&c->call, NULL, __ATOMIC_RELAXED);
    __atomic_store_n(&c->object, NULL, __ATOMIC_RELAXED);
    __atomic_store_n(&c->base, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&c->len, 0, __ATOMIC_RELAXED);
    write_end(c);
    c->table->used--;
}

/* Free every descendant of c, depth first, iteratively (no recursion on a
 * tree a component could make deep). cap_lock held. */
static void revoke_locked(struct cap *c)
{
    while (!list_empty(&c->children)) {
        struct cap *d = container_of(c->children.next, struct cap, sibling);
        while (!list_empty(&d->children)) /* descend to a leaf */
            d = container_of(d->children.next, struct cap, sibling);
        free_slot(d);
    }
}

/* A new capability with values v in t, a child of parent (NULL: original);
 * granter: the table that grants it (charged; foreign zone), or NULL. */
static int fill(struct cap_table *t, const struct cap_ref *v, struct cap *parent,
                struct cap_table *granter, cap_handle_t *out)
{
    if (granter && granter->grants_out >= granter->grants_max)
        return -ATH_EQUOTA;
    struct cap *c = alloc_slot(t, granter != NULL);
    if (!c)
        return -ATH_EQUOTA; /* the table is full: a quota of its owner's */
    c->charged = granter;
    if (granter)
        granter->grants_out++;
    write_begin(c);
    __atomic_store_n(&c->obj_gen, v->obj_gen, __ATOMIC_RELAXED);
    __atomic_store_n(&c->rights, v->rights & CAP_R_KNOWN, __ATOMIC_RELAXED);
    __atomic_store_n(&c->object, v->object, __ATOMIC_RELAXED);
    __atomic_store_n(&c->badge, v->badge, __ATOMIC_RELAXED);
    /* bound once: what cap_lookup_call would check on every call */
    bool callable = v->type == CAP_T_ENDPOINT && (v->rights & CAP_R_CALL);
    __atomic_store_n(&c->call, callable ? v->object : NULL, __ATOMIC_RELAXED);
    __atomic_store_n(&c->base, v->base, __ATOMIC_RELAXED);
    __atomic_store_n(&c->len, v->len, __ATOMIC_RELAXED);
    __atomic_store_n(&c->type, (uint8_t)v->type, __ATOMIC_RELAXED);
    write_end(c);
    c->parent = parent;
    if (parent)
        list_push_back(&parent->children, &c->sibling);
    *out = handle_of(t, c);
    return 0;
}

int cap_insert_gen(struct cap_table *t, enum cap_type type, uint32_t rights, void *object,
                   uint64_t badge, uint32_t obj_gen, cap_handle_t *out)
{
    if (type <= CAP_T_NONE || type >= CAP_T_COUNT)
        return -ATH_EINVAL;
    struct cap_ref v = { type, rights, badge, obj_gen, object, 0, 0 };
    irqflags_t f = spin_lock_irqsave(&cap_lock);
    int r = fill(t, &v, NULL, NULL, out);
    spin_unlock_irqrestore(&cap_lock, f);
    return r;
}

static bool range_type(enum cap_type t)
{
    /* DMA: a quota in bytes; IRQ: its line number, length 1 */
    return t == CAP_T_IOPORT || t == CAP_T_MMIO || t == CAP_T_DMA || t == CAP_T_IRQ;
}

int cap_insert_range(struct cap_table *t, enum cap_type type, uint32_t rights, void *object,
                     uint64_t base, uint64_t len, cap_handle_t *out)
{
    if (!range_type(type) || len == 0 || base + len < base)
        return -ATH_EINVAL;
    struct cap_ref v = { type, rights, 0, 0, object, base, len };
    irqflags_t f = spin_lock_irqsave(&cap_lock);
    int r = fill(t, &v, NULL, NULL, out);
    spin_unlock_irqrestore(&cap_lock, f);
    return r;
}

int cap_insert(struct cap_table *t, enum cap_type type, uint32_t rights, void *object,
               uint64_t badge, cap_handle_t *out)
{
    return cap_insert_gen(t, type, rights, object, badge, 0, out);
}

int cap_find(struct cap_table *t, enum cap_type type, uint32_t rights, struct cap_ref *out)
{
    int r = -ATH_EPERM;
    irqflags_t f = spin_lock_irqsave(&cap_lock);
    for (uint32_t i = 1; i < t->nslots; i++) {
        struct cap *c = &t->slots[i];
        if (c->type == type && (c->rights & rights) == rights) {
            if (out)
                *out = ref_of(c);
            r = 0;
            break;
        }
    }
    spin_unlock_irqrestore(&cap_lock, f);
    return r;
}

int cap_nth(struct cap_table *t, enum cap_type type, unsigned n, cap_handle_t *out)
{
    int r = -ATH_ENOENT;
    irqflags_t f = spin_lock_irqsave(&cap_lock);
    for (uint32_t i = 1; i < t->nslots; i++)
        if (t->slots[i].type == type && n-- == 0) {
            *out = handle_of(t, &t->slots[i]);
            r = 0;
            break;
        }
    spin_unlock_irqrestore(&cap_lock, f);
    return r;
}

static int copy_into(struct cap_table *t, cap_handle_t h, uint32_t need, uint32_t rights,
                     uint64_t badge, bool keep_badge, struct cap_table *dst, bool grant,
                     cap_handle_t *out)
{
    irqflags_t f = spin_lock_irqsave(&cap_lock);
    struct cap *c;
    int r = resolve(t, h, &c);
    if (r == 0 && (c->rights & need) != need)
        r = -ATH_EPERM;
    if (r == 0 && (rights & ~c->rights))
        r = -ATH_EPERM; /* a copy never has more rights than its source */
    if (r == 0) {
        struct cap_ref v = ref_of(c);
        v.rights = rights;
        v.badge = keep_badge ? c->badge : badge;
        r = fill(dst, &v, c, grant && dst != t ? t : NULL, out);
    }
    spin_unlock_irqrestore(&cap_lock, f);
    return r;
}

int cap_derive_range(struct cap_table *t, cap_handle_t h, uint32_t rights, uint64_t off,
                     uint64_t len, struct cap_table *dst, cap_handle_t *out)
{
    irqflags_t f = spin_lock_irqsave(&cap_lock);
    struct cap *c;
    int r = resolve(t, h, &c);
    if (r == 0 && !range_type((enum cap_type)c->type))
        r = -ATH_EWRONGTYPE;
    if (r == 0 && ((c->rights & CAP_R_DERIVE) != CAP_R_DERIVE || (rights & ~c->rights)))
        r = -ATH_EPERM;
    if (r == 0 && (len == 0 || off >= c->len || len > c->len - off))
        r = -ATH_ERANGE;
    if (r == 0) {
        struct cap_ref v = ref_of(c);
        v.rights = rights;
        v.base = c->base + off;
        v.len = len;
        r = fill(dst, &v, c, NULL, out);
    }
    spin_unlock_irqrestore(&cap_lock, f);
    return r;
}

int cap_derive(struct cap_table *t, cap_handle_t h, uint32_t rights, uint64_t badge,
               struct cap_table *dst, cap_handle_t *out)
{
    return copy_into(t, h, CAP_R_DERIVE, rights, badge, badge == 0, dst, false, out);
}

int cap_grant(struct cap_table *t, cap_handle_t h, struct cap_table *dst, cap_handle_t *out)
{
    struct cap_ref c;
    int r = cap_lookup(t, h, CAP_T_NONE, CAP_R_GRANT, &c);
    if (r)
        return r;
    return copy_into(t, h, CAP_R_GRANT, c.rights, 0, true, dst, true, out);
}

int cap_revoke(struct cap_table *t, cap_handle_t h)
{
    irqflags_t f = spin_lock_irqsave(&cap_lock);
    struct cap *c;
    int r = resolve(t, h, &c);
    if (r == 0)
        revoke_locked(c);
    spin_unlock_irqrestore(&cap_lock, f);
    return r;
}

/* Revoke and free slot c; its object if it must hear of it (see
 * cap_type_ops), to call release on once cap_lock is dropped. */
static void *delete_locked(struct cap *c, enum cap_type *type)
{
    void *gone = releases(c) ? c->object : NULL;
    *type = (enum cap_type)c->type;
    revoke_locked(c);
    free_slot(c);
    return gone;
}

int cap_delete(struct cap_table *t, cap_handle_t h)
{
    irqflags_t f = spin_lock_irqsave(&cap_lock);
    struct cap *c;
    void *gone = NULL;
    enum cap_type type = CAP_T_NONE;
    int r = resolve(t, h, &c);
    if (r == 0)
        gone = delete_locked(c, &type);
    spin_unlock_irqrestore(&cap_lock, f);
    if (gone)
        type_ops[type]->release(gone);
    return r;
}

int cap_lookup_call_slow(struct cap_table *t, cap_handle_t h, struct cap_call *out)
{
    struct cap_ref ref;
    int r = cap_lookup(t, h, CAP_T_ENDPOINT, CAP_R_CALL, &ref);
    if (r == 0)
        *out = (struct cap_call){ ref.object, ref.badge, ref.obj_gen };
    return r;
}

int cap_lookup_pin(struct cap_table *t, cap_handle_t h, enum cap_type type, uint32_t rights,
                   struct cap_ref *out)
{
    irqflags_t f = spin_lock_irqsave(&cap_lock);
    int r = cap_lookup(t, h, type, rights, out);
    if (r == 0 && type_ops[out->type] && type_ops[out->type]->pin)
        type_ops[out->type]->pin(out->object);
    spin_unlock_irqrestore(&cap_lock, f);
    return r;
}

unsigned cap_list(struct cap_table *t, unsigned first, struct cap_info *out, unsigned max)
{
    unsigned n = 0;
    irqflags_t f = spin_lock_irqsave(&cap_lock);
    for (uint32_t i = 1; i < t->nslots; i++) {
        struct cap *c = &t->slots[i];
        if (c->type == CAP_T_NONE)
            continue;
        if (n >= first && n - first < max) {
            struct cap_info *o = &out[n - first];
            o->handle = handle_of(t, c);
            o->type = (enum cap_type)c->type;
            o->rights = c->rights;
            o->badge = c->badge;
            o->object = c->object;
            o->base = c->base;
            o->len = c->len;
            o->parent_owner = c->parent ? c->parent->table->owner : NULL;
            o->parent_handle = c->parent ? handle_of(c->parent->table, c->parent) : CAP_NULL;
        }
        n++;
    }
    spin_unlock_irqrestore(&cap_lock, f);
    return n;
}

void cap_table_clear(struct cap_table *t)
{
    /* One slot (and what derives from it) per lock hold: the time with
     * interrupts off stays bounded by one derivation tree, not the table. */
    for (uint32_t i = 1; i < t->nslots; i++) {
        /* An empty slot needs no lock: the table's owner is going away, and
         * no one else fills its slots then (its endpoint takes no calls). */
        if (__atomic_load_n(&t->slots[i].type, __ATOMIC_RELAXED) == CAP_T_NONE)
            continue;
        irqflags_t f = spin_lock_irqsave(&cap_lock);
        void *gone = NULL;
        enum cap_type type = CAP_T_NONE;
        if (t->slots[i].type != CAP_T_NONE)
            gone = delete_locked(&t->slots[i], &type);
        spin_unlock_irqrestore(&cap_lock, f);
        if (gone)
            type_ops[type]->release(gone);
    }
}

void cap_table_renew(struct cap_table *t)
{
    cap_table_clear(t);
    irqflags_t f = spin_lock_irqsave(&cap_lock);
    for (uint32_t i = 1; i < t->nslots; i++)
        if (t->slots[i].gen == 0) {
            write_begin(&t->slots[i]);
            __atomic_store_n(&t->slots[i].gen, 1, __ATOMIC_RELAXED);
            write_end(&t->slots[i]);
        }
    spin_unlock_irqrestore(&cap_lock, f);
}
