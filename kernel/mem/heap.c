/* Kernel heap: first-fit over chunks of frames, with debug checks.
 *
 * Layout of a chunk:  [chunk hdr][blk hdr|payload ... red zone][blk ...]...[END hdr]
 * Every block header carries a magic (allocated / free / aligned shim) and the
 * size requested, so kfree can catch double frees, wild pointers and writes
 * past the requested size (the red zone bytes after it must be intact).
 * Free payloads are poisoned; the poison is verified where a block is reused
 * (and everywhere by heap_check), catching writes after free.
 * Locking: heap_lock (irqsave) protects every chunk, block and the free list.
 * Work that grows with a block's size — poisoning, checking the poison, red
 * zones, a new chunk's first poisoning — is done outside it, on bytes the
 * caller owns at that moment (a block taken off the free list, or one being
 * freed), so interrupts stay off for a bounded time whatever the size
 * (docs/security.md). Invariant: a free block's payload is poisoned except
 * its first 16 bytes, which hold its free-list node. */
#include <athanor/errors.h>
#include <athanor/frame.h>
#include <athanor/heap.h>
#include <athanor/klib.h>
#include <athanor/list.h>
#include <athanor/spinlock.h>

#define MAGIC_ALLOC   0xA110CA7Eu
#define MAGIC_FREE    0xF4EEB10Cu
#define MAGIC_ALIGNED 0xA1167ED0u /* shim before an aligned payload */
#define MAGIC_END     0xE4DC4A4Bu
#define MAGIC_FREEING 0xF4EE1D6Bu /* being freed: checks and poisoning run outside the lock */
#define REDZONE       16          /* minimum red-zone bytes after each payload */
#define RED_BYTE      0xAB
#define POISON_BYTE   0xDD
#define CHUNK_FRAMES  16          /* 64 KiB per ordinary chunk */
#define MIN_PAYLOAD   32          /* room for the free-list node plus red zone */
#define KMALLOC_MAX   ((size_t)1 << 40) /* larger requests are bugs, and sums with them must not wrap */
#define POISON_WORD   0xDDDDDDDDu /* a header read from poisoned (freed) memory */

struct blk {
    uint32_t    magic;
    uint32_t    acct;  /* id of the account charged (heap_account_register), 0: none */
    uint64_t    size;  /* payload capacity in bytes (multiple of 16) */
    uint64_t    req;   /* bytes the caller asked for (0 when free) */
    struct blk *prev;  /* physically preceding block in the chunk, or NULL */
};
_Static_assert(sizeof(struct blk) == 32, "block header keeps payloads 16-aligned");

struct chunk {
    struct list_node node;
    size_t           frames;
    phys_addr_t      pa;
};
#define CHUNK_HDR ALIGN_UP(sizeof(struct chunk), 16)

static spinlock_t        heap_lock = SPINLOCK_INIT;
static struct list_node  chunks = LIST_INIT(chunks);
static struct list_node  free_list = LIST_INIT(free_list); /* payload-resident nodes */
static struct heap_stats hs;
static heap_error_fn     error_hook;
static struct kmem_account *accounts[KMEM_ACCOUNTS]; /* [0] unused: "no account" */
static unsigned            naccounts = 1;
static struct kmem_account *(*account_hook)(void);

unsigned heap_account_register(struct kmem_account *a)
{
    irqflags_t f = spin_lock_irqsave(&heap_lock);
    unsigned id = naccounts < KMEM_ACCOUNTS ? naccounts++ : 0;
    if (id)
        accounts[id] = a;
    a->id = id;
    spin_unlock_irqrestore(&heap_lock, f);
    return id;
}

void heap_set_account_hook(struct kmem_account *(*current)(void))
{
    account_hook = current;
}

/* A block's whole footprint: what the heap cannot give anyone else. */
static inline uint64_t footprint(uint64_t cap)
{
    return cap + sizeof(struct blk);
}

