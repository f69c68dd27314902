/* Copy-on-write snapshots of a component for reset (kernel/comp/snapshot.c).
 * All functions run on the component's own thread. */
#ifndef ATHANOR_SNAPSHOT_H
#define ATHANOR_SNAPSHOT_H

#include <athanor/component.h>

/* Take the snapshot now (right after instantiation): memory becomes
 * read-only, globals are copied. 0 or -ATH_ENOMEM (then no snapshot). */
int  snapshot_take(struct component *c);
/* A write fault at addr: save the page's original and make it writable.
 * False if addr is not a snapshot page or no frame is left for the copy. */
bool snapshot_cow(struct component *c, uintptr_t addr);
/* Put memory and globals back to the snapshot; pages copied back go to
 * *pages_restored. Tables are not part of the snapshot: a component that
 * grew a table cannot be reset (see comp_reset). */
int  snapshot_restore(struct component *c, uint32_t *pages_restored);
void snapshot_free(struct component *c);

#endif
