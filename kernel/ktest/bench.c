/* In-kernel benchmarks (`azoth.bench=<name>` on the command line: both
 * platforms; bench/run.sh runs them).
 * Each prints one machine-readable line:
 *   bench: <name> <median> <unit> (runs=<n>)
 * which bench/ scripts collect into build/bench/results.json. */
#include <athanor/lifecycle.h>
#include <athanor/frame.h>
#include <athanor/irqoff.h>
#include <athanor/ksyms.h>
#include <athanor/kernel.h>
#include <athanor/ktest.h>
#include <athanor/ipc.h>
#include <athanor/sched.h>
#include <athanor/spinlock.h>

/* A one-shot event: post() wakes a waiter, or makes the next wait return at once. */
struct event {
    spinlock_t   lock;
    bool         set;
    struct waitq wq;
};

static void ev_init(struct event *e)
{
    e->lock = (spinlock_t)SPINLOCK_INIT;
    e->set = false;
    waitq_init(&e->wq);
}

static void ev_wait(struct event *e)
{
    irqflags_t f = spin_lock_irqsave(&e->lock);
    while (!e->set)
        waitq_wait(&e->wq, &e->lock, UINT64_MAX);
    e->set = false;
    spin_unlock_irqrestore(&e->lock, f);
}

static void ev_post(struct event *e)
{
    irqflags_t f = spin_lock_irqsave(&e->lock);
    e->set = true;
    spin_unlock_irqrestore(&e->lock, f);
    waitq_wake(&e->wq, 1);
}

static struct event ping, pong;
static volatile uint64_t rounds;

