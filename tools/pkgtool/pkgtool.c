/* The host's side of packages (abi/athanor/abi/pkg.h, docs/apps.md): make the
 * signing key at the first build, turn a shared object that gcc built from
 * wasm2c's output into a package, sign it, and show or check one.
 *
 *   pkgtool keygen KEYDIR                 make KEYDIR/package.key and .pub (once)
 *   pkgtool pubkey-c KEYDIR OUT.c         the public key as C, for the kernel
 *   pkgtool pack IN.so OUT NAME WASM PAGES RUNTIME-ID EXPORTS
 *   pkgtool sign PKG KEYDIR               sign it in place
 *   pkgtool show PKG                      print its header
 *   pkgtool check PKG KEYDIR              check it as the kernel would
 *
 * Signatures are libsodium's Ed25519 over a BLAKE3 hash (Debian's packages,
 * built for the host here and freestanding for the kernel: the same code
 * signs and checks). The private key stays in KEYDIR under build/: no image holds it. */
#include <athanor/abi/pkg.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blake3.h"
#include "sodium/crypto_hash_sha256.h"
#include "sodium/crypto_sign_ed25519.h"

static const char *prog = "pkgtool";

static _Noreturn void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("%s: %s", path, strerror(errno));
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1 << 16;
            buf = realloc(buf, cap);
            if (!buf)
                die("out of memory");
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(f))
        die("%s: read error", path);
    fclose(f);
    *len = n;
    return buf;
}

static void write_file(const char *path, const void *buf, size_t len, mode_t mode)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0)
        die("%s: %s", tmp, strerror(errno));
    const unsigned char *p = buf;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0)
            die("%s: %s", tmp, strerror(errno));
        p += w;
        len -= (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0)
        die("%s: %s", path, strerror(errno));
}

static void hex(char *out, const unsigned char *in, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", in[i]);
}

static bool unhex(unsigned char *out, const char *in, size_t n)
{
    if (strlen(in) < 2 * n)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(in + 2 * i, "%2x", &v) != 1)
            return false;
        out[i] = (unsigned char)v;
    }
    return true;
}

/* ---- keys ---------------------------------------------------------------- */

struct keys {
    unsigned char pk[crypto_sign_ed25519_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_ed25519_SECRETKEYBYTES];
};

static void key_path(char *out, size_t n, const char *dir, const char *file)
{
    if ((size_t)snprintf(out, n, "%s/%s", dir, file) >= n)
        die("%s: path too long", dir);
}

/* The key file holds the 32-byte seed in hex; the public key follows from it. */
static void load_keys(const char *dir, struct keys *k, bool need_secret)
{
    char path[4096];
    unsigned char seed[crypto_sign_ed25519_SEEDBYTES];
    key_path(path, sizeof path, dir, need_secret ? "package.key" : "package.pub");
    size_t len;
    unsigned char *text = read_file(path, &len);
    text = realloc(text, len + 1);
    text[len] = 0;
    if (need_secret) {
        if (!unhex(seed, (char *)text, sizeof seed))
            die("%s: not a key made by pkgtool keygen", path);
        crypto_sign_ed25519_seed_keypair(k->pk, k->sk, seed);
        memset(seed, 0, sizeof seed);
    } else if (!unhex(k->pk, (char *)text, sizeof k->pk)) {
        die("%s: not a public key made by pkgtool keygen", path);
    }
    memset(text, 0, len);
    free(text);
}

static void key_id(unsigned char out[8], const unsigned char *pk)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, pk, crypto_sign_ed25519_PUBLICKEYBYTES);
    memcpy(out, h, 8);
}

static int cmd_keygen(const char *dir)
{
    char path[4096], text[2 * 32 + 2];
    key_path(path, sizeof path, dir, "package.key");
    if (access(path, F_OK) == 0)
        return 0; /* made at the first build, kept since */
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        die("%s: %s", dir, strerror(errno));
    unsigned char seed[crypto_sign_ed25519_SEEDBYTES];
    if (getrandom(seed, sizeof seed, 0) != (ssize_t)sizeof seed)
        die("getrandom: %s", strerror(errno));
    struct keys k;
    crypto_sign_ed25519_seed_keypair(k.pk, k.sk, seed);
    hex(text, seed, sizeof seed);
    strcat(text, "\n");
    memset(seed, 0, sizeof seed);
    write_file(path, text, strlen(text), 0600);
    key_path(path, sizeof path, dir, "package.pub");
    hex(text, k.pk, sizeof k.pk);
    strcat(text, "\n");
    write_file(path, text, strlen(text), 0644);
    printf("  KEYGEN  %s/package.key (the key packages are signed with; it stays here)\n", dir);
    return 0;
}

