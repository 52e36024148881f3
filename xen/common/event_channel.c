/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels, 2-level ABI: the port state machine, the pending/mask
 * bitmaps in shared_info, delivery to vCPUs, and event_channel_op.
 * See xen/event.h for the model and the locking rules.
 *
 * The operations take native structures; only do_event_channel_op_vcpu()
 * touches guest memory (copy_from_guest_virt / copy_to_guest_virt), so
 * the whole file runs on the host in the unit tests (tests/unit/evtchn)
 * with stubs for domains, vCPUs and guest copies.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/console.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/event.h>
#include <xen/hypercall.h>
#include <xen/guest_access.h>
#include <asm/current.h>
#include <asm/processor.h>

#define BITS_PER_EVTCHN_WORD (8 * sizeof(xen_ulong_t))

/*
 * Ports are also touched from interrupt context (VIRQ_TIMER from timer
 * handlers), so the per-domain lock is taken with interrupts off.  The
 * unit tests run in user space, where cli would fault.
 */
#ifdef KEEL_HOST_TEST
static unsigned long ev_irq_save(void) { return 0; }
static void ev_irq_restore(unsigned long f) { (void)f; }
#else
static unsigned long ev_irq_save(void) { return local_irq_save(); }
static void ev_irq_restore(unsigned long f) { local_irq_restore(f); }
#endif

static unsigned long ev_lock(struct domain *d)
{
    unsigned long f = ev_irq_save();

    spin_lock(&d->evtchn->lock);
    return f;
}

static void ev_unlock(struct domain *d, unsigned long f)
{
    spin_unlock(&d->evtchn->lock);
    ev_irq_restore(f);
}

/* Both domains' locks, lower address first (a == b: one lock). */
static unsigned long ev_lock_pair(struct domain *a, struct domain *b)
{
    unsigned long f = ev_irq_save();
    struct evtchn_domain *x = a->evtchn, *y = b->evtchn;

    if ( x > y )
    {
        struct evtchn_domain *t = x;

        x = y;
        y = t;
    }
    spin_lock(&x->lock);
    if ( y != x )
        spin_lock(&y->lock);
    return f;
}

static void ev_unlock_pair(struct domain *a, struct domain *b,
                           unsigned long f)
{
    if ( a->evtchn != b->evtchn )
        spin_unlock(&b->evtchn->lock);
    spin_unlock(&a->evtchn->lock);
    ev_irq_restore(f);
}

/* ---- bit operations on guest-shared words ------------------------------ */

static bool ev_test_and_set(unsigned int nr, xen_ulong_t *w)
{
    xen_ulong_t m = 1UL << (nr % BITS_PER_EVTCHN_WORD);

    return __atomic_fetch_or(&w[nr / BITS_PER_EVTCHN_WORD], m,
                             __ATOMIC_SEQ_CST) & m;
}

static bool ev_test_and_clear(unsigned int nr, xen_ulong_t *w)
{
    xen_ulong_t m = 1UL << (nr % BITS_PER_EVTCHN_WORD);

    return __atomic_fetch_and(&w[nr / BITS_PER_EVTCHN_WORD], ~m,
                              __ATOMIC_SEQ_CST) & m;
}

static bool ev_test(unsigned int nr, xen_ulong_t *w)
{
    xen_ulong_t m = 1UL << (nr % BITS_PER_EVTCHN_WORD);

    return __atomic_load_n(&w[nr / BITS_PER_EVTCHN_WORD],
                           __ATOMIC_SEQ_CST) & m;
}

/* ---- ports -------------------------------------------------------------- */

static struct vcpu *ev_vcpu(struct domain *d, unsigned int id)
{
    if ( !d->vcpu || id >= d->max_vcpus )
        return NULL;
    return d->vcpu[id];
}

static bool port_is_valid(const struct evtchn_domain *e, evtchn_port_t port)
{
    return port < e->max_ports &&
           e->bucket[port / EVTCHNS_PER_BUCKET] != NULL;
}

static struct evtchn *port_chn(const struct evtchn_domain *e,
                               evtchn_port_t port)
{
    return &e->bucket[port / EVTCHNS_PER_BUCKET][port % EVTCHNS_PER_BUCKET];
}

