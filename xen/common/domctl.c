/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domctl (36): the toolstack's per-domain operations (public/domctl.h).
 *
 * Only the control domain (dom0) may call it: the hypercall table
 * refuses others with -EPERM and do_domctl() checks again.  The argument
 * is copied in whole, its interface_version checked (-EACCES when it is
 * not ours), one handler runs, and the structure is copied back on
 * success.  Handlers check every field: a domid that names nothing is
 * -ESRCH, a bad guest pointer -EFAULT, out-of-range values -EINVAL.
 * All domctls are serialised by one lock (as Xen's domctl_lock), so two
 * toolstack calls never race on one domain's creation or destruction.
 *
 * The pure parts (argument checks, info packing) come first; the unit
 * tests include this file with KEEL_HOST_TEST, which leaves out the rest.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <asm/hvm/domain.h>
#include <public/xen.h>
#include <public/domctl.h>
#include <public/sched.h>
#include <public/hvm/params.h>
#ifndef KEEL_HOST_TEST
#include "domctl_load.h"
#endif

/* Emulation a Keel guest may ask for: a vLAPIC, nothing else. */
#define DOMCTL_EMU_ALLOWED  XEN_X86_EMU_LAPIC

/* Checks of createdomain's configuration (the domid is checked apart). */
static int domctl_check_createdomain(const struct xen_domctl_createdomain *c)
{
    const u32 need = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;

    if ( (c->flags & need) != need ||
         (c->flags & ~XEN_DOMCTL_CDF_KEEL_ALLOWED) )
        return -EINVAL;
    if ( c->iommu_opts || c->vmtrace_size || c->cpupool_id ||
         c->arch.misc_flags )
        return -EINVAL;
    if ( !c->max_vcpus || c->max_vcpus > XEN_DOMCTL_MAX_VCPUS )
        return -EINVAL;
    if ( c->arch.emulation_flags & ~DOMCTL_EMU_ALLOWED )
        return -EINVAL;
    if ( c->max_grant_frames < -1 || c->max_maptrack_frames < -1 )
        return -EINVAL;
    return 0;
}

/* A domid the toolstack may name for a new domain (0: pick one). */
static bool domctl_domid_ok(domid_t domid)
{
    return domid < DOMID_FIRST_RESERVED;
}

/* Credit parameters: weight 0 keeps the old one; cap <= 100% per pCPU. */
static int domctl_check_credit(const struct xen_domctl_sched_credit *c,
                               unsigned int nr_cpus)
{
    if ( c->cap > 100 * nr_cpus )
        return -EINVAL;
    return 0;
}

/* max_memkb -> pages; 2^62 pages or more means no limit (~0). */
static unsigned long domctl_memkb_to_pages(u64 kb)
{
    if ( kb >> 2 >= (u64)(~0UL >> 2) )
        return ~0UL;
    return (unsigned long)(kb >> 2);        /* 4 KiB pages */
}

/* A guest bitmap of nr_bits bits as the first 64 bits (the rest ignored). */
static u64 domctl_bitmap_to_u64(const u8 *bytes, u32 nr_bits)
{
    u64 m = 0;
    unsigned int i, nbytes = (nr_bits + 7) / 8;

    if ( nbytes > 8 )
        nbytes = 8;
    for ( i = 0; i < nbytes; i++ )
        m |= (u64)bytes[i] << (8 * i);
    if ( nr_bits < 64 )
        m &= (1ULL << nr_bits) - 1;
    return m;
}

/* getdomaininfo's record for d (under the domctl lock). */
static void domctl_pack_info(const struct domain *d,
                             struct xen_domctl_getdomaininfo *info)
{
    unsigned int i, online = 0, blocked = 0;
    bool running = false;
    u64 cpu_time = 0;

    memset(info, 0, sizeof(*info));
    info->domain = d->domain_id;
    info->flags = XEN_DOMINF_hvm_guest | XEN_DOMINF_hap;
    if ( d->is_dying )
        info->flags |= XEN_DOMINF_dying;
    if ( d->is_shutting_down )
        info->flags |= XEN_DOMINF_shutdown |
                       ((d->shutdown_code & XEN_DOMINF_shutdownmask)
                        << XEN_DOMINF_shutdownshift);
    if ( d->controller_paused )
        info->flags |= XEN_DOMINF_paused;
    if ( d->createflags & XEN_DOMCTL_CDF_xs_domain )
        info->flags |= XEN_DOMINF_xs_domain;

    for ( i = 0; i < d->max_vcpus; i++ )
    {
        const struct vcpu *v = d->vcpu[i];

        if ( !v )
            continue;
        cpu_time += v->cpu_time;
        if ( v->pause_flags & (1UL << VPF_down) )
            continue;
        online++;
        if ( v->is_running )
            running = true;
        else if ( v->pause_flags & (1UL << VPF_blocked) )
            blocked++;
    }
    if ( running )
        info->flags |= XEN_DOMINF_running;
    else if ( online && blocked == online )
        info->flags |= XEN_DOMINF_blocked;

    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
    info->shared_info_frame = d->hvm ? d->hvm->shared_info_gfn
                                     : ~(u64)0;
    info->cpu_time = cpu_time;
    info->nr_online_vcpus = online;
    info->max_vcpu_id = d->max_vcpus ? d->max_vcpus - 1 : 0;
    info->ssidref = d->ssidref;
    memcpy(info->handle, d->handle, sizeof(info->handle));
    info->cpupool = 0;
    info->gpaddr_bits = 48;                 /* 4-level NPT/EPT */
    info->arch_config.emulation_flags =
        d->is_hardware_domain ? XEN_X86_EMU_LAPIC | XEN_X86_EMU_IOAPIC
                              : XEN_X86_EMU_LAPIC;
}

/* HVM params the toolstack may set on a guest. */
static bool domctl_param_settable(u32 index)
{
    switch ( index )
    {
    case HVM_PARAM_STORE_PFN:
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_PFN:
    case HVM_PARAM_CONSOLE_EVTCHN:
    case HVM_PARAM_PAE_ENABLED:
    case HVM_PARAM_TIMER_MODE:
    case HVM_PARAM_TRIPLE_FAULT_REASON:
        return true;
    }
    return false;
}

#ifndef KEEL_HOST_TEST

#include <xen/console.h>
#include <xen/mm.h>
#include <xen/guest_access.h>
#include <xen/cpumask.h>
#include <asm/current.h>
#include <asm/smp.h>
#include <asm/hvm/hvm.h>
#include <public/vcpu.h>

static DEFINE_SPINLOCK(domctl_lock);
static domid_t domid_rotor = 1;

/* The next free domid after the last one handed out (Xen's rotor). */
static domid_t pick_domid(void)
{
    unsigned int tries;

    for ( tries = 0; tries < DOMID_FIRST_RESERVED; tries++ )
    {
        domid_t id = domid_rotor;

        domid_rotor = id + 1 >= DOMID_FIRST_RESERVED ? 1 : id + 1;
        if ( !domid_in_use(id) )
            return id;
    }
    return DOMID_INVALID;
}

static unsigned int online_cpu_count(void)
{
    unsigned int n = num_online_cpus();

    return n ? n : 1;
}

/* The n-th online pCPU (wrapping), for spreading vCPUs. */
static unsigned int nth_online_cpu(unsigned int n)
{
    unsigned int cpu, i = 0, want = n % online_cpu_count();

    for_each_online_cpu ( cpu )
        if ( i++ == want )
            return cpu;
    return 0;
}

static long createdomain(struct xen_domctl *op)
{
    struct xen_domctl_createdomain *c = &op->u.createdomain;
    struct domain *d;
    domid_t domid = op->domain;
    unsigned int i;
    int rc = domctl_check_createdomain(c);

    if ( rc )
        return rc;
    if ( !hvm_hap_enabled() )
    {
        printk(XENLOG_WARNING "domctl: createdomain needs SVM/VMX with "
               "nested paging (NPT/EPT), which this host lacks\n");
        return -EOPNOTSUPP;
    }
    if ( domid == 0 )
    {
        domid = pick_domid();
        if ( domid == DOMID_INVALID )
            return -ENOSPC;
    }
    else if ( !domctl_domid_ok(domid) )
        return -EINVAL;
    else if ( domid_in_use(domid) )
        return -EEXIST;

    d = domain_create(domid, c->max_vcpus, false);
    if ( !d )
        return -ENOMEM;
    /* Paused by the toolstack until it has built it. */
    d->pause_count = 1;
    d->controller_paused = true;
    d->max_pages = 0;                       /* until max_mem */
    d->createflags = c->flags;
    d->ssidref = c->ssidref;
    d->sched_weight = 256;
    d->sched_cap = 0;
    memcpy(d->handle, c->handle, sizeof(d->handle));

    for ( i = 0; i < c->max_vcpus; i++ )
    {
        struct vcpu *v = vcpu_create(d, i, nth_online_cpu(domid + i));

        if ( !v )
        {
            printk(XENLOG_ERR "d%u: cannot create vCPU %u\n", domid, i);
            /* domain_kill wants a reference of its caller's. */
            get_domain(d);
            domain_kill(d);
            put_domain(d);
            return -ENOMEM;
        }
        v->affinity_hard = v->affinity_soft = ~0ULL;
    }
    op->domain = domid;
    printk("Domain %u created (%u vCPUs)\n", domid, c->max_vcpus);
    return 0;
}

static long pause_unpause(struct domain *d, bool pause)
{
    if ( d == current->domain || d->is_dying )
        return -EINVAL;
    if ( pause )
    {
        if ( !d->controller_paused )
        {
            d->controller_paused = true;
            domain_pause(d);
        }
        return 0;
    }
    if ( !d->controller_paused )
        return -EINVAL;
    d->controller_paused = false;
    domain_unpause(d);
    return 0;
}

static long setvcpucontext(struct domain *d,
                           struct xen_domctl_vcpucontext *c)
{
    struct vcpu_hvm_context ctx;
    struct vcpu *v;

    if ( d == current->domain )
        return -EINVAL;
    if ( c->vcpu >= d->max_vcpus || !(v = d->vcpu[c->vcpu]) )
        return -EINVAL;
    if ( !c->ctxt )
        return -EFAULT;
    if ( copy_from_guest(&ctx, c->ctxt, sizeof(ctx)) )
        return -EFAULT;
    return vcpu_set_hvm_context(v, &ctx, true);
}

static long getvcpuinfo(struct domain *d, struct xen_domctl_getvcpuinfo *g)
{
    struct vcpu *v;
    u64 t[4];

    if ( g->vcpu >= d->max_vcpus || !(v = d->vcpu[g->vcpu]) )
        return -EINVAL;
    vcpu_runstate_get(v, t);
    g->online = !(v->pause_flags & (1UL << VPF_down));
    g->blocked = !!(v->pause_flags & (1UL << VPF_blocked));
    g->running = v->is_running;
    g->cpu_time = t[RUNSTATE_running];
    g->cpu = v->processor;
    return 0;
}

/*
 * Affinity is stored and reported; the hard map is where the scheduler
 * may run the vCPU.  A hard map without the vCPU's current pCPU moves it
 * (at once, or when its pCPU next switches away from it if it is running
 * now), as Xen does.  A hard map with no online pCPU is refused
 * (-EINVAL).
 */
static long vcpuaffinity(struct domain *d, struct xen_domctl_vcpuaffinity *a,
                         bool set)
{
    struct xenctl_bitmap *maps[2] = { &a->cpumap_hard, &a->cpumap_soft };
    u32 flags[2] = { XEN_VCPUAFFINITY_HARD, XEN_VCPUAFFINITY_SOFT };
    struct vcpu *v;
    unsigned int i;

    if ( a->vcpu >= d->max_vcpus || !(v = d->vcpu[a->vcpu]) )
        return -EINVAL;
    if ( !(a->flags & (XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT)) ||
         (a->flags & ~(XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT |
                       XEN_VCPUAFFINITY_FORCE)) )
        return -EINVAL;

    if ( set )
    {
        u64 m[2] = { v->affinity_hard, v->affinity_soft };

        for ( i = 0; i < 2; i++ )
        {
            u8 bytes[8] = { 0 };
            u32 n;

            if ( !(a->flags & flags[i]) )
                continue;
            n = maps[i]->nr_bits;
            if ( !n || !maps[i]->bitmap )
                return -EINVAL;
            if ( copy_from_guest(bytes, maps[i]->bitmap,
                                 (n + 7) / 8 < 8 ? (n + 7) / 8 : 8) )
                return -EFAULT;
            m[i] = domctl_bitmap_to_u64(bytes, n);
        }
        if ( (a->flags & XEN_VCPUAFFINITY_HARD) && !(m[0] & cpu_online_mask64()) )
            return -EINVAL;
        v->affinity_soft = m[1];
        if ( a->flags & XEN_VCPUAFFINITY_HARD )
            vcpu_set_hard_affinity(v, m[0]);
    }

    /* Write back the effective maps (both, as Xen). */
    for ( i = 0; i < 2; i++ )
    {
        u64 m = (i ? v->affinity_soft : v->affinity_hard) & cpu_online_mask64();
        u8 bytes[8];
        u32 n = maps[i]->nr_bits, len = (n + 7) / 8, j;

        /*
         * A hard map with no online pCPU (dom0's vCPUs have none set) lets
         * the scheduler use every online one: say so.
         */
        if ( !i && !m )
            m = cpu_online_mask64();

        if ( !maps[i]->bitmap || !n )
            continue;
        for ( j = 0; j < 8; j++ )
            bytes[j] = m >> (8 * j);
        if ( copy_to_guest(maps[i]->bitmap, bytes, len < 8 ? len : 8) )
            return -EFAULT;
        /* Bits beyond 64 pCPUs are zero. */
        for ( j = 8; j < len; j++ )
        {
            u8 z = 0;

            if ( copy_to_guest(maps[i]->bitmap + j, &z, 1) )
                return -EFAULT;
        }
    }
    return 0;
}

static long scheduler_op(struct domain *d, struct xen_domctl_scheduler_op *s)
{
    int rc;

    if ( s->sched_id != XEN_SCHEDULER_CREDIT )
        return -EINVAL;
    switch ( s->cmd )
    {
    case XEN_DOMCTL_SCHEDOP_putinfo:
        rc = domctl_check_credit(&s->u.credit, online_cpu_count());
        if ( rc )
            return rc;
        if ( s->u.credit.weight )
            d->sched_weight = s->u.credit.weight;
        d->sched_cap = s->u.credit.cap;
        /* Report what is now in force. */
        __attribute__((__fallthrough__));
    case XEN_DOMCTL_SCHEDOP_getinfo:
        s->u.credit.weight = d->sched_weight ? d->sched_weight : 256;
        s->u.credit.cap = d->sched_cap;
        return 0;
    }
    return -EINVAL;
}

static long hvm_param(struct domain *d, struct xen_domctl_hvm_param *p,
                      bool set)
{
    struct hvm_domain *hd;
    unsigned long flags;

    if ( p->index >= HVM_NR_PARAMS )
        return -EINVAL;
    if ( set && (d == current->domain || !domctl_param_settable(p->index)) )
        return -EINVAL;
    hd = hvm_domain_get(d);
    if ( !hd )
        return -ENOMEM;
    flags = spin_lock_irqsave(&hd->lock);
    if ( set )
        hd->params[p->index] = p->value;
    else
        p->value = hd->params[p->index];
    spin_unlock_irqrestore(&hd->lock, flags);
    return 0;
}

void domctl_lock_acquire(void)
{
    spin_lock(&domctl_lock);
    /* Every toolstack call sees zombies gone once they are unmapped. */
    domain_reap_zombies();
}

void domctl_lock_release(void)
{
    spin_unlock(&domctl_lock);
}

void domctl_getdomaininfo(const struct domain *d,
                          struct xen_domctl_getdomaininfo *info)
{
    domctl_pack_info(d, info);
}

static long domctl_on(struct xen_domctl *op, struct domain *d);

/*
 * Under domctl's lock, which domain_kill and the zombie reaping also run
 * under: the lookup's reference is dropped before the lock is.
 */
static long domctl_one(struct xen_domctl *op)
{
    struct domain *d;
    long rc;

    if ( op->cmd == XEN_DOMCTL_createdomain )
        return createdomain(op);

    if ( op->domain >= DOMID_FIRST_RESERVED )
        return -ESRCH;
    d = rcu_lock_domain_by_id(op->domain);
    if ( d )
    {
        rc = domctl_on(op, d);
        rcu_unlock_domain(d);
        return rc;
    }
    if ( (d = domain_lookup_zombie(op->domain)) != NULL )
    {
        /*
         * Destroyed, but other domains still map some of its frames: it
         * shows as dying (as Xen's) and destroying it again is done.
         */
        if ( op->cmd == XEN_DOMCTL_getdomaininfo )
        {
            domctl_pack_info(d, &op->u.getdomaininfo);
            return 0;
        }
        return op->cmd == XEN_DOMCTL_destroydomain ? 0 : -ESRCH;
    }
    return -ESRCH;
}

/* d: a live domain, with the caller's reference. */
static long domctl_on(struct xen_domctl *op, struct domain *d)
{
    if ( d->is_dying )
        return -ESRCH;

    switch ( op->cmd )
    {
    case XEN_DOMCTL_destroydomain:
        if ( d == current->domain || d->is_hardware_domain )
            return -EINVAL;
        return domain_kill(d);

    case XEN_DOMCTL_pausedomain:
        return pause_unpause(d, true);

    case XEN_DOMCTL_unpausedomain:
        return pause_unpause(d, false);

    case XEN_DOMCTL_getdomaininfo:
        domctl_pack_info(d, &op->u.getdomaininfo);
        return 0;

    case XEN_DOMCTL_max_mem:
        d->max_pages = domctl_memkb_to_pages(op->u.max_mem.max_memkb);
        return 0;

    case XEN_DOMCTL_max_vcpus:
        /* vCPUs are made at createdomain: only that count is accepted. */
        return op->u.max_vcpus.max == d->max_vcpus ? 0 : -EINVAL;

    case XEN_DOMCTL_setvcpucontext:
        return setvcpucontext(d, &op->u.vcpucontext);

    case XEN_DOMCTL_getvcpuinfo:
        return getvcpuinfo(d, &op->u.getvcpuinfo);

    case XEN_DOMCTL_setvcpuaffinity:
        return vcpuaffinity(d, &op->u.vcpuaffinity, true);

    case XEN_DOMCTL_getvcpuaffinity:
        return vcpuaffinity(d, &op->u.vcpuaffinity, false);

    case XEN_DOMCTL_scheduler_op:
        return scheduler_op(d, &op->u.scheduler_op);

    case XEN_DOMCTL_setdomainhandle:
        memcpy(d->handle, op->u.setdomainhandle.handle, sizeof(d->handle));
        return 0;

    case XEN_DOMCTL_set_hvm_param:
        return hvm_param(d, &op->u.hvm_param, true);

    case XEN_DOMCTL_get_hvm_param:
        return hvm_param(d, &op->u.hvm_param, false);

    case XEN_DOMCTL_keel_load_memory:
        return domctl_load_memory(current, d, &op->u.keel_load_memory);
    }
    return -ENOSYS;
}

long do_domctl(unsigned long arg, unsigned long a2, unsigned long a3,
               unsigned long a4, unsigned long a5)
{
    struct xen_domctl op;
    long rc;

    if ( !current->domain->is_privileged )
        return -EPERM;
    if ( copy_from_guest(&op, arg, sizeof(op)) )
        return -EFAULT;
    if ( op.interface_version != XEN_DOMCTL_INTERFACE_VERSION )
        return -EACCES;

    domctl_lock_acquire();
    rc = domctl_one(&op);
    domctl_lock_release();

    /* A load that faulted tells how far it got (public/domctl.h). */
    if ( (rc >= 0 || (rc == -EFAULT &&
                      op.cmd == XEN_DOMCTL_keel_load_memory)) &&
         copy_to_guest(arg, &op, sizeof(op)) )
        rc = -EFAULT;
    return rc;
}

#endif /* KEEL_HOST_TEST */
