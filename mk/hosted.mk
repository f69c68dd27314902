# The hosted platform: the portable core + platform/hosted as a Linux program.
# Two flavours: build/hosted (optimised, for benchmarks and `azoth` runs) and
# build/hosted-san (ASan + UBSan, for tests).
HOSTED_PLAT_SRCS := $(sort $(wildcard platform/hosted/*.c platform/hosted/*.S))
HOSTED_SRCS      := $(CORE_SRCS_HOST) $(HOSTED_PLAT_SRCS) $(COMP_GEN_SRCS)

HOSTED_CFLAGS_COMMON := $(CSTD) $(INCLUDES) $(RT_DEFS) -Iplatform/hosted -g -fno-omit-frame-pointer \
                      -mno-omit-leaf-frame-pointer -fno-pie -MMD -MP
HOSTED_CFLAGS_BASE := $(HOSTED_CFLAGS_COMMON) $(WARN)
HOSTED_LDFLAGS     := -no-pie -pthread
HOSTED_LIBS        := -lm
# Generated component code: not ours to lint.
hflags = $(if $(filter $(GEN)/%,$<),$(HOSTED_CFLAGS_COMMON) -w -fstack-usage -fno-optimize-sibling-calls -I$(dir $<),$(HOSTED_CFLAGS_BASE))
SAN_FLAGS          := -fsanitize=address,undefined -fno-sanitize-recover=all

define hosted_flavour
# $(1) = output dir, $(2) = extra cflags, $(3) = its frames table
$(1)_OBJS := $$(patsubst %,$(1)/%.o,$$(HOSTED_SRCS) $(3))
$$(eval $$(call frames_rule,$(1),$(3)))
$(1)/%.c.o: %.c
	@mkdir -p $$(dir $$@)
	@echo '  CC      $$@'
	$(Q)$$(CC) $$(hflags) $(2) -c $$< -o $$@
$(1)/%.S.o: %.S
	@mkdir -p $$(dir $$@)
	@echo '  CC      $$@'
	$(Q)$$(CC) $$(hflags) $(2) -c $$< -o $$@
# Two-pass link: the second adds the symbol table generated from the first.
$(1)/ksyms0.S: tools/gen-ksyms.sh
	@mkdir -p $$(dir $$@)
	$(Q)tools/gen-ksyms.sh > $$@
$(1)/azoth.pass1: $$($(1)_OBJS) $(1)/ksyms0.S
	@echo '  LD      $$@'
	$(Q)$$(CC) $(2) $$(HOSTED_LDFLAGS) -o $$@ $$($(1)_OBJS) $(1)/ksyms0.S $$(HOSTED_LIBS)
$(1)/ksyms.S: $(1)/azoth.pass1 tools/gen-ksyms.sh
	$(Q)tools/gen-ksyms.sh $$< > $$@
$(1)/azoth: $$($(1)_OBJS) $(1)/ksyms.S tools/check-ksyms.sh
	@echo '  LD      $$@'
	$(Q)$$(CC) $(2) $$(HOSTED_LDFLAGS) -o $$@ $$($(1)_OBJS) $(1)/ksyms.S $$(HOSTED_LIBS)
	$(Q)tools/check-ksyms.sh $$@ $(1)/ksyms.S
-include $$($(1)_OBJS:.o=.d)
endef

$(eval $(call hosted_flavour,$(BUILD)/hosted,-O2 -DATH_STACK_RESERVE=$(STACK_RESERVE_HOSTED),$(GEN)/frames/hosted.c))
$(eval $(call hosted_flavour,$(BUILD)/hosted-san,-O1 $(SAN_FLAGS) -DATH_STACK_RESERVE=$(STACK_RESERVE_HOSTEDSAN),$(GEN)/frames/hosted-san.c))

.PHONY: hosted hosted-san
hosted: $(BUILD)/hosted/azoth
hosted-san: $(BUILD)/hosted-san/azoth
