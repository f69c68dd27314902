/* wasifuzz: calls WASI host functions with random pointers and lengths, to
 * show the kernel answers them with error codes and never faults. Pointers
 * are: beyond the end of memory (random), straddling its end, or inside a
 * scratch buffer (so the in-bounds paths run too, without the kernel's
 * writes landing on this program's own data).
 * Usage: wasifuzz [iterations] [seed] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <wasi/api.h>

#define SCRATCH (64 * 1024)
#define SCRATCH_PTR_SPAN (SCRATCH / 2) /* in-scratch pointers start in the first half... */
#define SCRATCH_LEN_MAX  (SCRATCH / 4) /* ...and in-scratch lengths stay below a quarter */
static uint8_t scratch[SCRATCH];
static uint64_t rng;

static uint32_t next(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng >> 32);
}

static int in_scratch; /* the last ptr() pointed into scratch: keep lengths small */

static uint32_t ptr(void)
{
    uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
    in_scratch = 0;
    switch (next() % 3) {
    case 0: /* anywhere past the end of memory */
        return end + next() % (0u - end);
    case 1: /* straddling the end */
        return end - next() % 64;
    default:
        in_scratch = 1;
        return (uint32_t)(uintptr_t)scratch + next() % SCRATCH_PTR_SPAN;
    }
}

static uint32_t len(void)
{
    if (in_scratch)
        return next() % SCRATCH_LEN_MAX;
    switch (next() % 3) {
    case 0: return next() % 16;
    case 1: return next() % 65536;
    default: return next();
    }
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 5000;
    rng = argc > 2 ? (uint64_t)atoll(argv[2]) : 1;
    unsigned ok = 0, efault = 0, other = 0;
    for (long i = 0; i < iters; i++) {
        __wasi_errno_t e;
        switch (next() % 9) {
        case 0: e = __wasi_fd_write(3 + next() % 4, (void *)(uintptr_t)ptr(), len() % 8, (void *)(uintptr_t)ptr()); break;
        case 1: e = __wasi_args_get((void *)(uintptr_t)ptr(), (void *)(uintptr_t)ptr()); break;
        case 2: e = __wasi_args_sizes_get((void *)(uintptr_t)ptr(), (void *)(uintptr_t)ptr()); break;
        case 3: e = __wasi_environ_sizes_get((void *)(uintptr_t)ptr(), (void *)(uintptr_t)ptr()); break;
        case 4: e = __wasi_clock_time_get(next() % 5, 0, (void *)(uintptr_t)ptr()); break;
        case 5: { uint32_t p = ptr(); e = __wasi_random_get((void *)(uintptr_t)p, len()); break; }
        case 6: e = __wasi_fd_fdstat_get(next() % 5, (void *)(uintptr_t)ptr()); break;
        case 7: e = __wasi_fd_read(3 + next() % 4, (void *)(uintptr_t)ptr(), len() % 8, (void *)(uintptr_t)ptr()); break;
        default: e = __wasi_fd_seek(next() % 5, (__wasi_filedelta_t)next(), next() % 3, (void *)(uintptr_t)ptr()); break;
        }
        if (e == 0)
            ok++;
        else if (e == __WASI_ERRNO_FAULT)
            efault++;
        else
            other++;
    }
    printf("wasifuzz: %ld calls: %u ok, %u EFAULT, %u other errors\n", iters, ok, efault, other);
    /* Both outcomes must have happened, or the run proved nothing. */
    return ok && efault ? 0 : 1;
}
