/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memory_op (xen/common/memory.c) and hvm_op (xen/arch/x86/hvm/hvmop.c)
 * on a fake machine: frames 0x100-0x8ff, a p2m of 4 KiB entries and
 * 64 KiB of guest memory at GUEST_VA (everything else faults).
 */
#include <string.h>
#include "harness.h"
#include "stubs.h"

#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/grant_table.h>
#include <xen/event.h>
#include <public/memory.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <asm/e820.h>
#include <asm/hvm/domain.h>

static struct domain *dom0, *domu;

static int setup(void **state)
{
    fake_reset();
    dom0 = mkdom(0, true, 2);
    domu = mkdom(1, false, 1);
    return 0;
}

/* Every memory_op/hvm_op dropped the references its lookups took. */
static int teardown(void **state)
{
    fake_check_refs();
    return 0;
}

static long memop(struct domain *d, unsigned long cmd, unsigned long arg)
{
    return do_memory_op_vcpu(d->vcpu[0], cmd, arg);
}

static long hvmop(struct domain *d, unsigned long op, unsigned long arg)
{
    return do_hvm_op_vcpu(d->vcpu[0], op, arg);
}

/* ---- memory maps ---- */

static void test_memory_map_copy(void **state)
{
    struct e820entry map[3] = {
        { 0, 0x9f000, E820_RAM },
        { 0x100000, 0x100000, E820_RAM },
        { 0xfec00000, 0x1000, E820_RESERVED },
    };
    struct xen_memory_map *m = gmem(GVA(0));
    struct e820entry *out = gmem(GVA(0x100));

    /* A domU without a map set has none (Xen: -ENOSYS). */
    m->nr_entries = 8;
    m->buffer = GVA(0x100);
    assert_int_equal(memop(domu, XENMEM_memory_map, GVA(0)), -ENOSYS);

    assert_int_equal(memory_set_domain_map(domu, map, 3), 0);
    assert_int_equal(memop(domu, XENMEM_memory_map, GVA(0)), 0);
    assert_int_equal(m->nr_entries, 3);
    assert_memory_equal(out, map, sizeof(map));

    /* Less room: the first entries, and the count says how many. */
    memset(out, 0, 3 * sizeof(*out));
    m->nr_entries = 2;
    assert_int_equal(memop(domu, XENMEM_memory_map, GVA(0)), 0);
    assert_int_equal(m->nr_entries, 2);
    assert_memory_equal(out, map, 2 * sizeof(*out));
    assert_int_equal(out[2].size, 0);

    /* Bad pointers. */
    m->nr_entries = 3;
    m->buffer = GVA(GUEST_MEM_SIZE - 20);
    assert_int_equal(memop(domu, XENMEM_memory_map, GVA(0)), -EFAULT);
    assert_int_equal(memop(domu, XENMEM_memory_map, 0x1000), -EFAULT);
    assert_int_equal(memory_set_domain_map(domu, map, E820MAX + 1),
                     -EINVAL);
}

static void test_memory_map_hwdom_rebuilt(void **state)
{
    struct xen_memory_map *m = gmem(GVA(0));
    struct e820entry *out = gmem(GVA(0x100));
    unsigned long g;
    bool found = false;
    int i;

    /* dom0 has frames 0x200-0x27f 1:1; the rest of host RAM is not its. */
    for ( g = 0x200; g < 0x280; g++ )
        give_exact(dom0, g, g);
    m->nr_entries = 16;
    m->buffer = GVA(0x100);
    assert_int_equal(memop(dom0, XENMEM_memory_map, GVA(0)), 0);
    assert_true(m->nr_entries >= 3);
    for ( i = 0; i < (int)m->nr_entries; i++ )
    {
        if ( out[i].type == E820_RAM )
        {
            assert_false(found);
            found = true;
            assert_int_equal(out[i].addr, 0x200000);
            assert_int_equal(out[i].size, 0x80000);
        }
        if ( out[i].addr == 0xfec00000 )
            assert_int_equal(out[i].type, E820_RESERVED);
        if ( out[i].addr == 0x100000 )
            assert_int_equal(out[i].type, E820_UNUSABLE);
    }
    assert_true(found);

    /* The snapshot stays: ballooning a page out does not change it. */
    {
        struct xen_memory_reservation *r = gmem(GVA(0x1000));
        xen_pfn_t *list = gmem(GVA(0x2000));

        list[0] = 0x210;
        *r = (struct xen_memory_reservation){ .extent_start = GVA(0x2000),
            .nr_extents = 1, .domid = DOMID_SELF };
        assert_int_equal(memop(dom0, XENMEM_decrease_reservation,
                               GVA(0x1000)), 1);
    }
    m->nr_entries = 16;
    assert_int_equal(memop(dom0, XENMEM_memory_map, GVA(0)), 0);
    for ( i = 0; i < (int)m->nr_entries; i++ )
        if ( out[i].type == E820_RAM )
            assert_int_equal(out[i].size, 0x80000);
}

