/* WASI's iovec lists, shared by the console (wasi.c), files (files.c) and
 * sockets (sockets.c): decoding a list against the component's memory, and
 * a cursor that gathers data from it or scatters data into it a piece at a
 * time, copied guarded (a page that goes missing meanwhile ends the I/O
 * with EFAULT, see umem.h). */
#include <athanor/component.h>
#include <athanor/host.h>
#include <athanor/klib.h>
#include <athanor/wasi.h>

uint32_t wasi_iov_decode(struct component *c, uoff_t iovs, uint32_t n, uint64_t *total)
{
    struct umem m = host_mem(c);
    *total = 0;
    if (n > WASI_IOV_MAX)
        return WASI_EINVAL;
    if (n && !umem_range(&m, iovs, (uint64_t)n * 8))
        return WASI_EFAULT;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t v[2];
        if (!host_get(c, uoff(iovs.off + 8 * i), v, sizeof v))
            return WASI_EFAULT;
        if (v[1] && !umem_range(&m, uoff(v[0]), v[1]))
            return WASI_EFAULT;
        *total += v[1];
    }
    return WASI_ESUCCESS;
}

/* The cursor's iovec: its base and length, or false if the list ended or
 * its page went missing. */
static bool iov_get(const struct wasi_iovs *k, uint32_t *base, uint32_t *len)
{
    uint32_t v[2];
    if (k->i >= k->n || !host_get(k->c, uoff(k->at.off + 8 * k->i), v, sizeof v))
        return false;
    *base = v[0], *len = v[1];
    return true;
}

int wasi_iov_move(struct wasi_iovs *k, uint8_t *buf, uint32_t len, bool to_user)
{
    struct umem m = host_mem(k->c);
    while (len) {
        uint32_t base, ilen;
        if (!iov_get(k, &base, &ilen))
            return -ATH_EFAULT;
        if (k->off >= ilen) {
            k->i++, k->off = 0;
            continue;
        }
        uint32_t take = MIN(len, ilen - k->off);
        uint8_t *p = umem_range(&m, uoff(base + k->off), take);
        if (!p || umem_copy(to_user ? p : buf, to_user ? buf : p, take))
            return -ATH_EFAULT;
        buf += take, len -= take, k->off += take;
    }
    return 0;
}

int wasi_iov_skip(struct wasi_iovs *k, uint32_t len)
{
    while (len) {
        uint32_t base, ilen;
        if (!iov_get(k, &base, &ilen))
            return -ATH_EFAULT;
        uint32_t take = k->off >= ilen ? 0 : MIN(len, ilen - k->off);
        if (!take) {
            k->i++, k->off = 0;
            continue;
        }
        len -= take, k->off += take;
    }
    return 0;
}
