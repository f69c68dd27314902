/* The test and benchmark runners of an image built without the in-kernel
 * tests: the user image (what `make run` boots, mk/images.mk) links this
 * file instead of the rest of kernel/ktest. Its components are the system's
 * and a few demos, not the test bench the tests drive, so azoth.test= and
 * azoth.bench= say where the tests are and fail the run, as an unknown test
 * name does. */
#include <athanor/kernel.h>
#include <athanor/klib.h>

static noreturn void absent(const char *who, const char *what, const char *name)
{
    kprintf("%s: no %s named '%s' in this image: the tests and benchmarks are in the test image\n", who,
            what, name);
    plat_test_exit(PLAT_TEST_FAIL);
}

void ktest_thread(void *name) { absent("ktest", "test", name); }

void kbench_thread(void *name) { absent("bench", "benchmark", name); }
