/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen/arch/x86/mm/p2m*.c: set/get for every order and type in both
 * formats, entry bits, splitting, removal, -ENOMEM atomicity, teardown,
 * type changes, flush tracking, and the dom0 identity maps over a fake
 * e820 with the real buddy allocator (heap_claim*) behind them.
 */
#include <stdlib.h>
#include <string.h>
#include "harness.h"

#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/bootinfo.h>
#include <asm/p2m.h>

/* ---- host table allocator: counts pages, can be told to fail ---- */

static long live_tables;
static long alloc_budget = -1;     /* < 0: unlimited */

static void *host_alloc(struct p2m_domain *p2m, paddr_t *ma)
{
    void *va;

    if ( alloc_budget == 0 )
        return NULL;
    if ( alloc_budget > 0 )
        alloc_budget--;
    va = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
    assert_non_null(va);
    memset(va, 0, PAGE_SIZE);
    *ma = (paddr_t)(uintptr_t)va;
    live_tables++;
    return va;
}

static void host_free(struct p2m_domain *p2m, void *va, paddr_t ma)
{
    assert_ptr_equal(va, (void *)(uintptr_t)ma);
    free(va);
    live_tables--;
}

static void *host_map(struct p2m_domain *p2m, paddr_t ma)
{
    return (void *)(uintptr_t)ma;
}

static struct p2m_domain p2m;

static void new_p2m(const struct p2m_format *fmt, unsigned int max_leaf)
{
    memset(&p2m, 0, sizeof(p2m));
    p2m.alloc_table = host_alloc;
    p2m.free_table = host_free;
    p2m.map_table = host_map;
    p2m.fmt = fmt;
    p2m.max_leaf_level = max_leaf;
    live_tables = 0;
    alloc_budget = -1;
    assert_int_equal(p2m_init(&p2m), 0);
    assert_int_equal(p2m.nr_table_pages, 1);
}

static int teardown(void **state)
{
    alloc_budget = -1;
    if ( p2m.root )
        p2m_teardown(&p2m);
    assert_int_equal(live_tables, 0);
    return 0;
}

/* The raw entry mapping gfn and its level (0 if none). */
static u64 raw_entry(unsigned long gfn, unsigned int *level)
{
    u64 *t = (u64 *)(uintptr_t)p2m.root;
    unsigned int l;

    for ( l = p2m.levels; l >= 1; l-- )
    {
        u64 e = t[(gfn >> (9 * (l - 1))) & 511];

        *level = l;
        if ( !e || l == 1 || p2m.fmt->is_leaf(e, l) )
            return e;
        t = (u64 *)(uintptr_t)(e & P2M_ADDR_MASK);
    }
    return 0;
}

static void expect(unsigned long gfn, unsigned long mfn, p2m_type_t t,
                   unsigned int order)
{
    p2m_type_t got;
    unsigned int o;

    assert_int_equal(p2m_get_entry(&p2m, gfn, &got, &o), mfn);
    assert_int_equal(got, t);
    assert_int_equal(o, order);
}

/* Every table page reachable from the root, for comparing snapshots. */
static size_t snapshot(u64 *t, unsigned int l, u64 *out, size_t n)
{
    unsigned int i;

    memcpy(out + n, t, PAGE_SIZE);
    n += 512;
    for ( i = 0; i < 512; i++ )
        if ( t[i] && l > 1 && !p2m.fmt->is_leaf(t[i], l) )
            n = snapshot((u64 *)(uintptr_t)(t[i] & P2M_ADDR_MASK), l - 1,
                         out, n);
    return n;
}

static const p2m_type_t mapped_types[] = {
    p2m_ram_rw, p2m_ram_logdirty, p2m_ram_ro, p2m_mmio_direct,
    p2m_grant_map_rw, p2m_grant_map_ro, p2m_foreign,
};

