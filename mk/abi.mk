# The component ABI (abi/athanor/) and its documentation: tools/abidoc
# writes docs/abi.md from the same tables the kernel and the SDK compile
# against; the test layer checks the committed file is what it writes
# (`make abi-doc` refreshes it).
ABIDOC   := $(BUILD)/tools/abidoc
ABI_HDRS := $(wildcard abi/athanor/*.h abi/athanor/abi/*)

$(GEN)/abi-consts.h: abi/athanor/abi/consts.h tools/abidoc/consts.sh
	@mkdir -p $(dir $@)
	$(Q)tools/abidoc/consts.sh $< > $@.tmp && mv $@.tmp $@
$(ABIDOC): tools/abidoc/abidoc.c $(ABI_HDRS) $(GEN)/abi-consts.h
	@mkdir -p $(dir $@)
	@echo '  HOSTCC  $@'
	$(Q)$(CC) -std=c11 $(WARN) -Iabi -I$(GEN) -O2 -o $@ $<
$(GEN)/abi.md: $(ABIDOC)
	$(Q)$(ABIDOC) > $@.tmp && mv $@.tmp $@

.PHONY: abi-doc
abi-doc: $(GEN)/abi.md
	@cp $< docs/abi.md
	@echo "docs/abi.md written from abi/athanor/"
