/* The helpers libsodium's Ed25519 and SHA-256 code calls from its utils.c,
 * which needs an operating system (locked memory, random devices) and is
 * not built: the same few lines for the kernel and for tools/pkgtool
 * (mk/apps.mk compiles this file into both). */
#include <stddef.h>

void sodium_memzero(void *p, size_t n);
int  sodium_memcmp(const void *a, const void *b, size_t n);
int  sodium_is_zero(const unsigned char *n, size_t len);

void sodium_memzero(void *p, size_t n)
{
    volatile unsigned char *q = p;
    while (n--)
        *q++ = 0;
}

/* 0 if equal, -1 if not, in time independent of where they differ (what
 * libsodium's own does). */
int sodium_memcmp(const void *a, const void *b, size_t n)
{
    const volatile unsigned char *x = a, *y = b;
    unsigned char d = 0;
    for (size_t i = 0; i < n; i++)
        d |= x[i] ^ y[i];
    return (1 & ((d - 1) >> 8)) - 1;
}

int sodium_is_zero(const unsigned char *n, size_t len)
{
    volatile unsigned char d = 0;
    for (size_t i = 0; i < len; i++)
        d |= n[i];
    return 1 & ((d - 1) >> 8);
}