static inline uint64_t cap_for(size_t req)
{
    size_t cap = ALIGN_UP(req + REDZONE, 16);
    return cap < MIN_PAYLOAD ? MIN_PAYLOAD : cap;
}

bool heap_account_full(const struct kmem_account *a, size_t size)
{
    return a && a->used + footprint(cap_for(size)) > a->limit;
}

/* The id of the current account, or 0 (the kernel's own memory). */
static unsigned current_account(void)
{
    struct kmem_account *a = account_hook ? account_hook() : NULL;
    return a ? a->id : 0;
}

static inline void *payload(struct blk *b) { return (char *)b + sizeof *b; }
static inline struct blk *next_blk(struct blk *b) { return (struct blk *)((char *)payload(b) + b->size); }
static inline struct list_node *fnode(struct blk *b) { return payload(b); }
static inline struct blk *from_fnode(struct list_node *n) { return (struct blk *)((char *)n - sizeof(struct blk)); }

void heap_set_error_hook(heap_error_fn fn) { error_hook = fn; }

static void heap_error(const char *what, const void *block)
{
    if (error_hook) {
        error_hook(what, block);
        return;
    }
    kpanic("heap: %s (block %p)", what, block);
}

void heap_init(void)
{
    list_init(&chunks);
    list_init(&free_list);
    memset(&hs, 0, sizeof hs);
}

static void poison(struct blk *b)
{
    /* The first 16 bytes hold the free-list node. */
    memset((char *)payload(b) + sizeof(struct list_node), POISON_BYTE,
           b->size - sizeof(struct list_node));
}

/* Is the poison intact in the first `len` payload bytes of free block b?
 * (The free-list node occupies the start and is skipped.) */
static bool poison_intact_upto(struct blk *b, size_t len)
{
    const unsigned char *p = (const unsigned char *)payload(b) + sizeof(struct list_node);
    size_t n = MIN(len, b->size) - sizeof(struct list_node), i = 0;
    /* Eight bytes at a time, a differing bit gathered over 32 words before
     * a branch: the check runs over every block handed out, so a large
     * one (a component's table) costs a fraction of the byte loop's time. */
    const uint64_t pat = 0x0101010101010101ull * POISON_BYTE;
    for (; n - i >= 256; i += 256) {
        uint64_t diff = 0;
        for (size_t k = 0; k < 256; k += 8) {
            uint64_t w;
            memcpy(&w, p + i + k, 8);
            diff |= w ^ pat;
        }
        if (diff)
            return false;
    }
    for (; i < n; i++)
        if (p[i] != POISON_BYTE)
            return false;
    return true;
}

static bool poison_intact(struct blk *b)
{
    return poison_intact_upto(b, b->size);
}

static bool redzone_intact(struct blk *b)
{
    const unsigned char *p = payload(b);
    for (size_t i = b->req; i < b->size; i++)
        if (p[i] != RED_BYTE)
            return false;
    return true;
}

/* b's payload is already poisoned past its node (see the invariant): put
 * it on the free list. O(1). Lock held. */
static void make_free(struct blk *b)
{
    b->magic = MAGIC_FREE;
    b->req = 0;
    list_push_back(&free_list, fnode(b));
    hs.free_bytes += b->size;
}

/* Poison the 48 bytes a merge turns into payload: a header and the node
 * after it. */
static void poison_seam(struct blk *b)
{
    memset(b, POISON_BYTE, sizeof *b + sizeof(struct list_node));
}

/* A new chunk able to hold a payload of `need` bytes in one block, not yet
 * in the heap, its payload as the frames came: made without the lock. */
