/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XEN_DOMCTL_keel_load_memory's handler on the memop tests' fake machine:
 * what it copies, and everything it refuses without writing a byte.
 */
#include <string.h>
#include "harness.h"
#include "../memop/stubs.h"

#include <xen/errno.h>
#include <xen/mm.h>
#include <asm/p2m.h>
#include <asm/guest_walk.h>
#include <public/domctl.h>
#include "../../../xen/common/domctl_load.h"

static struct domain *dom0, *domu, *other;
static unsigned long mfn[3];

#define GFN 0x10UL

/*
 * dom0's buffer: GUEST_MEM_SIZE bytes at GVA(0), in dom0 frames at
 * BUF_GFN.., mapped by 4-level tables at TABLE_GFN.. (PML4, PDPT, PD,
 * PT) that domctl_load walks with guest_walk; the same bytes are in
 * gmem() for the comparisons.
 */
#define TABLE_GFN   0x100UL
#define BUF_GFN     0x200UL
#define BUF_PAGES   (GUEST_MEM_SIZE / PAGE_SIZE)
#define PTE_FLAGS   0x7ULL                  /* present, writable, user */
static unsigned long table_mfn[4], buf_mfn[BUF_PAGES];

unsigned long directmap_end_pfn = ~0UL;

void hvm_get_paging_state(struct vcpu *v, struct guest_paging_state *s)
{
    /* Long mode, 4 levels, no SMAP: dom0 in a hypercall. */
    s->cr0 = GW_CR0_PG | GW_CR0_WP | 1;
    s->cr3 = TABLE_GFN << PAGE_SHIFT;
    s->cr4 = GW_CR4_PAE;
    s->efer = GW_EFER_LMA | GW_EFER_NXE | (1UL << 8);
    s->rflags = 0;
    s->maxphyaddr = 0;
}

static u8 *frame(unsigned long m)
{
    return maddr_to_virt((paddr_t)m << PAGE_SHIFT);
}

static u64 *table(unsigned int level)       /* 4 = PML4 ... 1 = PT */
{
    return (u64 *)frame(table_mfn[4 - level]);
}

static void map_dom0_buffer(void)
{
    unsigned long va = GVA(0);
    unsigned int i;

    for ( i = 0; i < 4; i++ )
    {
        table_mfn[i] = give_page(dom0, TABLE_GFN + i);
        memset(frame(table_mfn[i]), 0, PAGE_SIZE);
    }
    table(4)[(va >> 39) & 511] = ((TABLE_GFN + 1) << PAGE_SHIFT) | PTE_FLAGS;
    table(3)[(va >> 30) & 511] = ((TABLE_GFN + 2) << PAGE_SHIFT) | PTE_FLAGS;
    table(2)[(va >> 21) & 511] = ((TABLE_GFN + 3) << PAGE_SHIFT) | PTE_FLAGS;
    for ( i = 0; i < BUF_PAGES; i++ )
    {
        buf_mfn[i] = give_page(dom0, BUF_GFN + i);
        memcpy(frame(buf_mfn[i]), gmem(GVA(i * PAGE_SIZE)), PAGE_SIZE);
        table(1)[((va >> 12) & 511) + i] =
            ((BUF_GFN + i) << PAGE_SHIFT) | PTE_FLAGS;
    }
}

static int setup(void **state)
{
    unsigned int i;

    fake_reset();
    dom0 = mkdom(0, true, 2);
    domu = mkdom(1, false, 1);
    other = mkdom(2, false, 1);
    for ( i = 0; i < 3; i++ )
        mfn[i] = give_page(domu, GFN + i);
    domu->controller_paused = true;
    /* dom0's buffer: a byte pattern over all 64 KiB. */
    for ( i = 0; i < GUEST_MEM_SIZE; i++ )
        ((u8 *)gmem(GVA(0)))[i] = (u8)(i * 7 + 1);
    map_dom0_buffer();
    return 0;
}

