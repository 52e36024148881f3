/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * XEN_DOMCTL_keel_load_memory: copy a dom0 buffer into a paused guest's
 * RAM (the rules are in public/domctl.h).
 *
 * Every target page is looked up and referenced (get_page) before the
 * first byte is written, so a refused range is left whole and no frame
 * can be freed or change hands while it is being written.  The copy goes
 * through the hypervisor's direct map, straight from dom0's buffer: no
 * p2m entry changes, no TLB flush.
 *
 * dom0's buffer is found through dom0's own page tables, walked as its
 * MMU would (guest_walk, supervisor read, its paging state read once per
 * call) and only to dom0's RAM.  The few table frames a buffer of some
 * MiB goes through are the same for every page, so this walk keeps the
 * ones it met referenced and mapped for the call (struct src): the
 * entries are still read fresh on every walk, only their frames' p2m
 * lookups are saved.  Those were four of the five p2m lookups per page
 * and half of the call's time (tests/perf/README.md, create_time).
 */
#include <xen/types.h>
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/mm.h>
#include <xen/guest_access.h>
#include <asm/p2m.h>
#include <asm/guest_walk.h>
#include <public/domctl.h>
#include "domctl_load.h"

#define LOAD_MAX_PAGES  ((XEN_DOMCTL_KEEL_LOAD_MAX >> PAGE_SHIFT) + 1)

/* The referenced frames of one call; domctls are serialised by a lock. */
static unsigned long load_mfns[LOAD_MAX_PAGES];

static void put_frames(unsigned long n)
{
    unsigned long i;

    for ( i = 0; i < n; i++ )
        put_page(load_mfns[i]);
}

/* d's own writable RAM at gfn, referenced; INVALID_MFN if not. */
static unsigned long get_ram_frame(struct domain *d, unsigned long gfn)
{
    p2m_type_t t;
    unsigned long mfn = p2m_get_entry(&d->p2m, gfn, &t, NULL);

    /*
     * Only p2m_ram_rw: read-only RAM stays read-only, and a log-dirty
     * page written behind the tracker's back would be missed.  Foreign
     * and grant mappings have their own types; a grant-table frame is
     * the hypervisor's even where it is mapped as RAM.
     */
    if ( t != p2m_ram_rw || mfn == INVALID_MFN || page_is_xen_shared(mfn) ||
         page_get_owner(mfn) != d || !get_page(mfn, d) )
        return INVALID_MFN;
    return mfn;
}

/* ---- dom0's buffer ---------------------------------------------------- */

#define SRC_TABLES 8

struct src {
    struct domain *d;               /* the caller's domain */
    struct guest_paging_state s;
    struct guest_walk_ops ops;
    unsigned int nr, next;          /* frames held; the next to replace */
    unsigned long gfn[SRC_TABLES], mfn[SRC_TABLES];
    bool rw[SRC_TABLES];
};

/* The direct-map address of dom0's RAM frame gfn, or NULL. */
static u8 *src_frame(struct domain *d, unsigned long gfn, bool *rw,
                     unsigned long *mfnp)
{
    p2m_type_t t;
    unsigned long mfn = p2m_get_entry(&d->p2m, gfn, &t, NULL);

    if ( !p2m_is_ram(t) || mfn == INVALID_MFN || mfn >= directmap_end_pfn )
        return NULL;
    /* Log-dirty tables stay writable for the A bits, as guest_access.c. */
    *rw = t != p2m_ram_ro;
    *mfnp = mfn;
    return maddr_to_virt((paddr_t)mfn << PAGE_SHIFT);
}

/*
 * A table frame of dom0's: from the ones held, else looked up and held
 * (referenced: it cannot be freed and reused while it is read).  A frame
 * that cannot be referenced is used once without being kept.
 */
static u8 *src_table(struct src *c, unsigned long gfn, bool *rw)
{
    unsigned long mfn;
    unsigned int i;
    u8 *p;

    for ( i = 0; i < c->nr; i++ )
        if ( c->gfn[i] == gfn )
        {
            *rw = c->rw[i];
            return maddr_to_virt((paddr_t)c->mfn[i] << PAGE_SHIFT);
        }
    p = src_frame(c->d, gfn, rw, &mfn);
    if ( !p || !get_page(mfn, c->d) )
        return p;
    if ( c->nr < SRC_TABLES )
        i = c->nr++;
    else
    {
        i = c->next;
        c->next = (c->next + 1) % SRC_TABLES;
        put_page(c->mfn[i]);
    }
    c->gfn[i] = gfn;
    c->mfn[i] = mfn;
    c->rw[i] = *rw;
    return p;
}

