/* Unit tests of the priority run queue (kernel/sched/runqueue.c): priority
 * order, FIFO within a level, push_front, removal, bitmap, misuse panics. */
#include <string.h>

#include "fake_platform.h"
#include "unit_rng.h"

#include <athanor/runqueue.h>

#define NODES       64
#define RANDOM_OPS  4000
#define RANDOM_SEED 0x52a1ull

struct item {
    struct list_node node;
    int              id;
};

static struct item     items[NODES];
static struct runqueue rq;

static int setup(void **state)
{
    (void)state;
    fake_panic_reset();
    rq_init(&rq);
    for (int i = 0; i < NODES; i++) {
        list_init(&items[i].node);
        items[i].id = i;
    }
    return 0;
}

/* Pop one node, check it is `want_id` at `want_prio`, return nothing. */
static void expect_pop(int want_id, int want_prio)
{
    int prio = -2;
    struct list_node *n = rq_pop(&rq, &prio);
    assert_non_null(n);
    struct item *it = container_of(n, struct item, node);
    if (it->id != want_id || prio != want_prio)
        fail_msg("popped item %d at prio %d, want item %d at prio %d", it->id, prio, want_id,
                 want_prio);
    assert_false(list_linked(n)); /* popped nodes are unlinked, ready to queue again */
}

static void test_empty_queue(void **state)
{
    (void)state;
    assert_int_equal(rq.bitmap, 0);
    assert_int_equal(rq.count, 0);
    assert_int_equal(rq_top_prio(&rq), -1);
    int prio = 1234;
    assert_null(rq_pop(&rq, &prio));
    assert_int_equal(prio, 1234); /* untouched when nothing was popped */
    assert_null(rq_pop(&rq, NULL));
}

static void test_priority_order(void **state)
{
    (void)state;
    static const int prios[] = { 3, PRIO_MAX, PRIO_MIN, PRIO_DEFAULT, 7, 30, 1 };
    for (int i = 0; i < (int)ARRAY_LEN(prios); i++)
        rq_push_back(&rq, &items[i].node, prios[i]);
    assert_int_equal(rq.count, ARRAY_LEN(prios));
    assert_int_equal(rq_top_prio(&rq), PRIO_MAX);
    /* Highest priority first: 31, 30, 16, 7, 3, 1, 0. */
    expect_pop(1, PRIO_MAX);
    expect_pop(5, 30);
    expect_pop(3, PRIO_DEFAULT);
    expect_pop(4, 7);
    expect_pop(0, 3);
    expect_pop(6, 1);
    assert_int_equal(rq_top_prio(&rq), PRIO_MIN);
    expect_pop(2, PRIO_MIN);
    assert_int_equal(rq.count, 0);
    assert_int_equal(rq.bitmap, 0);
    assert_null(rq_pop(&rq, NULL));
}

static void test_fifo_within_level(void **state)
{
    (void)state;
    for (int i = 0; i < 5; i++)
        rq_push_back(&rq, &items[i].node, PRIO_DEFAULT);
    rq_push_back(&rq, &items[5].node, PRIO_DEFAULT - 1);
    for (int i = 0; i < 5; i++)
        expect_pop(i, PRIO_DEFAULT);
    expect_pop(5, PRIO_DEFAULT - 1);
}

static void test_push_front(void **state)
{
    (void)state;
    rq_push_back(&rq, &items[0].node, 9);
    rq_push_back(&rq, &items[1].node, 9);
    rq_push_front(&rq, &items[2].node, 9); /* a preempted thread goes back to the head */
    rq_push_front(&rq, &items[3].node, 4); /* ...of its own level only */
    assert_int_equal(rq.count, 4);
    expect_pop(2, 9);
    expect_pop(0, 9);
    expect_pop(1, 9);
    expect_pop(3, 4);
}

static void test_remove(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++)
        rq_push_back(&rq, &items[i].node, 12);
    rq_push_back(&rq, &items[4].node, 20);
    rq_remove(&rq, &items[2].node, 12); /* from the middle of a level */
    assert_false(list_linked(&items[2].node));
    assert_int_equal(rq.count, 4);
    assert_int_equal(rq.bitmap, (1u << 12) | (1u << 20));
    rq_remove(&rq, &items[4].node, 20); /* the only node of a level clears its bit */
    assert_int_equal(rq.bitmap, 1u << 12);
    assert_int_equal(rq_top_prio(&rq), 12);
    rq_remove(&rq, &items[0].node, 12); /* the head */
    rq_remove(&rq, &items[3].node, 12); /* the tail */
    assert_int_equal(rq.bitmap, 1u << 12);
    expect_pop(1, 12);
    assert_int_equal(rq.bitmap, 0);
    assert_int_equal(rq.count, 0);
    /* A removed node can be queued again. */
    rq_push_back(&rq, &items[2].node, 0);
    expect_pop(2, 0);
}

