/* The log_read host call: a component holding a log capability reads the
 * console's output that console.c keeps (the shell draws it on the screen). */
#include <athanor/console.h>
#include <athanor/errors.h>
#include <athanor/host.h>
#include <athanor/hostcalls.h>
#include <athanor/klib.h>
#include <athanor/notify.h>

/* The capability first, so a component without one is refused the same
 * way whatever else it passes; then every place in its memory, before
 * anything is read. */
static int log_read(struct component *c, uint32_t h, uoff_t pos, uoff_t buf, uint32_t len, uint32_t n,
                    uint64_t bits)
{
    int r = cap_lookup(&c->caps, h, CAP_T_LOG, CAP_R_READ, NULL);
    if (r)
        return r;
    len = MIN(len, ATH_LOG_CHUNK);
    struct umem m = host_mem(c);
    uint64_t at;
    if (!umem_range(&m, pos, 8) || (len && !umem_range(&m, buf, len)) || !host_get(c, pos, &at, 8))
        return -ATH_EFAULT;
    if (n && !bits)
        return -ATH_EINVAL;
    struct cap_ref note = { .object = NULL };
    if (n && (r = cap_lookup_pin(&c->caps, n, CAP_T_NOTIFICATION, CAP_R_WRITE, &note)))
        return r;
    char tmp[ATH_LOG_CHUNK]; /* the copy out of the ring is under a spinlock: no component memory there */
    r = console_log_read(&at, tmp, len, note.object, bits);
    if (note.object)
        notify_put(note.object);
    if (r >= 0 && ((r && !host_put(c, buf, tmp, (size_t)r)) || !host_put(c, pos, &at, 8)))
        r = -ATH_EFAULT;
    return r;
}

uint32_t w2c_athanor_log_read(struct w2c_athanor *a, uint32_t h, uint32_t pos, uint32_t buf, uint32_t len,
                             uint32_t n, uint64_t bits)
{
    struct component *c = host_enter(&a->h);
    return host_leave(c, (uint32_t)log_read(c, h, uoff(pos), uoff(buf), len, n, bits));
}