static void test_machine_memory_map(void **state)
{
    struct xen_memory_map *m = gmem(GVA(0));
    struct e820entry *out = gmem(GVA(0x100));

    m->nr_entries = 8;
    m->buffer = GVA(0x100);
    assert_int_equal(memop(domu, XENMEM_machine_memory_map, GVA(0)),
                     -EPERM);
    m->nr_entries = 2;
    assert_int_equal(memop(dom0, XENMEM_machine_memory_map, GVA(0)),
                     -EINVAL);
    m->buffer = 0;
    assert_int_equal(memop(dom0, XENMEM_machine_memory_map, GVA(0)), 0);
    assert_int_equal(m->nr_entries, 3);
    m->nr_entries = 8;
    m->buffer = GVA(0x100);
    assert_int_equal(memop(dom0, XENMEM_machine_memory_map, GVA(0)), 0);
    assert_int_equal(m->nr_entries, 3);
    assert_memory_equal(out, e820.map, 3 * sizeof(*out));
}

/* ---- add_to_physmap ---- */

static void test_shared_info(void **state)
{
    struct xen_add_to_physmap *x = gmem(GVA(0));
    unsigned long si = virt_to_maddr(dom0->shared_info) >> 12;
    unsigned long old = give_page(dom0, 0x10);
    unsigned long pages = dom0->tot_pages;
    p2m_type_t t;

    *x = (struct xen_add_to_physmap){ .domid = DOMID_SELF,
        .space = XENMAPSPACE_shared_info, .idx = 0, .gpfn = 0x10 };
    assert_int_equal(memop(dom0, XENMEM_add_to_physmap, GVA(0)), 0);
    assert_int_equal(fake_p2m_get(dom0, 0x10, &t), si);
    assert_int_equal(t, p2m_ram_rw);
    /* The RAM page it replaced went back to the heap, after a flush. */
    assert_true(frame_is_free(old));
    assert_int_equal(dom0->tot_pages, pages - 1);
    assert_true(nr_tlb_flushes > 0);
    assert_int_equal(nr_kicks, 2);
    assert_log_contains("d0: shared_info at gfn 0x10");
    /* Its time fields are made valid: the wallclock and both vCPUs. */
    assert_int_equal(nr_time_updates, 3);

    /* Moving it leaves a hole at the old place. */
    x->gpfn = 0x20;
    assert_int_equal(memop(dom0, XENMEM_add_to_physmap, GVA(0)), 0);
    assert_int_equal(fake_p2m_get(dom0, 0x20, &t), si);
    assert_int_equal(fake_p2m_get(dom0, 0x10, &t), INVALID_MFN);
    assert_int_equal(t, p2m_invalid);

    /* idx must be 0; emulated pages cannot be replaced. */
    x->idx = 1;
    assert_int_equal(memop(dom0, XENMEM_add_to_physmap, GVA(0)), -EINVAL);
    x->idx = 0;
    fake_p2m_set(dom0, 0x30, INVALID_MFN, p2m_io_forward);
    x->gpfn = 0x30;
    assert_int_equal(memop(dom0, XENMEM_add_to_physmap, GVA(0)), -EBUSY);

    /* Another domain's physmap: privileged callers only. */
    x->domid = 0;
    x->gpfn = 0x40;
    assert_int_equal(memop(domu, XENMEM_add_to_physmap, GVA(0)), -EPERM);
    x->domid = 7;
    assert_int_equal(memop(dom0, XENMEM_add_to_physmap, GVA(0)), -ESRCH);
    assert_int_equal(memop(dom0, XENMEM_add_to_physmap, 0), -EFAULT);
}

static void test_kernel_block_frames_kept(void **state)
{
    struct xen_add_to_physmap *x = gmem(GVA(0));
    unsigned long g, pages;
    p2m_type_t t;

    /* A kernel segment: one order-2 block, mapped 1:1. */
    assert_non_null(alloc_domheap_exact(dom0, 0x300, 2));
    for ( g = 0x300; g < 0x304; g++ )
        fake_p2m_set(dom0, g, g, p2m_ram_rw);
    pages = dom0->tot_pages;
    *x = (struct xen_add_to_physmap){ .domid = DOMID_SELF,
        .space = XENMAPSPACE_shared_info, .gpfn = 0x301 };
    assert_int_equal(memop(dom0, XENMEM_add_to_physmap, GVA(0)), 0);
    /* Part of a larger block: unmapped but still dom0's (no bad free). */
    assert_int_equal(dom0->tot_pages, pages);
    assert_false(frame_is_free(0x301));
    assert_int_equal(fake_p2m_get(dom0, 0x300, &t), 0x300);
    assert_false(test_log_contains("Bad page free"));
}

