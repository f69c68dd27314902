/* Spinlocks. Every lock that interrupt handlers may also take is acquired with
 * interrupts disabled (spin_lock_irqsave); with one CPU the spinning never
 * happens, but the locks are real so a second CPU needs no new locking. */
#ifndef ATHANOR_SPINLOCK_H
#define ATHANOR_SPINLOCK_H

#include <athanor/platform.h>

typedef struct spinlock {
    volatile uint32_t locked;
    int               owner_cpu; /* -1 when free; for assertions only */
} spinlock_t;

#define SPINLOCK_INIT { 0, -1 }

static inline void spin_lock(spinlock_t *l)
{
    while (__atomic_exchange_n(&l->locked, 1u, __ATOMIC_ACQUIRE))
        plat_cpu_relax();
    l->owner_cpu = (int)plat_cpu_id();
}
static inline void spin_unlock(spinlock_t *l)
{
    l->owner_cpu = -1;
    __atomic_store_n(&l->locked, 0u, __ATOMIC_RELEASE);
}
static inline irqflags_t spin_lock_irqsave(spinlock_t *l)
{
    irqflags_t f = plat_irq_save();
    spin_lock(l);
    return f;
}
static inline void spin_unlock_irqrestore(spinlock_t *l, irqflags_t f)
{
    spin_unlock(l);
    plat_irq_restore(f);
}
static inline bool spin_held_here(const spinlock_t *l)
{
    return l->locked && l->owner_cpu == (int)plat_cpu_id();
}

#endif
