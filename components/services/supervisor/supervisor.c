/* The supervisor: decides, instead of the kernel, what happens to a
 * component that stopped. It registers as the system's watcher (which needs
 * "manage"), and on each event looks at every component: one that faulted
 * (or exited, under "always") gets restarted by its manifest policy, after a
 * backoff that doubles with each recent restart (0, 10, 20, 40 ms ... up to
 * 1 s); more than max_restarts within restart_window_ms and it gives up and
 * says so. If the supervisor itself stops, the kernel applies the policies
 * again (and restarts the supervisor by its own). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <athanor.h>

#define MAX_COMPONENTS 160 /* the manifest's, and the slots of apps loaded at run time */
#define HISTORY 16

static ath_handle_t manage;
static struct {
    uint32_t handled_gen;       /* the generation we decided about last */
    uint64_t times[HISTORY];    /* our restarts of it (ms since boot) */
    unsigned n;
    int      gave_up;
} seen[MAX_COMPONENTS];
static unsigned restarts, give_ups;

static void sleep_ms(uint64_t ms)
{
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static void decide(unsigned i, const char *name, int64_t st)
{
    unsigned state = ATH_STATE_STATE(st);
    uint32_t gen = ATH_STATE_GENERATION(st);
    if (gen == seen[i].handled_gen || (state != ATH_FAULTED && state != ATH_EXITED))
        return;
    int64_t p = ath_comp_ctl(manage, name, ATH_COMP_POLICY, 0);
    unsigned policy = ATH_POLICY_RESTART(p), max = ATH_POLICY_MAX(p);
    uint64_t window = ATH_POLICY_WINDOW_MS(p);
    seen[i].handled_gen = gen;
    if (p < 0 || policy == ATH_RESTART_NEVER || (policy == ATH_RESTART_ON_FAILURE && state != ATH_FAULTED))
        return; /* never, or it exited cleanly under on-failure */
    uint64_t now = (ath_now_ns() / 1000000u);
    unsigned recent = 0;
    for (unsigned k = 0; k < HISTORY && k < seen[i].n; k++)
        recent += now - seen[i].times[k] < window;
    if (recent >= max) {
        give_ups++;
        seen[i].gave_up = 1;
        printf("supervisor: %s: %u restarts within %llu ms; giving up\n", name, recent,
               (unsigned long long)window);
        return;
    }
    uint64_t backoff = recent == 0 ? 0 : (10ull << (recent - 1));
    if (backoff > 1000)
        backoff = 1000;
    sleep_ms(backoff);
    int64_t r = ath_comp_ctl(manage, name, ATH_COMP_RECOVER, 0);
    if (r != 0) {
        printf("supervisor: %s: restart failed (%lld)\n", name, (long long)r);
        return;
    }
    seen[i].times[seen[i].n++ % HISTORY] = (ath_now_ns() / 1000000u);
    restarts++;
    printf("supervisor: restarted %s (generation %u) after %llu ms backoff\n", name, gen + 1,
           (unsigned long long)backoff);
}

static void scan(void)
{
    char name[32];
    int n;
    for (unsigned i = 0; i < MAX_COMPONENTS && (n = ath_comp_name(manage, i, name, sizeof name)) >= 0; i++) {
        int64_t st = n ? ath_comp_ctl(manage, name, ATH_COMP_STATE, 0) : -1; /* 0: an empty slot */
        if (st >= 0)
            decide(i, name, st);
    }
}

int main(void)
{
    manage = ath_cap_find(ATH_T_COMPONENT, 0);
    /* What stopped before we watch was decided by the kernel: not ours.
     * (Looked at first: whatever stops from here on is ours or the kernel's,
     * never nobody's.) */
    char name[32];
    int n;
    for (unsigned i = 0; i < MAX_COMPONENTS && (n = ath_comp_name(manage, i, name, sizeof name)) >= 0; i++) {
        int64_t st = n ? ath_comp_ctl(manage, name, ATH_COMP_STATE, 0) : -1; /* 0: an empty slot */
        if (st >= 0 && ATH_STATE_STATE(st) != ATH_RUNNING)
            seen[i].handled_gen = ATH_STATE_GENERATION(st);
    }
    ath_handle_t note = ath_notify_create();
    int r = ath_sys_watch(manage, note, 1);
    if (r) {
        printf("supervisor: cannot supervise (%d)\n", r);
        return 1;
    }
    printf("supervisor: watching\n");
    for (;;) {
        uint64_t bits;
        ath_notify_wait(note, 1, 1000000000ull, &bits);
        if (bits)
            scan();
    }
}
