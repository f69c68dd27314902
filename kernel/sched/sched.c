/* The scheduler: per-CPU current/idle threads, a global priority run queue,
 * a timeout queue, wait queues, preemption by time slice and by priority.
 *
 * Locking (see sched.h): sched_lock, taken with interrupts disabled, guards
 * all of it. schedule_locked() is entered and left with sched_lock held; the
 * thread that resumes after plat_ctx_switch() is the one that releases it.
 * Lock order: any subsystem lock (console, heap...) → sched_lock. Nothing
 * allocates or frees memory while holding sched_lock. */
#include <athanor/errors.h>
#include <athanor/heap.h>
#include <athanor/klib.h>
#include <athanor/sched.h>
#include <athanor/spinlock.h>

/* The wasm runtime's stack limit (kernel/rt), a global as wasm2c's design
 * wants: it belongs to whichever thread runs, so it is saved per thread. */

struct cpu {
    struct thread *current;
    struct thread *idle;
    struct thread *prev;          /* thread we just switched away from */
    bool           need_resched;
};

static spinlock_t       sched_lock = SPINLOCK_INIT;
static struct cpu       cpus[PLAT_MAX_CPUS];
static struct runqueue  rq;
static struct timerq    tq;
static struct list_node all_threads = LIST_INIT(all_threads);
static struct list_node zombies = LIST_INIT(zombies);   /* detached, exited, to free */
static uint32_t         next_tid = 1;
static struct sched_stats stats;

static inline struct cpu *this_cpu(void) { return &cpus[plat_cpu_id()]; }

struct thread *thread_current(void) { return this_cpu()->current; }

struct thread *sched_running;

static const char *const state_names[] = {
    [THREAD_READY] = "ready",       [THREAD_RUNNING] = "running", [THREAD_BLOCKED] = "blocked",
    [THREAD_SLEEPING] = "sleeping", [THREAD_DEAD] = "dead",
};
const char *thread_state_name(enum thread_state s)
{
    return (unsigned)s < ARRAY_LEN(state_names) ? state_names[s] : "?";
}

/* Arm the CPU timer for the next event: earliest timeout, or the end of the
 * current slice if another thread of the same priority is waiting to run. */
static void rearm_timer(struct cpu *c)
{
    uint64_t deadline = timerq_next(&tq);
    struct thread *cur = c->current;
    if (cur->nopreempt) {
        /* Not its slice or budget: an interrupt exit could not act on them
         * (a timer in the past would fire again and again, and the
         * section would never get to run), and the section's end asks
         * for them again (thread_nopreempt_end). */
        plat_timer_arm(deadline);
        return;
    }
    if (!cur->is_idle && rq_top_prio(&rq) >= cur->prio && cur->slice_end_ns < deadline)
        deadline = cur->slice_end_ns;
    if (cur->cpu_left_ns != UINT64_MAX && cur->run_start_ns + cur->cpu_left_ns < deadline)
        deadline = cur->run_start_ns + cur->cpu_left_ns;
    plat_timer_arm(deadline);
}

/* Put t on the run queue; ask for preemption if it outranks the current thread. */
static void make_ready(struct thread *t)
{
    struct cpu *c = this_cpu();
    t->state = THREAD_READY;
    rq_push_back(&rq, &t->rq_node, t->prio);
    if (c->current->is_idle || t->prio > c->current->prio)
        c->need_resched = true;
}

/* Called on the resumed side of every switch, sched_lock held. */
static void finish_switch(struct cpu *c)
{
    struct thread *prev = c->prev;
    c->prev = NULL;
    if (!prev)
        return;
    prev->on_cpu = false;
    if (prev->state == THREAD_DEAD && prev->detached) {
        list_remove(&prev->all_node);
        list_push_back(&zombies, &prev->all_node);
    }
}

