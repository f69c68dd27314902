/* The privacy service: the one component that hands out sensor access
 * (docs/privacy.md). It holds each sensor's hardware (the manifest grants
 * it here, never to the driver) and lends it to the sensor's driver for
 * the length of one session; an app reaches the sensor only through the
 * session's capability, a badged copy of this service's endpoint. A
 * session ends when the app closes it, exits, traps or is reset, its time
 * runs out, its driver fails, or the user revokes it; then, in this
 * order: the app's capability (and every copy of it) is revoked, the
 * driver's hardware capabilities are revoked (its interrupt line falls
 * silent with them), the device is quiesced through this service's own
 * capabilities, and the driver is reset to its snapshot. It asks the user
 * before an app's first session, remembers the answer, and keeps an audit
 * log. Its own events (stops of other components, expiries) arrive
 * through ath_serve_wait. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <athanor.h>
#include <athanor_privacy.h>
#include <sensor_policy.h>

#include "../coarse_location.c"
#include "../../drivers/mic/ac97.c"

#define ERR(e)       ((uint64_t)(int64_t)-(e))
#define EV_STOP      1u               /* a component stopped or was reset */
#define MAX_SESSIONS 4
#define MAX_REQUESTS 8
#define MAX_MEMOS    16
#define AUDIT        64
#define BADGE_BASE   (1ull << 32)     /* session badges: above every manifest badge */
#define DEFAULT_MS   60000u

static ath_handle_t manage, self, events;

/* ---- sensors and their hardware ---- */

struct sensor {
    unsigned     kind;
    const char  *name;
    const char  *driver;            /* from sensor_policy.h; NULL: none in this image */
    ath_handle_t ep;                /* the driver's endpoint */
    uint64_t     driver_instance;   /* the instance we armed (ATH_COMP_INSTANCE) */
    ath_handle_t hw[4];             /* our own: the roots of what we lend */
    unsigned     nhw;
    ath_handle_t lent[2];           /* our copies behind the driver's, this session */
    unsigned     nlent;
    uint32_t     unit;              /* bytes of one record FETCH counts (a position; a byte of PCM) */
    uint32_t     per_sample;        /* bytes of one sample delivered (a position; a stereo frame) */
    int          (*prepare)(struct sensor *s);  /* before the driver starts (NULL: nothing) */
    bool         (*quiesce)(struct sensor *s);  /* true if the device reads back quiet */
    void         (*verify)(struct sensor *s);   /* after the end, off the measured path */
    struct session *active;
};

#define COM2 0x2f8
enum { UART_DATA = 0, UART_IER = 1, UART_FCR = 2, UART_MCR = 4, UART_LSR = 5 };

/* COM2's receiver: no interrupt of any kind (IER), OUT2 off (on a PC it
 * gates the line), both FIFOs emptied so no byte waits for the next
 * session. True if the device reads back quiet. */
static bool quiesce_uart(struct sensor *s)
{
    ath_handle_t io = s->hw[0];
    uint8_t v = 0xff;
    ath_outb(io, COM2 + UART_IER, 0);
    ath_outb(io, COM2 + UART_MCR, 0);
    ath_outb(io, COM2 + UART_FCR, 0x07); /* enabled, both cleared */
    ath_outb(io, COM2 + UART_FCR, 0);
    for (int i = 0; i < 64 && ath_inb(io, COM2 + UART_LSR, &v) == 0 && (v & 1); i++)
        ath_inb(io, COM2 + UART_DATA, &v);
    return ath_inb(io, COM2 + UART_IER, &v) == 0 && v == 0;
}

/* The AC'97 controller: the PCI function is ours (claimed from the PCI
 * service: its BARs, line and configuration), the DMA quota too. */
static struct ac97 mic_hw;

static int prepare_ac97(struct sensor *s)
{
    (void)s;
    return ac97_enable(&mic_hw);
}

/* Every bus-master engine stopped and reset, the ADC powered down, bus
 * mastering and INTx off in the PCI command register (ac97_quiesce). */
static bool quiesce_ac97(struct sensor *s)
{
    (void)s;
    return ac97_quiesce(&mic_hw) == 0;
}

