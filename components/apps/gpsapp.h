/* A location app for the session tests (kernel/ktest/test_sessions.c,
 * docs/privacy.md), shared by gpsapp (may ask, answered "always" in the
 * manifest), gpsask (may ask, the user is asked), gpsdeny (the user said
 * no) and gpsnone (may not ask). Args: a mode and options:
 *   close  read `fixes` positions, close, then check that the handle and a
 *          copy made from it fail with ESTALE (exit 0 if so)
 *   exit   read `fixes` positions and exit without closing
 *   trap   read `fixes` positions and trap
 *   hold   read until the session ends (expiry, revoke, a driver failure):
 *          exit 0 if it ended with ESTALE and the ENDED signal
 *   open   only open: exit 0 if the result is the error `want` names
 * options: fixes=N, ms=DURATION, coarse, want=EPERM|EDENIED|OK. A coarse
 * session's positions must each be the centre of its 2 km cell (snapping
 * it again changes nothing) and marked coarse, and the test receiver's,
 * all within a few hundred metres (tools/gps-receiver.sh), must all be
 * the same cell: else exit 3. (The receiver's own figures are no cell's
 * centre: snapping them moves them.)
 * Each position read is printed: "NAME: fix SEQ LAT LON fine|coarse alt ..."
 * (degrees × 10^7, millimetres, HDOP × 100, ddmmyy, ms of the day). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <athanor.h>
#include <athanor_privacy.h>

#include "../services/coarse_location.c"

static struct ath_location buf[4096 / sizeof(struct ath_location)] __attribute__((aligned(4096)));

static const char *errname(int e)
{
    return e == 0 ? "OK" : ath_strerror(e);
}

static bool coarse_wanted, coarse_bad;
static int32_t cell_lat, cell_lon;
static unsigned ncoarse;

/* A coarse position: the centre of its cell, marked so, one cell for all
 * (the test receiver's positions lie within 300 m of one another). */
static void check_coarse(const struct ath_location *l)
{
    int32_t lat, lon;
    coarse_location(l->lat_e7, l->lon_e7, &lat, &lon);
    if (l->precision != ATH_PRECISION_COARSE || lat != l->lat_e7 || lon != l->lon_e7 ||
        (ncoarse && (lat != cell_lat || lon != cell_lon)))
        coarse_bad = true;
    cell_lat = lat;
    cell_lon = lon;
    ncoarse++;
}

/* Read once: how many positions (printed), or a negative error. */
static int read_once(ath_handle_t s)
{
    uint64_t n = 0;
    int r = ath_call_lend(s, ATH_SESSION_READ, 0, buf, sizeof buf, ATH_LEND_RW, &n);
    if (r)
        return r;
    if ((int64_t)n < 0)
        return (int)(int64_t)n;
    for (uint64_t i = 0; i < n && coarse_wanted; i++)
        check_coarse(&buf[i]);
    for (uint64_t i = 0; i < n; i++)
        printf("%s: fix %u %d %d %s alt %d quality %u satellites %u hdop %u date %06u time %u\n", NAME,
               buf[i].seq, buf[i].lat_e7, buf[i].lon_e7,
               buf[i].precision == ATH_PRECISION_COARSE ? "coarse" : "fine", buf[i].alt_mm, buf[i].quality,
               buf[i].satellites, buf[i].hdop_x100, buf[i].date, buf[i].time_ms);
    return (int)n;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "hold", *want = "OK";
    unsigned fixes = 3, precision = ATH_PRECISION_FINE;
    uint32_t ms = 30000;
    for (int i = 2; i < argc; i++) {
        if (!strncmp(argv[i], "fixes=", 6))
            fixes = (unsigned)atoi(argv[i] + 6);
        else if (!strncmp(argv[i], "ms=", 3))
            ms = (uint32_t)atoi(argv[i] + 3);
        else if (!strcmp(argv[i], "coarse"))
            precision = ATH_PRECISION_COARSE, coarse_wanted = true;
        else if (!strncmp(argv[i], "want=", 5))
            want = argv[i] + 5;
    }
    ath_handle_t priv = ath_lookup("privacy"), note = ath_notify_create();
    uint64_t t0 = ath_now_ns();
    ath_handle_t s = ath_session_open(priv, ATH_SENSOR_LOCATION, precision, ms, note, 20000000000ull);
    printf("%s: open: %s\n", NAME, s < 0 ? errname(-s) : "OK");
    if (!strcmp(mode, "open"))
        return strcmp(s < 0 ? errname(-s) : "OK", want) == 0 ? 0 : 1;
    if (s < 0)
        return 2;
    ath_handle_t copy = ath_cap_derive(s, ATH_R_CALL, 0); /* a copy: it must die with s */
    unsigned got = 0;
    int r = 0;
    uint64_t bits = 0, seen = 0;
    /* Positions until enough, or (hold) until the session ends. */
    while (!strcmp(mode, "hold") || got < fixes) {
        r = read_once(s);
        if (r < 0)
            break;
        if (r > 0 && got == 0) {
            printf("%s: first position %llu ms after asking\n", NAME,
                   (unsigned long long)((ath_now_ns() - t0) / 1000000u));
        }
        got += (unsigned)r;
        if (r == 0) {
            ath_notify_wait(note, ATH_SESSION_DATA | ATH_SESSION_ENDED, 1000000000ull, &bits);
            seen |= bits;
        }
    }
    printf("%s: %u positions, then %s\n", NAME, got, r < 0 ? errname(-r) : "enough");
    if (!strcmp(mode, "trap"))
        __builtin_trap();
    if (!strcmp(mode, "exit"))
        return 0;
    if (coarse_wanted && (coarse_bad || !ncoarse)) {
        printf("%s: coarse positions not snapped to one 2 km cell\n", NAME);
        return 3;
    }
    if (!strcmp(mode, "close")) {
        uint64_t res = 0;
        int c = ath_call(s, ATH_SESSION_CLOSE, 0, 0, 0, &res);
        int after = read_once(s), via_copy = read_once(copy);
        printf("%s: closed (%s); then reading: %s, through a copy: %s\n", NAME, errname(-c),
               errname(after < 0 ? -after : 0), errname(via_copy < 0 ? -via_copy : 0));
        return c == 0 && after == -ATH_ESTALE && via_copy == -ATH_ESTALE ? 0 : 1;
    }
    if (!(seen & ATH_SESSION_ENDED)) /* hold: the end was signalled */
        ath_notify_wait(note, ATH_SESSION_ENDED, 2000000000ull, &bits);
    seen |= bits;
    int again = read_once(s), via_copy = read_once(copy);
    printf("%s: ended signal %s, then reading: %s, through a copy: %s\n", NAME,
           seen & ATH_SESSION_ENDED ? "yes" : "no", errname(again < 0 ? -again : 0),
           errname(via_copy < 0 ? -via_copy : 0));
    /* the read the end caught says why (ESTALE; EPEERFAILED: the driver
     * failed under it); every one after it, ESTALE */
    return (r == -ATH_ESTALE || r == -ATH_EPEERFAILED) && (seen & ATH_SESSION_ENDED) &&
                   again == -ATH_ESTALE && via_copy == -ATH_ESTALE
               ? 0 : 1;
}
