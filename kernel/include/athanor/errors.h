/* Athanor error codes: the ABI's one list (athanor/abi/errors.def), plus
 * the kernel's name lookup. Functions return 0 on success and a negative
 * ATH_E* value on failure. */
#ifndef ATHANOR_ERRORS_H
#define ATHANOR_ERRORS_H

#include <athanor/abi/errors.h>

/* Short, stable name of an error code, e.g. "ENOMEM"; never NULL. */
const char *ath_strerror(int err);

#endif
