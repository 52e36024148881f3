/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains and vCPUs: creation, lookup, pause and shutdown.
 *
 * Every domain is an HVM container on its own p2m.  Domains sit on
 * domain_list in domid order; domain 0, when privileged, is the hardware
 * domain.  Guests are created and destroyed by the toolstack (domctl);
 * domain_kill() returns everything a guest had.
 *
 * Lifetime.  Every domain has a reference count (xen/sched.h): the
 * list holds one, and a lookup by id (rcu_lock_domain_by_id) takes one
 * under domlist_lock, which domain_kill() also holds to unlink.  Dom0's
 * back-ends and daemons reach guests by id from any pCPU while the
 * toolstack destroys them on another, so domain_kill() works in two
 * stages: what operations on other pCPUs may still reach (event channels,
 * grant table) is closed under their own locks once the domain is dying
 * (those operations check is_dying there and fail cleanly); then it waits
 * until the references of such hypercalls in flight are gone (no new one
 * can be taken: the domain is off the list) before it frees vCPUs, p2m
 * and pages.  The struct itself, its grant table and event-channel arrays
 * go at the last reference (domain_destroy), which may be the caller's.
 * There is no RCU here; the wait is bounded because a hypercall holds a
 * lookup's reference only while it runs, and never waits for domctl's
 * lock (which the destroyer holds) meanwhile.
 *
 * Zombies: frames of a dying domain that other domains still map (page
 * references, xen/mm.h) outlive it.  The domain struct then waits on
 * zombie_list (only domctl's getdomaininfo and the domid allocator look
 * there), which holds domain_list's old reference, until
 * domain_reap_zombies(), under domctl's lock, has freed its last frame.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/shutdown.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/domain.h>
#include <asm/hvm/irq.h>
#include <asm/hvm/vlapic.h>
#include <asm/hvm/vcpu.h>
#include <asm/e820.h>
#include <public/xen.h>
#include <public/sched.h>

struct domain *domain_list;
struct domain *hardware_domain;
static DEFINE_SPINLOCK(domlist_lock);
static struct domain *zombie_list;

static void poll_timer_fn(void *data)
{
    vcpu_wake(data);
}

struct domain *domain_create(domid_t domid, unsigned int max_vcpus,
                             bool privileged)
{
    struct domain *d, **pd;
    unsigned long flags;

    if ( !max_vcpus || max_vcpus > MAX_VIRT_CPUS )
        return NULL;
    if ( domid_in_use(domid) )
        return NULL;

    d = xzalloc(struct domain);
    if ( !d )
        return NULL;
    d->domain_id = domid;
    /* domain_list's reference (dropped by domain_kill). */
    d->refcnt = 1;
    spin_lock_init(&d->lock);
    d->is_privileged = privileged;
    d->is_hardware_domain = privileged && domid == 0;
    d->max_vcpus = max_vcpus;
    d->max_pages = ~0UL;
    d->vcpu = xzalloc_array(struct vcpu *, max_vcpus);
    d->shared_info = alloc_xenheap_page();
    if ( !d->vcpu || !d->shared_info )
        goto fail;
    memset(d->shared_info, 0, PAGE_SIZE);

    if ( p2m_init(&d->p2m) )
    {
        printk(XENLOG_ERR "d%u: cannot set up the p2m\n", domid);
        goto fail;
    }
    if ( evtchn_domain_init(d) || grant_table_init(d) )
    {
        printk(XENLOG_ERR "d%u: cannot set up event channels or grant "
               "tables\n", domid);
        grant_table_destroy(d);
        evtchn_domain_destroy(d);
        grant_table_free(d);
        evtchn_domain_free(d);
        p2m_teardown(&d->p2m);
        goto fail;
    }

    flags = spin_lock_irqsave(&domlist_lock);
    for ( pd = &domain_list; *pd && (*pd)->domain_id < domid;
          pd = &(*pd)->next_in_list )
        ;
    d->next_in_list = *pd;
    *pd = d;
    if ( d->is_hardware_domain )
        hardware_domain = d;
    spin_unlock_irqrestore(&domlist_lock, flags);
    return d;

 fail:
    if ( d->shared_info )
        free_xenheap_page(d->shared_info);
    xfree(d->vcpu);
    xfree(d);
    return NULL;
}