static void test_grant_frames(void **state)
{
    struct xen_add_to_physmap *x = gmem(GVA(0));
    unsigned long mfn;
    p2m_type_t t;

    *x = (struct xen_add_to_physmap){ .domid = DOMID_SELF,
        .space = XENMAPSPACE_grant_table, .idx = 1, .gpfn = 0x50 };
    assert_int_equal(memop(domu, XENMEM_add_to_physmap, GVA(0)), 0);
    mfn = virt_to_maddr(domu->grant_table->shared[1]) >> 12;
    assert_int_equal(fake_p2m_get(domu, 0x50, &t), mfn);
    assert_int_equal(domu->grant_table->frame_gfn[1], 0x50);
    /* Remapped elsewhere: the old gfn is dropped. */
    x->gpfn = 0x51;
    assert_int_equal(memop(domu, XENMEM_add_to_physmap, GVA(0)), 0);
    assert_int_equal(fake_p2m_get(domu, 0x50, &t), INVALID_MFN);
    assert_int_equal(domu->grant_table->frame_gfn[1], 0x51);
    x->idx = 4;
    assert_int_equal(memop(domu, XENMEM_add_to_physmap, GVA(0)), -EINVAL);
    x->idx = XENMAPIDX_grant_table_status;
    assert_int_equal(memop(domu, XENMEM_add_to_physmap, GVA(0)), -EINVAL);
}

static void test_gmfn_move_and_range(void **state)
{
    struct xen_add_to_physmap *x = gmem(GVA(0));
    unsigned long a = give_page(domu, 0x60), b = give_page(domu, 0x61);
    p2m_type_t t;

    *x = (struct xen_add_to_physmap){ .domid = DOMID_SELF,
        .space = XENMAPSPACE_gmfn_range, .size = 2, .idx = 0x60,
        .gpfn = 0x70 };
    assert_int_equal(memop(domu, XENMEM_add_to_physmap, GVA(0)), 0);
    assert_int_equal(fake_p2m_get(domu, 0x70, &t), a);
    assert_int_equal(fake_p2m_get(domu, 0x71, &t), b);
    assert_int_equal(fake_p2m_get(domu, 0x60, &t), INVALID_MFN);
    /* Nothing to move at an empty gfn; foreign needs the batch. */
    x->space = XENMAPSPACE_gmfn;
    x->idx = 0x60;
    assert_int_equal(memop(domu, XENMEM_add_to_physmap, GVA(0)), -EINVAL);
    x->space = XENMAPSPACE_gmfn_foreign;
    assert_int_equal(memop(domu, XENMEM_add_to_physmap, GVA(0)), -EINVAL);
    x->space = 99;
    assert_int_equal(memop(domu, XENMEM_add_to_physmap, GVA(0)),
                     -EOPNOTSUPP);
}

static void batch(struct xen_add_to_physmap_batch *b, unsigned int n)
{
    *b = (struct xen_add_to_physmap_batch){ .domid = DOMID_SELF,
        .space = XENMAPSPACE_gmfn_foreign, .size = n,
        .u.foreign_domid = 1, .idxs = GVA(0x100), .gpfns = GVA(0x200),
        .errs = GVA(0x300) };
}

static void test_foreign_batch(void **state)
{
    struct xen_add_to_physmap_batch *b = gmem(GVA(0));
    xen_ulong_t *idxs = gmem(GVA(0x100));
    xen_pfn_t *gpfns = gmem(GVA(0x200));
    int *errs = gmem(GVA(0x300));
    unsigned long f0 = give_page(domu, 0x80), f2 = give_page(domu, 0x82);
    p2m_type_t t;

    idxs[0] = 0x80; gpfns[0] = 0x90;
    idxs[1] = 0x81; gpfns[1] = 0x91;       /* nothing there */
    idxs[2] = 0x82; gpfns[2] = 0x92;
    errs[0] = errs[1] = errs[2] = 12345;
    batch(b, 3);
    assert_int_equal(memop(dom0, XENMEM_add_to_physmap_batch, GVA(0)), 0);
    assert_int_equal(errs[0], 0);
    assert_int_equal(errs[1], -EINVAL);
    assert_int_equal(errs[2], 0);
    assert_int_equal(fake_p2m_get(dom0, 0x90, &t), f0);
    assert_int_equal(t, p2m_foreign);
    assert_int_equal(fake_p2m_get(dom0, 0x92, &t), f2);
    assert_int_equal(fake_p2m_get(dom0, 0x91, &t), INVALID_MFN);
    /* Each foreign entry holds a reference; mapping again takes none. */
    assert_int_equal(mfn_to_page(f0)->count_info, 1);
    assert_int_equal(mfn_to_page(f2)->count_info, 1);
    batch(b, 1);
    assert_int_equal(memop(dom0, XENMEM_add_to_physmap_batch, GVA(0)), 0);
    assert_int_equal(errs[0], 0);
    assert_int_equal(mfn_to_page(f0)->count_info, 1);

    /* Only privileged callers; not their own memory; domain must exist. */
    b->u.foreign_domid = 0;
    b->domid = DOMID_SELF;
    assert_int_equal(memop(domu, XENMEM_add_to_physmap_batch, GVA(0)),
                     -EPERM);
    assert_int_equal(memop(dom0, XENMEM_add_to_physmap_batch, GVA(0)),
                     -EINVAL);
    b->u.foreign_domid = 9;
    assert_int_equal(memop(dom0, XENMEM_add_to_physmap_batch, GVA(0)),
                     -ESRCH);
    /* Bounded size; a bad errs array stops with -EFAULT. */
    batch(b, 4097);
    assert_int_equal(memop(dom0, XENMEM_add_to_physmap_batch, GVA(0)),
                     -E2BIG);
    batch(b, 1);
    b->errs = 0x10;
    assert_int_equal(memop(dom0, XENMEM_add_to_physmap_batch, GVA(0)),
                     -EFAULT);
    batch(b, 1);
    b->space = XENMAPSPACE_gmfn_range;
    assert_int_equal(memop(dom0, XENMEM_add_to_physmap_batch, GVA(0)),
                     -EINVAL);

    /* remove_from_physmap drops the foreign entry, frees nothing. */
    {
        struct xen_remove_from_physmap *r = gmem(GVA(0x400));

        *r = (struct xen_remove_from_physmap){ DOMID_SELF, 0x90 };
        assert_int_equal(memop(dom0, XENMEM_remove_from_physmap,
                               GVA(0x400)), 0);
        assert_int_equal(fake_p2m_get(dom0, 0x90, &t), INVALID_MFN);
        assert_false(frame_is_free(f0));
        assert_int_equal(mfn_to_page(f0)->count_info, 0);
        assert_int_equal(fake_p2m_get(domu, 0x80, &t), f0);
        assert_int_equal(memop(dom0, XENMEM_remove_from_physmap,
                               GVA(0x400)), -ENOENT);
    }
}

