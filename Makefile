# Azoth OS — top-level build.
#   make run     boot Azoth in QEMU, serial console on this terminal
#   make test    every test layer; ends with "N passed, N failed"
# Others: make debug | iso | bench | test-full | hosted | kernel | hosted-test |
# kernel-test | clean.
# What make run, make iso and make hosted build is the user image (the
# system and a few demos); the test and bench layers boot the test image,
# which has every component (mk/images.mk).
# Missing Debian packages are installed when run as root; otherwise the exact
# apt-get line is printed (tools/deps.sh).
.DEFAULT_GOAL := all
# Every core, unless a -j was given (make -j1 builds one thing at a time;
# a -j on the command line wins). Only the top make: the ones it starts
# share its job slots.
ifeq ($(MAKELEVEL),0)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 1)
endif
include mk/config.mk
include mk/abi.mk
include mk/workloads.mk
include mk/apps.mk
include mk/components.mk
include mk/images.mk
include mk/hosted.mk
include mk/fsfuzz.mk
include mk/netfuzz.mk
include mk/kernel.mk
include mk/unit.mk

# Debian packages each entry point needs.
# binaryen's wasm-opt runs after every link of a C module
# (tools/wasm-opt/wasm-opt).
# Node.js runs npm's wabt (mk/components.mk): Debian's nodejs and npm unless
# the machine has an npm already.
NODE_PKGS  := $(if $(shell command -v npm 2>/dev/null),,nodejs npm)
# The filesystem service is built from e2fsprogs' source package
# (tools/fetch-src.sh: dpkg-dev unpacks it; llvm's llvm-ar archives it), and
# the disk make run boots is made with e2fsprogs' mke2fs.
# The apps of the tree (apps/, docs/apps.md) in C, C++ and Rust: Debian's
# libc++ for wasm32, and its Rust for the web (rustc-web, cargo-web, and
# rust-web-src, from which the standard library is built for wasm32).
RUST_PKGS  := rustc-web cargo-web rust-web-src
BUILD_PKGS := gcc make binutils clang lld llvm binaryen wasi-libc libclang-rt-14-dev-wasm32 libc++-dev-wasm32 libsimde-dev \
              console-setup-linux dpkg-dev libslirp-dev $(NODE_PKGS) $(RUST_PKGS)
RUN_PKGS   := $(BUILD_PKGS) qemu-system-x86 e2fsprogs
ISO_PKGS   := grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools
TEST_PKGS  := $(RUN_PKGS) $(ISO_PKGS) ovmf libcmocka-dev afl++ chromium
DEBUG_PKGS := $(RUN_PKGS) gdb
# make bench also fetches Debian source packages for its workloads
# (tools/fetch-src.sh: dpkg-dev's dpkg-source unpacks them, tcl's tclsh
# generates SQLite's amalgamation) and runs them under Node for V8's times
# (Node is a build dependency already); gnuplot draws the results.
# bench/compare.sh builds a revision from before issue 12, whose
# components were translated by Debian's wabt (1.0.32), not npm's.
BENCH_PKGS := $(TEST_PKGS) gdb tcl gnuplot-nox wabt
DEPS       := tools/deps.sh

ISO      := $(BUILD)/azoth.iso
TEST_ISO := $(BUILD)/azoth-test.iso
GDB_PORT ?= 1234

.PHONY: all run disk image debug iso test test-full bench clean deps-build deps-run deps-test deps-debug deps-bench \
        test-unit test-hosted test-qemu test-build fuzz soak bench-workloads powercut fsfuzz

all: kernel kernel-test hosted hosted-test

deps-build: ; @$(DEPS) $(BUILD_PKGS)
# With a display, `make run` shows the screen in a window: QEMU's GTK front end.
deps-run:   ; @$(DEPS) $(RUN_PKGS) $(if $(DISPLAY),qemu-system-gui)
deps-test:  ; @$(DEPS) $(TEST_PKGS)
deps-debug: ; @$(DEPS) $(DEBUG_PKGS)
deps-bench: ; @$(DEPS) $(BENCH_PKGS)

