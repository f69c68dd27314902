/* memcmp for components and apps, linked ahead of wasi-libc's: Debian 12's
 * wasi-libc (0.0~git20220510) has musl's, which compares one byte an
 * iteration (a 4 MiB compare in classicbench's base64 took a fifth of
 * that workload's time). This one compares 8 bytes a step while they
 * agree, then finds the first difference a byte at a time, so it returns
 * what musl's does. docs/components.md says why it is ours. */
#include <stddef.h>
#include <stdint.h>
#include <string.h> /* its prototype */

int memcmp(const void *vl, const void *vr, size_t n)
{
    const unsigned char *l = vl, *r = vr;
    for (; n >= 8; n -= 8, l += 8, r += 8) {
        uint64_t a, b;
        __builtin_memcpy(&a, l, 8); /* any alignment: a wasm load needs none */
        __builtin_memcpy(&b, r, 8);
        if (a != b)
            break; /* the difference is in these 8: the byte loop finds it */
    }
    for (; n && *l == *r; n--, l++, r++)
        ;
    return n ? *l - *r : 0;
}
