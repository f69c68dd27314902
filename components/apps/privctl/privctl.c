/* The user's side of the privacy service for tests (the shell's privacy
 * command does the same by hand): the manifest lets it control sessions.
 * Args: "list", "log", "revoke [ID]" (0 or none: every session),
 * "answer once|always|deny" (every pending request), "stats". Prints what
 * the service answers; exits 0 if it answered without an error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <athanor.h>
#include <athanor_privacy.h>

static char text[4096] __attribute__((aligned(4096)));

/* Ask for text (LIST or LOG) and print it. */
static int show(ath_handle_t priv, uint64_t op, uint64_t a0)
{
    uint64_t n = 0;
    memset(text, 0, sizeof text);
    int r = ath_call_lend(priv, op, a0, text, sizeof text, ATH_LEND_RW, &n);
    if (r || (int64_t)n < 0)
        return r ? r : (int)(int64_t)n;
    printf("%.*s", (int)(n < sizeof text ? n : sizeof text), text);
    return 0;
}

int main(int argc, char **argv)
{
    ath_handle_t priv = ath_lookup("privacy");
    const char *cmd = argc > 1 ? argv[1] : "list";
    uint64_t res = 0;
    int r;
    if (!strcmp(cmd, "list")) {
        r = show(priv, ATH_PRIV_LIST, 0);
    } else if (!strcmp(cmd, "log")) {
        r = show(priv, ATH_PRIV_LOG, 0);
    } else if (!strcmp(cmd, "revoke")) {
        r = ath_call(priv, ATH_PRIV_REVOKE, argc > 2 ? strtoull(argv[2], NULL, 10) : 0, 0, 0, &res);
        if (r == 0 && (int64_t)res >= 0)
            printf("privctl: revoked %llu\n", (unsigned long long)res);
    } else if (!strcmp(cmd, "answer") && argc > 2) {
        unsigned a = !strcmp(argv[2], "once") ? ATH_ANSWER_ONCE : !strcmp(argv[2], "always") ? ATH_ANSWER_ALWAYS
                   : ATH_ANSWER_DENY;
        /* Every pending request: their numbers are the service's; try the recent ones. */
        unsigned answered = 0;
        for (uint64_t id = 1; id < 64; id++)
            if (ath_call(priv, ATH_PRIV_ANSWER, id, a, 0, &res) == 0 && res == 0)
                answered++;
        printf("privctl: answered %u\n", answered);
        r = answered ? 0 : -ATH_ENOENT;
        res = 0;
    } else if (!strcmp(cmd, "stats")) {
        static const char *const names[] = { "ended", "revoked_ns", "quiesced_ns", "reset_ns", "not_quiet" };
        r = 0;
        for (unsigned i = 0; i < 5 && r == 0; i++) {
            r = ath_call(priv, ATH_PRIV_STATS, i, 0, 0, &res);
            printf("privctl: %s %llu\n", names[i], (unsigned long long)res);
        }
    } else {
        printf("privctl: unknown command %s\n", cmd);
        return 2;
    }
    if (r == 0 && (int64_t)res < 0)
        r = (int)(int64_t)res;
    if (r)
        printf("privctl: %s: %s\n", cmd, ath_strerror(r));
    return r ? 1 : 0;
}