static struct chunk *chunk_make(size_t need)
{
    size_t bytes = CHUNK_HDR + sizeof(struct blk) + need + sizeof(struct blk);
    size_t frames = MAX((size_t)CHUNK_FRAMES, ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE);
    phys_addr_t pa;
    if (frame_alloc(frames, 1, &pa) != 0)
        return NULL;
    plat_frames_prefault(pa, frames); /* its pages are written next: poisoned, or handed out */
    struct chunk *c = plat_phys_to_virt(pa);
    c->frames = frames;
    c->pa = pa;
    struct blk *b = (struct blk *)((char *)c + CHUNK_HDR);
    size_t total = frames * PAGE_SIZE - CHUNK_HDR;
    b->size = total - 2 * sizeof(struct blk);
    b->prev = NULL;
    b->acct = 0;
    struct blk *end = next_blk(b);
    end->magic = MAGIC_END;
    end->size = 0;
    end->req = 0;
    end->prev = b;
    return c;
}

/* A new chunk for the free list: its block poisoned (the poisoning is
 * O(chunk): without the lock). */
static struct chunk *new_chunk(size_t need)
{
    struct chunk *c = chunk_make(need);
    if (c)
        poison((struct blk *)((char *)c + CHUNK_HDR));
    return c;
}

/* b is handed out: allocated, req bytes asked, charged to acct, counted.
 * Lock held. */
static void mark_allocated(struct blk *b, size_t req, unsigned acct)
{
    b->magic = MAGIC_ALLOC;
    b->req = req;
    b->acct = acct;
    if (acct) {
        struct kmem_account *a = accounts[acct];
        a->used += footprint(b->size);
        a->peak = MAX(a->peak, a->used);
    }
    hs.used_bytes += req;
    hs.allocs++;
    hs.total_allocs++;
}

/* A block at least BIG_BLOCK bytes that no free block fits: a chunk of its
 * own, handed out at once, allocated, charged to acct (under the lock, as
 * take_locked charges). Its payload is never poisoned: nothing was freed
 * there, so there is no write after free to find, and poisoning then
 * checking a fresh megabyte (a component's function table) cost two passes
 * over it for nothing. The caller lays the red zone. NULL: no frames, or
 * over the quota (*quota set, counted). */
#define BIG_BLOCK ((size_t)CHUNK_FRAMES * PAGE_SIZE)
static struct blk *take_own_chunk(size_t req, size_t cap, unsigned acct, bool *quota)
{
    struct chunk *c = chunk_make(cap);
    if (!c)
        return NULL;
    struct blk *b = (struct blk *)((char *)c + CHUNK_HDR);
    irqflags_t f = spin_lock_irqsave(&heap_lock);
    struct kmem_account *a = accounts[acct];
    if (acct && a->used + footprint(b->size) > a->limit) {
        a->refused++;
        *quota = true;
        spin_unlock_irqrestore(&heap_lock, f);
        frame_free(c->pa, c->frames);
        return NULL;
    }
    list_push_back(&chunks, &c->node);
    hs.arena_bytes += c->frames * PAGE_SIZE;
    mark_allocated(b, req, acct);
    spin_unlock_irqrestore(&heap_lock, f);
    return b;
}

/* Put a new chunk into the heap. Lock held. */
static void add_chunk(struct chunk *c)
{
    list_push_back(&chunks, &c->node);
    hs.arena_bytes += c->frames * PAGE_SIZE;
    make_free((struct blk *)((char *)c + CHUNK_HDR));
}

/* Take a block of at least cap payload bytes off the free list (split if
 * worth it) and mark it allocated; the caller checks its poison and fills
 * its red zone after dropping the lock. NULL: no block fits, or the quota.
 * Lock held; O(free blocks), not O(size). */
