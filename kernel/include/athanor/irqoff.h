/* How long interrupts stay off: the platform reports every change of the
 * interrupt flag (irqoff_begin when they go off — in thread context or by
 * an interrupt's arrival — and irqoff_end when they come back on), the core
 * keeps a histogram and the longest sections with where they began. This
 * is the latency bound of docs/security.md, measured (make bench). Costs
 * two reads of the cycle counter per section, so it is off until
 * irqoff_enable (the irqoff benchmark turns it on). */
#ifndef ATHANOR_IRQOFF_H
#define ATHANOR_IRQOFF_H

#include <athanor/types.h>

#define IRQOFF_BUCKETS 24 /* [0,1) us, [1,2) us, [2,4) us, ... */
#define IRQOFF_TOP 8      /* the longest sections kept, one per place */

struct irqoff_stats {
    uint64_t  sections;
    uint64_t  buckets[IRQOFF_BUCKETS];   /* sections by length, doubling from 1 us */
    struct {
        uint64_t  ns;
        uintptr_t where;                 /* code that turned interrupts off */
    } top[IRQOFF_TOP];                   /* longest first; distinct places */
};

/* The platform's hooks: interrupts just went off (where: the code that did
 * it), or are about to go on. Idempotent: nested offs and ons are one
 * section. With interrupts off, no locks. */
void irqoff_enable(bool on);
void irqoff_begin(uintptr_t where);
void irqoff_end(void);
/* A copy of the statistics since boot or the last reset. */
void irqoff_get(struct irqoff_stats *out);
void irqoff_reset(void);

#endif
