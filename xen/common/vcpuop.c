/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vcpu_op (__HYPERVISOR_vcpu_op 24): vCPU bring-up, runstate areas,
 * per-vCPU timers and vcpu_info placement, as Xen's common/domain.c
 * do_vcpu_op() for HVM guests.
 *
 * State that struct vcpu has no field for (periodic timer, runstate
 * area, "initialised") lives in a vcpu_extra found by a list walk; only
 * hypercalls and timer events look it up.
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/event.h>
#include <xen/mm.h>
#include <xen/hypercall.h>
#include <xen/guest_access.h>
#include <xen/guest_time.h>
#include <xen/timer.h>
#include <public/xen.h>
#include <public/vcpu.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/traps.h>
#include <asm/guest_walk.h>
#include <asm/p2m.h>
#include <asm/hvm/hvm.h>
#include <asm/apic.h>
#include <asm/hvm/vlapic.h>

#ifndef ETIME
#define ETIME 62                /* Xen's errno for "timer in the past" */
#endif

#define PAGE_SZ 4096UL
#define EFLAGS_VM (1UL << 17)     /* virtual-8086 mode */

struct vcpu_extra {
    struct vcpu *v;
    struct vcpu_extra *next;
    bool initialised;           /* may be brought up with VCPUOP_up */
    bool info_registered;       /* VCPUOP_register_vcpu_info done */
    /* Runstate area: guest-physical, split where it crosses a page. */
    bool runstate_registered;
    paddr_t runstate_gpa[2];
    unsigned int runstate_len0;
    s_time_t period;            /* 0: periodic timer off */
    struct timer periodic_timer;
};

static DEFINE_SPINLOCK(extra_lock);
static struct vcpu_extra *extra_list;

static struct vcpu_extra *vcpu_extra(struct vcpu *v)
{
    struct vcpu_extra *e;
    unsigned long flags = spin_lock_irqsave(&extra_lock);

    for ( e = extra_list; e; e = e->next )
        if ( e->v == v )
            break;
    if ( !e )
    {
        e = xzalloc(struct vcpu_extra);
        if ( e )
        {
            e->v = v;
            e->next = extra_list;
            extra_list = e;
        }
    }
    spin_unlock_irqrestore(&extra_lock, flags);
    return e;
}

/* ---- Runstate ---- */

static void runstate_write(struct vcpu *v, struct vcpu_extra *e)
{
    struct vcpu_runstate_info r;
    struct domain *d = v->domain;
    unsigned int i;

    if ( !e->runstate_registered )
        return;
    r.state = v->runstate;
    r.state_entry_time = (u64)v->runstate_entry_time;
    for ( i = 0; i < 4; i++ )
        r.time[i] = v->runstate_time[i];
    /* Failures mean the guest moved its RAM away: nothing to do. */
    copy_to_guest_phys(d, e->runstate_gpa[0], &r, e->runstate_len0);
    if ( e->runstate_len0 < sizeof(r) )
        copy_to_guest_phys(d, e->runstate_gpa[1],
                           (u8 *)&r + e->runstate_len0,
                           sizeof(r) - e->runstate_len0);
}

/* Look up only: the scheduler hook must not allocate. */
static struct vcpu_extra *vcpu_extra_find(const struct vcpu *v)
{
    struct vcpu_extra *e;
    unsigned long flags = spin_lock_irqsave(&extra_lock);

    for ( e = extra_list; e; e = e->next )
        if ( e->v == v )
            break;
    spin_unlock_irqrestore(&extra_lock, flags);
    return e;
}

/*
 * Also sched_runstate_hook: after every runstate change, under the
 * scheduler lock of v's pCPU (only guest memory is touched here).
 */
void vcpu_runstate_sync(struct vcpu *v)
{
    struct vcpu_extra *e = vcpu_extra_find(v);

    if ( e )
        runstate_write(v, e);
}

static int gva_to_gpa(struct vcpu *curr, unsigned long va, paddr_t *gpa)
{
    u32 pfec = 0;

    return guest_walk_vcpu(curr, va, PFEC_write_access, gpa, &pfec) == GW_OK
           ? 0 : -EFAULT;
}

static int register_runstate(struct vcpu *curr, struct vcpu *v,
                             struct vcpu_extra *e, unsigned long arg)
{
    struct vcpu_register_runstate_memory_area area;
    size_t sz = sizeof(struct vcpu_runstate_info);
    unsigned long va;
    paddr_t gpa0, gpa1 = 0;
    unsigned int len0;

