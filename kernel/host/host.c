/* The host-call layer's own code: its part of a component (the import
 * modules' context, athanor/host_ctx.h) and the interruptible sleep that
 * blocking host calls (serve, poll_oneoff) wait in. See athanor/host.h. */
#include <athanor/errors.h>
#include <athanor/host.h>
#include <athanor/sched.h>

void host_comp_init(struct component *c)
{
    c->host.comp = c;
}

bool host_sleep_until(uint64_t deadline_ns)
{
    struct waitq q; /* nobody else waits here: only the deadline or a stop ends it */
    waitq_init(&q);
    while (plat_clock_ns() < deadline_ns)
        if (waitq_wait_intr(&q, NULL, deadline_ns) == -ATH_EINTR)
            return false;
    return true;
}
