/* kvclient: uses the kv server through its endpoint capability.
 *   kvclient demo       put and get a few values
 *   kvclient test       check calls, badges, capability errors, peer failure
 *                       and restart; exit status 0 only if all hold
 *   kvclient bench N    time N null calls (prints a "bench:" line)
 *   kvclient pairs      serve the kernel's paired benchmark: each call
 *                       times a0 null calls into kv (kernel/ktest/bench.c) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <athanor.h>

enum { OP_NULL = 0, OP_PUT = 1, OP_GET = 2, OP_COUNT = 3, OP_CRASH = 4, OP_WHO = 5,
       OP_SUBSCRIBE = 6, OP_SIGSTATUS = 7, OP_SUM = 8, OP_SAVEWIN = 9, OP_READSAVED = 10,
       OP_WRITEWIN = 11, OP_TOUCH = 12, OP_MSGSUM = 14 };

/* After kv failed, wait for it to come back and return a fresh handle. */
static ath_handle_t relookup(void)
{
    uint64_t v;
    for (int i = 0; i < 300; i++) {
        ath_handle_t h = ath_lookup("kv");
        if (h > 0 && ath_call(h, OP_NULL, 0, 0, 0, &v) == 0)
            return h;
        usleep(10000);
    }
    return -1;
}

static int failures;
#define EXPECT(cond, ...)                              \
    do {                                               \
        if (!(cond)) {                                 \
            printf("kvclient: FAIL: " __VA_ARGS__);    \
            printf("\n");                              \
            failures++;                                \
        }                                              \
    } while (0)