/* Read the engine back for 10 ms after the end, and say what it did. */
static void verify_ac97(struct sensor *s)
{
    (void)s;
    struct ac97_stopped st;
    ac97_check_stopped(&mic_hw, 10, &st); /* the service waits meanwhile: short */
    bool ok = st.steady && st.halted && !st.master && st.intx_off && !st.interrupts;
    printf("privacy: microphone quiesce %s: engine %s, %s (CIV %u, PICB %u, SR %#x, CR %#x over %u ms, "
           "%u interrupts), bus mastering %s, interrupts %s\n",
           ok ? "done" : "FAILED", st.halted ? "halted" : "RUNNING", st.steady ? "steady" : "MOVING",
           st.civ, st.picb, st.sr, st.cr, st.ms, st.interrupts, st.master ? "ON" : "off",
           st.intx_off ? "off" : "ON");
}

static struct sensor sensors[] = {
    { .kind = ATH_SENSOR_LOCATION, .name = "location", .quiesce = quiesce_uart,
      .unit = sizeof(struct ath_location), .per_sample = sizeof(struct ath_location) },
    { .kind = ATH_SENSOR_MICROPHONE, .name = "microphone", .prepare = prepare_ac97,
      .quiesce = quiesce_ac97, .verify = verify_ac97, .unit = 1, .per_sample = AC97_FRAME },
};
#define NSENSORS (sizeof sensors / sizeof *sensors)

static struct sensor *sensor_of(unsigned kind)
{
    for (unsigned i = 0; i < NSENSORS; i++)
        if (sensors[i].kind == kind && sensors[i].driver)
            return &sensors[i];
    return NULL;
}

static const char *sensor_name(unsigned kind)
{
    return kind == ATH_SENSOR_LOCATION ? "location" : kind == ATH_SENSOR_MICROPHONE ? "microphone" : "?";
}

/* ---- the audit log ---- */

enum what { A_REFUSED, A_ASKED, A_ANSWERED, A_STARTED, A_ENDED };
static const char *const what_names[] = { "refused", "asked", "answered", "started", "ended" };
struct audit {
    uint32_t seq;
    uint64_t at_ms;
    char     app[ATH_NAME_MAX];
    uint8_t  sensor, precision, what;
    uint32_t session, count, duration_ms;
    char     why[32];
};
static struct audit audit[AUDIT];
static uint32_t naudit;

static void log_event(enum what w, const char *app, unsigned sensor, unsigned precision,
                      uint32_t session, uint32_t count, uint32_t duration_ms, const char *why)
{
    struct audit *a = &audit[naudit % AUDIT];
    memset(a, 0, sizeof *a);
    a->seq = ++naudit;
    a->at_ms = ath_now_ns() / 1000000u;
    snprintf(a->app, sizeof a->app, "%s", app);
    a->sensor = (uint8_t)sensor;
    a->precision = (uint8_t)precision;
    a->what = (uint8_t)w;
    a->session = session;
    a->count = count;
    a->duration_ms = duration_ms;
    snprintf(a->why, sizeof a->why, "%s", why);
}

/* ---- who may ask, and what the user said ---- */

struct memo {
    char    app[ATH_NAME_MAX];
    uint8_t always, deny, once; /* sensor bits */
};
static struct memo memos[MAX_MEMOS];

static struct memo *memo_of(const char *app)
{
    struct memo *free_one = NULL;
    for (unsigned i = 0; i < MAX_MEMOS; i++) {
        if (!strcmp(memos[i].app, app))
            return &memos[i];
        if (!memos[i].app[0] && !free_one)
            free_one = &memos[i];
    }
    if (free_one)
        snprintf(free_one->app, sizeof free_one->app, "%s", app);
    return free_one;
}

static unsigned may_ask(const char *app)
{
    for (unsigned i = 0; i < SENSOR_APPS; i++)
        if (!strcmp(sensor_apps[i].component, app))
            return sensor_apps[i].may;
    return 0;
}

/* May app use the user's controls? full: answer and revoke too; else
 * read the sessions and the audit log (sensor_control = "observe"). */
static bool controller(const char *app, bool full)
{
    for (unsigned i = 0; i < SENSOR_CONTROLLERS; i++)
        if (!strcmp(sensor_controllers[i].component, app))
            return sensor_controllers[i].full || !full;
    return false;
}

