/* Loading a package (athanor/load.h). Decode: the signature first, over the
 * whole file; then every field of the header, every relocation and every
 * import name, against the file's own bounds and the kernel's exports.
 * Invoke: relocate the image where it lies in the kernel's copy of the
 * file (the copy is the image's memory: pkg.h), protect it W^X, and read
 * its entry. Nothing of the package runs here.
 *
 * A signed package was made by this build's own tools, so a field out of
 * range means a bug or a package built for another format: it is refused all
 * the same, with a message naming the field, before anything is mapped.
 *
 * Locking: pkg_lock protects every package's refs and the list of loaded
 * packages (pkg_by_pc). */
#include <athanor/errors.h>
#include <athanor/heap.h>
#include <athanor/klib.h>
#include <athanor/load.h>
#include <athanor/spinlock.h>

static spinlock_t   pkg_lock = SPINLOCK_INIT;
#define PKG_LOADED_MAX 256
static struct pkg  *loaded[PKG_LOADED_MAX];

/* What decode hands to invoke: every offset checked against the file. */
struct pkg_checked {
    struct ath_pkg_header       h;       /* a copy: the file need not be aligned */
    const uint8_t              *image;   /* file + image_off */
    const uint8_t              *relocs;  /* file + relocs_off, nrelocs * 16 bytes */
    const uint8_t              *relr;    /* file + relr_off, nrelr * 8 bytes */
    const void                **imports; /* nimports resolved addresses (kmalloc'd) */
};

int load_refuse(int err, char *why, size_t why_len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(why, why_len, fmt, ap);
    va_end(ap);
    return err;
}

/* [off, off + len) inside [lo, hi)? 64-bit: no wrap for 32-bit inputs. */
static bool inside(uint64_t off, uint64_t len, uint64_t lo, uint64_t hi)
{
    return off >= lo && off <= hi && len <= hi - off;
}

static bool name_ok(const char *n)
{
    size_t i = 0;
    for (; i < ATH_PKG_NAME_MAX && n[i]; i++)
        if (!ath_pkg_name_char(n[i]))
            return false;
    if (i == 0 || i == ATH_PKG_NAME_MAX)
        return false;
    for (; i < ATH_PKG_NAME_MAX; i++) /* NUL-padded: nothing hides after the name */
        if (n[i])
            return false;
    return true;
}

static const struct ath_pkg_seg *seg_of(const struct ath_pkg_header *h, uint64_t off)
{
    for (uint32_t i = 0; i < h->nsegs; i++)
        if (off >= h->seg[i].off && off - h->seg[i].off < h->seg[i].size)
            return &h->seg[i];
    return NULL;
}

/* ---- decode ---------------------------------------------------------------- */

static int check_signature(const uint8_t *file, size_t len, char *why, size_t wl)
{
    if (len < sizeof(struct ath_pkg_header) + ATH_PKG_SIG_LEN)
        return load_refuse(-ATH_EBADPKG, why, wl, "%zu bytes: too short to be a package", len);
    if (len > ATH_PKG_FILE_MAX)
        return load_refuse(-ATH_EBADPKG, why, wl, "%zu bytes: larger than a package may be (%u)", len,
                      ATH_PKG_FILE_MAX);
    struct ath_pkg_header h;
    memcpy(&h, file, sizeof h);
    if (memcmp(h.magic, ATH_PKG_MAGIC, 8) != 0)
        return load_refuse(-ATH_EBADPKG, why, wl, "not a package (no %s at its start)", ATH_PKG_MAGIC);
    if (h.file_size != len)
        return load_refuse(-ATH_EBADPKG, why, wl, "%zu bytes, but its header says %llu (truncated?)", len,
                      (unsigned long long)h.file_size);
    /* The version says where the signature is: read before it is checked
     * (a changed version fails the signature all the same). */
    if (h.version != ATH_PKG_VERSION)
        return load_refuse(-ATH_EBADPKG, why, wl, "format version %u; this kernel reads %u: rebuild it",
                           h.version, ATH_PKG_VERSION);
    if (h.image_off % ATH_PKG_PAGE || h.image_off < sizeof h + ATH_PKG_SIG_LEN || h.image_off > len)
        return load_refuse(-ATH_EBADPKG, why, wl, "its image (at %u) does not lie in the file", h.image_off);
    static const uint8_t zero[ATH_PKG_SIG_LEN];
    size_t sig_off = h.image_off - ATH_PKG_SIG_LEN;
    const uint8_t *sig = file + sig_off;
    if (memcmp(sig, zero, sizeof zero) == 0)
        return load_refuse(-ATH_EBADSIG, why, wl, "not signed");
    if (!pkg_signature_ok(file, sig_off, file + h.image_off, len - h.image_off, sig)) {
        if (memcmp(h.key_id, pkg_key_id, sizeof h.key_id) != 0)
            return load_refuse(-ATH_EBADSIG, why, wl,
                          "signed with a key this kernel does not trust (key %02x%02x%02x%02x…)",
                          h.key_id[0], h.key_id[1], h.key_id[2], h.key_id[3]);
        return load_refuse(-ATH_EBADSIG, why, wl, "its signature does not match its contents (changed since it was signed)");
    }
    return 0;
}

