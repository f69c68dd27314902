/* The host-call layer's own state: the per-component context every import
 * module's instance parameter points to, and the interruptible sleep that
 * blocking host calls (serve, poll_oneoff) wait in. See athanor/host.h. */
#include <athanor/errors.h>
#include <athanor/heap.h>
#include <athanor/host.h>
#include <athanor/sched.h>

host_ctx *host_ctx_create(struct component *c)
{
    host_ctx *h = kzalloc(sizeof *h);
    if (h)
        h->comp = c;
    return h;
}

void host_ctx_destroy(host_ctx *h)
{
    kfree(h);
}

void host_sleep_until(uint64_t deadline_ns)
{
    struct waitq q; /* nobody else waits here: only the deadline or a stop ends it */
    waitq_init(&q);
    while (plat_clock_ns() < deadline_ns && waitq_wait_intr(&q, NULL, deadline_ns) != -ATH_EINTR)
        ;
}