static int test(void)
{
    ath_handle_t kv = ath_lookup("kv");
    EXPECT(kv > 0, "lookup kv: %d", kv);
    uint64_t v = 0;
    int r = ath_call(kv, OP_PUT, 7, 4242, 0, &v);
    EXPECT(r == 0, "put: %d", r);
    r = ath_call(kv, OP_GET, 7, 0, 0, &v);
    EXPECT(r == 0 && v == 4242, "get: %d, value %llu", r, (unsigned long long)v);
    r = ath_call(kv, OP_WHO, 0, 0, 0, &v);
    EXPECT(r == 0 && v != 0, "the server sees no badge: %d, %llu", r, (unsigned long long)v);
    /* Capability errors: nothing reachable without a valid handle. */
    EXPECT(ath_call(0, OP_NULL, 0, 0, 0, &v) == -ATH_EBADHANDLE, "null handle accepted");
    r = ath_call(kv + 7, OP_NULL, 0, 0, 0, &v); /* an empty slot: never used, or used before */
    EXPECT(r == -ATH_EBADHANDLE || r == -ATH_ESTALE, "guessed handle accepted: %d", r);
    EXPECT(ath_call(kv + (5 << 16), OP_NULL, 0, 0, 0, &v) == -ATH_ESTALE, "forged generation accepted");
    EXPECT(ath_lookup("counter") == -ATH_EPERM, "lookup of a server the manifest does not list");
    /* The call import with a result place outside our memory (ath_call
     * takes the result in a register, call_ret, and stores it itself). */
    EXPECT(__ath_call((uint32_t)kv, OP_NULL, 0, 0, 0, (uint64_t *)0xfffffff0u) == -ATH_EFAULT,
           "bad result pointer");
    /* A server's own result equal to ATH_CALL_FAILED is a result, not a
     * failure: call_error tells them apart. */
    r = ath_call(kv, OP_PUT, 11, ATH_CALL_FAILED, 0, &v);
    EXPECT(r == 0, "put of ATH_CALL_FAILED: %d", r);
    v = 0;
    r = ath_call(kv, OP_GET, 11, 0, 0, &v);
    EXPECT(r == 0 && v == ATH_CALL_FAILED, "get of ATH_CALL_FAILED: %d, value %llx", r,
           (unsigned long long)v);
    EXPECT(__ath_call_ret((uint32_t)kv, OP_GET, 11, 0, 0) == ATH_CALL_FAILED && __ath_call_error() == 0,
           "call_error after a result equal to ATH_CALL_FAILED");
    EXPECT(__ath_call_ret(0, OP_NULL, 0, 0, 0) == ATH_CALL_FAILED && __ath_call_error() == -ATH_EBADHANDLE,
           "call_ret of a null handle");
    /* A 64-byte message is copied into kv's 64-byte buffer; more is refused. */
    unsigned char msg[ATH_MSG_MAX + 8];
    uint64_t msgsum = 0;
    for (unsigned i = 0; i < sizeof msg; i++)
        msg[i] = (unsigned char)(i * 7 + 1);
    for (unsigned i = 0; i < 64; i++)
        msgsum += (i + 1) * msg[i];
    r = ath_call_msg(kv, OP_MSGSUM, 0, msg, 64, &v);
    EXPECT(r == 0 && v == msgsum, "64-byte message: %d, sum %llu, want %llu", r, (unsigned long long)v,
           (unsigned long long)msgsum);
    EXPECT(ath_call_msg(kv, OP_MSGSUM, 0, msg, 65, &v) == -ATH_EMSGSIZE, "message over kv's buffer");
    EXPECT(ath_call_msg(kv, OP_MSGSUM, 0, msg, sizeof msg, &v) == -ATH_EMSGSIZE, "message over the limit");
    EXPECT(ath_call_msg(kv, OP_MSGSUM, 0, (void *)0xffffffc0u, 64, &v) == -ATH_EFAULT,
           "message from outside our memory");
    /* Pass a signal-only copy of a notification in a call; kv signals it on
     * every PUT. Revoking our copy reaches the one kv holds. */
    ath_handle_t note = ath_notify_create();
    EXPECT(note > 0, "notify_create: %d", note);
    EXPECT(ath_call(note, OP_NULL, 0, 0, 0, &v) == -ATH_EWRONGTYPE, "notification used as endpoint");
    ath_handle_t give = ath_cap_derive(note, ATH_R_WRITE | ATH_R_GRANT, 0);
    EXPECT(give > 0, "derive: %d", give);
    EXPECT(ath_call_grant(kv, OP_SUBSCRIBE, 0, 0, note + (3 << 16), &v) == -ATH_ESTALE,
           "passing a forged capability");
    ath_handle_t nogrant = ath_cap_derive(note, ATH_R_WRITE, 0);
    EXPECT(ath_call_grant(kv, OP_SUBSCRIBE, 0, 0, nogrant, &v) == -ATH_EPERM,
           "passing a capability without the grant right");
    r = ath_call_grant(kv, OP_SUBSCRIBE, 0, 0, give, &v);
    EXPECT(r == 0, "subscribe: %d", r);
    EXPECT(ath_call(kv, OP_PUT, 8, 1, 0, &v) == 0, "put 8");
    uint64_t bits = 0;
    r = ath_notify_wait(note, 1, 1000000000ull, &bits);
    EXPECT(r == 0 && bits == 1, "notification after put: %d, bits %llu", r, (unsigned long long)bits);
    EXPECT(ath_notify_signal(give, 2) == 0, "signal through our copy");
    EXPECT(ath_notify_wait(note, 2, 0, &bits) == 0 && bits == 2, "own signal: bits %llu",
           (unsigned long long)bits);
    EXPECT(ath_cap_revoke(give) == 0, "revoke");
    EXPECT(ath_call(kv, OP_PUT, 9, 1, 0, &v) == 0, "put 9");
    EXPECT(ath_call(kv, OP_SIGSTATUS, 0, 0, 0, &v) == 0 && (int64_t)v == -ATH_ESTALE,
           "kv's copy still works after revoke (status %lld)", (long long)(int64_t)v);
    EXPECT(ath_notify_wait(note, 1, 20000000ull, &bits) == 0 && bits == 0,
           "a signal got through after revoke (bits %llu)", (unsigned long long)bits);
    EXPECT(ath_notify_signal(give, 1) == 0, "revoke must leave the revoked cap itself usable");
    EXPECT(ath_cap_delete(give) == 0 && ath_notify_signal(give, 1) == -ATH_ESTALE,
           "deleted handle still usable");
    EXPECT(ath_notify_wait(nogrant, 1, 0, &bits) == -ATH_EPERM, "wait without the read right");
    /* Zero copy: lend a buffer read-only; the server reads it in place. */
    enum { LEN = 8192 };
    unsigned char *buf = aligned_alloc(4096, LEN);
    EXPECT(buf != NULL, "aligned_alloc");
    uint64_t want = 0;
    for (int i = 0; i < LEN; i++) {
        buf[i] = (unsigned char)(i * 7);
        want += buf[i];
    }
    r = ath_call_lend(kv, OP_SUM, 0, buf, LEN, ATH_LEND_RO, &v);
    EXPECT(r == 0 && v == want, "lend sum: %d, %llu want %llu", r, (unsigned long long)v,
           (unsigned long long)want);
    EXPECT(buf[5] == 35, "our buffer changed after a read-only lend");
    r = ath_call_lend(kv, OP_WRITEWIN, 0, buf, LEN, ATH_LEND_RW, &v);
    EXPECT(r == 0 && buf[0] == 0x5a, "read-write lend: %d, buf[0] = %#x", r, buf[0]);
    EXPECT(ath_call_lend(kv, OP_SUM, 0, buf + 1, LEN, ATH_LEND_RO, &v) == -ATH_EINVAL,
           "unaligned lend accepted");
    EXPECT(ath_call_lend(kv, OP_SUM, 0, (void *)0x80000000u, LEN, ATH_LEND_RO, &v) == -ATH_EFAULT,
           "lend of memory we do not have");
    /* Writing into a read-only lend traps the server, not us. */
    r = ath_call_lend(kv, OP_WRITEWIN, 0, buf, LEN, ATH_LEND_RO, &v);
    EXPECT(r == -ATH_EPEERFAILED, "write into a read-only lend: %d", r);
    EXPECT(buf[0] == 0x5a && buf[1] == 7, "our buffer after the server failed");
    kv = relookup();
    EXPECT(kv > 0, "kv did not come back");
    /* A big lend starting 2 MiB aligned: whole page tables move (bare metal)
     * and the odd last page moves on its own; access rights must hold for
     * both, and everything must come back writable. */
    enum { BIGLEN = (4 << 20) + 4096 };
    unsigned char *big = aligned_alloc(2 << 20, BIGLEN);
    EXPECT(big != NULL, "aligned_alloc of the big buffer");
    want = 0;
    for (int i = 0; i < BIGLEN; i++) {
        big[i] = (unsigned char)(i % 251);
        want += big[i];
    }
    r = ath_call_lend(kv, OP_SUM, 0, big, BIGLEN, ATH_LEND_RO, &v);
    EXPECT(r == 0 && v == want, "big lend sum: %d, %llu want %llu", r, (unsigned long long)v,
           (unsigned long long)want);
    r = ath_call_lend(kv, OP_WRITEWIN, 0, big, BIGLEN, ATH_LEND_RO, &v);
    EXPECT(r == -ATH_EPEERFAILED, "write into a big read-only lend: %d", r);
    kv = relookup();
    EXPECT(kv > 0, "kv did not come back");
    r = ath_call_lend(kv, OP_WRITEWIN, 0, big, BIGLEN, ATH_LEND_RW, &v);
    EXPECT(r == 0 && big[0] == 0x5a, "big read-write lend: %d, big[0] = %#x", r, big[0]);
    big[1] = 1;
    big[BIGLEN - 1] = 2; /* ours and writable again, first table and last page */
    EXPECT(big[2] == 2 && big[(2 << 20) + 5] == (unsigned char)(((2 << 20) + 5) % 251),
           "big buffer contents after the lends");
    free(big);
    /* After the reply the lent memory is gone from the server. */
    EXPECT(ath_call_lend(kv, OP_SAVEWIN, 0, buf, LEN, ATH_LEND_RO, &v) == 0, "savewin");
    r = ath_call(kv, OP_READSAVED, 0, 0, 0, &v);
    EXPECT(r == -ATH_EPEERFAILED, "the server read lent memory after the reply: %d", r);
    kv = relookup();
    EXPECT(kv > 0, "kv did not come back");
    /* The server fails during a call: we get an error and keep running. */
    r = ath_call(kv, OP_CRASH, 0, 0, 0, &v);
    EXPECT(r == -ATH_EPEERFAILED, "call into a crashing server: %d", r);
    /* It restarts (policy on-failure); the old handle says so until we look up again. */
    int seen_restart = 0;
    for (int i = 0; i < 200; i++) {
        r = ath_call(kv, OP_NULL, 0, 0, 0, &v);
        if (r == -ATH_EPEERRESTARTED) {
            seen_restart = 1;
            break;
        }
        usleep(10000);
    }
    EXPECT(seen_restart, "old handle after restart: %d", r);
    ath_handle_t kv2 = -1;
    for (int i = 0; i < 200; i++) {
        kv2 = ath_lookup("kv");
        if (kv2 > 0 && (r = ath_call(kv2, OP_COUNT, 0, 0, 0, &v)) == 0)
            break;
        usleep(10000);
    }
    EXPECT(r == 0 && v == 0, "the restarted server is fresh: %d, %llu entries", r, (unsigned long long)v);
    printf("kvclient: test %s (%d failures)\n", failures ? "failed" : "passed", failures);
    return failures ? 1 : 0;
}

