/* Unit tests of the component lifecycle (kernel/comp/component.c, caps.c)
 * with fake parts, capabilities of the real capability layer, and a fake
 * scheduler: the part table's start order and reverse stop order, a part
 * or the thread failing to start (nothing of it stays granted), a
 * component's thread run to its end (exit and trap), the boot profiles,
 * and the refusals of reset and inject. */
#include <stdlib.h>
#include <string.h>

#include "fake_platform.h"
#include "fake_sched.h"

#include <athanor/errors.h>
#include <athanor/lifecycle.h>
#include <athanor/load.h>
#include <athanor/notify.h>

/* ---- fake parts: each hook appends its name to a log ---- */

static char plog[512];
static const char *fail_part; /* this part's start fails */
static void note(const char *what)
{
    strcat(plog, what);
    strcat(plog, " ");
}
static int start_hook(const char *name)
{
    note(name);
    return fail_part && strcmp(fail_part, name) == 0 ? -ATH_ENOMEM : 0;
}

int  rt_comp_start(struct component *c, const char *a) { (void)c, (void)a; return start_hook("rt"); }
void rt_comp_stop(struct component *c) { c->rt.instance = NULL; note("-rt"); }
static int instance_dummy;
int  rt_comp_create(struct component *c) { c->rt.instance = &instance_dummy; note("create"); return 0; }
int  hw_comp_start(struct component *c, const char *a) { (void)c, (void)a; return start_hook("hw"); }
void hw_comp_stop(struct component *c) { (void)c; note("-hw"); }
void hw_comp_reset(struct component *c) { (void)c; note("reset-hw"); }
static const char *last_args;
int  wasi_comp_start(struct component *c, const char *a) { (void)c; last_args = a; return start_hook("wasi"); }
void wasi_comp_stop(struct component *c) { (void)c; note("-wasi"); }
void wasi_sockets_open(struct component *c) { (void)c; note("sockets"); }
void snapshot_comp_stop(struct component *c) { (void)c; note("-snapshot"); }
int  snapshot_take(struct component *c) { (void)c; note("snapshot"); return 0; }
int  snapshot_restore(struct component *c) { (void)c; return 0; }
void ipc_comp_init(struct component *c) { (void)c; }
void ipc_comp_image(struct component *c) { (void)c; }
void host_comp_init(struct component *c) { c->host.comp = c; }
int  ipc_comp_start(struct component *c, const char *a) { (void)c, (void)a; return start_hook("ipc"); }
void ipc_comp_stop(struct component *c) { (void)c; note("-ipc"); }
void comp_watch_forget(struct component *o, struct notification *n) { (void)o, (void)n; note("-supervise"); }
bool comp_supervised(struct component *c) { (void)c; return false; }
void comp_listen_forget(struct component *o, struct notification *n) { (void)o, (void)n; }
void comp_listeners_signal(struct component *c) { (void)c; }
int  comp_recover(struct component *c);

/* the trap part */
void trap_clear(struct component *c) { c->trap.kind = c->trap.pending = TRAP_NONE; }
void trap_record(struct component *c, enum trap_kind k) { c->trap.kind = k; }
void trap_thread_begin(struct thread *t) { (void)t; }
void trap_thread_end(struct thread *t) { (void)t; }
void trap_budget_rearm(struct thread *t) { (void)t; }
static enum trap_kind injected;
int  trap_inject(struct component *c, enum trap_kind k) { (void)c; injected = k; return 0; }
void comp_request_stop(struct component *c, enum trap_kind k) { c->trap.pending = k; }
static unsigned reports;
void comp_report_fault(struct component *c) { (void)c; reports++; }
bool comp_is_fault(enum trap_kind k)
{
    return k != TRAP_NONE && k != TRAP_KILLED && k != TRAP_RESET && k != TRAP_EXIT;
}

/* neighbours */
void notify_kill(struct notification *n) { (void)n; }
void notify_get(struct notification *n) { (void)n; }
void notify_put(struct notification *n) { (void)n; }
void hw_irq_forget(struct notification *n) { (void)n; }
void hw_irq_init(void) {}
void *kzalloc(size_t size) { return calloc(1, size); }
void kfree(void *p) { free(p); }
unsigned heap_account_register(struct kmem_account *a) { (void)a; return 1; }
void heap_set_account_hook(struct kmem_account *(*current)(void)) { (void)current; }
uintptr_t wasm_rt_stack_limit;
/* Packages (kernel/load): the slot holds a reference it gives back. */
static unsigned pkg_puts;
void pkg_put(struct pkg *p) { (void)p; pkg_puts++; }

