/* In-kernel tests of threads: create/join, sleep/wake ordering, wait queues
 * with timeouts, priorities and preemption of a busy thread. */
#include <athanor/errors.h>
#include <athanor/ktest.h>
#include <athanor/sched.h>
#include <athanor/spinlock.h>

/* ---- create / join ---- */

static void square_entry(void *arg)
{
    uintptr_t v = (uintptr_t)arg;
    thread_exit((int)(v * v));
}

static const char *t_create_join(void)
{
    struct thread *t[8];
    for (uintptr_t i = 0; i < 8; i++) {
        t[i] = thread_create("sq", square_entry, (void *)i, PRIO_DEFAULT, 0);
        KT_CHECK(t[i], "thread_create %u failed", (unsigned)i);
    }
    for (unsigned i = 0; i < 8; i++) {
        int code = -1;
        KT_CHECK(thread_join(t[i], &code) == 0, "join %u failed", i);
        KT_CHECK(code == (int)(i * i), "thread %u exit code %d, want %u", i, code, i * i);
    }
    return NULL;
}

static void noop_entry(void *arg) { (void)arg; }

static const char *t_detached_reaped(void)
{
    struct sched_stats before, after;
    sched_get_stats(&before);
    for (int i = 0; i < 50; i++) {
        struct thread *t = thread_create("det", noop_entry, NULL, PRIO_DEFAULT, 0);
        KT_CHECK(t, "thread_create failed at %d", i);
        thread_detach(t);
    }
    thread_sleep_ns(5 * NS_PER_MS); /* let them run and exit */
    sched_get_stats(&after);
    KT_CHECK(after.threads == before.threads, "%u threads before, %u after 50 detached exits",
             before.threads, after.threads);
    return NULL;
}

/* ---- sleep / wake ordering ---- */

#define NSLEEPERS 6
static spinlock_t order_lock = SPINLOCK_INIT;
static int        order[NSLEEPERS];
static int        norder;
static uint64_t   sleep_start;

static const unsigned sleep_ms[NSLEEPERS] = { 60, 10, 40, 20, 50, 30 };

static void sleeper_entry(void *arg)
{
    int idx = (int)(uintptr_t)arg;
    uint64_t deadline = sleep_start + sleep_ms[idx] * NS_PER_MS;
    thread_sleep_until(deadline);
    uint64_t now = plat_clock_ns();
    irqflags_t f = spin_lock_irqsave(&order_lock);
    order[norder++] = idx;
    spin_unlock_irqrestore(&order_lock, f);
    thread_exit(now >= deadline ? 0 : 1);
}

static const char *t_sleep_order(void)
{
    struct thread *t[NSLEEPERS];
    norder = 0;
    sleep_start = plat_clock_ns();
    for (uintptr_t i = 0; i < NSLEEPERS; i++) {
        t[i] = thread_create("sleeper", sleeper_entry, (void *)i, PRIO_DEFAULT, 0);
        KT_CHECK(t[i], "thread_create failed");
    }
    int early = 0;
    for (int i = 0; i < NSLEEPERS; i++) {
        int code;
        thread_join(t[i], &code);
        early += code;
    }
    KT_CHECK(early == 0, "%d threads woke before their deadline", early);
    KT_CHECK(norder == NSLEEPERS, "only %d sleepers woke", norder);
    for (int i = 1; i < NSLEEPERS; i++)
        KT_CHECK(sleep_ms[order[i - 1]] < sleep_ms[order[i]],
                 "woke out of order: %u ms before %u ms", sleep_ms[order[i - 1]],
                 sleep_ms[order[i]]);
    return NULL;
}

/* ---- wait queues ---- */

static struct waitq wq;
static spinlock_t   wq_lock = SPINLOCK_INIT;
static int          wq_order[4];
static int          wq_n;

static void waiter_entry(void *arg)
{
    irqflags_t f = spin_lock_irqsave(&wq_lock);
    int r = waitq_wait(&wq, &wq_lock, UINT64_MAX);
    wq_order[wq_n++] = (int)(uintptr_t)arg;
    spin_unlock_irqrestore(&wq_lock, f);
    thread_exit(r);
}

