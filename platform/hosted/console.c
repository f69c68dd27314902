/* Hosted console: output to stdout, input from stdin. A reader thread (the
 * "UART") blocks in read() and hands bytes to the kernel thread through a
 * single-producer/single-consumer ring, raising SIG_CONSOLE as its interrupt.
 * End of input is passed on as console EOF (the monitor then powers off).
 * While a UART driver holds COM1's line (devices.c), the bytes wait in the
 * ring for it instead of going to the kernel console. */
#include "hosted.h"

#include <athanor/console.h>
#include <athanor/klib.h>
#include <pthread.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#define RING 4096 /* power of two */
static uint8_t            ring_buf[RING];
static struct hosted_ring ring = { ring_buf, RING, 0, 0 };
static volatile bool    input_closed;
static pthread_t        kernel_thread, reader;
static struct termios   saved_tio;
static bool             tio_saved;

/* Under a fuzzer the output goes nowhere; with AZOTH_CRASH_LOG set, its last
 * 256 KiB are kept here so that a failed run can leave them behind (power.c). */
#define TAIL (256 * 1024) /* power of two */
static char    *tail_buf;
static uint64_t tail_len;

void hosted_console_keep_tail(void)
{
    tail_buf = malloc(TAIL);
}

void hosted_console_write_tail(int fd)
{
    if (!tail_buf)
        return;
    uint64_t start = tail_len > TAIL ? tail_len - TAIL : 0;
    for (uint64_t i = start; i < tail_len;) {
        size_t off = (size_t)(i & (TAIL - 1)), n = TAIL - off;
        if (n > tail_len - i)
            n = (size_t)(tail_len - i);
        if (write(fd, tail_buf + off, n) <= 0)
            return;
        i += n;
    }
}

/* Where the console goes: stdout; under azoth run, the app has stdout and
 * stderr to itself, and the kernel's own messages go to stderr with
 * AZOTH_VERBOSE set, nowhere without (hosted_console_run_mode). */
static int out_fd = 1;
static bool run_mode;

void hosted_console_run_mode(bool verbose)
{
    run_mode = true;
    out_fd = verbose ? 2 : -1;
}

void plat_console_write(const char *s, size_t n)
{
    for (size_t i = 0; tail_buf && i < n; i++)
        tail_buf[tail_len++ & (TAIL - 1)] = s[i];
    while (n && out_fd >= 0) {
        ssize_t w = write(out_fd, s, n);
        if (w <= 0)
            return; /* stdout gone: nothing sensible left to do */
        s += w;
        n -= (size_t)w;
    }
}

static void *reader_main(void *arg)
{
    (void)arg;
    uint8_t buf[256];
    for (;;) {
        ssize_t n = read(0, buf, sizeof buf);
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            hosted_ring_put(&ring, buf[i]);
        pthread_kill(kernel_thread, SIG_CONSOLE);
    }
    __atomic_store_n(&input_closed, true, __ATOMIC_RELEASE);
    pthread_kill(kernel_thread, SIG_CONSOLE);
    return NULL;
}

void hosted_console_drain(void)
{
    hosted_com2_input_ready();  /* COM2's reader raises the same signal, */
    hosted_vnet_input_ready();  /* and the network double's */
    uint8_t c;
    if (hosted_uart_owns_input()) {
        if (hosted_ring_pending(&ring))
            hosted_uart_input_ready(); /* the driver's interrupt */
    } else {
        /* no more than the kernel can hold: the rest waits here (rx_ready) */
        while (console_input_room() && hosted_ring_take(&ring, &c))
            console_input_irq(c);
    }
    if (__atomic_load_n(&input_closed, __ATOMIC_ACQUIRE) && !hosted_ring_pending(&ring))
        console_input_eof();
}

void plat_console_rx_ready(void)
{
    if (hosted_console_pending() && !hosted_uart_owns_input())
        pthread_kill(kernel_thread, SIG_CONSOLE); /* drain again, as an interrupt */
}

bool hosted_console_take(uint8_t *c)
{
    return hosted_ring_take(&ring, c);
}

bool hosted_console_pending(void)
{
    return hosted_ring_pending(&ring);
}

/* ---- the reader threads' rings (hosted.h) ---- */

void hosted_ring_put(struct hosted_ring *r, uint8_t c)
{
    /* Wait (briefly) if the kernel has not drained the ring yet. */
    while (__atomic_load_n(&r->head, __ATOMIC_ACQUIRE) - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) >= r->size)
        usleep(1000);
    r->buf[r->head % r->size] = c;
    __atomic_store_n(&r->head, r->head + 1, __ATOMIC_RELEASE);
}

bool hosted_ring_take(struct hosted_ring *r, uint8_t *c)
{
    if (!hosted_ring_pending(r))
        return false;
    *c = r->buf[r->tail % r->size];
    __atomic_store_n(&r->tail, r->tail + 1, __ATOMIC_RELEASE);
    return true;
}

bool hosted_ring_pending(const struct hosted_ring *r)
{
    return r->tail != __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
}

void hosted_ring_drop(struct hosted_ring *r)
{
    __atomic_store_n(&r->tail, __atomic_load_n(&r->head, __ATOMIC_ACQUIRE), __ATOMIC_RELEASE);
}

void hosted_console_kick(void)
{
    pthread_kill(kernel_thread, SIG_CONSOLE); /* dispatch again, as an interrupt */
}

void hosted_console_restore(void)
{
    if (tio_saved)
        tcsetattr(0, TCSANOW, &saved_tio);
}

void hosted_console_init(void)
{
    kernel_thread = pthread_self();
    /* Under azoth run the terminal stays as the user had it: the app reads
     * lines, as any program does. */
    if (!run_mode && isatty(0) && tcgetattr(0, &saved_tio) == 0) {
        /* Character at a time, no local echo (the monitor echoes). Keep ISIG
         * so ^C still stops the process. */
        struct termios raw = saved_tio;
        raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        tcsetattr(0, TCSANOW, &raw);
        tio_saved = true;
        atexit(hosted_console_restore);
    }
    /* The reader must never take the kernel's signals. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    if (pthread_create(&reader, NULL, reader_main, NULL) != 0)
        kpanic("hosted: cannot start the console reader");
    pthread_detach(reader);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}
