/* The 8254 PIT (only as a reference clock for calibration) and the legacy
 * 8259 PICs (remapped away from the exception vectors and masked: the
 * IOAPIC and LAPIC deliver interrupts instead). */
#include <arch/arch.h>
#include <arch/x86.h>

#define PIT_HZ       1193182u
#define PIT_CH2      0x42
#define PIT_CMD      0x43
#define PIT_GATE     0x61   /* bit 0: channel 2 gate, bit 1: speaker, bit 5: channel 2 output */
#define PIT_CH2_MODE0_LOHI 0xb0

void pit_wait_start(uint32_t us)
{
    uint32_t count = (uint32_t)((uint64_t)PIT_HZ * us / 1000000u);
    if (count > 0xffff)
        count = 0xffff;
    uint8_t g = inb(PIT_GATE);
    outb(PIT_GATE, (uint8_t)((g & ~0x02) | 0x01)); /* gate on, speaker off */
    outb(PIT_CMD, PIT_CH2_MODE0_LOHI);
    outb(PIT_CH2, (uint8_t)count);
    outb(PIT_CH2, (uint8_t)(count >> 8));
    /* Mode 0 counts down once the count is written; OUT2 goes high at 0. */
}

bool pit_wait_done(void)
{
    return inb(PIT_GATE) & 0x20;
}

uint16_t pit_count(void)
{
    outb(PIT_CMD, 0x80); /* latch channel 2: its two bytes then read one moment */
    uint8_t lo = inb(PIT_CH2);
    return (uint16_t)(lo | inb(PIT_CH2) << 8);
}

uint64_t pit_ticks_ns(uint32_t ticks)
{
    return (uint64_t)ticks * 1000000000u / PIT_HZ;
}

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

void pic_disable(void)
{
    /* ICW1..ICW4: cascade, vectors VEC_PIC_BASE.., then mask every line. */
    outb(PIC1_CMD, 0x11);
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, VEC_PIC_BASE);
    outb(PIC2_DATA, VEC_PIC_BASE + 8);
    outb(PIC1_DATA, 4);
    outb(PIC2_DATA, 2);
    outb(PIC1_DATA, 1);
    outb(PIC2_DATA, 1);
    outb(PIC1_DATA, 0xff);
    outb(PIC2_DATA, 0xff);
}
