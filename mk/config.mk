# Toolchain and flags shared by every build of Athanor.
BUILD    ?= build
CC       := gcc
AS_FLAGS :=
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-unused-parameter
CSTD     := -std=c11
INCLUDES := -Ikernel/include -Iabi

# Portable core sources (kernel/). kernel/lib/string.c and kernel/rt/libm.c
# are bare-metal only: hosted builds use the C library's functions (so the
# sanitizers see every copy).
CORE_SRCS      := $(sort $(wildcard kernel/*.c kernel/*/*.c))
CORE_SRCS_HOST := $(filter-out kernel/lib/string.c kernel/rt/libm.c,$(CORE_SRCS))
# Files compiled with SSE enabled even in the bare-metal kernel: the FPU test
# (FP state must survive context switches) and the float helpers of wasm code.
SSE_SRCS       := kernel/ktest/test_fpu.c kernel/rt/libm.c

# How wasm2c output and the runtime agree to work is set in one place, our
# kernel/include/wasm-rt.h (guard regions, no call-depth counter, no Segue).
# The x86-64-v2 instructions (SSSE3, SSE4.1, SSE4.2, POPCNT; every x86-64
# CPU since 2009, and QEMU's -cpu max) for generated code: wasm SIMD's lane
# inserts, extracts and byte shuffles are one instruction each with them and
# a loop through memory without (SIMDe's SSE2 fallbacks). The kernel checks
# the CPU has them before it starts a component (arch/x86_64, hosted main).
# The native baselines of the workload benchmarks are built with them too.
GEN_ISA := -mssse3 -msse4.1 -msse4.2 -mpopcnt
# Generated component code, on both platforms: a load that may fault has an
# effect, so gcc keeps it even when its value is unused (a wasm load out of
# bounds traps whether or not its value is used; tools/wasm2kernel.sh says
# why this replaces wasm2c's asm barrier); signed arithmetic wraps, as
# wasm's does (SIMDe implements i64x2.mul and others with signed C types);
# and the instructions above. No frame pointer (the kernel's own code keeps
# one for its backtraces): rbp is one more register for the generated code,
# as for native code built with -O2; a kernel backtrace through a
# component's frames stops there (kernel/lib/backtrace.c checks each frame).
GEN_CFLAGS := -fnon-call-exceptions -fno-delete-dead-exceptions -fwrapv $(GEN_ISA) \
              -fomit-frame-pointer

# The call path's files are compiled without SLP vectorising: gcc packs
# pairs of a call's activation words into 16-byte stores that the
# unwindable call then reads back 8 bytes at a time, which store forwarding
# does not serve at once (a null call measured 10.9 ns with it, 10.4
# without; docs/ipc.md). Both platforms' rules add $(NOSLP).
NOSLP_SRCS := kernel/ipc/call.c kernel/ipc/hostcalls.c
NOSLP       = $(if $(filter $<,$(NOSLP_SRCS)),-fno-tree-slp-vectorize)

# Native stack below every component's limit kept for host calls,
# interrupts and the trap path (component.h); the sanitizers' frames are
# larger. Checked by the stack tests (iso_stack_* in kernel/ktest/test_isolation.c).
STACK_RESERVE_KERNEL    := 16384
STACK_RESERVE_HOSTED    := 24576
STACK_RESERVE_HOSTEDSAN := 65536

# The step after every link of a C module (components, workloads, the
# tree's apps): clang's wasm32 driver runs the first wasm-opt it finds, and
# clang's -B$(WASM_OPT_DIR)/ makes that tools/wasm-opt/wasm-opt.
WASM_OPT_DIR := tools/wasm-opt
WASM_OPT     := $(WASM_OPT_DIR)/wasm-opt

# Generated sources: the system manifest's tables and every component's C.
GEN := $(BUILD)/gen

# What every C and C++ module's link puts ahead of wasi-libc (components,
# workloads, the tree's apps): Azoth's own memcmp (sdk/libc/memcmp.c says
# why; built in mk/components.mk).
WASM_LIBC_OBJ := $(GEN)/sdk/libc.o

# Quiet build output unless V=1.
ifeq ($(V),1)
Q :=
else
Q := @
endif
