# sqlitebench's sources beyond its folder (mk/workloads.mk): SQLite's
# amalgamation, generated from Debian's source package by tools/fetch-src.sh.
# Built with no OS layer (sqlitebench.c supplies one that opens no file) and
# no threads: an in-memory database needs neither, and wasi-libc has no
# threads, locks or mmap for os_unix.c. Temporary storage in memory.
sqlitebench_PKGS   := sqlite3
sqlitebench_SRCS   := $(SRC)/sqlite3/bld/sqlite3.c
sqlitebench_CFLAGS := -I$(SRC)/sqlite3/bld -DSQLITE_OS_OTHER=1 -DSQLITE_THREADSAFE=0 \
                      -DSQLITE_OMIT_LOAD_EXTENSION=1 -DSQLITE_TEMP_STORE=3 -DSQLITE_DEFAULT_MEMSTATUS=0
