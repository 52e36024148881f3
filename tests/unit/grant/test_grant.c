/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen/common/grant_table.c: table size and frames, versions, map/unmap
 * into the mapping domain's p2m (flags, pins, readonly, bad refs and
 * domains, handles, what the target gfn may hold), copy (bounds, sides,
 * permissions), maptrack exhaustion, teardown, the hypercall, and the
 * granting domain's lifetime: every lookup's reference is dropped on every
 * path (teardown's rmdom checks each domain is back to the list's one),
 * and a domain killed on "another pCPU" right after an operation looked
 * it up (kill_on_lookup) fails that operation cleanly while its table
 * stays in memory until the operation's reference goes (ASan would see
 * any use after free).
 */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "stubs.h"

#include <xen/errno.h>
#include <xen/mm.h>
#include <xen/grant_table.h>
#include <public/grant_table.h>
#include <public/memory.h>

static struct domain *dom0, *dom1, *dom2;
static unsigned long ram1;          /* dom1's page at gfn 0x100 */

#define HOST_GFN   0x80000UL        /* where dom0 maps grants */
#define HOST_ADDR  (HOST_GFN << 12)

static int setup(void **state)
{
    domains_destroyed = 0;
    kill_on_lookup = NULL;
    dom0 = mkdom(0, true);
    dom1 = mkdom(1, false);
    dom2 = mkdom(2, false);
    ram1 = give_page(dom1, 0x100, p2m_ram_rw);
    test_log_reset();
    return 0;
}

static int teardown(void **state)
{
    rmdoms();
    return 0;
}

static struct grant_entry_v1 *entry(struct domain *d, grant_ref_t ref)
{
    struct grant_entry_v1 *f =
        d->grant_table->shared[ref / GRANT_ENTRIES_PER_FRAME];

    return &f[ref % GRANT_ENTRIES_PER_FRAME];
}

/* What a granting guest writes (frame first, flags last). */
static void grant(struct domain *d, grant_ref_t ref, domid_t to,
                  unsigned long gfn, u16 flags)
{
    struct grant_entry_v1 *e = entry(d, ref);

    e->frame = gfn;
    e->domid = to;
    e->flags = flags;
}

static struct gnttab_map_grant_ref map(struct domain *caller, domid_t dom,
                                       grant_ref_t ref, u64 host_addr,
                                       u32 flags)
{
    struct gnttab_map_grant_ref op = {
        .host_addr = host_addr, .flags = flags, .ref = ref, .dom = dom,
        .status = 99, .handle = 0xdead,
    };

    gnttab_map_grant_ref(caller->vcpu[0], &op);
    return op;
}

static s16 unmap(struct domain *caller, grant_handle_t h, u64 host_addr,
                 u64 dev_bus_addr)
{
    struct gnttab_unmap_grant_ref op = {
        .host_addr = host_addr, .dev_bus_addr = dev_bus_addr, .handle = h,
        .status = 99,
    };

    gnttab_unmap_grant_ref(caller->vcpu[0], &op);
    return op.status;
}

static void test_init_and_query(void **state)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF, .status = 99 };

    assert_int_equal(dom1->grant_table->nr_frames, 1);
    /* The first frame is zeroed, whatever the allocator left in it. */
    for ( unsigned int i = 0; i < GRANT_ENTRIES_PER_FRAME; i++ )
        assert_int_equal(entry(dom1, i)->flags, 0);

    gnttab_query_size(dom1->vcpu[0], &q);
    assert_int_equal(q.status, GNTST_okay);
    assert_int_equal(q.nr_frames, 1);
    assert_int_equal(q.max_nr_frames, DEFAULT_MAX_GRANT_FRAMES);

    q.dom = 2;
    gnttab_query_size(dom1->vcpu[0], &q);
    assert_int_equal(q.status, GNTST_permission_denied);
    q.dom = 9;
    gnttab_query_size(dom1->vcpu[0], &q);
    assert_int_equal(q.status, GNTST_bad_domain);
    q.dom = 2;
    gnttab_query_size(dom0->vcpu[0], &q);
    assert_int_equal(q.status, GNTST_okay);
}

static void test_get_frame(void **state)
{
    unsigned long mfn = 0;
    struct grant_table *gt = dom1->grant_table;

    assert_int_equal(gnttab_get_frame(dom1, 0, &mfn), 0);
    assert_ptr_equal(frame_va(mfn), gt->shared[0]);
    /* Asking for a later frame grows the table up to it. */
    assert_int_equal(gnttab_get_frame(dom1, 10, &mfn), 0);
    assert_int_equal(gt->nr_frames, 11);
    assert_ptr_equal(frame_va(mfn), gt->shared[10]);
    assert_int_equal(entry(dom1, 10 * 512 + 7)->flags, 0);

    assert_int_equal(gnttab_get_frame(dom1, DEFAULT_MAX_GRANT_FRAMES, &mfn),
                     -EINVAL);
    assert_int_equal(gnttab_get_frame(dom1, 0xffffffffU, &mfn), -EINVAL);
    assert_int_equal(gnttab_get_frame(dom1,
                                      XENMAPIDX_grant_table_status | 0,
                                      &mfn), -EINVAL);
    assert_int_equal(gt->nr_frames, 11);
}

