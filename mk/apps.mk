# Packages: apps compiled on the host and loaded at run time (docs/apps.md).
# - libsodium (Debian's source package, tools/debsrc.lock): its Ed25519,
#   compiled freestanding into every kernel (the loader checks signatures
#   with it) and natively into tools/pkgtool (which signs; its SHA-256 names
#   keys and .wasm files there).
# - BLAKE3 (the C code of Debian's librust-blake3-dev, a binary package the
#   build unpacks: no source package has it): the hash a signature covers,
#   with its x86-64 assembly for SSE4.1, AVX2 and AVX-512, picked by CPUID
#   (blake3_dispatch.c), in the kernel, and for SSE2 too in pkgtool. The
#   kernel needs SSE4.1 of every CPU it runs components on (x86-64-v2,
#   mk/config.mk), so its SSE2 code (12 KiB) could never be picked where a
#   package loads. A package's
#   hash is most of its load time: libsodium's portable SHA-256 hashed
#   350 MB/s here, nettle's with the SHA instructions 1.5 GB/s, BLAKE3 with
#   AVX-512 5-6 GB/s (docs/apps.md).
# - The signing key: made at the first build in $(PKG_KEYS); the kernel is
#   built with its public half (build/gen/pkgkey.c). The private half never
#   leaves that folder.
# - The runtime id: a hash of what packages link against (the export list)
#   and of the headers generated code is compiled with; a package carries
#   the id of the kernel it was built for (kernel/load/pkg.c checks it).
# - tools/mkpkg.sh builds a package; it reads $(PKG_ENV) for the flags.
# Include after mk/workloads.mk (SRC, the fetch rule) and before the
# flavours (mk/images.mk uses PKG_KSRCS).
SODIUM      := $(SRC)/libsodium
SODIUM_DIR  := $(SODIUM)/src/libsodium
SODIUM_INCS := -I$(SODIUM_DIR)/include -I$(SODIUM_DIR)/include/sodium
SODIUM_DEFS := -DCONFIGURED -DHAVE_TI_MODE -DNATIVE_LITTLE_ENDIAN
# In the kernel, its abort() is kernel/load/sodium_shim.c's, and each
# function and table is a section of its own: what verification does not
# reach is dropped (SODIUM_OBJ).
SODIUM_KDEFS := $(SODIUM_DEFS) -Dabort=load_sodium_abort -ffunction-sections -fdata-sections
# What the kernel needs: verification (open.c; sign.c for the hash set-up
# it shares with signing), the curve, SHA-512 (inside Ed25519); SHA-256 is
# pkgtool's (key ids, the .wasm's hash).
SODIUM_VERIFY := $(addprefix $(SODIUM_DIR)/,crypto_sign/ed25519/ref10/open.c \
    crypto_sign/ed25519/ref10/sign.c crypto_core/ed25519/ref10/ed25519_ref10.c \
    crypto_hash/sha512/cp/hash_sha512_cp.c crypto_hash/sha256/cp/hash_sha256_cp.c \
    crypto_verify/sodium/verify.c)
# The host tool also makes keys.
SODIUM_HOST := $(SODIUM_VERIFY) $(SODIUM_DIR)/crypto_sign/ed25519/ref10/keypair.c
$(SODIUM_HOST): | $(SODIUM)/.azoth-src ;

BLAKE3      := $(SRC)/librust-blake3-dev/usr/share/cargo/registry/blake3-1.3.1/c
BLAKE3_SRCS := $(addprefix $(BLAKE3)/,blake3.c blake3_dispatch.c blake3_portable.c \
    blake3_sse2_x86-64_unix.S blake3_sse41_x86-64_unix.S blake3_avx2_x86-64_unix.S \
    blake3_avx512_x86-64_unix.S)
$(BLAKE3_SRCS): | $(SRC)/librust-blake3-dev/.azoth-src ;
# BLAKE3_TESTING: its CPU-feature choice is a variable the kernel's test
# sets, to check each implementation against the others.
BLAKE3_DEFS := -DBLAKE3_TESTING -DBLAKE3_NO_SSE2 -I$(BLAKE3)
BLAKE3_KSRCS := $(filter-out %/blake3_sse2_x86-64_unix.S,$(BLAKE3_SRCS))

