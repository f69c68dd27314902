/* The platform seam: everything the portable core (kernel/) needs from the machine.
 * Exactly two implementations exist: arch/x86_64 (bare metal) and platform/hosted
 * (a Linux process). The core includes no other machine header and never #ifdefs
 * on the platform. */
#ifndef ATHANOR_PLATFORM_H
#define ATHANOR_PLATFORM_H

#include <athanor/types.h>

/* ---- boot information handed to kernel_main() ---------------------------- */

#define BOOT_MAX_REGIONS 64
#define BOOT_CMDLINE_MAX 256

/* A range of physical RAM the core may hand out. Ranges the platform needs
 * (kernel image, boot structures, firmware) are already excluded. */
struct boot_region {
    phys_addr_t base;
    uint64_t    size;
};

/* A region of whole pages for code loaded at run time (plat_code_alloc,
 * below). */
struct plat_code {
    uintptr_t base;
    size_t    size;
    void     *cookie; /* platform bookkeeping */
};

struct boot_info {
    const char        *platform;          /* "x86_64" or "hosted" */
    const char        *loader;            /* "PVH", "Multiboot2", "Linux" */
    uint64_t           ram_total;         /* bytes of RAM the firmware reported */
    uint64_t           reserved_bytes;    /* of that, kept by the platform (image, low memory) */
    unsigned           nregions;
    struct boot_region regions[BOOT_MAX_REGIONS];
    char               cmdline[BOOT_CMDLINE_MAX];
    char               cpu_desc[160];     /* vendor and model, one line */
    char               cpu_features[256]; /* space-separated feature names */
    /* A package to run at boot, and its start request (struct
     * ath_app_spec): the hosted `azoth run`; empty elsewhere. The package
     * is in a code region (plat_code_alloc, ath_pkg_mem_size bytes: what
     * the loader takes as its copy). The kernel starts it with exactly
     * those grants, its fds 0-2 the host's own streams, and ends with its
     * exit status (kernel/load/run.c). */
    struct plat_code   run_pkg;
    size_t             run_pkg_len;
    const uint8_t     *run_spec;
    size_t             run_spec_len;
    /* With run_pkg: the wall clock when the platform handed over (ns since
     * 1970, UTC; hosted: the host's), as no RTC driver runs then. */
    uint64_t           run_realtime_ns;
};

/* Entered once by the platform on the boot CPU with interrupts disabled.
 * It never returns: the boot context becomes this CPU's idle thread. */
noreturn void kernel_main(struct boot_info *bi);

/* ---- console -------------------------------------------------------------- */

/* Write raw bytes to the console device; callers serialise (see console.c). */
void plat_console_write(const char *s, size_t n);
/* Input arrives by the platform calling console_input_irq() (console.h) from
 * interrupt context, no more than console_input_room() says: the rest is
 * held back in the device (which holds its sender back), and the platform
 * offers it when plat_console_rx_ready() says the core has taken all it
 * had. Called from thread context, without the console's locks. No byte of
 * input is dropped. */
void plat_console_rx_ready(void);

/* ---- interrupts and CPUs --------------------------------------------------- */

typedef unsigned long irqflags_t;
/* Every change of the interrupt flag is reported to the core's
 * irqoff_begin/irqoff_end (athanor/irqoff.h), including an interrupt's
 * arrival and its return. */
irqflags_t plat_irq_save(void);          /* disable local interrupts, return previous state */
void       plat_irq_restore(irqflags_t);  /* restore a state returned by plat_irq_save */
bool       plat_irq_enabled(void);
void       plat_irq_enable(void);         /* used once by each new thread */
/* Enable interrupts and wait for one, atomically (no lost wake-up); returns
 * with interrupts disabled again. This is the only way the core idles. */
void       plat_idle(void);
unsigned   plat_cpu_id(void);             /* index of the executing CPU, < PLAT_MAX_CPUS */
void       plat_cpu_relax(void);          /* spin-wait hint */
#define PLAT_MAX_CPUS 8

/* Called by the platform at boot, after the core heap and scheduler exist:
 * start the timer and interrupt sources. Interrupts stay disabled. */
void plat_init_late(void);

/* ---- time ------------------------------------------------------------------ */