static void schedule_locked(void)
{
    struct cpu *c = this_cpu();
    struct thread *prev = c->current;
    uint64_t now = plat_clock_ns();

    uint64_t ran = now - prev->run_start_ns;
    prev->cpu_ns += ran;
    if (prev->cpu_left_ns != UINT64_MAX)
        prev->cpu_left_ns = prev->cpu_left_ns > ran ? prev->cpu_left_ns - ran : 0;
    if (prev->is_idle)
        stats.idle_ns += now - prev->run_start_ns;
    if (prev->state == THREAD_RUNNING) {
        prev->state = THREAD_READY;
        if (!prev->is_idle) /* the idle thread is never queued: it runs when nothing else can */
            rq_push_back(&rq, &prev->rq_node, prev->prio);
    }
    struct list_node *n = rq_pop(&rq, NULL);
    struct thread *next = n ? container_of(n, struct thread, rq_node) : c->idle;
    next->state = THREAD_RUNNING;
    next->run_start_ns = now;
    if (next != prev || now >= next->slice_end_ns)
        next->slice_end_ns = now + SCHED_SLICE_NS;
    c->need_resched = false;
    c->current = next;
    sched_running = next;
    rearm_timer(c);
    if (next == prev)
        return;
    stats.context_switches++;
    next->switches++;
    next->on_cpu = true;
    c->prev = prev;
    rt_switch_out(&prev->rt);
    prev->in_wasm = thread_in_wasm();
    plat_ctx_switch(&prev->ctx, &next->ctx);
    /* We are `prev` again, resumed by some later switch (maybe on another CPU). */
    rt_switch_in(&prev->rt);
    thread_set_in_wasm(prev->in_wasm);
    finish_switch(this_cpu());
}

static void free_thread(struct thread *t)
{
    if (t->stack.size)
        plat_stack_free(&t->stack);
    kfree(t->ctx.xstate);
    kfree(t);
}

/* Free detached threads that have exited. Never called with sched_lock held. */
static void reap_zombies(void)
{
    for (;;) {
        irqflags_t f = spin_lock_irqsave(&sched_lock);
        struct list_node *n = list_pop_front(&zombies);
        spin_unlock_irqrestore(&sched_lock, f);
        if (!n)
            return;
        free_thread(container_of(n, struct thread, all_node));
    }
}

/* After sched_lock is released with interrupts about to be enabled: act on a
 * pending preemption now, or have the timer interrupt do it as soon as
 * interrupts come back on. */
static void preempt_if_needed(void)
{
    if (!this_cpu()->need_resched)
        return;
    if (plat_irq_enabled())
        thread_yield();
    else
        plat_timer_arm(0);
}

void waitq_init(struct waitq *wq)
{
    list_init(&wq->waiters);
}

/* Block the current thread on wq; sched_lock held, interrupts off. */
static int wait_locked(struct waitq *wq, struct spinlock *lock, uint64_t deadline_ns)
{
    struct thread *t = this_cpu()->current;
    KASSERT(!t->is_idle);
    t->state = THREAD_BLOCKED;
    t->waiting_on = wq;
    t->wake_result = 0;
    list_push_back(&wq->waiters, &t->rq_node);
    if (deadline_ns != UINT64_MAX) {
        t->timeout.deadline_ns = deadline_ns;
        timerq_insert(&tq, &t->timeout);
    }
    if (lock)
        spin_unlock(lock);
    schedule_locked();
    return t->wake_result;
}

/* When t's interruptible waits must end (sched_lock held, t current). */
static uint64_t intr_deadline(struct thread *t)
{
    return t->intr_deadline ? t->intr_deadline(t) : UINT64_MAX;
}

int waitq_wait_intr(struct waitq *wq, struct spinlock *lock, uint64_t deadline_ns)
{
    irqflags_t f = plat_irq_save();
    spin_lock(&sched_lock);
    struct thread *t = this_cpu()->current;
    uint64_t stop = intr_deadline(t);
    int r = -ATH_EINTR;
    if (stop > plat_clock_ns()) {
        t->wait_intr = true;
        r = wait_locked(wq, lock, MIN(deadline_ns, stop));
        t->wait_intr = false;
        /* Woken, timed out or interrupted: whichever, decide again. */
        uint64_t now = plat_clock_ns();
        stop = intr_deadline(t);
        if (stop <= now)
            r = -ATH_EINTR;
        else if (r == -ATH_EINTR)
            r = 0; /* interrupted for nothing (a race with a call ending): spurious */
        else if (r == -ATH_ETIMEDOUT && now < deadline_ns)
            r = 0; /* the stop deadline moved on: spurious too */
        spin_unlock(&sched_lock);
        if (lock)
            spin_lock(lock);
    } else {
        spin_unlock(&sched_lock); /* never released `lock` */
    }
    plat_irq_restore(f);
    return r;
}

