/* Deadline-ordered timeout queue (see timerq.h). */
#include <athanor/timerq.h>

void timerq_init(struct timerq *q)
{
    list_init(&q->head);
}

void timerq_insert(struct timerq *q, struct timeout *t)
{
    /* Walk from the back: new timeouts are usually the latest ones. */
    struct list_node *pos = q->head.prev;
    while (pos != &q->head &&
           container_of(pos, struct timeout, node)->deadline_ns > t->deadline_ns)
        pos = pos->prev;
    list_insert_between(&t->node, pos, pos->next);
}

void timerq_remove(struct timerq *q, struct timeout *t)
{
    (void)q;
    if (list_linked(&t->node))
        list_remove(&t->node);
}

uint64_t timerq_next(const struct timerq *q)
{
    if (list_empty(&q->head))
        return UINT64_MAX;
    return container_of(q->head.next, struct timeout, node)->deadline_ns;
}

struct timeout *timerq_pop_expired(struct timerq *q, uint64_t now)
{
    if (list_empty(&q->head))
        return NULL;
    struct timeout *t = container_of(q->head.next, struct timeout, node);
    if (t->deadline_ns > now)
        return NULL;
    list_remove(&t->node);
    return t;
}
