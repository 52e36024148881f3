/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What memory.c and hvmop.c call outside themselves. */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "stubs.h"

#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/hypercall.h>
#include <xen/guest_access.h>
#include <asm/e820.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/vlapic.h>
#include <asm/hvm/domain.h>

static unsigned char *mem;                      /* the fake frames */
static struct page_info frame_table[NR_FAKE_FRAMES];
static unsigned char guest_mem[GUEST_MEM_SIZE];

struct fake_p2m {
    struct p2m_domain *p2m;
    unsigned long mfn[FAKE_P2M_GFNS];
    p2m_type_t t[FAKE_P2M_GFNS];
};
#define MAX_DOMS 4
static struct fake_p2m p2ms[MAX_DOMS];
static struct domain *doms[MAX_DOMS];

unsigned int nr_tlb_flushes, nr_kicks, nr_irqs, nr_frame_unmaps;
u8 last_irq_vector;
struct vlapic *last_irq_vlapic;
struct e820map e820;

static void free_dom(struct domain *d)
{
    unsigned int i;

    for ( i = 0; i < d->max_vcpus; i++ )
        free(d->vcpu[i]);
    free(d->vcpu);
    if ( d->grant_table )
    {
        free(d->grant_table->shared);
        free(d->grant_table->frame_gfn);
        free(d->grant_table);
    }
    hvm_domain_destroy(d);
    free(d);
}

void fake_reset(void)
{
    unsigned int i;

    fake_check_refs();
    for ( i = 0; i < MAX_DOMS; i++ )
        if ( doms[i] )
        {
            free_dom(doms[i]);
            doms[i] = NULL;
        }
    memset(p2ms, 0, sizeof(p2ms));
    if ( !mem )
        mem = aligned_alloc(4096, NR_FAKE_FRAMES * 4096UL);
    memset(mem, 0xaa, NR_FAKE_FRAMES * 4096UL);
    memset(frame_table, 0, sizeof(frame_table));
    for ( i = 0; i < NR_FAKE_FRAMES; i++ )
        frame_table[i].state = PGS_FREE;
    memset(guest_mem, 0, sizeof(guest_mem));
    nr_tlb_flushes = nr_kicks = nr_irqs = nr_time_updates = 0;
    nr_frame_unmaps = 0;
    last_irq_vector = 0;
    last_irq_vlapic = NULL;
    /* Host: RAM below 640K, RAM 1M..(frames end), a reserved hole. */
    e820.nr_map = 3;
    e820.map[0] = (struct e820entry){ 0, 0xa0000, E820_RAM };
    e820.map[1] = (struct e820entry){ 0x100000,
        (FAKE_MFN_BASE + NR_FAKE_FRAMES) * 4096UL - 0x100000, E820_RAM };
    e820.map[2] = (struct e820entry){ 0xfec00000, 0x1000, E820_RESERVED };
    test_log_reset();
}

/* ---- frames ---- */

struct page_info *mfn_to_page(unsigned long mfn)
{
    if ( mfn < FAKE_MFN_BASE || mfn >= FAKE_MFN_BASE + NR_FAKE_FRAMES )
        return NULL;
    return &frame_table[mfn - FAKE_MFN_BASE];
}

unsigned long page_to_mfn(const struct page_info *pg)
{
    return FAKE_MFN_BASE + (pg - frame_table);
}

struct domain *page_get_owner(unsigned long mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    if ( !pg || (pg->state != PGS_INUSE && pg->state != PGS_TAIL) )
        return NULL;
    return pg->owner;
}

bool frame_is_free(unsigned long mfn)
{
    return mfn_to_page(mfn)->state == PGS_FREE;
}

void *maddr_to_virt(paddr_t ma)
{
    unsigned long mfn = ma >> 12;

    assert_true(mfn >= FAKE_MFN_BASE &&
                mfn < FAKE_MFN_BASE + NR_FAKE_FRAMES);
    return mem + (ma - FAKE_MFN_BASE * 4096UL);
}

paddr_t virt_to_maddr(const void *va)
{
    const unsigned char *p = va;

    assert_true(p >= mem && p < mem + NR_FAKE_FRAMES * 4096UL);
    return (p - mem) + FAKE_MFN_BASE * 4096UL;
}

static bool block_free(unsigned long mfn, unsigned int order)
{
    unsigned long i;

    for ( i = 0; i < (1UL << order); i++ )
        if ( !mfn_to_page(mfn + i) || !frame_is_free(mfn + i) )
            return false;
    return true;
}

