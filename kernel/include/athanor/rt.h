/* The wasm runtime's per-thread state (kernel/rt), declared once: the
 * native-stack limit generated code checks (component.h explains the
 * bound). It belongs to whichever thread runs, so the scheduler's switch
 * hook saves and restores it (rt_switch_out/rt_switch_in), and to whichever
 * activation is on top, so the lifecycle and IPC set it per activation.
 * wasm2c's runtime interface wants it a global; inline accessors keep the
 * IPC path as short as a plain access. */
#ifndef ATHANOR_RT_H
#define ATHANOR_RT_H

#include <athanor/platform.h>
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

/* The runtime's part of a component: its wasm2c instance and linear memory.
 * Both belong to the component's own thread while it runs: only that thread
 * creates them (instantiation) and frees them (teardown), so no lock. */
struct component;
struct comp_rt {
    void              *instance;    /* the wasm2c instance struct */
    void              *memory;      /* its wasm_rt_memory_t (image->memory), for host calls */
    struct plat_vrange range;       /* the linear memory's reservation */
    uint32_t           pages;       /* current size in wasm pages */
    bool               tables_grew; /* a table grew: the reset snapshot no longer fits */
};
/* Lifecycle hooks (kernel/rt/instance.c). start: a new generation (nothing
 * allocated yet). create: on the component's thread, the instance struct
 * (0 or -ATH_ENOMEM; instantiation fills it). stop: free the instance, its
 * memory and tables, after every activation of the component unwound. */
int  rt_comp_start(struct component *c, const char *args);
int  rt_comp_create(struct component *c);
void rt_comp_stop(struct component *c);
#endif
