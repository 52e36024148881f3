/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The p2m: one walker for every nested-paging format.
 *
 * The tables are x86-style radix trees of 512 entries per level; the
 * walker below knows only that shape.  What an entry looks like is the
 * format's business (struct p2m_format: p2m-pt.c for NPT, p2m-ept.c for
 * EPT), so the same code serves both, as Jailhouse's paging.c does.
 *
 * Level numbering: level 1 holds 4 KiB entries, level 2 2 MiB, level 3
 * 1 GiB, level 4 is the root.  An entry is "empty" when it is 0; any other
 * entry is either a table pointer or a leaf (possibly not present in
 * hardware: p2m_io_forward keeps its type with no access rights).
 *
 * Atomicity: p2m_set_entry() first counts the tables it will need (new
 * ones and those that split large entries), allocates all of them, and
 * only then touches the tree.  -ENOMEM thus leaves the tables exactly as
 * they were.
 *
 * The cores are pure and compiled on the host by tests/unit/p2m; the
 * hypervisor glue (default allocators, dom0 identity maps) is at the end.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/console.h>
#include <xen/mm.h>
#include <xen/bootinfo.h>
#include <asm/p2m.h>

#define LEVEL_ENTRIES   512
/* log2 of the pages one entry at level l maps. */
#define ENTRY_ORDER(l)  (9 * ((l) - 1))
#define TABLE_INDEX(gfn, l) (((gfn) >> ENTRY_ORDER(l)) & (LEVEL_ENTRIES - 1))

static p2m_type_t entry_type(u64 e)
{
    return (p2m_type_t)((e & P2M_TYPE_MASK) >> P2M_TYPE_SHIFT);
}

static unsigned long entry_mfn(u64 e)
{
    return (e & P2M_ADDR_MASK) >> PAGE_SHIFT;
}

/* Types that name no machine frame. */
static bool type_has_mfn(p2m_type_t t)
{
    return t != p2m_invalid && t != p2m_io_forward;
}

static bool is_table(const struct p2m_domain *p2m, u64 e, unsigned int l)
{
    return e && l > 1 && !p2m->fmt->is_leaf(e, l);
}

static u64 *map_table(struct p2m_domain *p2m, paddr_t ma)
{
    return p2m->map_table(p2m, ma);
}

static void write_entry(u64 *slot, u64 e)
{
    /* One 64-bit store: the hardware walker never sees half an entry. */
    *(volatile u64 *)slot = e;
}

static void note_change(struct p2m_domain *p2m)
{
    p2m->need_flush = true;
    p2m->flush_gen++;
}

/* The leaf e at level l goes: drop the references it held (asm/p2m.h). */
static void drop_refs(struct p2m_domain *p2m, u64 e, unsigned int l)
{
    unsigned long i, mfn = entry_mfn(e);

    if ( !e || !p2m->put_ref || !p2m_holds_ref(entry_type(e)) )
        return;
    for ( i = 0; i < (1UL << ENTRY_ORDER(l)); i++ )
        p2m->put_ref(p2m, mfn + i);
}

/* ---- table pool ------------------------------------------------------ */

/* Preallocated tables, linked through their first words. */
struct pool_link {
    void *next_va;
    paddr_t next_ma;
};

struct table_pool {
    void *va;
    paddr_t ma;
};

static void pool_release(struct p2m_domain *p2m, struct table_pool *pool)
{
    while ( pool->va )
    {
        struct pool_link *l = pool->va;
        void *va = pool->va;
        paddr_t ma = pool->ma;

        pool->va = l->next_va;
        pool->ma = l->next_ma;
        memset(l, 0, sizeof(*l));
        p2m->free_table(p2m, va, ma);
    }
}

