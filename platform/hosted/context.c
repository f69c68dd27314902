/* Thread contexts on the hosted platform: initial stack frames and switching.
 * Under AddressSanitizer every switch is announced to it (fiber API), so it
 * knows which stack is live and reports no false stack errors. */
#include "hosted.h"

#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define HOSTED_ASAN 1
#else
#define HOSTED_ASAN 0
static inline void __sanitizer_start_switch_fiber(void **f, const void *b, size_t s) { (void)f; (void)b; (void)s; }
static inline void __sanitizer_finish_switch_fiber(void *f, const void **b, size_t *s) { (void)f; (void)b; (void)s; }
#endif

void plat_ctx_switch_asm(uintptr_t *save_sp, uintptr_t new_sp);
void hosted_thread_trampoline(void);

/* The context being switched away from; read on the resumed side to record
 * the bounds of the boot stack, which only the sanitizer can tell us. */
static plat_ctx_t *switch_from;

size_t plat_xstate_size(void)
{
    return 0; /* see switch.S: Linux saves FPU state for preempted threads */
}

static void after_switch(void *my_fake)
{
    const void *lo = NULL;
    size_t size = 0;
    __sanitizer_finish_switch_fiber(my_fake, &lo, &size);
    if (HOSTED_ASAN && switch_from && !switch_from->stack_lo) {
        switch_from->stack_lo = (void *)lo;
        switch_from->stack_size = size;
    }
}

/* First C code of every new thread (called by the trampoline). */
void hosted_thread_begin(void (*entry)(void *), void *arg);
void hosted_thread_begin(void (*entry)(void *), void *arg)
{
    after_switch(NULL);
    entry(arg);
}

void plat_ctx_init(plat_ctx_t *c, void *stack_lo, size_t size, void (*entry)(void *), void *arg)
{
    /* Frame popped by plat_ctx_switch_asm: [mxcsr|fcw][r15][r14][r13][r12][rbx][rbp][ret]
     * After `ret` the trampoline must see rsp 16-byte aligned (it then calls). */
    uintptr_t top = ALIGN_DOWN((uintptr_t)stack_lo + size, 16);
    uint64_t *sp = (uint64_t *)(top - 80);
    uint32_t mxcsr;
    uint16_t fcw;
    __asm__ volatile("stmxcsr %0; fnstcw %1" : "=m"(mxcsr), "=m"(fcw));
    uint32_t ctl[2] = { mxcsr, fcw }; /* the new thread inherits our FP control modes */
    memcpy(&sp[0], ctl, 8);
    sp[1] = 0;                          /* r15 */
    sp[2] = 0;                          /* r14 */
    sp[3] = (uint64_t)(uintptr_t)arg;   /* r13 */
    sp[4] = (uint64_t)(uintptr_t)entry; /* r12 */
    sp[5] = 0;                          /* rbx */
    sp[6] = 0;                          /* rbp */
    sp[7] = (uint64_t)(uintptr_t)hosted_thread_trampoline;
    sp[8] = 0;
    sp[9] = 0;
    c->sp = (uintptr_t)sp;
    /* what the sanitizer is told includes the signal frames below (mem.c) */
    c->stack_lo = (char *)stack_lo - hosted_signal_area;
    c->stack_size = size + hosted_signal_area;
}

void plat_ctx_switch(plat_ctx_t *from, plat_ctx_t *to)
{
    switch_from = from;
    __sanitizer_start_switch_fiber(&from->san, to->stack_lo, to->stack_size);
    plat_ctx_switch_asm(&from->sp, to->sp);
    after_switch(from->san);
}