# The disk `make run` attaches (virtio-blk): an ext4 filesystem made from
# disk/ and docs/ with mke2fs -d (tools/disk.sh), with the tree's apps as
# packages in /apps, created once and kept between runs, so what is written
# in Azoth stays; `make disk` makes it anew. `make image APPS="a.wasm
# b.wasm"` makes it anew with those programs too, compiled into packages
# (docs/apps.md).
DISK := $(BUILD)/azoth-disk.img
IMAGE_APPS := $(BUILD)/image-apps
$(DISK): | apps
	@mkdir -p $(dir $@)
	@echo '  DISK    $@ (ext4, 64 MiB, from disk/ and docs/, apps in /apps)'
	$(Q)tools/disk.sh make $@ 64 $(APP_OUT)/*.azpkg $(wildcard $(IMAGE_APPS)/*.azpkg)

disk: deps-run
	@rm -f $(DISK)
	@$(MAKE) --no-print-directory $(DISK)

image: deps-run
	@$(MAKE) --no-print-directory apps
	@rm -rf $(IMAGE_APPS) && mkdir -p $(IMAGE_APPS)
	@for w in $(APPS); do \
	    n=$$(basename "$$w" .wasm); echo "  PKG     $(IMAGE_APPS)/$$n.azpkg"; \
	    PKG_ENV=$(PKG_ENV) sh tools/mkpkg.sh -n "$$n" "$$w" "$(IMAGE_APPS)/$$n.azpkg" || exit 1; done
	@rm -f $(DISK)
	@$(MAKE) --no-print-directory $(DISK)

# make run forwards the host's 127.0.0.1:$(HTTP_PORT) to the guest's web
# server (the status page, port 80): open http://127.0.0.1:8080/.
HTTP_PORT ?= 8080
run: deps-run
	@$(MAKE) --no-print-directory kernel $(DISK)
	@echo "Booting Azoth in QEMU (serial console here, the screen in a window if there is a display, QEMU's user networking; Ctrl-A X quits QEMU)"
	@echo "The status page: http://127.0.0.1:$(HTTP_PORT)/ (make run HTTP_PORT=N for another port)"
	@tools/qemu.sh --interactive --vga --disk $(DISK) --hostfwd tcp:127.0.0.1:$(HTTP_PORT)-:80 --append azoth.shell=1 \
	    $$( [ -n "$$DISPLAY" ] && dpkg-query -W qemu-system-gui >/dev/null 2>&1 && echo --window)

$(KDIR)/azoth.gdb: $(KDIR)/azoth.elf
	@printf '%s\n' "file $(KDIR)/azoth.elf" "set architecture i386:x86-64" \
	  "target remote localhost:$(GDB_PORT)" "hbreak kernel_main" "continue" > $@

debug: deps-debug
	@$(MAKE) --no-print-directory kernel $(KDIR)/azoth.gdb $(DISK)
	@echo "QEMU is halted, waiting for GDB on port $(GDB_PORT). In another terminal run:"
	@echo "    gdb -x $(KDIR)/azoth.gdb"
	@tools/qemu.sh --interactive --gdb $(GDB_PORT) --disk $(DISK)

iso: deps-test
	@$(MAKE) --no-print-directory $(ISO)

$(ISO): $(KDIR)/azoth.bin.elf tools/mkiso.sh
	@echo '  ISO     $@'
	$(Q)tools/mkiso.sh $< $@
$(TEST_ISO): $(KDIR)/azoth-test.bin.elf tools/mkiso.sh
	@echo '  ISO     $@'
	$(Q)tools/mkiso.sh $< $@ azoth.test=all

# The host's end of the network tests (tests/qemu/sockets.sh), and QEMU's
# user networking for the hosted platform (its slirp mode: Debian's libslirp,
# a build dependency since `azoth run --tcplisten` uses it).
NETPEER := $(BUILD)/tools/netpeer
$(NETPEER): tools/netpeer/netpeer.c tools/netpeer/slirp.c tools/netpeer/netpeer.h
	@mkdir -p $(dir $@)
	@echo '  HOSTCC  $@'
	$(Q)$(CC) -std=c11 $(WARN) -O2 -o $@ tools/netpeer/netpeer.c tools/netpeer/slirp.c -lslirp
# `azoth run --tcplisten` starts netpeer's slirp mode as the machine's network.
hosted: $(NETPEER)

test-build: kernel kernel-test hosted hosted-test hosted-san hosted-fuzz fsfuzz netfuzz pkgfuzz apps unit-build $(TEST_ISO) $(GEN)/abi.md \
            $(NETPEER)

# Hosted and QEMU tests run TEST_JOBS at a time (a QEMU guest is one TCG
# thread; tests that must be alone say so, tests/run-layer.sh): one
# per core unless told otherwise.
TEST_JOBS ?= $(shell nproc 2>/dev/null || echo 1)

test-unit: unit-test
test-hosted: hosted hosted-test hosted-san hosted-fuzz fsfuzz netfuzz pkgfuzz apps
	@tests/run-layer.sh hosted $(TEST_JOBS)
test-qemu: kernel kernel-test $(TEST_ISO) $(NETPEER)
	@tests/run-layer.sh qemu $(TEST_JOBS)

# Every layer runs even if an earlier one failed; the summary decides.
test: deps-test
	@rm -f $(BUILD)/test/*.results
	@$(MAKE) --no-print-directory test-build || { echo "FAIL build"; echo "0 passed, 1 failed"; exit 1; }
	@$(MAKE) --no-print-directory test-unit || true
	@$(MAKE) --no-print-directory test-hosted || true
	@$(MAKE) --no-print-directory test-qemu || true
	@tools/test-summary.sh $(BUILD)/test/unit.results $(BUILD)/test/hosted.results \
	    $(BUILD)/test/qemu.results

test-full: test

# The long fault-injection soak (make test runs 100 faults in 25 s): 10 000
# faults into the disk driver, the block service and both consoles while
# blktest checks every write, about half an hour under TCG.
SOAK_FAULTS ?= 10000
SOAK_SECONDS ?= 1800
soak: deps-test
	@$(MAKE) --no-print-directory kernel-test
	@mkdir -p $(BUILD)/test/logs/soak
	@RESULTS=$(BUILD)/test/soak.results LOGDIR=$(BUILD)/test/logs/soak BUILD=$(BUILD) \
	    SOAK_FAULTS=$(SOAK_FAULTS) SOAK_SECONDS=$(SOAK_SECONDS) sh tests/qemu/soak.sh

# The long fuzzing runs (make test runs short ones): FUZZ_SECONDS each, one
# hour by default, of the host-call fuzzer, the image fuzzer, the package
# fuzzer and the frame fuzzer; results in build/test/logs/fuzz/.
FUZZ_SECONDS ?= 3600
fuzz: deps-test
	@$(MAKE) --no-print-directory hosted-san hosted-fuzz fsfuzz netfuzz pkgfuzz apps
	@mkdir -p $(BUILD)/test/logs/fuzz
	@RESULTS=$(BUILD)/test/fuzz.results LOGDIR=$(BUILD)/test/logs/fuzz BUILD=$(BUILD) \
	    FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/hosted/fuzz.sh
	@RESULTS=$(BUILD)/test/fuzz.results LOGDIR=$(BUILD)/test/logs/fuzz BUILD=$(BUILD) \
	    FSIMAGE_SECONDS=$(FUZZ_SECONDS) sh tests/hosted/fsimage.sh
	@RESULTS=$(BUILD)/test/fuzz.results LOGDIR=$(BUILD)/test/logs/fuzz BUILD=$(BUILD) \
	    PKGFUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/hosted/pkgfuzz.sh
	@RESULTS=$(BUILD)/test/fuzz.results LOGDIR=$(BUILD)/test/logs/fuzz BUILD=$(BUILD) \
	    NETFUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/hosted/netfuzz.sh

# The long power-cut run (make test runs 50 cuts): POWERCUT_CYCLES cuts.
POWERCUT_CYCLES ?= 1000
powercut: deps-test
	@$(MAKE) --no-print-directory kernel-test
	@mkdir -p $(BUILD)/test/logs/powercut
	@RESULTS=$(BUILD)/test/powercut.results LOGDIR=$(BUILD)/test/logs/powercut BUILD=$(BUILD) \
	    TEST_KERNEL=$(KDIR)/azoth-test.bin.elf POWERCUT_CYCLES=$(POWERCUT_CYCLES) sh tests/qemu/powercut.sh

bench: deps-bench
	@$(MAKE) --no-print-directory kernel kernel-test hosted hosted-test workloads fslib apps $(BUILD)/hosted/azoth-bench $(NETPEER)
	@bench/run.sh

# The workload benchmarks alone (bench/workloads.sh; make bench runs them too).
bench-workloads: deps-bench
	@$(MAKE) --no-print-directory workloads $(BUILD)/hosted/azoth-bench
	@bench/workloads.sh

clean:
	rm -rf $(BUILD)
