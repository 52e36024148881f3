/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen/arch/x86/dom0_mem.c: Xen's dom0_mem= syntax (sizes in KiB without a
 * suffix, min:/max:, negative "all but", percentages), dom0_max_vcpus=,
 * and the plan they produce.
 */
#include "harness.h"

#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/param.h>
#include <asm/config.h>
#include <asm/dom0.h>

#define MB(x)      ((u64)(x) << 20)
#define PAGES(mb)  ((unsigned long)(mb) << (20 - PAGE_SHIFT))

static struct dom0_mem_opts o;

static int reset(void **state)
{
    memset(&o, 0, sizeof(o));
    test_log_reset();
    return 0;
}

static void test_plain_amounts(void **state)
{
    assert_int_equal(dom0_mem_parse("512M", &o), 0);
    assert_true(o.amt.set && !o.amt.minus && o.amt.bytes == MB(512));
    assert_false(o.min.set || o.max.set);
    assert_int_equal(dom0_mem_parse("2G", &o), 0);
    assert_true(o.amt.bytes == MB(2048));
    /* As in Xen, no suffix means KiB. */
    assert_int_equal(dom0_mem_parse("524288", &o), 0);
    assert_true(o.amt.bytes == MB(512));
    assert_int_equal(dom0_mem_parse("1048576k", &o), 0);
    assert_true(o.amt.bytes == MB(1024));
    assert_int_equal(dom0_mem_parse("4096B", &o), 0);
    assert_true(o.amt.bytes == 4096);
}

static void test_min_max(void **state)
{
    assert_int_equal(dom0_mem_parse("min:256M,max:1G,512M", &o), 0);
    assert_true(o.min.set && o.min.bytes == MB(256));
    assert_true(o.max.set && o.max.bytes == MB(1024));
    assert_true(o.amt.set && o.amt.bytes == MB(512));

    reset(NULL);
    /* Any order; only max. */
    assert_int_equal(dom0_mem_parse("512M,max:1G", &o), 0);
    assert_true(o.amt.bytes == MB(512) && o.max.bytes == MB(1024));
    assert_false(o.min.set);
}

static void test_negative_and_percent(void **state)
{
    assert_int_equal(dom0_mem_parse("-1G", &o), 0);
    assert_true(o.amt.minus && o.amt.bytes == MB(1024));
    assert_int_equal(dom0_mem_parse("25%", &o), 0);
    assert_true(!o.amt.minus && o.amt.bytes == 0 && o.amt.percent == 25);
    assert_int_equal(dom0_mem_parse("1G+25%", &o), 0);
    assert_true(o.amt.bytes == MB(1024) && o.amt.percent == 25);
    assert_int_equal(dom0_mem_parse("max:-512M", &o), 0);
    assert_true(o.max.minus && o.max.bytes == MB(512));
}

static void test_malformed_untouched(void **state)
{
    static const char *const bad[] = {
        "", "-", "M", "512Q", "512M,", ",512M", "min:", "max:x",
        "mid:512M", "512M,,1G", "100%", "1G+%", "1G+25", "1G-25%",
        "25%+1G", "512M 1G",
    };
    unsigned int i;

    assert_int_equal(dom0_mem_parse("min:1M,2M", &o), 0);
    for ( i = 0; i < ARRAY_SIZE(bad); i++ )
    {
        struct dom0_mem_opts before = o;

        if ( dom0_mem_parse(bad[i], &o) != -EINVAL )
            fail_msg("\"%s\" was accepted", bad[i]);
        assert_memory_equal(&before, &o, sizeof(o));
    }
    /* A good first item does not stick when a later one is bad. */
    assert_int_equal(dom0_mem_parse("max:4G,junk", &o), -EINVAL);
    assert_false(o.max.set);
}

static void test_vcpus_parse(void **state)
{
    struct dom0_vcpu_opts v = { 1, 0 }, before;

    assert_int_equal(dom0_vcpus_parse("4", &v), 0);
    assert_true(v.min == 4 && v.max == 4);
    assert_int_equal(dom0_vcpus_parse("2-8", &v), 0);
    assert_true(v.min == 2 && v.max == 8);
    assert_int_equal(dom0_vcpus_parse("-3", &v), 0);
    assert_true(v.min == 1 && v.max == 3);
    assert_int_equal(dom0_vcpus_parse("6-", &v), 0);
    assert_true(v.min == 6 && v.max == 0);

    before = v;
    assert_int_equal(dom0_vcpus_parse("", &v), -EINVAL);
    assert_int_equal(dom0_vcpus_parse("0", &v), -EINVAL);
    assert_int_equal(dom0_vcpus_parse("-", &v), -EINVAL);
    assert_int_equal(dom0_vcpus_parse("8-2", &v), -EINVAL);
    assert_int_equal(dom0_vcpus_parse("two", &v), -EINVAL);
    assert_int_equal(dom0_vcpus_parse("4x", &v), -EINVAL);
    assert_int_equal(dom0_vcpus_parse("1-2-3", &v), -EINVAL);
    assert_int_equal(dom0_vcpus_parse("999", &v), -EINVAL);
    assert_memory_equal(&before, &v, sizeof(v));
}