static int check_header(const uint8_t *file, size_t len, size_t mem, struct pkg_checked *c, char *why,
                        size_t wl)
{
    struct ath_pkg_header *h = &c->h;
    memcpy(h, file, sizeof *h);
    uint64_t end = h->image_off - ATH_PKG_SIG_LEN; /* the tables end where the signature starts */
    if (h->header_size != sizeof *h)
        return load_refuse(-ATH_EBADPKG, why, wl, "header of %u bytes, not %zu", h->header_size, sizeof *h);
    if (!name_ok(h->name))
        return load_refuse(-ATH_EBADPKG, why, wl, "its name is not 1-%u characters of a-z 0-9 _ -",
                      ATH_PKG_NAME_MAX - 1);
    if (memcmp(h->runtime_id, pkg_runtime_id, sizeof h->runtime_id) != 0)
        return load_refuse(-ATH_ENOEXEC, why, wl,
                      "built for another kernel runtime (runtime %02x%02x%02x%02x…, this kernel's "
                      "%02x%02x%02x%02x…): rebuild it",
                      h->runtime_id[0], h->runtime_id[1], h->runtime_id[2], h->runtime_id[3],
                      pkg_runtime_id[0], pkg_runtime_id[1], pkg_runtime_id[2], pkg_runtime_id[3]);
    /* The image: the rest of the file, page-aligned (check_signature
     * checked image_off), its bss inside the copy. */
    if ((uint64_t)h->image_off + h->image_file != len || h->image_file % ATH_PKG_PAGE)
        return load_refuse(-ATH_EBADPKG, why, wl, "its image (%u bytes at %u) is not the rest of the file",
                      h->image_file, h->image_off);
    if (h->image_size == 0 || h->image_size % ATH_PKG_PAGE || h->image_size > ATH_PKG_IMAGE_MAX ||
        h->image_size < h->image_file)
        return load_refuse(-ATH_EBADPKG, why, wl, "image size %u out of range", h->image_size);
    if ((uint64_t)h->image_off + h->image_size > mem)
        return load_refuse(-ATH_ENOMEM, why, wl, "its image (%u bytes) does not fit the %zu-byte copy made of it",
                           h->image_size, mem);
    /* Segments: in order, page multiples, covering the image exactly, each
     * with a known protection, at least one executable. */
    if (h->nsegs == 0 || h->nsegs > ATH_PKG_MAX_SEGS)
        return load_refuse(-ATH_EBADPKG, why, wl, "%u segments", h->nsegs);
    uint64_t at = 0;
    bool code = false;
    for (uint32_t i = 0; i < h->nsegs; i++) {
        const struct ath_pkg_seg *s = &h->seg[i];
        if (s->off != at || s->size == 0 || s->size % ATH_PKG_PAGE || s->size > h->image_size - at ||
            s->prot < ATH_PKG_R || s->prot > ATH_PKG_RX)
            return load_refuse(-ATH_EBADPKG, why, wl, "segment %u (%u bytes at %u, protection %u) out of range",
                          i, s->size, s->off, s->prot);
        code |= s->prot == ATH_PKG_RX;
        at += s->size;
    }
    if (at != h->image_size || !code)
        return load_refuse(-ATH_EBADPKG, why, wl, "its segments do not cover its image, or hold no code");
    /* Relocations and imports: inside the file, between the header and
     * the signature. */
    if (h->relocs_off % 8 || h->nrelocs > ATH_PKG_RELOCS_MAX ||
        !inside(h->relocs_off, (uint64_t)h->nrelocs * sizeof(struct ath_pkg_reloc), h->header_size, end))
        return load_refuse(-ATH_EBADPKG, why, wl, "its %u relocations do not lie in the file", h->nrelocs);
    if (h->relr_off % 8 || h->nrelr > ATH_PKG_RELOCS_MAX ||
        !inside(h->relr_off, (uint64_t)h->nrelr * 8, h->header_size, end))
        return load_refuse(-ATH_EBADPKG, why, wl, "its %u packed relocations do not lie in the file", h->nrelr);
    if (h->nimports > ATH_PKG_IMPORTS_MAX || !inside(h->imports_off, h->imports_len, h->header_size, end))
        return load_refuse(-ATH_EBADPKG, why, wl, "its %u imports do not lie in the file", h->nimports);
    if (h->max_pages == 0 || h->max_pages > 65536)
        return load_refuse(-ATH_EBADPKG, why, wl, "it asks for %u pages of memory (1-65536)", h->max_pages);
    /* Its entry: inside a segment that is not code, whole. */
    const struct ath_pkg_seg *es = seg_of(h, h->entry_off);
    if (h->entry_off % 8 || !es || es->prot == ATH_PKG_RX ||
        !inside(h->entry_off, sizeof(struct ath_pkg_entry), es->off, es->off + es->size))
        return load_refuse(-ATH_EBADPKG, why, wl, "its entry (at %u) is not in a data segment", h->entry_off);
    c->image = file + h->image_off;
    c->relocs = file + h->relocs_off;
    c->relr = file + h->relr_off;
    return 0;
}

