# The hosted platform: the portable core + platform/hosted as a Linux program.
# Flavours: build/hosted (optimised: azoth, the user image, is what a user
# runs; azoth-test serves benchmarks), build/hosted-san (ASan + UBSan, for
# tests: both images) and build/fuzz (the test image). Images: mk/images.mk.
HOSTED_PLAT_SRCS := $(sort $(wildcard platform/hosted/*.c platform/hosted/*.S))
HOSTED_SRCS      := $(CORE_SRCS_HOST) $(HOSTED_PLAT_SRCS)

HOSTED_CFLAGS_COMMON := $(CSTD) $(INCLUDES) -g -fno-omit-frame-pointer \
                      -mno-omit-leaf-frame-pointer -fno-pie -MMD -MP
HOSTED_CFLAGS_BASE := $(HOSTED_CFLAGS_COMMON) $(WARN)
HOSTED_LDFLAGS     := -no-pie -pthread
HOSTED_LIBS        := -lm
# Generated component code: not ours to lint.
# Only the platform's own files see its headers (as in mk/kernel.mk).
hmachine = $(if $(filter platform/%,$<),-Iplatform/hosted,)
hflags = $(hmachine) $(sodium_flags) $(run_flags) $(NOSLP) $(if $(filter $(GEN)/%.c,$<),$(HOSTED_CFLAGS_COMMON) $(GEN_CFLAGS) -w -fstack-usage -fno-optimize-sibling-calls -I$(dir $<),$(if $(sodium_src),$(HOSTED_CFLAGS_COMMON) -w,$(HOSTED_CFLAGS_BASE)))
SAN_FLAGS          := -fsanitize=address,undefined -fno-sanitize-recover=all

define hosted_flavour
# $(1) = output dir, $(2) = extra cflags, $(3) = the images it links,
# $(4) = compiler for the core (default $(CC)), $(5) = compiler and flags for
# the generated component code (default: the core's, with $(2))
$(1)_CC   := $(if $(4),$(4),$$(CC))
$(1)_GEN  := $(if $(5),$(5),$$($(1)_CC) $(2))
$(1)_SRCS := $$(HOSTED_SRCS)
$(1)_LINK := $$($(1)_CC) $(2) $$(HOSTED_LDFLAGS)
$(1)_LIBS := $$(HOSTED_LIBS)
$(1)_EXT  :=
$(1)_LINKDEPS :=
$$(foreach im,$(3),$$(eval $$(call image_rules,$(1),$$(im))))
$(1)/%.c.o: %.c
	@mkdir -p $$(dir $$@)
	@echo '  CC      $$@'
	$(Q)$$(if $$(filter $(GEN)/%,$$<),$$($(1)_GEN),$$($(1)_CC) $(2)) $$(hflags) -c $$< -o $$@
$(1)/%.S.o: %.S
	@mkdir -p $$(dir $$@)
	@echo '  CC      $$@'
	$(Q)$$($(1)_CC) $$(hflags) $(2) -c $$< -o $$@
-include $$(sort $$(foreach im,$(3),$$($(1)_OBJS_$$(im):.o=.d)))
endef

$(eval $(call hosted_flavour,$(BUILD)/hosted,-O2 -DATH_STACK_RESERVE=$(STACK_RESERVE_HOSTED),$(IMAGES)))
# The generated component code of the sanitized flavours is compiled without
# the sanitizers, once for both (the fuzzing flavour's objects are links to
# hosted-san's): it reaches nothing they watch. Linear memory is a mapping
# ASan does not track, the kernel heap is an arena of its own (which poisons
# freed blocks itself), and wasm2c's output has no signed overflow (-fwrapv),
# no unaligned access (memcpy) and no over-wide shift (it masks). Sanitized,
# it took 2.9 times as long to compile (15.4 s against 5.4 s for the shell's).
SAN_GEN := $(CC) -O1 -DATH_STACK_RESERVE=$(STACK_RESERVE_HOSTEDSAN)
$(eval $(call hosted_flavour,$(BUILD)/hosted-san,-O1 $(SAN_FLAGS) -DATH_STACK_RESERVE=$(STACK_RESERVE_HOSTEDSAN),$(IMAGES),,$(SAN_GEN)))

# The fuzzing flavour (make fuzz, tests/hosted/fuzz.sh): ASan + UBSan and
# AFL++'s coverage instrumentation, which needs its clang (afl-clang-fast;
# Debian's afl-gcc-fast does not load into Debian's gcc 12).
# The components' generated code is what SFI confines, not what is fuzzed:
# gcc compiles it, plainly (no sanitizer runtime of its own to clash with
# clang's, and clang takes minutes on its largest files).
AFL_CC := afl-clang-fast
$(eval $(call hosted_flavour,$(BUILD)/fuzz,-O1 $(SAN_FLAGS) -DATH_STACK_RESERVE=$(STACK_RESERVE_HOSTEDSAN),test,AFL_QUIET=1 $(AFL_CC),$(SAN_GEN)))
# (A shorter stem than the flavour's own rule: make prefers this one.) The
# stack-usage file goes with the object: tools/frames.sh reads it.
$(BUILD)/fuzz/$(GEN)/%.c.o: $(BUILD)/hosted-san/$(GEN)/%.c.o
	@mkdir -p $(dir $@)
	$(Q)ln -f $(basename $<).su $(basename $@).su && ln -f $< $@

.PHONY: hosted hosted-test hosted-san hosted-fuzz
hosted: $(BUILD)/hosted/azoth
hosted-test: $(BUILD)/hosted/azoth-test
hosted-san: $(BUILD)/hosted-san/azoth $(BUILD)/hosted-san/azoth-test
hosted-fuzz: $(BUILD)/fuzz/azoth-test
