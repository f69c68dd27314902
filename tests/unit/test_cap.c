/* Unit tests of capability tables (kernel/cap/cap.c): handles and their
 * failure modes, rights, derivation with badges, grants between tables, and
 * revocation reaching every derived copy in every table. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "fake_platform.h"

#include <athanor/cap.h>
#include <athanor/errors.h>

#define SLOTS 16

static struct cap       slots_a[SLOTS], slots_b[SLOTS], slots_c[SLOTS];
static struct cap_table A, B, C;
static int              object_x, object_y; /* stand-ins for kernel objects */

static int setup(void **state)
{
    (void)state;
    fake_panic_reset();
    cap_table_init(&A, slots_a, SLOTS, NULL);
    cap_table_init(&B, slots_b, SLOTS, NULL);
    cap_table_init(&C, slots_c, SLOTS, NULL);
    return 0;
}

static cap_handle_t insert(struct cap_table *t, enum cap_type type, uint32_t rights, void *obj)
{
    cap_handle_t h = CAP_NULL;
    assert_int_equal(cap_insert(t, type, rights, obj, 0, &h), 0);
    assert_int_not_equal(h, CAP_NULL);
    return h;
}

static void test_insert_and_lookup(void **state)
{
    (void)state;
    cap_handle_t h = insert(&A, CAP_T_ENDPOINT, CAP_R_CALL | CAP_R_GRANT, &object_x);
    struct cap_ref c;
    assert_int_equal(cap_lookup(&A, h, CAP_T_ENDPOINT, CAP_R_CALL, &c), 0);
    assert_ptr_equal(c.object, &object_x);
    assert_int_equal(c.type, CAP_T_ENDPOINT);
    assert_int_equal(cap_lookup(&A, h, CAP_T_NONE, 0, NULL), 0); /* any type */
    assert_int_equal(cap_insert(&A, CAP_T_NONE, 0, NULL, 0, &h), -ATH_EINVAL);
    assert_int_equal(cap_insert(&A, CAP_T_COUNT, 0, NULL, 0, &h), -ATH_EINVAL);
}

static void test_bad_handles(void **state)
{
    (void)state;
    cap_handle_t h = insert(&A, CAP_T_CLOCK, CAP_R_READ, &object_x);
    /* null, out of range, an empty slot, a guessed generation */
    assert_int_equal(cap_lookup(&A, CAP_NULL, CAP_T_NONE, 0, NULL), -ATH_EBADHANDLE);
    assert_int_equal(cap_lookup(&A, (1u << CAP_INDEX_BITS) | SLOTS, CAP_T_NONE, 0, NULL), -ATH_EBADHANDLE);
    assert_int_equal(cap_lookup(&A, (1u << CAP_INDEX_BITS) | 7, CAP_T_NONE, 0, NULL), -ATH_EBADHANDLE);
    assert_int_equal(cap_lookup(&A, h + (5u << CAP_INDEX_BITS), CAP_T_NONE, 0, NULL), -ATH_ESTALE);
    /* a handle means nothing in another table */
    assert_int_equal(cap_lookup(&B, h, CAP_T_NONE, 0, NULL), -ATH_EBADHANDLE);
    /* wrong type, missing rights */
    assert_int_equal(cap_lookup(&A, h, CAP_T_CONSOLE, 0, NULL), -ATH_EWRONGTYPE);
    assert_int_equal(cap_lookup(&A, h, CAP_T_CLOCK, CAP_R_WRITE, NULL), -ATH_EPERM);
}

static void test_derive_rights_and_badge(void **state)
{
    (void)state;
    cap_handle_t h = insert(&A, CAP_T_ENDPOINT, CAP_R_ALL, &object_x);
    cap_handle_t d;
    assert_int_equal(cap_derive(&A, h, CAP_R_CALL, 42, &B, &d), 0);
    struct cap_ref c;
    assert_int_equal(cap_lookup(&B, d, CAP_T_ENDPOINT, CAP_R_CALL, &c), 0);
    assert_int_equal(c.badge, 42);
    assert_int_equal(c.rights, CAP_R_CALL);
    assert_int_equal(cap_lookup(&B, d, CAP_T_ENDPOINT, CAP_R_GRANT, NULL), -ATH_EPERM);
    /* no rights can be added, and a copy without DERIVE cannot be derived */
    cap_handle_t e;
    assert_int_equal(cap_derive(&B, d, CAP_R_CALL | CAP_R_WRITE, 0, &C, &e), -ATH_EPERM);
    assert_int_equal(cap_derive(&B, d, CAP_R_CALL, 0, &C, &e), -ATH_EPERM);
    /* badge 0 keeps the original's badge */
    cap_handle_t d2, d3;
    assert_int_equal(cap_derive(&A, h, CAP_R_CALL | CAP_R_DERIVE, 7, &B, &d2), 0);
    assert_int_equal(cap_derive(&B, d2, CAP_R_CALL, 0, &C, &d3), 0);
    assert_int_equal(cap_lookup(&C, d3, CAP_T_NONE, 0, &c), 0);
    assert_int_equal(c.badge, 7);
}