static void every_order_and_type(const struct p2m_format *fmt)
{
    unsigned int order, i;

    for ( order = 0; order <= P2M_MAX_ORDER; order++ )
        for ( i = 0; i < ARRAY_SIZE(mapped_types); i++ )
        {
            p2m_type_t t = mapped_types[i];
            unsigned long n = 1UL << order;
            unsigned long gfn = (1UL << 24) | (n * 3 % (1UL << 24));
            unsigned long mfn = 0x123UL << 18;
            unsigned int eo = order >= 18 ? 18 : order >= 9 ? 9 : 0;

            gfn &= ~(n - 1);
            new_p2m(fmt, 3);
            assert_int_equal(p2m_set_entry(&p2m, gfn, mfn, order, t), 0);
            expect(gfn, mfn, t, eo);
            expect(gfn + n / 2, mfn + n / 2, t, eo);
            expect(gfn + n - 1, mfn + n - 1, t, eo);
            /* Neighbours untouched. */
            assert_int_equal(p2m_get_entry(&p2m, gfn + n, NULL, NULL),
                             INVALID_MFN);
            if ( gfn )
                assert_int_equal(p2m_get_entry(&p2m, gfn - 1, NULL, NULL),
                                 INVALID_MFN);
            assert_int_equal(p2m.nr_ram_pages, p2m_is_ram(t) ? n : 0);
            assert_int_equal(p2m.max_mapped_gfn, gfn + n - 1);
            /*
             * Remove it all again: the counts drop back and the tables
             * the mapping needed are detached (only the root is left).
             */
            assert_int_equal(p2m_set_entry(&p2m, gfn, 0, order,
                                           p2m_invalid), 0);
            expect(gfn, INVALID_MFN, p2m_invalid, 27);
            assert_int_equal(p2m.nr_ram_pages, 0);
            assert_int_equal(p2m.nr_table_pages, 1);
            assert_int_equal(live_tables, 1 + (long)p2m.nr_detached);
            p2m_free_detached(&p2m);
            assert_int_equal(live_tables, 1);
            p2m_teardown(&p2m);
            assert_int_equal(live_tables, 0);
        }
}

static void test_every_order_and_type_npt(void **state)
{
    every_order_and_type(&p2m_npt_format);
}

static void test_every_order_and_type_ept(void **state)
{
    every_order_and_type(&p2m_ept_format);
}

static void test_npt_entry_bits(void **state)
{
    unsigned int l;
    u64 e;

    new_p2m(&p2m_npt_format, 3);
    assert_int_equal(p2m_set_entry(&p2m, 0x10, 0x99, 0, p2m_ram_rw), 0);
    e = raw_entry(0x10, &l);
    assert_int_equal(l, 1);
    /* P, RW, US, no PS (bit 7 is PAT at level 1), no NX. */
    assert_int_equal(e & 0x8000000000000087ULL, 0x7);
    assert_int_equal(e & P2M_ADDR_MASK, 0x99000);

    assert_int_equal(p2m_set_entry(&p2m, 0x200, 0x400, 9, p2m_mmio_direct),
                     0);
    e = raw_entry(0x200, &l);
    assert_int_equal(l, 2);
    /* PS, PCD|PWT (UC), writable, user. */
    assert_int_equal(e & 0x9f, 0x9f);

    assert_int_equal(p2m_set_entry(&p2m, 0x40000, 0x80000, 18, p2m_ram_ro),
                     0);
    e = raw_entry(0x40001, &l);
    assert_int_equal(l, 3);
    assert_int_equal(e & 0x87, 0x85);      /* P, US, PS; not RW */

    assert_int_equal(p2m_set_entry(&p2m, 0x11, 0x5, 0, p2m_grant_map_ro), 0);
    e = raw_entry(0x11, &l);
    assert_true(e & (1ULL << 63));          /* NX */
    assert_false(e & 2);

    /* io_forward: not present, type kept. */
    assert_int_equal(p2m_set_entry(&p2m, 0x12, 0x77, 0, p2m_io_forward), 0);
    e = raw_entry(0x12, &l);
    assert_int_equal(e & 1, 0);
    expect(0x12, INVALID_MFN, p2m_io_forward, 0);

    /* Tables: P, RW, US. */
    e = ((u64 *)(uintptr_t)p2m.root)[0];
    assert_int_equal(e & 7, 7);
}

