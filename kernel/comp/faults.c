/* Fault reports: a small ring of the most recent component traps, printed
 * when they happen and listed by the monitor's `faults`.
 * fault_lock (irqsave) protects the ring. */
#include <athanor/component.h>
#include <athanor/klib.h>
#include <athanor/spinlock.h>

#define FAULT_RING ATH_FAULT_RING

static spinlock_t          fault_lock = SPINLOCK_INIT;
static struct fault_report ring[FAULT_RING];
static unsigned            recorded; /* total ever; ring index = recorded % FAULT_RING */

static const char *const kind_names[TRAP_KIND_COUNT] = {
    [TRAP_NONE] = "none",
    [TRAP_OUT_OF_BOUNDS] = "out-of-bounds memory access",
    [TRAP_INT_OVERFLOW] = "integer overflow",
    [TRAP_DIV_BY_ZERO] = "integer divide by zero",
    [TRAP_INVALID_CONVERSION] = "invalid conversion to integer",
    [TRAP_UNREACHABLE] = "unreachable executed",
    [TRAP_INDIRECT_CALL] = "invalid indirect call",
    [TRAP_STACK_EXHAUSTED] = "call stack exhausted",
    [TRAP_WATCHDOG] = "CPU budget exceeded (watchdog)",
    [TRAP_MEMORY_QUOTA] = "memory quota exceeded",
    [TRAP_KILLED] = "killed",
    [TRAP_RESET] = "reset",
    [TRAP_EXIT] = "exited inside a call",
    [TRAP_HUNG] = "a call's handler did not return after its caller stopped",
};

enum trap_kind trap_kind_parse(const char *word)
{
    static const struct {
        const char    *word;
        enum trap_kind kind;
    } words[] = {
        { "oob", TRAP_OUT_OF_BOUNDS },       { "unreachable", TRAP_UNREACHABLE },
        { "divzero", TRAP_DIV_BY_ZERO },     { "overflow", TRAP_INT_OVERFLOW },
        { "conversion", TRAP_INVALID_CONVERSION }, { "indirect", TRAP_INDIRECT_CALL },
        { "stack", TRAP_STACK_EXHAUSTED },
    };
    for (size_t i = 0; i < ARRAY_LEN(words); i++)
        if (!strcmp(word, words[i].word))
            return words[i].kind;
    return TRAP_NONE;
}

const char *trap_kind_name(enum trap_kind k)
{
    return (unsigned)k < TRAP_KIND_COUNT ? kind_names[k] : "?";
}

void fault_record(const struct fault_report *r)
{
    irqflags_t f = spin_lock_irqsave(&fault_lock);
    ring[recorded % FAULT_RING] = *r;
    recorded++;
    spin_unlock_irqrestore(&fault_lock, f);
}

unsigned fault_recent(struct fault_report *out, unsigned max)
{
    irqflags_t f = spin_lock_irqsave(&fault_lock);
    unsigned n = MIN(MIN(recorded, (unsigned)FAULT_RING), max);
    for (unsigned i = 0; i < n; i++)
        out[i] = ring[(recorded - 1 - i) % FAULT_RING];
    spin_unlock_irqrestore(&fault_lock, f);
    return n;
}

void fault_print(const struct fault_report *r)
{
    /* One console write: another component's line must not land inside it
     * (a soak under load found "... in ?+0supervisor: restarted ..."). */
    char extra[48] = "";
    if (r->kind == TRAP_OUT_OF_BOUNDS && r->addr)
        ksnprintf(extra, sizeof extra, " (memory offset %#lx)", (unsigned long)r->addr);
    kprintf("fault: %s (generation %u): %s in %s+%#lx%s%s\n", r->component, r->generation,
            trap_kind_name(r->kind), r->function[0] ? r->function : "?", (unsigned long)r->offset, extra,
            r->injected ? " (injected)" : "");
}

unsigned fault_count(void)
{
    return __atomic_load_n(&recorded, __ATOMIC_RELAXED);
}
