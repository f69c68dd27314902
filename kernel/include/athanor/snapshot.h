/* Copy-on-write snapshots of a component for reset (kernel/comp/snapshot.c).
 * All functions run on the component's own thread. */
#ifndef ATHANOR_SNAPSHOT_H
#define ATHANOR_SNAPSHOT_H

#include <athanor/types.h>

struct component;
struct snapshot;

/* The snapshot subsystem's part of a component. The snapshot itself
 * belongs to the component's thread (taken, restored and freed there);
 * the figures of the last restore are written there too, and only read elsewhere. */
struct comp_snap {
    struct snapshot *snap;       /* post-initialisation snapshot; NULL: none (yet) */
    uint64_t         last_ns;    /* time the last restore took */
    uint32_t         last_pages; /* pages it copied back */
};

/* Take the snapshot now (right after instantiation): memory becomes
 * copy-on-write, globals are copied. 0 or -ATH_ENOMEM (then no snapshot). */
int  snapshot_take(struct component *c);
/* Put memory and globals back to the snapshot (timed, and its pages
 * counted, in the part). Tables are not part of the snapshot: a component that grew a table
 * cannot be reset (see comp_reset). -ATH_ENOENT without a snapshot. */
int  snapshot_restore(struct component *c);
/* The lifecycle's stop hook: free the snapshot (its thread, at teardown). */
void snapshot_comp_stop(struct component *c);

#endif