static int pool_fill(struct p2m_domain *p2m, struct table_pool *pool,
                     unsigned long n)
{
    while ( n-- )
    {
        paddr_t ma;
        struct pool_link *l = p2m->alloc_table(p2m, &ma);

        if ( !l )
        {
            pool_release(p2m, pool);
            return -ENOMEM;
        }
        l->next_va = pool->va;
        l->next_ma = pool->ma;
        pool->va = l;
        pool->ma = ma;
    }
    return 0;
}

static u64 *pool_take(struct table_pool *pool, paddr_t *ma)
{
    struct pool_link *l = pool->va;

    ASSERT(l);
    pool->va = l->next_va;
    *ma = pool->ma;
    pool->ma = l->next_ma;
    memset(l, 0, sizeof(*l));
    return (u64 *)l;
}

/* ---- init / teardown ------------------------------------------------- */

static void p2m_set_defaults(struct p2m_domain *p2m);

int p2m_init(struct p2m_domain *p2m)
{
    paddr_t ma;

    spin_lock_init(&p2m->lock);
    p2m_set_defaults(p2m);
    if ( !p2m->alloc_table || !p2m->free_table || !p2m->map_table ||
         !p2m->fmt )
        return -EINVAL;
    if ( !p2m->levels )
        p2m->levels = 4;
    if ( !p2m->max_leaf_level || p2m->max_leaf_level > 3 )
        p2m->max_leaf_level = 3;
    p2m->max_mapped_gfn = 0;
    p2m->nr_ram_pages = 0;
    p2m->nr_table_pages = 0;
    p2m->need_flush = false;
    p2m->flush_gen = 0;

    if ( !p2m->alloc_table(p2m, &ma) )
        return -ENOMEM;
    p2m->root = ma;
    p2m->nr_table_pages = 1;
    return 0;
}

/*
 * A table page that left the tree while the p2m is live: a vCPU may
 * still hold it in its paging-structure caches until it flushes, so it
 * is not freed now but queued (lock held), linked through its first
 * entry (a page-aligned address: never a present entry in either
 * format), for p2m_free_detached().
 */
static void detach_table(struct p2m_domain *p2m, u64 *t, paddr_t ma)
{
    memset(t, 0, PAGE_SIZE);
    t[0] = p2m->detached;
    p2m->detached = ma;
    p2m->nr_detached++;
    p2m->nr_table_pages--;
}

/*
 * Free (or, with defer, detach) the table at ma (level l) and everything
 * below it.
 */
static void free_subtree(struct p2m_domain *p2m, paddr_t ma, unsigned int l,
                         bool defer)
{
    u64 *t = map_table(p2m, ma);
    unsigned int i;

    for ( i = 0; i < LEVEL_ENTRIES; i++ )
    {
        u64 e = t[i];

        if ( !e )
            continue;
        if ( is_table(p2m, e, l) )
            free_subtree(p2m, e & P2M_ADDR_MASK, l - 1, defer);
        else if ( p2m_is_ram(entry_type(e)) )
            p2m->nr_ram_pages -= 1UL << ENTRY_ORDER(l);
        else
            drop_refs(p2m, e, l);
    }
    if ( defer )
    {
        detach_table(p2m, t, ma);
        return;
    }
    p2m->free_table(p2m, t, ma);
    p2m->nr_table_pages--;
}

/* Free the detached tables (lock held). */
static void free_detached_locked(struct p2m_domain *p2m)
{
    while ( p2m->detached )
    {
        paddr_t ma = p2m->detached;
        u64 *t = map_table(p2m, ma);

        p2m->detached = t[0];
        t[0] = 0;
        p2m->nr_detached--;
        p2m->free_table(p2m, t, ma);
    }
}

void p2m_free_detached(struct p2m_domain *p2m)
{
    if ( !p2m->nr_detached )
        return;
    spin_lock(&p2m->lock);
    free_detached_locked(p2m);
    spin_unlock(&p2m->lock);
}

static bool table_empty(const u64 *t)
{
    unsigned int i;

    for ( i = 0; i < LEVEL_ENTRIES; i++ )
        if ( t[i] )
            return false;
    return true;
}