/* A request waiting for the user's answer. */
struct request {
    uint32_t     id;
    char         app[ATH_NAME_MAX];
    unsigned     sensor, precision;
    uint32_t     duration_ms;
    ath_handle_t note; /* ours, to tell the app the answer came */
};
static struct request requests[MAX_REQUESTS];
static uint32_t next_request = 1;

/* ---- sessions ---- */

struct session {
    uint32_t       id; /* 0: free */
    char           app[ATH_NAME_MAX];
    struct sensor *sn;
    unsigned       precision;
    uint32_t       duration_ms;
    uint64_t       start_ns, expiry_ns;
    ath_handle_t   cap;  /* ours; the app's is a child of it */
    ath_handle_t   note; /* the app's notification (our copy) */
    uint64_t       app_instance;
    uint32_t       delivered;
};
static struct session sessions[MAX_SESSIONS];
static uint32_t next_session = 1;

/* Measured at the last end (ATH_PRIV_STATS, bench/): from the end event
 * to the app's capability revoked, to the device quiesced, to the driver
 * reset; and whether the device read back quiet. */
static uint64_t st_revoked_ns, st_quiesced_ns, st_reset_ns, st_ended, st_quiet_fail;

static uint64_t instance_of(const char *name)
{
    return (uint64_t)ath_comp_ctl(manage, name, ATH_COMP_INSTANCE, 0);
}

/* Take everything lent to the driver back, quiesce the device, and reset
 * the driver: between sessions it holds no hardware, no position and no
 * handle of the app's. */
static void disarm(struct sensor *sn, uint64_t t0)
{
    for (unsigned i = 0; i < sn->nhw; i++)
        ath_cap_revoke(sn->hw[i]); /* every copy of our roots: the driver's; its line falls silent */
    for (unsigned i = 0; i < sn->nlent; i++)
        ath_cap_delete(sn->lent[i]); /* the app's notification, and the driver's copy of it */
    sn->nlent = 0;
    if (!sn->quiesce(sn))
        st_quiet_fail++;
    st_quiesced_ns = ath_now_ns() - t0;
    /* A driver that restarted since it was armed is a fresh instance
     * already (its memory, DMA pages included, went with the old one). */
    int64_t r = instance_of(sn->driver) != sn->driver_instance
                    ? 0 : ath_comp_ctl(manage, sn->driver, ATH_COMP_RESET, 0);
    if (r < 0 && r != -ATH_EPEERRESTARTED && r != -ATH_ENOENT)
        printf("privacy: cannot reset %s (%lld)\n", sn->driver, (long long)r);
    st_reset_ns = ath_now_ns() - t0;
    sn->driver_instance = instance_of(sn->driver);
}

/* The screen's indicator strip: the framebuffer driver draws a marker per
 * sensor kind in use, told by us alone (ATH_FB_INDICATOR). It keeps only
 * what it was told, and a new instance of it (restarted, reset) starts
 * with an empty strip: so we tell fb whenever the kinds in use or its
 * instance changed, at every session start and end and at every event,
 * the kernel's news of fb's own stop among them. */
static ath_handle_t fb;          /* 0: not looked up yet */
static bool strip_known;         /* fb instance strip_instance shows strip_told */
static unsigned strip_told;
static uint64_t strip_instance;
static uint64_t strip_retry_ns;  /* while fb comes back: the next retry's delay */

/* Tell fb if it needs telling. True if it does but cannot hear it yet: it
 * faulted (its next instance will) or is setting up. A screen that is gone
 * (absent, no display: it exited; stopped by hand) is done without, as the
 * shell does. */
static bool indicator_pending(void)
{
    unsigned active = 0;
    for (unsigned i = 0; i < MAX_SESSIONS; i++)
        if (sessions[i].id)
            active |= sessions[i].sn->kind;
    if (fb == 0)
        fb = ath_lookup("fb");
    int64_t st = fb > 0 ? ath_comp_ctl(manage, "fb", ATH_COMP_STATE, 0) : -ATH_ENOENT;
    if (st >= 0 && ATH_STATE_STATE(st) == ATH_FAULTED) {
        strip_known = false; /* the instance told is gone; its successor starts empty */
        return active != 0;
    }
    if (st < 0 || ATH_STATE_STATE(st) != ATH_RUNNING)
        return false;
    uint64_t inst = instance_of("fb"); /* before the call: a reset after it is seen next time */
    if (strip_known && inst == strip_instance && active == strip_told)
        return false;
    for (int tries = 0; tries < 2; tries++) {
        uint64_t res = 0;
        int r = ath_call(fb, ATH_FB_INDICATOR, active, 0, 0, &res);
        if (r == -ATH_EPEERRESTARTED) { /* a restarted fb: our handle is its old generation's */
            ath_reconnect(&fb, "fb");
            continue;
        }
        if (r == 0 && res == 0) {
            strip_known = true;
            strip_told = active;
            strip_instance = inst;
        }
        return r == -ATH_EPEERFAILED; /* running, not serving yet: setting up */
    }
    return false;
}