/*
 * Lowest free port of d (allocating its bucket), or -ENOSPC / -ENOMEM;
 * -EINVAL once d is dying (as Xen's): evtchn_domain_destroy() closes
 * every port after is_dying is set, so none may be opened meanwhile.
 * d's lock held.
 */
static int get_free_port(struct domain *d)
{
    struct evtchn_domain *e = d->evtchn;
    evtchn_port_t port;

    if ( __atomic_load_n(&d->is_dying, __ATOMIC_SEQ_CST) )
        return -EINVAL;

    for ( port = 0; port < e->max_ports; port++ )
    {
        struct evtchn **b = &e->bucket[port / EVTCHNS_PER_BUCKET];

        if ( !*b )
        {
            *b = xzalloc_array(struct evtchn, EVTCHNS_PER_BUCKET);
            if ( !*b )
                return -ENOMEM;
        }
        if ( port_chn(e, port)->state == ECS_FREE )
            return port;
    }
    return -ENOSPC;
}

bool virq_is_global(unsigned int virq)
{
    switch ( virq )
    {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return false;
    default:
        return true;
    }
}

struct vcpu_info *evtchn_vcpu_info(struct vcpu *v)
{
    struct shared_info *s = v->domain->shared_info;

    if ( v->vcpu_info )
        return v->vcpu_info;
    if ( s && v->vcpu_id < XEN_LEGACY_MAX_VCPUS )
        return &s->vcpu_info[v->vcpu_id];
    return NULL;
}

/* Xen's vcpu_unblock(): a blocked vCPU runs again. */
static void ev_unblock(struct vcpu *v)
{
    unsigned long m = 1UL << VPF_blocked;

    if ( __atomic_fetch_and(&v->pause_flags, ~m, __ATOMIC_SEQ_CST) & m )
        vcpu_wake(v);
}

void evtchn_set_upcall(struct vcpu *v)
{
    struct vcpu_info *vi = evtchn_vcpu_info(v);

    if ( !vi )
        return;
    /*
     * The guest clears upcall_pending before it scans the selector, so
     * while it is set a scan is still to come and will see our bits.
     */
    if ( __atomic_exchange_n(&vi->evtchn_upcall_pending, 1,
                             __ATOMIC_SEQ_CST) )
        return;
    if ( hvm_assert_evtchn_irq )
        hvm_assert_evtchn_irq(v);
    ev_unblock(v);
}

/*
 * Set once anybody registers a poll.  Until SCHEDOP_poll does, a vCPU
 * blocked in poll would sleep through an event on a masked port (Linux's
 * PV spinlock kicker is one), so a masked event then unblocks the vCPU
 * it is bound to: a spurious wake-up at worst, which the ABI allows.
 */
static bool poll_registration_used;

static void ev_check_pollers(struct domain *d, const struct evtchn *chn,
                             evtchn_port_t port)
{
    struct evtchn_domain *e = d->evtchn;
    unsigned int i, bits = 8 * sizeof(e->polling[0]);

    if ( !__atomic_load_n(&poll_registration_used, __ATOMIC_RELAXED) )
    {
        struct vcpu *v = ev_vcpu(d, chn->notify_vcpu_id);

        if ( v && ev_test(port, ((struct shared_info *)d->shared_info)
                                ->evtchn_mask) )
            ev_unblock(v);
        return;
    }

    for ( i = 0; i < d->max_vcpus && i < MAX_VIRT_CPUS; i++ )
    {
        unsigned long m = 1UL << (i % bits);
        evtchn_port_t want;
        struct vcpu *v;

        if ( !(__atomic_load_n(&e->polling[i / bits], __ATOMIC_SEQ_CST) &
               m) )
            continue;
        want = __atomic_load_n(&e->poll_port[i], __ATOMIC_SEQ_CST);
        if ( want && want != port )
            continue;
        if ( !(__atomic_fetch_and(&e->polling[i / bits], ~m,
                                  __ATOMIC_SEQ_CST) & m) )
            continue;
        v = ev_vcpu(d, i);
        if ( v )
            ev_unblock(v);
    }
}

