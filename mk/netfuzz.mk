# The frame fuzzer (tests/fuzz/netframes.c, tests/hosted/netfuzz.sh): the
# net service's stack (lwIP with the service's options, the same sources
# as components/services/net/sources.mk), its interface (netif.c) and its
# socket layer (sock.c, policy.c), built for the host twice: with AFL++'s instrumentation and the
# sanitizers (the fuzzer's target), and with the sanitizers alone (to
# replay what it found, reports and all).
NETFUZZ      := $(BUILD)/netfuzz
NETFUZZ_OWN  := components/services/net/sock.c components/services/net/policy.c components/services/net/netif.c \
                tests/fuzz/netframes.c
NETFUZZ_PKG  := $(filter $(LWIP)/%,$(net_SRCS))
NETFUZZ_CFLAGS := -Icomponents/services/net/port -I$(LWIP)/include -Icomponents/services/net -Isdk -Iabi \
    -I$(GEN)/include -DAZOTH_LWIP_IPV6=1
NETFUZZ_WARN := -Wall -Wextra -Werror -Wno-unknown-attributes

define netfuzz_flavour
# $(1) = output dir, $(2) = compiler, $(3) = its flags
$(1)/%.c.o: %.c | $(SRC)/lwip/.azoth-src $(GEN)/include/net_policy.h
	@mkdir -p $$(dir $$@)
	@echo '  CC      $$@'
	$(Q)AFL_QUIET=1 $(2) $(3) $$(NETFUZZ_EXTRA) $(NETFUZZ_CFLAGS) $$(if $$(filter $(SRC)/%,$$<),-w,$(NETFUZZ_WARN)) -MMD -MP -c $$< -o $$@
# lwIP's icmp6.c takes ip_2_ip6() of a source address that may be NULL
# (none fits) and then compares the result with NULL: member arithmetic on
# a null pointer, which UBSan reports but every compiler here turns into
# NULL + 0, the compare then right (a 20-minute run found it 20 times, all
# there). Not a dereference: a real one still faults, and AFL++ sees it.
$(1)/$(LWIP)/core/ipv6/icmp6.c.o: NETFUZZ_EXTRA := -fno-sanitize=null
$(1)/netframes: $(patsubst %,$(1)/%.o,$(NETFUZZ_OWN) $(NETFUZZ_PKG))
	@echo '  LD      $$@'
	$(Q)AFL_QUIET=1 $(2) $(3) -o $$@ $$^
-include $(patsubst %,$(1)/%.d,$(NETFUZZ_OWN) $(NETFUZZ_PKG))
endef
$(eval $(call netfuzz_flavour,$(NETFUZZ)/afl,afl-clang-fast,$(FSFUZZ_SAN)))
$(eval $(call netfuzz_flavour,$(NETFUZZ)/san,clang,$(FSFUZZ_SAN)))

.PHONY: netfuzz
netfuzz: $(NETFUZZ)/afl/netframes $(NETFUZZ)/san/netframes