static void ponger(void *arg)
{
    (void)arg;
    for (uint64_t i = 0; i < rounds; i++) {
        ev_wait(&ping);
        ev_post(&pong);
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void sort_u64(uint64_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cmp_u64(&v[j - 1], &v[j]) > 0; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

/* Context switch: two threads ping-pong through wait queues; each round trip
 * is two switches. Reports the median over 11 runs of ns per switch. */
static void bench_ctxswitch(void)
{
    enum { RUNS = 11 };
    uint64_t per_switch[RUNS];
    rounds = 20000;
    for (int r = 0; r < RUNS; r++) {
        ev_init(&ping);
        ev_init(&pong);
        struct thread *t = thread_create("ponger", ponger, NULL, PRIO_DEFAULT, 0);
        if (!t)
            kpanic("bench: thread_create failed");
        uint64_t t0 = plat_clock_ns();
        for (uint64_t i = 0; i < rounds; i++) {
            ev_post(&ping);
            ev_wait(&pong);
        }
        uint64_t dt = plat_clock_ns() - t0;
        thread_join(t, NULL);
        per_switch[r] = dt / (2 * rounds);
    }
    sort_u64(per_switch, RUNS);
    kprintf("bench: ctxswitch %llu ns (runs=%d)\n", (unsigned long long)per_switch[RUNS / 2], RUNS);
}

static struct component *bench_comp(const char *name)
{
    struct component *c = comp_find(name);
    if (!c)
        kpanic("bench: component %s missing from the manifest", name);
    return c;
}

static uint64_t median(uint64_t *v, size_t n)
{
    sort_u64(v, n);
    return v[n / 2];
}

/* The compute kernels run inside the computebench component, which prints
 * its own "bench:" lines; bench/run.sh compares them with the native build. */
static bool bench_compute(void)
{
    struct component *c = bench_comp("computebench");
    if (comp_start(c, "") != 0 || comp_wait(c, plat_clock_ns() + 600 * NS_PER_S) != 0)
        return false;
    return c->state == COMP_EXITED && c->trap.exit_code == 0;
}

/* A workload benchmark (azoth.bench=workload:<component>, the bench image;
 * mk/workloads.mk): the component times itself and prints its own
 * "bench:" lines, which bench/workloads.sh compares with the same program
 * run natively and under Node. Ten minutes at most: sqlitebench's seven
 * runs take a few seconds hosted. */
static bool bench_workload(const char *name)
{
    struct component *c = comp_find(name);
    if (!c) {
        kprintf("bench: no workload component named '%s' in this image\n", name);
        return false;
    }
    if (comp_start(c, "") != 0 || comp_wait(c, plat_clock_ns() + 600 * NS_PER_S) != 0)
        return false;
    return c->state == COMP_EXITED && c->trap.exit_code == 0;
}

/* Instantiation of a component with 1 MiB of linear memory (including the
 * reset snapshot), median of 31 starts. */
static bool bench_instantiate(void)
{
    enum { RUNS = 31 };
    struct component *c = bench_comp("instbench");
    uint64_t t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        if (comp_start(c, "") != 0 || comp_wait(c, plat_clock_ns() + 10 * NS_PER_S) != 0 ||
            c->state != COMP_EXITED)
            return false;
        t[r] = c->instantiate_ns;
    }
    kprintf("bench: instantiate-1mib %llu ns (runs=%d)\n", (unsigned long long)median(t, RUNS), RUNS);
    return true;
}

/* Reset of a 16 MiB component that dirtied `kib` KiB: median restore time of
 * 21 resets, plus the whole reset request round trip. */
static bool bench_reset_one(const char *kib)
{
    enum { RUNS = 21 };
    struct component *c = bench_comp("resetbench");
    if (comp_start(c, kib) != 0)
        return false;
    uint64_t restore[RUNS], roundtrip[RUNS];
    for (int i = 0; i < 60000 && !c->snap.snap; i++) /* instantiation of 16 MiB takes long under TCG */
        thread_sleep_ns(NS_PER_MS);
    for (int r = 0; r < RUNS; r++) {
        thread_sleep_ns(20 * NS_PER_MS); /* let it dirty its pages and go to sleep */
        uint64_t t0 = plat_clock_ns();
        if (comp_reset(c) != 0)
            return false;
        roundtrip[r] = plat_clock_ns() - t0;
        restore[r] = c->snap.last_ns;
    }
    uint32_t pages = c->snap.last_pages;
    comp_kill(c);
    kprintf("bench: reset-16mib-dirty-%skib %llu ns (runs=%d", kib,
            (unsigned long long)median(restore, RUNS), RUNS);
    if (pages) /* the hosted platform leaves copy-on-write to Linux and does not count */
        kprintf(", %u pages restored", pages);
    kprintf(")\n");
    kprintf("bench: reset-16mib-dirty-%skib-roundtrip %llu ns (runs=%d)\n", kib,
            (unsigned long long)median(roundtrip, RUNS), RUNS);
    return true;
}

/* Baseline for reset: copying the whole 16 MiB. */
static void bench_memcpy_16mib(void)
{
    enum { RUNS = 11 };
    size_t bytes = 16u << 20;
    phys_addr_t a, b;
    if (frame_alloc(bytes / PAGE_SIZE, 1, &a) || frame_alloc(bytes / PAGE_SIZE, 1, &b))
        kpanic("bench: no memory for the memcpy baseline");
    uint64_t t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        uint64_t t0 = plat_clock_ns();
        memcpy(plat_phys_to_virt(a), plat_phys_to_virt(b), bytes);
        t[r] = plat_clock_ns() - t0;
    }
    frame_free(a, bytes / PAGE_SIZE);
    frame_free(b, bytes / PAGE_SIZE);
    kprintf("bench: memcpy-16mib %llu ns (runs=%d)\n", (unsigned long long)median(t, RUNS), RUNS);
}

/* Trap to restarted: from the trap to the restarted instance entering its
 * entry point (manager wake-up, policy, new thread, instantiation). The
 * manifest allows trapbench one restart, so each run is one trap-restart-trap
 * cycle ending with the manager giving up. */
static bool bench_restart(void)
{
    enum { RUNS = 21 };
    struct component *c = bench_comp("trapbench");
    uint64_t t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        memset(c->restart_times, 0, sizeof c->restart_times); /* a fresh rate-limit window */
        c->gave_up = false;
        c->restart_latency_ns = 0;
        if (comp_start(c, "") != 0)
            return false;
        for (int i = 0; i < 2000 && !c->gave_up; i++)
            thread_sleep_ns(NS_PER_MS / 2);
        if (!c->gave_up || !c->restart_latency_ns)
            return false;
        t[r] = c->restart_latency_ns;
    }
    kprintf("bench: trap-to-restarted %llu ns (runs=%d)\n", (unsigned long long)median(t, RUNS), RUNS);
    return true;
}

/* The mapping work of one lend, counted: a lend is these two moves and
 * nothing else touches page tables (kernel/ipc/call.c, call_lend): the
 * caller's pages to the server's lend window and back. The 16 MiB are 2 MiB
 * aligned on both sides, as kvclient's lend benchmark's buffer is, so whole
 * page tables move. Counted on the third lend of each size (the first ones
 * leave the window's tables in their steady state). */