static void test_map_unmap_rw(void **state)
{
    struct gnttab_map_grant_ref op;
    p2m_type_t t;

    grant(dom1, 5, 0, 0x100, GTF_permit_access);
    op = map(dom0, 1, 5, HOST_ADDR, GNTMAP_host_map | GNTMAP_device_map);
    assert_int_equal(op.status, GNTST_okay);
    assert_int_equal(op.dev_bus_addr, (u64)ram1 << 12);
    assert_int_equal(fake_p2m_get(dom0, HOST_GFN, &t), ram1);
    assert_int_equal(t, p2m_grant_map_rw);
    assert_int_equal(entry(dom1, 5)->flags,
                     GTF_permit_access | GTF_reading | GTF_writing);
    /* The host and the device mapping each hold a reference. */
    assert_int_equal(page_refs[ram1 - FAKE_MFN_BASE], 2);

    /* Through the mapping, dom0 writes dom1's page. */
    memcpy(frame_va(fake_p2m_get(dom0, HOST_GFN, &t)), "ring", 5);
    assert_string_equal(frame_va(ram1), "ring");

    /* Host part first: the device part keeps the grant in use. */
    assert_int_equal(unmap(dom0, op.handle, HOST_ADDR, 0), GNTST_okay);
    assert_int_equal(fake_p2m_get(dom0, HOST_GFN, &t), INVALID_MFN);
    assert_int_equal(t, p2m_invalid);
    assert_int_equal(page_refs[ram1 - FAKE_MFN_BASE], 1);
    assert_int_equal(entry(dom1, 5)->flags,
                     GTF_permit_access | GTF_reading | GTF_writing);
    assert_int_equal(unmap(dom0, op.handle, 0, (u64)ram1 << 12),
                     GNTST_okay);
    assert_int_equal(page_refs[ram1 - FAKE_MFN_BASE], 0);
    assert_int_equal(entry(dom1, 5)->flags, GTF_permit_access);
    assert_int_equal(dom0->grant_table->maptrack_used, 0);

    /* Double unmap. */
    assert_int_equal(unmap(dom0, op.handle, HOST_ADDR, 0), GNTST_bad_handle);
}

static void test_map_readonly(void **state)
{
    struct gnttab_map_grant_ref op;
    p2m_type_t t;

    grant(dom1, 6, 0, 0x100, GTF_permit_access | GTF_readonly);
    /* A read-only grant mapped for writing is refused... */
    op = map(dom0, 1, 6, HOST_ADDR, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_general_error);
    assert_int_equal(op.handle, 0xdead);
    assert_int_equal(entry(dom1, 6)->flags,
                     GTF_permit_access | GTF_readonly);
    assert_int_equal(fake_p2m_get(dom0, HOST_GFN, &t), INVALID_MFN);
    assert_int_equal(dom0->grant_table->maptrack_used, 0);

    /* ... and mapped read-only it works, as p2m_grant_map_ro. */
    op = map(dom0, 1, 6, HOST_ADDR, GNTMAP_host_map | GNTMAP_readonly);
    assert_int_equal(op.status, GNTST_okay);
    assert_int_equal(fake_p2m_get(dom0, HOST_GFN, &t), ram1);
    assert_int_equal(t, p2m_grant_map_ro);
    assert_int_equal(entry(dom1, 6)->flags,
                     GTF_permit_access | GTF_readonly | GTF_reading);
    /* A second, writable mapping of it is refused too. */
    op = map(dom0, 1, 6, HOST_ADDR + 4096, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_general_error);
    assert_int_equal(entry(dom1, 6)->flags,
                     GTF_permit_access | GTF_readonly | GTF_reading);
}

static void test_map_readonly_frame(void **state)
{
    struct gnttab_map_grant_ref op;

    /* The grant says rw but the frame is read-only RAM in dom1. */
    give_page(dom1, 0x101, p2m_ram_ro);
    grant(dom1, 7, 0, 0x101, GTF_permit_access);
    op = map(dom0, 1, 7, HOST_ADDR, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_general_error);
    assert_int_equal(entry(dom1, 7)->flags, GTF_permit_access);
    op = map(dom0, 1, 7, HOST_ADDR, GNTMAP_host_map | GNTMAP_readonly);
    assert_int_equal(op.status, GNTST_okay);
}

static void test_pins(void **state)
{
    struct gnttab_map_grant_ref ro, rw;

    grant(dom1, 8, 0, 0x100, GTF_permit_access);
    ro = map(dom0, 1, 8, HOST_ADDR, GNTMAP_host_map | GNTMAP_readonly);
    rw = map(dom0, 1, 8, HOST_ADDR + 4096, GNTMAP_host_map);
    assert_int_equal(ro.status, GNTST_okay);
    assert_int_equal(rw.status, GNTST_okay);
    assert_int_not_equal(ro.handle, rw.handle);
    assert_int_equal(entry(dom1, 8)->flags,
                     GTF_permit_access | GTF_reading | GTF_writing);

    assert_int_equal(unmap(dom0, rw.handle, HOST_ADDR + 4096, 0),
                     GNTST_okay);
    assert_int_equal(entry(dom1, 8)->flags,
                     GTF_permit_access | GTF_reading);
    assert_int_equal(unmap(dom0, ro.handle, HOST_ADDR, 0), GNTST_okay);
    assert_int_equal(entry(dom1, 8)->flags, GTF_permit_access);
}

static void test_map_bad_refs(void **state)
{
    struct gnttab_map_grant_ref op;

    op = map(dom0, 1, 512, HOST_ADDR, GNTMAP_host_map);  /* 1 frame */
    assert_int_equal(op.status, GNTST_bad_gntref);
    op = map(dom0, 1, 0xffffffffU, HOST_ADDR, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_bad_gntref);
    /* An empty entry. */
    op = map(dom0, 1, 3, HOST_ADDR, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_general_error);
    /* Granted to somebody else. */
    grant(dom1, 4, 2, 0x100, GTF_permit_access);
    op = map(dom0, 1, 4, HOST_ADDR, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_general_error);
    assert_int_equal(entry(dom1, 4)->flags, GTF_permit_access);
    /* ... who may map it. */
    op = map(dom2, 1, 4, 0x5000, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_okay);
    /* While dom2 holds it, dom0 cannot pin it even after a rewrite. */
    entry(dom1, 4)->domid = 0;
    op = map(dom0, 1, 4, HOST_ADDR, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_general_error);
    /* A transfer entry is not an access grant. */
    grant(dom1, 9, 0, 0x100, GTF_accept_transfer);
    op = map(dom0, 1, 9, HOST_ADDR, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_general_error);
    assert_int_equal(dom0->grant_table->maptrack_used, 0);
}