/*
 * A frame its owner gives up while dom0 maps it stays allocated (and
 * counted) until the mapping goes; a dying domain's frames cannot be
 * mapped at all.
 */
static void test_foreign_ref_keeps_frame(void **state)
{
    struct xen_add_to_physmap_batch *b = gmem(GVA(0));
    xen_ulong_t *idxs = gmem(GVA(0x100));
    xen_pfn_t *gpfns = gmem(GVA(0x200));
    int *errs = gmem(GVA(0x300));
    struct xen_remove_from_physmap *r = gmem(GVA(0x400));
    unsigned long f = give_page(domu, 0x80), pages;
    p2m_type_t t;

    idxs[0] = 0x80; gpfns[0] = 0x90;
    batch(b, 1);
    assert_int_equal(memop(dom0, XENMEM_add_to_physmap_batch, GVA(0)), 0);
    assert_int_equal(errs[0], 0);
    pages = domu->tot_pages;

    *r = (struct xen_remove_from_physmap){ 1, 0x80 };
    assert_int_equal(memop(dom0, XENMEM_remove_from_physmap, GVA(0x400)),
                     0);
    assert_false(frame_is_free(f));
    assert_int_equal(domu->tot_pages, pages);
    assert_int_equal(fake_p2m_get(dom0, 0x90, &t), f);

    /* Dying: not found any more (domain_kill is freeing its frames). */
    give_page(domu, 0x81);
    domu->is_dying = true;
    idxs[0] = 0x81; gpfns[0] = 0x91;
    assert_int_equal(memop(dom0, XENMEM_add_to_physmap_batch, GVA(0)),
                     -ESRCH);
    assert_int_equal(fake_p2m_get(dom0, 0x91, &t), INVALID_MFN);
    domu->is_dying = false;

    *r = (struct xen_remove_from_physmap){ DOMID_SELF, 0x90 };
    assert_int_equal(memop(dom0, XENMEM_remove_from_physmap, GVA(0x400)),
                     0);
    assert_int_equal(mfn_to_page(f)->count_info, 0);
}

/*
 * The domain builder's grant seeding (dom0 puts domu's grant frame 0 in
 * domu's physmap, maps it as a foreign page, then removes both), then
 * the guest's own ways of giving the frame up: only the mappings and
 * their references go; the frame stays the grant table's, is never
 * freed to the heap and never counted in tot_pages.
 */