/*
 * The 2-level delivery rule: pending bit, then (if unmasked) the
 * selector bit of the notified vCPU, then its upcall.  Caller holds d's
 * lock or otherwise keeps chn bound (see evtchn_send()).
 */
static void ev_mark_pending(struct domain *d, const struct evtchn *chn,
                            evtchn_port_t port)
{
    struct shared_info *s = d->shared_info;
    struct vcpu *v;
    struct vcpu_info *vi;

    if ( !s )
        return;
    if ( ev_test_and_set(port, s->evtchn_pending) )
        return;
    v = ev_vcpu(d, chn->notify_vcpu_id);
    if ( v && !ev_test(port, s->evtchn_mask) && (vi = evtchn_vcpu_info(v)) &&
         !ev_test_and_set(port / BITS_PER_EVTCHN_WORD,
                          &vi->evtchn_pending_sel) )
        evtchn_set_upcall(v);
    ev_check_pollers(d, chn, port);
}

static void free_port(struct domain *d, struct evtchn *chn,
                      evtchn_port_t port)
{
    struct shared_info *s = d->shared_info;

    /* A stale pending bit would fire on the port's next user. */
    if ( s )
        ev_test_and_clear(port, s->evtchn_pending);
    memset(chn, 0, sizeof(*chn));
    chn->state = ECS_FREE;
}

/*
 * Look up the domain an operation names: the caller's own (DOMID_SELF
 * or its id), or with privilege any other, holding a reference the
 * caller drops with ev_put() (the caller's own needs none: it runs).
 * NULL with *rc set otherwise.  The reference keeps d's ports in memory;
 * a d dying meanwhile has them closed under its lock (get_free_port).
 */
static struct domain *ev_domain(struct vcpu *curr, domid_t dom, int *rc)
{
    struct domain *cd = curr->domain, *d;

    if ( dom == DOMID_SELF || dom == cd->domain_id )
        return cd;
    d = rcu_lock_domain_by_id(dom);
    if ( !d || !d->evtchn )
    {
        if ( d )
            rcu_unlock_domain(d);
        *rc = -ESRCH;
        return NULL;
    }
    if ( !cd->is_privileged )
    {
        rcu_unlock_domain(d);
        *rc = -EPERM;
        return NULL;
    }
    return d;
}

static void ev_put(struct vcpu *curr, struct domain *d)
{
    if ( d && d != curr->domain )
        rcu_unlock_domain(d);
}

/* ---- operations --------------------------------------------------------- */

int evtchn_alloc_unbound(struct vcpu *curr, struct evtchn_alloc_unbound *a)
{
    struct domain *d;
    struct evtchn *chn;
    unsigned long f;
    int rc = 0, port;

    d = ev_domain(curr, a->dom, &rc);
    if ( !d )
        return rc;

    f = ev_lock(d);
    port = get_free_port(d);
    if ( port < 0 )
    {
        ev_unlock(d, f);
        ev_put(curr, d);
        return port;
    }
    chn = port_chn(d->evtchn, port);
    chn->state = ECS_UNBOUND;
    chn->notify_vcpu_id = 0;
    chn->u.unbound.remote_domid = a->remote_dom == DOMID_SELF
                                  ? curr->domain->domain_id : a->remote_dom;
    ev_unlock(d, f);
    ev_put(curr, d);

    a->port = port;
    return 0;
}

int evtchn_bind_interdomain(struct vcpu *curr,
                            struct evtchn_bind_interdomain *b)
{
    struct domain *ld = curr->domain, *rd;
    struct evtchn *lchn, *rchn;
    evtchn_port_t rport = b->remote_port;
    unsigned long f;
    int lport;

    if ( b->remote_dom == DOMID_SELF || b->remote_dom == ld->domain_id )
        rd = ld;
    else
        rd = rcu_lock_domain_by_id(b->remote_dom);
    if ( !rd || !rd->evtchn )
    {
        ev_put(curr, rd);
        return -ESRCH;
    }

    f = ev_lock_pair(ld, rd);