void p2m_teardown(struct p2m_domain *p2m)
{
    if ( !p2m->root )
        return;
    spin_lock(&p2m->lock);
    free_subtree(p2m, p2m->root, p2m->levels, false);
    free_detached_locked(p2m);
    p2m->root = 0;
    p2m->max_mapped_gfn = 0;
    note_change(p2m);
    spin_unlock(&p2m->lock);
}

/* ---- lookup ---------------------------------------------------------- */

unsigned long p2m_get_entry(struct p2m_domain *p2m, unsigned long gfn,
                            p2m_type_t *t, unsigned int *order)
{
    unsigned long mfn = INVALID_MFN;
    p2m_type_t type = p2m_invalid;
    unsigned int l = p2m->levels, ord = ENTRY_ORDER(p2m->levels);
    paddr_t ma = p2m->root;

    if ( !ma || (gfn >> ENTRY_ORDER(p2m->levels + 1)) )
        goto out;

    spin_lock(&p2m->lock);
    for ( ; l >= 1; l-- )
    {
        u64 e = map_table(p2m, ma)[TABLE_INDEX(gfn, l)];

        ord = ENTRY_ORDER(l);
        if ( !e )
            break;
        if ( is_table(p2m, e, l) )
        {
            ma = e & P2M_ADDR_MASK;
            continue;
        }
        type = entry_type(e);
        if ( type_has_mfn(type) )
            mfn = entry_mfn(e) + (gfn & ((1UL << ord) - 1));
        break;
    }
    spin_unlock(&p2m->lock);
 out:
    if ( t )
        *t = type;
    if ( order )
        *order = ord;
    return mfn;
}

/* ---- update ---------------------------------------------------------- */

/* The leaf level an aligned set of 2^order frames is mapped with. */
static unsigned int leaf_level(const struct p2m_domain *p2m,
                               unsigned int order)
{
    unsigned int l = p2m->max_leaf_level;

    while ( l > 1 && order < ENTRY_ORDER(l) )
        l--;
    return l;
}

/*
 * The range is handled in chunks, one per leaf-level table it touches:
 * the first gfn of the chunk after the one holding gfn.
 */
static unsigned long next_chunk(unsigned long gfn, unsigned int leaf)
{
    unsigned long span = 1UL << ENTRY_ORDER(leaf + 1);

    return (gfn & ~(span - 1)) + span;
}

/*
 * Count the tables [gfn, gfn + 2^order) needs at leaf level: one per
 * distinct table created below the first non-table entry of each path.
 * Tables are named by (level, gfn >> (9 * level)); chunks come in
 * ascending order, so remembering the last one made per level suffices.
 */
static unsigned long tables_needed(struct p2m_domain *p2m, unsigned long gfn,
                                   unsigned int order, unsigned int leaf,
                                   bool removing)
{
    unsigned long last[5] = { ~0UL, ~0UL, ~0UL, ~0UL, ~0UL };
    unsigned long end = gfn + (1UL << order), g, n = 0;

    for ( g = gfn; g < end; g = next_chunk(g, leaf) )
    {
        paddr_t ma = p2m->root;
        unsigned int l;

        for ( l = p2m->levels; l > leaf; l-- )
        {
            u64 e = map_table(p2m, ma)[TABLE_INDEX(g, l)];
            unsigned int k;

            if ( is_table(p2m, e, l) )
            {
                ma = e & P2M_ADDR_MASK;
                continue;
            }
            if ( !e && removing )
                break;              /* nothing there to remove */
            for ( k = l - 1; k >= leaf; k-- )
            {
                unsigned long key = g >> (9 * k);

                if ( last[k] != key )
                {
                    last[k] = key;
                    n++;
                }
            }
            break;
        }
    }
    return n;
}

/*
 * Replace the non-table entry *slot at level l by a table of the same
 * meaning: empty, or 512 pieces of the large leaf.
 */