int waitq_wait(struct waitq *wq, struct spinlock *lock, uint64_t deadline_ns)
{
    irqflags_t f = plat_irq_save();
    spin_lock(&sched_lock);
    int r = wait_locked(wq, lock, deadline_ns);
    spin_unlock(&sched_lock);
    if (lock)
        spin_lock(lock);
    plat_irq_restore(f);
    return r;
}

static void wake_one_locked(struct thread *t, int result)
{
    list_remove(&t->rq_node);
    timerq_remove(&tq, &t->timeout);
    t->waiting_on = NULL;
    t->wake_result = result;
    make_ready(t);
}

static int wake_locked(struct waitq *wq, int n)
{
    int woken = 0;
    while (woken < n && !list_empty(&wq->waiters)) {
        wake_one_locked(container_of(wq->waiters.next, struct thread, rq_node), 0);
        woken++;
    }
    return woken;
}

int waitq_wake(struct waitq *wq, int n)
{
    irqflags_t f = spin_lock_irqsave(&sched_lock);
    int woken = wake_locked(wq, n);
    spin_unlock_irqrestore(&sched_lock, f);
    preempt_if_needed();
    return woken;
}

static void thread_start(void *arg)
{
    struct thread *t = arg;
    rt_thread_begin();
    thread_set_in_wasm(false);
    finish_switch(this_cpu());
    spin_unlock(&sched_lock);
    plat_irq_enable();
    t->entry(t->arg);
    thread_exit(0);
}

struct thread *thread_create(const char *name, void (*entry)(void *), void *arg, int prio,
                             size_t stack_size)
{
    if (prio < PRIO_MIN || prio > PRIO_MAX || !entry)
        return NULL;
    reap_zombies();
    struct thread *t = kzalloc(sizeof *t);
    if (!t)
        return NULL;
    size_t xs = plat_xstate_size();
    if (xs && !(t->ctx.xstate = kmalloc_aligned(xs, 64))) {
        kfree(t);
        return NULL;
    }
    if (plat_stack_alloc(stack_size ? stack_size : THREAD_STACK_DEFAULT, &t->stack) != 0) {
        kfree(t->ctx.xstate);
        kfree(t);
        return NULL;
    }
    kstrlcpy(t->name, name, sizeof t->name);
    t->entry = entry;
    t->arg = arg;
    t->prio = prio;
    t->cpu_left_ns = UINT64_MAX;
    list_init(&t->rq_node);
    list_init(&t->timeout.node);
    waitq_init(&t->joiners);
    plat_ctx_init(&t->ctx, t->stack.base, t->stack.size, thread_start, t);

    irqflags_t f = spin_lock_irqsave(&sched_lock);
    t->tid = next_tid++;
    list_push_back(&all_threads, &t->all_node);
    stats.threads++;
    make_ready(t);
    spin_unlock_irqrestore(&sched_lock, f);
    preempt_if_needed();
    return t;
}

void thread_detach(struct thread *t)
{
    irqflags_t f = spin_lock_irqsave(&sched_lock);
    t->detached = true;
    bool free_now = t->state == THREAD_DEAD && !t->on_cpu;
    if (free_now) {
        list_remove(&t->all_node);
        stats.threads--;
    }
    spin_unlock_irqrestore(&sched_lock, f);
    if (free_now)
        free_thread(t);
}

