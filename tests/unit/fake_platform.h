/* Fake platform for the host unit tests: simulated physical RAM, trivial
 * interrupt state, and a kpanic that tests can catch (EXPECT_PANIC). */
#ifndef UNIT_FAKE_PLATFORM_H
#define UNIT_FAKE_PLATFORM_H

/* cmocka needs these before its own header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <athanor/platform.h>

/* Physical address of the first byte of simulated RAM. Nonzero so that a
 * physical address can never be confused with an offset or with NULL, and
 * high enough that the frame allocator's bitmap (which covers [0, top of
 * RAM)) needs several pages and most of it describes non-RAM. */
#define FAKE_RAM_BASE 0x10000000ull
#define FAKE_RAM_SIZE (8ull << 20)
#define FAKE_RAM_END  (FAKE_RAM_BASE + FAKE_RAM_SIZE)
/* Byte the RAM is filled with on reset: code that assumes fresh memory is
 * zeroed reads garbage instead of passing by luck. */
#define FAKE_RAM_JUNK 0xC5

/* Refill simulated RAM with junk (and make it all addressable again for
 * ASan); call from every test's setup. */
void fake_ram_reset(void);
/* Host pointer to the first byte of simulated RAM. */
unsigned char *fake_ram(void);
/* Mark [pa, pa+size) (in)accessible for AddressSanitizer; no-ops without ASan. */
void fake_ram_poison(phys_addr_t pa, uint64_t size);
void fake_ram_unpoison(phys_addr_t pa, uint64_t size);

/* A monotonic clock the test sets (plat_clock_ns returns it). */
void fake_clock_set(uint64_t ns);

/* Interrupt-flag model: starts enabled; plat_irq_save/restore nest. */
bool fake_irq_enabled(void);
void fake_irq_set(bool enabled);

/* plat_copy_guarded fails (as on a missing page) while set. */
void fake_copy_fail(bool fail);

/* ---- catching kpanic ------------------------------------------------------- */

/* Arm `jb` for the next kpanic (which longjmps to it with value 1), or
 * disarm with NULL. A kpanic with nothing armed fails the running test. */
void        fake_panic_arm(jmp_buf *jb);
unsigned    fake_panic_count(void);      /* kpanics since fake_panic_reset */
const char *fake_panic_message(void);    /* text of the last one ("" if none) */
void        fake_panic_reset(void);

/* kprintf output: counted and the last message kept (printed too when the
 * environment variable UNIT_VERBOSE is set). */
unsigned    fake_kprintf_count(void);
const char *fake_kprintf_last(void);

/* Run `stmt`, which must call kpanic; fails the test if it returns normally.
 * Locals changed inside `stmt` are indeterminate afterwards (longjmp). */
#define EXPECT_PANIC(stmt)                                              \
    do {                                                                \
        jmp_buf expect_panic_jb_;                                       \
        unsigned expect_panic_before_ = fake_panic_count();             \
        fake_panic_arm(&expect_panic_jb_);                              \
        if (setjmp(expect_panic_jb_) == 0) {                            \
            stmt;                                                       \
            fake_panic_arm(NULL);                                       \
            fail_msg("expected kpanic from: %s", #stmt);                \
        }                                                               \
        fake_panic_arm(NULL);                                           \
        assert_int_equal(fake_panic_count(), expect_panic_before_ + 1); \
    } while (0)

/* True if `haystack` contains `needle` (for checking panic/error texts). */
bool fake_contains(const char *haystack, const char *needle);

#endif
