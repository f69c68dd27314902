/* The kernel's cryptographically secure random generator: ChaCha20 keyed
 * from the platform's entropy source (RDSEED/RDRAND on x86-64, getrandom()
 * hosted), rekeyed after every request (fast key erasure). */
#ifndef ATHANOR_CSPRNG_H
#define ATHANOR_CSPRNG_H

#include <athanor/types.h>

void csprng_init(void);
void csprng_fill(void *buf, size_t len);
/* The ChaCha20 block function (RFC 8439), exposed for its test vectors. */
void chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3], uint8_t out[64]);

#endif
