/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xen/common/kernel.c: cmdline_cook() for legacy and GRUB 2 loaders, and
 * cmdline_parse_table() against a private table of every parameter type.
 */
#include "harness.h"

#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/param.h>

/* ---- cooking ------------------------------------------------------- */

static void test_cook_grub2_keeps_first_word(void **state)
{
    assert_string_equal(cmdline_cook("dom0_mem=512M console=com1",
                                     "GRUB 2.06"),
                        "dom0_mem=512M console=com1");
    /* GRUB 2 never passes the image: a path-like first word is an option. */
    assert_string_equal(cmdline_cook("noreboot loglvl=all", "GRUB 2.12"),
                        "noreboot loglvl=all");
}

static void test_cook_grub2_legacy_configfile(void **state)
{
    /* GRUB 2 reading a menu.lst keeps the image path, like GRUB 0.97. */
    assert_string_equal(cmdline_cook("/boot/xen.gz dom0_mem=512M ro",
                                     "GRUB 2.06-13+deb12u2"),
                        "dom0_mem=512M ro");
    assert_string_equal(cmdline_cook("(hd0,0)/xen.gz noreboot", "GRUB 2.06"),
                        "noreboot");
}

static void test_cook_legacy_drops_image(void **state)
{
    assert_string_equal(cmdline_cook("/boot/xen.gz dom0_mem=512M noreboot",
                                     "GNU GRUB 0.97"),
                        "dom0_mem=512M noreboot");
    assert_string_equal(cmdline_cook("/tmp/xen dom0_mem=512M", "qemu"),
                        "dom0_mem=512M");
    /* Unknown loaders are treated as legacy. */
    assert_string_equal(cmdline_cook("xen.gz   noreboot", NULL), "noreboot");
}

static void test_cook_legacy_without_image(void **state)
{
    /* A first word with '=' is an option, not an image path. */
    assert_string_equal(cmdline_cook("dom0_mem=1G noreboot", "qemu"),
                        "dom0_mem=1G noreboot");
    assert_string_equal(cmdline_cook("  /boot/xen.gz", "GNU GRUB 0.97"), "");
    assert_string_equal(cmdline_cook(NULL, "qemu"), "");
    assert_string_equal(cmdline_cook("", "GRUB 2.06"), "");
}

/* ---- parsing ------------------------------------------------------- */

static bool opt_flag;
static u8 opt_small;
static unsigned int opt_count;
static u64 opt_size;
static char opt_str[8];
static int custom_calls;
static char custom_seen[64];
static int custom_value;

static int parse_custom(const char *s)
{
    custom_calls++;
    strncpy(custom_seen, s, sizeof(custom_seen) - 1);
    if ( strcmp(s, "good") )
        return -EINVAL;
    custom_value = 42;
    return 0;
}

static const struct kernel_param table[] = {
    { .name = "flag", .type = OPT_BOOL, .len = sizeof(opt_flag),
      .par.var = &opt_flag },
    { .name = "small", .type = OPT_UINT, .len = sizeof(opt_small),
      .par.var = &opt_small },
    { .name = "count", .type = OPT_UINT, .len = sizeof(opt_count),
      .par.var = &opt_count },
    { .name = "size", .type = OPT_SIZE, .len = sizeof(opt_size),
      .par.var = &opt_size },
    { .name = "str", .type = OPT_STR, .len = sizeof(opt_str),
      .par.var = opt_str },
    { .name = "custom", .type = OPT_CUSTOM, .par.func = parse_custom },
};

static void parse(const char *s)
{
    cmdline_parse_table(s, table, table + ARRAY_SIZE(table));
}

static int reset(void **state)
{
    opt_flag = false;
    opt_small = 7;
    opt_count = 3;
    opt_size = 4096;
    strcpy(opt_str, "dflt");
    custom_calls = 0;
    custom_value = -1;
    memset(custom_seen, 0, sizeof(custom_seen));
    test_log_reset();
    return 0;
}

static void test_bool_forms(void **state)
{
    parse("flag");
    assert_true(opt_flag);
    parse("no-flag");
    assert_false(opt_flag);
    parse("flag=yes");
    assert_true(opt_flag);
    parse("noflag");
    assert_false(opt_flag);
    parse("flag=on flag=off");
    assert_false(opt_flag);
    parse("flag=1");
    assert_true(opt_flag);
    parse("flag=disable");
    assert_false(opt_flag);
    assert_int_equal(test_log_lines(), 0);
}

static void test_bool_bad_value_keeps_default(void **state)
{
    opt_flag = true;
    parse("flag=maybe");
    assert_true(opt_flag);
    assert_log_contains("parameter \"flag\" has invalid value \"maybe\"");
    assert_int_equal(test_log_lines(), 1);
}

static void test_integers(void **state)
{
    parse("count=12 small=255");
    assert_int_equal(opt_count, 12);
    assert_int_equal(opt_small, 255);
    parse("count=0x20");
    assert_int_equal(opt_count, 32);
    parse("count=010");
    assert_int_equal(opt_count, 8);
    assert_int_equal(test_log_lines(), 0);
}

