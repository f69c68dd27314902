/* Athanor's implementation of the runtime interface wasm2c output expects
 * (wasm-rt.h): linear memories in reserved kernel regions with guard space,
 * funcref/externref tables, function-type registry, traps, call depth.
 * Debian's hosted libwasm-rt-impl.a is not used: it relies on signals and
 * malloc of a POSIX process. */
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/heap.h>
#include <athanor/klib.h>
#include <athanor/spinlock.h>
#include <athanor/wasm_stack.h>
#include <wasm-rt.h>

#include <stdarg.h>

#define WASM_PAGE     65536u
#define TABLE_MAX_ELEMS (1u << 20) /* sanity cap: a table of more is an attack or a bug */
#define MAX_FUNC_TYPES 4096
#define MAX_TYPE_ARITY 32

/* The stack limit of the running activation (athanor/rt.h). */
uintptr_t wasm_rt_stack_limit;

/* Called by a generated function whose stack pointer is below the limit
 * (the check tools/wasm2kernel.sh puts at every function's entry). */
void wasm_rt_stack_exhausted(void)
{
    comp_trap(TRAP_STACK_EXHAUSTED, (uintptr_t)__builtin_return_address(0) - 1, 0);
}

void wasm_rt_init(void) {}
bool wasm_rt_is_initialized(void) { return true; }
void wasm_rt_free(void) {}

static enum trap_kind kind_of(wasm_rt_trap_t t)
{
    switch (t) {
    case WASM_RT_TRAP_OOB:                 return TRAP_OUT_OF_BOUNDS;
    case WASM_RT_TRAP_INT_OVERFLOW:        return TRAP_INT_OVERFLOW;
    case WASM_RT_TRAP_DIV_BY_ZERO:         return TRAP_DIV_BY_ZERO;
    case WASM_RT_TRAP_INVALID_CONVERSION:  return TRAP_INVALID_CONVERSION;
    case WASM_RT_TRAP_UNREACHABLE:         return TRAP_UNREACHABLE;
    case WASM_RT_TRAP_CALL_INDIRECT:       return TRAP_INDIRECT_CALL;
#if !WASM_RT_MERGED_OOB_AND_EXHAUSTION_TRAPS
    case WASM_RT_TRAP_EXHAUSTION:          return TRAP_STACK_EXHAUSTED;
#endif
    default:                               return TRAP_UNREACHABLE;
    }
}

void wasm_rt_trap(wasm_rt_trap_t t)
{
    /* The caller is the generated function that trapped. */
    comp_trap(kind_of(t), (uintptr_t)__builtin_return_address(0) - 1, 0);
}

const char *wasm_rt_strerror(wasm_rt_trap_t t)
{
    return trap_kind_name(kind_of(t));
}

/* ---- function types: the same signature always gets the same index ---- */

struct functype {
    uint32_t nparams, nresults;
    uint8_t  types[MAX_TYPE_ARITY];
};
static spinlock_t      type_lock = SPINLOCK_INIT;
static struct functype *types;
static uint32_t        ntypes;

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...)
{
    struct functype ft = { params, results, { 0 } };
    if (params + results > MAX_TYPE_ARITY)
        kpanic("wasm_rt: function type with %u values", params + results);
    va_list ap;
    va_start(ap, results);
    for (uint32_t i = 0; i < params + results; i++)
        ft.types[i] = (uint8_t)va_arg(ap, int);
    va_end(ap);
    irqflags_t f = spin_lock_irqsave(&type_lock);
    if (!types && !(types = kzalloc(sizeof *types * MAX_FUNC_TYPES)))
        kpanic("wasm_rt: no memory for the type registry");
    uint32_t i;
    for (i = 0; i < ntypes; i++)
        if (types[i].nparams == params && types[i].nresults == results &&
            memcmp(types[i].types, ft.types, params + results) == 0)
            break;
    if (i == ntypes) {
        if (ntypes == MAX_FUNC_TYPES)
            kpanic("wasm_rt: more than %u function types", MAX_FUNC_TYPES);
        types[ntypes++] = ft;
    }
    spin_unlock_irqrestore(&type_lock, f);
    return i + 1; /* 0 is the null funcref's type */
}

/* Runtime functions are kernel code that generated code calls: like a host
 * call, none may be unwound halfway by a stop arriving meanwhile (an
 * interrupt's exit traps a thread only while it runs wasm code), or it
 * would leave its state half-changed: a host range freed but still
 * recorded, a table pointing at a freed array. A stop asked for meanwhile
 * happens when the function returns to wasm code. */
static bool rt_enter(void)
{
    struct thread *t = thread_current();
    bool was = t->in_wasm;
    t->in_wasm = false;
    return was;
}

static void rt_leave(bool was)
{
    struct thread *t = thread_current();
    if (!was)
        return;
    if (t->comp && (t->comp->trap.pending || t->stopping))
        comp_check_stop(t, true);
    t->in_wasm = true;
}

/* ---- linear memory ---- */

