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

#define BAD_GVA_LIMIT   0x10000UL
#define FAKE_MFN_BASE   0x40000UL
#define MAX_FAKE_FRAMES 2048
#define MAX_TEST_DOMAINS 8

/*
 * Domains are listed with one reference (the list's), as domain.c's; the
 * lookup stub takes one more.  rmdom() checks that no operation kept one
 * and drops the list's (freeing it).
 */
struct domain *mkdom(domid_t id, bool privileged);
void rmdom(struct domain *d);
void rmdoms(void);
/*
 * What domain_kill does to the grant table: d dying, unlisted, table
 * destroyed, the list's reference dropped (d is freed now unless
 * somebody holds one).
 */
void killdom(struct domain *d);
/* killdom() this domain right after the next lookup of it succeeds. */
extern struct domain *kill_on_lookup;
/* domain_destroy() calls (last references dropped). */
extern unsigned int domains_destroyed;

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
extern unsigned int last_hypercall_nr;

#endif