uint64_t plat_clock_ns(void);               /* monotonic nanoseconds since boot */
uint64_t plat_cycles(void);                 /* a raw, cheap, monotonic counter (the TSC) */
/* Arm this CPU's one-shot timer to call sched_timer_irq() at or after the
 * absolute monotonic time `deadline_ns`; UINT64_MAX disarms. Called with
 * interrupts disabled. */
void plat_timer_arm(uint64_t deadline_ns);

/* Fill buf with entropy from the best source the machine has (hardware
 * random number generator, mixed with timer jitter), for seeding the CSPRNG. */
void plat_entropy(void *buf, size_t len);

/* ---- memory ---------------------------------------------------------------- */

void       *plat_phys_to_virt(phys_addr_t pa);  /* through the direct map */
phys_addr_t plat_virt_to_phys(const void *va);  /* only for direct-map addresses */
/* The frames [pa, pa + frames pages) are about to be written whole (a new
 * heap chunk): a hint, nothing depends on it. The hosted platform's RAM is
 * a file whose pages Linux allocates at their first write, a fault each
 * (3-4 us a page on the machines measured); it has them allocated in one
 * call instead. Bare metal has nothing to do. */
void        plat_frames_prefault(phys_addr_t pa, size_t frames);

/* A kernel stack with an unmapped guard page directly below `base`. */
struct plat_stack {
    void  *base;   /* lowest usable byte */
    size_t size;   /* usable bytes */
    void  *cookie; /* platform bookkeeping */
};
int  plat_stack_alloc(size_t size, struct plat_stack *out); /* 0 or -ATH_ENOMEM */
void plat_stack_free(struct plat_stack *st);

/* A reserved range of kernel virtual addresses (a component's linear memory
 * and its guard region). Pages are inaccessible until committed; an access
 * to an uncommitted page faults, which kernel_fault() turns into a trap of
 * the component. A range can take one snapshot of its committed contents
 * and later revert to it: the platform keeps the snapshot copy-on-write, so
 * reverting costs in proportion to the pages touched since, not the size. */
struct plat_vrange {
    uintptr_t base;
    size_t    size;
    size_t    committed;  /* bytes from base that are mapped read-write */
    size_t    snap_bytes; /* committed bytes when the snapshot was taken; 0 = none */
    void     *cookie;     /* platform bookkeeping */
};
/* Enough for any 32-bit address plus 32-bit offset plus the widest access
 * (16 bytes), rounded to 2 MiB: generated code checks no bounds, so an
 * access past the end of one range must not reach the next one. */
#define PLAT_VRANGE_MAX ((8ull << 30) + (2ull << 20))
int  plat_vrange_reserve(size_t size, struct plat_vrange *out); /* 0, -ATH_EINVAL, -ATH_ENOMEM */
/* Grow the committed prefix to `bytes` (page multiple): new pages are zeroed
 * and read-write. 0 or -ATH_ENOMEM (nothing new is committed then). */
int  plat_vrange_commit(struct plat_vrange *r, size_t bytes);
/* Unmap and free everything. r is cleared first: once the addresses may
 * go to the next reservation, r no longer claims them (comp_by_address
 * finds memories by these fields). */
void plat_vrange_release(struct plat_vrange *r);
/* For the in-kernel tests only (NULL otherwise): called by
 * plat_vrange_release at the moment the addresses may be reused. */
extern void (*plat_vrange_release_probe)(void);
/* Make the current committed contents the snapshot. 0 or -ATH_ENOMEM. */
int  plat_vrange_snapshot(struct plat_vrange *r);
/* A write fault at addr: if it hit a snapshot page the platform keeps
 * read-only for copy-on-write, give the writer its own copy and return true
 * (the write is retried); false otherwise. Interrupt context. */
bool plat_vrange_cow(struct plat_vrange *r, uintptr_t addr);
/* Move the pages [foff, foff+len) of `from` (committed) to [toff, toff+len)
 * of `to` (which must not be mapped there), read-only or read-write there.
 * The source range becomes inaccessible. No byte is copied: the platform
 * moves mappings (page-table entries, or Linux's mremap). Page multiples.
 * 0, -ATH_EINVAL, -ATH_ENOMEM. Used for IPC lend (there and back) and
 * transfer (one way). */
int  plat_vrange_move(struct plat_vrange *from, size_t foff, struct plat_vrange *to, size_t toff,
                      size_t len, bool writable);