static int cmd_pubkey_c(const char *dir, const char *out)
{
    struct keys k;
    load_keys(dir, &k, false);
    unsigned char id[8];
    key_id(id, k.pk);
    char buf[1024];
    int n = snprintf(buf, sizeof buf,
                     "/* Generated by tools/pkgtool: the key this kernel accepts packages from. */\n"
                     "#include <stdint.h>\n"
                     "const uint8_t pkg_public_key[32] = {");
    for (unsigned i = 0; i < 32; i++)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "%s0x%02x", i ? "," : "", k.pk[i]);
    n += snprintf(buf + n, sizeof buf - (size_t)n, "};\nconst uint8_t pkg_key_id[8] = {");
    for (unsigned i = 0; i < 8; i++)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "%s0x%02x", i ? "," : "", id[i]);
    n += snprintf(buf + n, sizeof buf - (size_t)n, "};\n");
    /* Unchanged output keeps its time stamp: the kernel is not rebuilt. */
    size_t old_len;
    if (access(out, F_OK) == 0) {
        unsigned char *old = read_file(out, &old_len);
        bool same = old_len == (size_t)n && memcmp(old, buf, old_len) == 0;
        free(old);
        if (same)
            return 0;
    }
    write_file(out, buf, (size_t)n, 0644);
    return 0;
}

/* ---- pack: shared object -> package ------------------------------------- */

struct exports {
    char **names;
    size_t n;
};

static void load_exports(const char *path, struct exports *ex)
{
    size_t len;
    char *text = (char *)read_file(path, &len);
    text = realloc(text, len + 1);
    text[len] = 0;
    ex->names = NULL;
    ex->n = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (!*line || *line == '#')
            continue;
        ex->names = realloc(ex->names, (ex->n + 1) * sizeof *ex->names);
        ex->names[ex->n++] = line;
    }
}

static bool exported(const struct exports *ex, const char *name)
{
    for (size_t i = 0; i < ex->n; i++)
        if (strcmp(ex->names[i], name) == 0)
            return true;
    return false;
}

struct elf {
    const unsigned char *buf;
    size_t len;
    const Elf64_Ehdr *eh;
};

/* A pointer to [off, off + n) of the file, or the build fails. */
static const void *at(const struct elf *e, uint64_t off, uint64_t n, const char *what)
{
    if (off > e->len || n > e->len - off)
        die("the shared object is malformed: its %s lies outside the file", what);
    return e->buf + off;
}

/* The file offset of a virtual address inside a loaded segment. */
static uint64_t vaddr_off(const struct elf *e, const Elf64_Phdr *ph, unsigned nph, uint64_t va,
                          uint64_t n, const char *what)
{
    for (unsigned i = 0; i < nph; i++)
        if (ph[i].p_type == PT_LOAD && va >= ph[i].p_vaddr && va - ph[i].p_vaddr <= ph[i].p_filesz &&
            n <= ph[i].p_filesz - (va - ph[i].p_vaddr))
            return ph[i].p_offset + (va - ph[i].p_vaddr);
    die("the shared object is malformed: its %s is not in a loaded segment", what);
}

#define ALIGN_UP(x, a) (((x) + (a) - 1) / (a) * (a))

/* The section headers, and how many (0: none, or not of this ELF class). */
static const Elf64_Shdr *section_headers(const struct elf *e, unsigned *n)
{
    *n = 0;
    if (!e->eh->e_shoff || e->eh->e_shentsize != sizeof(Elf64_Shdr))
        return NULL;
    *n = e->eh->e_shnum;
    return at(e, e->eh->e_shoff, (uint64_t)*n * sizeof(Elf64_Shdr), "section headers");
}

/* How many bytes at the start of the image nothing uses at run time: the
 * pages before the first segment after the one at 0, if every section
 * there is the dynamic linker's (hash tables, dynamic symbols and strings,
 * relocations, notes) and that segment is read-only: ld -z separate-code
 * puts those first. This tool reads them; the loader never does, so the
 * package leaves them out (a quarter of a large package: its relocation
 * table), and every address in it is taken that much lower. 0 if anything
 * else lies there. */
static uint64_t dynamic_linking_only(const struct elf *e, const Elf64_Phdr *ph, unsigned nph)
{
    uint64_t skip = UINT64_MAX;
    for (unsigned i = 0; i < nph; i++) {
        if (ph[i].p_type != PT_LOAD)
            continue;
        if (ph[i].p_vaddr == 0 && (ph[i].p_flags & (PF_W | PF_X)))
            return 0;
        if (ph[i].p_vaddr >= ATH_PKG_PAGE && ph[i].p_vaddr / ATH_PKG_PAGE * ATH_PKG_PAGE < skip)
            skip = ph[i].p_vaddr / ATH_PKG_PAGE * ATH_PKG_PAGE;
    }
    unsigned nsh;
    const Elf64_Shdr *sh = section_headers(e, &nsh);
    if (skip == UINT64_MAX || !sh)
        return 0;
    for (unsigned i = 0; i < nsh; i++) {
        if (!(sh[i].sh_flags & SHF_ALLOC) || sh[i].sh_addr >= skip)
            continue;
        switch (sh[i].sh_type) {
        case SHT_HASH: case SHT_GNU_HASH: case SHT_DYNSYM: case SHT_STRTAB: case SHT_RELA: case SHT_REL:
        case SHT_NOTE:
            break;
        default:
            return 0;
        }
    }
    return skip;
}