static void test_ept_entry_bits(void **state)
{
    unsigned int l;
    u64 e;

    new_p2m(&p2m_ept_format, 3);
    assert_int_equal(p2m_set_entry(&p2m, 0x10, 0x99, 0, p2m_ram_rw), 0);
    e = raw_entry(0x10, &l);
    assert_int_equal(e & 0xff, 0x7 | (6 << 3));       /* RWX, WB */
    assert_int_equal(p2m_set_entry(&p2m, 0x200, 0x400, 9, p2m_mmio_direct),
                     0);
    e = raw_entry(0x200, &l);
    assert_int_equal(l, 2);
    assert_int_equal(e & 0xff, 0x7 | 0x40 | 0x80);    /* UC, IPAT, large */
    assert_int_equal(p2m_set_entry(&p2m, 0x11, 0x5, 0, p2m_ram_ro), 0);
    assert_int_equal(raw_entry(0x11, &l) & 7, 5);     /* R, X */
    assert_int_equal(p2m_set_entry(&p2m, 0x12, 0, 0, p2m_io_forward), 0);
    assert_int_equal(raw_entry(0x12, &l) & 7, 0);
    expect(0x12, INVALID_MFN, p2m_io_forward, 0);
    assert_int_equal(p2m_ept_pointer(&p2m), p2m.root | 0x1e);
}

static void test_split_and_merge_back(void **state)
{
    unsigned long g = 0x40000, m = 0x100000, i;

    new_p2m(&p2m_npt_format, 3);
    assert_int_equal(p2m_set_entry(&p2m, g, m, 18, p2m_ram_rw), 0);
    assert_int_equal(p2m.nr_table_pages, 2);        /* root + L3 */
    assert_false(p2m.need_flush);                   /* nothing was there */

    /* One 4K page in the middle changes: 1G -> 2M -> 4K. */
    assert_int_equal(p2m_set_entry(&p2m, g + 0x201, 0xfee00, 0,
                                   p2m_mmio_direct), 0);
    assert_int_equal(p2m.nr_table_pages, 4);
    assert_true(p2m.need_flush);
    expect(g + 0x201, 0xfee00, p2m_mmio_direct, 0);
    expect(g + 0x200, m + 0x200, p2m_ram_rw, 0);
    expect(g + 0x3ff, m + 0x3ff, p2m_ram_rw, 0);
    expect(g + 0x400, m + 0x400, p2m_ram_rw, 9);
    expect(g, m, p2m_ram_rw, 9);
    expect(g + 0x3ffff, m + 0x3ffff, p2m_ram_rw, 9);
    assert_int_equal(p2m.nr_ram_pages, (1UL << 18) - 1);

    /* Removing a page inside a 2M entry splits it too. */
    assert_int_equal(p2m_set_entry(&p2m, g + 0x1234, 0, 0, p2m_invalid), 0);
    assert_int_equal(p2m.nr_table_pages, 5);
    expect(g + 0x1234, INVALID_MFN, p2m_invalid, 0);
    expect(g + 0x1235, m + 0x1235, p2m_ram_rw, 0);
    assert_int_equal(p2m.nr_ram_pages, (1UL << 18) - 2);

    /* A 2M mapping over the split one frees its 4K table. */
    assert_int_equal(p2m_set_entry(&p2m, g + 0x200, m + 0x200, 9,
                                   p2m_ram_rw), 0);
    assert_int_equal(p2m.nr_table_pages, 4);
    expect(g + 0x201, m + 0x201, p2m_ram_rw, 9);
    assert_int_equal(p2m.nr_ram_pages, (1UL << 18) - 1);

    /* And 1G over everything frees the rest. */
    assert_int_equal(p2m_set_entry(&p2m, g, m, 18, p2m_ram_rw), 0);
    assert_int_equal(p2m.nr_table_pages, 2);
    assert_int_equal(p2m.nr_ram_pages, 1UL << 18);
    for ( i = 0; i < (1UL << 18); i += 0x1111 )
        expect(g + i, m + i, p2m_ram_rw, 18);
}

static void test_small_leaves_only(void **state)
{
    /* Hardware without superpages: an order-18 map uses 512 L1 tables. */
    new_p2m(&p2m_npt_format, 1);
    assert_int_equal(p2m_set_entry(&p2m, 0x40000, 0x40000, 18, p2m_ram_rw),
                     0);
    assert_int_equal(p2m.nr_table_pages, 1 + 1 + 1 + 512);
    expect(0x40000 + 0x3ffff, 0x40000 + 0x3ffff, p2m_ram_rw, 0);

    /* Only 2M: the same order uses 512 2M entries in one L2 table. */
    p2m_teardown(&p2m);
    new_p2m(&p2m_npt_format, 2);
    assert_int_equal(p2m_set_entry(&p2m, 0x40000, 0x40000, 18, p2m_ram_rw),
                     0);
    assert_int_equal(p2m.nr_table_pages, 3);
    expect(0x40000 + 0x3ffff, 0x40000 + 0x3ffff, p2m_ram_rw, 9);
}

