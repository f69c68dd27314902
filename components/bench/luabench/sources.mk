# luabench's sources beyond its folder (mk/workloads.mk): Lua 5.4's core and
# the base, table, string and math libraries from Debian's source package
# (no io, os, package or coroutine library: the benchmark needs no files,
# and coroutines need longjmp, see luabench.h). include/ comes first for its
# stand-in <setjmp.h>; luabench.h configures Lua through LUA_USER_H.
luabench_PKGS   := lua5.4
luabench_SRCS   := $(addprefix $(SRC)/lua5.4/src/,lapi.c lcode.c lctype.c ldebug.c ldo.c ldump.c lfunc.c \
                   lgc.c llex.c lmem.c lobject.c lopcodes.c lparser.c lstate.c lstring.c ltable.c ltm.c \
                   lundump.c lvm.c lzio.c lauxlib.c lbaselib.c lmathlib.c lstrlib.c ltablib.c)
luabench_CFLAGS := -I$(WL_DIR)/luabench/include -I$(WL_DIR)/luabench -I$(SRC)/lua5.4/src \
                   '-DLUA_USER_H="luabench.h"'
