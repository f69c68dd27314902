/* The privacy service's protocol (components/services/privacy,
 * docs/privacy.md): sessions that are an app's only way to a sensor, the
 * user's answers and controls, and what the service asks of a sensor
 * driver. Include after athanor.h. */
#ifndef ATHANOR_PRIVACY_H
#define ATHANOR_PRIVACY_H

#include <athanor.h>

/* To the privacy service (its endpoint, from the manifest's calls list). */
enum ath_priv_op {
    /* ath_call_grant(priv, ATH_PRIV_OPEN, sensor | precision << 8,
     * duration_ms, note): note is the app's notification (the service
     * signals ATH_SESSION_ANSWERED, _DATA and _ENDED there). Result: the
     * session's handle, or -ATH_EPERM (the manifest does not let this app
     * ask for the sensor), -ATH_EDENIED (the user said no), -ATH_EAGAIN
     * (the user is being asked: wait for ATH_SESSION_ANSWERED and ask
     * again), -ATH_EBUSY (another session has the sensor), -ATH_ENOENT (no
     * such sensor or driver), -ATH_EPEERFAILED (the driver failed). */
    ATH_PRIV_OPEN = 1,
    /* The user's controls (components the manifest marks sensor_control;
     * those marked sensor_control = "observe" may LIST and LOG only):
     * ANSWER(request, ATH_ANSWER_*); REVOKE(session id, 0: every session);
     * with a lend (RW) of a buffer: LIST (live sessions and pending
     * requests) and LOG(first) (the audit log from entry `first`), as text;
     * the result is its length. */
    ATH_PRIV_ANSWER = 2,
    ATH_PRIV_REVOKE = 3,
    ATH_PRIV_LIST = 4,
    ATH_PRIV_LOG = 5,
    ATH_PRIV_STATS = 6, /* (tests, benchmarks) a0 = which: see privacy.c */
};
enum ath_answer { ATH_ANSWER_ONCE = 1, ATH_ANSWER_ALWAYS = 2, ATH_ANSWER_DENY = 3 };
#define ATH_PRECISION_FINE   0u
#define ATH_PRECISION_COARSE 1u
#define ATH_SESSION_MAX_MS   (3600u * 1000u)

/* Through a session's handle. READ: with a lend (RW) of a page-aligned
 * buffer, the records delivered since the last READ (struct ath_location
 * for location); the result is how many (0: none yet; wait for
 * ATH_SESSION_DATA). CLOSE: the session ends. After the end every call
 * through the handle, or any copy of it, fails with -ATH_ESTALE. */
enum ath_session_op { ATH_SESSION_READ = 16, ATH_SESSION_CLOSE = 17 };
/* Bits the service (and, for DATA, the driver) sets in the app's notification. */
#define ATH_SESSION_ANSWERED (1u << 0)
#define ATH_SESSION_DATA     (1u << 1)
#define ATH_SESSION_ENDED    (1u << 2)

/* A position, as the GPS driver reads it (coarse sessions: the centre of
 * its cell, components/services/coarse_location.h). */
struct ath_location {
    int32_t  lat_e7, lon_e7; /* degrees * 1e7, north and east positive */
    int32_t  alt_mm;         /* above mean sea level (GGA only) */
    uint32_t time_ms;        /* UTC time of day */
    uint32_t date;           /* ddmmyy (RMC only) */
    uint32_t seq;            /* the driver's count of positions, from 1 */
    uint16_t hdop_x100;
    uint8_t  kind;           /* 1 GGA, 2 RMC */
    uint8_t  quality, satellites, valid;
    uint8_t  precision;      /* ATH_PRECISION_*: what the session gave */
    uint8_t  pad;
};
_Static_assert(sizeof(struct ath_location) == 32, "struct ath_location is 32 bytes");

/* From the privacy service to a sensor driver (only it may call one: the
 * manifest tool checks). GRANT, with ath_call_grant: a capability for
 * this session (its hardware, the app's notification to signal
 * ATH_SESSION_DATA on). START: program the device and run. FETCH, with a
 * lend (RW): copy the records read since the last FETCH into it; the
 * result is how many. Nothing stops a session from the driver's side: the
 * service quiesces the device, revokes what it granted and resets the
 * driver to its snapshot. */
enum ath_sensor_op { ATH_SENSOR_GRANT = 32, ATH_SENSOR_START = 33, ATH_SENSOR_FETCH = 34 };

/* From the privacy service to the framebuffer driver (components/drivers/fb),
 * which refuses anyone else (-ATH_EPERM): ath_call(fb, ATH_FB_INDICATOR,
 * kinds, 0, 0): the ATH_SENSOR_* bits of the sensors in use, one marker
 * each in the screen's strip (0: none); -ATH_EINVAL for other bits. */
#define ATH_FB_INDICATOR 3u

/* Open a session, asking the user if need be: waits up to timeout_ns for
 * the answer (and for the service, if it is still starting or
 * restarting). The session's handle, or an error as for ATH_PRIV_OPEN. */
static inline ath_handle_t ath_session_open(ath_handle_t priv, unsigned sensor, unsigned precision,
                                            uint32_t duration_ms, ath_handle_t note,
                                            uint64_t timeout_ns)
{
    uint64_t r = 0;
    for (uint64_t waited = 0;; waited += 10000000u) {
        int e = ath_call_grant(priv, ATH_PRIV_OPEN, sensor | precision << 8, duration_ms, note, &r);
        if (e == -ATH_EPEERFAILED && waited < timeout_ns) { /* not serving yet */
            ath_notify_wait(note, 0, 10000000u, &r);
            continue;
        }
        if (e)
            return e;
        if ((int64_t)r != -ATH_EAGAIN)
            return (ath_handle_t)(int64_t)r;
        uint64_t bits = 0;
        e = ath_notify_wait(note, ATH_SESSION_ANSWERED, timeout_ns, &bits);
        if (e)
            return e;
        if (!bits)
            return -ATH_ETIMEDOUT;
    }
}

#endif
