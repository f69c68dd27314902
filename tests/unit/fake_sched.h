/* Fake scheduler for the unit tests of the component layer (ipc, hw, the
 * lifecycle): one current thread, wait queues whose waits call a hook the
 * test sets (nothing really sleeps), threads that are created but run only
 * when a test runs them. */
#ifndef UNIT_FAKE_SCHED_H
#define UNIT_FAKE_SCHED_H

#include <athanor/sched.h>

/* The thread every fake thread_current() returns (zeroed by fake_sched_reset). */
struct thread *fake_self(void);
void           fake_sched_reset(void);

/* A wait (waitq_wait or waitq_wait_intr) returns what the hook returns;
 * without a hook, -ATH_ETIMEDOUT. */
void     fake_wait_hook(int (*hook)(struct waitq *wq, bool interruptible));
unsigned fake_waits(void);       /* waits since reset */
unsigned fake_wakes(void);       /* waitq_wake calls since reset */
unsigned fake_interrupts(void);  /* thread_interrupt calls since reset */

/* thread_create: fails (NULL) while fake_thread_fail is set; else records
 * the entry and its argument (the last thread made) without running it. */
extern bool fake_thread_fail;
struct thread *fake_last_thread(void);
void         (*fake_last_entry(void))(void *);
void          *fake_last_arg(void);

#endif
