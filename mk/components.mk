# WebAssembly components: C → wasm32-wasi (clang, wasi-libc) → validated →
# C again (wasm2c) → compiled into the kernel and the hosted program.
# Which components exist comes from system.toml, through tools/manifest,
# which also writes the kernel's manifest table. A component is a folder
# components/<group>/<name>/ with C sources plus its [component.<name>] entry.
MANIFEST      := system.toml
MANIFEST_TOOL := $(BUILD)/tools/manifest
COMPONENT_DIRS := $(patsubst %/,%,$(sort $(dir $(wildcard components/*/*/*.c))))
WASM_CC       := clang
WASM_CFLAGS   := --target=wasm32-wasi -O2 -Wall -Wextra -Werror

$(MANIFEST_TOOL): tools/manifest/manifest.c
	@mkdir -p $(dir $@)
	@echo '  HOSTCC  $@'
	$(Q)$(CC) -std=c11 $(WARN) -O2 -o $@ $<

# The manifest tool fails with "system.toml:LINE: message" on a bad manifest.
$(GEN)/components.mk $(GEN)/manifest.c &: $(MANIFEST) $(MANIFEST_TOOL) $(COMPONENT_DIRS)
	@mkdir -p $(GEN)
	@echo '  MANIFEST $(MANIFEST)'
	$(Q)$(MANIFEST_TOOL) $(MANIFEST) $(GEN) $(COMPONENT_DIRS)

-include $(GEN)/components.mk

# A component folder may hold wasm.flags: extra clang/wasm-ld flags (e.g.
# -Wl,--initial-memory=...).
define component_rules
$(GEN)/comp/$(1)/$(1).wasm: $(wildcard $(COMP_DIR_$(1))/*.c $(COMP_DIR_$(1))/*.h $(COMP_DIR_$(1))/wasm.flags)
	@mkdir -p $$(dir $$@)
	@echo '  WASM    $$@'
	$(Q)$(WASM_CC) $(WASM_CFLAGS) $$(shell cat $(COMP_DIR_$(1))/wasm.flags 2>/dev/null) -o $$@ $(wildcard $(COMP_DIR_$(1))/*.c)
$(GEN)/comp/$(1)/$(1).wasm.c $(GEN)/comp/$(1)/$(1).glue.c &: $(GEN)/comp/$(1)/$(1).wasm tools/wasm2kernel.sh
	@echo '  WASM2C  $$@'
	$(Q)tools/wasm2kernel.sh $(1) $$< $(GEN)/comp/$(1)
endef
$(foreach c,$(COMPONENTS),$(eval $(call component_rules,$(c))))

COMP_GEN_SRCS := $(GEN)/manifest.c \
                 $(foreach c,$(COMPONENTS),$(GEN)/comp/$(c)/$(c).wasm.c $(GEN)/comp/$(c)/$(c).glue.c)
