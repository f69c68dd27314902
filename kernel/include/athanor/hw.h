/* Hardware capabilities: the objects behind a driver's I/O-port ranges (and,
 * as the drivers work goes on, MMIO regions, IRQ lines and DMA regions), the
 * checked accesses, and the accounting of refused ones. A driver reaches a
 * device only through these; anything outside them is refused, counted in
 * the component and reported on the console. */
#ifndef ATHANOR_HW_H
#define ATHANOR_HW_H

#include <athanor/cap.h>
#include <athanor/types.h>

struct component;

/* Ports [base, base + count). The object of a CAP_T_IOPORT capability:
 * read right = in, write right = out. */
struct ioport_range {
    uint16_t base;
    uint16_t count;
};
#define COMP_MAX_IOPORTS 4

/* Port I/O through capability h of c's table: width 1, 2 or 4, the whole
 * access inside the range. -ATH_EBADHANDLE/ESTALE/EWRONGTYPE/EPERM (the
 * capability), -ATH_ERANGE (outside its range); every refusal is counted
 * and reported. */
int hw_io_in(struct component *c, cap_handle_t h, uint16_t port, unsigned width, uint32_t *val);
int hw_io_out(struct component *c, cap_handle_t h, uint16_t port, unsigned width, uint32_t val);

/* Count a refused hardware access of c and report it (the first few of each
 * generation on the console; all of them in c->hw_refused). */
void hw_refused(struct component *c, const char *what, uint32_t where, int err);

#endif
