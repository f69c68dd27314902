/* IRQ-line capabilities (see hw.h): binding a line to a notification,
 * delivering an interrupt as notification bits, acknowledgement. Decoding
 * the component's arguments is in hostcalls.c. */
#include <athanor/component.h>
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

/* The line capability h names, with `right`, or an error (reported). */
static int lookup(struct component *c, cap_handle_t h, uint32_t right, struct irq_line **out)
{
    struct cap_ref cap;
    int r = cap_lookup(&c->caps, h, CAP_T_IRQ, right, &cap);
    if (r) {
        hw_refused(c, "IRQ handle", h, r);
        return r;
    }
    *out = cap.object;
    return 0;
}

int hw_irq_bind(struct component *c, cap_handle_t irq, cap_handle_t n, uint64_t bits)
{
    struct irq_line *l;
    struct cap_ref note;
    int r = lookup(c, irq, CAP_R_READ, &l);
    if (r)
        return r;
    if (!bits)
        return -ATH_EINVAL;
    /* Pinned, and bound only if still alive: a notification's death
     * (notify_kill, then hw_irq_forget) and this bind are ordered by its
     * dead flag and irq_lock, so no line keeps a pointer to a dead one. */
    if ((r = cap_lookup_pin(&c->caps, n, CAP_T_NOTIFICATION, CAP_R_WRITE, &note)) != 0)
        return r;
    irqflags_t f = spin_lock_irqsave(&irq_lock);
    bool dead = notify_dead(note.object);
    if (!dead) {
        l->notify = note.object;
        l->bits = bits;
    }
    spin_unlock_irqrestore(&irq_lock, f);
    notify_put(note.object);
    if (dead)
        return -ATH_ESTALE;
    if ((r = plat_irqline_enable(l->line)) != 0) {
        f = spin_lock_irqsave(&irq_lock);
        l->notify = NULL;
        spin_unlock_irqrestore(&irq_lock, f);
    }
    return r;
}

int hw_irq_ack(struct component *c, cap_handle_t irq)
{
    struct irq_line *l;
    int r = lookup(c, irq, CAP_R_READ, &l);
    if (r == 0 && l->notify)
        plat_irqline_unmask(l->line);
    return r;
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
    spin_unlock_irqrestore(&irq_lock, f);
    if (bound)
        plat_irqline_disable(line);
}

void hw_irq_forget(struct notification *n)
{
    for (unsigned i = 0; i < PLAT_IRQ_LINES; i++) {
        irqflags_t f = spin_lock_irqsave(&irq_lock);
        bool bound = lines[i].notify == n;
        if (bound)
            lines[i].notify = NULL;
        spin_unlock_irqrestore(&irq_lock, f);
        if (bound)
            plat_irqline_disable(i);
    }
}
