/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The scheduler's logic (run queue FIFO, runnability, runstate time
 * accounting, picking the next vCPU, and moving vCPUs between pCPUs when
 * their hard affinity changes: a moving vCPU is never on two queues nor
 * queued while it runs, runs on its new pCPU only after the old one
 * switched away, and is only ever queued where its affinity allows) and
 * the pure parts of the PVH dom0 builder (dom0's e820 from the host's and
 * its RAM; the hvm_start_info block).
 */
#include "harness.h"

#include <string.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/bootinfo.h>
#include <asm/dom0_build.h>

/*
 * The scheduler is static: take it with the file, on 4 pCPUs, with the
 * hardware operations it asks for (below) done by the test.
 */
#define SCHED_NR_CPUS 4
#include "../../../xen/common/sched.c"

/* ---- the scheduler's hardware side, faked ---- */

static s_time_t fake_now;
static u64 fake_online;
static unsigned int kicks[SCHED_NR_CPUS];
static unsigned int timer_moves, timer_last_cpu;
static int lock_depth[SCHED_NR_CPUS];
static unsigned int slice_starts;

static unsigned int cpu_of(const struct sched_pcpu *sp)
{
    return sp - sched_pcpu;
}

/* Single-threaded: a lock may only be taken when free. */
static unsigned long sched_lock(struct sched_pcpu *sp)
{
    assert_int_equal(lock_depth[cpu_of(sp)], 0);
    lock_depth[cpu_of(sp)]++;
    return 0;
}

static void sched_unlock(struct sched_pcpu *sp, unsigned long flags)
{
    assert_int_equal(lock_depth[cpu_of(sp)], 1);
    lock_depth[cpu_of(sp)]--;
}

static s_time_t sched_now(void)
{
    return fake_now;
}

static u64 sched_online_mask(void)
{
    return fake_online;
}

static void sched_kick_cpu(unsigned int cpu)
{
    assert_true(cpu < SCHED_NR_CPUS);
    kicks[cpu]++;
}

/* Timers move to v's new pCPU with that pCPU's lock held. */
static void sched_move_timers(struct vcpu *v, unsigned int cpu)
{
    assert_int_equal(v->processor, cpu);
    assert_int_equal(lock_depth[cpu], 1);
    timer_moves++;
    timer_last_cpu = cpu;
}

static void sched_slice_start(struct sched_pcpu *sp, s_time_t expires)
{
    assert_int_equal(lock_depth[cpu_of(sp)], 1);
    slice_starts++;
}

static void sched_slice_stop(struct sched_pcpu *sp)
{
    assert_int_equal(lock_depth[cpu_of(sp)], 1);
}

#define MB(x) ((u64)(x) << 20)
#define GB(x) ((u64)(x) << 30)

static struct domain dom;
static struct vcpu vc[6];

static int reset(void **state)
{
    unsigned int i;

    (void)state;
    memset(&dom, 0, sizeof(dom));
    memset(vc, 0, sizeof(vc));
    for ( i = 0; i < 6; i++ )
    {
        vc[i].vcpu_id = i;
        vc[i].domain = &dom;
    }
    test_log_reset();
    return 0;
}

static void check_queue(const struct runq *q, struct vcpu *const *want,
                        unsigned int n)
{
    const struct vcpu *v = q->head;
    unsigned int i;

    assert_int_equal(q->nr, n);
    for ( i = 0; i < n; i++, v = v->sched_next )
    {
        assert_ptr_equal(v, want[i]);
        assert_true(v->on_runq);
    }
    assert_null(v);
    assert_ptr_equal(q->tail, n ? want[n - 1] : NULL);
}

static void test_runq_fifo(void **state)
{
    struct runq q = { 0 };
    struct vcpu *w[] = { &vc[0], &vc[1], &vc[2] };

    assert_null(runq_pop(&q));
    runq_insert_tail(&q, &vc[0]);
    runq_insert_tail(&q, &vc[1]);
    runq_insert_tail(&q, &vc[2]);
    check_queue(&q, w, 3);

    /* Round robin: the head runs, goes back at the tail. */
    assert_ptr_equal(runq_pop(&q), &vc[0]);
    assert_false(vc[0].on_runq);
    assert_null(vc[0].sched_next);
    runq_insert_tail(&q, &vc[0]);
    {
        struct vcpu *w2[] = { &vc[1], &vc[2], &vc[0] };

        check_queue(&q, w2, 3);
    }
    assert_ptr_equal(runq_pop(&q), &vc[1]);
    assert_ptr_equal(runq_pop(&q), &vc[2]);
    assert_ptr_equal(runq_pop(&q), &vc[0]);
    assert_null(runq_pop(&q));
    check_queue(&q, NULL, 0);
    assert_null(q.head);
}

