# Toolchain and flags shared by every build of Athanor.
BUILD    ?= build
CC       := gcc
AS_FLAGS :=
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-unused-parameter
CSTD     := -std=c11
INCLUDES := -Ikernel/include

# Portable core sources (kernel/). kernel/lib/string.c is bare-metal only:
# hosted builds use the C library's functions so the sanitizers see them.
CORE_SRCS      := $(sort $(wildcard kernel/*.c kernel/*/*.c))
CORE_SRCS_HOST := $(filter-out kernel/lib/string.c,$(CORE_SRCS))
# Files compiled with SSE enabled even in the bare-metal kernel (they test
# that FP/SIMD state survives context switches).
SSE_SRCS       := kernel/ktest/test_fpu.c

# Quiet build output unless V=1.
ifeq ($(V),1)
Q :=
else
Q := @
endif