struct imports {
    char  *names; /* NUL-terminated, one after another */
    size_t len;
    unsigned n;
};

static unsigned import_index(struct imports *im, const char *name)
{
    size_t off = 0;
    for (unsigned i = 0; i < im->n; i++) {
        if (strcmp(im->names + off, name) == 0)
            return i;
        off += strlen(im->names + off) + 1;
    }
    if (im->n == ATH_PKG_IMPORTS_MAX)
        die("more than %u imports", ATH_PKG_IMPORTS_MAX);
    size_t l = strlen(name) + 1;
    im->names = realloc(im->names, im->len + l);
    memcpy(im->names + im->len, name, l);
    im->len += l;
    return im->n++;
}

/* The functions of the code, for the kernel's trap reports (pkg.h): the
 * wasm functions among the function symbols of the object's full symbol
 * table (.symtab; its dynamic one has only what is exported), by address,
 * each name without wasm2c's "w2c_app_". Returns how many; the table and
 * the names go to *out, one block of *len bytes (names at *names_at). */
struct sym_sort {
    uint32_t off, size;
    const char *name;
};

static int cmp_sym(const void *a, const void *b)
{
    const struct sym_sort *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

#define WASM_PREFIX "w2c_app_"

static size_t code_symbols(const struct elf *e, const unsigned char *prot, unsigned npages, uint64_t skip,
                           unsigned char **out, size_t *len, size_t *names_at)
{
    *out = NULL, *len = 0, *names_at = 0;
    unsigned nsh;
    const Elf64_Shdr *sh = section_headers(e, &nsh);
    for (unsigned i = 0; i < nsh; i++) {
        if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= nsh || sh[i].sh_entsize != sizeof(Elf64_Sym))
            continue;
        const Elf64_Sym *sy = at(e, sh[i].sh_offset, sh[i].sh_size, "symbol table");
        const Elf64_Shdr *st = &sh[sh[i].sh_link];
        const char *names = at(e, st->sh_offset, st->sh_size, "string table");
        size_t n = sh[i].sh_size / sizeof *sy, k = 0, nlen = 0, plen = strlen(WASM_PREFIX);
        struct sym_sort *tmp = calloc(n ? n : 1, sizeof *tmp);
        for (size_t j = 0; j < n; j++) {
            uint64_t v = sy[j].st_value, z = sy[j].st_size;
            const char *nm = sy[j].st_name < st->sh_size &&
                             memchr(names + sy[j].st_name, 0, st->sh_size - sy[j].st_name) ? names + sy[j].st_name : "";
            if (ELF64_ST_TYPE(sy[j].st_info) != STT_FUNC || sy[j].st_shndx == SHN_UNDEF || v < skip || !z ||
                (v + z - 1) / ATH_PKG_PAGE >= npages || prot[v / ATH_PKG_PAGE] != ATH_PKG_RX ||
                prot[(v + z - 1) / ATH_PKG_PAGE] != ATH_PKG_RX || strncmp(nm, WASM_PREFIX, plen) != 0 || !nm[plen])
                continue;
            tmp[k++] = (struct sym_sort){ (uint32_t)(v - skip), (uint32_t)z, nm + plen };
            nlen += strlen(nm + plen) + 1;
        }
        qsort(tmp, k, sizeof *tmp, cmp_sym);
        size_t kept = 0; /* apart: an alias of a function names it once */
        for (size_t j = 0; j < k; j++)
            if (!kept || tmp[j].off >= tmp[kept - 1].off + tmp[kept - 1].size)
                tmp[kept++] = tmp[j];
        if (kept > ATH_PKG_SYMS_MAX)
            die("%zu functions, more than a package may name", kept);
        *names_at = kept * sizeof(struct ath_pkg_sym);
        *out = calloc(1, *names_at + nlen + 1);
        size_t at_name = 0;
        for (size_t j = 0; j < kept; j++) {
            size_t l = strlen(tmp[j].name) + 1;
            struct ath_pkg_sym y = { tmp[j].off, tmp[j].size, (uint32_t)at_name };
            memcpy(*out + j * sizeof y, &y, sizeof y);
            memcpy(*out + *names_at + at_name, tmp[j].name, l);
            at_name += l;
        }
        *len = *names_at + at_name;
        free(tmp);
        return kept;
    }
    return 0;
}

