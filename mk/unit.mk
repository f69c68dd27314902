# Host unit tests (cmocka): each tests/unit/test_<name>.c is one executable
# build/unit/test_<name>, linked with only the kernel sources it tests plus
# the fake platform, and run under ASan + UBSan. Include after mk/config.mk.
UNIT_DIR     := $(BUILD)/unit
UNIT_OBJDIR  := $(UNIT_DIR)/obj
UNIT_LOGDIR  := $(UNIT_DIR)/log
UNIT_RESULTS := $(BUILD)/test/unit.results

UNIT_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
UNIT_CFLAGS  := $(CSTD) $(WARN) $(INCLUDES) -Iarch/x86_64/include -Itests/unit -g -O1 \
                -DATH_STACK_RESERVE=$(STACK_RESERVE_HOSTEDSAN) \
                -fno-omit-frame-pointer $(UNIT_SAN) -MMD -MP
UNIT_LIBS    := -lcmocka
# Seconds one test binary may run before it counts as hung (the suite takes
# well under one).
UNIT_TIMEOUT := 60
UNIT_FAKE    := tests/unit/fake_platform.c

# The kernel sources each test exercises (string functions come from libc).
UNIT_SRCS_test_frame     := kernel/mem/frame.c
UNIT_SRCS_test_heap      := kernel/mem/heap.c kernel/mem/frame.c
UNIT_SRCS_test_runqueue  := kernel/sched/runqueue.c
UNIT_SRCS_test_timerq    := kernel/sched/timerq.c
UNIT_SRCS_test_clock     := kernel/time/clock.c
UNIT_SRCS_test_format    := kernel/lib/format.c
UNIT_SRCS_test_cmdline   := kernel/lib/cmdline.c
UNIT_SRCS_test_pagetable := arch/x86_64/mm/pagetable.c
UNIT_SRCS_test_errors    := kernel/lib/errors.c
UNIT_SRCS_test_unwind    := arch/x86_64/unwind.S
UNIT_SRCS_test_csprng    := kernel/lib/csprng.c
UNIT_SRCS_test_cap       := kernel/cap/cap.c
UNIT_SRCS_test_libm      := kernel/rt/libm.c
UNIT_SRCS_test_realtime  := kernel/time/realtime.c
# Parsers of untrusted input inside components, compiled natively.
UNIT_SRCS_test_nmea      := components/drivers/nmea.c
UNIT_SRCS_test_coarse_location := components/services/coarse_location.c
UNIT_LIBS_test_coarse_location := -lm
# The component layer, with fake capabilities, scheduler and neighbours.
# The unwindable call is the machine's own (the host is x86-64 too).
UNIT_SRCS_test_ipc       := kernel/ipc/call.c kernel/cap/cap.c tests/unit/fake_sched.c \
                            arch/x86_64/unwind.S
UNIT_SRCS_test_hw        := kernel/hw/comp.c kernel/hw/mmio.c kernel/hw/dma.c kernel/hw/irq.c \
                            kernel/hw/refused.c kernel/cap/cap.c kernel/lib/errors.c
UNIT_SRCS_test_lifecycle := kernel/comp/component.c kernel/comp/caps.c kernel/cap/cap.c \
                            kernel/lib/errors.c kernel/lib/format.c tests/unit/fake_sched.c \
                            arch/x86_64/unwind.S

# The kernel's libm is tested against the host's: its functions get k_ names.
UNIT_CFLAGS_kernel/rt/libm.c := -Dfloor=k_floor -Dceil=k_ceil -Dtrunc=k_trunc \
    -Dnearbyint=k_nearbyint -Dfloorf=k_floorf -Dceilf=k_ceilf -Dtruncf=k_truncf \
    -Dnearbyintf=k_nearbyintf -Droundeven=k_roundeven -Droundevenf=k_roundevenf -Dfmin=k_fmin -Dfmax=k_fmax -Dfminf=k_fminf -Dfmaxf=k_fmaxf
UNIT_LIBS_test_libm := -lm
# The components' memcmp (sdk/libc/memcmp.c) against the host's: it gets a name of its own.
UNIT_SRCS_test_memcmp := sdk/libc/memcmp.c
UNIT_CFLAGS_sdk/libc/memcmp.c := -Dmemcmp=ath_memcmp

# The heap test watches the heap's frame traffic (to poison returned chunks).
UNIT_LDFLAGS_test_heap   := -Wl,--wrap=frame_alloc,--wrap=frame_free

UNIT_TESTS_GCC := $(sort $(basename $(notdir $(wildcard tests/unit/test_*.c))))
# The unwindable call once more as clang compiles it (the fuzzing flavour's
# afl-clang does): its asm statement's clobbers must hold for both
# compilers, where a returns_twice declaration held only for gcc.
UNIT_TESTS := $(UNIT_TESTS_GCC) test_unwind_clang
UNIT_BINS  := $(addprefix $(UNIT_DIR)/,$(UNIT_TESTS))
unit_objs   = $(patsubst %,$(UNIT_OBJDIR)/%.o,tests/unit/$(1).c $(UNIT_FAKE) $(UNIT_SRCS_$(1)))

