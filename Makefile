# Azoth OS — top-level build. `make run` boots in QEMU; `make test` runs every
# test layer. See README.md and docs/testing.md.
.DEFAULT_GOAL := all
include mk/config.mk
include mk/hosted.mk
include mk/kernel.mk

.PHONY: all clean
all: kernel hosted

clean:
	rm -rf $(BUILD)
