/* Kernel monitor commands: help, mem, threads, uptime, date, halt, reboot,
 * and the component commands. */
#include <athanor/clock.h>
#include <athanor/lifecycle.h>
#include <athanor/errors.h>
#include <athanor/frame.h>
#include <athanor/heap.h>
#include <athanor/kernel.h>
#include <athanor/klib.h>
#include <athanor/realtime.h>
#include <athanor/sched.h>

#define MAX_ARGS 8

struct command {
    const char *name;
    const char *usage;
    const char *help;
    int (*fn)(int argc, char **argv);
};

/* Words a command takes after its name: usage "<x>" is required, "[x...]"
 * optional and unbounded. Derived from the usage text so they cannot drift. */
static void arity(const char *usage, int *min, int *max)
{
    *min = *max = 0;
    for (const char *p = usage; *p; p++) {
        if (*p == '<')
            (*min)++, (*max)++;
        if (*p == '[')
            *max = MAX_ARGS;
    }
}

static int cmd_help(int argc, char **argv);

static int cmd_mem(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct frame_stats fs;
    struct heap_stats hs;
    frame_get_stats(&fs);
    heap_get_stats(&hs);
    uint64_t used = fs.total - fs.free;
    kprintf("frames: %llu total, %llu used, %llu free (%llu KiB free), %llu for the allocator's bitmap\n",
            (unsigned long long)fs.total, (unsigned long long)used, (unsigned long long)fs.free,
            (unsigned long long)(fs.free * PAGE_SIZE >> 10), (unsigned long long)fs.reserved);
    kprintf("heap:   %llu KiB arena, %llu bytes in %llu live allocations, %llu bytes free, %llu allocations ever\n",
            (unsigned long long)(hs.arena_bytes >> 10), (unsigned long long)hs.used_bytes,
            (unsigned long long)hs.allocs, (unsigned long long)hs.free_bytes,
            (unsigned long long)hs.total_allocs);
    return 0;
}

static int cmd_threads(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct thread_info ti[32];
    unsigned n = sched_snapshot(ti, ARRAY_LEN(ti));
    kprintf("%5s  %-16s %-9s %4s %12s %10s %7s\n", "TID", "NAME", "STATE", "PRIO", "CPU(ms)",
            "SWITCHES", "STACK");
    for (unsigned i = 0; i < n && i < ARRAY_LEN(ti); i++)
        kprintf("%5u  %-16s %-9s %4d %12llu %10llu %6zuK\n", ti[i].tid, ti[i].name,
                thread_state_name(ti[i].state), ti[i].prio,
                (unsigned long long)(ti[i].cpu_ns / NS_PER_MS), (unsigned long long)ti[i].switches,
                ti[i].stack_size >> 10);
    if (n > ARRAY_LEN(ti))
        kprintf("(%u more not shown)\n", n - (unsigned)ARRAY_LEN(ti));
    struct sched_stats ss;
    sched_get_stats(&ss);
    kprintf("%u threads, %llu context switches, %llu preemptions\n", ss.threads,
            (unsigned long long)ss.context_switches, (unsigned long long)ss.preemptions);
    return 0;
}

static int cmd_uptime(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uint64_t now = plat_clock_ns();
    struct clock_split up;
    clock_split_ns(now, &up);
    struct sched_stats ss;
    sched_get_stats(&ss);
    unsigned idle_pct = now ? (unsigned)(ss.idle_ns * 100 / now) : 0;
    kprintf("up %llu days, %02u:%02u:%02u.%03u, idle %u%%\n", (unsigned long long)up.days, up.hours,
            up.mins, up.secs, up.msecs, idle_pct);
    return 0;
}

static int cmd_date(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (!realtime_known()) {
        kprintf("no wall clock yet (the rtc driver sets it at boot)\n");
        return -ATH_ENOENT;
    }
    uint64_t ns = realtime_now_ns();
    struct civil_time t;
    civil_from_unix((int64_t)(ns / NS_PER_S), &t);
    kprintf("%04d-%02u-%02u %02u:%02u:%02u UTC (%llu)\n", t.year, t.month, t.day, t.hour, t.min, t.sec,
            (unsigned long long)(ns / NS_PER_S));
    return 0;
}

