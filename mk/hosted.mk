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
$(eval $(call hosted_flavour,$(BUILD)/hosted-san,-O1 $(SAN_FLAGS) -DATH_STACK_RESERVE=$(STACK_RESERVE_HOSTEDSAN),$(IMAGES)))

# The fuzzing flavour (make fuzz, tests/hosted/fuzz.sh): ASan + UBSan and
# AFL++'s coverage instrumentation, which needs its clang (afl-clang-fast;
# Debian's afl-gcc-fast does not load into Debian's gcc 12).
# The components' generated code is what SFI confines, not what is fuzzed:
# gcc compiles it, plainly (no sanitizer runtime of its own to clash with
# clang's, and clang takes minutes on its largest files).
AFL_CC := afl-clang-fast
$(eval $(call hosted_flavour,$(BUILD)/fuzz,-O1 $(SAN_FLAGS) -DATH_STACK_RESERVE=$(STACK_RESERVE_HOSTEDSAN),test,AFL_QUIET=1 $(AFL_CC),$(CC) -O1 -DATH_STACK_RESERVE=$(STACK_RESERVE_HOSTEDSAN)))

.PHONY: hosted hosted-test hosted-san hosted-fuzz
hosted: $(BUILD)/hosted/azoth
hosted-test: $(BUILD)/hosted/azoth-test
hosted-san: $(BUILD)/hosted-san/azoth $(BUILD)/hosted-san/azoth-test
hosted-fuzz: $(BUILD)/fuzz/azoth-test