/* The precise right of a clock (outside CAP_R_ALL) is held like any other:
 * a copy keeps it only if asked, and no copy of a coarse clock gets it. */
static void test_precise_clock_right(void **state)
{
    (void)state;
    cap_handle_t fine = insert(&A, CAP_T_CLOCK, CAP_R_READ | CAP_R_DERIVE | CAP_R_PRECISE, &object_x);
    cap_handle_t coarse = insert(&A, CAP_T_CLOCK, CAP_R_READ | CAP_R_DERIVE, &object_y);
    assert_int_equal(cap_lookup(&A, fine, CAP_T_CLOCK, CAP_R_READ | CAP_R_PRECISE, NULL), 0);
    assert_int_equal(cap_lookup(&A, coarse, CAP_T_CLOCK, CAP_R_PRECISE, NULL), -ATH_EPERM);
    cap_handle_t d;
    assert_int_equal(cap_derive(&A, coarse, CAP_R_READ | CAP_R_PRECISE, 0, &B, &d), -ATH_EPERM);
    assert_int_equal(cap_derive(&A, fine, CAP_R_READ, 0, &B, &d), 0); /* made coarse */
    assert_int_equal(cap_lookup(&B, d, CAP_T_CLOCK, CAP_R_PRECISE, NULL), -ATH_EPERM);
    assert_int_equal(cap_derive(&A, fine, CAP_R_READ | CAP_R_PRECISE, 0, &B, &d), 0);
    assert_int_equal(cap_lookup(&B, d, CAP_T_CLOCK, CAP_R_PRECISE, NULL), 0);
    /* a search for a precise clock finds only that one */
    struct cap_ref c;
    assert_int_equal(cap_find(&A, CAP_T_CLOCK, CAP_R_READ | CAP_R_PRECISE, &c), 0);
    assert_ptr_equal(c.object, &object_x);
}

static void test_grant_needs_right(void **state)
{
    (void)state;
    cap_handle_t g = insert(&A, CAP_T_CONSOLE, CAP_R_WRITE | CAP_R_GRANT, &object_x);
    cap_handle_t n = insert(&A, CAP_T_CONSOLE, CAP_R_WRITE, &object_y);
    cap_handle_t out;
    assert_int_equal(cap_grant(&A, g, &B, &out), 0);
    assert_int_equal(cap_lookup(&B, out, CAP_T_CONSOLE, CAP_R_WRITE | CAP_R_GRANT, NULL), 0);
    assert_int_equal(cap_grant(&A, n, &B, &out), -ATH_EPERM);
}

/* Revocation reaches every derived copy, through grants and several levels,
 * in every table; the original survives; old handles become stale. */
static void test_revoke_reaches_all_copies(void **state)
{
    (void)state;
    cap_handle_t root = insert(&A, CAP_T_ENDPOINT, CAP_R_ALL, &object_x);
    cap_handle_t b1, c1, c2, a1;
    assert_int_equal(cap_grant(&A, root, &B, &b1), 0);                       /* A -> B */
    assert_int_equal(cap_derive(&B, b1, CAP_R_CALL | CAP_R_GRANT, 9, &C, &c1), 0); /* B -> C */
    assert_int_equal(cap_grant(&C, c1, &C, &c2), 0);                         /* C -> C */
    assert_int_equal(cap_derive(&A, root, CAP_R_CALL, 0, &A, &a1), 0);       /* A -> A */
    cap_handle_t other = insert(&B, CAP_T_ENDPOINT, CAP_R_ALL, &object_y);  /* unrelated */

    assert_int_equal(cap_revoke(&A, root), 0);
    assert_int_equal(cap_lookup(&A, root, CAP_T_ENDPOINT, CAP_R_CALL, NULL), 0);
    assert_int_equal(cap_lookup(&B, b1, CAP_T_NONE, 0, NULL), -ATH_ESTALE);
    assert_int_equal(cap_lookup(&C, c1, CAP_T_NONE, 0, NULL), -ATH_ESTALE);
    assert_int_equal(cap_lookup(&C, c2, CAP_T_NONE, 0, NULL), -ATH_ESTALE);
    assert_int_equal(cap_lookup(&A, a1, CAP_T_NONE, 0, NULL), -ATH_ESTALE);
    assert_int_equal(cap_lookup(&B, other, CAP_T_ENDPOINT, CAP_R_CALL, NULL), 0);
    assert_int_equal(B.used, 1);
    assert_int_equal(C.used, 0);
    /* A slot reused after revocation does not revive the old handle. */
    cap_handle_t reuse = insert(&C, CAP_T_CLOCK, CAP_R_READ, &object_y);
    assert_int_equal(reuse & (CAP_MAX_SLOTS - 1), c1 & (CAP_MAX_SLOTS - 1));
    assert_int_equal(cap_lookup(&C, c1, CAP_T_NONE, 0, NULL), -ATH_ESTALE);
    assert_int_equal(cap_lookup(&C, reuse, CAP_T_CLOCK, CAP_R_READ, NULL), 0);
}

