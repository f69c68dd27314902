/* Fake platform for the host unit tests: just the platform and klib entry
 * points the kernel sources under test call (see fake_platform.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define FAKE_POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define FAKE_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define FAKE_POISON(p, n)   ((void)(p), (void)(n))
#define FAKE_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#include "fake_platform.h"

#include <athanor/klib.h>

/* A spin loop that never gets the lock means a lock was left held (e.g. on a
 * panic path); fail instead of hanging the suite. */
#define DEADLOCK_SPINS 10000000ul
#define MSG_MAX        512

static _Alignas(4096) unsigned char ram[FAKE_RAM_SIZE];
static bool          irq_on = true;
static unsigned long spins;
static jmp_buf      *panic_jb;
static unsigned      panics;
static char          panic_msg[MSG_MAX];
static unsigned      kprintfs;
static char          kprintf_msg[MSG_MAX];

/* ---- simulated RAM ---------------------------------------------------------- */

void fake_ram_reset(void)
{
    FAKE_UNPOISON(ram, sizeof ram);
    memset(ram, FAKE_RAM_JUNK, sizeof ram);
}

unsigned char *fake_ram(void) { return ram; }

static void check_range(phys_addr_t pa, uint64_t size)
{
    if (pa < FAKE_RAM_BASE || pa > FAKE_RAM_END || size > FAKE_RAM_END - pa)
        fail_msg("physical range [%#llx, +%#llx) is outside simulated RAM",
                 (unsigned long long)pa, (unsigned long long)size);
}

void fake_ram_poison(phys_addr_t pa, uint64_t size)
{
    check_range(pa, size);
    FAKE_POISON(ram + (pa - FAKE_RAM_BASE), size);
}

void fake_ram_unpoison(phys_addr_t pa, uint64_t size)
{
    check_range(pa, size);
    FAKE_UNPOISON(ram + (pa - FAKE_RAM_BASE), size);
}

void plat_frames_prefault(phys_addr_t pa, size_t frames)
{
    check_range(pa, frames * PAGE_SIZE); /* a hint: the fake RAM is there */
}

void *plat_phys_to_virt(phys_addr_t pa)
{
    check_range(pa, 0);
    return ram + (pa - FAKE_RAM_BASE);
}

phys_addr_t plat_virt_to_phys(const void *va)
{
    const unsigned char *p = va;
    if (p < ram || p > ram + sizeof ram)
        fail_msg("plat_virt_to_phys(%p): not in simulated RAM", va);
    return FAKE_RAM_BASE + (phys_addr_t)(p - ram);
}

/* ---- interrupts and CPUs ------------------------------------------------------ */

irqflags_t plat_irq_save(void)
{
    irqflags_t was = irq_on;
    irq_on = false;
    return was;
}

void plat_irq_restore(irqflags_t f) { irq_on = f != 0; }
bool plat_irq_enabled(void) { return irq_on; }
bool fake_irq_enabled(void) { return irq_on; }
void fake_irq_set(bool enabled) { irq_on = enabled; }
unsigned plat_cpu_id(void) { return 0; }

static uint64_t clock_ns;
void fake_clock_set(uint64_t ns) { clock_ns = ns; }
uint64_t plat_clock_ns(void) { return clock_ns; }

void plat_cpu_relax(void)
{
    /* One CPU: spinning at all means the lock is held by ourselves. */
    if (++spins > DEADLOCK_SPINS) {
        spins = 0;
        fail_msg("spinlock never released (deadlock)");
    }
}

/* ---- klib: panic and console output ------------------------------------------- */

void fake_panic_arm(jmp_buf *jb) { panic_jb = jb; }
unsigned fake_panic_count(void) { return panics; }
const char *fake_panic_message(void) { return panic_msg; }

void fake_panic_reset(void)
{
    panics = 0;
    panic_msg[0] = '\0';
    panic_jb = NULL;
}

noreturn void kpanic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(panic_msg, sizeof panic_msg, fmt, ap);
    va_end(ap);
    panics++;
    /* The real kpanic never returns and leaves interrupts off; a caught
     * panic resumes the test, so give it back a sane interrupt state. */
    irq_on = true;
    jmp_buf *jb = panic_jb;
    if (jb) {
        panic_jb = NULL;
        longjmp(*jb, 1);
    }
    fail_msg("unexpected kpanic: %s", panic_msg);
    abort(); /* not reached: fail_msg leaves the test */
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(kprintf_msg, sizeof kprintf_msg, fmt, ap);
    va_end(ap);
    kprintfs++;
    if (getenv("UNIT_VERBOSE"))
        fputs(kprintf_msg, stdout);
    return n;
}

unsigned fake_kprintf_count(void) { return kprintfs; }
const char *fake_kprintf_last(void) { return kprintf_msg; }

bool fake_contains(const char *haystack, const char *needle)
{
    return strstr(haystack, needle) != NULL;
}

/* Entropy for the CSPRNG test: the host's. */
#include <sys/random.h>
void plat_entropy(void *buf, size_t len)
{
    if (getrandom(buf, len, 0) != (ssize_t)len)
        fail_msg("getrandom failed");
}

/* Guarded copies of component memory: a plain copy, or, while the test
 * says so, the fault a missing page would cause. */
static bool copy_fails;
void fake_copy_fail(bool fail) { copy_fails = fail; }
int plat_copy_guarded(void *dst, const void *src, size_t n)
{
    if (copy_fails)
        return -1;
    memcpy(dst, src, n);
    return 0;
}
