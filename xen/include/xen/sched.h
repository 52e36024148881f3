/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains and virtual CPUs.
 *
 * Every guest (dom0 included) is an HVM container: its vCPUs run under
 * SVM or VMX on the domain's p2m.  Subsystems keep their per-domain and
 * per-vCPU state in the sub-structures named below; add fields there, in
 * the subsystem's own header, rather than here.
 */
#ifndef XEN_SCHED_H
#define XEN_SCHED_H

#include <xen/types.h>
#include <xen/compiler.h>
#include <xen/timer.h>
#include <asm/spinlock.h>
#include <asm/p2m.h>
#include <asm/traps.h>

typedef u16 domid_t;

#define DOMID_FIRST_RESERVED 0x7FF0
#define DOMID_SELF           0x7FF0
#define DOMID_IO             0x7FF1
#define DOMID_XEN            0x7FF2
#define DOMID_INVALID        0x7FF4
#define DOMID_IDLE           0x7FFF

#define MAX_VIRT_CPUS        128

struct domain;
struct vcpu;
struct evtchn_domain;           /* common/event_channel.c */
struct grant_table;             /* common/grant_table.c */
struct hvm_domain;              /* arch/x86/hvm/ */
struct hvm_vcpu;

/* Runstates, as in the Xen ABI (vcpu.h). */
#define RUNSTATE_running  0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked  2
#define RUNSTATE_offline  3

struct vcpu {
    unsigned int vcpu_id;
    struct domain *domain;
    unsigned int processor;         /* pCPU it runs (or last ran) on */

    /*
     * Reasons not to run, as bits: a vCPU runs only when pause_flags is 0
     * and its domain is not paused.
     */
    unsigned long pause_flags;
#define VPF_blocked  0              /* SCHEDOP_block, HLT */
#define VPF_down     1              /* not yet brought up / VCPUOP_down */
#define VPF_shutdown 2
#define VPF_migrating 3             /* moving to another pCPU (sched.c) */
    bool is_running;
    /*
     * Between VM entry and exit (the vendor's run function sets it after
     * it has taken up the p2m's flush_gen): a vCPU that is not may hold
     * no stale p2m translation once it re-enters (domain_reap_zombies).
     */
    bool in_guest;
    int runstate;
    s_time_t runstate_entry_time;
    u64 cpu_time;                   /* ns spent running */

    struct timer singleshot_timer;  /* VCPUOP_set_singleshot_timer */
    struct timer poll_timer;

    /* Guest GPRs not held in the VMCB/VMCS; saved on every exit. */
    struct cpu_user_regs regs;

    struct hvm_vcpu *hvm;           /* vendor + vlapic state */
    struct vlapic *vlapic;          /* asm/hvm/vlapic.h */
    void *vcpu_info;                /* in the guest's shared_info/page */
    struct vcpu *sched_next;        /* run queue link */
    bool on_runq;                   /* linked on its pCPU's run queue */
    u64 runstate_time[4];           /* ns spent in each RUNSTATE_* */
    /*
     * Toolstack affinity (domctl): one bit per pCPU (NR_CPUS <= 64).  The
     * hard map says where the scheduler may run the vCPU (none online
     * set: anywhere); change it with vcpu_set_hard_affinity().
     */
    u64 affinity_hard, affinity_soft;
};

struct domain {
    domid_t domain_id;
    spinlock_t lock;
    bool is_privileged;             /* dom0: may use domctl/sysctl */
    bool is_hardware_domain;        /* dom0: owns the real devices */
    bool is_dying;
    /*
     * References (get_domain/put_domain): domain_list's own (dropped by
     * domain_kill), the zombie list's, one per lookup until
     * rcu_unlock_domain.  The struct, its vCPU array, grant table and
     * event-channel arrays are freed at the last one (domain_destroy).
     */
    unsigned int refcnt;
    /*
     * A dying domain whose frames other domains still map stays a
     * zombie (off domain_list, on the zombie list) until they unmap;
     * put_page() sets zombie_pending when one of its frames lost its
     * last reference (heap_lock held).
     */
    bool zombie_pending;
    unsigned int pause_count;       /* domain_pause() nesting */
    bool is_shutting_down;
    unsigned int shutdown_code;     /* SHUTDOWN_* when shut down */