    if ( copy_from_guest(&area, arg, sizeof(area)) )
        return -EFAULT;
    va = area.addr;
    if ( !va )
    {
        /* Address 0 unregisters (as Xen). */
        e->runstate_registered = false;
        return 0;
    }
    /*
     * The guest gives a virtual address valid in its kernel mappings;
     * translate it now (the page tables of whatever runs later may not
     * map it) and write through guest-physical addresses from then on.
     */
    len0 = PAGE_SZ - (va & (PAGE_SZ - 1));
    if ( len0 > sz )
        len0 = sz;
    if ( gva_to_gpa(curr, va, &gpa0) )
        return -EFAULT;
    if ( len0 < sz && gva_to_gpa(curr, va + len0, &gpa1) )
        return -EFAULT;

    e->runstate_registered = false;
    e->runstate_gpa[0] = gpa0;
    e->runstate_gpa[1] = gpa1;
    e->runstate_len0 = len0;
    e->runstate_registered = true;
    runstate_write(v, e);
    return 0;
}

/* ---- vcpu_info placement ---- */

static int register_vcpu_info(struct vcpu *v, struct vcpu_extra *e,
                              unsigned long arg)
{
    struct vcpu_register_vcpu_info info;
    struct domain *d = v->domain;
    struct vcpu_info *old, *new;
    p2m_type_t t;
    unsigned int order;
    unsigned long mfn;

    if ( copy_from_guest(&info, arg, sizeof(info)) )
        return -EFAULT;
    if ( e->info_registered )
        return -EINVAL;         /* once per vCPU, as Xen */
    if ( info.rsvd || info.offset > PAGE_SZ - sizeof(struct vcpu_info) ||
         (info.offset & 7) )
        return -EINVAL;
    mfn = p2m_get_entry(&d->p2m, info.mfn, &t, &order);
    if ( t != p2m_ram_rw && t != p2m_ram_logdirty )
        return -EINVAL;
    new = (struct vcpu_info *)((u8 *)maddr_to_virt((paddr_t)mfn << 12) +
                               info.offset);

    /*
     * Carry the current state over.  Xen also marks every selector bit
     * and raises an upcall so the guest rescans; we only do that when an
     * upcall was already due: Linux registers before it sets its upcall
     * vector and enables its LAPIC, and an upcall raised then stays
     * pending without ever being delivered, which blocks every later one
     * (observed: VIRQ_TIMER never arrived).  An event that lands in the
     * old area while we switch is picked up by the second copy below.
     */
    old = evtchn_vcpu_info(v);
    if ( old )
        memcpy(new, old, sizeof(*new));
    else
        memset(new, 0, sizeof(*new));
    v->vcpu_info = new;
    e->info_registered = true;
    if ( old )
    {
        __atomic_fetch_or(&new->evtchn_pending_sel,
                          __atomic_load_n(&old->evtchn_pending_sel,
                                          __ATOMIC_SEQ_CST),
                          __ATOMIC_SEQ_CST);
        if ( __atomic_load_n(&old->evtchn_upcall_pending, __ATOMIC_SEQ_CST) )
        {
            __atomic_store_n(&new->evtchn_pending_sel, ~0UL,
                             __ATOMIC_SEQ_CST);
            __atomic_store_n(&new->evtchn_upcall_pending, 0,
                             __ATOMIC_SEQ_CST);
            evtchn_set_upcall(v);
        }
    }
    update_vcpu_system_time(v);
    update_domain_wallclock_time(d);
    return 0;
}

/* ---- Timers ---- */

static void singleshot_fn(void *data)
{
    struct vcpu *v = data;

    update_vcpu_system_time(v);
    vcpu_runstate_sync(v);
    send_guest_vcpu_virq(v, VIRQ_TIMER);
}

static void periodic_fn(void *data)
{
    struct vcpu_extra *e = data;
    struct vcpu *v = e->v;
    s_time_t now = NOW(), next;

    if ( !e->period )
        return;
    update_vcpu_system_time(v);
    send_guest_vcpu_virq(v, VIRQ_TIMER);
    /* Skip missed periods rather than firing a burst. */
    next = e->periodic_timer.expires + e->period;
    if ( next <= now )
        next = now + e->period;
    set_timer(&e->periodic_timer, next);
}