static void test_map_bad_args(void **state)
{
    struct gnttab_map_grant_ref op;
    p2m_type_t t;

    grant(dom1, 5, 0, 0x100, GTF_permit_access);
    op = map(dom0, 9, 5, HOST_ADDR, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_bad_domain);
    op = map(dom0, DOMID_XEN, 5, HOST_ADDR, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_bad_domain);
    op = map(dom0, 1, 5, HOST_ADDR, 0);
    assert_int_equal(op.status, GNTST_bad_gntref);
    op = map(dom0, 1, 5, HOST_ADDR, GNTMAP_host_map | GNTMAP_contains_pte);
    assert_int_equal(op.status, GNTST_general_error);
    op = map(dom0, 1, 5, HOST_ADDR + 8, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_bad_virt_addr);
    /* A gfn the p2m cannot hold. */
    op = map(dom0, 1, 5, ~0xfffULL, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_general_error);
    /* The p2m running out of memory. */
    p2m_fail_next = 1;
    op = map(dom0, 1, 5, HOST_ADDR, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_general_error);

    /* Nothing stuck: no pins, no flags, no handles, no p2m entry. */
    assert_int_equal(entry(dom1, 5)->flags, GTF_permit_access);
    assert_int_equal(dom0->grant_table->maptrack_used, 0);
    assert_int_equal(fake_p2m_get(dom0, HOST_GFN, &t), INVALID_MFN);
    op = map(dom0, 1, 5, HOST_ADDR, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_okay);
}

static void test_map_not_ram(void **state)
{
    struct gnttab_map_grant_ref op;
    unsigned long other;

    /* Nothing at the granted gfn. */
    grant(dom1, 10, 0, 0x200, GTF_permit_access);
    op = map(dom0, 1, 10, HOST_ADDR, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_bad_page);
    assert_int_equal(entry(dom1, 10)->flags, GTF_permit_access);

    /* dom1 tries to pass on a page it only has mapped from dom2. */
    other = give_page(dom2, 0x300, p2m_ram_rw);
    fake_p2m_set(dom1, 0x201, other, p2m_grant_map_rw);
    fake_p2m_set(dom1, 0x202, other, p2m_foreign);
    fake_p2m_set(dom1, 0x203, 0xfee00, p2m_mmio_direct);
    for ( unsigned long gfn = 0x201; gfn <= 0x203; gfn++ )
    {
        grant(dom1, 11, 0, gfn, GTF_permit_access);
        op = map(dom0, 1, 11, HOST_ADDR, GNTMAP_host_map);
        assert_int_equal(op.status, GNTST_bad_page);
        assert_int_equal(entry(dom1, 11)->flags, GTF_permit_access);
    }
    assert_int_equal(dom0->grant_table->maptrack_used, 0);
}

static void test_map_target_gfn(void **state)
{
    struct gnttab_map_grant_ref op;
    unsigned long own;
    p2m_type_t t;

    grant(dom1, 5, 0, 0x100, GTF_permit_access);
    /* Over the caller's own RAM: refused, the RAM stays. */
    own = give_page(dom0, HOST_GFN, p2m_ram_rw);
    op = map(dom0, 1, 5, HOST_ADDR, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_general_error);
    assert_int_equal(fake_p2m_get(dom0, HOST_GFN, &t), own);
    assert_int_equal(t, p2m_ram_rw);
    assert_int_equal(entry(dom1, 5)->flags, GTF_permit_access);

    /* Over passed-through MMIO (dom0's holes): put back at unmap. */
    fake_p2m_set(dom0, HOST_GFN + 1, HOST_GFN + 1, p2m_mmio_direct);
    op = map(dom0, 1, 5, HOST_ADDR + 4096, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_okay);
    assert_int_equal(fake_p2m_get(dom0, HOST_GFN + 1, &t), ram1);
    assert_int_equal(unmap(dom0, op.handle, HOST_ADDR + 4096, 0),
                     GNTST_okay);
    assert_int_equal(fake_p2m_get(dom0, HOST_GFN + 1, &t), HOST_GFN + 1);
    assert_int_equal(t, p2m_mmio_direct);

    /* Over another grant mapping: refused. */
    op = map(dom0, 1, 5, HOST_ADDR + 8192, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_okay);
    op = map(dom0, 1, 5, HOST_ADDR + 8192, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_general_error);
}

static void test_unmap_bad(void **state)
{
    struct gnttab_map_grant_ref op;
    p2m_type_t t;

    assert_int_equal(unmap(dom0, 0, HOST_ADDR, 0), GNTST_bad_handle);
    assert_int_equal(unmap(dom0, 0xffffffffU, HOST_ADDR, 0),
                     GNTST_bad_handle);

    grant(dom1, 5, 0, 0x100, GTF_permit_access);
    op = map(dom0, 1, 5, HOST_ADDR, GNTMAP_host_map | GNTMAP_device_map);
    assert_int_equal(op.status, GNTST_okay);
    assert_int_equal(unmap(dom0, op.handle + 1, HOST_ADDR, 0),
                     GNTST_bad_handle);
    /* Another domain's handle space is its own. */
    assert_int_equal(unmap(dom2, op.handle, HOST_ADDR, 0), GNTST_bad_handle);
    /* Wrong address: refused, mapping kept. */
    assert_int_equal(unmap(dom0, op.handle, HOST_ADDR + 4096, 0),
                     GNTST_general_error);
    assert_int_equal(unmap(dom0, op.handle, 0, 0x1000), GNTST_bad_dev_addr);
    assert_int_equal(fake_p2m_get(dom0, HOST_GFN, &t), ram1);
    assert_int_equal(entry(dom1, 5)->flags,
                     GTF_permit_access | GTF_reading | GTF_writing);

    /*
     * If the guest replaced the mapping behind our back, unmap leaves
     * the new entry alone and still releases the grant.
     */
    fake_p2m_set(dom0, HOST_GFN, 0x1234, p2m_mmio_direct);
    assert_int_equal(unmap(dom0, op.handle, HOST_ADDR, (u64)ram1 << 12),
                     GNTST_okay);
    assert_int_equal(fake_p2m_get(dom0, HOST_GFN, &t), 0x1234);
    assert_int_equal(entry(dom1, 5)->flags, GTF_permit_access);
    assert_int_equal(unmap(dom0, op.handle, HOST_ADDR, 0), GNTST_bad_handle);
}

