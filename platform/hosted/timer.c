/* Hosted clock and one-shot timer: CLOCK_MONOTONIC and a POSIX timer that
 * signals the kernel thread (SIG_TIMER) at an absolute deadline. */
#include "hosted.h"

#include <athanor/klib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static struct timespec boot_ts;
static timer_t         timer;
static uint64_t        armed = UINT64_MAX; /* deadline currently programmed */

static uint64_t ts_ns(const struct timespec *t)
{
    return (uint64_t)t->tv_sec * 1000000000ull + (uint64_t)t->tv_nsec;
}

uint64_t plat_clock_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return ts_ns(&t) - ts_ns(&boot_ts);
}

void hosted_timer_init(void)
{
    clock_gettime(CLOCK_MONOTONIC, &boot_ts);
    struct sigevent sev = { 0 };
    sev.sigev_notify = SIGEV_THREAD_ID;
    sev.sigev_signo = SIG_TIMER;
    sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
    if (timer_create(CLOCK_MONOTONIC, &sev, &timer) != 0)
        kpanic("hosted: timer_create failed");
}

void plat_timer_arm(uint64_t deadline_ns)
{
    /* Reprogramming costs a system call. An already armed earlier deadline
     * is kept: firing early is harmless (the scheduler finds nothing due and
     * re-arms), and the deadline moves later far more often than earlier. */
    if (deadline_ns >= armed)
        return;
    armed = deadline_ns;
    struct itimerspec its = { 0 };
    if (deadline_ns != UINT64_MAX) {
        uint64_t abs = ts_ns(&boot_ts) + deadline_ns;
        its.it_value.tv_sec = (time_t)(abs / 1000000000ull);
        its.it_value.tv_nsec = (long)(abs % 1000000000ull);
    }
    timer_settime(timer, TIMER_ABSTIME, &its, NULL);
}

/* Called from the timer signal before the core's handler: the programmed
 * deadline has been consumed. */
void hosted_timer_fired(void)
{
    armed = UINT64_MAX;
}
