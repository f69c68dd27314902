# The image fuzzer (tests/fuzz/fsimage.c, tests/hosted/fsimage.sh): the
# filesystem service's code and the e2fsprogs sources it compiles
# (components/services/fs/sources.mk), built for the host against the
# native configuration tools/fetch-src.sh makes (bld-native), twice: with
# AFL++'s instrumentation and the sanitizers (the fuzzer's target), and with
# the sanitizers alone (to replay what it found, reports and all); and a
# third time optimised, without them, with bench/fslib.c: the file
# benchmarks' like-for-like baseline (bench/files.sh).
FSFUZZ      := $(BUILD)/fsfuzz
FSFUZZ_OWN  := $(addprefix components/services/fs/,cache.c fuse2fs.c io.c journal.c mount.c paths.c serve.c) \
               tests/fuzz/fshost.c
FSFUZZ_PKG  := $(subst /bld-wasm/,/bld-native/,$(fs_SRCS))
FSFUZZ_CFLAGS := -DHAVE_CONFIG_H -DDEBUGFS \
    -I$(E2FS)/bld-native/lib -I$(E2FS)/bld-native/lib/ext2fs -I$(E2FS)/lib -I$(E2FS) -I$(E2FS)/e2fsck \
    -I$(E2FS)/debugfs -Icomponents/services/fs/shim -Icomponents/services/fs -Itests/fuzz -Isdk -Iabi
# Ours: our warnings (but the SDK's wasm attributes mean nothing here).
FSFUZZ_WARN := -Wall -Wextra -Werror -Wno-unknown-attributes

define fsfuzz_flavour
# $(1) = output dir, $(2) = compiler, $(3) = its flags, $(4) = the program
# (what it links with the service's code: the fuzzer's or the bench's)
$(1)/%.c.o: %.c | $(SRC)/e2fsprogs/.azoth-src
	@mkdir -p $$(dir $$@)
	@echo '  CC      $$@'
	$(Q)AFL_QUIET=1 $(2) $(3) $(FSFUZZ_CFLAGS) $$(if $$(filter $(SRC)/%,$$<),-w,$(FSFUZZ_WARN)) -MMD -MP -c $$< -o $$@
# The packages' objects in an archive, as the component links them: only
# what our code reaches is taken (the rest needs what a host has, or not).
$(1)/pkgs.a: $(patsubst %,$(1)/%.o,$(FSFUZZ_PKG))
	@rm -f $$@
	$(Q)ar rcs $$@ $$^
$(1)/$(basename $(notdir $(4))): $(patsubst %,$(1)/%.o,$(FSFUZZ_OWN) $(4)) $(1)/pkgs.a
	@echo '  LD      $$@'
	$(Q)AFL_QUIET=1 $(2) $(3) -o $$@ $$^
-include $(patsubst %,$(1)/%.d,$(FSFUZZ_OWN) $(4) $(FSFUZZ_PKG))
endef
FSFUZZ_SAN := -g -O1 -fno-omit-frame-pointer $(SAN_FLAGS)
$(eval $(call fsfuzz_flavour,$(FSFUZZ)/afl,afl-clang-fast,$(FSFUZZ_SAN),tests/fuzz/fsimage.c))
$(eval $(call fsfuzz_flavour,$(FSFUZZ)/san,clang,$(FSFUZZ_SAN),tests/fuzz/fsimage.c))
$(eval $(call fsfuzz_flavour,$(FSFUZZ)/opt,clang,-O2,bench/fslib.c))
$(E2FS)/bld-native/lib/ext2fs/ext2_err.c: | $(SRC)/e2fsprogs/.azoth-src ;

.PHONY: fsfuzz fslib
fsfuzz: $(FSFUZZ)/afl/fsimage $(FSFUZZ)/san/fsimage
fslib: $(FSFUZZ)/opt/fslib
