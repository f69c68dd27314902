/* Block test client: writes known patterns through the block service and
 * the virtio-blk driver behind it (lending its buffers, which the service
 * lends on, so the data goes between the device and these pages without a
 * copy), reads them back into other buffers and compares;
 * then checks that bad requests are refused. The QEMU test then checks the
 * disk image from the host (tests/tools/diskpattern.c computes the same
 * pattern). Prints "blktest: ... 0 mismatches" when all is well.
 *   blktest soak S   S seconds of write-then-read-back rounds over 16 slots while
 *                    faults are injected into the driver and the service:
 *                    a failed operation is retried (up to 30 s); one that
 *                    never succeeds, or data that differs, is lost. Ends
 *                    with what it believes the disk holds, for the host check.
 *   blktest probe    ask the disk driver to try 6 accesses outside its
 *                    capabilities; all must be refused
 *   blktest bench    time 4 KiB requests (random places in the first 8 MiB)
 *                    and 1 MiB ones: median ns per request ("bench:" lines). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <athanor.h>

enum { OP_INFO = 1, OP_READ = 2, OP_WRITE = 3, OP_FLUSH = 4 };
#define SECTOR 512u

/* The byte at absolute disk offset o (the host checker uses the same). */
static unsigned char pattern(uint64_t o)
{
    return (unsigned char)(((o * 2654435761u) >> 13) ^ (o >> 9));
}

/* Regions written: (first sector, sectors). The last spans several requests. */
static const struct { uint64_t sector, count; } regions[] = {
    { 0, 128 }, { 1000, 8 }, { 4096, 2048 }, { 32760, 8 },
};

static int64_t call_lend(ath_handle_t blk, uint64_t op, uint64_t sector, void *buf, uint32_t len,
                         uint32_t mode)
{
    uint64_t v = 0;
    int r = ath_call_lend(blk, op, sector, buf, len, mode, &v);
    return r ? r : (int64_t)v;
}

#define SLOTS     16
#define SLOT_SECT 128 /* 64 KiB each, from sector SOAK_BASE */
#define SOAK_BASE 8192

static unsigned char soak_pattern(unsigned slot, unsigned version, uint32_t j)
{
    return (unsigned char)((slot * 31 + version * 17 + j * 7 + (j >> 9)) ^ 0x5a);
}

/* One operation until it succeeds: retried while the service or the driver
 * behind it is failing or restarting, for up to 30 s. */
static int64_t retrying(ath_handle_t *blk, uint64_t op, uint64_t sector, void *buf, uint32_t len,
                        uint32_t mode, unsigned *retries)
{
    for (int attempt = 0; attempt < 300; attempt++) {
        int64_t r = call_lend(*blk, op, sector, buf, len, mode);
        if (r != -ATH_EPEERFAILED && r != -ATH_EPEERRESTARTED && r != -ATH_ETIMEDOUT)
            return r;
        if (r == -ATH_EPEERRESTARTED) {
            ath_reconnect(blk, "block");
        }
        (*retries)++;
        struct timespec ts = { 0, 100000000 };
        nanosleep(&ts, NULL);
    }
    return -ATH_ETIMEDOUT;
}

static uint64_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec;
}

/* A line on a console driver (uart, fb) while faults are injected into it:
 * a restarted driver is looked up again, a failing one waited for (3 s at
 * most); false if the line never got through. */
static bool console_line(ath_handle_t *h, const char *name, const char *line)
{
    for (int attempt = 0; attempt < 30; attempt++) {
        uint64_t v;
        int r = ath_call_msg(*h, 1, 0, line, (uint32_t)strlen(line), &v);
        if (r == 0)
            return true;
        if (r == -ATH_EPEERRESTARTED) {
            ath_reconnect(h, name);
            continue;
        }
        struct timespec ts = { 0, 100000000 };
        nanosleep(&ts, NULL);
    }
    return false;
}

