/* Portable description of a CPU fault, handed by the platform to the core
 * before it treats the fault as a kernel bug. */
#ifndef ATHANOR_FAULT_H
#define ATHANOR_FAULT_H

#include <athanor/types.h>

enum fault_kind {
    FAULT_PAGE,           /* access to an unmapped or protected address */
    FAULT_DIVIDE,         /* integer divide error */
    FAULT_INVALID_OPCODE, /* ud2 / invalid instruction */
    FAULT_PROTECTION,     /* general protection */
    FAULT_FLOAT,          /* x87 / SIMD floating-point exception */
    FAULT_STACK_OVERFLOW, /* guard page below a stack */
    FAULT_OTHER,
};

struct fault_info {
    enum fault_kind kind;
    uintptr_t       pc;    /* faulting instruction */
    uintptr_t       addr;  /* faulting data address (FAULT_PAGE) */
    bool            write;
    /* Set by kernel_fault when it returns true: the platform resumes the
     * faulting thread by calling this function with resume_args (never
     * returns) on the same stack, below the interrupted frame; NULL means
     * retry the faulting instruction. */
    void          (*resume)(uintptr_t a0, uintptr_t a1, uintptr_t a2);
    uintptr_t       resume_args[3];
    /* Or set instead: continue at this pc with every register as the fault
     * left it (a guarded copy's fixup, platform.h). */
    uintptr_t       fixup;
};

/* Offer a fault to the core. Returns true if the core handled it (the
 * platform then resumes at fi->resume or fi->fixup); false means a kernel bug, which the
 * platform reports and stops on. Called with interrupts disabled. */
bool kernel_fault(struct fault_info *fi);

#endif
