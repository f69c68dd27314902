/* Structs the kernel writes into a component's memory, laid out the same
 * for wasm32 and x86-64: fixed-width members, explicit padding, and the
 * layout asserted below for every compiler that includes this header. */
#ifndef ATHANOR_ABI_WIRE_H
#define ATHANOR_ABI_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <athanor/abi/consts.h>

/* cap_info: one capability of the caller's own table. */
struct ath_cap_info {
    uint32_t type, rights;
    uint64_t base, len; /* what a range capability covers (an IRQ: its line) */
};

/* sys_mem: the kernel's memory. */
struct ath_sys_mem {
    uint64_t frames_total, frames_free, heap_arena, heap_used;
};

/* sys_fault: one fault report. */
struct ath_sys_fault {
    char     component[ATH_NAME_MAX];
    uint32_t generation, kind;      /* kind: enum ath_trap */
    char     function[ATH_FUNC_MAX]; /* wasm function the fault was in (name section) */
    uint64_t offset;                /* from that function's start, in native code */
    uint32_t addr;                  /* the faulting address's low 32 bits (an offset in linear memory) */
    uint32_t injected;              /* 1 if ATH_COMP_INJECT caused it */
};

/* sys_cap: the i-th capability of a component. */
struct ath_sys_cap {
    uint32_t handle, type, rights, parent_handle;
    uint64_t badge, base, len;
    char     parent[ATH_NAME_MAX]; /* the component it was derived from; "" for an original */
};

_Static_assert(_Alignof(uint64_t) == 8, "u64 is 8-aligned on every target of the ABI");
_Static_assert(sizeof(struct ath_cap_info) == 24, "ath_cap_info layout");
_Static_assert(offsetof(struct ath_cap_info, base) == 8, "ath_cap_info layout");
_Static_assert(offsetof(struct ath_cap_info, len) == 16, "ath_cap_info layout");
_Static_assert(sizeof(struct ath_sys_mem) == 32, "ath_sys_mem layout");
_Static_assert(sizeof(struct ath_sys_fault) == 96, "ath_sys_fault layout");
_Static_assert(offsetof(struct ath_sys_fault, generation) == 24, "ath_sys_fault layout");
_Static_assert(offsetof(struct ath_sys_fault, kind) == 28, "ath_sys_fault layout");
_Static_assert(offsetof(struct ath_sys_fault, function) == 32, "ath_sys_fault layout");
_Static_assert(offsetof(struct ath_sys_fault, offset) == 80, "ath_sys_fault layout");
_Static_assert(offsetof(struct ath_sys_fault, addr) == 88, "ath_sys_fault layout");
_Static_assert(offsetof(struct ath_sys_fault, injected) == 92, "ath_sys_fault layout");
_Static_assert(sizeof(struct ath_sys_cap) == 64, "ath_sys_cap layout");
_Static_assert(offsetof(struct ath_sys_cap, badge) == 16, "ath_sys_cap layout");
_Static_assert(offsetof(struct ath_sys_cap, base) == 24, "ath_sys_cap layout");
_Static_assert(offsetof(struct ath_sys_cap, len) == 32, "ath_sys_cap layout");
_Static_assert(offsetof(struct ath_sys_cap, parent) == 40, "ath_sys_cap layout");

#endif
