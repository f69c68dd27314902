/* Fake scheduler for the component-layer unit tests (see fake_sched.h). */
#include <stdlib.h>
#include <string.h>

#include "fake_platform.h"
#include "fake_sched.h"

#include <athanor/errors.h>

static struct thread self;
static int (*wait_hook)(struct waitq *, bool);
static unsigned waits, wakes, interrupts;
bool fake_thread_fail;
static struct thread made;
static void (*made_entry)(void *);
static void *made_arg;

struct thread *fake_self(void) { return &self; }
struct thread *thread_current(void) { return &self; }

void fake_sched_reset(void)
{
    memset(&self, 0, sizeof self);
    memset(&made, 0, sizeof made);
    wait_hook = NULL;
    waits = wakes = interrupts = 0;
    fake_thread_fail = false;
    made_entry = NULL;
    made_arg = NULL;
}

void fake_wait_hook(int (*hook)(struct waitq *, bool)) { wait_hook = hook; }
unsigned fake_waits(void) { return waits; }
unsigned fake_wakes(void) { return wakes; }
unsigned fake_interrupts(void) { return interrupts; }

void waitq_init(struct waitq *wq) { list_init(&wq->waiters); }

static int wait(struct waitq *wq, bool intr)
{
    waits++;
    return wait_hook ? wait_hook(wq, intr) : -ATH_ETIMEDOUT;
}

int waitq_wait(struct waitq *wq, struct spinlock *lock, uint64_t deadline_ns)
{
    (void)lock, (void)deadline_ns;
    return wait(wq, false);
}

int waitq_wait_intr(struct waitq *wq, struct spinlock *lock, uint64_t deadline_ns)
{
    (void)lock, (void)deadline_ns;
    return wait(wq, true);
}

int waitq_wake(struct waitq *wq, int n)
{
    (void)wq, (void)n;
    wakes++;
    return 0;
}

void plat_irq_enable(void) { fake_irq_set(true); }

void thread_interrupt(struct thread *t) { (void)t; interrupts++; }
void thread_set_cpu_budget(uint64_t ns) { (void)ns; }

struct thread *thread_create(const char *name, void (*entry)(void *), void *arg, int prio,
                             size_t stack_size)
{
    (void)name, (void)prio, (void)stack_size;
    if (fake_thread_fail)
        return NULL;
    memset(&made, 0, sizeof made);
    made_entry = entry;
    made_arg = arg;
    return &made;
}

void thread_detach(struct thread *t) { (void)t; }
struct thread *fake_last_thread(void) { return &made; }
void (*fake_last_entry(void))(void *) { return made_entry; }
void *fake_last_arg(void) { return made_arg; }
