/* Block service: the one door clients use to reach the disk. It forwards
 * each request to the disk driver (virtio_blk), lending the client's buffer
 * on, so the data still goes between the device and the client's own pages
 * with no copy. When the driver fails during a request or has restarted, it
 * reconnects and retries (requests are idempotent: the same sectors, the
 * same data), so a driver crash costs a client time, not an error, unless
 * the driver stays down.
 *   op 1 INFO -> capacity (sectors); op 2 READ(sector) with a read-write lend;
 *   op 3 WRITE(sector) with a read-only lend; op 4 FLUSH
 * Errors come back as negative values. */
#include <stdio.h>
#include <time.h>

#include <athanor.h>

#define ERR(e) ((uint64_t)(int64_t)-(e))
enum { OP_INFO = 1, OP_READ = 2, OP_WRITE = 3, OP_FLUSH = 4 };
#define ATTEMPTS 20 /* 20 x 100 ms: a driver restart takes far less */

static ath_handle_t drv;
static unsigned     retries, reconnects;

static void pause_100ms(void)
{
    struct timespec ts = { 0, 100000000 };
    nanosleep(&ts, NULL);
}

static uint64_t forward(uint64_t op, uint64_t sector, void *buf, uint32_t len)
{
    for (int attempt = 0;; attempt++) {
        uint64_t v = 0;
        int r;
        if (op == OP_READ || op == OP_WRITE)
            r = ath_call_lend(drv, op, sector, buf, len, op == OP_READ ? ATH_LEND_RW : ATH_LEND_RO, &v);
        else
            r = ath_call(drv, op, sector, 0, 0, &v);
        if (r == 0)
            return v; /* the driver's answer, errors included */
        if ((r != -ATH_EPEERFAILED && r != -ATH_EPEERRESTARTED) || attempt == ATTEMPTS)
            return ERR(-r);
        if (r == -ATH_EPEERRESTARTED) { /* a new instance: a new endpoint capability */
            ath_reconnect(&drv, "virtio_blk");
            reconnects++;
        } else {
            pause_100ms(); /* it failed: its restart policy brings it back */
        }
        retries++;
    }
}

ATH_HANDLER uint64_t ath_handle(uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    (void)badge;
    switch (op) {
    case OP_INFO:
    case OP_FLUSH:
        return forward(op, 0, NULL, 0);
    case OP_READ:
    case OP_WRITE:
        return forward(op, a0, (void *)(uintptr_t)a2, (uint32_t)a1);
    case 5: /* STATS: retries << 32 | reconnects (tests) */
        return (uint64_t)retries << 32 | reconnects;
    default:
        return ERR(ATH_ENOSYS);
    }
}

int main(void)
{
    drv = ath_cap_find(ATH_T_ENDPOINT, 0); /* the manifest's: calls = ["virtio_blk"] */
    printf("block: serving\n");
    return ath_serve();
}
