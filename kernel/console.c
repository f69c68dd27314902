/* Kernel console: output serialised by a spinlock (so lines from different
 * threads and interrupt handlers do not interleave mid-write) and kept as a
 * log components may read, and an input ring filled from the platform's
 * console interrupt and drained by threads. */
#include <athanor/backtrace.h>
#include <athanor/errors.h>
#include <athanor/console.h>
#include <athanor/klib.h>
#include <athanor/notify.h>
#include <athanor/sched.h>
#include <athanor/spinlock.h>

/* Output goes through a ring: a writer copies its bytes in under out_lock
 * (interrupts off only for that copy, at most the ring's size), then,
 * unless another writer is
 * already at it, drains the ring to the device itself with the lock
 * dropped, so a slow device (a polled UART, a host's stdout) never keeps
 * interrupts off. Order is kept: one drainer at a time, in ring order.
 * A thread that finds the ring full waits for the drainer; an interrupt
 * handler (or a holder of a spinlock) cannot wait, and drops its bytes,
 * counted. out_lock guards the ring, `draining` and dropped. */
static spinlock_t out_lock = SPINLOCK_INIT;
#define OUT_RING CONSOLE_LOG_SIZE /* power of two */
static char          out_ring[OUT_RING];
/* Positions in the output since boot (64 bits: they never wrap); byte p
 * is at out_ring[p % OUT_RING]. head: the next to be written, tail: the
 * next to go to the device. */
static uint64_t      out_head, out_tail;
static bool          draining;
static uint64_t      out_dropped;
static struct waitq  out_wq = { LIST_INIT(out_wq.waiters) };
/* Set once a panic starts: output then bypasses the lock, which the
 * panicking code may already hold. */
static volatile bool panicking;

#define IN_RING 512 /* power of two */
/* in_lock protects both rings, their heads and tails, dropped and the
 * ends; in_wq waits for data in either. */
static spinlock_t  in_lock = SPINLOCK_INIT;
static uint8_t     ring[IN_RING];
static unsigned    head, tail; /* head: next write, tail: next read */
static uint64_t    dropped;
static bool        eof;
/* Input a shell passes on to the program it runs (console_feed): a ring
 * of its own, which only programs' fd 0 reads (console_getc_intr), so
 * that the kernel's monitor, which reads the device's, never takes it. */
static uint8_t     fed[IN_RING];
static unsigned    fed_head, fed_tail;
static bool        fed_end; /* the shell said the input ends: until more comes */
static struct waitq in_wq = { LIST_INIT(in_wq.waiters) };

/* The log. A byte stays in the ring after the device has it, until newer
 * output overwrites it: the ring is also the last OUT_RING bytes of
 * output, [out_head - OUT_RING, out_head), which a reader copies out under
 * out_lock by position (console_log_read). Readers keep their positions
 * themselves, so the kernel keeps nothing per reader but, for one that
 * caught up and wants to hear of more, a one-shot watch: a notification
 * signalled by the next write (under out_lock, so a write cannot slip
 * between a reader's last read and its watch; out_lock, then the
 * notification's lock, then sched_lock, the order a waiting writer already
 * takes out_lock and sched_lock in). A watch holds a reference to its
 * notification (notify_get), so the pointer stays valid after its owner is
 * gone; references are dropped only in console_log_read, on a thread,
 * since a writer may be in any context. Writers never wait for readers: a
 * reader that falls OUT_RING bytes behind loses the oldest, and sees how
 * many by its position. */
#define LOG_WATCHES 4 /* readers that may wait at once (the manifest grants "log" to few) */
static struct log_watch {
    struct notification *n; /* a reference, or NULL */
    uint64_t             bits;
    bool                 armed;
} watches[LOG_WATCHES];
static bool log_armed; /* any watch armed (out_lock) */

/* A write landed (out_lock held): signal every armed watch, once. */
static void log_fire(void)
{
    for (unsigned i = 0; i < LOG_WATCHES; i++)
        if (watches[i].armed) {
            watches[i].armed = false;
            notify_signal(watches[i].n, watches[i].bits);
        }
    log_armed = false;
}

/* Arm n's watch (out_lock held): the slot it has, or a free one, or one
 * whose notification has died (its reference goes to *drop, for the caller
 * to put with the lock dropped). */
