/* Port I/O for drivers (plat_io_in/out): the instruction only; the core has
 * checked the driver's I/O-port capability before it gets here. */
#include <arch/x86.h>
#include <athanor/platform.h>

uint32_t plat_io_in(uint16_t port, unsigned width)
{
    switch (width) {
    case 1:
        return inb(port);
    case 2:
        return inw(port);
    default:
        return inl(port);
    }
}

void plat_io_out(uint16_t port, unsigned width, uint32_t value)
{
    switch (width) {
    case 1:
        outb(port, (uint8_t)value);
        break;
    case 2:
        outw(port, (uint16_t)value);
        break;
    default:
        outl(port, value);
        break;
    }
}
