/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * event_channel_op hypercall (__HYPERVISOR_event_channel_op 32): the
 * guest ABI of event channels, written from the public interface
 * description (Xen's public/event_channel.h).  The call is
 * event_channel_op(cmd, arg) with arg a guest pointer to the command's
 * structure; OUT fields are written back on success.
 *
 * Ports are numbered from 1 (port 0 is never bound).  The 2-level ABI
 * keeps the pending and mask bits in shared_info (public/xen.h); the FIFO
 * ABI (init_control, expand_array, set_priority) is not offered, and
 * guests fall back to 2-level when init_control fails.
 */
#ifndef PUBLIC_EVENT_CHANNEL_H
#define PUBLIC_EVENT_CHANNEL_H

#include <public/xen.h>

#define EVTCHNOP_bind_interdomain  0
#define EVTCHNOP_bind_virq         1
#define EVTCHNOP_bind_pirq         2
#define EVTCHNOP_close             3
#define EVTCHNOP_send              4
#define EVTCHNOP_status            5
#define EVTCHNOP_alloc_unbound     6
#define EVTCHNOP_bind_ipi          7
#define EVTCHNOP_bind_vcpu         8
#define EVTCHNOP_unmask            9
#define EVTCHNOP_reset            10
#define EVTCHNOP_init_control     11
#define EVTCHNOP_expand_array     12
#define EVTCHNOP_set_priority     13
#define EVTCHNOP_reset_cont       14

typedef uint32_t evtchn_port_t;     /* also in public/sched.h */

/* A port in dom that remote_dom may bind to.  IN dom, remote_dom. */
struct evtchn_alloc_unbound {
    domid_t dom, remote_dom;
    evtchn_port_t port;             /* OUT */
};

/* Connect a new local port to remote_dom's unbound remote_port. */
struct evtchn_bind_interdomain {
    domid_t remote_dom;
    evtchn_port_t remote_port;
    evtchn_port_t local_port;       /* OUT */
};

/* A port for virq on vcpu (global VIRQs: vcpu 0, move with bind_vcpu). */
struct evtchn_bind_virq {
    uint32_t virq;
    uint32_t vcpu;
    evtchn_port_t port;             /* OUT */
};

struct evtchn_bind_pirq {
    uint32_t pirq;
    uint32_t flags;                 /* BIND_PIRQ__WILL_SHARE */
    evtchn_port_t port;             /* OUT */
};
#define BIND_PIRQ__WILL_SHARE 1

/* A port for IPIs to vcpu (sending on it notifies vcpu). */
struct evtchn_bind_ipi {
    uint32_t vcpu;
    evtchn_port_t port;             /* OUT */
};

struct evtchn_close {
    evtchn_port_t port;
};

struct evtchn_send {
    evtchn_port_t port;
};

/* Who is on the other end of port in dom. */
struct evtchn_status {
    domid_t dom;
    evtchn_port_t port;
    uint32_t status;                /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;                  /* OUT: vCPU notified */
    union {
        struct {
            domid_t dom;
        } unbound;                  /* EVTCHNSTAT_unbound */
        struct {
            domid_t dom;
            evtchn_port_t port;
        } interdomain;              /* EVTCHNSTAT_interdomain */
        uint32_t pirq;              /* EVTCHNSTAT_pirq */
        uint32_t virq;              /* EVTCHNSTAT_virq */
    } u;
};
#define EVTCHNSTAT_closed       0   /* free */
#define EVTCHNSTAT_unbound      1   /* waiting for bind_interdomain */
#define EVTCHNSTAT_interdomain  2
#define EVTCHNSTAT_pirq         3
#define EVTCHNSTAT_virq         4
#define EVTCHNSTAT_ipi          5

/* Notify vcpu instead (unbound, interdomain, global VIRQ, pirq). */
struct evtchn_bind_vcpu {
    evtchn_port_t port;
    uint32_t vcpu;
};

struct evtchn_unmask {
    evtchn_port_t port;
};

/* Close every port of dom. */
struct evtchn_reset {
    domid_t dom;
};

typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;
typedef struct evtchn_bind_virq evtchn_bind_virq_t;
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;
typedef struct evtchn_close evtchn_close_t;
typedef struct evtchn_send evtchn_send_t;
typedef struct evtchn_status evtchn_status_t;
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;
typedef struct evtchn_unmask evtchn_unmask_t;
typedef struct evtchn_reset evtchn_reset_t;

/* Layouts (x86_64), as guests compile them. */
_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "alloc_unbound");
_Static_assert(offsetof(struct evtchn_alloc_unbound, port) == 4,
               "alloc_unbound.port");
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12,
               "bind_interdomain");
_Static_assert(offsetof(struct evtchn_bind_interdomain, remote_port) == 4,
               "bind_interdomain.remote_port");
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "bind_virq");
_Static_assert(sizeof(struct evtchn_bind_pirq) == 12, "bind_pirq");
_Static_assert(sizeof(struct evtchn_bind_ipi) == 8, "bind_ipi");
_Static_assert(sizeof(struct evtchn_status) == 24, "evtchn_status");
_Static_assert(offsetof(struct evtchn_status, status) == 8,
               "evtchn_status.status");
_Static_assert(offsetof(struct evtchn_status, u) == 16, "evtchn_status.u");
_Static_assert(offsetof(struct evtchn_status, u.interdomain.port) == 20,
               "evtchn_status.u.interdomain.port");
_Static_assert(sizeof(struct evtchn_bind_vcpu) == 8, "bind_vcpu");
_Static_assert(sizeof(struct evtchn_reset) == 2, "evtchn_reset");

#endif /* PUBLIC_EVENT_CHANNEL_H */
