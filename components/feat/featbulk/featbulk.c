/* featbulk: the bulk-memory proposal. With -mbulk-memory clang turns memcpy,
 * memmove and memset of a size it does not know into memory.copy and
 * memory.fill; checked against byte loops, overlapping both ways and at
 * the end of memory (an out-of-bounds fill traps: feattrap). */
#define FEAT_NAME "featbulk"
#include "../feat.h"

#include <stdlib.h>
#include <string.h>

#define LEN 4096

static unsigned char a[LEN], b[LEN];

/* Not inlined, so clang emits the instruction rather than unrolled code. */
__attribute__((noinline)) static void do_copy(void *d, const void *s, size_t n) { memmove(d, s, n); }
__attribute__((noinline)) static void do_fill(void *d, int v, size_t n) { memset(d, v, n); }

int main(void)
{
    for (int i = 0; i < LEN; i++)
        a[i] = (unsigned char)(i * 13 + 1);
    size_t n = opaque_u32(1000);
    do_copy(b, a + 5, n);
    int same = 1;
    for (size_t i = 0; i < n; i++)
        same &= b[i] == a[i + 5];
    FEAT_CHECK(same, "memory.copy");
    /* Overlap forwards and backwards: memmove's meaning, which memory.copy has. */
    memcpy(b, a, LEN);
    do_copy(b + 10, b, n);
    same = 1;
    for (size_t i = 0; i < n; i++)
        same &= b[i + 10] == a[i];
    FEAT_CHECK(same, "memory.copy overlapping upwards");
    memcpy(b, a, LEN);
    do_copy(b, b + 10, n);
    same = 1;
    for (size_t i = 0; i < n; i++)
        same &= b[i] == a[i + 10];
    FEAT_CHECK(same, "memory.copy overlapping downwards");
    memcpy(b, a, LEN);
    do_fill(b + 100, 0x5a, n);
    same = b[99] == a[99] && b[100 + n] == a[100 + n];
    for (size_t i = 0; i < n; i++)
        same &= b[100 + i] == 0x5a;
    FEAT_CHECK(same, "memory.fill");
    do_copy(b, a, 0);
    do_fill(b, 0, 0);
    FEAT_CHECK(b[0] == a[0], "zero-length copy and fill change nothing");
    /* A copy into freshly grown memory: memory.grow, then memory.copy and
     * memory.fill up to the new end (their bounds are the new size). */
    size_t big = opaque_u32(3 << 20);
    unsigned char *p = malloc(big);
    FEAT_CHECK(p != NULL, "malloc of 3 MiB");
    if (p) {
        do_fill(p, 0x77, big);
        do_copy(p + big - LEN, a, LEN);
        FEAT_CHECK(p[0] == 0x77 && p[big - LEN - 1] == 0x77 && p[big - 1] == a[LEN - 1],
                   "fill and copy up to the end of grown memory");
        free(p);
    }
    return feat_done();
}
