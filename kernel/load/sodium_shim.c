/* libsodium's abort() in the kernel (compiled as this name, mk/apps.mk):
 * reached only on an internal inconsistency of its curve code, never from
 * a package's bytes. Its other helpers: sodium_util.c. */
#include <athanor/klib.h>

_Noreturn void load_sodium_abort(void);

_Noreturn void load_sodium_abort(void)
{
    kpanic("libsodium: internal error");
}
