/* featsext: the sign-extension proposal. With -msign-ext clang compiles
 * narrowing casts to i32.extend8_s, i32.extend16_s, i64.extend8_s,
 * i64.extend16_s and i64.extend32_s; checked on values at every edge. */
#define FEAT_NAME "featsext"
#include "../feat.h"

__attribute__((noinline)) static int32_t ext8(uint32_t v) { return (int8_t)v; }
__attribute__((noinline)) static int32_t ext16(uint32_t v) { return (int16_t)v; }
__attribute__((noinline)) static int64_t ext8_64(uint64_t v) { return (int8_t)v; }
__attribute__((noinline)) static int64_t ext16_64(uint64_t v) { return (int16_t)v; }
__attribute__((noinline)) static int64_t ext32_64(uint64_t v) { return (int32_t)v; }

int main(void)
{
    static const struct { uint32_t in; int32_t e8, e16; } c32[] = {
        { 0, 0, 0 }, { 0x7f, 127, 127 }, { 0x80, -128, 128 }, { 0xff, -1, 255 },
        { 0x7fff, -1, 32767 }, { 0x8000, 0, -32768 }, { 0xffff, -1, -1 },
        { 0x12345678, 0x78, 0x5678 }, { 0xdeadbeef, -17, -16657 },
    };
    for (unsigned i = 0; i < sizeof c32 / sizeof c32[0]; i++) {
        uint32_t v = opaque_u32(c32[i].in);
        FEAT_CHECK(ext8(v) == c32[i].e8, "i32.extend8_s(%#x) = %d", v, ext8(v));
        FEAT_CHECK(ext16(v) == c32[i].e16, "i32.extend16_s(%#x) = %d", v, ext16(v));
    }
    uint64_t big = ((uint64_t)opaque_u32(0x89abcdef) << 32) | opaque_u32(0x80008080);
    FEAT_CHECK(ext8_64(big) == -128, "i64.extend8_s");
    FEAT_CHECK(ext16_64(big) == -32640, "i64.extend16_s");
    FEAT_CHECK(ext32_64(big) == (int64_t)(int32_t)0x80008080, "i64.extend32_s");
    FEAT_CHECK(ext32_64(0x7fffffffull) == 0x7fffffff, "i64.extend32_s positive");
    return feat_done();
}