static int set_singleshot(struct vcpu *curr, struct vcpu *v,
                          unsigned long arg)
{
    struct vcpu_set_singleshot_timer s;
    s_time_t expires;

    /* Only a vCPU's own timer (as Xen): it runs on that vCPU's pCPU. */
    if ( v != curr )
        return -EINVAL;
    if ( copy_from_guest(&s, arg, sizeof(s)) )
        return -EFAULT;
    expires = s.timeout_abs_ns > (u64)STIME_MAX ? STIME_MAX
                                                : (s_time_t)s.timeout_abs_ns;
    if ( (s.flags & VCPU_SSHOTTMR_future) && expires < NOW() )
        return -ETIME;
    if ( v->singleshot_timer.status == TIMER_STATUS_invalid )
        init_timer(&v->singleshot_timer, singleshot_fn, v, v->processor);
    update_vcpu_system_time(v);
    set_timer(&v->singleshot_timer, expires);
    return 0;
}

static int set_periodic(struct vcpu *v, struct vcpu_extra *e,
                        unsigned long arg)
{
    struct vcpu_set_periodic_timer p;

    if ( copy_from_guest(&p, arg, sizeof(p)) )
        return -EFAULT;
    /* Xen's bounds: at least 1 ms, at most what s_time_t holds well. */
    if ( p.period_ns < (u64)MILLISECS(1) || p.period_ns > (u64)SECONDS(3600) )
        return -EINVAL;
    if ( e->periodic_timer.status == TIMER_STATUS_invalid )
        init_timer(&e->periodic_timer, periodic_fn, e, v->processor);
    e->period = (s_time_t)p.period_ns;
    set_timer(&e->periodic_timer, NOW() + e->period);
    return 0;
}

static void stop_periodic(struct vcpu_extra *e)
{
    e->period = 0;
    if ( e->periodic_timer.status != TIMER_STATUS_invalid )
        stop_timer(&e->periodic_timer);
}

/* ---- Bring-up ---- */

static struct segment_register seg(u16 sel, u16 attr, u32 limit, u64 base)
{
    struct segment_register r = {
        .sel = sel, .attr = attr, .limit = limit, .base = base,
    };

    return r;
}

#define AR_P    (1u << 7)
#define AR_S    (1u << 4)
#define AR_CODE (1u << 3)

static int initialise_32(struct vcpu *v, const struct vcpu_hvm_x86_32 *c)
{
    struct cpu_user_regs *r = &v->regs;

    /* CS must be a present code segment; data segments present or null. */
    if ( (c->cs_ar & (AR_P | AR_S | AR_CODE)) != (AR_P | AR_S | AR_CODE) )
        return -EINVAL;
    if ( !(c->cr0 & X86_CR0_PE) || (c->eflags & EFLAGS_VM) )
        return -EINVAL;
    if ( (c->cr0 & X86_CR0_PG) && (c->efer & EFER_LME) &&
         !(c->cs_ar & (1u << 9)) /* L */ && !(c->cr4 & X86_CR4_PAE) )
        return -EINVAL;

    hvm_set_reg(v, HVM_REG_CR0, c->cr0);
    hvm_set_reg(v, HVM_REG_CR4, c->cr4);
    hvm_set_reg(v, HVM_REG_CR3, c->cr3);
    hvm_set_reg(v, HVM_REG_EFER, c->efer);
    {
        struct segment_register s;

        s = seg(0x10, c->cs_ar, c->cs_limit, c->cs_base);
        hvm_set_segment(v, x86_seg_cs, &s);
        s = seg(0x18, c->ds_ar, c->ds_limit, c->ds_base);
        hvm_set_segment(v, x86_seg_ds, &s);
        s = seg(0x18, c->ss_ar, c->ss_limit, c->ss_base);
        hvm_set_segment(v, x86_seg_ss, &s);
        s = seg(0x18, c->es_ar, c->es_limit, c->es_base);
        hvm_set_segment(v, x86_seg_es, &s);
        /*
         * TR: the backends expose no accessor yet; the vCPU keeps the
         * PVH entry TR (32-bit TSS, base 0, limit 0x67), which is what
         * Linux passes.
         */
    }
    r->rax = c->eax; r->rcx = c->ecx; r->rdx = c->edx; r->rbx = c->ebx;
    r->rsp = c->esp; r->rbp = c->ebp; r->rsi = c->esi; r->rdi = c->edi;
    r->rip = c->eip;
    r->rflags = (c->eflags | 0x2) & ~EFLAGS_VM;
    return 0;
}

