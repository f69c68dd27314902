/* Hosted code regions (packages loaded at run time, platform.h): anonymous
 * Linux mappings, read-write until the loader has filled them, then
 * mprotect'ed page range by page range; never writable and executable at
 * once. */
#include "hosted.h"

#include <athanor/errors.h>
#include <sys/mman.h>

int plat_code_alloc(size_t size, struct plat_code *out)
{
    if (size == 0 || size > PLAT_CODE_MAX || size % PAGE_SIZE)
        return -ATH_EINVAL;
    /* Populated at once: the loader writes nearly every page next, and one
     * call that faults them all in is cheaper than a fault per page (a
     * third of a large package's mapping time, docs/apps.md). */
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (p == MAP_FAILED)
        return -ATH_ENOMEM;
    out->base = (uintptr_t)p;
    out->size = size;
    out->cookie = NULL;
    return 0;
}

int plat_code_protect(struct plat_code *c, size_t off, size_t len, enum plat_prot prot)
{
    if (off % PAGE_SIZE || len % PAGE_SIZE || off > c->size || len > c->size - off)
        return -ATH_EINVAL;
    int p = prot == PLAT_PROT_R    ? PROT_READ
          : prot == PLAT_PROT_RW   ? PROT_READ | PROT_WRITE
          : prot == PLAT_PROT_RX   ? PROT_READ | PROT_EXEC
                                   : -1;
    if (p < 0)
        return -ATH_EINVAL;
    return len == 0 || mprotect((void *)(c->base + off), len, p) == 0 ? 0 : -ATH_ENOMEM;
}

void plat_code_free(struct plat_code *c)
{
    if (c->size)
        munmap((void *)c->base, c->size);
    c->base = 0;
    c->size = 0;
}
