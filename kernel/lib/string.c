/* Freestanding C string and memory functions for the bare-metal kernel.
 * (Hosted builds use the C library's versions so the sanitizers see them.) */
#include <athanor/klib.h>

/* gcc must not turn these loops back into calls to themselves. */
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

typedef uint64_t __attribute__((may_alias)) word_t; /* word access to any object */

/* Word-at-a-time when both pointers share alignment: pages are copied and
 * cleared a lot (component memories, snapshots). */
NO_LIBCALL void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if ((((uintptr_t)dp ^ (uintptr_t)sp) & 7) == 0) {
        while (n && ((uintptr_t)dp & 7)) {
            *dp++ = *sp++;
            n--;
        }
        for (; n >= 8; n -= 8, dp += 8, sp += 8)
            *(word_t *)dp = *(const word_t *)sp;
    }
    while (n--)
        *dp++ = *sp++;
    return d;
}

NO_LIBCALL void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if (dp == sp || n == 0)
        return d;
    if (dp < sp) {
        while (n--)
            *dp++ = *sp++;
    } else {
        while (n--)
            dp[n] = sp[n];
    }
    return d;
}

NO_LIBCALL void *memset(void *d, int c, size_t n)
{
    unsigned char *dp = d;
    while (n && ((uintptr_t)dp & 7)) {
        *dp++ = (unsigned char)c;
        n--;
    }
    word_t w = 0x0101010101010101ull * (unsigned char)c;
    for (; n >= 8; n -= 8, dp += 8)
        *(word_t *)dp = w;
    while (n--)
        *dp++ = (unsigned char)c;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}