    /*
     * Only a port rd set aside for us may be bound, and not once rd is
     * dying: its ports are being closed (evtchn_domain_destroy).
     */
    if ( __atomic_load_n(&rd->is_dying, __ATOMIC_SEQ_CST) ||
         !port_is_valid(rd->evtchn, rport) ||
         (rchn = port_chn(rd->evtchn, rport))->state != ECS_UNBOUND ||
         rchn->u.unbound.remote_domid != ld->domain_id )
    {
        ev_unlock_pair(ld, rd, f);
        ev_put(curr, rd);
        return -EINVAL;
    }

    lport = get_free_port(ld);
    if ( lport < 0 )
    {
        ev_unlock_pair(ld, rd, f);
        ev_put(curr, rd);
        return lport;
    }
    lchn = port_chn(ld->evtchn, lport);
    /* get_free_port() may have allocated a bucket: look rchn up again. */
    rchn = port_chn(rd->evtchn, rport);

    lchn->state = ECS_INTERDOMAIN;
    lchn->notify_vcpu_id = 0;
    lchn->u.interdomain.remote_dom = rd;
    lchn->u.interdomain.remote_port = rport;

    rchn->state = ECS_INTERDOMAIN;
    rchn->u.interdomain.remote_dom = ld;
    rchn->u.interdomain.remote_port = lport;

    /*
     * Sends on the unbound remote port were dropped; like Xen, notify
     * the new local port once so the guest looks at the ring anyway.
     */
    ev_mark_pending(ld, lchn, lport);

    ev_unlock_pair(ld, rd, f);
    ev_put(curr, rd);

    b->local_port = lport;
    return 0;
}

int evtchn_bind_virq(struct vcpu *curr, struct evtchn_bind_virq *b)
{
    struct domain *d = curr->domain;
    struct evtchn_domain *e = d->evtchn;
    struct evtchn *chn;
    unsigned long f;
    int port;

    if ( b->virq >= NR_VIRQS )
        return -EINVAL;
    /* Global VIRQs are bound on vCPU 0 and moved with bind_vcpu. */
    if ( virq_is_global(b->virq) && b->vcpu != 0 )
        return -EINVAL;
    if ( !ev_vcpu(d, b->vcpu) || b->vcpu >= e->nr_vcpus )
        return -ENOENT;

    f = ev_lock(d);
    if ( e->virq_to_port[b->vcpu][b->virq] )
    {
        ev_unlock(d, f);
        return -EEXIST;
    }
    port = get_free_port(d);
    if ( port < 0 )
    {
        ev_unlock(d, f);
        return port;
    }
    chn = port_chn(e, port);
    chn->state = ECS_VIRQ;
    chn->notify_vcpu_id = b->vcpu;
    chn->u.virq = b->virq;
    e->virq_to_port[b->vcpu][b->virq] = port;
    ev_unlock(d, f);

    b->port = port;
    return 0;
}

int evtchn_bind_ipi(struct vcpu *curr, struct evtchn_bind_ipi *b)
{
    struct domain *d = curr->domain;
    struct evtchn *chn;
    unsigned long f;
    int port;

    if ( !ev_vcpu(d, b->vcpu) )
        return -ENOENT;

    f = ev_lock(d);
    port = get_free_port(d);
    if ( port < 0 )
    {
        ev_unlock(d, f);
        return port;
    }
    chn = port_chn(d->evtchn, port);
    chn->state = ECS_IPI;
    chn->notify_vcpu_id = b->vcpu;
    ev_unlock(d, f);

    b->port = port;
    return 0;
}

