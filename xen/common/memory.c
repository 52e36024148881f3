/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The memory_op hypercall (12): a domain's view of its memory (e820,
 * reservation sizes), its physmap (shared_info, grant table frames,
 * foreign frames) and ballooning (decrease / populate / increase).
 *
 * Rules of this implementation (dom0 is identity mapped, gfn == mfn;
 * asm/p2m.h):
 *
 * - A frame the guest gives up (decrease_reservation, remove_from_physmap,
 *   or a RAM frame an add_to_physmap mapping replaces, as Xen does) is
 *   unmapped, the vCPUs are told to flush, and it goes back to the heap
 *   when it is a heap block d owns and the range covers the whole block.
 *   Frames dom0 got as part of a larger block (its kernel segments) and
 *   dom0's RAM below 1 MiB (not heap memory) are only unmapped: they stay
 *   counted in d->tot_pages until the domain dies.  Hypervisor pages
 *   shared with the guest (shared_info, grant frames) are only unmapped;
 *   a grant frame's mapping held a reference, dropped then
 *   (gnttab_frame_unmapped), the frame stays the grant table's.
 * - populate_physmap gives fresh, zeroed frames at empty gfns.  For the
 *   hardware domain it first tries the frame with the same number, so
 *   gfn == mfn holds whenever that frame is free (DMA keeps working);
 *   otherwise any free frame is used.  That breaks gfn == mfn for those
 *   pages only, which is fine for ballooned pages: Linux hands them out
 *   as ordinary memory only after populating them, and its swiotlb/DMA
 *   paths for dom0 use xen_phys_to_bus(), i.e. the p2m, not the gfn.
 * - increase_reservation (for the hardware domain only) allocates frames
 *   and maps each at gfn == mfn, returning the frame numbers.
 * - Each call does at most MEMOP_MAX_EXTENTS extents and returns how
 *   many it completed: Xen's ABI lets a short count mean "stopped here"
 *   (Linux's balloon driver retries populate; it decreases in batches of
 *   one page of frame numbers, 512, below the cap).  No continuations.
 * - A foreign mapping holds a reference on the foreign frame (get_page,
 *   owned by the p2m entry, dropped when the entry goes).  A frame its
 *   owner gives up while another domain maps it stays allocated (and
 *   counted) to the owner until the owner dies; a dying owner's mapped
 *   frames outlive it (domain_kill's zombies).
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/console.h>
#include <xen/mm.h>
#include <xen/sched.h>
#include <xen/hypercall.h>
#include <xen/guest_access.h>
#include <xen/grant_table.h>
#include <xen/guest_time.h>
#include <public/memory.h>
#include <asm/current.h>
#include <asm/e820.h>
#include <asm/p2m.h>
#include <asm/dom0_build.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/vlapic.h>
#include <asm/hvm/domain.h>

/* ---- helpers ------------------------------------------------------------ */

/*
 * SELF, or (privileged callers only) any existing domain, holding a
 * reference (xen/sched.h) the caller drops with memop_put() on every
 * path: domain_kill waits for it before it frees the domain's p2m and
 * pages, so what this call does to d is done before they go.
 */
static struct domain *memop_domain(struct vcpu *curr, domid_t domid, int *rc)
{
    struct domain *d;

    if ( domid == DOMID_SELF || domid == curr->domain->domain_id )
        return curr->domain;
    d = rcu_lock_domain_by_id(domid);
    if ( !d )
    {
        *rc = -ESRCH;
        return NULL;
    }
    if ( !curr->domain->is_privileged )
    {
        rcu_unlock_domain(d);
        *rc = -EPERM;
        return NULL;
    }
    return d;
}

static void memop_put(struct vcpu *curr, struct domain *d)
{
    if ( d && d != curr->domain )
        rcu_unlock_domain(d);
}

/*
 * An entry that was present changed: every vCPU flushes before it next
 * enters the guest, and those in guest mode now are made to exit (a
 * kick does nothing to a vCPU that is not in guest mode, the caller).
 */
static void memop_flush(struct domain *d)
{
    unsigned int i;

    hvm_flush_guest_tlbs(d);
    for ( i = 0; i < d->max_vcpus; i++ )
        if ( d->vcpu[i] )
            hvm_vcpu_kick(d->vcpu[i]);
}

/*
 * 2^order frames at mfn that d no longer maps (at gfn): free them if they form
 * one heap block of d (or single-page blocks), else leave them be (the
 * rules at the top).  Returns the number of pages freed.
 */
static unsigned long release_frames(struct domain *d, unsigned long gfn,
                                    unsigned long mfn, unsigned int order)
{
    unsigned long i, freed = 0;
    struct page_info *pg = mfn_to_page(mfn);
    bool shared = false;

    /*
     * A grant-table frame is the hypervisor's, shared with d: only its
     * mapping goes (the table keeps the frame; xen/mm.h).
     */
    for ( i = 0; i < (1UL << order); i++ )
        if ( page_is_xen_shared(mfn + i) )
        {
            gnttab_frame_unmapped(d, gfn + i, mfn + i);
            shared = true;
        }
    /* Frames another domain still maps stay (see the top). */
    if ( !shared && pg && pg->state == PGS_INUSE && pg->order == order &&
         page_get_owner(mfn) == d )
        return free_domheap_unreferenced(pg, order, NULL);
    for ( i = 0; i < (1UL << order); i++ )
    {
        pg = mfn_to_page(mfn + i);
        if ( pg && pg->state == PGS_INUSE && pg->order == 0 &&
             page_get_owner(mfn + i) == d && !page_is_xen_shared(mfn + i) )
            freed += free_domheap_unreferenced(pg, 0, NULL);
    }
    return freed;
}

/*
 * Put mfn at gfn with type nt, replacing what was there: nothing, RAM
 * (released), a foreign frame or a passed-through MMIO page (dom0's
 * holes are MMIO; Linux puts grant frames there).  Emulated pages and
 * grant mappings (GNTTABOP_unmap_grant_ref's) are refused with -EBUSY.
 */
static int physmap_replace(struct domain *d, unsigned long gfn,
                           unsigned long mfn, p2m_type_t nt)
{
    p2m_type_t ot;
    unsigned long omfn = p2m_get_entry(&d->p2m, gfn, &ot, NULL);
    int rc;

    if ( omfn == mfn && ot == nt )
        return 0;
    if ( ot != p2m_invalid && !p2m_is_ram(ot) && ot != p2m_foreign &&
         ot != p2m_mmio_direct )
        return -EBUSY;
    rc = p2m_set_entry(&d->p2m, gfn, mfn, 0, nt);
    if ( rc )
        return rc;
    if ( ot != p2m_invalid )
        memop_flush(d);
    if ( p2m_is_ram(ot) && omfn != INVALID_MFN )
        release_frames(d, gfn, omfn, 0);
    return 0;
}

/* Unmap gfn if it still maps mfn (an old place of a special frame). */
static void physmap_drop_if(struct domain *d, unsigned long gfn,
                            unsigned long mfn)
{
    p2m_type_t t;

    if ( gfn == INVALID_GFN ||
         p2m_get_entry(&d->p2m, gfn, &t, NULL) != mfn )
        return;
    if ( !p2m_set_entry(&d->p2m, gfn, 0, 0, p2m_invalid) )
        memop_flush(d);
}

/* ---- memory maps ---------------------------------------------------------- */

int memory_set_domain_map(struct domain *d, const struct e820entry *map,
                          unsigned int nr)
{
    struct hvm_domain *hd = hvm_domain_get(d);
    struct e820entry *copy, *old;

    if ( !hd || nr > E820MAX )
        return hd ? -EINVAL : -ENOMEM;
    copy = xmalloc_array(struct e820entry, nr ? nr : 1);
    if ( !copy )
        return -ENOMEM;
    memcpy(copy, map, nr * sizeof(*map));
    spin_lock(&hd->lock);
    old = hd->memmap;
    hd->memmap = copy;
    hd->nr_memmap = nr;
    spin_unlock(&hd->lock);
    xfree(old);
    return 0;
}

#define MEMOP_MAX_RAM_RANGES 256

/*
 * The hardware domain's e820 as the builder made it, from the host e820
 * and the RAM in its p2m (dom0_build_memmap(): host RAM dom0 lacks is
 * UNUSABLE).  Only right before the domain changed its p2m.
 */
static int rebuild_hwdom_map(struct domain *d)
{
    struct dom0_range *ram;
    struct hvm_memmap_table_entry *out;
    struct e820entry *map;
    unsigned long gfn = 0, end = d->p2m.max_mapped_gfn + 1;
    unsigned int nr_ram = 0, i;
    int nr, rc = -ENOMEM;

    ram = xmalloc_array(struct dom0_range, MEMOP_MAX_RAM_RANGES);
    out = xmalloc_array(struct hvm_memmap_table_entry, E820MAX);
    map = xmalloc_array(struct e820entry, E820MAX);
    if ( !ram || !out || !map )
        goto out;

    while ( gfn < end && gfn != 0 - 1UL )
    {
        unsigned int order = 0;
        p2m_type_t t;
        unsigned long next;

        p2m_get_entry(&d->p2m, gfn, &t, &order);
        next = (gfn | ((1UL << order) - 1)) + 1;
        if ( p2m_is_ram(t) )
        {
            if ( nr_ram && ram[nr_ram - 1].end == ((u64)gfn << PAGE_SHIFT) )
                ram[nr_ram - 1].end = (u64)next << PAGE_SHIFT;
            else if ( nr_ram < MEMOP_MAX_RAM_RANGES )
            {
                ram[nr_ram].start = (u64)gfn << PAGE_SHIFT;
                ram[nr_ram].end = (u64)next << PAGE_SHIFT;
                nr_ram++;
            }
            else
            {
                rc = -ENOSPC;
                goto out;
            }
        }
        if ( next <= gfn )
            break;
        gfn = next;
    }

    nr = dom0_build_memmap(e820.map, e820.nr_map, ram, nr_ram, out, E820MAX);
    if ( nr < 0 )
    {
        rc = nr;
        goto out;
    }
    for ( i = 0; i < (unsigned int)nr; i++ )
    {
        map[i].addr = out[i].addr;
        map[i].size = out[i].size;
        map[i].type = out[i].type;
    }
    rc = memory_set_domain_map(d, map, nr);
 out:
    xfree(ram);
    xfree(out);
    xfree(map);
    return rc;
}

/* Before the first memory_op of the hardware domain changes anything. */
static void memop_snapshot_map(struct domain *d)
{
    struct hvm_domain *hd = hvm_domain_get(d);

    if ( !hd || hd->memmap || !d->is_hardware_domain )
        return;
    if ( rebuild_hwdom_map(d) )
        printk(XENLOG_WARNING "d%u: cannot rebuild its memory map\n",
               d->domain_id);
}

static long memop_memory_map(struct vcpu *v, unsigned long arg)
{
    struct domain *d = v->domain;
    struct hvm_domain *hd = hvm_domain_get(d);
    struct xen_memory_map map;
    unsigned int n;
    long rc = 0;

    if ( copy_from_guest_virt(v, &map, arg, sizeof(map)) )
        return -EFAULT;
    if ( !hd )
        return -ENOMEM;
    spin_lock(&hd->lock);
    if ( !hd->memmap )
    {
        /* As Xen: a domain without a map set has none to report. */
        spin_unlock(&hd->lock);
        return -ENOSYS;
    }
    n = min(map.nr_entries, hd->nr_memmap);
    if ( copy_to_guest_virt(v, map.buffer, hd->memmap,
                            n * sizeof(struct e820entry)) )
        rc = -EFAULT;
    spin_unlock(&hd->lock);
    if ( rc )
        return rc;
    map.nr_entries = n;
    return copy_to_guest_virt(v, arg, &map, sizeof(map)) ? -EFAULT : 0;
}

static long memop_machine_memory_map(struct vcpu *v, unsigned long arg)
{
    struct xen_memory_map map;

    if ( !v->domain->is_privileged )
        return -EPERM;
    if ( copy_from_guest_virt(v, &map, arg, sizeof(map)) )
        return -EFAULT;
    /* A NULL buffer asks for the count only; else it must all fit. */
    if ( map.buffer )
    {
        if ( map.nr_entries < e820.nr_map )
            return -EINVAL;
        if ( copy_to_guest_virt(v, map.buffer, e820.map,
                                e820.nr_map * sizeof(struct e820entry)) )
            return -EFAULT;
    }
    map.nr_entries = e820.nr_map;
    return copy_to_guest_virt(v, arg, &map, sizeof(map)) ? -EFAULT : 0;
}

/* ---- add_to_physmap ------------------------------------------------------ */

static int map_shared_info(struct domain *d, unsigned long gpfn)
{
    struct hvm_domain *hd = hvm_domain_get(d);
    unsigned int i;
    unsigned long mfn = virt_to_maddr(d->shared_info) >> PAGE_SHIFT;
    int rc;

    if ( !hd )
        return -ENOMEM;
    rc = physmap_replace(d, gpfn, mfn, p2m_ram_rw);
    if ( rc )
        return rc;
    if ( hd->shared_info_gfn != gpfn )
        physmap_drop_if(d, hd->shared_info_gfn, mfn);
    hd->shared_info_gfn = gpfn;
    /*
     * Xen keeps the time fields of shared_info current from domain
     * creation on; here guest_time refreshes them on its own events, so
     * make them valid before the guest's first look (Linux reads the
     * pvclock right after mapping the page).
     */
    update_domain_wallclock_time(d);
    for ( i = 0; i < d->max_vcpus; i++ )
        if ( d->vcpu[i] )
            update_vcpu_system_time(d->vcpu[i]);
    printk(XENLOG_INFO "d%u: shared_info at gfn %#lx\n", d->domain_id,
           gpfn);
    return 0;
}

static int map_grant_frame(struct domain *d, unsigned long idx,
                           unsigned long gpfn)
{
    struct grant_table *gt = d->grant_table;
    unsigned long mfn, old = INVALID_GFN;
    int rc;

    if ( idx > 0xffffffffUL )
        return -EINVAL;
    rc = gnttab_get_frame(d, idx, &mfn);
    if ( rc )
        return rc;
    rc = physmap_replace(d, gpfn, mfn, p2m_ram_rw);
    if ( rc )
        return rc;
    /* The frame may have been mapped elsewhere before: drop that. */
    spin_lock(&gt->lock);
    if ( idx < gt->nr_frames )
        old = gt->frame_gfn[idx];
    spin_unlock(&gt->lock);
    if ( old != gpfn )
        physmap_drop_if(d, old, mfn);
    /* The mapping's reference (a dying d has none to give): undo it. */
    rc = gnttab_set_frame_gfn(d, idx, gpfn);
    if ( rc && !p2m_set_entry(&d->p2m, gpfn, 0, 0, p2m_invalid) )
        memop_flush(d);
    return rc;
}

/* XENMAPSPACE_gmfn: move d's RAM frame at gfn idx to gpfn. */
static int move_gmfn(struct domain *d, unsigned long idx, unsigned long gpfn)
{
    p2m_type_t t;
    unsigned long mfn = p2m_get_entry(&d->p2m, idx, &t, NULL);
    int rc;

    /* Grant frames move through XENMAPSPACE_grant_table only. */
    if ( !p2m_is_ram(t) || mfn == INVALID_MFN || page_is_xen_shared(mfn) )
        return -EINVAL;
    if ( idx == gpfn )
        return 0;
    rc = physmap_replace(d, gpfn, mfn, t);
    if ( rc )
        return rc;
    physmap_drop_if(d, idx, mfn);
    return 0;
}

static int map_foreign(struct domain *d, struct domain *fd,
                       unsigned long idx, unsigned long gpfn)
{
    p2m_type_t t;
    unsigned long mfn = p2m_get_entry(&fd->p2m, idx, &t, NULL);

    p2m_type_t ot;
    int rc;

    /* Only the foreign domain's own writable RAM (as the grant rules). */
    if ( (t != p2m_ram_rw && t != p2m_ram_logdirty) || mfn == INVALID_MFN )
        return -EINVAL;
    if ( p2m_get_entry(&d->p2m, gpfn, &ot, NULL) == mfn && ot == p2m_foreign )
        return 0;
    /* The entry holds a reference: a dying fd's frames are refused. */
    if ( !get_page(mfn, fd) )
        return -EINVAL;
    rc = physmap_replace(d, gpfn, mfn, p2m_foreign);
    if ( rc )
        put_page(mfn);
    return rc;
}

static int add_to_physmap_locked(struct domain *d, unsigned int space,
                                 unsigned long idx, unsigned long gpfn,
                                 struct domain *fd)
{
    switch ( space )
    {
    case XENMAPSPACE_shared_info:
        return idx ? -EINVAL : map_shared_info(d, gpfn);
    case XENMAPSPACE_grant_table:
        return map_grant_frame(d, idx, gpfn);
    case XENMAPSPACE_gmfn:
        return move_gmfn(d, idx, gpfn);
    case XENMAPSPACE_gmfn_foreign:
        return fd ? map_foreign(d, fd, idx, gpfn) : -EINVAL;
    }
    return -EOPNOTSUPP;
}

static int add_to_physmap_one(struct domain *d, unsigned int space,
                              unsigned long idx, unsigned long gpfn,
                              struct domain *fd)
{
    struct hvm_domain *hd = hvm_domain_get(d);
    int rc;

    if ( !hd )
        return -ENOMEM;
    spin_lock(&hd->physmap_lock);
    rc = add_to_physmap_locked(d, space, idx, gpfn, fd);
    spin_unlock(&hd->physmap_lock);
    return rc;
}

static int add_to_physmap_in(struct domain *d,
                             const struct xen_add_to_physmap *xatp)
{
    unsigned int i;
    int rc = 0;

    memop_snapshot_map(d);
    if ( xatp->space == XENMAPSPACE_gmfn_foreign )
        return -EINVAL;             /* batch only: it names a domain */
    if ( xatp->space != XENMAPSPACE_gmfn_range )
        return add_to_physmap_one(d, xatp->space, xatp->idx, xatp->gpfn,
                                  NULL);
    for ( i = 0; i < xatp->size && !rc; i++ )
        rc = add_to_physmap_one(d, XENMAPSPACE_gmfn, xatp->idx + i,
                                xatp->gpfn + i, NULL);
    return rc;
}

static long memop_add_to_physmap(struct vcpu *v, unsigned long arg)
{
    struct xen_add_to_physmap xatp;
    struct domain *d;
    int rc = 0;

    if ( copy_from_guest_virt(v, &xatp, arg, sizeof(xatp)) )
        return -EFAULT;
    d = memop_domain(v, xatp.domid, &rc);
    if ( !d )
        return rc;
    rc = add_to_physmap_in(d, &xatp);
    memop_put(v, d);
    return rc;
}

#define MEMOP_MAX_BATCH 4096

static long add_to_physmap_batch_in(struct vcpu *v, struct domain *d,
                                    struct domain *fd,
                                    const struct xen_add_to_physmap_batch *bp);

static long memop_add_to_physmap_batch(struct vcpu *v, unsigned long arg)
{
    struct xen_add_to_physmap_batch b;
    struct domain *d, *fd = NULL;
    long rc = 0;
    int err = 0;

    if ( copy_from_guest_virt(v, &b, arg, sizeof(b)) )
        return -EFAULT;
    if ( b.size > MEMOP_MAX_BATCH )
        return -E2BIG;
    if ( b.space == XENMAPSPACE_gmfn_range )
        return -EINVAL;
    if ( b.space != XENMAPSPACE_gmfn_foreign && b.u.res0 )
        return -EINVAL;
    d = memop_domain(v, b.domid, &err);
    if ( !d )
        return err;
    if ( b.space == XENMAPSPACE_gmfn_foreign )
    {
        /* Only a privileged domain maps others' memory, never its own. */
        if ( !v->domain->is_privileged )
            rc = -EPERM;
        else if ( b.u.foreign_domid == DOMID_SELF ||
                  b.u.foreign_domid == d->domain_id )
            rc = -EINVAL;
        /* Referenced too: fd's p2m is read and its pages referenced. */
        else if ( (fd = rcu_lock_domain_by_id(b.u.foreign_domid)) == NULL )
            rc = -ESRCH;
        if ( rc )
        {
            memop_put(v, d);
            return rc;
        }
    }
    rc = add_to_physmap_batch_in(v, d, fd, &b);
    if ( fd )
        rcu_unlock_domain(fd);
    memop_put(v, d);
    return rc;
}

static long add_to_physmap_batch_in(struct vcpu *v, struct domain *d,
                                    struct domain *fd,
                                    const struct xen_add_to_physmap_batch *bp)
{
    struct xen_add_to_physmap_batch b = *bp;
    unsigned int i;

    memop_snapshot_map(d);

    for ( i = 0; i < b.size; i++ )
    {
        xen_ulong_t idx;
        xen_pfn_t gpfn;
        int err;

        if ( copy_from_guest_virt(v, &idx, b.idxs + i * sizeof(idx),
                                  sizeof(idx)) ||
             copy_from_guest_virt(v, &gpfn, b.gpfns + i * sizeof(gpfn),
                                  sizeof(gpfn)) )
            return -EFAULT;
        err = add_to_physmap_one(d, b.space, idx, gpfn, fd);
        if ( copy_to_guest_virt(v, b.errs + i * sizeof(err), &err,
                                sizeof(err)) )
            return -EFAULT;
    }
    return 0;
}

static long remove_from_physmap_in(struct domain *d,
                                   const struct xen_remove_from_physmap *xp);

static long memop_remove_from_physmap(struct vcpu *v, unsigned long arg)
{
    struct xen_remove_from_physmap xrfp;
    struct domain *d;
    int rc = 0;

    if ( copy_from_guest_virt(v, &xrfp, arg, sizeof(xrfp)) )
        return -EFAULT;
    d = memop_domain(v, xrfp.domid, &rc);
    if ( !d )
        return rc;
    rc = remove_from_physmap_in(d, &xrfp);
    memop_put(v, d);
    return rc;
}

static long remove_from_physmap_in(struct domain *d,
                                   const struct xen_remove_from_physmap *xp)
{
    struct xen_remove_from_physmap xrfp = *xp;
    struct hvm_domain *hd;
    p2m_type_t t;
    unsigned long mfn;
    int rc;

    memop_snapshot_map(d);
    hd = hvm_domain_get(d);
    if ( !hd )
        return -ENOMEM;
    spin_lock(&hd->physmap_lock);
    mfn = p2m_get_entry(&d->p2m, xrfp.gpfn, &t, NULL);
    if ( t == p2m_invalid )
        rc = -ENOENT;
    else if ( !p2m_is_ram(t) && t != p2m_foreign && t != p2m_mmio_direct )
        rc = -EINVAL;               /* grant maps, emulated pages */
    else
        rc = p2m_set_entry(&d->p2m, xrfp.gpfn, 0, 0, p2m_invalid);
    if ( !rc )
    {
        memop_flush(d);
        if ( p2m_is_ram(t) )
        {
            if ( hd->shared_info_gfn == xrfp.gpfn )
                hd->shared_info_gfn = INVALID_GFN;
            release_frames(d, xrfp.gpfn, mfn, 0);
        }
    }
    spin_unlock(&hd->physmap_lock);
    return rc;
}

/* ---- reservations -------------------------------------------------------- */

static bool warned_pod;

/*
 * Give up the extent at gfn: RAM (released) or foreign frames.  An
 * aligned extent of contiguous RAM goes at once (and its frames back as
 * one block if it was populated as one), anything else page by page.
 */
static int decrease_extent(struct domain *d, unsigned long gfn,
                           unsigned int order)
{
    unsigned long i, mfn, mfn0;
    bool whole;
    p2m_type_t t;

    mfn0 = p2m_get_entry(&d->p2m, gfn, &t, NULL);
    whole = order && !(gfn & ((1UL << order) - 1)) && p2m_is_ram(t) &&
            !(mfn0 & ((1UL << order) - 1));
    for ( i = 1; whole && i < (1UL << order); i++ )
        whole = p2m_get_entry(&d->p2m, gfn + i, &t, NULL) == mfn0 + i &&
                p2m_is_ram(t);
    if ( whole )
    {
        if ( p2m_set_entry(&d->p2m, gfn, 0, order, p2m_invalid) )
            return -ENOMEM;
        memop_flush(d);
        release_frames(d, gfn, mfn0, order);
        return 0;
    }
    for ( i = 0; i < (1UL << order); i++ )
    {
        mfn = p2m_get_entry(&d->p2m, gfn + i, &t, NULL);
        if ( !p2m_is_ram(t) && t != p2m_foreign )
            return -EINVAL;
        if ( p2m_set_entry(&d->p2m, gfn + i, 0, 0, p2m_invalid) )
            return -ENOMEM;
        memop_flush(d);
        if ( p2m_is_ram(t) )
            release_frames(d, gfn + i, mfn, 0);
    }
    return 0;
}

/* Zero 2^order frames the allocator gave out without MEMF_zero. */
static void scrub_frames(unsigned long mfn, unsigned int order)
{
    unsigned long i;

    for ( i = 0; i < (1UL << order); i++ )
        memset(maddr_to_virt((paddr_t)(mfn + i) << PAGE_SHIFT), 0,
               PAGE_SIZE);
}

/*
 * Fresh, zeroed frames for an extent (they may have held another
 * owner's data); gfn == mfn first for the hardware domain.
 */
static struct page_info *alloc_extent(struct domain *d, unsigned long gfn,
                                      unsigned int order,
                                      unsigned int addr_bits)
{
    struct page_info *pg = NULL;
    unsigned long mfn;
    bool exact = false;

    if ( d->is_hardware_domain && gfn != INVALID_GFN )
        exact = (pg = alloc_domheap_exact(d, gfn, order)) != NULL;
    /* The heap zeroes only what its scrubber has not zeroed yet. */
    if ( !pg )
        pg = alloc_domheap_pages(d, order, MEMF_zero);
    if ( !pg )
        return NULL;
    mfn = page_to_mfn(pg);
    if ( addr_bits && addr_bits < 64 &&
         ((mfn + (1UL << order)) << PAGE_SHIFT) > (1UL << addr_bits) )
    {
        free_domheap_pages(pg, order);
        return NULL;
    }
    /* An exact claim has no MEMF_zero (dom0 ballooning back 1:1). */
    if ( exact )
        scrub_frames(mfn, order);
    return pg;
}

/* True if no gfn of the extent at gfn is mapped. */
static bool extent_empty(struct domain *d, unsigned long gfn,
                         unsigned int order)
{
    unsigned long i;
    p2m_type_t t;

    for ( i = 0; i < (1UL << order); )
    {
        unsigned int eorder = 0;

        p2m_get_entry(&d->p2m, gfn + i, &t, &eorder);
        if ( t != p2m_invalid )
            return false;
        i = ((gfn + i) | ((1UL << eorder) - 1)) + 1 - gfn;
    }
    return true;
}

static int populate_extent(struct domain *d, unsigned long gfn,
                           unsigned int order, unsigned int addr_bits)
{
    struct page_info *pg;

    if ( gfn & ((1UL << order) - 1) )
        return -EINVAL;
    /* Only into holes: never silently drop what is there. */
    if ( !extent_empty(d, gfn, order) )
        return -EBUSY;
    pg = alloc_extent(d, gfn, order, addr_bits);
    if ( !pg )
        return -ENOMEM;
    if ( p2m_set_entry(&d->p2m, gfn, page_to_mfn(pg), order, p2m_ram_rw) )
    {
        free_domheap_pages(pg, order);
        return -ENOMEM;
    }
    return 0;
}

/*
 * Host RAM the hardware domain does not own is unmapped in its p2m, so
 * fresh frames go in 1:1.
 */
static int increase_extent(struct domain *d, unsigned int order,
                           unsigned int addr_bits, unsigned long *mfn)
{
    struct page_info *pg = alloc_extent(d, INVALID_GFN, order, addr_bits);

    if ( !pg )
        return -ENOMEM;
    *mfn = page_to_mfn(pg);
    if ( !extent_empty(d, *mfn, order) ||
         p2m_set_entry(&d->p2m, *mfn, *mfn, order, p2m_ram_rw) )
    {
        free_domheap_pages(pg, order);
        return -EBUSY;
    }
    return 0;
}

static long reservation_in(struct vcpu *v, unsigned int op,
                           unsigned long start, struct domain *d,
                           const struct xen_memory_reservation *rp);

static long memop_reservation(struct vcpu *v, unsigned int op,
                              unsigned long start, unsigned long arg)
{
    struct xen_memory_reservation r;
    struct domain *d;
    int rc = 0;

    if ( copy_from_guest_virt(v, &r, arg, sizeof(r)) )
        return -EFAULT;
    if ( start >= r.nr_extents )
        return start;
    if ( r.extent_order > MEMOP_MAX_GUEST_ORDER )
        return start;               /* as Xen: nothing done */
    if ( r.mem_flags & XENMEMF_populate_on_demand )
    {
        if ( !warned_pod )
        {
            warned_pod = true;
            printk(XENLOG_WARNING "d%u: populate-on-demand not supported\n",
                   v->domain->domain_id);
        }
        return start;
    }
    d = memop_domain(v, r.domid, &rc);
    if ( !d )
        return rc;
    start = reservation_in(v, op, start, d, &r);
    memop_put(v, d);
    return start;
}

static long reservation_in(struct vcpu *v, unsigned int op,
                           unsigned long start, struct domain *d,
                           const struct xen_memory_reservation *rp)
{
    struct xen_memory_reservation r = *rp;
    struct hvm_domain *hd;
    unsigned long i, end;
    unsigned int addr_bits;
    int rc = 0;

    if ( op == XENMEM_increase_reservation && !d->is_hardware_domain )
        return -EOPNOTSUPP;
    memop_snapshot_map(d);
    hd = hvm_domain_get(d);
    if ( !hd )
        return -ENOMEM;
    addr_bits = XENMEMF_get_address_bits(r.mem_flags);

    end = r.nr_extents;
    if ( end - start > MEMOP_MAX_EXTENTS )
        end = start + MEMOP_MAX_EXTENTS;
    for ( i = start; i < end; i++ )
    {
        xen_pfn_t frame = 0;
        unsigned long mfn;
        unsigned long slot = r.extent_start + i * sizeof(frame);

        if ( op != XENMEM_increase_reservation &&
             copy_from_guest_virt(v, &frame, slot, sizeof(frame)) )
            break;
        spin_lock(&hd->physmap_lock);
        if ( op == XENMEM_decrease_reservation )
            rc = decrease_extent(d, frame, r.extent_order);
        else if ( op == XENMEM_populate_physmap )
            rc = populate_extent(d, frame, r.extent_order, addr_bits);
        else
            rc = increase_extent(d, r.extent_order, addr_bits, &mfn);
        spin_unlock(&hd->physmap_lock);
        if ( op == XENMEM_increase_reservation && !rc && r.extent_start &&
             copy_to_guest_virt(v, slot, &mfn, sizeof(mfn)) )
            rc = -EFAULT;
        if ( rc )
            break;
    }
    return i;
}

/* The reservation queries: arg points at a domid_t. */
static long memop_query(struct vcpu *v, unsigned int op, unsigned long arg)
{
    unsigned long val;
    struct domain *d;
    domid_t domid;
    int rc = 0;

    if ( copy_from_guest_virt(v, &domid, arg, sizeof(domid)) )
        return -EFAULT;
    d = memop_domain(v, domid, &rc);
    if ( !d )
        return rc;
    switch ( op )
    {
    case XENMEM_current_reservation:
        val = d->tot_pages;
        break;
    case XENMEM_maximum_reservation:
        val = d->max_pages;
        break;
    default:
        val = d->p2m.max_mapped_gfn;
        break;
    }
    memop_put(v, d);
    return val;
}

/* The frame after the highest RAM frame of the host (Xen's max_page). */
static long memop_maximum_ram_page(void)
{
    unsigned long max = 0, end;
    unsigned int i;

    for ( i = 0; i < e820.nr_map; i++ )
    {
        if ( e820.map[i].type != E820_RAM )
            continue;
        end = PFN_DOWN(e820.map[i].addr + e820.map[i].size);
        if ( end > max )
            max = end;
    }
    return max;
}

/* ---- the hypercall -------------------------------------------------------- */

static bool warned_op[64];

long do_memory_op_vcpu(struct vcpu *v, unsigned long cmd, unsigned long arg)
{
    unsigned int op = cmd & MEMOP_CMD_MASK;
    unsigned long start = cmd >> MEMOP_EXTENT_SHIFT;

    switch ( op )
    {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return memop_reservation(v, op, start, arg);
    case XENMEM_maximum_ram_page:
        return memop_maximum_ram_page();
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        return memop_query(v, op, arg);
    case XENMEM_add_to_physmap:
        return memop_add_to_physmap(v, arg);
    case XENMEM_add_to_physmap_batch:
        return memop_add_to_physmap_batch(v, arg);
    case XENMEM_remove_from_physmap:
        return memop_remove_from_physmap(v, arg);
    case XENMEM_memory_map:
        memop_snapshot_map(v->domain);
        return memop_memory_map(v, arg);
    case XENMEM_machine_memory_map:
        return memop_machine_memory_map(v, arg);
    }

    if ( !warned_op[op] )
    {
        warned_op[op] = true;
        printk(XENLOG_WARNING "d%uv%u: memory_op %u not implemented\n",
               v->domain->domain_id, v->vcpu_id, op);
    }
    return -ENOSYS;
}

static long do_memory_op(unsigned long cmd, unsigned long arg,
                         unsigned long a3, unsigned long a4, unsigned long a5)
{
    return do_memory_op_vcpu(current, cmd, arg);
}

void memory_op_init(void)
{
    hypercall_register(__HYPERVISOR_memory_op, do_memory_op, HC_ANY,
                       "memory_op");
}