/* ---- the manifest: three components ---- */

static bool trap_on_start;
static void img_init(void) {}
static void img_instantiate(void *i, struct host_ctx *h) { (void)i, (void)h; note("instantiate"); }
static void img_start(void *i)
{
    (void)i;
    note("run");
    if (trap_on_start) { /* what comp_trap does */
        struct thread *t = fake_self();
        thread_comp(t)->trap.kind = TRAP_DIV_BY_ZERO;
        comp_unwind(t->act);
    }
}
static uint32_t max_frame = 128;
static const struct comp_image img = { .name = "x", .instance_size = 16, .init_module = img_init,
                                       .instantiate = img_instantiate, .start = img_start,
                                       .max_frame = &max_frame };
const struct comp_config comp_manifest[] = {
    { .name = "app", .image = &img, .args = "one two", .caps = CAP_CONSOLE | CAP_CLOCK },
    { .name = "drv", .image = &img, .autostart = COMP_BOOT_ALWAYS },
    { .name = "sh", .image = &img, .autostart = COMP_BOOT_SHELL },
};
const unsigned comp_manifest_count = 3;

static bool inited;
static int setup(void **state)
{
    (void)state;
    fake_panic_reset();
    if (!inited) { /* the table is made once, as at boot */
        fake_sched_reset();
        comp_init(false);
        inited = true;
    }
    fake_sched_reset();
    plog[0] = '\0';
    fail_part = NULL;
    trap_on_start = false;
    reports = 0;
    for (unsigned i = 0; i < comp_count(); i++) { /* back to stopped, tables empty */
        struct component *c = comp_at(i);
        c->state = COMP_STOPPED;
        c->thread = NULL;
        cap_table_clear(&c->caps);
    }
    return 0;
}

static bool has_cap(struct component *c, enum cap_type type)
{
    cap_handle_t h;
    return cap_nth(&c->caps, type, 0, &h) == 0;
}

static void test_init(void **state)
{
    (void)state;
    assert_int_equal(comp_count(), 3);
    assert_ptr_equal(comp_find("drv"), comp_at(1));
    assert_null(comp_find("nobody"));
    struct component *app = comp_find("app");
    assert_ptr_equal(app->host.comp, app); /* the host part was set up */
    assert_int_equal(app->state, COMP_STOPPED);
}

static void test_start_runs_parts_in_order(void **state)
{
    (void)state;
    struct component *app = comp_find("app");
    uint32_t gen = app->generation;
    assert_int_equal(comp_start(app, NULL), 0);
    assert_string_equal(plog, "rt hw wasi ipc ");
    assert_string_equal(last_args, "one two"); /* the manifest's arguments */
    assert_int_equal(app->state, COMP_RUNNING);
    assert_int_equal(app->generation, gen + 1);
    assert_ptr_equal(app->thread, fake_last_thread());
    assert_true(has_cap(app, CAP_T_CONSOLE)); /* the caps part: the manifest's grants */
    assert_true(has_cap(app, CAP_T_CLOCK));
    assert_false(has_cap(app, CAP_T_RANDOM));
    assert_int_equal(comp_start(app, "x"), -ATH_EBUSY); /* it runs already */
}

static void test_failing_part_undoes_the_others(void **state)
{
    (void)state;
    struct component *app = comp_find("app");
    fail_part = "wasi";
    assert_int_equal(comp_start(app, "a b"), -ATH_ENOMEM);
    /* started rt, caps, hw, then wasi failed: hw, caps, rt stopped, in reverse */
    assert_string_equal(plog, "rt hw wasi -hw -rt ");
    assert_int_equal(app->state, COMP_STOPPED);
    assert_false(has_cap(app, CAP_T_CONSOLE)); /* nothing of it stays granted */
}

static void test_thread_failure_undoes_every_part(void **state)
{
    (void)state;
    struct component *app = comp_find("app");
    fake_thread_fail = true;
    assert_int_equal(comp_start(app, NULL), -ATH_ENOMEM);
    assert_string_equal(plog, "rt hw wasi ipc -ipc -supervise -snapshot -wasi -hw -rt ");
    assert_int_equal(app->state, COMP_STOPPED);
    assert_false(has_cap(app, CAP_T_CONSOLE));
}