static struct blk *take_locked(size_t req, size_t cap, unsigned acct)
{
    struct kmem_account *a = accounts[acct];
    if (acct && a->used + footprint(cap) > a->limit)
        return NULL; /* counted as refused by the caller */
    list_for_each(n, &free_list) {
        struct blk *b = from_fnode(n);
        if (b->size < cap)
            continue;
        if (b->magic != MAGIC_FREE) {
            heap_error("free block header modified after free (use after free?)", b);
            return NULL;
        }
        /* What it will cost: a block too small to split goes out whole. */
        bool split = b->size >= cap + sizeof(struct blk) + MIN_PAYLOAD;
        if (acct && a->used + footprint(split ? cap : b->size) > a->limit)
            continue; /* within the limit only if a closer fit turns up */
        list_remove(n);
        hs.free_bytes -= b->size;
        /* Split off the tail if it can hold another block: its payload is
         * poisoned already (it was part of b's); only its header and node
         * land on b's poisoned bytes, which are checked first. */
        if (split) {
            struct blk *after = next_blk(b);
            struct blk *rest = (struct blk *)((char *)payload(b) + cap);
            const unsigned char *seam = (const unsigned char *)rest;
            for (size_t i = 0; i < sizeof(struct blk) + sizeof(struct list_node); i++)
                if (seam[i] != POISON_BYTE) {
                    heap_error("free block modified after free (use after free?)", b);
                    return NULL;
                }
            rest->size = b->size - cap - sizeof(struct blk);
            rest->prev = b;
            rest->acct = 0;
            after->prev = rest;
            b->size = cap;
            make_free(rest);
        }
        mark_allocated(b, req, acct);
        return b;
    }
    return NULL;
}

static void *alloc(size_t req, unsigned acct)
{
    size_t cap = cap_for(req);
    for (int attempt = 0; attempt < 2; attempt++) {
        irqflags_t f = spin_lock_irqsave(&heap_lock);
        struct blk *b = take_locked(req, cap, acct);
        bool quota = acct && !b && accounts[acct]->used + footprint(cap) > accounts[acct]->limit;
        if (acct && !b && quota)
            accounts[acct]->refused++;
        spin_unlock_irqrestore(&heap_lock, f);
        if (b) {
            /* Ours alone now: check the poison of what we hand out (a write
             * after free shows here), then lay the red zone. */
            if (!poison_intact_upto(b, b->size)) {
                heap_error("free block modified after free (use after free?)", b);
                return NULL;
            }
            memset((char *)payload(b) + req, RED_BYTE, b->size - req);
            return payload(b);
        }
        if (quota || attempt)
            return NULL;
        if (cap >= BIG_BLOCK) {
            b = take_own_chunk(req, cap, acct, &quota);
            if (!b)
                return NULL;
            memset((char *)payload(b) + req, RED_BYTE, b->size - req);
            return payload(b);
        }
        struct chunk *c = new_chunk(cap);
        if (!c)
            return NULL;
        f = spin_lock_irqsave(&heap_lock);
        add_chunk(c);
        spin_unlock_irqrestore(&heap_lock, f);
    }
    return NULL;
}