static long load(struct domain *d, u64 gpa, unsigned long gva, u32 nr,
                 u32 flags, u64 *done)
{
    struct xen_domctl_keel_load_memory l = {
        .gpa = gpa, .buffer = gva, .nr_bytes = nr, .flags = flags,
        .done = 12345,
    };
    long rc = domctl_load_memory(dom0->vcpu[0], d, &l);

    if ( done )
        *done = l.done;
    return rc;
}

static bool all_byte(const u8 *p, size_t n, u8 v)
{
    while ( n-- )
        if ( *p++ != v )
            return false;
    return true;
}

static void assert_no_refs(void)
{
    unsigned int i;

    for ( i = 0; i < 3; i++ )
        assert_int_equal(mfn_to_page(mfn[i])->count_info, 0);
    /* Nor on dom0's table frames, held only during a call. */
    for ( i = 0; i < 4; i++ )
        assert_int_equal(mfn_to_page(table_mfn[i])->count_info, 0);
}

static void assert_untouched(void)
{
    unsigned int i;

    for ( i = 0; i < 3; i++ )
        assert_true(all_byte(frame(mfn[i]), PAGE_SIZE, 0xaa));
}

/* An unaligned range over three pages: exact bytes, nothing around. */
static void test_copy(void **state)
{
    u64 done;
    u64 gpa = (GFN << PAGE_SHIFT) + 100;
    u32 nr = 2 * PAGE_SIZE + 50;

    assert_int_equal(mfn_to_page(mfn[0])->count_info, 0);
    assert_int_equal(load(domu, gpa, GVA(3), nr, 0, &done), 0);
    assert_int_equal(done, nr);
    assert_true(all_byte(frame(mfn[0]), 100, 0xaa));
    assert_memory_equal(frame(mfn[0]) + 100, gmem(GVA(3)), PAGE_SIZE - 100);
    assert_memory_equal(frame(mfn[1]), gmem(GVA(3 + PAGE_SIZE - 100)),
                        PAGE_SIZE);
    assert_memory_equal(frame(mfn[2]), gmem(GVA(3 + 2 * PAGE_SIZE - 100)),
                        150);
    assert_true(all_byte(frame(mfn[2]) + 150, PAGE_SIZE - 150, 0xaa));
    assert_no_refs();
}

static void test_zero_tail(void **state)
{
    u64 done;

    assert_int_equal(load(domu, (GFN + 1) << PAGE_SHIFT, GVA(0), 10,
                          XEN_DOMCTL_KEEL_LOAD_ZERO_TAIL, &done), 0);
    assert_int_equal(done, 10);
    assert_memory_equal(frame(mfn[1]), gmem(GVA(0)), 10);
    assert_true(all_byte(frame(mfn[1]) + 10, PAGE_SIZE - 10, 0));
    assert_true(all_byte(frame(mfn[0]), PAGE_SIZE, 0xaa));
    assert_true(all_byte(frame(mfn[2]), PAGE_SIZE, 0xaa));
}

static void test_bad_args(void **state)
{
    u64 gpa = GFN << PAGE_SHIFT, done;

    assert_int_equal(load(domu, gpa, GVA(0), 0, 0, &done), -EINVAL);
    assert_int_equal(done, 0);
    assert_int_equal(load(domu, gpa, GVA(0), XEN_DOMCTL_KEEL_LOAD_MAX + 1,
                          0, NULL), -EINVAL);
    assert_int_equal(load(domu, gpa, GVA(0), 16, 2, NULL), -EINVAL);
    assert_int_equal(load(domu, ~0ULL - 8, GVA(0), 16, 0, NULL), -EINVAL);
    /* Never dom0 (target or caller's own domain). */
    dom0->controller_paused = true;
    assert_int_equal(load(dom0, 0, GVA(0), 16, 0, NULL), -EINVAL);
    /* A running (not toolstack-paused) target. */
    domu->controller_paused = false;
    assert_int_equal(load(domu, gpa, GVA(0), 16, 0, NULL), -EBUSY);
    assert_untouched();
    assert_no_refs();
}

