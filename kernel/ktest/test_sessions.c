/* In-kernel tests of sensor sessions (docs/privacy.md), run by name only
 * (`azoth.test=sessions`, or one test's name): they need a GPS receiver
 * sending on COM2 and an AC'97 controller, which tests/hosted/sessions.sh
 * and tests/qemu/sessions.sh provide. Apps and the user's tool do what a
 * user would (components/apps/gpsapp.h, micapp, privctl); the checks look
 * from the kernel's side, where a driver cannot pretend: after every end,
 * the driver holds no hardware capability, its interrupt line is unbound
 * and stays silent while the device goes on sending, and the device's
 * registers say it is quiesced. */
#include <athanor/hw.h>
#include <athanor/ktest.h>
#include <athanor/lifecycle.h>
#include <athanor/sched.h>

#define WAIT_NS  (20 * NS_PER_S)
#define COM2     0x2f8
#define COM2_IRQ 3

static struct component *need(const char *name)
{
    return comp_find(name);
}

/* The test image boots with nothing started: the PCI service, the sensor
 * drivers and the privacy service (which claims the AC'97 from the PCI
 * service and waits for it), serving before a test's app asks. */
static const char *services(void)
{
    static const char *const names[] = { "pci", "gps", "mic", "privacy" };
    for (unsigned i = 0; i < sizeof names / sizeof *names; i++) {
        struct component *c = comp_find(names[i]);
        KT_CHECK(c, "%s missing from the manifest", names[i]);
        if (c->state != COMP_RUNNING)
            KT_CHECK(comp_start(c, NULL) == 0, "start %s", names[i]);
        KT_CHECK(ktest_wait_serving(c, 10000), "%s is not serving (%s)", names[i],
                 comp_state_name(c->state));
    }
    return NULL;
}

/* Start `name` with args; NULL or why not. */
static const char *start(const char *name, const char *args)
{
    const char *err = services();
    if (err)
        return err;
    struct component *c = need(name);
    KT_CHECK(c, "%s missing from the manifest", name);
    if (c->state == COMP_RUNNING)
        comp_kill(c);
    KT_CHECK(comp_start(c, args) == 0, "start %s %s", name, args);
    return NULL;
}

/* Wait for `name` to stop and want exit status `status` (-1: a fault). */
static const char *finish(const char *name, int status)
{
    struct component *c = need(name);
    KT_CHECK(comp_wait(c, plat_clock_ns() + WAIT_NS) == 0, "%s did not stop", name);
    if (status < 0)
        KT_CHECK(c->state == COMP_FAULTED, "%s ended %s, not faulted", name, comp_state_name(c->state));
    else
        KT_CHECK(c->state == COMP_EXITED && c->trap.exit_code == status, "%s ended %s/%d, want exit %d",
                 name, comp_state_name(c->state), c->trap.exit_code, status);
    return NULL;
}

static const char *run(const char *name, const char *args, int status)
{
    const char *err = start(name, args);
    return err ? err : finish(name, status);
}

/* Does the driver hold a hardware capability (what `caps` would show)? */
static bool holds_hw(struct component *drv)
{
    struct cap_info info[16];
    unsigned n = cap_list(&drv->caps, 0, info, 16);
    for (unsigned i = 0; i < n && i < 16; i++)
        if (info[i].type == CAP_T_IOPORT || info[i].type == CAP_T_IRQ || info[i].type == CAP_T_MMIO ||
            info[i].type == CAP_T_DMA)
            return true;
    return false;
}

/* Wait (up to 5 s) until the driver of a session holds hardware: armed. */
static const char *armed(const char *driver)
{
    struct component *d = need(driver);
    KT_CHECK(d, "%s missing", driver);
    for (int i = 0; i < 5000 && !holds_hw(d); i++)
        thread_sleep_ns(NS_PER_MS);
    KT_CHECK(holds_hw(d), "%s was never given its hardware", driver);
    return NULL;
}

/* ---- the AC'97, read by the kernel through PCI configuration mechanism 1 ---- */

static uint32_t cfg_read(unsigned dev, unsigned off)
{
    irqflags_t f = plat_irq_save();
    uint32_t saved = plat_io_in(0xcf8, 4);
    plat_io_out(0xcf8, 4, 0x80000000u | dev << 11 | off);
    uint32_t v = plat_io_in(0xcfc, 4);
    plat_io_out(0xcf8, 4, saved); /* whatever the PCI service was about to do */
    plat_irq_restore(f);
    return v;
}

/* The AC'97's slot on bus 0, or -1. */
static int ac97_slot(void)
{
    for (unsigned d = 0; d < 32; d++)
        if (cfg_read(d, 0) == 0x24158086u)
            return (int)d;
    return -1;
}