static void test_runq_remove(void **state)
{
    struct runq q = { 0 };
    unsigned int i;

    for ( i = 0; i < 5; i++ )
        runq_insert_tail(&q, &vc[i]);

    /* Middle, tail, head, then one that is not queued. */
    assert_true(runq_remove(&q, &vc[2]));
    {
        struct vcpu *w[] = { &vc[0], &vc[1], &vc[3], &vc[4] };

        check_queue(&q, w, 4);
    }
    assert_true(runq_remove(&q, &vc[4]));
    {
        struct vcpu *w[] = { &vc[0], &vc[1], &vc[3] };

        check_queue(&q, w, 3);
    }
    assert_true(runq_remove(&q, &vc[0]));
    {
        struct vcpu *w[] = { &vc[1], &vc[3] };

        check_queue(&q, w, 2);
    }
    assert_false(runq_remove(&q, &vc[5]));
    assert_false(runq_remove(&q, &vc[2]));

    /* Appending after removing the tail links from the new tail. */
    runq_insert_tail(&q, &vc[5]);
    {
        struct vcpu *w[] = { &vc[1], &vc[3], &vc[5] };

        check_queue(&q, w, 3);
    }
    assert_true(runq_remove(&q, &vc[1]));
    assert_true(runq_remove(&q, &vc[3]));
    assert_true(runq_remove(&q, &vc[5]));
    check_queue(&q, NULL, 0);
    assert_null(q.head);
}

static void test_runnable(void **state)
{
    struct vcpu *v = &vc[0];

    assert_true(vcpu_runnable(v));
    v->pause_flags = 1UL << VPF_down;
    assert_false(vcpu_runnable(v));
    assert_int_equal(runstate_idle_state(v), RUNSTATE_offline);
    v->pause_flags = 1UL << VPF_blocked;
    assert_false(vcpu_runnable(v));
    assert_int_equal(runstate_idle_state(v), RUNSTATE_blocked);
    v->pause_flags = 0;
    dom.pause_count = 1;
    assert_false(vcpu_runnable(v));
    assert_int_equal(runstate_idle_state(v), RUNSTATE_blocked);
    dom.pause_count = 0;
    dom.is_dying = true;
    assert_false(vcpu_runnable(v));
    dom.is_dying = false;
    assert_int_equal(runstate_idle_state(v), RUNSTATE_runnable);
    /* Moving: not runnable, but runnable as far as the guest can tell. */
    v->pause_flags = 1UL << VPF_migrating;
    assert_false(vcpu_runnable(v));
    assert_int_equal(runstate_idle_state(v), RUNSTATE_runnable);
    v->pause_flags |= 1UL << VPF_blocked;
    assert_int_equal(runstate_idle_state(v), RUNSTATE_blocked);
}

static unsigned int hook_calls;
static int hook_last_state;

static void count_hook(struct vcpu *v)
{
    hook_calls++;
    hook_last_state = v->runstate;
}

static void test_runstate_accounting(void **state)
{
    struct vcpu *v = &vc[0];

    v->runstate = RUNSTATE_offline;
    v->runstate_entry_time = 100;
    runstate_set(v, RUNSTATE_runnable, 1100);       /* 1000 offline */
    runstate_set(v, RUNSTATE_running, 1600);        /* 500 runnable */
    runstate_set(v, RUNSTATE_blocked, 11600);       /* 10000 running */
    runstate_set(v, RUNSTATE_runnable, 12600);      /* 1000 blocked */
    runstate_set(v, RUNSTATE_running, 12700);       /* 100 runnable */
    runstate_set(v, RUNSTATE_runnable, 12750);      /* 50 running */

    assert_int_equal(v->runstate_time[RUNSTATE_offline], 1000);
    assert_int_equal(v->runstate_time[RUNSTATE_runnable], 600);
    assert_int_equal(v->runstate_time[RUNSTATE_running], 10050);
    assert_int_equal(v->runstate_time[RUNSTATE_blocked], 1000);
    assert_int_equal(v->cpu_time, 10050);
    assert_int_equal(v->runstate, RUNSTATE_runnable);
    assert_int_equal(v->runstate_entry_time, 12750);

    /* The hook sees every change, with the new state in place. */
    sched_runstate_hook = count_hook;
    hook_calls = 0;
    runstate_set(v, RUNSTATE_blocked, 12800);
    runstate_set(v, RUNSTATE_runnable, 12900);
    sched_runstate_hook = NULL;
    assert_int_equal(hook_calls, 2);
    assert_int_equal(hook_last_state, RUNSTATE_runnable);
    assert_int_equal(v->runstate_time[RUNSTATE_runnable], 650);
    assert_int_equal(v->runstate_time[RUNSTATE_blocked], 1100);

    /* A clock that goes backwards charges nothing. */
    runstate_set(v, RUNSTATE_running, 12000);
    assert_int_equal(v->runstate_time[RUNSTATE_runnable], 650);
    assert_int_equal(v->runstate_entry_time, 12000);
    assert_int_equal(v->runstate, RUNSTATE_running);
}

/* ---- moving vCPUs between pCPUs ---- */

static int reset_mig(void **state)
{
    unsigned int i;

    reset(state);
    memset(sched_pcpu, 0, sizeof(sched_pcpu));
    memset(kicks, 0, sizeof(kicks));
    memset(lock_depth, 0, sizeof(lock_depth));
    fake_now = 1000;
    fake_online = 0x3;              /* two pCPUs, as the test rig */
    timer_moves = 0;
    timer_last_cpu = ~0u;
    slice_starts = 0;
    for ( i = 0; i < 6; i++ )
    {
        vc[i].affinity_hard = ~0ULL;
        vc[i].pause_flags = 1UL << VPF_blocked;
        vc[i].runstate = RUNSTATE_blocked;
    }
    return 0;
}