static void test_maptrack_exhaustion(void **state)
{
    struct gnttab_map_grant_ref op;
    unsigned int i;
    grant_handle_t first = 0;

    dom0->grant_table->maptrack_max = 2 * MAPTRACK_PER_CHUNK;
    grant(dom1, 5, 0, 0x100, GTF_permit_access);
    for ( i = 0; i < 2 * MAPTRACK_PER_CHUNK; i++ )
    {
        op = map(dom0, 1, 5, 0, GNTMAP_device_map | GNTMAP_readonly);
        assert_int_equal(op.status, GNTST_okay);
        if ( i == 0 )
            first = op.handle;
    }
    op = map(dom0, 1, 5, 0, GNTMAP_device_map | GNTMAP_readonly);
    assert_int_equal(op.status, GNTST_no_space);
    assert_int_equal(dom1->grant_table->active[0][5].rd_pins,
                     2 * MAPTRACK_PER_CHUNK);

    /* A freed handle is reused. */
    assert_int_equal(unmap(dom0, first, 0, (u64)ram1 << 12), GNTST_okay);
    op = map(dom0, 1, 5, 0, GNTMAP_device_map | GNTMAP_readonly);
    assert_int_equal(op.status, GNTST_okay);
    assert_int_equal(op.handle, first);
}

static struct gnttab_copy copy_op(u16 flags, u64 src, domid_t sdom,
                                  u16 soff, u64 dst, domid_t ddom,
                                  u16 doff, u16 len)
{
    struct gnttab_copy op = {
        .source = { .u.gmfn = src, .domid = sdom, .offset = soff },
        .dest = { .u.gmfn = dst, .domid = ddom, .offset = doff },
        .len = len, .flags = flags, .status = 99,
    };

    return op;
}

static s16 do_copy(struct domain *caller, struct gnttab_copy op)
{
    gnttab_copy(caller->vcpu[0], &op);
    return op.status;
}

static void test_copy(void **state)
{
    unsigned long own = give_page(dom0, 0x10, p2m_ram_rw);
    char *src = frame_va(ram1), *dst = frame_va(own);

    memcpy(src + 100, "from dom1", 10);
    grant(dom1, 5, 0, 0x100, GTF_permit_access | GTF_readonly);
    /* gref -> own gmfn (netback's receive side). */
    assert_int_equal(do_copy(dom0, copy_op(GNTCOPY_source_gref, 5, 1, 100,
                                           0x10, DOMID_SELF, 7, 10)),
                     GNTST_okay);
    assert_string_equal(dst + 7, "from dom1");
    assert_int_equal(entry(dom1, 5)->flags,
                     GTF_permit_access | GTF_readonly);

    /* own gmfn -> a read-only gref: refused; to a writable one: fine. */
    memcpy(dst, "from dom0", 10);
    assert_int_equal(do_copy(dom0, copy_op(GNTCOPY_dest_gref, 0x10, 0, 0,
                                           5, 1, 0, 10)),
                     GNTST_general_error);
    grant(dom1, 6, 0, 0x100, GTF_permit_access);
    assert_int_equal(do_copy(dom0, copy_op(GNTCOPY_dest_gref, 0x10, 0, 0,
                                           6, 1, 0, 10)),
                     GNTST_okay);
    assert_string_equal(src, "from dom0");
    assert_int_equal(entry(dom1, 6)->flags, GTF_permit_access);

    /* Up to the last byte of the page; len 0. */
    assert_int_equal(do_copy(dom0, copy_op(GNTCOPY_source_gref, 5, 1, 4000,
                                           0x10, 0, 4000, 96)),
                     GNTST_okay);
    assert_int_equal(do_copy(dom0, copy_op(0, 0x10, 0, 4096, 0x10, 0, 0, 0)),
                     GNTST_okay);
}

static void test_copy_bad(void **state)
{
    give_page(dom0, 0x10, p2m_ram_rw);
    give_page(dom0, 0x11, p2m_ram_ro);
    grant(dom1, 5, 0, 0x100, GTF_permit_access);

    /* Past the end of either page. */
    assert_int_equal(do_copy(dom0, copy_op(GNTCOPY_source_gref, 5, 1, 4000,
                                           0x10, 0, 0, 97)),
                     GNTST_bad_copy_arg);
    assert_int_equal(do_copy(dom0, copy_op(GNTCOPY_source_gref, 5, 1, 0,
                                           0x10, 0, 4095, 2)),
                     GNTST_bad_copy_arg);
    assert_int_equal(do_copy(dom0, copy_op(0, 0x10, 0, 0xffff, 0x10, 0, 0,
                                           1)),
                     GNTST_bad_copy_arg);
    assert_int_equal(do_copy(dom0, copy_op(0, 0x10, 0, 0, 0x10, 0, 0,
                                           0xffff)),
                     GNTST_bad_copy_arg);
    /* Plain frames of another domain. */
    assert_int_equal(do_copy(dom0, copy_op(0, 0x100, 1, 0, 0x10, 0, 0, 8)),
                     GNTST_permission_denied);
    assert_int_equal(do_copy(dom2, copy_op(GNTCOPY_source_gref, 5, 1, 0,
                                           0x10, 0, 0, 8)),
                     GNTST_general_error);   /* not granted to dom2 */
    /* Bad domains and refs. */
    assert_int_equal(do_copy(dom0, copy_op(GNTCOPY_source_gref, 5, 9, 0,
                                           0x10, 0, 0, 8)),
                     GNTST_bad_domain);
    assert_int_equal(do_copy(dom0, copy_op(GNTCOPY_source_gref, 600, 1, 0,
                                           0x10, 0, 0, 8)),
                     GNTST_bad_gntref);
    /* Frames that are not (writable) RAM. */
    assert_int_equal(do_copy(dom0, copy_op(GNTCOPY_source_gref, 5, 1, 0,
                                           0x99, 0, 0, 8)),
                     GNTST_bad_page);
    assert_int_equal(do_copy(dom0, copy_op(GNTCOPY_source_gref, 5, 1, 0,
                                           0x11, 0, 0, 8)),
                     GNTST_bad_page);
    assert_int_equal(do_copy(dom0, copy_op(GNTCOPY_dest_gref, 0x99, 0, 0,
                                           5, 1, 0, 8)),
                     GNTST_bad_page);
    /* The source pin was dropped when the destination failed. */
    assert_int_equal(entry(dom1, 5)->flags, GTF_permit_access);
    assert_int_equal(dom1->grant_table->active[0][5].rd_pins, 0);
    assert_int_equal(dom1->grant_table->active[0][5].wr_pins, 0);
}

