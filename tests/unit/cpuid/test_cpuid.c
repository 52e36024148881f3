// SPDX-License-Identifier: GPL-2.0-or-later
/* Guest CPUID policy and hypercall page. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <asm/cpuid.h>
#include <asm/hvm/hvm.h>
#include <public/arch-x86/cpuid.h>

struct hvm_function_table hvm_funcs = {
    .hypercall_insn = { 0x0f, 0x01, 0xd9 },
};

static const struct cpuid_guest_info guest = {
    .vcpu_id = 3, .max_vcpus = 4, .domid = 7, .apic_id = 6,
    .tsc_khz = 2100000,
};

static struct cpuid_leaf run(u32 leaf, u32 sub, struct cpuid_leaf host)
{
    cpuid_policy_filter(&guest, leaf, sub, &host);
    return host;
}

static const struct cpuid_leaf ones = { ~0u, ~0u, ~0u, ~0u };

static void test_xen_signature(void **state)
{
    struct cpuid_leaf r = run(0x40000000, 0, ones);

    assert_int_equal(r.a, 0x40000005);
    assert_memory_equal(&r.b, "XenV", 4);
    assert_memory_equal(&r.c, "MMXe", 4);
    assert_memory_equal(&r.d, "nVMM", 4);
}

static void test_xen_version_and_msr(void **state)
{
    struct cpuid_leaf r = run(0x40000001, 0, ones);

    assert_int_equal(r.a, (4 << 16) | 17);
    assert_int_equal(r.b | r.c | r.d, 0);

    r = run(0x40000002, 0, ones);
    assert_int_equal(r.a, 1);
    assert_int_equal(r.b, 0x40000000);
    assert_int_equal(r.c, 0);
    assert_int_equal(r.d, 0);
}

static void test_xen_hvm_leaf(void **state)
{
    struct cpuid_leaf r = run(0x40000004, 0, ones);

    assert_int_equal(r.a, XEN_HVM_CPUID_VCPU_ID_PRESENT |
                          XEN_HVM_CPUID_DOMID_PRESENT |
                          XEN_HVM_CPUID_UPCALL_VECTOR);
    assert_int_equal(r.b, 3);
    assert_int_equal(r.c, 7);
    assert_int_equal(r.d, 0);
}

static void test_xen_time_leaf(void **state)
{
    struct cpuid_leaf r = run(0x40000003, 0, ones);

    assert_int_equal(r.c, 2100000);
    assert_int_equal(r.a | r.b | r.d, 0);
    r = run(0x40000003, 2, ones);
    assert_int_equal(r.a, 2100000);
    r = run(0x40000003, 1, ones);
    assert_int_equal(r.a | r.b | r.c | r.d, 0);
}

static void test_other_hypervisor_leaves_empty(void **state)
{
    /* Not Viridian, not KVM: whatever the host says is hidden. */
    static const u32 leaves[] = { 0x40000006, 0x40000100, 0x40000101,
                                  0x4fffffff };
    unsigned int i;

    for ( i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++ )
    {
        struct cpuid_leaf r = run(leaves[i], 0, ones);

        assert_int_equal(r.a | r.b | r.c | r.d, 0);
    }
}

static void test_leaf1(void **state)
{
    struct cpuid_leaf host = { 0x000806f8, 0x12340800, 0, 0 };
    struct cpuid_leaf r;

    host.c = (1u << 0) | (1u << 3) | (1u << 5) | (1u << 9) | (1u << 26) |
             (1u << 27) | (1u << 28) | (1u << 30);
    host.d = (1u << 0) | (1u << 4) | (1u << 7) | (1u << 9) | (1u << 14) |
             (1u << 25) | (1u << 28);
    r = run(1, 0, host);

    assert_int_equal(r.a, 0x000806f8);
    /* SSE3, SSSE3, RDRAND kept; MONITOR VMX XSAVE OSXSAVE AVX gone. */
    assert_int_equal(r.c, (1u << 0) | (1u << 9) | (1u << 30) |
                          (1u << 21) | (1u << 31));
    /* FPU TSC APIC SSE kept; MCE MCA HTT gone. */
    assert_int_equal(r.d, (1u << 0) | (1u << 4) | (1u << 9) | (1u << 25));
    /* APIC ID 6, one logical CPU, CLFLUSH size and brand kept. */
    assert_int_equal(r.b, (6u << 24) | (1u << 16) | 0x0800);
}