struct vcpu *vcpu_create(struct domain *d, unsigned int vcpu_id,
                         unsigned int cpu)
{
    struct vcpu *v;

    if ( vcpu_id >= d->max_vcpus || d->vcpu[vcpu_id] )
        return NULL;
    v = xzalloc(struct vcpu);
    if ( !v )
        return NULL;
    v->vcpu_id = vcpu_id;
    v->domain = d;
    v->processor = cpu;
    /* Down until the builder or VCPUOP_up brings it up. */
    v->pause_flags = 1UL << VPF_down;
    v->runstate = RUNSTATE_offline;
    v->runstate_entry_time = NOW();
    if ( vcpu_id < XEN_LEGACY_MAX_VCPUS )
        v->vcpu_info =
            &((struct shared_info *)d->shared_info)->vcpu_info[vcpu_id];
    init_timer(&v->poll_timer, poll_timer_fn, v, cpu);

    if ( hvm_vcpu_initialise(v) )
    {
        printk(XENLOG_ERR "d%uv%u: HVM vCPU initialisation failed\n",
               d->domain_id, vcpu_id);
        kill_timer(&v->poll_timer);
        xfree(v);
        return NULL;
    }
    d->vcpu[vcpu_id] = v;
    return v;
}

struct domain *rcu_lock_domain_by_id(domid_t domid)
{
    struct domain *d;
    unsigned long flags;

    if ( domid == DOMID_SELF )
    {
        /* Running: not freed under us, and the reference is uniform. */
        if ( !current )
            return NULL;
        get_domain(current->domain);
        return current->domain;
    }
    /*
     * Under the lock domain_kill() unlinks with: a domain found here
     * is on the list, so its reference is not the last, and domain_kill
     * sees this reference when it waits for them.
     */
    flags = spin_lock_irqsave(&domlist_lock);
    for ( d = domain_list; d; d = d->next_in_list )
        if ( d->domain_id == domid )
            break;
    if ( d && __atomic_load_n(&d->is_dying, __ATOMIC_SEQ_CST) )
        d = NULL;
    if ( d )
        get_domain(d);
    spin_unlock_irqrestore(&domlist_lock, flags);
    return d;
}

bool domid_in_use(domid_t domid)
{
    struct domain *d;
    unsigned long flags;
    bool found = false;

    flags = spin_lock_irqsave(&domlist_lock);
    for ( d = domain_list; d && !found; d = d->next_in_list )
        found = d->domain_id == domid;
    spin_unlock_irqrestore(&domlist_lock, flags);
    return found || domain_lookup_zombie(domid);
}

void domain_pause(struct domain *d)
{
    unsigned int i;

    __atomic_fetch_add(&d->pause_count, 1, __ATOMIC_SEQ_CST);
    for ( i = 0; i < d->max_vcpus; i++ )
        if ( d->vcpu[i] )
            vcpu_sleep_nosync(d->vcpu[i]);
    /*
     * Synchronous, as Xen's: wait until no other pCPU still runs one of
     * the vCPUs.  Each leaves at its next exit (the kick above raised
     * SCHEDULE_SOFTIRQ, whose IPI forces that exit).
     */
    for ( i = 0; i < d->max_vcpus; i++ )
    {
        struct vcpu *v = d->vcpu[i];

        if ( !v || v == current )
            continue;
        while ( __atomic_load_n(&v->is_running, __ATOMIC_SEQ_CST) )
            cpu_relax();
    }
}

