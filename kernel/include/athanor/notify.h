/* Notifications (kernel/ipc/notify.c): a 64-bit mask that can be signalled
 * (bits OR-ed in) and waited on (until any bit of a mask is set, or a
 * timeout); the waiter takes and clears the bits it waited for. Interrupts
 * reach drivers this way, and the supervisor hears of stopped components.
 *
 * Lifetime: a notification lives as long as its original capability (the
 * one notify_create's caller got); every other capability to it derives
 * from that one and goes with it. When the original goes (deleted, or its
 * owner stopped), the notification is dead: waiters wake with -ATH_ESTALE,
 * no interrupt line or watcher signals it any more. Its memory goes with
 * the last reference: the original's, and one per user in flight (taken by
 * cap_lookup_pin). It is charged to the component that created it. */
#ifndef ATHANOR_NOTIFY_H
#define ATHANOR_NOTIFY_H

#include <athanor/sched.h>
#include <athanor/spinlock.h>

struct notification {
    spinlock_t   lock;  /* guards bits and dead; waiters queue on wq under it */
    uint64_t     bits;
    bool         dead;
    uint32_t     refs;  /* atomic */
    struct waitq wq;
};

/* A new notification holding one reference (its original capability's).
 * NULL when out of memory or over the current component's quota. */
struct notification *notify_create(void);
void notify_get(struct notification *n);
void notify_put(struct notification *n);
/* The original capability is gone: dead from now on, every waiter woken. */
void notify_kill(struct notification *n);
/* Signal bits (a dead notification ignores them). */
void notify_signal(struct notification *n, uint64_t bits);
/* Wait until (bits & mask) != 0 or the deadline; *got: the matched bits
 * (cleared from the notification), 0 on timeout or when the waiting
 * component is asked to stop (an interruptible wait). 0, or -ATH_ESTALE if
 * it is or becomes dead. */
int  notify_wait(struct notification *n, uint64_t mask, uint64_t deadline_ns, uint64_t *got);
/* Is it dead? (under its lock, for those who store a pointer to it) */
bool notify_dead(struct notification *n);

#endif
