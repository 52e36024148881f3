/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A simple round-robin scheduler without credits.
 *
 * Each pCPU has one FIFO run queue of runnable vCPUs.  A vCPU is queued
 * on, and runs on, its v->processor; it starts on the pCPU chosen when it
 * was created (dom0's vCPUs are spread over all pCPUs, vCPU i on pCPU
 * i mod N) and moves when its hard affinity (XEN_DOMCTL_setvcpuaffinity)
 * stops allowing that pCPU.  The pCPU's loop, schedule_and_run(), runs
 * softirqs, keeps the current vCPU until its 10 ms slice ends (a timer
 * raises SCHEDULE_SOFTIRQ) or it stops being runnable, then takes the
 * head of the queue; with nothing to run it halts until an interrupt.
 * Each pass through hvm_vcpu_run() enters the guest once and handles one
 * exit, so the loop looks at softirqs after every exit.
 *
 * Locking: each pCPU's lock covers its queue and curr, and for the vCPUs
 * whose processor it is: on_runq, is_running and processor itself.  So
 * a vCPU's lock is found by reading processor, locking that pCPU and
 * checking processor did not change meanwhile (vcpu_lock).  Moving a
 * vCPU takes both pCPUs' locks, the lower-numbered first.
 *
 * Migration (Xen's "migrate on the next context switch"): a vCPU that is
 * neither running nor queued moves at once.  A queued one is unlinked and
 * moves at once.  One that runs is only marked (VPF_migrating, which
 * makes it not runnable) and its pCPU told to reschedule; when that pCPU
 * switches away from it, it keeps is_running set (nobody else may touch
 * it, domain_pause/domain_kill wait for it) until, with the scheduler
 * lock dropped, vcpu_migrate_finish() takes both locks, moves processor
 * and the vCPU's timers, clears is_running and the mark and queues it on
 * the new pCPU.  So a vCPU is never on two queues, never on a queue while
 * it runs, and runs on the new pCPU only after the old one let go of it.
 *
 * The queue and migration logic is shared with the unit tests, which
 * include this file with KEEL_HOST_TEST and supply the few hardware
 * operations below (locks, clock, kicks, timers) themselves.
 */
#include <xen/types.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <public/xen.h>

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
#define SCHED_NR_CPUS NR_CPUS
#endif

struct runq {
    struct vcpu *head, *tail;
    unsigned int nr;
};

struct sched_pcpu {
    spinlock_t lock;                /* queue, curr, see above */
    struct runq q;
    struct vcpu *curr;              /* vCPU this pCPU runs, or NULL */
    bool need_resched;              /* slice over / yield / state change */
    bool timer_ready;
    struct timer slice_timer;
    /* Idle accounting for sysctl getcpuinfo (read without the lock). */
    s_time_t idle_since;            /* 0: not idle */
    u64 idle_total;                 /* ns, closed idle periods */
};

static struct sched_pcpu sched_pcpu[SCHED_NR_CPUS];

/*
 * The hardware side.  The unit tests define these (single-threaded,
 * a fake clock, recorded kicks and timer moves).
 */
static unsigned long sched_lock(struct sched_pcpu *sp);
static void sched_unlock(struct sched_pcpu *sp, unsigned long flags);
static s_time_t sched_now(void);
static u64 sched_online_mask(void);
static void sched_kick_cpu(unsigned int cpu);
static void sched_move_timers(struct vcpu *v, unsigned int cpu);
static void sched_slice_start(struct sched_pcpu *sp, s_time_t expires);
static void sched_slice_stop(struct sched_pcpu *sp);

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
bool (*sched_idle_hook)(unsigned int cpu);

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
    /* On its way to another pCPU: it would run but for the move. */
    if ( v->pause_flags == (1UL << VPF_migrating) &&
         !v->domain->pause_count && !v->domain->is_dying )
        return RUNSTATE_runnable;
    if ( vcpu_runnable(v) )
        return RUNSTATE_runnable;
    return RUNSTATE_blocked;
}


#define SLICE_NS MILLISECS(10)

/*
 * The pCPUs v may run on: its hard affinity among the online ones, or
 * every online one when it allows none of them (as Xen, which breaks an
 * affinity that names no online pCPU rather than never running the
 * vCPU).  vcpu_set_hard_affinity refuses such a map, but pCPUs can go
 * and a vCPU made by vcpu_create alone (the HVM selftest's) has none.
 */
