/* Entry of the hosted Azoth: the portable kernel as a Linux process.
 * Usage: azoth [-m MiB] [key=value ...]   (the key=value words form the kernel
 * command line, e.g. `azoth azoth.test=all`), or azoth run ... (run.c). */
#include "hosted.h"

#include <athanor/kernel.h>
#include <athanor/klib.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *hosted_argv0;
uintptr_t   hosted_main_frame;
char      **hosted_argv;
static bool test_mode;

bool hosted_test_mode(void)
{
    return test_mode;
}

void plat_init_late(void)
{
    hosted_console_init();
    hosted_com2_init();
    hosted_vnet_init();
}

static void usage(void)
{
    fprintf(stderr, "usage: %s [-m MiB] [key=value ...]\n"
                    "       %s run [--dir HOST[::GUEST]]... [--env NAME[=VALUE]]... FILE [--] [ARGS...]\n"
                    "  -m MiB            RAM to simulate (default 64)\n"
                    "  azoth.test=NAME   run in-kernel tests (all, a test name, fuzz, pagefault, stackoverflow)\n"
                    "  azoth.bench=NAME  run an in-kernel benchmark (ctxswitch, compute, components, ipc,\n"
                    "                    lend, blk, irqoff)\n"
                    "  azoth.shell=1     start the shell and the UART driver instead of the monitor\n"
                    "  run               run one WASI program (.wasm or package): azoth run --help\n",
            hosted_argv0, hosted_argv0);
    exit(2);
}

int main(int argc, char **argv)
{
    static struct boot_info bi;
    hosted_argv0 = argv[0];
    hosted_main_frame = (uintptr_t)__builtin_frame_address(0);
    hosted_argv = argv;
    uint64_t mib = 64;
    size_t len = 0;
    /* Generated component code uses x86-64-v2's instructions (GEN_ISA in
     * mk/config.mk); without them the first component would fault. */
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("ssse3") || !__builtin_cpu_supports("sse4.1") ||
        !__builtin_cpu_supports("sse4.2") || !__builtin_cpu_supports("popcnt")) {
        fprintf(stderr, "%s: this CPU lacks SSSE3, SSE4.1, SSE4.2 or POPCNT: Azoth's components "
                        "need an x86-64-v2 CPU (any x86-64 since 2009)\n", argv[0]);
        return 1;
    }
    /* azoth run [flags] FILE [args]: one program, like wasmtime run (run.c). */
    bool run = argc >= 2 && strcmp(argv[1], "run") == 0;
    if (run) {
        const char *v = getenv("AZOTH_VERBOSE");
        hosted_console_run_mode(v && *v && strcmp(v, "0") != 0);
        int r = hosted_run_prepare(argc - 2, argv + 2, &bi);
        if (r)
            return r;
        mib = 512; /* reserved, not touched: what the program uses is what it costs */
    }
    /* The hosted machine has one CPU: its threads (the kernel's, and the
     * platform's readers of the console, COM2 and the network) stay on the
     * one it started on. A lend here is Linux's mremap and mprotect, and
     * with threads on other CPUs each flushes their TLBs by interprocessor
     * interrupts: pinned, the status page served 11 100-11 500 requests/s
     * instead of 8 600 through the network double (the same run, alternated).
     * After `azoth run` started its network peer, which keeps its own CPU. */
    cpu_set_t one;
    CPU_ZERO(&one);
    int cpu = sched_getcpu();
    if (cpu >= 0) {
        CPU_SET(cpu, &one);
        sched_setaffinity(0, sizeof one, &one); /* an error leaves it as it was: only slower */
    }
    for (int i = 1; !run && i < argc; i++) {
        if (strcmp(argv[i], "-m") == 0 && i + 1 < argc) {
            char *end;
            unsigned long long v = strtoull(argv[++i], &end, 10);
            if (*end || v == 0 || v > 65536) {
                fprintf(stderr, "%s: -m wants a size in MiB between 1 and 65536\n", argv[0]);
                return 2;
            }
            mib = v;
        } else if (strchr(argv[i], '=') && argv[i][0] != '-') {
            size_t n = strlen(argv[i]);
            if (len + n + 2 > sizeof bi.cmdline) {
                fprintf(stderr, "%s: command line too long\n", argv[0]);
                return 2;
            }
            if (len)
                bi.cmdline[len++] = ' ';
            memcpy(bi.cmdline + len, argv[i], n + 1);
            len += n;
        } else {
            usage();
        }
    }
    test_mode = strstr(bi.cmdline, "azoth.test=") || strstr(bi.cmdline, "azoth.bench=");
    setvbuf(stdout, NULL, _IONBF, 0);
    bi.platform = "hosted";
    bi.loader = "Linux";
    kstrlcpy(bi.cpu_desc, "host CPU (Linux process, 1 virtual CPU)", sizeof bi.cpu_desc);
    kstrlcpy(bi.cpu_features, "soft-irq signals timer_create mmap-guard-stacks", sizeof bi.cpu_features);
    hosted_crash_log_init();
    hosted_fault_init();
    hosted_irq_init();
    hosted_timer_init();
    hosted_mem_init(mib << 20, &bi);
    kernel_main(&bi);
}
