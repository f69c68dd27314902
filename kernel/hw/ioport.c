/* I/O-port capabilities (see hw.h): check the capability and the range, then
 * do the access. Decoding the component's arguments is in hostcalls.c. */
#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/hw.h>
#include <athanor/klib.h>

/* The range capability h grants for this access, or an error. */
static int check(struct component *c, cap_handle_t h, uint32_t right, uint16_t port,
                 unsigned width)
{
    struct cap_ref cap;
    int r = cap_lookup(&c->caps, h, CAP_T_IOPORT, right, &cap);
    if (r == 0 && (port < cap.base || (uint64_t)port + width > cap.base + cap.len))
        r = -ATH_ERANGE;
    if (r)
        hw_refused(c, "I/O port", port, r);
    return r;
}

int hw_io_in(struct component *c, cap_handle_t h, uint16_t port, unsigned width, uint32_t *val)
{
    int r = check(c, h, CAP_R_READ, port, width);
    if (r == 0)
        *val = plat_io_in(port, width);
    return r;
}

int hw_io_out(struct component *c, cap_handle_t h, uint16_t port, unsigned width, uint32_t val)
{
    int r = check(c, h, CAP_R_WRITE, port, width);
    if (r == 0)
        plat_io_out(port, width, val);
    return r;
}