static void test_destroy_with_mappings(void **state)
{
    struct gnttab_map_grant_ref op;
    p2m_type_t t;

    grant(dom1, 5, 0, 0x100, GTF_permit_access);
    grant(dom1, 6, 2, 0x100, GTF_permit_access);
    op = map(dom0, 1, 5, HOST_ADDR, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_okay);
    op = map(dom2, 1, 6, 0x5000, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_okay);

    /* The mapping domain dies: its mappings are given back. */
    assert_int_equal(page_refs[ram1 - FAKE_MFN_BASE], 2);  /* d0 and d2 */
    grant_table_destroy(dom0);
    assert_int_equal(page_refs[ram1 - FAKE_MFN_BASE], 1);
    /* Frames given back; the memory stays until the last reference. */
    assert_int_equal(dom0->grant_table->nr_frames, 0);
    assert_int_equal(dom0->grant_table->maptrack_used, 0);
    assert_int_equal(fake_p2m_get(dom0, HOST_GFN, &t), INVALID_MFN);
    assert_int_equal(entry(dom1, 5)->flags, GTF_permit_access);

    /* The granting domain dies first: unmap still works. */
    rmdom(dom1);
    dom1 = NULL;
    assert_int_equal(unmap(dom2, op.handle, 0x5000, 0), GNTST_okay);
    assert_int_equal(fake_p2m_get(dom2, 5, &t), INVALID_MFN);
    assert_int_equal(page_refs[ram1 - FAKE_MFN_BASE], 0);
}

/*
 * Table frames are the domain's for references (xen/mm.h): the table
 * holds one, the guest's own mapping (frame_gfn) one, and only the owner
 * can be named in get_page().
 */
static void test_frames_owned(void **state)
{
    unsigned long mfn = 0, mfn1 = 0;
    struct grant_table *gt = dom1->grant_table;

    assert_int_equal(gnttab_get_frame(dom1, 0, &mfn), 0);
    assert_int_equal(gnttab_get_frame(dom1, 1, &mfn1), 0);
    assert_ptr_equal(shared_frame_owner(mfn), dom1);
    assert_ptr_equal(shared_frame_owner(mfn1), dom1);
    assert_int_equal(page_refs[mfn - FAKE_MFN_BASE], 1);
    /* A foreign mapping by dom0 (the domain builder) names the owner. */
    assert_true(get_page(mfn, dom1));
    assert_false(get_page(mfn, dom2));
    assert_int_equal(page_refs[mfn - FAKE_MFN_BASE], 2);
    put_page(mfn);

    /* The guest maps it: a reference; moving it keeps that one. */
    assert_int_equal(gnttab_set_frame_gfn(dom1, 0, 0x500), 0);
    assert_int_equal(page_refs[mfn - FAKE_MFN_BASE], 2);
    assert_int_equal(gnttab_set_frame_gfn(dom1, 0, 0x501), 0);
    assert_int_equal(page_refs[mfn - FAKE_MFN_BASE], 2);
    assert_int_equal(gt->frame_gfn[0], 0x501);
    /* memory_op reports unmapped gfns: only the frame's own gfn counts. */
    gnttab_frame_unmapped(dom1, 0x500, mfn);
    gnttab_frame_unmapped(dom1, 0x501, mfn1);
    assert_int_equal(page_refs[mfn - FAKE_MFN_BASE], 2);
    assert_int_equal(gt->frame_gfn[0], 0x501);
    gnttab_frame_unmapped(dom1, 0x501, mfn);
    assert_int_equal(page_refs[mfn - FAKE_MFN_BASE], 1);
    assert_int_equal(gt->frame_gfn[0], INVALID_GFN);
    /* Twice is harmless. */
    gnttab_frame_unmapped(dom1, 0x501, mfn);
    assert_int_equal(page_refs[mfn - FAKE_MFN_BASE], 1);
    /* Unmapping through setup's own call drops it too. */
    assert_int_equal(gnttab_set_frame_gfn(dom1, 1, 0x600), 0);
    assert_int_equal(page_refs[mfn1 - FAKE_MFN_BASE], 2);
    assert_int_equal(gnttab_set_frame_gfn(dom1, 1, INVALID_GFN), 0);
    assert_int_equal(page_refs[mfn1 - FAKE_MFN_BASE], 1);
    assert_int_equal(gnttab_set_frame_gfn(dom1, 7, 0x700), -EINVAL);

    /* A dying domain's frames take no new mapping. */
    dom1->is_dying = true;
    assert_int_equal(gnttab_set_frame_gfn(dom1, 0, 0x502), -EINVAL);
    assert_int_equal(gt->frame_gfn[0], INVALID_GFN);
    assert_int_equal(page_refs[mfn - FAKE_MFN_BASE], 1);
    assert_false(get_page(mfn, dom1));
    dom1->is_dying = false;
}

/*
 * Teardown: the table's and the guest's references go; a frame nobody
 * else maps is freed at once, one dom0 still maps stays until its last
 * reference goes (domain_kill's zombie reaping frees it then).
 */
