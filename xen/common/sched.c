/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A simple round-robin scheduler without credits.
 *
 * Each pCPU has one FIFO run queue of runnable vCPUs.  A vCPU lives on
 * the pCPU chosen when it was created (dom0's vCPUs are spread over all
 * pCPUs, vCPU i on pCPU i mod N) and never migrates.  The pCPU's loop,
 * schedule_and_run(), runs softirqs, keeps the current vCPU until its
 * 10 ms slice ends (a timer raises SCHEDULE_SOFTIRQ) or it stops being
 * runnable, then takes the head of the queue; with nothing to run it
 * halts until an interrupt.  Each pass through hvm_vcpu_run() enters
 * the guest once and handles one exit, so the loop looks at softirqs
 * after every exit.
 *
 * The queue operations (runq_*) are pure; the unit tests include this
 * file with KEEL_HOST_TEST, which leaves out everything touching
 * hardware, timers or softirqs.
 */
#include <xen/types.h>
#include <xen/sched.h>
#include <public/xen.h>

struct runq {
    struct vcpu *head, *tail;
    unsigned int nr;
};

/* Append v (not queued) at the tail. */
static void runq_insert_tail(struct runq *q, struct vcpu *v)
{
    v->sched_next = NULL;
    if ( q->tail )
        q->tail->sched_next = v;
    else
        q->head = v;
    q->tail = v;
    v->on_runq = true;
    q->nr++;
}

/* Take the head, or NULL when empty. */
static struct vcpu *runq_pop(struct runq *q)
{
    struct vcpu *v = q->head;

    if ( !v )
        return NULL;
    q->head = v->sched_next;
    if ( !q->head )
        q->tail = NULL;
    v->sched_next = NULL;
    v->on_runq = false;
    q->nr--;
    return v;
}

/* Unlink v wherever it is; false if it was not on q. */
static bool runq_remove(struct runq *q, struct vcpu *v)
{
    struct vcpu **pp, *prev = NULL;

    if ( !v->on_runq )
        return false;
    for ( pp = &q->head; *pp; prev = *pp, pp = &(*pp)->sched_next )
    {
        if ( *pp != v )
            continue;
        *pp = v->sched_next;
        if ( q->tail == v )
            q->tail = prev;
        v->sched_next = NULL;
        v->on_runq = false;
        q->nr--;
        return true;
    }
    return false;
}

void (*sched_runstate_hook)(struct vcpu *v);
void (*sched_switch_in_hook)(struct vcpu *v);

bool vcpu_runnable(const struct vcpu *v)
{
    return !v->pause_flags && !v->domain->pause_count &&
           !v->domain->is_dying;
}

/*
 * Move v to runstate new at time now, charging the time since the last
 * change to the state it leaves.
 */
static void runstate_set(struct vcpu *v, int new, s_time_t now)
{
    s_time_t delta = now - v->runstate_entry_time;

    if ( delta > 0 && v->runstate >= 0 && v->runstate < 4 )
    {
        v->runstate_time[v->runstate] += delta;
        if ( v->runstate == RUNSTATE_running )
            v->cpu_time += delta;
    }
    v->runstate = new;
    v->runstate_entry_time = now;
    if ( sched_runstate_hook )
        sched_runstate_hook(v);
}

/* The state a vCPU that is not running belongs in. */
static int runstate_idle_state(const struct vcpu *v)
{
    if ( v->pause_flags & (1UL << VPF_down) )
        return RUNSTATE_offline;
    if ( vcpu_runnable(v) )
        return RUNSTATE_runnable;
    return RUNSTATE_blocked;
}

#ifndef KEEL_HOST_TEST

#include <xen/lib.h>
#include <xen/console.h>
#include <xen/softirq.h>
#include <xen/timer.h>
#include <xen/time.h>
#include <xen/cpumask.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <asm/config.h>
#include <asm/hvm/hvm.h>

#define SLICE_NS MILLISECS(10)

struct sched_pcpu {
    spinlock_t lock;                /* queue, curr */
    struct runq q;
    struct vcpu *curr;              /* vCPU this pCPU runs, or NULL */
    bool need_resched;              /* slice over / yield / state change */
    bool timer_ready;
    struct timer slice_timer;
    /* Idle accounting for sysctl getcpuinfo (read without the lock). */
    s_time_t idle_since;            /* 0: not idle */
    u64 idle_total;                 /* ns, closed idle periods */
};

static struct sched_pcpu sched_pcpu[NR_CPUS];
bool sched_started;

static struct sched_pcpu *pcpu_of(const struct vcpu *v)
{
    return &sched_pcpu[v->processor];
}

static void sched_softirq(void)
{
    sched_pcpu[smp_processor_id()].need_resched = true;
}

static void slice_timer_fn(void *data)
{
    (void)data;
    raise_softirq(SCHEDULE_SOFTIRQ);
}

void scheduler_init(void)
{
    unsigned int cpu;

    for ( cpu = 0; cpu < NR_CPUS; cpu++ )
        spin_lock_init(&sched_pcpu[cpu].lock);
    open_softirq(SCHEDULE_SOFTIRQ, sched_softirq);
}

/* Ask v's pCPU to reconsider what it runs. */
static void kick(const struct vcpu *v)
{
    if ( v->processor == smp_processor_id() )
        raise_softirq(SCHEDULE_SOFTIRQ);
    else
        cpu_raise_softirq(v->processor, SCHEDULE_SOFTIRQ);
}

