/* Athanor's implementation of the runtime interface wasm2c output expects
 * (wasm-rt.h): linear memories in reserved kernel regions with guard space,
 * funcref/externref tables and traps, for wasm2c 1.0.39's interface (our
 * kernel/include/wasm-rt.h; function types are hashes wasm2c makes itself).
 * Debian's hosted libwasm-rt-impl.a is not used: it relies on signals and
 * malloc of a POSIX process. */
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/heap.h>
#include <athanor/host.h>
#include <athanor/klib.h>
#include <athanor/spinlock.h>
#include <athanor/wasm_stack.h>
#include <wasm-rt.h>

#define WASM_PAGE     65536u
#define TABLE_MAX_ELEMS (1u << 20) /* sanity cap: a table of more is an attack or a bug */

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
    case WASM_RT_TRAP_NULL_REF:            return TRAP_INDIRECT_CALL; /* a call through null */
    case WASM_RT_TRAP_EXHAUSTION:          return TRAP_STACK_EXHAUSTED;
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

/* Runtime functions are kernel code that generated code calls: like a host
 * call, none may be unwound halfway by a stop arriving meanwhile (an
 * interrupt's exit traps a thread only while it runs wasm code), or it
 * would leave its state half-changed: a host range freed but still
 * recorded, a table pointing at a freed array. A stop asked for meanwhile
 * happens when the function returns to wasm code. */
static bool rt_enter(void)
{
    bool was = thread_in_wasm();
    thread_set_in_wasm(false);
    return was;
}

static void rt_leave(bool was)
{
    if (!was)
        return;
    /* A stop asked of the running component shows in t->stopping (see
     * host_leave_on): its trap.pending need not be read too. */
    host_leave_on(thread_current(), 0);
}

/* ---- linear memory ---- */

void wasm_rt_allocate_memory(wasm_rt_memory_t *m, uint64_t initial, uint64_t max, bool is64,
                             uint32_t page_size)
{
    bool was = rt_enter();
    struct component *c = comp_current();
    uint32_t quota = c->cfg->max_pages;
    /* memory64 and custom page sizes are proposals the build does not
     * enable (wasm2c refuses them); a module that has one anyway is refused
     * here rather than given a memory of another shape. */
    if (is64 || page_size != WASM_PAGE)
        comp_trap(TRAP_UNREACHABLE, (uintptr_t)__builtin_return_address(0) - 1, 0);
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
    m->max_pages = MIN(max, (uint64_t)quota);
    m->size = initial * WASM_PAGE;
    m->is64 = false;
    c->rt.pages = (uint32_t)initial;
    rt_leave(was);
}

uint64_t wasm_rt_grow_memory(wasm_rt_memory_t *m, uint64_t delta)
{
    struct component *c = comp_current();
    uint64_t old = m->pages;
    if (delta == 0)
        return old;
    bool was = rt_enter();
    uint64_t want = old + delta;
    if (delta > m->max_pages || want > m->max_pages ||
        plat_vrange_commit(&c->rt.range, (size_t)want * WASM_PAGE) != 0) {
        rt_leave(was);
        return UINT64_MAX; /* memory.grow fails cleanly: -1 to the component */
    }
    m->pages = want;
    m->size = want * WASM_PAGE;
    c->rt.pages = (uint32_t)m->pages;
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

/* A bulk operation (memory.copy, memory.fill, a data segment) reaching past
 * the memory's size: wasm2c's range check calls this before it traps (the
 * edit in tools/wasm2kernel.sh). Past the size lie the component's IPC lend
 * window, transfer area and DMA buffers, which plain loads and stores reach;
 * a memcpy compiled to memory.copy must reach them too. So the operation
 * goes ahead when every page it touches is mapped there; otherwise it traps
 * (out of bounds) before a byte is written. A page mapped read-only still
 * faults on a write, as a store would. */
bool wasm_rt_window_ok(const wasm_rt_memory_t *m, uint64_t off, uint64_t len)
{
    bool was = rt_enter();
    struct component *c = comp_current();
    struct plat_vrange *r = c ? &c->rt.range : NULL;
    bool ok = r && r->size && m->data == (uint8_t *)r->base;
    if (ok && len)
        ok = plat_vrange_mapped(r, off, len);
    else if (ok) /* empty: at a mapped byte or just past one (the end of a window) */
        ok = plat_vrange_mapped(r, off, 1) || (off && plat_vrange_mapped(r, off - 1, 1));
    rt_leave(was);
    return ok;
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
