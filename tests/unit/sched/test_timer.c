/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen/common/timer.c's per-CPU lists and migrate_timer(), which moves a
 * vCPU's timers when the scheduler moves the vCPU: an armed timer leaves
 * the old CPU's list for the new one's in expiry order and the new CPU
 * reprograms if it became its earliest; an idle one fires on the new CPU
 * once armed; it then runs from the new CPU's softirq only.
 */
#include "harness.h"

/*
 * Host stand-in for asm/spinlock.h (the irqsave variants execute cli):
 * one thread, so a lock taken twice is a self-deadlock and fails.
 */
#define ASM_SPINLOCK_H
#include <xen/types.h>
typedef struct {
    int locked;
} spinlock_t;
#define SPIN_LOCK_UNLOCKED { 0 }
#define DEFINE_SPINLOCK(l) spinlock_t l = SPIN_LOCK_UNLOCKED
static inline void spin_lock_init(spinlock_t *l) { l->locked = 0; }
static inline void spin_lock(spinlock_t *l)
{
    assert_int_equal(l->locked, 0);
    l->locked = 1;
}
static inline void spin_unlock(spinlock_t *l)
{
    assert_int_equal(l->locked, 1);
    l->locked = 0;
}
static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
    spin_lock(l);
    return 0;
}
static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long f)
{
    spin_unlock(l);
}

#include <string.h>
#include <asm/current.h>
#include <xen/softirq.h>
#include <xen/time.h>

/* The CPU the code under test thinks it runs on. */
static unsigned int this_cpu;
#undef smp_processor_id
#define smp_processor_id() this_cpu

#include "../../../xen/common/timer.c"

static s_time_t now;
static unsigned int kicked[NR_CPUS], raised_here;
static unsigned int fired[3];

s_time_t get_s_time(void)
{
    return now;
}

void raise_softirq(unsigned int nr)
{
    assert_int_equal(nr, TIMER_SOFTIRQ);
    raised_here++;
}

void cpu_raise_softirq(unsigned int cpu, unsigned int nr)
{
    assert_int_equal(nr, TIMER_SOFTIRQ);
    kicked[cpu]++;
}

void open_softirq(unsigned int nr, softirq_handler handler)
{
}

bool reprogram_timer(s_time_t timeout)
{
    return true;
}

static struct timer tm[3];

static void fire(void *data)
{
    fired[(struct timer *)data - tm]++;
}

int reset_timer(void **state);
int reset_timer(void **state)
{
    unsigned int i;

    memset(queues, 0, sizeof(queues));
    memset(kicked, 0, sizeof(kicked));
    memset(fired, 0, sizeof(fired));
    raised_here = 0;
    this_cpu = 0;
    now = 1000;
    for ( i = 0; i < 3; i++ )
        init_timer(&tm[i], fire, &tm[i], 0);
    return 0;
}

static void check_list(unsigned int cpu, struct timer *const *want,
                       unsigned int n)
{
    const struct timer *t = queues[cpu].head, *prev = NULL;
    unsigned int i;

    for ( i = 0; i < n; i++, prev = t, t = t->next )
    {
        assert_ptr_equal(t, want[i]);
        assert_ptr_equal(t->prev, prev);
        assert_int_equal(t->cpu, cpu);
        assert_int_equal(t->status, TIMER_STATUS_in_list);
    }
    assert_null(t);
    assert_int_equal(queues[cpu].lock.locked, 0);
}

void test_migrate_armed_timer(void **state);
void test_migrate_armed_timer(void **state)
{
    /* tm0 and tm1 armed on CPU 0, tm2 (earliest) on CPU 2. */
    set_timer(&tm[0], 5000);
    set_timer(&tm[1], 3000);
    migrate_timer(&tm[2], 2);
    set_timer(&tm[2], 2000);
    {
        struct timer *w0[] = { &tm[1], &tm[0] }, *w2[] = { &tm[2] };

        check_list(0, w0, 2);
        check_list(2, w2, 1);
    }

    /* tm1 to CPU 1: out of 0's list, CPU 1 told of its new earliest. */
    migrate_timer(&tm[1], 1);
    assert_int_equal(tm[1].expires, 3000);
    assert_int_equal(kicked[1], 1);
    {
        struct timer *w0[] = { &tm[0] }, *w1[] = { &tm[1] };

        check_list(0, w0, 1);
        check_list(1, w1, 1);
    }

    /* tm0 to CPU 2 behind tm2: in order, CPU 2's earliest unchanged. */
    migrate_timer(&tm[0], 2);
    assert_int_equal(kicked[2], 1);         /* tm2's set_timer only */
    {
        struct timer *w2[] = { &tm[2], &tm[0] };

        check_list(0, NULL, 0);
        check_list(2, w2, 2);
    }

    /* Due: CPU 0 runs nothing, CPU 1 and 2 run theirs. */
    now = 6000;
    this_cpu = 0;
    timer_softirq_action();
    assert_int_equal(fired[0] + fired[1] + fired[2], 0);
    this_cpu = 1;
    timer_softirq_action();
    assert_int_equal(fired[1], 1);
    this_cpu = 2;
    timer_softirq_action();
    assert_int_equal(fired[0], 1);
    assert_int_equal(fired[2], 1);
    check_list(1, NULL, 0);
    check_list(2, NULL, 0);
}

void test_migrate_idle_and_dead_timers(void **state);
void test_migrate_idle_and_dead_timers(void **state)
{
    /* Idle: only its CPU changes; armed later, it goes there. */
    migrate_timer(&tm[0], 3);
    assert_int_equal(tm[0].cpu, 3);
    assert_int_equal(tm[0].status, TIMER_STATUS_inactive);
    check_list(0, NULL, 0);
    assert_int_equal(kicked[3], 0);
    this_cpu = 3;
    set_timer(&tm[0], 2000);
    assert_int_equal(raised_here, 1);       /* its own CPU: no IPI */
    {
        struct timer *w3[] = { &tm[0] };

        check_list(3, w3, 1);
    }
    /* Stopped from any CPU: found on its list. */
    this_cpu = 0;
    stop_timer(&tm[0]);
    check_list(3, NULL, 0);

    /* To the CPU it is on: nothing. */
    set_timer(&tm[1], 4000);
    migrate_timer(&tm[1], 0);
    assert_int_equal(tm[1].cpu, 0);
    {
        struct timer *w0[] = { &tm[1] };

        check_list(0, w0, 1);
    }

    /* Killed: left alone (set up again with init_timer before use). */
    kill_timer(&tm[2]);
    migrate_timer(&tm[2], 1);
    assert_int_equal(tm[2].cpu, 0);
    assert_int_equal(tm[2].status, TIMER_STATUS_invalid);
}