/* The segment holding off, looked up from *last first (the checks walk
 * places that go up); NULL if none. */
static const struct ath_pkg_seg *seg_near(const struct ath_pkg_header *h, uint64_t off,
                                          const struct ath_pkg_seg **last)
{
    const struct ath_pkg_seg *s = *last;
    if (!s || off < s->off || off - s->off >= s->size)
        s = *last = off <= UINT32_MAX ? seg_of(h, (uint32_t)off) : NULL;
    return s;
}

/* Each 8 bytes a relocation writes: whole in one segment that is not code. */
static bool data_place(const struct ath_pkg_header *h, uint64_t where, const struct ath_pkg_seg **last)
{
    const struct ath_pkg_seg *s = seg_near(h, where, last);
    return where % 8 == 0 && s && s->prot != ATH_PKG_RX && where + 8 <= (uint64_t)s->off + s->size;
}

/* Each relocation writes 8 bytes of a data segment; each IMPORT names one
 * of the imports. */
static int check_relocs(struct pkg_checked *c, char *why, size_t wl)
{
    const struct ath_pkg_header *h = &c->h;
    const struct ath_pkg_seg *last = NULL;
    for (uint32_t i = 0; i < h->nrelocs; i++) {
        struct ath_pkg_reloc r;
        memcpy(&r, c->relocs + (size_t)i * sizeof r, sizeof r);
        if (!data_place(h, r.where, &last))
            return load_refuse(-ATH_EBADPKG, why, wl, "relocation %u writes outside its data (at %u)", i,
                          r.where);
        if (r.kind == ATH_PKG_REL_IMPORT ? r.sym >= h->nimports : r.kind != ATH_PKG_REL_RELATIVE)
            return load_refuse(-ATH_EBADPKG, why, wl, "relocation %u: kind %u, symbol %u", i, r.kind, r.sym);
    }
    return 0;
}

/* The packed relocations (pkg.h), place by place: the one reading of the
 * encoding, for the check and for the relocation itself. */
struct relr_walk {
    const uint8_t *words;
    uint32_t       n, i;    /* words, and the next to read */
    uint64_t       next;    /* where the next bitmap starts: after the last address or bitmap */
    uint64_t       base;    /* where the current bitmap starts */
    uint64_t       bits;    /* its places not given yet (bit b: base + 8 b) */
    bool           started; /* an address came: a bitmap may follow */
};

/* The next place: 1 and *place; 0 at the end; -1 for a bitmap before any
 * address. *word: the index of the word that gave it (for a message). */
static inline int relr_next(struct relr_walk *r, uint64_t *place, uint32_t *word)
{
    while (!r->bits) {
        if (r->i == r->n)
            return 0;
        uint64_t w;
        *word = r->i;
        memcpy(&w, r->words + (size_t)r->i++ * 8, 8);
        if (!(w & 1)) { /* an address */
            *place = w;
            r->next = w + 8;
            r->started = true;
            return 1;
        }
        if (!r->started)
            return -1;
        r->bits = w >> 1; /* a bitmap of the 63 places from next */
        r->base = r->next;
        r->next += 63 * 8;
    }
    unsigned b = (unsigned)__builtin_ctzll(r->bits);
    r->bits &= r->bits - 1;
    *place = r->base + (uint64_t)b * 8;
    return 1;
}

