/* kernel_main: the portable boot sequence shared by every platform. */
#include <athanor/lifecycle.h>
#include <athanor/console.h>
#include <athanor/csprng.h>
#include <athanor/errors.h>
#include <athanor/frame.h>
#include <athanor/heap.h>
#include <athanor/kernel.h>
#include <athanor/klib.h>
#include <athanor/load.h>
#include <athanor/sched.h>

static struct boot_info *boot;

const struct boot_info *kernel_boot_info(void) { return boot; }

static void print_memory_summary(const struct boot_info *bi, uint64_t usable)
{
    kprintf("memory: %llu MiB reported, %llu MiB usable in %u regions, %llu KiB kept by the platform\n",
            (unsigned long long)(bi->ram_total >> 20), (unsigned long long)(usable >> 20),
            bi->nregions, (unsigned long long)(bi->reserved_bytes >> 10));
    for (unsigned i = 0; i < bi->nregions; i++)
        kprintf("  [%#014llx - %#014llx) %6llu KiB\n", (unsigned long long)bi->regions[i].base,
                (unsigned long long)(bi->regions[i].base + bi->regions[i].size),
                (unsigned long long)(bi->regions[i].size >> 10));
}

noreturn void kernel_main(struct boot_info *bi)
{
    boot = bi;
    kprintf("\nAzoth OS - Athanor microkernel %s (%s, booted by %s)\n", ATHANOR_VERSION,
            bi->platform, bi->loader);
    if (bi->cmdline[0])
        kprintf("cmdline: %s\n", bi->cmdline);
    kprintf("cpu: %s\n", bi->cpu_desc);
    kprintf("cpu features: %s\n", bi->cpu_features);

    uint64_t usable = 0;
    for (unsigned i = 0; i < bi->nregions; i++)
        usable += bi->regions[i].size;
    print_memory_summary(bi, usable);
    if (usable < KERNEL_MIN_RAM) {
        kprintf("azoth: not enough memory: %llu KiB usable, at least %llu MiB needed. Stopping.\n",
                (unsigned long long)(usable >> 10), (unsigned long long)(KERNEL_MIN_RAM >> 20));
        plat_poweroff();
    }
    int err = frame_init(bi->regions, bi->nregions);
    if (err)
        kpanic("frame allocator: %s", ath_strerror(err));
    heap_init();
    sched_init();
    plat_init_late();
    csprng_init();
    pkg_init();
    static char what[64];
    bool test = cmdline_get(bi->cmdline, "azoth.test", what, sizeof what);
    bool bench = !test && cmdline_get(bi->cmdline, "azoth.bench", what, sizeof what);
    bool run = !test && !bench && bi->run_pkg.size;
    /* Test and benchmark runs start what they need themselves; so does a run
     * of one package (what it is granted, no more). */
    comp_init(!test && !bench && !run);
    char flag[8];
    if (!test && !bench && !run && cmdline_get(bi->cmdline, "azoth.shell", flag, sizeof flag)) {
        /* Boot into the shell: what the manifest starts then (the shell, and
         * the UART driver, which takes the console's input). The monitor
         * stays, as the fallback that answers if the driver stops. */
        if (comp_boot(COMP_BOOT_SHELL) <= 0)
            kprintf("azoth: cannot start the shell; the kernel monitor answers\n");
    }

    struct thread *t;
    if (test)
        t = thread_create("ktest", ktest_thread, what, PRIO_DEFAULT, 0);
    else if (bench)
        t = thread_create("kbench", kbench_thread, what, PRIO_DEFAULT, 0);
    else if (run)
        t = thread_create("run", app_run_thread, NULL, PRIO_DEFAULT, 0);
    else
        t = thread_create("monitor", monitor_thread, NULL, PRIO_DEFAULT, 0);
    if (!t)
        kpanic("cannot create the first thread");
    thread_detach(t);
    sched_idle_loop();
}
