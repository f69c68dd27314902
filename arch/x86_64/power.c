/* Power off, reboot and test verdicts on bare metal. Power-off uses ACPI
 * (PM1 control with the \_S5 sleep type); test verdicts go to QEMU's
 * isa-debug-exit device, which only test runs attach. */
#include <arch/arch.h>
#include <arch/x86.h>
#include <athanor/kernel.h>
#include <athanor/console.h>
#include <athanor/errors.h>
#include <athanor/klib.h>

#define DEBUG_EXIT_PORT 0xf4
/* Written to isa-debug-exit; QEMU exits with (value << 1) | 1. */
#define DEBUG_EXIT_PASS  0x10 /* exit status 33 */
#define DEBUG_EXIT_FAIL  0x11 /* exit status 35 */
#define DEBUG_EXIT_FAULT 0x12 /* exit status 37 */
#define SLP_EN (1u << 13)
#define POWEROFF_GRACE_NS 500000000ull
#define PCI_RESET_CONTROL 0xcf9
#define KBC_CMD 0x64
#define KBC_PULSE_RESET 0xfe

static noreturn void halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

bool x86_test_mode(void)
{
    const struct boot_info *bi = kernel_boot_info();
    char v[4];
    return bi && (cmdline_get(bi->cmdline, "azoth.test", v, sizeof v) ||
                  cmdline_get(bi->cmdline, "azoth.bench", v, sizeof v));
}

noreturn void plat_poweroff(void)
{
    console_sync(); /* what is still in the console's ring */
    cli();
    acpi_init(); /* power-off may come before plat_init_late (e.g. too little RAM) */
    if (acpi.s5_found && acpi.pm1a_cnt) {
        outw(acpi.pm1a_cnt, (uint16_t)(acpi.slp_typa << 10 | SLP_EN));
        if (acpi.pm1b_cnt)
            outw(acpi.pm1b_cnt, (uint16_t)(acpi.slp_typb << 10 | SLP_EN));
        /* The machine may take a moment to act on it. */
        uint64_t until = plat_clock_ns() + POWEROFF_GRACE_NS;
        while (plat_clock_ns() < until)
            __builtin_ia32_pause();
    }
    kprintf("azoth: ACPI power-off did not work; the machine is halted and can be switched off\n");
    halt_forever();
}

noreturn void plat_reboot(void)
{
    console_sync(); /* what is still in the console's ring */
    cli();
    acpi_init();
    if (acpi.reset_supported && acpi.reset_space == 1)
        outb((uint16_t)acpi.reset_addr, acpi.reset_value);
    outb(PCI_RESET_CONTROL, 0x02);
    outb(PCI_RESET_CONTROL, 0x06);
    outb(KBC_CMD, KBC_PULSE_RESET);
    /* Last resort: a triple fault resets every PC. */
    static const struct { uint16_t limit; uint64_t base; } __attribute__((packed)) null_idt = { 0, 0 };
    __asm__ volatile("lidt %0; int3" ::"m"(null_idt));
    halt_forever();
}

noreturn void plat_test_exit(enum plat_test_status st)
{
    console_sync(); /* what is still in the console's ring */
    cli();
    outl(DEBUG_EXIT_PORT, st == PLAT_TEST_PASS ? DEBUG_EXIT_PASS
                          : st == PLAT_TEST_FAIL ? DEBUG_EXIT_FAIL : DEBUG_EXIT_FAULT);
    kprintf("azoth: no isa-debug-exit device; halting\n");
    halt_forever();
}

noreturn void plat_fatal_stop(void)
{
    if (x86_test_mode())
        plat_test_exit(PLAT_TEST_FAULT);
    kprintf("azoth: system halted\n");
    halt_forever();
}

/* No host to hand an exit status or a stream to on bare metal. */
noreturn void plat_exit(int status)
{
    (void)status;
    plat_poweroff();
}

int plat_host_write(int stream, const void *buf, size_t n)
{
    (void)stream;
    (void)buf;
    (void)n;
    return -ATH_ENOSYS;
}
