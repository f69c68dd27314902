/* ChaCha20-based CSPRNG (see csprng.h). Written here because no Debian
 * package offers a freestanding one; the block function follows RFC 8439 and
 * is checked against its test vector by the unit tests.
 * rng_lock (irqsave) protects the key. */
#include <athanor/csprng.h>
#include <athanor/klib.h>
#include <athanor/platform.h>
#include <athanor/spinlock.h>

#define ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
#define QR(a, b, c, d)                                                           \
    do {                                                                         \
        a += b; d ^= a; d = ROTL(d, 16); c += d; b ^= c; b = ROTL(b, 12);        \
        a += b; d ^= a; d = ROTL(d, 8);  c += d; b ^= c; b = ROTL(b, 7);         \
    } while (0)

void chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3], uint8_t out[64])
{
    uint32_t s[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 }; /* "expand 32-byte k" */
    for (int i = 0; i < 8; i++)
        s[4 + i] = key[i];
    s[12] = counter;
    s[13] = nonce[0];
    s[14] = nonce[1];
    s[15] = nonce[2];
    uint32_t x[16];
    memcpy(x, s, sizeof x);
    for (int i = 0; i < 10; i++) {
        QR(x[0], x[4], x[8], x[12]);
        QR(x[1], x[5], x[9], x[13]);
        QR(x[2], x[6], x[10], x[14]);
        QR(x[3], x[7], x[11], x[15]);
        QR(x[0], x[5], x[10], x[15]);
        QR(x[1], x[6], x[11], x[12]);
        QR(x[2], x[7], x[8], x[13]);
        QR(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++) {
        uint32_t v = x[i] + s[i];
        out[4 * i] = (uint8_t)v;
        out[4 * i + 1] = (uint8_t)(v >> 8);
        out[4 * i + 2] = (uint8_t)(v >> 16);
        out[4 * i + 3] = (uint8_t)(v >> 24);
    }
}

static spinlock_t rng_lock = SPINLOCK_INIT;
static uint32_t   key[8];
static uint32_t   nonce[3];

void csprng_init(void)
{
    plat_entropy(key, sizeof key);
    plat_entropy(nonce, sizeof nonce);
}

void csprng_fill(void *buf, size_t len)
{
    uint8_t block[64];
    irqflags_t f = spin_lock_irqsave(&rng_lock);
    /* Block 0 becomes the next key (fast key erasure: a later compromise of
     * the key reveals nothing already handed out). */
    chacha20_block(key, 0, nonce, block);
    uint32_t next_key[8];
    memcpy(next_key, block, sizeof next_key);
    uint32_t ctr = 1;
    uint8_t *p = buf;
    while (len) {
        chacha20_block(key, ctr++, nonce, block);
        size_t n = len < sizeof block ? len : sizeof block;
        memcpy(p, block, n);
        p += n;
        len -= n;
    }
    memcpy(key, next_key, sizeof key);
    spin_unlock_irqrestore(&rng_lock, f);
    memset(block, 0, sizeof block);
}
