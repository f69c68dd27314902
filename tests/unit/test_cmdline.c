/* Unit tests of kernel command-line parsing (kernel/lib/cmdline.c): lookup of
 * `key=value` words, prefixes, spacing, empty values and truncation. */
#include <string.h>

#include "fake_platform.h"

#include <athanor/kernel.h>

#define BUF      64
#define SENTINEL 0x7f

static const char *const line = "console=ttyS0,115200 root=/dev/vda1 quiet rootfs=ext4 ktest=all "
                                "empty= a=b=c";

/* cmdline_get must find `key` with exactly `want` as its value. */
static void finds(const char *cmdline, const char *key, const char *want)
{
    char buf[BUF];
    memset(buf, SENTINEL, sizeof buf);
    if (!cmdline_get(cmdline, key, buf, sizeof buf))
        fail_msg("\"%s\": key \"%s\" not found", cmdline, key);
    if (strcmp(buf, want) != 0)
        fail_msg("\"%s\": key \"%s\" = \"%s\", want \"%s\"", cmdline, key, buf, want);
}

static void misses(const char *cmdline, const char *key)
{
    char buf[BUF];
    memset(buf, SENTINEL, sizeof buf);
    if (cmdline_get(cmdline, key, buf, sizeof buf))
        fail_msg("\"%s\": key \"%s\" found (\"%s\")", cmdline, key, buf);
    assert_int_equal((unsigned char)buf[0], SENTINEL); /* nothing written */
}

static void test_finds_values(void **state)
{
    (void)state;
    finds(line, "console", "ttyS0,115200");
    finds(line, "root", "/dev/vda1");
    finds(line, "rootfs", "ext4");
    finds(line, "ktest", "all");
    finds(line, "a", "b=c"); /* only the first '=' separates */
}

static void test_whole_keys_only(void **state)
{
    (void)state;
    misses(line, "roo");     /* a prefix of a key */
    misses(line, "oot");     /* the middle of a key */
    misses(line, "quiet");   /* a flag without '=' has no value */
    misses(line, "ttyS0");   /* a value is not a key */
    misses(line, "b");       /* nor is the text after a second '=' */
    misses(line, "missing");
    misses(line, "console=ttyS0");
    finds("xroot=1 root=2", "root", "2");
}

static void test_empty_and_spacing(void **state)
{
    (void)state;
    finds(line, "empty", "");
    misses("", "root");
    misses("   ", "root");
    finds("   root=a   ", "root", "a");
    finds("quiet  \t root=b", "root", "b"); /* only spaces separate words */
    finds("root=first root=second", "root", "first");
    finds("k=v", "k", "v");
}

static void test_truncation(void **state)
{
    (void)state;
    char buf[BUF];
    memset(buf, SENTINEL, sizeof buf);
    assert_true(cmdline_get(line, "console", buf, 6));
    assert_string_equal(buf, "ttyS0");
    assert_int_equal((unsigned char)buf[6], SENTINEL);
    assert_true(cmdline_get(line, "console", buf, 1));
    assert_string_equal(buf, "");
    /* cap 0: presence only, the buffer is not touched. */
    memset(buf, SENTINEL, sizeof buf);
    assert_true(cmdline_get(line, "root", buf, 0));
    assert_int_equal((unsigned char)buf[0], SENTINEL);
    assert_true(cmdline_get(line, "root", NULL, 0));
    assert_false(cmdline_get(line, "nope", NULL, 0));
    /* An exact fit keeps every character. */
    assert_true(cmdline_get(line, "root", buf, strlen("/dev/vda1") + 1));
    assert_string_equal(buf, "/dev/vda1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finds_values),
        cmocka_unit_test(test_whole_keys_only),
        cmocka_unit_test(test_empty_and_spacing),
        cmocka_unit_test(test_truncation),
    };
    return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
