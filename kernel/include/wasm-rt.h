/* Athanor's wasm-rt.h: the runtime interface wasm2c 1.0.39's output is
 * compiled against (types, traps, memories, tables), implemented by
 * kernel/rt/wasm_rt.c. Ours because npm's wabt ships no header and Debian's
 * is 1.0.32's; it declares only what Athanor offers, with the settings every
 * file that includes it must share (below), so a feature it lacks fails to
 * compile rather than misbehaving. */
#ifndef WASM_RT_H_
#define WASM_RT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Linear-memory bounds come from guard regions: a memory is reserved at its
 * maximum plus guard space and never moves (kernel/rt/wasm_rt.c), so
 * generated loads and stores carry no software check. */
#define WASM_RT_MEMCHECK_GUARD_PAGES 1
/* Every memory is reserved at PLAT_VRANGE_MAX (athanor/platform.h): any
 * 32-bit address plus 32-bit offset plus a 16-byte access lands in it, and
 * what is not committed faults. A function's copy of the memory descriptor
 * (tools/wasm2kernel.sh) says this size, so no software check it makes can
 * fail before the hardware's would. */
#define WASM_RT_GUARDED_SIZE UINT64_MAX
/* The stack is checked in bytes (athanor/wasm_stack.h): no call counter. */
#define WASM_RT_STACK_DEPTH_COUNT    0
#define WASM_RT_MAX_CALL_STACK_DEPTH 0
/* No Segue (memory through GS): it needs clang for the generated C, and gcc
 * compiles that C better (docs/performance.md). */
#define WASM_RT_USE_SEGUE            0
#define WASM_RT_SEGUE_FREE_SEGMENT   0
#define WASM_RT_SANITY_CHECKS        0
/* One thread per component activation and no shared memories: nothing is
 * thread-local to the runtime. */
#define WASM_RT_THREAD_LOCAL

#ifndef __has_builtin
#define __has_builtin(x) 0
#endif
#define LIKELY(x)          __builtin_expect(!!(x), 1)
#define UNLIKELY(x)        __builtin_expect(!!(x), 0)
#define WASM_RT_NO_RETURN  __attribute__((__noreturn__))
#define WASM_RT_UNREACHABLE __builtin_unreachable()
#define wasm_rt_memcpy     __builtin_memcpy /* inline: -ffreestanding does not expand plain memcpy */

/* Trap reasons; kernel/rt/wasm_rt.c maps each to the kernel's trap kind. */
typedef enum {
    WASM_RT_TRAP_NONE,
    WASM_RT_TRAP_OOB,
    WASM_RT_TRAP_INT_OVERFLOW,
    WASM_RT_TRAP_DIV_BY_ZERO,
    WASM_RT_TRAP_INVALID_CONVERSION,
    WASM_RT_TRAP_UNREACHABLE,
    WASM_RT_TRAP_CALL_INDIRECT,
    WASM_RT_TRAP_UNCAUGHT_EXCEPTION,
    WASM_RT_TRAP_UNALIGNED,
    WASM_RT_TRAP_EXHAUSTION,
    WASM_RT_TRAP_NULL_REF,
} wasm_rt_trap_t;

/* Value types, as get_func_type's variadic arguments name them. */
typedef enum {
    WASM_RT_I32,
    WASM_RT_I64,
    WASM_RT_F32,
    WASM_RT_F64,
    WASM_RT_V128,
    WASM_RT_FUNCREF,
    WASM_RT_EXTERNREF,
    WASM_RT_EXNREF,
} wasm_rt_type_t;

typedef void (*wasm_rt_function_ptr_t)(void);

/* Tail calls: a callee is reached through a trampoline that passes the next
 * function to run (wasm2c's design, no C sibling calls needed). */
struct wasm_rt_tailcallee_t;
typedef void (*wasm_rt_tailcall_t)(void **instance_ptr, void *tail_call_stack,
                                   struct wasm_rt_tailcallee_t *next);
typedef struct wasm_rt_tailcallee_t {
    wasm_rt_tailcall_t fn;
} wasm_rt_tailcallee_t;

/* A function type is a 32-byte hash of its signature, made by wasm2c per
 * module; equal types compare equal with memcmp across modules. */
typedef const char *wasm_rt_func_type_t;

typedef struct {
    wasm_rt_func_type_t    func_type;
    wasm_rt_function_ptr_t func;
    wasm_rt_tailcallee_t   func_tailcallee;
    void                  *module_instance; /* passed as the callee's first argument */
} wasm_rt_funcref_t;
#define wasm_rt_funcref_null_value ((wasm_rt_funcref_t){ NULL, NULL, { NULL }, NULL })

typedef void *wasm_rt_externref_t;
#define wasm_rt_externref_null_value ((wasm_rt_externref_t){ NULL })

/* A linear memory. data never changes after allocation (the reservation is
 * made at the maximum), which is what lets generated code keep the base in a
 * local (tools/wasm2kernel.sh). size and pages change on memory.grow. */
typedef struct {
    uint8_t *data;
    uint64_t pages, max_pages;
    uint64_t size;
    bool     is64;
} wasm_rt_memory_t;

typedef struct {
    wasm_rt_funcref_t *data;
    uint32_t           max_size;
    uint32_t           size;
} wasm_rt_funcref_table_t;

typedef struct {
    wasm_rt_externref_t *data;
    uint32_t             max_size;
    uint32_t             size;
} wasm_rt_externref_table_t;

/* Runtime calls. Each runs as kernel code: none returns into a component
 * that was stopped meanwhile (kernel/rt/wasm_rt.c). */
WASM_RT_NO_RETURN void wasm_rt_trap(wasm_rt_trap_t trap);
const char *wasm_rt_strerror(wasm_rt_trap_t trap);
void        wasm_rt_init(void);
bool        wasm_rt_is_initialized(void);
void        wasm_rt_free(void);

/* page_size is the custom-page-sizes proposal's: only 64 KiB is offered. */
void     wasm_rt_allocate_memory(wasm_rt_memory_t *m, uint64_t initial_pages, uint64_t max_pages,
                                 bool is64, uint32_t page_size);
uint64_t wasm_rt_grow_memory(wasm_rt_memory_t *m, uint64_t delta);
void     wasm_rt_free_memory(wasm_rt_memory_t *m);
/* Past m's size, may a bulk operation touch [off, off + len)? Only where
 * the component has pages mapped anyway (its IPC and DMA windows); the
 * range check tools/wasm2kernel.sh edits asks before it traps. */
bool     wasm_rt_window_ok(const wasm_rt_memory_t *m, uint64_t off, uint64_t len);

void     wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t *t, uint32_t elements,
                                        uint32_t max_elements);
void     wasm_rt_free_funcref_table(wasm_rt_funcref_table_t *t);
uint32_t wasm_rt_grow_funcref_table(wasm_rt_funcref_table_t *t, uint32_t delta,
                                    wasm_rt_funcref_t init);
void     wasm_rt_allocate_externref_table(wasm_rt_externref_table_t *t, uint32_t elements,
                                          uint32_t max_elements);
void     wasm_rt_free_externref_table(wasm_rt_externref_table_t *t);
uint32_t wasm_rt_grow_externref_table(wasm_rt_externref_table_t *t, uint32_t delta,
                                      wasm_rt_externref_t init);

#endif
