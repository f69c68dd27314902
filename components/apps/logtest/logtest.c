/* logtest: checks the console log (log_read, the manifest's "log") the way
 * the shell reads it for the screen (tests/hosted/conlog.sh runs it). */
#include <stdio.h>
#include <string.h>

#include <athanor.h>

/* It finds its own line, is notified of new output, loses the oldest
 * (counted) but never the newest under a flood, may have only so many
 * watches at once, and is refused once it no longer holds the capability.
 * Prints "logtest: FAIL ..." for each check that fails and exits 1;
 * "logtest: all checks passed" and 0 otherwise. */

#define FLOOD_LINES 600 /* of 64 bytes: 38 400, more than twice the 16 KiB the kernel keeps */
#define WATCHES 4       /* the kernel's watch slots (console.c) */

static ath_handle_t logcap;
static unsigned failed;
static char chunk[ATH_LOG_CHUNK];
static char seen[4 * ATH_LOG_CHUNK]; /* what the last read_all read, its end */
static size_t nseen;

static void check(int ok, const char *what, long long got)
{
    if (!ok) {
        printf("logtest: FAIL %s (got %lld)\n", what, got);
        failed++;
    }
}

/* Read from *pos until caught up (arming `note`, if any): the bytes read,
 * the bytes lost; the last sizeof seen of them are kept in seen. */
static long read_all(uint64_t *pos, ath_handle_t note, uint64_t *lost_total)
{
    long total = 0;
    int k;
    *lost_total = 0;
    nseen = 0;
    for (;;) {
        uint64_t lost;
        k = ath_log_read(logcap, pos, chunk, sizeof chunk, note, 1, &lost);
        if (k <= 0)
            break;
        check(k <= (int)ATH_LOG_CHUNK, "a read returns at most ATH_LOG_CHUNK bytes", k);
        *lost_total += lost;
        total += k;
        if (nseen + (size_t)k > sizeof seen) { /* keep the newest */
            size_t drop = nseen + (size_t)k - sizeof seen;
            memmove(seen, seen + drop, nseen - drop);
            nseen -= drop;
        }
        memcpy(seen + nseen, chunk, (size_t)k);
        nseen += (size_t)k;
    }
    check(k == 0, "a read when caught up answers 0", k);
    return total;
}

static int saw(const char *text)
{
    size_t n = strlen(text);
    for (size_t i = 0; i + n <= nseen; i++)
        if (!memcmp(seen + i, text, n))
            return 1;
    return 0;
}

int main(void)
{
    logcap = ath_cap_find(ATH_T_LOG, 0);
    check(logcap > 0, "the manifest's log capability", logcap);
    uint64_t pos = ATH_LOG_END, lost;
    char line[64];

    /* from now on: nothing yet, then our own line */
    check(read_all(&pos, -1, &lost) == 0, "ATH_LOG_END: nothing printed from now on yet", 0);
    snprintf(line, sizeof line, "logtest: my own line %llu\n", (unsigned long long)pos);
    fputs(line, stdout);
    fflush(stdout);
    long n = read_all(&pos, -1, &lost);
    check(n >= (long)strlen(line) && saw(line) && lost == 0, "reads back its own line", n);

    /* caught up with a notification: the next output sets its bit, once */
    ath_handle_t note = ath_notify_create();
    read_all(&pos, note, &lost);
    printf("logtest: new output\n");
    fflush(stdout);
    uint64_t bits = 0;
    ath_notify_wait(note, 1, 2000000000ull, &bits);
    check(bits == 1, "notified of new output", (long long)bits);
    n = read_all(&pos, -1, &lost);
    check(saw("logtest: new output\n"), "reads the output it was notified of", n);
    printf("logtest: read back its own line, notified of new output\n");

    /* a flood: the oldest is lost, and counted; the newest is there */
    fflush(stdout);
    read_all(&pos, -1, &lost);
    uint64_t from = pos;
    for (int i = 0; i < FLOOD_LINES; i++)
        printf("logtest: flood line %04d ......................................\n", i); /* 64 bytes */
    printf("logtest: flood end\n");
    fflush(stdout);
    n = read_all(&pos, -1, &lost);
    uint64_t written = pos - from;
    check(written >= FLOOD_LINES * 64, "the flood's bytes counted in positions", (long long)written);
    check(lost > 0 && lost + (uint64_t)n == written, "what was lost is counted: read + lost = written",
          (long long)lost);
    check(n <= 16384 && n >= 8192, "the kernel keeps 16 KiB", n);
    check(saw("logtest: flood end\n") && saw("flood line 0599"), "the newest output is not lost", n);
    printf("logtest: flood: %llu bytes written, the newest %ld read, %llu lost (counted)\n",
           (unsigned long long)written, n, (unsigned long long)lost);

    /* watches are bounded: one more than the slots is refused (EBUSY);
     * dead notifications free theirs */
    fflush(stdout);
    ath_handle_t notes[WATCHES + 1];
    int busy = 0;
    for (int i = 0; i < WATCHES + 1; i++) {
        notes[i] = ath_notify_create();
        int r;
        do
            r = ath_log_read(logcap, &pos, chunk, sizeof chunk, notes[i], 1, NULL);
        while (r > 0);
        busy += r == -ATH_EBUSY;
    }
    check(busy >= 1, "more watches than slots: EBUSY", busy);
    for (int i = 0; i < WATCHES + 1; i++)
        ath_cap_delete(notes[i]);
    ath_handle_t fresh = ath_notify_create(); /* needs a slot of the dead ones */
    int r;
    do
        r = ath_log_read(logcap, &pos, chunk, sizeof chunk, fresh, 1, NULL);
    while (r > 0);
    check(r == 0, "a watch again once the others' notifications are gone", r);
    printf("logtest: watches: %d of %d refused (EBUSY) while the slots were taken\n", busy, WATCHES + 1);

    /* malformed requests */
    check(__ath_log_read((uint32_t)logcap, (uint64_t *)0xfffffff0u, chunk, 1, 0, 0) == -ATH_EFAULT,
          "a position outside memory: EFAULT", 0);
    check(ath_log_read(logcap, &pos, (void *)0xfffffff0u, 16, -1, 0, NULL) == -ATH_EFAULT,
          "a buffer outside memory: EFAULT", 0);
    check(ath_log_read(logcap, &pos, chunk, 1, note, 0, NULL) == -ATH_EINVAL, "a watch without bits: EINVAL", 0);

    /* without the capability: refused, whatever handle it passes */
    ath_handle_t con = ath_cap_find(ATH_T_CONSOLE, 0);
    int wrong = ath_log_read(con, &pos, chunk, sizeof chunk, -1, 0, NULL);
    check(wrong == -ATH_EWRONGTYPE, "the console capability is not a log: EWRONGTYPE", wrong);
    ath_cap_delete(logcap);
    int stale = ath_log_read(logcap, &pos, chunk, sizeof chunk, -1, 0, NULL);
    check(stale == -ATH_ESTALE, "a deleted log capability: ESTALE", stale);
    ath_handle_t none = ath_cap_find(ATH_T_LOG, 0);
    int bad = ath_log_read(none, &pos, chunk, sizeof chunk, -1, 0, NULL);
    check(none == -ATH_ENOENT && bad == -ATH_EBADHANDLE, "no log capability at all: EBADHANDLE", bad);
    printf("logtest: refused without a log capability: %d %d %d\n", wrong, stale, bad);

    if (failed) {
        printf("logtest: %u checks failed\n", failed);
        return 1;
    }
    printf("logtest: all checks passed\n");
    return 0;
}