static void lend_pt_counts(struct plat_vrange *caller, struct plat_vrange *srv, size_t off, size_t len,
                           const char *name)
{
    struct plat_pt_counts a, b;
    uint64_t t0 = 0, t1 = 0;
    for (int i = 0; i < 3; i++) {
        plat_pt_counts(&a);
        t0 = plat_clock_ns();
        if (plat_vrange_move(caller, off, srv, IPC_LEND_WINDOW, len, false) != 0 ||
            plat_vrange_move(srv, IPC_LEND_WINDOW, caller, off, len, true) != 0) {
            kprintf("bench: lend-pt %s: a move failed\n", name);
            return;
        }
        t1 = plat_clock_ns();
        plat_pt_counts(&b);
    }
    kprintf("bench: lend-%s-pt-entries %llu entries (written; tables scanned %llu)\n", name,
            (unsigned long long)(b.entries_written - a.entries_written),
            (unsigned long long)(b.tables_scanned - a.tables_scanned));
    kprintf("bench: lend-%s-tlb-flushes %llu flushes (single pages %llu, full %llu)\n", name,
            (unsigned long long)(b.tlb_page_flushes - a.tlb_page_flushes + b.tlb_full_flushes -
                                 a.tlb_full_flushes),
            (unsigned long long)(b.tlb_page_flushes - a.tlb_page_flushes),
            (unsigned long long)(b.tlb_full_flushes - a.tlb_full_flushes));
    kprintf("bench: lend-%s-linux-calls %llu calls\n", name, (unsigned long long)(b.os_calls - a.os_calls));
    kprintf("bench: lend-%s-moves %llu ns (the two moves alone, one run)\n", name,
            (unsigned long long)(t1 - t0));
}

static bool bench_lend_pt(void)
{
    enum { BIG = 16 << 20, SMALL_AT = 20 << 20 };
    struct plat_vrange caller, srv;
    if (plat_vrange_reserve(PLAT_VRANGE_MAX, &caller) != 0)
        return false;
    if (plat_vrange_reserve(PLAT_VRANGE_MAX, &srv) != 0) {
        plat_vrange_release(&caller);
        return false;
    }
    bool ok = plat_vrange_commit(&caller, SMALL_AT + PAGE_SIZE) == 0 &&
              plat_vrange_commit(&srv, PAGE_SIZE) == 0;
    if (ok) {
        lend_pt_counts(&caller, &srv, SMALL_AT, PAGE_SIZE, "4kib");
        lend_pt_counts(&caller, &srv, 2 << 20, BIG, "16mib");
    }
    plat_vrange_release(&srv);
    plat_vrange_release(&caller);
    return ok;
}

/* IPC: the kvclient component times calls into kv (it prints the "bench:"
 * lines itself): null calls, or lends ("lend"). */
static bool bench_ipc(const char *args)
{
    struct component *kv = bench_comp("kv"), *client = bench_comp("kvclient");
    if (comp_start(kv, "") != 0)
        return false;
    ktest_wait_serving(kv, 5000);
    if (comp_start(client, args) != 0 || comp_wait(client, plat_clock_ns() + 600 * NS_PER_S) != 0)
        return false;
    comp_kill(kv);
    return client->state == COMP_EXITED && client->trap.exit_code == 0;
}

/* The null call against an indirect call in one process, block by block.
 * On a shared VM both move by up to 2x from one process to the next and
 * within one (2026-12-02: per-process medians of the same binary 6.7-13.8
 * ns), so the ratio of medians from separate processes is mostly noise.
 * Here each round times PAIR_CALLS indirect calls, then asks kvclient
 * (mode "pairs", serving) to time PAIR_CALLS null calls into kv with the
 * same loop as its "bench" mode: a slow spell of the host falls on both
 * halves of a round. The indirect call is bench/baseline/callbase.c's
 * loop, compiled as that program is (no frame pointer: the kernel keeps
 * them, callbase's -O2 does not), each function at a 64-byte boundary so
 * that its code lies the same way whatever the kernel around it. (Even so
 * the loop takes 1.6-1.7 ns in some processes and 2.0-2.3 in others of
 * the same binary: the rounds' ratio carries that too.) */
enum { PAIR_ROUNDS = 21, PAIR_CALLS = 100000, KVCLIENT_OP_BLOCK = 1 };

/* gcc's optimize attribute; clang, which builds only the fuzzing flavour
 * (no benchmark runs there), has none, and keeps the frame pointer. */