static void test_frames_teardown(void **state)
{
    unsigned long mfn0 = 0, mfn1 = 0, mfn2 = 0;

    assert_int_equal(gnttab_get_frame(dom1, 0, &mfn0), 0);
    assert_int_equal(gnttab_get_frame(dom1, 1, &mfn1), 0);
    assert_int_equal(gnttab_get_frame(dom1, 2, &mfn2), 0);
    /* Frame 0 mapped by the guest and by dom0, frame 1 by the guest. */
    assert_int_equal(gnttab_set_frame_gfn(dom1, 0, 0x500), 0);
    assert_int_equal(gnttab_set_frame_gfn(dom1, 1, 0x501), 0);
    assert_true(get_page(mfn0, dom1));
    assert_int_equal(page_refs[mfn0 - FAKE_MFN_BASE], 3);

    dom1->is_dying = true;
    rmdom(dom1);
    dom1 = NULL;
    assert_true(fake_frame_live(mfn0));
    assert_int_equal(page_refs[mfn0 - FAKE_MFN_BASE], 1);
    assert_false(fake_frame_live(mfn1));
    assert_false(fake_frame_live(mfn2));
    /* dom0's unmap drops the last reference. */
    put_page(mfn0);
    assert_int_equal(page_refs[mfn0 - FAKE_MFN_BASE], 0);
}

/* A failed creation (no table frame) leaves nothing behind. */
static void test_init_dying(void **state)
{
    struct domain d = { .domain_id = 7, .is_dying = true };

    assert_int_equal(grant_table_init(&d), -ENOMEM);
    assert_null(d.grant_table);
}

/* A dying granter is not found (as domain.c's lookup). */
static void test_map_dying_granter(void **state)
{
    struct gnttab_map_grant_ref op;
    p2m_type_t t;

    grant(dom1, 5, 0, 0x100, GTF_permit_access);
    dom1->is_dying = true;
    op = map(dom0, 1, 5, HOST_ADDR, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_bad_domain);
    assert_int_equal(fake_p2m_get(dom0, HOST_GFN, &t), INVALID_MFN);
    assert_int_equal(page_refs[ram1 - FAKE_MFN_BASE], 0);
    /* The pin was undone: the entry is not in use. */
    assert_int_equal(entry(dom1, 5)->flags, GTF_permit_access);
    assert_int_equal(dom0->grant_table->maptrack_used, 0);
    dom1->is_dying = false;
}

/* Lookups hold a reference; every path (success or not) drops it. */
static void test_lookup_references(void **state)
{
    struct gnttab_query_size q = { .dom = 1, .status = 99 };
    struct gnttab_map_grant_ref op;
    struct domain *d;

    grant(dom1, 5, 0, 0x100, GTF_permit_access);
    op = map(dom0, 1, 5, HOST_ADDR, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_okay);
    assert_int_equal(dom1->refcnt, 1);
    assert_int_equal(unmap(dom0, op.handle, HOST_ADDR, 0), GNTST_okay);
    assert_int_equal(dom1->refcnt, 1);
    /* Failures after the lookup: bad ref, refused entry, full target. */
    assert_int_equal(map(dom0, 1, 99999, HOST_ADDR, GNTMAP_host_map).status,
                     GNTST_bad_gntref);
    assert_int_equal(map(dom2, 1, 5, 0x5000, GNTMAP_host_map).status,
                     GNTST_general_error);
    give_page(dom0, HOST_GFN, p2m_ram_rw);
    assert_int_equal(map(dom0, 1, 5, HOST_ADDR, GNTMAP_host_map).status,
                     GNTST_general_error);
    assert_int_equal(dom1->refcnt, 1);
    assert_int_equal(do_copy(dom0, copy_op(GNTCOPY_source_gref, 5, 1, 0,
                                           0x99, 0, 0, 8)),
                     GNTST_bad_page);
    assert_int_equal(do_copy(dom0, copy_op(GNTCOPY_dest_gref, 0x99, 0, 0,
                                           5, 1, 0, 8)),
                     GNTST_bad_page);
    assert_int_equal(dom1->refcnt, 1);
    gnttab_query_size(dom2->vcpu[0], &q);
    assert_int_equal(q.status, GNTST_permission_denied);
    gnttab_query_size(dom0->vcpu[0], &q);
    assert_int_equal(q.status, GNTST_okay);
    assert_int_equal(dom1->refcnt, 1);

    /* A holder keeps a killed domain's memory; the last put frees it. */
    d = rcu_lock_domain_by_id(1);
    assert_ptr_equal(d, dom1);
    assert_int_equal(dom1->refcnt, 2);
    killdom(dom1);
    assert_int_equal(domains_destroyed, 0);
    assert_int_equal(d->refcnt, 1);
    assert_non_null(d->grant_table);
    assert_int_equal(d->grant_table->nr_frames, 0);
    /* Gone for lookups; operations on the held one fail cleanly. */
    assert_null(rcu_lock_domain_by_id(1));
    assert_int_equal(map(dom0, 1, 5, HOST_ADDR, GNTMAP_host_map).status,
                     GNTST_bad_domain);
    {
        unsigned long mfn = 0;

        assert_int_equal(gnttab_get_frame(d, 0, &mfn), -EINVAL);
        assert_int_equal(gnttab_set_frame_gfn(d, 0, 0x500), -EINVAL);
        assert_int_equal(d->grant_table->nr_frames, 0);
    }
    rcu_unlock_domain(d);
    assert_int_equal(domains_destroyed, 1);
    dom1 = NULL;
}

/*
 * The race CI hit: dom0's blkback unmaps a grant while the toolstack
 * destroys the granting guest on the other pCPU.  Here the kill happens
 * right after the unmap looked the granter up, before it unpins: the
 * unpin must find the table dead (not freed: with the old lookup, which
 * took no reference, grant_table_destroy freed it and grant_unpin wrote
 * into freed memory, ASan's heap-use-after-free), the mapping goes, the
 * frame's references with it, and the guest is freed at the unmap's put.
 */