static void test_enomem_leaves_tables_unchanged(void **state)
{
    static u64 before[512 * 16], after[512 * 16];
    size_t nb, na;
    unsigned long tables, ram;
    long budget;

    new_p2m(&p2m_npt_format, 3);
    assert_int_equal(p2m_set_entry(&p2m, 0x40000, 0x40000, 18, p2m_ram_rw),
                     0);
    assert_int_equal(p2m_set_entry(&p2m, 0x7, 0x7, 0, p2m_ram_rw), 0);
    nb = snapshot((u64 *)(uintptr_t)p2m.root, 4, before, 0);
    tables = p2m.nr_table_pages;
    ram = p2m.nr_ram_pages;

    /* A 4K change inside the 1G page needs two tables; give fewer. */
    for ( budget = 0; budget < 2; budget++ )
    {
        long live = live_tables;

        alloc_budget = budget;
        assert_int_equal(p2m_set_entry(&p2m, 0x40005, 0x9, 0, p2m_ram_ro),
                         -ENOMEM);
        assert_int_equal(live_tables, live);
        na = snapshot((u64 *)(uintptr_t)p2m.root, 4, after, 0);
        assert_int_equal(na, nb);
        assert_memory_equal(before, after, nb * sizeof(u64));
        assert_int_equal(p2m.nr_table_pages, tables);
        assert_int_equal(p2m.nr_ram_pages, ram);
        expect(0x40005, 0x40005, p2m_ram_rw, 18);
    }
    /* A new region far away needs 3 (L3, L2, L1). */
    alloc_budget = 2;
    assert_int_equal(p2m_set_entry(&p2m, 0x8000000, 0x1, 0, p2m_ram_rw),
                     -ENOMEM);
    na = snapshot((u64 *)(uintptr_t)p2m.root, 4, after, 0);
    assert_memory_equal(before, after, nb * sizeof(u64));

    /* With exactly enough it works and uses all of it. */
    alloc_budget = 2;
    assert_int_equal(p2m_set_entry(&p2m, 0x40005, 0x9, 0, p2m_ram_ro), 0);
    assert_int_equal(alloc_budget, 0);
    expect(0x40005, 0x9, p2m_ram_ro, 0);
    alloc_budget = -1;

    /* p2m_init fails cleanly too. */
    p2m_teardown(&p2m);
    memset(&p2m, 0, sizeof(p2m));
    p2m.alloc_table = host_alloc;
    p2m.free_table = host_free;
    p2m.map_table = host_map;
    alloc_budget = 0;
    assert_int_equal(p2m_init(&p2m), -ENOMEM);
    assert_int_equal(p2m.root, 0);
    alloc_budget = -1;
}

static void test_teardown_frees_everything(void **state)
{
    unsigned long g;

    new_p2m(&p2m_npt_format, 3);
    for ( g = 0; g < 0x100000; g += 0x3333 )
        assert_int_equal(p2m_set_entry(&p2m, g, g, 0, p2m_ram_rw), 0);
    assert_int_equal(p2m_set_entry(&p2m, 1UL << 35, 0, 18, p2m_mmio_direct),
                     0);
    assert_int_equal(live_tables, (long)p2m.nr_table_pages);
    assert_true(live_tables > 10);
    p2m_teardown(&p2m);
    assert_int_equal(live_tables, 0);
    assert_int_equal(p2m.root, 0);
    assert_int_equal(p2m.nr_ram_pages, 0);
}

/* put_ref calls, per mfn (asm/p2m.h: entries that hold references). */
static unsigned int refs_put[64];

static void count_put(struct p2m_domain *p, unsigned long mfn)
{
    assert_true(mfn >= 0x1000 && mfn < 0x1000 + 64);
    refs_put[mfn - 0x1000]++;
}