void *kmalloc(size_t size)
{
    if (size == 0 || size > KMALLOC_MAX)
        return NULL;
    return alloc(size, current_account());
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

void *kmalloc_aligned(size_t size, size_t align)
{
    if (align <= KMALLOC_ALIGN)
        return kmalloc(size);
    if ((align & (align - 1)) || align > PAGE_SIZE || size == 0 || size > KMALLOC_MAX)
        return NULL;
    /* Over-allocate, then place a shim header just before the aligned payload
     * that points back to the real block. */
    char *raw = kmalloc(size + align + sizeof(struct blk));
    if (!raw)
        return NULL;
    uintptr_t a = ALIGN_UP((uintptr_t)raw + sizeof(struct blk), align);
    struct blk *shim = (struct blk *)(a - sizeof(struct blk));
    shim->magic = MAGIC_ALIGNED;
    shim->prev = (struct blk *)(raw - sizeof(struct blk));
    shim->size = 0;
    shim->req = size;
    return (void *)a;
}

/* Merge b with its next neighbour if that one is free. Lock held. O(1). */
static void merge_next(struct blk *b)
{
    struct blk *n = next_blk(b);
    if (n->magic != MAGIC_FREE)
        return;
    list_remove(fnode(n));
    hs.free_bytes -= n->size;
    b->size += sizeof(struct blk) + n->size;
    poison_seam(n);
    next_blk(b)->prev = b;
}

void kfree(void *p)
{
    if (!p)
        return;
    if (!IS_ALIGNED((uintptr_t)p, 16)) {
        heap_error("kfree of a misaligned pointer", p);
        return;
    }
    irqflags_t f = spin_lock_irqsave(&heap_lock);
    struct blk *b = (struct blk *)((char *)p - sizeof(struct blk));
    if (b->magic == MAGIC_ALIGNED)
        b = b->prev;
    /* A freed block keeps MAGIC_FREE in its header; the shim of a freed
     * aligned block lies in poisoned payload. Both mean a double free. */
    uint32_t magic = b->magic;
    if (magic == MAGIC_ALLOC)
        b->magic = MAGIC_FREEING; /* ours now: a second kfree sees a double free */
    spin_unlock_irqrestore(&heap_lock, f);
    if (magic == MAGIC_FREE || magic == POISON_WORD || magic == MAGIC_FREEING) {
        heap_error("double free", b);
        return;
    }
    if (magic != MAGIC_ALLOC) {
        heap_error("kfree of a pointer kmalloc did not return (or header overwritten)", b);
        return;
    }
    /* O(size) work on a block nobody else may touch: outside the lock. */
    if (!redzone_intact(b)) {
        b->magic = MAGIC_ALLOC;
        heap_error("buffer overrun: red zone after the block was written", b);
        return;
    }
    poison(b);
    f = spin_lock_irqsave(&heap_lock);
    hs.used_bytes -= b->req;
    hs.allocs--;
    if (b->acct && b->acct < naccounts)
        accounts[b->acct]->used -= footprint(b->size);
    b->acct = 0;
    b->magic = 0; /* not free yet: make_free below */
    merge_next(b);
    if (b->prev && b->prev->magic == MAGIC_FREE) {
        struct blk *prev = b->prev;
        list_remove(fnode(prev));
        hs.free_bytes -= prev->size;
        prev->size += sizeof(struct blk) + b->size;
        next_blk(prev)->prev = prev;
        poison_seam(b); /* b's header and node become prev's poisoned payload */
        b = prev;
    }
    /* Give a completely free chunk back to the frame allocator, keeping one. */
    if (!b->prev && next_blk(b)->magic == MAGIC_END && chunks.next != chunks.prev) {
        struct chunk *c = (struct chunk *)((char *)b - CHUNK_HDR);
        list_remove(&c->node);
        hs.arena_bytes -= c->frames * PAGE_SIZE;
        spin_unlock_irqrestore(&heap_lock, f);
        frame_free(c->pa, c->frames);
        return;
    }
    make_free(b);
    spin_unlock_irqrestore(&heap_lock, f);
}

void heap_get_stats(struct heap_stats *st)
{
    irqflags_t f = spin_lock_irqsave(&heap_lock);
    *st = hs;
    spin_unlock_irqrestore(&heap_lock, f);
}

unsigned heap_check(void)
{
    unsigned bad = 0;
    irqflags_t f = spin_lock_irqsave(&heap_lock);
    list_for_each(cn, &chunks) {
        struct chunk *c = container_of(cn, struct chunk, node);
        struct blk *b = (struct blk *)((char *)c + CHUNK_HDR);
        char *end = (char *)c + c->frames * PAGE_SIZE;
        while ((char *)b < end && b->magic != MAGIC_END) {
            bool ok = (b->magic == MAGIC_ALLOC && redzone_intact(b)) ||
                      (b->magic == MAGIC_FREE && poison_intact(b));
            if (!ok) {
                bad++;
                kprintf("heap_check: corrupt block %p (magic %#x)\n", (void *)b, b->magic);
                break; /* sizes beyond a bad header cannot be trusted */
            }
            b = next_blk(b);
        }
    }
    spin_unlock_irqrestore(&heap_lock, f);
    return bad;
}