static struct page_info *assign(struct domain *d, unsigned long mfn,
                                unsigned int order)
{
    unsigned long i;
    struct page_info *pg = mfn_to_page(mfn);

    for ( i = 0; i < (1UL << order); i++ )
    {
        pg[i].state = i ? PGS_TAIL : PGS_INUSE;
        pg[i].order = i ? 0 : order;
        pg[i].owner = d;
    }
    if ( d )
        d->tot_pages += 1UL << order;
    return pg;
}

struct page_info *alloc_domheap_exact(struct domain *d, unsigned long mfn,
                                      unsigned int order)
{
    if ( (mfn & ((1UL << order) - 1)) || !block_free(mfn, order) ||
         (d && d->tot_pages + (1UL << order) > d->max_pages) )
        return NULL;
    return assign(d, mfn, order);
}

struct page_info *alloc_domheap_pages(struct domain *d, unsigned int order,
                                      unsigned int memflags)
{
    unsigned long mfn;

    if ( d && d->tot_pages + (1UL << order) > d->max_pages )
        return NULL;
    for ( mfn = FAKE_MFN_BASE; mfn + (1UL << order) <=
          FAKE_MFN_BASE + NR_FAKE_FRAMES; mfn += 1UL << order )
        if ( block_free(mfn, order) )
            return assign(d, mfn, order);
    return NULL;
}

void free_domheap_pages(struct page_info *pg, unsigned int order)
{
    unsigned long i;

    assert_int_equal(pg->state, PGS_INUSE);
    assert_int_equal(pg->order, order);
    /* Shared hypervisor frames were never counted (xen/mm.h). */
    if ( pg->owner && !(pg->flags & PGF_xen_shared) )
        pg->owner->tot_pages -= 1UL << order;
    for ( i = 0; i < (1UL << order); i++ )
    {
        pg[i].state = PGS_FREE;
        pg[i].owner = NULL;
        pg[i].flags = 0;
    }
}

/* ---- page references (xen/mm.h), in the fake frame table ---- */

bool get_page(unsigned long mfn, const struct domain *d)
{
    struct page_info *pg = mfn_to_page(mfn);

    if ( !pg || !d || d->is_dying || page_get_owner(mfn) != d )
        return false;
    pg->count_info++;
    return true;
}

void put_page(unsigned long mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    assert_non_null(pg);
    assert_true(pg->count_info > 0);
    pg->count_info--;
}

unsigned long free_domheap_unreferenced(struct page_info *pg,
                                        unsigned int order,
                                        unsigned long *kept)
{
    unsigned long i, refs = 0, freed = 0;

    for ( i = 0; i < (1UL << order); i++ )
        if ( pg[i].count_info )
            refs++;
    if ( !refs )
    {
        free_domheap_pages(pg, order);
        return 1UL << order;
    }
    /* Split: every frame its own block, referenced ones kept. */
    for ( i = 0; i < (1UL << order); i++ )
    {
        pg[i].state = PGS_INUSE;
        pg[i].order = 0;
    }
    for ( i = 0; i < (1UL << order); i++ )
        if ( !pg[i].count_info )
        {
            free_domheap_pages(&pg[i], 0);
            freed++;
        }
    if ( kept )
        *kept += refs;
    return freed;
}

void *alloc_xenheap_pages(unsigned int order, unsigned int memflags)
{
    struct page_info *pg = alloc_domheap_pages(NULL, order, 0);

    return pg ? maddr_to_virt(page_to_mfn(pg) << 12) : NULL;
}

void free_xenheap_pages(void *v, unsigned int order)
{
    free_domheap_pages(mfn_to_page(virt_to_maddr(v) >> 12), order);
}

void *xmalloc_bytes(size_t size)
{
    return malloc(size ? size : 1);
}

void *xzalloc_bytes(size_t size)
{
    return calloc(1, size ? size : 1);
}

void xfree(void *p)
{
    free(p);
}

/* ---- p2m: one 4K entry per gfn ---- */

static struct fake_p2m *fp(struct p2m_domain *p2m)
{
    unsigned int i;

    for ( i = 0; i < MAX_DOMS; i++ )
        if ( p2ms[i].p2m == p2m )
            return &p2ms[i];
    fail_msg("unknown p2m");
    return NULL;
}