static void test_bitmap_tracks_levels(void **state)
{
    (void)state;
    uint32_t want = 0;
    for (int p = PRIO_MIN; p <= PRIO_MAX; p += 3) {
        rq_push_back(&rq, &items[p].node, p);
        want |= 1u << p;
        assert_int_equal(rq.bitmap, want);
        assert_int_equal(rq_top_prio(&rq), p);
    }
    /* A second node on a level keeps the bit when the first leaves. */
    rq_push_back(&rq, &items[NODES - 1].node, 30);
    rq_remove(&rq, &items[30].node, 30);
    assert_int_equal(rq.bitmap, want);
    rq_remove(&rq, &items[NODES - 1].node, 30);
    want &= ~(1u << 30);
    assert_int_equal(rq.bitmap, want);
    assert_int_equal(rq_top_prio(&rq), 27);
}

static void test_misuse_panics(void **state)
{
    (void)state;
    EXPECT_PANIC(rq_push_back(&rq, &items[0].node, PRIO_MAX + 1));
    EXPECT_PANIC(rq_push_back(&rq, &items[0].node, PRIO_MIN - 1));
    EXPECT_PANIC(rq_push_front(&rq, &items[0].node, PRIO_MAX + 1));
    assert_int_equal(rq.count, 0);
    assert_int_equal(rq.bitmap, 0);
    rq_push_back(&rq, &items[0].node, 5);
    EXPECT_PANIC(rq_push_back(&rq, &items[0].node, 6)); /* already queued */
    EXPECT_PANIC(rq_push_front(&rq, &items[0].node, 5));
    EXPECT_PANIC(rq_remove(&rq, &items[1].node, 5)); /* not queued */
    assert_int_equal(rq.count, 1);
    expect_pop(0, 5);
}

/* Random pushes, front pushes, removals and pops against a simple model. */
static void test_random_against_model(void **state)
{
    (void)state;
    /* Model: per level, an ordered array of item ids. */
    static int model[PRIO_LEVELS][NODES];
    static int model_len[PRIO_LEVELS];
    static int prio_of[NODES];
    memset(model_len, 0, sizeof model_len);
    for (int i = 0; i < NODES; i++)
        prio_of[i] = -1;
    struct unit_rng rng;
    unit_rng_seed(&rng, RANDOM_SEED);
    unsigned queued = 0;
    for (int op = 0; op < RANDOM_OPS; op++) {
        int id = (int)unit_rng_below(&rng, NODES);
        unsigned what = (unsigned)unit_rng_below(&rng, 4);
        if (prio_of[id] < 0 && what < 2) {
            int p = (int)unit_rng_below(&rng, PRIO_LEVELS);
            int *lvl = model[p];
            if (what == 0) {
                rq_push_back(&rq, &items[id].node, p);
                lvl[model_len[p]] = id;
            } else {
                rq_push_front(&rq, &items[id].node, p);
                memmove(lvl + 1, lvl, (size_t)model_len[p] * sizeof *lvl);
                lvl[0] = id;
            }
            model_len[p]++;
            prio_of[id] = p;
            queued++;
        } else if (prio_of[id] >= 0 && what == 2) {
            int p = prio_of[id], *lvl = model[p], k = 0;
            rq_remove(&rq, &items[id].node, p);
            while (lvl[k] != id)
                k++;
            memmove(lvl + k, lvl + k + 1, (size_t)(model_len[p] - k - 1) * sizeof *lvl);
            model_len[p]--;
            prio_of[id] = -1;
            queued--;
        } else if (what == 3) {
            int top = PRIO_MAX;
            while (top >= 0 && model_len[top] == 0)
                top--;
            assert_int_equal(rq_top_prio(&rq), top);
            if (top < 0) {
                assert_null(rq_pop(&rq, NULL));
                continue;
            }
            int head = model[top][0];
            expect_pop(head, top);
            memmove(model[top], model[top] + 1, (size_t)(model_len[top] - 1) * sizeof(int));
            model_len[top]--;
            prio_of[head] = -1;
            queued--;
        }
        assert_int_equal(rq.count, queued);
        uint32_t bits = 0;
        for (int p = 0; p < PRIO_LEVELS; p++)
            if (model_len[p])
                bits |= 1u << p;
        assert_int_equal(rq.bitmap, bits);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_empty_queue, setup),
        cmocka_unit_test_setup(test_priority_order, setup),
        cmocka_unit_test_setup(test_fifo_within_level, setup),
        cmocka_unit_test_setup(test_push_front, setup),
        cmocka_unit_test_setup(test_remove, setup),
        cmocka_unit_test_setup(test_bitmap_tracks_levels, setup),
        cmocka_unit_test_setup(test_misuse_panics, setup),
        cmocka_unit_test_setup(test_random_against_model, setup),
    };
    return cmocka_run_group_tests_name("runqueue", tests, NULL, NULL);
}
