/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables, version 1: table frames, pins and GTF_reading/writing,
 * map/unmap into the mapping domain's p2m, copy, and grant_table_op.
 * See xen/grant_table.h for the model and the locking rules.
 *
 * Only do_grant_table_op_vcpu() touches guest memory; the operations
 * work on native structures, the p2m (asm/p2m.h) and the direct map, so
 * the file runs on the host in the unit tests (tests/unit/grant) with a
 * small fake p2m and fake machine frames.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/console.h>
#include <xen/mm.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/grant_table.h>
#include <xen/hypercall.h>
#include <xen/guest_access.h>
#include <asm/current.h>
#include <public/memory.h>

unsigned int opt_max_grant_frames = DEFAULT_MAX_GRANT_FRAMES;
integer_param("gnttab_max_frames", opt_max_grant_frames);

/* Upper bound for gnttab_max_frames= (2M entries). */
#define MAX_GRANT_FRAMES_LIMIT 4096
/* Pins per entry before we refuse more (they are counted in u32s). */
#define MAX_PINS               0x00ffffffU

/* The flags and domid of an entry, read and updated as one word. */
typedef u32 __attribute__((__may_alias__)) grant_word_t;

/*
 * Lifetime.  Operations reach other domains' tables by domid (gt_domain),
 * holding a reference on that domain (xen/sched.h) until they are done,
 * while the toolstack may destroy it on another pCPU (seen: dom0's
 * blkback unmapping while the guest was destroyed, #GP in grant_unpin
 * when the table was freed under it).  The reference keeps the table's
 * memory (grant_table_free runs at the last one); grant_table_destroy()
 * runs once the domain is dying and gives back its frames under gt->lock,
 * and every use of a table's entries or frames checks under that lock
 * that its domain is not dying (gt_dead): such operations fail with
 * GNTST_bad_domain, unpins are no-ops (nothing is pinned in a dead
 * table).  Operations on different domains run in parallel.
 */

/* d's table may no longer be used (gt->lock held): d is dying. */
static bool gt_dead(const struct domain *d)
{
    return __atomic_load_n(&d->is_dying, __ATOMIC_SEQ_CST);
}

static unsigned int nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames * GRANT_ENTRIES_PER_FRAME;
}

static struct grant_entry_v1 *shared_entry(struct grant_table *gt,
                                           grant_ref_t ref)
{
    struct grant_entry_v1 *f = gt->shared[ref / GRANT_ENTRIES_PER_FRAME];

    return &f[ref % GRANT_ENTRIES_PER_FRAME];
}

static struct active_grant_entry *active_entry(struct grant_table *gt,
                                               grant_ref_t ref)
{
    return &gt->active[ref / GRANT_ENTRIES_PER_FRAME]
                      [ref % GRANT_ENTRIES_PER_FRAME];
}

/* Grow gt to nr frames (gt->lock held, or gt not yet visible). */
static int gnttab_grow(struct grant_table *gt, unsigned int nr)
{
    while ( gt->nr_frames < nr )
    {
        unsigned int i = gt->nr_frames;
        unsigned long mfn;
        void *page;
        struct active_grant_entry *act;

        if ( i >= gt->max_frames )
            return -EINVAL;
        /*
         * The frame is the domain's for references (xen/mm.h): the guest
         * and dom0's domain builder map it; the table holds one reference.
         */
        mfn = alloc_xen_shared_frame(gt->domain);
        if ( mfn == INVALID_MFN )
            return -ENOMEM;
        page = maddr_to_virt((paddr_t)mfn << PAGE_SHIFT);
        act = xzalloc_array(struct active_grant_entry,
                            GRANT_ENTRIES_PER_FRAME);
        if ( !act )
        {
            put_xen_shared_frame(mfn);
            return -ENOMEM;
        }
        /* The guest will see this page: nothing of ours may be left in it. */
        memset(page, 0, PAGE_SIZE);
        gt->shared[i] = page;
        gt->active[i] = act;
        gt->frame_gfn[i] = INVALID_GFN;
        gt->nr_frames = i + 1;
    }
    return 0;
}

/*
 * The domain an operation names (DOMID_SELF allowed), with a table and a
 * reference the caller drops with gt_put(); NULL if there is none or it
 * is dying.  The caller's own domain is running, so it needs none.
 */
static struct domain *gt_domain(struct domain *ld, domid_t dom)
{
    struct domain *d;

    if ( dom == DOMID_SELF || dom == ld->domain_id )
        return ld->grant_table ? ld : NULL;
    d = rcu_lock_domain_by_id(dom);
    if ( d && !d->grant_table )
    {
        rcu_unlock_domain(d);
        d = NULL;
    }
    return d;
}

static void gt_put(struct domain *ld, struct domain *d)
{
    if ( d && d != ld )
        rcu_unlock_domain(d);
}

/* ---- pins --------------------------------------------------------------- */

static void clear_gtf(struct grant_entry_v1 *sha, u16 bits)
{
    __atomic_fetch_and(&sha->flags, (u16)~bits, __ATOMIC_SEQ_CST);
}