/* ---- what must hold after every end ---- */

/* The GPS side: gps holds no hardware, line 3 unbound, COM2's IER 0, and
 * the line does not fire while the receiver goes on sending. Polled: an
 * end by exit, trap or crash reaches the service through the kernel's
 * stop listeners, a little after the app's own end. */
static const char *gps_cut(void)
{
    struct component *gps = need("gps");
    struct irq_line *l = hw_irq_line(COM2_IRQ);
    int i;
    for (i = 0; i < 2000 && (holds_hw(gps) || l->notify); i++)
        thread_sleep_ns(NS_PER_MS);
    KT_CHECK(!holds_hw(gps), "gps still holds hardware after the end");
    KT_CHECK(!l->notify, "line 3 still bound after the end");
    KT_CHECK(plat_io_in(COM2 + 1, 1) == 0, "COM2's IER is %#x, not 0", plat_io_in(COM2 + 1, 1));
    uint64_t fired = l->count;
    thread_sleep_ns(300 * NS_PER_MS); /* the receiver sends 10 positions a second meanwhile */
    KT_CHECK(l->count == fired, "line 3 fired %llu times after the end",
             (unsigned long long)(l->count - fired));
    return NULL;
}

/* The microphone side: mic holds no hardware and no DMA page, its line is
 * unbound, PCM In is stopped and bus mastering is off. */
static const char *mic_cut(void)
{
    struct component *mic = need("mic");
    int slot = ac97_slot();
    KT_CHECK(slot >= 0, "no AC'97 controller (the sessions suite needs one)");
    unsigned line = cfg_read((unsigned)slot, 0x3c) & 0xff;
    struct irq_line *l = hw_irq_line(line);
    KT_CHECK(l, "line %u", line);
    for (int i = 0; i < 2000 && (holds_hw(mic) || l->notify || mic->hw.dma_used); i++)
        thread_sleep_ns(NS_PER_MS);
    KT_CHECK(!holds_hw(mic), "mic still holds hardware after the end");
    KT_CHECK(!mic->hw.dma_used, "mic still holds %u bytes of DMA memory", mic->hw.dma_used);
    KT_CHECK(!l->notify, "line %u still bound after the end", line);
    uint32_t cmd = cfg_read((unsigned)slot, 4);
    KT_CHECK(!(cmd & 4), "bus mastering still on (command %#x)", cmd & 0xffff);
    uint16_t nabm = (uint16_t)(cfg_read((unsigned)slot, 0x14) & ~3u);
    uint32_t cr = plat_io_in((uint16_t)(nabm + 0x0b), 1), picb = plat_io_in((uint16_t)(nabm + 0x08), 2);
    KT_CHECK(!(cr & 1), "PCM In still running (CR %#x)", cr);
    uint64_t fired = l->count;
    thread_sleep_ns(200 * NS_PER_MS);
    KT_CHECK(plat_io_in((uint16_t)(nabm + 0x08), 2) == picb, "PCM In's position still moves");
    KT_CHECK(l->count == fired, "line %u fired after the end", line);
    return NULL;
}

/* ---- the ways a location session ends ---- */

static const char *t_close(void)
{
    const char *err = run("gpsapp", "close fixes=3", 0);
    return err ? err : gps_cut();
}

/* A coarse session: every position the centre of the one 2 km cell the
 * receiver's lie in (gpsapp checks them). */
static const char *t_coarse(void)
{
    const char *err = run("gpsapp", "close fixes=3 coarse", 0);
    return err ? err : gps_cut();
}

static const char *t_exit(void)
{
    const char *err = run("gpsapp", "exit fixes=3", 0);
    return err ? err : gps_cut();
}

static const char *t_trap(void)
{
    const char *err = run("gpsapp", "trap fixes=3", -1);
    return err ? err : gps_cut();
}

static const char *t_expiry(void)
{
    const char *err = run("gpsapp", "hold ms=700", 0);
    return err ? err : gps_cut();
}

/* The app holds a session of the driver's sensor: armed, and running a
 * little. */
static const char *holding(const char *app, const char *driver)
{
    const char *err = start(app, "hold ms=30000");
    if (!err)
        err = armed(driver);
    if (!err)
        thread_sleep_ns(300 * NS_PER_MS);
    return err;
}

/* The user revokes (the shell's `privacy revoke`, here privctl); the app
 * sees ESTALE and the end signalled. */
static const char *revoked(const char *app, const char *driver, const char *(*cut)(void))
{
    const char *err = holding(app, driver);
    if (!err)
        err = run("privctl", "revoke", 0);
    if (!err)
        err = finish(app, 0);
    return err ? err : cut();
}

/* The driver crashes mid-session: the session ends, the app hears it, and
 * the restarted driver holds nothing. */
