/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen/common/page_alloc.c: the buddy allocator (alignment, splitting,
 * coalescing, exhaustion, bad frees), its clean/dirty tracking of free
 * frames (scrubbing, MEMF_zero) and the boot allocator's ranges.
 */
#include <stdlib.h>
#include "harness.h"

#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/mm.h>

static struct heap h;
static struct page_info *frames;
static unsigned char *owned;   /* per frame: handed out by a test */
/*
 * Per frame: a stand-in for its contents, 0 when zeroed.  Frames start
 * as firmware garbage (GARBAGE); a test that owns a frame writes DATA
 * into it; only the heap's scrub_page hook zeroes it.
 */
static unsigned char *mem;
static unsigned long scrubbed;  /* scrub_page calls */
#define GARBAGE 0x55
#define DATA    0xaa

static void fake_scrub_page(unsigned long pfn)
{
    assert_true(pfn >= h.base_pfn && pfn - h.base_pfn < h.nr_pfns);
    mem[pfn - h.base_pfn] = 0;
    scrubbed++;
}

static void new_heap(unsigned long base, unsigned long nr)
{
    free(frames);
    free(owned);
    free(mem);
    frames = calloc(nr, sizeof(*frames));
    owned = calloc(nr, 1);
    mem = malloc(nr);
    assert_non_null(frames);
    assert_non_null(owned);
    assert_non_null(mem);
    memset(mem, GARBAGE, nr);
    scrubbed = 0;
    heap_init(&h, frames, base, nr);
    h.scrub_page = fake_scrub_page;
    test_log_reset();
}

static int teardown(void **state)
{
    free(frames);
    free(owned);
    free(mem);
    frames = NULL;
    owned = NULL;
    mem = NULL;
    return 0;
}

/*
 * Walk the free lists: every entry is a FREE head of its list's order,
 * naturally aligned, inside the heap, not overlapping another free block
 * or an allocated frame; the sizes add up to free_pages.  Dirtiness: each
 * list has its dirty blocks before its clean ones and ends at its tail;
 * frames before a block's first_dirty are clean (and a clean block's
 * frames all are); a free frame without PGF_dirty holds zeroes;
 * dirty_pages counts the free frames with PGF_dirty.
 */
static void check_heap(void)
{
    unsigned char *seen = calloc(h.nr_pfns, 1);
    unsigned long total = 0, dirty = 0;
    unsigned int o;

    assert_non_null(seen);
    for ( o = 0; o <= 2 * MAX_ORDER + 1; o++ )
    {
        bool high = o > MAX_ORDER, clean_seen = false;
        u32 i, prev = PAGE_NIL;

        for ( i = high ? h.free_head_high[o - MAX_ORDER - 1] : h.free_head[o];
              i != PAGE_NIL; i = frames[i].next )
        {
            unsigned long pfn = h.base_pfn + i, k;

            /* Each block on its zone's list. */
            assert_int_equal(pfn >= HEAP_LOW_PFNS, high);

            assert_true(i < h.nr_pfns);
            assert_int_equal(frames[i].state, PGS_FREE);
            assert_int_equal(frames[i].order, high ? o - MAX_ORDER - 1 : o);
            assert_int_equal(frames[i].prev, prev);
            assert_int_equal(pfn & ((1UL << frames[i].order) - 1), 0);
            assert_true(i + (1UL << frames[i].order) <= h.nr_pfns);
            if ( frames[i].first_dirty == DIRTY_NONE )
                clean_seen = true;
            else
            {
                assert_false(clean_seen);       /* dirty after clean */
                assert_true(frames[i].first_dirty <
                            (1UL << frames[i].order));
            }
            for ( k = 0; k < (1UL << frames[i].order); k++ )
            {
                bool d = frames[i + k].flags & PGF_dirty;

                assert_false(seen[i + k]);
                assert_false(owned[i + k]);
                seen[i + k] = 1;
                if ( k < frames[i].first_dirty )
                    assert_false(d);
                if ( d )
                    dirty++;
                else
                    assert_int_equal(mem[i + k], 0);
                if ( k )
                    assert_int_equal(frames[i + k].first_dirty, 0);
            }
            total += 1UL << frames[i].order;
            prev = i;
        }
        assert_int_equal(prev, high ? h.free_tail_high[o - MAX_ORDER - 1]
                                    : h.free_tail[o]);
    }
    assert_int_equal(total, h.free_pages);
    assert_int_equal(dirty, h.dirty_pages);
    free(seen);
}