/* The packed relocations: each place inside data, a bitmap only after an
 * address. */
static int check_relr(struct pkg_checked *c, char *why, size_t wl)
{
    const struct ath_pkg_header *h = &c->h;
    const struct ath_pkg_seg *last = NULL;
    struct relr_walk r = { .words = c->relr, .n = h->nrelr };
    uint64_t place;
    uint32_t word = 0;
    int k;
    while ((k = relr_next(&r, &place, &word)) > 0)
        if (!data_place(h, place, &last))
            return load_refuse(-ATH_EBADPKG, why, wl, "packed relocation %u writes outside its data (at %llu)",
                               word, (unsigned long long)place);
    if (k < 0)
        return load_refuse(-ATH_EBADPKG, why, wl, "packed relocation %u: a bitmap before any address", word);
    return 0;
}

/* The function names (pkg.h): the table and the names inside one
 * read-only segment of the image's bytes in the file, the names ending with
 * a NUL; each function inside one executable segment, in order, apart, its
 * name inside the names. */
static int check_syms(struct pkg_checked *c, char *why, size_t wl)
{
    const struct ath_pkg_header *h = &c->h;
    if (!h->nsyms)
        return 0;
    const struct ath_pkg_seg *ts = seg_of(h, h->syms_off);
    uint64_t tab_len = (uint64_t)h->nsyms * sizeof(struct ath_pkg_sym);
    if (h->nsyms > ATH_PKG_SYMS_MAX || h->syms_off % 4 || !ts || ts->prot != ATH_PKG_R ||
        !inside(h->syms_off, tab_len, ts->off, ts->off + ts->size) ||
        !inside(h->strs_off, h->strs_len, ts->off, ts->off + ts->size) ||
        !inside(h->syms_off, tab_len, 0, h->image_file) || !inside(h->strs_off, h->strs_len, 0, h->image_file) ||
        h->strs_len == 0 || c->image[h->strs_off + h->strs_len - 1] != '\0')
        return load_refuse(-ATH_EBADPKG, why, wl, "its %u function names do not lie in a read-only segment",
                           h->nsyms);
    const struct ath_pkg_seg *last = NULL;
    uint64_t prev_end = 0;
    for (uint32_t i = 0; i < h->nsyms; i++) {
        struct ath_pkg_sym y;
        memcpy(&y, c->image + h->syms_off + (size_t)i * sizeof y, sizeof y);
        const struct ath_pkg_seg *s = seg_near(h, y.off, &last);
        if (y.off < prev_end || !s || s->prot != ATH_PKG_RX || y.size == 0 ||
            !inside(y.off, y.size, s->off, s->off + s->size) || y.name >= h->strs_len)
            return load_refuse(-ATH_EBADPKG, why, wl, "function name %u (at %u) out of order or outside its code",
                               i, y.off);
        prev_end = (uint64_t)y.off + y.size;
    }
    return 0;
}

/* Every import is a NUL-terminated name the kernel exports. */
static int check_imports(const uint8_t *file, struct pkg_checked *c, char *why, size_t wl)
{
    const struct ath_pkg_header *h = &c->h;
    c->imports = h->nimports ? kmalloc(h->nimports * sizeof *c->imports) : NULL;
    if (h->nimports && !c->imports)
        return load_refuse(-ATH_ENOMEM, why, wl, "no memory for its %u imports", h->nimports);
    const char *p = (const char *)file + h->imports_off, *end = p + h->imports_len;
    for (uint32_t i = 0; i < h->nimports; i++) {
        size_t n = 0;
        while (p + n < end && p[n])
            n++;
        if (p + n == end)
            return load_refuse(-ATH_EBADPKG, why, wl, "import %u runs past the end of its names", i);
        c->imports[i] = pkg_export(p, n);
        if (!c->imports[i])
            return load_refuse(-ATH_ENOEXEC, why, wl, "it uses %.*s, which this kernel does not export",
                          (int)(n > 60 ? 60 : n), p);
        p += n + 1;
    }
    if (p != end)
        return load_refuse(-ATH_EBADPKG, why, wl, "bytes after its last import's name");
    return 0;
}

