/* Notifications (kernel/ipc/notify.c): a 64-bit mask that can be signalled
 * (bits OR-ed in) and waited on (until any bit of a mask is set, or a
 * timeout); the waiter takes and clears the bits it waited for. This is how
 * interrupts will reach drivers. */
#ifndef ATHANOR_NOTIFY_H
#define ATHANOR_NOTIFY_H

#include <athanor/component.h> /* enum trap_kind: a stopping component's wait ends */

/* A notification belongs to the component that created it and is freed
 * when that component stops; every capability to it elsewhere derives from
 * the creator's and is revoked at the same moment. */
struct notification {
    spinlock_t       lock;  /* guards bits; waiters queue on wq under it */
    uint64_t         bits;
    struct waitq     wq;
    struct list_node owner_link;
};

struct notification *notify_create(void);
void notify_free(struct notification *n);
void notify_signal(struct notification *n, uint64_t bits);
/* Wait until (bits & mask) != 0 or the deadline; returns the matched bits
 * (cleared from the notification), or 0 on timeout or when the waiting
 * component is asked to stop (an interruptible wait). */
uint64_t notify_wait(struct notification *n, uint64_t mask, uint64_t deadline_ns);

#endif