static int cmp_reloc(const void *a, const void *b)
{
    const struct ath_pkg_reloc *x = a, *y = b;
    return x->where < y->where ? -1 : x->where > y->where;
}

static bool name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= ATH_PKG_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!ath_pkg_name_char(name[i]))
            return false;
    return true;
}

static int cmd_pack(char **argv)
{
    const char *in = argv[0], *out = argv[1], *name = argv[2], *wasm = argv[3];
    char *end;
    unsigned long pages = strtoul(argv[4], &end, 10);
    if (*end || pages == 0 || pages > 65536)
        die("pages: want 1..65536, not \"%s\"", argv[4]);
    if (!name_ok(name))
        die("name \"%s\": want 1..%u characters of a-z 0-9 _ -", name, ATH_PKG_NAME_MAX - 1);
    struct ath_pkg_header h;
    memset(&h, 0, sizeof h);
    if (!unhex(h.runtime_id, argv[5], sizeof h.runtime_id))
        die("runtime id: want 64 hex digits");
    struct exports ex;
    load_exports(argv[6], &ex);

    struct elf e;
    e.buf = read_file(in, &e.len);
    e.eh = at(&e, 0, sizeof(Elf64_Ehdr), "ELF header");
    if (memcmp(e.eh->e_ident, ELFMAG, SELFMAG) != 0 || e.eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        e.eh->e_machine != EM_X86_64 || e.eh->e_type != ET_DYN)
        die("%s: not an x86-64 shared object", in);
    const Elf64_Phdr *ph = at(&e, e.eh->e_phoff, (uint64_t)e.eh->e_phnum * sizeof *ph, "program headers");
    unsigned nph = e.eh->e_phnum;

    /* The image: every loaded segment at its address, from 0. */
    uint64_t image_size = 0, image_file = 0;
    const Elf64_Phdr *dyn = NULL, *relro = NULL;
    for (unsigned i = 0; i < nph; i++) {
        if (ph[i].p_type == PT_TLS)
            die("%s: uses thread-local storage, which packages cannot have", in);
        if (ph[i].p_type == PT_INTERP)
            die("%s: asks for a dynamic linker", in);
        if (ph[i].p_type == PT_DYNAMIC)
            dyn = &ph[i];
        if (ph[i].p_type == PT_GNU_RELRO)
            relro = &ph[i];
        if (ph[i].p_type != PT_LOAD)
            continue;
        if (ph[i].p_vaddr % ATH_PKG_PAGE != ph[i].p_offset % ATH_PKG_PAGE)
            die("%s: a segment's address and file offset disagree modulo the page size", in);
        if ((ph[i].p_flags & PF_W) && (ph[i].p_flags & PF_X))
            die("%s: a segment is writable and executable", in);
        at(&e, ph[i].p_offset, ph[i].p_filesz, "segment");
        image_size = ph[i].p_vaddr + ph[i].p_memsz > image_size ? ph[i].p_vaddr + ph[i].p_memsz : image_size;
        if (ph[i].p_filesz)
            image_file = ph[i].p_vaddr + ph[i].p_filesz > image_file ? ph[i].p_vaddr + ph[i].p_filesz : image_file;
    }
    image_size = ALIGN_UP(image_size, ATH_PKG_PAGE);
    image_file = ALIGN_UP(image_file, ATH_PKG_PAGE);
    if (!dyn)
        die("%s: no dynamic section", in);
    if (image_size > ATH_PKG_IMAGE_MAX)
        die("%s: %llu bytes of image, more than a package may have (%u)", in,
            (unsigned long long)image_size, ATH_PKG_IMAGE_MAX);
    unsigned char *image = calloc(1, image_size ? image_size : 1);
    for (unsigned i = 0; i < nph; i++)
        if (ph[i].p_type == PT_LOAD)
            memcpy(image + ph[i].p_vaddr, e.buf + ph[i].p_offset, ph[i].p_filesz);
    uint64_t skip = dynamic_linking_only(&e, ph, nph);

    /* Segments, page by page: RX where code is, RW where data is, R
     * elsewhere. Segments need not start on a page (ld packs data after
     * read-only bytes), but code never shares a page with anything else
     * (-z separate-code). A page whose writable bytes all lie in the part
     * the linker marked read-only after relocation (RELRO) becomes R. */
    unsigned npages = (unsigned)(image_size / ATH_PKG_PAGE);
    unsigned char *prot = malloc(npages ? npages : 1);
    bool *rw_outside_relro = calloc(npages ? npages : 1, sizeof *rw_outside_relro);
    memset(prot, ATH_PKG_R, npages);
    for (unsigned i = 0; i < nph; i++) {
        if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
            continue;
        unsigned p = ph[i].p_flags & PF_X ? ATH_PKG_RX : ph[i].p_flags & PF_W ? ATH_PKG_RW : ATH_PKG_R;
        uint64_t lo = ph[i].p_vaddr, hi = ph[i].p_vaddr + ph[i].p_memsz;
        for (uint64_t a = lo / ATH_PKG_PAGE * ATH_PKG_PAGE; a < hi; a += ATH_PKG_PAGE) {
            unsigned char *q = &prot[a / ATH_PKG_PAGE];
            bool shared = *q != ATH_PKG_R || a < lo;
            if (p == ATH_PKG_RX && shared && *q != ATH_PKG_RX)
                die("%s: code shares a page with data (link with -z separate-code)", in);
            if (*q == ATH_PKG_RX && p != ATH_PKG_RX)
                die("%s: code shares a page with data (link with -z separate-code)", in);
            if (p != ATH_PKG_R)
                *q = (unsigned char)p;
            if (p == ATH_PKG_RW) {
                uint64_t b0 = a > lo ? a : lo, b1 = a + ATH_PKG_PAGE < hi ? a + ATH_PKG_PAGE : hi;
                if (!relro || b0 < relro->p_vaddr || b1 > relro->p_vaddr + relro->p_memsz)
                    rw_outside_relro[a / ATH_PKG_PAGE] = true;
            }
        }
    }
    for (unsigned p = 0; p < npages; p++)
        if (prot[p] == ATH_PKG_RW && !rw_outside_relro[p])
            prot[p] = ATH_PKG_R;
    uint32_t code_bytes = 0;
    for (unsigned p = (unsigned)(skip / ATH_PKG_PAGE); p < npages;) {
        unsigned q = p;
        while (q < npages && prot[q] == prot[p])
            q++;
        if (h.nsegs == ATH_PKG_MAX_SEGS)
            die("%s: more than %u runs of protections", in, ATH_PKG_MAX_SEGS);
        h.seg[h.nsegs++] = (struct ath_pkg_seg){ p * ATH_PKG_PAGE - (uint32_t)skip, (q - p) * ATH_PKG_PAGE, prot[p], 0 };
        if (prot[p] == ATH_PKG_RX)
            code_bytes += (q - p) * ATH_PKG_PAGE;
        p = q;
    }

    /* The dynamic section: relocation tables and symbols. */
    const Elf64_Dyn *d = at(&e, dyn->p_offset, dyn->p_filesz, "dynamic section");
    uint64_t rela = 0, relasz = 0, jmprel = 0, pltrelsz = 0, symtab = 0, strtab = 0, strsz = 0;
    for (size_t i = 0; i < dyn->p_filesz / sizeof *d && d[i].d_tag != DT_NULL; i++) {
        switch (d[i].d_tag) {
        case DT_RELA: rela = d[i].d_un.d_ptr; break;
        case DT_RELASZ: relasz = d[i].d_un.d_val; break;
        case DT_JMPREL: jmprel = d[i].d_un.d_ptr; break;
        case DT_PLTRELSZ: pltrelsz = d[i].d_un.d_val; break;
        case DT_SYMTAB: symtab = d[i].d_un.d_ptr; break;
        case DT_STRTAB: strtab = d[i].d_un.d_ptr; break;
        case DT_STRSZ: strsz = d[i].d_un.d_val; break;
        case DT_NEEDED: die("%s: needs a shared library; packages link only against the kernel", in);
        case DT_INIT: case DT_INIT_ARRAY: case DT_FINI: case DT_FINI_ARRAY: case DT_PREINIT_ARRAY:
            die("%s: has constructors or destructors, which the loader does not run", in);
        case DT_TEXTREL: die("%s: has relocations in its code (compile with -fPIC)", in);
        default: break;
        }
    }
    if (!symtab || !strtab)
        die("%s: no dynamic symbols", in);
    const char *strs = at(&e, vaddr_off(&e, ph, nph, strtab, strsz, "string table"), strsz, "string table");
    uint64_t symoff = vaddr_off(&e, ph, nph, symtab, sizeof(Elf64_Sym), "symbol table");
    /* The dynamic symbol table has no size of its own: it ends where the
     * string table begins (ld puts .dynsym before .dynstr). */
    size_t nsyms = strtab > symtab ? (strtab - symtab) / sizeof(Elf64_Sym) : 0;
    const Elf64_Sym *syms = at(&e, symoff, nsyms * sizeof(Elf64_Sym), "symbol table");

    struct imports im = { NULL, 0, 0 };
    size_t nrel = (relasz + pltrelsz) / sizeof(Elf64_Rela);
    if (nrel > ATH_PKG_RELOCS_MAX)
        die("%s: %zu relocations, more than a package may have", in, nrel);
    struct ath_pkg_reloc *rel = calloc(nrel ? nrel : 1, sizeof *rel);
    size_t nout = 0;
    uint64_t tables[2][2] = { { rela, relasz }, { jmprel, pltrelsz } };
    int missing = 0;
    for (int t = 0; t < 2; t++) {
        if (!tables[t][1])
            continue;
        const Elf64_Rela *r = at(&e, vaddr_off(&e, ph, nph, tables[t][0], tables[t][1], "relocations"),
                                 tables[t][1], "relocations");
        for (size_t i = 0; i < tables[t][1] / sizeof *r; i++) {
            uint32_t type = ELF64_R_TYPE(r[i].r_info), s = ELF64_R_SYM(r[i].r_info);
            if (type == R_X86_64_NONE)
                continue;
            if (r[i].r_offset % 8 || r[i].r_offset + 8 > image_size)
                die("%s: a relocation at 0x%llx is misaligned or outside the image", in,
                    (unsigned long long)r[i].r_offset);
            if (prot[r[i].r_offset / ATH_PKG_PAGE] == ATH_PKG_RX)
                die("%s: a relocation at 0x%llx writes code (compile with -fPIC)", in,
                    (unsigned long long)r[i].r_offset);
            if (r[i].r_offset < skip)
                die("%s: a relocation at 0x%llx writes the dynamic linking tables", in,
                    (unsigned long long)r[i].r_offset);
            struct ath_pkg_reloc o = { (uint32_t)(r[i].r_offset - skip), 0, 0, 0 };
            if (type == R_X86_64_RELATIVE) {
                o.kind = ATH_PKG_REL_RELATIVE;
                o.addend = r[i].r_addend;
            } else if (type == R_X86_64_64 || type == R_X86_64_GLOB_DAT || type == R_X86_64_JUMP_SLOT) {
                if (s >= nsyms || syms[s].st_name >= strsz)
                    die("%s: a relocation names a symbol that is not there", in);
                const char *sn = strs + syms[s].st_name;
                int64_t add = type == R_X86_64_64 ? r[i].r_addend : 0;
                if (syms[s].st_shndx != SHN_UNDEF) {
                    o.kind = ATH_PKG_REL_RELATIVE;
                    o.addend = (int64_t)syms[s].st_value + add;
                } else {
                    if (!exported(&ex, sn)) {
                        fprintf(stderr, "%s: %s uses %s, which the kernel does not export to packages\n",
                                prog, in, sn);
                        missing++;
                    }
                    o.kind = ATH_PKG_REL_IMPORT;
                    o.sym = (uint16_t)import_index(&im, sn);
                    o.addend = add;
                }
            } else {
                die("%s: relocation type %u at 0x%llx, which the loader does not do", in, type,
                    (unsigned long long)r[i].r_offset);
            }
            if (o.kind == ATH_PKG_REL_RELATIVE) {
                /* An address in the image: the image starts skip bytes later now. */
                if (o.addend < (int64_t)skip)
                    die("%s: a relocation at 0x%llx points into the dynamic linking tables", in,
                        (unsigned long long)r[i].r_offset);
                o.addend -= (int64_t)skip;
            }
            rel[nout++] = o;
        }
    }
    if (missing)
        die("%s: %d symbol(s) the kernel does not export (see docs/apps.md)", in, missing);
    qsort(rel, nout, sizeof *rel, cmp_reloc);

    /* Relative relocations whose addend fits the place are packed (pkg.h):
     * the place holds the addend, the list only where. The rest (imports)
     * stay in the table. */
    uint64_t *relr = calloc(nout + 1, sizeof *relr), *places = calloc(nout + 1, sizeof *places);
    size_t nrelr = 0, nkept = 0, nplaces = 0;
    for (size_t i = 0; i < nout; i++) {
        if (rel[i].kind != ATH_PKG_REL_RELATIVE || rel[i].addend < 0) {
            rel[nkept++] = rel[i];
            continue;
        }
        uint64_t add = (uint64_t)rel[i].addend;
        memcpy(image + skip + rel[i].where, &add, 8);
        places[nplaces++] = rel[i].where; /* sorted, 8-aligned, distinct */
    }
    for (size_t i = 0; i < nplaces;) {
        relr[nrelr++] = places[i]; /* an address */
        uint64_t where = places[i++] + 8;
        for (;;) { /* then bitmaps while places lie within their reach */
            uint64_t bits = 0;
            while (i < nplaces && places[i] - where < 63 * 8)
                bits |= 1ull << ((places[i++] - where) / 8 + 1);
            if (!bits)
                break;
            relr[nrelr++] = bits | 1;
            where += 63 * 8;
        }
    }

    /* Its self-description: the one symbol a package exports. */
    uint64_t entry = 0;
    for (size_t i = 1; i < nsyms; i++)
        if (syms[i].st_name < strsz && strcmp(strs + syms[i].st_name, "azoth_pkg_entry") == 0 &&
            syms[i].st_shndx != SHN_UNDEF)
            entry = syms[i].st_value;
    if (!entry || entry < skip || entry + sizeof(struct ath_pkg_entry) > image_size)
        die("%s: no azoth_pkg_entry (the package glue of tools/wasm2kernel.sh)", in);
    entry -= skip;

    /* The function names, in pages of their own after the image (a
     * read-only segment): the bss before them is in the file then. */
    unsigned char *ftab;
    size_t ftab_len, names_at, nfuncs = code_symbols(&e, prot, npages, skip, &ftab, &ftab_len, &names_at);
    if (nfuncs) {
        uint64_t tab = image_size - skip, grown = ALIGN_UP(tab + ftab_len, ATH_PKG_PAGE) - tab;
        if (image_size + grown - skip > ATH_PKG_IMAGE_MAX)
            die("%s: its image and function names are more than a package may have", in);
        unsigned char *bigger = realloc(image, image_size + grown);
        if (!bigger)
            die("out of memory");
        image = bigger;
        memset(image + image_size, 0, grown);
        memcpy(image + image_size, ftab, ftab_len);
        struct ath_pkg_seg *lastseg = &h.seg[h.nsegs - 1];
        if (lastseg->prot == ATH_PKG_R)
            lastseg->size += (uint32_t)grown;
        else if (h.nsegs < ATH_PKG_MAX_SEGS)
            h.seg[h.nsegs++] = (struct ath_pkg_seg){ (uint32_t)tab, (uint32_t)grown, ATH_PKG_R, 0 };
        else
            die("%s: more than %u runs of protections", in, ATH_PKG_MAX_SEGS);
        h.syms_off = (uint32_t)tab;
        h.nsyms = (uint32_t)nfuncs;
        h.strs_off = (uint32_t)(tab + names_at);
        h.strs_len = (uint32_t)(ftab_len - names_at);
        image_size += grown;
        image_file = image_size;
    }
    free(ftab);

    /* The .wasm it came from. */
    size_t wlen;
    unsigned char *w = read_file(wasm, &wlen);
    crypto_hash_sha256(h.wasm_sha256, w, wlen);
    free(w);

    memcpy(h.magic, ATH_PKG_MAGIC, 8);
    h.version = ATH_PKG_VERSION;
    h.header_size = sizeof h;
    strncpy(h.name, name, sizeof h.name - 1);
    /* The tables after the header, the signature, then the image, from a
     * page boundary to the end (pkg.h). */
    h.image_file = (uint32_t)(image_file - skip);
    h.image_size = (uint32_t)(image_size - skip);
    h.relocs_off = (uint32_t)ALIGN_UP(sizeof h, 8);
    h.nrelocs = (uint32_t)nkept;
    h.relr_off = h.relocs_off + (uint32_t)(nkept * sizeof *rel);
    h.nrelr = (uint32_t)nrelr;
    h.imports_off = h.relr_off + (uint32_t)(nrelr * 8);
    h.imports_len = (uint32_t)im.len;
    h.nimports = im.n;
    h.entry_off = (uint32_t)entry;
    h.max_pages = (uint32_t)pages;
    h.code_bytes = code_bytes;
    uint64_t tables_end = ALIGN_UP((uint64_t)h.imports_off + h.imports_len, 8) + ATH_PKG_SIG_LEN;
    if (tables_end > ATH_PKG_FILE_MAX)
        die("%s: its tables come to %llu bytes", in, (unsigned long long)tables_end);
    h.image_off = (uint32_t)ALIGN_UP(tables_end, ATH_PKG_PAGE);
    uint64_t size = (uint64_t)h.image_off + h.image_file;
    if (size > ATH_PKG_FILE_MAX)
        die("%s: the package would be %llu bytes, more than %u", in, (unsigned long long)size,
            ATH_PKG_FILE_MAX);
    h.file_size = size;
    unsigned char *pkg = calloc(1, size);
    memcpy(pkg, &h, sizeof h);
    memcpy(pkg + h.image_off, image + skip, image_file - skip);
    memcpy(pkg + h.relocs_off, rel, nkept * sizeof *rel);
    memcpy(pkg + h.relr_off, relr, nrelr * 8);
    memcpy(pkg + h.imports_off, im.names, im.len);
    write_file(out, pkg, size, 0644);
    return 0;
}