#if __has_attribute(optimize)
#define PAIR_NO_FRAME_POINTER __attribute__((optimize("omit-frame-pointer")))
#else
#define PAIR_NO_FRAME_POINTER
#endif

__attribute__((noinline, aligned(64))) PAIR_NO_FRAME_POINTER static uint64_t
pair_handler(uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    return op + a0 + a1 + a2;
}
static uint64_t (*volatile pair_fp)(uint64_t, uint64_t, uint64_t, uint64_t) = pair_handler;

__attribute__((noinline, aligned(64))) PAIR_NO_FRAME_POINTER static uint64_t
pair_indirect_ns(long n)
{
    volatile uint64_t sink = 0;
    uint64_t t0 = plat_clock_ns();
    for (long i = 0; i < n; i++)
        sink += pair_fp((uint64_t)i, 1, 2, 3);
    return plat_clock_ns() - t0 + (sink & 0);
}

static void print_hundredths(const char *name, uint64_t v, const char *unit, uint64_t lo, uint64_t hi)
{
    kprintf("bench: %s %llu.%02llu %s (rounds=%d, calls=%d each, least %llu.%02llu, most %llu.%02llu)\n",
            name, (unsigned long long)(v / 100), (unsigned long long)(v % 100), unit, PAIR_ROUNDS,
            PAIR_CALLS, (unsigned long long)(lo / 100), (unsigned long long)(lo % 100),
            (unsigned long long)(hi / 100), (unsigned long long)(hi % 100));
}

/* The rounds, on a thread of its own with a component thread's stack:
 * kvclient's handler must find room for its largest frame (ESTACK). */
enum { PAIR_STACK = 240 * 1024 };
struct pair_run {
    struct ipc_call call;
    uint64_t        ind[PAIR_ROUNDS], cal[PAIR_ROUNDS], ratio[PAIR_ROUNDS]; /* hundredths */
    bool            ok;
};

static void pair_rounds(void *arg)
{
    struct pair_run *p = arg;
    p->ok = true;
    for (int r = -1; r < PAIR_ROUNDS && p->ok; r++) { /* round -1 warms both up */
        uint64_t ti = pair_indirect_ns(PAIR_CALLS), tc = 0;
        int e = ipc_call(thread_current(), NULL, IPC_PLAIN, &p->call, &tc);
        if (e != 0 || tc == 0 || ti == 0) {
            kprintf("bench: paired round %d failed: call %d, %llu ns\n", r, e, (unsigned long long)tc);
            p->ok = false;
        } else if (r >= 0) {
            p->ind[r] = ti * 100 / PAIR_CALLS;
            p->cal[r] = tc * 100 / PAIR_CALLS;
            p->ratio[r] = tc * 100 / ti;
        }
    }
}

static bool bench_ipc_paired(void)
{
    struct component *kv = bench_comp("kv"), *client = bench_comp("kvclient");
    if (comp_start(kv, "") != 0)
        return false;
    ktest_wait_serving(kv, 5000);
    if (comp_start(client, "pairs") != 0 || !ktest_wait_serving(client, 5000)) {
        kprintf("bench: kvclient does not serve its paired benchmark\n");
        comp_kill(client);
        comp_kill(kv);
        return false;
    }
    /* A kernel call (no calling component): kvclient's handler runs on
     * the rounds' thread and makes its calls into kv from there, through
     * the same host call as its own main would. */
    static struct pair_run p;
    p.call = (struct ipc_call){ .ep = &client->ipc.ep, .obj_gen = client->generation,
                                .m = { KVCLIENT_OP_BLOCK, PAIR_CALLS, 0, 0 } };
    p.ok = false;
    struct thread *t = thread_create("pairs", pair_rounds, &p, PRIO_DEFAULT, PAIR_STACK);
    if (t)
        thread_join(t, NULL);
    comp_kill(client);
    comp_kill(kv);
    if (!t || !p.ok)
        return false;
    uint64_t m_ind = median(p.ind, PAIR_ROUNDS), m_cal = median(p.cal, PAIR_ROUNDS),
             m_ratio = median(p.ratio, PAIR_ROUNDS); /* (median sorts: least first) */
    print_hundredths("indirect-call-paired", m_ind, "ns", p.ind[0], p.ind[PAIR_ROUNDS - 1]);
    print_hundredths("ipc-null-call-paired", m_cal, "ns", p.cal[0], p.cal[PAIR_ROUNDS - 1]);
    print_hundredths("ipc-null-call-over-indirect-paired", m_ratio, "x", p.ratio[0],
                     p.ratio[PAIR_ROUNDS - 1]);
    return true;
}

