/* The package loader (kernel/load): checks a package (abi/athanor/abi/pkg.h,
 * docs/apps.md) — its signature first, then every field — maps its image
 * W^X, links it against the symbols the kernel exports to packages, and
 * presents it as a struct comp_image that a component can run. */
#ifndef ATHANOR_LOAD_H
#define ATHANOR_LOAD_H

#include <athanor/abi/pkg.h>
#include <athanor/component.h>
#include <athanor/platform.h>

/* A loaded package. Its code stays mapped while a component runs it: the
 * component holds a reference (pkg_get/pkg_put), and so does whoever
 * loaded it until it hands it over. */
struct pkg {
    struct plat_code  code;       /* the kernel's copy of its file, which holds its image */
    uintptr_t         image_base; /* where its image starts in it */
    uint32_t          image_size;
    struct comp_image image;      /* the kernel's view of its entry */
    uint32_t          max_frame;  /* image.max_frame points here */
    char              name[ATH_PKG_NAME_MAX];
    uint8_t           wasm_sha256[32];
    uint32_t          max_pages;  /* the memory it asked for */
    uint32_t          code_bytes;
    uint32_t          file_size;
    unsigned          refs;       /* under pkg_lock (kernel/load/pkg.c) */
    /* Its functions, by address, and their names, where they are mapped
     * (read-only, in its image): its own symbol table, for trap reports. */
    const struct ath_pkg_sym *syms;
    const char               *strs;
    uint32_t                  nsyms;
    /* What its load took (ns): the signature (hashing the file included),
     * the other checks, and mapping (copy, relocations, protection). */
    uint64_t          verify_ns, check_ns, map_ns;
};

/* Load the package in copy[0, len): the kernel's copy, which nothing else
 * writes while this runs (the caller copied it out of a component's memory
 * first, so what is checked is what is mapped), made with plat_code_alloc
 * of ath_pkg_mem_size bytes (abi/athanor/abi/pkg.h), zero past the file.
 * The image is relocated and protected where it lies in it. 0 and *out
 * with one reference, the copy now the package's (*copy is emptied), or
 * -ATH_EBADPKG, -ATH_EBADSIG, -ATH_ENOEXEC, -ATH_ENOMEM and the copy still
 * the caller's; the reason is in why (NUL-terminated) and printed on the
 * console. Nothing of the package runs here. */
int  pkg_load(struct plat_code *copy, size_t len, struct pkg **out, char *why, size_t why_len);
void pkg_get(struct pkg *p);
void pkg_put(struct pkg *p);  /* the last reference unmaps it */
/* The package whose code holds pc, or NULL (trap reports). */
struct pkg *pkg_by_pc(uintptr_t pc);
/* The function of p's code that holds pc: its symbol's name and pc's
 * offset in it; false if p names none there. */
bool pkg_sym_lookup(const struct pkg *p, uintptr_t pc, const char **name, uintptr_t *off);

/* Signatures (kernel/load/verify.c): does sig verify for the hash of
 * a[0, alen) then b[0, blen) under the build's key (pkg_public_key)? */
bool pkg_signature_ok(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                      const uint8_t sig[ATH_PKG_SIG_LEN]);
/* The hash (kernel/load/hash.c: BLAKE3, with the CPU's vector
 * instructions), of one range or of two one after the other. */
void pkg_hash(uint8_t out[32], const void *data, size_t len);
void pkg_hash2(uint8_t out[32], const void *a, size_t alen, const void *b, size_t blen);
/* Which implementation it uses, by name; which >= 0 chooses first, for the
 * tests (0: portable C, then SSE2, SSE4.1, AVX2, AVX-512; NULL if the CPU
 * has not that one: the best it has is used then), -1 the best. */
const char *pkg_hash_use(int which);
extern const uint8_t pkg_public_key[ATH_PKG_KEY_LEN]; /* generated: tools/pkgtool pubkey-c */
extern const uint8_t pkg_key_id[8];
extern const uint8_t pkg_runtime_id[32];              /* generated: mk/apps.mk */

/* A refusal: the reason, printf-formatted, into why; returns err. */
int load_refuse(int err, char *why, size_t why_len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The symbols packages link against (kernel/load/exports.c): the address
 * of name, or NULL if the kernel does not export it. */
const void *pkg_export(const char *name, size_t len);
void        pkg_exports_init(void); /* pkg_init's: the table sorted */

/* At boot, before any package loads (kernel_main): the export table
 * sorted, and the hash's choice of implementation made (CPUID), so that a
 * load does neither. */
void pkg_init(void);

#endif