/*
 * Check that sha grants ldom access (for writing unless readonly) and
 * set GTF_reading (and GTF_writing) in the same atomic step, so the
 * granting domain cannot take the entry back between check and use.
 * Xen answers a bad entry with GNTST_general_error; so do we.
 */
static int grant_set_inuse(struct grant_entry_v1 *sha, domid_t ldom,
                           bool readonly, const char **why)
{
    grant_word_t *word = (grant_word_t *)sha;
    u32 want = GTF_reading | (readonly ? 0 : GTF_writing);
    unsigned int tries;

    /* A guest rewriting the entry in a loop gets an error, not a hang. */
    for ( tries = 0; tries < 4; tries++ )
    {
        u32 old = __atomic_load_n(word, __ATOMIC_SEQ_CST);
        u16 flags = old & 0xffff;       /* little endian: flags first */
        domid_t dom = old >> 16;

        if ( (flags & GTF_type_mask) != GTF_permit_access )
        {
            *why = "entry not GTF_permit_access";
            return GNTST_general_error;
        }
        if ( dom != ldom )
        {
            *why = "entry grants another domain";
            return GNTST_general_error;
        }
        if ( !readonly && (flags & GTF_readonly) )
        {
            *why = "entry is GTF_readonly";
            return GNTST_general_error;
        }
        if ( __atomic_compare_exchange_n(word, &old, old | want, false,
                                         __ATOMIC_SEQ_CST,
                                         __ATOMIC_SEQ_CST) )
            return GNTST_okay;
    }
    *why = "entry changing under us";
    return GNTST_general_error;
}

/*
 * Pin rd's entry ref for domain ldom (rd's gt->lock held): on success
 * *mfn is the granted frame, which stays fixed until the last unpin.
 */
static int grant_pin(struct domain *rd, grant_ref_t ref, domid_t ldom,
                     bool readonly, unsigned long *mfn, const char **why)
{
    struct grant_table *gt = rd->grant_table;
    struct grant_entry_v1 *sha;
    struct active_grant_entry *act;
    bool pinned;
    int rc;

    if ( gt_dead(rd) )
    {
        *why = "granting domain is dying";
        return GNTST_bad_domain;
    }
    if ( ref >= nr_entries(gt) )
        return GNTST_bad_gntref;
    sha = shared_entry(gt, ref);
    act = active_entry(gt, ref);
    pinned = act->rd_pins || act->wr_pins;

    /* One grantee at a time; the entry names it. */
    if ( pinned && act->domid != ldom )
    {
        *why = "pinned by another domain";
        return GNTST_general_error;
    }
    if ( act->rd_pins >= MAX_PINS || act->wr_pins >= MAX_PINS )
    {
        *why = "too many pins";
        return GNTST_general_error;
    }

    if ( !pinned || (!readonly && !act->wr_pins) )
    {
        rc = grant_set_inuse(sha, ldom, readonly, why);
        if ( rc )
            return rc;
    }

    if ( !pinned )
    {
        unsigned long gfn = __atomic_load_n(&sha->frame, __ATOMIC_SEQ_CST);
        p2m_type_t t;
        unsigned long m = p2m_get_entry(&rd->p2m, gfn, &t, NULL);

        /*
         * Only rd's own RAM: a grant or foreign entry is another
         * domain's memory, and MMIO is no page at all.
         */
        if ( !p2m_is_ram(t) || m == INVALID_MFN )
        {
            clear_gtf(sha, GTF_reading | GTF_writing);
            *why = "granted frame is not the granter's RAM";
            return GNTST_bad_page;
        }
        act->mfn = m;
        act->writable = t == p2m_ram_rw || t == p2m_ram_logdirty;
        act->domid = ldom;
    }

    if ( !readonly && !act->writable )
    {
        if ( !act->wr_pins )
            clear_gtf(sha, GTF_writing);
        if ( !pinned )
            clear_gtf(sha, GTF_reading);
        *why = "granted frame is read-only";
        return GNTST_general_error;
    }

    if ( readonly )
        act->rd_pins++;
    else
        act->wr_pins++;
    *mfn = act->mfn;
    return GNTST_okay;
}

/* Undo one grant_pin() (gt->lock held); unbalanced calls are ignored. */
static void grant_unpin(struct grant_table *gt, grant_ref_t ref,
                        bool readonly)
{
    struct grant_entry_v1 *sha;
    struct active_grant_entry *act;

    /* A dead table's frames are given back: nothing is pinned there. */
    if ( gt_dead(gt->domain) || ref >= nr_entries(gt) )
        return;
    sha = shared_entry(gt, ref);
    act = active_entry(gt, ref);
    if ( readonly )
    {
        if ( !act->rd_pins )
            return;
        act->rd_pins--;
    }
    else
    {
        if ( !act->wr_pins )
            return;
        if ( !--act->wr_pins )
            clear_gtf(sha, GTF_writing);
    }
    if ( !act->rd_pins && !act->wr_pins )
        clear_gtf(sha, GTF_reading | GTF_writing);
}

static void unpin_in(struct domain *ld, domid_t dom, grant_ref_t ref,
                     bool readonly)
{
    /* The granting domain may be gone; then nothing is pinned any more. */
    struct domain *rd = gt_domain(ld, dom);

    if ( !rd )
        return;
    spin_lock(&rd->grant_table->lock);
    grant_unpin(rd->grant_table, ref, readonly);
    spin_unlock(&rd->grant_table->lock);
    gt_put(ld, rd);
}