static int cmd_sleep(int argc, char **argv)
{
    (void)argc;
    uint64_t ms;
    if (!kparse_u64(argv[1], &ms) || ms > 60000) {
        kprintf("usage: sleep <milliseconds, up to 60000>\n");
        return -ATH_EINVAL;
    }
    thread_sleep_ns(ms * NS_PER_MS);
    return 0;
}

static int cmd_halt(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    kprintf("azoth: powering off\n");
    plat_poweroff();
}

static int cmd_reboot(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    kprintf("azoth: rebooting\n");
    plat_reboot();
}

static int cmd_ps(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    kprintf("%-12s %-8s %4s %9s %10s %10s %8s %s\n", "NAME", "STATE", "GEN", "MEM(KiB)", "KMEM(KiB)",
            "CPU(ms)", "RESTARTS", "LAST");
    for (unsigned i = 0; i < comp_count(); i++) {
        struct component *c = comp_at(i);
        if (!c->cfg)
            continue; /* an empty app slot */
        uint64_t cpu = c->cpu_ns_total + (c->thread ? c->thread->cpu_ns : 0);
        const char *last = c->state == COMP_FAULTED ? trap_kind_name(c->trap.kind)
                         : c->state == COMP_EXITED ? "exited" : c->gave_up ? "gave up" : "";
        kprintf("%-12s %-8s %4u %9u %4llu/%-5u %10llu %8u %s", c->cfg->name, comp_state_name(c->state),
                c->generation, c->rt.pages * 64, (unsigned long long)(c->kmem.peak >> 10),
                c->cfg->kernel_kib, (unsigned long long)(cpu / NS_PER_MS), c->restarts, last);
        if (c->state == COMP_EXITED)
            kprintf(" (status %d)", c->trap.exit_code);
        kprintf("\n");
    }
    return 0;
}

static struct component *named(const char *name)
{
    struct component *c = comp_find(name);
    if (!c)
        kprintf("no component named '%s' (see ps)\n", name);
    return c;
}

static int cmd_start(int argc, char **argv)
{
    struct component *c = named(argv[1]);
    if (!c)
        return -ATH_ENOENT;
    /* The remaining words become the component's arguments. */
    char args[96] = "";
    size_t len = 0;
    for (int i = 2; i < argc; i++)
        len += (size_t)ksnprintf(args + len, len < sizeof args ? sizeof args - len : 0, "%s%s",
                                 i > 2 ? " " : "", argv[i]);
    int r = comp_start(c, argc > 2 ? args : NULL); /* none given: the manifest's */
    if (r == -ATH_EBUSY)
        kprintf("%s is already running\n", c->cfg->name);
    else if (r)
        kprintf("cannot start %s: %s\n", c->cfg->name, ath_strerror(r));
    else
        kprintf("started %s (generation %u)\n", c->cfg->name, c->generation);
    return r;
}

static int cmd_inject(int argc, char **argv)
{
    (void)argc;
    struct component *c = named(argv[1]);
    if (!c)
        return -ATH_ENOENT;
    enum trap_kind k = trap_kind_parse(argv[2]);
    if (k == TRAP_NONE) {
        kprintf("unknown fault '%s' (oob, unreachable, divzero, overflow, conversion, indirect, stack)\n",
                argv[2]);
        return -ATH_EINVAL;
    }
    int r = comp_inject(c, k);
    if (r)
        kprintf("%s: %s\n", c->cfg->name, r == -ATH_ENOENT ? "not running" : ath_strerror(r));
    else
        kprintf("injected %s into %s\n", argv[2], c->cfg->name);
    return r;
}

