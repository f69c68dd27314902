/* In-kernel tests of the WebAssembly features components may use (issue 12,
 * docs/components.md): one component per proposal checks what its
 * instructions compute (components/feat/), and featdrop shows that a load
 * whose value is unused still traps when it is out of bounds. */
#include <athanor/errors.h>
#include <athanor/ktest.h>
#include <athanor/lifecycle.h>
#include <athanor/sched.h>

#define WAIT_NS (20 * NS_PER_S)

/* Start a feature test and wait: it exits 0 when every check held (its
 * FAIL lines and summary are on the console above). */
static const char *feature(const char *name)
{
    return ktest_run_to_exit(name, WAIT_NS);
}

static const char *t_simd(void) { return feature("featsimd"); }
static const char *t_bulk(void) { return feature("featbulk"); }
static const char *t_multivalue(void) { return feature("featmv"); }
static const char *t_signext(void) { return feature("featsext"); }
static const char *t_satconv(void) { return feature("featsat"); }
static const char *t_reftypes(void) { return feature("featref"); }
static const char *t_tailcall(void) { return feature("feattail"); }

/* featdrop with args: each run must end in an out-of-bounds trap, at the
 * address the access names (0xfffffff0 + 8) for the loads and the lane
 * store; a fill is checked by the runtime (no address). Exiting 0 means it
 * did not trap. */
static const char *drop_case(const char *args, const char *what, bool at_addr)
{
    struct component *c = comp_find("featdrop");
    KT_CHECK(c, "featdrop missing from the manifest");
    KT_CHECK(comp_start(c, args) == 0, "start featdrop %s", args);
    KT_CHECK(comp_wait(c, plat_clock_ns() + WAIT_NS) == 0, "featdrop did not stop");
    KT_CHECK(c->state == COMP_FAULTED && c->trap.kind == TRAP_OUT_OF_BOUNDS,
             "an unused %s out of bounds: featdrop ended %s/%s instead of trapping", what,
             comp_state_name(c->state), trap_kind_name(c->trap.kind));
    KT_CHECK(!at_addr || c->trap.addr == 0xfffffff8u, "%s trapped at memory offset %#lx, not 0xfffffff8", what,
             (unsigned long)c->trap.addr);
    return NULL;
}

static const char *t_dropped_loads_trap(void)
{
    const char *r;
    if ((r = drop_case("", "i32.load", true)) || (r = drop_case("a", "i64.load8_s", true)) ||
        (r = drop_case("a b", "f64.load", true)) || (r = drop_case("a b c", "v128.load", true)) ||
        (r = drop_case("a b c d", "memory.fill", false)) ||
        (r = drop_case("a b c d e", "v128.load8_lane", true)) ||
        (r = drop_case("a b c d e f", "v128.store32_lane", true)) ||
        (r = drop_case("a b c d e f g", "v128.load32_splat", true)) ||
        (r = drop_case("a b c d e f g h", "v128.load64_zero", true)))
        return r;
    return NULL;
}

const struct ktest ktests_wasm[] = {
    { "wasm_simd", t_simd },
    { "wasm_bulk_memory", t_bulk },
    { "wasm_multi_value", t_multivalue },
    { "wasm_sign_extension", t_signext },
    { "wasm_saturating_conversions", t_satconv },
    { "wasm_reference_types", t_reftypes },
    { "wasm_tail_calls", t_tailcall },
    { "wasm_dropped_loads_trap", t_dropped_loads_trap },
    { NULL, NULL },
};