static void test_revoke_of_a_middle_copy(void **state)
{
    (void)state;
    cap_handle_t root = insert(&A, CAP_T_ENDPOINT, CAP_R_ALL, &object_x);
    cap_handle_t b1, c1;
    assert_int_equal(cap_grant(&A, root, &B, &b1), 0);
    assert_int_equal(cap_grant(&B, b1, &C, &c1), 0);
    assert_int_equal(cap_revoke(&B, b1), 0); /* only what derives from B's copy */
    assert_int_equal(cap_lookup(&B, b1, CAP_T_NONE, 0, NULL), 0);
    assert_int_equal(cap_lookup(&C, c1, CAP_T_NONE, 0, NULL), -ATH_ESTALE);
    assert_int_equal(cap_delete(&A, root), 0); /* delete: revoke + free itself */
    assert_int_equal(cap_lookup(&A, root, CAP_T_NONE, 0, NULL), -ATH_ESTALE);
    assert_int_equal(cap_lookup(&B, b1, CAP_T_NONE, 0, NULL), -ATH_ESTALE);
    assert_int_equal(cap_revoke(&A, root), -ATH_ESTALE);
}

static void test_deep_chain_revokes_without_recursion(void **state)
{
    (void)state;
    /* A chain across the three tables, as deep as they allow. */
    cap_handle_t root = insert(&A, CAP_T_ENDPOINT, CAP_R_ALL, &object_x), h = root;
    struct cap_table *t = &A, *tabs[3] = { &A, &B, &C };
    int n = 0;
    for (int i = 0; i < 3 * (SLOTS - 1) - 1; i++) {
        struct cap_table *dst = tabs[(i + 1) % 3];
        cap_handle_t next;
        if (cap_grant(t, h, dst, &next) != 0)
            break;
        t = dst;
        h = next;
        n++;
    }
    assert_true(n >= 3 * (SLOTS - 1) - 2);
    assert_int_equal(cap_revoke(&A, root), 0);
    assert_int_equal(A.used + B.used + C.used, 1);
}

static void test_table_full_and_clear(void **state)
{
    (void)state;
    cap_handle_t h[SLOTS];
    for (int i = 1; i < SLOTS; i++)
        h[i] = insert(&A, CAP_T_CLOCK, CAP_R_READ | CAP_R_GRANT, &object_x);
    cap_handle_t extra;
    assert_int_equal(cap_insert(&A, CAP_T_CLOCK, CAP_R_READ, &object_x, 0, &extra), -ATH_EQUOTA);
    cap_handle_t b;
    assert_int_equal(cap_grant(&A, h[3], &B, &b), 0);
    cap_table_clear(&A); /* a component going away takes its grants with it */
    assert_int_equal(A.used, 0);
    assert_int_equal(cap_lookup(&B, b, CAP_T_NONE, 0, NULL), -ATH_ESTALE);
    assert_int_equal(cap_lookup(&A, h[1], CAP_T_NONE, 0, NULL), -ATH_ESTALE);
}