static int cmd_kill(int argc, char **argv)
{
    (void)argc;
    struct component *c = named(argv[1]);
    if (!c)
        return -ATH_ENOENT;
    int r = comp_kill(c);
    if (r == -ATH_ENOENT)
        kprintf("%s is not running\n", c->cfg->name);
    else if (r)
        kprintf("%s did not stop: %s\n", c->cfg->name, ath_strerror(r));
    else
        kprintf("killed %s\n", c->cfg->name);
    return r;
}

static int cmd_restart(int argc, char **argv)
{
    (void)argc;
    struct component *c = named(argv[1]);
    if (!c)
        return -ATH_ENOENT;
    int r = comp_restart(c);
    if (r)
        kprintf("cannot restart %s: %s\n", c->cfg->name, ath_strerror(r));
    else
        kprintf("restarted %s (generation %u)\n", c->cfg->name, c->generation);
    return r;
}

#define WAIT_LIMIT_NS (10 * NS_PER_S)

static int cmd_wait(int argc, char **argv)
{
    (void)argc;
    struct component *c = named(argv[1]);
    if (!c)
        return -ATH_ENOENT;
    uint64_t limit = WAIT_LIMIT_NS;
    if (argc > 2) {
        uint64_t s;
        if (!kparse_u64(argv[2], &s) || s == 0 || s > 3600) {
            kprintf("usage: wait <name> [seconds, 1-3600]\n");
            return -ATH_EINVAL;
        }
        limit = s * NS_PER_S;
    }
    if (comp_wait(c, plat_clock_ns() + limit) != 0) {
        kprintf("%s is still running after %llu s\n", c->cfg->name,
                (unsigned long long)(limit / NS_PER_S));
        return -ATH_ETIMEDOUT;
    }
    kprintf("%s %s", c->cfg->name, comp_state_name(c->state));
    if (c->state == COMP_EXITED)
        kprintf(" with status %d", c->trap.exit_code);
    else if (c->trap.kind != TRAP_NONE)
        kprintf(": %s", trap_kind_name(c->trap.kind));
    kprintf("\n");
    return 0;
}

static int cmd_reset(int argc, char **argv)
{
    (void)argc;
    struct component *c = named(argv[1]);
    if (!c)
        return -ATH_ENOENT;
    int r = comp_reset(c);
    if (r == -ATH_ENOENT)
        kprintf("%s is not running\n", c->cfg->name);
    else if (r == -ATH_EAGAIN)
        kprintf("%s has not finished initialising; try again\n", c->cfg->name);
    else if (r == -ATH_EBUSY)
        kprintf("%s grew a table since its snapshot; use restart\n", c->cfg->name);
    else if (r)
        kprintf("cannot reset %s: %s\n", c->cfg->name, ath_strerror(r));
    else
        kprintf("reset %s (generation %u) in %llu us\n", c->cfg->name, c->generation,
                (unsigned long long)(c->snap.last_ns / NS_PER_US));
    return r;
}

static int cmd_caps(int argc, char **argv)
{
    (void)argc;
    struct component *c = named(argv[1]);
    if (!c)
        return -ATH_ENOENT;
    struct cap_info ci[8];
    unsigned n = cap_list(&c->caps, 0, ci, 0);
    if (n)
        kprintf("%-10s %-13s %-6s %-18s %s\n", "HANDLE", "TYPE", "RIGHTS", "BADGE", "DERIVED FROM");
    for (unsigned first = 0; first < n; first += ARRAY_LEN(ci)) {
        unsigned got = MIN(cap_list(&c->caps, first, ci, ARRAY_LEN(ci)) - first, (unsigned)ARRAY_LEN(ci));
        for (unsigned i = 0; i < got; i++) {
            char rights[7];
            cap_rights_str(ci[i].rights, rights);
            kprintf("%#-10x %-13s %-6s %#-18llx ", ci[i].handle, cap_type_name(ci[i].type), rights,
                    (unsigned long long)ci[i].badge);
            if (ci[i].parent_owner)
                kprintf("%s:%#x", ((const struct component *)ci[i].parent_owner)->cfg->name,
                        ci[i].parent_handle);
            else
                kprintf("(original)");
            if (ci[i].type == CAP_T_IOPORT) {
                kprintf("  ports %#llx-%#llx", (unsigned long long)ci[i].base,
                        (unsigned long long)(ci[i].base + ci[i].len - 1));
            } else if (ci[i].type == CAP_T_MMIO) {
                kprintf("  memory %#llx-%#llx", (unsigned long long)ci[i].base,
                        (unsigned long long)(ci[i].base + ci[i].len - 1));
            } else if (ci[i].type == CAP_T_DMA) {
                kprintf("  quota %llu KiB", (unsigned long long)(ci[i].len >> 10));
            } else if (ci[i].type == CAP_T_IRQ) {
                const struct irq_line *l = ci[i].object;
                kprintf("  line %u, fired %llu times", l->line, (unsigned long long)l->count);
            }
            kprintf("\n");
        }
    }
    if (!n)
        kprintf("%s holds no capabilities%s\n", c->cfg->name,
                c->state == COMP_RUNNING ? "" : " (it is not running)");
    if (c->hw.refused)
        kprintf("hardware accesses refused: %u\n", c->hw.refused);
    return 0;
}

