/* In-kernel tests: each test is a function returning NULL on success or a
 * message saying what went wrong. The same suite runs on the hosted platform
 * (integration tests) and under QEMU (boot tests). */
#ifndef ATHANOR_KTEST_H
#define ATHANOR_KTEST_H

#include <athanor/klib.h>
#include <athanor/platform.h>

typedef const char *(*ktest_fn)(void);

struct ktest {
    const char *name;
    ktest_fn    fn;
};

/* Fail the current test with a formatted reason unless cond holds. */
#define KT_CHECK(cond, ...)                                        \
    do {                                                           \
        if (!(cond))                                               \
            return ktest_failf(__VA_ARGS__);                       \
    } while (0)

const char *ktest_failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Wait up to ms milliseconds for c to serve calls (ath_serve), as long as
 * it runs: whether it does. */
struct component;
bool ktest_wait_serving(struct component *c, unsigned ms);
/* Start the named component (its manifest arguments) and wait up to
 * wait_ns for it to exit 0, as a component that checks something itself
 * does: NULL, or why not (its own lines on the console say more). */
const char *ktest_run_to_exit(const char *name, uint64_t wait_ns);

/* The test tables of each file. */
extern const struct ktest ktests_sched[];
extern const struct ktest ktests_mem[];
extern const struct ktest ktests_fpu[];
extern const struct ktest ktests_load[];
extern const struct ktest ktests_comp[];
extern const struct ktest ktests_caps[];
extern const struct ktest ktests_isolation[];
extern const struct ktest ktests_privacy[];
extern const struct ktest ktests_wasm[];
extern const struct ktest ktests_fuzz[];     /* azoth.test=fuzz only */
extern const struct ktest ktests_sessions[]; /* azoth.test=sessions (or a name) only */

/* Trigger a deliberate kernel fault (the page-fault report test). */
noreturn void ktest_fault_pagefault(void);
noreturn void ktest_fault_stack_overflow(void);

#endif