int p2m_set_entry(struct p2m_domain *p2m, unsigned long gfn,
                  unsigned long mfn, unsigned int order, p2m_type_t t)
{
    struct fake_p2m *f = fp(p2m);
    unsigned long i;

    if ( (gfn & ((1UL << order) - 1)) || gfn + (1UL << order) >
         FAKE_P2M_GFNS )
        return -EINVAL;
    for ( i = 0; i < (1UL << order); i++ )
    {
        if ( f->t[gfn + i] != p2m_invalid )
        {
            p2m->need_flush = true;
            p2m->flush_gen++;
        }
        /* As the real p2m: an entry that holds a reference drops it. */
        if ( p2m_holds_ref(f->t[gfn + i]) )
            put_page(f->mfn[gfn + i]);
        f->t[gfn + i] = t;
        f->mfn[gfn + i] = t == p2m_invalid ? INVALID_MFN : mfn + i;
        if ( t != p2m_invalid && gfn + i > p2m->max_mapped_gfn )
            p2m->max_mapped_gfn = gfn + i;
    }
    return 0;
}

unsigned long p2m_get_entry(struct p2m_domain *p2m, unsigned long gfn,
                            p2m_type_t *t, unsigned int *order)
{
    struct fake_p2m *f = fp(p2m);

    if ( order )
        *order = 0;
    if ( gfn >= FAKE_P2M_GFNS || f->t[gfn] == p2m_invalid )
    {
        *t = p2m_invalid;
        return INVALID_MFN;
    }
    *t = f->t[gfn];
    return f->mfn[gfn];
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

unsigned long give_page(struct domain *d, unsigned long gfn)
{
    struct page_info *pg = alloc_domheap_pages(d, 0, 0);

    assert_non_null(pg);
    fake_p2m_set(d, gfn, page_to_mfn(pg), p2m_ram_rw);
    return page_to_mfn(pg);
}

void give_exact(struct domain *d, unsigned long gfn, unsigned long mfn)
{
    assert_non_null(alloc_domheap_exact(d, mfn, 0));
    fake_p2m_set(d, gfn, mfn, p2m_ram_rw);
}

/* ---- domains ---- */

struct domain *mkdom(domid_t id, bool privileged, unsigned int nr_vcpus)
{
    struct domain *d = calloc(1, sizeof(*d));
    unsigned int i, slot;

    for ( slot = 0; slot < MAX_DOMS && doms[slot]; slot++ )
        ;
    assert_true(slot < MAX_DOMS);
    doms[slot] = d;
    p2ms[slot].p2m = &d->p2m;
    d->domain_id = id;
    /* The domain list's; lookups add theirs (fake_check_refs). */
    d->refcnt = 1;
    d->is_privileged = privileged;
    d->is_hardware_domain = privileged && id == 0;
    d->max_pages = ~0UL;
    d->max_vcpus = nr_vcpus;
    d->vcpu = calloc(nr_vcpus, sizeof(*d->vcpu));
    for ( i = 0; i < nr_vcpus; i++ )
    {
        d->vcpu[i] = calloc(1, sizeof(struct vcpu));
        d->vcpu[i]->vcpu_id = i;
        d->vcpu[i]->domain = d;
        /* Any non-NULL pointer: the stub only records it. */
        d->vcpu[i]->vlapic = (struct vlapic *)d->vcpu[i];
    }
    d->shared_info = alloc_xenheap_pages(0, 0);
    memset(d->shared_info, 0, 4096);
    d->grant_table = calloc(1, sizeof(struct grant_table));
    d->grant_table->max_frames = 4;
    d->grant_table->shared = calloc(4, sizeof(void *));
    d->grant_table->frame_gfn = calloc(4, sizeof(unsigned long));
    return d;
}

/* Every lookup was dropped again: each domain holds the list's only. */
void fake_check_refs(void)
{
    unsigned int i;

    for ( i = 0; i < MAX_DOMS; i++ )
        if ( doms[i] )
            assert_int_equal(doms[i]->refcnt, 1);
}

/* Nothing here drops the list's reference. */
void domain_destroy(struct domain *d)
{
    fail_msg("d%u: last reference dropped", d->domain_id);
}

/* As domain.c's: listed, not dying, with a reference. */
struct domain *rcu_lock_domain_by_id(domid_t id)
{
    unsigned int i;

    for ( i = 0; i < MAX_DOMS; i++ )
        if ( doms[i] && doms[i]->domain_id == id && !doms[i]->is_dying )
        {
            get_domain(doms[i]);
            return doms[i];
        }
    return NULL;
}

/* ---- grant table ---- */

/* As grant_table.c: each frame a shared hypervisor frame of d's. */
int gnttab_get_frame(struct domain *d, unsigned int idx, unsigned long *mfn)
{
    struct grant_table *gt = d->grant_table;

    if ( idx >= gt->max_frames )
        return -EINVAL;
    while ( gt->nr_frames <= idx )
    {
        struct page_info *pg = alloc_domheap_pages(NULL, 0, 0);

        assert_non_null(pg);
        pg->owner = d;
        pg->flags = PGF_xen_shared;
        pg->count_info = 1;
        gt->shared[gt->nr_frames] = maddr_to_virt(page_to_mfn(pg) << 12);
        gt->frame_gfn[gt->nr_frames++] = INVALID_GFN;
    }
    *mfn = virt_to_maddr(gt->shared[idx]) >> 12;
    return 0;
}

static unsigned long gt_mfn(struct grant_table *gt, unsigned int idx)
{
    return virt_to_maddr(gt->shared[idx]) >> 12;
}

int gnttab_set_frame_gfn(struct domain *d, unsigned int idx,
                         unsigned long gfn)
{
    struct grant_table *gt = d->grant_table;

    if ( idx >= gt->nr_frames )
        return -EINVAL;
    if ( gt->frame_gfn[idx] == INVALID_GFN && gfn != INVALID_GFN &&
         !get_page(gt_mfn(gt, idx), d) )
        return -EINVAL;
    if ( gt->frame_gfn[idx] != INVALID_GFN && gfn == INVALID_GFN )
        put_page(gt_mfn(gt, idx));
    gt->frame_gfn[idx] = gfn;
    return 0;
}

void gnttab_frame_unmapped(struct domain *d, unsigned long gfn,
                           unsigned long mfn)
{
    struct grant_table *gt = d->grant_table;
    unsigned int i;

    nr_frame_unmaps++;
    for ( i = 0; i < gt->nr_frames; i++ )
        if ( gt->frame_gfn[i] == gfn && gt_mfn(gt, i) == mfn )
        {
            gt->frame_gfn[i] = INVALID_GFN;
            put_page(mfn);
        }
}

bool page_is_xen_shared(unsigned long mfn)
{
    struct page_info *pg = mfn_to_page(mfn);

    return pg && pg->state == PGS_INUSE && (pg->flags & PGF_xen_shared);
}

/* ---- guest memory ---- */

void *gmem(unsigned long gva)
{
    assert_true(gva >= GUEST_VA && gva < GUEST_VA + GUEST_MEM_SIZE);
    return guest_mem + (gva - GUEST_VA);
}

static bool gva_ok(unsigned long gva, size_t len)
{
    return gva >= GUEST_VA && len <= GUEST_MEM_SIZE &&
           gva - GUEST_VA <= GUEST_MEM_SIZE - len;
}

int copy_from_guest_virt(struct vcpu *v, void *dst, unsigned long gva,
                         size_t len)
{
    if ( !gva_ok(gva, len) )
        return -EFAULT;
    memcpy(dst, guest_mem + (gva - GUEST_VA), len);
    return 0;
}

int copy_to_guest_virt(struct vcpu *v, unsigned long gva, const void *src,
                       size_t len)
{
    if ( !gva_ok(gva, len) )
        return -EFAULT;
    memcpy(guest_mem + (gva - GUEST_VA), src, len);
    return 0;
}

/* ---- the rest ---- */

void hvm_flush_guest_tlbs(struct domain *d)
{
    nr_tlb_flushes++;
}

void hvm_vcpu_kick(struct vcpu *v)
{
    nr_kicks++;
}

bool vlapic_set_irq(struct vlapic *vlapic, u8 vector, bool level)
{
    nr_irqs++;
    last_irq_vector = vector;
    last_irq_vlapic = vlapic;
    return true;
}

struct vcpu_info *evtchn_vcpu_info(struct vcpu *v)
{
    return &((struct shared_info *)v->domain->shared_info)
               ->vcpu_info[v->vcpu_id];
}

s_time_t get_s_time(void)
{
    return 123456789;
}

void hypercall_register(unsigned int nr, hypercall_fn_t fn, unsigned int perm,
                        const char *name)
{
}

unsigned int nr_time_updates;

void update_domain_wallclock_time(struct domain *d)
{
    nr_time_updates++;
}

void update_vcpu_system_time(struct vcpu *v)
{
    nr_time_updates++;
}
