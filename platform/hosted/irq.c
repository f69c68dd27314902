/* Interrupt emulation for the hosted platform. "Interrupts disabled" is a
 * flag, not a signal mask, so disabling them costs no system call: a signal
 * that arrives while the flag is set only records itself as pending and is
 * dispatched when the flag is cleared. Handlers may context-switch (that is
 * how preemption works); SA_NODEFER keeps the OS signal mask open meanwhile. */
#include "hosted.h"

#include <athanor/console.h>
#include <athanor/irqoff.h>
#include <athanor/sched.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>

static volatile sig_atomic_t irq_off = 1; /* boot runs with interrupts disabled */
static volatile unsigned     pending;     /* IRQ_* bits, updated with atomics */

irqflags_t plat_irq_save(void)
{
    irqflags_t f = (irqflags_t)irq_off;
    irq_off = 1;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    if (!f)
        irqoff_begin((uintptr_t)__builtin_return_address(0));
    return f;
}

uint64_t plat_cycles(void)
{
    return __builtin_ia32_rdtsc();
}

static void dispatch(unsigned bits)
{
    if (bits & IRQ_CONSOLE)
        hosted_console_drain();
    if (bits & IRQ_TIMER) {
        hosted_ac97_tick(); /* first: it arms the timer for its next buffer, earlier than the scheduler */
        sched_timer_irq();
    }
    sched_irq_exit();
}

/* Run pending interrupts; entered and left with irq_off == 0. */
static void run_pending(void)
{
    for (;;) {
        irq_off = 1;
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        irqoff_begin((uintptr_t)run_pending);
        unsigned bits = __atomic_exchange_n(&pending, 0u, __ATOMIC_SEQ_CST);
        if (bits)
            dispatch(bits);
        irqoff_end();
        irq_off = 0;
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        if (!__atomic_load_n(&pending, __ATOMIC_SEQ_CST))
            return;
    }
}

void plat_irq_enable(void)
{
    irqoff_end();
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    irq_off = 0;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&pending, __ATOMIC_SEQ_CST))
        run_pending();
}

void plat_irq_restore(irqflags_t f)
{
    if (!f)
        plat_irq_enable();
}

bool plat_irq_enabled(void)
{
    return !irq_off;
}

irqflags_t hosted_irq_fault_enter(void)
{
    return plat_irq_save();
}

void hosted_irq_fault_leave(irqflags_t saved)
{
    /* Dispatching here could switch threads inside the signal handler;
     * instead re-raise, so it is dispatched right after the handler returns. */
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    if (!saved)
        irqoff_end();
    irq_off = (sig_atomic_t)saved;
    if (!saved && __atomic_load_n(&pending, __ATOMIC_SEQ_CST))
        pthread_kill(pthread_self(), SIG_TIMER);
}

static unsigned sig_to_irq(int sig)
{
    return sig == SIG_TIMER ? IRQ_TIMER : IRQ_CONSOLE;
}

static void irq_signal(int sig)
{
    int saved_errno = errno;
    unsigned bit = sig_to_irq(sig);
    if (sig == SIG_TIMER)
        hosted_timer_fired();
    if (irq_off) {
        __atomic_fetch_or(&pending, bit, __ATOMIC_SEQ_CST);
    } else {
        irq_off = 1;
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        irqoff_begin((uintptr_t)irq_signal);
        unsigned bits = bit | __atomic_exchange_n(&pending, 0u, __ATOMIC_SEQ_CST);
        dispatch(bits); /* may switch to another thread and come back much later */
        irqoff_end();
        irq_off = 0;
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        if (__atomic_load_n(&pending, __ATOMIC_SEQ_CST))
            run_pending();
    }
    errno = saved_errno;
}

static sigset_t irq_sigs;

void hosted_irq_init(void)
{
    sigemptyset(&irq_sigs);
    sigaddset(&irq_sigs, SIG_TIMER);
    sigaddset(&irq_sigs, SIG_CONSOLE);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = irq_signal;
    sa.sa_flags = SA_NODEFER | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIG_TIMER, &sa, NULL);
    sigaction(SIG_CONSOLE, &sa, NULL);
}

void plat_idle(void)
{
    /* Block the signals at the OS level, then check and wait atomically with
     * sigsuspend: a signal after the check cannot be lost. While we wait the
     * soft flag stays set, so the handler only records the interrupt; it is
     * dispatched below by plat_irq_enable(). */
    sigset_t old, wait_mask;
    irqoff_end(); /* waiting is not an interrupts-off section */
    sigprocmask(SIG_BLOCK, &irq_sigs, &old);
    if (!__atomic_load_n(&pending, __ATOMIC_SEQ_CST)) {
        wait_mask = old;
        sigdelset(&wait_mask, SIG_TIMER);
        sigdelset(&wait_mask, SIG_CONSOLE);
        sigsuspend(&wait_mask);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    plat_irq_enable();
    plat_irq_save();
}


unsigned plat_cpu_id(void)
{
    return 0; /* the hosted kernel runs on one Linux thread: one virtual CPU */
}

void plat_cpu_relax(void)
{
    __builtin_ia32_pause();
}