int thread_join(struct thread *t, int *exit_code)
{
    irqflags_t f = spin_lock_irqsave(&sched_lock);
    if (t == this_cpu()->current || t->detached || t->joined) {
        spin_unlock_irqrestore(&sched_lock, f);
        return -ATH_EINVAL;
    }
    t->joined = true;
    while (t->state != THREAD_DEAD)
        wait_locked(&t->joiners, NULL, UINT64_MAX);
    list_remove(&t->all_node);
    stats.threads--;
    spin_unlock_irqrestore(&sched_lock, f);
    while (t->on_cpu) /* another CPU may still be switching away from it */
        plat_cpu_relax();
    if (exit_code)
        *exit_code = t->exit_code;
    free_thread(t);
    return 0;
}

noreturn void thread_exit(int code)
{
    plat_irq_save();
    spin_lock(&sched_lock);
    struct thread *t = this_cpu()->current;
    KASSERT(!t->is_idle);
    t->exit_code = code;
    t->state = THREAD_DEAD;
    wake_locked(&t->joiners, WAKE_ALL);
    if (t->detached)
        stats.threads--;
    schedule_locked();
    kpanic("dead thread %s resumed", t->name);
}

void thread_yield(void)
{
    irqflags_t f = spin_lock_irqsave(&sched_lock);
    schedule_locked();
    spin_unlock_irqrestore(&sched_lock, f);
}

void thread_sleep_until(uint64_t deadline_ns)
{
    irqflags_t f = spin_lock_irqsave(&sched_lock);
    struct thread *t = this_cpu()->current;
    KASSERT(!t->is_idle);
    t->state = THREAD_SLEEPING;
    t->timeout.deadline_ns = deadline_ns;
    timerq_insert(&tq, &t->timeout);
    schedule_locked();
    spin_unlock_irqrestore(&sched_lock, f);
}

void thread_sleep_ns(uint64_t ns)
{
    uint64_t now = plat_clock_ns();
    thread_sleep_until(ns > UINT64_MAX - now ? UINT64_MAX : now + ns);
}

void thread_set_prio(struct thread *t, int prio)
{
    if (prio < PRIO_MIN || prio > PRIO_MAX)
        return;
    irqflags_t f = spin_lock_irqsave(&sched_lock);
    struct cpu *c = this_cpu();
    if (t->state == THREAD_READY) {
        rq_remove(&rq, &t->rq_node, t->prio);
        t->prio = prio;
        make_ready(t);
    } else {
        t->prio = prio;
        if (t == c->current && rq_top_prio(&rq) > prio)
            c->need_resched = true;
    }
    spin_unlock_irqrestore(&sched_lock, f);
    preempt_if_needed();
}

void sched_timer_irq(void)
{
    spin_lock(&sched_lock);
    struct cpu *c = this_cpu();
    uint64_t now = plat_clock_ns();
    struct timeout *to;
    while ((to = timerq_pop_expired(&tq, now))) {
        struct thread *t = container_of(to, struct thread, timeout);
        if (t->state == THREAD_BLOCKED) {
            wake_one_locked(t, -ATH_ETIMEDOUT);
        } else {
            t->wake_result = 0;
            make_ready(t);
        }
    }
    struct thread *cur = c->current;
    if (!cur->is_idle && now >= cur->slice_end_ns && rq_top_prio(&rq) >= cur->prio)
        c->need_resched = true;
    if (cur->cpu_left_ns != UINT64_MAX && now - cur->run_start_ns >= cur->cpu_left_ns)
        cur->cpu_expired = true;
    rearm_timer(c);
    spin_unlock(&sched_lock);
}

void thread_set_cpu_budget(uint64_t ns)
{
    irqflags_t f = spin_lock_irqsave(&sched_lock);
    struct cpu *c = this_cpu();
    struct thread *t = c->current;
    uint64_t ran = plat_clock_ns() - t->run_start_ns;
    t->cpu_left_ns = ns == UINT64_MAX || ns > UINT64_MAX - ran ? UINT64_MAX : ran + ns;
    t->cpu_expired = false;
    rearm_timer(c);
    spin_unlock_irqrestore(&sched_lock, f);
}