static void test_plan_memory(void **state)
{
    struct dom0_vcpu_opts v = { 1, 0 };
    struct dom0_plan p;
    const unsigned long avail = PAGES(2000);

    /* Default: all but min(1/16, 128MB). */
    dom0_compute_plan(&o, &v, avail, 2, &p);
    assert_int_equal(p.nr_pages, avail - PAGES(125));
    assert_int_equal(p.min_pages, 0);
    assert_true(p.max_pages == ~0UL);
    dom0_compute_plan(&o, &v, PAGES(8000), 2, &p);
    assert_int_equal(p.nr_pages, PAGES(8000 - 128));

    assert_int_equal(dom0_mem_parse("512M", &o), 0);
    dom0_compute_plan(&o, &v, avail, 2, &p);
    assert_int_equal(p.nr_pages, PAGES(512));

    /* All but 1G. */
    assert_int_equal(dom0_mem_parse("-1G", &o), 0);
    dom0_compute_plan(&o, &v, avail, 2, &p);
    assert_int_equal(p.nr_pages, PAGES(2000 - 1024));

    /* More than there is: as much as possible. */
    assert_int_equal(dom0_mem_parse("8G", &o), 0);
    dom0_compute_plan(&o, &v, avail, 2, &p);
    assert_int_equal(p.nr_pages, avail);

    /* min raises, max caps (and wins over min). */
    assert_int_equal(dom0_mem_parse("min:768M,256M", &o), 0);
    dom0_compute_plan(&o, &v, avail, 2, &p);
    assert_int_equal(p.nr_pages, PAGES(768));
    assert_int_equal(dom0_mem_parse("max:512M,1G", &o), 0);
    dom0_compute_plan(&o, &v, avail, 2, &p);
    assert_int_equal(p.nr_pages, PAGES(512));
    assert_int_equal(p.max_pages, PAGES(512));

    /* 1G+25% of 2000M = 1524M. */
    memset(&o, 0, sizeof(o));
    assert_int_equal(dom0_mem_parse("1G+25%", &o), 0);
    dom0_compute_plan(&o, &v, avail, 2, &p);
    assert_int_equal(p.nr_pages, PAGES(1024 + 500));
}

static void test_plan_vcpus(void **state)
{
    struct dom0_vcpu_opts v = { 1, 0 };
    struct dom0_plan p;

    dom0_compute_plan(&o, &v, PAGES(100), 2, &p);
    assert_int_equal(p.nr_vcpus, 2);
    dom0_compute_plan(&o, &v, PAGES(100), 0, &p);
    assert_int_equal(p.nr_vcpus, 1);

    /* Xen's table for dom0_max_vcpus=4-8. */
    assert_int_equal(dom0_vcpus_parse("4-8", &v), 0);
    dom0_compute_plan(&o, &v, PAGES(100), 2, &p);
    assert_int_equal(p.nr_vcpus, 4);
    dom0_compute_plan(&o, &v, PAGES(100), 6, &p);
    assert_int_equal(p.nr_vcpus, 6);
    dom0_compute_plan(&o, &v, PAGES(100), 10, &p);
    assert_int_equal(p.nr_vcpus, 8);

    /* An exact number, more than the pCPUs. */
    assert_int_equal(dom0_vcpus_parse("3", &v), 0);
    dom0_compute_plan(&o, &v, PAGES(100), 1, &p);
    assert_int_equal(p.nr_vcpus, 3);

    /* Never more than the limit. */
    assert_int_equal(dom0_vcpus_parse("1-", &v), 0);
    dom0_compute_plan(&o, &v, PAGES(100), 1000, &p);
    assert_int_equal(p.nr_vcpus, DOM0_MAX_VCPUS_LIMIT);
}

static void test_command_line(void **state)
{
    /* Through the registered parameters, with a bad value in between. */
    memset(&dom0_mem_opts, 0, sizeof(dom0_mem_opts));
    cmdline_parse("dom0_mem=512M,max:1G dom0_max_vcpus=2-4 "
                  "dom0_mem=lots dom0_max_vcpus=0");
    assert_true(dom0_mem_opts.amt.bytes == MB(512));
    assert_true(dom0_mem_opts.max.bytes == MB(1024));
    assert_int_equal(dom0_vcpu_opts.min, 2);
    assert_int_equal(dom0_vcpu_opts.max, 4);
    assert_log_contains("parameter \"dom0_mem\" has invalid value \"lots\"");
    assert_log_contains("parameter \"dom0_max_vcpus\" has invalid value "
                        "\"0\"");
    assert_int_equal(test_log_lines(), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_plain_amounts, reset),
        cmocka_unit_test_setup(test_min_max, reset),
        cmocka_unit_test_setup(test_negative_and_percent, reset),
        cmocka_unit_test_setup(test_malformed_untouched, reset),
        cmocka_unit_test_setup(test_vcpus_parse, reset),
        cmocka_unit_test_setup(test_plan_memory, reset),
        cmocka_unit_test_setup(test_plan_vcpus, reset),
        cmocka_unit_test_setup(test_command_line, reset),
    };

    return cmocka_run_group_tests_name("dom0", tests, NULL, NULL);
}