/* Scrub until nothing is dirty; returns the heap_scrub() calls. */
static unsigned int scrub_all(void)
{
    unsigned int calls = 0;

    while ( h.dirty_pages )
    {
        heap_scrub(&h, 16);
        assert_true(++calls < 1000000);
    }
    return calls;
}

/*
 * A MEMF_zero allocation as the hypervisor's glue makes it: the block,
 * then its dirty frames zeroed.  Every frame must read zero.
 */
static unsigned long alloc_zero_ok(unsigned int order)
{
    unsigned long pfn = heap_alloc_flags(&h, order, MEMF_zero), k;

    assert_true(pfn != INVALID_PFN);
    heap_zero_block(&h, pfn, order);
    for ( k = 0; k < (1UL << order); k++ )
    {
        unsigned long i = pfn - h.base_pfn + k;

        assert_false(owned[i]);
        assert_int_equal(mem[i], 0);
        assert_false(frames[i].flags & PGF_dirty);
        owned[i] = 1;
    }
    return pfn;
}

/* The owner writes its data into a block it holds. */
static void fill(unsigned long pfn, unsigned int order)
{
    memset(mem + pfn - h.base_pfn, DATA, 1UL << order);
}

static unsigned long alloc_ok(unsigned int order)
{
    unsigned long pfn = heap_alloc(&h, order), k;

    assert_true(pfn != INVALID_PFN);
    assert_int_equal(pfn & ((1UL << order) - 1), 0);
    for ( k = 0; k < (1UL << order); k++ )
    {
        assert_false(owned[pfn - h.base_pfn + k]);
        owned[pfn - h.base_pfn + k] = 1;
    }
    return pfn;
}

static void free_ok(unsigned long pfn, unsigned int order)
{
    unsigned long k;

    assert_int_equal(heap_free(&h, pfn, order), 0);
    for ( k = 0; k < (1UL << order); k++ )
        owned[pfn - h.base_pfn + k] = 0;
}

/* ---- clean and dirty free memory ------------------------------------ */

/* Boot RAM is dirty; a freed block is dirty again; counters follow. */
static void test_dirty_after_free(void **state)
{
    unsigned long a, k;

    new_heap(0, 1024);
    heap_add_range(&h, 0, 1024);
    assert_int_equal(h.dirty_pages, 1024);
    assert_int_equal(frames[0].first_dirty, 0);
    check_heap();

    scrub_all();
    assert_int_equal(scrubbed, 1024);
    assert_int_equal(frames[0].first_dirty, DIRTY_NONE);
    check_heap();

    /* Nothing dirty: the scrubber does nothing. */
    assert_int_equal(heap_scrub(&h, 16), 0);
    assert_int_equal(scrubbed, 1024);

    a = alloc_ok(4);
    fill(a, 4);
    assert_int_equal(h.dirty_pages, 0);
    free_ok(a, 4);
    assert_int_equal(h.dirty_pages, 16);
    for ( k = 0; k < 16; k++ )
        assert_true(frames[a + k].flags & PGF_dirty);
    /* Merged back whole, dirty from the freed block on. */
    assert_int_equal(h.free_head[10], 0);
    assert_int_equal(frames[0].first_dirty, a);
    check_heap();

    /* The scrubber is bounded per call and stops when all is clean. */
    assert_int_equal(heap_scrub(&h, 5), 5);
    assert_int_equal(h.dirty_pages, 11);
    assert_int_equal(frames[0].first_dirty, a + 5);
    check_heap();
    scrub_all();
    assert_int_equal(scrubbed, 1024 + 16);
    check_heap();
    assert_int_equal(test_log_lines(), 0);
}

/*
 * MEMF_zero before any scrubbing: the block comes back zeroed, its dirty
 * frames leave the count, the rest of the heap stays dirty and untouched.
 */
