/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen/common/event_channel.c: every operation's happy path and bad
 * arguments, interdomain pairs and their close, VIRQs (per-vCPU and
 * global), IPIs, the 2-level delivery rule (pending, mask, selector,
 * upcall), unmask re-delivery, port exhaustion, poll wake-ups, domain
 * destruction and the hypercall's argument copying; and the named domain's
 * lifetime: every lookup's reference is dropped on every path (teardown's
 * rmdom checks each domain is back to the list's one), and a domain
 * killed on "another pCPU" right after an operation looked it up
 * (kill_on_lookup) makes that operation fail cleanly while its ports stay
 * in memory until the operation's reference goes (ASan would see any use
 * after free).
 */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "stubs.h"

#include <xen/errno.h>
#include <xen/event.h>
#include <public/event_channel.h>

static struct domain *dom0, *dom1, *dom2;

static int setup(void **state)
{
    domains_destroyed = 0;
    kill_on_lookup = NULL;
    dom0 = mkdom(0, 2, true);
    dom1 = mkdom(1, 2, false);
    dom2 = mkdom(2, 1, false);
    test_log_reset();
    return 0;
}

static int teardown(void **state)
{
    rmdoms();
    return 0;
}

static struct shared_info *si(struct domain *d)
{
    return d->shared_info;
}

static bool pending(struct domain *d, evtchn_port_t p)
{
    return si(d)->evtchn_pending[p / 64] & (1UL << (p % 64));
}

static void set_mask(struct domain *d, evtchn_port_t p)
{
    si(d)->evtchn_mask[p / 64] |= 1UL << (p % 64);
}

static xen_ulong_t sel(struct domain *d, unsigned int vcpu)
{
    return si(d)->vcpu_info[vcpu].evtchn_pending_sel;
}

static u8 upcall_pending(struct domain *d, unsigned int vcpu)
{
    return si(d)->vcpu_info[vcpu].evtchn_upcall_pending;
}

/* What a guest's upcall handler does first: ack the upcall. */
static void guest_ack(struct domain *d, unsigned int vcpu)
{
    si(d)->vcpu_info[vcpu].evtchn_upcall_pending = 0;
    si(d)->vcpu_info[vcpu].evtchn_pending_sel = 0;
}

static int alloc_unbound(struct domain *caller, domid_t dom, domid_t remote,
                         evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
    int rc = evtchn_alloc_unbound(caller->vcpu[0], &a);

    if ( !rc && port )
        *port = a.port;
    return rc;
}

static int bind_interdomain(struct domain *caller, domid_t remote,
                            evtchn_port_t rport, evtchn_port_t *lport)
{
    struct evtchn_bind_interdomain b = { .remote_dom = remote,
                                         .remote_port = rport };
    int rc = evtchn_bind_interdomain(caller->vcpu[0], &b);

    if ( !rc && lport )
        *lport = b.local_port;
    return rc;
}

static int bind_virq(struct domain *d, u32 virq, u32 vcpu, evtchn_port_t *p)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
    int rc = evtchn_bind_virq(d->vcpu[0], &b);

    if ( !rc && p )
        *p = b.port;
    return rc;
}

static int bind_ipi(struct domain *d, u32 vcpu, evtchn_port_t *p)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    int rc = evtchn_bind_ipi(d->vcpu[0], &b);

    if ( !rc && p )
        *p = b.port;
    return rc;
}

static struct evtchn_status status(struct domain *caller, domid_t dom,
                                   evtchn_port_t port, int *rc)
{
    struct evtchn_status s = { .dom = dom, .port = port };

    *rc = evtchn_status(caller->vcpu[0], &s);
    return s;
}

/* dom1 offers a port to dom0, dom0 binds it: both ports returned. */
static void connect(evtchn_port_t *p0, evtchn_port_t *p1)
{
    assert_int_equal(alloc_unbound(dom1, DOMID_SELF, 0, p1), 0);
    assert_int_equal(bind_interdomain(dom0, 1, *p1, p0), 0);
}

