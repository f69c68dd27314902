/* The component lifecycle (kernel/comp/component.c): start, kill, restart,
 * reset, the restart policy and the supervisor's watch. The top of the
 * kernel's subsystems: it starts and stops the parts the others own; none
 * of them includes this header. Names are manifest names. */
#ifndef ATHANOR_LIFECYCLE_H
#define ATHANOR_LIFECYCLE_H

#include <athanor/component.h>

/* Makes the component table; starts the autostart components if asked
 * (not in test and benchmark runs, which start what they need). */
void comp_init(bool autostart);
/* Start every component the manifest starts at this boot profile; the
 * number started, or a negative error if one could not be (or none is). */
int  comp_boot(enum comp_boot profile);
/* A component loaded at run time (kernel/load/app.c): take a free slot for
 * cfg (kmalloc'd, with everything it points to in the same block) running
 * pkg's image; the slot owns both from here, also on failure. It is not
 * started. -ATH_EEXIST (a component has that name), -ATH_ENOMEM (no free
 * slot, no memory). */
int  comp_create(struct comp_config *cfg, struct pkg *pkg, struct component **out);
/* Give a stopped runtime-loaded component's slot back: its config, its
 * capability table, its reference to its package. -ATH_EBUSY (running, or
 * the manager is looking at its stop right now), -ATH_EPERM (built in). */
int  comp_remove(struct component *c);
/* Replace the code c runs by pkg's (a new version of a driver, a service,
 * an app) without a reboot: stop it if it runs, swap, and start it again
 * in a new generation (its clients reconnect as after any restart); its
 * manifest entry (capabilities, calls, devices) stays. Takes pkg's
 * reference, also on failure; gives the old package's back.
 * -ATH_ETIMEDOUT (it did not stop), -ATH_EBUSY (it was started again
 * meanwhile), or start's errors. */
int  comp_update(struct component *c, struct pkg *pkg);
/* Start c with args (space-separated; NULL: the manifest's). Restarts, by
 * its policy or comp_restart, keep the arguments of the last start. */
int  comp_start(struct component *c, const char *args);
int  comp_kill(struct component *c);            /* stop it, no restart */
int  comp_restart(struct component *c);         /* kill if running, start afresh */
/* Put a running component's memory and globals back to its post-init
 * snapshot and run its entry point again, in the same generation.
 * -ATH_ENOENT (not running), -ATH_EAGAIN (not initialised yet), -ATH_EBUSY
 * (it grew a table since), -ATH_ETIMEDOUT, -ATH_ENOMEM (the snapshot could
 * not be restored: it stopped instead), -ATH_EPEERRESTARTED (another stop
 * came first and it restarted: a fresh instance). Callers running its handler are
 * abandoned first (their calls fail with -ATH_EPEERFAILED). */
int  comp_reset(struct component *c);
/* Make a running component trap with `kind` (a fault kind, not KILLED or
 * RESET) as soon as it next runs: in its own code, in a call's handler, or
 * when a host call it waits in returns. It is reported as that fault
 * ("injected") and its restart policy applies. Does not wait. For
 * demonstrations and the fault-injection tests. */
int  comp_inject(struct component *c, enum trap_kind kind);
/* A supervisor component (kernel/comp/supervise.c): register n as the
 * watcher (bits set on every component stop); -ATH_EBUSY if another holds
 * it. comp_supervised: called when c stopped: true (and the watcher
 * signalled) if a running supervisor decides about c. comp_watch_forget: the
 * owner stops or the notification goes. */
struct notification;
int  comp_watch(struct component *owner, struct notification *n, uint64_t bits);
bool comp_supervised(struct component *c);
void comp_watch_forget(struct component *owner, struct notification *n);
/* Listeners (supervise.c): owner's n gets bits whenever another component
 * stops or is reset (comp_listeners_signal, from finish and reset); at most
 * a few listen (-ATH_EBUSY); listening again moves the registration.
 * comp_listen_forget: the owner stops or the notification goes. */
int  comp_listen(struct component *owner, struct notification *n, uint64_t bits);
void comp_listeners_signal(struct component *c);
void comp_listen_forget(struct component *owner, struct notification *n);
/* The supervisor restarts a component that stopped: like the kernel's own
 * policy would (counts the restart, times trap to running). */
int  comp_recover(struct component *c);
/* Wait until it is no longer running (or the deadline passes); -ATH_ETIMEDOUT. */
int  comp_wait(struct component *c, uint64_t deadline_ns);

/* The capability part's hooks (kernel/comp/caps.c; see the part table in
 * component.c). */
int  caps_comp_start(struct component *c, const char *args);
void caps_comp_stop(struct component *c);

/* Tests: paint each starting component's stack, and measure at its end how
 * close to the stack's base anything wrote (stack_low). */
extern bool comp_stack_watch;

#endif