static void no_locks_held(void)
{
    unsigned int i;

    for ( i = 0; i < SCHED_NR_CPUS; i++ )
        assert_int_equal(lock_depth[i], 0);
}

/* Where v is queued: the pCPU, or -1; fails if on two queues. */
static int queued_on(const struct vcpu *v)
{
    int where = -1;
    unsigned int cpu;

    for ( cpu = 0; cpu < SCHED_NR_CPUS; cpu++ )
    {
        const struct vcpu *p;

        for ( p = sched_pcpu[cpu].q.head; p; p = p->sched_next )
            if ( p == v )
            {
                assert_int_equal(where, -1);
                where = cpu;
            }
    }
    assert_int_equal(v->on_runq, where >= 0);
    return where;
}

static struct vcpu *schedule_on(unsigned int cpu, struct vcpu **migrate)
{
    struct vcpu *next;

    fake_now += 100;
    sched_lock(&sched_pcpu[cpu]);
    next = do_schedule(&sched_pcpu[cpu], fake_now, migrate);
    sched_unlock(&sched_pcpu[cpu], 0);
    return next;
}

/* v woken on its pCPU cpu and made to run there. */
static void run_on(struct vcpu *v, unsigned int cpu)
{
    struct vcpu *m;

    v->processor = cpu;
    vcpu_wake(v);
    sched_pcpu[cpu].need_resched = true;
    assert_ptr_equal(schedule_on(cpu, &m), v);
    assert_null(m);
    assert_true(v->is_running);
}

static void test_pin_queued_vcpu(void **state)
{
    struct vcpu *m;

    /* vc0 runs on pCPU 0, vc1 waits in its queue. */
    run_on(&vc[0], 0);
    vc[1].processor = 0;
    vcpu_wake(&vc[1]);
    assert_int_equal(queued_on(&vc[1]), 0);

    /* Pinned to pCPU 1: off 0's queue, onto 1's, 1 kicked (idle). */
    assert_int_equal(vcpu_set_hard_affinity(&vc[1], 1ULL << 1), 0);
    no_locks_held();
    assert_int_equal(vc[1].processor, 1);
    assert_int_equal(queued_on(&vc[1]), 1);
    assert_int_equal(sched_pcpu[0].q.nr, 0);
    assert_int_equal(kicks[1], 1);
    assert_int_equal(timer_moves, 1);
    assert_int_equal(timer_last_cpu, 1);
    assert_int_equal(vc[1].runstate, RUNSTATE_runnable);

    /* pCPU 1 runs it; pCPU 0 keeps vc0 and never sees vc1 again. */
    assert_ptr_equal(schedule_on(1, &m), &vc[1]);
    assert_int_equal(vc[1].runstate, RUNSTATE_running);
    sched_pcpu[0].need_resched = true;
    assert_ptr_equal(schedule_on(0, &m), &vc[0]);
    assert_ptr_equal(sched_pcpu[0].curr, &vc[0]);
}

static void test_pin_running_vcpu(void **state)
{
    struct vcpu *m;

    run_on(&vc[0], 0);
    vc[1].processor = 0;
    vcpu_wake(&vc[1]);
    memset(kicks, 0, sizeof(kicks));

    /* Running on pCPU 0: only marked, pCPU 0 told to switch away. */
    assert_int_equal(vcpu_set_hard_affinity(&vc[0], 1ULL << 1), 0);
    no_locks_held();
    assert_int_equal(vc[0].processor, 0);
    assert_true(vc[0].is_running);
    assert_ptr_equal(sched_pcpu[0].curr, &vc[0]);
    assert_true(vc[0].pause_flags & (1UL << VPF_migrating));
    assert_true(sched_pcpu[0].need_resched);
    assert_int_equal(kicks[0], 1);
    assert_int_equal(queued_on(&vc[0]), -1);
    assert_int_equal(timer_moves, 0);

    /* Nothing for pCPU 1 yet: vc0 still belongs to pCPU 0. */
    assert_null(schedule_on(1, &m));
    assert_null(m);

    /* An event for it meanwhile queues it nowhere. */
    vcpu_wake(&vc[0]);
    assert_int_equal(queued_on(&vc[0]), -1);

    /* pCPU 0 switches to vc1 and hands vc0 over, still "running". */
    assert_ptr_equal(schedule_on(0, &m), &vc[1]);
    assert_ptr_equal(m, &vc[0]);
    assert_true(vc[0].is_running);
    assert_int_equal(queued_on(&vc[0]), -1);
    assert_int_equal(vc[0].runstate, RUNSTATE_runnable);

    /* Still on no queue when pCPU 0 looks again before the hand-over. */
    vcpu_wake(&vc[0]);
    assert_int_equal(queued_on(&vc[0]), -1);

    vcpu_migrate_finish(&vc[0]);
    no_locks_held();
    assert_false(vc[0].is_running);
    assert_false(vc[0].pause_flags & (1UL << VPF_migrating));
    assert_int_equal(vc[0].processor, 1);
    assert_int_equal(queued_on(&vc[0]), 1);
    assert_int_equal(kicks[1], 1);
    assert_int_equal(timer_moves, 1);
    assert_int_equal(timer_last_cpu, 1);

    /* It runs on pCPU 1 now; pCPU 0 goes on with vc1 alone. */
    assert_ptr_equal(schedule_on(1, &m), &vc[0]);
    assert_true(vc[0].is_running);
    assert_int_equal(vc[0].runstate, RUNSTATE_running);
    sched_pcpu[0].need_resched = true;
    assert_ptr_equal(schedule_on(0, &m), &vc[1]);
    assert_int_equal(queued_on(&vc[0]), -1);
}

