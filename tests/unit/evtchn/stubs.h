/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small world of domains for the event-channel tests: each domain has
 * vCPUs, a shared_info page and event-channel state; the stubs record
 * upcalls (hvm_assert_evtchn_irq) and wake-ups (vcpu_wake) per vCPU.
 * Guest pointers are host pointers; anything below BAD_GVA_LIMIT faults.
 */
#ifndef EVTCHN_STUBS_H
#define EVTCHN_STUBS_H

#include <xen/types.h>
#include <xen/sched.h>
#include "domains.h"

struct test_vcpu {
    struct vcpu v;
    unsigned int upcalls;       /* hvm_assert_evtchn_irq() calls */
    unsigned int wakes;         /* vcpu_wake() calls */
};

/*
 * A listed domain (harness/domains.h: rmdom, killdom, rmdoms, the lookup)
 * with nr_vcpus test_vcpus, a shared_info page and event channels;
 * area_domain_kill closes its ports as domain_kill does.
 */
struct domain *mkdom(domid_t id, unsigned int nr_vcpus, bool privileged);
struct test_vcpu *tv(struct domain *d, unsigned int vcpu);

#endif
