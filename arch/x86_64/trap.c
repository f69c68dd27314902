/* Trap dispatch: device interrupts go to their drivers and the scheduler;
 * CPU exceptions in the kernel are reported (vector, error code, RIP, CR2,
 * registers, symbolised backtrace) and stop the machine.
 * kernel_fault() gets the first look at every exception: later, faults
 * inside a component's memory become traps of that component there. */
#include <arch/arch.h>
#include <arch/gdt.h>
#include <arch/x86.h>
#include <athanor/backtrace.h>
#include <athanor/console.h>
#include <athanor/fault.h>
#include <athanor/irqoff.h>
#include <athanor/klib.h>
#include <athanor/sched.h>

static const char *const exc_names[32] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range", "invalid opcode",
    "device not available", "double fault", "coprocessor overrun", "invalid TSS",
    "segment not present", "stack fault", "general protection", "page fault", "reserved",
    "x87 FP error", "alignment check", "machine check", "SIMD FP error", "virtualization",
    "control protection", "reserved", "reserved", "reserved", "reserved", "reserved",
    "reserved", "hypervisor injection", "VMM communication", "security", "reserved",
};

/* Room left below the interrupted stack pointer when redirecting a faulting
 * thread (covers a red zone, in case code compiled with one faulted). */
#define RESUME_STACK_GAP 256

static enum fault_kind kind_of(uint64_t vec)
{
    switch (vec) {
    case 0:  return FAULT_DIVIDE;
    case 6:  return FAULT_INVALID_OPCODE;
    case 14: return FAULT_PAGE;
    case 13: return FAULT_PROTECTION;
    case 16:
    case 19: return FAULT_FLOAT;
    default: return FAULT_OTHER;
    }
}

static void x86_dispatch(struct trap_frame *f, uint64_t v);

static noreturn void report(struct trap_frame *f)
{
    console_enter_panic();
    uint64_t cr2 = read_cr2();
    struct thread *t = thread_current();
    kprintf("\n*** KERNEL FAULT: %s (vector %llu) in thread '%s'\n",
            f->vector < 32 ? exc_names[f->vector] : "?", (unsigned long long)f->vector,
            t ? t->name : "?");
    kprintf("error code %#llx  rip %#llx  cr2 %#llx  rflags %#llx\n", (unsigned long long)f->error,
            (unsigned long long)f->rip, (unsigned long long)cr2, (unsigned long long)f->rflags);
    if (f->vector == 14)
        kprintf("page fault: %s, %s access%s\n", (f->error & 1) ? "protection violation" : "page not present",
                (f->error & 2) ? "write" : (f->error & 16) ? "instruction fetch" : "read",
                (f->error & 8) ? ", reserved bit set" : "");
    if ((f->vector == 14 || f->vector == 8) && vm_is_stack_guard(cr2))
        kprintf("the address is a guard page below a kernel stack: kernel stack overflow\n");
    if (f->vector == 8)
        kprintf("double fault: the CPU could not deliver an exception (often a kernel stack overflow)\n");
    kprintf("rax %016llx rbx %016llx rcx %016llx rdx %016llx\n", (unsigned long long)f->rax,
            (unsigned long long)f->rbx, (unsigned long long)f->rcx, (unsigned long long)f->rdx);
    kprintf("rsi %016llx rdi %016llx rbp %016llx rsp %016llx\n", (unsigned long long)f->rsi,
            (unsigned long long)f->rdi, (unsigned long long)f->rbp, (unsigned long long)f->rsp);
    kprintf("r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n", (unsigned long long)f->r8,
            (unsigned long long)f->r9, (unsigned long long)f->r10, (unsigned long long)f->r11);
    kprintf("r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n", (unsigned long long)f->r12,
            (unsigned long long)f->r13, (unsigned long long)f->r14, (unsigned long long)f->r15);
    kprintf("backtrace:\n");
    backtrace_print(f->rbp, f->rip);
    plat_fatal_stop();
}

void x86_trap(struct trap_frame *f)
{
    uint64_t v = f->vector;
    /* Interrupts went off with this trap's arrival (if they were on); they
     * come back with its iretq (see irqoff.h). */
    bool was_on = f->rflags & RFLAGS_IF;
    if (was_on)
        irqoff_begin((uintptr_t)f->rip);
    x86_dispatch(f, v);
    if (was_on)
        irqoff_end();
}

static void x86_dispatch(struct trap_frame *f, uint64_t v)
{
    if (v < 32) {
        struct fault_info fi = {
            .kind = kind_of(v),
            .pc = f->rip,
            .addr = v == 14 ? read_cr2() : 0,
            .write = v == 14 && (f->error & 2),
        };
        if (v != 8 && v != 2 && v != 18 && kernel_fault(&fi)) {
            if (fi.fixup) {
                f->rip = fi.fixup;
            } else if (fi.resume) {
                /* Resume in fi.resume as if it had been called from the
                 * faulting instruction: aligned stack below the interrupted frame. */
                f->rsp = ALIGN_DOWN(f->rsp - RESUME_STACK_GAP, 16) - 8;
                f->rip = (uint64_t)(uintptr_t)fi.resume;
                f->rdi = fi.resume_args[0]; /* its arguments, as the ABI passes them */
                f->rsi = fi.resume_args[1];
                f->rdx = fi.resume_args[2];
            }
            return; /* without resume: retry the instruction */
        }
        report(f);
    }
    switch (v) {
    case VEC_TIMER:
        lapic_eoi();
        timer_irq();
        break;
    case VEC_COM1:
        serial_irq();
        lapic_eoi();
        break;
    case VEC_SPURIOUS:
        return; /* no EOI for spurious LAPIC interrupts */
    default:
        if (v >= VEC_IRQ_BASE && v < VEC_IRQ_BASE + PLAT_IRQ_LINES) {
            irqline_fired((unsigned)(v - VEC_IRQ_BASE));
            break;
        }
        if (v >= VEC_PIC_BASE && v < VEC_PIC_BASE + 16)
            return; /* spurious IRQ from the masked 8259: nothing to acknowledge */
        lapic_eoi();
        kprintf("x86: unexpected interrupt vector %llu\n", (unsigned long long)v);
        break;
    }
    sched_irq_exit();
}
