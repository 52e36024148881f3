/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen/arch/x86/e820.c: sorting, clipping overlaps by type priority,
 * merging, zero-length entries, limits, and the mem_lower/mem_upper
 * fallback.
 */
#include "harness.h"

#include <xen/lib.h>
#include <xen/errno.h>
#include <asm/e820.h>

#define MB(x) ((u64)(x) << 20)
#define GB(x) ((u64)(x) << 30)

static struct e820entry out[E820MAX];

static void expect(unsigned int i, u64 addr, u64 size, u32 type)
{
    if ( out[i].addr != addr || out[i].size != size || out[i].type != type )
        fail_msg("entry %u: got [%#llx +%#llx] type %u, want [%#llx +%#llx] "
                 "type %u", i, (unsigned long long)out[i].addr,
                 (unsigned long long)out[i].size, out[i].type,
                 (unsigned long long)addr, (unsigned long long)size, type);
}

#define SANITIZE(in) e820_sanitize(in, ARRAY_SIZE(in), out, E820MAX)

static void test_clean_map_unchanged(void **state)
{
    /* QEMU pc, -m 2048. */
    const struct e820entry in[] = {
        { 0, 0x9fc00, E820_RAM },
        { 0x9fc00, 0x400, E820_RESERVED },
        { 0xf0000, 0x10000, E820_RESERVED },
        { MB(1), 0x7fee0000, E820_RAM },
        { 0x7ffe0000, 0x20000, E820_RESERVED },
        { 0xfffc0000, 0x40000, E820_RESERVED },
    };
    unsigned int i;

    assert_int_equal(SANITIZE(in), 6);
    for ( i = 0; i < 6; i++ )
        expect(i, in[i].addr, in[i].size, in[i].type);
}

static void test_unsorted(void **state)
{
    const struct e820entry in[] = {
        { GB(4), GB(2), E820_RAM },
        { MB(1), MB(100), E820_RAM },
        { 0, 0x9f000, E820_RAM },
        { 0xfee00000, 0x1000, E820_RESERVED },
    };

    assert_int_equal(SANITIZE(in), 4);
    expect(0, 0, 0x9f000, E820_RAM);
    expect(1, MB(1), MB(100), E820_RAM);
    expect(2, 0xfee00000, 0x1000, E820_RESERVED);
    expect(3, GB(4), GB(2), E820_RAM);
}

static void test_zero_length_dropped(void **state)
{
    const struct e820entry in[] = {
        { 0, 0x9f000, E820_RAM },
        { 0x50000, 0, E820_RESERVED },       /* inside RAM: must not split */
        { MB(1), 0, E820_RAM },
        { MB(1), MB(15), E820_RAM },
    };

    assert_int_equal(SANITIZE(in), 2);
    expect(0, 0, 0x9f000, E820_RAM);
    expect(1, MB(1), MB(15), E820_RAM);
}

static void test_adjacent_merged(void **state)
{
    const struct e820entry in[] = {
        { MB(1), MB(1), E820_RAM },
        { MB(2), MB(2), E820_RAM },
        { MB(4), MB(4), E820_RAM },
        { MB(8), MB(1), E820_ACPI },         /* touching, other type */
        { MB(9), MB(1), E820_ACPI },
    };

    assert_int_equal(SANITIZE(in), 2);
    expect(0, MB(1), MB(7), E820_RAM);
    expect(1, MB(8), MB(2), E820_ACPI);
}

static void test_reserved_inside_ram_splits(void **state)
{
    const struct e820entry in[] = {
        { 0, GB(1), E820_RAM },
        { MB(16), MB(1), E820_RESERVED },
    };

    assert_int_equal(SANITIZE(in), 3);
    expect(0, 0, MB(16), E820_RAM);
    expect(1, MB(16), MB(1), E820_RESERVED);
    expect(2, MB(17), GB(1) - MB(17), E820_RAM);
}

static void test_type_priority(void **state)
{
    /* Listed least restrictive last, so order of input cannot decide. */
    const struct e820entry in[] = {
        { MB(10), MB(10), E820_NVS },        /* 10-20 */
        { MB(15), MB(10), E820_UNUSABLE },   /* 15-25 */
        { MB(5), MB(10), E820_ACPI },        /* 5-15 */
        { 0, MB(30), E820_RAM },             /* 0-30 */
    };

    assert_int_equal(SANITIZE(in), 5);
    expect(0, 0, MB(5), E820_RAM);
    expect(1, MB(5), MB(5), E820_ACPI);       /* ACPI beats RAM */
    expect(2, MB(10), MB(5), E820_NVS);       /* NVS beats ACPI */
    expect(3, MB(15), MB(10), E820_UNUSABLE); /* unusable beats NVS */
    expect(4, MB(25), MB(5), E820_RAM);
}

static void test_reserved_beats_everything(void **state)
{
    const struct e820entry in[] = {
        { 0, MB(4), E820_RESERVED },
        { MB(1), MB(2), E820_RAM },
        { MB(2), MB(4), E820_NVS },
        { MB(5), MB(1), 12 },                /* unknown: treated as reserved */
        { MB(5), MB(2), E820_RAM },
    };

    assert_int_equal(SANITIZE(in), 4);
    expect(0, 0, MB(4), E820_RESERVED);
    expect(1, MB(4), MB(1), E820_NVS);
    expect(2, MB(5), MB(1), 12);
    expect(3, MB(6), MB(1), E820_RAM);
}

