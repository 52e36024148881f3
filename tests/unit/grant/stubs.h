/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small world for the grant-table tests: fake machine frames (host
 * pages with made-up frame numbers, reachable through maddr_to_virt), a
 * fake p2m per domain (a list of 4K entries), and domains with grant
 * tables.  Guest pointers are host pointers; below BAD_GVA_LIMIT faults.
 */
#ifndef GRANT_STUBS_H
#define GRANT_STUBS_H

#include <xen/types.h>
#include <xen/sched.h>
#include <asm/p2m.h>
#include "domains.h"

#define FAKE_MFN_BASE   0x40000UL
#define MAX_FAKE_FRAMES 2048

/*
 * A listed domain (harness/domains.h: rmdom, killdom, rmdoms, the lookup)
 * with one vCPU and a grant table; area_domain_kill destroys the table as
 * domain_kill does, rmdoms() also forgets every fake frame and p2m entry.
 */
struct domain *mkdom(domid_t id, bool privileged);

/* A new zeroed fake machine frame. */
unsigned long fake_frame(void);
void *frame_va(unsigned long mfn);
/* Give d a RAM page at gfn (type t); returns its mfn. */
unsigned long give_page(struct domain *d, unsigned long gfn, p2m_type_t t);
/* Set an entry directly (t == p2m_invalid removes). */
void fake_p2m_set(struct domain *d, unsigned long gfn, unsigned long mfn,
                  p2m_type_t t);
unsigned long fake_p2m_get(struct domain *d, unsigned long gfn,
                           p2m_type_t *t);
/* Still allocated (not freed by the fake allocators)? */
bool fake_frame_live(unsigned long mfn);
/* The owner of a live shared hypervisor frame, else NULL. */
const struct domain *shared_frame_owner(unsigned long mfn);
/* References get_page() counted on fake frame mfn - FAKE_MFN_BASE. */
extern unsigned int page_refs[MAX_FAKE_FRAMES];
/* Make the next n calls of p2m_set_entry() fail with -ENOMEM. */
extern unsigned int p2m_fail_next;

#endif
