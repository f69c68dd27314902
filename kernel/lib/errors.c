/* Names of the error codes in errors.h, for messages. */
#include <athanor/errors.h>

static const char *const names[ATH_ERR_COUNT] = {
    [ATH_OK] = "OK",           [ATH_ENOMEM] = "ENOMEM",       [ATH_EINVAL] = "EINVAL",
    [ATH_EBUSY] = "EBUSY",     [ATH_ETIMEDOUT] = "ETIMEDOUT", [ATH_ENOENT] = "ENOENT",
    [ATH_EFAULT] = "EFAULT",   [ATH_ENOSYS] = "ENOSYS",       [ATH_EPERM] = "EPERM",
    [ATH_EEXIST] = "EEXIST",   [ATH_ERANGE] = "ERANGE",       [ATH_EAGAIN] = "EAGAIN",
};

const char *ath_strerror(int err)
{
    if (err < 0)
        err = -err;
    if (err >= ATH_ERR_COUNT || !names[err])
        return "E?";
    return names[err];
}
