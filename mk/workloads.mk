# Workload benchmarks (docs/performance.md, "Workloads"): programs in
# components/bench/<name>/ built four ways from the same sources with the
# same flags, so their times compare the code paths and nothing else:
#   $(WL)/gcc/<name>          native, gcc -O2
#   $(WL)/clang/<name>        native, clang -O2
#   $(GEN)/comp/<name>/<name>.wasm  the component's module (the component
#                             pipeline's clang and flags), which Node runs too
# A workload's folder may hold sources.mk, setting for <name>:
#   <name>_PKGS    Debian source packages it needs (tools/debsrc.lock)
#   <name>_SRCS    their sources it compiles, under $(SRC)/<package>/
#   <name>_CFLAGS  flags for every source of it (include paths, defines)
# Its own *.c get our warnings; the packages' sources are not ours to lint.
# Include before mk/components.mk, which leaves these .wasm rules to this file.
WORKLOADS := computebench classicbench zlibbench sqlitebench luabench
WL_DIR    := components/bench
SRC       := $(BUILD)/src
WL        := $(BUILD)/bench/wl
WL_CFLAGS := -O2 -std=c11
WL_WARN   := -Wall -Wextra -Werror
FETCH_SRC := tools/fetch-src.sh

$(foreach w,$(WORKLOADS),$(eval -include $(WL_DIR)/$(w)/sources.mk))

# A fetched package: its stamp names the version unpacked. The script does
# nothing when that is the pinned one (it refreshes the stamp's time).
$(SRC)/%/.azoth-src: tools/debsrc.lock $(FETCH_SRC)
	$(Q)$(FETCH_SRC) $(SRC) $*

# $(call wl_objs,<name>,<object dir>): a workload's objects in one build
wl_srcs = $(sort $(wildcard $(WL_DIR)/$(1)/*.c)) $($(1)_SRCS)
wl_objs = $(patsubst %,$(2)/%.o,$(call wl_srcs,$(1)))
wl_stamps = $(patsubst %,$(SRC)/%/.azoth-src,$($(1)_PKGS))

# The component pipeline's compiler and flags (mk/components.mk), but its
# warnings: wl_build gives ours to our sources only. Expanded when a recipe
# runs (this file is read before mk/components.mk).
WL_COMP_CC = $(WASM_CC) $(filter-out -Wall -Wextra -Werror,$(WASM_CFLAGS))

# $(call wl_build,<name>,<object dir>,<compiler and target flags>,<output>,<link flags>)
# Links the objects only: a component's .wasm may have other prerequisites
# too (a dependency file left by its build as an ordinary component).
define wl_build
$(2)/%.c.o: %.c | $(call wl_stamps,$(1))
	@mkdir -p $$(dir $$@)
	@echo '  CC      $$@'
	$(Q)$(3) $(WL_CFLAGS) $$(if $$(filter $(SRC)/%,$$<),-w,$(WL_WARN)) $($(1)_CFLAGS) -MMD -MP -c $$< -o $$@
$(4): $(call wl_objs,$(1),$(2))
	@mkdir -p $$(dir $$@)
	@echo '  LD      $$@'
	$(Q)$(3) $(WL_CFLAGS) -o $$@ $$(filter %.o,$$^) $(5)
-include $(patsubst %.o,%.d,$(call wl_objs,$(1),$(2)))
endef

# Native builds link the C library's libm; wasm builds take the folder's
# wasm.flags (linker flags, as for every component).
wl_wasm_link = $$(shell cat $(WL_DIR)/$(1)/wasm.flags 2>/dev/null)
define wl_rules
$(if $($(1)_SRCS),$($(1)_SRCS): | $(call wl_stamps,$(1)) ;)
$(call wl_build,$(1),$(WL)/obj/gcc/$(1),gcc $(GEN_ISA),$(WL)/gcc/$(1),-lm)
$(call wl_build,$(1),$(WL)/obj/clang/$(1),clang $(GEN_ISA),$(WL)/clang/$(1),-lm)
$(call wl_build,$(1),$(GEN)/comp/$(1)/obj,$$(WL_COMP_CC),$(GEN)/comp/$(1)/$(1).wasm,$(call wl_wasm_link,$(1)))
$(GEN)/comp/$(1)/$(1).wasm: $(WASM_OPT) $(WASM_LIBC_OBJ) # (an object: the link takes it from here)
endef
$(foreach w,$(WORKLOADS),$(eval $(call wl_rules,$(w))))

# What make bench runs (bench/workloads.sh): every build of every workload.
.PHONY: workloads
workloads: $(foreach w,$(WORKLOADS),$(WL)/gcc/$(w) $(WL)/clang/$(w) $(GEN)/comp/$(w)/$(w).wasm)