static void test_grant_frame_not_freed(void **state)
{
    struct xen_add_to_physmap_batch *b = gmem(GVA(0));
    xen_ulong_t *idxs = gmem(GVA(0x100));
    xen_pfn_t *gpfns = gmem(GVA(0x200));
    int *errs = gmem(GVA(0x300));
    struct xen_remove_from_physmap *r = gmem(GVA(0x400));
    struct xen_add_to_physmap *x = gmem(GVA(0x500));
    unsigned long *list = gmem(GVA(0x1000));
    unsigned long f, pages = domu->tot_pages;
    struct page_info *pg;
    p2m_type_t t;

    /* dom0: XENMEM_add_to_physmap(domu, grant_table, 0, 0x70). */
    *x = (struct xen_add_to_physmap){ .domid = 1,
        .space = XENMAPSPACE_grant_table, .idx = 0, .gpfn = 0x70 };
    assert_int_equal(memop(dom0, XENMEM_add_to_physmap, GVA(0x500)), 0);
    f = virt_to_maddr(domu->grant_table->shared[0]) >> 12;
    pg = mfn_to_page(f);
    assert_ptr_equal(page_get_owner(f), domu);
    assert_true(page_is_xen_shared(f));
    assert_int_equal(pg->count_info, 2);          /* table + gfn 0x70 */
    assert_int_equal(domu->tot_pages, pages);
    /* dom0 maps it as a foreign page: owned by domu, so that works. */
    idxs[0] = 0x70; gpfns[0] = 0x95;
    batch(b, 1);
    assert_int_equal(memop(dom0, XENMEM_add_to_physmap_batch, GVA(0)), 0);
    assert_int_equal(errs[0], 0);
    assert_int_equal(fake_p2m_get(dom0, 0x95, &t), f);
    assert_int_equal(t, p2m_foreign);
    assert_int_equal(pg->count_info, 3);
    *r = (struct xen_remove_from_physmap){ DOMID_SELF, 0x95 };
    assert_int_equal(memop(dom0, XENMEM_remove_from_physmap, GVA(0x400)),
                     0);
    *r = (struct xen_remove_from_physmap){ 1, 0x70 };
    assert_int_equal(memop(dom0, XENMEM_remove_from_physmap, GVA(0x400)),
                     0);
    assert_int_equal(fake_p2m_get(domu, 0x70, &t), INVALID_MFN);
    assert_int_equal(domu->grant_table->frame_gfn[0], INVALID_GFN);
    assert_int_equal(pg->count_info, 1);
    assert_false(frame_is_free(f));
    assert_int_equal(domu->tot_pages, pages);

    /* The guest maps it and gives it up with decrease_reservation. */
    x->domid = DOMID_SELF;
    x->gpfn = 0x71;
    assert_int_equal(memop(domu, XENMEM_add_to_physmap, GVA(0x500)), 0);
    assert_int_equal(pg->count_info, 2);
    *(struct xen_memory_reservation *)gmem(GVA(0)) =
        (struct xen_memory_reservation){ .extent_start = GVA(0x1000),
            .nr_extents = 1, .extent_order = 0, .domid = DOMID_SELF };
    list[0] = 0x71;
    nr_frame_unmaps = 0;
    assert_int_equal(memop(domu, XENMEM_decrease_reservation, GVA(0)), 1);
    assert_int_equal(nr_frame_unmaps, 1);
    assert_int_equal(fake_p2m_get(domu, 0x71, &t), INVALID_MFN);
    assert_false(frame_is_free(f));
    assert_int_equal(pg->count_info, 1);
    assert_int_equal(domu->tot_pages, pages);

    /* ... with remove_from_physmap. */
    x->gpfn = 0x72;
    assert_int_equal(memop(domu, XENMEM_add_to_physmap, GVA(0x500)), 0);
    *r = (struct xen_remove_from_physmap){ DOMID_SELF, 0x72 };
    assert_int_equal(memop(domu, XENMEM_remove_from_physmap, GVA(0x400)),
                     0);
    assert_false(frame_is_free(f));
    assert_int_equal(pg->count_info, 1);

    /* ... by moving it as ordinary RAM (refused), or mapping over it. */
    x->gpfn = 0x73;
    assert_int_equal(memop(domu, XENMEM_add_to_physmap, GVA(0x500)), 0);
    *x = (struct xen_add_to_physmap){ .domid = DOMID_SELF,
        .space = XENMAPSPACE_gmfn, .idx = 0x73, .gpfn = 0x74 };
    assert_int_equal(memop(domu, XENMEM_add_to_physmap, GVA(0x500)),
                     -EINVAL);
    assert_int_equal(fake_p2m_get(domu, 0x73, &t), f);
    *x = (struct xen_add_to_physmap){ .domid = DOMID_SELF,
        .space = XENMAPSPACE_grant_table, .idx = 1, .gpfn = 0x73 };
    assert_int_equal(memop(domu, XENMEM_add_to_physmap, GVA(0x500)), 0);
    assert_int_equal(domu->grant_table->frame_gfn[0], INVALID_GFN);
    assert_int_equal(domu->grant_table->frame_gfn[1], 0x73);
    assert_false(frame_is_free(f));
    assert_int_equal(pg->count_info, 1);
    assert_int_equal(domu->tot_pages, pages);
    assert_false(test_log_contains("Bad page free"));

    /* A dying domain's frame takes no new mapping: the entry is undone. */
    domu->is_dying = true;
    x->idx = 0;
    x->gpfn = 0x75;
    assert_int_equal(memop(domu, XENMEM_add_to_physmap, GVA(0x500)),
                     -EINVAL);
    assert_int_equal(fake_p2m_get(domu, 0x75, &t), INVALID_MFN);
    assert_int_equal(pg->count_info, 1);
    domu->is_dying = false;
}

static void test_remove_ram(void **state)
{
    struct xen_remove_from_physmap *r = gmem(GVA(0));
    unsigned long f = give_page(domu, 0xa0);
    unsigned long pages = domu->tot_pages;
    p2m_type_t t;

    *r = (struct xen_remove_from_physmap){ DOMID_SELF, 0xa0 };
    assert_int_equal(memop(domu, XENMEM_remove_from_physmap, GVA(0)), 0);
    assert_true(frame_is_free(f));
    assert_int_equal(domu->tot_pages, pages - 1);
    assert_int_equal(fake_p2m_get(domu, 0xa0, &t), INVALID_MFN);
    fake_p2m_set(domu, 0xa1, 0x5000, p2m_grant_map_rw);
    r->gpfn = 0xa1;
    assert_int_equal(memop(domu, XENMEM_remove_from_physmap, GVA(0)),
                     -EINVAL);
}

