/* Fault injector for the soak test: makes the named components trap, one
 * at a time, with a random fault kind, every 60-180 ms, N times in all,
 * through its component capability (the manifest's "manage"). It waits
 * until its target runs again before the next injection, so every fault
 * lands on a live instance.
 *   faultinject N NAME...   -> "faultinject: injected N faults (per target: ...)" */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <athanor.h>

static void sleep_ms(unsigned ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        printf("usage: faultinject N NAME...\n");
        return 2;
    }
    ath_handle_t manage = ath_cap_find(ATH_T_COMPONENT, 0);
    int n = atoi(argv[1]), targets = argc - 2, done = 0, per[8] = { 0 };
    unsigned seed = (unsigned)time(NULL);
    static const enum ath_trap kinds[] = { ATH_TRAP_OOB, ATH_TRAP_UNREACHABLE, ATH_TRAP_DIVZERO,
                                           ATH_TRAP_OVERFLOW, ATH_TRAP_CONVERSION, ATH_TRAP_INDIRECT };
    for (int i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        int t = (int)((seed >> 16) % (unsigned)targets);
        const char *name = argv[2 + t];
        sleep_ms(60 + (seed >> 8) % 120);
        int64_t r = -1;
        for (int w = 0; w < 200 && r != 0; w++) { /* until it runs again after the last one */
            int64_t st = ath_comp_ctl(manage, name, ATH_COMP_STATE, 0);
            if (st >= 0 && ATH_STATE_STATE(st) == ATH_RUNNING)
                r = ath_comp_ctl(manage, name, ATH_COMP_INJECT, kinds[(seed >> 4) % 6]);
            if (r != 0)
                sleep_ms(10);
        }
        if (r == 0) {
            done++;
            if (t < 8)
                per[t]++;
        }
    }
    printf("faultinject: injected %d faults (", done);
    for (int t = 0; t < targets && t < 8; t++)
        printf("%s%s %d", t ? ", " : "", argv[2 + t], per[t]);
    printf(")\n");
    return done == n ? 0 : 1;
}