static void test_pin_blocked_and_down_vcpus(void **state)
{
    /* Blocked: moves at once, stays blocked, wakes on its new pCPU. */
    vc[2].processor = 0;
    assert_int_equal(vcpu_set_hard_affinity(&vc[2], 1ULL << 1), 0);
    assert_int_equal(vc[2].processor, 1);
    assert_int_equal(queued_on(&vc[2]), -1);
    assert_int_equal(vc[2].runstate, RUNSTATE_blocked);
    assert_int_equal(timer_moves, 1);
    vcpu_wake(&vc[2]);
    assert_int_equal(queued_on(&vc[2]), 1);
    assert_int_equal(kicks[1], 1);

    /* Down (a new guest's vCPU, as xend pins before building): moves. */
    vc[3].processor = 1;
    vc[3].pause_flags = 1UL << VPF_down;
    vc[3].runstate = RUNSTATE_offline;
    assert_int_equal(vcpu_set_hard_affinity(&vc[3], 1ULL << 0), 0);
    assert_int_equal(vc[3].processor, 0);
    assert_int_equal(queued_on(&vc[3]), -1);
    assert_int_equal(vc[3].runstate, RUNSTATE_offline);
    no_locks_held();
}

static void test_pin_allowing_current_cpu(void **state)
{
    run_on(&vc[0], 1);

    /* A map with its pCPU: nothing moves, nobody is disturbed. */
    memset(kicks, 0, sizeof(kicks));
    assert_int_equal(vcpu_set_hard_affinity(&vc[0], 0x3), 0);
    assert_int_equal(vcpu_set_hard_affinity(&vc[0], 1ULL << 1), 0);
    assert_int_equal(vc[0].processor, 1);
    assert_false(vc[0].pause_flags & (1UL << VPF_migrating));
    assert_int_equal(kicks[0] + kicks[1], 0);
    assert_int_equal(timer_moves, 0);
    assert_int_equal(vc[0].affinity_hard, 1ULL << 1);

    /* No online pCPU in it: refused, the old map kept. */
    assert_int_equal(vcpu_set_hard_affinity(&vc[0], 1ULL << 5), -EINVAL);
    assert_int_equal(vc[0].affinity_hard, 1ULL << 1);
    no_locks_held();
}

static void test_pin_undone_before_switch(void **state)
{
    struct vcpu *m;

    /* Marked to leave pCPU 0, then allowed on it again: stays there. */
    run_on(&vc[0], 0);
    assert_int_equal(vcpu_set_hard_affinity(&vc[0], 1ULL << 1), 0);
    assert_int_equal(vcpu_set_hard_affinity(&vc[0], 0x3), 0);
    assert_null(schedule_on(0, &m));
    assert_ptr_equal(m, &vc[0]);
    vcpu_migrate_finish(&vc[0]);
    assert_int_equal(vc[0].processor, 0);
    assert_int_equal(queued_on(&vc[0]), 0);
    assert_int_equal(timer_moves, 0);
    assert_ptr_equal(schedule_on(0, &m), &vc[0]);
    assert_null(m);
}

static void test_pin_while_domain_paused(void **state)
{
    struct vcpu *m;

    /* Its domain paused while it is handed over: moved, not queued. */
    run_on(&vc[0], 0);
    assert_int_equal(vcpu_set_hard_affinity(&vc[0], 1ULL << 1), 0);
    dom.pause_count = 1;
    assert_null(schedule_on(0, &m));
    assert_ptr_equal(m, &vc[0]);
    vcpu_migrate_finish(&vc[0]);
    assert_false(vc[0].is_running);     /* domain_pause stops waiting */
    assert_int_equal(vc[0].processor, 1);
    assert_int_equal(queued_on(&vc[0]), -1);
    assert_int_equal(vc[0].runstate, RUNSTATE_blocked);
    dom.pause_count = 0;
    vcpu_wake(&vc[0]);
    assert_int_equal(queued_on(&vc[0]), 1);
}