/* At a session's start or end. If fb cannot hear it yet, the event path
 * tries again (only what it returns sets our next timeout): we wake it
 * through our own notification's bit for "check the others again". */
static void indicator(void)
{
    if (indicator_pending())
        ath_notify_signal(events, EV_STOP);
}

/* At every event: while fb comes back, try again after 10, 20, 40 ms ...
 * at most a second (a faulted fb waits for its supervisor's backoff),
 * never holding up an expiry: the sooner of the two is the next timeout. */
static uint64_t indicator_event(uint64_t next_ns)
{
    if (!indicator_pending()) {
        strip_retry_ns = 0;
        return next_ns;
    }
    strip_retry_ns = strip_retry_ns ? (strip_retry_ns * 2 > 1000000000u ? 1000000000u : strip_retry_ns * 2)
                                    : 10000000u;
    return strip_retry_ns < next_ns ? strip_retry_ns : next_ns;
}

static void end(struct session *s, const char *why, uint64_t t0)
{
    ath_cap_delete(s->cap); /* the app's handle, and every copy of it, fail from here */
    st_revoked_ns = ath_now_ns() - t0;
    ath_notify_signal(s->note, ATH_SESSION_ENDED); /* the app hears of it now */
    struct sensor *sn = s->sn;
    disarm(sn, t0);
    sn->active = NULL;
    ath_cap_delete(s->note);
    st_ended++;
    if (sn->verify)
        sn->verify(sn);
    uint32_t ms = (uint32_t)((ath_now_ns() - s->start_ns) / 1000000u);
    log_event(A_ENDED, s->app, sn->kind, s->precision, s->id, s->delivered, ms, why);
    printf("privacy: session %u ended: %s %s, %u delivered, %s\n", s->id, s->app, sn->name,
           s->delivered, why);
    s->id = 0;
    indicator();
}

static struct session *session_of(uint64_t badge)
{
    for (unsigned i = 0; i < MAX_SESSIONS; i++)
        if (sessions[i].id && BADGE_BASE + sessions[i].id == badge)
            return &sessions[i];
    return NULL;
}

/* Lend the sensor's hardware (our roots themselves: a grant makes the
 * driver's copy a child of ours, which a revoke of ours takes back; the
 * PCI service's grants to us carry no derive right) and a signal-only copy
 * of the app's notification to the driver, and start it. */
static int arm_once(struct sensor *sn, ath_handle_t app_note)
{
    uint64_t res = 0;
    sn->nlent = 0;
    ath_handle_t note = ath_cap_derive(app_note, ATH_R_WRITE | ATH_R_GRANT, 0);
    if (note < 0)
        return note;
    sn->lent[sn->nlent++] = note;
    for (unsigned i = 0; i <= sn->nhw; i++) {
        int r = ath_call_grant(sn->ep, ATH_SENSOR_GRANT, i, 0, i < sn->nhw ? sn->hw[i] : note, &res);
        if (r || (int64_t)res < 0)
            return r ? r : (int)(int64_t)res;
    }
    int r = sn->prepare ? sn->prepare(sn) : 0;
    if (r == 0)
        r = ath_call(sn->ep, ATH_SENSOR_START, 0, 0, 0, &res);
    return r ? r : (int)(int64_t)res;
}

static int arm(struct sensor *sn, ath_handle_t app_note)
{
    int r = arm_once(sn, app_note);
    if (r == -ATH_EPEERRESTARTED) { /* the driver restarted since we looked it up */
        ath_reconnect(&sn->ep, sn->driver);
        for (unsigned i = 0; i < sn->nlent; i++)
            ath_cap_delete(sn->lent[i]);
        r = arm_once(sn, app_note);
    }
    sn->driver_instance = instance_of(sn->driver);
    return r;
}