static u64 *split_entry(struct p2m_domain *p2m, u64 *slot, unsigned int l,
                        struct table_pool *pool)
{
    u64 e = *slot;
    paddr_t ma;
    u64 *t = pool_take(pool, &ma);

    if ( e )
    {
        p2m_type_t type = entry_type(e);
        unsigned long mfn = entry_mfn(e);
        unsigned int i, sub = l - 1;

        for ( i = 0; i < LEVEL_ENTRIES; i++ )
            t[i] = p2m->fmt->leaf_entry(type_has_mfn(type)
                                        ? mfn + ((unsigned long)i <<
                                                 ENTRY_ORDER(sub))
                                        : 0, type, sub);
    }
    p2m->nr_table_pages++;
    write_entry(slot, p2m->fmt->table_entry(ma));
    if ( e )
        note_change(p2m);
    return map_table(p2m, ma);
}

int p2m_set_entry(struct p2m_domain *p2m, unsigned long gfn,
                  unsigned long mfn, unsigned int order, p2m_type_t t)
{
    struct table_pool pool = { NULL, 0 };
    unsigned long end = gfn + (1UL << order), g, need;
    unsigned int leaf;
    bool removing = (t == p2m_invalid);
    int rc;

    if ( order > P2M_MAX_ORDER || t > p2m_io_forward || !p2m->root ||
         (gfn & ((1UL << order) - 1)) ||
         (end - 1) >> ENTRY_ORDER(p2m->levels + 1) )
        return -EINVAL;
    if ( !type_has_mfn(t) )
        mfn = 0;
    else if ( (mfn & ((1UL << order) - 1)) ||
              ((mfn + (1UL << order) - 1) >> (52 - PAGE_SHIFT)) )
        return -EINVAL;

    leaf = leaf_level(p2m, order);

    spin_lock(&p2m->lock);
    need = tables_needed(p2m, gfn, order, leaf, removing);
    rc = pool_fill(p2m, &pool, need);
    if ( rc )
    {
        spin_unlock(&p2m->lock);
        return rc;
    }

    for ( g = gfn; g < end; g = next_chunk(g, leaf) )
    {
        u64 *tab = map_table(p2m, p2m->root);
        unsigned long cend = next_chunk(g, leaf), x;
        unsigned int l;
        u64 *path[5] = { NULL };    /* path[l]: the slot at level l */

        for ( l = p2m->levels; l > leaf; l-- )
        {
            u64 *slot = &tab[TABLE_INDEX(g, l)];

            path[l] = slot;
            if ( is_table(p2m, *slot, l) )
                tab = map_table(p2m, *slot & P2M_ADDR_MASK);
            else if ( !*slot && removing )
                break;
            else
                tab = split_entry(p2m, slot, l, &pool);
        }
        if ( l > leaf )
            continue;               /* removing from an empty region */

        if ( cend > end )
            cend = end;
        for ( x = g; x < cend; x += 1UL << ENTRY_ORDER(leaf) )
        {
            u64 *slot = &tab[TABLE_INDEX(x, leaf)];
            u64 old = *slot, new = 0;

            if ( !removing )
                new = p2m->fmt->leaf_entry(type_has_mfn(t) ? mfn + (x - gfn)
                                           : 0, t, leaf);
            if ( old == new )
            {
                /* The caller's new reference is one too many. */
                drop_refs(p2m, old, leaf);
                continue;
            }
            write_entry(slot, new);
            if ( is_table(p2m, old, leaf) )
                free_subtree(p2m, old & P2M_ADDR_MASK, leaf - 1, true);
            else if ( old && p2m_is_ram(entry_type(old)) )
                p2m->nr_ram_pages -= 1UL << ENTRY_ORDER(leaf);
            else
                drop_refs(p2m, old, leaf);
            if ( p2m_is_ram(t) )
                p2m->nr_ram_pages += 1UL << ENTRY_ORDER(leaf);
            if ( old )
                note_change(p2m);
        }

        /*
         * Tables a removal left empty go (up to, not including, the
         * root), so unmapping gives back what mapping took: dom0's
         * foreign mappings come and go at gfns nothing else uses.
         */
        for ( l = leaf + 1; removing && l <= p2m->levels && path[l]; l++ )
        {
            paddr_t ma = *path[l] & P2M_ADDR_MASK;
            u64 *sub = map_table(p2m, ma);

            if ( !is_table(p2m, *path[l], l) || !table_empty(sub) )
                break;
            write_entry(path[l], 0);
            note_change(p2m);
            detach_table(p2m, sub, ma);
        }
    }

    if ( !removing && end - 1 > p2m->max_mapped_gfn )
        p2m->max_mapped_gfn = end - 1;
    spin_unlock(&p2m->lock);

    /* tables_needed() is exact; anything left would be a counting bug. */
    ASSERT(!pool.va);
    pool_release(p2m, &pool);
    return 0;
}

