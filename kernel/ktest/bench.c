/* In-kernel benchmarks (`azoth.bench=<name>` / `azoth --bench <name>`).
 * Each prints one machine-readable line:
 *   bench: <name> <median> <unit> (runs=<n>)
 * which bench/ scripts collect into build/bench/results.json. */
#include <athanor/kernel.h>
#include <athanor/ktest.h>
#include <athanor/sched.h>
#include <athanor/spinlock.h>

/* A one-shot event: post() wakes a waiter, or makes the next wait return at once. */
struct event {
    spinlock_t   lock;
    bool         set;
    struct waitq wq;
};

static void ev_init(struct event *e)
{
    e->lock = (spinlock_t)SPINLOCK_INIT;
    e->set = false;
    waitq_init(&e->wq);
}

static void ev_wait(struct event *e)
{
    irqflags_t f = spin_lock_irqsave(&e->lock);
    while (!e->set)
        waitq_wait(&e->wq, &e->lock, UINT64_MAX);
    e->set = false;
    spin_unlock_irqrestore(&e->lock, f);
}

static void ev_post(struct event *e)
{
    irqflags_t f = spin_lock_irqsave(&e->lock);
    e->set = true;
    spin_unlock_irqrestore(&e->lock, f);
    waitq_wake(&e->wq, 1);
}

static struct event ping, pong;
static volatile uint64_t rounds;

static void ponger(void *arg)
{
    (void)arg;
    for (uint64_t i = 0; i < rounds; i++) {
        ev_wait(&ping);
        ev_post(&pong);
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void sort_u64(uint64_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cmp_u64(&v[j - 1], &v[j]) > 0; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

/* Context switch: two threads ping-pong through wait queues; each round trip
 * is two switches. Reports the median over 11 runs of ns per switch. */
static void bench_ctxswitch(void)
{
    enum { RUNS = 11 };
    uint64_t per_switch[RUNS];
    rounds = 20000;
    for (int r = 0; r < RUNS; r++) {
        ev_init(&ping);
        ev_init(&pong);
        struct thread *t = thread_create("ponger", ponger, NULL, PRIO_DEFAULT, 0);
        if (!t)
            kpanic("bench: thread_create failed");
        uint64_t t0 = plat_clock_ns();
        for (uint64_t i = 0; i < rounds; i++) {
            ev_post(&ping);
            ev_wait(&pong);
        }
        uint64_t dt = plat_clock_ns() - t0;
        thread_join(t, NULL);
        per_switch[r] = dt / (2 * rounds);
    }
    sort_u64(per_switch, RUNS);
    kprintf("bench: ctxswitch %llu ns (runs=%d)\n", (unsigned long long)per_switch[RUNS / 2], RUNS);
}

void kbench_thread(void *arg)
{
    const char *which = arg;
    if (strcmp(which, "ctxswitch") == 0) {
        bench_ctxswitch();
        plat_test_exit(PLAT_TEST_PASS);
    }
    kprintf("bench: unknown benchmark '%s' (known: ctxswitch)\n", which);
    plat_test_exit(PLAT_TEST_FAIL);
}