static void test_same_type_overlap_is_union(void **state)
{
    const struct e820entry in[] = {
        { MB(1), MB(10), E820_RAM },
        { MB(5), MB(10), E820_RAM },
        { MB(2), MB(1), E820_RAM },
    };

    assert_int_equal(SANITIZE(in), 1);
    expect(0, MB(1), MB(14), E820_RAM);
}

static void test_wrap_is_clipped(void **state)
{
    const struct e820entry in[] = {
        { 0, MB(1), E820_RAM },
        { 0xfffffffffff00000ULL, MB(2), E820_RESERVED },
    };

    assert_int_equal(SANITIZE(in), 2);
    expect(1, 0xfffffffffff00000ULL, 0xfffff, E820_RESERVED);
}

static void test_limits(void **state)
{
    static struct e820entry big[E820MAX + 1];
    const struct e820entry split[] = {
        { 0, GB(1), E820_RAM },
        { MB(16), MB(1), E820_RESERVED },
    };

    assert_int_equal(e820_sanitize(big, E820MAX + 1, out, E820MAX), -E2BIG);
    /* All zero-length: nothing left. */
    assert_int_equal(e820_sanitize(big, E820MAX, out, E820MAX), 0);
    /* Three pieces do not fit in two. */
    assert_int_equal(e820_sanitize(split, 2, out, 2), -ENOSPC);
    assert_int_equal(e820_sanitize(split, 2, out, 3), 3);
}

static void test_many_entries(void **state)
{
    static struct e820entry in[E820MAX];
    unsigned int i;

    /* 128 disjoint 1 MiB RAM pieces with 1 MiB gaps, given backwards. */
    for ( i = 0; i < E820MAX; i++ )
    {
        in[i].addr = MB(2) * (E820MAX - 1 - i);
        in[i].size = MB(1);
        in[i].type = E820_RAM;
    }
    assert_int_equal(e820_sanitize(in, E820MAX, out, E820MAX), E820MAX);
    for ( i = 0; i < E820MAX; i++ )
        expect(i, MB(2) * i, MB(1), E820_RAM);
}

static struct boot_info bi;
static struct e820map map;

static void test_bootinfo_prefers_map(void **state)
{
    /* EFI: mem_upper is tiny, the map is the truth. */
    memset(&bi, 0, sizeof(bi));
    bi.efi = true;
    bi.have_meminfo = true;
    bi.mem_lower_kb = 640;
    bi.mem_upper_kb = 1024;
    bi.nr_memmap = 2;
    bi.memmap[0] = (struct e820entry){ MB(1), GB(2), E820_RAM };
    bi.memmap[1] = (struct e820entry){ 0, 0xa0000, E820_RAM };

    assert_int_equal(e820_from_bootinfo(&bi, &map), 2);
    assert_int_equal(map.nr_map, 2);
    assert_true(e820_ram_bytes(&map) == GB(2) + 0xa0000);
}

static void test_bootinfo_fallback(void **state)
{
    memset(&bi, 0, sizeof(bi));
    bi.have_meminfo = true;
    bi.mem_lower_kb = 639;
    bi.mem_upper_kb = 2096000;

    assert_int_equal(e820_from_bootinfo(&bi, &map), 2);
    assert_true(map.map[0].addr == 0 && map.map[0].size == 639 * 1024);
    assert_true(map.map[1].addr == MB(1) &&
                map.map[1].size == 2096000ULL * 1024);
    assert_int_equal(map.map[1].type, E820_RAM);

    /* Nothing at all. */
    memset(&bi, 0, sizeof(bi));
    assert_true(e820_from_bootinfo(&bi, &map) < 0);
    assert_int_equal(map.nr_map, 0);
}

static void test_print_format(void **state)
{
    map.nr_map = 3;
    map.map[0] = (struct e820entry){ 0, 0x9fc00, E820_RAM };
    map.map[1] = (struct e820entry){ 0xe0000, 0x20000, E820_NVS };
    map.map[2] = (struct e820entry){ 0xfed00000, 0x1000, 42 };
    test_log_reset();
    e820_print(&map);
    assert_string_equal(test_log(),
        " [0000000000000000, 000000000009fbff] (usable)\n"
        " [00000000000e0000, 00000000000fffff] (ACPI NVS)\n"
        " [00000000fed00000, 00000000fed00fff] (type 42)\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_map_unchanged),
        cmocka_unit_test(test_unsorted),
        cmocka_unit_test(test_zero_length_dropped),
        cmocka_unit_test(test_adjacent_merged),
        cmocka_unit_test(test_reserved_inside_ram_splits),
        cmocka_unit_test(test_type_priority),
        cmocka_unit_test(test_reserved_beats_everything),
        cmocka_unit_test(test_same_type_overlap_is_union),
        cmocka_unit_test(test_wrap_is_clipped),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_many_entries),
        cmocka_unit_test(test_bootinfo_prefers_map),
        cmocka_unit_test(test_bootinfo_fallback),
        cmocka_unit_test(test_print_format),
    };

    return cmocka_run_group_tests_name("e820", tests, NULL, NULL);
}