void wasm_rt_allocate_memory(wasm_rt_memory_t *m, uint32_t initial, uint32_t max)
{
    bool was = rt_enter();
    struct component *c = comp_current();
    uint32_t quota = c->cfg->max_pages;
    if (initial > quota || c->rt.range.size) /* one memory per component */
        comp_trap(TRAP_MEMORY_QUOTA, (uintptr_t)__builtin_return_address(0) - 1, 0);
    if (plat_vrange_reserve(PLAT_VRANGE_MAX, &c->rt.range) != 0 ||
        plat_vrange_commit(&c->rt.range, (size_t)initial * WASM_PAGE) != 0) {
        if (c->rt.range.size)
            plat_vrange_release(&c->rt.range);
        comp_trap(TRAP_MEMORY_QUOTA, (uintptr_t)__builtin_return_address(0) - 1, 0);
    }
    m->data = (uint8_t *)c->rt.range.base;
    m->pages = initial;
    m->max_pages = MIN(max, quota);
    m->size = initial * WASM_PAGE;
    c->rt.pages = initial;
    rt_leave(was);
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *m, uint32_t delta)
{
    struct component *c = comp_current();
    uint32_t old = m->pages;
    if (delta == 0)
        return old;
    bool was = rt_enter();
    uint64_t want = (uint64_t)old + delta;
    if (want > m->max_pages || plat_vrange_commit(&c->rt.range, (size_t)want * WASM_PAGE) != 0) {
        rt_leave(was);
        return UINT32_MAX; /* memory.grow fails cleanly: -1 to the component */
    }
    m->pages = (uint32_t)want;
    m->size = (uint32_t)(want * WASM_PAGE);
    c->rt.pages = m->pages;
    rt_leave(was);
    return old;
}

void wasm_rt_free_memory(wasm_rt_memory_t *m)
{
    bool was = rt_enter();
    struct component *c = comp_current();
    if (m->data && c && c->rt.range.size) {
        /* The memory is found through the running activation (wasm2c's
         * interface passes no component): it must be the one m is. */
        if ((uintptr_t)m->data != c->rt.range.base)
            kpanic("rt: freeing the memory at %p as %s's, which is at %#lx", (void *)m->data,
                   c->cfg->name, (unsigned long)c->rt.range.base);
        plat_vrange_release(&c->rt.range);
    }
    m->data = NULL;
    m->size = m->pages = 0;
    rt_leave(was);
}

/* ---- tables ---- */

/* Both table kinds: elements zeroed (null references), size capped. */
#define ALLOCATE_TABLE(t, elements, max)                                               \
    do {                                                                               \
        if ((elements) > TABLE_MAX_ELEMS ||                                            \
            ((elements) && !((t)->data = kzalloc(sizeof *(t)->data * (elements)))))    \
            comp_trap(TRAP_MEMORY_QUOTA, (uintptr_t)__builtin_return_address(0) - 1, 0); \
        (t)->size = (elements);                                                        \
        (t)->max_size = MIN((max), TABLE_MAX_ELEMS);                                   \
    } while (0)

#define FREE_TABLE(t)      \
    do {                   \
        kfree((t)->data);  \
        (t)->data = NULL;  \
        (t)->size = 0;     \
    } while (0)

void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t *t, uint32_t elements, uint32_t max)
{
    bool was = rt_enter();
    ALLOCATE_TABLE(t, elements, max);
    rt_leave(was);
}

void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t *t)
{
    bool was = rt_enter();
    FREE_TABLE(t);
    rt_leave(was);
}

void wasm_rt_allocate_externref_table(wasm_rt_externref_table_t *t, uint32_t elements, uint32_t max)
{
    bool was = rt_enter();
    ALLOCATE_TABLE(t, elements, max);
    rt_leave(was);
}

void wasm_rt_free_externref_table(wasm_rt_externref_table_t *t)
{
    bool was = rt_enter();
    FREE_TABLE(t);
    rt_leave(was);
}

/* Grow a table by delta elements set to init: r = the old size or -1. */
#define GROW_TABLE(r, t, delta, init)                                              \
    do {                                                                           \
        uint32_t old = (t)->size;                                                  \
        uint64_t want = (uint64_t)old + (delta);                                   \
        __typeof__((t)->data) nd;                                                  \
        if (want > (t)->max_size) {                                                \
            (r) = UINT32_MAX;                                                      \
        } else if ((delta) == 0) {                                                 \
            (r) = old;                                                             \
        } else if (!(nd = kmalloc(sizeof *nd * want))) {                           \
            (r) = UINT32_MAX;                                                      \
        } else {                                                                   \
            if (old)                                                               \
                memcpy(nd, (t)->data, sizeof *nd * old);                           \
            for (uint64_t i = old; i < want; i++)                                  \
                nd[i] = (init);                                                    \
            kfree((t)->data);                                                      \
            (t)->data = nd;                                                        \
            (t)->size = (uint32_t)want;                                            \
            (r) = old;                                                             \
        }                                                                          \
    } while (0)

/* A grown table no longer matches the reset snapshot (which holds the old
 * table pointer): the component can then be restarted but not reset. */
static void note_table_growth(void)
{
    struct component *c = comp_current();
    if (c)
        c->rt.tables_grew = true;
}

uint32_t wasm_rt_grow_funcref_table(wasm_rt_funcref_table_t *t, uint32_t delta, wasm_rt_funcref_t init)
{
    bool was = rt_enter();
    uint32_t r;
    note_table_growth();
    GROW_TABLE(r, t, delta, init);
    rt_leave(was);
    return r;
}

uint32_t wasm_rt_grow_externref_table(wasm_rt_externref_table_t *t, uint32_t delta, wasm_rt_externref_t init)
{
    bool was = rt_enter();
    uint32_t r;
    note_table_growth();
    GROW_TABLE(r, t, delta, init);
    rt_leave(was);
    return r;
}
