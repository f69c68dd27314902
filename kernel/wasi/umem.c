/* Guarded copies to and from components' linear memories (see umem.h). A
 * page of a component's memory can be missing while a host call runs: lent
 * to a server or transferred away, even concurrently, by another activation
 * of the same component on another thread. A copy that meets one faults;
 * kernel/fault.c then resumes the thread in umem_fault_resume, which
 * unwinds to the copy: it returns -ATH_EFAULT, nothing else happened. No
 * lock may be held across a guarded copy (the unwinding would skip its
 * release); copies under a lock go through a bounce buffer first. */
#include <athanor/errors.h>
#include <athanor/klib.h>
#include <athanor/sched.h>

#include "umem.h"

noreturn void umem_fault_resume(void);

int umem_copy(void *dst, const void *src, size_t n)
{
    if (n == 0)
        return 0; /* an empty range may have no pointer at all */
    struct thread *t = thread_current();
    if (__builtin_setjmp(t->ucopy_jmp)) {
        t->ucopy = false;
        plat_irq_enable(); /* resumed from the fault path, which runs with interrupts off */
        return -ATH_EFAULT;
    }
    __atomic_store_n(&t->ucopy, true, __ATOMIC_RELAXED);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    memcpy(dst, src, n);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    t->ucopy = false;
    return 0;
}

noreturn void umem_fault_resume(void)
{
    __builtin_longjmp(thread_current()->ucopy_jmp, 1);
}
