/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event channels, 2-level ABI (common/event_channel.c).
 *
 * Each domain has up to EVTCHN_2L_NR_CHANNELS (4096) ports.  A port is
 * free, unbound (waiting for a peer), interdomain (connected to a port of
 * another or the same domain), bound to a VIRQ, or an IPI port.  Making a
 * port pending sets its bit in shared_info.evtchn_pending; unless the
 * port is masked (evtchn_mask) that also sets the word's bit in the
 * notified vCPU's evtchn_pending_sel and its evtchn_upcall_pending, and
 * the first time upcall_pending goes 0 -> 1 the vCPU gets its upcall
 * (evtchn_set_upcall()).
 *
 * Locking: every port of a domain is guarded by that domain's
 * evtchn_domain lock (taken with interrupts off).  Operations on an
 * interdomain pair take both domains' locks, lower address first, so a
 * port's peer can only change while both are held.  The bitmaps in
 * shared_info are guest memory and updated with atomic operations only.
 */
#ifndef XEN_EVENT_H
#define XEN_EVENT_H

#include <xen/types.h>
#include <xen/sched.h>
#include <public/xen.h>
#include <public/event_channel.h>

/* Port states (internal; EVTCHNSTAT_* is the guest's view). */
#define ECS_FREE         0
#define ECS_RESERVED     1      /* port 0 */
#define ECS_UNBOUND      2
#define ECS_INTERDOMAIN  3
#define ECS_PIRQ         4
#define ECS_VIRQ         5
#define ECS_IPI          6

struct evtchn {
    u8 state;                   /* ECS_* */
    u32 notify_vcpu_id;         /* vCPU told when the port goes pending */
    union {
        struct {
            domid_t remote_domid;       /* who may bind_interdomain */
        } unbound;
        struct {
            struct domain *remote_dom;
            evtchn_port_t remote_port;
        } interdomain;
        u32 virq;
        u32 pirq;
    } u;
};

/* Ports are allocated in buckets so small domains stay small. */
#define EVTCHNS_PER_BUCKET  64
#define NR_EVTCHN_BUCKETS   (EVTCHN_2L_NR_CHANNELS / EVTCHNS_PER_BUCKET)

struct evtchn_domain {
    spinlock_t lock;
    unsigned int max_ports;     /* EVTCHN_2L_NR_CHANNELS */
    struct evtchn *bucket[NR_EVTCHN_BUCKETS];
    /* virq_to_port[vcpu][virq]: 0 when not bound. */
    evtchn_port_t (*virq_to_port)[NR_VIRQS];
    unsigned int nr_vcpus;      /* rows of virq_to_port */
    /*
     * SCHEDOP_poll: poll_port[v] is the port vCPU v waits for (0: any
     * port of the domain), valid while v's bit is set in polling.
     */
    unsigned long polling[MAX_VIRT_CPUS / (8 * sizeof(unsigned long))];
    evtchn_port_t poll_port[MAX_VIRT_CPUS];
};

/*
 * Per-domain state: allocate with the domain (after d->vcpu[] and
 * d->max_vcpus are set), destroy when it dies (closes every port, so
 * peers see their ports unbound again).  0 or -ENOMEM.
 */
int evtchn_domain_init(struct domain *d);
void evtchn_domain_destroy(struct domain *d);

/* Register event_channel_op (32).  Call once at boot. */
void event_channel_init(void);

/*
 * The hypercall, for the current vCPU v: cmd EVTCHNOP_*, arg a guest
 * pointer.  Exposed (rather than static) for the unit tests.
 */
long do_event_channel_op_vcpu(struct vcpu *v, unsigned int cmd,
                              unsigned long arg);

/*
 * The operations behind the hypercall, on native structures; curr is the
 * calling vCPU.  Each returns 0 or -errno: -EINVAL for a bad port, virq
 * or state, -ENOENT for a vCPU that does not exist, -ESRCH for a domain
 * that does not exist, -EPERM for another domain without privilege,
 * -ENOSPC when no port is free, -EEXIST for a VIRQ already bound.
 */
int evtchn_alloc_unbound(struct vcpu *curr, struct evtchn_alloc_unbound *a);
int evtchn_bind_interdomain(struct vcpu *curr,
                            struct evtchn_bind_interdomain *b);
int evtchn_bind_virq(struct vcpu *curr, struct evtchn_bind_virq *b);
int evtchn_bind_ipi(struct vcpu *curr, struct evtchn_bind_ipi *b);
int evtchn_close(struct domain *d, evtchn_port_t port);
int evtchn_status(struct vcpu *curr, struct evtchn_status *s);
int evtchn_bind_vcpu(struct domain *d, evtchn_port_t port,
                     unsigned int vcpu_id);
int evtchn_unmask(struct domain *d, evtchn_port_t port);
int evtchn_reset(struct vcpu *curr, domid_t dom);

/*
 * Kernel-side senders.  evtchn_send() is EVTCHNOP_send on d's port
 * (interdomain: the peer goes pending; IPI: the port itself; unbound:
 * dropped) and may be used by the hypervisor's own back ends.
 */
int evtchn_send(struct domain *d, evtchn_port_t port);
/* A per-vCPU VIRQ (VIRQ_TIMER, VIRQ_DEBUG, ...) for v, if v bound it. */
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);
/* A global VIRQ (VIRQ_DOM_EXC, VIRQ_CONSOLE, ...) for d, if bound. */
void send_guest_global_virq(struct domain *d, unsigned int virq);
/* A global VIRQ for the hardware domain (dom0). */
void send_global_virq(unsigned int virq);
bool virq_is_global(unsigned int virq);

/*
 * Make port pending in d's shared_info and notify its vCPU (the 2-level
 * delivery rule above).  Invalid ports are ignored.
 */
void evtchn_set_pending(struct domain *d, evtchn_port_t port);

/*
 * Mark v's upcall pending and, on a 0 -> 1 transition, call
 * hvm_assert_evtchn_irq(v) and unblock v (VPF_blocked).
 */
void evtchn_set_upcall(struct vcpu *v);

/* v's vcpu_info: registered (v->vcpu_info) or its shared_info slot. */
struct vcpu_info *evtchn_vcpu_info(struct vcpu *v);

/* True if port is a valid port of d with its pending bit set. */
bool evtchn_port_is_pending(struct domain *d, evtchn_port_t port);

/*
 * SCHEDOP_poll: before looking at the ports' pending bits and blocking
 * v, evtchn_poll_begin(v, port) (port 0: any port); a port of v's domain
 * going pending (masked or not) that matches clears the poll and
 * unblocks v.  evtchn_poll_end() when the poll ends otherwise (a port
 * already pending, the timeout).  Until the first evtchn_poll_begin()
 * call, an event on a masked port unblocks the vCPU it is bound to
 * instead, so pollers are never left asleep.
 */
void evtchn_poll_begin(struct vcpu *v, evtchn_port_t port);
void evtchn_poll_end(struct vcpu *v);

/*
 * Provided by hvm/ (vLAPIC and the callback-via logic): deliver the
 * event-channel upcall to v, i.e. make v's upcall vector
 * (HVMOP_set_evtchn_upcall_vector, or HVM_PARAM_CALLBACK_IRQ type
 * vector/GSI) pending, and kick v's pCPU if it is running the vCPU.
 * Callable from any context with interrupts off.  Weak: until hvm/
 * provides it, events are only recorded in shared_info.
 */
void hvm_assert_evtchn_irq(struct vcpu *v) __attribute__((weak));

#endif /* XEN_EVENT_H */
