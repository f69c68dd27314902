/* Handing restart decisions to a supervisor component. A component holding
 * a read capability to every component (the manifest's "manage") may
 * register one notification as the system's watcher: from then on, every
 * time a component stops, the kernel sets the watcher's bits instead of
 * applying the manifest's restart policy itself, and the supervisor
 * decides (with backoff, and giving up by the manifest's rate limit). If
 * the supervisor itself stops, or its notification goes, the kernel applies
 * the policies again, and restarts the supervisor by its own.
 * Listeners are separate: up to COMP_LISTENERS components (the privacy
 * service) may have bits set in a notification of theirs whenever any
 * component stops or is reset, to learn that a holder of something they
 * handed out is gone; they decide nothing about restarts.
 * Locking: watch_lock guards the watcher and the listeners (taken in
 * finish, do_reset and host calls). */
#include <athanor/lifecycle.h>
#include <athanor/errors.h>
#include <athanor/notify.h>
#include <athanor/spinlock.h>

static spinlock_t           watch_lock = SPINLOCK_INIT;
static struct notification *watcher;
static uint64_t             watcher_bits;
static struct component    *watcher_owner;

int comp_watch(struct component *owner, struct notification *n, uint64_t bits)
{
    if (!bits)
        return -ATH_EINVAL;
    irqflags_t f = spin_lock_irqsave(&watch_lock);
    int r = watcher && watcher_owner != owner ? -ATH_EBUSY : 0; /* one supervisor */
    if (r == 0 && notify_dead(n))
        r = -ATH_ESTALE; /* ordered against its death: it dies, then comp_watch_forget */
    if (r == 0) {
        watcher = n;
        watcher_bits = bits;
        watcher_owner = owner;
    }
    spin_unlock_irqrestore(&watch_lock, f);
    return r;
}

bool comp_supervised(struct component *c)
{
    irqflags_t f = spin_lock_irqsave(&watch_lock);
    bool yes = watcher && c != watcher_owner && watcher_owner->state == COMP_RUNNING;
    if (yes)
        notify_signal(watcher, watcher_bits);
    spin_unlock_irqrestore(&watch_lock, f);
    return yes;
}

void comp_watch_forget(struct component *owner, struct notification *n)
{
    irqflags_t f = spin_lock_irqsave(&watch_lock);
    if (watcher && (watcher == n || watcher_owner == owner) ) {
        watcher = NULL;
        watcher_owner = NULL;
    }
    spin_unlock_irqrestore(&watch_lock, f);
}

#define COMP_LISTENERS 4
static struct {
    struct component    *owner;
    struct notification *n;
    uint64_t             bits;
} listeners[COMP_LISTENERS];

int comp_listen(struct component *owner, struct notification *n, uint64_t bits)
{
    if (!bits)
        return -ATH_EINVAL;
    irqflags_t f = spin_lock_irqsave(&watch_lock);
    int r = notify_dead(n) ? -ATH_ESTALE : -ATH_EBUSY; /* dead: ordered as in comp_watch */
    for (unsigned i = 0; r == -ATH_EBUSY && i < COMP_LISTENERS; i++)
        if (!listeners[i].owner || listeners[i].owner == owner) { /* again: moves it */
            listeners[i].owner = owner;
            listeners[i].n = n;
            listeners[i].bits = bits;
            r = 0;
        }
    spin_unlock_irqrestore(&watch_lock, f);
    return r;
}

void comp_listeners_signal(struct component *c)
{
    irqflags_t f = spin_lock_irqsave(&watch_lock);
    for (unsigned i = 0; i < COMP_LISTENERS; i++)
        if (listeners[i].owner && listeners[i].owner != c)
            notify_signal(listeners[i].n, listeners[i].bits);
    spin_unlock_irqrestore(&watch_lock, f);
}

void comp_listen_forget(struct component *owner, struct notification *n)
{
    irqflags_t f = spin_lock_irqsave(&watch_lock);
    for (unsigned i = 0; i < COMP_LISTENERS; i++)
        if (listeners[i].owner && (listeners[i].owner == owner || listeners[i].n == n))
            listeners[i].owner = NULL;
    spin_unlock_irqrestore(&watch_lock, f);
}
