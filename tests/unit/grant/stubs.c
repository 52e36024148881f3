/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What xen/common/grant_table.c calls outside itself; the domain
 * registry, heap and guest copies are harness/domains.c's.
 */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "stubs.h"

#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/grant_table.h>

static void *frames[MAX_FAKE_FRAMES];
static unsigned int nr_frames;
unsigned int page_refs[MAX_FAKE_FRAMES];
/* Shared hypervisor frames (alloc_xen_shared_frame): their owners. */
static const struct domain *shared_owner[MAX_FAKE_FRAMES];
unsigned int p2m_fail_next;

struct p2m_ent {
    struct p2m_domain *p2m;
    unsigned long gfn, mfn;
    p2m_type_t t;
};
#define MAX_P2M_ENTS 4096
static struct p2m_ent ents[MAX_P2M_ENTS];

/* ---- fake machine frames ---- */

unsigned long fake_frame(void)
{
    void *p = aligned_alloc(4096, 4096);

    assert_non_null(p);
    assert_true(nr_frames < MAX_FAKE_FRAMES);
    memset(p, 0, 4096);
    frames[nr_frames] = p;
    return FAKE_MFN_BASE + nr_frames++;
}

void *frame_va(unsigned long mfn)
{
    assert_true(mfn >= FAKE_MFN_BASE && mfn < FAKE_MFN_BASE + nr_frames);
    assert_non_null(frames[mfn - FAKE_MFN_BASE]);
    return frames[mfn - FAKE_MFN_BASE];
}

void *maddr_to_virt(paddr_t ma)
{
    return (char *)frame_va(ma >> 12) + (ma & 4095);
}

paddr_t virt_to_maddr(const void *va)
{
    unsigned int i;

    for ( i = 0; i < nr_frames; i++ )
        if ( frames[i] && (const char *)va >= (char *)frames[i] &&
             (const char *)va < (char *)frames[i] + 4096 )
            return ((FAKE_MFN_BASE + i) << 12) +
                   ((const char *)va - (char *)frames[i]);
    fail_msg("virt_to_maddr(%p): not a fake frame", va);
    return 0;
}

void *alloc_xenheap_pages(unsigned int order, unsigned int memflags)
{
    assert_int_equal(order, 0);
    /* Not zeroed, like the real allocator: poison it. */
    void *p = frame_va(fake_frame());
    memset(p, 0xa5, 4096);
    return p;
}

void free_xenheap_pages(void *v, unsigned int order)
{
    unsigned int i;

    for ( i = 0; i < nr_frames; i++ )
        if ( frames[i] == v )
        {
            free(v);
            frames[i] = NULL;
            return;
        }
    fail_msg("free_xenheap_pages(%p): not allocated", v);
}

bool fake_frame_live(unsigned long mfn)
{
    return mfn >= FAKE_MFN_BASE && mfn < FAKE_MFN_BASE + nr_frames &&
           frames[mfn - FAKE_MFN_BASE];
}

/* ---- shared hypervisor frames (xen/mm.h) ---- */

unsigned long alloc_xen_shared_frame(struct domain *d)
{
    unsigned long mfn;

    assert_non_null(d);
    if ( d->is_dying )
        return INVALID_MFN;
    mfn = fake_frame();
    /* Not zeroed, like the real allocator: poison it. */
    memset(frame_va(mfn), 0xa5, 4096);
    shared_owner[mfn - FAKE_MFN_BASE] = d;
    page_refs[mfn - FAKE_MFN_BASE] = 1;
    return mfn;
}

bool page_is_xen_shared(unsigned long mfn)
{
    return fake_frame_live(mfn) && shared_owner[mfn - FAKE_MFN_BASE];
}

void put_xen_shared_frame(unsigned long mfn)
{
    unsigned long i = mfn - FAKE_MFN_BASE;

    assert_true(page_is_xen_shared(mfn));
    put_page(mfn);
    if ( page_refs[i] )
        return;             /* a mapping keeps it (zombie reaping) */
    free(frames[i]);
    frames[i] = NULL;
    shared_owner[i] = NULL;
}

const struct domain *shared_frame_owner(unsigned long mfn)
{
    return page_is_xen_shared(mfn) ? shared_owner[mfn - FAKE_MFN_BASE]
                                   : NULL;
}

static void free_frames(void)
{
    unsigned int i;

    for ( i = 0; i < nr_frames; i++ )
        free(frames[i]);
    memset(frames, 0, sizeof(frames));
    nr_frames = 0;
    memset(page_refs, 0, sizeof(page_refs));
    memset(shared_owner, 0, sizeof(shared_owner));
}

