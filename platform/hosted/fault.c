/* Hosted kernel faults: a SIGSEGV, SIGBUS, SIGILL or SIGFPE in kernel code is
 * the hosted equivalent of a CPU exception. It is reported like on bare metal
 * (signal, fault address, registers, symbolised backtrace) and ends the run.
 * The handler runs on an alternate stack so a stack overflow into a guard
 * page is reported too. */
#include "hosted.h"

#include <athanor/backtrace.h>
#include <athanor/console.h>
#include <athanor/fault.h>
#include <athanor/klib.h>
#include <athanor/sched.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

/* Frames the walker may read: on the current thread's stack, or (for the
 * boot/idle thread, which runs on the process's own stack) within the main
 * stack below the frame main() started with. */
bool plat_frame_readable(uintptr_t fp)
{
    struct thread *t = thread_current();
    if (t && t->stack.size) /* with the signal frames below it (mem.c) */
        return fp >= (uintptr_t)t->stack.base - hosted_signal_area &&
               fp + 16 <= (uintptr_t)t->stack.base + t->stack.size;
    return fp < hosted_main_frame && fp + HOSTED_MAIN_STACK > hosted_main_frame;
}

static const char *sig_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "page fault (SIGSEGV)";
    case SIGBUS:  return "bus error (SIGBUS)";
    case SIGILL:  return "invalid opcode (SIGILL)";
    case SIGFPE:  return "divide error (SIGFPE)";
    default:      return "fault";
    }
}

#define RESUME_STACK_GAP 256 /* below the 128-byte red zone of the interrupted code */

static enum fault_kind kind_of(int sig)
{
    switch (sig) {
    case SIGSEGV:
    case SIGBUS: return FAULT_PAGE;
    case SIGILL: return FAULT_INVALID_OPCODE;
    case SIGFPE: return FAULT_DIVIDE;
    default:     return FAULT_OTHER;
    }
}

static void on_fault(int sig, siginfo_t *si, void *uc_)
{
    ucontext_t *uc = uc_;
    greg_t *g = uc->uc_mcontext.gregs;
    struct fault_info fi = {
        .kind = kind_of(sig),
        .pc = (uintptr_t)g[REG_RIP],
        .addr = (uintptr_t)si->si_addr,
        .write = sig == SIGSEGV && (g[REG_ERR] & 2),
    };
    /* Like a CPU exception on bare metal, the handler must not be preempted:
     * a thread switched away inside it would leave SIGSEGV blocked for all. */
    irqflags_t irq = hosted_irq_fault_enter();
    bool handled = kernel_fault(&fi);
    if (handled) {
        if (fi.fixup) {
            g[REG_RIP] = (greg_t)fi.fixup;
        } else if (fi.resume) {
            /* Return from the signal into fi.resume, as if called from the
             * faulting instruction: aligned stack below the red zone. */
            g[REG_RSP] = (greg_t)(ALIGN_DOWN((uintptr_t)g[REG_RSP] - RESUME_STACK_GAP, 16) - 8);
            g[REG_RIP] = (greg_t)(uintptr_t)fi.resume;
            g[REG_RDI] = (greg_t)fi.resume_args[0]; /* its arguments, as the ABI passes them */
            g[REG_RSI] = (greg_t)fi.resume_args[1];
            g[REG_RDX] = (greg_t)fi.resume_args[2];
        }
        hosted_irq_fault_leave(irq);
        return; /* without resume: retry the instruction */
    }
    console_enter_panic();
    struct thread *t = thread_current();
    uintptr_t addr = (uintptr_t)si->si_addr;
    kprintf("\n*** KERNEL FAULT: %s in thread '%s'\n", sig_name(sig), t ? t->name : "?");
    kprintf("fault address %#lx, rip %#llx, error %#llx\n", (unsigned long)addr,
            (unsigned long long)g[REG_RIP], (unsigned long long)g[REG_ERR]);
    if (t && t->stack.size && addr >= (uintptr_t)t->stack.base - hosted_signal_area - PAGE_SIZE &&
        addr < (uintptr_t)t->stack.base - hosted_signal_area)
        kprintf("the address is the guard page below this thread's stack: kernel stack overflow\n");
    kprintf("rax %016llx rbx %016llx rcx %016llx rdx %016llx\n", (unsigned long long)g[REG_RAX],
            (unsigned long long)g[REG_RBX], (unsigned long long)g[REG_RCX], (unsigned long long)g[REG_RDX]);
    kprintf("rsi %016llx rdi %016llx rbp %016llx rsp %016llx\n", (unsigned long long)g[REG_RSI],
            (unsigned long long)g[REG_RDI], (unsigned long long)g[REG_RBP], (unsigned long long)g[REG_RSP]);
    kprintf("r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n", (unsigned long long)g[REG_R8],
            (unsigned long long)g[REG_R9], (unsigned long long)g[REG_R10], (unsigned long long)g[REG_R11]);
    kprintf("r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n", (unsigned long long)g[REG_R12],
            (unsigned long long)g[REG_R13], (unsigned long long)g[REG_R14], (unsigned long long)g[REG_R15]);
    kprintf("backtrace:\n");
    backtrace_print((uintptr_t)g[REG_RBP], (uintptr_t)g[REG_RIP]);
    plat_fatal_stop();
}

void hosted_fault_init(void)
{
    static char altstack[64 * 1024];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
}