int p2m_set_range(struct p2m_domain *p2m, unsigned long gfn,
                  unsigned long mfn, unsigned long nr, p2m_type_t t)
{
    bool has_mfn = type_has_mfn(t);

    while ( nr )
    {
        unsigned int k = P2M_MAX_ORDER;
        int rc;

        while ( k && ((gfn & ((1UL << k) - 1)) ||
                      (has_mfn && (mfn & ((1UL << k) - 1))) ||
                      (1UL << k) > nr) )
            k--;
        rc = p2m_set_entry(p2m, gfn, has_mfn ? mfn : 0, k, t);
        if ( rc )
            return rc;
        gfn += 1UL << k;
        if ( has_mfn )
            mfn += 1UL << k;
        nr -= 1UL << k;
    }
    return 0;
}

static void change_type(struct p2m_domain *p2m, paddr_t ma, unsigned int l,
                        p2m_type_t ot, p2m_type_t nt)
{
    u64 *t = map_table(p2m, ma);
    unsigned int i;

    for ( i = 0; i < LEVEL_ENTRIES; i++ )
    {
        u64 e = t[i];

        if ( !e )
            continue;
        if ( is_table(p2m, e, l) )
            change_type(p2m, e & P2M_ADDR_MASK, l - 1, ot, nt);
        else if ( entry_type(e) == ot )
        {
            write_entry(&t[i], p2m->fmt->leaf_entry(entry_mfn(e), nt, l));
            if ( p2m_is_ram(ot) )
                p2m->nr_ram_pages -= 1UL << ENTRY_ORDER(l);
            if ( p2m_is_ram(nt) )
                p2m->nr_ram_pages += 1UL << ENTRY_ORDER(l);
            note_change(p2m);
        }
    }
}

void p2m_change_type_global(struct p2m_domain *p2m, p2m_type_t ot,
                            p2m_type_t nt)
{
    /* Only between types that both name a frame: the mfn is kept. */
    if ( !p2m->root || ot == nt || !type_has_mfn(ot) || !type_has_mfn(nt) ||
         nt > p2m_io_forward )
        return;
    spin_lock(&p2m->lock);
    change_type(p2m, p2m->root, p2m->levels, ot, nt);
    spin_unlock(&p2m->lock);
}

u64 p2m_ept_pointer(const struct p2m_domain *p2m)
{
    /* SDM 25.6.11: bits 2:0 memory type (6 = WB), 5:3 walk length - 1. */
    return p2m->root | 6 | ((u64)(p2m->levels - 1) << 3);
}

/* ---- identity maps (dom0) -------------------------------------------- */

