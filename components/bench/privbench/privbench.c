/* Sensor-session benchmarks (make bench; docs/privacy.md, "Benchmarks"),
 * run by azoth.bench=privacy with a GPS receiver sending on COM2 and an
 * AC'97 capturing. For each sensor, RUNS times: a session opened (request
 * to handle; no prompt: the manifest answers), the first data (request to
 * the first READ that returns any), then ended by the user's revoke,
 * whose three steps the privacy service times from the request's arrival
 * (ATH_PRIV_STATS): the app's capability revoked (no sample can be
 * delivered after it), the device quiesced, the driver reset. And the cost
 * of a sample through a session (a READ of what 50 ms of capture left,
 * lent on to the driver, which copies it from its DMA ring; positions:
 * 250 ms of them) against the
 * same bytes copied within one component. Prints "bench:" lines (medians). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <athanor.h>
#include <athanor_privacy.h>

#define RUNS 11
static uint8_t buf[64 * 1024] __attribute__((aligned(4096)));
static uint8_t copy_dst[64 * 1024];

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v)
{
    qsort(v, RUNS, sizeof *v, cmp);
    return v[RUNS / 2];
}

/* A page lent for positions (32 bytes each), 64 KiB for PCM. */
static uint32_t lend_len;

static int64_t rd(ath_handle_t s, uint64_t *n)
{
    int r = ath_call_lend(s, ATH_SESSION_READ, 0, buf, lend_len, ATH_LEND_RW, n);
    return r ? r : (int64_t)*n < 0 ? (int64_t)*n : 0;
}

static uint64_t stat(ath_handle_t priv, unsigned which)
{
    uint64_t v = 0;
    ath_call(priv, ATH_PRIV_STATS, which, 0, 0, &v);
    return v;
}

static int one(ath_handle_t priv, ath_handle_t note, unsigned sensor, const char *name)
{
    uint64_t open[RUNS], first[RUNS], revoke[RUNS], revoked[RUNS], quiesced[RUNS], reset[RUNS];
    uint64_t per_sample[RUNS], per_copy[RUNS];
    unsigned unit = sensor == ATH_SENSOR_MICROPHONE ? 4 : sizeof(struct ath_location);
    lend_len = sensor == ATH_SENSOR_MICROPHONE ? sizeof buf : 4096;
    for (int r = 0; r < RUNS; r++) {
        uint64_t t0 = ath_now_ns(), n = 0, bits;
        ath_handle_t s = ath_session_open(priv, sensor, ATH_PRECISION_FINE, 60000, note, 5000000000ull);
        uint64_t t1 = ath_now_ns();
        if (s < 0) {
            printf("privbench: %s: open: %s\n", name, ath_strerror(s));
            return 1;
        }
        /* as an app would: read, and wait for the driver's signal when
         * there was nothing (a caller that only polls would keep the
         * driver's endpoint from its own interrupt's event) */
        while (rd(s, &n) == 0 && n == 0 && ath_now_ns() - t0 < 5000000000ull)
            ath_notify_wait(note, ATH_SESSION_DATA, 1000000u, &bits);
        uint64_t t2 = ath_now_ns();
        if (n == 0) {
            printf("privbench: %s: no data within 5 s\n", name);
            return 1;
        }
        /* a sample through the session, against copying it here */
        /* 50 ms of capture; a receiver sends 10 positions a second */
        ath_notify_wait(note, 0, sensor == ATH_SENSOR_MICROPHONE ? 50000000u : 250000000u, &bits);
        uint64_t t3 = ath_now_ns();
        int64_t e = rd(s, &n);
        uint64_t t4 = ath_now_ns();
        if (e || n == 0) {
            printf("privbench: %s: read: %s, %llu\n", name, ath_strerror((int)e), (unsigned long long)n);
            return 1;
        }
        uint64_t bytes = n * (sensor == ATH_SENSOR_MICROPHONE ? 1 : sizeof(struct ath_location));
        uint64_t t5 = ath_now_ns();
        memcpy(copy_dst, buf, bytes);
        __asm__ volatile("" : : "r"(copy_dst) : "memory");
        uint64_t t6 = ath_now_ns();
        per_sample[r] = (t4 - t3) * 1000 / (bytes / unit); /* ps per sample */
        per_copy[r] = (t6 - t5) * 1000 / (bytes / unit);
        uint64_t res = 0, t7 = ath_now_ns();
        if (ath_call(priv, ATH_PRIV_REVOKE, 0, 0, 0, &res) != 0 || (int64_t)res != 1) {
            printf("privbench: %s: revoke: %lld\n", name, (long long)res);
            return 1;
        }
        uint64_t t8 = ath_now_ns();
        if (rd(s, &n) != -ATH_ESTALE) {
            printf("privbench: %s: the handle still works after the revoke\n", name);
            return 1;
        }
        open[r] = t1 - t0;
        first[r] = t2 - t0;
        revoke[r] = t8 - t7;
        revoked[r] = stat(priv, 1);
        quiesced[r] = stat(priv, 2);
        reset[r] = stat(priv, 3);
        ath_notify_wait(note, ~0ull, 0, &bits); /* drop what this session signalled */
    }
    printf("bench: privacy-open-%s %llu ns (runs=%d)\n", name, (unsigned long long)median(open), RUNS);
    printf("bench: privacy-first-data-%s %llu ns (runs=%d)\n", name, (unsigned long long)median(first), RUNS);
    printf("bench: privacy-revoke-call-%s %llu ns (runs=%d)\n", name, (unsigned long long)median(revoke), RUNS);
    printf("bench: privacy-end-to-revoked-%s %llu ns (runs=%d)\n", name, (unsigned long long)median(revoked),
           RUNS);
    printf("bench: privacy-end-to-quiesced-%s %llu ns (runs=%d)\n", name,
           (unsigned long long)median(quiesced), RUNS);
    printf("bench: privacy-end-to-reset-%s %llu ns (runs=%d)\n", name, (unsigned long long)median(reset), RUNS);
    printf("bench: privacy-per-sample-%s %llu ps (runs=%d)\n", name, (unsigned long long)median(per_sample),
           RUNS);
    printf("bench: privacy-per-sample-copy-%s %llu ps (runs=%d)\n", name,
           (unsigned long long)median(per_copy), RUNS);
    return 0;
}

/* Args: the sensors to measure (mic, location; both when none). */
int main(int argc, char **argv)
{
    ath_handle_t priv = ath_lookup("privacy"), note = ath_notify_create();
    bool mic = argc < 2, location = argc < 2;
    for (int i = 1; i < argc; i++) {
        mic |= !strcmp(argv[i], "mic");
        location |= !strcmp(argv[i], "location");
    }
    int r = mic ? one(priv, note, ATH_SENSOR_MICROPHONE, "mic") : 0;
    return r ? r : location ? one(priv, note, ATH_SENSOR_LOCATION, "location") : 0;
}