# Flags: libsodium's and BLAKE3's own sources are not ours to lint; the
# loader's files that include their headers get their include paths.
sodium_src   = $(filter $(SODIUM_DIR)/% $(BLAKE3)/%,$<)
sodium_flags = $(if $(filter $(SODIUM_DIR)/% kernel/load/verify.c,$<),$(SODIUM_INCS) $(SODIUM_KDEFS)) \
               $(if $(filter $(BLAKE3)/% kernel/load/hash.c kernel/ktest/test_load.c,$<),$(BLAKE3_DEFS) -ffunction-sections -fdata-sections)

PKG_KEYS    := $(BUILD)/keys
PKGTOOL     := $(BUILD)/tools/pkgtool
PKG_ENV     := $(GEN)/pkg.env
PKG_EXPORTS := $(GEN)/pkg-exports.txt
# Every kernel flavour links these with the core (mk/images.mk), and its
# CRYPTO_OBJ: libsodium's and BLAKE3's objects linked into one, keeping
# only what checking a signature and hashing reach (24 KiB of libsodium's 80).
PKG_KSRCS   := $(GEN)/pkgkey.c $(GEN)/pkg-runtime.c
CRYPTO_OBJ  := crypto.o
define sodium_obj
$(1)/$(CRYPTO_OBJ): $(patsubst %,$(1)/%.o,$(SODIUM_VERIFY) $(BLAKE3_KSRCS))
	@echo '  LD      $$@'
	$(Q)ld -r --gc-sections -u crypto_sign_ed25519_verify_detached -u blake3_hasher_init -u blake3_hasher_update \
	    -u blake3_hasher_finalize -u g_cpu_features -u get_cpu_features -o $$@ $$^
endef
$(foreach d,$(BUILD)/x86_64 $(BUILD)/hosted $(BUILD)/hosted-san $(BUILD)/fuzz,$(eval $(call sodium_obj,$(d))))

$(PKGTOOL): tools/pkgtool/pkgtool.c tools/pkgtool/sodium_host.c kernel/load/sodium_util.c abi/athanor/abi/pkg.h $(SODIUM_HOST) \
        $(BLAKE3_SRCS) | $(SODIUM)/.azoth-src
	@mkdir -p $(dir $@)
	@echo '  HOSTCC  $@'
	$(Q)$(CC) -O2 -std=gnu11 $(WARN) -Iabi -c tools/pkgtool/pkgtool.c $(SODIUM_INCS) -I$(BLAKE3) -o $@.o
	$(Q)$(CC) -O2 -w $(SODIUM_INCS) $(SODIUM_DEFS) $@.o tools/pkgtool/sodium_host.c kernel/load/sodium_util.c $(SODIUM_HOST) \
	    $(BLAKE3_SRCS) -o $@

# The key: made once per build tree and kept there; a fresh tree (a clean
# clone, rm -rf build) makes a new one, and the kernels it builds refuse
# packages signed with any other.
$(PKG_KEYS)/package.pub: | $(PKGTOOL)
	$(Q)$(PKGTOOL) keygen $(PKG_KEYS)
$(GEN)/pkgkey.c: $(PKG_KEYS)/package.pub $(PKGTOOL)
	@mkdir -p $(dir $@)
	$(Q)$(PKGTOOL) pubkey-c $(PKG_KEYS) $@

