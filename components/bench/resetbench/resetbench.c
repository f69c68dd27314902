/* resetbench: a component with 16 MiB of linear memory that dirties a given
 * number of KiB (argument) each time it runs, then sleeps: reset must copy
 * back only what it dirtied. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MEM_USE (15u << 20) /* most of the 16 MiB initial memory */
static volatile unsigned char area[MEM_USE]; /* volatile: the writes are the point */

int main(int argc, char **argv)
{
    long kib = argc > 1 ? atol(argv[1]) : 64;
    if (kib < 0 || (unsigned long)kib * 1024 > MEM_USE)
        return 2;
    for (long i = 0; i < kib * 1024; i += 4096)
        area[i] = (unsigned char)(i / 4096 + 1); /* one write per page */
    struct timespec ts = { 3600, 0 };
    for (;;)
        nanosleep(&ts, NULL);
}
