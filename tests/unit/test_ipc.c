/* Unit tests of IPC's invoke side (kernel/ipc/call.c) with fake
 * capabilities: calls built as decode leaves them, against servers whose
 * handlers are C functions. Every mode, the server's states and
 * generations, a trap in the handler, a busy endpoint, the stack check,
 * and the IPC part's start and stop. */
#include <string.h>

#include "fake_platform.h"
#include "fake_sched.h"

#include <athanor/component.h>
#include <athanor/errors.h>
#include <athanor/ipc.h>
#include <wasm-rt.h>

/* ---- what call.c needs from around it ---- */

uintptr_t wasm_rt_stack_limit;

static unsigned reports, stops;
static enum trap_kind stop_kind;
void comp_report_fault(struct component *c) { (void)c; reports++; }
void comp_request_stop(struct component *c, enum trap_kind kind)
{
    (void)c;
    stops++;
    stop_kind = kind;
}
bool comp_is_fault(enum trap_kind k)
{
    return k != TRAP_NONE && k != TRAP_KILLED && k != TRAP_RESET && k != TRAP_EXIT;
}


/* Page moves between memories: recorded, not done. */
static struct move {
    const struct plat_vrange *from, *to;
    size_t foff, toff, len;
    bool writable;
} moves[4];
static unsigned nmoves;
static int move_result;
int plat_vrange_move(struct plat_vrange *from, size_t foff, struct plat_vrange *to, size_t toff,
                     size_t len, bool writable)
{
    if (move_result)
        return move_result;
    if (nmoves < 4)
        moves[nmoves] = (struct move){ from, to, foff, toff, len, writable };
    nmoves++;
    return 0;
}

/* ---- a server and a client ---- */

enum { OP_ECHO = 1, OP_TRAP = 2, OP_PEEK_MSG = 3 };

spinlock_t comp_lock; /* ipc_serve takes it (component.c owns it in the kernel) */
static struct component comps[2];
static struct component *const srv = &comps[0], *const cli = &comps[1];
struct component *comp_at(unsigned i) { return i < 2 ? &comps[i] : NULL; }

static struct { uint64_t badge, op, a0, a1, a2; unsigned calls; struct component *top; } seen;
static uint8_t srv_mem[4096];
static wasm_rt_memory_t srv_rtmem = { .data = srv_mem, .size = sizeof srv_mem };

static uint64_t handler(void *instance, uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1,
                        uint64_t a2)
{
    (void)instance;
    struct thread *t = fake_self();
    seen.badge = badge, seen.op = op, seen.a0 = a0, seen.a1 = a1, seen.a2 = a2;
    seen.calls++;
    seen.top = thread_comp(t);
    if (op == OP_TRAP) { /* what comp_trap does: record, unwind the top activation */
        thread_comp(t)->trap.kind = TRAP_UNREACHABLE;
        comp_unwind(t->act);
    }
    return op == OP_PEEK_MSG ? srv_mem[100] : a0 + 1;
}

static uint32_t max_frame = 512;
static const struct comp_image img = { .name = "srv", .handle = handler, .max_frame = &max_frame };
static const struct comp_image noimg = { .name = "cli", .max_frame = &max_frame };
static const uint8_t cli_calls[] = { 0 };
const struct comp_config comp_manifest[] = {
    { .name = "srv", .image = &img },
    { .name = "cli", .image = &noimg, .calls = cli_calls, .ncalls = 1, .grants = 2 },
};
const unsigned comp_manifest_count = 2;

static struct cap srv_slots[8], cli_slots[8];
static struct activation cli_base;

static int setup(void **state)
{
    (void)state;
    fake_panic_reset();
    fake_sched_reset();
    memset(comps, 0, sizeof comps);
    memset(&seen, 0, sizeof seen);
    memset(srv_mem, 0, sizeof srv_mem);
    reports = stops = nmoves = 0;
    fake_copy_fail(false);
    move_result = 0;
    for (unsigned i = 0; i < 2; i++) {
        comps[i].cfg = &comp_manifest[i];
        comps[i].image = comp_manifest[i].image;
        comps[i].state = COMP_RUNNING;
        comps[i].generation = 1;
        ipc_comp_init(&comps[i]);
    }
    cap_table_init(&srv->caps, srv_slots, 8, srv);
    cap_table_init(&cli->caps, cli_slots, 8, cli);
    srv->rt.memory = &srv_rtmem;
    srv->ipc.serving = true;
    /* the calling thread runs the client's own code: its base activation */
    struct thread *t = fake_self();
    cli_base = (struct activation){ .comp = cli };
    t->act = &cli_base;
    return 0;
}

