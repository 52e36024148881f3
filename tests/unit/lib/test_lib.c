/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xen/common/lib.c: simple_strtoull() and parse_size_and_unit(). */
#include "harness.h"

#include <xen/lib.h>

static void test_strtoull_bases(void **state)
{
    const char *s, *e;

    s = "1234 rest";
    assert_int_equal(simple_strtoull(s, &e, 0), 1234);
    assert_ptr_equal(e, s + 4);
    s = "0x1fG";
    assert_int_equal(simple_strtoull(s, &e, 0), 0x1f);
    assert_ptr_equal(e, s + 4);
    s = "0755";
    assert_int_equal(simple_strtoull(s, &e, 0), 0755);
    s = "ff";
    assert_int_equal(simple_strtoull(s, &e, 16), 0xff);
    s = "0x";       /* no hex digit: the "0" alone is the number */
    assert_int_equal(simple_strtoull(s, &e, 0), 0);
    assert_ptr_equal(e, s + 1);
}

static void test_strtoull_malformed(void **state)
{
    const char *s, *e;

    s = "abc";
    assert_int_equal(simple_strtoull(s, &e, 10), 0);
    assert_ptr_equal(e, s);
    s = "";
    simple_strtoull(s, &e, 0);
    assert_ptr_equal(e, s);
    /* Overflow saturates and reports no digits consumed. */
    s = "18446744073709551616";
    assert_true(simple_strtoull(s, &e, 10) == ~0ULL);
    assert_ptr_equal(e, s);
    s = "18446744073709551615";
    assert_true(simple_strtoull(s, &e, 10) == ~0ULL);
    assert_ptr_equal(e, s + 20);
}

static void test_size_suffixes(void **state)
{
    const char *s, *e;

    assert_int_equal(parse_size_and_unit("512M", &e), 512ULL << 20);
    assert_int_equal(*e, '\0');
    assert_int_equal(parse_size_and_unit("2G", NULL), 2ULL << 30);
    assert_int_equal(parse_size_and_unit("2g", NULL), 2ULL << 30);
    assert_int_equal(parse_size_and_unit("1024K", NULL), 1ULL << 20);
    assert_int_equal(parse_size_and_unit("3t", NULL), 3ULL << 40);
    assert_int_equal(parse_size_and_unit("100B", NULL), 100);
    assert_int_equal(parse_size_and_unit("0x1000", NULL), 0x1000);
    s = "4096,next";
    assert_int_equal(parse_size_and_unit(s, &e), 4096);
    assert_ptr_equal(e, s + 4);
    s = "1G+25%";
    assert_int_equal(parse_size_and_unit(s, &e), 1ULL << 30);
    assert_ptr_equal(e, s + 2);
}

static void test_size_malformed(void **state)
{
    const char *s, *e;

    s = "M";
    assert_int_equal(parse_size_and_unit(s, &e), 0);
    assert_ptr_equal(e, s);
    s = "-5M";
    parse_size_and_unit(s, &e);
    assert_ptr_equal(e, s);
    /* 2^24 T does not fit in 64 bits. */
    s = "16777216T";
    parse_size_and_unit(s, &e);
    assert_ptr_equal(e, s);
    s = "16777215T";
    assert_true(parse_size_and_unit(s, &e) == 16777215ULL << 40);
    assert_ptr_equal(e, s + 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strtoull_bases),
        cmocka_unit_test(test_strtoull_malformed),
        cmocka_unit_test(test_size_suffixes),
        cmocka_unit_test(test_size_malformed),
    };

    return cmocka_run_group_tests_name("lib", tests, NULL, NULL);
}
