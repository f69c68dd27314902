/* Kernel console: output serialised by a spinlock (so lines from different
 * threads and interrupt handlers do not interleave mid-write), and an input
 * ring filled from the platform's console interrupt and drained by threads. */
#include <athanor/backtrace.h>
#include <athanor/errors.h>
#include <athanor/console.h>
#include <athanor/klib.h>
#include <athanor/sched.h>
#include <athanor/spinlock.h>

static spinlock_t out_lock = SPINLOCK_INIT;
/* Set once a panic starts: output then bypasses the lock, which the
 * panicking code may already hold. */
static volatile bool panicking;

#define IN_RING 512 /* power of two */
/* in_lock protects ring, head, tail and dropped; in_wq waits for data. */
static spinlock_t  in_lock = SPINLOCK_INIT;
static uint8_t     ring[IN_RING];
static unsigned    head, tail; /* head: next write, tail: next read */
static uint64_t    dropped;
static bool        eof;
static struct waitq in_wq = { LIST_INIT(in_wq.waiters) };

void console_write(const char *s, size_t n)
{
    if (panicking) {
        plat_console_write(s, n);
        return;
    }
    /* Interrupts stay off for one piece at a time, however much a caller
     * (a component's fd_write) hands over. */
    for (size_t off = 0; off < n; off += CONSOLE_CHUNK) {
        irqflags_t f = spin_lock_irqsave(&out_lock);
        plat_console_write(s + off, MIN(n - off, (size_t)CONSOLE_CHUNK));
        spin_unlock_irqrestore(&out_lock, f);
    }
}

void console_enter_panic(void)
{
    panicking = true;
}

void console_input_irq(uint8_t byte)
{
    spin_lock(&in_lock);
    if (head - tail < IN_RING)
        ring[head++ % IN_RING] = byte;
    else
        dropped++;
    spin_unlock(&in_lock);
    waitq_wake(&in_wq, 1);
}

void console_input_eof(void)
{
    spin_lock(&in_lock);
    eof = true;
    spin_unlock(&in_lock);
    waitq_wake(&in_wq, WAKE_ALL);
}

int console_getc_until(uint64_t deadline_ns)
{
    irqflags_t f = spin_lock_irqsave(&in_lock);
    bool timed_out = deadline_ns == 0;
    while (head == tail && !eof && !timed_out)
        timed_out = waitq_wait(&in_wq, &in_lock, deadline_ns) != 0;
    int c = head != tail ? ring[tail++ % IN_RING] : eof ? CONSOLE_EOF : CONSOLE_TIMEOUT;
    spin_unlock_irqrestore(&in_lock, f);
    return c;
}

int console_getc_intr(uint64_t deadline_ns)
{
    irqflags_t f = spin_lock_irqsave(&in_lock);
    bool stop = deadline_ns == 0;
    while (head == tail && !eof && !stop) {
        int r = waitq_wait_intr(&in_wq, &in_lock, deadline_ns);
        stop = r == -ATH_ETIMEDOUT || r == -ATH_EINTR;
    }
    int c = head != tail ? ring[tail++ % IN_RING] : eof ? CONSOLE_EOF : CONSOLE_TIMEOUT;
    spin_unlock_irqrestore(&in_lock, f);
    return c;
}

int console_getc(void)
{
    return console_getc_until(UINT64_MAX);
}

uint64_t console_input_dropped(void)
{
    return dropped;
}

int kprintf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    size_t len = n < (int)sizeof buf ? (size_t)n : sizeof buf - 1;
    console_write(buf, len);
    return n;
}

noreturn void kpanic(const char *fmt, ...)
{
    static volatile int depth;
    plat_irq_save();
    console_enter_panic();
    if (depth++ == 0) {
        char buf[256];
        va_list ap;
        va_start(ap, fmt);
        kvsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        kprintf("\n*** KERNEL PANIC: %s\nbacktrace:\n", buf);
        backtrace_print((uintptr_t)__builtin_frame_address(0), (uintptr_t)&kpanic);
    } else {
        kprintf("\n*** KERNEL PANIC while panicking\n");
    }
    plat_fatal_stop();
}
