/* Frame-pointer backtraces, symbolised with the kernel's own symbol table.
 * Both platforms build with frame pointers on x86-64, where every frame
 * starts with [saved fp][return address]. The walk stops at a frame the
 * platform says is unreadable, a return address outside known code, or a
 * frame pointer that does not move up the stack; deep recursion is folded. */
#include <athanor/backtrace.h>
#include <athanor/klib.h>
#include <athanor/ksyms.h>

#define MAX_FRAMES 32
#define SHOW_REPEATS 3 /* frames of one recursing function shown before folding */

static bool known_code(uintptr_t addr)
{
    const char *name;
    uintptr_t off;
    return ksym_lookup(addr, &name, &off);
}

void backtrace_print(uintptr_t fp, uintptr_t pc)
{
    unsigned n = 0, repeats = 0;
    uintptr_t last_ret = 0;
    ksym_print_frame(n++, pc);
    while (n < MAX_FRAMES && fp && !(fp & 7) && plat_frame_readable(fp)) {
        uintptr_t next = ((const uintptr_t *)fp)[0];
        uintptr_t ret = ((const uintptr_t *)fp)[1];
        if (!known_code(ret - 1))
            break;
        repeats = ret == last_ret ? repeats + 1 : 0;
        if (repeats < SHOW_REPEATS) {
            ksym_print_frame(n++, ret - 1); /* -1: inside the call instruction */
        } else if (repeats == SHOW_REPEATS) {
            /* Deep recursion: count the identical frames, print one line. */
            unsigned more = 1;
            while (next > fp && plat_frame_readable(next) && ((const uintptr_t *)next)[1] == ret) {
                fp = next;
                next = ((const uintptr_t *)fp)[0];
                more++;
            }
            kprintf("  ... %u more frames of the same function\n", more);
        }
        last_ret = ret;
        if (next <= fp)
            break;
        fp = next;
    }
}
