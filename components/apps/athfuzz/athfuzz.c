/* athfuzz: calls Athanor's own host functions (capabilities, IPC,
 * notifications, hardware, component control, introspection, the console
 * log) with random handles, ports, widths, offsets, lengths and pointers,
 * to show the kernel answers every one with a result or an error code of
 * errors.h, and never faults. Its manifest entry gives it little on
 * purpose (an unused port range, a small DMA quota, a clock, no log): most
 * calls must be refused, the console log's every one.
 * Pointers: past the end of memory, straddling it, or inside a scratch
 * buffer. Usage: athfuzz [iterations] [seed]; exits 1 on an unexpected
 * answer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <athanor.h>

#define SCRATCH (64 * 1024)
static unsigned char scratch[SCRATCH];
static uint64_t rng;
static unsigned bad;

static uint32_t next(void)
{
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng >> 32);
}

static uint32_t ptr(void)
{
    uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
    switch (next() % 3) {
    case 0: return end + next() % (0u - end);
    case 1: return end - next() % 64;
    default: return (uint32_t)(uintptr_t)scratch + next() % (SCRATCH / 2);
    }
}

static uint32_t len(void) { return next() % 4 ? next() % 512 : next(); }

/* A handle: often one of ours (small index, right generation), sometimes garbage. */
static uint32_t handle(void)
{
    switch (next() % 4) {
    case 0: return next();
    case 1: return 0;
    default: return (1u << 16) | (next() % 12);
    }
}

/* An error must be one of errors.h's; anything >= 0 is a result. */
static void check(const char *what, int64_t r)
{
    if (r < 0 && -r >= ATH_ERR_COUNT) {
        if (bad++ < 10)
            printf("athfuzz: %s answered %lld, not an error code\n", what, (long long)r);
    }
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000;
    rng = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
    for (long i = 0; i < n; i++) {
        uint32_t p = ptr();
        switch (next() % 24) {
        case 0: check("io_in", __ath_io_in(handle(), next() % 0x10010, next() % 6, (uint32_t *)(uintptr_t)p)); break;
        case 1: check("io_out", __ath_io_out(handle(), next() % 0x10010, next() % 6, next())); break;
        case 2: check("irq_bind", __ath_irq_bind(handle(), handle(), next())); break;
        case 3: check("irq_ack", __ath_irq_ack(handle())); break;
        case 4: check("mmio_read", __ath_mmio_read(handle(), (uint64_t)next() << (next() % 33), next() % 10,
                                                  (uint64_t *)(uintptr_t)p)); break;
        case 5: check("mmio_write", __ath_mmio_write(handle(), next(), next() % 10, next())); break;
        case 6: check("mmio_write_block", __ath_mmio_write_block(handle(), next(), (const void *)(uintptr_t)p, len())); break;
        case 7: check("dma_alloc", __ath_dma_alloc(handle(), next() % 4 ? 4096 * (next() % 8) : next(),
                                                  (uint32_t *)(uintptr_t)p, (uint64_t *)(uintptr_t)ptr())); break;
        case 8: check("dma_phys", __ath_dma_phys(handle(), next(), (uint64_t *)(uintptr_t)p)); break;
        case 9: check("cap_info", __ath_cap_info(handle(), (struct ath_cap_info *)(uintptr_t)p)); break;
        case 10: check("cap_find", __ath_cap_find(next() % 14, next() % 4)); break;
        case 11: {
            int32_t h = __ath_cap_derive_range(handle(), next(), next(), next());
            check("cap_derive_range", h);
            if (h > 0)
                __ath_cap_delete((uint32_t)h);
            break;
        }
        case 12: check("reply_grant", __ath_reply_grant(handle())); break;
        case 13: check("caller_name", __ath_caller_name((char *)(uintptr_t)p, len())); break;
        case 14: check("comp_ctl", __ath_comp_ctl(handle(), (const char *)(uintptr_t)p, len(), next() % 10, next())); break;
        case 15: check("comp_name", __ath_comp_name(handle(), next() % 40, (char *)(uintptr_t)p, len())); break;
        case 16: check("sys_mem", __ath_sys_mem(handle(), (struct ath_sys_mem *)(uintptr_t)p)); break;
        case 17: check("sys_fault", __ath_sys_fault(handle(), next() % 20, (struct ath_sys_fault *)(uintptr_t)p)); break;
        case 18: check("sys_cap", __ath_sys_cap(handle(), (const char *)(uintptr_t)p, len(), next() % 70,
                                               (struct ath_sys_cap *)(uintptr_t)ptr())); break;
        case 19: check("sys_watch", __ath_sys_watch(handle(), handle(), next())); break;
        case 20: check("power", __ath_power(handle(), next() % 4)); break;
        case 21: check("comp_start", __ath_comp_start(handle(), (const char *)(uintptr_t)p, len(),
                                                     (const char *)(uintptr_t)ptr(), len())); break;
        case 22: { /* it holds no log capability: never an answer */
            int r = __ath_log_read(handle(), (uint64_t *)(uintptr_t)p, (void *)(uintptr_t)ptr(), len(), handle(),
                                   next());
            check("log_read", r);
            if (r >= 0 && bad++ < 10)
                printf("athfuzz: log_read answered %d without a log capability\n", r);
            break;
        }
        default: check("call_msg", __ath_call_msg(handle(), next(), next(), (const void *)(uintptr_t)p, len(),
                                                (uint64_t *)(uintptr_t)ptr())); break;
        }
    }
    printf("athfuzz: %ld calls, %u unexpected answers\n", n, bad);
    return bad != 0;
}
