/* Interrupt lines (see hw.h): binding a line to a notification,
 * delivering an interrupt as notification bits, acknowledgement. Decode
 * (hw/hostcalls.c) checks the line's capability and pins the notification. */
#include <athanor/errors.h>
#include <athanor/hw.h>
#include <athanor/notify.h>
#include <athanor/spinlock.h>

static struct irq_line lines[PLAT_IRQ_LINES];
static spinlock_t      irq_lock = SPINLOCK_INIT; /* notify/bits of every line */

struct irq_line *hw_irq_line(unsigned line)
{
    if (line >= PLAT_IRQ_LINES)
        return NULL;
    lines[line].line = line;
    return &lines[line];
}

int hw_irq_bind(struct irq_line *l, struct notification *n, uint64_t bits, struct cap_table *via)
{
    /* Bound only if still alive: a notification's death (notify_kill, then
     * hw_irq_forget) and this bind are ordered by its dead flag and
     * irq_lock, so no line keeps a pointer to a dead one. A line has one
     * listener: another component's binding stands until its capability or
     * its notification goes (two PCI devices sharing a line, each with its
     * driver: the second is told, instead of taking the first one's
     * interrupts away). */
    irqflags_t f = spin_lock_irqsave(&irq_lock);
    bool dead = notify_dead(n), taken = l->notify && l->binder != via;
    if (!dead && !taken) {
        l->notify = n;
        l->bits = bits;
        l->binder = via;
    }
    spin_unlock_irqrestore(&irq_lock, f);
    if (dead)
        return -ATH_ESTALE;
    if (taken)
        return -ATH_EBUSY;
    int r = plat_irqline_enable(l->line);
    if (r) {
        f = spin_lock_irqsave(&irq_lock);
        l->notify = NULL;
        spin_unlock_irqrestore(&irq_lock, f);
    }
    return r;
}

void hw_irq_ack(struct irq_line *l)
{
    if (l->notify)
        plat_irqline_unmask(l->line);
}

void hw_irq_fired(unsigned line)
{
    if (line >= PLAT_IRQ_LINES)
        return;
    struct irq_line *l = &lines[line];
    spin_lock(&irq_lock); /* interrupt context: interrupts are off */
    struct notification *n = l->notify;
    uint64_t bits = l->bits;
    l->count++;
    if (n)
        notify_signal(n, bits); /* under irq_lock: hw_irq_forget unbinds it before it can die */
    spin_unlock(&irq_lock);
}

void hw_irq_release(unsigned line)
{
    if (line >= PLAT_IRQ_LINES)
        return;
    irqflags_t f = spin_lock_irqsave(&irq_lock);
    bool bound = lines[line].notify != NULL;
    lines[line].notify = NULL;
    lines[line].binder = NULL;
    spin_unlock_irqrestore(&irq_lock, f);
    if (bound)
        plat_irqline_disable(line);
}

/* A capability to line l in table t went (revoked, deleted, its table
 * cleared): if t's owner bound the line, the line falls silent, so an
 * interrupt cannot reach a driver whose capability was taken away (the
 * privacy service revokes a sensor driver's line at the end of a session,
 * docs/privacy.md). Under cap_lock, interrupts off (cap.h): irq_lock is
 * never held while cap_lock is taken. */
static void irq_cap_freed(void *object, struct cap_table *t)
{
    struct irq_line *l = object;
    if (l < lines || l >= lines + PLAT_IRQ_LINES)
        return; /* not a line of ours (the capability tests use stand-ins) */
    spin_lock(&irq_lock);
    bool bound = l->notify && l->binder == t;
    if (bound) {
        l->notify = NULL;
        l->binder = NULL;
    }
    spin_unlock(&irq_lock);
    if (bound)
        plat_irqline_disable(l->line);
}

void hw_irq_init(void)
{
    static const struct cap_type_ops ops = { .freed = irq_cap_freed };
    cap_set_type_ops(CAP_T_IRQ, &ops);
}

void hw_irq_forget(struct notification *n)
{
    for (unsigned i = 0; i < PLAT_IRQ_LINES; i++) {
        irqflags_t f = spin_lock_irqsave(&irq_lock);
        bool bound = lines[i].notify == n;
        if (bound) {
            lines[i].notify = NULL;
            lines[i].binder = NULL;
        }
        spin_unlock_irqrestore(&irq_lock, f);
        if (bound)
            plat_irqline_disable(i);
    }
}
