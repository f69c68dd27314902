/* Device memory for drivers (plat_mmio_ptr): 2 MiB chunks of physical
 * address space mapped uncached on first use and kept, looked up in a small
 * table. Only ranges a driver's MMIO capability covers get here. */
#include <arch/arch.h>
#include <athanor/spinlock.h>
#include <athanor/errors.h>

#define MAX_CHUNKS 64 /* 128 MiB of device space */

struct chunk {
    uint64_t phys;
    uint8_t *va;
};
static struct chunk chunks[MAX_CHUNKS];
static unsigned   nchunks;
static spinlock_t chunk_lock = SPINLOCK_INIT;

volatile void *plat_mmio_ptr(uint64_t phys, size_t len)
{
    uint64_t base = phys & ~(PLAT_MMIO_CHUNK - 1);
    if (len == 0 || phys + len - base > PLAT_MMIO_CHUNK)
        return NULL; /* crosses a chunk: callers split */
    irqflags_t f = spin_lock_irqsave(&chunk_lock);
    uint8_t *va = NULL;
    for (unsigned i = 0; i < nchunks && !va; i++)
        if (chunks[i].phys == base)
            va = chunks[i].va;
    if (!va && nchunks < MAX_CHUNKS && (va = vm_map_mmio(base, PLAT_MMIO_CHUNK)) != NULL)
        chunks[nchunks++] = (struct chunk){ base, va };
    spin_unlock_irqrestore(&chunk_lock, f);
    return va ? va + (phys - base) : NULL;
}

/* Every device is real here. */
int plat_mmio_emul_read(uint64_t phys, unsigned width, uint64_t *val)
{
    (void)phys, (void)width, (void)val;
    return -ATH_ENOSYS;
}

int plat_mmio_emul_write(uint64_t phys, unsigned width, uint64_t val)
{
    (void)phys, (void)width, (void)val;
    return -ATH_ENOSYS;
}