/* Start a server and wait until it serves (it may also exit: no device). */
static bool start_server(const char *name)
{
    struct component *c = bench_comp(name);
    if (comp_start(c, NULL) != 0) /* NULL: the manifest's arguments */
        return false;
    return ktest_wait_serving(c, 10000);
}

/* Trap to serving again: inject a fault into a running server and time
 * until its next generation serves. The restart includes whatever the
 * server does at start (the disk driver claims its device again and sets
 * it up). */
static bool bench_driver_restart(const char *name)
{
    enum { RUNS = 7 };
    struct component *c = bench_comp(name);
    uint64_t t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        thread_sleep_ns(100 * NS_PER_MS);
        memset(c->restart_times, 0, sizeof c->restart_times); /* a fresh rate-limit window */
        uint32_t gen = c->generation;
        uint64_t t0 = plat_clock_ns();
        if (comp_inject(c, TRAP_UNREACHABLE) != 0)
            return false;
        for (int i = 0; i < 100000 && (c->generation == gen || !c->ipc.serving); i++)
            thread_sleep_ns(NS_PER_MS / 10);
        if (c->generation == gen || !c->ipc.serving)
            return false;
        t[r] = plat_clock_ns() - t0;
    }
    kprintf("bench: driver-restart-%s %llu ns (runs=%d)\n", name, (unsigned long long)median(t, RUNS),
            RUNS);
    return true;
}

/* The storage path: blktest times requests through the block service and
 * the virtio-blk driver (it prints the "bench:" lines); then restart times
 * of the PCI service, the disk driver and the UART driver. Without a disk
 * (hosted) the disk driver is left out. */
static bool bench_blk(void)
{
    if (!start_server("pci"))
        return false;
    bool disk = start_server("virtio_blk") && start_server("block");
    if (disk) {
        struct component *client = bench_comp("blktest");
        if (comp_start(client, "bench") != 0 || comp_wait(client, plat_clock_ns() + 600 * NS_PER_S) != 0 ||
            client->state != COMP_EXITED || client->trap.exit_code != 0)
            return false;
    }
    /* The UART driver has a hosted double (the terminal) too. */
    return bench_driver_restart("pci") && (!disk || bench_driver_restart("virtio_blk")) &&
           start_server("uart") && bench_driver_restart("uart");
}

/* Run c with args to its end (ok if it exits 0, or stops as expected). */
static bool run_to_end(const char *name, const char *args, bool must_succeed)
{
    struct component *c = bench_comp(name);
    if (comp_start(c, args) != 0 || comp_wait(c, plat_clock_ns() + 600 * NS_PER_S) != 0)
        return false;
    return !must_succeed || (c->state == COMP_EXITED && c->trap.exit_code == 0);
}

/* Sensor sessions (privbench prints the "bench:" lines): the PCI service,
 * both sensor drivers and the privacy service first, as a boot would. */
static bool bench_privacy(const char *sensors)
{
    return start_server("pci") && start_server("gps") && start_server("mic") && start_server("privacy") &&
           run_to_end("privbench", sensors, true);
}

/* Sections by length, doubling from 1 us. */
static void irqoff_histogram(const char *name, const struct irqoff_stats *st)
{
    kprintf("bench: %s", name);
    for (unsigned b = 0; b < IRQOFF_BUCKETS; b++)
        if (st->buckets[b])
            kprintf(" <%uus:%llu", 1u << b, (unsigned long long)st->buckets[b]);
    kprintf("\n");
}

/* The machine's own noise: sections that do nothing, for as long as the
 * workload ran. Hosted, the host can preempt the process inside any
 * section, so a long section that does O(1) work is the host's doing:
 * this is the floor the workload's longest sections stand on. */
static void irqoff_noise_floor(uint64_t ns)
{
    static spinlock_t nothing = SPINLOCK_INIT;
    irqoff_enable(true);
    irqoff_reset();
    uint64_t end = plat_clock_ns() + ns;
    while (plat_clock_ns() < end)
        for (int i = 0; i < 1000; i++) {
            irqflags_t f = spin_lock_irqsave(&nothing);
            spin_unlock_irqrestore(&nothing, f);
        }
    struct irqoff_stats st;
    irqoff_get(&st);
    kprintf("bench: irqoff-noise-floor %llu ns (sections=%llu, doing nothing, %llu ms)\n",
            (unsigned long long)st.top[0].ns, (unsigned long long)st.sections,
            (unsigned long long)(ns / NS_PER_MS));
    irqoff_histogram("irqoff-noise-histogram", &st);
}