static int src_read(void *ctx, paddr_t gpa, u64 *val, unsigned int size)
{
    bool rw;
    const u8 *t = src_table(ctx, gpa >> PAGE_SHIFT, &rw);
    unsigned int off = gpa & ~PAGE_MASK;

    if ( !t || off & (size - 1) )
        return -1;
    if ( size == 8 )
        *val = __atomic_load_n((const u64 *)(t + off), __ATOMIC_RELAXED);
    else
        *val = __atomic_load_n((const u32 *)(t + off), __ATOMIC_RELAXED);
    return 0;
}

static void src_set_bits(void *ctx, paddr_t gpa, u64 bits,
                         unsigned int size)
{
    bool rw;
    u8 *t = src_table(ctx, gpa >> PAGE_SHIFT, &rw);
    unsigned int off = gpa & ~PAGE_MASK;

    /* Entries are naturally aligned: one atomic OR, as the CPU does. */
    if ( !t || !rw || off & (size - 1) )
        return;
    if ( size == 4 )
        __atomic_fetch_or((u32 *)(t + off), (u32)bits, __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_or((u64 *)(t + off), bits, __ATOMIC_SEQ_CST);
}

static void src_init(struct src *c, struct vcpu *caller)
{
    memset(c, 0, sizeof(*c));
    c->d = caller->domain;
    hvm_get_paging_state(caller, &c->s);
    c->ops.read = src_read;
    c->ops.set_bits = src_set_bits;
    c->ops.ctx = c;
}

static void src_fini(struct src *c)
{
    unsigned int i;

    for ( i = 0; i < c->nr; i++ )
        put_page(c->mfn[i]);
    c->nr = 0;
}

/* Copy len bytes from dom0's va: 0, or -EFAULT (part may be copied). */
static int src_copy(struct src *c, u8 *dst, u64 va, size_t len)
{
    while ( len )
    {
        size_t n = PAGE_SIZE - (va & ~PAGE_MASK);
        unsigned long mfn;
        paddr_t gpa;
        u32 pfec;
        bool rw;
        const u8 *p;

        if ( n > len )
            n = len;
        if ( guest_walk(&c->s, va, 0, &c->ops, &gpa, &pfec, NULL) != GW_OK )
            return -EFAULT;
        p = src_frame(c->d, gpa >> PAGE_SHIFT, &rw, &mfn);
        if ( !p )
            return -EFAULT;
        memcpy(dst, p + (gpa & ~PAGE_MASK), n);
        dst += n;
        va += n;
        len -= n;
    }
    return 0;
}

/* ---- the call -------------------------------------------------------- */

long domctl_load_memory(struct vcpu *caller, struct domain *d,
                        struct xen_domctl_keel_load_memory *l)
{
    unsigned long gfn, nr, i;
    u64 gpa = l->gpa, end, done = 0;
    struct src src;
    u8 *page;

    l->done = 0;
    if ( l->flags & ~XEN_DOMCTL_KEEL_LOAD_FLAGS || !l->nr_bytes ||
         l->nr_bytes > XEN_DOMCTL_KEEL_LOAD_MAX )
        return -EINVAL;
    end = gpa + l->nr_bytes;
    if ( end < gpa || (end - 1) >> PAGE_SHIFT >= INVALID_GFN )
        return -EINVAL;
    if ( d == caller->domain || d->is_hardware_domain || d->is_privileged )
        return -EINVAL;
    if ( !d->controller_paused )
        return -EBUSY;

    gfn = gpa >> PAGE_SHIFT;
    nr = ((end - 1) >> PAGE_SHIFT) - gfn + 1;
    for ( i = 0; i < nr; i++ )
    {
        load_mfns[i] = get_ram_frame(d, gfn + i);
        if ( load_mfns[i] == INVALID_MFN )
        {
            put_frames(i);
            return -EINVAL;
        }
    }

    src_init(&src, caller);
    for ( i = 0; i < nr; i++ )
    {
        u64 off = (gpa + done) & (PAGE_SIZE - 1);
        u64 n = PAGE_SIZE - off;

        if ( n > l->nr_bytes - done )
            n = l->nr_bytes - done;
        page = maddr_to_virt((paddr_t)load_mfns[i] << PAGE_SHIFT);
        if ( src_copy(&src, page + off, l->buffer + done, n) )
        {
            src_fini(&src);
            put_frames(nr);
            l->done = done;
            return -EFAULT;
        }
        done += n;
        if ( i == nr - 1 && (l->flags & XEN_DOMCTL_KEEL_LOAD_ZERO_TAIL) )
            memset(page + off + n, 0, PAGE_SIZE - off - n);
    }
    src_fini(&src);
    put_frames(nr);
    l->done = done;
    return 0;
}