# The export list, from the same tables as kernel/load/exports.c.
PKG_RUNTIME_FILES := abi/athanor/abi/imports.def abi/athanor/abi/wasi.def kernel/load/runtime.def \
    abi/athanor/abi/pkg.h kernel/include/wasm-rt.h kernel/include/athanor/rt.h \
    kernel/include/athanor/wasm_stack.h kernel/include/athanor/wasm_simd.h \
    $(wildcard kernel/rt/libc/*.h) tools/wasm2kernel.sh
$(PKG_EXPORTS): tools/pkgtool/exports.in abi/athanor/abi/imports.def abi/athanor/abi/wasi.def kernel/load/runtime.def
	@mkdir -p $(dir $@)
	$(Q)$(CC) -E -P -Iabi -I. -x c tools/pkgtool/exports.in | tr -s ' \t' '\n\n' | grep . | sort > $@.tmp
	$(Q)mv $@.tmp $@
# The runtime id and the flags a package is compiled with, for the kernel
# (pkg-runtime.c) and for tools/mkpkg.sh (pkg.env).
PKG_CFLAGS := $(CSTD) -I$(abspath kernel/include) -I$(abspath abi) -I$(abspath kernel/rt/libc) -ffreestanding -fno-stack-protector -fPIC \
    -fvisibility=hidden -fno-plt -mno-red-zone -fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
    -O2 -fno-asynchronous-unwind-tables -w -msse2 $(GEN_CFLAGS) -fno-optimize-sibling-calls
$(GEN)/pkg-runtime.c $(PKG_ENV) &: $(PKG_EXPORTS) $(PKG_RUNTIME_FILES) mk/apps.mk
	@mkdir -p $(dir $@)
	$(Q)id=$$(cat $(PKG_EXPORTS) $(PKG_RUNTIME_FILES) | sha256sum | cut -c1-64) && \
	    { echo "/* Generated by mk/apps.mk: the runtime packages must be built for. */"; \
	      echo "#include <stdint.h>"; \
	      echo "const uint8_t pkg_runtime_id[32] = {$$(echo $$id | sed 's/\(..\)/0x\1,/g')};"; } > $(GEN)/pkg-runtime.c && \
	    { echo "PKG_RUNTIME_ID=$$id"; \
	      echo "PKG_CFLAGS='$(PKG_CFLAGS)'"; \
	      echo "PKG_EXPORTS=$(abspath $(PKG_EXPORTS))"; \
	      echo "PKG_KEYS=$(abspath $(PKG_KEYS))"; \
	      echo "PKGTOOL=$(abspath $(PKGTOOL))"; \
	      echo "PKG_SRC=$(abspath .)"; \
	      echo "WABT_BIN=$(abspath $(BUILD)/wabt/node_modules/wabt/bin)"; \
	      echo "WASM2C=$(abspath $(BUILD)/wabt/wasm2c.js)"; } > $(PKG_ENV)

.PHONY: pkgtool
pkgtool: $(PKGTOOL) $(PKG_ENV) $(GEN)/pkgkey.c

# The loader's files that include libsodium's and BLAKE3's headers, in every flavour.
$(foreach d,$(BUILD)/x86_64 $(BUILD)/hosted $(BUILD)/hosted-san $(BUILD)/fuzz,$(d)/kernel/load/verify.c.o $(d)/kernel/load/hash.c.o $(d)/kernel/ktest/test_load.c.o): \
    | $(SODIUM)/.azoth-src $(SRC)/librust-blake3-dev/.azoth-src

# The hosted azoth run compiles modules with this tree's tools and build.
run_flags = $(if $(filter platform/hosted/run.c,$<),-DAZOTH_SRC_DIR='"$(abspath .)"' -DAZOTH_BUILD_DIR='"$(abspath $(BUILD))"')
$(BUILD)/hosted/azoth $(BUILD)/hosted-san/azoth: | $(PKG_ENV) $(PKGTOOL) $(WABT_TOOL)

