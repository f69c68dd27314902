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
    uint64_t             count;  /* times it fired (statistics, tests) */
};
/* The kernel's table of lines (one object per line; a line is granted to at
 * most one component: tools/manifest checks). */
struct irq_line *hw_irq_line(unsigned line);

/* Port I/O through capability h of c's table: width 1, 2 or 4, the whole
 * access inside the range. -ATH_EBADHANDLE/ESTALE/EWRONGTYPE/EPERM (the
 * capability), -ATH_ERANGE (outside its range); every refusal is counted
 * and reported. */
int hw_io_in(struct component *c, cap_handle_t h, uint16_t port, unsigned width, uint32_t *val);
int hw_io_out(struct component *c, cap_handle_t h, uint16_t port, unsigned width, uint32_t val);

/* Bind line h to notification n (bits set on each interrupt) and enable it;
 * rebinding moves it. Needs the IRQ's read right and the notification's
 * write right. -ATH_ENOSYS if the platform cannot deliver the line. */
int hw_irq_bind(struct component *c, cap_handle_t irq, cap_handle_t n, uint64_t bits);
/* The driver has served the interrupt: let the line fire again. */
int hw_irq_ack(struct component *c, cap_handle_t irq);
/* Called by the platform when an enabled line fires (interrupt context,
 * line already masked). */
void hw_irq_fired(unsigned line);
/* A notification is about to be freed: unbind any line bound to it. */
void hw_irq_forget(struct notification *n);
/* Its driver stopped: unbind and disable the line. */
void hw_irq_release(unsigned line);

/* MMIO through capability h: width 1, 2, 4 or 8 at offset off of the
 * capability's range, aligned; exact-width volatile accesses. */
int hw_mmio_read(struct component *c, cap_handle_t h, uint64_t off, unsigned width, uint64_t *val);
int hw_mmio_write(struct component *c, cap_handle_t h, uint64_t off, unsigned width, uint64_t val);
/* Copy len bytes from src (kernel pointer into c's memory) to offset off
 * of the range (a framebuffer blit). */
int hw_mmio_write_block(struct component *c, cap_handle_t h, uint64_t off, const void *src,
                        uint64_t len);

/* DMA through capability h (its len is the driver's quota in bytes):
 * allocate `len` bytes of zeroed, physically contiguous memory mapped into
 * c's DMA window; *where is its linear offset, *phys the device address. */
int hw_dma_alloc(struct component *c, cap_handle_t h, uint32_t len, uint32_t *where,
                 uint64_t *phys);
/* The device address of byte `where` of c's own memory (its page stays put
 * while c holds it: a DMA buffer, or a lend for the duration of the call). */
int hw_dma_phys(struct component *c, cap_handle_t h, uint32_t where, uint64_t *phys);

/* Count a refused hardware access of c and report it (the first few of each
 * generation on the console; all of them in c->hw_refused). */
void hw_refused(struct component *c, const char *what, uint64_t where, int err);

#endif
