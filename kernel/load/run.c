/* The hosted `azoth run` inside the kernel: the platform hands over a
 * package and a start request at boot (boot_info.run_pkg, run_spec); this
 * thread starts it as a component, with the host's own streams as its fds
 * 0-2, waits for it, and ends the system with its exit status (a trap:
 * 134, as wasmtime's; a refused package: 126, as a shell's "cannot
 * execute"). Messages go to the host's standard error. */
#include <athanor/app.h>
#include <athanor/kernel.h>
#include <athanor/klib.h>
#include <athanor/lifecycle.h>
#include <athanor/load.h>
#include <athanor/realtime.h>
#include <athanor/trap.h>

#define EXIT_TRAPPED 134
#define EXIT_REFUSED 126

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    plat_host_write(2, line, MIN((size_t)n, sizeof line - 1));
}

void app_run_thread(void *arg)
{
    (void)arg;
    const struct boot_info *bi = kernel_boot_info();
    char why[200], flag[8];
    struct component *c;
    if (bi->run_realtime_ns) /* no RTC driver runs here: the host's clock */
        realtime_set(bi->run_realtime_ns);
    uint64_t t0 = plat_clock_ns();
    struct plat_code copy = bi->run_pkg; /* the package's once loaded */
    int r = app_start(NULL, &copy, bi->run_pkg_len, bi->run_spec, bi->run_spec_len, true, &c, why,
                      sizeof why);
    if (r) {
        say("azoth: cannot run it: %s\n", why);
        plat_exit(EXIT_REFUSED);
    }
    /* AZOTH_RUN_TIMING (the hosted front end's azoth.runtiming=1): what
     * loading and starting it took, to its first instruction, for the
     * benchmarks (bench/apps.sh). Read once it stopped: started_at_ns is
     * set as its entry point is entered. */
    bool timing = cmdline_get(bi->cmdline, "azoth.runtiming", flag, sizeof flag);
    comp_wait(c, UINT64_MAX);
    if (timing) {
        const struct pkg *p = c->pkg;
        say("azoth: timing: %u bytes of code; to its first instruction %llu us: signature %llu us, "
            "checks %llu us, mapping %llu us, instance %llu us\n",
            p->code_bytes, (unsigned long long)((c->started_at_ns - t0) / 1000),
            (unsigned long long)(p->verify_ns / 1000), (unsigned long long)(p->check_ns / 1000),
            (unsigned long long)(p->map_ns / 1000), (unsigned long long)(c->instantiate_ns / 1000));
    }
    enum trap_kind k = c->trap.kind;
    if (k == TRAP_NONE || k == TRAP_EXIT)
        plat_exit(c->trap.exit_code);
    /* Where, as the kernel's fault report has it (its console is not shown here). */
    struct fault_report fr;
    if (fault_recent(&fr, 1) == 1 && strcmp(fr.component, c->cfg->name) == 0 && fr.function[0])
        say("azoth: %s stopped: %s in %s+%#lx\n", c->cfg->name, trap_kind_name(k), fr.function,
            (unsigned long)fr.offset);
    else
        say("azoth: %s stopped: %s\n", c->cfg->name, trap_kind_name(k));
    plat_exit(EXIT_TRAPPED);
}