static int log_arm(struct notification *n, uint64_t bits, struct notification **drop)
{
    struct log_watch *w = NULL;
    for (unsigned i = 0; i < LOG_WATCHES && !w; i++)
        if (watches[i].n == n)
            w = &watches[i];
    for (unsigned i = 0; i < LOG_WATCHES && !w; i++)
        if (!watches[i].n || notify_dead(watches[i].n))
            w = &watches[i];
    if (!w)
        return -ATH_EBUSY;
    if (w->n != n) {
        *drop = w->n;
        notify_get(n);
        w->n = n;
    }
    w->bits = bits;
    w->armed = true;
    log_armed = true;
    return 0;
}

int console_log_read(uint64_t *pos, char *buf, size_t len, struct notification *n, uint64_t bits)
{
    struct notification *drop = NULL;
    irqflags_t f = spin_lock_irqsave(&out_lock);
    uint64_t oldest = out_head > OUT_RING ? out_head - OUT_RING : 0;
    uint64_t from = MIN(MAX(*pos, oldest), out_head);
    size_t k = (size_t)MIN((uint64_t)len, out_head - from);
    for (size_t i = 0; i < k; i++)
        buf[i] = out_ring[(from + i) % OUT_RING];
    *pos = from + k;
    int r = (int)k;
    if (!k && n)
        r = log_arm(n, bits, &drop);
    spin_unlock_irqrestore(&out_lock, f);
    if (drop)
        notify_put(drop);
    return r;
}

/* Drain the ring to the device until it is empty (we are the drainer). */
static void drain(void)
{
    char buf[CONSOLE_CHUNK];
    for (;;) {
        irqflags_t f = spin_lock_irqsave(&out_lock);
        unsigned k = (unsigned)MIN(out_head - out_tail, (uint64_t)sizeof buf);
        for (unsigned i = 0; i < k; i++)
            buf[i] = out_ring[(out_tail + i) % OUT_RING];
        out_tail += k;
        if (!k)
            draining = false;
        spin_unlock_irqrestore(&out_lock, f);
        /* Room again; or, the ring empty, the end console_sync waits for. */
        waitq_wake(&out_wq, WAKE_ALL);
        if (!k)
            return;
        plat_console_write(buf, k);
    }
}

void console_write(const char *s, size_t n)
{
    if (panicking) {
        plat_console_write(s, n);
        return;
    }
    for (size_t off = 0; off < n;) {
        irqflags_t f = spin_lock_irqsave(&out_lock);
        /* All of it once there is room: a write stays whole, not
         * interleaved (a soak found a fault report cut by another line when
         * the ring was nearly full and the rest had to wait). Only a write
         * larger than the ring goes in pieces. */
        size_t want = n - off, room = (size_t)(OUT_RING - (out_head - out_tail));
        size_t k = want <= room ? want : want > OUT_RING ? room : 0;
        for (size_t i = 0; i < k; i++)
            out_ring[(out_head + i) % OUT_RING] = s[off + i];
        out_head += k;
        off += k;
        if (k && log_armed)
            log_fire();
        bool mine = !draining;
        draining = true;
        if (!k && !f) { /* full, and we may not wait: drop the rest */
            out_dropped += n - off;
            off = n;
        } else if (!k && !mine) { /* full: wait for the drainer to make room */
            waitq_wait(&out_wq, &out_lock, UINT64_MAX);
        }
        spin_unlock_irqrestore(&out_lock, f);
        if (mine)
            drain();
    }
}

/* How long console_sync waits for a preempted drainer to finish. */
#define SYNC_WAIT_NS 1000000000ull

void console_sync(void)
{
    /* At power-off or a test's end: whatever a preempted drainer left. The
     * chunk it holds is past out_tail already, and maybe half written: only
     * it can write the rest, and the machine stops before it runs again.
     * So a caller that may wait (a thread with interrupts on, as in
     * console_write) lets it finish first; the ring is written from here
     * only after that, or in a panic, or if the drainer does not get the
     * CPU back in time (its chunk is then lost). Interrupts stay off from
     * the wait's end on, so no new drainer starts in between. */
    irqflags_t f = plat_irq_save();
    if (f && !panicking) {
        spin_lock(&out_lock);
        uint64_t deadline = plat_clock_ns() + SYNC_WAIT_NS;
        while (draining && waitq_wait(&out_wq, &out_lock, deadline) == 0)
            ;
        spin_unlock(&out_lock);
    }
    while (out_tail != out_head) {
        char ch = out_ring[out_tail++ % OUT_RING];
        plat_console_write(&ch, 1);
    }
    plat_irq_restore(f);
}