    unsigned int max_vcpus;
    struct vcpu **vcpu;             /* [max_vcpus] */

    struct p2m_domain p2m;
    unsigned long tot_pages;        /* RAM pages it owns */
    unsigned long max_pages;

    void *shared_info;              /* one page, direct-map address */
    struct evtchn_domain *evtchn;
    struct grant_table *grant_table;
    struct hvm_domain *hvm;         /* params, vioapic, ... */
    struct hvm_vdev *vdev;          /* emulated devices, asm/hvm/io.h */

    u8 handle[16];                  /* UUID from the toolstack */

    /* Toolstack state (common/domctl.c). */
    bool controller_paused;         /* holds one pause_count */
    u32 createflags;                /* XEN_DOMCTL_CDF_* */
    u32 ssidref;
    u16 sched_weight, sched_cap;    /* credit parameters, stored only */
    struct domain *next_in_list;
};

/* All domains, in domid order; dom0 is hardware_domain. */
extern struct domain *domain_list;
extern struct domain *hardware_domain;

struct domain *domain_create(domid_t domid, unsigned int max_vcpus,
                             bool privileged);
struct vcpu *vcpu_create(struct domain *d, unsigned int vcpu_id,
                         unsigned int cpu);
/*
 * The live domain with that id (DOMID_SELF: the caller's), holding a
 * reference the caller drops with rcu_unlock_domain() on every path; NULL
 * if there is none or it is dying.  The reference keeps the memory of
 * the struct, its grant table and event-channel arrays; while it is held,
 * domain_kill() marks the domain dying and closes its event channels and
 * grant table (operations on it then fail under their own locks) but waits
 * for the reference to go before it frees the vCPUs, p2m and pages: hold
 * it only for the length of one hypercall, and never wait for domctl's
 * lock while holding it.
 */
struct domain *rcu_lock_domain_by_id(domid_t domid);
/* A domain or zombie with that id exists (no reference taken). */
bool domid_in_use(domid_t domid);

/* Frees d at the last reference (put_domain): not to be called directly. */
void domain_destroy(struct domain *d);

/* Another reference to d, for a caller that already holds one. */
static inline void get_domain(struct domain *d)
{
    __atomic_fetch_add(&d->refcnt, 1, __ATOMIC_SEQ_CST);
}

static inline void put_domain(struct domain *d)
{
    if ( !__atomic_sub_fetch(&d->refcnt, 1, __ATOMIC_SEQ_CST) )
        domain_destroy(d);
}

static inline void rcu_unlock_domain(struct domain *d)
{
    put_domain(d);
}

/*
 * The halves of the per-domain grant table and event channels that run
 * at the last reference (domain_destroy): their memory only.
 * grant_table_destroy() and evtchn_domain_destroy() (domain_kill) have
 * already closed everything; operations that still reach the domain see
 * it dying under the table's lock and fail.
 */
void grant_table_free(struct domain *d);
void evtchn_domain_free(struct domain *d);
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);
void domain_shutdown(struct domain *d, unsigned int reason);
/*
 * Destroy a guest (not the hardware domain), called with one reference of
 * the caller's (which it keeps): mark it dying, stop its vCPUs, take it
 * off domain_list (no lookup finds it any more), close its event channels
 * and grants, wait until no other reference is held (lookups by
 * hypercalls in flight on other pCPUs), then free its vCPUs and p2m,
 * return every page it owns to the heap and drop the list's reference.
 * Frames another domain still maps (foreign or grant mappings hold page
 * references) stay allocated: the domain then becomes a zombie, off
 * domain_list (nothing can reach it through rcu_lock_domain_by_id),
 * dying in getdomaininfo, its domid not reused, the zombie list holding
 * a reference until domain_reap_zombies() finds its last frame unmapped.
 * 0, or -EINVAL for the hardware domain.
 */
int domain_kill(struct domain *d);
/* A zombie with that domid, or NULL. */
struct domain *domain_lookup_zombie(domid_t domid);
/*
 * The zombies (linked by next_in_list, in no order): walk them under
 * domctl's lock (domain_reap_zombies frees them), or as a debug-key
 * snapshot.
 */
