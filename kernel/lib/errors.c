/* Names of the error codes (athanor/abi/errors.def), for messages. */
#include <athanor/errors.h>

static const char *const names[ATH_ERR_COUNT] = {
#define ATH_ERROR(name, num, what) [ATH_##name] = #name,
#include <athanor/abi/errors.def>
#undef ATH_ERROR
};

const char *ath_strerror(int err)
{
    /* Callers pass either sign; negate in unsigned arithmetic (INT_MIN safe). */
    unsigned e = err < 0 ? 0u - (unsigned)err : (unsigned)err;
    if (e >= ATH_ERR_COUNT || !names[e])
        return "E?";
    return names[e];
}