static const char *t_waitq_fifo(void)
{
    waitq_init(&wq);
    wq_n = 0;
    struct thread *t[4];
    for (uintptr_t i = 0; i < 4; i++) {
        t[i] = thread_create("waiter", waiter_entry, (void *)i, PRIO_DEFAULT, 0);
        KT_CHECK(t[i], "thread_create failed");
        thread_sleep_ns(2 * NS_PER_MS); /* make sure waiter i queues before i+1 */
    }
    for (int i = 0; i < 4; i++) {
        KT_CHECK(waitq_wake(&wq, 1) == 1, "wake %d found no waiter", i);
        thread_sleep_ns(2 * NS_PER_MS);
    }
    KT_CHECK(waitq_wake(&wq, 1) == 0, "a fifth waiter appeared");
    for (int i = 0; i < 4; i++) {
        int code;
        thread_join(t[i], &code);
        KT_CHECK(code == 0, "waiter %d returned %d", i, code);
        KT_CHECK(wq_order[i] == i, "woken out of order: position %d was waiter %d", i, wq_order[i]);
    }
    return NULL;
}

static const char *t_waitq_timeout(void)
{
    struct waitq q;
    waitq_init(&q);
    uint64_t t0 = plat_clock_ns();
    int r = waitq_wait(&q, NULL, t0 + 15 * NS_PER_MS);
    uint64_t dt = plat_clock_ns() - t0;
    KT_CHECK(r == -ATH_ETIMEDOUT, "wait returned %d, want -ETIMEDOUT", r);
    KT_CHECK(dt >= 15 * NS_PER_MS, "timed out after %llu us, before the 15 ms deadline",
             (unsigned long long)(dt / 1000));
    KT_CHECK(list_empty(&q.waiters), "timed-out thread still on the queue");
    return NULL;
}

/* ---- priorities and preemption ---- */

/* int, not bool: gcc 12 with -fsanitize=bool hoists loads of a volatile bool out of loops */
static volatile int      spin_stop;
static volatile uint64_t spin_count;

static void busy_entry(void *arg)
{
    (void)arg;
    while (!spin_stop)
        spin_count++;
}

/* A thread that never yields must not keep a same-priority thread off the CPU:
 * the time slice preempts it. */
static const char *t_preempt_same_prio(void)
{
    spin_stop = false;
    spin_count = 0;
    struct thread *busy = thread_create("busy", busy_entry, NULL, PRIO_DEFAULT, 0);
    KT_CHECK(busy, "thread_create failed");
    /* We are at PRIO_DEFAULT too: yielding hands the CPU to `busy`, and only
     * preemption can bring us back. */
    uint64_t t0 = plat_clock_ns();
    thread_yield();
    uint64_t back = plat_clock_ns() - t0;
    uint64_t seen = spin_count;
    spin_stop = true;
    thread_join(busy, NULL);
    KT_CHECK(seen > 0, "busy thread never ran");
    KT_CHECK(back < 2000 * NS_PER_MS, "took %llu ms to get the CPU back", (unsigned long long)(back / NS_PER_MS));
    return NULL;
}

/* A section the scheduler does not preempt (thread_nopreempt_begin, the IPC
 * endpoint's hand-over): a same-priority thread does not get the CPU when
 * the slice ends inside it (the timer does not keep firing at the missed
 * deadline either: the section would not get to run), and the preemption
 * it missed happens as soon as it ends. */
static const char *t_nopreempt_section(void)
{
    spin_stop = false;
    spin_count = 0;
    struct thread *me = thread_current();
    struct thread *busy = thread_create("busy", busy_entry, NULL, PRIO_DEFAULT, 0);
    KT_CHECK(busy, "thread_create failed");
    /* busy runs a slice, and from then on ours ends with a timer interrupt */
    thread_yield();
    thread_nopreempt_begin(me);
    uint64_t before = spin_count, t0 = plat_clock_ns();
    while (plat_clock_ns() - t0 < 3 * SCHED_SLICE_NS)
        ;
    uint64_t inside = spin_count - before;
    bool missed = me->preempt_missed;
    thread_nopreempt_end(me);
    uint64_t after = spin_count - before; /* the missed preemption ran busy in between */
    spin_stop = true;
    thread_join(busy, NULL);
    KT_CHECK(inside == 0, "the same-priority thread ran inside the section");
    KT_CHECK(missed, "three slices passed in the section and no preemption was noted");
    KT_CHECK(after > 0, "the missed preemption did not happen when the section ended");
    return NULL;
}

static volatile uint64_t hi_woke_at;

static void high_sleeper(void *arg)
{
    uint64_t deadline = *(uint64_t *)arg;
    thread_sleep_until(deadline);
    hi_woke_at = plat_clock_ns();
    spin_stop = true; /* only possible if we preempted the busy thread */
}