static int cmd_faults(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    struct fault_report r[16];
    unsigned n = fault_recent(r, ARRAY_LEN(r));
    if (!n)
        kprintf("no faults\n");
    for (unsigned i = 0; i < n; i++)
        fault_print(&r[i]);
    return 0;
}

static const struct command commands[] = {
    { "help", "help", "list commands", cmd_help },
    { "mem", "mem", "physical frames and kernel heap usage", cmd_mem },
    { "threads", "threads", "kernel threads, their state and CPU time", cmd_threads },
    { "uptime", "uptime", "time since boot and idle share", cmd_uptime },
    { "date", "date", "the wall clock (UTC), once the rtc driver has set it", cmd_date },
    { "sleep", "sleep <ms>", "pause the monitor (for scripts)", cmd_sleep },
    { "ps", "ps", "components: state, generation, memory, CPU time, restarts", cmd_ps },
    { "start", "start <name> [args...]", "start a component (a fresh instance)", cmd_start },
    { "kill", "kill <name>", "stop a component (no restart)", cmd_kill },
    { "inject", "inject <name> <fault>", "make a component trap (oob, unreachable, divzero, ...)", cmd_inject },
    { "restart", "restart <name>", "kill if running, then start afresh", cmd_restart },
    { "reset", "reset <name>", "restore a component's memory to its post-init snapshot", cmd_reset },
    { "caps", "caps <name>", "a running component's capabilities", cmd_caps },
    { "faults", "faults", "recent component fault reports", cmd_faults },
    { "wait", "wait <name> [seconds]", "wait (10 s, or as asked) until a component stops (for scripts)", cmd_wait },
    { "halt", "halt", "power the machine off", cmd_halt },
    { "reboot", "reboot", "restart the machine", cmd_reboot },
};

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    for (size_t i = 0; i < ARRAY_LEN(commands); i++)
        kprintf("  %-10s %s\n", commands[i].usage, commands[i].help);
    return 0;
}

int monitor_exec(char *line)
{
    char *argv[MAX_ARGS];
    int argc = 0;
    for (char *p = line; *p && argc < MAX_ARGS;) {
        while (*p == ' ' || *p == '\t')
            *p++ = '\0';
        if (!*p)
            break;
        argv[argc++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
    }
    if (argc == 0)
        return 0;
    for (size_t i = 0; i < ARRAY_LEN(commands); i++)
        if (strcmp(argv[0], commands[i].name) == 0) {
            int min, max;
            arity(commands[i].usage, &min, &max);
            if (argc - 1 < min || argc - 1 > max) {
                kprintf("usage: %s\n", commands[i].usage);
                return -ATH_EINVAL;
            }
            return commands[i].fn(argc, argv);
        }
    kprintf("unknown command '%s'; usage:", argv[0]);
    for (size_t i = 0; i < ARRAY_LEN(commands); i++)
        kprintf("%s %s", i ? " |" : "", commands[i].name);
    kprintf("\n");
    return -ATH_ENOENT;
}