/* ---- sign, show, check ---------------------------------------------------- */

/* What is signed: the context string, then the BLAKE3 hash of the
 * package without its signature (which lies just before the image). */
static void signed_message(unsigned char msg[48], const unsigned char *pkg, size_t len,
                           const struct ath_pkg_header *h)
{
    memcpy(msg, ATH_PKG_SIG_CONTEXT, 16);
    blake3_hasher b;
    blake3_hasher_init(&b);
    blake3_hasher_update(&b, pkg, h->image_off - ATH_PKG_SIG_LEN);
    blake3_hasher_update(&b, pkg + h->image_off, len - h->image_off);
    blake3_hasher_finalize(&b, msg + 16, 32);
}

static struct ath_pkg_header *header_of(unsigned char *pkg, size_t len, const char *path)
{
    if (len < sizeof(struct ath_pkg_header) + ATH_PKG_SIG_LEN)
        die("%s: too short to be a package", path);
    struct ath_pkg_header *h = (struct ath_pkg_header *)pkg;
    if (memcmp(h->magic, ATH_PKG_MAGIC, 8) != 0)
        die("%s: not a package", path);
    if (h->file_size != len)
        die("%s: %zu bytes, but its header says %llu", path, len, (unsigned long long)h->file_size);
    if (h->version != ATH_PKG_VERSION)
        die("%s: format version %u; this tool makes %u", path, h->version, ATH_PKG_VERSION);
    if (h->image_off % ATH_PKG_PAGE || h->image_off < sizeof *h + ATH_PKG_SIG_LEN || h->image_off > len)
        die("%s: its image (at %u) does not lie in the file", path, h->image_off);
    return h;
}

