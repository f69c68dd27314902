/* The package format: a component compiled ahead of time on the host (wasm2c
 * and gcc, the pipeline of built-in components) that the kernel loads at run
 * time. Shared by the loader (kernel/load), the tool that makes packages
 * (tools/pkgtool.c) and the docs (docs/apps.md). Plain C11, <stdint.h>. */
#ifndef ATHANOR_ABI_PKG_H
#define ATHANOR_ABI_PKG_H

#include <stdint.h>

/* A package file, every number little-endian:
 *
 *   [0, header_size)            struct ath_pkg_header
 *   [relocs_off, +nrelocs*16)   struct ath_pkg_reloc, sorted by `where`
 *   [relr_off, +nrelr*8)        packed relative relocations (below)
 *   [imports_off, +imports_len) the imported names, each NUL-terminated
 *   [image_off - 64, image_off) the Ed25519 signature
 *   [image_off, file_size)      the image's initialised bytes (image_file
 *                               of them), page-aligned, last in the file
 *
 * The signature is over ATH_PKG_SIG_CONTEXT (its 16 bytes) followed by the
 * BLAKE3 hash of the file without the signature: bytes [0, image_off - 64)
 * then [image_off, file_size). One pass over the file, then one
 * verification of 48 bytes. The loader checks it first, against the key
 * the kernel was built with, on its own copy of the file; only then does
 * it trust a field (it reads image_off before, to know where the signature
 * is, and checks that it lies in the file).
 *
 * The image comes last so that the kernel's copy of the file is already
 * the image's memory: the copy is made page-aligned and ath_pkg_mem_size
 * bytes long (zero past the file: the image's bss), and the loader
 * relocates and protects the image where it lies, copying nothing. */
#define ATH_PKG_MAGIC       "AZOTHPKG"
#define ATH_PKG_VERSION     4u
#define ATH_PKG_SIG_CONTEXT "azoth-package-2"   /* 15 chars + NUL = 16 bytes */
#define ATH_PKG_SIG_LEN     64u
#define ATH_PKG_KEY_LEN     32u
#define ATH_PKG_PAGE        4096u
#define ATH_PKG_NAME_MAX    24u                 /* with its NUL */
#define ATH_PKG_MAX_SEGS    8u
/* Bounds the loader enforces (oversized packages are refused). */
#define ATH_PKG_FILE_MAX    (64u << 20)
#define ATH_PKG_IMAGE_MAX   (64u << 20)
#define ATH_PKG_RELOCS_MAX  (1u << 20)
#define ATH_PKG_IMPORTS_MAX 1024u
#define ATH_PKG_SYMS_MAX    (1u << 20)

/* A package name's characters: a-z 0-9 _ - (the loader and the tool both
 * hold names to this). */
static inline int ath_pkg_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* A segment's protection: the image is mapped W^X, never writable and
 * executable at once. */
enum ath_pkg_prot { ATH_PKG_R = 1, ATH_PKG_RW = 2, ATH_PKG_RX = 3 };

struct ath_pkg_seg {
    uint32_t off;  /* in the image; page multiple */
    uint32_t size; /* page multiple */
    uint32_t prot; /* enum ath_pkg_prot */
    uint32_t pad;
};

struct ath_pkg_header {
    char     magic[8];            /* ATH_PKG_MAGIC, no NUL */
    uint32_t version;             /* ATH_PKG_VERSION */
    uint32_t header_size;         /* sizeof(struct ath_pkg_header) */
    uint64_t file_size;           /* the whole file, signature included */
    char     name[ATH_PKG_NAME_MAX]; /* [a-z0-9_-], NUL-padded */
    uint8_t  wasm_sha256[32];     /* of the .wasm it was compiled from */
    uint8_t  runtime_id[32];      /* the kernel runtime it links against (ATH_PKG_RUNTIME) */
    uint8_t  key_id[8];           /* first bytes of SHA-256(public key): who signed it */
    uint32_t image_off;           /* page multiple, in the file; the signature is just before it */
    uint32_t image_file;          /* bytes of the image in the file (page multiple): the rest of it */
    uint32_t image_size;          /* bytes of the image in memory (page multiple, >= image_file: the rest is zero) */
    uint32_t nsegs;               /* 1..ATH_PKG_MAX_SEGS, in order, covering [0, image_size) */
    struct ath_pkg_seg seg[ATH_PKG_MAX_SEGS];
    uint32_t relocs_off, nrelocs;
    uint32_t imports_off, imports_len, nimports;
    uint32_t entry_off;           /* struct ath_pkg_entry, in the image */
    uint32_t max_pages;           /* linear memory it asks for at most, in 64 KiB pages */
    uint32_t code_bytes;          /* its executable bytes (for listings) */
    uint32_t relr_off, nrelr;     /* packed relative relocations: nrelr 64-bit words */
    uint32_t syms_off, nsyms;     /* its functions (in the image), for trap reports */
    uint32_t strs_off, strs_len;  /* their names (in the image) */
};