static void test_find_by_type(void **state)
{
    (void)state;
    assert_int_equal(cap_find(&A, CAP_T_CONSOLE, CAP_R_WRITE, NULL), -ATH_EPERM);
    insert(&A, CAP_T_CONSOLE, CAP_R_READ, &object_x);
    assert_int_equal(cap_find(&A, CAP_T_CONSOLE, CAP_R_WRITE, NULL), -ATH_EPERM);
    cap_handle_t w = insert(&A, CAP_T_CONSOLE, CAP_R_READ | CAP_R_WRITE, &object_y);
    struct cap_ref c;
    assert_int_equal(cap_find(&A, CAP_T_CONSOLE, CAP_R_WRITE, &c), 0);
    assert_ptr_equal(c.object, &object_y);
    assert_int_equal(cap_delete(&A, w), 0);
    assert_int_equal(cap_find(&A, CAP_T_CONSOLE, CAP_R_WRITE, NULL), -ATH_EPERM);
}

static void test_rights_strings(void **state)
{
    (void)state;
    char buf[7];
    cap_rights_str(CAP_R_ALL, buf);
    assert_string_equal(buf, "rwcgd");
    cap_rights_str(CAP_R_CALL | CAP_R_DERIVE, buf);
    assert_string_equal(buf, "--c-d");
    cap_rights_str(CAP_R_READ | CAP_R_PRECISE, buf); /* a precise clock */
    assert_string_equal(buf, "r----p");
    assert_string_equal(cap_type_name(CAP_T_ENDPOINT), "endpoint");
    assert_string_equal(cap_type_name(CAP_T_COUNT), "?");
}

/* Range capabilities (I/O ports, MMIO): a derived copy covers a part of its
 * parent's range, never more, and revoking the parent reaches it. */
static void test_range_derivation(void **state)
{
    (void)state;
    cap_handle_t h, d, e;
    assert_int_equal(cap_insert_range(&A, CAP_T_MMIO, CAP_R_ALL, &object_x, 0xfe000000, 0x4000, &h), 0);
    assert_int_equal(cap_insert_range(&A, CAP_T_CLOCK, CAP_R_ALL, &object_x, 0, 1, &e), -ATH_EINVAL);
    assert_int_equal(cap_derive_range(&A, h, CAP_R_READ | CAP_R_WRITE, 0x1000, 0x2000, &B, &d), 0);
    struct cap_ref c;
    assert_int_equal(cap_lookup(&B, d, CAP_T_MMIO, CAP_R_WRITE, &c), 0);
    assert_int_equal(c.base, 0xfe001000);
    assert_int_equal(c.len, 0x2000);
    /* not past the parent's end, not more rights, not from a copy without derive */
    assert_int_equal(cap_derive_range(&A, h, CAP_R_READ, 0x3000, 0x2000, &B, &e), -ATH_ERANGE);
    assert_int_equal(cap_derive_range(&A, h, CAP_R_READ, 0x4000, 1, &B, &e), -ATH_ERANGE);
    assert_int_equal(cap_derive_range(&A, h, CAP_R_READ, 0, 0, &B, &e), -ATH_ERANGE);
    assert_int_equal(cap_derive_range(&A, h, CAP_R_READ, ~0ull, 2, &B, &e), -ATH_ERANGE);
    assert_int_equal(cap_derive_range(&B, d, CAP_R_READ, 0, 0x1000, &C, &e), -ATH_EPERM);
    /* a plain derive keeps the range */
    cap_handle_t w;
    assert_int_equal(cap_derive(&A, h, CAP_R_READ, 0, &C, &w), 0);
    assert_int_equal(cap_lookup(&C, w, CAP_T_MMIO, CAP_R_READ, &c), 0);
    assert_int_equal(c.base, 0xfe000000);
    assert_int_equal(c.len, 0x4000);
    /* non-range types have no sub-ranges */
    cap_handle_t n = insert(&A, CAP_T_NOTIFICATION, CAP_R_ALL, &object_y);
    assert_int_equal(cap_derive_range(&A, n, CAP_R_READ, 0, 1, &B, &e), -ATH_EWRONGTYPE);
    assert_int_equal(cap_revoke(&A, h), 0);
    assert_int_equal(cap_lookup(&B, d, CAP_T_MMIO, 0, NULL), -ATH_ESTALE);
    assert_int_equal(cap_lookup(&C, w, CAP_T_MMIO, 0, NULL), -ATH_ESTALE);
}

/* cap_lookup takes no lock: against a writer inserting and deleting on
 * another thread, every successful lookup must see one whole capability
 * (object, badge and object generation from the same insert). */
static int              objects[8];
static volatile bool    writer_stop;

