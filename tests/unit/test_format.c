/* Unit tests of the kernel formatter and string helpers (kernel/lib/format.c):
 * ksnprintf against the C library where the semantics are the same,
 * truncation, the kernel's own conventions, kstrlcpy and kparse_u64. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "fake_platform.h"

#include <athanor/klib.h>

#define BUF      256
#define SENTINEL 0x7f /* fills buffers so writes past the terminator show */

/* Format the same arguments with ksnprintf and snprintf; both the text and
 * the returned length must match. */
#define LIKE_LIBC(...)                                                   \
    do {                                                                 \
        char k_[BUF], l_[BUF];                                           \
        int kn_ = ksnprintf(k_, sizeof k_, __VA_ARGS__);                 \
        int ln_ = snprintf(l_, sizeof l_, __VA_ARGS__);                  \
        if (kn_ != ln_ || strcmp(k_, l_) != 0)                           \
            fail_msg("%s: kernel \"%s\" (%d), libc \"%s\" (%d)",         \
                     #__VA_ARGS__, k_, kn_, l_, ln_);                    \
    } while (0)

/* ksnprintf into a big buffer must give exactly `want`. */
#define GIVES(want, ...)                                                 \
    do {                                                                 \
        char k_[BUF];                                                    \
        int kn_ = ksnprintf(k_, sizeof k_, __VA_ARGS__);                 \
        if (kn_ != (int)strlen(want) || strcmp(k_, (want)) != 0)         \
            fail_msg("%s: got \"%s\" (%d), want \"%s\"", #__VA_ARGS__,   \
                     k_, kn_, (want));                                   \
    } while (0)

static void test_literal_text(void **state)
{
    (void)state;
    GIVES("", "%s", "");
    GIVES("hello, world", "hello, world");
    GIVES("100%", "100%%");
    GIVES("%%", "%%%%");
    char buf[BUF];
    assert_int_equal(ksnprintf(buf, sizeof buf, "%s", ""), 0);
    assert_string_equal(buf, "");
}

static void test_signed_decimal(void **state)
{
    (void)state;
    static const int vals[] = { 0, 1, -1, 7, -42, 12345, INT_MAX, INT_MIN };
    for (unsigned i = 0; i < ARRAY_LEN(vals); i++) {
        int v = vals[i];
        LIKE_LIBC("%d", v);
        LIKE_LIBC("%i", v);
        LIKE_LIBC("[%5d]", v);
        LIKE_LIBC("[%-5d]", v);
        LIKE_LIBC("[%05d]", v);
        LIKE_LIBC("[%1d]", v);
        LIKE_LIBC("[%012i]", v);
        LIKE_LIBC("[%20d]", v);
    }
    GIVES("-0042", "%05d", -42); /* the sign goes before the zeros */
    /* '-' beats '0' (as in C); built at run time, since the compiler's
     * format checker warns about the combination. */
    char fmt[BUF], buf[BUF];
    strcpy(fmt, "[%-05d]");
    assert_int_equal(ksnprintf(buf, sizeof buf, fmt, -42), 7);
    assert_string_equal(buf, "[-42  ]");
}

static void test_unsigned_and_hex(void **state)
{
    (void)state;
    static const unsigned vals[] = { 0, 1, 9, 10, 15, 16, 255, 4096, 0xdeadbeefu, UINT_MAX };
    for (unsigned i = 0; i < ARRAY_LEN(vals); i++) {
        unsigned v = vals[i];
        LIKE_LIBC("%u", v);
        LIKE_LIBC("%x", v);
        LIKE_LIBC("%X", v);
        LIKE_LIBC("[%10u]", v);
        LIKE_LIBC("[%-10u]", v);
        LIKE_LIBC("[%8x]", v);
        LIKE_LIBC("[%-8X]", v);
        LIKE_LIBC("[%08x]", v);
        LIKE_LIBC("[%2X]", v);
    }
    /* A negative int printed as unsigned is its 32-bit pattern, not 64. */
    LIKE_LIBC("%x", (unsigned)-1);
    LIKE_LIBC("%u", (unsigned)INT_MIN);
}

static void test_length_modifiers(void **state)
{
    (void)state;
    LIKE_LIBC("%ld %ld %ld", LONG_MIN, LONG_MAX, 0L);
    LIKE_LIBC("%li", -1234567890123L);
    LIKE_LIBC("%lld %lld", LLONG_MIN, LLONG_MAX);
    LIKE_LIBC("%lli", -1LL);
    LIKE_LIBC("%lu %lx %lX", ULONG_MAX, ULONG_MAX, 0xabcdef0123456789UL);
    LIKE_LIBC("%llu %llx", ULLONG_MAX, 0x123456789abcdef0ULL);
    LIKE_LIBC("[%20llx] [%-20llu] [%020lld]", 0xfeedULL, 42ULL, -42LL);
    LIKE_LIBC("%zu %zx %zu", SIZE_MAX, (size_t)0x1000, (size_t)0);
    LIKE_LIBC("%zd %zd", (ptrdiff_t)-5, (ptrdiff_t)PTRDIFF_MAX);
    /* Mixed sizes in one format consume the right argument widths. */
    LIKE_LIBC("%d|%lld|%u|%zu|%lx|%c|%s", -1, LLONG_MIN, 7u, (size_t)8, 0xffUL, 'z', "end");
}

static void test_alternate_form(void **state)
{
    (void)state;
    LIKE_LIBC("%#x", 255u);
    LIKE_LIBC("%#x", 1u);
    LIKE_LIBC("%#lx", 0xdeadbeefUL);
    LIKE_LIBC("%#llx", 0x1000ULL);
    LIKE_LIBC("%#zx", (size_t)0x10);
    /* The prefix counts toward the width: zeros go after it, spaces before. */
    LIKE_LIBC("%#014llx", 0x100000ULL);
    LIKE_LIBC("%#8x", 0x1fu);
    LIKE_LIBC("%-#8x|", 0x1fu);
    LIKE_LIBC("%#X", 0x1fu);
    LIKE_LIBC("%#x", 0u); /* no prefix on zero */
    LIKE_LIBC("%#010x", 0u);
}

static void test_pointer(void **state)
{
    (void)state;
    GIVES("0x1234", "%p", (void *)0x1234);
    GIVES("0xffffffff80000000", "%p", (void *)0xffffffff80000000ull);
    GIVES("0x0", "%p", (void *)0); /* the kernel prints NULL as a number */
    int local;
    char want[BUF];
    snprintf(want, sizeof want, "0x%lx", (unsigned long)(uintptr_t)&local);
    GIVES(want, "%p", (void *)&local);
}

static void test_strings_and_chars(void **state)
{
    (void)state;
    LIKE_LIBC("%s", "abc");
    LIKE_LIBC("[%5s]", "abc");
    LIKE_LIBC("[%-5s]", "abc");
    LIKE_LIBC("[%2s]", "abcdef"); /* width never truncates */
    LIKE_LIBC("%s%s%s", "a", "", "bc");
    LIKE_LIBC("%c%c%c", 'x', 'y', 'z');
    LIKE_LIBC("[%c]", '%');
    const char *volatile null = NULL; /* volatile: hide the NULL from the format checker */
    GIVES("(null)", "%s", null);
    GIVES("[(null)  ]", "[%-8s]", null);
    /* A NUL character is output and counted like any other. */
    char buf[BUF];
    assert_int_equal(ksnprintf(buf, sizeof buf, "a%cb", 0), 3);
    assert_memory_equal(buf, "a\0b", 4);
}

static void test_truncation(void **state)
{
    (void)state;
    static const char full[] = "hello world";
    const int len = (int)strlen(full);
    char buf[BUF];
    assert_int_equal(ksnprintf(NULL, 0, "%s", full), len); /* cap 0: nothing written */
    for (size_t cap = 1; cap <= sizeof full + 2; cap++) {
        memset(buf, SENTINEL, sizeof buf);
        assert_int_equal(ksnprintf(buf, cap, "hello %s", "world"), len);
        size_t kept = cap - 1 < (size_t)len ? cap - 1 : (size_t)len;
        assert_memory_equal(buf, full, kept);
        assert_int_equal(buf[kept], '\0');
        for (size_t i = cap; i < sizeof buf; i++)
            if (buf[i] != SENTINEL)
                fail_msg("cap %zu: byte %zu written", cap, i);
    }
    /* Truncation inside padding and numbers still counts everything. */
    memset(buf, SENTINEL, sizeof buf);
    assert_int_equal(ksnprintf(buf, 4, "%08d", -12), 8);
    assert_string_equal(buf, "-00");
    assert_int_equal(ksnprintf(buf, 3, "%-6s|", "ab"), 7);
    assert_string_equal(buf, "ab");
    assert_int_equal(ksnprintf(buf, 1, "%llu", ULLONG_MAX), 20);
    assert_string_equal(buf, "");
}

static void test_malformed_formats(void **state)
{
    (void)state;
    /* Built at run time so the compiler's format checker lets them through. */
    char fmt[BUF];
    char buf[BUF];
    strcpy(fmt, "abc%");
    assert_int_equal(ksnprintf(buf, sizeof buf, fmt, 0), 3); /* a lone '%' at the end */
    assert_string_equal(buf, "abc");
    strcpy(fmt, "x%-5");
    assert_int_equal(ksnprintf(buf, sizeof buf, fmt, 0), 1); /* flags then the end */
    assert_string_equal(buf, "x");
    strcpy(fmt, "x%ll");
    assert_int_equal(ksnprintf(buf, sizeof buf, fmt, 0), 1);
    strcpy(fmt, "[%q]%d");
    ksnprintf(buf, sizeof buf, fmt, 5); /* unknown: shown literally, no argument used */
    assert_string_equal(buf, "[%q]5");
}

/* A variadic wrapper like kprintf's, to call kvsnprintf with a va_list. */
static int __attribute__((format(printf, 3, 4))) wrap(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

static void test_kvsnprintf_va_list(void **state)
{
    (void)state;
    char buf[BUF];
    assert_int_equal(wrap(buf, sizeof buf, "%s=%d;%llx;%zu;%c", "x", -3, 0xabcULL, (size_t)9, 'q'),
                     12);
    assert_string_equal(buf, "x=-3;abc;9;q");
    assert_int_equal(wrap(buf, 4, "%d", 123456), 6);
    assert_string_equal(buf, "123");
}

static void test_kstrlcpy(void **state)
{
    (void)state;
    char buf[16];
    memset(buf, SENTINEL, sizeof buf);
    assert_int_equal(kstrlcpy(buf, "hello", 0), 5); /* cap 0: nothing written */
    assert_int_equal((unsigned char)buf[0], SENTINEL);
    assert_int_equal(kstrlcpy(buf, "hello", 1), 5);
    assert_string_equal(buf, "");
    assert_int_equal(kstrlcpy(buf, "hello", 5), 5);
    assert_string_equal(buf, "hell");
    assert_int_equal((unsigned char)buf[5], SENTINEL);
    assert_int_equal(kstrlcpy(buf, "hello", 6), 5);
    assert_string_equal(buf, "hello");
    assert_int_equal(kstrlcpy(buf, "", sizeof buf), 0);
    assert_string_equal(buf, "");
    assert_int_equal(kstrlcpy(buf, "a longer string than fits", sizeof buf), 25);
    assert_string_equal(buf, "a longer string");
}

static void parses(const char *s, uint64_t want)
{
    uint64_t v = ~want;
    if (!kparse_u64(s, &v) || v != want)
        fail_msg("kparse_u64(\"%s\") gave %llu, want %llu", s, (unsigned long long)v,
                 (unsigned long long)want);
}

static void rejects(const char *s)
{
    uint64_t v = 0;
    if (kparse_u64(s, &v))
        fail_msg("kparse_u64(\"%s\") accepted (%llu)", s, (unsigned long long)v);
}

static void test_kparse_u64(void **state)
{
    (void)state;
    parses("0", 0);
    parses("7", 7);
    parses("007", 7); /* leading zeros are decimal, not octal */
    parses("1234567890", 1234567890ull);
    parses("18446744073709551615", UINT64_MAX);
    parses("0x0", 0);
    parses("0x1f", 0x1f);
    parses("0XABCdef", 0xabcdef);
    parses("0xffffffffffffffff", UINT64_MAX);
    parses("0x00000000000000000001", 1);
    rejects("");
    rejects("0x");
    rejects("0X");
    rejects("18446744073709551616"); /* UINT64_MAX + 1 */
    rejects("99999999999999999999");
    rejects("0x10000000000000000");
    rejects("12a");
    rejects("ff"); /* hex needs its prefix */
    rejects("0x1g");
    rejects("-1");
    rejects("+1");
    rejects(" 1");
    rejects("1 ");
    rejects("0x-1");
    rejects("1.5");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_text),
        cmocka_unit_test(test_signed_decimal),
        cmocka_unit_test(test_unsigned_and_hex),
        cmocka_unit_test(test_length_modifiers),
        cmocka_unit_test(test_alternate_form),
        cmocka_unit_test(test_pointer),
        cmocka_unit_test(test_strings_and_chars),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_malformed_formats),
        cmocka_unit_test(test_kvsnprintf_va_list),
        cmocka_unit_test(test_kstrlcpy),
        cmocka_unit_test(test_kparse_u64),
    };
    return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
