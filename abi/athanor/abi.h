/* The component ABI, all of it: error codes, constants and limits, the
 * structs that cross the boundary, and (abi/imports.def) the host calls.
 * Shared by the kernel, the SDK and the tools; see docs/abi.md. */
#ifndef ATHANOR_ABI_H
#define ATHANOR_ABI_H

#include <athanor/abi/app.h>
#include <athanor/abi/consts.h>
#include <athanor/abi/errors.h>
#include <athanor/abi/wire.h>

#endif
