# zlibbench's sources beyond its folder (mk/workloads.mk): zlib's library
# from Debian's source package, without the gz* file functions it does not use.
zlibbench_PKGS   := zlib
zlibbench_SRCS   := $(addprefix $(SRC)/zlib/,adler32.c compress.c crc32.c deflate.c inflate.c inffast.c \
                    inftrees.c trees.c uncompr.c zutil.c)
zlibbench_CFLAGS := -I$(SRC)/zlib
