/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Software timers: per CPU, a doubly linked list sorted by expiry under a
 * per-CPU lock.  The head of each list is what that CPU's LAPIC timer is
 * programmed for.  The LAPIC interrupt raises TIMER_SOFTIRQ, and
 * timer_softirq_action() runs every expired timer with the lock dropped
 * and interrupts enabled, so a function may re-arm its own timer.
 *
 * A sorted list keeps insertion O(n), which is fine for the handful of
 * timers per CPU the hypervisor has (scheduler tick, vCPU timers).
 *
 * A vCPU's timers follow it when the scheduler moves it to another pCPU
 * (migrate_timer): t->cpu then changes under both CPUs' queue locks, so
 * set_timer/stop_timer find t's queue by locking and checking again.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/timer.h>
#include <xen/softirq.h>
#include <asm/current.h>
#include <asm/spinlock.h>

struct timer_queue {
    spinlock_t lock;
    struct timer *head;
} __aligned(64);

static struct timer_queue queues[NR_CPUS];

static void queue_remove(struct timer_queue *q, struct timer *t)
{
    if ( t->prev )
        t->prev->next = t->next;
    else
        q->head = t->next;
    if ( t->next )
        t->next->prev = t->prev;
    t->prev = t->next = NULL;
    t->status = TIMER_STATUS_inactive;
}

/* Insert in expiry order (after equal ones, so FIFO); true if new head. */
static bool queue_insert(struct timer_queue *q, struct timer *t)
{
    struct timer *p = q->head, *prev = NULL;

    while ( p && p->expires <= t->expires )
    {
        prev = p;
        p = p->next;
    }
    t->prev = prev;
    t->next = p;
    if ( p )
        p->prev = t;
    if ( prev )
        prev->next = t;
    else
        q->head = t;
    t->status = TIMER_STATUS_in_list;
    return !prev;
}

void init_timer(struct timer *t, void (*fn)(void *), void *data,
                unsigned int cpu)
{
    BUG_ON(cpu >= NR_CPUS);
    memset(t, 0, sizeof(*t));
    t->function = fn;
    t->data = data;
    t->cpu = cpu;
    t->status = TIMER_STATUS_inactive;
}

/*
 * Lock the queue of the CPU t belongs to.  t->cpu changes only under the
 * old and the new CPU's queue locks (migrate_timer), so it is read again
 * once the lock is held.
 */
static struct timer_queue *timer_lock(struct timer *t, unsigned long *flags)
{
    for ( ; ; )
    {
        unsigned int cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
        struct timer_queue *q = &queues[cpu];

        *flags = spin_lock_irqsave(&q->lock);
        if ( __atomic_load_n(&t->cpu, __ATOMIC_RELAXED) == cpu )
            return q;
        spin_unlock_irqrestore(&q->lock, *flags);
    }
}

/* A new earliest timer: its CPU reprograms its LAPIC in the softirq. */
static void timer_kick(unsigned int cpu)
{
    if ( cpu == smp_processor_id() )
        raise_softirq(TIMER_SOFTIRQ);
    else
        cpu_raise_softirq(cpu, TIMER_SOFTIRQ);
}

void set_timer(struct timer *t, s_time_t expires)
{
    struct timer_queue *q;
    unsigned long flags;
    unsigned int cpu;
    bool head;

    BUG_ON(t->status == TIMER_STATUS_invalid);
    q = timer_lock(t, &flags);
    if ( t->status == TIMER_STATUS_in_list )
        queue_remove(q, t);
    t->expires = expires;
    head = queue_insert(q, t);
    cpu = t->cpu;
    spin_unlock_irqrestore(&q->lock, flags);

    if ( head )
        timer_kick(cpu);
}

void stop_timer(struct timer *t)
{
    struct timer_queue *q;
    unsigned long flags;

    if ( t->status == TIMER_STATUS_invalid )
        return;
    q = timer_lock(t, &flags);
    if ( t->status == TIMER_STATUS_in_list )
        queue_remove(q, t);
    spin_unlock_irqrestore(&q->lock, flags);
    /* The LAPIC may still fire for it; the softirq then finds nothing. */
}

void migrate_timer(struct timer *t, unsigned int cpu)
{
    BUG_ON(cpu >= NR_CPUS);
    for ( ; ; )
    {
        unsigned int old = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
        struct timer_queue *a, *b;
        unsigned long flags;
        bool head = false;

        if ( t->status == TIMER_STATUS_invalid || old == cpu )
            return;
        /* Both queues, lower CPU first, so two moves cannot deadlock. */
        a = &queues[old < cpu ? old : cpu];
        b = &queues[old < cpu ? cpu : old];
        flags = spin_lock_irqsave(&a->lock);
        spin_lock(&b->lock);
        if ( t->cpu != old )
        {
            spin_unlock(&b->lock);
            spin_unlock_irqrestore(&a->lock, flags);
            continue;
        }
        if ( t->status == TIMER_STATUS_in_list )
        {
            queue_remove(&queues[old], t);
            __atomic_store_n(&t->cpu, cpu, __ATOMIC_RELEASE);
            head = queue_insert(&queues[cpu], t);
        }
        else
            __atomic_store_n(&t->cpu, cpu, __ATOMIC_RELEASE);
        spin_unlock(&b->lock);
        spin_unlock_irqrestore(&a->lock, flags);
        /*
         * The old CPU's LAPIC may still fire for it and find nothing; the
         * new CPU must program its own if t is now its earliest.
         */
        if ( head )
            timer_kick(cpu);
        return;
    }
}

void kill_timer(struct timer *t)
{
    stop_timer(t);
    t->status = TIMER_STATUS_invalid;
}

void timer_softirq_action(void)
{
    struct timer_queue *q = &queues[smp_processor_id()];
    unsigned long flags = spin_lock_irqsave(&q->lock);
    struct timer *t;

    for ( ; ; )
    {
        s_time_t now = NOW();

        while ( (t = q->head) != NULL && t->expires <= now )
        {
            void (*fn)(void *) = t->function;
            void *data = t->data;

            queue_remove(q, t);
            spin_unlock_irqrestore(&q->lock, flags);
            fn(data);
            flags = spin_lock_irqsave(&q->lock);
        }

        /* If the next one passed while we programmed it, run it now. */
        if ( reprogram_timer(q->head ? q->head->expires : 0) )
            break;
    }

    spin_unlock_irqrestore(&q->lock, flags);
}

void timer_init(void)
{
    unsigned int i;

    for ( i = 0; i < NR_CPUS; i++ )
        spin_lock_init(&queues[i].lock);
    open_softirq(TIMER_SOFTIRQ, timer_softirq_action);
}