int p2m_identity_low_ram(struct p2m_domain *p2m,
                         const struct e820entry *map, unsigned int nr,
                         unsigned long below_pfn, unsigned long max_pages,
                         unsigned long *mapped)
{
    unsigned int i;

    *mapped = 0;
    for ( i = 0; i < nr && *mapped < max_pages; i++ )
    {
        unsigned long s = PFN_UP(map[i].addr);
        unsigned long e = PFN_DOWN(map[i].addr + map[i].size);
        int rc;

        if ( map[i].type != E820_RAM )
            continue;
        if ( e > below_pfn )
            e = below_pfn;
        if ( s >= e )
            continue;
        if ( e - s > max_pages - *mapped )
            e = s + (max_pages - *mapped);
        rc = p2m_set_range(p2m, s, s, e - s, p2m_ram_rw);
        if ( rc )
            return rc;
        *mapped += e - s;
    }
    return 0;
}

int p2m_identity_populate(struct p2m_domain *p2m, unsigned long nr_pages,
                          p2m_claim_fn claim, void *ctx,
                          unsigned long *mapped)
{
    unsigned long from = 0;

    *mapped = 0;
    while ( *mapped < nr_pages )
    {
        unsigned long left = nr_pages - *mapped, mfn;
        unsigned int max_order = 0;
        int order, rc;

        while ( max_order < P2M_MAX_ORDER && (2UL << max_order) <= left )
            max_order++;
        order = claim(ctx, from, max_order, &mfn);
        if ( order < 0 )
            return -ENOMEM;
        rc = p2m_set_entry(p2m, mfn, mfn, order, p2m_ram_rw);
        if ( rc )
            return rc;
        *mapped += 1UL << order;
        from = mfn + (1UL << order);
    }
    return 0;
}

int p2m_identity_mmio(struct p2m_domain *p2m, const struct e820entry *map,
                      unsigned int nr, unsigned long limit_pfn,
                      const unsigned long *hide, unsigned int nr_hide)
{
    unsigned long cur = 0;
    unsigned int i;
    int rc;

    /*
     * Everything below the limit except whole pages of RAM and unusable
     * memory is device space.  A page only partly RAM is not RAM (the
     * allocator never hands it out either).  map[] is sanitized: sorted
     * and disjoint.
     */
    for ( i = 0; i < nr; i++ )
    {
        u64 end = map[i].addr + map[i].size;

        if ( PFN_UP(end) > limit_pfn )
            limit_pfn = PFN_UP(end);
    }
    for ( i = 0; i <= nr; i++ )
    {
        unsigned long s = limit_pfn, e = limit_pfn;

        if ( i < nr )
        {
            if ( map[i].type != E820_RAM && map[i].type != E820_UNUSABLE )
                continue;
            s = PFN_UP(map[i].addr);
            e = PFN_DOWN(map[i].addr + map[i].size);
            if ( s >= e )
                continue;
        }
        if ( s > cur )
        {
            rc = p2m_set_range(p2m, cur, cur, s - cur, p2m_mmio_direct);
            if ( rc )
                return rc;
        }
        if ( e > cur )
            cur = e;
    }

    for ( i = 0; i < nr_hide; i++ )
    {
        p2m_type_t t;

        p2m_get_entry(p2m, hide[i], &t, NULL);
        if ( p2m_is_ram(t) )
            continue;               /* never take RAM away */
        rc = p2m_set_entry(p2m, hide[i], 0, 0, p2m_io_forward);
        if ( rc )
            return rc;
    }
    return 0;
}

/* ---- hypervisor glue ------------------------------------------------- */
#ifndef KEEL_HOST_TEST
#include <xen/sched.h>
#include <asm/e820.h>
#include <asm/apic.h>
#include <asm/io_apic.h>
#include <asm/hvm/hvm.h>

static void *xenheap_alloc_table(struct p2m_domain *p2m, paddr_t *ma)
{
    void *va = alloc_xenheap_page();

    if ( !va )
        return NULL;
    memset(va, 0, PAGE_SIZE);
    *ma = virt_to_maddr(va);
    return va;
}

static void xenheap_free_table(struct p2m_domain *p2m, void *va, paddr_t ma)
{
    free_xenheap_page(va);
}

static void *directmap_table(struct p2m_domain *p2m, paddr_t ma)
{
    return maddr_to_virt(ma);
}

