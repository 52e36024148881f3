/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What xen/common/event_channel.c calls outside itself. */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "stubs.h"

#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/event.h>
#include <xen/hypercall.h>
#include <xen/guest_access.h>

static struct domain *domains[MAX_TEST_DOMAINS];
struct domain *hardware_domain;
unsigned int last_hypercall_nr;

struct test_vcpu *tv(struct domain *d, unsigned int vcpu)
{
    return (struct test_vcpu *)d->vcpu[vcpu];
}

struct domain *mkdom(domid_t id, unsigned int nr_vcpus, bool privileged)
{
    struct domain *d = calloc(1, sizeof(*d));
    unsigned int i;

    assert_non_null(d);
    d->domain_id = id;
    /* The domain list's reference (rmdom/killdom drop it). */
    d->refcnt = 1;
    d->is_privileged = privileged;
    d->max_vcpus = nr_vcpus;
    d->vcpu = calloc(nr_vcpus, sizeof(*d->vcpu));
    assert_non_null(d->vcpu);
    for ( i = 0; i < nr_vcpus; i++ )
    {
        struct test_vcpu *t = calloc(1, sizeof(*t));

        assert_non_null(t);
        t->v.vcpu_id = i;
        t->v.domain = d;
        d->vcpu[i] = &t->v;
    }
    d->shared_info = aligned_alloc(4096, 4096);
    assert_non_null(d->shared_info);
    memset(d->shared_info, 0, 4096);
    assert_int_equal(evtchn_domain_init(d), 0);
    for ( i = 0; i < MAX_TEST_DOMAINS; i++ )
        if ( !domains[i] )
        {
            domains[i] = d;
            break;
        }
    assert_true(i < MAX_TEST_DOMAINS);
    if ( privileged && !hardware_domain )
        hardware_domain = d;
    return d;
}

struct domain *kill_on_lookup;
unsigned int domains_destroyed;

static void unlist(struct domain *d)
{
    unsigned int i;

    for ( i = 0; i < MAX_TEST_DOMAINS; i++ )
        if ( domains[i] == d )
            domains[i] = NULL;
    if ( hardware_domain == d )
        hardware_domain = NULL;
}

void rmdom(struct domain *d)
{
    /* Every operation dropped the references its lookups took. */
    assert_int_equal(d->refcnt, 1);
    evtchn_domain_destroy(d);
    unlist(d);
    put_domain(d);
}

void killdom(struct domain *d)
{
    d->is_dying = true;
    unlist(d);
    evtchn_domain_destroy(d);
    put_domain(d);
}

/* As domain.c's, at the last reference. */
void domain_destroy(struct domain *d)
{
    unsigned int i;

    assert_int_equal(d->refcnt, 0);
    evtchn_domain_free(d);
    domains_destroyed++;
    for ( i = 0; i < d->max_vcpus; i++ )
        free(d->vcpu[i]);
    free(d->vcpu);
    free(d->shared_info);
    free(d);
}

void rmdoms(void)
{
    unsigned int i;

    for ( i = 0; i < MAX_TEST_DOMAINS; i++ )
        if ( domains[i] )
            rmdom(domains[i]);
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

void vcpu_wake(struct vcpu *v)
{
    ((struct test_vcpu *)v)->wakes++;
}

void hvm_assert_evtchn_irq(struct vcpu *v)
{
    ((struct test_vcpu *)v)->upcalls++;
}

void *xmalloc_bytes(size_t size)
{
    return malloc(size);
}

void *xzalloc_bytes(size_t size)
{
    return calloc(1, size);
}

void xfree(void *p)
{
    free(p);
}

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
    (void)fn;
    (void)perm;
    (void)name;
}
