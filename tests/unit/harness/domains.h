/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A registry of test domains, for the areas whose code looks domains up
 * by id and lives by their references (evtchn, grant), with the
 * guest-copy and hypercall-table stubs those areas share.  An area links
 * it by naming ../harness/domains.c and ../harness/heap.c (xmalloc) in
 * its area.mk's STUBS, makes its domains itself (calloc, vCPUs, its own
 * state) and hands each to test_domain_list(); it defines the three hooks
 * below.
 *
 * Domains are listed with one reference (the list's), as domain.c's; the
 * lookup stub takes one more.  rmdom() checks that no operation kept one
 * and drops the list's (freeing it).  Guest pointers are host pointers;
 * anything below BAD_GVA_LIMIT faults.
 */
#ifndef KEEL_UNIT_DOMAINS_H
#define KEEL_UNIT_DOMAINS_H

#include <xen/types.h>
#include <xen/sched.h>

#define BAD_GVA_LIMIT 0x10000UL
#define MAX_TEST_DOMAINS 8

/*
 * List d with the list's reference (refcnt 1); the first privileged one
 * becomes hardware_domain.
 */
void test_domain_list(struct domain *d);
void rmdom(struct domain *d);
/* rmdom() every listed domain, then area_reset(). */
void rmdoms(void);
/*
 * What domain_kill does: d dying, unlisted, area_domain_kill(d), the
 * list's reference dropped (d is freed now unless somebody holds one).
 */
void killdom(struct domain *d);
/* killdom() this domain right after the next lookup of it succeeds. */
extern struct domain *kill_on_lookup;
/* domain_destroy() calls (last references dropped). */
extern unsigned int domains_destroyed;
/* The number hypercall_register() was last called with. */
extern unsigned int last_hypercall_nr;

/* Hooks each area defines. */
/* Tear down the area's state of d as domain_kill does (rmdom, killdom). */
void area_domain_kill(struct domain *d);
/* Free the area's state of d and d itself (at its last reference). */
void area_domain_free(struct domain *d);
/* Forget the area's fixtures once rmdoms() has removed every domain. */
void area_reset(void);

#endif
