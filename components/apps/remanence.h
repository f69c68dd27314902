/* No data remanence, probed (kernel/ktest/test_privacy.c): remfill grows
 * its linear memory and takes DMA pages, fills both with a pattern and
 * exits; remcheck, started next, grows its memory and takes DMA pages the
 * same way and looks for any trace of the pattern. The kernel zeroes every
 * page before a component gets it, whoever had it before. Both platforms
 * have DMA buffers; one without (ath_dma_alloc: ENOSYS) would be checked
 * for memory only, and the line would say so. Exit status 0: filled
 * (remfill), no trace found (remcheck).
 * `remfill hold` is for the reset test: it waits a second (the test looks
 * at it while it holds no DMA page), then checks what it got like remcheck
 * (exit 1 on a trace), fills it and stays, until reset or killed. */
#include <athanor.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define GROW_PAGES 64               /* wasm pages (4 MiB) of linear memory */
#define DMA_BYTES  (64 * 4096)      /* the manifest's dma_pages */
#define PATTERN    0xA207C0DEA207C0DEull

/* Fill (or scan) [p, p + len): the number of words holding the pattern. */
static uint64_t visit(volatile uint64_t *p, uint64_t len, int fill)
{
    uint64_t found = 0;
    for (uint64_t i = 0; i < len / 8; i++) {
        if (fill)
            p[i] = PATTERN ^ i;
        else if (p[i] == (PATTERN ^ i) || p[i] == PATTERN)
            found++;
    }
    return found;
}

int main(int argc, char **argv)
{
    int hold = FILL && argc > 1 && !strcmp(argv[1], "hold");
    int check = !FILL || hold;
    struct timespec second = { 1, 0 };
    if (hold)
        nanosleep(&second, NULL);
    size_t before = __builtin_wasm_memory_grow(0, GROW_PAGES);
    if (before == (size_t)-1) {
        printf("%s: memory.grow failed\n", NAME);
        return 1;
    }
    volatile uint64_t *fresh = (volatile uint64_t *)(uintptr_t)(before * 65536);
    uint64_t mem = check ? visit(fresh, GROW_PAGES * 65536ull, 0) : 0;
    void *buf;
    uint64_t phys, dma = 0;
    int r = ath_dma_alloc(ath_cap_find(ATH_T_DMA, 0), DMA_BYTES, &buf, &phys);
    unsigned dma_kib = r == 0 ? DMA_BYTES / 1024 : 0;
    if (r == 0 && check)
        dma = visit(buf, DMA_BYTES, 0);
    else if (r != 0 && r != -ATH_ENOSYS) {
        printf("%s: dma_alloc: %d\n", NAME, r);
        return 1;
    }
    const char *no_dma = r ? " (no DMA on this platform)" : "";
    if (check)
        printf("%s: words of the pattern found: %llu in %u KiB of new memory, %llu in %u KiB of DMA pages%s\n",
               NAME, (unsigned long long)mem, GROW_PAGES * 64, (unsigned long long)dma, dma_kib, no_dma);
    if (!FILL || mem || dma)
        return mem || dma ? 1 : 0;
    visit(fresh, GROW_PAGES * 65536ull, 1);
    if (r == 0)
        visit(buf, DMA_BYTES, 1);
    printf("%s: %u KiB of memory and %u KiB of DMA pages filled%s\n", NAME, GROW_PAGES * 64, dma_kib, no_dma);
    if (!hold || r)
        return 0; /* held only where there are DMA pages to hold */
    for (;;)
        nanosleep(&second, NULL);
}