static u64 sched_allowed(const struct vcpu *v, u64 online)
{
    u64 m = v->affinity_hard & online;

    return m ? m : online;
}

static bool sched_may_run_on(const struct vcpu *v, unsigned int cpu,
                             u64 online)
{
    return cpu < 64 && (sched_allowed(v, online) & (1ULL << cpu));
}

/*
 * Where v should go: its pCPU if allowed, else the allowed pCPU with the
 * fewest vCPUs queued or running (the lowest-numbered of equals).  The
 * other pCPUs' counts are read without their locks: a hint only.
 */
static unsigned int sched_pick_cpu(const struct vcpu *v, u64 online)
{
    u64 m = sched_allowed(v, online);
    unsigned int cpu, best = v->processor, best_load = ~0u;

    if ( sched_may_run_on(v, v->processor, online) )
        return v->processor;
    for ( cpu = 0; cpu < SCHED_NR_CPUS && cpu < 64; cpu++ )
    {
        const struct sched_pcpu *sp = &sched_pcpu[cpu];
        unsigned int load;

        if ( !(m & (1ULL << cpu)) )
            continue;
        load = __atomic_load_n(&sp->q.nr, __ATOMIC_RELAXED) +
               !!__atomic_load_n(&sp->curr, __ATOMIC_RELAXED);
        if ( load < best_load )
        {
            best = cpu;
            best_load = load;
        }
    }
    return best;
}

/* Lock the pCPU v belongs to (processor re-read under the lock). */
static struct sched_pcpu *vcpu_lock(const struct vcpu *v,
                                    unsigned long *flags)
{
    for ( ; ; )
    {
        unsigned int cpu = __atomic_load_n(&v->processor, __ATOMIC_ACQUIRE);
        struct sched_pcpu *sp = &sched_pcpu[cpu];

        *flags = sched_lock(sp);
        if ( __atomic_load_n(&v->processor, __ATOMIC_RELAXED) == cpu )
            return sp;
        sched_unlock(sp, *flags);
    }
}

/* Both pCPUs' locks, lower number first (once if they are the same). */
static unsigned long sched_lock_two(unsigned int a, unsigned int b)
{
    unsigned long flags;

    if ( a == b )
        return sched_lock(&sched_pcpu[a]);
    flags = sched_lock(&sched_pcpu[a < b ? a : b]);
    (void)sched_lock(&sched_pcpu[a < b ? b : a]);
    return flags;
}

static void sched_unlock_two(unsigned int a, unsigned int b,
                             unsigned long flags)
{
    if ( a != b )
        sched_unlock(&sched_pcpu[a < b ? b : a], 0);
    sched_unlock(&sched_pcpu[a < b ? a : b], flags);
}

/*
 * Queue v on sp (its pCPU, lock held) if it may run and is neither
 * queued nor running.  True if sp has nothing running and must be
 * kicked to look at its queue.
 */
static bool sched_enqueue_locked(struct sched_pcpu *sp, struct vcpu *v,
                                 s_time_t now)
{
    if ( !vcpu_runnable(v) || v->is_running || v->on_runq )
        return false;
    runstate_set(v, RUNSTATE_runnable, now);
    runq_insert_tail(&sp->q, v);
    return !sp->curr;
}

/*
 * Put v, which does not run, on pCPU cpu (both its and cpu's locks
 * held): off the old queue, its timers after it, onto cpu's queue if it
 * may run.  A vCPU staying where it is keeps its place in the queue.
 * True if cpu must be kicked.
 */
static bool sched_move_locked(struct vcpu *v, unsigned int cpu, s_time_t now)
{
    unsigned int old = v->processor;
    bool queued;

    if ( cpu == old )
        return sched_enqueue_locked(&sched_pcpu[cpu], v, now);
    queued = runq_remove(&sched_pcpu[old].q, v);
    __atomic_store_n(&v->processor, cpu, __ATOMIC_RELEASE);
    sched_move_timers(v, cpu);
    if ( queued && !vcpu_runnable(v) )
        runstate_set(v, runstate_idle_state(v), now);
    return sched_enqueue_locked(&sched_pcpu[cpu], v, now);
}

/*
 * Take v's pCPU's lock and that of the pCPU it should be on (the same
 * one if its affinity allows its pCPU), v->processor and the choice
 * checked under the locks.  Returns the chosen pCPU; *old is v's.
 */