int evtchn_close(struct domain *d, evtchn_port_t port)
{
    struct evtchn_domain *e = d->evtchn;
    struct domain *rd = NULL;
    struct evtchn *chn, *rchn;
    unsigned long f;
    unsigned int row;
    int rc = 0;

 again:
    f = rd ? ev_lock_pair(d, rd) : ev_lock(d);

    if ( !port_is_valid(e, port) )
    {
        rc = -EINVAL;
        goto out;
    }
    chn = port_chn(e, port);

    switch ( chn->state )
    {
    case ECS_FREE:
    case ECS_RESERVED:
        rc = -EINVAL;
        goto out;

    case ECS_UNBOUND:
    case ECS_IPI:
    case ECS_PIRQ:
        break;

    case ECS_VIRQ:
        row = virq_is_global(chn->u.virq) ? 0 : chn->notify_vcpu_id;
        if ( row < e->nr_vcpus && chn->u.virq < NR_VIRQS &&
             e->virq_to_port[row][chn->u.virq] == port )
            e->virq_to_port[row][chn->u.virq] = 0;
        break;

    case ECS_INTERDOMAIN:
        if ( chn->u.interdomain.remote_dom != d &&
             chn->u.interdomain.remote_dom != rd )
        {
            /*
             * Take the peer's lock too (in order), then look again.  The
             * peer cannot be freed while bound to us (its destruction
             * closes this port under our lock first); the reference
             * keeps its memory once we let go of our lock.
             */
            struct domain *peer = chn->u.interdomain.remote_dom;

            get_domain(peer);
            if ( rd )
            {
                ev_unlock_pair(d, rd, f);
                put_domain(rd);
            }
            else
                ev_unlock(d, f);
            rd = peer;
            goto again;
        }
        /* The peer's port waits for a new partner: us. */
        rchn = port_chn(chn->u.interdomain.remote_dom->evtchn,
                        chn->u.interdomain.remote_port);
        rchn->state = ECS_UNBOUND;
        rchn->u.unbound.remote_domid = d->domain_id;
        break;

    default:
        rc = -EINVAL;
        goto out;
    }

    free_port(d, chn, port);

 out:
    if ( rd )
    {
        ev_unlock_pair(d, rd, f);
        put_domain(rd);
    }
    else
        ev_unlock(d, f);
    return rc;
}

int evtchn_status(struct vcpu *curr, struct evtchn_status *s)
{
    struct domain *d;
    struct evtchn *chn;
    unsigned long f;
    int rc = 0;

    d = ev_domain(curr, s->dom, &rc);
    if ( !d )
        return rc;

    f = ev_lock(d);
    if ( !port_is_valid(d->evtchn, s->port) )
    {
        ev_unlock(d, f);
        ev_put(curr, d);
        return -EINVAL;
    }
    chn = port_chn(d->evtchn, s->port);
    memset(&s->u, 0, sizeof(s->u));
    switch ( chn->state )
    {
    case ECS_UNBOUND:
        s->status = EVTCHNSTAT_unbound;
        s->u.unbound.dom = chn->u.unbound.remote_domid;
        break;
    case ECS_INTERDOMAIN:
        s->status = EVTCHNSTAT_interdomain;
        s->u.interdomain.dom = chn->u.interdomain.remote_dom->domain_id;
        s->u.interdomain.port = chn->u.interdomain.remote_port;
        break;
    case ECS_PIRQ:
        s->status = EVTCHNSTAT_pirq;
        s->u.pirq = chn->u.pirq;
        break;
    case ECS_VIRQ:
        s->status = EVTCHNSTAT_virq;
        s->u.virq = chn->u.virq;
        break;
    case ECS_IPI:
        s->status = EVTCHNSTAT_ipi;
        break;
    default:
        s->status = EVTCHNSTAT_closed;
        break;
    }
    s->vcpu = chn->notify_vcpu_id;
    ev_unlock(d, f);
    ev_put(curr, d);
    return 0;
}

int evtchn_bind_vcpu(struct domain *d, evtchn_port_t port,
                     unsigned int vcpu_id)
{
    struct evtchn *chn;
    unsigned long f;
    int rc = 0;

    if ( !ev_vcpu(d, vcpu_id) )
        return -ENOENT;

    f = ev_lock(d);
    if ( !port_is_valid(d->evtchn, port) )
    {
        ev_unlock(d, f);
        return -EINVAL;
    }
    chn = port_chn(d->evtchn, port);
    switch ( chn->state )
    {
    case ECS_VIRQ:
        /* A per-vCPU VIRQ belongs to its vCPU. */
        if ( virq_is_global(chn->u.virq) )
            chn->notify_vcpu_id = vcpu_id;
        else
            rc = -EINVAL;
        break;
    case ECS_UNBOUND:
    case ECS_INTERDOMAIN:
    case ECS_PIRQ:
        chn->notify_vcpu_id = vcpu_id;
        break;
    default:
        rc = -EINVAL;
        break;
    }
    ev_unlock(d, f);
    return rc;
}