/* Transfer a page to kv; kv can read it afterwards, we cannot: touching it
 * must trap us (the test expects this component to fault). */
static int transfer(void)
{
    ath_handle_t kv = ath_lookup("kv");
    unsigned char *page = aligned_alloc(4096, 4096);
    memset(page, 0x33, 4096);
    uint64_t v;
    int r = ath_transfer(kv, OP_SAVEWIN, 0, page, 4096, &v);
    printf("kvclient: transfer: %d\n", r);
    if (r)
        return 1;
    r = ath_call(kv, OP_READSAVED, 0, 0, 0, &v);
    printf("kvclient: kv reads the transferred page: %d, %#llx\n", r, (unsigned long long)v);
    if (r || v != 0x33)
        return 1;
    /* The page is gone: lending or transferring it again is refused (it
     * must not come back as a fresh page, on any platform). */
    r = ath_call_lend(kv, OP_SUM, 0, page, 4096, ATH_LEND_RO, &v);
    printf("kvclient: lend of the page we gave away: %d\n", r);
    if (r != -ATH_EINVAL)
        return 1;
    r = ath_transfer(kv, OP_SAVEWIN, 0, page, 4096, &v);
    printf("kvclient: transfer of the page we gave away: %d\n", r);
    if (r != -ATH_EINVAL)
        return 1;
    printf("kvclient: touching the page we gave away\n");
    return ((volatile unsigned char *)page)[0]; /* must trap */
}

