/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host stand-in for asm/spinlock.h, included first (-include) by the
 * vlapic and vioapic tests: the real irqsave variants execute cli, which
 * faults in user mode.  A lock taken twice fails the test: the tests run
 * on one thread, so that is a self-deadlock in the hypervisor.
 */
#ifndef ASM_SPINLOCK_H
#define ASM_SPINLOCK_H

#include <xen/types.h>

typedef struct {
    int locked;
} spinlock_t;

#define SPIN_LOCK_UNLOCKED { 0 }
#define DEFINE_SPINLOCK(l) spinlock_t l = SPIN_LOCK_UNLOCKED

void host_spin_lock(spinlock_t *l);
void host_spin_unlock(spinlock_t *l);

static inline void spin_lock_init(spinlock_t *l) { l->locked = 0; }
static inline void spin_lock(spinlock_t *l) { host_spin_lock(l); }
static inline void spin_unlock(spinlock_t *l) { host_spin_unlock(l); }
static inline bool spin_is_locked(const spinlock_t *l) { return l->locked; }

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
    host_spin_lock(l);
    return 0x200;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long f)
{
    host_spin_unlock(l);
}

#endif
