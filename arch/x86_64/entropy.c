/* Bare-metal entropy for seeding the CSPRNG: RDSEED, else RDRAND, each
 * 64-bit word also mixed with TSC jitter; CPUs with neither get jitter only
 * (and a warning, since that is weak). */
#include <arch/arch.h>
#include <arch/x86.h>
#include <athanor/klib.h>

#define HW_RETRIES 32

static bool rd(bool seed, uint64_t *v)
{
    for (int i = 0; i < HW_RETRIES; i++) {
        unsigned char ok;
        if (seed)
            __asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok));
        else
            __asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
        if (ok)
            return true;
    }
    return false;
}

void plat_entropy(void *buf, size_t len)
{
    static bool warned;
    uint8_t *p = buf;
    while (len) {
        uint64_t v = 0, hw;
        if ((cpu_caps.rdseed && rd(true, &hw)) || (cpu_caps.rdrand && rd(false, &hw)))
            v = hw;
        else if (!warned) {
            warned = true;
            kprintf("entropy: no RDSEED/RDRAND; seeding from timer jitter only\n");
        }
        /* Timer jitter: low TSC bits around a few port reads. */
        for (int i = 0; i < 8; i++) {
            uint64_t t = rdtsc();
            (void)inb(0x80);
            v = (v << 7 | v >> 57) ^ (rdtsc() - t) ^ t;
        }
        size_t n = len < sizeof v ? len : sizeof v;
        memcpy(p, &v, n);
        p += n;
        len -= n;
    }
}