static unsigned int sched_lock_move(struct vcpu *v, unsigned int *old,
                                    unsigned long *flags)
{
    for ( ; ; )
    {
        u64 online = sched_online_mask();
        unsigned int from = __atomic_load_n(&v->processor, __ATOMIC_ACQUIRE);
        unsigned int cpu = sched_pick_cpu(v, online);
        bool ok;

        *flags = sched_lock_two(from, cpu);
        if ( sched_may_run_on(v, from, online) )
            ok = cpu == from;
        else
            ok = sched_may_run_on(v, cpu, online);
        if ( ok && v->processor == from )
        {
            *old = from;
            return cpu;
        }
        sched_unlock_two(from, cpu, *flags);
    }
}

/*
 * v's pCPU may no longer be allowed by its affinity: move v at once if
 * it does not run (queued where it may run if it is runnable); if it
 * runs, mark it (VPF_migrating) and have its pCPU switch away from it,
 * which moves it then.
 */
static void sched_move_idle_vcpu(struct vcpu *v)
{
    unsigned int old, cpu;
    unsigned long flags;
    bool kick = false;

    cpu = sched_lock_move(v, &old, &flags);
    if ( !v->is_running )
        kick = sched_move_locked(v, cpu, sched_now());
    else if ( cpu != old )
    {
        __atomic_fetch_or(&v->pause_flags, 1UL << VPF_migrating,
                          __ATOMIC_SEQ_CST);
        sched_pcpu[old].need_resched = true;
        sched_unlock_two(old, cpu, flags);
        sched_kick_cpu(old);
        return;
    }
    sched_unlock_two(old, cpu, flags);
    if ( kick )
        sched_kick_cpu(cpu);
}

int vcpu_set_hard_affinity(struct vcpu *v, u64 map)
{
    u64 online = sched_online_mask();
    unsigned long flags;
    struct sched_pcpu *sp;
    bool move;

    if ( !(map & online) )
        return -EINVAL;
    sp = vcpu_lock(v, &flags);
    v->affinity_hard = map;
    move = !sched_may_run_on(v, v->processor, online);
    sched_unlock(sp, flags);
    if ( move )
        sched_move_idle_vcpu(v);
    return 0;
}

/*
 * v's pCPU switched away from v, marked VPF_migrating, and dropped its
 * lock; v still has is_running set, so nothing else touches it.  Move it
 * to a pCPU its affinity allows (which may have come to include its old
 * one again) and let it run there.
 */
static void vcpu_migrate_finish(struct vcpu *v)
{
    unsigned int old, cpu;
    unsigned long flags;
    bool kick;

    cpu = sched_lock_move(v, &old, &flags);
    /*
     * A new affinity sets the mark under these locks
     * (sched_move_idle_vcpu); cleared here, the choice made under them
     * already honours the newest one.
     */
    __atomic_fetch_and(&v->pause_flags, ~(1UL << VPF_migrating),
                       __ATOMIC_SEQ_CST);
    __atomic_store_n(&v->is_running, false, __ATOMIC_SEQ_CST);
    kick = sched_move_locked(v, cpu, sched_now());
    sched_unlock_two(old, cpu, flags);
    if ( kick )
        sched_kick_cpu(cpu);
}

void vcpu_wake(struct vcpu *v)
{
    unsigned long flags;
    struct sched_pcpu *sp = vcpu_lock(v, &flags);
    bool kick = false, move = false;

    /* A pending event or interrupt ends a block (SCHEDOP_block, HLT). */
    __atomic_fetch_and(&v->pause_flags, ~(1UL << VPF_blocked),
                       __ATOMIC_SEQ_CST);
    /*
     * Its affinity may not allow this pCPU (the pCPU went offline, or a
     * move was left half done): let it run only where it may.
     */
    if ( !v->is_running && !v->on_runq &&
         !sched_may_run_on(v, v->processor, sched_online_mask()) )
        move = true;
    else
        kick = sched_enqueue_locked(sp, v, sched_now());
    sched_unlock(sp, flags);
    if ( move )
        sched_move_idle_vcpu(v);
    else if ( kick )
        sched_kick_cpu(sp - sched_pcpu);
}

