/* Copy-on-write snapshots of a component for reset (kernel/comp/snapshot.c).
 * All functions run on the component's own thread. */
#ifndef ATHANOR_SNAPSHOT_H
#define ATHANOR_SNAPSHOT_H

#include <athanor/component.h>

/* Take the snapshot now (right after instantiation): memory becomes
 * copy-on-write, globals are copied. 0 or -ATH_ENOMEM (then no snapshot). */
int  snapshot_take(struct component *c);
/* Put memory and globals back to the snapshot; *pages_restored: pages the
 * platform restored (0 where it does not count them). Tables are not part of the snapshot: a component that
 * grew a table cannot be reset (see comp_reset). */
int  snapshot_restore(struct component *c, uint32_t *pages_restored);
void snapshot_free(struct component *c);

#endif
