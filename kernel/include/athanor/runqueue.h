/* Priority run queue: one FIFO list per priority plus a bitmap of non-empty
 * levels, so picking the next thread is O(1). Pure data structure; the
 * scheduler holds sched_lock around every call. */
#ifndef ATHANOR_RUNQUEUE_H
#define ATHANOR_RUNQUEUE_H

#include <athanor/list.h>

#define PRIO_LEVELS  32
#define PRIO_MIN     0
#define PRIO_MAX     (PRIO_LEVELS - 1)
#define PRIO_DEFAULT 16

struct runqueue {
    uint32_t         bitmap;            /* bit p set iff level p is non-empty */
    unsigned         count;
    struct list_node level[PRIO_LEVELS];
};

void rq_init(struct runqueue *rq);
void rq_push_back(struct runqueue *rq, struct list_node *n, int prio);
void rq_push_front(struct runqueue *rq, struct list_node *n, int prio);
void rq_remove(struct runqueue *rq, struct list_node *n, int prio);
/* Highest non-empty priority, or -1 when empty. */
int  rq_top_prio(const struct runqueue *rq);
/* Remove and return the first node of the highest level (NULL if empty). */
struct list_node *rq_pop(struct runqueue *rq, int *prio_out);

#endif