/* Mapping work since boot, for benchmarks (what an IPC lend costs besides
 * time): page-table entries written, whole page tables read to count their
 * pages, single-page TLB invalidations and full TLB flushes (bare metal);
 * the Linux calls plat_vrange_move made (hosted, whose other counts are 0). */
struct plat_pt_counts {
    uint64_t entries_written, tables_scanned;
    uint64_t tlb_page_flushes, tlb_full_flushes;
    uint64_t os_calls;
};
void plat_pt_counts(struct plat_pt_counts *out);
/* Revert to the snapshot: memory committed since is released, written pages
 * get their snapshot contents back. *pages: pages that had to be restored. */
int  plat_vrange_revert(struct plat_vrange *r, uint32_t *pages);

/* Copy n bytes where one side may be a component's memory with a page
 * missing (lent out, given away): 0, or -1 if a page fault stopped it
 * (some bytes may have been copied). The fault handler knows it by
 * plat_copy_fixup: for a fault at pc inside the copy, the pc to resume at
 * (on the same stack: the copy then returns -1), else 0. */
int       plat_copy_guarded(void *dst, const void *src, size_t n);
uintptr_t plat_copy_fixup(uintptr_t pc);

/* ---- calls that can be unwound ----------------------------------------- */

/* A call into a component's code that a trap of that code, however deep,
 * can end at once: the recovery point of an activation (component.h). The
 * platform keeps here what finds the caller's frame again (x86-64: its
 * frame pointer, and the stack pointer at the call). What the call runs
 * is PLAT_CALL_UNWINDABLE's argument, not kept: an unwinding only needs
 * the frame (and a served call takes it from registers, not through
 * memory it has just written). */
#define PLAT_UNWIND_WORDS 2
typedef uint64_t plat_unwind_fn(void *arg, uint64_t b, uint64_t c, uint64_t d, uint64_t e,
                                uint64_t f);
struct plat_unwind {
    uintptr_t regs[PLAT_UNWIND_WORDS]; /* the platform's */
};
/* PLAT_CALL_UNWINDABLE's asm and unwind.S: regs[0] the frame pointer, regs[1] the stack pointer. */
_Static_assert(__builtin_offsetof(struct plat_unwind, regs) == 0 && sizeof(uintptr_t) == 8,
               "struct plat_unwind as the asm lays it out");
/* The running thread's: true exactly while an unwindable call's fn runs
 * with its record complete, so an interrupt that finds it true may unwind
 * that call. PLAT_CALL_UNWINDABLE sets it and clears it again when fn
 * returns, plat_unwind clears it; the core clears it while fn's code is in
 * a host call and sets it back after (athanor/host.h). One per CPU (there
 * is one; more would keep it in the CPU's own data): the scheduler saves
 * it with the thread it switches away from and restores it for the one it
 * switches to (struct thread's in_wasm), so a call does not store where
 * its thread keeps it. Defined in arch/x86_64/unwind.S. */
extern bool plat_unwind_live;

/* PLAT_CALL_UNWINDABLE(res, u, fn, arg, b, c, d, e, f): res = fn(arg, b, c,
 * d, e, f), recorded in u, with plat_unwind_live true while it runs; res = 0 if plat_unwind(u)
 * ended it instead (the caller marks which, in its own state, before it
 * unwinds). A statement, not a call: the call of fn is made in place, in
 * one asm statement that records the frame and stack pointers first. Its
 * clobbers say that every register but those two is dead after it, the
 * callee-saved ones included: so the compiler keeps nothing in a register
 * across it, saves those the function's caller expects back in the
 * function's own frame (its prologue), and the statement can be left in
 * the middle by an unwinding that restores only the two, under GCC and
 * clang alike (a returns_twice call, as setjmp, relies on the compiler's
 * handling of it: GCC's holds, clang's does not). Both platforms are
 * x86-64 and share it (arch/x86_64/unwind.S has plat_unwind).
 *
 * The function's stack pointer is 16-byte aligned there (the ABI's rule
 * for a function that makes calls, which a function using this does); fn
 * runs below the 128-byte red zone, which a leaf function of the hosted
 * platform may use. The record's stack pointer is where the call puts its
 * return address, so plat_unwind returns there. */
#ifdef __SSE__ /* vector registers the compiler may use (not with -mgeneral-regs-only) */
#define PLAT_UNWIND_VCLOBBERS_ , "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", \
    "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15"