uint64_t console_output_dropped(void)
{
    return out_dropped;
}

void console_enter_panic(void)
{
    if (!panicking) {
        panicking = true;
        console_sync(); /* what came before the panic comes first */
    }
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

bool console_input_room(void)
{
    return __atomic_load_n(&head, __ATOMIC_RELAXED) - __atomic_load_n(&tail, __ATOMIC_RELAXED) < IN_RING;
}

/* A byte taken from the ring (in_lock held). */
static int take_byte(void)
{
    return ring[tail++ % IN_RING];
}

/* After a byte was taken, with in_lock dropped (the platform may feed the
 * ring from here): when the ring is empty, the platform may have more
 * waiting, held back while there was no room. */
static void after_take(int c)
{
    if (c >= 0 && __atomic_load_n(&head, __ATOMIC_RELAXED) == __atomic_load_n(&tail, __ATOMIC_RELAXED))
        plat_console_rx_ready();
}

void console_input_eof(void)
{
    spin_lock(&in_lock);
    eof = true;
    spin_unlock(&in_lock);
    waitq_wake(&in_wq, WAKE_ALL);
}

size_t console_feed(const uint8_t *buf, size_t n, unsigned flags)
{
    irqflags_t f = spin_lock_irqsave(&in_lock);
    if (flags & CONSOLE_FEED_RESET) {
        fed_tail = fed_head; /* what the last program left unread is not the next one's */
        fed_end = false;
    }
    size_t k = 0;
    for (; k < n && fed_head - fed_tail < IN_RING; k++)
        fed[fed_head++ % IN_RING] = buf[k];
    if (k)
        fed_end = false;
    if ((flags & CONSOLE_FEED_END) && k == n)
        fed_end = true;
    spin_unlock_irqrestore(&in_lock, f);
    waitq_wake(&in_wq, WAKE_ALL);
    return k;
}

int console_getc_until(uint64_t deadline_ns)
{
    irqflags_t f = spin_lock_irqsave(&in_lock);
    bool timed_out = deadline_ns == 0;
    while (head == tail && !eof && !timed_out)
        timed_out = waitq_wait(&in_wq, &in_lock, deadline_ns) != 0;
    int c = head != tail ? take_byte() : eof ? CONSOLE_EOF : CONSOLE_TIMEOUT;
    spin_unlock_irqrestore(&in_lock, f);
    after_take(c);
    return c;
}

/* Wait (in_lock held) until fd 0 has something: a byte in either ring, or
 * the end of one. false: the deadline passed, or the component is asked to
 * stop. */
static bool wait_input_intr(uint64_t deadline_ns)
{
    bool stop = deadline_ns == 0;
    while (fed_head == fed_tail && !fed_end && head == tail && !eof && !stop) {
        int r = waitq_wait_intr(&in_wq, &in_lock, deadline_ns);
        stop = r == -ATH_ETIMEDOUT || r == -ATH_EINTR;
    }
    return fed_head != fed_tail || fed_end || head != tail || eof;
}

int console_getc_intr(uint64_t deadline_ns)
{
    irqflags_t f = spin_lock_irqsave(&in_lock);
    wait_input_intr(deadline_ns);
    /* What a shell passed on first, then the device's. */
    if (fed_head != fed_tail || fed_end) {
        int c = fed_head != fed_tail ? fed[fed_tail++ % IN_RING] : CONSOLE_EOF;
        spin_unlock_irqrestore(&in_lock, f);
        return c;
    }
    int c = head != tail ? take_byte() : eof ? CONSOLE_EOF : CONSOLE_TIMEOUT;
    spin_unlock_irqrestore(&in_lock, f);
    after_take(c);
    return c;
}

long console_input_ready_intr(uint64_t deadline_ns)
{
    irqflags_t f = spin_lock_irqsave(&in_lock);
    long r = !wait_input_intr(deadline_ns)        ? CONSOLE_TIMEOUT
           : fed_head != fed_tail                 ? (long)(fed_head - fed_tail)
           : fed_end                              ? CONSOLE_EOF
           : head != tail                         ? (long)(head - tail)
           :                                        CONSOLE_EOF;
    spin_unlock_irqrestore(&in_lock, f);
    return r;
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