static void test_zero_without_scrubber(void **state)
{
    unsigned long a, b, k;

    new_heap(0, 1024);
    heap_add_range(&h, 0, 1024);
    a = alloc_zero_ok(3);
    assert_int_equal(scrubbed, 8);
    assert_int_equal(h.dirty_pages, 1024 - 8);
    for ( k = 0; k < 1024; k++ )
        if ( !owned[k] )
            assert_int_equal(mem[k], GARBAGE);
    check_heap();

    /* A block someone filled and freed is zeroed for the next owner. */
    fill(a, 3);
    free_ok(a, 3);
    b = alloc_zero_ok(3);
    assert_int_equal(b, a);     /* all dirty: the same frames, zeroed */
    fill(b, 3);
    free_ok(b, 3);

    /* Without MEMF_zero the old contents stay (and nothing is zeroed). */
    scrubbed = 0;
    a = alloc_ok(3);
    assert_int_equal(scrubbed, 0);
    assert_int_equal(mem[a], DATA);
    free_ok(a, 3);
    check_heap();
    assert_int_equal(test_log_lines(), 0);
}

/* MEMF_zero takes clean memory when there is some, even a bigger block. */
static void test_zero_prefers_clean(void **state)
{
    unsigned long a, b, b2, c;

    new_heap(0, 64);
    heap_add_range(&h, 0, 64);
    scrub_all();
    a = alloc_ok(5);            /* 32-63 */
    b = alloc_ok(0);            /* 31 */
    b2 = alloc_ok(0);           /* 30, keeps 31 from merging */
    assert_int_equal(b, 31);
    assert_int_equal(b2, 30);
    fill(a, 5);
    fill(b, 0);
    free_ok(b, 0);              /* a dirty order-0 block */
    assert_int_equal(h.dirty_pages, 1);
    check_heap();
    scrubbed = 0;
    c = alloc_zero_ok(0);
    assert_int_equal(c, 29);    /* clean 28-29 split, not dirty 31 */
    assert_int_equal(scrubbed, 0);
    assert_int_equal(h.dirty_pages, 1);
    check_heap();
    /* Without MEMF_zero: dirty first, keeping clean memory for others. */
    b = alloc_ok(0);
    assert_int_equal(mem[b], DATA);
    assert_int_equal(h.dirty_pages, 0);
    check_heap();
    free_ok(a, 5);
    free_ok(b, 0);
    free_ok(b2, 0);
    free_ok(c, 0);
    check_heap();
}

/*
 * Buddies merge exactly: a clean lower and a dirty upper half make a
 * block dirty from the upper half on; a dirty lower and a clean upper
 * one, dirty from the lower's first dirty frame, and only the dirty
 * frames are zeroed when it is handed out.
 */
static void test_merge_clean_and_dirty(void **state)
{
    unsigned long lo, hi;

    new_heap(0, 2);
    heap_add_range(&h, 0, 2);
    scrub_all();
    hi = alloc_ok(0);
    lo = alloc_ok(0);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 1);
    fill(lo, 0);
    fill(hi, 0);

    /* Lower freed and scrubbed (clean), then upper freed (dirty). */
    free_ok(lo, 0);
    scrub_all();
    assert_int_equal(frames[0].first_dirty, DIRTY_NONE);
    free_ok(hi, 0);
    assert_int_equal(h.free_head[1], 0);
    assert_int_equal(frames[0].first_dirty, 1);
    assert_int_equal(h.dirty_pages, 1);
    check_heap();
    scrubbed = 0;
    lo = alloc_zero_ok(1);
    assert_int_equal(scrubbed, 1);
    fill(lo, 1);

    /* The other way round: upper clean, lower dirty. */
    heap_split_inuse(&h, 0);
    free_ok(1, 0);
    scrub_all();
    free_ok(0, 0);
    assert_int_equal(frames[0].first_dirty, 0);
    assert_false(frames[1].flags & PGF_dirty);
    assert_int_equal(h.dirty_pages, 1);
    check_heap();
    scrubbed = 0;
    lo = alloc_zero_ok(1);
    assert_int_equal(scrubbed, 1);
    free_ok(lo, 1);

    /* Both dirty, merged: the whole block, counted twice. */
    assert_int_equal(h.dirty_pages, 2);
    check_heap();
    scrub_all();
    assert_int_equal(frames[0].first_dirty, DIRTY_NONE);
    check_heap();
}

/*
 * A claim (dom0's exact frames) splits a partly scrubbed block: the
 * halves keep exact dirty frames, the claimed frame leaves the count.
 */