static int soak(ath_handle_t blk, int seconds)
{
    ath_handle_t uart = ath_lookup("uart"), fb = ath_lookup("fb");
    unsigned lines = 0, lines_lost = 0;
    int rounds = 0;
    uint64_t end = now_s() + (uint64_t)seconds;
    unsigned version[SLOTS] = { 0 }, retries = 0, lost = 0, mismatches = 0;
    uint32_t len = SLOT_SECT * SECTOR;
    unsigned char *w = aligned_alloc(4096, len), *r = aligned_alloc(4096, len);
    if (!w || !r)
        return 1;
    for (int i = 0; now_s() < end; i++, rounds++) {
        unsigned slot = (unsigned)i % SLOTS, v = version[slot] + 1;
        for (uint32_t j = 0; j < len; j++)
            w[j] = soak_pattern(slot, v, j);
        uint64_t sector = SOAK_BASE + (uint64_t)slot * SLOT_SECT;
        if (retrying(&blk, OP_WRITE, sector, w, len, ATH_LEND_RO, &retries) != 0) {
            lost++; /* what the slot holds now is unknown: stop believing anything of it */
            version[slot] = ~0u;
            continue;
        }
        version[slot] = v;
        if (i % 32 == 0) { /* the consoles are in use while their drivers fail too */
            char line[64];
            snprintf(line, sizeof line, "blktest: soak round %d\r\n", i);
            lines += 2;
            lines_lost += !console_line(&uart, "uart", line) + !console_line(&fb, "fb", line);
        }
        memset(r, 0, len);
        if (retrying(&blk, OP_READ, sector, r, len, ATH_LEND_RW, &retries) != 0 || memcmp(r, w, len)) {
            mismatches++;
            lost++;
        }
    }
    printf("blktest: soak: %d rounds in %d s, %u operations retried, %u lost, %u mismatches\n",
           rounds, seconds, retries, lost, mismatches);
    printf("blktest: soak: %u console lines through uart and fb, %u lost\n", lines, lines_lost);
    printf("blktest: soak: believed versions:");
    for (unsigned k = 0; k < SLOTS; k++)
        printf(" %u", version[k]);
    printf("\n");
    return lost != 0 || lines_lost != 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* n requests of len bytes; op WRITE or READ; places: random (4 KiB) or in
 * sequence (1 MiB). Prints the median time per request. */
static int time_requests(ath_handle_t blk, uint64_t op, uint32_t len, int n, const char *name)
{
    unsigned char *buf = aligned_alloc(4096, len);
    uint64_t *t = malloc(sizeof *t * (size_t)n);
    if (!buf || !t)
        return 1;
    for (uint32_t j = 0; j < len; j++)
        buf[j] = (unsigned char)j;
    unsigned seed = 12345;
    for (int i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        uint64_t sector = len == 4096 ? (seed >> 8) % 2048 * 8 : (uint64_t)(i % 8) * (len / SECTOR);
        uint64_t t0 = ath_now_ns();
        int64_t r = call_lend(blk, op, sector, buf, len, op == OP_READ ? ATH_LEND_RW : ATH_LEND_RO);
        t[i] = ath_now_ns() - t0;
        if (r) {
            printf("blktest: bench: %s failed: %lld\n", name, (long long)r);
            return 1;
        }
    }
    uint64_t total = 0;
    for (int i = 0; i < n; i++)
        total += t[i];
    qsort(t, (size_t)n, sizeof *t, cmp_u64);
    printf("bench: %s %llu ns (requests=%d)\n", name, (unsigned long long)t[n / 2], n);
    printf("bench: %s-throughput %.1f MiB/s\n", name, (double)len * n / (double)total * 1e9 / 1048576.0);
    free(buf);
    free(t);
    return 0;
}

static int bench(ath_handle_t blk)
{
    return time_requests(blk, OP_WRITE, 4096, 501, "blk-write-4kib") ||
           time_requests(blk, OP_READ, 4096, 501, "blk-read-4kib") ||
           time_requests(blk, OP_WRITE, 1 << 20, 31, "blk-write-1mib") ||
           time_requests(blk, OP_READ, 1 << 20, 31, "blk-read-1mib");
}

int main(int argc, char **argv)
{
    ath_handle_t blk = ath_cap_find(ATH_T_ENDPOINT, 0); /* the manifest's: calls = ["block"] */
    uint64_t cap = 0;
    for (int tries = 0; tries < 100; tries++) { /* the driver starts at boot: wait for it */
        int r = ath_call(blk, OP_INFO, 0, 0, 0, &cap);
        if (r == 0 && cap)
            break;
        if (r == -ATH_EPEERRESTARTED) {
            ath_reconnect(&blk, "block");
        }
        struct timespec ts = { 0, 100000000 };
        if (nanosleep(&ts, NULL) != 0)
            return 1;
    }
    if (!cap) {
        printf("blktest: no disk\n");
        return 1;
    }
    if (argc > 2 && !strcmp(argv[1], "soak"))
        return soak(blk, atoi(argv[2]));
    if (argc > 1 && !strcmp(argv[1], "bench"))
        return bench(blk);
    if (argc > 1 && !strcmp(argv[1], "probe")) {
        ath_handle_t drv = ath_lookup("virtio_blk");
        uint64_t n = 0;
        int r = ath_call(drv, ATH_OP_PROBE, 0, 0, 0, &n);
        printf("blktest: probe: the disk driver had %llu of %llu accesses outside its capabilities refused (%d)\n",
               (unsigned long long)(n & 0xffffffff), (unsigned long long)(n >> 32), r);
        return r != 0 || n != (6 | 6ull << 32);
    }
    unsigned long mismatches = 0, kib = 0;
    for (unsigned i = 0; i < sizeof regions / sizeof regions[0]; i++) {
        uint32_t len = (uint32_t)(regions[i].count * SECTOR);
        unsigned char *w = aligned_alloc(4096, len), *r = aligned_alloc(4096, len);
        if (!w || !r)
            return 1;
        for (uint32_t j = 0; j < len; j++)
            w[j] = pattern(regions[i].sector * SECTOR + j);
        memset(r, 0xee, len);
        int64_t e1 = call_lend(blk, OP_WRITE, regions[i].sector, w, len, ATH_LEND_RO);
        int64_t e2 = call_lend(blk, OP_READ, regions[i].sector, r, len, ATH_LEND_RW);
        if (e1 || e2) {
            printf("blktest: region %u: write %lld, read %lld\n", i, (long long)e1, (long long)e2);
            return 1;
        }
        for (uint32_t j = 0; j < len; j++)
            mismatches += r[j] != w[j];
        kib += len / 1024;
        free(w);
        free(r);
    }
    uint64_t v;
    int f = ath_call(blk, OP_FLUSH, 0, 0, 0, &v);
    /* refused: past the end, not whole sectors */
    unsigned char *b = aligned_alloc(4096, 4096);
    int64_t past = call_lend(blk, OP_READ, cap - 4, b, 4096, ATH_LEND_RW);
    int64_t odd = call_lend(blk, OP_READ, 0, b, 0, ATH_LEND_RW);
    printf("blktest: capacity %llu sectors; wrote and read back %lu KiB, %lu mismatches; flush %d; "
           "past the end %lld, empty %lld\n",
           (unsigned long long)cap, kib, mismatches, f, (long long)past, (long long)odd);
    return mismatches || f || past != -ATH_ERANGE || odd == 0;
}
