/* Included first by every wasm2c output file (tools/wasm2kernel.sh): the
 * native-stack check each generated function makes on entry, after its
 * frame is allocated (the bound is explained in component.h). Replaces
 * wasm2c's call-depth counter, which bounds calls, not bytes. */
#ifndef ATHANOR_WASM_STACK_H
#define ATHANOR_WASM_STACK_H

#include <athanor/rt.h>
#include <stdint.h>

__attribute__((__noreturn__)) void wasm_rt_stack_exhausted(void);

/* The stack pointer itself (as the Linux kernel reads it): one compare
 * against memory, no call, nothing to undo on return. */
register uintptr_t wasm_stack_pointer_ __asm__("rsp");

#define WASM_STACK_CHECK()                                                  \
    do {                                                                    \
        if (__builtin_expect(wasm_stack_pointer_ < wasm_rt_stack_limit, 0)) \
            wasm_rt_stack_exhausted();                                      \
    } while (0)

#endif
