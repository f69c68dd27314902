/* In-kernel test that floating-point/SIMD state survives preemption.
 * This file is compiled with SSE enabled (the rest of the kernel is not),
 * because code generated from WebAssembly will use SSE the same way. */
#include <athanor/ktest.h>
#include <athanor/sched.h>

/* A long dependent chain of double operations: any register clobbered by
 * another thread mid-chain changes the result. */
static double chain(double seed, uint64_t iters)
{
    double a = seed, b = seed * 0.5 + 1.0, c = 1.0 / (seed + 3.0);
    for (uint64_t i = 0; i < iters; i++) {
        a = a * 0.999999 + b * 1e-6;
        b = b * 0.9999995 + c * 5e-7;
        c = c * 0.9999999 + a * 1e-7;
    }
    return a + b * 3.0 + c * 7.0;
}

struct fpu_job {
    double   seed;
    uint64_t iters;
    double   result;
};

static void fpu_entry(void *arg)
{
    struct fpu_job *j = arg;
    j->result = chain(j->seed, j->iters);
}

static const char *t_fpu_preserved(void)
{
    /* Calibrate so each job spans several 10 ms time slices. */
    uint64_t iters = 100000;
    uint64_t t0 = plat_clock_ns();
    volatile double sink = chain(1.0, iters);
    (void)sink;
    uint64_t dt = plat_clock_ns() - t0;
    if (dt < NS_PER_MS)
        dt = NS_PER_MS;
    iters = iters * (60 * NS_PER_MS) / dt;

    static struct fpu_job jobs[3];
    double expect[3];
    for (int i = 0; i < 3; i++) {
        jobs[i].seed = 1.0 + i;
        jobs[i].iters = iters;
        expect[i] = chain(jobs[i].seed, iters); /* alone: no competitor */
    }
    struct sched_stats s0, s1;
    sched_get_stats(&s0);
    struct thread *t[3];
    for (int i = 0; i < 3; i++)
        t[i] = thread_create("fpu", fpu_entry, &jobs[i], PRIO_DEFAULT, 0);
    for (int i = 0; i < 3; i++)
        KT_CHECK(t[i] && thread_join(t[i], NULL) == 0, "thread %d failed", i);
    sched_get_stats(&s1);
    KT_CHECK(s1.preemptions - s0.preemptions >= 3, "only %llu preemptions: test proves nothing",
             (unsigned long long)(s1.preemptions - s0.preemptions));
    for (int i = 0; i < 3; i++)
        KT_CHECK(jobs[i].result == expect[i], "job %d: FP result changed under preemption", i);
    return NULL;
}

const struct ktest ktests_fpu[] = {
    { "fpu_state_preserved", t_fpu_preserved },
    { NULL, NULL },
};