static uint64_t open_session(const char *app, struct sensor *sn, unsigned precision,
                             uint32_t duration_ms, ath_handle_t note)
{
    struct session *s = NULL;
    for (unsigned i = 0; i < MAX_SESSIONS && !s; i++)
        if (!sessions[i].id)
            s = &sessions[i];
    if (!s)
        return ERR(ATH_EBUSY);
    uint64_t t0 = ath_now_ns();
    int r = arm(sn, note);
    if (r) {
        disarm(sn, t0);
        printf("privacy: %s: the %s driver did not start (%d)\n", app, sn->name, r);
        return ERR(r == -ATH_ENOENT ? ATH_ENOENT : ATH_EPEERFAILED);
    }
    ath_handle_t cap = ath_cap_derive(self, ATH_R_CALL | ATH_R_GRANT | ATH_R_DERIVE,
                                      BADGE_BASE + next_session);
    ath_handle_t given = cap >= 0 ? ath_reply_grant(cap) : cap;
    if (given < 0) {
        if (cap >= 0)
            ath_cap_delete(cap);
        disarm(sn, t0);
        return ERR(-given);
    }
    memset(s, 0, sizeof *s);
    s->id = next_session++;
    snprintf(s->app, sizeof s->app, "%s", app);
    s->sn = sn;
    s->precision = precision;
    s->duration_ms = duration_ms;
    s->start_ns = t0;
    s->expiry_ns = t0 + (uint64_t)duration_ms * 1000000u;
    s->cap = cap;
    s->note = note;
    s->app_instance = instance_of(app);
    sn->active = s;
    log_event(A_STARTED, app, sn->kind, precision, s->id, 0, duration_ms, "");
    printf("privacy: session %u started: %s %s %s for %u s\n", s->id, app, sn->name,
           precision == ATH_PRECISION_COARSE ? "coarse" : "fine", (duration_ms + 999) / 1000);
    indicator();
    return (uint64_t)(uint32_t)given;
}

static uint64_t op_open(uint64_t a0, uint64_t a1, ath_handle_t note)
{
    char app[ATH_NAME_MAX];
    if (ath_caller_name(app, sizeof app) <= 0)
        return ERR(ATH_EINVAL);
    unsigned kind = (unsigned)(a0 & 0xff), precision = (unsigned)(a0 >> 8 & 0xff);
    uint32_t ms = a1 ? (a1 > ATH_SESSION_MAX_MS ? ATH_SESSION_MAX_MS : (uint32_t)a1) : DEFAULT_MS;
    struct sensor *sn = sensor_of(kind);
    bool keep_note = false;
    uint64_t r;
    struct memo *m = memo_of(app);
    if (precision > ATH_PRECISION_COARSE || (kind != ATH_SENSOR_LOCATION && kind != ATH_SENSOR_MICROPHONE) ||
        (kind == ATH_SENSOR_MICROPHONE && precision != ATH_PRECISION_FINE)) {
        r = ERR(ATH_EINVAL);
    } else if (!(may_ask(app) & kind)) {
        log_event(A_REFUSED, app, kind, precision, 0, 0, ms, "not in the manifest");
        printf("privacy: %s may not ask for the %s (manifest)\n", app, sensor_name(kind));
        r = ERR(ATH_EPERM);
    } else if (!sn) {
        r = ERR(ATH_ENOENT);
    } else if (!m || (m->deny & kind)) {
        log_event(A_REFUSED, app, kind, precision, 0, 0, ms, "the user said no");
        r = ERR(ATH_EDENIED);
    } else if (!(m->always & kind) && !(m->once & kind)) {
        /* Ask, once per app and sensor at a time; the answer comes by
         * ATH_PRIV_ANSWER, and the app hears of it on its notification. */
        struct request *q = NULL;
        for (unsigned i = 0; i < MAX_REQUESTS && !q; i++)
            if (requests[i].id && !strcmp(requests[i].app, app) && requests[i].sensor == kind)
                q = &requests[i];
        if (q) {
            r = ERR(ATH_EAGAIN);
        } else {
            for (unsigned i = 0; i < MAX_REQUESTS && !q; i++)
                if (!requests[i].id)
                    q = &requests[i];
            if (!q) {
                r = ERR(ATH_EBUSY);
            } else {
                q->id = next_request++;
                snprintf(q->app, sizeof q->app, "%s", app);
                q->sensor = kind;
                q->precision = precision;
                q->duration_ms = ms;
                q->note = note;
                keep_note = true;
                log_event(A_ASKED, app, kind, precision, 0, 0, ms, "");
                printf("privacy: request %u: %s wants the %s (%s) for %u s: allow once, always or deny?"
                       " (privacy once|always|deny %u)\n", q->id, app, sensor_name(kind),
                       precision == ATH_PRECISION_COARSE ? "coarse" : "fine", (ms + 999) / 1000, q->id);
                r = ERR(ATH_EAGAIN);
            }
        }
    } else if (sn->active) {
        r = ERR(ATH_EBUSY);
    } else {
        r = open_session(app, sn, precision, ms, note);
        keep_note = (int64_t)r >= 0;
        if (keep_note)
            m->once &= (uint8_t)~kind; /* allowed once: the next session asks again */
    }
    if (!keep_note)
        ath_cap_delete(note);
    return r;
}

