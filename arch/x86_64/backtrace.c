/* Which frame pointers the backtrace walker may follow on bare metal: only
 * 8-aligned addresses in the kernel half that are not a stack guard page, so
 * a corrupt chain ends the walk instead of faulting inside the fault report. */
#include <arch/arch.h>

bool plat_frame_readable(uintptr_t fp)
{
    return fp >= DIRECT_MAP && !vm_is_stack_guard(fp) && !vm_is_stack_guard(fp + 8);
}
