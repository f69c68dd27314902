/* hclient (and hclient2, the same code under another manifest entry): the
 * adversarial suite's clients. Each mode is one attack or one way of being
 * stuck; the in-kernel tests start a mode, act (kill, reset, inject) and
 * check who was harmed. A mode that checks something itself exits 0 when
 * the kernel answered as it must, 1 otherwise (and says why). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <athanor.h>

#include "../hostile.h"

static const char *me = "hclient";
static ath_handle_t srv;
static volatile int sink;

static int fail(const char *what, long long got)
{
    printf("%s: FAIL %s (%lld)\n", me, what, got);
    return 1;
}

static int expect_call(uint64_t op, uint64_t a0, uint64_t a1, int want_r, int64_t want_v)
{
    uint64_t v = 0;
    int r = ath_call(srv, op, a0, a1, 0, &v);
    printf("%s: call %llu -> %d, %lld\n", me, (unsigned long long)op, r, (long long)(int64_t)v);
    if (r != want_r)
        return fail("call result", r);
    if (r == 0 && (int64_t)v != want_v)
        return fail("call value", (int64_t)v);
    return 0;
}

/* Stuck for good in a call: the test kills us meanwhile. */
static int stuck_call(uint64_t op, uint64_t a0)
{
    uint64_t v;
    printf("%s: calling op %llu (stuck)\n", me, (unsigned long long)op);
    int r = ath_call(srv, op, a0, 0, 0, &v);
    printf("%s: call returned %d\n", me, r);
    return 2; /* the test did not expect this */
}

/* Recurse on the native stack, calling the server at every level, until a
 * call is refused for lack of stack (ESTACK): never a kernel fault, and the
 * calls made before still answered. */
static int estack_depth, deep_bad;
/* The arithmetic on the result keeps every frame (no tail call); the
 * verdict is in estack_depth and deep_bad (the value wraps: unsigned). */
__attribute__((noinline)) static unsigned deep(int depth)
{
    uint64_t v = 0;
    int r = ath_call(srv, H_PING, (uint64_t)depth, 0, 0, &v);
    if (r == -ATH_ESTACK) {
        estack_depth = depth;
        return 0;
    }
    if (r != 0 || v != (uint64_t)depth + 1) {
        deep_bad = r ? r : -1;
        return 0;
    }
    return deep(depth + 1) * 3 + 1;
}

static int flood_notify(void)
{
    static ath_handle_t h[4096];
    int n = 0, r = 0;
    while (n < 4096 && (r = ath_notify_create()) > 0)
        h[n++] = r;
    printf("%s: %d notifications, then %d\n", me, n, r);
    if (r != -ATH_EQUOTA)
        return fail("notification flood not stopped by the quota", r);
    for (int i = 0; i < n; i++)
        if (ath_cap_delete(h[i]) != 0)
            return fail("delete", i);
    /* Deleting gave the quota back: create and delete, many times over. */
    for (int i = 0; i < 20000; i++) {
        ath_handle_t x = ath_notify_create();
        if (x <= 0)
            return fail("create after delete", x);
        if (ath_cap_delete(x) != 0)
            return fail("delete in the loop", i);
    }
    uint64_t v = 0; /* the server's own notifications were never in question */
    r = ath_call(srv, H_NOTIFY, 0, 0, 0, &v);
    return r == 0 && (int64_t)v > 0 ? 0 : fail("the server could not create a notification", r ? r : (int64_t)v);
}

/* Grant copies of a capability into the server's table until refused: the
 * grants are charged to us; the server's own operations still work. */
static int flood_grant(void)
{
    ath_handle_t note = ath_notify_create(); /* ours: all rights, grant among them */
    int n = 0, r = 0;
    uint64_t v;
    while (n < 4096 && (r = ath_call_grant(srv, H_KEEP, 0, 0, note, &v)) == 0)
        n++;
    printf("%s: %d grants, then %d\n", me, n, r);
    if (r != -ATH_EQUOTA)
        return fail("grant flood not stopped by the quota", r);
    uint64_t h = 0;
    r = ath_call(srv, H_NOTIFY, 0, 0, 0, &h);
    printf("%s: the server creates a notification: %d, %lld\n", me, r, (long long)(int64_t)h);
    if (r != 0 || (int64_t)h <= 0)
        return fail("the server's own table is full", (int64_t)h);
    return 0;
}

/* One slot churned past its generations: every handle positive, no old
 * handle ever names the new capability. */
static int churn_handles(void)
{
    ath_handle_t first = ath_notify_create(), h = first;
    if (first <= 0)
        return fail("create", first);
    for (int i = 0; i < 40000; i++) {
        if (ath_cap_delete(h) != 0)
            return fail("delete", h);
        h = ath_notify_create();
        if (h <= 0 && h != -ATH_EQUOTA && h != -ATH_ENOMEM)
            return fail("a handle that reads as an error", h);
        if (h <= 0)
            break; /* this slot retired and no other free: fine, nothing else is harmed */
        if (h == first)
            return fail("an old handle came back", h);
        uint64_t bits;
        if (ath_notify_wait(first, 1, 0, &bits) != -ATH_ESTALE && h != first)
            return fail("the first handle still answers", first);
    }
    return 0;
}