/* The longest time interrupts stay off (docs/security.md: <= 50 us hosted),
 * under a workload of what components can ask of the kernel at their
 * largest: a 2 MiB console write, notification and grant floods, handle
 * churn, calls and 16 MiB lends, random host calls, kills and resets in
 * the middle of calls, restarts. Prints the longest section, where it
 * began, and the histogram. */
static bool bench_irqoff(void)
{
    irqoff_enable(true);
    irqoff_reset();
    uint64_t t0 = plat_clock_ns();
    bool ok = true;
    struct component *srv = bench_comp("hserver");
    ok = ok && comp_start(srv, "") == 0;
    ktest_wait_serving(srv, 2000);
    ok = ok && run_to_end("hclient2", "bigwrite 2048", true);
    ok = ok && run_to_end("hclient2", "flood-notify", true);
    ok = ok && run_to_end("hclient2", "flood-grant", true);
    ok = ok && run_to_end("hclient2", "handles", true);
    ok = ok && run_to_end("athfuzz", "20000 7", true);
    /* kills and resets in the middle of calls */
    for (int i = 0; ok && i < 5; i++) {
        struct component *c = bench_comp("hclient2");
        ok = comp_start(c, "block-in-server") == 0;
        thread_sleep_ns(5 * NS_PER_MS);
        ok = ok && comp_reset(srv) == 0 && comp_wait(c, plat_clock_ns() + 10 * NS_PER_S) == 0;
        ok = ok && comp_start(c, "spin-in-server") == 0;
        thread_sleep_ns(5 * NS_PER_MS);
        ok = ok && comp_kill(c) == 0;
        for (int k = 0; k < 2000 && !(srv->state == COMP_RUNNING && srv->ipc.serving); k++)
            thread_sleep_ns(NS_PER_MS); /* hung, then restarted by its policy */
    }
    comp_kill(srv);
    /* calls and lends of 16 MiB, restarts, a 16 MiB reset */
    ok = ok && bench_ipc("lendbench") && bench_restart() && bench_reset_one("1024");
    struct irqoff_stats st;
    irqoff_get(&st);
    kprintf("bench: irqoff-max %llu ns (sections=%llu)\n", (unsigned long long)st.top[0].ns,
            (unsigned long long)st.sections);
    for (unsigned i = 0; i < IRQOFF_TOP && st.top[i].ns; i++) {
        const char *fn = "?";
        uintptr_t off = 0;
        ksym_lookup(st.top[i].where, &fn, &off);
        kprintf("bench: irqoff-longest %llu ns from %s+%#lx\n", (unsigned long long)st.top[i].ns, fn,
                (unsigned long)off);
    }
    irqoff_histogram("irqoff-histogram", &st);
    irqoff_noise_floor(plat_clock_ns() - t0);
    return ok;
}

void kbench_thread(void *arg)
{
    const char *which = arg;
    bool ok = true;
    if (strcmp(which, "ctxswitch") == 0) {
        bench_ctxswitch();
    } else if (strcmp(which, "compute") == 0) {
        ok = bench_compute();
    } else if (strncmp(which, "workload:", 9) == 0) {
        ok = bench_workload(which + 9);
    } else if (strcmp(which, "ipc") == 0) {
        ok = bench_ipc("bench 500000") && bench_ipc_paired();
    } else if (strcmp(which, "lend") == 0) {
        ok = bench_ipc("lendbench") && bench_lend_pt();
    } else if (strcmp(which, "blk") == 0) {
        ok = bench_blk();
    } else if (strcmp(which, "irqoff") == 0) {
        ok = bench_irqoff();
    } else if (strcmp(which, "privacy") == 0) {
        ok = bench_privacy("");
    } else if (strcmp(which, "privacy-location") == 0) {
        ok = bench_privacy("location");
    } else if (strcmp(which, "components") == 0) {
        ok = bench_instantiate() && bench_reset_one("64") && bench_reset_one("1024") && bench_restart();
        bench_memcpy_16mib();
    } else {
        kprintf("bench: unknown benchmark '%s' (known: ctxswitch, compute, workload:<component>, components, ipc, lend, blk, irqoff, privacy)\n", which);
        ok = false;
    }
    plat_test_exit(ok ? PLAT_TEST_PASS : PLAT_TEST_FAIL);
}