/* A call as decode leaves it: through the endpoint capability the IPC
 * part's start granted the client (the manifest's calls list); call()
 * makes it in the mode of the last one decoded. */
static enum ipc_mode mode;
static struct ipc_call decoded(enum ipc_mode m, uint64_t op, uint64_t a0)
{
    mode = m;
    cap_handle_t h;
    assert_int_equal(cap_nth(&cli->caps, CAP_T_ENDPOINT, 0, &h), 0);
    struct cap_ref ref;
    assert_int_equal(cap_lookup(&cli->caps, h, CAP_T_ENDPOINT, CAP_R_CALL, &ref), 0);
    return (struct ipc_call){ .ep = ref.object, .badge = ref.badge, .obj_gen = ref.obj_gen,
                              .m = { op, a0, 7, 9 } };
}

static int call(const struct ipc_call *c, uint64_t *result)
{
    return ipc_call(fake_self(), cli, mode, c, result);
}

/* After every call, whatever happened: the endpoint is free and the
 * thread is the client's again. */
static void assert_clean(void)
{
    struct thread *t = fake_self();
    assert_null(srv->ipc.ep.holder);
    assert_int_equal(srv->ipc.ep.nwaiters, 0);
    assert_ptr_equal(t->act, &cli_base);
    assert_ptr_equal(thread_comp(t), cli);
}

static void test_start_grants_manifest_endpoints(void **state)
{
    (void)state;
    assert_int_equal(ipc_comp_start(cli, NULL), 0);
    cap_handle_t h;
    assert_int_equal(cap_nth(&cli->caps, CAP_T_ENDPOINT, 0, &h), 0);
    struct cap_ref ref;
    assert_int_equal(cap_lookup(&cli->caps, h, CAP_T_ENDPOINT, CAP_R_CALL, &ref), 0);
    assert_ptr_equal(ref.object, &srv->ipc.ep);
    assert_int_equal(ref.badge, 2); /* the caller's manifest index + 1 */
    assert_int_equal(ref.obj_gen, srv->generation);
    assert_int_equal(cap_nth(&cli->caps, CAP_T_ENDPOINT, 1, &h), -ATH_ENOENT); /* only what it lists */
    /* a new generation starts with empty serving state */
    srv->ipc.transfer_next = 5, srv->ipc.msgbuf = 6, srv->ipc.msgbuf_len = 7;
    assert_int_equal(ipc_comp_start(srv, NULL), 0);
    assert_int_equal(srv->ipc.transfer_next + srv->ipc.msgbuf + srv->ipc.msgbuf_len, 0);
}

static void test_plain_call(void **state)
{
    (void)state;
    ipc_comp_start(cli, NULL);
    struct ipc_call c = decoded(IPC_PLAIN, OP_ECHO, 41);
    uint64_t res = 0;
    assert_int_equal(call(&c, &res), 0);
    assert_int_equal(res, 42);
    assert_int_equal(seen.calls, 1);
    assert_int_equal(seen.badge, 2);
    assert_int_equal(seen.a1, 7);
    assert_int_equal(seen.a2, 9);
    assert_ptr_equal(seen.top, srv); /* the handler ran as the server */
    assert_clean();
}

static void test_server_states(void **state)
{
    (void)state;
    ipc_comp_start(cli, NULL);
    struct ipc_call c = decoded(IPC_PLAIN, OP_ECHO, 0);
    uint64_t res;
    srv->ipc.serving = false;
    assert_int_equal(call(&c, &res), -ATH_EPEERFAILED);
    assert_clean();
    srv->ipc.serving = true;
    srv->trap.pending = TRAP_KILLED;
    assert_int_equal(call(&c, &res), -ATH_EPEERFAILED);
    srv->trap.pending = TRAP_NONE;
    srv->state = COMP_FAULTED;
    assert_int_equal(call(&c, &res), -ATH_EPEERFAILED);
    srv->state = COMP_RUNNING;
    srv->generation++; /* restarted since the capability was made */
    assert_int_equal(call(&c, &res), -ATH_EPEERRESTARTED);
    srv->generation--;
    cli->trap.pending = TRAP_KILLED; /* the caller itself is stopping */
    assert_int_equal(call(&c, &res), -ATH_EINTR);
    cli->trap.pending = TRAP_NONE;
    assert_int_equal(seen.calls, 0);
    assert_clean();
    srv->ipc.ep.handle = NULL; /* a server without a handler */
    assert_int_equal(call(&c, &res), -ATH_ENOSYS);
    assert_clean();
}

