/* Hardware capabilities: the objects behind a driver's I/O-port ranges,
 * MMIO regions, IRQ lines and DMA quota, the checked accesses, and the accounting of refused ones. A driver reaches a
 * device only through these; anything outside them is refused, counted in
 * the component and reported on the console. */
#ifndef ATHANOR_HW_H
#define ATHANOR_HW_H

#include <athanor/abi/consts.h>
#include <athanor/cap.h>
#include <athanor/types.h>

struct component;

/* Ports [base, base + count). The object of a CAP_T_IOPORT capability:
 * read right = in, write right = out. */
struct ioport_range {
    uint16_t base;
    uint16_t count;
};
#define COMP_MAX_IOPORTS ATH_MAX_IOPORTS
#define COMP_MAX_IRQS    ATH_MAX_IRQS
#define COMP_MAX_MMIO    ATH_MAX_MMIO

/* Physical device memory [base, base + size): the root object of a driver's
 * (or the PCI service's) CAP_T_MMIO capabilities; each capability covers a
 * part of it (cap base/len). Read right = read, write right = write. */
struct mmio_range {
    uint64_t base;
    uint64_t size;
};

struct notification;

/* An interrupt line: the object of a CAP_T_IRQ capability. Bound to a
 * notification, the line's firing sets `bits` there; the driver waits on
 * the notification, serves the device, and acknowledges (unmasks) the line.
 * Locking: irq_lock (irq.c) guards notify/bits; the interrupt handler takes
 * it too. */
struct irq_line {
    unsigned             line;
    struct notification *notify; /* NULL: not bound */
    uint64_t             bits;
    struct cap_table    *binder; /* the table whose capability bound it */
    uint64_t             count;  /* times it fired (statistics, tests) */
};
/* The kernel's table of lines (one object per line; a line is granted to at
 * most one component: tools/manifest checks). */
struct irq_line *hw_irq_line(unsigned line);

/* The hardware part of a component (kernel/hw/comp.c): the objects of its
 * I/O-port and MMIO capabilities (copied from the manifest at each start; a
 * component struct lives for good, so they can be pointed at), its DMA
 * allocations and its refused accesses. Written by kernel/hw only: the
 * DMA fields by the component's own host calls, refused atomically. */
/* A DMA buffer: a run of contiguous frames (its first frame's number). */
struct dma_run {
    uint32_t frame; /* physical address >> 12 */
    uint32_t pages;
};
/* A component's DMA buffers (kernel/hw/dma.c), from its first one on, for
 * good: the runs this instance holds, and the runs earlier instances held
 * ("parked"). There is no IOMMU, and a driver that traps or is stopped
 * leaves its device as it was: a network card keeps its receive buffers,
 * and writes the next frame into them. So a dead instance's frames go to
 * nobody else: zeroed and unmapped, they wait for this slot's next
 * instances, which take them before fresh frames (after resetting their
 * device, as drivers do first). The oldest parked run is freed when the
 * list is full: by then instances have run since it was parked. */
#define HW_DMA_RUNS 64
struct dma_book {
    uint32_t       nlive, nparked;
    struct dma_run live[HW_DMA_RUNS];
    struct dma_run parked[2 * HW_DMA_RUNS]; /* oldest first */
};
struct comp_hw {
    struct ioport_range ioports[COMP_MAX_IOPORTS];
    struct mmio_range   mmio[COMP_MAX_MMIO];
    uint32_t            dma_next; /* where its next DMA buffer goes (linear offset) */
    uint32_t            dma_used; /* bytes of DMA memory it holds (the DMA capability's object) */
    uint32_t            refused;  /* hardware accesses refused (this generation) */
    struct dma_book    *dma;      /* NULL: it never took a DMA buffer */
};
/* Lifecycle hooks. start: a new
 * generation gets the manifest's I/O-port, MMIO, DMA and IRQ capabilities
 * (into the table the caps part renewed). stop: its lines fall silent, its
 * DMA buffers are parked. reset (on the component's own thread, its code
 * stopped): the DMA buffers it took since its snapshot are zeroed and
 * parked, its quota whole again, so no data a device wrote survives in it
 * where the driver or anyone else can read it. */
int  hw_comp_start(struct component *c, const char *args);
void hw_comp_stop(struct component *c);
void hw_comp_reset(struct component *c);

/* Where a driver's DMA buffers appear in its linear memory. */
#define HW_DMA_WINDOW ATH_DMA_WINDOW
#define HW_DMA_END    ATH_DMA_END

/* Invoke: the hardware operations, on what decode (kernel/hw/hostcalls.c)
 * checked: the capability's type, rights and range, the alignment and
 * width, the caller's memory. They fail only for the platform or a
 * resource, never for a capability reason. */

/* MMIO at device address phys (inside a checked range; width 1, 2, 4 or 8
 * and aligned): exact-width volatile accesses. -ATH_ENOSYS if the platform
 * cannot map it. */
int hw_mmio_read(uint64_t phys, unsigned width, uint64_t *val);
int hw_mmio_write(uint64_t phys, unsigned width, uint64_t val);
/* Copy len bytes from src (kernel pointer into the caller's memory) to
 * device memory at phys (a framebuffer blit): -ATH_EFAULT if a page of the
 * source went missing meanwhile. */
int hw_mmio_write_block(uint64_t phys, const void *src, uint64_t len);

/* Allocate `len` bytes (page multiple, not 0) of zeroed, physically
 * contiguous memory mapped into c's DMA window, within quota bytes (the DMA
 * capability's length); *where is its linear offset, *phys the device
 * address. -ATH_ENOMEM over the quota or out of memory. */
int hw_dma_alloc(struct component *c, uint64_t quota, uint32_t len, uint32_t *where,
                 uint64_t *phys);
/* The device address of byte `where` of c's own memory (its page stays put
 * while c holds it: a DMA buffer, or a lend for the duration of the call). */
int hw_dma_phys(struct component *c, uint32_t where, uint64_t *phys);
/* Zero, unmap and park every DMA buffer c holds (struct dma_book); its
 * quota is whole again (reset's and stop's). */
void hw_dma_release(struct component *c);

/* Bind line l to notification n (pinned by the caller; bits != 0 set on
 * each interrupt) through a capability in table via, and enable it;
 * rebinding moves it. -ATH_ESTALE if n died meanwhile, -ATH_ENOSYS if the
 * platform cannot deliver the line. The binding lasts while via holds a
 * capability to the line: freeing one (revoke, delete, a table cleared)
 * unbinds and disables it. */
int  hw_irq_bind(struct irq_line *l, struct notification *n, uint64_t bits, struct cap_table *via);
/* Once, before any component starts: the IRQ capabilities' type hooks. */
void hw_irq_init(void);
/* The driver has served the interrupt: let the line fire again. */
void hw_irq_ack(struct irq_line *l);
/* Called by the platform when an enabled line fires (interrupt context,
 * line already masked). */
void hw_irq_fired(unsigned line);
/* A notification is about to be freed: unbind any line bound to it. */
void hw_irq_forget(struct notification *n);
/* Its driver stopped: unbind and disable the line. */
void hw_irq_release(unsigned line);

/* Count a refused hardware access of c and report it (the first few of each
 * generation on the console; all of them in c->hw.refused). Decode's. */
void hw_refused(struct component *c, const char *what, uint64_t where, int err);

#endif
