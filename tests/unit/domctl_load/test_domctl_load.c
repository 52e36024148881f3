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
#include <public/domctl.h>
#include "../../../xen/common/domctl_load.h"

static struct domain *dom0, *domu, *other;
static unsigned long mfn[3];

#define GFN 0x10UL

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
    return 0;
}

static u8 *frame(unsigned long m)
{
    return maddr_to_virt((paddr_t)m << PAGE_SHIFT);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_copy, setup),
        cmocka_unit_test_setup(test_zero_tail, setup),
        cmocka_unit_test_setup(test_bad_args, setup),
        cmocka_unit_test_setup(test_refused_pages, setup),
        cmocka_unit_test_setup(test_buffer_fault, setup),
    };

    return cmocka_run_group_tests_name("domctl_load", tests, NULL, NULL);
}
