/* Notifications (see notify.h). */
#include <athanor/heap.h>
#include <athanor/klib.h>
#include <athanor/notify.h>

#define POLL_NS (50 * NS_PER_MS) /* how often a waiter checks whether it must stop */

struct notification *notify_create(void)
{
    struct notification *n = kzalloc(sizeof *n);
    if (n) {
        n->lock = (spinlock_t)SPINLOCK_INIT;
        waitq_init(&n->wq);
        list_init(&n->owner_link);
    }
    return n;
}

void notify_free(struct notification *n)
{
    kfree(n);
}

void notify_signal(struct notification *n, uint64_t bits)
{
    irqflags_t f = spin_lock_irqsave(&n->lock);
    n->bits |= bits;
    bool waiters = !list_empty(&n->wq.waiters);
    spin_unlock_irqrestore(&n->lock, f);
    if (waiters)
        waitq_wake(&n->wq, WAKE_ALL); /* each rechecks its own mask */
}

uint64_t notify_wait(struct notification *n, uint64_t mask, uint64_t deadline_ns,
                     volatile enum trap_kind *interrupted)
{
    irqflags_t f = spin_lock_irqsave(&n->lock);
    uint64_t got;
    while (!(got = n->bits & mask)) {
        uint64_t now = plat_clock_ns();
        if (now >= deadline_ns || (interrupted && *interrupted))
            break;
        waitq_wait(&n->wq, &n->lock, MIN(deadline_ns, now + POLL_NS));
    }
    n->bits &= ~got;
    spin_unlock_irqrestore(&n->lock, f);
    return got;
}
