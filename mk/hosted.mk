# The hosted platform: the portable core + platform/hosted as a Linux program.
# Two flavours: build/hosted (optimised, for benchmarks and `azoth` runs) and
# build/hosted-san (ASan + UBSan, for tests).
HOSTED_PLAT_SRCS := $(sort $(wildcard platform/hosted/*.c platform/hosted/*.S))
HOSTED_SRCS      := $(CORE_SRCS_HOST) $(HOSTED_PLAT_SRCS) $(COMP_GEN_SRCS)

HOSTED_CFLAGS_COMMON := $(CSTD) $(INCLUDES) $(RT_DEFS) -g -fno-omit-frame-pointer \
                      -mno-omit-leaf-frame-pointer -fno-pie -MMD -MP
HOSTED_CFLAGS_BASE := $(HOSTED_CFLAGS_COMMON) $(WARN)
HOSTED_LDFLAGS     := -no-pie -pthread
HOSTED_LIBS        := -lm
# Generated component code: not ours to lint.
# Only the platform's own files see its headers (as in mk/kernel.mk).
hmachine = $(if $(filter platform/%,$<),-Iplatform/hosted,)
hflags = $(hmachine) $(if $(filter $(GEN)/%,$<),$(HOSTED_CFLAGS_COMMON) -w -fstack-usage -fno-optimize-sibling-calls -I$(dir $<),$(HOSTED_CFLAGS_BASE))
SAN_FLAGS          := -fsanitize=address,undefined -fno-sanitize-recover=all

define hosted_flavour
# $(1) = output dir, $(2) = extra cflags, $(3) = its frames table,
# $(4) = compiler for the core (default $(CC)), $(5) = compiler and flags for
# the generated component code (default: the core's, with $(2))
$(1)_OBJS := $$(patsubst %,$(1)/%.o,$$(HOSTED_SRCS) $(3))
$(1)_CC   := $(if $(4),$(4),$$(CC))
$(1)_GEN  := $(if $(5),$(5),$$($(1)_CC) $(2))
$$(eval $$(call frames_rule,$(1),$(3)))
$(1)/%.c.o: %.c
	@mkdir -p $$(dir $$@)
	@echo '  CC      $$@'
	$(Q)$$(if $$(filter $(GEN)/%,$$<),$$($(1)_GEN),$$($(1)_CC) $(2)) $$(hflags) -c $$< -o $$@
$(1)/%.S.o: %.S
	@mkdir -p $$(dir $$@)
	@echo '  CC      $$@'
	$(Q)$$($(1)_CC) $$(hflags) $(2) -c $$< -o $$@
# Two-pass link: the second adds the symbol table generated from the first.
$(1)/ksyms0.S: tools/gen-ksyms.sh
	@mkdir -p $$(dir $$@)
	$(Q)tools/gen-ksyms.sh > $$@
$(1)/azoth.pass1: $$($(1)_OBJS) $(1)/ksyms0.S
	@echo '  LD      $$@'
	$(Q)$$($(1)_CC) $(2) $$(HOSTED_LDFLAGS) -o $$@ $$($(1)_OBJS) $(1)/ksyms0.S $$(HOSTED_LIBS)
$(1)/ksyms.S: $(1)/azoth.pass1 tools/gen-ksyms.sh
	$(Q)tools/gen-ksyms.sh $$< > $$@
$(1)/azoth: $$($(1)_OBJS) $(1)/ksyms.S tools/check-ksyms.sh
	@echo '  LD      $$@'
	$(Q)$$($(1)_CC) $(2) $$(HOSTED_LDFLAGS) -o $$@ $$($(1)_OBJS) $(1)/ksyms.S $$(HOSTED_LIBS)
	$(Q)tools/check-ksyms.sh $$@ $(1)/ksyms.S
-include $$($(1)_OBJS:.o=.d)
endef

$(eval $(call hosted_flavour,$(BUILD)/hosted,-O2 -DATH_STACK_RESERVE=$(STACK_RESERVE_HOSTED),$(GEN)/frames/hosted.c))
$(eval $(call hosted_flavour,$(BUILD)/hosted-san,-O1 $(SAN_FLAGS) -DATH_STACK_RESERVE=$(STACK_RESERVE_HOSTEDSAN),$(GEN)/frames/hosted-san.c))

# The fuzzing flavour (make fuzz, tests/hosted/fuzz.sh): ASan + UBSan and
# AFL++'s coverage instrumentation, which needs its clang (afl-clang-fast;
# Debian's afl-gcc-fast does not load into Debian's gcc 12).
# The components' generated code is what SFI confines, not what is fuzzed:
# gcc compiles it, plainly (no sanitizer runtime of its own to clash with
# clang's, and clang takes minutes on its largest files).
AFL_CC := afl-clang-fast
$(eval $(call hosted_flavour,$(BUILD)/fuzz,-O1 $(SAN_FLAGS) -DATH_STACK_RESERVE=$(STACK_RESERVE_HOSTEDSAN),$(GEN)/frames/fuzz.c,AFL_QUIET=1 $(AFL_CC),$(CC) -O1 -DATH_STACK_RESERVE=$(STACK_RESERVE_HOSTEDSAN)))

.PHONY: hosted hosted-san hosted-fuzz
hosted: $(BUILD)/hosted/azoth
hosted-san: $(BUILD)/hosted-san/azoth
hosted-fuzz: $(BUILD)/fuzz/azoth