static void test_refs_dropped_when_entries_go(void **state)
{
    memset(refs_put, 0, sizeof(refs_put));
    new_p2m(&p2m_npt_format, 3);
    p2m.put_ref = count_put;

    /* Installing takes over the caller's reference: nothing put. */
    assert_int_equal(p2m_set_entry(&p2m, 0x10, 0x1000, 0, p2m_foreign), 0);
    assert_int_equal(p2m_set_entry(&p2m, 0x11, 0x1001, 0, p2m_grant_map_rw),
                     0);
    assert_int_equal(p2m_set_entry(&p2m, 0x12, 0x1002, 0, p2m_grant_map_ro),
                     0);
    assert_int_equal(p2m_set_entry(&p2m, 0x13, 0x1003, 0, p2m_ram_rw), 0);
    assert_int_equal(refs_put[0] + refs_put[1] + refs_put[2] + refs_put[3],
                     0);

    /* The same entry again: the new reference is one too many. */
    assert_int_equal(p2m_set_entry(&p2m, 0x10, 0x1000, 0, p2m_foreign), 0);
    assert_int_equal(refs_put[0], 1);
    /* Removed: dropped.  Replaced by another frame: the old one dropped. */
    assert_int_equal(p2m_set_entry(&p2m, 0x10, 0, 0, p2m_invalid), 0);
    assert_int_equal(refs_put[0], 2);
    assert_int_equal(p2m_set_entry(&p2m, 0x11, 0x1004, 0, p2m_foreign), 0);
    assert_int_equal(refs_put[1], 1);
    assert_int_equal(refs_put[4], 0);
    /* RAM holds none. */
    assert_int_equal(p2m_set_entry(&p2m, 0x13, 0, 0, p2m_invalid), 0);
    assert_int_equal(refs_put[3], 0);

    /* A 2 MiB removal over the table that holds them drops each one. */
    assert_int_equal(p2m_set_entry(&p2m, 0, 0, 9, p2m_invalid), 0);
    assert_int_equal(refs_put[2], 1);
    assert_int_equal(refs_put[4], 1);

    /* Teardown drops what is left. */
    assert_int_equal(p2m_set_entry(&p2m, 0x400, 0x1005, 0, p2m_grant_map_rw),
                     0);
    p2m_teardown(&p2m);
    assert_int_equal(refs_put[5], 1);
    assert_int_equal(refs_put[0], 2);
}

static void test_bad_arguments(void **state)
{
    new_p2m(&p2m_npt_format, 3);
    assert_int_equal(p2m_set_entry(&p2m, 0x1, 0x0, 1, p2m_ram_rw), -EINVAL);
    assert_int_equal(p2m_set_entry(&p2m, 0x2, 0x1, 1, p2m_ram_rw), -EINVAL);
    assert_int_equal(p2m_set_entry(&p2m, 0, 0, 19, p2m_ram_rw), -EINVAL);
    assert_int_equal(p2m_set_entry(&p2m, 1UL << 36, 0, 0, p2m_ram_rw),
                     -EINVAL);
    assert_int_equal(p2m_set_entry(&p2m, (1UL << 36) - 1, 0, 0, p2m_ram_rw),
                     0);
    assert_int_equal(p2m_set_entry(&p2m, 0, 1UL << 40, 0, p2m_ram_rw),
                     -EINVAL);
    assert_int_equal(p2m_set_entry(&p2m, 0, 0, 0, (p2m_type_t)99), -EINVAL);
    assert_int_equal(p2m_get_entry(&p2m, 1UL << 36, NULL, NULL),
                     INVALID_MFN);
    /* Removing where nothing is mapped allocates nothing. */
    alloc_budget = 0;
    assert_int_equal(p2m_set_entry(&p2m, 0x1000000, 0, 18, p2m_invalid), 0);
    alloc_budget = -1;
}

static void test_flush_tracking_and_type_change(void **state)
{
    unsigned long gen;

    new_p2m(&p2m_npt_format, 3);
    assert_int_equal(p2m_set_range(&p2m, 0x100, 0x100, 0x300, p2m_ram_rw), 0);
    assert_false(p2m.need_flush);
    assert_int_equal(p2m.flush_gen, 0);
    /* The same mapping again changes nothing. */
    assert_int_equal(p2m_set_entry(&p2m, 0x200, 0x200, 9, p2m_ram_rw), 0);
    assert_false(p2m.need_flush);

    p2m_change_type_global(&p2m, p2m_ram_rw, p2m_ram_logdirty);
    assert_true(p2m.need_flush);
    gen = p2m.flush_gen;
    assert_true(gen > 0);
    expect(0x150, 0x150, p2m_ram_logdirty, 0);
    expect(0x250, 0x250, p2m_ram_logdirty, 9);
    assert_int_equal(p2m.nr_ram_pages, 0x300);
    p2m_change_type_global(&p2m, p2m_ram_logdirty, p2m_mmio_direct);
    assert_int_equal(p2m.nr_ram_pages, 0);
    p2m.need_flush = false;
    assert_int_equal(p2m_set_entry(&p2m, 0x150, 0, 0, p2m_invalid), 0);
    assert_true(p2m.need_flush);
    assert_true(p2m.flush_gen > gen);
}

