/* Seed programs for the stateful fuzzer (components/fuzz/puppet.h): a few
 * written to reach the hard places at once (nested calls, lends and
 * transfers, kills and resets from inside handlers, exits and traps in
 * handlers), then pseudo-random ones. Usage: fuzzseeds <dir> <count> */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../components/fuzz/puppet.h"

static uint64_t x = 88172645463325252ull;
static uint32_t rnd(void)
{
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return (uint32_t)(x >> 11);
}

static void put(FILE *f, uint8_t op, uint8_t target, uint8_t flags, uint8_t sel, uint32_t a, uint32_t b,
                uint32_t c)
{
    struct fz_cmd cmd = { op, target, flags, sel, a, b, c };
    fwrite(&cmd, sizeof cmd, 1, f);
}

static FILE *seed(const char *dir, int n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/seed%03d.bin", dir, n);
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        exit(1);
    }
    return f;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return fprintf(stderr, "usage: fuzzseeds <dir> <count>\n"), 2;
    int count = atoi(argv[2]), n = 0;
    FILE *f = seed(argv[1], n++); /* nested calls three deep, notifications passed along */
    put(f, C_NOTIFY_CREATE, 0, 0, 0, 0, 0, 0);
    put(f, C_NEST, 0, 3 << 1, 0, 1, 0, 0);
    put(f, C_NEST, 1, 0, 0, 2, 0, 0);
    put(f, C_CALL_GRANT, 2, 0, 0, 0, 0, 1);
    put(f, C_NOTIFY_WAIT, 2, 0, 0, 0, 1, 2);
    put(f, C_CALL_LEND, 0, 1, 0, 1, 0, 2);
    put(f, C_TRANSFER, 1, 0, 0, 2, 1, 0);
    fclose(f);
    f = seed(argv[1], n++); /* lifecycle from inside handlers: kill, reset, exit, trap */
    put(f, C_CAP_FIND, 0, 0, 0, 7, 0, 0);
    put(f, C_NEST, 0, 1 << 1, 0, 1, 0, 0);
    put(f, C_COMP_CTL, 1, 0, 0, 0, 0, 2);
    put(f, C_COMP_CTL, 0, 0, 0, 1, 0, 4);
    put(f, FZ_LIFECYCLE + 1, 1, 0, 0, 0, 0, 0);
    put(f, C_EXIT, 1, 0, 0, 3, 0, 0);
    put(f, C_TRAP, 2, 0, 0, 1, 0, 0);
    put(f, FZ_LIFECYCLE + 3, 2, 0, 0, 0, 0, 0);
    put(f, C_RECURSE, 0, 0, 0, 0, 0, 0);
    put(f, FZ_LIFECYCLE + 4, 1, 0, 0, 2, 0, 0);
    fclose(f);
    for (; n < count; n++) {
        f = seed(argv[1], n);
        int len = 8 + (int)(rnd() % 120);
        for (int i = 0; i < len; i++) {
            uint32_t r = rnd();
            put(f, (uint8_t)(r % 10 ? r % C_HOSTCALLS : FZ_LIFECYCLE + r % 8), (uint8_t)(rnd() % 3),
                (uint8_t)rnd(), (uint8_t)rnd(), rnd() % 4 ? rnd() % 64 : rnd(), rnd() % 4 ? rnd() % 64 : rnd(),
                rnd() % 4 ? rnd() % 64 : rnd());
        }
        fclose(f);
    }
    return 0;
}