static int initialise_64(struct vcpu *v, const struct vcpu_hvm_x86_64 *c)
{
    struct cpu_user_regs *r = &v->regs;
    struct segment_register s;

    /* Long mode needs paging and PAE (SDM vol. 3 9.8.5). */
    if ( (c->cr0 & (X86_CR0_PE | X86_CR0_PG)) != (X86_CR0_PE | X86_CR0_PG) ||
         !(c->cr4 & X86_CR4_PAE) )
        return -EINVAL;

    hvm_set_reg(v, HVM_REG_CR4, c->cr4);
    hvm_set_reg(v, HVM_REG_CR3, c->cr3);
    hvm_set_reg(v, HVM_REG_EFER, c->efer | EFER_LME | EFER_LMA);
    hvm_set_reg(v, HVM_REG_CR0, c->cr0);
    /* Flat segments: 64-bit code (L=1), writable data (Xen's choice). */
    s = seg(0x10, 0xa9b, 0xffffffff, 0);
    hvm_set_segment(v, x86_seg_cs, &s);
    s = seg(0x18, 0xc93, 0xffffffff, 0);
    hvm_set_segment(v, x86_seg_ds, &s);
    hvm_set_segment(v, x86_seg_ss, &s);
    hvm_set_segment(v, x86_seg_es, &s);
    r->rax = c->rax; r->rcx = c->rcx; r->rdx = c->rdx; r->rbx = c->rbx;
    r->rsp = c->rsp; r->rbp = c->rbp; r->rsi = c->rsi; r->rdi = c->rdi;
    r->rip = c->rip;
    r->rflags = (c->rflags | 0x2) & ~EFLAGS_VM;
    return 0;
}

static int vcpu_initialise(struct vcpu *v, struct vcpu_extra *e,
                           unsigned long arg)
{
    struct vcpu_hvm_context ctx;
    int rc;

    if ( copy_from_guest(&ctx, arg, sizeof(ctx)) )
        return -EFAULT;
    /* Only a vCPU that is down, so its registers are not in use. */
    if ( !(v->pause_flags & (1UL << VPF_down)) || v->is_running )
        return -EEXIST;
    switch ( ctx.mode )
    {
    case VCPU_HVM_MODE_32B:
        rc = initialise_32(v, &ctx.cpu_regs.x86_32);
        break;
    case VCPU_HVM_MODE_64B:
        rc = initialise_64(v, &ctx.cpu_regs.x86_64);
        break;
    default:
        rc = -EINVAL;
        break;
    }
    if ( !rc )
        e->initialised = true;
    return rc;
}

static int vcpu_up(struct vcpu *v, struct vcpu_extra *e)
{
    if ( !e->initialised )
        return -EINVAL;
    if ( __atomic_fetch_and(&v->pause_flags, ~(1UL << VPF_down),
                            __ATOMIC_SEQ_CST) & (1UL << VPF_down) )
    {
        update_vcpu_system_time(v);
        vcpu_wake(v);
    }
    return 0;
}

static int vcpu_down(struct vcpu *curr, struct vcpu *v, struct vcpu_extra *e)
{
    /* Its state stays valid: VCPUOP_up may resume it where it stopped. */
    e->initialised = true;
    if ( !(__atomic_fetch_or(&v->pause_flags, 1UL << VPF_down,
                             __ATOMIC_SEQ_CST) & (1UL << VPF_down)) )
    {
        vcpu_sleep_nosync(v);
        if ( v == curr )
            vcpu_yield();
    }
    return 0;
}

/* ---- The hypercall ---- */

static long vcpu_op(struct vcpu *curr, unsigned int cmd, unsigned int vcpuid,
                    unsigned long arg)
{
    struct domain *d = curr->domain;
    struct vcpu *v;
    struct vcpu_extra *e;

    if ( vcpuid >= d->max_vcpus || !d->vcpu || !(v = d->vcpu[vcpuid]) )
        return -ENOENT;
    e = vcpu_extra(v);
    if ( !e )
        return -ENOMEM;

    switch ( cmd )
    {
    case VCPUOP_initialise:
        return vcpu_initialise(v, e, arg);

    case VCPUOP_up:
        return vcpu_up(v, e);

    case VCPUOP_down:
        return vcpu_down(curr, v, e);

    case VCPUOP_is_up:
        return !(v->pause_flags & (1UL << VPF_down));

    case VCPUOP_get_runstate_info:
    {
        struct vcpu_runstate_info r;

        memset(&r, 0, sizeof(r));
        vcpu_runstate_get(v, r.time);
        r.state = v->runstate;
        r.state_entry_time = (u64)v->runstate_entry_time;
        return copy_to_guest(arg, &r, sizeof(r)) ? -EFAULT : 0;
    }

    case VCPUOP_register_runstate_memory_area:
        return register_runstate(curr, v, e, arg);

    case VCPUOP_set_periodic_timer:
        return set_periodic(v, e, arg);

    case VCPUOP_stop_periodic_timer:
        stop_periodic(e);
        return 0;

    case VCPUOP_set_singleshot_timer:
        return set_singleshot(curr, v, arg);

    case VCPUOP_stop_singleshot_timer:
        if ( v != curr )
            return -EINVAL;
        if ( v->singleshot_timer.status != TIMER_STATUS_invalid )
            stop_timer(&v->singleshot_timer);
        return 0;

    case VCPUOP_register_vcpu_info:
        return register_vcpu_info(v, e, arg);

    case VCPUOP_get_physid:
    {
        struct vcpu_get_physid p;

        /*
         * Only dom0 sees physical CPUs: the APIC ID of the pCPU the vCPU
         * lives on (it never migrates).  The ACPI ID half is not known
         * here and stays 0.
         */
        if ( !d->is_hardware_domain )
            return -EINVAL;
        p.phys_id = x86_cpu_to_apicid[v->processor];
        return copy_to_guest(arg, &p, sizeof(p)) ? -EFAULT : 0;
    }

    case VCPUOP_send_nmi:
    case VCPUOP_register_vcpu_time_memory_area:
    default:
        return -ENOSYS;
    }
}

