/* The core's fault dispatcher. A write to a copy-on-write snapshot page of
 * a component gets its own copy from the platform and the instruction is
 * retried. A fault inside a guarded copy of component memory (athanor/umem.h,
 * plat_copy_guarded) makes the copy fail. Any other CPU fault while a thread runs WebAssembly
 * code is a trap of its component (an access outside its linear memory,
 * mostly); the thread is resumed in comp_fault_resume(kind, pc, addr),
 * which unwinds to the component's trap handler. Any other fault is a
 * kernel bug. */
#include <athanor/component.h>
#include <athanor/fault.h>
#include <athanor/klib.h>

bool kernel_fault(struct fault_info *fi)
{
    struct thread *t = thread_current();
    if (!t)
        return false;
    /* A write to a snapshot page of any component's memory (its own code,
     * or the kernel writing a host call's result or a message into it):
     * copy-on-write, then retry the instruction. */
    if (fi->kind == FAULT_PAGE && fi->write) {
        struct component *owner = comp_by_address(fi->addr);
        if (owner && plat_vrange_cow(&owner->rt.range, fi->addr)) {
            fi->resume = NULL;
            return true;
        }
    }
    /* A guarded copy of component memory met a missing page (umem.h): it
     * fails, the kernel does not. */
    if (fi->kind == FAULT_PAGE) {
        uintptr_t to = plat_copy_fixup(fi->pc);
        if (to) {
            fi->resume = NULL;
            fi->fixup = to;
            return true;
        }
    }
    if (!thread_comp(t))
        return false;
    struct component *c = thread_comp(t);
    if (!thread_in_wasm())
        return false;
    enum trap_kind kind;
    uintptr_t addr = 0;
    const struct plat_vrange *mem = &c->rt.range;
    switch (fi->kind) {
    case FAULT_PAGE:
    case FAULT_PROTECTION:
        kind = TRAP_OUT_OF_BOUNDS;
        if (fi->addr < mem->base || fi->addr >= mem->base + mem->size)
            break;
        addr = fi->addr - mem->base;
        /* Inside the committed memory a page faults only if a transfer
         * moved it away. Anything else is a kernel bug charged to the
         * component (one was: a released memory still claimed its
         * addresses when the next component got them, so its
         * copy-on-write faults were tried against the wrong snapshot;
         * plat_vrange_release): say what the page was, so such a report
         * can be explained. */
        if (fi->kind == FAULT_PAGE && addr < mem->committed) {
            struct component *owner = comp_by_address(fi->addr);
            kprintf("trap detail: %s: %s fault at offset %#lx of its %lu committed bytes "
                    "(snapshot %lu): the page is %s; the address belongs to %s\n",
                    c->cfg->name, fi->write ? "write" : "read", (unsigned long)addr,
                    (unsigned long)mem->committed, (unsigned long)mem->snap_bytes,
                    plat_vrange_mapped(&c->rt.range, addr, 1) ? "mapped" : "not mapped",
                    owner == c ? "it" : owner ? owner->cfg->name : "no component");
        }
        break;
    case FAULT_DIVIDE:
        kind = TRAP_DIV_BY_ZERO;
        break;
    case FAULT_STACK_OVERFLOW:
        kind = TRAP_STACK_EXHAUSTED;
        break;
    default:
        kind = TRAP_UNREACHABLE;
        break;
    }
    thread_set_in_wasm(false);
    fi->resume = comp_fault_resume;
    fi->resume_args[0] = kind;
    fi->resume_args[1] = fi->pc;
    fi->resume_args[2] = addr;
    return true;
}
