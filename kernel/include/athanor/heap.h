/* Kernel heap (kmalloc/kfree) on top of the frame allocator, with debug
 * checks: every block has a header magic and a trailing red zone, freed
 * memory is poisoned, double frees and overruns are caught and reported. */
#ifndef ATHANOR_HEAP_H
#define ATHANOR_HEAP_H

#include <athanor/types.h>

#define KMALLOC_ALIGN 16

struct heap_stats {
    uint64_t arena_bytes;  /* bytes obtained from the frame allocator */
    uint64_t used_bytes;   /* bytes handed out to callers (requested sizes) */
    uint64_t free_bytes;   /* bytes on the free lists */
    uint64_t allocs;       /* live allocations */
    uint64_t total_allocs; /* allocations ever made */
};

/* Kernel memory accounts: every block is charged (its whole footprint,
 * header and red zone included) to the account current when it was
 * allocated, and given back to that same account when it is freed,
 * whoever frees it. An allocation that would take an account past its limit
 * fails (NULL). The component layer keeps one account per component and
 * makes it current while that component's code or host calls run. */
struct kmem_account {
    uint64_t used, limit, peak;
    uint64_t refused; /* allocations that failed for the limit */
    uint32_t id;      /* set by heap_account_register */
};
#define KMEM_ACCOUNTS 256
/* Register an account (at boot); its id is what blocks record. 0 if full. */
unsigned heap_account_register(struct kmem_account *a);
/* The account current on this CPU: a hook the scheduler installs (the
 * running thread's); NULL means the kernel's own memory, not charged. */
void heap_set_account_hook(struct kmem_account *(*current)(void));
/* Would an allocation of `size` bytes fail for a's limit? */
bool heap_account_full(const struct kmem_account *a, size_t size);

void  heap_init(void);
void *kmalloc(size_t size);                /* 16-byte aligned; NULL if out of memory */
void *kzalloc(size_t size);                /* zeroed */
void *kmalloc_aligned(size_t size, size_t align); /* align: power of two <= PAGE_SIZE; free with kfree */
void  kfree(void *p);                      /* NULL is ignored */
void  heap_get_stats(struct heap_stats *st);
/* Walk every block and verify headers and red zones; returns the number of
 * corrupt blocks found (each one is reported on the console). */
unsigned heap_check(void);

/* How corruption is reported: by default kpanic(). Tests may install a hook
 * to observe the report instead; the hook must not return to the caller's
 * caller expecting success (the heap leaves the bad block untouched). */
typedef void (*heap_error_fn)(const char *what, const void *block);
void heap_set_error_hook(heap_error_fn fn);

#endif
