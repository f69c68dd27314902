/* Refused hardware accesses (see hw.h): every check of decode
 * (hw/hostcalls.c) that says no counts it in the component and reports the
 * first few on the console, so a driver reaching past its capabilities is
 * seen, not just stopped. */
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/hw.h>
#include <athanor/klib.h>

#define REPORTED_PER_GENERATION 8 /* console lines; the count goes on */

void hw_refused(struct component *c, const char *what, uint64_t where, int err)
{
    uint32_t n = __atomic_add_fetch(&c->hw.refused, 1, __ATOMIC_RELAXED);
    if (n <= REPORTED_PER_GENERATION)
        kprintf("comp %s: refused %s %#llx (%s)%s\n", c->cfg->name, what, (unsigned long long)where,
                ath_strerror(err),
                n == REPORTED_PER_GENERATION ? "; further refusals only counted" : "");
}