/* The bytes the kernel's copy of a package of `len` bytes takes: the file
 * and its image's bss, in whole pages; where the header's numbers make no
 * sense, just the file (which the loader then refuses). Read from a header
 * not yet checked, so only bounded here: the loader checks every field
 * after the signature. */
static inline uint64_t ath_pkg_mem_size(const struct ath_pkg_header *h, uint64_t len)
{
    uint64_t page = ATH_PKG_PAGE, file = (len + page - 1) / page * page;
    if (h->image_off % page || h->image_off > len || h->image_size > ATH_PKG_IMAGE_MAX ||
        len > ATH_PKG_FILE_MAX)
        return file;
    uint64_t mem = (uint64_t)h->image_off + (h->image_size + page - 1) / page * page;
    return mem > file ? mem : file;
}

/* A function of the package's code, for trap reports (a built-in
 * component's are in the kernel's own symbol table): where it starts in
 * the image, its size, and its wasm name as wasm2c writes it after
 * "w2c_app_" (0xHH for what C cannot have), at `name` in the names. The
 * table and the names lie in the image, in a read-only segment (so they
 * are mapped with the code and cost no copy of their own); the functions
 * are sorted, apart, each inside an executable segment. Code that none
 * covers (wasm2c's wrappers, the glue) has no name. */
struct ath_pkg_sym {
    uint32_t off;
    uint32_t size;
    uint32_t name;
};

/* A relocation: 8 bytes at image + where become a value. RELATIVE: image
 * base + addend. IMPORT: the address of import `sym` (its index in the
 * names) + addend. `where` lies in a segment that is not executable. */
enum ath_pkg_reloc_kind { ATH_PKG_REL_RELATIVE = 1, ATH_PKG_REL_IMPORT = 2 };
struct ath_pkg_reloc {
    uint32_t where;
    uint16_t kind;
    uint16_t sym;
    int64_t  addend;
};

/* Packed relative relocations (ELF's RELR encoding): most relocations of
 * a package add the image's base to 8 bytes of data that already hold
 * their offset in the image (pointers to its functions and data), and lie
 * close together; these name only where, at about a bit each. Each word,
 * in order: an even one is the `where` of such a relocation, and the next
 * `where` is 8 bytes on; an odd one is a bitmap: bit i (1-63) relocates
 * the 8 bytes (i - 1) * 8 past the next `where`, which then moves 63 * 8
 * on. A bitmap comes only after an address. Every place lies in a segment
 * that is not executable. */

/* What the package's own code describes itself with: found at entry_off in
 * the image once relocated. Function pointers point into its executable
 * segments (the loader checks). */
#define ATH_PKG_ENTRY_ABI 0x415a5031u /* "AZP1" */
struct ath_pkg_entry {
    uint32_t abi;            /* ATH_PKG_ENTRY_ABI */
    uint32_t instance_size;  /* of its wasm2c instance struct */
    uint32_t max_frame;      /* its largest native stack frame (tools/frames.sh) */
    uint32_t pad;
    void (*init_module)(void);
    void (*instantiate)(void *instance, void *host);
    void (*start)(void *instance);
    void (*free)(void *instance);
    void *(*memory)(void *instance);
    uint64_t (*handle)(void *instance, uint64_t badge, uint64_t op, uint64_t a0, uint64_t a1,
                       uint64_t a2); /* NULL: no IPC handler */
};

#endif