static void test_trap_in_handler(void **state)
{
    (void)state;
    ipc_comp_start(cli, NULL);
    struct ipc_call c = decoded(IPC_PLAIN, OP_TRAP, 0);
    uint64_t res = 0;
    assert_int_equal(call(&c, &res), -ATH_EPEERFAILED);
    assert_int_equal(reports, 1);  /* a fault of the server's: reported */
    assert_int_equal(stops, 1);    /* and the server stopped, with its trap */
    assert_int_equal(stop_kind, TRAP_UNREACHABLE);
    assert_clean();
}

static void test_message(void **state)
{
    (void)state;
    ipc_comp_start(cli, NULL);
    ipc_set_msgbuf(srv, 96, 16);
    const uint8_t msg[8] = { 1, 2, 3, 4, 55, 6, 7, 8 };
    struct ipc_call c = decoded(IPC_MSG, OP_PEEK_MSG, 0);
    c.msg.data = msg;
    c.msg.len = sizeof msg;
    uint64_t res = 0;
    assert_int_equal(call(&c, &res), 0);
    assert_int_equal(res, 55); /* srv_mem[100]: the message landed at the buffer */
    assert_int_equal(seen.a1, sizeof msg);
    c.msg.len = 17; /* more than the server's buffer */
    assert_int_equal(call(&c, &res), -ATH_EMSGSIZE);
    ipc_set_msgbuf(srv, sizeof srv_mem - 4, 16); /* a buffer its memory no longer holds */
    c.msg.len = 8;
    assert_int_equal(call(&c, &res), -ATH_EMSGSIZE);
    ipc_set_msgbuf(srv, 96, 16);
    fake_copy_fail(true); /* a page of either side missing */
    assert_int_equal(call(&c, &res), -ATH_EFAULT);
    assert_int_equal(seen.calls, 1);
    assert_clean();
}

static int note_object;

static void test_grant(void **state)
{
    (void)state;
    ipc_comp_start(cli, NULL);
    cap_table_set_zones(&cli->caps, 6, 1); /* one grant out at a time */
    cap_table_set_zones(&srv->caps, 6, 0);
    cap_handle_t give;
    assert_int_equal(cap_insert(&cli->caps, CAP_T_NOTIFICATION, CAP_R_ALL, &note_object, 0, &give), 0);
    struct ipc_call c = decoded(IPC_GRANT, OP_ECHO, 1);
    c.give = give;
    uint64_t res;
    assert_int_equal(call(&c, &res), 0);
    struct cap_ref got;
    assert_int_equal(cap_lookup(&srv->caps, (cap_handle_t)seen.a2, CAP_T_NOTIFICATION, CAP_R_READ, &got), 0);
    assert_ptr_equal(got.object, &note_object);
    /* the quota: a second grant while the first is out */
    assert_int_equal(call(&c, &res), -ATH_EQUOTA);
    assert_int_equal(seen.calls, 1);
    /* a grant the handler failed with goes again */
    cap_delete(&srv->caps, (cap_handle_t)seen.a2);
    c.m.op = OP_TRAP;
    assert_int_equal(call(&c, &res), -ATH_EPEERFAILED);
    assert_int_equal(cap_lookup(&srv->caps, (cap_handle_t)seen.a2, CAP_T_NONE, 0, NULL), -ATH_ESTALE);
    /* revoked between decode and invoke: cap_grant's own check says no */
    cap_revoke(&cli->caps, give);
    assert_int_equal(cap_delete(&cli->caps, give), 0);
    c.m.op = OP_ECHO;
    assert_int_not_equal(call(&c, &res), 0);
    assert_clean();
}