/* ---- reservations ---- */

static struct xen_memory_reservation *resv(unsigned long nr,
                                           unsigned int order)
{
    struct xen_memory_reservation *r = gmem(GVA(0));

    *r = (struct xen_memory_reservation){ .extent_start = GVA(0x1000),
        .nr_extents = nr, .extent_order = order, .domid = DOMID_SELF };
    return r;
}

static void test_balloon_identity(void **state)
{
    xen_pfn_t *list = gmem(GVA(0x1000));
    unsigned long g, pages;
    p2m_type_t t;

    for ( g = 0x400; g < 0x410; g++ )
        give_exact(dom0, g, g);
    pages = dom0->tot_pages;
    list[0] = 0x400; list[1] = 0x401; list[2] = 0x405;
    resv(3, 0);
    assert_int_equal(memop(dom0, XENMEM_decrease_reservation, GVA(0)), 3);
    assert_int_equal(dom0->tot_pages, pages - 3);
    assert_true(frame_is_free(0x401));
    assert_int_equal(fake_p2m_get(dom0, 0x405, &t), INVALID_MFN);
    /* A gfn with nothing stops the batch there (a short count). */
    list[0] = 0x406; list[1] = 0x405; list[2] = 0x407;
    assert_int_equal(memop(dom0, XENMEM_decrease_reservation, GVA(0)), 1);

    /* Populate back: the same frames while they are free (gfn == mfn). */
    list[0] = 0x400; list[1] = 0x401;
    resv(2, 0);
    memset(maddr_to_virt(0x401000), 0x55, 4096);
    assert_int_equal(memop(dom0, XENMEM_populate_physmap, GVA(0)), 2);
    assert_int_equal(fake_p2m_get(dom0, 0x400, &t), 0x400);
    assert_int_equal(t, p2m_ram_rw);
    assert_int_equal(fake_p2m_get(dom0, 0x401, &t), 0x401);
    /* Fresh frames are zeroed. */
    assert_int_equal(((unsigned char *)maddr_to_virt(0x401000))[17], 0);

    /* Frame 0x405 taken by someone else: any free frame will do. */
    assert_non_null(alloc_domheap_exact(domu, 0x405, 0));
    list[0] = 0x405;
    resv(1, 0);
    assert_int_equal(memop(dom0, XENMEM_populate_physmap, GVA(0)), 1);
    assert_int_not_equal(fake_p2m_get(dom0, 0x405, &t), 0x405);
    assert_int_equal(t, p2m_ram_rw);

    /* Never over something mapped. */
    list[0] = 0x402;
    assert_int_equal(memop(dom0, XENMEM_populate_physmap, GVA(0)), 0);
}

static void test_reservation_limits(void **state)
{
    struct xen_memory_reservation *r;
    xen_pfn_t *list = gmem(GVA(0x1000));
    unsigned long i;

    /* Orders above 2 MiB: nothing done. */
    r = resv(1, MEMOP_MAX_GUEST_ORDER + 1);
    list[0] = 0;
    assert_int_equal(memop(domu, XENMEM_populate_physmap, GVA(0)), 0);
    /* Misaligned extent. */
    r = resv(1, 1);
    list[0] = 0x801;
    assert_int_equal(memop(domu, XENMEM_populate_physmap, GVA(0)), 0);
    /* An order-1 extent, then given back as one block. */
    list[0] = 0x800;
    assert_int_equal(memop(domu, XENMEM_populate_physmap, GVA(0)), 1);
    assert_int_equal(domu->tot_pages, 2);
    assert_int_equal(memop(domu, XENMEM_decrease_reservation, GVA(0)), 1);
    assert_int_equal(domu->tot_pages, 0);

    /* At most MEMOP_MAX_EXTENTS per call; the cmd carries the restart. */
    r = resv(1100, 0);
    for ( i = 0; i < 1100; i++ )
        list[i] = 0x900 + i;
    assert_int_equal(memop(domu, XENMEM_populate_physmap, GVA(0)),
                     MEMOP_MAX_EXTENTS);
    assert_int_equal(memop(domu, XENMEM_populate_physmap |
                           (MEMOP_MAX_EXTENTS << MEMOP_EXTENT_SHIFT),
                           GVA(0)), 1100);
    assert_int_equal(domu->tot_pages, 1100);
    /* A start beyond the count does nothing. */
    assert_int_equal(memop(domu, XENMEM_populate_physmap |
                           (2000UL << MEMOP_EXTENT_SHIFT), GVA(0)), 2000);
    /* max_pages bounds populate: a short count. */
    domu->max_pages = 1101;
    r = resv(3, 0);
    list[0] = 0x10; list[1] = 0x11; list[2] = 0x12;
    assert_int_equal(memop(domu, XENMEM_populate_physmap, GVA(0)), 1);
    /* The list must be readable; PoD is refused. */
    r->extent_start = 0x123;
    assert_int_equal(memop(domu, XENMEM_populate_physmap, GVA(0)), 0);
    r = resv(1, 0);
    r->mem_flags = XENMEMF_populate_on_demand;
    assert_int_equal(memop(domu, XENMEM_populate_physmap, GVA(0)), 0);
    /* Others' reservations: privileged only. */
    r = resv(1, 0);
    r->domid = 0;
    assert_int_equal(memop(domu, XENMEM_populate_physmap, GVA(0)), -EPERM);
    assert_int_equal(memop(domu, XENMEM_decrease_reservation, 0), -EFAULT);
}

