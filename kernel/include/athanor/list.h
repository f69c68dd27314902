/* Intrusive doubly linked circular lists (Linux style). Not thread-safe:
 * the owner of the list head provides the locking. */
#ifndef ATHANOR_LIST_H
#define ATHANOR_LIST_H

#include <athanor/types.h>

struct list_node {
    struct list_node *next, *prev;
};

#define LIST_INIT(name) { &(name), &(name) }

static inline void list_init(struct list_node *h) { h->next = h->prev = h; }
static inline bool list_empty(const struct list_node *h) { return h->next == h; }
/* A node is "linked" iff it is on some list; unlinked nodes point to themselves. */
static inline bool list_linked(const struct list_node *n) { return n->next != n; }

static inline void list_insert_between(struct list_node *n, struct list_node *prev,
                                       struct list_node *next)
{
    n->prev = prev;
    n->next = next;
    prev->next = n;
    next->prev = n;
}
static inline void list_push_back(struct list_node *h, struct list_node *n)
{
    list_insert_between(n, h->prev, h);
}
static inline void list_push_front(struct list_node *h, struct list_node *n)
{
    list_insert_between(n, h, h->next);
}
static inline void list_insert_before(struct list_node *pos, struct list_node *n)
{
    list_insert_between(n, pos->prev, pos);
}
static inline void list_remove(struct list_node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->next = n->prev = n;
}
static inline struct list_node *list_pop_front(struct list_node *h)
{
    if (list_empty(h))
        return NULL;
    struct list_node *n = h->next;
    list_remove(n);
    return n;
}

#define list_for_each(pos, head) \
    for (struct list_node *pos = (head)->next; pos != (head); pos = pos->next)
#define list_for_each_safe(pos, tmp, head) \
    for (struct list_node *pos = (head)->next, *tmp = pos->next; pos != (head); \
         pos = tmp, tmp = pos->next)

#endif
