/* Every number that crosses the boundary between the kernel and components
 * (and the manifest tool): capability types and rights, component control,
 * states and fault kinds, lend modes, power operations, the layout of a
 * component's 32-bit space, and the limits the manifest is checked against.
 * Plain C11 with <stdint.h> only: compiled for wasm32 (components), x86-64
 * (the kernel) and the host (tools). */
#ifndef ATHANOR_ABI_CONSTS_H
#define ATHANOR_ABI_CONSTS_H

#include <stdint.h>

/* Handles: index (low 16 bits) and generation (1..ATH_HANDLE_GEN_MAX, above
 * it), so a handle is never negative as an i32; 0 is never a handle. */
#define ATH_HANDLE_INDEX_BITS 16
#define ATH_HANDLE_GEN_MAX    0x7fffu

/* Capability types; ATH_T_NONE is an empty slot, never seen by a component. */
enum ath_cap_type {
    ATH_T_NONE = 0,
    ATH_T_ENDPOINT,
    ATH_T_NOTIFICATION,
    ATH_T_MEMGRANT,
    ATH_T_CONSOLE,
    ATH_T_CLOCK,
    ATH_T_RANDOM,
    ATH_T_COMPONENT,    /* control of another component: start/kill/reset */
    ATH_T_IOPORT,       /* hardware types: ranges (I/O ports, MMIO, an IRQ line, a DMA quota) */
    ATH_T_MMIO,
    ATH_T_IRQ,
    ATH_T_DMA,
    ATH_T_LOG,          /* the console's output log: read what was printed (log_read) */
    ATH_T_COUNT
};

/* Rights of a capability. */
#define ATH_R_READ   (1u << 0)
#define ATH_R_WRITE  (1u << 1)
#define ATH_R_CALL   (1u << 2)
#define ATH_R_GRANT  (1u << 3) /* may be passed to another table */
#define ATH_R_DERIVE (1u << 4) /* may be copied with fewer rights / a badge */
#define ATH_R_ALL    0x1fu
/* A clock capability's own right, outside ATH_R_ALL: reads at full
 * precision. Without it every clock reads rounded down to a multiple of
 * ATH_CLOCK_COARSE_NS (the figure browsers use against timing attacks);
 * the manifest's "precise_clock" grants it (docs/privacy.md). */
#define ATH_R_PRECISE (1u << 5)
#define ATH_CLOCK_COARSE_NS 100000u

/* comp_ctl operations. STATE answers ATH_STATE_PACK(...), POLICY
 * ATH_POLICY_PACK(...), INSTANCE ATH_INSTANCE_PACK(...); the others 0 or a
 * negative error. */
enum ath_comp_op {
    ATH_COMP_START = 1, ATH_COMP_KILL, ATH_COMP_RESTART, ATH_COMP_RESET,
    ATH_COMP_INJECT, ATH_COMP_STATE, ATH_COMP_POLICY, ATH_COMP_RECOVER,
    ATH_COMP_INSTANCE,
    ATH_COMP_EXIT,   /* how it last stopped: ATH_EXIT_PACK(...) (read right) */
    ATH_COMP_REMOVE, /* give a stopped app's slot back (loaded at run time only) */
};
/* console_feed's flags: the input ends (a terminal's Ctrl-D) once these
 * bytes are read, until more come; drop what is unread first. */
#define ATH_FEED_END   1u
#define ATH_FEED_RESET 2u
/* How a component last stopped: the trap kind (0: it exited) and its exit
 * status (proc_exit's, or 0 from its entry point). */
#define ATH_EXIT_PACK(kind, status) ((uint64_t)(uint32_t)(status) | (uint64_t)(kind) << 32)
#define ATH_EXIT_KIND(v)   ((unsigned)((uint64_t)(v) >> 32 & 0xff))
#define ATH_EXIT_STATUS(v) ((int32_t)(uint32_t)(v))
/* Which instance of a component runs: it changes on every restart (the
 * generation) and every reset, so a service that handed something to one
 * instance can tell it is gone (the privacy service ends its sessions). */
#define ATH_INSTANCE_PACK(generation, resets) ((uint64_t)(generation) | (uint64_t)(resets) << 32)

/* Sensors the privacy service hands out in sessions (docs/privacy.md):
 * bits, for the manifest's sensor keys and the service's protocol. */
#define ATH_SENSOR_LOCATION   1u
#define ATH_SENSOR_MICROPHONE 2u

/* The op of a server's own event (serve_wait): its handler runs on its own
 * thread with badge 0, which no endpoint capability carries (the kernel's
 * are a component's index + 1, and a copy made with badge 0 keeps its
 * source's), and a0 = the notification bits taken (0: the timeout). */
#define ATH_OP_EVENT 0xffffffffu
/* What call_ret returns for a call that failed (call_error says why): a
 * server may return it too, and then call_error says 0. */
#define ATH_CALL_FAILED 0xca11fa11ca11fa11ull
enum ath_comp_state { ATH_STOPPED, ATH_RUNNING, ATH_EXITED, ATH_FAULTED };
#define ATH_STATE_PACK(state, generation, restarts) \
    ((uint64_t)(state) | (uint64_t)(generation) << 8 | (uint64_t)(restarts) << 40)
