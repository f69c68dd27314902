/* The filesystem service's code on the host (mk/fsfuzz.mk): what the image
 * fuzzer (tests/fuzz/fsimage.c) and the benchmarks' baseline (bench/fslib.c)
 * share. Each gives the disk (disk_rw, disk_flush, disk_open); fshost.c
 * gives the rest the service's files name, and a client's request. */
#ifndef FSHOST_H
#define FSHOST_H
#include "fs.h"

/* The answer of a request lent as a client lends it, in fs_block. */
extern uint8_t fs_block[FS_BUF_MAX];
/* One request: header, root "/" and path (and path2), then data. */
int64_t fs_req(uint64_t op, uint64_t handle, uint64_t off, uint64_t len, uint32_t flags, const char *path,
               const char *path2, const void *data);
#endif
