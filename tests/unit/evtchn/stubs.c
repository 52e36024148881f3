/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What xen/common/event_channel.c calls outside itself; the domain
 * registry, heap and guest copies are harness/domains.c's.
 */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "stubs.h"

#include <xen/event.h>

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
    test_domain_list(d);
    return d;
}

void area_domain_kill(struct domain *d)
{
    evtchn_domain_destroy(d);
}

void area_domain_free(struct domain *d)
{
    unsigned int i;

    evtchn_domain_free(d);
    for ( i = 0; i < d->max_vcpus; i++ )
        free(d->vcpu[i]);
    free(d->vcpu);
    free(d->shared_info);
    free(d);
}

void area_reset(void)
{
}

void vcpu_wake(struct vcpu *v)
{
    ((struct test_vcpu *)v)->wakes++;
}

void hvm_assert_evtchn_irq(struct vcpu *v)
{
    ((struct test_vcpu *)v)->upcalls++;
}
