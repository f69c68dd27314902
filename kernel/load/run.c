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
    char why[200];
    struct component *c;
    int r = app_start(NULL, bi->run_pkg, bi->run_pkg_len, bi->run_spec, bi->run_spec_len, true, &c,
                      why, sizeof why);
    if (r) {
        say("azoth: cannot run it: %s\n", why);
        plat_exit(EXIT_REFUSED);
    }
    comp_wait(c, UINT64_MAX);
    enum trap_kind k = c->trap.kind;
    if (k == TRAP_NONE || k == TRAP_EXIT)
        plat_exit(c->trap.exit_code);
    say("azoth: %s stopped: %s\n", c->cfg->name, trap_kind_name(k));
    plat_exit(EXIT_TRAPPED);
}