static void test_wake_respects_affinity(void **state)
{
    /* Its map does not allow its pCPU (say that pCPU went offline). */
    vc[4].processor = 0;
    vc[4].affinity_hard = 1ULL << 1;
    vcpu_wake(&vc[4]);
    no_locks_held();
    assert_int_equal(vc[4].processor, 1);
    assert_int_equal(queued_on(&vc[4]), 1);
    assert_int_equal(kicks[1], 1);
    assert_int_equal(kicks[0], 0);

    /* A map with no online pCPU is broken, not obeyed: it stays put. */
    vc[5].processor = 0;
    vc[5].affinity_hard = 1ULL << 3;
    vcpu_wake(&vc[5]);
    assert_int_equal(vc[5].processor, 0);
    assert_int_equal(queued_on(&vc[5]), 0);
}

static void test_pick_least_loaded(void **state)
{
    struct vcpu *m;

    fake_online = 0xf;
    /* pCPU 1: one running, one queued; pCPU 2: one running; 3: idle. */
    run_on(&vc[0], 1);
    vc[1].processor = 1;
    vcpu_wake(&vc[1]);
    run_on(&vc[2], 2);
    (void)m;

    vc[3].processor = 0;
    assert_int_equal(sched_pick_cpu(&vc[3], fake_online), 0);
    vc[3].affinity_hard = 0xe;
    assert_int_equal(sched_pick_cpu(&vc[3], fake_online), 3);
    vc[3].affinity_hard = 0x6;
    assert_int_equal(sched_pick_cpu(&vc[3], fake_online), 2);
    /* Equal loads: the lowest-numbered. */
    fake_online = 0x3;
    vc[3].affinity_hard = ~0ULL;
    assert_int_equal(sched_pick_cpu(&vc[3], fake_online), 0);
    vc[3].processor = 3;                /* on a pCPU gone offline */
    assert_int_equal(sched_pick_cpu(&vc[3], 0x5), 0);

    /* Pinned to {1,2,3} while blocked on 0: goes to idle pCPU 3. */
    fake_online = 0xf;
    vc[3].processor = 0;
    assert_int_equal(vcpu_set_hard_affinity(&vc[3], 0xe), 0);
    assert_int_equal(vc[3].processor, 3);
}

/*
 * vcpu-pin racing the vCPU's own scheduling.  On the hypervisor these
 * run on different pCPUs at once: the toolstack's domctl (on some pCPU)
 * calls vcpu_set_hard_affinity while the vCPU's old pCPU switches away
 * from it (do_schedule) and, lock dropped, hands it over
 * (vcpu_migrate_finish), while the other pCPU schedules and events wake
 * it.  Every one of those steps holds the pCPU locks it needs for its
 * whole length, so any real run is some interleaving of whole steps:
 * this test walks many such interleavings (a fixed-seed generator picks
 * the next step, bounded), with a busy guest vCPU (vc0, rarely blocking)
 * pinned back and forth between pCPUs 0 and 1, each pCPU also busy with
 * a vCPU of its own (vc1 on 0, vc2 on 1).  After every step nothing is
 * lost or doubled; at the end vc0 runs on the pCPU it was pinned to last.
 */

#define RACE_STEPS 4000
#define RACE_SEEDS 16

static u32 race_rnd_state;

static unsigned int race_rnd(unsigned int n)
{
    /* Numerical Recipes' LCG; the high bits are the good ones. */
    race_rnd_state = race_rnd_state * 1664525u + 1013904223u;
    return (race_rnd_state >> 16) % n;
}

/* The vCPU a pCPU switched away from and has yet to hand over. */
static struct vcpu *race_pending[2];
static unsigned int race_ran_on[2];

static bool race_blocked(const struct vcpu *v)
{
    return v->pause_flags & (1UL << VPF_blocked);
}

static void race_check(void)
{
    unsigned int i, c;

    no_locks_held();
    for ( i = 0; i < 3; i++ )
    {
        const struct vcpu *v = &vc[i];
        int q = queued_on(v);           /* fails if on two queues */
        int curr_on = -1, pending_on = -1;

        for ( c = 0; c < 2; c++ )
        {
            if ( sched_pcpu[c].curr == v )
            {
                assert_int_equal(curr_on, -1);
                curr_on = c;
            }
            if ( race_pending[c] == v )
                pending_on = c;
        }
        /* In one place at a time. */
        assert_true((q >= 0) + (curr_on >= 0) + (pending_on >= 0) <= 1);
        if ( q >= 0 )
        {
            /* Queued: not running, on that pCPU, which it may use. */
            assert_false(v->is_running);
            assert_int_equal(v->processor, q);
            assert_true(sched_may_run_on(v, q, fake_online));
        }
        if ( curr_on >= 0 )
        {
            assert_true(v->is_running);
            assert_int_equal(v->processor, curr_on);
            /* Where it may not run, it is marked and its pCPU told. */
            if ( !sched_may_run_on(v, curr_on, fake_online) )
            {
                assert_true(v->pause_flags & (1UL << VPF_migrating));
                assert_true(sched_pcpu[curr_on].need_resched);
            }
        }
        if ( pending_on >= 0 )
        {
            /* Switched away from, not yet handed over: still "running". */
            assert_true(v->is_running);
            assert_int_equal(v->processor, pending_on);
        }
        if ( v->pause_flags & (1UL << VPF_migrating) )
            assert_true(curr_on >= 0 || pending_on >= 0);
        /* Never lost: a vCPU not blocked is queued, running or moving. */
        if ( !race_blocked(v) )
            assert_true(q >= 0 || curr_on >= 0 || pending_on >= 0);
    }
}

