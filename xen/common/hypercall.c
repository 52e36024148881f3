/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercall table and its dispatcher.
 *
 * A 64-bit guest puts the number in rax and up to five arguments in
 * rdi, rsi, rdx, r10 and r8 (Xen's x86_64 convention, which the
 * hypercall page stubs keep); the result goes back in rax.  A number
 * without a handler answers -ENOSYS, one the domain may not use -EPERM;
 * each is logged once per number so a guest probing hypercalls cannot
 * flood the console.  Handlers validate their own arguments and reach
 * guest memory only through copy_{from,to}_guest, so a bad argument
 * costs the guest an error code, never the hypervisor.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/hypercall.h>
#include <xen/sched.h>
#include <asm/spinlock.h>
#include <public/xen.h>

#ifndef KEEL_HOST_TEST
/*
 * vm_assist(cmd, type): of Xen's assists an HVM/PVH guest may only turn
 * on runstate_update_flag (Linux asks for it at boot); it is honoured
 * by the runstate area code, which always marks updates.  Everything
 * else is PV-only: -EINVAL, as Xen answers HVM guests.
 */
#define VMASST_CMD_enable                 0
#define VMASST_CMD_disable                1
#define VMASST_TYPE_runstate_update_flag  5

static long do_vm_assist(unsigned long cmd, unsigned long type,
                         unsigned long a3, unsigned long a4, unsigned long a5)
{
    if ( cmd != VMASST_CMD_enable && cmd != VMASST_CMD_disable )
        return -EINVAL;
    return type == VMASST_TYPE_runstate_update_flag ? 0 : -EINVAL;
}

/* Machine-check reporting to dom0: not provided; quietly -ENOSYS. */
static long do_mca(unsigned long a1, unsigned long a2, unsigned long a3,
                   unsigned long a4, unsigned long a5)
{
    return -ENOSYS;
}
#endif

#define __HYPERVISOR_mca 48

static struct hypercall_entry hypercall_table[NR_hypercalls] = {
    [__HYPERVISOR_xen_version] = { do_xen_version, HC_ANY, "xen_version" },
    [__HYPERVISOR_console_io]  = { do_console_io, HC_ANY, "console_io" },
    [__HYPERVISOR_sched_op]    = { do_sched_op, HC_ANY, "sched_op" },
#ifndef KEEL_HOST_TEST
    [__HYPERVISOR_vm_assist]   = { do_vm_assist, HC_ANY, "vm_assist" },
    [__HYPERVISOR_sysctl]      = { do_sysctl, HC_PRIVILEGED, "sysctl" },
    [__HYPERVISOR_domctl]      = { do_domctl, HC_PRIVILEGED, "domctl" },
    [__HYPERVISOR_mca]         = { do_mca, HC_ANY, "mca" },
#endif
};

/* Numbers already reported, so each is logged once (bit nr; 64: >= 64). */
static unsigned long warned_enosys[2], warned_eperm[2];

void hypercall_register(unsigned int nr, hypercall_fn_t fn, unsigned int perm,
                        const char *name)
{
    if ( nr >= NR_hypercalls || !fn )
    {
        printk(XENLOG_ERR "hypercall %u (%s): cannot register\n", nr,
               name ? name : "?");
        return;
    }
    if ( hypercall_table[nr].fn && hypercall_table[nr].fn != fn )
        printk(XENLOG_WARNING "hypercall %u: %s replaces %s\n", nr,
               name ? name : "?", hypercall_table[nr].name);
    hypercall_table[nr].perm = perm;
    hypercall_table[nr].name = name ? name : "?";
    hypercall_table[nr].fn = fn;
}

/* True the first time nr is seen in map. */
static bool first_time(unsigned long *map, unsigned long nr)
{
    unsigned int bit = nr < NR_hypercalls ? nr : NR_hypercalls;
    unsigned long mask = 1UL << (bit % 64);

    return !(__atomic_fetch_or(&map[bit / 64], mask, __ATOMIC_RELAXED) &
             mask);
}

void hypercall_dispatch(struct vcpu *v)
{
    struct cpu_user_regs *r = &v->regs;
    unsigned long nr = r->rax;
    const struct hypercall_entry *e =
        nr < NR_hypercalls ? &hypercall_table[nr] : NULL;
    long ret;

    if ( !e || !e->fn )
    {
        if ( first_time(warned_enosys, nr) )
            printk(XENLOG_WARNING "d%uv%u: hypercall %lu not implemented\n",
                   v->domain->domain_id, v->vcpu_id, nr);
        ret = -ENOSYS;
    }
    else if ( e->perm == HC_PRIVILEGED && !v->domain->is_privileged )
    {
        if ( first_time(warned_eperm, nr) )
            printk(XENLOG_WARNING "d%uv%u: hypercall %s denied\n",
                   v->domain->domain_id, v->vcpu_id, e->name);
        ret = -EPERM;
    }
    else
        ret = e->fn(r->rdi, r->rsi, r->rdx, r->r10, r->r8);

    r->rax = ret;
}