# Programs of the tree that are not part of any image (apps/<name>/*.c):
# ordinary WASI commands, built as .wasm and as packages, for the tests
# (tests/hosted/apps.sh) and for `make image APPS=...`.
APP_DIRS := $(patsubst %/,%,$(sort $(dir $(wildcard apps/*/*.c apps/*/*.cc))))
TREE_APPS := $(notdir $(APP_DIRS))
APP_OUT  := $(BUILD)/apps
# C with wasi-libc; C++ with Debian's libc++ for wasm32 (libc++-dev-wasm32),
# exceptions off (its wasm32 build has none).
define app_rules
$(APP_OUT)/$(1).wasm: $(wildcard apps/$(1)/*.c apps/$(1)/*.cc apps/$(1)/*.h) $(WASM_OPT) $(WASM_LIBC_OBJ)
	@mkdir -p $$(dir $$@)
	@echo '  WASM    $$@'
	$(Q)$(if $(wildcard apps/$(1)/*.cc),clang++ -fno-exceptions,$$(WASM_CC)) --target=wasm32-wasi -O2 \
	    $$(WASM_FEATURES) -B$$(WASM_OPT_DIR)/ -Wall -Wextra -Werror -o $$@ $(wildcard apps/$(1)/*.c apps/$(1)/*.cc) \
	    $$(WASM_LIBC_OBJ)
endef
$(foreach a,$(TREE_APPS),$(eval $(call app_rules,$(a))))

# Rust (apps/<name>/Cargo.toml): Debian's rustc-web and cargo-web (the
# machine's own Rust, if any, has no wasm target), the standard library
# built for wasm32-wasip1 from rust-web-src with the crates it vendors
# (offline: a cargo home of the build's own points there), linked against
# wasi-libc (docs/apps.md; PLATFORM.md has the recipe).
RUST_APPS   := $(notdir $(patsubst %/,%,$(dir $(wildcard apps/*/Cargo.toml))))
RUST_DIR    := $(BUILD)/rust
RUST_VENDOR  = $(firstword $(wildcard /usr/src/rustc-*/library/vendor))
RUST_FLAGS  := -C linker=wasm-ld -C link-self-contained=no -L /usr/lib/wasm32-wasi \
    -C link-arg=/usr/lib/wasm32-wasi/crt1-command.o \
    -C target-feature=+simd128,+bulk-memory,+sign-ext,+nontrapping-fptoint,+mutable-globals
$(RUST_DIR)/home/config.toml:
	@mkdir -p $(dir $@)
	@test -n "$(RUST_VENDOR)" || { echo "no /usr/src/rustc-*/library/vendor: install rust-web-src" >&2; exit 1; }
	$(Q)printf '[source.crates-io]\nreplace-with = "vendored"\n[source.vendored]\ndirectory = "%s"\n[net]\noffline = true\n' \
	    "$(RUST_VENDOR)" > $@
define rust_app_rules
$(APP_OUT)/$(1).wasm: apps/$(1)/Cargo.toml apps/$(1)/Cargo.lock $(wildcard apps/$(1)/src/*.rs) $(RUST_DIR)/home/config.toml
	@mkdir -p $$(dir $$@)
	@echo '  CARGO   $$@ (the first time, Rust'"'"'s standard library for wasm32 too)'
	$(Q)cd apps/$(1) && CARGO_HOME=$(abspath $(RUST_DIR)/home) CARGO_TARGET_DIR=$(abspath $(RUST_DIR)/target) \
	    RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTFLAGS="$(RUST_FLAGS)" /usr/bin/cargo build --release --locked \
	    -Zbuild-std=std,panic_abort --target wasm32-wasip1 -q > $(abspath $(RUST_DIR))/$(1).log 2>&1 || \
	    { cat $(abspath $(RUST_DIR))/$(1).log >&2; exit 1; }
	$(Q)cp $(RUST_DIR)/target/wasm32-wasip1/release/$(1).wasm $$@
endef
$(foreach a,$(RUST_APPS),$(eval $(call rust_app_rules,$(a))))
# AssemblyScript (apps/<name>/assembly/index.ts): npm's assemblyscript
# compiler with its WASI shim (@assemblyscript/wasi-shim), pinned with
# their hashes in tools/asc/package-lock.json and installed by npm ci under
# build/asc, like wabt.
AS_APPS := $(notdir $(patsubst %/assembly/,%,$(dir $(wildcard apps/*/assembly/index.ts))))
ASC_DIR := $(BUILD)/asc
ASC     := $(ASC_DIR)/node_modules/.bin/asc
$(ASC): tools/asc/package.json tools/asc/package-lock.json
	$(call npm_ci,$(ASC_DIR),assemblyscript,tools/asc)
