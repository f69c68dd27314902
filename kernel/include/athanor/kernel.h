/* Kernel-wide entry points shared between kernel_main, the monitor and tests. */
#ifndef ATHANOR_KERNEL_H
#define ATHANOR_KERNEL_H

#include <athanor/platform.h>

#define ATHANOR_VERSION "0.1.0"
#define KERNEL_MIN_RAM  (16ull << 20) /* below this Azoth refuses to boot */

/* The boot information kernel_main received (read-only after boot). */
const struct boot_info *kernel_boot_info(void);

/* Value of `key=value` on the kernel command line, copied into buf;
 * false when the key is absent. */
bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t cap);

/* The interactive kernel monitor (runs as a thread). */
void monitor_thread(void *arg);
/* The package the platform handed over at boot (boot_info.run_pkg), run to
 * its end (kernel/load/run.c). */
void app_run_thread(void *arg);
/* Run one monitor command line; returns 0, or -ATH_ENOENT for an unknown command. */
int  monitor_exec(char *line);

/* In-kernel test suite and benchmarks (kernel/ktest). They end the run
 * through plat_test_exit(). */
void ktest_thread(void *suite_name);
void kbench_thread(void *bench_name);

#endif