int evtchn_unmask(struct domain *d, evtchn_port_t port)
{
    struct shared_info *s = d->shared_info;
    struct vcpu *v;
    struct vcpu_info *vi;
    unsigned long f;

    f = ev_lock(d);
    if ( !port_is_valid(d->evtchn, port) )
    {
        ev_unlock(d, f);
        return -EINVAL;
    }
    /*
     * An event that arrived while masked only set its pending bit: now
     * that it is unmasked, deliver it as if it had just arrived.
     */
    v = ev_vcpu(d, port_chn(d->evtchn, port)->notify_vcpu_id);
    if ( s && ev_test_and_clear(port, s->evtchn_mask) &&
         ev_test(port, s->evtchn_pending) && v &&
         (vi = evtchn_vcpu_info(v)) &&
         !ev_test_and_set(port / BITS_PER_EVTCHN_WORD,
                          &vi->evtchn_pending_sel) )
        evtchn_set_upcall(v);
    ev_unlock(d, f);
    return 0;
}

int evtchn_reset(struct vcpu *curr, domid_t dom)
{
    struct domain *d;
    evtchn_port_t port;
    int rc = 0;

    d = ev_domain(curr, dom, &rc);
    if ( !d )
        return rc;

    for ( port = 1; port < d->evtchn->max_ports; port++ )
    {
        struct evtchn_domain *e = d->evtchn;

        /* Unlocked peek: evtchn_close() checks again under the lock. */
        if ( !e->bucket[port / EVTCHNS_PER_BUCKET] )
        {
            port += EVTCHNS_PER_BUCKET - 1 - port % EVTCHNS_PER_BUCKET;
            continue;
        }
        if ( port_chn(e, port)->state != ECS_FREE )
            evtchn_close(d, port);
    }
    ev_put(curr, d);
    return 0;
}

int evtchn_send(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn;
    unsigned long f;
    int rc = 0;

    if ( !d->evtchn )
        return -EINVAL;

    f = ev_lock(d);
    if ( !port_is_valid(d->evtchn, port) )
    {
        ev_unlock(d, f);
        return -EINVAL;
    }
    chn = port_chn(d->evtchn, port);
    switch ( chn->state )
    {
    case ECS_INTERDOMAIN:
    {
        /*
         * The pair changes only under both locks, so holding ours keeps
         * the peer port bound to us; its notify_vcpu_id may move under
         * the peer's lock, and either value is a valid vCPU.
         */
        struct domain *rd = chn->u.interdomain.remote_dom;
        evtchn_port_t rport = chn->u.interdomain.remote_port;

        ev_mark_pending(rd, port_chn(rd->evtchn, rport), rport);
        break;
    }
    case ECS_IPI:
        ev_mark_pending(d, chn, port);
        break;
    case ECS_UNBOUND:
        /* Nobody listens yet: dropped, as in Xen. */
        break;
    default:
        rc = -EINVAL;
        break;
    }
    ev_unlock(d, f);
    return rc;
}

static void send_virq(struct domain *d, unsigned int row, unsigned int virq)
{
    struct evtchn_domain *e = d->evtchn;
    evtchn_port_t port;
    unsigned long f;

    if ( !e || virq >= NR_VIRQS || row >= e->nr_vcpus )
        return;
    f = ev_lock(d);
    port = e->virq_to_port[row][virq];
    if ( port && port_is_valid(e, port) )
        ev_mark_pending(d, port_chn(e, port), port);
    ev_unlock(d, f);
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
    if ( virq_is_global(virq) )
        return;
    send_virq(v->domain, v->vcpu_id, virq);
}

void send_guest_global_virq(struct domain *d, unsigned int virq)
{
    if ( !d || !virq_is_global(virq) )
        return;
    send_virq(d, 0, virq);
}

void send_global_virq(unsigned int virq)
{
    send_guest_global_virq(hardware_domain, virq);
}

void evtchn_set_pending(struct domain *d, evtchn_port_t port)
{
    unsigned long f;

    if ( !d->evtchn )
        return;
    f = ev_lock(d);
    if ( port_is_valid(d->evtchn, port) &&
         port_chn(d->evtchn, port)->state != ECS_FREE &&
         port_chn(d->evtchn, port)->state != ECS_RESERVED )
        ev_mark_pending(d, port_chn(d->evtchn, port), port);
    ev_unlock(d, f);
}

