/* Priority run queue operations (see runqueue.h). */
#include <athanor/klib.h>
#include <athanor/runqueue.h>

void rq_init(struct runqueue *rq)
{
    rq->bitmap = 0;
    rq->count = 0;
    for (int i = 0; i < PRIO_LEVELS; i++)
        list_init(&rq->level[i]);
}

void rq_push_back(struct runqueue *rq, struct list_node *n, int prio)
{
    KASSERT(prio >= PRIO_MIN && prio <= PRIO_MAX && !list_linked(n));
    list_push_back(&rq->level[prio], n);
    rq->bitmap |= 1u << prio;
    rq->count++;
}

void rq_push_front(struct runqueue *rq, struct list_node *n, int prio)
{
    KASSERT(prio >= PRIO_MIN && prio <= PRIO_MAX && !list_linked(n));
    list_push_front(&rq->level[prio], n);
    rq->bitmap |= 1u << prio;
    rq->count++;
}

void rq_remove(struct runqueue *rq, struct list_node *n, int prio)
{
    KASSERT(list_linked(n));
    list_remove(n);
    if (list_empty(&rq->level[prio]))
        rq->bitmap &= ~(1u << prio);
    rq->count--;
}

int rq_top_prio(const struct runqueue *rq)
{
    return rq->bitmap ? 31 - __builtin_clz(rq->bitmap) : -1;
}

struct list_node *rq_pop(struct runqueue *rq, int *prio_out)
{
    int p = rq_top_prio(rq);
    if (p < 0)
        return NULL;
    struct list_node *n = rq->level[p].next;
    rq_remove(rq, n, p);
    if (prio_out)
        *prio_out = p;
    return n;
}