static void test_increase_reservation(void **state)
{
    xen_pfn_t *list = gmem(GVA(0x1000));
    p2m_type_t t;

    resv(2, 0);
    assert_int_equal(memop(domu, XENMEM_increase_reservation, GVA(0)),
                     -EOPNOTSUPP);
    assert_int_equal(memop(dom0, XENMEM_increase_reservation, GVA(0)), 2);
    assert_int_not_equal(list[0], list[1]);
    assert_int_equal(fake_p2m_get(dom0, list[0], &t), list[0]);
    assert_int_equal(fake_p2m_get(dom0, list[1], &t), list[1]);
}

static void test_queries(void **state)
{
    domid_t *id = gmem(GVA(0));
    long max_page = (FAKE_MFN_BASE + NR_FAKE_FRAMES);

    give_page(domu, 0x33);
    domu->max_pages = 77;
    *id = DOMID_SELF;
    assert_int_equal(memop(domu, XENMEM_current_reservation, GVA(0)), 1);
    assert_int_equal(memop(domu, XENMEM_maximum_reservation, GVA(0)), 77);
    assert_int_equal(memop(domu, XENMEM_maximum_gpfn, GVA(0)), 0x33);
    assert_int_equal(memop(domu, XENMEM_maximum_ram_page, 0), max_page);
    *id = 1;
    assert_int_equal(memop(dom0, XENMEM_current_reservation, GVA(0)), 1);
    *id = 0;
    assert_int_equal(memop(domu, XENMEM_current_reservation, GVA(0)),
                     -EPERM);
    *id = 5;
    assert_int_equal(memop(dom0, XENMEM_current_reservation, GVA(0)),
                     -ESRCH);
    assert_int_equal(memop(dom0, XENMEM_current_reservation, 8), -EFAULT);
    /* Unknown commands: -ENOSYS, logged once. */
    assert_int_equal(memop(dom0, XENMEM_exchange, GVA(0)), -ENOSYS);
    assert_int_equal(memop(dom0, XENMEM_exchange, GVA(0)), -ENOSYS);
    assert_int_equal(test_log_count("memory_op 11 not implemented"), 1);
}

/* ---- hvm_op ---- */

static struct xen_hvm_param *param(domid_t domid, u32 index, u64 value)
{
    struct xen_hvm_param *p = gmem(GVA(0));

    *p = (struct xen_hvm_param){ .domid = domid, .index = index,
                                 .value = value };
    return p;
}

static void test_params(void **state)
{
    struct xen_hvm_param *p;
    u64 via = (2ULL << 56) | 0xf3;

    p = param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, via);
    assert_int_equal(hvmop(domu, HVMOP_set_param, GVA(0)), 0);
    p = param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, 0);
    assert_int_equal(hvmop(domu, HVMOP_get_param, GVA(0)), 0);
    assert_int_equal(p->value, via);
    /* Bad callbacks: vector < 16, junk bits, unknown type. */
    param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, (2ULL << 56) | 0x0f);
    assert_int_equal(hvmop(domu, HVMOP_set_param, GVA(0)), -EINVAL);
    param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, (2ULL << 56) | 0x1f3);
    assert_int_equal(hvmop(domu, HVMOP_set_param, GVA(0)), -EINVAL);
    param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, 3ULL << 56);
    assert_int_equal(hvmop(domu, HVMOP_set_param, GVA(0)), -EINVAL);

    /* Toolstack parameters: not by the guest itself, fine by dom0. */
    param(DOMID_SELF, HVM_PARAM_STORE_PFN, 0xfeff0);
    assert_int_equal(hvmop(domu, HVMOP_set_param, GVA(0)), -EPERM);
    param(1, HVM_PARAM_STORE_PFN, 0xfeff0);
    assert_int_equal(hvmop(dom0, HVMOP_set_param, GVA(0)), 0);
    p = param(DOMID_SELF, HVM_PARAM_STORE_PFN, 0);
    assert_int_equal(hvmop(domu, HVMOP_get_param, GVA(0)), 0);
    assert_int_equal(p->value, 0xfeff0);
    param(DOMID_SELF, HVM_PARAM_IDENT_PT, 0);
    assert_int_equal(hvmop(domu, HVMOP_get_param, GVA(0)), -EPERM);
    param(0, HVM_PARAM_CALLBACK_IRQ, 0);
    assert_int_equal(hvmop(domu, HVMOP_get_param, GVA(0)), -EPERM);
    param(DOMID_SELF, HVM_NR_PARAMS, 0);
    assert_int_equal(hvmop(domu, HVMOP_get_param, GVA(0)), -EINVAL);
    param(DOMID_SELF, 0xffffffffu, 0);
    assert_int_equal(hvmop(domu, HVMOP_set_param, GVA(0)), -EINVAL);
    param(42, HVM_PARAM_STORE_PFN, 0);
    assert_int_equal(hvmop(dom0, HVMOP_get_param, GVA(0)), -ESRCH);
    param(DOMID_SELF, HVM_PARAM_STORE_EVTCHN, 5000);
    assert_int_equal(hvmop(domu, HVMOP_set_param, GVA(0)), -EINVAL);
    assert_int_equal(hvmop(domu, HVMOP_get_param, 0x10), -EFAULT);
}