#define ATH_STATE_STATE(v)      ((unsigned)((v) & 0xff))
#define ATH_STATE_GENERATION(v) ((uint32_t)((uint64_t)(v) >> 8))
#define ATH_STATE_RESTARTS(v)   ((unsigned)((uint64_t)(v) >> 40))

enum ath_restart_policy { ATH_RESTART_NEVER, ATH_RESTART_ON_FAILURE, ATH_RESTART_ALWAYS };
#define ATH_POLICY_PACK(restart, max_restarts, window_ms) \
    ((uint64_t)(restart) | (uint64_t)(max_restarts) << 8 | (uint64_t)(window_ms) << 16)
#define ATH_POLICY_RESTART(v)   ((unsigned)((v) & 0xff))
#define ATH_POLICY_MAX(v)       ((unsigned)(((uint64_t)(v) >> 8) & 0xff))
#define ATH_POLICY_WINDOW_MS(v) ((uint32_t)((uint64_t)(v) >> 16))

/* Why a component stopped (fault reports' kind). 1..ATH_TRAP_STACK are the
 * faults ATH_COMP_INJECT can inject; the rest are the kernel's verdicts. */
enum ath_trap {
    ATH_TRAP_NONE,
    ATH_TRAP_OOB,           /* load/store/bulk memory outside linear memory, table index */
    ATH_TRAP_OVERFLOW,      /* INT_MIN / -1, or float->int out of range */
    ATH_TRAP_DIVZERO,
    ATH_TRAP_CONVERSION,    /* NaN -> int */
    ATH_TRAP_UNREACHABLE,
    ATH_TRAP_INDIRECT,      /* null or wrongly-typed table entry */
    ATH_TRAP_STACK,         /* native stack limit (bytes) */
    ATH_TRAP_WATCHDOG,      /* CPU budget exceeded */
    ATH_TRAP_MEMORY_QUOTA,  /* instantiation needs more memory than the quota */
    ATH_TRAP_KILLED,        /* not a fault: kill/restart was asked for */
    ATH_TRAP_RESET,         /* not a fault: reset was asked for */
    ATH_TRAP_EXIT,          /* not a fault: it exited inside a call's handler */
    ATH_TRAP_HUNG,          /* its handler did not return within the grace after its caller stopped */
    ATH_TRAP_COUNT
};

/* call_lend's flags: read-only by default. */
#define ATH_LEND_RO       0u
#define ATH_LEND_RW       1u
#define ATH_LEND_TRANSFER 2u

/* log_read's position that means "from the end": only what is printed
 * from now on. */
#define ATH_LOG_END UINT64_MAX

/* power's operations (needs the manage capability). */
#define ATH_POWER_OFF    1u
#define ATH_POWER_REBOOT 2u

/* Sizes of things a component passes or receives. */
#define ATH_MSG_MAX    256u /* call_msg's message */
/* A server's message buffer may be larger than a component's message: the
 * kernel's own calls (the WASI file calls, athanor/abi/fs.h) carry up to
 * this much. */
#define ATH_MSGBUF_MAX (72u * 1024u)
#define ATH_NAME_MAX   24u  /* a component's name with its NUL: at most 23 characters */
#define ATH_FUNC_MAX   48u  /* a fault report's function name with its NUL */
#define ATH_FAULT_RING 16u  /* sys_fault keeps the last this many */
#define ATH_ARGS_MAX   100u /* a component's arguments (space-separated, without its name) */
#define ATH_LOG_CHUNK  1024u /* log_read returns at most this many bytes a call */
#define ATH_PAGE_SIZE  4096u
#define ATH_WASM_PAGE  65536u

/* A component's 32-bit space: its memory below ATH_LEND_WINDOW; above it
 * the window a lent range appears in (one at a time), then transferred
 * pages, then a driver's DMA buffers. */
#define ATH_LEND_WINDOW   0xC0000000u
#define ATH_LEND_MAX      (256u << 20)
#define ATH_TRANSFER_AREA (ATH_LEND_WINDOW + ATH_LEND_MAX)
#define ATH_TRANSFER_END  0xF0000000u
#define ATH_DMA_WINDOW    ATH_TRANSFER_END
#define ATH_DMA_END       0xFFFF0000u

/* What a manifest entry may ask for (tools/manifest checks, the kernel
 * relies on it). */
#define ATH_MAX_PAGES     (ATH_LEND_WINDOW / ATH_WASM_PAGE) /* memory quota, wasm pages */
#define ATH_MAX_DMA_PAGES ((ATH_DMA_END - ATH_DMA_WINDOW) / ATH_PAGE_SIZE)
#define ATH_MAX_IOPORTS   4u  /* I/O-port ranges per component */
#define ATH_MAX_IRQS      4u  /* interrupt lines per component */
#define ATH_MAX_MMIO      2u  /* device-memory ranges per component */
#define ATH_MAX_DIRS      4u  /* preopened directories per component */
#define ATH_DIR_PATH_MAX  255u /* a preopened directory's path, and its guest name */
#define ATH_IRQ_LINES     16u /* lines 0..15 */
#define ATH_MAX_RESTARTS  8u  /* restarts counted within a window (the kernel keeps their times) */
#define ATH_MAX_GRANTS    256u /* capabilities one component may have granted elsewhere at once */
#define ATH_PHYS_LIMIT    (1ull << 52) /* device memory lies below the widest physical address */

#endif