/* ---- maptrack ----------------------------------------------------------- */

static struct grant_mapping *maptrack_entry(struct grant_table *gt, u32 h)
{
    return &gt->maptrack[h / MAPTRACK_PER_CHUNK][h % MAPTRACK_PER_CHUNK];
}

/* A free handle (maptrack_lock held), or MAPTRACK_NONE. */
static u32 maptrack_get(struct grant_table *gt)
{
    u32 h;

    if ( gt->maptrack_free == MAPTRACK_NONE )
    {
        unsigned int i, base = gt->maptrack_limit;
        struct grant_mapping *chunk;

        if ( base >= gt->maptrack_max )
            return MAPTRACK_NONE;
        chunk = xzalloc_array(struct grant_mapping, MAPTRACK_PER_CHUNK);
        if ( !chunk )
            return MAPTRACK_NONE;
        for ( i = 0; i < MAPTRACK_PER_CHUNK; i++ )
            chunk[i].next_free = i + 1 < MAPTRACK_PER_CHUNK
                                 ? base + i + 1 : MAPTRACK_NONE;
        gt->maptrack[base / MAPTRACK_PER_CHUNK] = chunk;
        gt->maptrack_limit = base + MAPTRACK_PER_CHUNK;
        gt->maptrack_free = base;
    }
    h = gt->maptrack_free;
    gt->maptrack_free = maptrack_entry(gt, h)->next_free;
    gt->maptrack_used++;
    return h;
}

static void maptrack_put(struct grant_table *gt, u32 h)
{
    struct grant_mapping *map = maptrack_entry(gt, h);

    memset(map, 0, sizeof(*map));
    map->next_free = gt->maptrack_free;
    gt->maptrack_free = h;
    gt->maptrack_used--;
}

/*
 * Take a host mapping out of ld's p2m (maptrack_lock held), putting back
 * what it replaced.  If the gfn no longer holds our grant mapping (the
 * guest changed it), leave it alone: never remove what is not ours.
 */
static int unmap_host(struct domain *ld, struct grant_mapping *map)
{
    p2m_type_t t, want = map->flags & GNTMAP_readonly ? p2m_grant_map_ro
                                                      : p2m_grant_map_rw;
    unsigned long cur = p2m_get_entry(&ld->p2m, map->gfn, &t, NULL);

    if ( cur != map->mfn || t != want )
        return 0;
    return p2m_set_entry(&ld->p2m, map->gfn, map->old_mfn, 0, map->old_type);
}

/* ---- failures ----------------------------------------------------------- */

static const char *const gntst_names[] = {
    "okay", "general_error", "bad_domain", "bad_gntref", "bad_handle",
    "bad_virt_addr", "bad_dev_addr", "no_device_space",
    "permission_denied", "bad_page", "bad_copy_arg", "address_too_big",
    "eagain", "no_space",
};

/*
 * A failed operation, at debug level (loglvl=all): a back-end that gets
 * an error says little more than the number, this names both ends and
 * why.  A guest can fail operations at will, so after a domain's first
 * 32 only every 1024th of its failures is shown, with its running count.
 */
static void gt_log_fail(const struct domain *ld, const char *op,
                        const char *what, unsigned int dom,
                        unsigned int ref, int status, const char *why)
{
    unsigned long n;
    unsigned int i = -status;

    if ( !ld->grant_table )
        return;
    n = __atomic_fetch_add(&ld->grant_table->failed_ops, 1,
                           __ATOMIC_RELAXED) + 1;

    if ( n > 32 && (n & 1023) )
        return;
    printk(XENLOG_DEBUG "gnttab: d%u %s %s%u ref %u failed: %s (%d)%s%s"
           " [%lu so far]\n", ld->domain_id, op, what, dom, ref,
           i < ARRAY_SIZE(gntst_names) ? gntst_names[i] : "?", status,
           *why ? ": " : "", why, n);
}

/* ---- operations --------------------------------------------------------- */