/* Each bad page in the middle of the range: nothing is written. */
static void test_refused_pages(void **state)
{
    u64 gpa = GFN << PAGE_SHIFT;
    unsigned long om = give_page(other, 0x40);
    p2m_type_t bad[] = { p2m_ram_ro, p2m_ram_logdirty, p2m_mmio_direct };
    unsigned int i;

    for ( i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        fake_p2m_set(domu, GFN + 1, mfn[1], bad[i]);
        assert_int_equal(load(domu, gpa, GVA(0), 3 * PAGE_SIZE, 0, NULL),
                         -EINVAL);
    }
    /* A foreign mapping (holds a reference, as memory.c's do). */
    assert_true(get_page(om, other));
    fake_p2m_set(domu, GFN + 1, om, p2m_foreign);
    assert_int_equal(load(domu, gpa, GVA(0), 3 * PAGE_SIZE, 0, NULL),
                     -EINVAL);
    /* A hole. */
    fake_p2m_set(domu, GFN + 1, 0, p2m_invalid);
    assert_int_equal(load(domu, gpa, GVA(0), 3 * PAGE_SIZE, 0, NULL),
                     -EINVAL);
    /* Another domain's frame entered as RAM. */
    fake_p2m_set(domu, GFN + 1, om, p2m_ram_rw);
    assert_int_equal(load(domu, gpa, GVA(0), 3 * PAGE_SIZE, 0, NULL),
                     -EINVAL);
    assert_true(all_byte(frame(om), PAGE_SIZE, 0xaa));
    /* A frame the hypervisor shares with domu (a grant-table frame). */
    fake_p2m_set(domu, GFN + 1, mfn[1], p2m_ram_rw);
    mfn_to_page(mfn[1])->flags |= PGF_xen_shared;
    assert_int_equal(load(domu, gpa, GVA(0), 3 * PAGE_SIZE, 0, NULL),
                     -EINVAL);
    mfn_to_page(mfn[1])->flags &= ~PGF_xen_shared;
    /* A dying domain's frames cannot be referenced. */
    domu->is_dying = true;
    assert_int_equal(load(domu, gpa, GVA(0), 16, 0, NULL), -EINVAL);
    domu->is_dying = false;
    assert_untouched();
    assert_no_refs();
    /* The same range is fine once it is all RAM again. */
    assert_int_equal(load(domu, gpa, GVA(0), 3 * PAGE_SIZE, 0, NULL), 0);
}

/* dom0's buffer ends after one page: -EFAULT, done says so. */
static void test_buffer_fault(void **state)
{
    u64 done;

    assert_int_equal(load(domu, GFN << PAGE_SHIFT,
                          GVA(GUEST_MEM_SIZE - PAGE_SIZE), 2 * PAGE_SIZE,
                          XEN_DOMCTL_KEEL_LOAD_ZERO_TAIL, &done), -EFAULT);
    assert_int_equal(done, PAGE_SIZE);
    assert_memory_equal(frame(mfn[0]), gmem(GVA(GUEST_MEM_SIZE - PAGE_SIZE)),
                        PAGE_SIZE);
    assert_true(all_byte(frame(mfn[1]), PAGE_SIZE, 0xaa));
    assert_true(all_byte(frame(mfn[2]), PAGE_SIZE, 0xaa));
    assert_no_refs();
    /* A buffer outside dom0's memory from the first byte. */
    assert_int_equal(load(domu, (GFN + 1) << PAGE_SHIFT, 0x1000, 8, 0,
                          &done), -EFAULT);
    assert_int_equal(done, 0);
    assert_true(all_byte(frame(mfn[1]), PAGE_SIZE, 0xaa));
    assert_no_refs();
}

