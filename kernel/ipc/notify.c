/* Notifications (see notify.h). */
#include <athanor/errors.h>
#include <athanor/heap.h>
#include <athanor/klib.h>
#include <athanor/notify.h>

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

uint64_t notify_wait(struct notification *n, uint64_t mask, uint64_t deadline_ns)
{
    irqflags_t f = spin_lock_irqsave(&n->lock);
    uint64_t got;
    int r = 0;
    while (!(got = n->bits & mask) && r != -ATH_ETIMEDOUT && r != -ATH_EINTR)
        r = waitq_wait_intr(&n->wq, &n->lock, deadline_ns);
    n->bits &= ~got;
    spin_unlock_irqrestore(&n->lock, f);
    return got;
}