/* Run the component's thread (made by the fake thread_create) here. */
static void run_its_thread(struct component *c)
{
    assert_ptr_equal(fake_last_arg(), c);
    fake_last_entry()(c);
}

static void test_thread_runs_and_tears_down(void **state)
{
    (void)state;
    struct component *app = comp_find("app");
    assert_int_equal(comp_start(app, NULL), 0);
    plog[0] = '\0';
    run_its_thread(app);
    assert_string_equal(plog, "create instantiate snapshot run -ipc -supervise -snapshot -wasi -hw -rt ");
    assert_int_equal(app->state, COMP_EXITED);
    assert_null(app->thread);
    assert_null(app->rt.instance);
    assert_false(has_cap(app, CAP_T_CONSOLE)); /* revoked with its table */
    assert_null(fake_self()->act); /* its base activation is gone */
    assert_null(fake_self()->owner);
    assert_int_equal(reports, 0);
}

/* A config as kernel/load/app.c makes it: kmalloc'd, owned by the slot. */
static struct comp_config *app_cfg(const char *name)
{
    struct comp_config *cfg = calloc(1, sizeof *cfg + 32);
    char *n = (char *)(cfg + 1);
    strcpy(n, name);
    cfg->name = n;
    cfg->args = "";
    cfg->caps = CAP_CONSOLE;
    return cfg;
}

static void test_app_slots(void **state)
{
    (void)state;
    static struct pkg pk = { .image = { .name = "calc", .instance_size = 16, .init_module = img_init,
                                        .instantiate = img_instantiate, .start = img_start,
                                        .max_frame = &max_frame } };
    pkg_puts = 0;
    struct component *c, *c2;
    assert_int_equal(comp_create(app_cfg("calc"), &pk, &c), 0);
    assert_true(c - comp_at(0) >= 3); /* past the manifest's */
    assert_ptr_equal(comp_find("calc"), c);
    assert_ptr_equal(c->cfg->image, &pk.image); /* runs the package's code */
    assert_true(comp_count() >= (unsigned)(c - comp_at(0)) + 1); /* listed */
    /* A name in use, the manifest's or an app's: refused, the reference given back. */
    assert_int_equal(comp_create(app_cfg("calc"), &pk, &c2), -ATH_EEXIST);
    assert_int_equal(comp_create(app_cfg("drv"), &pk, &c2), -ATH_EEXIST);
    assert_int_equal(pkg_puts, 2);
    assert_int_equal(comp_remove(comp_find("drv")), -ATH_EPERM); /* built in */
    /* Like any component: started, running, exited. */
    assert_int_equal(comp_start(c, NULL), 0);
    assert_true(has_cap(c, CAP_T_CONSOLE));
    uint32_t gen = c->generation;
    assert_int_equal(comp_remove(c), -ATH_EBUSY);
    run_its_thread(c);
    assert_int_equal(c->state, COMP_EXITED);
    assert_int_equal(comp_remove(c), 0);
    assert_int_equal(pkg_puts, 3);
    assert_null(comp_find("calc"));
    assert_null(c->cfg); /* an empty slot, listed as such */
    /* The slot comes back for the next app, its generation going on. */
    assert_int_equal(comp_create(app_cfg("calc2"), &pk, &c2), 0);
    assert_ptr_equal(c2, c);
    assert_int_equal(comp_start(c2, NULL), 0);
    assert_true(c2->generation > gen);
    run_its_thread(c2);
    assert_int_equal(comp_remove(c2), 0);
}

/* A new version of a built-in component: stopped, swapped, started again
 * in a new generation on the package's code; the old package given back
 * at the next update. */