/* ---- identity maps over a fake e820 and the real buddy allocator ---- */

static const struct e820entry fake_e820[] = {
    { 0x0,          0x9fc00,                E820_RAM },
    { 0x9fc00,      0x400,                  E820_RESERVED },
    { 0xf0000,      0x10000,                E820_RESERVED },
    { 0x100000,     0x7fee0000,             E820_RAM },
    { 0x7ffe0000,   0x20000,                E820_RESERVED },
    { 0xfeffc000,   0x4000,                 E820_RESERVED },
    { 0xfffc0000,   0x40000,                E820_RESERVED },
    { 0x100000000,  0x40000000,             E820_RAM },
    { 0x140000000,  0x1000,                 E820_UNUSABLE },
};

static struct heap heap;
static struct page_info *frames;

static int heap_teardown(void **state)
{
    free(frames);
    frames = NULL;
    return teardown(state);
}

static int test_claim(void *ctx, unsigned long from, unsigned int max_order,
                      unsigned long *mfn)
{
    int k = heap_claim_lowest(ctx, from, max_order, mfn);

    if ( k >= 0 )
        heap_split_inuse(ctx, *mfn);
    return k;
}

static void test_identity_dom0(void **state)
{
    const unsigned long nr_frames = 0x140000;
    const unsigned long img_s = 0x200, img_e = 0x400;   /* "hypervisor" */
    unsigned long low, high, pfn, i, xh, want = 0x40000, got = 0;
    const unsigned long hide[] = { 0xfee00, 0xfec00, 0x500 };
    p2m_type_t t;
    unsigned int o;

    frames = calloc(nr_frames, sizeof(*frames));
    assert_non_null(frames);
    heap_init(&heap, frames, 0, nr_frames);
    heap_add_range(&heap, 0x100, img_s);
    heap_add_range(&heap, img_e, 0x7ffe0);
    heap_add_range(&heap, 0x100000, 0x140000);
    /* Some xenheap pages in use in the middle. */
    xh = heap_alloc(&heap, 0);
    assert_true(xh != INVALID_PFN);
    assert_int_equal(heap_claim(&heap, 0x1000, 9), 0);
    assert_int_equal(heap_claim(&heap, 0x1000, 9), -EBUSY);
    assert_int_equal(heap_claim(&heap, 0x1001, 0), -EBUSY);
    assert_int_equal(heap_claim(&heap, 0x1201, 1), -EBUSY);   /* misaligned */

    new_p2m(&p2m_npt_format, 3);
    assert_int_equal(p2m_identity_low_ram(&p2m, fake_e820,
                                          ARRAY_SIZE(fake_e820), 0x100,
                                          want, &low), 0);
    assert_int_equal(low, 0x9f);
    assert_int_equal(p2m_identity_populate(&p2m, want - low, test_claim,
                                           &heap, &high), 0);
    assert_int_equal(high, want - low);
    assert_int_equal(p2m.nr_ram_pages, want);

    /* Identity, ascending, skipping what was not free. */
    for ( pfn = 0; pfn < 0x7ffe0 && got < want; pfn++ )
    {
        unsigned long m = p2m_get_entry(&p2m, pfn, &t, NULL);
        bool xen = (pfn >= 0x9f && pfn < 0x100) ||
                   (pfn >= img_s && pfn < img_e) || pfn == xh ||
                   (pfn >= 0x1000 && pfn < 0x1200);

        if ( xen )
        {
            assert_int_equal(m, INVALID_MFN);
            continue;
        }
        assert_int_equal(m, pfn);
        assert_int_equal(t, p2m_ram_rw);
        got++;
        if ( pfn >= 0x100 )
            assert_int_equal(frames[pfn].state, PGS_INUSE);
    }
    assert_int_equal(got, want);
    /* Nothing beyond: the lowest free pages were taken. */
    assert_int_equal(p2m_get_entry(&p2m, pfn, &t, NULL), INVALID_MFN);
    /* Large entries where the free memory is aligned. */
    p2m_get_entry(&p2m, 0x20000, &t, &o);
    assert_int_equal(o, 9);
    p2m_get_entry(&p2m, 0x150, &t, &o);
    assert_int_equal(o, 0);         /* 1M-2M: the 2M block is not all RAM */
    p2m_get_entry(&p2m, 0x1300, &t, &o);
    assert_int_equal(o, 9);
    assert_int_equal(heap.free_pages, heap.total_pages - (want - low) - 1 -
                     0x200);
    /* Each claimed page can be freed alone (ballooning). */
    assert_int_equal(heap_free(&heap, 0x20001, 0), 0);

    assert_int_equal(p2m_identity_mmio(&p2m, fake_e820,
                                       ARRAY_SIZE(fake_e820), 0x100000,
                                       hide, ARRAY_SIZE(hide)), 0);
    expect(0x9f, 0x9f, p2m_mmio_direct, 0);       /* partly reserved */
    expect(0xa0, 0xa0, p2m_mmio_direct, 0);       /* VGA hole */
    expect(0xf0, 0xf0, p2m_mmio_direct, 0);
    expect(0x7ffe0, 0x7ffe0, p2m_mmio_direct, 0);
    expect(0x80000, 0x80000, p2m_mmio_direct, 18);
    expect(0xc0000, 0xc0000, p2m_mmio_direct, 9);
    expect(0xfee00, INVALID_MFN, p2m_io_forward, 0);
    expect(0xfee01, 0xfee01, p2m_mmio_direct, 0);
    expect(0xfec00, INVALID_MFN, p2m_io_forward, 0);
    expect(0xfffff, 0xfffff, p2m_mmio_direct, 9);
    expect(0x500, 0x500, p2m_ram_rw, 9);          /* hide never takes RAM */
    /* RAM not given to dom0 and the "hypervisor" stay unmapped. */
    expect(0x300, INVALID_MFN, p2m_invalid, 9);   /* empty 2M slot */
    assert_int_equal(p2m_get_entry(&p2m, 0x70000, NULL, NULL), INVALID_MFN);
    assert_int_equal(p2m_get_entry(&p2m, 0x100000, NULL, NULL), INVALID_MFN);
    assert_int_equal(p2m_get_entry(&p2m, 0x140000, NULL, NULL), INVALID_MFN);
    /* Above the e820 and the limit: nothing. */
    assert_int_equal(p2m_get_entry(&p2m, 0x140001, NULL, NULL), INVALID_MFN);
    assert_int_equal(p2m.nr_ram_pages, want);

    for ( i = 0; i < 4; i++ )
        assert_int_equal(p2m_get_entry(&p2m, 0x7ffe0 + i, &t, NULL),
                         0x7ffe0 + i);
}