static uint64_t op_answer(uint64_t id, uint64_t answer)
{
    struct request *q = NULL;
    for (unsigned i = 0; i < MAX_REQUESTS && !q; i++)
        if (requests[i].id && requests[i].id == id)
            q = &requests[i];
    if (!q || answer < ATH_ANSWER_ONCE || answer > ATH_ANSWER_DENY)
        return ERR(q ? ATH_EINVAL : ATH_ENOENT);
    struct memo *m = memo_of(q->app);
    if (!m)
        return ERR(ATH_EBUSY);
    uint8_t bit = (uint8_t)q->sensor;
    static const char *const said[] = { "", "allow once", "allow always", "deny" };
    m->once = (uint8_t)(answer == ATH_ANSWER_ONCE ? m->once | bit : m->once & ~bit);
    m->always = (uint8_t)(answer == ATH_ANSWER_ALWAYS ? m->always | bit : m->always & ~bit);
    m->deny = (uint8_t)(answer == ATH_ANSWER_DENY ? m->deny | bit : m->deny & ~bit);
    log_event(A_ANSWERED, q->app, q->sensor, q->precision, 0, 0, q->duration_ms, said[answer]);
    printf("privacy: request %u: %s\n", q->id, said[answer]);
    ath_notify_signal(q->note, ATH_SESSION_ANSWERED);
    ath_cap_delete(q->note);
    q->id = 0;
    return 0;
}

static uint64_t op_revoke(uint64_t id, uint64_t t0)
{
    unsigned n = 0;
    for (unsigned i = 0; i < MAX_SESSIONS; i++)
        if (sessions[i].id && (id == 0 || sessions[i].id == id)) {
            end(&sessions[i], "revoked by the user", t0);
            n++;
        }
    return n || id == 0 ? n : ERR(ATH_ENOENT);
}

/* Text into a lent buffer. */
struct out {
    char    *p;
    uint32_t len, n;
};
static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
    if (o->n >= o->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(o->p + o->n, o->len - o->n, fmt, ap);
    va_end(ap);
    if (w > 0)
        o->n = o->n + (uint32_t)w < o->len ? o->n + (uint32_t)w : o->len - 1;
}

static uint64_t op_list(struct out *o)
{
    uint64_t now = ath_now_ns();
    for (unsigned i = 0; i < MAX_SESSIONS; i++) {
        struct session *s = &sessions[i];
        if (s->id)
            put(o, "session %u: %s %s %s, %llu s left, %u delivered\n", s->id, s->app, s->sn->name,
                s->precision == ATH_PRECISION_COARSE ? "coarse" : "fine",
                (unsigned long long)(s->expiry_ns > now ? (s->expiry_ns - now) / 1000000000u : 0),
                s->delivered);
    }
    for (unsigned i = 0; i < MAX_REQUESTS; i++)
        if (requests[i].id)
            put(o, "request %u: %s wants the %s for %u s: waiting for the user\n", requests[i].id,
                requests[i].app, sensor_name(requests[i].sensor), (requests[i].duration_ms + 999) / 1000);
    return o->n;
}

