/* Thread contexts on bare metal: the initial frame of a new thread and its
 * clean FPU state. */
#include <arch/arch.h>
#include <athanor/klib.h>

void x86_thread_trampoline(void);
bool x86_use_xsave; /* read by switch.S */

#define FCW_DEFAULT   0x037f /* x87: all exceptions masked, 64-bit precision */
#define MXCSR_DEFAULT 0x1f80 /* SSE: all exceptions masked, round to nearest */
#define FXSAVE_FCW    0
#define FXSAVE_MXCSR  24

size_t plat_xstate_size(void)
{
    x86_use_xsave = cpu_caps.xsave;
    return cpu_caps.xsave_size;
}

void plat_ctx_init(plat_ctx_t *c, void *stack_lo, size_t size, void (*entry)(void *), void *arg)
{
    /* Frame popped by plat_ctx_switch: [r15][r14][r13][r12][rbx][rbp][ret].
     * After `ret` the trampoline must see rsp 16-byte aligned (it then
     * calls, so the entry sees rsp + 8 aligned, as the ABI wants): seven
     * words popped from top - 72 leave rsp at top - 16. Kernel C code has no
     * SSE and never minded; wasm code does (movaps to its stack slots). */
    uintptr_t top = ALIGN_DOWN((uintptr_t)stack_lo + size, 16);
    uint64_t *sp = (uint64_t *)(top - 72);
    sp[0] = 0;                          /* r15 */
    sp[1] = 0;                          /* r14 */
    sp[2] = (uint64_t)(uintptr_t)arg;   /* r13 */
    sp[3] = (uint64_t)(uintptr_t)entry; /* r12 */
    sp[4] = 0;                          /* rbx */
    sp[5] = 0;                          /* rbp */
    sp[6] = (uint64_t)(uintptr_t)x86_thread_trampoline;
    sp[7] = 0;
    c->sp = (uintptr_t)sp;
    c->stack_lo = stack_lo;
    c->stack_size = size;
    /* Clean FPU state: an all-zero XSAVE header means "initial state" for
     * every component; the legacy area still needs sane FCW and MXCSR. */
    size_t xs = plat_xstate_size();
    memset(c->xstate, 0, xs);
    uint16_t fcw = FCW_DEFAULT;
    uint32_t mxcsr = MXCSR_DEFAULT;
    memcpy((char *)c->xstate + FXSAVE_FCW, &fcw, sizeof fcw);
    memcpy((char *)c->xstate + FXSAVE_MXCSR, &mxcsr, sizeof mxcsr);
}