#else
#define PLAT_UNWIND_VCLOBBERS_
#endif
#define PLAT_CALL_UNWINDABLE(res, u, fn, arg, b, c, d, e, f)                                    \
    do {                                                                                       \
        register struct plat_unwind *pu_rec_ __asm__("r11") = (u);                             \
        register uint64_t pu_r8_ __asm__("r8") = (e);                                          \
        register uint64_t pu_r9_ __asm__("r9") = (f);                                          \
        plat_unwind_fn *pu_fn_ = (fn);                                                         \
        uint64_t pu_rax_ = (uint64_t)(uintptr_t)pu_fn_;                                        \
        void *pu_rdi_ = (arg);                                                                 \
        uint64_t pu_rsi_ = (b), pu_rdx_ = (c), pu_rcx_ = (d);                                  \
        __asm__ volatile("lea -128(%%rsp), %%rsp\n\t"                                          \
                         "mov %%rbp, (%[rec])\n\t"                                             \
                         "lea -8(%%rsp), %%r10\n\t"                                            \
                         "mov %%r10, 8(%[rec])\n\t"                                            \
                         "movb $1, plat_unwind_live(%%rip)\n\t"                                \
                         "call *%%rax\n\t"                                                     \
                         "movb $0, plat_unwind_live(%%rip)\n\t"                                \
                         "lea 128(%%rsp), %%rsp"                                               \
                         : "+a"(pu_rax_), "+D"(pu_rdi_), "+S"(pu_rsi_), "+d"(pu_rdx_),         \
                           "+c"(pu_rcx_), "+r"(pu_r8_), "+r"(pu_r9_), [rec] "+r"(pu_rec_)      \
                         :                                                                     \
                         : "rbx", "r10", "r12", "r13", "r14", "r15", "memory",                 \
                           "cc" PLAT_UNWIND_VCLOBBERS_);                                       \
        (res) = pu_rax_;                                                                       \
    } while (0)
/* End the call u records: back on its caller's stack, plat_unwind_live
 * false, as if fn had returned 0. Only from code that call ran (a deeper
 * frame of this stack). */
noreturn void plat_unwind(struct plat_unwind *u);

/* ---- thread context ------------------------------------------------------- */

/* Saved machine state of a kernel thread that is not running. */
typedef struct plat_ctx {
    uintptr_t sp;       /* callee-saved registers are on the stack at sp */
    void     *xstate;   /* FPU/SSE/AVX state area, plat_xstate_size() bytes, 64-aligned; may be NULL if size is 0 */
    void     *stack_lo; /* stack bounds (NULL/0 for the boot stack until the platform learns them) */
    size_t    stack_size;
    void     *san;      /* sanitizer bookkeeping of the hosted platform */
} plat_ctx_t;

size_t plat_xstate_size(void);
/* Prepare `c` so that switching to it calls entry(arg) on the stack
 * [stack_lo, stack_lo + size). The new thread starts with interrupts disabled
 * (inside the scheduler). */
void plat_ctx_init(plat_ctx_t *c, void *stack_lo, size_t size, void (*entry)(void *), void *arg);
/* Save the current state into `from` and resume `to`. Interrupts disabled. */
void plat_ctx_switch(plat_ctx_t *from, plat_ctx_t *to);

/* ---- device access (for drivers, through their capabilities) --------------- */

/* Port I/O of width 1, 2 or 4 bytes. The core checks a driver's capability
 * first; these only do the access. Hosted, a small device double answers
 * (a CMOS clock reading the host's time; all ones elsewhere, as from an
 * empty ISA bus). */
uint32_t plat_io_in(uint16_t port, unsigned width);
void     plat_io_out(uint16_t port, unsigned width, uint32_t value);

/* Device interrupt lines, numbered as ISA IRQs (0-15). Enabled, a line that
 * fires is masked by the platform, which then calls hw_irq_fired(line)
 * (hw.h) in interrupt context; plat_irqline_unmask lets it fire again (the
 * driver's acknowledgement). Enable returns -ATH_ENOSYS where the platform
 * has no such line (hosted: no device raises interrupts). */
#define PLAT_IRQ_LINES 16
int  plat_irqline_enable(unsigned line);
void plat_irqline_disable(unsigned line);
void plat_irqline_unmask(unsigned line);

