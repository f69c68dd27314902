/* Reserved virtual ranges on the hosted platform: one PROT_NONE mapping,
 * committed by mprotect. MAP_NORESERVE: the 8 GiB reservations cost no
 * memory until pages are touched. */
#include "hosted.h"

#include <athanor/errors.h>
#include <sys/mman.h>

int plat_vrange_reserve(size_t size, struct plat_vrange *out)
{
    size = ALIGN_UP(size, PAGE_SIZE);
    if (size == 0 || size > PLAT_VRANGE_MAX)
        return -ATH_EINVAL;
    void *m = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        return -ATH_ENOMEM;
    out->base = (uintptr_t)m;
    out->size = size;
    out->committed = 0;
    out->cookie = NULL;
    return 0;
}

int plat_vrange_commit(struct plat_vrange *r, size_t bytes)
{
    if (bytes > r->size || (bytes & (PAGE_SIZE - 1)))
        return -ATH_EINVAL;
    if (bytes <= r->committed)
        return 0;
    if (mprotect((void *)(r->base + r->committed), bytes - r->committed, PROT_READ | PROT_WRITE))
        return -ATH_ENOMEM;
    r->committed = bytes;
    return 0;
}

void plat_vrange_decommit(struct plat_vrange *r, size_t bytes)
{
    if (bytes >= r->committed)
        return;
    /* Drop the pages (they read as zero if committed again) and close them. */
    madvise((void *)(r->base + bytes), r->committed - bytes, MADV_DONTNEED);
    mprotect((void *)(r->base + bytes), r->committed - bytes, PROT_NONE);
    r->committed = bytes;
}

int plat_vrange_protect(struct plat_vrange *r, size_t off, size_t len, bool writable)
{
    if (off > r->committed || len > r->committed - off || ((off | len) & (PAGE_SIZE - 1)))
        return -ATH_EINVAL;
    if (len == 0)
        return 0;
    return mprotect((void *)(r->base + off), len,
                    writable ? PROT_READ | PROT_WRITE : PROT_READ) ? -ATH_ENOMEM : 0;
}

void plat_vrange_release(struct plat_vrange *r)
{
    if (r->size)
        munmap((void *)r->base, r->size);
    r->size = r->committed = 0;
}
