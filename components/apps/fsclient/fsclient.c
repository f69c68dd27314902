/* A client of the filesystem service for the tests (tests/qemu/files.sh):
 * lists /, reads /hello.txt and a file longer than one read, and asks for
 * a file that is not there, printing what the service answers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <athanor.h>

enum { OP_OPEN = 2, OP_READ = 3, OP_LIST = 4, OP_CLOSE = 5, OP_STAT = 6 };
#define PAGE 4096u
static char buf[4 * PAGE] __attribute__((aligned(PAGE)));
static ath_handle_t fs;

/* The service's answer as a signed value (negative: an error). */
static int64_t call_path(uint64_t op, uint64_t a0, const char *path)
{
    uint64_t v = 0;
    int r = ath_call_msg(fs, op, a0, path, (uint32_t)strlen(path), &v);
    return r ? r : (int64_t)v;
}

static int64_t call_lend(uint64_t op, uint64_t a0, uint32_t len)
{
    uint64_t v = 0;
    int r = ath_call_lend(fs, op, a0, buf, len, ATH_LEND_RW, &v);
    return r ? r : (int64_t)v;
}

static const char *why(int64_t e)
{
    return e < 0 ? strerror((int)-e) : "ok";
}

int main(void)
{
    fs = ath_cap_find(ATH_T_ENDPOINT, 0); /* the manifest's: calls = ["fs"] */
    int64_t h = call_path(OP_OPEN, 1, "/");
    int64_t n = h < 0 ? h : call_lend(OP_LIST, (uint64_t)h, sizeof buf);
    if (n < 0) {
        printf("fsclient: listing / failed: %s\n", why(n));
        return 1;
    }
    for (int64_t i = 0; i < n; i++)
        if (buf[i] == '\n')
            buf[i] = ' ';
    printf("fsclient: / holds: %.*s\n", (int)n, buf);
    uint64_t v;
    ath_call(fs, OP_CLOSE, (uint64_t)h, 0, 0, &v);

    int64_t size = call_path(OP_STAT, 0, "/hello.txt");
    h = call_path(OP_OPEN, 0, "/hello.txt");
    n = h < 0 ? h : call_lend(OP_READ, (uint64_t)h, PAGE);
    if (n < 0) {
        printf("fsclient: reading /hello.txt failed: %s\n", why(n));
        return 1;
    }
    printf("fsclient: /hello.txt (%lld bytes): %.*s", (long long)size, (int)n, buf);
    /* Past the end: nothing more. */
    printf("fsclient: at its end: %lld bytes\n", (long long)call_lend(OP_READ, (uint64_t)h | (uint64_t)n << 16, PAGE));

    /* A longer file, read in pieces, counted. */
    int64_t big = call_path(OP_OPEN, 0, "/docs/ipc.md"), total = 0;
    while (big >= 0) {
        int64_t got = call_lend(OP_READ, (uint64_t)big | (uint64_t)total << 16, sizeof buf);
        if (got <= 0)
            break;
        total += got;
    }
    printf("fsclient: /docs/ipc.md: %lld bytes read, stat says %lld\n", (long long)total,
           (long long)call_path(OP_STAT, 0, "/docs/ipc.md"));

    printf("fsclient: /missing: %s\n", why(call_path(OP_OPEN, 0, "/missing")));
    printf("fsclient: a relative path: %s\n", why(call_path(OP_STAT, 0, "hello.txt")));
    printf("fsclient: another's handle: %s\n", why(call_lend(OP_READ, 63, PAGE)));
    return 0;
}
