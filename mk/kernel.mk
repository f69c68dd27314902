# The bare-metal kernel: the portable core + arch/x86_64, freestanding, in
# both images (mk/images.mk): azoth.elf (user, what make run and make iso
# boot) and azoth-test.elf (the test and bench layers), each also stripped
# as .bin.elf.
KDIR       := $(BUILD)/x86_64
ARCH_SRCS  := $(sort $(wildcard arch/x86_64/*.c arch/x86_64/*/*.c arch/x86_64/*.S arch/x86_64/*/*.S))

# No red zone (interrupts push on the same stack), kernel code model (linked
# at -2 GiB), frame pointers for backtraces, and no SSE in kernel C code: the
# interrupt path must not touch SIMD registers before they are saved.
# gcc's static analyzer runs on every bare-metal build (warnings are errors).
# kernel/rt/libc holds the few C library headers wasm-rt.h and wasm2c
# output include; generated code is not ours to lint (-w), but is compiled
# with the same code model and SSE, measured frames (-fstack-usage, see
# tools/frames.sh), and no sibling calls: a trap's report names the wasm
# function it happened in by the return address of the call into the runtime.
KCFLAGS_COMMON := $(CSTD) $(INCLUDES) -Ikernel/rt/libc \
                -ffreestanding -fno-stack-protector -fno-pic -fno-pie -mno-red-zone \
                -mcmodel=kernel -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -O2 -g \
                -fno-asynchronous-unwind-tables -MMD -MP -DATH_STACK_RESERVE=$(STACK_RESERVE_KERNEL)
# No kernel frame over 2.5 KiB: host calls, interrupts and the trap path
# run on the reserve below a component's stack limit (docs/security.md).
KFRAME_MAX   := -Wframe-larger-than=2560
KCFLAGS      := $(KCFLAGS_COMMON) $(WARN) $(KFRAME_MAX) -fanalyzer -mgeneral-regs-only
KCFLAGS_SSE  := $(KCFLAGS_COMMON) $(WARN) $(KFRAME_MAX) -fanalyzer -msse2
KCFLAGS_GEN  := $(KCFLAGS_COMMON) -w -msse2 $(GEN_CFLAGS) -fstack-usage -fno-optimize-sibling-calls
KLDFLAGS     := -nostdlib -static -no-pie -Wl,-T,arch/x86_64/linker.ld \
                -Wl,-z,max-page-size=0x1000 -Wl,--build-id=none -Wl,-z,noexecstack

# The machine's headers are on the include path of the machine's code only:
# the core (kernel/) and generated code cannot include them, so "the core
# reaches the machine only through platform.h" is enforced, not a convention.
kmachine = $(if $(filter kernel/% $(GEN)/%,$<),,-Iarch/x86_64/include)
# Code on no hot path (set-up, reports, the monitor, the loader's checks,
# host calls a component makes now and then, the WASI calls that go on to
# a service) is compiled for size: what keeps the image without components
# within 256 KiB (docs/performance.md) now that the loader's signature
# check and hash, WASI files and sockets are in it. -Os took 33 KiB off
# these files; the call, scheduler, capability, heap, lend and trap paths
# stay -O2.
KCOLD_SRCS := kernel/wasi/files.c kernel/wasi/wasi.c kernel/wasi/sockets.c kernel/hw/hostcalls.c \
              kernel/comp/hostcalls.c kernel/comp/component.c kernel/comp/faults.c \
              kernel/comp/supervise.c kernel/lib/format.c kernel/load/app.c kernel/load/pkg.c \
              kernel/load/hostcalls.c kernel/monitor/commands.c kernel/monitor/monitor.c \
              kernel/console.c kernel/console_log.c kernel/time/realtime.c kernel/main.c \
              kernel/fault.c kernel/hw/comp.c kernel/hw/refused.c kernel/lib/backtrace.c \
              kernel/lib/ksyms.c kernel/lib/cmdline.c kernel/lib/errors.c arch/x86_64/cpu.c \
              arch/x86_64/acpi.c arch/x86_64/boot/bootinfo.c arch/x86_64/main.c arch/x86_64/gdt.c \
              arch/x86_64/idt.c arch/x86_64/lapic.c arch/x86_64/ioapic.c arch/x86_64/pit.c \
              arch/x86_64/power.c arch/x86_64/serial.c arch/x86_64/backtrace.c
kflags = $(kmachine) $(sodium_flags) $(if $(filter $(GEN)/%,$<),$(KCFLAGS_GEN) -I$(dir $<),$(if $(sodium_src),$(KCFLAGS_COMMON) -w -mgeneral-regs-only,$(if $(filter $<,$(SSE_SRCS)),$(KCFLAGS_SSE),$(KCFLAGS)))) \
         $(if $(filter $<,$(KCOLD_SRCS)),-Os) $(NOSLP)
$(KDIR)/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo '  CC      $@'
	$(Q)$(CC) $(kflags) -c $< -o $@
$(KDIR)/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo '  AS      $@'
	$(Q)$(CC) $(kmachine) $(KCFLAGS) -c $< -o $@

$(KDIR)_SRCS     := $(CORE_SRCS) $(ARCH_SRCS)
$(KDIR)_LINK     := $(CC) $(KCFLAGS) $(KLDFLAGS)
$(KDIR)_LIBS     := -lgcc
$(KDIR)_EXT      := .elf
$(KDIR)_LINKDEPS := arch/x86_64/linker.ld
$(foreach im,$(IMAGES),$(eval $(call image_rules,$(KDIR),$(im))))
# The file that boots: without debug sections or the ELF symbol table
# (backtraces use the table that is part of the loaded image, see
# kernel/lib/ksyms.c; gdb reads the .elf).
$(KDIR)/%.bin.elf: $(KDIR)/%.elf mk/kernel.mk
	$(Q)strip --strip-all -o $@ $<

-include $(sort $(foreach im,$(IMAGES),$($(KDIR)_OBJS_$(im):.o=.d)))

.PHONY: kernel kernel-test
kernel: $(KDIR)/azoth.elf $(KDIR)/azoth.bin.elf
kernel-test: $(KDIR)/azoth-test.elf $(KDIR)/azoth-test.bin.elf
