# The two images every build flavour links from the objects it compiled once
# (docs/components.md, "Images"): the manifest's image key puts each
# component in them.
#   user  system and demo components: what `make run`, `make iso` and
#         build/hosted/azoth boot. No in-kernel tests: kernel/ktest/none.c
#         stands in for the runners and refuses azoth.test= and azoth.bench=.
#   test  every component but the workloads, and the in-kernel tests and
#         benchmarks: what the test and bench layers boot (azoth-test.elf,
#         build/*/azoth-test).
#   bench the test image and the workload benchmarks (image = "workload":
#         programs built from Debian source packages, mk/workloads.mk); only
#         make bench builds it, hosted (build/hosted/azoth-bench), so that
#         make test neither fetches nor compiles them.
# Include after mk/components.mk (IMAGE_COMPONENTS_<image> comes from the
# manifest tool's components.mk).
IMAGES          := user test bench
IMAGE_BIN_user  := azoth
IMAGE_BIN_test  := azoth-test
IMAGE_BIN_bench := azoth-bench
KTEST_NONE     := kernel/ktest/none.c

# $(call image_srcs,<core and platform sources>,<image>): what an image
# links, but for its frames table: the core with or without the tests, its
# manifest table, its components' code and glue.
image_core = $(if $(filter test bench,$(2)),$(filter-out $(KTEST_NONE),$(1)),$(filter-out kernel/ktest/%,$(1)) $(KTEST_NONE))
image_srcs = $(call image_core,$(1),$(2)) $(PKG_KSRCS) $(GEN)/manifest-$(2).c \
             $(foreach c,$(IMAGE_COMPONENTS_$(2)),$(GEN)/comp/$(c)/$(c).wasm.c $(GEN)/comp/$(c)/$(c).glue.c)

# Each flavour compiles the generated code with -fstack-usage;
# tools/frames.sh turns what the compiler measured into that flavour's
# comp_frame_<name> table, one per image (only its components).
# Usage: $(call frames_rule,<objdir>,<out.c>,<image>)
define frames_rule
$(2): $$(foreach c,$$(IMAGE_COMPONENTS_$(3)),$(1)/$(GEN)/comp/$$(c)/$$(c).wasm.c.o) tools/frames.sh
	@echo '  FRAMES  $$@'
	$(Q)tools/frames.sh $$@ $(1) $$(IMAGE_COMPONENTS_$(3))
endef

# Two-pass link: the second adds the symbol table generated from the first
# (kernel/lib/ksyms.c), and the final image is checked to have the same.
%/ksyms0.S: tools/gen-ksyms.sh
	@mkdir -p $(dir $@)
	$(Q)tools/gen-ksyms.sh > $@

# A flavour <dir> (its object directory) sets <dir>_SRCS (core and platform
# sources), <dir>_LINK (the link command up to -o), <dir>_LIBS, <dir>_EXT
# (the binary's suffix) and <dir>_LINKDEPS (other prerequisites of a link);
# then $(call image_rules,<dir>,<image>) sets <dir>_OBJS_<image> and links
# <dir>/<binary><ext> (with <dir>/<binary>.pass1 and .ksyms.S on the way).
define image_rules
$(1)_FRAMES_$(2) := $(GEN)/frames/$(notdir $(1))-$(2).c
$(1)_OBJS_$(2)   := $$(patsubst %,$(1)/%.o,$$(call image_srcs,$$($(1)_SRCS),$(2)) $$($(1)_FRAMES_$(2))) $(1)/$(CRYPTO_OBJ)
$$(eval $$(call frames_rule,$(1),$$($(1)_FRAMES_$(2)),$(2)))
$(1)/$(IMAGE_BIN_$(2)).pass1: $$($(1)_OBJS_$(2)) $(1)/ksyms0.S $$($(1)_LINKDEPS)
	@echo '  LD      $$@'
	$(Q)$$($(1)_LINK) -o $$@ $$($(1)_OBJS_$(2)) $(1)/ksyms0.S $$($(1)_LIBS)
$(1)/$(IMAGE_BIN_$(2)).ksyms.S: $(1)/$(IMAGE_BIN_$(2)).pass1 tools/gen-ksyms.sh
	$(Q)tools/gen-ksyms.sh $$< > $$@
$(1)/$(IMAGE_BIN_$(2))$$($(1)_EXT): $$($(1)_OBJS_$(2)) $(1)/$(IMAGE_BIN_$(2)).ksyms.S tools/check-ksyms.sh $$($(1)_LINKDEPS)
	@echo '  LD      $$@'
	$(Q)$$($(1)_LINK) -o $$@ $$($(1)_OBJS_$(2)) $(1)/$(IMAGE_BIN_$(2)).ksyms.S $$($(1)_LIBS)
	$(Q)tools/check-ksyms.sh $$@ $(1)/$(IMAGE_BIN_$(2)).ksyms.S
endef