static void test_integers_malformed(void **state)
{
    parse("count=12abc");
    assert_int_equal(opt_count, 3);
    assert_log_contains("parameter \"count\" has invalid value \"12abc\"");
    parse("count=");
    parse("count");
    assert_int_equal(opt_count, 3);
    /* 256 does not fit the u8: rejected, not truncated to 0. */
    parse("small=256");
    assert_int_equal(opt_small, 7);
    assert_log_contains("\"small\" has invalid value \"256\"");
    parse("count=99999999999999999999999");
    assert_int_equal(opt_count, 3);
    assert_int_equal(test_log_lines(), 5);
}

static void test_sizes(void **state)
{
    parse("size=64K");
    assert_int_equal(opt_size, 64 << 10);
    parse("size=512M");
    assert_int_equal(opt_size, 512ULL << 20);
    parse("size=2g");
    assert_int_equal(opt_size, 2ULL << 30);
    parse("size=1T");
    assert_int_equal(opt_size, 1ULL << 40);
    parse("size=4096");
    assert_int_equal(opt_size, 4096);
    parse("size=12Q");
    assert_int_equal(opt_size, 4096);
    assert_log_contains("\"size\" has invalid value \"12Q\"");
    assert_int_equal(test_log_lines(), 1);
}

static void test_strings(void **state)
{
    parse("str=com1");
    assert_string_equal(opt_str, "com1");
    /* 8 bytes with the NUL: "1234567" fits, "12345678" does not. */
    parse("str=1234567");
    assert_string_equal(opt_str, "1234567");
    parse("str=12345678");
    assert_string_equal(opt_str, "1234567");
    assert_log_contains("\"str\" has invalid value \"12345678\" (too long)");
}

static void test_custom_handler(void **state)
{
    parse("custom=good");
    assert_int_equal(custom_calls, 1);
    assert_int_equal(custom_value, 42);
    assert_int_equal(test_log_lines(), 0);

    custom_value = 7;
    parse("custom=bad,value");
    assert_int_equal(custom_calls, 2);
    assert_string_equal(custom_seen, "bad,value");
    assert_int_equal(custom_value, 7);
    assert_log_contains("parameter \"custom\" has invalid value "
                        "\"bad,value\" (malformed), using the default");
}

static void test_unknown_words_warn_once(void **state)
{
    parse("ro flag crashkernel=128M@16M count=5 quiet");
    /* The known ones still apply around the unknown ones. */
    assert_true(opt_flag);
    assert_int_equal(opt_count, 5);
    assert_int_equal(test_log_count("parameter \"ro\" unknown, ignored"), 1);
    assert_int_equal(
        test_log_count("parameter \"crashkernel\" unknown, ignored"), 1);
    assert_int_equal(test_log_count("parameter \"quiet\" unknown"), 1);
    assert_int_equal(test_log_lines(), 3);
}

static void test_whitespace_and_empty(void **state)
{
    parse("  \tflag   count=9\t\n");
    assert_true(opt_flag);
    assert_int_equal(opt_count, 9);
    parse("");
    parse(NULL);
    assert_int_equal(test_log_lines(), 0);
}

static void test_overlong_word(void **state)
{
    char line[600];

    memset(line, 'x', 400);
    strcpy(line + 400, " count=11");
    parse(line);
    assert_int_equal(opt_count, 11);
    assert_log_contains("is too long, ignored");
    assert_int_equal(test_log_lines(), 1);
}

static void test_parse_bool(void **state)
{
    assert_int_equal(parse_bool("yes", NULL), 1);
    assert_int_equal(parse_bool("enable", NULL), 1);
    assert_int_equal(parse_bool("false", NULL), 0);
    assert_int_equal(parse_bool("0", NULL), 0);
    assert_int_equal(parse_bool("nope", NULL), -1);
    /* The end pointer bounds the word: "on" out of "on,foo". */
    assert_int_equal(parse_bool("on,foo", "on,foo" + 2), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cook_grub2_keeps_first_word),
        cmocka_unit_test(test_cook_grub2_legacy_configfile),
        cmocka_unit_test(test_cook_legacy_drops_image),
        cmocka_unit_test(test_cook_legacy_without_image),
        cmocka_unit_test_setup(test_bool_forms, reset),
        cmocka_unit_test_setup(test_bool_bad_value_keeps_default, reset),
        cmocka_unit_test_setup(test_integers, reset),
        cmocka_unit_test_setup(test_integers_malformed, reset),
        cmocka_unit_test_setup(test_sizes, reset),
        cmocka_unit_test_setup(test_strings, reset),
        cmocka_unit_test_setup(test_custom_handler, reset),
        cmocka_unit_test_setup(test_unknown_words_warn_once, reset),
        cmocka_unit_test_setup(test_whitespace_and_empty, reset),
        cmocka_unit_test_setup(test_overlong_word, reset),
        cmocka_unit_test(test_parse_bool),
    };

    return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