static void test_leaf7(void **state)
{
    struct cpuid_leaf r = run(7, 0, ones);

    assert_int_equal(r.a, 0);
    /* FSGSBASE, BMI1, SMEP, BMI2, ERMS, SMAP kept. */
    assert_true(r.b & (1u << 0));
    assert_true(r.b & (1u << 3));
    assert_true(r.b & (1u << 7));
    assert_true(r.b & (1u << 8));
    assert_true(r.b & (1u << 9));
    assert_true(r.b & (1u << 20));
    /* AVX2, AVX-512F, PT gone. */
    assert_false(r.b & (1u << 5));
    assert_false(r.b & (1u << 16));
    assert_false(r.b & (1u << 25));
    /* PKU/OSPKE, LA57 gone; UMIP kept. */
    assert_false(r.c & (1u << 3));
    assert_false(r.c & (1u << 4));
    assert_false(r.c & (1u << 16));
    assert_true(r.c & (1u << 2));
    /* Speculation controls gone, FSRM kept. */
    assert_false(r.d & (1u << 26));
    assert_false(r.d & (1u << 29));
    assert_false(r.d & (1u << 31));
    assert_true(r.d & (1u << 4));

    r = run(7, 1, ones);
    assert_int_equal(r.a | r.b | r.c | r.d, 0);
}

static void test_extended_leaves(void **state)
{
    struct cpuid_leaf r = run(0x80000001, 0, ones);

    assert_false(r.c & (1u << 2));          /* SVM */
    assert_false(r.c & (1u << 29));         /* MONITORX */
    assert_true(r.c & (1u << 0));           /* LAHF */
    assert_true(r.c & (1u << 5));           /* ABM */
    assert_int_equal(r.d, ~0u);

    r = run(0x8000000a, 0, ones);
    assert_int_equal(r.a | r.b | r.c | r.d, 0);

    r = run(0x80000008, 0, (struct cpuid_leaf){ 0x3030, ~0u, 0x4003, 0 });
    assert_int_equal(r.a, 0x3030);
    assert_false(r.b & (1u << 12));         /* IBPB */
    assert_int_equal(r.c, 0);               /* one core */

    r = run(0x80000007, 0, ones);
    assert_int_equal(r.d, 1u << 8);         /* invariant TSC only */
    assert_int_equal(r.a | r.b | r.c, 0);
}

static void test_hidden_basic_leaves(void **state)
{
    static const u32 leaves[] = { 5, 6, 0xa, 0xb, 0xd, 0x14, 0x1f };
    unsigned int i;

    for ( i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++ )
    {
        struct cpuid_leaf r = run(leaves[i], 0, ones);

        assert_int_equal(r.a | r.b | r.c | r.d, 0);
    }
    /* Cache descriptors keep the cache, lose the core counts. */
    assert_int_equal(run(4, 0, ones).a, 0x3fff);
}

static void test_hypercall_page(void **state)
{
    static u8 page[4096];
    static const u8 stub18[] = { 0xb8, 18, 0, 0, 0, 0x0f, 0x01, 0xd9, 0xc3 };
    static const u8 stub127[] = { 0xb8, 127, 0, 0, 0, 0x0f, 0x01, 0xd9,
                                  0xc3 };
    unsigned int i;

    memset(page, 0, sizeof(page));
    hvm_init_hypercall_page(page);

    assert_memory_equal(page + 18 * 32, stub18, sizeof(stub18));
    assert_memory_equal(page + 127 * 32, stub127, sizeof(stub127));
    /* __HYPERVISOR_iret is not for HVM guests. */
    assert_int_equal(page[23 * 32], 0x0f);
    assert_int_equal(page[23 * 32 + 1], 0x0b);
    /* Every slot: 9 bytes of stub (2 for iret), then int3 to 32. */
    for ( i = 0; i < 128; i++ )
    {
        unsigned int j, used = i == 23 ? 2 : 9;

        for ( j = used; j < 32; j++ )
            assert_int_equal(page[i * 32 + j], 0xcc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xen_signature),
        cmocka_unit_test(test_xen_version_and_msr),
        cmocka_unit_test(test_xen_hvm_leaf),
        cmocka_unit_test(test_xen_time_leaf),
        cmocka_unit_test(test_other_hypervisor_leaves_empty),
        cmocka_unit_test(test_leaf1),
        cmocka_unit_test(test_leaf7),
        cmocka_unit_test(test_extended_leaves),
        cmocka_unit_test(test_hidden_basic_leaves),
        cmocka_unit_test(test_hypercall_page),
    };

    return cmocka_run_group_tests_name("cpuid", tests, NULL, NULL);
}