void vcpu_sleep_nosync(struct vcpu *v)
{
    unsigned long flags;
    struct sched_pcpu *sp = vcpu_lock(v, &flags);
    bool kick = false;

    if ( !vcpu_runnable(v) )
    {
        if ( runq_remove(&sp->q, v) )
            runstate_set(v, runstate_idle_state(v), sched_now());
        else if ( v->is_running && sp->curr == v )
            kick = true;
    }
    sched_unlock(sp, flags);
    if ( kick )
        sched_kick_cpu(sp - sched_pcpu);
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

void vcpu_runstate_get(const struct vcpu *v, u64 time[4])
{
    unsigned long flags;
    struct sched_pcpu *sp = vcpu_lock(v, &flags);
    s_time_t delta = sched_now() - v->runstate_entry_time;
    unsigned int i;

    for ( i = 0; i < 4; i++ )
        time[i] = v->runstate_time[i];
    if ( delta > 0 && v->runstate >= 0 && v->runstate < 4 )
        time[v->runstate] += delta;
    sched_unlock(sp, flags);
}

/*
 * Pick what to run next on this pCPU (lock held).  *migrate: the vCPU
 * just switched away from that must move (VPF_migrating) once the lock
 * is dropped, with is_running still set; else NULL.
 */
static struct vcpu *do_schedule(struct sched_pcpu *sp, s_time_t now,
                                struct vcpu **migrate)
{
    struct vcpu *prev = sp->curr;
    struct vcpu *next;

    *migrate = NULL;
    if ( prev && !sp->need_resched && vcpu_runnable(prev) )
        return prev;
    sp->need_resched = false;

    if ( prev )
    {
        if ( prev->pause_flags & (1UL << VPF_migrating) )
        {
            /* is_running stays set until vcpu_migrate_finish. */
            runstate_set(prev, runstate_idle_state(prev), now);
            *migrate = prev;
        }
        else
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
    }

    next = runq_pop(&sp->q);
    while ( next && !vcpu_runnable(next) )
    {
        runstate_set(next, runstate_idle_state(next), now);
        next = runq_pop(&sp->q);
    }
    __atomic_store_n(&sp->curr, next, __ATOMIC_RELAXED);
    if ( next )
    {
        next->is_running = true;
        runstate_set(next, RUNSTATE_running, now);
        sched_slice_start(sp, now + SLICE_NS);
    }
    else
        sched_slice_stop(sp);
    return next;
}

#ifndef KEEL_HOST_TEST

bool sched_started;

static unsigned long sched_lock(struct sched_pcpu *sp)
{
    return spin_lock_irqsave(&sp->lock);
}

static void sched_unlock(struct sched_pcpu *sp, unsigned long flags)
{
    spin_unlock_irqrestore(&sp->lock, flags);
}

static s_time_t sched_now(void)
{
    return NOW();
}

static u64 sched_online_mask(void)
{
    return cpu_online_mask64();
}

/* Ask pCPU cpu to reconsider what it runs. */
static void sched_kick_cpu(unsigned int cpu)
{
    if ( cpu == smp_processor_id() )
        raise_softirq(SCHEDULE_SOFTIRQ);
    else
        cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
}

static void sched_move_timers(struct vcpu *v, unsigned int cpu)
{
    vcpu_migrate_timers(v, cpu);
}

static void sched_slice_start(struct sched_pcpu *sp, s_time_t expires)
{
    set_timer(&sp->slice_timer, expires);
}

static void sched_slice_stop(struct sched_pcpu *sp)
{
    stop_timer(&sp->slice_timer);
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

void vcpu_yield(void)
{
    struct vcpu *v = current;

    if ( v )
        sched_pcpu[v->processor].need_resched = true;
}

void __noreturn schedule_and_run(void)
{
    unsigned int cpu = smp_processor_id();
    struct sched_pcpu *sp = &sched_pcpu[cpu];
    struct vcpu *v, *prev, *migrate;

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
        v = do_schedule(sp, NOW(), &migrate);
        spin_unlock(&sp->lock);
        current = v;
        /* This pCPU is done with it: it may run elsewhere from now on. */
        if ( migrate )
            vcpu_migrate_finish(migrate);
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
            /*
             * Background work (scrubbing free memory) one bounded batch at
             * a time, interrupts on, while nothing else is pending; after
             * each batch the loop looks for softirqs and vCPUs again.
             */
            if ( sched_idle_hook && !softirq_pending(cpu) )
            {
                local_irq_enable();
                if ( sched_idle_hook(cpu) )
                    continue;
                local_irq_disable();
            }
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
