/* x86_boot_main: first C code on bare metal. Bring up the console, parse the
 * loader's information, enable CPU features and descriptor tables, then hand
 * over to the portable kernel_main(). */
#include <arch/arch.h>
#include <arch/x86.h>
#include <athanor/klib.h>

static struct boot_info bi;

noreturn void x86_boot_main(uint32_t proto, uint32_t info_phys);
noreturn void x86_boot_main(uint32_t proto, uint32_t info_phys)
{
    serial_init();
    if (!bootinfo_parse(proto, info_phys, &bi)) {
        kprintf("azoth: boot loader information is malformed (protocol %u); stopping\n", proto);
        plat_fatal_stop();
    }
    cpu_init(&bi);
    gdt_init();
    idt_init();
    kernel_main(&bi);
}

void plat_init_late(void)
{
    vm_init();      /* needs the frame allocator: leave the boot page tables */
    acpi_init();
    pic_disable();
    lapic_init();
    clock_init();
    ioapic_init();
    serial_enable_rx_irq();
}

void plat_console_write(const char *s, size_t n)
{
    serial_write(s, n);
}