/* Device memory: a kernel pointer to [phys, phys + len) mapped uncached,
 * the range inside one PLAT_MMIO_CHUNK-aligned chunk; NULL if it cannot be
 * mapped (hosted: there is no device memory). The core has checked the
 * driver's MMIO capability first. Mappings are kept (device space is small). */
#define PLAT_MMIO_CHUNK (2ull << 20)
volatile void *plat_mmio_ptr(uint64_t phys, size_t len);
/* Device memory that is not memory: a device the platform emulates (the
 * hosted platform's virtio-blk double), reached one access at a time where
 * plat_mmio_ptr has no mapping. -ATH_ENOSYS: no device there (bare metal:
 * never one). */
int plat_mmio_emul_read(uint64_t phys, unsigned width, uint64_t *val);
int plat_mmio_emul_write(uint64_t phys, unsigned width, uint64_t val);

/* DMA: map `len` bytes of physically contiguous, zeroed frames at `phys`
 * (from frame_alloc) into r at off, read-write; they become r's and are
 * freed with it. And the physical address behind byte off of r (a device
 * may be given it while the page stays put; -ATH_ENOSYS if the page is not
 * there). Hosted, DMA buffers are RAM mapped into r as well (device doubles
 * write RAM), and any other page's address is a marked kernel pointer that
 * the doubles check against the ranges before they touch it. */
int plat_vrange_map_frames(struct plat_vrange *r, size_t off, phys_addr_t phys, size_t len);
/* Is every page of [off, off + len) mapped (committed, moved in by IPC, or
 * a DMA buffer)? Whether writable or not: a write to a read-only page
 * faults as usual. For the runtime's bulk-memory check (kernel/rt). */
bool plat_vrange_mapped(struct plat_vrange *r, size_t off, size_t len);
int plat_vrange_phys(struct plat_vrange *r, size_t off, phys_addr_t *phys);
/* Unmap [off, off + len) of r (pages mapped by map_frames, past the
 * committed memory) and, if free_frames, free their frames (else they stay
 * the caller's: a driver's DMA buffers, kernel/hw/dma.c); pages not there
 * are skipped. */
int plat_vrange_unmap_frames(struct plat_vrange *r, size_t off, size_t len, bool free_frames);

/* ---- code loaded at run time (packages: kernel/load) --------------------- */

/* A region of whole pages for one package's image. It starts read-write
 * and not executable (the loader copies and relocates into it); then
 * plat_code_protect gives each page range its final protection, and
 * nothing writes it again. No page is ever writable and executable at once
 * (W^X). Owned by the package that allocated it; freed with it. */
enum plat_prot { PLAT_PROT_R = 1, PLAT_PROT_RW = 2, PLAT_PROT_RX = 3 };
/* struct plat_code: above, with boot_info. */
/* 0, -ATH_EINVAL (size 0 or larger than PLAT_CODE_MAX), -ATH_ENOMEM. */
#define PLAT_CODE_MAX (64ull << 20)
int  plat_code_alloc(size_t size, struct plat_code *out);
/* Page multiples inside the region; 0 or -ATH_EINVAL. */
int  plat_code_protect(struct plat_code *c, size_t off, size_t len, enum plat_prot prot);
void plat_code_free(struct plat_code *c);

/* ---- the host's own streams (the hosted `azoth run`) ----------------------- */

/* Write n bytes to the host's standard output (stream 1) or error (2),
 * whole: 0, or -ATH_ENOSYS where there is no host (bare metal), -ATH_ENOENT
 * (the stream is closed). */
int plat_host_write(int stream, const void *buf, size_t n);
/* End the system with this exit status: the process's, hosted (after the
 * console is written out); bare metal has no one to tell and powers off. */
noreturn void plat_exit(int status);

/* ---- power and diagnostics --------------------------------------------------- */

noreturn void plat_poweroff(void);
noreturn void plat_reboot(void);
/* End a test run with a verdict the harness can read (isa-debug-exit under
 * QEMU, the process exit status hosted). */
enum plat_test_status { PLAT_TEST_PASS, PLAT_TEST_FAIL, PLAT_TEST_FAULT };
noreturn void plat_test_exit(enum plat_test_status st);
/* Stop everything after a fatal kernel error (halt; test exit in test mode). */
noreturn void plat_fatal_stop(void);
/* True if the 16 bytes at a frame pointer can be read without faulting
 * (they lie on a kernel stack); the backtrace walker asks before each frame. */
bool plat_frame_readable(uintptr_t fp);

#endif