void thread_interrupt(struct thread *t)
{
    irqflags_t f = spin_lock_irqsave(&sched_lock);
    struct cpu *c = this_cpu();
    if (t->state == THREAD_BLOCKED && t->wait_intr)
        wake_one_locked(t, -ATH_EINTR); /* it re-evaluates intr_deadline when it runs */
    /* The hook runs at its next interrupt exit; it sets the budget again. */
    t->cpu_left_ns = 0;
    t->cpu_forced = true;
    if (t == c->current) {
        t->cpu_expired = true;
        plat_timer_arm(0); /* reach interrupt exit soon */
    }
    /* Otherwise the switch into t arms the timer for run_start + 0 = now. */
    spin_unlock_irqrestore(&sched_lock, f);
    preempt_if_needed();
}

void sched_irq_exit(void)
{
    struct cpu *c = this_cpu();
    struct thread *cur = c->current;
    if (cur->nopreempt) { /* a section that must not be preempted: its end asks again */
        cur->preempt_missed = true;
        return;
    }
    if (cur->cpu_expired) {
        cur->cpu_expired = false;
        if (cur->on_cpu_expired)
            cur->on_cpu_expired(cur); /* may leave for good (a component trap) */
        else
            cur->cpu_left_ns = UINT64_MAX; /* nobody to tell: stop the timer re-firing */
    }
    if (!c->need_resched)
        return;
    spin_lock(&sched_lock);
    stats.preemptions++;
    schedule_locked();
    spin_unlock(&sched_lock);
}

void sched_init(void)
{
    rq_init(&rq);
    timerq_init(&tq);
    struct cpu *c = this_cpu();
    static struct thread boot_idle; /* the boot context; its stack is the platform's boot stack */
    struct thread *t = &boot_idle;
    kstrlcpy(t->name, "idle", sizeof t->name);
    t->is_idle = true;
    t->state = THREAD_RUNNING;
    t->prio = -1;
    t->on_cpu = true;
    t->cpu_left_ns = UINT64_MAX;
    t->run_start_ns = plat_clock_ns();
    size_t xs = plat_xstate_size();
    if (xs && !(t->ctx.xstate = kmalloc_aligned(xs, 64)))
        kpanic("no memory for the idle thread's FPU state");
    if (xs) /* the save area's header must start zeroed (XSAVE leaves reserved bytes alone) */
        memset(t->ctx.xstate, 0, xs);
    list_init(&t->rq_node);
    list_init(&t->timeout.node);
    waitq_init(&t->joiners);
    list_push_back(&all_threads, &t->all_node);
    stats.threads = 1;
    c->current = c->idle = t;
    sched_running = t;
}

noreturn void sched_idle_loop(void)
{
    for (;;) {
        reap_zombies();
        irqflags_t f = spin_lock_irqsave(&sched_lock);
        if (rq.count) {
            schedule_locked();
            spin_unlock_irqrestore(&sched_lock, f);
            continue;
        }
        spin_unlock(&sched_lock);
        plat_idle(); /* interrupts on, halt, interrupts off; handlers may switch away and back */
        plat_irq_restore(f);
    }
}

unsigned sched_snapshot(struct thread_info *out, unsigned max)
{
    unsigned n = 0;
    irqflags_t f = spin_lock_irqsave(&sched_lock);
    uint64_t now = plat_clock_ns();
    list_for_each(pos, &all_threads) {
        struct thread *t = container_of(pos, struct thread, all_node);
        if (n < max) {
            struct thread_info *ti = &out[n];
            ti->tid = t->tid;
            kstrlcpy(ti->name, t->name, sizeof ti->name);
            ti->state = t->state;
            ti->prio = t->prio;
            ti->cpu_ns = t->cpu_ns + (t->state == THREAD_RUNNING ? now - t->run_start_ns : 0);
            ti->switches = t->switches;
            ti->stack_size = t->stack.size;
        }
        n++;
    }
    spin_unlock_irqrestore(&sched_lock, f);
    return n;
}

void sched_get_stats(struct sched_stats *st)
{
    irqflags_t f = spin_lock_irqsave(&sched_lock);
    *st = stats;
    struct cpu *c = this_cpu();
    if (c->current->is_idle)
        st->idle_ns += plat_clock_ns() - c->current->run_start_ns;
    spin_unlock_irqrestore(&sched_lock, f);
}