static int cmd_sign(const char *path, const char *dir)
{
    size_t len;
    unsigned char *pkg = read_file(path, &len);
    struct ath_pkg_header *h = header_of(pkg, len, path);
    struct keys k;
    load_keys(dir, &k, true);
    key_id(h->key_id, k.pk);
    unsigned char msg[48];
    signed_message(msg, pkg, len, h);
    crypto_sign_ed25519_detached(pkg + h->image_off - ATH_PKG_SIG_LEN, NULL, msg, sizeof msg, k.sk);
    memset(&k, 0, sizeof k);
    write_file(path, pkg, len, 0644);
    return 0;
}

static int cmd_show(const char *path)
{
    size_t len;
    unsigned char *pkg = read_file(path, &len);
    struct ath_pkg_header *h = header_of(pkg, len, path);
    char x[65];
    printf("name        %.*s\n", (int)sizeof h->name, h->name);
    printf("version     %u\n", h->version);
    printf("size        %llu bytes\n", (unsigned long long)h->file_size);
    hex(x, h->wasm_sha256, 32);
    printf("wasm        sha256:%s\n", x);
    hex(x, h->runtime_id, 32);
    printf("runtime     %s\n", x);
    hex(x, h->key_id, 8);
    printf("signed by   %s\n", x);
    printf("image       %u bytes (%u in the file), code %u bytes\n", h->image_size, h->image_file,
           h->code_bytes);
    static const char *const pn[] = { "?", "r", "rw", "rx" };
    for (unsigned i = 0; i < h->nsegs && i < ATH_PKG_MAX_SEGS; i++)
        printf("segment     %08x-%08x %s\n", h->seg[i].off, h->seg[i].off + h->seg[i].size,
               h->seg[i].prot < 4 ? pn[h->seg[i].prot] : "?");
    printf("relocations %u, and %u words of packed ones\n", h->nrelocs, h->nrelr);
    printf("functions   %u named (%u bytes of names)\n", h->nsyms, h->strs_len);
    printf("imports     %u\n", h->nimports);
    printf("memory      at most %u pages of 64 KiB\n", h->max_pages);
    return 0;
}