/* A higher-priority thread whose sleep ends preempts a busy lower-priority one. */
static const char *t_preempt_by_priority(void)
{
    spin_stop = false;
    hi_woke_at = 0;
    thread_set_prio(thread_current(), PRIO_DEFAULT + 2);
    static uint64_t deadline;
    deadline = plat_clock_ns() + 20 * NS_PER_MS;
    struct thread *hi = thread_create("high", high_sleeper, &deadline, PRIO_DEFAULT + 1, 0);
    struct thread *busy = thread_create("busy", busy_entry, NULL, PRIO_DEFAULT, 0);
    KT_CHECK(hi && busy, "thread_create failed");
    /* Step out of the way, in short sleeps so that we never outrank `high`
     * at the moment it wakes (a late timer could wake us both at once): only
     * `busy` (lower priority) and `high` compete while we sleep. */
    for (int i = 0; i < 200 && !spin_stop; i++)
        thread_sleep_ns(10 * NS_PER_MS);
    bool stopped = spin_stop;
    spin_stop = true;
    thread_join(hi, NULL);
    thread_join(busy, NULL);
    thread_set_prio(thread_current(), PRIO_DEFAULT);
    KT_CHECK(stopped, "high-priority thread did not run while the busy one spun");
    KT_CHECK(hi_woke_at >= deadline, "woke early");
    return NULL;
}

static volatile int run_log[3];
static volatile int run_n;

static void log_entry(void *arg)
{
    run_log[run_n++] = (int)(uintptr_t)arg;
}

/* Ready threads run highest priority first. */
static const char *t_priority_order(void)
{
    run_n = 0;
    thread_set_prio(thread_current(), PRIO_MAX);
    struct thread *a = thread_create("p3", log_entry, (void *)3, 3, 0);
    struct thread *b = thread_create("p9", log_entry, (void *)9, 9, 0);
    struct thread *c = thread_create("p6", log_entry, (void *)6, 6, 0);
    KT_CHECK(a && b && c, "thread_create failed");
    thread_set_prio(thread_current(), PRIO_MIN); /* now all three outrank us */
    thread_join(a, NULL);
    thread_join(b, NULL);
    thread_join(c, NULL);
    thread_set_prio(thread_current(), PRIO_DEFAULT);
    KT_CHECK(run_n == 3, "%d threads ran", run_n);
    KT_CHECK(run_log[0] == 9 && run_log[1] == 6 && run_log[2] == 3, "ran in order %d,%d,%d",
             run_log[0], run_log[1], run_log[2]);
    return NULL;
}

/* ---- interrupts on a nearly full stack ---- */

#define DEEP_HEADROOM 3072 /* bytes of its stack left to the interrupted code */

static volatile int      deep_stop;
static volatile uint64_t deep_spins;
static volatile uintptr_t deep_left;

/* Go down in 256-byte frames until less than DEEP_HEADROOM bytes of the
 * stack are left, then spin there until told to stop. */
static __attribute__((noinline)) void deep_descend(const uint8_t *base)
{
    volatile uint8_t frame[256];
    frame[0] = 1;
    uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
    if (sp - (uintptr_t)base > DEEP_HEADROOM + 512) {
        deep_descend(base);
    } else {
        deep_left = sp - (uintptr_t)base;
        while (!deep_stop)
            deep_spins++;
    }
    frame[1] = frame[0]; /* keeps the frame (no tail call) */
}

static void deep_entry(void *arg)
{
    (void)arg;
    deep_descend(thread_current()->stack.base);
}

/* An interrupt may arrive while kernel code runs with little of its stack
 * left: whatever the platform pushes for it must fit (on bare metal a trap
 * frame and the handlers; hosted, a Linux signal frame with the whole FPU
 * state, which is why hosted stacks have a signal area below them). Timer
 * interrupts (our wake-ups) arrive twenty times while a thread spins with
 * under 3.5 KiB of stack to spare. */
static const char *t_irq_near_stack_bottom(void)
{
    deep_stop = 0;
    deep_spins = 0;
    deep_left = 0;
    struct thread *deep = thread_create("deep", deep_entry, NULL, PRIO_DEFAULT, 0);
    KT_CHECK(deep, "thread_create failed");
    uint64_t t0 = plat_clock_ns();
    while (!deep_left && plat_clock_ns() - t0 < 2000 * NS_PER_MS)
        thread_sleep_ns(NS_PER_MS);
    uintptr_t left = deep_left;
    for (int i = 0; i < 20; i++)
        thread_sleep_ns(NS_PER_MS); /* each wake-up interrupts `deep` */
    deep_stop = 1;
    thread_join(deep, NULL);
    KT_CHECK(left && left <= DEEP_HEADROOM + 512, "the thread did not get near its stack's base (%lu bytes left)",
             (unsigned long)left);
    KT_CHECK(deep_spins > 0, "the deep thread never ran at its depth");
    return NULL;
}

