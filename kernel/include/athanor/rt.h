/* The wasm runtime's per-thread state (kernel/rt), declared once: the
 * native-stack limit generated code checks (component.h explains the
 * bound). It belongs to whichever thread runs, so the scheduler's switch
 * hook saves and restores it (rt_switch_out/rt_switch_in), and to whichever
 * activation is on top, so the lifecycle and IPC set it per activation.
 * wasm2c's runtime interface wants it a global; inline accessors keep the
 * IPC path as short as a plain access. Generated code includes this
 * header (through wasm_stack.h), so it includes nothing of the kernel's:
 * the runtime's part of a component is athanor/rt_part.h. */
#ifndef ATHANOR_RT_H
#define ATHANOR_RT_H

#include <stdint.h>

extern uintptr_t wasm_rt_stack_limit;

struct rt_thread_state {
    uintptr_t stack_limit;
};

/* A new thread: no wasm code on it until a component layer sets a limit. */
static inline void rt_thread_begin(void) { wasm_rt_stack_limit = 0; }
static inline void rt_switch_out(struct rt_thread_state *s) { s->stack_limit = wasm_rt_stack_limit; }
static inline void rt_switch_in(const struct rt_thread_state *s) { wasm_rt_stack_limit = s->stack_limit; }

static inline uintptr_t rt_stack_limit(void) { return wasm_rt_stack_limit; }
static inline void rt_set_stack_limit(uintptr_t limit) { wasm_rt_stack_limit = limit; }

#endif