static void test_upcall_delivery(void **state)
{
    struct xen_hvm_evtchn_upcall_vector *u = gmem(GVA(0x100));
    struct vcpu *v1 = dom0->vcpu[1];
    struct shared_info *s = dom0->shared_info;

    /* Nothing configured: the event is only recorded. */
    hvm_assert_evtchn_irq(v1);
    assert_int_equal(nr_irqs, 0);

    /* Linux: per-vCPU vector, then via = GSI 1 "to look enlightened". */
    *u = (struct xen_hvm_evtchn_upcall_vector){ .vcpu = 1, .vector = 0xf3 };
    assert_int_equal(hvmop(dom0, HVMOP_set_evtchn_upcall_vector,
                           GVA(0x100)), 0);
    param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, 1);
    assert_int_equal(hvmop(dom0, HVMOP_set_param, GVA(0)), 0);
    hvm_assert_evtchn_irq(v1);
    assert_int_equal(nr_irqs, 1);
    assert_int_equal(last_irq_vector, 0xf3);
    assert_ptr_equal(last_irq_vlapic, v1->vlapic);

    /* vCPU 0 has no vector yet: GSI callbacks are reported, not sent. */
    hvm_assert_evtchn_irq(dom0->vcpu[0]);
    assert_int_equal(nr_irqs, 1);
    assert_log_contains("not supported; use a vector");

    /* Setting vCPU 0's vector delivers the upcall already pending. */
    s->vcpu_info[0].evtchn_upcall_pending = 1;
    u->vcpu = 0;
    u->vector = 0xf2;
    assert_int_equal(hvmop(dom0, HVMOP_set_evtchn_upcall_vector,
                           GVA(0x100)), 0);
    assert_int_equal(nr_irqs, 2);
    assert_int_equal(last_irq_vector, 0xf2);

    /* A vector callback serves every vCPU without its own vector. */
    param(DOMID_SELF, HVM_PARAM_CALLBACK_IRQ, (2ULL << 56) | 0xe0);
    assert_int_equal(hvmop(domu, HVMOP_set_param, GVA(0)), 0);
    hvm_assert_evtchn_irq(domu->vcpu[0]);
    assert_int_equal(last_irq_vector, 0xe0);

    /* Bad vCPU and vector. */
    u->vcpu = 2;
    assert_int_equal(hvmop(dom0, HVMOP_set_evtchn_upcall_vector,
                           GVA(0x100)), -ENOENT);
    u->vcpu = 0;
    u->vector = 0x0f;
    assert_int_equal(hvmop(dom0, HVMOP_set_evtchn_upcall_vector,
                           GVA(0x100)), -EINVAL);
}

static void test_hvm_misc(void **state)
{
    struct xen_hvm_get_time *t = gmem(GVA(0));

    assert_int_equal(hvmop(domu, HVMOP_get_time, GVA(0)), 0);
    assert_int_equal(t->now, 123456789);
    assert_int_equal(hvmop(domu, HVMOP_get_time, 0), -EFAULT);
    assert_int_equal(hvmop(domu, HVMOP_flush_tlbs, 0), 0);
    assert_int_equal(nr_tlb_flushes, 1);
    assert_int_equal(hvmop(domu, HVMOP_flush_tlbs, GVA(0)), -EINVAL);
    *(domid_t *)gmem(GVA(0)) = DOMID_SELF;
    assert_int_equal(hvmop(domu, HVMOP_pagetable_dying, GVA(0)), 0);
    *(domid_t *)gmem(GVA(0)) = 0;
    assert_int_equal(hvmop(domu, HVMOP_pagetable_dying, GVA(0)), -EPERM);
    assert_int_equal(hvmop(domu, HVMOP_altp2m, GVA(0)), -ENOSYS);
    assert_int_equal(hvmop(domu, HVMOP_altp2m, GVA(0)), -ENOSYS);
    assert_int_equal(test_log_count("hvm_op 25 not implemented"), 1);
    assert_int_equal(hvmop(domu, 1UL << 40, GVA(0)), -ENOSYS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_memory_map_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_map_hwdom_rebuilt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_machine_memory_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_info, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kernel_block_frames_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grant_frames, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grant_frame_not_freed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gmfn_move_and_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_ref_keeps_frame, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_ram, setup, teardown),
        cmocka_unit_test_setup_teardown(test_balloon_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reservation_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_increase_reservation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_params, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upcall_delivery, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hvm_misc, setup, teardown),
    };

    return cmocka_run_group_tests_name("memop", tests, NULL, NULL);
}