static void test_claim_keeps_dirt(void **state)
{
    unsigned long a;

    new_heap(0, 256);
    heap_add_range(&h, 0, 256);
    assert_int_equal(heap_scrub(&h, 100), 100);
    assert_int_equal(h.dirty_pages, 156);
    assert_int_equal(heap_claim(&h, 150, 0), 0);
    owned[150] = 1;
    assert_int_equal(h.dirty_pages, 155);
    check_heap();
    assert_int_equal(heap_claim(&h, 50, 0), 0);
    owned[50] = 1;
    assert_int_equal(h.dirty_pages, 155);
    check_heap();
    free_ok(150, 0);
    free_ok(50, 0);
    check_heap();
    assert_int_equal(h.dirty_pages, 157);
    a = alloc_zero_ok(8);
    assert_int_equal(h.dirty_pages, 0);
    free_ok(a, 8);
    check_heap();
}

/* bootscrub=false: the heap takes its memory as clean. */
static void test_mark_all_clean(void **state)
{
    new_heap(0, 300);
    memset(mem, 0, 300);        /* firmware that zeroes RAM */
    heap_add_range(&h, 1, 300);
    heap_mark_all_clean(&h);
    assert_int_equal(h.dirty_pages, 0);
    check_heap();
    assert_int_equal(heap_scrub(&h, 16), 0);
    alloc_zero_ok(2);
    assert_int_equal(scrubbed, 0);
}

static void test_init_makes_largest_blocks(void **state)
{
    new_heap(0, 4096);
    heap_add_range(&h, 0, 1024);
    assert_int_equal(h.free_pages, 1024);
    assert_int_equal(h.total_pages, 1024);
    assert_int_equal(frames[h.free_head[10]].order, 10);
    assert_int_equal(h.free_head[10], 0);
    check_heap();

    /* Unaligned start: 3, 4-7, 8-15, ... up to 1024 then 1024-1027. */
    new_heap(0, 4096);
    heap_add_range(&h, 3, 1028);
    assert_int_equal(h.free_pages, 1025);
    assert_int_equal(h.free_head[0], 3);
    assert_int_equal(h.free_head[9], 512);
    /* Two order-2 blocks, the last one freed first on the list. */
    assert_int_equal(h.free_head[2], 1024);
    assert_int_equal(frames[1024].next, 4);
    check_heap();
}

static void test_alloc_free_coalesces(void **state)
{
    unsigned long a, b, c;

    new_heap(0, 1024);
    heap_add_range(&h, 0, 1024);
    a = alloc_ok(0);
    b = alloc_ok(0);
    c = alloc_ok(3);
    /* Allocations come from the top, leaving low memory in big blocks. */
    assert_int_equal(a, 1023);
    assert_int_equal(b, 1022);
    assert_int_equal(c, 1008);
    assert_int_equal(h.free_pages, 1024 - 10);
    check_heap();

    free_ok(b, 0);
    free_ok(c, 3);
    free_ok(a, 0);
    /* Back to one order-10 block. */
    assert_int_equal(h.free_pages, 1024);
    assert_int_equal(h.free_head[10], 0);
    for ( unsigned int o = 0; o < 10; o++ )
        assert_int_equal(h.free_head[o], PAGE_NIL);
    check_heap();
}

static void test_alignment_all_orders(void **state)
{
    unsigned long pfns[12];
    unsigned int o;

    /* A heap that starts at an odd, non-zero PFN. */
    new_heap(0x12345, 0x10000);
    heap_add_range(&h, 0x12345, 0x12345 + 0x10000);
    for ( o = 0; o < ARRAY_SIZE(pfns); o++ )
        pfns[o] = alloc_ok(o);      /* alloc_ok asserts the alignment */
    check_heap();
    for ( o = 0; o < ARRAY_SIZE(pfns); o++ )
        free_ok(pfns[o], o);
    assert_int_equal(h.free_pages, 0x10000);
    check_heap();
}

