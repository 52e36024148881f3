/* SPDX-License-Identifier: GPL-2.0-or-later */
/* S-expressions: parsing, errors, printing in xend's layout, round trips. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static struct sxp *one(const char *text)
{
    struct kcfg_error err;
    char buf[512];
    struct sxp *s = sxp_parse_one("t.sxp", text, strlen(text), &err);

    if ( !s )
        fail_msg("%s", kcfg_error_format(&err, buf, sizeof(buf)));
    return s;
}

static void test_parse(void **state)
{
    struct sxp *s = one("(vm (name 'my vm') (memory 128)\n"
                        "  # comment\n  (image (linux (kernel /boot/x)))"
                        " (args \"a\\tb\\x41\\101\\q\"))");

    assert_int_equal(s->type, SXP_LIST);
    assert_string_equal(sxp_name(s), "vm");
    assert_string_equal(sxp_child_value(s, "name"), "my vm");
    assert_string_equal(sxp_child_value(s, "memory"), "128");
    assert_string_equal(sxp_child_value(sxp_child(sxp_child(s, "image"),
                                                  "linux"), "kernel"),
                        "/boot/x");
    assert_string_equal(sxp_child_value(s, "args"), "a\tbAA\\q");
    assert_int_equal(sxp_child(s, "image")->line, 3);
    assert_int_equal(sxp_child(s, "image")->column, 3);
    assert_null(sxp_child(s, "nothing"));
    sxp_free(s);
}

static void test_errors(void **state)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        { "(a (b c)\n", "t.sxp:1:1: '(' is never closed (expected ')' before "
          "the end of the file)" },
        { "(a)\n)", "t.sxp:2:1: expected the end of the input after one "
          "expression" },
        { "(a 'bc)\n", "t.sxp:1:4: unterminated string: the ' opened here "
          "is never closed" },
        { "(a)(b)", "t.sxp:1:4: expected the end of the input after one "
          "expression" },
        { "  # nothing\n", "t.sxp:2:1: expected an expression, found the end "
          "of the input" },
        { "(a \x01)", "t.sxp:1:4: invalid character (code 1)" },
        { "(a \"\\777\")", "t.sxp:1:5: octal escape out of range" },
    };
    size_t i;
    struct kcfg_error err;
    char buf[512];

    for ( i = 0; i < sizeof(cases) / sizeof(cases[0]); i++ )
    {
        assert_null(sxp_parse_one("t.sxp", cases[i].text,
                                  strlen(cases[i].text), &err));
        assert_string_equal(kcfg_error_format(&err, buf, sizeof(buf)),
                            cases[i].msg);
    }
    assert_null(sxp_parse("t.sxp", "(a)\n )", 6, &err));
    assert_string_equal(kcfg_error_format(&err, buf, sizeof(buf)),
                        "t.sxp:2:2: unexpected ')' (no list is open)");
    /* Deep nesting is refused, not recursed into. */
    {
        char *deep = malloc(100001);

        memset(deep, '(', 100000);
        deep[100000] = '\0';
        assert_null(sxp_parse("t.sxp", deep, 100000, &err));
        assert_string_equal(err.msg, "lists nested more than 64 deep");
        free(deep);
    }
}

static void test_quoting(void **state)
{
    struct sxp *l = sxp_list();
    char *flat;

    sxp_append(l, sxp_atom("args"));
    sxp_append(l, sxp_atom("root=/dev/sda1 ro"));
    sxp_append(l, sxp_atom("it's"));
    sxp_append(l, sxp_atom("say \"hi\" it's"));
    sxp_append(l, sxp_atom("a\\b\n\x01"));
    sxp_append(l, sxp_atom(""));
    sxp_append(l, sxp_atom("00:16:3e:01:02:03"));
    sxp_append(l, sxp_atom("10Mb/s@50ms"));
    sxp_append(l, sxp_atomf("%d", 42));
    flat = sxp_to_string_flat(l);
    /* Python repr() quoting, as xend's sxp.show() does. */
    assert_string_equal(flat, "(args 'root=/dev/sda1 ro' \"it's\" "
                        "'say \"hi\" it\\'s' 'a\\\\b\\n\\x01' '' "
                        "00:16:3e:01:02:03 '10Mb/s@50ms' 42)");
    {
        struct sxp *back = one(flat);

        assert_true(sxp_equal(back, l));
        sxp_free(back);
    }
    free(flat);
    sxp_free(l);
}

static void test_pretty_width(void **state)
{
    /* A list that fits in 80 columns stays on one line... */
    char fits[100], over[100];
    struct sxp *s;
    char *out;

    snprintf(fits, sizeof(fits), "(a %076d)", 0);   /* 80 columns */
    s = one(fits);
    out = sxp_to_string(s);
    assert_int_equal(strlen(out), 81);
    assert_string_equal(out + 80, "\n");
    free(out);
    sxp_free(s);
    /* ...one column more and each element gets its own line. */
    snprintf(over, sizeof(over), "(a %077d)", 0);
    s = one(over);
    out = sxp_to_string(s);
    snprintf(fits, sizeof(fits), "(a\n    %077d\n)\n", 0);
    assert_string_equal(out, fits);
    free(out);
    sxp_free(s);

    s = one("(vm (name x) (image (linux (kernel /boot/vmlinuz-2.6.32-5-xen-"
            "amd64) (ramdisk /boot/initrd.img-2.6.32-5-xen-amd64))))");
    out = sxp_to_string(s);
    assert_string_equal(out,
        "(vm\n"
        "    (name x)\n"
        "    (image\n"
        "        (linux\n"
        "            (kernel /boot/vmlinuz-2.6.32-5-xen-amd64)\n"
        "            (ramdisk /boot/initrd.img-2.6.32-5-xen-amd64)\n"
        "        )\n"
        "    )\n"
        ")\n");
    free(out);
    sxp_free(s);
}

/* print(parse(x)) == x for the checked-in outputs; parse(print(x)) == x. */
static void test_round_trip(void **state)
{
    static const char *const files[] = {
        "hvm-dom.sxp", "el4u4.sxp", "xmexample1.sxp", "xmexample-hvm.sxp",
        "xmexample2.sxp", "qos.sxp", "pv-template.sxp", "app-c3-fixed.sxp",
    };
    size_t i, len;

    for ( i = 0; i < sizeof(files) / sizeof(files[0]); i++ )
    {
        char *text = fixture(files[i], &len);
        struct sxp *s = one(text), *back;
        char *out = sxp_to_string(s);

        assert_string_equal(out, text);
        back = one(out);
        assert_true(sxp_equal(s, back));
        sxp_free(back);
        sxp_free(s);
        free(out);
        free(text);
    }
}

static void test_document(void **state)
{
    struct kcfg_error err;
    const char *text = "(a 1)\n(b (c d))\nbare\n";
    struct sxp *doc = sxp_parse("t.sxp", text, strlen(text), &err);

    assert_non_null(doc);
    assert_int_equal(doc->n, 3);
    assert_int_equal(doc->items[2]->type, SXP_ATOM);
    assert_string_equal(doc->items[2]->atom, "bare");
    assert_int_equal(doc->items[1]->line, 2);
    assert_false(sxp_equal(doc->items[0], doc->items[1]));
    sxp_free(doc);
}

int run_sxp_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_pretty_width),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_document),
    };

    return cmocka_run_group_tests_name("sxp", tests, NULL, NULL);
}