static int cmd_check(const char *path, const char *dir)
{
    size_t len;
    unsigned char *pkg = read_file(path, &len);
    struct ath_pkg_header *h = header_of(pkg, len, path);
    struct keys k;
    load_keys(dir, &k, false);
    unsigned char msg[48];
    signed_message(msg, pkg, len, h);
    if (crypto_sign_ed25519_verify_detached(pkg + h->image_off - ATH_PKG_SIG_LEN, msg, sizeof msg, k.pk) != 0)
        die("%s: the signature does not verify against %s/package.pub", path, dir);
    printf("%s: signed by this build's key\n", path);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "keygen") == 0)
        return cmd_keygen(argv[2]);
    if (argc == 4 && strcmp(argv[1], "pubkey-c") == 0)
        return cmd_pubkey_c(argv[2], argv[3]);
    if (argc == 9 && strcmp(argv[1], "pack") == 0)
        return cmd_pack(argv + 2);
    if (argc == 4 && strcmp(argv[1], "sign") == 0)
        return cmd_sign(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "show") == 0)
        return cmd_show(argv[2]);
    if (argc == 4 && strcmp(argv[1], "check") == 0)
        return cmd_check(argv[2], argv[3]);
    fprintf(stderr, "usage: %s keygen KEYDIR | pubkey-c KEYDIR OUT.c | pack IN.so OUT NAME WASM PAGES "
                    "RUNTIME-ID EXPORTS | sign PKG KEYDIR | show PKG | check PKG KEYDIR\n",
            prog);
    return 2;
}
