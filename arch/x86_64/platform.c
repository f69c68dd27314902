/* Interrupt state, idling and CPU identity on bare metal. */
#include <arch/arch.h>
#include <arch/x86.h>
#include <athanor/irqoff.h>

irqflags_t plat_irq_save(void)
{
    irqflags_t f = (irqflags_t)(read_rflags() & RFLAGS_IF);
    cli();
    if (f)
        irqoff_begin((uintptr_t)__builtin_return_address(0));
    return f;
}

void plat_irq_restore(irqflags_t f)
{
    if (f & RFLAGS_IF) {
        irqoff_end();
        sti();
    }
}

void plat_irq_enable(void)
{
    irqoff_end();
    sti();
}

uint64_t plat_cycles(void)
{
    return rdtsc();
}

bool plat_irq_enabled(void)
{
    return read_rflags() & RFLAGS_IF;
}

void plat_idle(void)
{
    /* sti takes effect after the next instruction, so no interrupt can slip
     * in between it and hlt: the wake-up cannot be lost. */
    irqoff_end(); /* halted with interrupts on: not an interrupts-off section */
    __asm__ volatile("sti; hlt; cli" ::: "memory");
    irqoff_begin((uintptr_t)plat_idle);
}

unsigned plat_cpu_id(void)
{
    return 0; /* one CPU for now; per-CPU data via GS comes with SMP */
}

void plat_cpu_relax(void)
{
    __builtin_ia32_pause();
}
