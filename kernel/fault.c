/* The core's fault dispatcher. Today every fault comes from kernel code and is
 * a kernel bug, so nothing is handled here and the platform reports it. The
 * components issue adds the case of a fault inside a component's linear
 * memory or code, which becomes a trap of that component. */
#include <athanor/fault.h>

bool kernel_fault(const struct fault_info *fi)
{
    (void)fi;
    return false;
}