void domain_unpause(struct domain *d)
{
    unsigned int i;

    ASSERT(d->pause_count);
    if ( __atomic_sub_fetch(&d->pause_count, 1, __ATOMIC_SEQ_CST) )
        return;
    /* A blocked vCPU is woken as well; block allows spurious wake-ups. */
    for ( i = 0; i < d->max_vcpus; i++ )
        if ( d->vcpu[i] )
            vcpu_wake(d->vcpu[i]);
}

/* The hardware domain going away takes the machine with it (as Xen). */
static void __noreturn hwdom_shutdown(struct domain *d, unsigned int reason)
{
    switch ( reason )
    {
    case SHUTDOWN_poweroff:
        printk("Hardware Dom%u halted: halting machine\n", d->domain_id);
        machine_power_off();
    case SHUTDOWN_crash:
        printk("Hardware Dom%u crashed: ", d->domain_id);
        if ( opt_noreboot )
        {
            printk("'noreboot' set - not rebooting.\n");
            machine_halt();
        }
        printk("rebooting machine in 5 seconds.\n");
        machine_restart(5000);
    case SHUTDOWN_watchdog:
        printk("Hardware Dom%u shutdown: watchdog rebooting machine\n",
               d->domain_id);
        machine_restart(0);
    case SHUTDOWN_reboot:
    default:
        printk("Hardware Dom%u shutdown: rebooting machine\n",
               d->domain_id);
        machine_restart(0);
    }
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    unsigned int i;
    unsigned long flags = spin_lock_irqsave(&d->lock);

    if ( d->is_shutting_down )
    {
        spin_unlock_irqrestore(&d->lock, flags);
        return;
    }
    /* A dying domain is past shutting down (remote_shutdown races kill). */
    if ( d->is_dying )
    {
        spin_unlock_irqrestore(&d->lock, flags);
        return;
    }
    d->is_shutting_down = true;
    d->shutdown_code = reason;
    spin_unlock_irqrestore(&d->lock, flags);

    if ( d->is_hardware_domain )
        hwdom_shutdown(d, reason);

    printk("Domain %u shutdown: reason %u\n", d->domain_id, reason);
    for ( i = 0; i < d->max_vcpus; i++ )
    {
        struct vcpu *v = d->vcpu[i];

        if ( !v )
            continue;
        __atomic_fetch_or(&v->pause_flags, 1UL << VPF_shutdown,
                          __ATOMIC_SEQ_CST);
        vcpu_sleep_nosync(v);
    }
    /* The toolstack learns of it (getdomaininfo shows the reason). */
    send_global_virq(VIRQ_DOM_EXC);
}

/* ---- destruction ---------------------------------------------------- */

/* The frame after the highest RAM frame of the host. */
static unsigned long max_ram_pfn(void)
{
    unsigned long max = 0, end;
    unsigned int i;

    for ( i = 0; i < e820.nr_map; i++ )
    {
        if ( e820.map[i].type != E820_RAM )
            continue;
        end = PFN_DOWN(e820.map[i].addr + e820.map[i].size);
        if ( end > max )
            max = end;
    }
    return max;
}

/*
 * Give every heap block d owns back, except frames other domains still
 * map (*kept counts them).  The frame table knows each block's owner,
 * so this finds frames whatever the p2m says (extents partly given
 * back, frames moved by add_to_physmap).  The whole frame table is
 * walked: d's grant-table frames (xen/mm.h, shared hypervisor frames)
 * are d's too but not in d->tot_pages.
 */
static unsigned long free_domain_pages(struct domain *d, unsigned long *kept)
{
    unsigned long mfn, end = max_ram_pfn(), freed = 0;

    for ( mfn = 0; mfn < end; )
    {
        struct page_info *pg = mfn_to_page(mfn);
        unsigned int order;

        if ( !pg || pg->state != PGS_INUSE )
        {
            /* A free block's frames are nobody's: skip it whole. */
            mfn += pg && pg->state == PGS_FREE ? 1UL << pg->order : 1;
            continue;
        }
        order = pg->order;
        if ( page_get_owner(mfn) == d )
            freed += free_domheap_unreferenced(pg, order, kept);
        mfn += 1UL << order;
    }
    return freed;
}