static uint64_t op_log(struct out *o, uint64_t first)
{
    uint32_t from = naudit > AUDIT ? naudit - AUDIT + 1 : 1;
    if (first > from)
        from = (uint32_t)first;
    for (uint32_t seq = from; seq <= naudit; seq++) {
        const struct audit *a = &audit[(seq - 1) % AUDIT];
        put(o, "%u %llu.%03llu %s %s %s %s", a->seq, (unsigned long long)(a->at_ms / 1000),
            (unsigned long long)(a->at_ms % 1000), a->app, sensor_name(a->sensor),
            a->precision == ATH_PRECISION_COARSE ? "coarse" : "fine", what_names[a->what]);
        if (a->session)
            put(o, " session %u", a->session);
        if (a->what == A_ENDED)
            put(o, " after %u ms, %u delivered", a->duration_ms, a->count);
        else
            put(o, " for %u s", (a->duration_ms + 999) / 1000);
        put(o, "%s%s\n", a->why[0] ? ": " : "", a->why);
    }
    return o->n;
}

/* A component stopped or was reset: sessions whose app or driver is not
 * the instance they began with end; requests from apps gone are dropped. */
static void check_instances(uint64_t t0)
{
    for (unsigned i = 0; i < MAX_SESSIONS; i++) {
        struct session *s = &sessions[i];
        if (!s->id)
            continue;
        int64_t st = ath_comp_ctl(manage, s->app, ATH_COMP_STATE, 0);
        if (instance_of(s->app) != s->app_instance || st < 0 || ATH_STATE_STATE(st) != ATH_RUNNING)
            end(s, st >= 0 && ATH_STATE_STATE(st) == ATH_FAULTED ? "the app faulted"
                 : st >= 0 && ATH_STATE_STATE(st) == ATH_RUNNING ? "the app was reset or restarted"
                                                                   : "the app exited", t0);
        else if (instance_of(s->sn->driver) != s->sn->driver_instance)
            end(s, "the driver failed", t0);
    }
}

/* Expired sessions end; the time to the next expiry. */
static uint64_t check_expiry(void)
{
    uint64_t now = ath_now_ns(), next = ATH_NO_TIMEOUT;
    for (unsigned i = 0; i < MAX_SESSIONS; i++) {
        struct session *s = &sessions[i];
        if (s->id && now >= s->expiry_ns)
            end(s, "its time ran out", s->expiry_ns);
        else if (s->id && s->expiry_ns - now < next)
            next = s->expiry_ns - now;
    }
    return next;
}

static uint64_t op_read(struct session *s, uint64_t len, uint64_t where)
{
    uint64_t t0 = ath_now_ns();
    if (t0 >= s->expiry_ns) {
        end(s, "its time ran out", s->expiry_ns);
        return ERR(ATH_ESTALE);
    }
    uint64_t n = 0;
    /* The app's buffer, lent to us, lent on to the driver: it writes the
     * records straight into it; we coarsen them before the app sees them. */
    int r = ath_call_lend(s->sn->ep, ATH_SENSOR_FETCH, 0, (void *)(uintptr_t)where, (uint32_t)len,
                          ATH_LEND_RW, &n);
    if (r || (int64_t)n < 0) {
        end(s, "the driver failed", t0);
        return ERR(ATH_EPEERFAILED);
    }
    if (n > len / s->sn->unit)
        n = 0; /* a driver that lies about what it wrote delivers nothing */
    if (s->sn->kind == ATH_SENSOR_LOCATION) {
        struct ath_location *l = (struct ath_location *)(uintptr_t)where;
        for (uint64_t i = 0; i < n; i++) {
            if (s->precision == ATH_PRECISION_COARSE)
                coarse_location(l[i].lat_e7, l[i].lon_e7, &l[i].lat_e7, &l[i].lon_e7);
            l[i].precision = (uint8_t)s->precision;
        }
    }
    s->delivered += (uint32_t)(n * s->sn->unit / s->sn->per_sample);
    return n;
}

ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    uint64_t t0 = ath_now_ns();
    if (badge == 0 && op == ATH_OP_EVENT) {
        if (a0 & EV_STOP)
            check_instances(t0);
        return indicator_event(check_expiry());
    }
    struct session *s = badge >= BADGE_BASE ? session_of(badge) : NULL;
    if (badge >= BADGE_BASE) { /* through a session's capability */
        if (!s)
            return ERR(ATH_ESTALE);
        if (op == ATH_SESSION_READ)
            return a1 ? op_read(s, a1, a2) : ERR(ATH_EINVAL);
        if (op == ATH_SESSION_CLOSE) {
            end(s, "closed by the app", t0);
            return 0;
        }
        return ERR(ATH_ENOSYS);
    }
    if (op == ATH_PRIV_OPEN)
        return op_open(a0, a1, (ath_handle_t)a2);
    char app[ATH_NAME_MAX];
    bool reads = op == ATH_PRIV_LIST || op == ATH_PRIV_LOG;
    if (ath_caller_name(app, sizeof app) <= 0 || !controller(app, !reads))
        return ERR(ATH_EPERM);
    struct out o = { (char *)(uintptr_t)a2, (uint32_t)a1, 0 };
    switch (op) {
    case ATH_PRIV_ANSWER:
        return op_answer(a0, a1);
    case ATH_PRIV_REVOKE:
        return op_revoke(a0, t0);
    case ATH_PRIV_LIST:
        return a1 ? op_list(&o) : ERR(ATH_EINVAL);
    case ATH_PRIV_LOG:
        return a1 ? op_log(&o, a0) : ERR(ATH_EINVAL);
    case ATH_PRIV_STATS: {
        const uint64_t v[] = { st_ended, st_revoked_ns, st_quiesced_ns, st_reset_ns, st_quiet_fail };
        return a0 < sizeof v / sizeof *v ? v[a0] : ERR(ATH_EINVAL);
    }
    default:
        return ERR(ATH_ENOSYS);
    }
}

