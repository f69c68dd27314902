/* The few libsodium helpers its signing code calls, for tools/pkgtool: the
 * rest of libsodium (its utils.c, randombytes) is not built. pkgtool makes
 * keys from getrandom's seed, so nothing asks libsodium for randomness. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

void sodium_memzero(void *p, size_t n);
int  sodium_memcmp(const void *a, const void *b, size_t n);
int  sodium_is_zero(const unsigned char *n, size_t len);
void sodium_misuse(void);
void randombytes_buf(void *buf, size_t n);

void sodium_memzero(void *p, size_t n)
{
    volatile unsigned char *q = p;
    while (n--)
        *q++ = 0;
}

/* 0 if equal, -1 if not, in time independent of where they differ. */
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

void sodium_misuse(void)
{
    fprintf(stderr, "pkgtool: libsodium reported a misuse\n");
    abort();
}

void randombytes_buf(void *buf, size_t n)
{
    (void)buf;
    (void)n;
    fprintf(stderr, "pkgtool: libsodium asked for random bytes (keys come from a seed)\n");
    abort();
}