struct domain *domain_first_zombie(void);
/*
 * Free the zombies' frames whose last reference went and the p2m table
 * pages unmapping detached (once every vCPU that may still cache a
 * translation through them has flushed), and the zombies left with no
 * frame.  Called with domctl's lock held, at
 * every domctl and sysctl (domctl_lock_acquire), so the toolstack's
 * view of free memory and domains is current.
 */
void domain_reap_zombies(void);
/* Pages d still owns that no p2m entry of d accounts for (debugging). */
unsigned long domain_pages_left(const struct domain *d);

/*
 * The toolstack's hypercalls (common/domctl.c, common/sysctl.c), dom0
 * only (HC_PRIVILEGED entries of the hypercall table).
 */
long do_domctl(unsigned long arg, unsigned long a2, unsigned long a3,
               unsigned long a4, unsigned long a5);
long do_sysctl(unsigned long arg, unsigned long a2, unsigned long a3,
               unsigned long a4, unsigned long a5);
/* domctl's lock (serialises every domctl) and its info record. */
struct xen_domctl_getdomaininfo;
void domctl_lock_acquire(void);
void domctl_lock_release(void);
void domctl_getdomaininfo(const struct domain *d,
                          struct xen_domctl_getdomaininfo *info);

/*
 * Set a down vCPU's initial state from a VCPUOP_initialise-style context
 * (common/vcpuop.c) and, if up, make it online.  0, -EINVAL (bad
 * context), -EEXIST (the vCPU is up).
 */
struct vcpu_hvm_context;
int vcpu_set_hvm_context(struct vcpu *v, const struct vcpu_hvm_context *c,
                         bool up);
/* Drop vcpu_op's per-vCPU state (timers, areas) before v is freed. */
void vcpu_op_destroy(struct vcpu *v);
/*
 * Move every timer that belongs to v (singleshot, periodic, poll, its
 * vLAPIC's) to pCPU cpu, for the scheduler when v changes pCPU
 * (common/vcpuop.c).  Called with the scheduler locks of v's old and new
 * pCPU held.
 */
void vcpu_migrate_timers(struct vcpu *v, unsigned int cpu);

/* Scheduler. */
void vcpu_wake(struct vcpu *v);          /* make runnable if nothing else stops it */
void vcpu_sleep_nosync(struct vcpu *v);
void vcpu_block(struct vcpu *v);         /* block until an event is pending */
void scheduler_init(void);
void __noreturn schedule_and_run(void);  /* a pCPU's loop: pick, run, repeat */

/*
 * Scheduler extras (common/sched.c).  vcpu_wake() also ends a block
 * (clears VPF_blocked): call it when an event or interrupt is pending.
 * vcpu_yield() puts the current vCPU at the back of its queue.
 * sched_start() lets every pCPU's idle loop enter schedule_and_run().
 */
void vcpu_yield(void);
bool vcpu_runnable(const struct vcpu *v);
void vcpu_runstate_get(const struct vcpu *v, u64 time[4]);
/*
 * Set v's hard affinity (one bit per pCPU).  If it does not allow v's
 * pCPU, v moves to an allowed one (the least loaded): at once if it does
 * not run, else as soon as its pCPU switches away from it; its timers
 * follow it.  0, or -EINVAL if map holds no online pCPU.
 */
int vcpu_set_hard_affinity(struct vcpu *v, u64 map);
void sched_start(void);
extern bool sched_started;
/* ns pCPU cpu spent with nothing to run (sysctl getcpuinfo). */
u64 sched_idle_time(unsigned int cpu);

/*
 * Hooks for guest-visible state that follows scheduling (the registered
 * runstate area, vcpu_time_info).  NULL: nothing to do.
 * sched_runstate_hook runs after every runstate change of v, on any
 * pCPU, with the scheduler lock of v's pCPU held and interrupts off: it
 * must not call back into the scheduler.  sched_switch_in_hook runs on
 * v's pCPU, interrupts off, right before v runs again after its pCPU ran
 * something else or idled.
 */
extern void (*sched_runstate_hook)(struct vcpu *v);
extern void (*sched_switch_in_hook)(struct vcpu *v);
/*
 * sched_idle_hook runs on a pCPU with nothing to run, interrupts on, no
 * softirq pending: one bounded piece of background work.  It returns
 * true if it did some (the pCPU then looks for work again before it
 * halts), false if there is none.  domain_idle.c sets it.
 */
extern bool (*sched_idle_hook)(unsigned int cpu);

#endif
