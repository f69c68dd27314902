/* What libsodium's signing code needs besides kernel/load/sodium_util.c,
 * for tools/pkgtool: its misuse handler and randombytes, which nothing
 * reaches (pkgtool makes keys from getrandom's seed). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

void sodium_misuse(void);
void randombytes_buf(void *buf, size_t n);

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