unsigned long domain_pages_left(const struct domain *d)
{
    return d->tot_pages;
}

struct domain *domain_first_zombie(void)
{
    return zombie_list;
}

struct domain *domain_lookup_zombie(domid_t domid)
{
    struct domain *d;

    for ( d = zombie_list; d; d = d->next_in_list )
        if ( d->domain_id == domid )
            return d;
    return NULL;
}

void domain_destroy(struct domain *d)
{
    ASSERT(!d->refcnt);
    grant_table_free(d);
    evtchn_domain_free(d);
    xfree(d->vcpu);
    /*
     * A use after the last reference then faults on non-canonical
     * pointers instead of quietly using stale memory (test_domrace).
     */
    memset(d, 0xa5, sizeof(*d));
    xfree(d);
}

/*
 * Wait until no vCPU of a live domain runs in guest mode on a p2m
 * generation older than now: an entry removed before this (a dropped
 * foreign or grant mapping) can then no longer be in any TLB.  Only
 * vCPUs in guest mode are waited for, and they leave at the kick's
 * interrupt, so this cannot wait on a vCPU spinning in the hypervisor
 * for a lock the caller holds.
 */
/* v runs in guest mode on a TLB older than p2m generation gen. */
static bool stale_in_guest(const struct vcpu *v, unsigned long gen)
{
    return __atomic_load_n(&v->in_guest, __ATOMIC_SEQ_CST) &&
           (long)(__atomic_load_n(&v->hvm->p2m_flush_gen,
                                  __ATOMIC_SEQ_CST) - gen) < 0;
}

static void sync_guest_tlbs(void)
{
    struct domain *m;
    unsigned int i;

    for ( m = domain_list; m; m = m->next_in_list )
        for ( i = 0; i < m->max_vcpus; i++ )
        {
            struct vcpu *v = m->vcpu[i];
            /* What it must have caught up with (later changes: no matter). */
            unsigned long gen = __atomic_load_n(&m->p2m.flush_gen,
                                                __ATOMIC_SEQ_CST);

            if ( !v || !v->hvm || v == current )
                continue;
            /* One kick: its interrupt makes the vCPU exit (and re-enter). */
            if ( stale_in_guest(v, gen) )
                hvm_vcpu_kick(v);
            while ( stale_in_guest(v, gen) )
                cpu_relax();
        }
}

void domain_reap_zombies(void)
{
    struct domain **pd, *d;
    bool pending = false;

    for ( d = zombie_list; d; d = d->next_in_list )
        pending |= __atomic_exchange_n(&d->zombie_pending, false,
                                       __ATOMIC_SEQ_CST);
    for ( d = domain_list; d; d = d->next_in_list )
        pending |= d->p2m.nr_detached != 0;
    if ( !pending )
        return;

    sync_guest_tlbs();
    /* p2m table pages unmapping emptied (asm/p2m.h) go back too. */
    for ( d = domain_list; d; d = d->next_in_list )
        p2m_free_detached(&d->p2m);
    for ( pd = &zombie_list; (d = *pd) != NULL; )
    {
        unsigned long kept = 0, freed = free_domain_pages(d, &kept);

        if ( kept )
        {
            pd = &d->next_in_list;
            continue;
        }
        *pd = d->next_in_list;
        printk("Domain %u: last foreign/grant mapping gone, %lu pages "
               "returned\n", d->domain_id, freed);
        if ( d->tot_pages )
            printk(XENLOG_ERR "d%u: %lu pages still counted after "
                   "destroy\n", d->domain_id, d->tot_pages);
        /* The zombie list's reference. */
        put_domain(d);
    }
}

