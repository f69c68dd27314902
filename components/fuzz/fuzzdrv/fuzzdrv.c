/* fuzzdrv: the stateful fuzzer's driver. It reads a program of 16-byte
 * commands (puppet.h) from the console — the fuzzer's input — and runs it
 * through the puppets fpa, fpb and fpc: host calls made in their handlers
 * (on this thread) or by their own threads, calls from one to another
 * nested as deep as the program says, and lifecycle operations (kill,
 * start, restart, reset, inject, recover) between and during them. Every
 * answer must be a result or an error code of errors.h; exits 99 when one
 * was not, 0 otherwise. The kernel test (azoth.test=fuzz) then checks what
 * must hold afterwards. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <athanor.h>

#include "../puppet.h"

#define MAX_CMDS 2048
static struct fz_cmd prog[MAX_CMDS];
static struct fz_cmd lent[256] __attribute__((aligned(4096))); /* a page to lend commands in */
static unsigned      bad, ran, refused, why[ATH_ERR_COUNT];

static void check(const char *what, int64_t r)
{
    if (r < 0 && -r >= ATH_ERR_COUNT) {
        bad++;
        printf("fuzzdrv: %s answered %lld, not an error code\n", what, (long long)r);
    }
}

static size_t read_program(void)
{
    size_t got = 0;
    char *p = (char *)prog;
    while (got < sizeof prog) {
        ssize_t n = read(0, p + got, sizeof prog - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got / sizeof(struct fz_cmd);
}

static void lifecycle(ath_handle_t manage, const struct fz_cmd *c)
{
    const char *name = fz_names[c->target % FZ_PUPPETS];
    static const enum ath_comp_op ops[] = { ATH_COMP_KILL, ATH_COMP_START, ATH_COMP_RESTART,
                                            ATH_COMP_RESET, ATH_COMP_INJECT, ATH_COMP_RECOVER };
    unsigned k = c->op - FZ_LIFECYCLE;
    if (k >= 6) { /* a pause: the puppets' own threads run */
        struct timespec ts = { 0, (long)(c->a % 3000) * 1000 };
        nanosleep(&ts, NULL);
        return;
    }
    check("comp_ctl", ath_comp_ctl(manage, name, ops[k], 1 + c->a % 7));
}

int main(void)
{
    ath_handle_t manage = ath_cap_find(ATH_T_COMPONENT, 0);
    size_t n = read_program();
    printf("fuzzdrv: %zu commands\n", n);
    for (size_t i = 0; i < n; i++) {
        const struct fz_cmd *c = &prog[i];
        if (c->op >= FZ_LIFECYCLE) {
            lifecycle(manage, c);
            continue;
        }
        unsigned nested = c->flags >> 1 & 7;
        if (nested > n - 1 - i)
            nested = (unsigned)(n - 1 - i);
        int r = 0;
        uint64_t v = 0;
        for (int attempt = 0; attempt < 10; attempt++) {
            ath_handle_t h = ath_lookup(fz_names[c->target % FZ_PUPPETS]);
            uint32_t bytes = (uint32_t)((nested + 1) * sizeof *c);
            if (c->flags & 1) {
                memcpy(lent, c, bytes);
                r = ath_call_lend(h, P_RUN_LENT, nested, lent, sizeof lent, ATH_LEND_RO, &v);
            } else {
                r = ath_call_msg(h, P_RUN, nested, c, bytes, &v);
            }
            ath_cap_delete(h);
            /* Usually bring a stopped puppet back (and try again once it
             * serves), so most commands meet live ones. */
            if (r != -ATH_EPEERFAILED || (c->sel & 0x80))
                break;
            int64_t st = ath_comp_ctl(manage, fz_names[c->target % FZ_PUPPETS], ATH_COMP_STATE, 0);
            if (st >= 0 && ATH_STATE_STATE(st) != ATH_RUNNING)
                check("comp_ctl", ath_comp_ctl(manage, fz_names[c->target % FZ_PUPPETS], ATH_COMP_START, 0));
            struct timespec ts = { 0, 1000000 }; /* it runs its start-up burst, then serves */
            nanosleep(&ts, NULL);
        }
        check("call", r);
        ran += r == 0;
        refused += r != 0;
        if (r < 0 && -r < ATH_ERR_COUNT)
            why[-r]++;
        if (r == 0 && v == P_BAD_ANSWER) {
            bad++;
            printf("fuzzdrv: %s saw a bad answer (command %zu, op %u)\n",
                   fz_names[c->target % FZ_PUPPETS], i, c->op);
        }
        i += nested;
    }
    for (unsigned p = 0; p < FZ_PUPPETS; p++) { /* what their own threads saw */
        ath_handle_t h = ath_lookup(fz_names[p]);
        uint64_t v = 0;
        if (ath_call(h, P_BAD, 0, 0, 0, &v) == 0 && v) {
            bad++;
            printf("fuzzdrv: %s saw %llu bad answers\n", fz_names[p], (unsigned long long)v);
        }
        ath_cap_delete(h);
    }
    printf("fuzzdrv: done: %u commands ran in a puppet, %u calls failed (", ran, refused);
    for (int e = 1; e < ATH_ERR_COUNT; e++)
        if (why[e])
            printf(" %s:%u", ath_strerror(e), why[e]);
    printf(" ), %u bad answers\n", bad);
    return bad ? 99 : 0;
}