define as_app_rules
$(APP_OUT)/$(1).wasm: $(wildcard apps/$(1)/assembly/*.ts) $(ASC)
	@mkdir -p $$(dir $$@)
	@echo '  ASC     $$@'
	$(Q)$(ASC) apps/$(1)/assembly/index.ts --config $(ASC_DIR)/node_modules/@assemblyscript/wasi-shim/asconfig.json \
	    -O3 -o $$@
endef
$(foreach a,$(AS_APPS),$(eval $(call as_app_rules,$(a))))
$(APP_OUT)/%.azpkg: $(APP_OUT)/%.wasm tools/mkpkg.sh tools/wasm2kernel.sh $(PKG_ENV) $(PKGTOOL) $(WABT_TOOL) $(GEN)/pkgkey.c
	@echo '  PKG     $@'
	$(Q)PKG_ENV=$(PKG_ENV) sh tools/mkpkg.sh -n $* $< $@
# New versions of system components as packages, for `update` (the
# live-update test, tests/qemu/update.sh): the very module the image has.
SYS_PKGS := block virtio_blk uart
define sys_pkg_rule
$(APP_OUT)/sys/$(1).azpkg: $(GEN)/comp/$(1)/$(1).wasm tools/mkpkg.sh tools/wasm2kernel.sh $(PKG_ENV) $(PKGTOOL) $(WABT_TOOL) $(GEN)/pkgkey.c
	@mkdir -p $$(dir $$@)
	@echo '  PKG     $$@'
	$(Q)PKG_ENV=$(PKG_ENV) sh tools/mkpkg.sh -n $(1) $$< $$@
endef
$(foreach p,$(SYS_PKGS),$(eval $(call sys_pkg_rule,$(p))))
.PHONY: apps
apps: $(patsubst %,$(APP_OUT)/%.azpkg,$(TREE_APPS) $(RUST_APPS) $(AS_APPS)) $(patsubst %,$(APP_OUT)/sys/%.azpkg,$(SYS_PKGS))

# The package loader's fuzzer (tests/fuzz/pkg.c, tests/hosted/pkgfuzz.sh):
# kernel/load/pkg.c for the host, with AFL++'s instrumentation and the
# sanitizers (afl), and with the sanitizers alone, to replay (san).
PKGFUZZ := $(BUILD)/pkgfuzz
PKGFUZZ_OWN := tests/fuzz/pkg.c kernel/load/pkg.c kernel/load/verify.c kernel/load/hash.c
PKGFUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer $(SAN_FLAGS) $(CSTD) $(INCLUDES) \
    -DATH_STACK_RESERVE=$(STACK_RESERVE_HOSTEDSAN) $(SODIUM_INCS) $(SODIUM_DEFS)
define pkgfuzz_flavour
$(PKGFUZZ)/$(1)/pkg: $(PKGFUZZ_OWN) $(GEN)/pkg-runtime.c tools/pkgtool/sodium_host.c kernel/load/sodium_util.c $(SODIUM_HOST) \
        $(BLAKE3_SRCS) $(wildcard kernel/include/athanor/*.h abi/athanor/abi/*.h) | $(SODIUM)/.azoth-src
	@mkdir -p $$(dir $$@)
	@echo '  CC      $$@'
	$(Q)AFL_QUIET=1 $(2) $(PKGFUZZ_FLAGS) $(WARN) -Wno-missing-prototypes -c tests/fuzz/pkg.c -o $$@.harness.o
	$(Q)AFL_QUIET=1 $(2) $(PKGFUZZ_FLAGS) $(WARN) -c kernel/load/pkg.c -o $$@.pkg.o
	$(Q)AFL_QUIET=1 $(2) $(PKGFUZZ_FLAGS) -w -o $$@ $$@.harness.o $$@.pkg.o kernel/load/verify.c \
	    $(GEN)/pkg-runtime.c tools/pkgtool/sodium_host.c kernel/load/sodium_util.c $(SODIUM_HOST) \
	    $(BLAKE3_DEFS) kernel/load/hash.c $(BLAKE3_SRCS)
endef
$(eval $(call pkgfuzz_flavour,afl,afl-clang-fast))
$(eval $(call pkgfuzz_flavour,san,clang))
.PHONY: pkgfuzz
pkgfuzz: $(PKGFUZZ)/afl/pkg $(PKGFUZZ)/san/pkg