static void *writer(void *arg)
{
    (void)arg;
    for (uint64_t i = 1; !writer_stop; i++) {
        cap_handle_t h;
        if (cap_insert_gen(&A, CAP_T_ENDPOINT, CAP_R_CALL, &objects[i % 8], i, (uint32_t)i, &h) == 0) {
            bool slot1 = (h & (CAP_MAX_SLOTS - 1)) == 1;
            cap_delete(&A, h);
            if (!slot1) /* slot 1 retired after CAP_GEN_MAX uses: bring it back, keep racing there */
                cap_table_renew(&A);
        }
    }
    return NULL;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A slot reused until its generation would wrap is retired, not wrapped: no
 * old handle ever names a new capability, and no handle is negative as the
 * i32 the ABI returns. Renewing the table (a new instance) brings it back. */
static void test_generation_never_wraps(void **state)
{
    (void)state;
    static struct cap two[2];
    struct cap_table T;
    cap_table_init(&T, two, 2, NULL); /* one usable slot */
    cap_handle_t first = insert(&T, CAP_T_CLOCK, CAP_R_READ, &object_x), h = first;
    unsigned uses = 1;
    for (;;) {
        assert_true((int32_t)h > 0);
        assert_int_equal(cap_delete(&T, h), 0);
        if (cap_insert(&T, CAP_T_CLOCK, CAP_R_READ, &object_y, 0, &h) != 0)
            break;
        uses++;
        assert_int_not_equal(h, first);
        assert_int_equal(cap_lookup(&T, first, CAP_T_NONE, 0, NULL), -ATH_ESTALE);
    }
    assert_int_equal(uses, CAP_GEN_MAX); /* generations 1..CAP_GEN_MAX, then retired */
    assert_int_equal(cap_insert(&T, CAP_T_CLOCK, CAP_R_READ, &object_y, 0, &h), -ATH_EQUOTA);
    /* every handle the slot ever had now fails */
    for (uint32_t g = 0; g <= 0xffff; g++)
        assert_true(cap_lookup(&T, g << CAP_INDEX_BITS | 1, CAP_T_NONE, 0, NULL) < 0);
    cap_table_renew(&T);
    h = insert(&T, CAP_T_CLOCK, CAP_R_READ, &object_y);
    assert_int_equal(h, first);
}

static void test_lookup_races_a_writer(void **state)
{
    (void)state;
    pthread_t w;
    writer_stop = false;
    assert_int_equal(pthread_create(&w, NULL, writer, NULL), 0);
    unsigned long ok = 0, failed = 0, torn = 0;
    double end = seconds() + 5;
    while ((ok < 10000 || failed < 10000) && seconds() < end)
        for (int k = 0; k < 1000; k++) {
            /* the slot the writer uses (index 1), with its current generation */
            cap_handle_t h = (cap_handle_t)__atomic_load_n(&slots_a[1].gen, __ATOMIC_RELAXED)
                                 << CAP_INDEX_BITS | 1u;
            struct cap_ref c;
            if (cap_lookup(&A, h, CAP_T_ENDPOINT, CAP_R_CALL, &c) != 0) {
                failed++;
                continue;
            }
            ok++;
            if (c.object != &objects[c.badge % 8] || c.obj_gen != (uint32_t)c.badge ||
                c.rights != CAP_R_CALL)
                torn++;
        }
    writer_stop = true;
    pthread_join(w, NULL);
    print_message("lookups: %lu ok, %lu failed, %lu torn\n", ok, failed, torn);
    assert_true(ok > 0 && failed > 0); /* both outcomes happened, or it proves nothing */
    assert_int_equal(torn, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_insert_and_lookup, setup),
        cmocka_unit_test_setup(test_bad_handles, setup),
        cmocka_unit_test_setup(test_derive_rights_and_badge, setup),
        cmocka_unit_test_setup(test_precise_clock_right, setup),
        cmocka_unit_test_setup(test_grant_needs_right, setup),
        cmocka_unit_test_setup(test_revoke_reaches_all_copies, setup),
        cmocka_unit_test_setup(test_revoke_of_a_middle_copy, setup),
        cmocka_unit_test_setup(test_deep_chain_revokes_without_recursion, setup),
        cmocka_unit_test_setup(test_table_full_and_clear, setup),
        cmocka_unit_test_setup(test_find_by_type, setup),
        cmocka_unit_test_setup(test_rights_strings, setup),
        cmocka_unit_test_setup(test_range_derivation, setup),
        cmocka_unit_test_setup(test_generation_never_wraps, setup),
        cmocka_unit_test_setup(test_lookup_races_a_writer, setup),
    };
    return cmocka_run_group_tests_name("cap", tests, NULL, NULL);
}