/* ---- page references (xen/mm.h): counted per fake frame ---- */

bool get_page(unsigned long mfn, const struct domain *d)
{
    if ( mfn < FAKE_MFN_BASE || mfn >= FAKE_MFN_BASE + nr_frames ||
         !d || d->is_dying )
        return false;
    /* A shared frame is its owner's only (as page_alloc's owner check). */
    if ( shared_owner[mfn - FAKE_MFN_BASE] &&
         shared_owner[mfn - FAKE_MFN_BASE] != d )
        return false;
    page_refs[mfn - FAKE_MFN_BASE]++;
    return true;
}

void put_page(unsigned long mfn)
{
    assert_true(mfn >= FAKE_MFN_BASE && mfn < FAKE_MFN_BASE + nr_frames);
    assert_true(page_refs[mfn - FAKE_MFN_BASE] > 0);
    page_refs[mfn - FAKE_MFN_BASE]--;
}

/* ---- fake p2m ---- */

static struct p2m_ent *find(struct p2m_domain *p2m, unsigned long gfn)
{
    unsigned int i;

    for ( i = 0; i < MAX_P2M_ENTS; i++ )
        if ( ents[i].p2m == p2m && ents[i].gfn == gfn )
            return &ents[i];
    return NULL;
}

int p2m_set_entry(struct p2m_domain *p2m, unsigned long gfn,
                  unsigned long mfn, unsigned int order, p2m_type_t t)
{
    struct p2m_ent *e;

    assert_int_equal(order, 0);
    if ( p2m_fail_next )
    {
        p2m_fail_next--;
        return -ENOMEM;
    }
    if ( gfn >= (1UL << 40) )
        return -EINVAL;
    e = find(p2m, gfn);
    /* As the real p2m: an entry that holds a reference drops it. */
    if ( e && p2m_holds_ref(e->t) )
        put_page(e->mfn);
    if ( t == p2m_invalid )
    {
        if ( e )
            memset(e, 0, sizeof(*e));
        return 0;
    }
    if ( !e )
        e = find(NULL, 0);
    assert_non_null(e);
    e->p2m = p2m;
    e->gfn = gfn;
    e->mfn = mfn;
    e->t = t;
    return 0;
}

unsigned long p2m_get_entry(struct p2m_domain *p2m, unsigned long gfn,
                            p2m_type_t *t, unsigned int *order)
{
    struct p2m_ent *e = find(p2m, gfn);

    if ( order )
        *order = 0;
    *t = e ? e->t : p2m_invalid;
    return e ? e->mfn : INVALID_MFN;
}

void fake_p2m_set(struct domain *d, unsigned long gfn, unsigned long mfn,
                  p2m_type_t t)
{
    assert_int_equal(p2m_set_entry(&d->p2m, gfn, mfn, 0, t), 0);
}

unsigned long fake_p2m_get(struct domain *d, unsigned long gfn,
                           p2m_type_t *t)
{
    return p2m_get_entry(&d->p2m, gfn, t, NULL);
}

unsigned long give_page(struct domain *d, unsigned long gfn, p2m_type_t t)
{
    unsigned long mfn = fake_frame();

    fake_p2m_set(d, gfn, mfn, t);
    return mfn;
}

/* ---- domains ---- */

struct domain *mkdom(domid_t id, bool privileged)
{
    struct domain *d = calloc(1, sizeof(*d));
    struct vcpu *v = calloc(1, sizeof(*v));

    assert_non_null(d);
    assert_non_null(v);
    d->domain_id = id;
    d->is_privileged = privileged;
    d->max_vcpus = 1;
    d->vcpu = calloc(1, sizeof(*d->vcpu));
    assert_non_null(d->vcpu);
    d->vcpu[0] = v;
    v->domain = d;
    assert_int_equal(grant_table_init(d), 0);
    test_domain_list(d);
    return d;
}

void area_domain_kill(struct domain *d)
{
    grant_table_destroy(d);
}

void area_domain_free(struct domain *d)
{
    unsigned int i;

    grant_table_free(d);
    for ( i = 0; i < MAX_P2M_ENTS; i++ )
        if ( ents[i].p2m == &d->p2m )
            memset(&ents[i], 0, sizeof(ents[i]));
    free(d->vcpu[0]);
    free(d->vcpu);
    free(d);
}

void area_reset(void)
{
    memset(ents, 0, sizeof(ents));
    free_frames();
    p2m_fail_next = 0;
}