static void test_update(void **state)
{
    (void)state;
    static struct pkg v2 = { .image = { .name = "drv", .instance_size = 16, .init_module = img_init,
                                        .instantiate = img_instantiate, .start = img_start,
                                        .max_frame = &max_frame } };
    static struct pkg v3 = { .image = { .name = "drv", .instance_size = 16, .init_module = img_init,
                                        .instantiate = img_instantiate, .start = img_start,
                                        .max_frame = &max_frame } };
    pkg_puts = 0;
    struct component *drv = comp_find("drv");
    assert_ptr_equal(drv->image, &img); /* its manifest's code */
    assert_int_equal(comp_start(drv, NULL), 0);
    run_its_thread(drv); /* it ran and exited: stopped, not running */
    uint32_t gen = drv->generation;
    assert_int_equal(comp_update(drv, &v2), 0);
    assert_ptr_equal(drv->image, &v2.image);
    assert_ptr_equal(drv->pkg, &v2);
    assert_int_equal(drv->state, COMP_EXITED); /* it was not running: not started */
    assert_int_equal(drv->generation, gen);
    assert_int_equal(comp_start(drv, NULL), 0); /* runs the new code */
    assert_int_equal(drv->generation, gen + 1);
    run_its_thread(drv);
    assert_int_equal(comp_update(drv, &v3), 0);
    assert_ptr_equal(drv->image, &v3.image);
    assert_int_equal(pkg_puts, 1); /* v2 given back */
    assert_int_equal(comp_remove(drv), -ATH_EPERM); /* still the manifest's component */
    assert_ptr_equal(drv->cfg, &comp_manifest[1]);
}

static void test_trap_stops_it_faulted(void **state)
{
    (void)state;
    struct component *app = comp_find("app");
    trap_on_start = true;
    assert_int_equal(comp_start(app, NULL), 0);
    run_its_thread(app);
    assert_int_equal(app->state, COMP_FAULTED);
    assert_int_equal(reports, 1);
    assert_false(has_cap(app, CAP_T_CONSOLE));
}

static void test_stopped_before_it_ran(void **state)
{
    (void)state;
    struct component *app = comp_find("app");
    assert_int_equal(comp_start(app, NULL), 0);
    app->trap.pending = TRAP_KILLED; /* killed between start and its first instruction */
    plog[0] = '\0';
    run_its_thread(app);
    assert_string_equal(plog, "-ipc -supervise -snapshot -wasi -hw -rt "); /* never instantiated */
    assert_int_equal(app->state, COMP_STOPPED);
}

static void test_boot_profiles(void **state)
{
    (void)state;
    assert_int_equal(comp_boot(COMP_BOOT_ALWAYS), 1);
    assert_int_equal(comp_find("drv")->state, COMP_RUNNING);
    assert_int_equal(comp_find("sh")->state, COMP_STOPPED);
    assert_int_equal(comp_boot(COMP_BOOT_SHELL), 1);
    assert_int_equal(comp_find("sh")->state, COMP_RUNNING);
    assert_int_equal(comp_find("app")->state, COMP_STOPPED); /* started by hand only */
}

static void test_reset_and_inject_refusals(void **state)
{
    (void)state;
    struct component *app = comp_find("app");
    assert_int_equal(comp_reset(app), -ATH_ENOENT); /* not running */
    assert_int_equal(comp_start(app, NULL), 0);
    assert_int_equal(comp_reset(app), -ATH_EAGAIN); /* no snapshot yet */
    static struct snapshot *fake_snap = (struct snapshot *)&instance_dummy;
    app->snap.snap = fake_snap;
    app->rt.tables_grew = true;
    assert_int_equal(comp_reset(app), -ATH_EBUSY); /* a table grew since */
    app->snap.snap = NULL;
    app->rt.tables_grew = false;
    assert_int_equal(comp_inject(app, TRAP_NONE), -ATH_EINVAL);
    assert_int_equal(comp_inject(app, TRAP_KILLED), -ATH_EINVAL); /* not a fault its code can cause */
    assert_int_equal(comp_inject(app, TRAP_OUT_OF_BOUNDS), 0);
    assert_int_equal(injected, TRAP_OUT_OF_BOUNDS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init, setup),
        cmocka_unit_test_setup(test_start_runs_parts_in_order, setup),
        cmocka_unit_test_setup(test_failing_part_undoes_the_others, setup),
        cmocka_unit_test_setup(test_thread_failure_undoes_every_part, setup),
        cmocka_unit_test_setup(test_thread_runs_and_tears_down, setup),
        cmocka_unit_test_setup(test_trap_stops_it_faulted, setup),
        cmocka_unit_test_setup(test_stopped_before_it_ran, setup),
        cmocka_unit_test_setup(test_boot_profiles, setup),
        cmocka_unit_test_setup(test_reset_and_inject_refusals, setup),
        cmocka_unit_test_setup(test_app_slots, setup),
        cmocka_unit_test_setup(test_update, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