static const char *crashed(const char *app, const char *driver, const char *(*cut)(void))
{
    const char *err = holding(app, driver);
    if (err)
        return err;
    KT_CHECK(comp_inject(need(driver), TRAP_OUT_OF_BOUNDS) == 0, "inject into %s", driver);
    err = finish(app, 0);
    return err ? err : cut();
}

static const char *t_revoke(void)
{
    return revoked("gpsapp", "gps", gps_cut);
}

static const char *t_driver_crash(void)
{
    return crashed("gpsapp", "gps", gps_cut);
}

/* Refused by the user in advance, and never allowed to ask: clear errors. */
static const char *t_refused(void)
{
    const char *err = run("gpsdeny", "open want=EDENIED", 0);
    return err ? err : run("gpsnone", "open want=EPERM", 0);
}

/* Asked: the app waits for the answer; once lets one session through and
 * asks again next time; deny refuses. */
static const char *t_prompt(void)
{
    const char *err = start("gpsask", "hold ms=600");
    if (!err) {
        thread_sleep_ns(300 * NS_PER_MS);
        err = run("privctl", "answer once", 0);
    }
    if (!err)
        err = finish("gpsask", 0);
    if (!err)
        err = gps_cut();
    if (!err)
        err = start("gpsask", "open want=EDENIED");
    if (!err) {
        thread_sleep_ns(300 * NS_PER_MS);
        err = run("privctl", "answer deny", 0);
    }
    return err ? err : finish("gpsask", 0);
}

/* A driver that will not let go: after its session it tries COM2 through
 * every handle it could have held; the kernel refuses every attempt. */
static const char *t_keep_going(void)
{
    struct component *gps = need("gps");
    comp_kill(gps);
    const char *err = start("gps", "keep-going");
    if (err)
        return err;
    thread_sleep_ns(300 * NS_PER_MS); /* its first start's attempts: not counted here */
    uint32_t before = gps->hw.refused;
    err = run("gpsapp", "close fixes=3", 0);
    if (!err)
        err = gps_cut();
    for (int i = 0; !err && i < 2000 && gps->hw.refused - before < 1000; i++)
        thread_sleep_ns(NS_PER_MS);
    uint32_t refused = gps->hw.refused - before;
    comp_kill(gps);
    KT_CHECK(comp_start(gps, "") == 0, "start gps again");
    if (err)
        return err;
    /* 255 slots x 2 generations, less its own console and notification,
     * twice (port and line) */
    KT_CHECK(refused >= 1000, "only %u refusals counted after the session", refused);
    return NULL;
}

/* ---- the microphone ---- */

static const char *t_mic_expiry(void)
{
    const char *err = run("micapp", "hold ms=700", 0);
    return err ? err : mic_cut();
}

static const char *t_mic_revoke(void)
{
    return revoked("micapp", "mic", mic_cut);
}

/* Killed mid-session: as an app that exits or traps, it never closes. */
static const char *t_mic_app_exits(void)
{
    const char *err = holding("micapp", "mic");
    if (err)
        return err;
    KT_CHECK(comp_kill(need("micapp")) == 0, "kill micapp");
    return mic_cut();
}

static const char *t_mic_driver_crash(void)
{
    return crashed("micapp", "mic", mic_cut);
}

/* Last: the services stop cleanly, and the drivers hold nothing. */
static const char *t_services_stop(void)
{
    static const char *const names[] = { "privacy", "gps", "mic", "pci" };
    for (unsigned i = 0; i < sizeof names / sizeof *names; i++) {
        struct component *c = need(names[i]);
        if (c->state == COMP_RUNNING)
            KT_CHECK(comp_kill(c) == 0, "kill %s", names[i]);
        KT_CHECK(c->state != COMP_RUNNING, "%s still running", names[i]);
    }
    KT_CHECK(!holds_hw(need("gps")) && !holds_hw(need("mic")), "a sensor driver holds hardware");
    return NULL;
}

const struct ktest ktests_sessions[] = {
    { "session_close", t_close },
    { "session_coarse", t_coarse },
    { "session_exit", t_exit },
    { "session_trap", t_trap },
    { "session_expiry", t_expiry },
    { "session_revoke", t_revoke },
    { "session_driver_crash", t_driver_crash },
    { "session_refused", t_refused },
    { "session_prompt", t_prompt },
    { "session_keep_going", t_keep_going },
    { "session_mic_expiry", t_mic_expiry },
    { "session_mic_revoke", t_mic_revoke },
    { "session_mic_app_exits", t_mic_app_exits },
    { "session_mic_driver_crash", t_mic_driver_crash },
    { "session_services_stop", t_services_stop },
    { NULL, NULL },
};
