/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The domain registry and the guest-copy and hypercall-table stubs shared
 * by the areas that link it (see domains.h); the heap is heap.c's.
 */
#include <string.h>
#include "harness.h"
#include "domains.h"

#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/hypercall.h>
#include <xen/guest_access.h>

static struct domain *domains[MAX_TEST_DOMAINS];
struct domain *hardware_domain;
struct domain *kill_on_lookup;
unsigned int domains_destroyed;
unsigned int last_hypercall_nr;

/* ---- domains ---- */

void test_domain_list(struct domain *d)
{
    unsigned int i;

    /* The domain list's reference (rmdom/killdom drop it). */
    d->refcnt = 1;
    for ( i = 0; i < MAX_TEST_DOMAINS; i++ )
        if ( !domains[i] )
        {
            domains[i] = d;
            break;
        }
    assert_true(i < MAX_TEST_DOMAINS);
    if ( d->is_privileged && !hardware_domain )
        hardware_domain = d;
}

static void unlist(struct domain *d)
{
    unsigned int i;

    for ( i = 0; i < MAX_TEST_DOMAINS; i++ )
        if ( domains[i] == d )
            domains[i] = NULL;
    if ( hardware_domain == d )
        hardware_domain = NULL;
}

/* As domain.c's, at the last reference. */
void domain_destroy(struct domain *d)
{
    assert_int_equal(d->refcnt, 0);
    domains_destroyed++;
    area_domain_free(d);
}

void rmdom(struct domain *d)
{
    /* Every operation dropped the references its lookups took. */
    assert_int_equal(d->refcnt, 1);
    area_domain_kill(d);
    unlist(d);
    put_domain(d);
}

void killdom(struct domain *d)
{
    d->is_dying = true;
    unlist(d);
    area_domain_kill(d);
    put_domain(d);
}

void rmdoms(void)
{
    unsigned int i;

    for ( i = 0; i < MAX_TEST_DOMAINS; i++ )
        if ( domains[i] )
            rmdom(domains[i]);
    area_reset();
}

/* As domain.c's: listed, not dying, with a reference. */
struct domain *rcu_lock_domain_by_id(domid_t id)
{
    struct domain *d = NULL;
    unsigned int i;

    for ( i = 0; i < MAX_TEST_DOMAINS; i++ )
        if ( domains[i] && domains[i]->domain_id == id &&
             !domains[i]->is_dying )
            d = domains[i];
    if ( !d )
        return NULL;
    get_domain(d);
    if ( d == kill_on_lookup )
    {
        /* domain_kill on another pCPU, right after our lookup. */
        kill_on_lookup = NULL;
        killdom(d);
    }
    return d;
}

/* ---- guest copies, hypercall table ---- */

int copy_from_guest_virt(struct vcpu *v, void *dst, unsigned long gva,
                         size_t len)
{
    if ( gva < BAD_GVA_LIMIT )
        return -EFAULT;
    memcpy(dst, (const void *)gva, len);
    return 0;
}

int copy_to_guest_virt(struct vcpu *v, unsigned long gva, const void *src,
                       size_t len)
{
    if ( gva < BAD_GVA_LIMIT )
        return -EFAULT;
    memcpy((void *)gva, src, len);
    return 0;
}

void hypercall_register(unsigned int nr, hypercall_fn_t fn, unsigned int perm,
                        const char *name)
{
    last_hypercall_nr = nr;
}
