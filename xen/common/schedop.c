/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sched_op: yield, block, poll and shutdown requests from a guest.
 *
 * Blocking only marks the vCPU; the hypercall returns, the exit handler
 * returns to the pCPU's loop, and that loop deschedules the vCPU because
 * it is no longer runnable.  A poller blocks the same way and is woken
 * by any event for the vCPU (vcpu_wake) or by its timeout; the guest
 * re-checks its ports on return, as the ABI allows spurious wake-ups.
 */
#include <xen/lib.h>
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/sched.h>
#include <xen/timer.h>
#include <xen/time.h>
#include <asm/current.h>
#include <public/xen.h>
#include <public/sched.h>

/* Most ports one SCHEDOP_poll may name (Xen's limit is the port count). */
#define POLL_MAX_PORTS 128

static bool port_pending(const struct domain *d, evtchn_port_t port)
{
    const struct shared_info *s = d->shared_info;

    if ( port >= EVTCHN_2L_NR_CHANNELS )
        return false;
    return (__atomic_load_n(&s->evtchn_pending[port / 64], __ATOMIC_SEQ_CST)
            >> (port % 64)) & 1;
}

static long sched_poll(struct vcpu *v, unsigned long arg)
{
    struct sched_poll p;
    unsigned int i;

    if ( copy_from_guest(&p, arg, sizeof(p)) )
        return -EFAULT;
    if ( p.nr_ports > POLL_MAX_PORTS )
        return -EINVAL;

    /* Block first, then look: an event sent meanwhile unblocks us. */
    __atomic_fetch_or(&v->pause_flags, 1UL << VPF_blocked, __ATOMIC_SEQ_CST);
    for ( i = 0; i < p.nr_ports; i++ )
    {
        evtchn_port_t port;

        if ( copy_from_guest(&port, p.ports + i * sizeof(port),
                             sizeof(port)) )
        {
            __atomic_fetch_and(&v->pause_flags, ~(1UL << VPF_blocked),
                               __ATOMIC_SEQ_CST);
            return -EFAULT;
        }
        if ( port >= EVTCHN_2L_NR_CHANNELS )
        {
            __atomic_fetch_and(&v->pause_flags, ~(1UL << VPF_blocked),
                               __ATOMIC_SEQ_CST);
            return -EINVAL;
        }
        if ( port_pending(v->domain, port) )
        {
            __atomic_fetch_and(&v->pause_flags, ~(1UL << VPF_blocked),
                               __ATOMIC_SEQ_CST);
            return 0;
        }
    }

    if ( p.timeout )
    {
        if ( (s_time_t)p.timeout <= NOW() )
        {
            __atomic_fetch_and(&v->pause_flags, ~(1UL << VPF_blocked),
                               __ATOMIC_SEQ_CST);
            return 0;
        }
        set_timer(&v->poll_timer, p.timeout);
    }
    vcpu_sleep_nosync(v);
    return 0;
}

long do_sched_op(unsigned long cmd, unsigned long arg, unsigned long a3,
                 unsigned long a4, unsigned long a5)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;

    (void)a3; (void)a4; (void)a5;

    switch ( cmd )
    {
    case SCHEDOP_yield:
        vcpu_yield();
        return 0;

    case SCHEDOP_block:
        /* Blocking with events masked would never end: unmask them. */
        if ( v->vcpu_info )
            ((struct vcpu_info *)v->vcpu_info)->evtchn_upcall_mask = 0;
        vcpu_block(v);
        return 0;

    case SCHEDOP_shutdown:
    {
        struct sched_shutdown s;

        if ( copy_from_guest(&s, arg, sizeof(s)) )
            return -EFAULT;
        if ( s.reason > SHUTDOWN_MAX )
            return -EINVAL;
        domain_shutdown(d, s.reason);
        return 0;
    }

    case SCHEDOP_shutdown_code:
    {
        struct sched_shutdown s;

        if ( copy_from_guest(&s, arg, sizeof(s)) )
            return -EFAULT;
        if ( s.reason > SHUTDOWN_MAX )
            return -EINVAL;
        /* Only recorded: the guest shuts down some other way later. */
        if ( !d->is_shutting_down )
            d->shutdown_code = s.reason;
        return 0;
    }

    case SCHEDOP_poll:
        return sched_poll(v, arg);

    case SCHEDOP_remote_shutdown:
    {
        struct sched_remote_shutdown s;
        struct domain *t;

        if ( !d->is_privileged )
            return -EPERM;
        if ( copy_from_guest(&s, arg, sizeof(s)) )
            return -EFAULT;
        if ( s.reason > SHUTDOWN_MAX )
            return -EINVAL;
        t = rcu_lock_domain_by_id(s.domain_id);
        if ( !t )
            return -ESRCH;
        /* A domain being destroyed is left alone (domain_shutdown). */
        domain_shutdown(t, s.reason);
        rcu_unlock_domain(t);
        return 0;
    }
    }

    return -ENOSYS;
}