bool evtchn_port_is_pending(struct domain *d, evtchn_port_t port)
{
    struct shared_info *s = d->shared_info;

    return s && d->evtchn && port_is_valid(d->evtchn, port) &&
           ev_test(port, s->evtchn_pending);
}

void evtchn_poll_begin(struct vcpu *v, evtchn_port_t port)
{
    struct evtchn_domain *e = v->domain->evtchn;
    unsigned int bits = 8 * sizeof(e->polling[0]), i = v->vcpu_id;

    if ( !e || i >= MAX_VIRT_CPUS )
        return;
    __atomic_store_n(&poll_registration_used, true, __ATOMIC_RELAXED);
    __atomic_store_n(&e->poll_port[i], port, __ATOMIC_SEQ_CST);
    __atomic_fetch_or(&e->polling[i / bits], 1UL << (i % bits),
                      __ATOMIC_SEQ_CST);
}

void evtchn_poll_end(struct vcpu *v)
{
    struct evtchn_domain *e = v->domain->evtchn;
    unsigned int bits = 8 * sizeof(e->polling[0]), i = v->vcpu_id;

    if ( !e || i >= MAX_VIRT_CPUS )
        return;
    __atomic_fetch_and(&e->polling[i / bits], ~(1UL << (i % bits)),
                       __ATOMIC_SEQ_CST);
}

/* ---- per-domain state --------------------------------------------------- */

int evtchn_domain_init(struct domain *d)
{
    struct evtchn_domain *e = xzalloc(struct evtchn_domain);
    unsigned int rows = d->max_vcpus ? d->max_vcpus : 1;

    if ( !e )
        return -ENOMEM;
    spin_lock_init(&e->lock);
    e->max_ports = EVTCHN_2L_NR_CHANNELS;
    e->nr_vcpus = d->max_vcpus;
    e->virq_to_port = xzalloc_bytes(sizeof(*e->virq_to_port) * rows);
    e->bucket[0] = xzalloc_array(struct evtchn, EVTCHNS_PER_BUCKET);
    if ( !e->virq_to_port || !e->bucket[0] )
    {
        xfree(e->virq_to_port);
        xfree(e->bucket[0]);
        xfree(e);
        return -ENOMEM;
    }
    /* Port 0 is never handed out: guests use it to mean "none". */
    e->bucket[0][0].state = ECS_RESERVED;
    d->evtchn = e;
    return 0;
}

/*
 * d is dying (or was never seen): close every port.  Closing tells every
 * peer, so no other domain points at us; none can be opened meanwhile
 * (get_free_port).  The arrays stay for holders of a reference on d
 * until evtchn_domain_free() at the last one.
 */
void evtchn_domain_destroy(struct domain *d)
{
    struct evtchn_domain *e = d->evtchn;
    evtchn_port_t port;

    if ( !e )
        return;
    for ( port = 1; port < e->max_ports; port++ )
    {
        /* Unlocked peek at the bucket: evtchn_close() looks again. */
        if ( !e->bucket[port / EVTCHNS_PER_BUCKET] )
        {
            port += EVTCHNS_PER_BUCKET - 1 - port % EVTCHNS_PER_BUCKET;
            continue;
        }
        if ( port_chn(e, port)->state != ECS_FREE )
            evtchn_close(d, port);
    }
}

void evtchn_domain_free(struct domain *d)
{
    struct evtchn_domain *e = d->evtchn;
    unsigned int i;

    if ( !e )
        return;
    d->evtchn = NULL;
    for ( i = 0; i < NR_EVTCHN_BUCKETS; i++ )
        xfree(e->bucket[i]);
    xfree(e->virq_to_port);
    /* Poisoned, as the grant table: a late use faults (test_domrace). */
    memset(e, 0xa5, sizeof(*e));
    xfree(e);
}

/* ---- the hypercall ------------------------------------------------------ */

static void ev_warn_once(unsigned int cmd)
{
    static unsigned long warned;
    /* Commands past the word share its top bit: the first one is shown. */
    unsigned long bit = 1UL << (cmd < 63 ? cmd : 63);

    if ( __atomic_fetch_or(&warned, bit, __ATOMIC_RELAXED) & bit )
        return;
    printk(XENLOG_WARNING "event_channel_op: cmd %u not implemented\n", cmd);
}

