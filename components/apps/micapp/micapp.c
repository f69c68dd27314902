/* A recording app for the microphone's session tests (tests/hosted/mic.sh, tests/qemu/mic.sh,
 * docs/privacy.md): it opens a microphone session and reads the PCM the
 * session delivers until the session ends (expiry, revoke, the driver
 * failing), then checks the end was signalled and its handle is dead.
 * Args: "hold ms=N" (the default), or "open want=ERROR" (only open; exit 0
 * if the result is that error name, or OK). It prints what it got: bytes,
 * frames, the rate they came at, and the loudest sample. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <athanor.h>
#include <athanor_privacy.h>

#define BUF (64 * 1024)
static int16_t buf[BUF / 2] __attribute__((aligned(4096)));

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "hold", *want = "OK";
    uint32_t ms = 3000;
    for (int i = 2; i < argc; i++) {
        if (!strncmp(argv[i], "ms=", 3))
            ms = (uint32_t)atoi(argv[i] + 3);
        else if (!strncmp(argv[i], "want=", 5))
            want = argv[i] + 5;
    }
    ath_handle_t priv = ath_lookup("privacy"), note = ath_notify_create();
    ath_handle_t s = ath_session_open(priv, ATH_SENSOR_MICROPHONE, ATH_PRECISION_FINE, ms, note,
                                      20000000000ull);
    const char *got_open = s < 0 ? ath_strerror(s) : "OK";
    printf("micapp: open: %s\n", got_open);
    if (!strcmp(mode, "open"))
        return strcmp(got_open, want) == 0 ? 0 : 1;
    if (s < 0)
        return 2;
    uint64_t t0 = (ath_now_ns() / 1000000u), bytes = 0, seen = 0, bits = 0;
    unsigned peak = 0;
    int r = 0;
    for (;;) {
        uint64_t n = 0;
        r = ath_call_lend(s, ATH_SESSION_READ, 0, buf, sizeof buf, ATH_LEND_RW, &n);
        if (r == 0 && (int64_t)n < 0)
            r = (int)(int64_t)n;
        if (r)
            break;
        for (uint64_t i = 0; i < n / 2; i++) {
            unsigned m = (unsigned)(buf[i] < 0 ? -(int)buf[i] : buf[i]);
            peak = m > peak ? m : peak;
        }
        bytes += n;
        if (n == 0) {
            ath_notify_wait(note, ATH_SESSION_DATA | ATH_SESSION_ENDED, 1000000000ull, &bits);
            seen |= bits;
        }
    }
    uint64_t took = (ath_now_ns() / 1000000u) - t0, n = 0;
    if (!(seen & ATH_SESSION_ENDED))
        ath_notify_wait(note, ATH_SESSION_ENDED, 2000000000ull, &bits);
    seen |= bits;
    int again = ath_call_lend(s, ATH_SESSION_READ, 0, buf, sizeof buf, ATH_LEND_RW, &n);
    printf("micapp: %llu bytes, %llu frames in %llu ms (%llu Hz), peak %u, then %s, ended signal %s, "
           "then reading: %s\n",
           (unsigned long long)bytes, (unsigned long long)(bytes / 4), (unsigned long long)took,
           (unsigned long long)(took ? bytes / 4 * 1000 / took : 0), peak, ath_strerror(r),
           seen & ATH_SESSION_ENDED ? "yes" : "no", ath_strerror(again));
    /* the read the end caught says why (ESTALE; EPEERFAILED: the driver
     * failed under it); every one after it, ESTALE */
    return (r == -ATH_ESTALE || r == -ATH_EPEERFAILED) && (seen & ATH_SESSION_ENDED) &&
                   again == -ATH_ESTALE && bytes > 0
               ? 0 : 1;
}
