/* The kernel's definitions of the "athanor" imports, declared from the
 * ABI's one table (athanor/abi/imports.def): the files that implement them
 * include this, and so does every component's generated glue, so a
 * definition or a component that disagrees with the table does not
 * compile ("conflicting types"). */
#ifndef ATHANOR_HOSTCALLS_H
#define ATHANOR_HOSTCALLS_H

#include <stdint.h>

#include <athanor/abi/imports.h>

struct w2c_athanor;

#define ATH_KERNEL_PARAM_(type, name) ATH_KT_##type name
#define ATH_IMPORT(name, result, n, params, file, what, errors)    \
    ATH_KT_##result w2c_athanor_##name(struct w2c_athanor *ctx \
                                      ATH_IMPORT_PARAMS_AFTER(n, ATH_KERNEL_PARAM_, params));
#include <athanor/abi/imports.def>
#undef ATH_IMPORT
#undef ATH_KERNEL_PARAM_

#endif