static void map_one(struct vcpu *curr, struct gnttab_map_grant_ref *op,
                    const char **why)
{
    struct domain *ld = curr->domain, *rd;
    struct grant_table *lgt = ld->grant_table;
    bool readonly = op->flags & GNTMAP_readonly;
    bool host = op->flags & GNTMAP_host_map;
    bool dev = op->flags & GNTMAP_device_map;
    unsigned long gfn = 0, mfn, old_mfn = INVALID_MFN;
    p2m_type_t ot = p2m_invalid;
    struct grant_mapping *map;
    u32 h;
    int rc;

    op->dev_bus_addr = 0;
    /* Neither a host nor a device mapping: Xen calls that a bad ref. */
    if ( !(op->flags & (GNTMAP_host_map | GNTMAP_device_map)) )
    {
        op->status = GNTST_bad_gntref;
        return;
    }
    /* PTE updates are PV-only; our mappers are all translated. */
    if ( op->flags & GNTMAP_contains_pte )
    {
        *why = "GNTMAP_contains_pte (PV only)";
        op->status = GNTST_general_error;
        return;
    }
    if ( host )
    {
        if ( op->host_addr & ~PAGE_MASK )
        {
            op->status = GNTST_bad_virt_addr;
            return;
        }
        gfn = op->host_addr >> PAGE_SHIFT;
    }
    rd = gt_domain(ld, op->dom);
    if ( !rd || !lgt )
    {
        gt_put(ld, rd);
        op->status = GNTST_bad_domain;
        return;
    }

    spin_lock(&lgt->maptrack_lock);
    h = maptrack_get(lgt);
    if ( h == MAPTRACK_NONE )
    {
        spin_unlock(&lgt->maptrack_lock);
        gt_put(ld, rd);
        op->status = GNTST_no_space;
        return;
    }

    if ( host )
    {
        /*
         * The target gfn must be a hole (ballooned out, or unpopulated
         * address space, which in dom0 may be MMIO passed through).
         * Mapping over RAM would detach the domain's own page.
         */
        old_mfn = p2m_get_entry(&ld->p2m, gfn, &ot, NULL);
        if ( ot != p2m_invalid && ot != p2m_mmio_direct )
        {
            *why = "target gfn is populated";
            rc = GNTST_general_error;
            goto put;
        }
    }

    spin_lock(&rd->grant_table->lock);
    rc = grant_pin(rd, op->ref, ld->domain_id, readonly, &mfn, why);
    spin_unlock(&rd->grant_table->lock);
    if ( rc )
        goto put;

    /*
     * The host mapping holds a reference on the frame (the p2m entry
     * owns it and drops it when the entry goes), and a device mapping
     * (the bus address handed out) one of its own, dropped when the
     * device part is unmapped: the frame outlives a granting domain
     * that dies while it is mapped.  Our reference on rd keeps
     * domain_kill from freeing rd's pages until we have ours.
     */
    if ( host && !get_page(mfn, rd) )
        rc = GNTST_bad_page;
    else if ( dev && !get_page(mfn, rd) )
    {
        if ( host )
            put_page(mfn);
        rc = GNTST_bad_page;
    }
    if ( rc )
        *why = "no reference on the granted frame";
    if ( rc )
    {
        spin_lock(&rd->grant_table->lock);
        grant_unpin(rd->grant_table, op->ref, readonly);
        spin_unlock(&rd->grant_table->lock);
        goto put;
    }
    if ( host &&
         p2m_set_entry(&ld->p2m, gfn, mfn, 0,
                       readonly ? p2m_grant_map_ro : p2m_grant_map_rw) )
    {
        put_page(mfn);
        if ( dev )
            put_page(mfn);
        spin_lock(&rd->grant_table->lock);
        grant_unpin(rd->grant_table, op->ref, readonly);
        spin_unlock(&rd->grant_table->lock);
        *why = "p2m update failed";
        rc = GNTST_general_error;
        goto put;
    }

    map = maptrack_entry(lgt, h);
    map->flags = op->flags &
                 (GNTMAP_host_map | GNTMAP_device_map | GNTMAP_readonly);
    map->ref = op->ref;
    map->domid = rd->domain_id;
    map->gfn = gfn;
    map->mfn = mfn;
    map->old_mfn = ot == p2m_invalid ? INVALID_MFN : old_mfn;
    map->old_type = ot;
    spin_unlock(&lgt->maptrack_lock);

    gt_put(ld, rd);
    op->status = GNTST_okay;
    op->handle = h;
    if ( op->flags & GNTMAP_device_map )
        op->dev_bus_addr = (u64)mfn << PAGE_SHIFT;
    return;

 put:
    maptrack_put(lgt, h);
    spin_unlock(&lgt->maptrack_lock);
    gt_put(ld, rd);
    op->status = rc;
}

static void unmap_one(struct vcpu *curr, struct gnttab_unmap_grant_ref *op,
                      const char **why)
{
    struct domain *ld = curr->domain;
    struct grant_table *lgt = ld->grant_table;
    struct grant_mapping *map;
    bool do_host, do_dev;

    if ( !lgt )
    {
        op->status = GNTST_bad_handle;
        return;
    }

    spin_lock(&lgt->maptrack_lock);
    if ( op->handle >= lgt->maptrack_limit ||
         !(map = maptrack_entry(lgt, op->handle))->flags )
    {
        spin_unlock(&lgt->maptrack_lock);
        op->status = GNTST_bad_handle;
        return;
    }

    do_host = op->host_addr && (map->flags & GNTMAP_host_map);
    do_dev = op->dev_bus_addr && (map->flags & GNTMAP_device_map);
    if ( do_dev && op->dev_bus_addr != (u64)map->mfn << PAGE_SHIFT )
    {
        spin_unlock(&lgt->maptrack_lock);
        op->status = GNTST_bad_dev_addr;
        return;
    }
    if ( do_host &&
         (op->host_addr != (u64)map->gfn << PAGE_SHIFT ||
          unmap_host(ld, map)) )
    {
        *why = op->host_addr != (u64)map->gfn << PAGE_SHIFT
               ? "host_addr is not where the handle mapped"
               : "p2m update failed";
        spin_unlock(&lgt->maptrack_lock);
        op->status = GNTST_general_error;
        return;
    }

    if ( do_host )
        map->flags &= ~GNTMAP_host_map;
    if ( do_dev )
    {
        map->flags &= ~GNTMAP_device_map;
        put_page(map->mfn);
    }
    if ( !(map->flags & (GNTMAP_host_map | GNTMAP_device_map)) )
    {
        unpin_in(ld, map->domid, map->ref, map->flags & GNTMAP_readonly);
        maptrack_put(lgt, op->handle);
    }
    spin_unlock(&lgt->maptrack_lock);
    op->status = GNTST_okay;
}