static void p2m_put_page(struct p2m_domain *p2m, unsigned long mfn)
{
    put_page(mfn);
}

static void p2m_set_defaults(struct p2m_domain *p2m)
{
    if ( !p2m->alloc_table )
        p2m->alloc_table = xenheap_alloc_table;
    if ( !p2m->free_table )
        p2m->free_table = xenheap_free_table;
    if ( !p2m->map_table )
        p2m->map_table = directmap_table;
    if ( !p2m->put_ref )
        p2m->put_ref = p2m_put_page;
    if ( !p2m->fmt )
        p2m->fmt = (hvm_enabled && hvm_funcs.name &&
                    !strcmp(hvm_funcs.name, "VMX")) ? &p2m_ept_format
                                                    : &p2m_npt_format;
    if ( !p2m->max_leaf_level && hvm_hap_enabled() )
        p2m->max_leaf_level =
            (hvm_funcs.hap_capabilities & HVM_HAP_SUPERPAGE_1GB) ? 3 :
            (hvm_funcs.hap_capabilities & HVM_HAP_SUPERPAGE_2MB) ? 2 : 1;
}

static int dom0_claim(void *ctx, unsigned long from, unsigned int max_order,
                      unsigned long *mfn)
{
    return claim_lowest_for_domain(ctx, from, max_order, mfn);
}

int p2m_populate_identity_dom0(struct domain *d, unsigned long nr_pages)
{
    unsigned long low = 0, high = 0;
    int rc;

    /* dom0 is trusted with what the plan gives it. */
    if ( d->max_pages < d->tot_pages + nr_pages )
        d->max_pages = d->tot_pages + nr_pages;

    rc = p2m_identity_low_ram(&d->p2m, e820.map, e820.nr_map,
                              PFN_DOWN(1UL << 20), nr_pages, &low);
    if ( !rc )
    {
        /* Low RAM is not heap memory but is dom0's now. */
        d->tot_pages += low;
        rc = p2m_identity_populate(&d->p2m, nr_pages - low, dom0_claim, d,
                                   &high);
    }
    printk("Dom0 p2m: %lu pages mapped 1:1 (%lu below 1MB), "
           "%lu table pages\n", low + high, low, d->p2m.nr_table_pages);
    if ( rc )
        printk(XENLOG_ERR "Dom0 p2m: only %lu of %lu pages: error %d\n",
               low + high, nr_pages, rc);
    return rc;
}

int p2m_map_mmio_identity(struct domain *d, unsigned long limit_pfn,
                          const unsigned long *hide, unsigned int nr_hide)
{
    unsigned long pages[MAX_IO_APICS + 1 + 16];
    unsigned int n = 0, i;
    int rc;

    /* Emulated for every domain: the LAPIC and IOAPIC pages. */
    pages[n++] = PFN_DOWN(mp_lapic_addr);
    for ( i = 0; i < nr_ioapics && i < MAX_IO_APICS; i++ )
        pages[n++] = PFN_DOWN(io_apics[i].addr);
    for ( i = 0; i < nr_hide && n < ARRAY_SIZE(pages); i++ )
        pages[n++] = hide[i];
    if ( i < nr_hide )
        return -E2BIG;

    if ( !limit_pfn )
        limit_pfn = PFN_DOWN(1UL << 32);
    limit_pfn = (limit_pfn + (1UL << 18) - 1) & ~((1UL << 18) - 1);

    rc = p2m_identity_mmio(&d->p2m, e820.map, e820.nr_map, limit_pfn,
                           pages, n);
    if ( rc )
        printk(XENLOG_ERR "Dom0 p2m: MMIO identity map failed: %d\n", rc);
    return rc;
}
#else
static void p2m_set_defaults(struct p2m_domain *p2m)
{
    if ( !p2m->fmt )
        p2m->fmt = &p2m_npt_format;
}
#endif /* KEEL_HOST_TEST */