int main(void)
{
    manage = ath_cap_find(ATH_T_COMPONENT, 0);
    self = ath_self_endpoint();
    events = ath_notify_create();
    if (manage < 0 || self < 0 || events < 0 || ath_sys_listen(manage, events, EV_STOP) != 0) {
        printf("privacy: cannot start (manage %d, endpoint %d)\n", manage, self);
        return 1;
    }
    /* The user's answers given in advance (the manifest's sensor_answers). */
    for (unsigned i = 0; i < SENSOR_APPS; i++) {
        struct memo *m = memo_of(sensor_apps[i].component);
        if (m) {
            m->always = sensor_apps[i].always;
            m->once = sensor_apps[i].once;
            m->deny = sensor_apps[i].deny;
        }
    }
    /* Each sensor: its driver, and the hardware we hold for it, quiet. */
    for (unsigned i = 0; i < NSENSORS; i++) {
        struct sensor *sn = &sensors[i];
        for (unsigned d = 0; d < SENSOR_DRIVERS; d++)
            if (sensor_drivers[d].sensor == sn->kind)
                sn->driver = sensor_drivers[d].component;
        if (!sn->driver)
            continue;
        sn->ep = ath_lookup(sn->driver);
        int r = 0;
        if (sn->kind == ATH_SENSOR_LOCATION) {
            sn->hw[0] = ath_cap_find(ATH_T_IOPORT, 0);
            sn->hw[1] = ath_cap_find(ATH_T_IRQ, 0);
            sn->nhw = 2;
        } else if ((r = ac97_acquire(&mic_hw)) == 0) {
            sn->hw[0] = mic_hw.nam;
            sn->hw[1] = mic_hw.nabm;
            sn->hw[2] = mic_hw.irq;
            sn->hw[3] = mic_hw.dma;
            sn->nhw = 4;
        }
        if (r == -ATH_ENOENT) {
            printf("privacy: no %s: no AC'97 controller (8086:2415)\n", sn->name);
            sn->driver = NULL;
            continue;
        }
        if (r || sn->ep < 0 || sn->hw[0] < 0 || sn->hw[1] < 0) {
            printf("privacy: no %s: driver %s (%d) or its hardware missing (%s)\n", sn->name, sn->driver,
                   sn->ep, ath_strerror(r));
            sn->driver = NULL;
            continue;
        }
        sn->quiesce(sn);
        sn->driver_instance = instance_of(sn->driver);
    }
    printf("privacy: ready\n");
    return ath_serve_wait(events, EV_STOP, ATH_NO_TIMEOUT);
}