/* Copy the argument in, run op, copy it back out when it succeeded. */
#define EV_OP(type, call, out) ({                                       \
        type op_;                                                       \
        long rc_;                                                       \
        if ( copy_from_guest_virt(v, &op_, arg, sizeof(op_)) )          \
            rc_ = -EFAULT;                                              \
        else                                                            \
        {                                                               \
            rc_ = call(&op_);                                           \
            if ( !rc_ && (out) &&                                       \
                 copy_to_guest_virt(v, arg, &op_, sizeof(op_)) )        \
                rc_ = -EFAULT;                                          \
        }                                                               \
        rc_;                                                            \
    })

long do_event_channel_op_vcpu(struct vcpu *v, unsigned int cmd,
                              unsigned long arg)
{
    struct domain *d = v->domain;

    if ( !d->evtchn )
        return -ENOSYS;

#define CALL_ALLOC(p)  evtchn_alloc_unbound(v, p)
#define CALL_BINDI(p)  evtchn_bind_interdomain(v, p)
#define CALL_VIRQ(p)   evtchn_bind_virq(v, p)
#define CALL_IPI(p)    evtchn_bind_ipi(v, p)
#define CALL_CLOSE(p)  evtchn_close(d, (p)->port)
#define CALL_SEND(p)   evtchn_send(d, (p)->port)
#define CALL_STATUS(p) evtchn_status(v, p)
#define CALL_VCPU(p)   evtchn_bind_vcpu(d, (p)->port, (p)->vcpu)
#define CALL_UNMASK(p) evtchn_unmask(d, (p)->port)
#define CALL_RESET(p)  evtchn_reset(v, (p)->dom)
    switch ( cmd )
    {
    case EVTCHNOP_alloc_unbound:
        return EV_OP(struct evtchn_alloc_unbound, CALL_ALLOC, true);
    case EVTCHNOP_bind_interdomain:
        return EV_OP(struct evtchn_bind_interdomain, CALL_BINDI, true);
    case EVTCHNOP_bind_virq:
        return EV_OP(struct evtchn_bind_virq, CALL_VIRQ, true);
    case EVTCHNOP_bind_ipi:
        return EV_OP(struct evtchn_bind_ipi, CALL_IPI, true);
    case EVTCHNOP_close:
        return EV_OP(struct evtchn_close, CALL_CLOSE, false);
    case EVTCHNOP_send:
        return EV_OP(struct evtchn_send, CALL_SEND, false);
    case EVTCHNOP_status:
        return EV_OP(struct evtchn_status, CALL_STATUS, true);
    case EVTCHNOP_bind_vcpu:
        return EV_OP(struct evtchn_bind_vcpu, CALL_VCPU, false);
    case EVTCHNOP_unmask:
        return EV_OP(struct evtchn_unmask, CALL_UNMASK, false);
    case EVTCHNOP_reset:
        return EV_OP(struct evtchn_reset, CALL_RESET, false);
    case EVTCHNOP_init_control:
    case EVTCHNOP_expand_array:
    case EVTCHNOP_set_priority:
        /* FIFO ABI: guests fall back to 2-level when this fails. */
        return -ENOSYS;
    default:
        ev_warn_once(cmd);
        return -ENOSYS;
    }
#undef CALL_ALLOC
#undef CALL_BINDI
#undef CALL_VIRQ
#undef CALL_IPI
#undef CALL_CLOSE
#undef CALL_SEND
#undef CALL_STATUS
#undef CALL_VCPU
#undef CALL_UNMASK
#undef CALL_RESET
}

static long do_event_channel_op(unsigned long cmd, unsigned long arg,
                                unsigned long a3, unsigned long a4,
                                unsigned long a5)
{
    /* The ABI's cmd is an int: the upper half is ignored. */
    return do_event_channel_op_vcpu(current, (unsigned int)cmd, arg);
}

void event_channel_init(void)
{
    hypercall_register(__HYPERVISOR_event_channel_op, do_event_channel_op,
                       HC_ANY, "event_channel_op");
}
