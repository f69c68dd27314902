/* Athanor's error codes as an enum, from the one table (abi/errors.def).
 * Functions return 0 on success and a negative ATH_E* value on failure;
 * host calls return the same, as a two's-complement u32 (u64 for comp_ctl). */
#ifndef ATHANOR_ABI_ERRORS_H
#define ATHANOR_ABI_ERRORS_H

enum ath_err {
#define ATH_ERROR(name, num, what) ATH_##name = num,
#include <athanor/abi/errors.def>
#undef ATH_ERROR
    ATH_ERR_COUNT
};

#endif
