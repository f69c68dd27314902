/* Unit tests of the timeout queue (kernel/sched/timerq.c): deadline order,
 * FIFO for equal deadlines, expiry boundaries, removal, the empty queue. */
#include <string.h>

#include "fake_platform.h"
#include "unit_rng.h"

#include <athanor/timerq.h>

#define NODES       48
#define RANDOM_OPS  4000
#define RANDOM_SEED 0x7e11ull
#define DEADLINE_SPAN 40 /* small, so equal deadlines are common */

static struct timeout t[NODES];
static struct timerq  q;

static int setup(void **state)
{
    (void)state;
    timerq_init(&q);
    for (int i = 0; i < NODES; i++) {
        list_init(&t[i].node);
        t[i].deadline_ns = 0;
    }
    return 0;
}

static void insert(int i, uint64_t deadline)
{
    t[i].deadline_ns = deadline;
    timerq_insert(&q, &t[i]);
}

static int index_of(const struct timeout *to)
{
    assert_non_null(to);
    assert_true(to >= t && to < t + NODES);
    return (int)(to - t);
}

/* Pop everything expired at `now`; returns how many, storing their indices. */
static int pop_all(uint64_t now, int *out, int max)
{
    int n = 0;
    struct timeout *to;
    while ((to = timerq_pop_expired(&q, now)) != NULL) {
        assert_true(n < max);
        assert_false(list_linked(&to->node));
        out[n++] = index_of(to);
    }
    return n;
}

static void test_empty(void **state)
{
    (void)state;
    assert_int_equal(timerq_next(&q), UINT64_MAX);
    assert_null(timerq_pop_expired(&q, 0));
    assert_null(timerq_pop_expired(&q, UINT64_MAX));
}

static void test_deadline_order(void **state)
{
    (void)state;
    static const uint64_t d[] = { 50, 10, 30, 20, 40, 1000000000000ull, 5 };
    static const int want[] = { 6, 1, 3, 2, 4, 0, 5 };
    for (int i = 0; i < (int)ARRAY_LEN(d); i++)
        insert(i, d[i]);
    assert_int_equal(timerq_next(&q), 5);
    int got[NODES];
    assert_int_equal(pop_all(UINT64_MAX, got, NODES), ARRAY_LEN(d));
    for (unsigned i = 0; i < ARRAY_LEN(want); i++)
        assert_int_equal(got[i], want[i]);
    assert_int_equal(timerq_next(&q), UINT64_MAX);
}

static void test_equal_deadlines_are_fifo(void **state)
{
    (void)state;
    insert(0, 10);
    insert(1, 10);
    insert(2, 5);
    insert(3, 10);
    insert(4, 20);
    insert(5, 10);
    insert(6, 5);
    static const int want[] = { 2, 6, 0, 1, 3, 5, 4 };
    int got[NODES];
    assert_int_equal(pop_all(UINT64_MAX, got, NODES), ARRAY_LEN(want));
    for (unsigned i = 0; i < ARRAY_LEN(want); i++)
        assert_int_equal(got[i], want[i]);
}

static void test_pop_expired_boundaries(void **state)
{
    (void)state;
    insert(0, 100);
    insert(1, 200);
    insert(2, 0);
    insert(3, UINT64_MAX);
    int got[NODES];
    assert_int_equal(pop_all(0, got, NODES), 1); /* deadline 0 is due at once */
    assert_int_equal(got[0], 2);
    assert_null(timerq_pop_expired(&q, 99));
    assert_int_equal(timerq_next(&q), 100);
    assert_int_equal(pop_all(100, got, NODES), 1); /* deadline == now has expired */
    assert_int_equal(got[0], 0);
    assert_int_equal(pop_all(199, got, NODES), 0);
    assert_int_equal(pop_all(UINT64_MAX - 1, got, NODES), 1);
    assert_int_equal(got[0], 1);
    assert_int_equal(pop_all(UINT64_MAX, got, NODES), 1);
    assert_int_equal(got[0], 3);
}

static void test_remove(void **state)
{
    (void)state;
    for (int i = 0; i < 5; i++)
        insert(i, (uint64_t)(i + 1) * 10);
    timerq_remove(&q, &t[2]); /* middle */
    assert_false(list_linked(&t[2].node));
    timerq_remove(&q, &t[0]); /* head: the next deadline moves on */
    assert_int_equal(timerq_next(&q), 20);
    timerq_remove(&q, &t[4]); /* tail */
    timerq_remove(&q, &t[2]); /* not queued any more: no effect */
    timerq_remove(&q, &t[7]); /* never queued */
    int got[NODES];
    assert_int_equal(pop_all(UINT64_MAX, got, NODES), 2);
    assert_int_equal(got[0], 1);
    assert_int_equal(got[1], 3);
    timerq_remove(&q, &t[1]); /* already popped */
    assert_int_equal(timerq_next(&q), UINT64_MAX);
    /* Removed timeouts can be queued again. */
    insert(2, 7);
    assert_int_equal(timerq_next(&q), 7);
}

/* Random inserts, removals and expiries against a stable-sorted model. */
static void test_random_against_model(void **state)
{
    (void)state;
    int model[NODES], n = 0;
    bool queued[NODES] = { false };
    struct unit_rng rng;
    unit_rng_seed(&rng, RANDOM_SEED);
    uint64_t now = 0;
    for (int op = 0; op < RANDOM_OPS; op++) {
        int i = (int)unit_rng_below(&rng, NODES);
        switch (unit_rng_below(&rng, 3)) {
        case 0:
            if (queued[i])
                break;
            insert(i, now + unit_rng_below(&rng, DEADLINE_SPAN));
            { /* after every entry with deadline <= ours (FIFO among equals) */
                int k = n;
                while (k > 0 && t[model[k - 1]].deadline_ns > t[i].deadline_ns)
                    k--;
                memmove(model + k + 1, model + k, (size_t)(n - k) * sizeof *model);
                model[k] = i;
                n++;
            }
            queued[i] = true;
            break;
        case 1:
            timerq_remove(&q, &t[i]);
            if (queued[i]) {
                int k = 0;
                while (model[k] != i)
                    k++;
                memmove(model + k, model + k + 1, (size_t)(n - k - 1) * sizeof *model);
                n--;
                queued[i] = false;
            }
            break;
        default: {
            now += unit_rng_below(&rng, DEADLINE_SPAN / 4);
            int got[NODES];
            int popped = pop_all(now, got, NODES);
            for (int k = 0; k < popped; k++) {
                assert_true(k < n);
                assert_int_equal(got[k], model[k]);
                assert_true(t[got[k]].deadline_ns <= now);
                queued[got[k]] = false;
            }
            memmove(model, model + popped, (size_t)(n - popped) * sizeof *model);
            n -= popped;
            if (n)
                assert_true(t[model[0]].deadline_ns > now);
            break;
        }
        }
        assert_int_equal(timerq_next(&q), n ? t[model[0]].deadline_ns : UINT64_MAX);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_empty, setup),
        cmocka_unit_test_setup(test_deadline_order, setup),
        cmocka_unit_test_setup(test_equal_deadlines_are_fifo, setup),
        cmocka_unit_test_setup(test_pop_expired_boundaries, setup),
        cmocka_unit_test_setup(test_remove, setup),
        cmocka_unit_test_setup(test_random_against_model, setup),
    };
    return cmocka_run_group_tests_name("timerq", tests, NULL, NULL);
}
