/* Hosted memory: "physical RAM" is one shared mapping of a memfd (so that
 * DMA buffers can be mapped into a component's memory too, vrange.c); a
 * physical address is an offset into it plus HOSTED_PHYS_BASE (so 0 is
 * never valid). Kernel
 * stacks are separate mappings with a PROT_NONE guard page below, and
 * between the two an area for Linux's signal frames (hosted_signal_area). */
#include "hosted.h"

#include <athanor/errors.h>
#include <athanor/klib.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#define HOSTED_PHYS_BASE 0x100000ull

static char    *ram;
static uint64_t ram_size;
static int      ram_fd = -1;

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

/* Our interrupts are signals, and Linux pushes a signal frame (registers
 * and the whole extended FPU state: 12 KiB where AMX exists) on the stack
 * of whatever the thread was doing, which may be a component at its stack
 * limit or kernel code near the bottom of its stack. Signals nest (the
 * handler is SA_NODEFER so that a thread switched away inside it does not
 * keep them blocked), a few deep in the windows where the handler has not
 * yet raised the soft interrupt flag. So each stack has room below its
 * usable bytes for four frames: there, no code's own frames are counted
 * against the stack, and a signal can never be what overflows it. */
size_t hosted_signal_area;

void hosted_mem_init(uint64_t bytes, struct boot_info *bi)
{
    unsigned long frame = getauxval(AT_MINSIGSTKSZ);
    if (frame < 4096)
        frame = 4096;
    hosted_signal_area = 4 * ALIGN_UP(frame + 1024, PAGE_SIZE);
    ram_size = ALIGN_DOWN(bytes, PAGE_SIZE);
    size_t len = ram_size ? ram_size : PAGE_SIZE;
    ram_fd = memfd_create("azoth-ram", MFD_CLOEXEC);
    ram = ram_fd < 0 || ftruncate(ram_fd, (off_t)len) != 0 ? MAP_FAILED
        : mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, ram_fd, 0);
    if (ram == MAP_FAILED) {
        kprintf("hosted: cannot map %llu MiB of RAM\n", (unsigned long long)(bytes >> 20));
        exit(1);
    }
    bi->ram_total = ram_size;
    bi->reserved_bytes = 0;
    bi->nregions = ram_size ? 1 : 0;
    bi->regions[0].base = HOSTED_PHYS_BASE;
    bi->regions[0].size = ram_size;
}

void *plat_phys_to_virt(phys_addr_t pa)
{
    return ram + (pa - HOSTED_PHYS_BASE);
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older kernels refuse it: a hint */
#endif

void plat_frames_prefault(phys_addr_t pa, size_t frames)
{
    /* One call allocating every backing page, instead of a page fault for
     * each at its first write: about a quarter less (a 320 KB table went
     * from 240 to 190 us). */
    char *p = hosted_ram_ptr(pa, frames * PAGE_SIZE);
    if (p)
        madvise(p, frames * PAGE_SIZE, MADV_POPULATE_WRITE);
}

phys_addr_t plat_virt_to_phys(const void *va)
{
    return (phys_addr_t)((const char *)va - ram) + HOSTED_PHYS_BASE;
}

int hosted_ram_map(void *at, phys_addr_t pa, size_t len)
{
    if (pa < HOSTED_PHYS_BASE || pa - HOSTED_PHYS_BASE > ram_size || len > ram_size - (pa - HOSTED_PHYS_BASE))
        return -ATH_EINVAL;
    void *p = mmap(at, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, ram_fd,
                   (off_t)(pa - HOSTED_PHYS_BASE));
    return p == MAP_FAILED ? -ATH_ENOMEM : 0;
}

void *hosted_ram_ptr(uint64_t pa, size_t len)
{
    if (pa < HOSTED_PHYS_BASE || pa - HOSTED_PHYS_BASE > ram_size || len > ram_size - (pa - HOSTED_PHYS_BASE))
        return NULL;
    return ram + (pa - HOSTED_PHYS_BASE);
}

int plat_stack_alloc(size_t size, struct plat_stack *out)
{
    size = ALIGN_UP(size, PAGE_SIZE);
    size_t below = PAGE_SIZE + hosted_signal_area;
    char *m = mmap(NULL, size + below, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return -ATH_ENOMEM;
    if (mprotect(m, PAGE_SIZE, PROT_NONE) != 0) { /* the guard page */
        munmap(m, size + below);
        return -ATH_ENOMEM;
    }
    out->base = m + below;
    out->size = size;
    out->cookie = m;
    return 0;
}

void plat_stack_free(struct plat_stack *st)
{
    munmap(st->cookie, st->size + PAGE_SIZE + hosted_signal_area);
    st->size = 0;
}