static void sort_u64(uint64_t *t, int n)
{
    for (int i = 1; i < n; i++) /* insertion sort: n is small */
        for (int j = i; j > 0 && t[j - 1] > t[j]; j--) {
            uint64_t x = t[j];
            t[j] = t[j - 1];
            t[j - 1] = x;
        }
}

/* Lend 4 KiB and 16 MiB (the server touches the first byte) against copying
 * 16 MiB; median of RUNS timings of `n` lends each. */
static uint64_t median_lend(ath_handle_t kv, void *buf, uint32_t len, int n)
{
    enum { RUNS = 7 };
    uint64_t t[RUNS], v;
    for (int r = 0; r < RUNS; r++) {
        uint64_t t0 = ath_now_ns();
        for (int i = 0; i < n; i++)
            if (ath_call_lend(kv, OP_TOUCH, 0, buf, len, ATH_LEND_RO, &v) != 0)
                return 0;
        t[r] = (ath_now_ns() - t0) / (uint64_t)n;
    }
    sort_u64(t, RUNS);
    return t[RUNS / 2];
}

static int bench_lend(void)
{
    enum { BIG = 16 << 20 };
    ath_handle_t kv = ath_lookup("kv");
    unsigned char *big = aligned_alloc(2 << 20, BIG); /* 2 MiB aligned: whole page tables move */
    unsigned char *copy = malloc(BIG);
    if (!big || !copy)
        return 1;
    memset(big, 1, BIG);
    memset(copy, 2, BIG);
    /* The 4 KiB lend uses a page of its own: lending part of the big
     * buffer would split the huge page under it for good (hosted). */
    unsigned char *small = aligned_alloc(4096, 4096);
    if (!small)
        return 1;
    memset(small, 1, 4096);
    uint64_t small_ns = median_lend(kv, small, 4096, 200);
    uint64_t big_ns = median_lend(kv, big, BIG, 200);
    uint64_t t[7];
    for (int i = 0; i < 7; i++) {
        big[i] = (unsigned char)i;
        uint64_t t0 = ath_now_ns();
        memcpy(copy, big, BIG);
        /* copy escapes here: without it clang may drop all but the last
         * copy (nothing else reads this malloc'd buffer in between) */
        __asm__ volatile("" : : "r"(copy) : "memory");
        t[i] = ath_now_ns() - t0;
    }
    sort_u64(t, 7);
    uint64_t copy_ns = t[3]; /* the median: one slow copy (the host VM's doing) must not decide */
    unsigned sum = 0;
    for (int i = 0; i < BIG; i += 4096)
        sum += copy[i]; /* use the copy, so it cannot be optimised away */
    printf("kvclient: copy check %u\n", sum);
    if (!small_ns || !big_ns)
        return 1;
    printf("bench: lend-4kib %llu ns\n", (unsigned long long)small_ns);
    printf("bench: lend-16mib %llu ns\n", (unsigned long long)big_ns);
    printf("bench: memcpy-16mib-in-component %llu ns\n", (unsigned long long)copy_ns);
    return 0;
}