static void test_kill_during_unmap(void **state)
{
    struct gnttab_map_grant_ref op;
    p2m_type_t t;

    grant(dom1, 5, 0, 0x100, GTF_permit_access);
    op = map(dom0, 1, 5, HOST_ADDR, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_okay);
    assert_int_equal(page_refs[ram1 - FAKE_MFN_BASE], 1);

    kill_on_lookup = dom1;
    assert_int_equal(unmap(dom0, op.handle, HOST_ADDR, 0), GNTST_okay);
    assert_null(kill_on_lookup);
    assert_int_equal(domains_destroyed, 1);
    dom1 = NULL;
    assert_int_equal(fake_p2m_get(dom0, HOST_GFN, &t), INVALID_MFN);
    assert_int_equal(page_refs[ram1 - FAKE_MFN_BASE], 0);
    assert_int_equal(dom0->grant_table->maptrack_used, 0);
}

/* Killed right after a map or copy looked it up: bad_domain, nothing kept. */
static void test_kill_during_map_copy(void **state)
{
    unsigned long own = give_page(dom0, 0x10, p2m_ram_rw);
    struct gnttab_map_grant_ref op;
    p2m_type_t t;

    grant(dom1, 5, 0, 0x100, GTF_permit_access);
    grant(dom2, 6, 0, 0x200, GTF_permit_access);
    give_page(dom2, 0x200, p2m_ram_rw);

    kill_on_lookup = dom1;
    op = map(dom0, 1, 5, HOST_ADDR, GNTMAP_host_map | GNTMAP_device_map);
    assert_int_equal(op.status, GNTST_bad_domain);
    assert_int_equal(domains_destroyed, 1);
    dom1 = NULL;
    assert_int_equal(fake_p2m_get(dom0, HOST_GFN, &t), INVALID_MFN);
    assert_int_equal(page_refs[ram1 - FAKE_MFN_BASE], 0);
    assert_int_equal(dom0->grant_table->maptrack_used, 0);

    kill_on_lookup = dom2;
    assert_int_equal(do_copy(dom0, copy_op(GNTCOPY_source_gref, 6, 2, 0,
                                           0x10, DOMID_SELF, 0, 8)),
                     GNTST_bad_domain);
    assert_int_equal(domains_destroyed, 2);
    dom2 = NULL;
    (void)own;
}

static void test_hypercall_batch(void **state)
{
    struct vcpu *v = dom0->vcpu[0];
    struct gnttab_map_grant_ref ops[3] = {
        { .host_addr = HOST_ADDR, .flags = GNTMAP_host_map, .ref = 5,
          .dom = 1 },
        { .host_addr = HOST_ADDR + 4096, .flags = GNTMAP_host_map,
          .ref = 4000, .dom = 1 },
        { .host_addr = HOST_ADDR + 8192,
          .flags = GNTMAP_host_map | GNTMAP_readonly, .ref = 5, .dom = 1 },
    };
    struct gnttab_unmap_grant_ref un[2];

    grant(dom1, 5, 0, 0x100, GTF_permit_access);
    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_map_grant_ref,
                                            (unsigned long)ops, 3), 0);
    assert_int_equal(ops[0].status, GNTST_okay);
    assert_int_equal(ops[1].status, GNTST_bad_gntref);
    assert_int_equal(ops[2].status, GNTST_okay);
    /* IN fields are not written back. */
    assert_int_equal(ops[1].ref, 4000);

    un[0] = (struct gnttab_unmap_grant_ref){ .host_addr = HOST_ADDR,
                                             .handle = ops[0].handle };
    un[1] = (struct gnttab_unmap_grant_ref){ .host_addr = HOST_ADDR + 8192,
                                             .handle = ops[2].handle };
    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_unmap_grant_ref,
                                            (unsigned long)un, 2), 0);
    assert_int_equal(un[0].status, GNTST_okay);
    assert_int_equal(un[1].status, GNTST_okay);
    assert_int_equal(entry(dom1, 5)->flags, GTF_permit_access);

    /* count 0 is a no-op; bad pointers fault for every command. */
    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_map_grant_ref, 0, 0),
                     0);
    for ( unsigned int cmd = 0; cmd <= GNTTABOP_get_version; cmd++ )
    {
        long rc = do_grant_table_op_vcpu(v, cmd, 0x100, 1);

        assert_true(rc == -EFAULT || rc == -ENOSYS);
    }
    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_copy, 0x100, 1),
                     -EFAULT);
    /* A negative count. */
    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_copy,
                                            (unsigned long)ops, 0x80000000U),
                     -EINVAL);
    /* A batch at an unmapped address faults before doing anything. */
    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_unmap_grant_ref,
                                            0x10000 - 24, 2), -EFAULT);
}

static void test_hypercall_sizes_versions(void **state)
{
    struct vcpu *v = dom1->vcpu[0];
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    struct gnttab_set_version sv = { .version = 1 };
    struct gnttab_get_version gv = { .dom = DOMID_SELF };
    xen_pfn_t list[4];
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 4,
                                     .frame_list = (unsigned long)list };

    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_query_size,
                                            (unsigned long)&q, 1), 0);
    assert_int_equal(q.status, GNTST_okay);
    assert_int_equal(q.nr_frames, 1);
    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_query_size,
                                            (unsigned long)&q, 2), -EINVAL);

    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_set_version,
                                            (unsigned long)&sv, 1), 0);
    assert_int_equal(sv.version, 1);
    /* v2 is not offered: -ENOSYS and the answer says 1 (Linux: v1). */
    sv.version = 2;
    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_set_version,
                                            (unsigned long)&sv, 1), -ENOSYS);
    assert_int_equal(sv.version, 1);
    sv.version = 3;
    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_set_version,
                                            (unsigned long)&sv, 1), -EINVAL);
    assert_int_equal(sv.version, 1);
    sv.version = 0;
    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_set_version,
                                            (unsigned long)&sv, 1), -EINVAL);

    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_get_version,
                                            (unsigned long)&gv, 1), 0);
    assert_int_equal(gv.version, 1);
    gv.dom = 0;
    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_get_version,
                                            (unsigned long)&gv, 1), -EPERM);
    gv.dom = 77;
    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_get_version,
                                            (unsigned long)&gv, 1), -ESRCH);

    /* setup_table grows the table and reports where frames are mapped. */
    gnttab_set_frame_gfn(dom1, 0, 0xabc);
    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_setup_table,
                                            (unsigned long)&st, 1), 0);
    assert_int_equal(st.status, GNTST_okay);
    assert_int_equal(dom1->grant_table->nr_frames, 4);
    assert_int_equal(list[0], 0xabc);
    assert_int_equal(list[3], INVALID_GFN);
    st.nr_frames = DEFAULT_MAX_GRANT_FRAMES + 1;
    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_setup_table,
                                            (unsigned long)&st, 1), 0);
    assert_int_equal(st.status, GNTST_general_error);
    st.nr_frames = 2;
    st.frame_list = 0x20;
    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_setup_table,
                                            (unsigned long)&st, 1), -EFAULT);
    st.dom = 0;
    st.frame_list = (unsigned long)list;
    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_setup_table,
                                            (unsigned long)&st, 1), 0);
    assert_int_equal(st.status, GNTST_permission_denied);

    /* Unimplemented commands: -ENOSYS, logged once. */
    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_cache_flush,
                                            (unsigned long)&q, 1), -ENOSYS);
    assert_int_equal(do_grant_table_op_vcpu(v, GNTTABOP_cache_flush,
                                            (unsigned long)&q, 1), -ENOSYS);
    assert_int_equal(do_grant_table_op_vcpu(v, 1000, 0, 1), -ENOSYS);
    assert_int_equal(test_log_count("grant_table_op: cmd 12 "), 1);

    grant_table_op_init();
    assert_int_equal(last_hypercall_nr, 20);
}

