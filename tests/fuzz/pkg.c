/* The package loader's fuzzer (docs/apps.md, tests/hosted/pkgfuzz.sh): the
 * kernel's own kernel/load/pkg.c, compiled for the host with AFL++'s
 * instrumentation and the sanitizers, fed mutated packages. A mutation
 * almost never survives the signature, so this harness signs each input
 * with a key of its own (which stands in for the build's) before the
 * loader sees it: what is fuzzed is everything after the signature, every
 * field the loader checks, the relocation and the protection.
 * Nothing of a package runs (the loader never calls its code).
 * Usage: pkg FILE (AFL++'s @@) */
#define _GNU_SOURCE
#include <athanor/errors.h>
#include <athanor/load.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sodium/crypto_sign_ed25519.h"

/* ---- what pkg.c needs of the kernel, the host's way ---- */

/* The harness's key: the public half of the seed below (the runtime id
 * is the build's, build/gen/pkg-runtime.c, which the seeds carry). */
static const uint8_t key_seed[32] = { 'a', 'z', 'o', 't', 'h' };
const uint8_t pkg_public_key[32] = { 0x99, 0x73, 0x55, 0xb3, 0x8a, 0xbb, 0xb4, 0x91, 0x19, 0x43, 0xbb,
                                     0x60, 0xd7, 0x64, 0x1f, 0x19, 0xd2, 0x61, 0xe6, 0xd5, 0xe1, 0xb0,
                                     0x0d, 0x7c, 0x5c, 0x9a, 0x6d, 0x48, 0xb3, 0x40, 0x7c, 0xa5 };
const uint8_t pkg_key_id[8];
static uint8_t secret[64];

void *kmalloc(size_t n) { return malloc(n ? n : 1); }
void *kzalloc(size_t n) { return calloc(1, n ? n : 1); }
void kfree(void *p) { free(p); }
int kvsnprintf(char *b, size_t n, const char *f, va_list ap) { return vsnprintf(b, n, f, ap); }
int kprintf(const char *f, ...) { (void)f; return 0; }
irqflags_t plat_irq_save(void) { return 0; }
void plat_irq_restore(irqflags_t f) { (void)f; }
void plat_cpu_relax(void) {}
uint64_t plat_clock_ns(void) { return 0; }
unsigned plat_cpu_id(void) { return 0; }

int plat_code_alloc(size_t size, struct plat_code *out)
{
    if (size == 0 || size > PLAT_CODE_MAX || size % 4096)
        return -ATH_EINVAL;
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -ATH_ENOMEM;
    *out = (struct plat_code){ (uintptr_t)p, size, NULL };
    return 0;
}

int plat_code_protect(struct plat_code *c, size_t off, size_t len, enum plat_prot prot)
{
    if (off % 4096 || len % 4096 || off > c->size || len > c->size - off)
        return -ATH_EINVAL;
    /* Never executable here: nothing of a fuzzed package may run. */
    return mprotect((void *)(c->base + off), len, prot == PLAT_PROT_RW ? PROT_READ | PROT_WRITE : PROT_READ)
               ? -ATH_ENOMEM : 0;
}

void plat_code_free(struct plat_code *c)
{
    if (c->size)
        munmap((void *)c->base, c->size);
    c->size = 0;
}

/* The exports: every name but those beginning "no_", so that imports both
 * resolve and fail (the real table is the kernel's, kernel/load/exports.c). */
static char exported[16];
const void *pkg_export(const char *name, size_t len)
{
    return len >= 3 && !memcmp(name, "no_", 3) ? NULL : exported;
}
void pkg_exports_init(void) {}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    uint8_t pk[32];
    crypto_sign_ed25519_seed_keypair(pk, secret, key_seed);
    if (memcmp(pk, pkg_public_key, sizeof pk) != 0) {
        fprintf(stderr, "pkg: the harness's key pair does not match\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f)
        return 2;
    static uint8_t buf[8 << 20];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    /* Sign what the fuzzer made, its size in the header first, where its
     * image_off puts the signature (if that lies in the file). */
    struct ath_pkg_header h = { 0 };
    if (len >= sizeof(struct ath_pkg_header) + ATH_PKG_SIG_LEN) {
        uint64_t size = len;
        memcpy(buf + offsetof(struct ath_pkg_header, file_size), &size, 8);
        memcpy(&h, buf, sizeof h);
        if (h.image_off % 4096 == 0 && h.image_off >= sizeof h + ATH_PKG_SIG_LEN && h.image_off <= len) {
            uint8_t msg[48];
            memcpy(msg, ATH_PKG_SIG_CONTEXT, 16);
            size_t sig = h.image_off - ATH_PKG_SIG_LEN;
            pkg_hash2(msg + 16, buf, sig, buf + h.image_off, len - h.image_off);
            crypto_sign_ed25519_detached(buf + sig, NULL, msg, sizeof msg, secret);
        }
    }
    /* The kernel's copy, sized as its callers size it. */
    uint64_t mem = ath_pkg_mem_size(&h, len);
    struct plat_code copy;
    if (len == 0 || mem > PLAT_CODE_MAX || plat_code_alloc((size_t)mem, &copy) != 0) {
        printf("refused: no copy of %zu bytes\n", len);
        return 0;
    }
    memcpy((void *)copy.base, buf, len);
    char why[200];
    struct pkg *p;
    int r = pkg_load(&copy, len, &p, why, sizeof why);
    if (r == 0) {
        printf("loaded: %s, %u bytes of code\n", p->name, p->code_bytes);
        pkg_put(p);
    } else {
        printf("refused (%d): %s\n", r, why);
        plat_code_free(&copy);
    }
    return 0;
}