void vcpu_wake(struct vcpu *v)
{
    struct sched_pcpu *sp = pcpu_of(v);
    unsigned long flags = spin_lock_irqsave(&sp->lock);

    /* A pending event or interrupt ends a block (SCHEDOP_block, HLT). */
    __atomic_fetch_and(&v->pause_flags, ~(1UL << VPF_blocked),
                       __ATOMIC_SEQ_CST);
    if ( vcpu_runnable(v) && !v->is_running && !v->on_runq )
    {
        runstate_set(v, RUNSTATE_runnable, NOW());
        runq_insert_tail(&sp->q, v);
        if ( !sp->curr )
            kick(v);
    }
    spin_unlock_irqrestore(&sp->lock, flags);
}

void vcpu_sleep_nosync(struct vcpu *v)
{
    struct sched_pcpu *sp = pcpu_of(v);
    unsigned long flags = spin_lock_irqsave(&sp->lock);

    if ( !vcpu_runnable(v) )
    {
        if ( runq_remove(&sp->q, v) )
            runstate_set(v, runstate_idle_state(v), NOW());
        else if ( v->is_running )
            kick(v);
    }
    spin_unlock_irqrestore(&sp->lock, flags);
}

void vcpu_block(struct vcpu *v)
{
    const struct vcpu_info *vi = v->vcpu_info;

    __atomic_fetch_or(&v->pause_flags, 1UL << VPF_blocked,
                      __ATOMIC_SEQ_CST);
    /*
     * An event that arrived before the flag was set would not wake us:
     * look at the upcall flag after setting it (as Xen's vcpu_block).
     */
    if ( vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST) )
    {
        __atomic_fetch_and(&v->pause_flags, ~(1UL << VPF_blocked),
                           __ATOMIC_SEQ_CST);
        return;
    }
    vcpu_sleep_nosync(v);
}

void vcpu_yield(void)
{
    struct vcpu *v = current;

    if ( v )
        sched_pcpu[v->processor].need_resched = true;
}

void vcpu_runstate_get(const struct vcpu *v, u64 time[4])
{
    struct sched_pcpu *sp = pcpu_of(v);
    unsigned long flags = spin_lock_irqsave(&sp->lock);
    s_time_t delta = NOW() - v->runstate_entry_time;
    unsigned int i;

    for ( i = 0; i < 4; i++ )
        time[i] = v->runstate_time[i];
    if ( delta > 0 && v->runstate >= 0 && v->runstate < 4 )
        time[v->runstate] += delta;
    spin_unlock_irqrestore(&sp->lock, flags);
}

/* Pick what to run next on this pCPU (lock held). */
static struct vcpu *do_schedule(struct sched_pcpu *sp, s_time_t now)
{
    struct vcpu *prev = sp->curr;
    struct vcpu *next;

    if ( prev && !sp->need_resched && vcpu_runnable(prev) )
        return prev;
    sp->need_resched = false;

    if ( prev )
    {
        prev->is_running = false;
        if ( vcpu_runnable(prev) )
        {
            runstate_set(prev, RUNSTATE_runnable, now);
            runq_insert_tail(&sp->q, prev);
        }
        else
            runstate_set(prev, runstate_idle_state(prev), now);
    }

    next = runq_pop(&sp->q);
    while ( next && !vcpu_runnable(next) )
    {
        runstate_set(next, runstate_idle_state(next), now);
        next = runq_pop(&sp->q);
    }
    sp->curr = next;
    if ( next )
    {
        next->is_running = true;
        runstate_set(next, RUNSTATE_running, now);
        set_timer(&sp->slice_timer, now + SLICE_NS);
    }
    else
        stop_timer(&sp->slice_timer);
    return next;
}

void __noreturn schedule_and_run(void)
{
    unsigned int cpu = smp_processor_id();
    struct sched_pcpu *sp = &sched_pcpu[cpu];
    struct vcpu *v, *prev;

    if ( !sp->timer_ready )
    {
        init_timer(&sp->slice_timer, slice_timer_fn, NULL, cpu);
        sp->timer_ready = true;
    }

    for ( ; ; )
    {
        do_softirq();

        local_irq_disable();
        spin_lock(&sp->lock);
        prev = sp->curr;
        v = do_schedule(sp, NOW());
        spin_unlock(&sp->lock);
        current = v;
        if ( v && v != prev && sched_switch_in_hook )
            sched_switch_in_hook(v);
        if ( !v && !sp->idle_since )
            sp->idle_since = NOW();
        else if ( v && sp->idle_since )
        {
            sp->idle_total += NOW() - sp->idle_since;
            sp->idle_since = 0;
        }

        if ( !v )
        {
            /* sti;hlt: a wake-up IPI after the check still ends hlt. */
            if ( !softirq_pending(cpu) )
                safe_halt();
            else
                local_irq_enable();
            continue;
        }

        if ( softirq_pending(cpu) )
        {
            local_irq_enable();
            continue;
        }
        /*
         * Entered with interrupts disabled after the softirq check, so
         * nothing raised in between is missed: a physical interrupt in
         * the guest causes an exit and is taken when we re-enable them.
         */
        hvm_vcpu_run(v);
        local_irq_enable();
    }
}

u64 sched_idle_time(unsigned int cpu)
{
    struct sched_pcpu *sp;
    s_time_t since;

    if ( cpu >= NR_CPUS )
        return 0;
    sp = &sched_pcpu[cpu];
    since = __atomic_load_n(&sp->idle_since, __ATOMIC_RELAXED);
    return __atomic_load_n(&sp->idle_total, __ATOMIC_RELAXED) +
           (since ? NOW() - since : 0);
}

void sched_start(void)
{
    unsigned int cpu;

    sched_started = true;
    for_each_online_cpu ( cpu )
        if ( cpu != smp_processor_id() )
            cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
}

#endif /* KEEL_HOST_TEST */