static void test_populate_exhaustion(void **state)
{
    unsigned long done;

    frames = calloc(0x2000, sizeof(*frames));
    assert_non_null(frames);
    heap_init(&heap, frames, 0, 0x2000);
    heap_add_range(&heap, 0x1000, 0x1800);
    new_p2m(&p2m_npt_format, 3);
    assert_int_equal(p2m_identity_populate(&p2m, 0x1000, test_claim, &heap,
                                           &done), -ENOMEM);
    assert_int_equal(done, 0x800);
    assert_int_equal(heap.free_pages, 0);
    expect(0x1200, 0x1200, p2m_ram_rw, 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_every_order_and_type_npt, teardown),
        cmocka_unit_test_teardown(test_every_order_and_type_ept, teardown),
        cmocka_unit_test_teardown(test_npt_entry_bits, teardown),
        cmocka_unit_test_teardown(test_ept_entry_bits, teardown),
        cmocka_unit_test_teardown(test_split_and_merge_back, teardown),
        cmocka_unit_test_teardown(test_small_leaves_only, teardown),
        cmocka_unit_test_teardown(test_enomem_leaves_tables_unchanged,
                                  teardown),
        cmocka_unit_test_teardown(test_teardown_frees_everything, teardown),
        cmocka_unit_test_teardown(test_bad_arguments, teardown),
        cmocka_unit_test_teardown(test_refs_dropped_when_entries_go,
                                  teardown),
        cmocka_unit_test_teardown(test_flush_tracking_and_type_change,
                                  teardown),
        cmocka_unit_test_teardown(test_identity_dom0, heap_teardown),
        cmocka_unit_test_teardown(test_populate_exhaustion, heap_teardown),
    };

    return cmocka_run_group_tests_name("p2m", tests, NULL, NULL);
}
