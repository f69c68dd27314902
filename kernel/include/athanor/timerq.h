/* Deadline-ordered queue of timeouts (sleeping threads, wait timeouts).
 * Pure data structure; the scheduler holds sched_lock around every call.
 * Insertion is O(n) in the number of pending timeouts, which is small. */
#ifndef ATHANOR_TIMERQ_H
#define ATHANOR_TIMERQ_H

#include <athanor/list.h>

struct timeout {
    struct list_node node;
    uint64_t         deadline_ns;
};

struct timerq {
    struct list_node head;
};

void timerq_init(struct timerq *q);
/* Insert keeping deadline order; equal deadlines keep insertion order (FIFO). */
void timerq_insert(struct timerq *q, struct timeout *t);
void timerq_remove(struct timerq *q, struct timeout *t);
/* Earliest deadline, or UINT64_MAX when empty. */
uint64_t timerq_next(const struct timerq *q);
/* Remove and return one timeout whose deadline is <= now, or NULL. */
struct timeout *timerq_pop_expired(struct timerq *q, uint64_t now);

#endif