static int decode(const uint8_t *file, size_t len, size_t mem, struct pkg_checked *c, uint64_t *verify_ns,
                  char *why, size_t wl)
{
    uint64_t t0 = plat_clock_ns();
    int r = check_signature(file, len, why, wl);
    *verify_ns = plat_clock_ns() - t0;
    if (!r)
        r = check_header(file, len, mem, c, why, wl);
    if (!r)
        r = check_relocs(c, why, wl);
    if (!r)
        r = check_relr(c, why, wl);
    if (!r)
        r = check_syms(c, why, wl);
    if (!r)
        r = check_imports(file, c, why, wl);
    return r;
}

/* ---- invoke ---------------------------------------------------------------- */

/* A function pointer of the entry: inside an executable segment. */
static bool code_ptr_ok(const struct pkg *p, const struct ath_pkg_header *h, uintptr_t fn, bool may_be_null)
{
    if (!fn)
        return may_be_null;
    if (fn < p->image_base)
        return false;
    const struct ath_pkg_seg *s = seg_of(h, fn - p->image_base);
    return s && s->prot == ATH_PKG_RX;
}

/* The image where it lies in the copy (the copy's pages, which
 * check_header checked hold it and its bss): relocated, its entry read,
 * protected. The copy stays read-write until the end, and p owns it only
 * once everything succeeded (the caller frees it otherwise). */
static int map(const struct pkg_checked *c, struct plat_code *copy, struct pkg *p, char *why,
               size_t wl)
{
    const struct ath_pkg_header *h = &c->h;
    p->image_base = copy->base + h->image_off;
    uint8_t *base = (uint8_t *)p->image_base;
    for (uint32_t i = 0; i < h->nrelocs; i++) {
        struct ath_pkg_reloc r;
        memcpy(&r, c->relocs + (size_t)i * sizeof r, sizeof r);
        uint64_t v = (r.kind == ATH_PKG_REL_RELATIVE ? (uint64_t)p->image_base
                                                     : (uint64_t)(uintptr_t)c->imports[r.sym]) +
                     (uint64_t)r.addend;
        memcpy(base + r.where, &v, sizeof v);
    }
    /* The packed ones, the places check_relr checked: each holds its
     * offset in the image, and gets the base added. */
    struct relr_walk rw = { .words = c->relr, .n = h->nrelr };
    uint64_t place;
    uint32_t word;
    while (relr_next(&rw, &place, &word) > 0)
        *(uint64_t *)(base + place) += p->image_base; /* 8-aligned, in data: checked */
    struct ath_pkg_entry e;
    memcpy(&e, base + h->entry_off, sizeof e);
    if (e.abi != ATH_PKG_ENTRY_ABI || e.instance_size == 0 || e.instance_size > (64u << 20) ||
        !code_ptr_ok(p, h, (uintptr_t)e.init_module, false) ||
        !code_ptr_ok(p, h, (uintptr_t)e.instantiate, false) ||
        !code_ptr_ok(p, h, (uintptr_t)e.start, false) || !code_ptr_ok(p, h, (uintptr_t)e.free, false) ||
        !code_ptr_ok(p, h, (uintptr_t)e.memory, false) || !code_ptr_ok(p, h, (uintptr_t)e.handle, true))
        return load_refuse(-ATH_EBADPKG, why, wl, "its entry is malformed (a function outside its code)");
    /* The header and tables before the image: read-only (nothing reads
     * them again); the image's pages as its segments say. */
    if (plat_code_protect(copy, 0, h->image_off, PLAT_PROT_R) != 0)
        return load_refuse(-ATH_ENOMEM, why, wl, "its pages could not be protected");
    for (uint32_t i = 0; i < h->nsegs; i++)
        if (plat_code_protect(copy, h->image_off + h->seg[i].off, h->seg[i].size,
                              (enum plat_prot)h->seg[i].prot) != 0)
            return load_refuse(-ATH_ENOMEM, why, wl, "its pages could not be protected");
    /* The function names: read where they are mapped, read-only. */
    p->nsyms = h->nsyms;
    p->syms = h->nsyms ? (const struct ath_pkg_sym *)(base + h->syms_off) : NULL;
    p->strs = h->nsyms ? (const char *)base + h->strs_off : NULL;
    memcpy(p->name, h->name, sizeof p->name);
    memcpy(p->wasm_sha256, h->wasm_sha256, sizeof p->wasm_sha256);
    p->max_pages = h->max_pages;
    p->code_bytes = h->code_bytes;
    p->file_size = (uint32_t)h->file_size;
    p->image_size = h->image_size;
    p->max_frame = e.max_frame;
    p->image = (struct comp_image){
        .name = p->name,
        .instance_size = e.instance_size,
        .init_module = e.init_module,
        .instantiate = (void (*)(void *, struct host_ctx *))e.instantiate,
        .start = e.start,
        .free = e.free,
        .memory = e.memory,
        .handle = e.handle,
        .max_frame = &p->max_frame,
    };
    p->refs = 1;
    return 0;
}