static void test_exhaustion(void **state)
{
    unsigned long pfns[256], pfn;
    unsigned int i;

    new_heap(0, 256);
    heap_add_range(&h, 0, 256);
    for ( i = 0; i < 256; i++ )
        pfns[i] = alloc_ok(0);
    assert_int_equal(h.free_pages, 0);
    assert_true(heap_alloc(&h, 0) == INVALID_PFN);
    assert_true(heap_alloc(&h, 5) == INVALID_PFN);
    check_heap();

    /* Free every other page: order 0 works again, order 1 does not. */
    for ( i = 0; i < 256; i += 2 )
        free_ok(pfns[i], 0);
    assert_true(heap_alloc(&h, 1) == INVALID_PFN);
    pfn = alloc_ok(0);
    free_ok(pfn, 0);
    for ( i = 1; i < 256; i += 2 )
        free_ok(pfns[i], 0);
    assert_int_equal(h.free_head[8], 0);
    check_heap();

    /* Too large for the heap, and beyond MAX_ORDER. */
    assert_true(heap_alloc(&h, 9) == INVALID_PFN);
    assert_true(heap_alloc(&h, MAX_ORDER + 1) == INVALID_PFN);
    assert_int_equal(test_log_lines(), 0);
}

static void test_holes_never_handed_out(void **state)
{
    unsigned long n = 0;

    new_heap(0, 1024);
    heap_add_range(&h, 10, 100);
    heap_add_range(&h, 300, 700);
    heap_add_range(&h, 300, 700);           /* twice: counted once */
    heap_add_range(&h, 1000, 5000);         /* clipped to the heap */
    assert_int_equal(h.free_pages, 90 + 400 + 24);
    assert_int_equal(h.total_pages, 90 + 400 + 24);
    check_heap();

    for ( ; ; )
    {
        unsigned long pfn = heap_alloc(&h, 0);

        if ( pfn == INVALID_PFN )
            break;
        assert_true((pfn >= 10 && pfn < 100) || (pfn >= 300 && pfn < 700) ||
                    pfn >= 1000);
        owned[pfn] = 1;
        n++;
    }
    assert_int_equal(n, 514);
}

/* A bad free prints one line, changes nothing, and the heap still works. */
static void expect_bad_free(unsigned long pfn, unsigned int order,
                            const char *msg)
{
    static struct page_info copy[1024];   /* static: no leak on failure */
    unsigned long free_before = h.free_pages;

    assert_true(h.nr_pfns <= ARRAY_SIZE(copy));
    memcpy(copy, frames, h.nr_pfns * sizeof(*copy));
    test_log_reset();
    assert_int_equal(heap_free(&h, pfn, order), -EINVAL);
    assert_log_contains(msg);
    assert_int_equal(test_log_lines(), 1);
    assert_int_equal(h.free_pages, free_before);
    assert_memory_equal(copy, frames, h.nr_pfns * sizeof(*copy));
    check_heap();
}

static void test_bad_frees(void **state)
{
    unsigned long a, b, c;

    new_heap(0x100, 512);
    heap_add_range(&h, 0x100, 0x200);       /* 0x200-0x300 stays reserved */
    a = alloc_ok(0);
    b = alloc_ok(2);
    c = alloc_ok(0);
    free_ok(c, 0);

    expect_bad_free(c, 0, "double free");
    expect_bad_free(b, 1, "freed with order 1, allocated with order 2");
    expect_bad_free(b + 1, 0, "is not the start of an allocated block");
    expect_bad_free(b + 2, 2, "is not aligned to order 2");
    expect_bad_free(0x50, 0, "is outside the heap");
    expect_bad_free(0x1000, 0, "is outside the heap");
    expect_bad_free(0x2ff, 1, "is outside the heap");   /* runs past it */
    expect_bad_free(0x101, 1, "is not aligned to order 1");
    expect_bad_free(0x200, 0, "is not heap memory");
    expect_bad_free(0x100, MAX_ORDER + 1, "too large");
    /* The head of a free block, and a page inside one. */
    expect_bad_free(0x180, 0, "double free");
    expect_bad_free(0x181, 0, "is not the start of an allocated block");

    /* The real frees still work and everything merges back. */
    free_ok(a, 0);
    free_ok(b, 2);
    assert_int_equal(h.free_pages, 256);
    assert_int_equal(h.free_head[8], 0);
    /* And after merging, the old block is gone for good. */
    expect_bad_free(b, 2, "is not the start of an allocated block");
}

