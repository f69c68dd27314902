/* Frame-pointer backtraces on bare metal, symbolised with the kernel's own
 * symbol table. Only frames inside the kernel's mapped memory are followed,
 * so a corrupt chain ends the walk instead of faulting again. */
#include <arch/arch.h>
#include <athanor/klib.h>
#include <athanor/ksyms.h>

#define MAX_FRAMES 32

static bool plausible(uintptr_t fp)
{
    /* 8-aligned and in the kernel half: image/bss, direct map or stack area. */
    return fp && !(fp & 7) && fp >= DIRECT_MAP && !vm_is_stack_guard(fp) &&
           !vm_is_stack_guard(fp + 8);
}

void x86_backtrace_from(uintptr_t fp, uintptr_t pc)
{
    unsigned n = 0;
    ksym_print_frame(n++, pc);
    uintptr_t last_ret = 0;
    unsigned repeats = 0;
    for (; plausible(fp) && n < MAX_FRAMES; n++) {
        uintptr_t next = ((uintptr_t *)fp)[0];
        uintptr_t ret = ((uintptr_t *)fp)[1];
        if (!ret)
            break;
        if (ret == last_ret && ++repeats >= 3) {
            /* deep recursion: show a few frames, then summarise */
            while (plausible(next) && ((uintptr_t *)next)[1] == ret && next > fp) {
                fp = next;
                next = ((uintptr_t *)fp)[0];
                repeats++;
            }
            kprintf("  ... %u more frames of the same function\n", repeats - 2);
            repeats = 0;
        } else {
            if (ret != last_ret)
                repeats = 0;
            ksym_print_frame(n, ret - 1); /* -1: inside the call instruction */
        }
        last_ret = ret;
        if (next <= fp)
            break;
        fp = next;
    }
}

void plat_backtrace(void)
{
    kprintf("backtrace:\n");
    x86_backtrace_from((uintptr_t)__builtin_frame_address(0), (uintptr_t)&plat_backtrace);
}
