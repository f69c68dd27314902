/* featmv: the multi-value proposal. Built with clang's experimental
 * multi-value ABI (wasm.flags), a function returning a small struct returns
 * its fields as several wasm results, and a block may yield several
 * values; checked against the values each must give. */
#define FEAT_NAME "featmv"
#include "../feat.h"

struct divmod { uint32_t q, r; };
struct three { int32_t a; int64_t b; double c; };

__attribute__((noinline)) static struct divmod divmod(uint32_t x, uint32_t y)
{
    return (struct divmod){ x / y, x % y };
}

__attribute__((noinline)) static struct three three(int32_t x)
{
    return (struct three){ x * 2, (int64_t)x << 33, x / 4.0 };
}

/* Swapping through a multi-value return, many times (a register shuffle). */
__attribute__((noinline)) static struct divmod swap(struct divmod v)
{
    return (struct divmod){ v.r, v.q };
}

int main(void)
{
    struct divmod d = divmod(opaque_u32(1000003), opaque_u32(97));
    FEAT_CHECK(d.q == 10309 && d.r == 30, "divmod: %u %u", d.q, d.r);
    struct three t = three((int32_t)opaque_u32(-6));
    FEAT_CHECK(t.a == -12 && t.b == -51539607552ll && t.c == -1.5, "three: %d %lld %g", t.a,
               (long long)t.b, t.c);
    struct divmod s = { opaque_u32(1), 2 };
    for (int i = 0; i < 1001; i++)
        s = swap(s);
    FEAT_CHECK(s.q == 2 && s.r == 1, "swap x1001: %u %u", s.q, s.r);
    return feat_done();
}
