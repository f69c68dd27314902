/* Names of the error codes in errors.h, for messages. */
#include <athanor/errors.h>

static const char *const names[ATH_ERR_COUNT] = {
    [ATH_OK] = "OK",           [ATH_ENOMEM] = "ENOMEM",       [ATH_EINVAL] = "EINVAL",
    [ATH_EBUSY] = "EBUSY",     [ATH_ETIMEDOUT] = "ETIMEDOUT", [ATH_ENOENT] = "ENOENT",
    [ATH_EFAULT] = "EFAULT",   [ATH_ENOSYS] = "ENOSYS",       [ATH_EPERM] = "EPERM",
    [ATH_EEXIST] = "EEXIST",   [ATH_ERANGE] = "ERANGE",       [ATH_EAGAIN] = "EAGAIN",
    [ATH_EBADHANDLE] = "EBADHANDLE", [ATH_ESTALE] = "ESTALE", [ATH_EWRONGTYPE] = "EWRONGTYPE",
    [ATH_EPEERFAILED] = "EPEERFAILED", [ATH_EPEERRESTARTED] = "EPEERRESTARTED",
    [ATH_EMSGSIZE] = "EMSGSIZE",       [ATH_EDEADLK] = "EDEADLK",     [ATH_ESTACK] = "ESTACK",
    [ATH_EINTR] = "EINTR",             [ATH_EQUOTA] = "EQUOTA",
};

const char *ath_strerror(int err)
{
    /* Callers pass either sign; negate in unsigned arithmetic (INT_MIN safe). */
    unsigned e = err < 0 ? 0u - (unsigned)err : (unsigned)err;
    if (e >= ATH_ERR_COUNT || !names[e])
        return "E?";
    return names[e];
}