static void test_random_workload(void **state)
{
    enum { N = 300 };
    unsigned long pfn[N];
    unsigned int order[N], i, step;

    new_heap(0, 8192);
    heap_add_range(&h, 1, 8000);
    memset(pfn, 0xff, sizeof(pfn));
    srand(1);
    for ( step = 0; step < 20000; step++ )
    {
        i = rand() % N;
        /* An idle scrubber now and then; half the allocations zeroed. */
        if ( !(rand() % 8) )
            heap_scrub(&h, rand() % 64);
        if ( pfn[i] == INVALID_PFN )
        {
            bool zero = rand() % 2;

            order[i] = rand() % 6;
            pfn[i] = heap_alloc_flags(&h, order[i], zero ? MEMF_zero : 0);
            if ( pfn[i] != INVALID_PFN )
            {
                unsigned long k;

                if ( zero )
                    heap_zero_block(&h, pfn[i], order[i]);
                assert_int_equal(pfn[i] & ((1UL << order[i]) - 1), 0);
                for ( k = 0; k < (1UL << order[i]); k++ )
                {
                    assert_false(owned[pfn[i] + k]);
                    owned[pfn[i] + k] = 1;
                    if ( zero )
                        assert_int_equal(mem[pfn[i] + k], 0);
                }
                fill(pfn[i], order[i]);
            }
        }
        else
        {
            free_ok(pfn[i], order[i]);
            pfn[i] = INVALID_PFN;
        }
        if ( !(step % 1000) )
            check_heap();
    }
    for ( i = 0; i < N; i++ )
        if ( pfn[i] != INVALID_PFN )
            free_ok(pfn[i], order[i]);
    assert_int_equal(h.free_pages, 7999);
    check_heap();
    assert_int_equal(test_log_lines(), 0);
}

/* ---- boot allocator ------------------------------------------------ */

static void expect_regions(const unsigned long *se, unsigned int n)
{
    unsigned int nr, i;
    const struct boot_region *r = boot_regions(&nr);

    if ( nr != n )
        fail_msg("%u regions, want %u", nr, n);
    for ( i = 0; i < n; i++ )
        if ( r[i].s != se[2 * i] || r[i].e != se[2 * i + 1] )
            fail_msg("region %u: [%#lx, %#lx), want [%#lx, %#lx)", i,
                     r[i].s, r[i].e, se[2 * i], se[2 * i + 1]);
}

static void test_boot_ranges_and_reservations(void **state)
{
    boot_pages_reset();
    init_boot_pages(0, 0x9fc00);                /* 0-639K: pfns 0-0x9f */
    init_boot_pages(0x100000, 0x7ffe0000);      /* 1M-2047M */
    init_boot_pages(0x100000000ULL, 0x140000000ULL);
    {
        const unsigned long want[] = { 0, 0x9f, 0x100, 0x7ffe0,
                                       0x100000, 0x140000 };
        expect_regions(want, 3);
    }

    reserve_boot_pages(0, 0x100000);            /* low memory */
    reserve_boot_pages(0x200000, 0x345678);     /* the image: rounds out */
    reserve_boot_pages(0x1000000, 0x1000001);   /* a module's single byte */
    {
        const unsigned long want[] = { 0x100, 0x200, 0x346, 0x1000,
                                       0x1001, 0x7ffe0, 0x100000, 0x140000 };
        expect_regions(want, 4);
    }

    /* Adding RAM that touches a range merges with it. */
    init_boot_pages(0x1000000, 0x1001000);
    {
        const unsigned long want[] = { 0x100, 0x200, 0x346, 0x7ffe0,
                                       0x100000, 0x140000 };
        expect_regions(want, 3);
    }
}

static void test_boot_rounding(void **state)
{
    boot_pages_reset();
    init_boot_pages(0x1800, 0x5800);            /* whole pages 2, 3, 4 */
    {
        const unsigned long want[] = { 2, 5 };
        expect_regions(want, 1);
    }
    init_boot_pages(0x8100, 0x8f00);            /* no whole page */
    reserve_boot_pages(0x2fff, 0x3001);         /* touches pages 2 and 3 */
    {
        const unsigned long want[] = { 4, 5 };
        expect_regions(want, 1);
    }
}

