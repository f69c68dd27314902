/* The few libsodium helpers its Ed25519 and SHA-256 code calls (its own
 * utils.c needs an operating system: locked memory, random devices), for
 * the kernel's copy of that code (mk/apps.mk, kernel/load/verify.c). */
#include <athanor/klib.h>

void sodium_memzero(void *p, size_t n);
int  sodium_memcmp(const void *a, const void *b, size_t n);
int  sodium_is_zero(const unsigned char *n, size_t len);
_Noreturn void load_sodium_abort(void);

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

/* libsodium's abort() (compiled as this name, mk/apps.mk): reached only on
 * an internal inconsistency of its curve code, never from a package's bytes. */
_Noreturn void load_sodium_abort(void)
{
    kpanic("libsodium: internal error");
}