int pkg_load(struct plat_code *copy, size_t len, struct pkg **out, char *why, size_t why_len)
{
    struct pkg_checked c = { 0 };
    const uint8_t *file = (const uint8_t *)copy->base;
    uint64_t t0 = plat_clock_ns(), verify_ns = 0;
    int r = len <= copy->size ? decode(file, len, copy->size, &c, &verify_ns, why, why_len)
                              : load_refuse(-ATH_EINVAL, why, why_len, "%zu bytes in a %zu-byte copy", len,
                                            copy->size);
    uint64_t t1 = plat_clock_ns();
    struct pkg *p = NULL;
    if (!r) {
        p = kzalloc(sizeof *p);
        r = p ? map(&c, copy, p, why, why_len) : load_refuse(-ATH_ENOMEM, why, why_len, "no memory");
    }
    if (!r) {
        p->verify_ns = verify_ns;
        p->check_ns = t1 - t0 - verify_ns;
        p->map_ns = plat_clock_ns() - t1;
    }
    kfree(c.imports);
    if (!r) {
        irqflags_t f = spin_lock_irqsave(&pkg_lock);
        unsigned i = 0;
        while (i < PKG_LOADED_MAX && loaded[i])
            i++;
        if (i < PKG_LOADED_MAX)
            loaded[i] = p;
        spin_unlock_irqrestore(&pkg_lock, f);
        if (i == PKG_LOADED_MAX)
            r = load_refuse(-ATH_ENOMEM, why, why_len, "%u packages are loaded already", PKG_LOADED_MAX);
    }
    if (r) {
        kfree(p);
        kprintf("package: refused: %s\n", why);
        return r;
    }
    /* Ours now: the caller's copy is the package's memory. */
    p->code = *copy;
    *copy = (struct plat_code){ 0 };
    *out = p; /* nothing of it has run: its init_module runs when a component slot takes it */
    return 0;
}

void pkg_init(void)
{
    pkg_exports_init();
    pkg_hash_use(-1);
}

void pkg_get(struct pkg *p)
{
    irqflags_t f = spin_lock_irqsave(&pkg_lock);
    p->refs++;
    spin_unlock_irqrestore(&pkg_lock, f);
}

void pkg_put(struct pkg *p)
{
    irqflags_t f = spin_lock_irqsave(&pkg_lock);
    bool last = --p->refs == 0;
    if (last)
        for (unsigned i = 0; i < PKG_LOADED_MAX; i++)
            if (loaded[i] == p)
                loaded[i] = NULL;
    spin_unlock_irqrestore(&pkg_lock, f);
    if (last) {
        plat_code_free(&p->code);
        kfree(p);
    }
}

bool pkg_sym_lookup(const struct pkg *p, uintptr_t pc, const char **name, uintptr_t *off)
{
    if (!p->nsyms || pc < p->image_base || pc - p->image_base >= p->image_size)
        return false;
    uint32_t at = (uint32_t)(pc - p->image_base), lo = 0, hi = p->nsyms;
    while (hi - lo > 1) { /* the last function starting at or below pc */
        uint32_t mid = lo + (hi - lo) / 2;
        if (p->syms[mid].off <= at)
            lo = mid;
        else
            hi = mid;
    }
    if (p->syms[lo].off > at || at - p->syms[lo].off >= p->syms[lo].size)
        return false; /* code no function covers: unnamed */
    *name = p->strs + p->syms[lo].name;
    *off = at - p->syms[lo].off;
    return true;
}

struct pkg *pkg_by_pc(uintptr_t pc)
{
    struct pkg *found = NULL;
    irqflags_t f = spin_lock_irqsave(&pkg_lock);
    for (unsigned i = 0; i < PKG_LOADED_MAX && !found; i++)
        if (loaded[i] && pc - loaded[i]->image_base < loaded[i]->image_size)
            found = loaded[i];
    spin_unlock_irqrestore(&pkg_lock, f);
    return found;
}