static void test_boot_alloc(void **state)
{
    unsigned long pfn;

    boot_pages_reset();
    init_boot_pages(0x100000, 0x200000);        /* pfns 0x100-0x200 */
    init_boot_pages(0x100000000ULL, 0x100400000ULL); /* 0x100000-0x100400 */

    /* From the top of the highest range below the limit. */
    assert_int_equal(boot_alloc_pfns(1, 1, ~0UL), 0x1003ff);
    assert_int_equal(boot_alloc_pfns(4, 1, 0x100000), 0x1fc);
    /* Aligned: the tail above the block stays free. */
    pfn = boot_alloc_pfns(1, 0x200, ~0UL);
    assert_int_equal(pfn, 0x100200);
    {
        const unsigned long want[] = { 0x100, 0x1fc, 0x100000, 0x100200,
                                       0x100201, 0x1003ff };
        expect_regions(want, 3);
    }
    /* Does not fit anywhere below the limit. */
    assert_true(boot_alloc_pfns(0x100, 1, 0x100000) == INVALID_PFN);
    assert_true(boot_alloc_pfns(0, 1, ~0UL) == INVALID_PFN);
    /* Exactly a whole range: it disappears. */
    assert_int_equal(boot_alloc_pfns(0xfc, 1, 0x100000), 0x100);
    {
        const unsigned long want[] = { 0x100000, 0x100200,
                                       0x100201, 0x1003ff };
        expect_regions(want, 2);
    }
}

/*
 * Low memory (below 1 GiB) is used last: a one-frame fragment there is
 * not taken while there is memory above, even in bigger blocks; then it
 * is, and frees go back to their own zone's lists.
 */
static void test_low_memory_used_last(void **state)
{
    unsigned long nr = HEAP_LOW_PFNS + 4096, pfn, lowfrag;
    unsigned long got[4096];
    unsigned int i;

    new_heap(0, nr);
    heap_add_range(&h, 16, 17);             /* a one-frame fragment */
    heap_add_range(&h, 0x1000, 0x2000);
    heap_add_range(&h, HEAP_LOW_PFNS, nr);
    check_heap();
    lowfrag = 16;

    for ( i = 0; i < 4096; i++ )
    {
        got[i] = alloc_ok(0);
        assert_true(got[i] >= HEAP_LOW_PFNS);
    }
    check_heap();
    /* Now only low memory is left: the fragment, then the rest. */
    pfn = alloc_ok(0);
    assert_int_equal(pfn, lowfrag);
    pfn = alloc_ok(4);
    assert_true(pfn >= 0x1000 && pfn < 0x2000);
    free_ok(lowfrag, 0);
    free_ok(pfn, 4);
    for ( i = 0; i < 4096; i++ )
        free_ok(got[i], 0);
    check_heap();
    /* Everything merged back: one 4096-frame block above the line. */
    assert_int_equal(frames[HEAP_LOW_PFNS].order, 12);
    assert_int_equal(h.free_head_high[12], HEAP_LOW_PFNS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_low_memory_used_last, teardown),
        cmocka_unit_test_teardown(test_init_makes_largest_blocks, teardown),
        cmocka_unit_test_teardown(test_alloc_free_coalesces, teardown),
        cmocka_unit_test_teardown(test_alignment_all_orders, teardown),
        cmocka_unit_test_teardown(test_exhaustion, teardown),
        cmocka_unit_test_teardown(test_holes_never_handed_out, teardown),
        cmocka_unit_test_teardown(test_bad_frees, teardown),
        cmocka_unit_test_teardown(test_random_workload, teardown),
        cmocka_unit_test_teardown(test_dirty_after_free, teardown),
        cmocka_unit_test_teardown(test_zero_without_scrubber, teardown),
        cmocka_unit_test_teardown(test_zero_prefers_clean, teardown),
        cmocka_unit_test_teardown(test_merge_clean_and_dirty, teardown),
        cmocka_unit_test_teardown(test_claim_keeps_dirt, teardown),
        cmocka_unit_test_teardown(test_mark_all_clean, teardown),
        cmocka_unit_test(test_boot_ranges_and_reservations),
        cmocka_unit_test(test_boot_rounding),
        cmocka_unit_test(test_boot_alloc),
    };

    return cmocka_run_group_tests_name("page_alloc", tests, NULL, NULL);
}