static void test_alloc_unbound(void **state)
{
    evtchn_port_t p, q;
    struct evtchn_status s;
    int rc;

    assert_int_equal(alloc_unbound(dom1, DOMID_SELF, 0, &p), 0);
    assert_int_equal(p, 1);             /* port 0 is never handed out */
    s = status(dom1, DOMID_SELF, p, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    assert_int_equal(s.u.unbound.dom, 0);
    assert_int_equal(s.vcpu, 0);

    /* remote DOMID_SELF means the caller. */
    assert_int_equal(alloc_unbound(dom1, 1, DOMID_SELF, &q), 0);
    assert_int_equal(q, 2);
    s = status(dom1, 1, q, &rc);
    assert_int_equal(s.u.unbound.dom, 1);

    /* Privileged dom0 may allocate in dom2 (the toolstack does). */
    assert_int_equal(alloc_unbound(dom0, 2, 1, &p), 0);
    s = status(dom2, DOMID_SELF, p, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    assert_int_equal(s.u.unbound.dom, 1);
    /* ... and it did not take a port of its own. */
    s = status(dom0, DOMID_SELF, p, &rc);
    assert_int_equal(s.status, EVTCHNSTAT_closed);
}

static void test_alloc_unbound_bad(void **state)
{
    evtchn_port_t p = 77;

    assert_int_equal(alloc_unbound(dom1, 9, 0, &p), -ESRCH);
    assert_int_equal(alloc_unbound(dom1, DOMID_IO, 0, &p), -ESRCH);
    /* An unprivileged domain may not create ports in another. */
    assert_int_equal(alloc_unbound(dom1, 2, 1, &p), -EPERM);
    assert_int_equal(alloc_unbound(dom1, 0, 1, &p), -EPERM);
    assert_int_equal(p, 77);
    /* Nothing was allocated in dom2 or dom0. */
    assert_int_equal(alloc_unbound(dom2, DOMID_SELF, 0, &p), 0);
    assert_int_equal(p, 1);
}

static void test_bind_interdomain(void **state)
{
    evtchn_port_t p0, p1;
    struct evtchn_status s;
    int rc;

    connect(&p0, &p1);
    assert_int_equal(p0, 1);
    s = status(dom0, DOMID_SELF, p0, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(s.status, EVTCHNSTAT_interdomain);
    assert_int_equal(s.u.interdomain.dom, 1);
    assert_int_equal(s.u.interdomain.port, p1);
    s = status(dom1, DOMID_SELF, p1, &rc);
    assert_int_equal(s.status, EVTCHNSTAT_interdomain);
    assert_int_equal(s.u.interdomain.dom, 0);
    assert_int_equal(s.u.interdomain.port, p0);

    /* Like Xen, the new local port is notified once on binding. */
    assert_true(pending(dom0, p0));
    assert_int_equal(tv(dom0, 0)->upcalls, 1);
    guest_ack(dom0, 0);
    si(dom0)->evtchn_pending[0] = 0;

    /* dom0 -> dom1 */
    assert_int_equal(evtchn_send(dom0, p0), 0);
    assert_true(pending(dom1, p1));
    assert_int_equal(sel(dom1, 0), 1UL << (p1 / 64));
    assert_int_equal(upcall_pending(dom1, 0), 1);
    assert_int_equal(tv(dom1, 0)->upcalls, 1);
    assert_int_equal(tv(dom1, 1)->upcalls, 0);
    assert_false(pending(dom0, p0));

    /* dom1 -> dom0 */
    assert_int_equal(evtchn_send(dom1, p1), 0);
    assert_true(pending(dom0, p0));
    assert_int_equal(tv(dom0, 0)->upcalls, 2);

    /* dom2 is untouched by all this. */
    assert_int_equal(si(dom2)->evtchn_pending[0], 0);
    assert_int_equal(tv(dom2, 0)->upcalls, 0);
}

static void test_bind_interdomain_bad(void **state)
{
    evtchn_port_t p0, p1, lp = 55;

    assert_int_equal(alloc_unbound(dom1, DOMID_SELF, 0, &p1), 0);

    /* Only the domain the port was offered to may bind it. */
    assert_int_equal(bind_interdomain(dom2, 1, p1, &lp), -EINVAL);
    /* Bad remote ports: reserved, free, unallocated, out of range. */
    assert_int_equal(bind_interdomain(dom0, 1, 0, &lp), -EINVAL);
    assert_int_equal(bind_interdomain(dom0, 1, p1 + 1, &lp), -EINVAL);
    assert_int_equal(bind_interdomain(dom0, 1, 4095, &lp), -EINVAL);
    assert_int_equal(bind_interdomain(dom0, 1, 4096, &lp), -EINVAL);
    assert_int_equal(bind_interdomain(dom0, 1, 0xffffffffU, &lp), -EINVAL);
    /* Bad domains. */
    assert_int_equal(bind_interdomain(dom0, 7, p1, &lp), -ESRCH);
    assert_int_equal(bind_interdomain(dom0, DOMID_XEN, p1, &lp), -ESRCH);
    assert_int_equal(lp, 55);

    /* A bound port cannot be bound a second time. */
    assert_int_equal(bind_interdomain(dom0, 1, p1, &p0), 0);
    assert_int_equal(bind_interdomain(dom0, 1, p1, &lp), -EINVAL);
    assert_int_equal(lp, 55);
}

static void test_close_interdomain_pair(void **state)
{
    evtchn_port_t p0, p1, again;
    struct evtchn_status s;
    int rc;

    connect(&p0, &p1);
    assert_int_equal(evtchn_close(dom0, p0), 0);

    s = status(dom0, DOMID_SELF, p0, &rc);
    assert_int_equal(s.status, EVTCHNSTAT_closed);
    /* The peer's port waits for dom0 again. */
    s = status(dom1, DOMID_SELF, p1, &rc);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    assert_int_equal(s.u.unbound.dom, 0);

    /* Closing freed the pending bit set at bind time. */
    assert_false(pending(dom0, p0));
    /* Sending on an unbound port is dropped. */
    tv(dom0, 0)->upcalls = 0;
    assert_int_equal(evtchn_send(dom1, p1), 0);
    assert_int_equal(tv(dom0, 0)->upcalls, 0);
    assert_int_equal(evtchn_send(dom0, p0), -EINVAL);

    /* Double close, port 0, out of range. */
    assert_int_equal(evtchn_close(dom0, p0), -EINVAL);
    assert_int_equal(evtchn_close(dom0, 0), -EINVAL);
    assert_int_equal(evtchn_close(dom0, 4096), -EINVAL);
    assert_int_equal(evtchn_close(dom0, 0xffffffffU), -EINVAL);

    /* dom0 can bind the same remote port again. */
    assert_int_equal(bind_interdomain(dom0, 1, p1, &again), 0);
    assert_int_equal(again, p0);

    /* Closing from the other side works the same way. */
    assert_int_equal(evtchn_close(dom1, p1), 0);
    s = status(dom0, DOMID_SELF, again, &rc);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    assert_int_equal(s.u.unbound.dom, 1);
}

static void test_loopback(void **state)
{
    evtchn_port_t a, b;
    struct evtchn_status s;
    int rc;

    assert_int_equal(alloc_unbound(dom1, DOMID_SELF, DOMID_SELF, &a), 0);
    assert_int_equal(bind_interdomain(dom1, DOMID_SELF, a, &b), 0);
    assert_int_not_equal(a, b);
    guest_ack(dom1, 0);
    si(dom1)->evtchn_pending[0] = 0;

    assert_int_equal(evtchn_send(dom1, a), 0);
    assert_true(pending(dom1, b));
    assert_false(pending(dom1, a));
    assert_int_equal(evtchn_close(dom1, b), 0);
    s = status(dom1, 1, a, &rc);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    assert_int_equal(s.u.unbound.dom, 1);
}

static void test_virq(void **state)
{
    evtchn_port_t t0, t1, exc, p;
    struct evtchn_status s;
    int rc;

    assert_int_equal(bind_virq(dom1, VIRQ_TIMER, 1, &t1), 0);
    assert_int_equal(bind_virq(dom1, VIRQ_TIMER, 0, &t0), 0);
    assert_int_not_equal(t0, t1);
    s = status(dom1, DOMID_SELF, t1, &rc);
    assert_int_equal(s.status, EVTCHNSTAT_virq);
    assert_int_equal(s.u.virq, VIRQ_TIMER);
    assert_int_equal(s.vcpu, 1);

    /* A per-vCPU VIRQ goes to its own vCPU only. */
    send_guest_vcpu_virq(dom1->vcpu[1], VIRQ_TIMER);
    assert_true(pending(dom1, t1));
    assert_false(pending(dom1, t0));
    assert_int_equal(tv(dom1, 1)->upcalls, 1);
    assert_int_equal(tv(dom1, 0)->upcalls, 0);
    assert_int_equal(upcall_pending(dom1, 1), 1);
    assert_int_equal(upcall_pending(dom1, 0), 0);
    /* A VIRQ nobody bound is dropped. */
    send_guest_vcpu_virq(dom2->vcpu[0], VIRQ_TIMER);
    assert_int_equal(si(dom2)->evtchn_pending[0], 0);
    /* Global VIRQs are not sent as per-vCPU ones and vice versa. */
    send_guest_vcpu_virq(dom1->vcpu[0], VIRQ_DOM_EXC);
    send_guest_global_virq(dom1, VIRQ_TIMER);
    assert_false(pending(dom1, t0));

    /* Bound twice. */
    assert_int_equal(bind_virq(dom1, VIRQ_TIMER, 1, &p), -EEXIST);
    /* Global VIRQs bind on vCPU 0 only. */
    assert_int_equal(bind_virq(dom0, VIRQ_DOM_EXC, 1, &p), -EINVAL);
    assert_int_equal(bind_virq(dom0, VIRQ_DOM_EXC, 0, &exc), 0);
    /* Bad VIRQ numbers and vCPUs. */
    assert_int_equal(bind_virq(dom1, NR_VIRQS, 0, &p), -EINVAL);
    assert_int_equal(bind_virq(dom1, 0xffffffffU, 0, &p), -EINVAL);
    assert_int_equal(bind_virq(dom1, VIRQ_DEBUG, 2, &p), -ENOENT);
    assert_int_equal(bind_virq(dom1, VIRQ_DEBUG, 0xffffffffU, &p), -ENOENT);

    /* A global VIRQ for the hardware domain, moved to vCPU 1. */
    assert_int_equal(evtchn_bind_vcpu(dom0, exc, 1), 0);
    send_global_virq(VIRQ_DOM_EXC);
    assert_true(pending(dom0, exc));
    assert_int_equal(tv(dom0, 1)->upcalls, 1);
    assert_int_equal(tv(dom0, 0)->upcalls, 0);

    /* Sending on a VIRQ port from the guest is refused. */
    assert_int_equal(evtchn_send(dom1, t1), -EINVAL);

    /* Closing unbinds: the VIRQ can be bound again. */
    assert_int_equal(evtchn_close(dom1, t1), 0);
    assert_int_equal(bind_virq(dom1, VIRQ_TIMER, 1, &p), 0);
    assert_int_equal(p, t1);
}

static void test_ipi(void **state)
{
    evtchn_port_t p;
    struct evtchn_status s;
    int rc;

    assert_int_equal(bind_ipi(dom1, 1, &p), 0);
    s = status(dom1, DOMID_SELF, p, &rc);
    assert_int_equal(s.status, EVTCHNSTAT_ipi);
    assert_int_equal(s.vcpu, 1);
    assert_int_equal(evtchn_send(dom1, p), 0);
    assert_true(pending(dom1, p));
    assert_int_equal(tv(dom1, 1)->upcalls, 1);
    assert_int_equal(tv(dom1, 0)->upcalls, 0);

    assert_int_equal(bind_ipi(dom1, 2, &p), -ENOENT);
    assert_int_equal(bind_ipi(dom1, 0x80000000U, &p), -ENOENT);
    /* IPI ports stay on their vCPU. */
    assert_int_equal(evtchn_bind_vcpu(dom1, p, 0), -EINVAL);
}

static void test_mask_and_unmask(void **state)
{
    evtchn_port_t p0, p1;

    connect(&p0, &p1);
    set_mask(dom1, p1);

    /* Masked: pending is recorded, nothing else. */
    assert_int_equal(evtchn_send(dom0, p0), 0);
    assert_true(pending(dom1, p1));
    assert_int_equal(sel(dom1, 0), 0);
    assert_int_equal(upcall_pending(dom1, 0), 0);
    assert_int_equal(tv(dom1, 0)->upcalls, 0);

    /* Unmask re-delivers the event that arrived while masked. */
    assert_int_equal(evtchn_unmask(dom1, p1), 0);
    assert_int_equal(sel(dom1, 0), 1UL << (p1 / 64));
    assert_int_equal(upcall_pending(dom1, 0), 1);
    assert_int_equal(tv(dom1, 0)->upcalls, 1);
    assert_int_equal(si(dom1)->evtchn_mask[0], 0);

    /* Unmasking an unmasked or idle port does nothing more. */
    assert_int_equal(evtchn_unmask(dom1, p1), 0);
    assert_int_equal(tv(dom1, 0)->upcalls, 1);
    guest_ack(dom1, 0);
    si(dom1)->evtchn_pending[0] = 0;
    set_mask(dom1, p1);
    assert_int_equal(evtchn_unmask(dom1, p1), 0);
    assert_int_equal(upcall_pending(dom1, 0), 0);
    assert_int_equal(tv(dom1, 0)->upcalls, 1);

    /* Bad ports. */
    assert_int_equal(evtchn_unmask(dom1, 4096), -EINVAL);
    assert_int_equal(evtchn_unmask(dom1, 0xffffffffU), -EINVAL);
    assert_int_equal(evtchn_unmask(dom1, 4000), -EINVAL);  /* no bucket */
}

static void test_upcall_once(void **state)
{
    evtchn_port_t a, b;

    assert_int_equal(bind_ipi(dom2, 0, &a), 0);
    assert_int_equal(bind_ipi(dom2, 0, &b), 0);
    assert_int_equal(evtchn_send(dom2, a), 0);
    assert_int_equal(evtchn_send(dom2, b), 0);
    assert_int_equal(evtchn_send(dom2, a), 0);
    /* One upcall until the guest acknowledges it. */
    assert_int_equal(tv(dom2, 0)->upcalls, 1);
    guest_ack(dom2, 0);
    assert_int_equal(evtchn_send(dom2, b), 0);
    /* Still pending from before: no new edge. */
    assert_int_equal(tv(dom2, 0)->upcalls, 1);
    si(dom2)->evtchn_pending[0] = 0;
    assert_int_equal(evtchn_send(dom2, b), 0);
    assert_int_equal(tv(dom2, 0)->upcalls, 2);
}

static void test_high_port_selector(void **state)
{
    evtchn_port_t p = 0;
    unsigned int i;

    /* Ports 1..199: the last one lands in selector word 3. */
    for ( i = 0; i < 199; i++ )
        assert_int_equal(bind_ipi(dom2, 0, &p), 0);
    assert_int_equal(p, 199);
    assert_int_equal(evtchn_send(dom2, p), 0);
    assert_true(pending(dom2, 199));
    assert_int_equal(sel(dom2, 0), 1UL << 3);
}

static void test_exhaustion(void **state)
{
    evtchn_port_t p = 0, last = 0;
    unsigned int i;

    for ( i = 1; i < EVTCHN_2L_NR_CHANNELS; i++ )
    {
        assert_int_equal(alloc_unbound(dom2, DOMID_SELF, 0, &p), 0);
        assert_int_equal(p, i);
        last = p;
    }
    assert_int_equal(last, 4095);
    assert_int_equal(alloc_unbound(dom2, DOMID_SELF, 0, &p), -ENOSPC);
    assert_int_equal(bind_ipi(dom2, 0, &p), -ENOSPC);
    assert_int_equal(bind_virq(dom2, VIRQ_TIMER, 0, &p), -ENOSPC);

    /* Other domains are not affected. */
    assert_int_equal(bind_ipi(dom1, 0, &p), 0);
    assert_int_equal(p, 1);

    /* A closed port is handed out again. */
    assert_int_equal(evtchn_close(dom2, 1234), 0);
    assert_int_equal(bind_ipi(dom2, 0, &p), 0);
    assert_int_equal(p, 1234);

    /* The top port works end to end. */
    assert_int_equal(bind_interdomain(dom0, 2, 4095, &p), 0);
    assert_int_equal(evtchn_send(dom0, p), 0);
    assert_true(pending(dom2, 4095));
    assert_int_equal(sel(dom2, 0), 1UL << 63);
}

static void test_status_bad(void **state)
{
    evtchn_port_t p;
    struct evtchn_status s;
    int rc;

    s = status(dom1, DOMID_SELF, 0, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(s.status, EVTCHNSTAT_closed);
    status(dom1, DOMID_SELF, 4096, &rc);
    assert_int_equal(rc, -EINVAL);
    status(dom1, DOMID_SELF, 100, &rc);
    assert_int_equal(rc, -EINVAL);
    status(dom1, 5, 1, &rc);
    assert_int_equal(rc, -ESRCH);

    assert_int_equal(bind_ipi(dom0, 0, &p), 0);
    status(dom1, 0, p, &rc);
    assert_int_equal(rc, -EPERM);
    /* The privileged domain may look at others. */
    assert_int_equal(bind_ipi(dom1, 1, &p), 0);
    s = status(dom0, 1, p, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(s.status, EVTCHNSTAT_ipi);
    assert_int_equal(s.vcpu, 1);
}

static void test_bind_vcpu(void **state)
{
    evtchn_port_t p0, p1, u;

    connect(&p0, &p1);
    assert_int_equal(evtchn_bind_vcpu(dom1, p1, 1), 0);
    assert_int_equal(evtchn_send(dom0, p0), 0);
    assert_int_equal(tv(dom1, 1)->upcalls, 1);
    assert_int_equal(tv(dom1, 0)->upcalls, 0);
    assert_int_equal(sel(dom1, 1), 1UL << (p1 / 64));
    assert_int_equal(sel(dom1, 0), 0);

    assert_int_equal(alloc_unbound(dom1, DOMID_SELF, 0, &u), 0);
    assert_int_equal(evtchn_bind_vcpu(dom1, u, 1), 0);

    assert_int_equal(evtchn_bind_vcpu(dom1, p1, 2), -ENOENT);
    assert_int_equal(evtchn_bind_vcpu(dom1, p1, 0xffffffffU), -ENOENT);
    assert_int_equal(evtchn_bind_vcpu(dom1, 0, 0), -EINVAL);
    assert_int_equal(evtchn_bind_vcpu(dom1, 4096, 0), -EINVAL);
    assert_int_equal(evtchn_bind_vcpu(dom1, 30, 0), -EINVAL);   /* free */

    /* Per-vCPU VIRQs do not move. */
    assert_int_equal(bind_virq(dom1, VIRQ_TIMER, 0, &u), 0);
    assert_int_equal(evtchn_bind_vcpu(dom1, u, 1), -EINVAL);
}

static void test_send_bad(void **state)
{
    evtchn_port_t u;

    assert_int_equal(evtchn_send(dom1, 0), -EINVAL);
    assert_int_equal(evtchn_send(dom1, 4096), -EINVAL);
    assert_int_equal(evtchn_send(dom1, 0xffffffffU), -EINVAL);
    assert_int_equal(evtchn_send(dom1, 5), -EINVAL);
    assert_int_equal(alloc_unbound(dom1, DOMID_SELF, 0, &u), 0);
    assert_int_equal(evtchn_send(dom1, u), 0);
    assert_int_equal(si(dom1)->evtchn_pending[0], 0);
    assert_int_equal(si(dom0)->evtchn_pending[0], 0);
}

static void test_isolation(void **state)
{
    evtchn_port_t a, b;
    struct evtchn_status s;
    int rc;

    /* The same port number in two domains: each only sees its own. */
    assert_int_equal(bind_ipi(dom1, 0, &a), 0);
    assert_int_equal(bind_ipi(dom2, 0, &b), 0);
    assert_int_equal(a, b);
    assert_int_equal(evtchn_close(dom1, a), 0);
    s = status(dom2, DOMID_SELF, b, &rc);
    assert_int_equal(s.status, EVTCHNSTAT_ipi);
    assert_int_equal(evtchn_send(dom2, b), 0);
    assert_false(pending(dom1, a));
    assert_int_equal(evtchn_close(dom1, b), -EINVAL);
}

static void test_reset(void **state)
{
    evtchn_port_t p0, p1, q;
    struct evtchn_status s;
    int rc;

    connect(&p0, &p1);
    assert_int_equal(bind_virq(dom1, VIRQ_TIMER, 0, &q), 0);

    assert_int_equal(evtchn_reset(dom1->vcpu[0], 0), -EPERM);
    assert_int_equal(evtchn_reset(dom1->vcpu[0], 42), -ESRCH);
    assert_int_equal(evtchn_reset(dom0->vcpu[0], 1), 0);

    s = status(dom1, DOMID_SELF, p1, &rc);
    assert_int_equal(s.status, EVTCHNSTAT_closed);
    s = status(dom1, DOMID_SELF, q, &rc);
    assert_int_equal(s.status, EVTCHNSTAT_closed);
    s = status(dom0, DOMID_SELF, p0, &rc);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    assert_int_equal(s.u.unbound.dom, 1);
    /* The VIRQ can be bound again after the reset. */
    assert_int_equal(bind_virq(dom1, VIRQ_TIMER, 0, &q), 0);
}

/*
 * Before anybody registers a poll, a masked event unblocks the vCPU the
 * port is bound to (a poller would otherwise sleep through it).  Runs
 * before test_poll, which switches to registered polls for good.
 */
static void test_masked_event_unblocks_without_poll(void **state)
{
    evtchn_port_t p;
    struct vcpu *v = dom1->vcpu[1];

    assert_int_equal(bind_ipi(dom1, 1, &p), 0);
    set_mask(dom1, p);
    v->pause_flags |= 1UL << VPF_blocked;
    assert_int_equal(evtchn_send(dom1, p), 0);
    assert_false(v->pause_flags & (1UL << VPF_blocked));
    assert_int_equal(tv(dom1, 1)->wakes, 1);
    assert_int_equal(tv(dom1, 1)->upcalls, 0);
    assert_int_equal(upcall_pending(dom1, 1), 0);
    assert_int_equal(tv(dom1, 0)->wakes, 0);
}

static void test_poll(void **state)
{
    evtchn_port_t a, b;
    struct vcpu *v = dom1->vcpu[1];

    assert_int_equal(bind_ipi(dom1, 0, &a), 0);
    assert_int_equal(bind_ipi(dom1, 0, &b), 0);
    set_mask(dom1, a);
    set_mask(dom1, b);

    v->pause_flags |= 1UL << VPF_blocked;
    evtchn_poll_begin(v, a);
    assert_int_equal(evtchn_send(dom1, b), 0);
    assert_int_equal(tv(dom1, 1)->wakes, 0);
    /* Masked, but polled for: the vCPU wakes. */
    assert_int_equal(evtchn_send(dom1, a), 0);
    assert_int_equal(tv(dom1, 1)->wakes, 1);
    assert_false(v->pause_flags & (1UL << VPF_blocked));
    assert_true(evtchn_port_is_pending(dom1, a));
    assert_false(evtchn_port_is_pending(dom1, 4096));

    /* Port 0: any port; evtchn_poll_end() cancels. */
    si(dom1)->evtchn_pending[0] = 0;
    v->pause_flags |= 1UL << VPF_blocked;
    evtchn_poll_begin(v, 0);
    evtchn_poll_end(v);
    assert_int_equal(evtchn_send(dom1, b), 0);
    assert_int_equal(tv(dom1, 1)->wakes, 1);
    evtchn_poll_begin(v, 0);
    si(dom1)->evtchn_pending[0] = 0;
    assert_int_equal(evtchn_send(dom1, b), 0);
    assert_int_equal(tv(dom1, 1)->wakes, 2);
}

static void test_upcall_wakes_blocked(void **state)
{
    evtchn_port_t p;
    struct vcpu *v = dom2->vcpu[0];

    assert_int_equal(bind_ipi(dom2, 0, &p), 0);
    v->pause_flags |= 1UL << VPF_blocked;
    assert_int_equal(evtchn_send(dom2, p), 0);
    assert_false(v->pause_flags & (1UL << VPF_blocked));
    assert_int_equal(tv(dom2, 0)->wakes, 1);
}

static void test_destroy_peer(void **state)
{
    evtchn_port_t p0, p1;
    struct evtchn_status s;
    int rc;

    connect(&p0, &p1);
    rmdom(dom1);
    dom1 = NULL;
    s = status(dom0, DOMID_SELF, p0, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    assert_int_equal(s.u.unbound.dom, 1);
    assert_int_equal(evtchn_send(dom0, p0), 0);
}

/* Lookups hold a reference; every path (success or not) drops it. */
static void test_lookup_references(void **state)
{
    evtchn_port_t p, p0, p1;
    struct evtchn_status s;
    int rc;

    assert_int_equal(alloc_unbound(dom0, 1, 0, &p), 0);
    assert_int_equal(alloc_unbound(dom2, 1, 0, &p), -EPERM);
    s = status(dom0, 1, p, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    s = status(dom0, 1, 4095, &rc);
    assert_int_equal(rc, -EINVAL);
    connect(&p0, &p1);
    assert_int_equal(bind_interdomain(dom0, 1, p1, &p), -EINVAL);
    assert_int_equal(dom1->refcnt, 1);
    /* Closing from dom1's side takes dom0 (the peer) for a while. */
    assert_int_equal(evtchn_close(dom1, p1), 0);
    assert_int_equal(dom0->refcnt, 1);
    assert_int_equal(evtchn_reset(dom0->vcpu[0], 1), 0);
    assert_int_equal(evtchn_reset(dom2->vcpu[0], 1), -EPERM);
    assert_int_equal(dom1->refcnt, 1);
}

/* Killed right after alloc_unbound or bind looked it up: -EINVAL. */
static void test_kill_during_alloc_bind(void **state)
{
    evtchn_port_t p, p1, first;
    struct evtchn_status s;
    int rc;

    kill_on_lookup = dom1;
    assert_int_equal(alloc_unbound(dom0, 1, 0, &p), -EINVAL);
    assert_int_equal(domains_destroyed, 1);
    dom1 = NULL;

    /* dom2 offers a port, then dies while dom0 binds it. */
    assert_int_equal(alloc_unbound(dom0, DOMID_SELF, 0, &first), 0);
    assert_int_equal(evtchn_close(dom0, first), 0);
    assert_int_equal(alloc_unbound(dom2, DOMID_SELF, 0, &p1), 0);
    kill_on_lookup = dom2;
    assert_int_equal(bind_interdomain(dom0, 2, p1, &p), -EINVAL);
    assert_int_equal(domains_destroyed, 2);
    dom2 = NULL;
    /* No port of dom0's was taken by the failed bind. */
    s = status(dom0, DOMID_SELF, first, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(s.status, EVTCHNSTAT_closed);
    /* Gone for lookups. */
    assert_int_equal(alloc_unbound(dom0, 2, 0, &p), -ESRCH);
}

/*
 * dom0 holds a reference on a guest (a back-end's hypercall in flight)
 * when the toolstack kills it: the guest's ports are closed (dom0's side
 * unbound, sends dropped), nothing can be opened on it, its memory stays
 * until the last put, which frees it.
 */
static void test_killed_peer_held(void **state)
{
    struct domain *d;
    evtchn_port_t p0, p1;
    struct evtchn_status s;
    int rc;

    connect(&p0, &p1);
    d = rcu_lock_domain_by_id(1);
    assert_ptr_equal(d, dom1);
    killdom(dom1);
    dom1 = NULL;
    assert_int_equal(domains_destroyed, 0);
    assert_int_equal(d->refcnt, 1);
    assert_non_null(d->evtchn);

    s = status(dom0, DOMID_SELF, p0, &rc);
    assert_int_equal(s.status, EVTCHNSTAT_unbound);
    tv(d, 0)->upcalls = 0;
    assert_int_equal(evtchn_send(dom0, p0), 0);
    assert_int_equal(tv(d, 0)->upcalls, 0);
    /* The dying domain's own ports are closed; none can be opened. */
    assert_int_equal(evtchn_send(d, p1), -EINVAL);
    {
        struct evtchn_bind_ipi b = { .vcpu = 0 };

        assert_int_equal(evtchn_bind_ipi(d->vcpu[0], &b), -EINVAL);
    }
    assert_int_equal(bind_interdomain(dom0, 1, p1, &p0), -ESRCH);

    rcu_unlock_domain(d);
    assert_int_equal(domains_destroyed, 1);
}

static void test_vcpu_info_registered(void **state)
{
    evtchn_port_t p;
    struct vcpu_info *vi = aligned_alloc(64, 64);

    memset(vi, 0, 64);
    dom1->vcpu[1]->vcpu_info = vi;
    assert_int_equal(bind_ipi(dom1, 1, &p), 0);
    assert_int_equal(evtchn_send(dom1, p), 0);
    assert_int_equal(vi->evtchn_upcall_pending, 1);
    assert_int_equal(vi->evtchn_pending_sel, 1);
    assert_int_equal(upcall_pending(dom1, 1), 0);
    dom1->vcpu[1]->vcpu_info = NULL;
    free(vi);
}

static void test_hypercall(void **state)
{
    struct vcpu *v = dom1->vcpu[0];
    struct evtchn_alloc_unbound a = { .dom = DOMID_SELF, .remote_dom = 0 };
    struct evtchn_bind_ipi ipi = { .vcpu = 1 };
    struct evtchn_send snd;
    struct evtchn_close cl;
    struct evtchn_bind_virq bv = { .virq = NR_VIRQS };

    assert_int_equal(do_event_channel_op_vcpu(v, EVTCHNOP_alloc_unbound,
                                              (unsigned long)&a), 0);
    assert_int_equal(a.port, 1);
    assert_int_equal(do_event_channel_op_vcpu(v, EVTCHNOP_bind_ipi,
                                              (unsigned long)&ipi), 0);
    assert_int_equal(ipi.port, 2);
    snd.port = ipi.port;
    assert_int_equal(do_event_channel_op_vcpu(v, EVTCHNOP_send,
                                              (unsigned long)&snd), 0);
    assert_int_equal(tv(dom1, 1)->upcalls, 1);
    cl.port = a.port;
    assert_int_equal(do_event_channel_op_vcpu(v, EVTCHNOP_close,
                                              (unsigned long)&cl), 0);
    assert_int_equal(do_event_channel_op_vcpu(v, EVTCHNOP_close,
                                              (unsigned long)&cl), -EINVAL);
    /* A failed op leaves the OUT field alone. */
    bv.port = 1234;
    assert_int_equal(do_event_channel_op_vcpu(v, EVTCHNOP_bind_virq,
                                              (unsigned long)&bv), -EINVAL);
    assert_int_equal(bv.port, 1234);

    /* Bad guest pointers fault cleanly for every op. */
    for ( unsigned int cmd = 0; cmd <= EVTCHNOP_reset; cmd++ )
        if ( cmd != EVTCHNOP_bind_pirq )
            assert_int_equal(do_event_channel_op_vcpu(v, cmd, 0), -EFAULT);
    assert_int_equal(do_event_channel_op_vcpu(v, EVTCHNOP_send, 0x1000),
                     -EFAULT);

    /* FIFO is not offered; unknown commands are logged once. */
    assert_int_equal(do_event_channel_op_vcpu(v, EVTCHNOP_init_control,
                                              (unsigned long)&a), -ENOSYS);
    assert_int_equal(do_event_channel_op_vcpu(v, EVTCHNOP_bind_pirq,
                                              (unsigned long)&a), -ENOSYS);
    assert_int_equal(do_event_channel_op_vcpu(v, 99, 0), -ENOSYS);
    assert_int_equal(do_event_channel_op_vcpu(v, 99, 0), -ENOSYS);
    assert_int_equal(do_event_channel_op_vcpu(v, 0xffffffffU, 0), -ENOSYS);
    assert_int_equal(test_log_count("event_channel_op: cmd 99 "), 1);

    event_channel_init();
    assert_int_equal(last_hypercall_nr, 32);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_alloc_unbound),
        T(test_alloc_unbound_bad),
        T(test_bind_interdomain),
        T(test_bind_interdomain_bad),
        T(test_close_interdomain_pair),
        T(test_loopback),
        T(test_virq),
        T(test_ipi),
        T(test_mask_and_unmask),
        T(test_upcall_once),
        T(test_high_port_selector),
        T(test_exhaustion),
        T(test_status_bad),
        T(test_bind_vcpu),
        T(test_send_bad),
        T(test_isolation),
        T(test_reset),
        T(test_masked_event_unblocks_without_poll),
        T(test_poll),
        T(test_upcall_wakes_blocked),
        T(test_destroy_peer),
        T(test_lookup_references),
        T(test_kill_during_alloc_bind),
        T(test_killed_peer_held),
        T(test_vcpu_info_registered),
        T(test_hypercall),
    };

    return cmocka_run_group_tests_name("evtchn", tests, NULL, NULL);
}
