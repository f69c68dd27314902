/* Package signatures: libsodium's Ed25519 (Debian's source package,
 * compiled freestanding into the kernel: mk/apps.mk), the code
 * tools/pkgtool signs with. What is signed is ATH_PKG_SIG_CONTEXT and the
 * hash of the package without its signature (abi/athanor/abi/pkg.h),
 * which hash.c computes. */
#include <athanor/klib.h>
#include <athanor/load.h>

#include "sodium/crypto_sign_ed25519.h"

_Static_assert(crypto_sign_ed25519_BYTES == ATH_PKG_SIG_LEN, "signature size");
_Static_assert(crypto_sign_ed25519_PUBLICKEYBYTES == ATH_PKG_KEY_LEN, "key size");
_Static_assert(sizeof ATH_PKG_SIG_CONTEXT == 16, "the context is 16 bytes with its NUL");

bool pkg_signature_ok(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                      const uint8_t sig[ATH_PKG_SIG_LEN])
{
    uint8_t msg[48];
    memcpy(msg, ATH_PKG_SIG_CONTEXT, 16);
    pkg_hash2(msg + 16, a, alen, b, blen);
    return crypto_sign_ed25519_verify_detached(sig, msg, sizeof msg, pkg_public_key) == 0;
}