struct copy_side {
    struct domain *d;           /* granting domain, if pinned (referenced) */
    struct domain *ld;          /* the copying domain */
    grant_ref_t ref;
    bool readonly;
    unsigned long mfn;
};

static int copy_acquire(struct domain *ld, const struct gnttab_copy_ptr *p,
                        bool is_gref, bool dest, struct copy_side *cs,
                        const char **why)
{
    cs->d = NULL;
    if ( is_gref )
    {
        struct domain *rd = gt_domain(ld, p->domid);
        int rc;

        if ( !rd )
            return GNTST_bad_domain;
        spin_lock(&rd->grant_table->lock);
        rc = grant_pin(rd, p->u.ref, ld->domain_id, !dest, &cs->mfn, why);
        spin_unlock(&rd->grant_table->lock);
        if ( rc )
        {
            gt_put(ld, rd);
            return rc;
        }
        /* Kept until copy_release: rd's pages stay while we copy. */
        cs->ld = ld;
        cs->d = rd;
        cs->ref = p->u.ref;
        cs->readonly = !dest;
    }
    else
    {
        p2m_type_t t;

        /* A plain frame only of the caller itself, as in Xen. */
        if ( p->domid != DOMID_SELF && p->domid != ld->domain_id )
        {
            *why = "a frame of another domain without a grant";
            return GNTST_permission_denied;
        }
        cs->mfn = p2m_get_entry(&ld->p2m, p->u.gmfn, &t, NULL);
        if ( cs->mfn == INVALID_MFN ||
             (dest ? t != p2m_ram_rw && t != p2m_ram_logdirty
                   : !p2m_is_ram(t)) )
        {
            *why = dest ? "local frame is not writable RAM"
                        : "local frame is not RAM";
            return GNTST_bad_page;
        }
    }
    return GNTST_okay;
}

static void copy_release(struct copy_side *cs)
{
    if ( !cs->d )
        return;
    spin_lock(&cs->d->grant_table->lock);
    grant_unpin(cs->d->grant_table, cs->ref, cs->readonly);
    spin_unlock(&cs->d->grant_table->lock);
    gt_put(cs->ld, cs->d);
    cs->d = NULL;
}

static void copy_one(struct vcpu *curr, struct gnttab_copy *op,
                     const char **why)
{
    struct domain *ld = curr->domain;
    struct copy_side src, dst;
    int rc;

    if ( (unsigned int)op->source.offset + op->len > PAGE_SIZE ||
         (unsigned int)op->dest.offset + op->len > PAGE_SIZE )
    {
        op->status = GNTST_bad_copy_arg;
        return;
    }

    rc = copy_acquire(ld, &op->source, op->flags & GNTCOPY_source_gref,
                      false, &src, why);
    if ( rc )
    {
        op->status = rc;
        return;
    }
    rc = copy_acquire(ld, &op->dest, op->flags & GNTCOPY_dest_gref,
                      true, &dst, why);
    if ( rc )
    {
        copy_release(&src);
        op->status = rc;
        return;
    }

    memmove((char *)maddr_to_virt((paddr_t)dst.mfn << PAGE_SHIFT) +
                op->dest.offset,
            (char *)maddr_to_virt((paddr_t)src.mfn << PAGE_SHIFT) +
                op->source.offset,
            op->len);

    copy_release(&dst);
    copy_release(&src);
    op->status = GNTST_okay;
}

void gnttab_map_grant_ref(struct vcpu *curr, struct gnttab_map_grant_ref *op)
{
    const char *why = "";

    map_one(curr, op, &why);
    if ( op->status )
        gt_log_fail(curr->domain, "map", "of d", op->dom, op->ref,
                    op->status, why);
}

void gnttab_unmap_grant_ref(struct vcpu *curr,
                            struct gnttab_unmap_grant_ref *op)
{
    const char *why = "";

    unmap_one(curr, op, &why);
    if ( op->status )
        gt_log_fail(curr->domain, "unmap", "handle ", op->handle, 0,
                    op->status, why);
}

void gnttab_copy(struct vcpu *curr, struct gnttab_copy *op)
{
    bool src = op->flags & GNTCOPY_source_gref;
    const struct gnttab_copy_ptr *p = src ? &op->source : &op->dest;

    const char *why = "";

    copy_one(curr, op, &why);
    if ( op->status )
        gt_log_fail(curr->domain, src ? "copy from" : "copy to", "d",
                    p->domid, p->u.ref, op->status, why);
}