int domain_kill(struct domain *d)
{
    struct domain **pd;
    unsigned long flags, freed, kept = 0;
    unsigned int i;

    if ( d->is_hardware_domain || d->is_privileged || d == current->domain )
        return -EINVAL;

    flags = spin_lock_irqsave(&d->lock);
    if ( d->is_dying )
    {
        spin_unlock_irqrestore(&d->lock, flags);
        return 0;
    }
    __atomic_store_n(&d->is_dying, true, __ATOMIC_SEQ_CST);
    spin_unlock_irqrestore(&d->lock, flags);

    /* Not runnable any more (vcpu_runnable): take them off the pCPUs. */
    for ( i = 0; i < d->max_vcpus; i++ )
        if ( d->vcpu[i] )
            vcpu_sleep_nosync(d->vcpu[i]);
    for ( i = 0; i < d->max_vcpus; i++ )
    {
        struct vcpu *v = d->vcpu[i];

        while ( v && (__atomic_load_n(&v->is_running, __ATOMIC_SEQ_CST) ||
                      __atomic_load_n(&v->on_runq, __ATOMIC_SEQ_CST)) )
        {
            vcpu_sleep_nosync(v);
            cpu_relax();
        }
    }

    flags = spin_lock_irqsave(&domlist_lock);
    for ( pd = &domain_list; *pd && *pd != d; pd = &(*pd)->next_in_list )
        ;
    if ( *pd )
        *pd = d->next_in_list;
    spin_unlock_irqrestore(&domlist_lock, flags);

    /*
     * Close what other domains reach by id or through their own ports;
     * from now on those operations see d dying under the port's or the
     * table's lock and fail, and the memory stays until the last put.
     */
    evtchn_domain_destroy(d);
    grant_table_destroy(d);

    /*
     * Wait out the lookups of hypercalls in flight on other pCPUs (dom0's
     * back-ends, foreign maps, remote_shutdown...): they may still use
     * d's vCPUs, p2m or pages, which go next.  Two references remain:
     * domain_list's and the caller's.  No new one can be taken: d is off
     * the list, and DOMID_SELF lookups only come from d's own vCPUs,
     * which are stopped.
     */
    while ( __atomic_load_n(&d->refcnt, __ATOMIC_SEQ_CST) > 2 )
        cpu_relax();

    for ( i = 0; i < d->max_vcpus; i++ )
    {
        struct vcpu *v = d->vcpu[i];

        if ( !v )
            continue;
        d->vcpu[i] = NULL;
        kill_timer(&v->poll_timer);
        vcpu_op_destroy(v);
        hvm_vcpu_destroy(v);
        xfree(v);
    }
    hvm_vdev_destroy(d);
    /* Its own foreign/grant entries drop their references first. */
    p2m_teardown(&d->p2m);
    freed = free_domain_pages(d, &kept);
    hvm_domain_destroy(d);
    free_xenheap_page(d->shared_info);
    d->shared_info = NULL;

    if ( kept )
    {
        /*
         * Other domains still map some of its frames (dom0's daemons
         * have the console and xenstore rings mapped until they notice):
         * those stay allocated to it until the last mapping goes.
         */
        printk("Domain %u destroyed: %lu pages returned, %lu still mapped "
               "by other domains (dying until unmapped)\n", d->domain_id,
               freed, kept);
        /* domain_list's reference becomes the zombie list's. */
        d->next_in_list = zombie_list;
        zombie_list = d;
        /* Frames unmapped meanwhile are found at the next reaping. */
        d->zombie_pending = true;
        /* As Xen's: dom0's xenstored learns a domain died (not only
         * shut down) and releases its connection. */
        send_global_virq(VIRQ_DOM_EXC);
        return 0;
    }
    printk("Domain %u destroyed: %lu pages returned\n", d->domain_id,
           freed);
    if ( d->tot_pages )
        printk(XENLOG_ERR "d%u: %lu pages still counted after destroy\n",
               d->domain_id, d->tot_pages);
    send_global_virq(VIRQ_DOM_EXC);
    /* domain_list's reference; the caller's frees it. */
    put_domain(d);
    return 0;
}
