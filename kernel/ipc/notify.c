/* Notifications (see notify.h). */
#include <athanor/errors.h>
#include <athanor/heap.h>
#include <athanor/klib.h>
#include <athanor/notify.h>

struct notification *notify_create(void)
{
    struct notification *n = kzalloc(sizeof *n); /* charged to the caller's account */
    if (n) {
        n->lock = (spinlock_t)SPINLOCK_INIT;
        n->refs = 1;
        waitq_init(&n->wq);
    }
    return n;
}

void notify_get(struct notification *n)
{
    __atomic_fetch_add(&n->refs, 1, __ATOMIC_RELAXED);
}

void notify_put(struct notification *n)
{
    if (__atomic_sub_fetch(&n->refs, 1, __ATOMIC_ACQ_REL) == 0)
        kfree(n); /* back to the account that paid for it */
}

void notify_kill(struct notification *n)
{
    irqflags_t f = spin_lock_irqsave(&n->lock);
    n->dead = true;
    spin_unlock_irqrestore(&n->lock, f);
    waitq_wake(&n->wq, WAKE_ALL);
}

bool notify_dead(struct notification *n)
{
    irqflags_t f = spin_lock_irqsave(&n->lock);
    bool dead = n->dead;
    spin_unlock_irqrestore(&n->lock, f);
    return dead;
}

void notify_signal(struct notification *n, uint64_t bits)
{
    irqflags_t f = spin_lock_irqsave(&n->lock);
    if (!n->dead)
        n->bits |= bits;
    bool waiters = !list_empty(&n->wq.waiters);
    spin_unlock_irqrestore(&n->lock, f);
    if (waiters)
        waitq_wake(&n->wq, WAKE_ALL); /* each rechecks its own mask */
}

int notify_wait(struct notification *n, uint64_t mask, uint64_t deadline_ns, uint64_t *got)
{
    irqflags_t f = spin_lock_irqsave(&n->lock);
    int r = 0;
    uint64_t g;
    while (!(g = n->bits & mask) && !n->dead && r != -ATH_ETIMEDOUT && r != -ATH_EINTR)
        r = waitq_wait_intr(&n->wq, &n->lock, deadline_ns);
    n->bits &= ~g;
    bool dead = n->dead;
    spin_unlock_irqrestore(&n->lock, f);
    *got = g;
    return dead && !g ? -ATH_ESTALE : 0;
}
