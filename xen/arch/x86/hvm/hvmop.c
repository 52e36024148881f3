/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hvm_op hypercall (34): HVM parameters, the per-vCPU event-channel
 * upcall vector, get_time, flush_tlbs and pagetable_dying; and the
 * delivery of event-channel upcalls (hvm_assert_evtchn_irq(), the hook
 * common/event_channel.c calls when a vCPU's upcall_pending goes 0 -> 1).
 *
 * Who may do what follows Xen (hvm.c: hvm_allow_set_param and
 * hvm_allow_get_param): a domain may set and read a few parameters of
 * its own (the callback, the xenstore/console event channels, ...);
 * everything else is for a privileged domain acting on another domain
 * (the toolstack), and refused with -EPERM otherwise.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/console.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/event.h>
#include <xen/time.h>
#include <xen/hypercall.h>
#include <xen/guest_access.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <asm/current.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/vlapic.h>
#include <asm/hvm/domain.h>

struct hvm_domain *hvm_domain_get(struct domain *d)
{
    struct hvm_domain *hd = __atomic_load_n(&d->hvm, __ATOMIC_ACQUIRE);
    struct hvm_domain *expected = NULL;

    if ( hd )
        return hd;
    hd = xzalloc(struct hvm_domain);
    if ( !hd )
        return NULL;
    spin_lock_init(&hd->lock);
    spin_lock_init(&hd->physmap_lock);
    hd->shared_info_gfn = INVALID_GFN;
    /* Two first users may race: the loser frees its copy. */
    if ( !__atomic_compare_exchange_n(&d->hvm, &expected, hd, false,
                                      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) )
    {
        xfree(hd);
        hd = expected;
    }
    return hd;
}

void hvm_domain_destroy(struct domain *d)
{
    struct hvm_domain *hd = d->hvm;

    if ( !hd )
        return;
    d->hvm = NULL;
    xfree(hd->memmap);
    xfree(hd);
}

/* ---- upcall delivery -------------------------------------------------- */

u8 hvm_upcall_vector(const struct hvm_domain *hd, unsigned int vcpu_id)
{
    u64 via;
    u8 vec;

    if ( !hd )
        return 0;
    if ( vcpu_id < MAX_VIRT_CPUS )
    {
        vec = __atomic_load_n(&hd->upcall_vector[vcpu_id], __ATOMIC_RELAXED);
        if ( vec )
            return vec;
    }
    via = __atomic_load_n(&hd->params[HVM_PARAM_CALLBACK_IRQ],
                          __ATOMIC_RELAXED);
    if ( (via >> HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT) ==
         HVM_PARAM_CALLBACK_TYPE_VECTOR )
        return via & 0xff;
    return 0;
}

static bool warned_via, warned_refused;

/*
 * Called with interrupts off from the event-channel code: raise v's
 * upcall vector in its vLAPIC (which wakes and kicks v).  A GSI or PCI
 * INTx callback would need the line to be deasserted when the guest
 * clears upcall_pending (Xen checks that on every VM entry); Linux as a
 * PVH guest always uses a vector, so those are only reported.
 */
void hvm_assert_evtchn_irq(struct vcpu *v)
{
    struct hvm_domain *hd = __atomic_load_n(&v->domain->hvm,
                                            __ATOMIC_ACQUIRE);
    u8 vec = hvm_upcall_vector(hd, v->vcpu_id);
    u64 via;

    if ( vec )
    {
        if ( v->vlapic && !vlapic_set_irq(v->vlapic, vec, false) &&
             !warned_refused )
        {
            warned_refused = true;
            printk(XENLOG_WARNING "d%uv%u: upcall vector %#x refused by "
                   "the vLAPIC (software-disabled?)\n", v->domain->domain_id,
                   v->vcpu_id, vec);
        }
        return;
    }
    /*
     * As Xen, a GSI/INTx callback is for vCPU 0 only.  Linux sets via 1
     * (GSI 1) after vCPU 0's upcall vector, only to look enlightened to
     * the toolstack; that vector always wins.
     */
    via = hd ? __atomic_load_n(&hd->params[HVM_PARAM_CALLBACK_IRQ],
                               __ATOMIC_RELAXED) : 0;
    if ( via && v->vcpu_id == 0 && !warned_via )
    {
        warned_via = true;
        printk(XENLOG_WARNING "d%u: event callback via %#lx (GSI/INTx) is "
               "not supported; use a vector\n", v->domain->domain_id,
               (unsigned long)via);
    }
}

/* After the delivery method changed: deliver what is already pending. */
static void hvm_reassert_upcalls(struct domain *d, int only_vcpu)
{
    unsigned int i;

    for ( i = 0; i < d->max_vcpus; i++ )
    {
        struct vcpu *v = d->vcpu[i];
        struct vcpu_info *vi;

        if ( !v || (only_vcpu >= 0 && (unsigned int)only_vcpu != i) )
            continue;
        vi = evtchn_vcpu_info(v);
        if ( !vi || !__atomic_load_n(&vi->evtchn_upcall_pending,
                                     __ATOMIC_ACQUIRE) )
            continue;
        hvm_assert_evtchn_irq(v);
    }
}

/* ---- parameters ------------------------------------------------------- */

/*
 * The domain named by domid for the caller: itself, or (privileged
 * callers only) any existing domain, holding a reference (xen/sched.h)
 * dropped by hvmop_put(): domain_kill waits for it before it frees the
 * domain's HVM state.
 */
static struct domain *hvmop_domain(struct vcpu *curr, domid_t domid,
                                   int *rc)
{
    struct domain *d;

    if ( domid == DOMID_SELF || domid == curr->domain->domain_id )
        return curr->domain;
    d = rcu_lock_domain_by_id(domid);
    if ( !d )
    {
        *rc = -ESRCH;
        return NULL;
    }
    if ( !curr->domain->is_privileged )
    {
        rcu_unlock_domain(d);
        *rc = -EPERM;
        return NULL;
    }
    return d;
}

static void hvmop_put(struct vcpu *curr, struct domain *d)
{
    if ( d != curr->domain )
        rcu_unlock_domain(d);
}

/* Parameters a domain may set on itself (the rest: toolstack only). */
static bool param_guest_settable(unsigned int index)
{
    switch ( index )
    {
    case HVM_PARAM_CALLBACK_IRQ:
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_EVTCHN:
    case HVM_PARAM_VM86_TSS:
    case HVM_PARAM_VM86_TSS_SIZED:
    case HVM_PARAM_ACPI_IOPORTS_LOCATION:
    case HVM_PARAM_VM_GENERATION_ID_ADDR:
    case HVM_PARAM_X87_FIP_WIDTH:
        return true;
    }
    return false;
}

/* Parameters a domain may read on itself. */
static bool param_guest_readable(unsigned int index)
{
    switch ( index )
    {
    case HVM_PARAM_CALLBACK_IRQ:
    case HVM_PARAM_STORE_PFN:
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_PFN:
    case HVM_PARAM_CONSOLE_EVTCHN:
    case HVM_PARAM_ALTP2M:
    case HVM_PARAM_X87_FIP_WIDTH:
    case HVM_PARAM_VM_GENERATION_ID_ADDR:
        return true;
    }
    return false;
}

static int param_check_value(unsigned int index, u64 value)
{
    unsigned int type;

    switch ( index )
    {
    case HVM_PARAM_CALLBACK_IRQ:
        if ( !value )
            return 0;                       /* no callback */
        type = value >> HVM_PARAM_CALLBACK_IRQ_TYPE_SHIFT;
        if ( type == HVM_PARAM_CALLBACK_TYPE_VECTOR )
            /* Vectors 0-15 are exceptions/reserved for the LAPIC. */
            return (value & 0x00ffffffffffff00ULL) ||
                   (value & 0xff) < 0x10 ? -EINVAL : 0;
        if ( type == HVM_PARAM_CALLBACK_TYPE_GSI ||
             type == HVM_PARAM_CALLBACK_TYPE_PCI_INTX )
            return 0;
        return -EINVAL;
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_EVTCHN:
    case HVM_PARAM_BUFIOREQ_EVTCHN:
        return value < EVTCHN_2L_NR_CHANNELS ? 0 : -EINVAL;
    case HVM_PARAM_X87_FIP_WIDTH:
        return value == 0 || value == 4 || value == 8 ? 0 : -EINVAL;
    }
    return 0;
}

static int set_param_in(struct vcpu *curr, struct domain *d,
                        struct xen_hvm_param *p);
static int get_param_in(struct vcpu *curr, struct domain *d,
                        struct xen_hvm_param *p);

/* HVMOP_set_param / HVMOP_get_param on the domain p names, referenced. */
static int hvmop_param(struct vcpu *curr, struct xen_hvm_param *p, bool set)
{
    struct domain *d;
    int rc = 0;

    if ( p->index >= HVM_NR_PARAMS )
        return -EINVAL;
    d = hvmop_domain(curr, p->domid, &rc);
    if ( !d )
        return rc;
    rc = set ? set_param_in(curr, d, p) : get_param_in(curr, d, p);
    hvmop_put(curr, d);
    return rc;
}

static int set_param_in(struct vcpu *curr, struct domain *d,
                        struct xen_hvm_param *p)
{
    struct hvm_domain *hd;
    int rc;

    if ( d == curr->domain && !param_guest_settable(p->index) )
        return -EPERM;
    rc = param_check_value(p->index, p->value);
    if ( rc )
        return rc;
    hd = hvm_domain_get(d);
    if ( !hd )
        return -ENOMEM;
    spin_lock(&hd->lock);
    __atomic_store_n(&hd->params[p->index], p->value, __ATOMIC_RELEASE);
    spin_unlock(&hd->lock);
    if ( p->index == HVM_PARAM_CALLBACK_IRQ )
    {
        printk(XENLOG_INFO "d%u: event callback via %#lx\n", d->domain_id,
               (unsigned long)p->value);
        hvm_reassert_upcalls(d, -1);
    }
    return 0;
}

static int get_param_in(struct vcpu *curr, struct domain *d,
                        struct xen_hvm_param *p)
{
    struct hvm_domain *hd;

    if ( d == curr->domain && !param_guest_readable(p->index) )
        return -EPERM;
    hd = hvm_domain_get(d);
    if ( !hd )
        return -ENOMEM;
    p->value = __atomic_load_n(&hd->params[p->index], __ATOMIC_ACQUIRE);
    return 0;
}

static int hvmop_set_upcall_vector(struct vcpu *curr,
                                   const struct xen_hvm_evtchn_upcall_vector *u)
{
    struct domain *d = curr->domain;
    struct hvm_domain *hd;

    /* As Xen: vectors below 0x10 are not interrupts. */
    if ( u->vector < 0x10 )
        return -EINVAL;
    if ( u->vcpu >= d->max_vcpus || u->vcpu >= MAX_VIRT_CPUS ||
         !d->vcpu[u->vcpu] )
        return -ENOENT;
    hd = hvm_domain_get(d);
    if ( !hd )
        return -ENOMEM;
    __atomic_store_n(&hd->upcall_vector[u->vcpu], u->vector,
                     __ATOMIC_RELEASE);
    printk(XENLOG_INFO "d%uv%u: upcall vector %#x\n", d->domain_id, u->vcpu,
           u->vector);
    hvm_reassert_upcalls(d, u->vcpu);
    return 0;
}

static bool warned_op[64];

long do_hvm_op_vcpu(struct vcpu *v, unsigned long op, unsigned long arg)
{
    long rc;

    switch ( op )
    {
    case HVMOP_set_param:
    case HVMOP_get_param:
    {
        struct xen_hvm_param p;

        if ( copy_from_guest_virt(v, &p, arg, sizeof(p)) )
            return -EFAULT;
        if ( op == HVMOP_set_param )
            return hvmop_param(v, &p, true);
        rc = hvmop_param(v, &p, false);
        if ( !rc && copy_to_guest_virt(v, arg, &p, sizeof(p)) )
            rc = -EFAULT;
        return rc;
    }

    case HVMOP_set_evtchn_upcall_vector:
    {
        struct xen_hvm_evtchn_upcall_vector u;

        if ( copy_from_guest_virt(v, &u, arg, sizeof(u)) )
            return -EFAULT;
        return hvmop_set_upcall_vector(v, &u);
    }

    case HVMOP_get_time:
    {
        struct xen_hvm_get_time t = { .now = NOW() };

        return copy_to_guest_virt(v, arg, &t, sizeof(t)) ? -EFAULT : 0;
    }

    case HVMOP_flush_tlbs:
        /* The ABI takes no argument: a non-NULL one is an error. */
        if ( arg )
            return -EINVAL;
        hvm_flush_guest_tlbs(v->domain);
        return 0;

    case HVMOP_pagetable_dying:
    {
        /*
         * A hint for shadow paging (the guest stops using a page table).
         * With nested paging there is nothing to drop.
         */
        struct {
            domid_t domid;
            u16 pad[3];
            u64 gpa;
        } pd;

        if ( copy_from_guest_virt(v, &pd, arg, sizeof(pd)) )
            return -EFAULT;
        if ( pd.domid != DOMID_SELF && pd.domid != v->domain->domain_id )
            return -EPERM;
        return 0;
    }
    }

    if ( op < ARRAY_SIZE(warned_op) && !warned_op[op] )
    {
        warned_op[op] = true;
        printk(XENLOG_WARNING "d%uv%u: hvm_op %lu not implemented\n",
               v->domain->domain_id, v->vcpu_id, op);
    }
    return -ENOSYS;
}

static long do_hvm_op(unsigned long op, unsigned long arg, unsigned long a3,
                      unsigned long a4, unsigned long a5)
{
    return do_hvm_op_vcpu(current, op, arg);
}

void hvm_op_init(void)
{
    hypercall_register(__HYPERVISOR_hvm_op, do_hvm_op, HC_ANY, "hvm_op");
}