void gnttab_query_size(struct vcpu *curr, struct gnttab_query_size *op)
{
    struct domain *ld = curr->domain;
    struct domain *d = gt_domain(ld, op->dom);

    if ( !d )
    {
        op->status = GNTST_bad_domain;
        return;
    }
    if ( d != ld && !ld->is_privileged )
    {
        gt_put(ld, d);
        op->status = GNTST_permission_denied;
        return;
    }
    spin_lock(&d->grant_table->lock);
    op->nr_frames = d->grant_table->nr_frames;
    op->max_nr_frames = d->grant_table->max_frames;
    op->status = gt_dead(d) ? GNTST_bad_domain : GNTST_okay;
    spin_unlock(&d->grant_table->lock);
    gt_put(ld, d);
}

static long setup_table_in(struct vcpu *v, struct domain *d,
                           struct gnttab_setup_table *op);

/* setup_table: grow dom's table and report where its frames are mapped. */
static long gnttab_setup_table(struct vcpu *v, struct gnttab_setup_table *op)
{
    struct domain *ld = v->domain;
    struct domain *d = gt_domain(ld, op->dom);
    long rc;

    if ( !d )
    {
        op->status = GNTST_bad_domain;
        return 0;
    }
    rc = setup_table_in(v, d, op);
    gt_put(ld, d);
    return rc;
}

static long setup_table_in(struct vcpu *v, struct domain *d,
                           struct gnttab_setup_table *op)
{
    struct domain *ld = v->domain;
    struct grant_table *gt;
    unsigned int i;
    int rc;

    if ( d != ld && !ld->is_privileged )
    {
        op->status = GNTST_permission_denied;
        return 0;
    }
    gt = d->grant_table;
    if ( op->nr_frames > gt->max_frames )
    {
        op->status = GNTST_general_error;
        return 0;
    }

    spin_lock(&gt->lock);
    rc = gt_dead(d) ? GNTST_bad_domain
                    : gnttab_grow(gt, op->nr_frames) ? GNTST_general_error
                                                     : GNTST_okay;
    spin_unlock(&gt->lock);
    if ( rc )
    {
        op->status = rc;
        return 0;
    }

    for ( i = 0; i < op->nr_frames; i++ )
    {
        xen_pfn_t gfn = __atomic_load_n(&gt->frame_gfn[i], __ATOMIC_SEQ_CST);

        if ( copy_to_guest_virt(v, op->frame_list + i * sizeof(gfn), &gfn,
                                sizeof(gfn)) )
            return -EFAULT;
    }
    op->status = GNTST_okay;
    return 0;
}

int gnttab_get_frame(struct domain *d, unsigned int idx, unsigned long *mfn)
{
    struct grant_table *gt = d->grant_table;
    int rc;

    /* Status frames exist only in v2. */
    if ( !gt || (idx & XENMAPIDX_grant_table_status) )
        return -EINVAL;
    if ( idx >= gt->max_frames )
        return -EINVAL;

    spin_lock(&gt->lock);
    /* A dying domain's table grows no more: its frames are given back. */
    rc = gt_dead(d) ? -EINVAL : gnttab_grow(gt, idx + 1);
    if ( !rc )
        *mfn = virt_to_maddr(gt->shared[idx]) >> PAGE_SHIFT;
    spin_unlock(&gt->lock);
    return rc;
}

static unsigned long frame_mfn(const struct grant_table *gt, unsigned int i)
{
    return virt_to_maddr(gt->shared[i]) >> PAGE_SHIFT;
}

int gnttab_set_frame_gfn(struct domain *d, unsigned int idx,
                         unsigned long gfn)
{
    struct grant_table *gt = d->grant_table;
    unsigned long old;
    int rc = 0;

    if ( !gt )
        return -EINVAL;
    spin_lock(&gt->lock);
    if ( gt_dead(d) || idx >= gt->nr_frames )
        rc = -EINVAL;
    else
    {
        old = gt->frame_gfn[idx];
        /* The guest's mapping holds a reference while there is one. */
        if ( old == INVALID_GFN && gfn != INVALID_GFN &&
             !get_page(frame_mfn(gt, idx), d) )
            rc = -EINVAL;
        else
        {
            if ( old != INVALID_GFN && gfn == INVALID_GFN )
                put_page(frame_mfn(gt, idx));
            __atomic_store_n(&gt->frame_gfn[idx], gfn, __ATOMIC_SEQ_CST);
        }
    }
    spin_unlock(&gt->lock);
    return rc;
}

void gnttab_frame_unmapped(struct domain *d, unsigned long gfn,
                           unsigned long mfn)
{
    struct grant_table *gt = d->grant_table;
    unsigned int i;
    bool put = false;

    if ( !gt || gfn == INVALID_GFN )
        return;
    spin_lock(&gt->lock);
    /* grant_table_destroy dropped the guest's mapping references. */
    for ( i = 0; !gt_dead(d) && i < gt->nr_frames; i++ )
        if ( gt->frame_gfn[i] == gfn && frame_mfn(gt, i) == mfn )
        {
            __atomic_store_n(&gt->frame_gfn[i], INVALID_GFN,
                             __ATOMIC_SEQ_CST);
            put = true;
            break;
        }
    spin_unlock(&gt->lock);
    if ( put )
        put_page(mfn);
}

/* ---- per-domain state --------------------------------------------------- */