long do_vcpu_op(unsigned long cmd, unsigned long vcpuid, unsigned long arg,
                unsigned long a4, unsigned long a5)
{
    struct vcpu *curr = current;

    if ( !curr )
        return -EINVAL;
    /* The ABI's cmd and vcpuid are ints: upper halves ignored. */
    return vcpu_op(curr, (unsigned int)cmd, (unsigned int)vcpuid, arg);
}

void vcpu_op_init(void)
{
    hypercall_register(__HYPERVISOR_vcpu_op, do_vcpu_op, HC_ANY, "vcpu_op");
    sched_runstate_hook = vcpu_runstate_sync;
}

/* ---- For the toolstack (domctl) and domain destruction ---- */

int vcpu_set_hvm_context(struct vcpu *v, const struct vcpu_hvm_context *c,
                         bool up)
{
    struct vcpu_extra *e = vcpu_extra(v);
    int rc;

    if ( !e )
        return -ENOMEM;
    /* As VCPUOP_initialise: only a vCPU that is down and not running. */
    if ( !(v->pause_flags & (1UL << VPF_down)) || v->is_running )
        return -EEXIST;
    switch ( c->mode )
    {
    case VCPU_HVM_MODE_32B:
        rc = initialise_32(v, &c->cpu_regs.x86_32);
        break;
    case VCPU_HVM_MODE_64B:
        rc = initialise_64(v, &c->cpu_regs.x86_64);
        break;
    default:
        rc = -EINVAL;
        break;
    }
    if ( rc )
        return rc;
    e->initialised = true;
    return up ? vcpu_up(v, e) : 0;
}

void vcpu_op_destroy(struct vcpu *v)
{
    struct vcpu_extra *e, **pe;
    unsigned long flags = spin_lock_irqsave(&extra_lock);

    for ( pe = &extra_list; *pe; pe = &(*pe)->next )
        if ( (*pe)->v == v )
            break;
    e = *pe;
    if ( e )
        *pe = e->next;
    spin_unlock_irqrestore(&extra_lock, flags);

    if ( e )
    {
        e->period = 0;
        if ( e->periodic_timer.status != TIMER_STATUS_invalid )
            kill_timer(&e->periodic_timer);
        xfree(e);
    }
    if ( v->singleshot_timer.status != TIMER_STATUS_invalid )
        kill_timer(&v->singleshot_timer);
}

void vcpu_migrate_timers(struct vcpu *v, unsigned int cpu)
{
    struct vcpu_extra *e;
    unsigned long flags;

    /*
     * Each fires on the pCPU it belongs to and mostly wakes or interrupts
     * v: keep them on v's pCPU so they do not IPI across for every tick.
     * A timer set up later (singleshot, periodic) takes v->processor,
     * already the new pCPU.
     */
    migrate_timer(&v->singleshot_timer, cpu);
    migrate_timer(&v->poll_timer, cpu);
    if ( v->vlapic )
        migrate_timer(&v->vlapic->timer, cpu);
    flags = spin_lock_irqsave(&extra_lock);
    for ( e = extra_list; e; e = e->next )
        if ( e->v == v )
        {
            migrate_timer(&e->periodic_timer, cpu);
            break;
        }
    spin_unlock_irqrestore(&extra_lock, flags);
}