static void test_lend_and_transfer(void **state)
{
    (void)state;
    ipc_comp_start(cli, NULL);
    struct ipc_call c = decoded(IPC_LEND_RW, OP_ECHO, 0);
    c.lend.ptr = 0x3000;
    c.lend.len = 0x2000;
    uint64_t res;
    assert_int_equal(call(&c, &res), 0);
    assert_int_equal(seen.a1, 0x2000);
    assert_int_equal(seen.a2, IPC_LEND_WINDOW);
    assert_int_equal(nmoves, 2); /* there, and back as writable as before */
    assert_ptr_equal(moves[0].from, &cli->rt.range);
    assert_int_equal(moves[0].toff, IPC_LEND_WINDOW);
    assert_true(moves[0].writable);
    assert_ptr_equal(moves[1].to, &cli->rt.range);
    assert_int_equal(moves[1].toff, 0x3000);
    assert_true(moves[1].writable);
    assert_int_equal(cli->ipc.lends, 1);
    /* read-only, and lent on from a read-only lend: comes back read-only */
    nmoves = 0;
    mode = IPC_LEND_RO;
    c.lend.nested = true;
    c.lend.nested_writable = false;
    assert_int_equal(call(&c, &res), 0);
    assert_false(moves[0].writable);
    assert_false(moves[1].writable);
    /* a trap in the handler: the pages still come back */
    nmoves = 0;
    c.m.op = OP_TRAP;
    assert_int_equal(call(&c, &res), -ATH_EPEERFAILED);
    assert_int_equal(nmoves, 2);
    /* transfer: once, into the transfer area, which advances */
    nmoves = 0;
    c = decoded(IPC_TRANSFER, OP_ECHO, 0);
    c.lend.ptr = 0x1000;
    c.lend.len = 0x1000;
    assert_int_equal(call(&c, &res), 0);
    assert_int_equal(call(&c, &res), 0);
    assert_int_equal(nmoves, 2);
    assert_int_equal(moves[0].toff, IPC_TRANSFER_AREA);
    assert_int_equal(moves[1].toff, IPC_TRANSFER_AREA + 0x1000);
    srv->ipc.transfer_next = IPC_TRANSFER_END - 0x800; /* the area is full */
    assert_int_equal(call(&c, &res), -ATH_ENOMEM);
    move_result = -ATH_ENOMEM; /* the platform cannot move the pages */
    srv->ipc.transfer_next = 0;
    assert_int_equal(call(&c, &res), -ATH_ENOMEM);
    assert_clean();
}

static struct endpoint *busy_ep;
static int release_on_wait(struct waitq *wq, bool intr)
{
    (void)wq;
    assert_true(intr); /* a caller waiting for a server can be stopped */
    busy_ep->holder = NULL;
    return 0;
}

static void test_busy_endpoint(void **state)
{
    (void)state;
    ipc_comp_start(cli, NULL);
    struct ipc_call c = decoded(IPC_PLAIN, OP_ECHO, 1);
    uint64_t res;
    struct thread other;
    srv->ipc.ep.holder = &other; /* another caller is in the handler */
    assert_int_equal(call(&c, &res), -ATH_ETIMEDOUT); /* the fake wait times out */
    assert_int_equal(srv->ipc.ep.waits, 1);
    assert_int_equal(srv->ipc.ep.nwaiters, 0);
    assert_ptr_equal(srv->ipc.ep.holder, &other);
    busy_ep = &srv->ipc.ep;
    fake_wait_hook(release_on_wait); /* the other caller is done while we wait */
    assert_int_equal(call(&c, &res), 0);
    assert_int_equal(res, 2);
    srv->ipc.ep.holder = fake_self(); /* this thread already serves it further down */
    assert_int_equal(call(&c, &res), -ATH_EDEADLK);
    srv->ipc.ep.holder = NULL;
    assert_clean();
}

static void test_stack_too_low(void **state)
{
    (void)state;
    ipc_comp_start(cli, NULL);
    struct ipc_call c = decoded(IPC_PLAIN, OP_ECHO, 1);
    uint64_t res;
    /* a stack whose base lies just below the frame: no room for the handler */
    fake_self()->stack.base = (uint8_t *)__builtin_frame_address(0) - 1024;
    assert_int_equal(call(&c, &res), -ATH_ESTACK);
    assert_int_equal(seen.calls, 0);
    assert_clean();
}

static int count_stop_waits(struct waitq *wq, bool intr)
{
    (void)wq;
    assert_false(intr); /* the teardown's wait is not interruptible */
    srv->ipc.ep.holder = NULL; /* the caller in the handler unwound */
    return 0;
}

static void test_stop_drains(void **state)
{
    (void)state;
    struct thread other;
    srv->ipc.ep.holder = &other;
    fake_wait_hook(count_stop_waits);
    ipc_comp_stop(srv);
    assert_false(srv->ipc.serving);
    assert_null(srv->ipc.ep.holder);
    assert_int_equal(fake_waits(), 1);
    assert_int_equal(srv->ipc.ep.nwaiters, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_start_grants_manifest_endpoints, setup),
        cmocka_unit_test_setup(test_plain_call, setup),
        cmocka_unit_test_setup(test_server_states, setup),
        cmocka_unit_test_setup(test_trap_in_handler, setup),
        cmocka_unit_test_setup(test_message, setup),
        cmocka_unit_test_setup(test_grant, setup),
        cmocka_unit_test_setup(test_lend_and_transfer, setup),
        cmocka_unit_test_setup(test_busy_endpoint, setup),
        cmocka_unit_test_setup(test_stack_too_low, setup),
        cmocka_unit_test_setup(test_stop_drains, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