/*
 * The buffer is read through dom0's page tables: a page remapped to
 * another of dom0's frames is read from there; a page not present, or
 * mapped to a frame that is not dom0's RAM, fails the call at that page.
 */
static void test_dom0_tables(void **state)
{
    u64 done;
    u64 *pt = table(1);
    unsigned int slot = ((GVA(0) >> 12) & 511) + 1;
    u64 saved = pt[slot];

    /* Page 1 of the buffer now shows page 5's bytes. */
    pt[slot] = ((BUF_GFN + 5) << PAGE_SHIFT) | PTE_FLAGS;
    assert_int_equal(load(domu, GFN << PAGE_SHIFT, GVA(0), 3 * PAGE_SIZE,
                          0, &done), 0);
    assert_memory_equal(frame(mfn[0]), gmem(GVA(0)), PAGE_SIZE);
    assert_memory_equal(frame(mfn[1]), gmem(GVA(5 * PAGE_SIZE)), PAGE_SIZE);
    assert_memory_equal(frame(mfn[2]), gmem(GVA(2 * PAGE_SIZE)),
                        PAGE_SIZE);
    /* The accessed bits were set along the way, as the CPU does. */
    assert_true(pt[slot] & 0x20);
    assert_true(table(4)[0] & 0x20);
    assert_no_refs();

    /* Not present: the first page is copied, then -EFAULT. */
    pt[slot] = 0;
    memset(frame(mfn[1]), 0xaa, PAGE_SIZE);
    assert_int_equal(load(domu, (GFN + 0) << PAGE_SHIFT, GVA(0),
                          2 * PAGE_SIZE, 0, &done), -EFAULT);
    assert_int_equal(done, PAGE_SIZE);
    assert_true(all_byte(frame(mfn[1]), PAGE_SIZE, 0xaa));
    assert_no_refs();

    /* Mapped to a gfn that is not dom0's RAM, or to MMIO. */
    pt[slot] = (0xf00UL << PAGE_SHIFT) | PTE_FLAGS;
    assert_int_equal(load(domu, GFN << PAGE_SHIFT, GVA(PAGE_SIZE), 16, 0,
                          &done), -EFAULT);
    assert_int_equal(done, 0);
    fake_p2m_set(dom0, 0xf00, buf_mfn[3], p2m_mmio_direct);
    assert_int_equal(load(domu, GFN << PAGE_SHIFT, GVA(PAGE_SIZE), 16, 0,
                          &done), -EFAULT);
    /* Another domain's frame is never read, whatever dom0 maps. */
    assert_true(get_page(mfn[2], domu));    /* the foreign entry's */
    fake_p2m_set(dom0, 0xf00, mfn[2], p2m_foreign);
    assert_int_equal(load(domu, GFN << PAGE_SHIFT, GVA(PAGE_SIZE), 16, 0,
                          &done), -EFAULT);
    fake_p2m_set(dom0, 0xf00, 0, p2m_invalid);
    pt[slot] = saved;
    assert_true(all_byte(frame(mfn[1]), PAGE_SIZE, 0xaa));

    /* A table that is not RAM (the PD points outside): -EFAULT. */
    table(3)[(GVA(0) >> 30) & 511] = (0xf01UL << PAGE_SHIFT) | PTE_FLAGS;
    assert_int_equal(load(domu, GFN << PAGE_SHIFT, GVA(0), 16, 0, &done),
                     -EFAULT);
    assert_int_equal(done, 0);
    assert_no_refs();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_copy, setup),
        cmocka_unit_test_setup(test_zero_tail, setup),
        cmocka_unit_test_setup(test_bad_args, setup),
        cmocka_unit_test_setup(test_refused_pages, setup),
        cmocka_unit_test_setup(test_buffer_fault, setup),
        cmocka_unit_test_setup(test_dom0_tables, setup),
    };

    return cmocka_run_group_tests_name("domctl_load", tests, NULL, NULL);
}