/* One whole step of pCPU c: hand over first, as schedule_and_run. */
static void race_pcpu_step(unsigned int c)
{
    struct vcpu *m;

    if ( race_pending[c] )
    {
        vcpu_migrate_finish(race_pending[c]);
        race_pending[c] = NULL;
        return;
    }
    /* Its slice ended (or a kick found it idle). */
    if ( race_rnd(2) )
        sched_pcpu[c].need_resched = true;
    (void)schedule_on(c, &m);
    race_pending[c] = m;
    if ( sched_pcpu[c].curr == &vc[0] )
        race_ran_on[c]++;
}

static void race_run(u32 seed, unsigned int *last_pin)
{
    static const u64 maps[] = { 1ULL << 0, 1ULL << 1, 1ULL << 0,
                                1ULL << 1, 0x3 };
    unsigned int step, pins = 0;

    race_rnd_state = seed;
    for ( step = 0; step < RACE_STEPS; step++ )
    {
        unsigned int what = race_rnd(16);

        if ( what < 10 )
            race_pcpu_step(what & 1);
        else if ( what < 12 )
        {
            /* xm vcpu-pin: back and forth, sometimes "any". */
            *last_pin = pins % 5;
            assert_int_equal(
                vcpu_set_hard_affinity(&vc[0], maps[pins++ % 5]), 0);
        }
        else if ( what < 15 )
            /* An event for it, from anywhere. */
            vcpu_wake(&vc[race_rnd(3)]);
        else if ( sched_pcpu[vc[0].processor].curr == &vc[0] )
            /* The guest itself, running, blocks (SCHEDOP_block). */
            vcpu_block(&vc[0]);
        race_check();
    }
    assert_true(pins > RACE_STEPS / 16);
}

static void test_pin_races_scheduling(void **state)
{
    static const unsigned int target_of[] = { 0, 1, 0, 1, ~0u };
    unsigned int seed;

    for ( seed = 1; seed <= RACE_SEEDS; seed++ )
    {
        unsigned int i, round, last_pin = 4, target;
        bool there = false;

        reset_mig(state);
        memset(race_pending, 0, sizeof(race_pending));
        memset(race_ran_on, 0, sizeof(race_ran_on));
        vc[1].affinity_hard = 1ULL << 0;
        vc[2].affinity_hard = 1ULL << 1;
        run_on(&vc[0], 0);
        run_on(&vc[1], 0);              /* vc0 waits in pCPU 0's queue */
        run_on(&vc[2], 1);
        race_check();

        race_run(seed * 2654435761u, &last_pin);

        /*
         * Settle: pinned last to one pCPU (or "any": then wherever it
         * is), woken, and each pCPU's slice ending a bounded number of
         * times, vc0 runs there and nowhere else.
         */
        target = target_of[last_pin];
        if ( target == ~0u )
        {
            assert_int_equal(vcpu_set_hard_affinity(&vc[0], 1ULL << 1), 0);
            target = 1;
        }
        for ( round = 0; round < 8 && !there; round++ )
        {
            vcpu_wake(&vc[0]);
            for ( i = 0; i < 2; i++ )
            {
                if ( !race_pending[i] )
                    sched_pcpu[i].need_resched = true;
                race_pcpu_step(i);
                race_check();
                assert_true(sched_pcpu[1 - target].curr != &vc[0] ||
                            (vc[0].pause_flags & (1UL << VPF_migrating)));
                there |= sched_pcpu[target].curr == &vc[0];
            }
        }
        assert_true(there);
        assert_int_equal(vc[0].processor, target);
        /* It kept running, on both pCPUs, all along. */
        assert_true(race_ran_on[0] > 20 && race_ran_on[1] > 20);
    }
}

/* ---- dom0's memory map ---- */

/* A QEMU pc machine with 2 GiB, as e820_sanitize() leaves it. */
static const struct e820entry host_pc[] = {
    { 0x0,        0x9fc00,         E820_RAM },
    { 0x9fc00,    0x400,           E820_RESERVED },
    { 0xf0000,    0x10000,         E820_RESERVED },
    { 0x100000,   0x7fee0000,      E820_RAM },
    { 0x7ffe0000, 0x20000,         E820_RESERVED },
    { 0xfeffc000, 0x4000,          E820_RESERVED },
    { 0xfffc0000, 0x40000,         E820_RESERVED },
};

static void expect(const struct hvm_memmap_table_entry *m, unsigned int i,
                   u64 addr, u64 end, u32 type)
{
    if ( m[i].addr != addr || m[i].addr + m[i].size != end ||
         m[i].type != type || m[i].reserved )
        fail_msg("entry %u: [%#lx, %#lx) type %u, want [%#lx, %#lx) type %u",
                 i, (unsigned long)m[i].addr,
                 (unsigned long)(m[i].addr + m[i].size), m[i].type,
                 (unsigned long)addr, (unsigned long)end, type);
}