/*
 * Every failed operation is logged (debug level) with both domains, the
 * ref or handle, the status and why; a domain's failures past its first
 * 32 only every 1024th time.
 */
static void test_failure_log(void **state)
{
    struct gnttab_map_grant_ref op;
    unsigned int i;

    give_page(dom0, HOST_GFN, p2m_ram_rw);
    grant(dom1, 5, 0, 0x100, GTF_permit_access | GTF_readonly);
    grant(dom1, 6, 2, 0x100, GTF_permit_access);
    test_log_reset();

    op = map(dom0, 1, 5, HOST_ADDR, GNTMAP_host_map | GNTMAP_readonly);
    assert_int_equal(op.status, GNTST_general_error);
    assert_true(test_log_contains("gnttab: d0 map of d1 ref 5 failed: "
                                  "general_error (-1): target gfn is "
                                  "populated [1 so far]"));
    op = map(dom0, 1, 5, HOST_ADDR + 4096, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_general_error);
    assert_true(test_log_contains("ref 5 failed: general_error (-1): "
                                  "entry is GTF_readonly [2 so far]"));
    op = map(dom0, 1, 6, HOST_ADDR + 4096, GNTMAP_host_map);
    assert_true(test_log_contains("ref 6 failed: general_error (-1): "
                                  "entry grants another domain"));
    op = map(dom0, 1, 9999, HOST_ADDR + 4096, GNTMAP_host_map);
    assert_int_equal(op.status, GNTST_bad_gntref);
    assert_true(test_log_contains("ref 9999 failed: bad_gntref (-3) "
                                  "[4 so far]"));
    assert_int_equal(unmap(dom0, 77, HOST_ADDR, 0), GNTST_bad_handle);
    assert_true(test_log_contains("gnttab: d0 unmap handle 77 ref 0 "
                                  "failed: bad_handle (-4)"));
    assert_int_equal(do_copy(dom0, copy_op(0, 0x100, 1, 0, 0x10, 0, 0, 8)),
                     GNTST_permission_denied);
    assert_true(test_log_contains("permission_denied (-8): a frame of "
                                  "another domain without a grant"));
    give_page(dom2, 0x10, p2m_ram_rw);
    assert_int_equal(do_copy(dom2, copy_op(GNTCOPY_dest_gref, 0x10,
                                           DOMID_SELF, 0, 5, 1, 0, 8)),
                     GNTST_general_error);
    assert_true(test_log_contains("gnttab: d2 copy to d1 ref 5 failed: "
                                  "general_error (-1): entry grants "
                                  "another domain [1 so far]"));
    /* Successes are not logged. */
    i = test_log_lines();
    op = map(dom0, 1, 5, HOST_ADDR + 4096,
             GNTMAP_host_map | GNTMAP_readonly);
    assert_int_equal(op.status, GNTST_okay);
    assert_int_equal(test_log_lines(), i);

    /* dom0 has 6 failures so far: 26 more are shown, then 1 in 1024. */
    test_log_reset();
    for ( i = 0; i < 2048 - 6; i++ )
        map(dom0, 1, 9999, 0, GNTMAP_host_map);
    assert_int_equal(test_log_count("gnttab: d0 map"), 26 + 2);
    assert_true(test_log_contains("[1024 so far]"));
    assert_true(test_log_contains("[2048 so far]"));
    /* Another domain's failures are counted on their own (and dom0
     * holds ref 5 now). */
    assert_int_equal(do_copy(dom2, copy_op(GNTCOPY_dest_gref, 0x10,
                                           DOMID_SELF, 0, 5, 1, 0, 8)),
                     GNTST_general_error);
    assert_true(test_log_contains("gnttab: d2 copy to d1 ref 5 failed: "
                                  "general_error (-1): pinned by another "
                                  "domain [2 so far]"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_init_and_query),
        T(test_get_frame),
        T(test_map_unmap_rw),
        T(test_map_readonly),
        T(test_map_readonly_frame),
        T(test_pins),
        T(test_map_bad_refs),
        T(test_map_bad_args),
        T(test_map_not_ram),
        T(test_map_target_gfn),
        T(test_unmap_bad),
        T(test_maptrack_exhaustion),
        T(test_copy),
        T(test_copy_bad),
        T(test_destroy_with_mappings),
        T(test_frames_owned),
        T(test_frames_teardown),
        T(test_init_dying),
        T(test_map_dying_granter),
        T(test_lookup_references),
        T(test_kill_during_unmap),
        T(test_kill_during_map_copy),
        T(test_hypercall_batch),
        T(test_hypercall_sizes_versions),
        T(test_failure_log),
    };

    return cmocka_run_group_tests_name("grant", tests, NULL, NULL);
}