/*
 * The frames go when their last reference does: the guest's own mapping
 * is dropped here (its vCPUs no longer run), mappings by other domains
 * keep a frame, and the dying domain with it (domain_kill's zombies).
 * Afterwards gt->shared[] must not be used (gt_dead, or gt never seen).
 */
static void gnttab_put_frames(struct grant_table *gt)
{
    unsigned int i;

    for ( i = 0; i < gt->nr_frames; i++ )
    {
        unsigned long mfn = frame_mfn(gt, i);

        if ( gt->frame_gfn[i] != INVALID_GFN )
            put_page(mfn);
        gt->frame_gfn[i] = INVALID_GFN;
        put_xen_shared_frame(mfn);
        gt->shared[i] = NULL;
    }
    gt->nr_frames = 0;
}

/* The table's own memory (its frames are gone: gnttab_put_frames). */
static void gnttab_free(struct grant_table *gt)
{
    unsigned int i;

    for ( i = 0; i < gt->max_frames && gt->active; i++ )
        xfree(gt->active[i]);
    if ( gt->maptrack )
        for ( i = 0; i < gt->maptrack_limit / MAPTRACK_PER_CHUNK; i++ )
            xfree(gt->maptrack[i]);
    xfree(gt->maptrack);
    xfree(gt->shared);
    xfree(gt->active);
    xfree(gt->frame_gfn);
    /*
     * A use after the last reference then faults on non-canonical
     * pointers instead of quietly using stale memory (test_domrace).
     */
    memset(gt, 0xa5, sizeof(*gt));
    xfree(gt);
}

int grant_table_init(struct domain *d)
{
    struct grant_table *gt = xzalloc(struct grant_table);
    unsigned int max = opt_max_grant_frames;

    if ( !gt )
        return -ENOMEM;
    if ( max < 1 )
        max = 1;
    if ( max > MAX_GRANT_FRAMES_LIMIT )
        max = MAX_GRANT_FRAMES_LIMIT;

    spin_lock_init(&gt->lock);
    spin_lock_init(&gt->maptrack_lock);
    gt->domain = d;
    gt->version = 1;
    gt->max_frames = max;
    gt->shared = xzalloc_array(void *, max);
    gt->active = xzalloc_array(struct active_grant_entry *, max);
    gt->frame_gfn = xzalloc_array(unsigned long, max);
    gt->maptrack_max = DEFAULT_MAX_MAPTRACK;
    gt->maptrack = xzalloc_array(struct grant_mapping *,
                                 DEFAULT_MAX_MAPTRACK / MAPTRACK_PER_CHUNK);
    gt->maptrack_free = MAPTRACK_NONE;
    if ( !gt->shared || !gt->active || !gt->frame_gfn || !gt->maptrack ||
         gnttab_grow(gt, 1) )
    {
        if ( gt->shared && gt->frame_gfn )
            gnttab_put_frames(gt);
        gnttab_free(gt);
        return -ENOMEM;
    }
    d->grant_table = gt;
    return 0;
}

/*
 * d is dying (domain_kill) or was never seen (domain_create failing):
 * give back what it maps of others and its frames.  Operations on other
 * pCPUs that hold a reference on d may still reach the table: they take
 * gt->lock and see gt_dead(d); its memory stays until grant_table_free.
 */
void grant_table_destroy(struct domain *d)
{
    struct grant_table *gt = d->grant_table;
    u32 h;

    if ( !gt )
        return;

    /* Give back what d still maps of other domains. */
    spin_lock(&gt->maptrack_lock);
    for ( h = 0; h < gt->maptrack_limit; h++ )
    {
        struct grant_mapping *map = maptrack_entry(gt, h);

        if ( !map->flags )
            continue;
        if ( map->flags & GNTMAP_host_map )
            unmap_host(d, map);
        if ( map->flags & GNTMAP_device_map )
            put_page(map->mfn);
        unpin_in(d, map->domid, map->ref, map->flags & GNTMAP_readonly);
        maptrack_put(gt, h);
    }
    spin_unlock(&gt->maptrack_lock);

    /* After any operation that pinned in d's table before it was dying. */
    spin_lock(&gt->lock);
    gnttab_put_frames(gt);
    spin_unlock(&gt->lock);
}

void grant_table_free(struct domain *d)
{
    struct grant_table *gt = d->grant_table;

    if ( !gt )
        return;
    d->grant_table = NULL;
    gnttab_free(gt);
}

/* ---- the hypercall ------------------------------------------------------ */

static void gt_warn_once(unsigned int cmd)
{
    static unsigned long warned;
    /* Commands past the word share its top bit: the first one is shown. */
    unsigned long bit = 1UL << (cmd < 63 ? cmd : 63);

    if ( __atomic_fetch_or(&warned, bit, __ATOMIC_RELAXED) & bit )
        return;
    printk(XENLOG_WARNING "grant_table_op: cmd %u not implemented\n", cmd);
}

/*
 * Run fn on each of count elements at uop; after each, write back the
 * OUT fields, which sit at the end of every batched structure from
 * out_off on.  -EFAULT stops the batch (elements before it are done).
 */