/* Initialised data, page aligned, part of the post-init snapshot: a
 * read-write lend must not let the server's writes into the snapshot. */
static struct {
    char          marker[16];
    unsigned char data[4096 - 16];
} lendpage __attribute__((aligned(4096))) = { "AZOTH-LENDPAGE:", { 'A' } };

/* Lend lendpage read-write (kv writes 0x5a into it), then wait to be reset:
 * the test checks the page is back to 'A' afterwards. */
static int lend_then_wait(void)
{
    ath_handle_t kv = ath_lookup("kv");
    uint64_t v;
    int r = ath_call_lend(kv, OP_WRITEWIN, 0, &lendpage, sizeof lendpage, ATH_LEND_RW, &v);
    printf("kvclient: lent the page: %d, first byte now %#x\n", r, lendpage.data[0]);
    struct timespec ts = { 3600, 0 };
    for (;;)
        nanosleep(&ts, NULL);
}

/* Median of RUNS timings of n calls each, in hundredths of a ns per call
 * (one long loop would let a single disturbance of this VM decide it);
 * msg = NULL: null calls, else null calls carrying a 64-byte message (the
 * kernel copies it into the server's buffer; the handler does nothing);
 * kv = 0: calls the kernel refuses at once (handle 0), the floor of any
 * call: into the kernel and back, no server. */