static void test_memmap_pc(void **state)
{
    /*
     * Dom0 has low RAM, 16 MiB..48 MiB (its kernel), and 64 MiB..528 MiB;
     * the hypervisor (2 MiB..16 MiB), the modules (48..64 MiB) and
     * everything above 528 MiB are not its.
     */
    const struct dom0_range ram[] = {
        { 0x0, 0x9f000 },
        { MB(16), MB(48) },
        { MB(64), MB(528) },
    };
    struct hvm_memmap_table_entry m[32];
    int n = dom0_build_memmap(host_pc, 7, ram, 3, m, 32);

    assert_int_equal(n, 12);
    expect(m, 0, 0, 0x9f000, E820_RAM);
    expect(m, 1, 0x9f000, 0x9fc00, E820_UNUSABLE);
    expect(m, 2, 0x9fc00, 0xa0000, E820_RESERVED);
    expect(m, 3, 0xf0000, 0x100000, E820_RESERVED);
    expect(m, 4, 0x100000, MB(16), E820_UNUSABLE);
    expect(m, 5, MB(16), MB(48), E820_RAM);
    expect(m, 6, MB(48), MB(64), E820_UNUSABLE);
    expect(m, 7, MB(64), MB(528), E820_RAM);
    expect(m, 8, MB(528), 0x7ffe0000, E820_UNUSABLE);
    expect(m, 9, 0x7ffe0000, 0x80000000, E820_RESERVED);
    expect(m, 10, 0xfeffc000, 0xff000000, E820_RESERVED);
    expect(m, 11, 0xfffc0000, 0x100000000UL, E820_RESERVED);
}

static void test_memmap_merge_and_types(void **state)
{
    /* Adjacent RAM entries merge; ACPI and NVS keep their types. */
    const struct e820entry host[] = {
        { 0x0,       MB(1),  E820_RAM },
        { MB(1),     MB(1),  E820_RAM },
        { MB(2),     0x1000, E820_ACPI },
        { MB(2) + 0x1000, 0x1000, E820_NVS },
        { MB(4),     MB(4),  E820_RAM },
        { GB(4),     GB(1),  E820_RAM },
    };
    const struct dom0_range ram[] = {
        { 0, MB(2) },
        { MB(4), MB(8) },
        { GB(4), GB(4) + MB(1) },
        { GB(8), GB(9) },           /* not host RAM: ignored */
    };
    struct hvm_memmap_table_entry m[16];
    int n = dom0_build_memmap(host, 6, ram, 4, m, 16);

    assert_int_equal(n, 6);
    expect(m, 0, 0, MB(2), E820_RAM);
    expect(m, 1, MB(2), MB(2) + 0x1000, E820_ACPI);
    expect(m, 2, MB(2) + 0x1000, MB(2) + 0x2000, E820_NVS);
    expect(m, 3, MB(4), MB(8), E820_RAM);
    expect(m, 4, GB(4), GB(4) + MB(1), E820_RAM);
    expect(m, 5, GB(4) + MB(1), GB(5), E820_UNUSABLE);
}

static void test_memmap_no_ram_and_overflow(void **state)
{
    struct hvm_memmap_table_entry m[16];
    int n;

    /* No dom0 RAM at all: host RAM is all unusable. */
    n = dom0_build_memmap(host_pc, 7, NULL, 0, m, 16);
    assert_int_equal(n, 7);
    expect(m, 0, 0, 0x9fc00, E820_UNUSABLE);
    expect(m, 3, 0x100000, 0x7ffe0000, E820_UNUSABLE);

    /* Every prefix of the output space that is too small says so. */
    {
        const struct dom0_range ram[] = { { MB(16), MB(48) } };
        unsigned int max;

        for ( max = 0; max < 9; max++ )
            assert_int_equal(dom0_build_memmap(host_pc, 7, ram, 1, m, max),
                             -ENOSPC);
        assert_int_equal(dom0_build_memmap(host_pc, 7, ram, 1, m, 9), 9);
    }
}

/* ---- start_info ---- */