#define GT_BATCH(type, fn, out_off) ({                                  \
        type op_;                                                       \
        unsigned int i_;                                                \
        long rc_ = 0;                                                   \
        for ( i_ = 0; i_ < count; i_++ )                                \
        {                                                               \
            unsigned long a_ = uop + (unsigned long)i_ * sizeof(op_);   \
            if ( copy_from_guest_virt(v, &op_, a_, sizeof(op_)) )       \
            {                                                           \
                rc_ = -EFAULT;                                          \
                break;                                                  \
            }                                                           \
            fn(v, &op_);                                                \
            if ( copy_to_guest_virt(v, a_ + (out_off),                  \
                                    (char *)&op_ + (out_off),           \
                                    sizeof(op_) - (out_off)) )          \
            {                                                           \
                rc_ = -EFAULT;                                          \
                break;                                                  \
            }                                                           \
        }                                                               \
        rc_;                                                            \
    })


static long grant_table_op(struct vcpu *v, unsigned int cmd,
                           unsigned long uop, unsigned int count);

long do_grant_table_op_vcpu(struct vcpu *v, unsigned int cmd,
                            unsigned long uop, unsigned int count)
{
    return grant_table_op(v, cmd, uop, count);
}

static long grant_table_op(struct vcpu *v, unsigned int cmd,
                           unsigned long uop, unsigned int count)
{
    struct domain *d = v->domain;

    if ( !d->grant_table )
        return -ENOSYS;
    if ( (int)count < 0 )
        return -EINVAL;

    switch ( cmd )
    {
    case GNTTABOP_map_grant_ref:
        return GT_BATCH(struct gnttab_map_grant_ref, gnttab_map_grant_ref,
                        offsetof(struct gnttab_map_grant_ref, status));
    case GNTTABOP_unmap_grant_ref:
        return GT_BATCH(struct gnttab_unmap_grant_ref,
                        gnttab_unmap_grant_ref,
                        offsetof(struct gnttab_unmap_grant_ref, status));
    case GNTTABOP_copy:
        return GT_BATCH(struct gnttab_copy, gnttab_copy,
                        offsetof(struct gnttab_copy, status));
    case GNTTABOP_query_size:
        if ( count != 1 )
            return -EINVAL;
        return GT_BATCH(struct gnttab_query_size, gnttab_query_size,
                        offsetof(struct gnttab_query_size, nr_frames));

    case GNTTABOP_setup_table:
    {
        struct gnttab_setup_table op;
        long rc;

        if ( count != 1 )
            return -EINVAL;
        if ( copy_from_guest_virt(v, &op, uop, sizeof(op)) )
            return -EFAULT;
        rc = gnttab_setup_table(v, &op);
        if ( !rc && copy_to_guest_virt(v, uop, &op, sizeof(op)) )
            rc = -EFAULT;
        return rc;
    }

    case GNTTABOP_set_version:
    {
        struct gnttab_set_version op;
        long rc;

        if ( count != 1 )
            return -EINVAL;
        if ( copy_from_guest_virt(v, &op, uop, sizeof(op)) )
            return -EFAULT;
        /*
         * Only v1.  Like Xen with v2 disabled, a request for 2 fails with
         * -ENOSYS and the answer names the version in force; Linux then
         * stays on v1 ("Grant tables using version 1 layout").
         */
        if ( op.version == 1 )
            rc = 0;
        else if ( op.version == 2 )
            rc = -ENOSYS;
        else
            rc = -EINVAL;
        op.version = d->grant_table->version;
        if ( copy_to_guest_virt(v, uop, &op, sizeof(op)) )
            rc = -EFAULT;
        return rc;
    }

    case GNTTABOP_get_version:
    {
        struct gnttab_get_version op;
        struct domain *td;

        if ( count != 1 )
            return -EINVAL;
        if ( copy_from_guest_virt(v, &op, uop, sizeof(op)) )
            return -EFAULT;
        td = gt_domain(d, op.dom);
        if ( !td )
            return -ESRCH;
        op.version = td->grant_table->version;
        if ( td != d && !d->is_privileged )
        {
            gt_put(d, td);
            return -EPERM;
        }
        gt_put(d, td);
        if ( copy_to_guest_virt(v, uop, &op, sizeof(op)) )
            return -EFAULT;
        return 0;
    }

    default:
        gt_warn_once(cmd);
        return -ENOSYS;
    }
}

static long do_grant_table_op(unsigned long cmd, unsigned long uop,
                              unsigned long count, unsigned long a4,
                              unsigned long a5)
{
    /* The ABI's cmd and count are unsigned int: upper halves ignored. */
    return do_grant_table_op_vcpu(current, (unsigned int)cmd, uop,
                                  (unsigned int)count);
}

void grant_table_op_init(void)
{
    if ( opt_max_grant_frames < 1 ||
         opt_max_grant_frames > MAX_GRANT_FRAMES_LIMIT )
    {
        printk(XENLOG_WARNING "gnttab_max_frames=%u out of range 1-%u\n",
               opt_max_grant_frames, MAX_GRANT_FRAMES_LIMIT);
        opt_max_grant_frames = DEFAULT_MAX_GRANT_FRAMES;
    }
    hypercall_register(__HYPERVISOR_grant_table_op, do_grant_table_op,
                       HC_ANY, "grant_table_op");
}