$(UNIT_OBJDIR)/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo '  CC      $@'
	$(Q)$(CC) $(UNIT_CFLAGS) $(UNIT_CFLAGS_$<) -c $< -o $@

$(UNIT_OBJDIR)/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo '  AS      $@'
	$(Q)$(CC) -c $< -o $@

define unit_binary
$(UNIT_DIR)/$(1): $(call unit_objs,$(1))
	@echo '  LD      $$@'
	$(Q)$$(CC) $(UNIT_SAN) $(UNIT_LDFLAGS_$(1)) -o $$@ $$^ $(UNIT_LIBS) $(UNIT_LIBS_$(1))
-include $(patsubst %.o,%.d,$(call unit_objs,$(1)))
endef
$(foreach t,$(UNIT_TESTS_GCC),$(eval $(call unit_binary,$(t))))

$(UNIT_DIR)/test_unwind_clang: tests/unit/test_unwind.c $(UNIT_FAKE) arch/x86_64/unwind.S \
        kernel/include/athanor/platform.h
	@mkdir -p $(dir $@)
	@echo '  CC/LD   $@ (clang)'
	$(Q)clang $(CSTD) $(WARN) $(INCLUDES) -Iarch/x86_64/include -Itests/unit -g -O2 \
	    -DATH_STACK_RESERVE=$(STACK_RESERVE_HOSTEDSAN) -o $@ $(filter %.c %.S,$^) $(UNIT_LIBS)

# TAP from one binary -> results lines. A plan that does not match the number
# of results, or a non-zero exit with no failing case, means the binary died
# (crash, sanitizer report) or hung (timeout's status 124), reported as a
# failure of its own. cmocka prints skipped cases as "not ok N # SKIP name";
# none of ours skip, so a skip counts as a failure.
UNIT_TAP2RESULTS := \
  /^1\.\.[0-9]+/ { plan = substr($$1, 4) + 0; have_plan = 1; next } \
  /^(not )?ok [0-9]+/ { \
    ok = ($$1 == "ok"); name = $$0; \
    if (name ~ / \# SKIP /) { sub(/.* \# SKIP /, "", name); ok = 0 } \
    else sub(/^(not )?ok [0-9]+ - /, "", name); \
    print (ok ? "PASS" : "FAIL") " unit/" bin "/" name; \
    n++; if (!ok) failed++; next } \
  END { \
    if (rc == 124) print "FAIL unit/" bin "/(timed out after $(UNIT_TIMEOUT) s)"; \
    else if (!have_plan || n != plan) print "FAIL unit/" bin "/(crashed: " n + 0 " of " (have_plan ? plan : "?") " results)"; \
    else if (rc != 0 && failed == 0) print "FAIL unit/" bin "/(crashed: exit status " rc ")"; \
  }

.PHONY: unit-build unit-test
unit-build: $(UNIT_BINS)

# Runs every binary even when some fail; the results file is the verdict.
# Fails only if the results file cannot be produced.
unit-test: unit-build
	@mkdir -p $(dir $(UNIT_RESULTS)) $(UNIT_LOGDIR)
	$(Q)rm -f $(UNIT_RESULTS) $(UNIT_RESULTS).tmp; \
	: > $(UNIT_RESULTS).tmp || exit 1; \
	for t in $(UNIT_TESTS); do \
	    log=$(UNIT_LOGDIR)/$$t; \
	    CMOCKA_MESSAGE_OUTPUT=TAP timeout -k 5 $(UNIT_TIMEOUT) $(UNIT_DIR)/$$t > $$log.tap 2> $$log.err; rc=$$?; \
	    awk -v bin=$$t -v rc=$$rc '$(UNIT_TAP2RESULTS)' $$log.tap > $$log.results || exit 1; \
	    cat $$log.results >> $(UNIT_RESULTS).tmp || exit 1; \
	    pass=$$(grep -c '^PASS' $$log.results); fail=$$(grep -c '^FAIL' $$log.results); \
	    printf '  UNIT    %-22s %3s passed, %s failed%s\n' $$t $$pass $$fail \
	        "$$( [ $$fail -eq 0 ] || echo "  (see $$log.tap, $$log.err)")"; \
	done; \
	mv $(UNIT_RESULTS).tmp $(UNIT_RESULTS) || exit 1; \
	echo "  UNIT    $$(grep -c '^PASS' $(UNIT_RESULTS)) passed, $$(grep -c '^FAIL' $(UNIT_RESULTS)) failed -> $(UNIT_RESULTS)"