static void test_start_info_layout(void **state)
{
    const struct hvm_memmap_table_entry mm[2] = {
        { 0, MB(1), E820_RAM, 0 },
        { MB(1), MB(1), E820_RESERVED, 0 },
    };
    struct dom0_start_params p = {
        .cmdline = "root=/dev/ram0 console=hvc0",
        .initrd_paddr = MB(80),
        .initrd_size = 12345,
        .rsdp_paddr = 0xf5a10,
        .memmap = mm,
        .nr_memmap = 2,
    };
    const u64 base = MB(96);
    static unsigned char buf[4096];
    const struct hvm_start_info *si = (const void *)buf;
    const struct hvm_modlist_entry *mod;
    const struct hvm_memmap_table_entry *m;
    size_t sz = dom0_start_info_size(&p);

    memset(buf, 0xaa, sizeof(buf));
    /* 56 + 32 + 48 + 32 ("root=/dev/ram0 console=hvc0" + NUL = 28 -> 32) */
    assert_int_equal(sz, 56 + 32 + 48 + 32);
    assert_int_equal(dom0_start_info_build(buf, sz - 1, base, &p), 0);
    assert_int_equal(dom0_start_info_build(buf, sizeof(buf), base, &p), sz);

    assert_int_equal(si->magic, 0x336ec578);
    assert_int_equal(si->version, 1);
    assert_int_equal(si->flags, SIF_PRIVILEGED | SIF_INITDOMAIN);
    assert_int_equal(si->nr_modules, 1);
    assert_int_equal(si->modlist_paddr, base + 56);
    assert_int_equal(si->memmap_paddr, base + 88);
    assert_int_equal(si->memmap_entries, 2);
    assert_int_equal(si->cmdline_paddr, base + 136);
    assert_int_equal(si->rsdp_paddr, 0xf5a10);
    assert_int_equal(si->reserved, 0);

    mod = (const void *)(buf + (si->modlist_paddr - base));
    assert_int_equal(mod->paddr, MB(80));
    assert_int_equal(mod->size, 12345);
    assert_int_equal(mod->cmdline_paddr, 0);
    assert_int_equal(mod->reserved, 0);
    m = (const void *)(buf + (si->memmap_paddr - base));
    assert_memory_equal(m, mm, sizeof(mm));
    assert_string_equal((const char *)buf + (si->cmdline_paddr - base),
                        "root=/dev/ram0 console=hvc0");
    /* Padding is zeroed; nothing past the block is written. */
    assert_int_equal(buf[136 + 28], 0);
    assert_int_equal(buf[sz], 0xaa);
}

static void test_start_info_minimal(void **state)
{
    struct dom0_start_params p = {
        .rsdp_paddr = 0x1234,
        .initrd_cmdline = "ignored without an initrd",
    };
    const u64 base = 0x2000;
    static unsigned char buf[256];
    const struct hvm_start_info *si = (const void *)buf;
    size_t sz = dom0_start_info_size(&p);

    assert_int_equal(sz, 56);
    assert_int_equal(dom0_start_info_build(buf, sizeof(buf), base, &p), sz);
    assert_int_equal(si->nr_modules, 0);
    assert_int_equal(si->modlist_paddr, 0);
    assert_int_equal(si->memmap_paddr, 0);
    assert_int_equal(si->memmap_entries, 0);
    assert_int_equal(si->cmdline_paddr, 0);
    assert_int_equal(si->rsdp_paddr, 0x1234);

    /* An initrd with its own command line. */
    p.initrd_paddr = MB(32);
    p.initrd_size = MB(4);
    sz = dom0_start_info_size(&p);
    assert_int_equal(dom0_start_info_build(buf, sizeof(buf), base, &p), sz);
    {
        const struct hvm_modlist_entry *mod =
            (const void *)(buf + (si->modlist_paddr - base));

        assert_int_equal(si->rsdp_paddr, 0x1234);
        assert_string_equal((const char *)buf + (mod->cmdline_paddr - base),
                            "ignored without an initrd");
    }
}

/* test_timer.c */
int reset_timer(void **state);
void test_migrate_armed_timer(void **state);
void test_migrate_idle_and_dead_timers(void **state);

/* test_hypercall.c */
int reset_hc(void **state);
void test_hc_args_and_result(void **state);
void test_hc_enosys_logged_once(void **state);
void test_hc_privileged(void **state);
void test_hc_register_bad(void **state);

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_runq_fifo, reset),
        cmocka_unit_test_setup(test_runq_remove, reset),
        cmocka_unit_test_setup(test_runnable, reset),
        cmocka_unit_test_setup(test_runstate_accounting, reset),
        cmocka_unit_test_setup(test_pin_queued_vcpu, reset_mig),
        cmocka_unit_test_setup(test_pin_running_vcpu, reset_mig),
        cmocka_unit_test_setup(test_pin_blocked_and_down_vcpus, reset_mig),
        cmocka_unit_test_setup(test_pin_allowing_current_cpu, reset_mig),
        cmocka_unit_test_setup(test_pin_undone_before_switch, reset_mig),
        cmocka_unit_test_setup(test_pin_while_domain_paused, reset_mig),
        cmocka_unit_test_setup(test_wake_respects_affinity, reset_mig),
        cmocka_unit_test_setup(test_pick_least_loaded, reset_mig),
        cmocka_unit_test_setup(test_pin_races_scheduling, reset_mig),
        cmocka_unit_test_setup(test_migrate_armed_timer, reset_timer),
        cmocka_unit_test_setup(test_migrate_idle_and_dead_timers,
                               reset_timer),
        cmocka_unit_test_setup(test_memmap_pc, reset),
        cmocka_unit_test_setup(test_memmap_merge_and_types, reset),
        cmocka_unit_test_setup(test_memmap_no_ram_and_overflow, reset),
        cmocka_unit_test_setup(test_start_info_layout, reset),
        cmocka_unit_test_setup(test_start_info_minimal, reset),
        cmocka_unit_test_setup(test_hc_args_and_result, reset_hc),
        cmocka_unit_test_setup(test_hc_enosys_logged_once, reset_hc),
        cmocka_unit_test_setup(test_hc_privileged, reset_hc),
        cmocka_unit_test_setup(test_hc_register_bad, reset_hc),
    };

    return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
