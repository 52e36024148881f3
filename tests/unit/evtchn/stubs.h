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

#define BAD_GVA_LIMIT 0x10000UL
#define MAX_TEST_DOMAINS 8

struct test_vcpu {
    struct vcpu v;
    unsigned int upcalls;       /* hvm_assert_evtchn_irq() calls */
    unsigned int wakes;         /* vcpu_wake() calls */
};

/*
 * Domains are listed with one reference (the list's), as domain.c's; the
 * lookup stub takes one more.  rmdom() checks that no operation kept one
 * and drops the list's (freeing it).
 */
struct domain *mkdom(domid_t id, unsigned int nr_vcpus, bool privileged);
void rmdom(struct domain *d);
void rmdoms(void);
/*
 * What domain_kill does to event channels: d dying, unlisted, its ports
 * closed, the list's reference dropped (d is freed now unless somebody
 * holds one).
 */
void killdom(struct domain *d);
/* killdom() this domain right after the next lookup of it succeeds. */
extern struct domain *kill_on_lookup;
/* domain_destroy() calls (last references dropped). */
extern unsigned int domains_destroyed;
struct test_vcpu *tv(struct domain *d, unsigned int vcpu);

extern unsigned int last_hypercall_nr;

#endif