static int bigwrite(size_t kib)
{
    size_t n = kib * 1024;
    char *buf = malloc(n);
    if (!buf)
        return fail("malloc", (long long)n);
    for (size_t i = 0; i < n; i++)
        buf[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
    ssize_t w = write(1, buf, n);
    printf("\n%s: wrote %zd of %zu bytes in one call\n", me, w, n);
    return w == (ssize_t)n ? 0 : fail("short write", w);
}

int main(int argc, char **argv)
{
    me = argc > 0 ? argv[0] : me;
    const char *mode = argc > 1 ? argv[1] : "ping";
    long arg = argc > 2 ? atol(argv[2]) : 0;
    srv = ath_lookup("hserver");
    if (!strcmp(mode, "ping"))
        return expect_call(H_PING, 41, 0, 0, 42);
    if (!strcmp(mode, "exit"))
        return expect_call(H_EXIT, 7, 0, -ATH_EPEERFAILED, 0);
    if (!strcmp(mode, "trap"))
        return expect_call(H_TRAP, 0, 0, -ATH_EPEERFAILED, 0);
    if (!strcmp(mode, "deadlock"))
        return expect_call(H_SELFCALL, 0, 0, 0, -ATH_EDEADLK);
    if (!strcmp(mode, "server-recurse"))
        return expect_call(H_RECURSE, 0, 0, -ATH_EPEERFAILED, 0);
    if (!strcmp(mode, "spin-in-server"))
        return stuck_call(H_SPIN, 0);
    if (!strcmp(mode, "block-in-server"))
        return stuck_call(H_BLOCK, 0);
    if (!strcmp(mode, "nest-spin"))
        return stuck_call(H_NEST, H_SPIN);
    if (!strcmp(mode, "nest-block"))
        return stuck_call(H_NEST, H_BLOCK);
    if (!strcmp(mode, "sleep-in-server")) /* a handler that takes arg ms, then returns */
        return stuck_call(H_SLEEP, (uint64_t)arg);
    if (!strcmp(mode, "compute")) /* arg ms in the server's handler, on our budget */
        return stuck_call(H_COMPUTE, (uint64_t)arg);
    if (!strcmp(mode, "armed")) { /* after a call, our own budget still stops us */
        if (expect_call(H_PING, 1, 0, 0, 2))
            return 1;
        for (;;)
            sink++;
    }
    if (!strcmp(mode, "deep")) {
        unsigned r = deep(0);
        printf("%s: calls refused for lack of stack at depth %d (%u)\n", me, estack_depth, r);
        return estack_depth > 0 && !deep_bad ? 0 : fail("deep", deep_bad);
    }
    if (!strcmp(mode, "wait-notify")) {
        ath_handle_t n = ath_notify_create();
        uint64_t bits;
        printf("%s: waiting on a notification\n", me);
        ath_notify_wait(n, 1, UINT64_MAX, &bits);
        return 2;
    }
    if (!strcmp(mode, "wait-sleep")) {
        printf("%s: sleeping\n", me);
        sleep(100000);
        return 2;
    }
    if (!strcmp(mode, "wait-read")) {
        char c;
        printf("%s: reading the console\n", me);
        ssize_t r = read(0, &c, 1);
        printf("%s: read returned %zd\n", me, r);
        return 2;
    }
    if (!strcmp(mode, "wait-call")) /* the server is busy with another client's stuck call */
        return stuck_call(H_PING, 0);
    if (!strcmp(mode, "keep-notify")) { /* give the server a copy of our notification, then wait */
        ath_handle_t n = ath_notify_create();
        uint64_t v;
        int r = ath_call_grant(srv, H_KEEP, 0, 0, n, &v);
        printf("%s: gave the server notification %d: %d\n", me, n, r);
        sleep(100000);
        return 2;
    }
    if (!strcmp(mode, "waitkept")) { /* the server waits on the copy; its owner goes away */
        uint64_t v = 0;
        int r = ath_call(srv, H_WAITKEPT, (uint64_t)(arg ? arg : 10000), 0, 0, &v);
        printf("%s: the server's wait on the kept copy ended: %d, %lld\n", me, r, (long long)(int64_t)v);
        return r == 0 && (int64_t)v == -ATH_ESTALE ? 0 : fail("waitkept", r ? r : (int64_t)v);
    }
    if (!strcmp(mode, "ctl-kill")) { /* wait in comp_ctl for a slow kill */
        ath_handle_t m = ath_cap_find(ATH_T_COMPONENT, 0);
        printf("%s: killing hclient\n", me);
        int64_t r = ath_comp_ctl(m, "hclient", ATH_COMP_KILL, 0);
        printf("%s: kill returned %lld\n", me, (long long)r);
        return 2;
    }
    if (!strcmp(mode, "flood-notify"))
        return flood_notify();
    if (!strcmp(mode, "flood-grant"))
        return flood_grant();
    if (!strcmp(mode, "handles"))
        return churn_handles();
    if (!strcmp(mode, "bigwrite"))
        return bigwrite((size_t)(arg ? arg : 1024));
    printf("%s: unknown mode '%s'\n", me, mode);
    return 1;
}