static int time_calls(ath_handle_t kv, long n, const unsigned char *msg, uint64_t out[2])
{
    enum { RUNS = 9 };
    uint64_t v, t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        uint64_t t0 = ath_now_ns();
        if (kv == 0) {
            for (long i = 0; i < n; i++)
                if (ath_call(0, OP_NULL, i, 0, 0, &v) != -ATH_EBADHANDLE)
                    return 1;
        } else if (msg) {
            for (long i = 0; i < n; i++)
                if (ath_call_msg(kv, OP_NULL, i, msg, 64, &v) != 0)
                    return 1;
        } else {
            for (long i = 0; i < n; i++)
                if (ath_call(kv, OP_NULL, i, 0, 0, &v) != 0)
                    return 1;
        }
        t[r] = ath_now_ns() - t0;
    }
    sort_u64(t, RUNS);
    out[0] = t[RUNS / 2] * 100 / (uint64_t)n;
    out[1] = t[0] * 100 / (uint64_t)n;
    return 0;
}

static int bench(long n)
{
    ath_handle_t kv = ath_lookup("kv");
    uint64_t v, null[2], msg[2], denied[2];
    unsigned char buf[64];
    memset(buf, 3, sizeof buf);
    for (int i = 0; i < 1000; i++) /* warm up */
        ath_call(kv, OP_NULL, 0, 0, 0, &v);
    if (time_calls(kv, n, NULL, null) || time_calls(kv, n, buf, msg) || time_calls(0, n, NULL, denied))
        return 1;
    printf("bench: ipc-null-call %llu.%02llu ns (calls=%ld x 9 runs, min %llu.%02llu)\n",
           (unsigned long long)(null[0] / 100), (unsigned long long)(null[0] % 100), n,
           (unsigned long long)(null[1] / 100), (unsigned long long)(null[1] % 100));
    printf("bench: ipc-call-64b %llu.%02llu ns (calls=%ld x 9 runs, min %llu.%02llu)\n",
           (unsigned long long)(msg[0] / 100), (unsigned long long)(msg[0] % 100), n,
           (unsigned long long)(msg[1] / 100), (unsigned long long)(msg[1] % 100));
    printf("bench: ipc-denied-call %llu.%02llu ns (calls=%ld x 9 runs, min %llu.%02llu)\n",
           (unsigned long long)(denied[0] / 100), (unsigned long long)(denied[0] % 100), n,
           (unsigned long long)(denied[1] / 100), (unsigned long long)(denied[1] % 100));
    return 0;
}

/* Mode "pairs": the kernel alternates blocks of native indirect calls with
 * calls of this handler, which makes a0 null calls into kv with the loop
 * of time_calls and returns the time they took (0: a call failed). It runs
 * on the kernel's thread, so the calls into kv take the same host call as
 * main's would. */
enum { OP_BLOCK = 1 };
static ath_handle_t pair_kv;

ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    (void)badge, (void)a1, (void)a2;
    if (op != OP_BLOCK || pair_kv <= 0)
        return 0;
    uint64_t v, t0 = ath_now_ns();
    for (long i = 0; i < (long)a0; i++)
        if (ath_call(pair_kv, OP_NULL, i, 0, 0, &v) != 0)
            return 0;
    return ath_now_ns() - t0;
}

static int serve_pairs(void)
{
    uint64_t v;
    pair_kv = ath_lookup("kv");
    if (pair_kv <= 0)
        return 1;
    for (int i = 0; i < 1000; i++) /* warm up */
        ath_call(pair_kv, OP_NULL, 0, 0, 0, &v);
    return ath_serve();
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "demo";
    if (!strcmp(mode, "test"))
        return test();
    if (!strcmp(mode, "bench"))
        return bench(argc > 2 ? atol(argv[2]) : 100000);
    if (!strcmp(mode, "transfer"))
        return transfer();
    if (!strcmp(mode, "lendbench"))
        return bench_lend();
    if (!strcmp(mode, "lendwait"))
        return lend_then_wait();
    if (!strcmp(mode, "pairs"))
        return serve_pairs();
    ath_handle_t kv = ath_lookup("kv");
    uint64_t v = 0;
    int r = ath_call(kv, OP_PUT, 1, 100, 0, &v);
    r = r ? r : ath_call(kv, OP_GET, 1, 0, 0, &v);
    printf("kvclient: put 1=100, get 1 -> %llu (status %d)\n", (unsigned long long)v, r);
    return r ? 1 : 0;
}
