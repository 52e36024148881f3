/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen/common/domctl.c, pure part: argument checks and info packing.
 */
#include "harness.h"

#include <string.h>
#include <xen/lib.h>
#include <xen/errno.h>

#include "../../../xen/common/domctl.c"

static struct xen_domctl_createdomain good(void)
{
    struct xen_domctl_createdomain c;

    memset(&c, 0, sizeof(c));
    c.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    c.max_vcpus = 1;
    c.max_grant_frames = -1;
    c.max_maptrack_frames = -1;
    c.arch.emulation_flags = XEN_X86_EMU_LAPIC;
    return c;
}

static void test_createdomain_checks(void **state)
{
    struct xen_domctl_createdomain c = good();

    (void)state;
    assert_int_equal(domctl_check_createdomain(&c), 0);
    c.flags = XEN_DOMCTL_CDF_hvm;                   /* no hap */
    assert_int_equal(domctl_check_createdomain(&c), -EINVAL);
    c = good();
    c.flags |= XEN_DOMCTL_CDF_iommu;
    assert_int_equal(domctl_check_createdomain(&c), -EINVAL);
    c = good();
    c.max_vcpus = 0;
    assert_int_equal(domctl_check_createdomain(&c), -EINVAL);
    c.max_vcpus = XEN_DOMCTL_MAX_VCPUS + 1;
    assert_int_equal(domctl_check_createdomain(&c), -EINVAL);
    c.max_vcpus = XEN_DOMCTL_MAX_VCPUS;
    assert_int_equal(domctl_check_createdomain(&c), 0);
    c = good();
    c.arch.emulation_flags |= XEN_X86_EMU_VGA;
    assert_int_equal(domctl_check_createdomain(&c), -EINVAL);
    c = good();
    c.max_grant_frames = -2;
    assert_int_equal(domctl_check_createdomain(&c), -EINVAL);
    c = good();
    c.cpupool_id = 1;
    assert_int_equal(domctl_check_createdomain(&c), -EINVAL);
    assert_true(domctl_domid_ok(1));
    assert_false(domctl_domid_ok(DOMID_FIRST_RESERVED));
    assert_false(domctl_domid_ok(DOMID_SELF));
}

static void test_credit_and_units(void **state)
{
    struct xen_domctl_sched_credit c = { .weight = 256, .cap = 200 };
    const u8 bytes[8] = { 0x05, 0x80, 0, 0, 0, 0, 0, 0x01 };

    (void)state;
    assert_int_equal(domctl_check_credit(&c, 2), 0);
    c.cap = 201;
    assert_int_equal(domctl_check_credit(&c, 2), -EINVAL);
    assert_int_equal(domctl_memkb_to_pages(16384), 4096);
    assert_int_equal(domctl_memkb_to_pages(~0ULL), ~0UL);
    assert_int_equal(domctl_bitmap_to_u64(bytes, 3), 0x5);
    assert_int_equal(domctl_bitmap_to_u64(bytes, 16), 0x8005);
    assert_true(domctl_bitmap_to_u64(bytes, 1000) == 0x0100000000008005ULL);
    assert_true(domctl_param_settable(HVM_PARAM_STORE_PFN));
    assert_false(domctl_param_settable(HVM_PARAM_CALLBACK_IRQ));
}

static void test_pack_info(void **state)
{
    static struct domain d;
    static struct vcpu v[2];
    struct vcpu *vp[2] = { &v[0], &v[1] };
    struct xen_domctl_getdomaininfo info;

    (void)state;
    memset(&d, 0, sizeof(d));
    memset(v, 0, sizeof(v));
    d.domain_id = 7;
    d.max_vcpus = 2;
    d.vcpu = vp;
    d.tot_pages = 4096;
    d.max_pages = 4096;
    d.controller_paused = true;
    memcpy(d.handle, "0123456789abcdef", 16);
    v[0].cpu_time = 1000;
    v[1].cpu_time = 500;
    v[1].pause_flags = 1UL << VPF_down;

    domctl_pack_info(&d, &info);
    assert_int_equal(info.domain, 7);
    assert_true(info.flags & XEN_DOMINF_paused);
    assert_true(info.flags & XEN_DOMINF_hvm_guest);
    assert_false(info.flags & (XEN_DOMINF_shutdown | XEN_DOMINF_dying));
    assert_int_equal(info.tot_pages, 4096);
    assert_int_equal(info.cpu_time, 1500);
    assert_int_equal(info.nr_online_vcpus, 1);
    assert_int_equal(info.max_vcpu_id, 1);
    assert_memory_equal(info.handle, "0123456789abcdef", 16);
    assert_true(info.shared_info_frame == ~0ULL);

    /* Shut down (crash): the flag and the reason in bits 16..23. */
    d.is_shutting_down = true;
    d.shutdown_code = 3;
    v[0].pause_flags = 1UL << VPF_blocked;
    domctl_pack_info(&d, &info);
    assert_true(info.flags & XEN_DOMINF_shutdown);
    assert_int_equal((info.flags >> XEN_DOMINF_shutdownshift) &
                     XEN_DOMINF_shutdownmask, 3);
    assert_true(info.flags & XEN_DOMINF_blocked);
    assert_false(info.flags & XEN_DOMINF_running);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_createdomain_checks),
        cmocka_unit_test(test_credit_and_units),
        cmocka_unit_test(test_pack_info),
    };

    return cmocka_run_group_tests_name("domctl", tests, NULL, NULL);
}