/* A released memory stops claiming its addresses before they can be
 * reserved again. A component that exited was once still releasing when
 * another took its slot; the fault handler, which finds the memory an
 * address belongs to by these fields (comp_by_address), tried the
 * newcomer's copy-on-write fault against the old snapshot and made it a
 * trap of the newcomer. The probe runs at the moment of reuse and takes
 * the addresses, as the newcomer did. */
static struct plat_vrange reuse_old, reuse_new;
static uintptr_t          reuse_base;
static bool               reuse_claimed, reuse_reserved;

static void reuse_probe(void)
{
    plat_vrange_release_probe = NULL; /* once: releasing reuse_new must not come here */
    reuse_claimed = reuse_old.size != 0 && reuse_old.base == reuse_base;
    reuse_reserved = plat_vrange_reserve(PLAT_VRANGE_MAX, &reuse_new) == 0;
}

static const char *t_vrange_release_unclaims(void)
{
    KT_CHECK(plat_vrange_reserve(PLAT_VRANGE_MAX, &reuse_old) == 0, "reserve failed");
    KT_CHECK(plat_vrange_commit(&reuse_old, PAGE_SIZE) == 0, "commit failed");
    reuse_base = reuse_old.base;
    reuse_claimed = reuse_reserved = false;
    plat_vrange_release_probe = reuse_probe;
    plat_vrange_release(&reuse_old);
    bool ran = plat_vrange_release_probe == NULL;
    plat_vrange_release_probe = NULL;
    KT_CHECK(ran, "release never reached the point of reuse");
    KT_CHECK(reuse_reserved, "no reservation at the point of reuse");
    bool same = reuse_new.base == reuse_base;
    plat_vrange_release(&reuse_new);
    KT_CHECK(!reuse_claimed, "the released memory still claimed %#lx when %s",
             (unsigned long)reuse_base, same ? "a new one got those addresses" : "they could be reused");
    return NULL;
}

/* Component memories made, moved between and freed by threads that preempt
 * each other (as components starting, lending and stopping do): the
 * platform's bookkeeping must hold, whatever it was doing when preempted.
 * (Hosted, the C library's allocator is not reentrant and every kernel
 * thread runs on one OS thread: a switch inside it broke it.) */
#define CHURN_WORKERS 3
static void churn_entry(void *arg)
{
    uint64_t end = plat_clock_ns() + 400 * NS_PER_MS;
    int rounds = 0;
    (void)arg;
    while (plat_clock_ns() < end) {
        struct plat_vrange a, b;
        if (plat_vrange_reserve(PLAT_VRANGE_MAX, &a) != 0)
            thread_exit(-1);
        if (plat_vrange_reserve(PLAT_VRANGE_MAX, &b) != 0) {
            plat_vrange_release(&a);
            thread_exit(-1);
        }
        int r = plat_vrange_commit(&a, 2 * PAGE_SIZE);
        if (r == 0)
            r = plat_vrange_move(&a, 0, &b, PAGE_SIZE, PAGE_SIZE, true); /* both get page bitmaps */
        if (r == 0)
            r = plat_vrange_move(&b, PAGE_SIZE, &a, 0, PAGE_SIZE, true);
        plat_vrange_release(&b);
        plat_vrange_release(&a);
        if (r)
            thread_exit(-1);
        rounds++;
    }
    thread_exit(rounds);
}

static const char *t_vrange_churn_preempted(void)
{
    struct thread *t[CHURN_WORKERS];
    for (int i = 0; i < CHURN_WORKERS; i++) {
        t[i] = thread_create("churn", churn_entry, NULL, PRIO_DEFAULT, 0);
        KT_CHECK(t[i], "thread_create failed");
    }
    for (int i = 0; i < CHURN_WORKERS; i++) {
        int rounds = 0;
        KT_CHECK(thread_join(t[i], &rounds) == 0, "join failed");
        KT_CHECK(rounds > 0, "worker %d: a reserve, commit or move failed (%d)", i, rounds);
    }
    return NULL;
}

const struct ktest ktests_sched[] = {
    { "threads_create_join", t_create_join },
    { "threads_detached_reaped", t_detached_reaped },
    { "sleep_wake_order", t_sleep_order },
    { "waitq_fifo", t_waitq_fifo },
    { "waitq_timeout", t_waitq_timeout },
    { "preempt_same_prio", t_preempt_same_prio },
    { "nopreempt_section", t_nopreempt_section },
    { "preempt_by_priority", t_preempt_by_priority },
    { "priority_order", t_priority_order },
    { "irq_near_stack_bottom", t_irq_near_stack_bottom },
    { "vrange_churn_preempted", t_vrange_churn_preempted },
    { "vrange_release_unclaims", t_vrange_release_unclaims },
    { NULL, NULL },
};
