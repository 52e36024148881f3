/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vm.cfg language: every syntax form the manuals' files use, the
 * errors (exact file:line:column messages), overrides and limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"

static const struct kcfg_value *get(struct kcfg *cfg, const char *name)
{
    const struct kcfg_value *v = kcfg_get(cfg, name);

    if ( !v )
        fail_msg("variable %s not set", name);
    return v;
}

static void expect_int(struct kcfg *cfg, const char *name, long long i)
{
    const struct kcfg_value *v = get(cfg, name);

    assert_int_equal(v->type, KCFG_INT);
    assert_int_equal(v->i, i);
}

static void expect_str(struct kcfg *cfg, const char *name, const char *s)
{
    const struct kcfg_value *v = get(cfg, name);

    assert_int_equal(v->type, KCFG_STR);
    assert_string_equal(v->s, s);
    assert_int_equal(v->len, strlen(s));
}

static void test_ints(void **state)
{
    struct kcfg *cfg = parse_ok("a = 42\nb = -7\nc = 0x1F\nd = 0755\n"
                                "e = 0\nf = - - 3\ng = 10L\nh = 7 % 3\n"
                                "i = -7 % 3\nj = 2 * 3 + 1\nk = 7 / 2\n"
                                "l = 1 - 5\n");

    expect_int(cfg, "a", 42);
    expect_int(cfg, "b", -7);
    expect_int(cfg, "c", 31);
    expect_int(cfg, "d", 493);
    expect_int(cfg, "e", 0);
    expect_int(cfg, "f", 3);
    expect_int(cfg, "g", 10);
    expect_int(cfg, "h", 1);
    expect_int(cfg, "i", 2);    /* Python's floor modulo */
    expect_int(cfg, "j", 7);
    expect_int(cfg, "k", 3);
    expect_int(cfg, "l", -4);
    assert_int_equal(get(cfg, "b")->line, 2);
    assert_int_equal(get(cfg, "b")->column, 5);
    kcfg_free(cfg);
}

static void test_strings(void **state)
{
    struct kcfg *cfg = parse_ok(
        "a = 'single'\n"
        "b = \"double\"\n"
        "c = '''tri\nple'''\n"
        "d = \"\"\"it's \"x\" \"\"\"\n"
        "e = 'tab\\there\\n\\x41\\101\\\\ \\q'\n"
        "f = r'64\\d'\n"
        "g = 'ab' \"cd\"\n"
        "h = 'it\\'s'\n"
        "i = ''\n"
        "j = 'con\\\ntinued'\n");

    expect_str(cfg, "a", "single");
    expect_str(cfg, "b", "double");
    expect_str(cfg, "c", "tri\nple");
    expect_str(cfg, "d", "it's \"x\" ");
    expect_str(cfg, "e", "tab\there\nAA\\ \\q");
    expect_str(cfg, "f", "64\\d");
    expect_str(cfg, "g", "abcd");
    expect_str(cfg, "h", "it's");
    expect_str(cfg, "i", "");
    expect_str(cfg, "j", "continued");
    kcfg_free(cfg);
}

static void test_lists(void **state)
{
    struct kcfg *cfg = parse_ok(
        "disk = [ 'phy:/dev/VolGroup00/el4u4,hda,w', ]\n"
        "vif = [ ]\n"
        "t = (1, 'a',)\n"
        "p = (5)\n"
        "one = (5,)\n"
        "nested = [['hda', 'ionice', 'sched=best-effort,prio=5'],\n"
        "          ['hdb', 'ionice', 'sched=best-effort,prio=6']]\n"
        "cat = [1] + [2, 3]\n"
        "e = []\n");
    const struct kcfg_value *v;

    v = get(cfg, "disk");
    assert_int_equal(v->type, KCFG_LIST);
    assert_false(v->tuple);
    assert_int_equal(v->n, 1);
    assert_string_equal(v->items[0].s, "phy:/dev/VolGroup00/el4u4,hda,w");
    assert_int_equal(v->items[0].line, 1);
    assert_int_equal(v->items[0].column, 10);
    assert_int_equal(get(cfg, "vif")->n, 0);
    v = get(cfg, "t");
    assert_true(v->tuple);
    assert_int_equal(v->n, 2);
    expect_int(cfg, "p", 5);
    assert_int_equal(get(cfg, "one")->n, 1);
    v = get(cfg, "nested");
    assert_int_equal(v->n, 2);
    assert_int_equal(v->items[1].n, 3);
    assert_string_equal(v->items[1].items[2].s, "sched=best-effort,prio=6");
    assert_int_equal(v->items[1].line, 7);
    v = get(cfg, "cat");
    assert_int_equal(v->n, 3);
    assert_int_equal(v->items[2].i, 3);
    kcfg_free(cfg);
}

static void test_continuations_comments(void **state)
{
    struct kcfg *cfg = parse_ok(
        "# a comment\n"
        "memory = \\\n"
        "    256   # trailing comment\n"
        "\n"
        "   # indented comment lines are not blocks\n"
        "disk = [ 'phy:/dev/vgxen/lvol0,hda,w',  # first\n"
        "        'phy:/dev/vgxen/tls4-swap,hdb,w',\n"
        "\n"
        "        'phy:/dev/vgxen/sharedvol1,hdc,w!' ]\n"
        "a = 1; b = 2;\n"
        "c = 3\r\n");

    expect_int(cfg, "memory", 256);
    assert_int_equal(get(cfg, "disk")->n, 3);
    assert_int_equal(get(cfg, "disk")->items[2].line, 9);
    expect_int(cfg, "a", 1);
    expect_int(cfg, "b", 2);
    expect_int(cfg, "c", 3);
    kcfg_free(cfg);
}

static void test_uname_and_if(void **state)
{
    const char *text =
        "import os, re\n"
        "arch = os.uname()[4]\n"
        "if re.search('64', arch):\n"
        "    arch_libdir = 'lib64'\n"
        "else:\n"
        "    arch_libdir = 'lib'\n"
        "device_model='/usr/' + arch_libdir + '/xen/bin/qemu-dm'\n"
        "if re.match('i.86', arch): x = 1\n"
        "elif arch == 'x86_64':\n"
        "    x = 2\n"
        "    y = 3\n"
        "else:\n"
        "    x = never_evaluated\n";
    struct kcfg *cfg;

    kcfg_machine_override = "x86_64";
    cfg = parse_ok(text);
    expect_str(cfg, "arch", "x86_64");
    expect_str(cfg, "device_model", "/usr/lib64/xen/bin/qemu-dm");
    expect_int(cfg, "x", 2);
    expect_int(cfg, "y", 3);
    kcfg_free(cfg);

    kcfg_machine_override = "i686";
    cfg = parse_ok(text);
    expect_str(cfg, "device_model", "/usr/lib/xen/bin/qemu-dm");
    expect_int(cfg, "x", 1);
    assert_null(kcfg_get(cfg, "y"));
    kcfg_free(cfg);
    kcfg_machine_override = NULL;

    /* Without the pin: the host's own machine string. */
    cfg = parse_ok("import os\nm = os.uname()[-1]\nn = len(os.uname())\n");
    assert_true(get(cfg, "m")->len > 0);
    expect_int(cfg, "n", 5);
    kcfg_free(cfg);
}

static void test_expressions(void **state)
{
    struct kcfg *cfg = parse_ok(
        "vmid = 3\n"
        "name = \"VM%d\" % vmid\n"
        "mac = 'aa:00:00:00:00:%02x' % vmid\n"
        "two = '%s-%s' % ('a', 7)\n"
        "pad = '[%5s|%-3d|%x|%X|%%]' % ('ab', 4, 255, 255)\n"
        "t = True\nf = False\nn = None\n"
        "both = t and 'yes'\n"
        "either = 0 or 'dflt'\n"
        "neg = not f\n"
        "has = 'b' in 'abc'\n"
        "hasnt = 4 not in [1, 2]\n"
        "cmp = 1 < 2 <= 2\n"
        "s = str(5) + 'x'\n"
        "i = int(' 12 ') + 1\n"
        "l = len([1, 2, 3])\n"
        "r = '-' * 3\n"
        "memory = 256\n"
        "memory += 256\n"
        "idx = 'abc'[1]\n");

    expect_str(cfg, "name", "VM3");
    expect_str(cfg, "mac", "aa:00:00:00:00:03");
    expect_str(cfg, "two", "a-7");
    expect_str(cfg, "pad", "[   ab|4  |ff|FF|%]");
    assert_int_equal(get(cfg, "t")->type, KCFG_BOOL);
    assert_int_equal(get(cfg, "t")->i, 1);
    assert_int_equal(get(cfg, "f")->i, 0);
    assert_int_equal(get(cfg, "n")->type, KCFG_NONE);
    expect_str(cfg, "both", "yes");
    expect_str(cfg, "either", "dflt");
    assert_int_equal(get(cfg, "neg")->i, 1);
    assert_int_equal(get(cfg, "has")->i, 1);
    assert_int_equal(get(cfg, "hasnt")->i, 1);
    assert_int_equal(get(cfg, "cmp")->i, 1);
    expect_str(cfg, "s", "5x");
    expect_int(cfg, "i", 13);
    expect_int(cfg, "l", 3);
    expect_str(cfg, "r", "---");
    expect_int(cfg, "memory", 512);
    expect_str(cfg, "idx", "b");
    kcfg_free(cfg);
}

static void test_unknown_names_kept(void **state)
{
    struct kcfg *cfg = parse_ok("import os\narch = os.uname()[4]\n"
                                "memory = 64\nmy_note = 'x'\n");
    const struct kcfg_value *v;
    bool opt;

    assert_string_equal(kcfg_var(cfg, 0, &v, &opt), "arch");
    assert_false(opt);
    assert_string_equal(kcfg_var(cfg, 1, &v, &opt), "memory");
    assert_true(opt);
    assert_int_equal(v->i, 64);
    assert_string_equal(kcfg_var(cfg, 2, &v, &opt), "my_note");
    assert_false(opt);
    assert_null(kcfg_var(cfg, 3, &v, &opt));
    assert_null(kcfg_get(cfg, "os"));
    kcfg_free(cfg);
}

/* Every error kind, with its exact message. */
static void test_errors(void **state)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        { "disk = [ 'a' 'b' 3 ]\n",
          "vm.cfg:1:18: expected ']' or ',' after list item" },
        { "t = (1, 2 3)\n",
          "vm.cfg:1:11: expected ')' or ',' after tuple item" },
        { "memory = 64\nvif = [ 'bridge=xenbr0',\n",
          "vm.cfg:2:7: '[' is never closed (expected ']' before the end "
          "of the file)" },
        { "x = [1, 2)\n",
          "vm.cfg:1:10: ')' does not match the '[' at 1:5 (expected ']')" },
        { "x = 1)\n", "vm.cfg:1:6: unmatched ')'" },
        { "name = 'abc\n",
          "vm.cfg:1:8: unterminated string: the ' opened here is not "
          "closed before the end of the line" },
        { "x = '''abc\n\n",
          "vm.cfg:1:5: unterminated string: the ''' opened here is never "
          "closed" },
        { "vnclisten = 0.0.0.0\n",
          "vm.cfg:1:13: '0.0.0.0' is not a number: put addresses and "
          "versions in quotes ('0.0.0.0')" },
        { "x = 1.5\n",
          "vm.cfg:1:5: floating-point numbers such as '1.5' are not "
          "supported; use an integer" },
        { "rate = 10Mb\n",
          "vm.cfg:1:8: invalid number '10Mb' (put text in quotes: "
          "'10Mb')" },
        { "vnclisten '0.0.0.0'\n",
          "vm.cfg:1:11: expected '=' after 'vnclisten', found a string" },
        { "acpi = off\n",
          "vm.cfg:1:8: name 'off' is not defined (to use it as text, "
          "quote it: 'off')" },
        { "arch = os.uname()[4]\n",
          "vm.cfg:1:8: name 'os' is not defined (add 'import os' first)" },
        { "import sys\n",
          "vm.cfg:1:8: module 'sys' is not available in vm.cfg (only "
          "'import os, re')" },
        { "from os import uname\n",
          "vm.cfg:1:1: 'from ... import' is not supported (only 'import "
          "os, re')" },
        { "memory =\n", "vm.cfg:1:9: expected a value after '='" },
        { "x = 1 +\n",
          "vm.cfg:1:8: expected a value (a number, a 'string', a [list] "
          "or a name), found the end of the line" },
        { "x = 1 2\n",
          "vm.cfg:1:7: expected the end of the line after the statement, "
          "found '2'" },
        { "  x = 1\n",
          "vm.cfg:1:3: unexpected indentation (only lines inside an 'if' "
          "block are indented)" },
        { "if 1:\nx = 1\n", "vm.cfg:2:1: expected an indented block after "
          "':'" },
        { "if 1:\n    x = 1\n  y = 2\n", "vm.cfg:3:3: this line's "
          "indentation matches no enclosing block" },
        { "if 1\n    x = 1\n", "vm.cfg:1:5: expected ':' after the "
          "condition, found the end of the line" },
        { "else:\n  x = 1\n", "vm.cfg:1:1: 'else' without a matching 'if'" },
        { "print 'hi'\n", "vm.cfg:1:1: 'print' statements are not supported "
          "in vm.cfg (assignments, if/elif/else and import os, re are)" },
        { "x = 'a' + 1\n", "vm.cfg:1:9: cannot add str and int (convert "
          "with str(), or quote the number)" },
        { "x = '%d' % 'a'\n", "vm.cfg:1:10: %d format: a number is required, "
          "not str" },
        { "x = '%s %s' % 'a'\n", "vm.cfg:1:13: not enough arguments for the "
          "format string" },
        { "x = '%s' % ('a', 'b')\n", "vm.cfg:1:10: not all arguments "
          "converted during string formatting" },
        { "x = [1][3]\n", "vm.cfg:1:9: index 3 out of range (the list has 1 "
          "item)" },
        { "x = 1 / 0\n", "vm.cfg:1:7: division by zero" },
        { "x = 9223372036854775807 + 1\n", "vm.cfg:1:25: integer overflow" },
        { "x = 99999999999999999999\n",
          "vm.cfg:1:5: integer '99999999999999999999' is too large" },
        { "x = {'a': 1}\n", "vm.cfg:1:5: dictionaries ({...}) are not "
          "supported in vm.cfg" },
        { "x = $\n", "vm.cfg:1:5: unexpected character '$'" },
        { "x = 'a\\x4'\n", "vm.cfg:1:7: invalid \\x escape: expected two hex "
          "digits" },
        { "x = 'a\\0'\n", "vm.cfg:1:7: NUL character in a string" },
        { "x = \\ y\n", "vm.cfg:1:5: a '\\' outside a string must end the "
          "line (line continuation)" },
        { "x = os.system('rm')\n",
          "vm.cfg:1:5: name 'os' is not defined (add 'import os' first)" },
        { "import os\nx = os.system('rm')\n", "vm.cfg:2:8: 'system' is not "
          "supported here (vm.cfg may use os.uname(), re.search() and "
          "re.match())" },
        { "import re\nx = re.search('a{1000}', 'a')\n", "vm.cfg:2:15: "
          "regular expression 'a{1000}': counted repeats ({n}) and "
          "back-references are not supported" },
        { "x = 1, 2\n", "vm.cfg:1:6: a bare tuple needs brackets: write x = "
          "[a, b] or (a, b)" },
        { "x = 1 if 1 else 2\n", "vm.cfg:1:7: expected the end of the line "
          "after the statement, found 'if'" },
        { "x = y = 1\n", "vm.cfg:1:5: name 'y' is not defined (to use it as "
          "text, quote it: 'y')" },
        { "memory = 64\nx[0] = 1\n", "vm.cfg:2:2: only simple assignments "
          "'name = value' are supported" },
        { "None = 1\n", "vm.cfg:1:1: cannot assign to 'None'" },
        /* The manuals' own mistakes (fixtures/README). */
        { "vif = [ 'mac=xx:xx:xx:xx:xx:xx', bridge=xenbr0', ]\n",
          "vm.cfg:1:47: unterminated string: the ' opened here is not "
          "closed before the end of the line" },
    };
    size_t i;

    for ( i = 0; i < sizeof(cases) / sizeof(cases[0]); i++ )
        expect_error(cases[i].text, cases[i].msg);
}

static void test_manual_mistakes(void **state)
{
    static const struct {
        const char *file, *msg;
    } cases[] = {
        { "app-c3.cfg", "app-c3.cfg:6:9: expected '=' after 'install', "
          "found 'will'" },
        { "app-e3.cfg", "app-e3.cfg:4:13: '0.0.0.0' is not a number: put "
          "addresses and versions in quotes ('0.0.0.0')" },
        { "windows-cdrom.cfg", "windows-cdrom.cfg:1:51: unterminated "
          "string: the ' opened here is not closed before the end of the "
          "line" },
        { "app-c4.cfg", "app-c4.cfg: no kernel given: set kernel = "
          "'/path/to/vmlinuz' (or bootloader = '/usr/bin/pygrub')" },
    };
    size_t i;

    for ( i = 0; i < sizeof(cases) / sizeof(cases[0]); i++ )
    {
        size_t len;
        char *text = fixture(cases[i].file, &len);
        struct kcfg *cfg = NULL;
        struct kcfg_domain *dom = NULL;
        struct kcfg_error err;
        char buf[512];

        if ( !kcfg_parse_string(cases[i].file, text, len, NULL, 0, &cfg,
                                &err) )
        {
            assert_int_equal(kcfg_domain_build(cfg, &dom, &err), -1);
            assert_null(dom);
        }
        assert_string_equal(kcfg_error_format(&err, buf, sizeof(buf)),
                            cases[i].msg);
        kcfg_free(cfg);
        free(text);
    }
}

static void test_overrides(void **state)
{
    const char *ov[] = { "memory=512", "vmid = 3", "name=web-1",
                         "extra=console=hvc0 quiet", "cpus=0x3" };
    struct kcfg *cfg = NULL;
    struct kcfg_error err;
    const char *text = "memory = 128\nname = 'VM%d' % vmid\n"
                       "extra = 'x'\nother = vmid * 2\n";

    assert_int_equal(kcfg_parse_string("vm.cfg", text, strlen(text), ov, 5,
                                       &cfg, &err), 0);
    expect_int(cfg, "memory", 512);     /* the command line wins */
    expect_str(cfg, "name", "web-1");
    expect_str(cfg, "extra", "console=hvc0 quiet");
    expect_int(cfg, "other", 6);        /* the file sees vmid */
    expect_int(cfg, "cpus", 3);
    assert_int_equal(get(cfg, "memory")->line, 0);
    kcfg_free(cfg);

    {
        const char *bad[] = { "memory" };
        const char *bad2[] = { "2x=1" };
        const char *bad3[] = { "memory=lots" };

        expect_error_ov("kernel = 'k'\n", bad, 1, "command line: 'memory': "
                        "expected name=value");
        expect_error_ov("kernel = 'k'\n", bad2, 1, "command line: '2x=1': "
                        "'2x' is not a variable name");
        expect_error_ov("kernel = 'k'\n", bad3, 1, "command line: memory: "
                        "expected a number, found 'lots'");
    }
}

static void test_limits(void **state)
{
    size_t n = 100000, i;
    char *deep = malloc(2 * n + 16);
    struct kcfg *cfg = NULL;
    struct kcfg_error err;
    char buf[512];

    /* Brackets far deeper than the limit: an error, not a crash. */
    strcpy(deep, "x = ");
    for ( i = 0; i < n; i++ )
        deep[4 + i] = '[';
    deep[4 + n] = '\0';
    assert_int_equal(kcfg_parse_string("vm.cfg", deep, strlen(deep), NULL, 0,
                                       &cfg, &err), -1);
    assert_string_equal(kcfg_error_format(&err, buf, sizeof(buf)),
                        "vm.cfg:1:69: brackets nested more than 64 deep");
    /* Unary operators and 'not' recurse too. */
    strcpy(deep, "x = ");
    for ( i = 0; i < n; i++ )
        deep[4 + i] = '-';
    strcpy(deep + 4 + n, "1\n");
    assert_int_equal(kcfg_parse_string("vm.cfg", deep, strlen(deep), NULL, 0,
                                       &cfg, &err), -1);
    assert_non_null(strstr(err.msg, "nested more than 64 levels"));
    free(deep);

    expect_error("x = 'ab' * 100000\n", "vm.cfg:1:10: repetition makes a "
                 "str longer than 65536");
    expect_error("x = 'ab' * 20000\ny = x + x\n", "vm.cfg:2:7: string longer "
                 "than 65536 bytes");

    /* Too many variables. */
    {
        char *text = malloc(1200 * 16), *p = text;

        for ( i = 0; i < 1200; i++ )
            p += sprintf(p, "v%zu = %zu\n", i, i);
        assert_int_equal(kcfg_parse_string("vm.cfg", text, strlen(text),
                                           NULL, 0, &cfg, &err), -1);
        assert_string_equal(kcfg_error_format(&err, buf, sizeof(buf)),
                            "vm.cfg:1025:1: more than 1024 variables");
        free(text);
    }
}

/* Inputs need not be NUL-terminated (a fuzz-found overread). */
static void test_unterminated_buffers(void **state)
{
    static const char *const texts[] = {
        "memory = 1\ndisk = [h =", "x = 0", "x = 'a", "x = 0x", "x = r",
        "x = 1 =", "#", "x = \\",
    };
    size_t i;

    for ( i = 0; i < sizeof(texts) / sizeof(texts[0]); i++ )
    {
        size_t n = strlen(texts[i]);
        char *exact = malloc(n);
        struct kcfg *cfg = NULL;
        struct kcfg_error err;
        struct sxp *s;

        memcpy(exact, texts[i], n);
        if ( !kcfg_parse_string("vm.cfg", exact, n, NULL, 0, &cfg, &err) )
            kcfg_free(cfg);
        s = sxp_parse("t.sxp", exact, n, &err);
        sxp_free(s);
        free(exact);
    }
    expect_error("memory = 1\ndisk = [h =", "vm.cfg:2:8: '[' is never closed "
                 "(expected ']' before the end of the file)");
}

static void test_find_config(void **state)
{
    char dir[] = "/tmp/keelcfg-XXXXXX", path[KCFG_PATH_MAX], sp[256];
    char file[300], buf[512];
    struct kcfg_error err;
    FILE *f;

    assert_non_null(mkdtemp(dir));
    snprintf(file, sizeof(file), "%s/guest1", dir);
    f = fopen(file, "w");
    assert_non_null(f);
    fputs("kernel = '/boot/vmlinuz'\n", f);
    fclose(f);

    snprintf(sp, sizeof(sp), "/nonexistent:%s", dir);
    assert_int_equal(kcfg_find_config("guest1", sp, path, sizeof(path),
                                      &err), 0);
    assert_string_equal(path, file);
    /* A name with a '/' is a path. */
    assert_int_equal(kcfg_find_config(file, sp, path, sizeof(path), &err),
                     0);
    assert_string_equal(path, file);
    assert_int_equal(kcfg_find_config("guest2", sp, path, sizeof(path),
                                      &err), -1);
    snprintf(file, sizeof(file), "guest2: config file not found in "
             "/nonexistent:%s (give a path, or put it in /etc/xen)", dir);
    assert_string_equal(kcfg_error_format(&err, buf, sizeof(buf)), file);
    /* A directory is not a config file. */
    assert_int_equal(kcfg_find_config("keelcfg", "/tmp", path,
                                      sizeof(path), &err), -1);

    {
        struct kcfg *cfg;

        snprintf(file, sizeof(file), "%s/guest1", dir);
        assert_int_equal(kcfg_parse_file(file, NULL, 0, &cfg, &err), 0);
        expect_str(cfg, "kernel", "/boot/vmlinuz");
        kcfg_free(cfg);
        unlink(file);
        assert_int_equal(kcfg_parse_file(file, NULL, 0, &cfg, &err), -1);
        assert_null(cfg);
        snprintf(path, sizeof(path), "%s: cannot open: No such file or "
                 "directory", file);
        assert_string_equal(kcfg_error_format(&err, buf, sizeof(buf)), path);
        assert_int_equal(kcfg_parse_file(dir, NULL, 0, &cfg, &err), -1);
        assert_string_equal(err.msg, "is a directory, not a config file");
    }
    rmdir(dir);
}

static void test_options_table(void **state)
{
    size_t n, i, vars = 0;
    const struct kcfg_option *t = kcfg_option_table(&n);

    for ( i = 0; i < n; i++ )
        vars += t[i].type != KCFG_T_SWITCH;
    /* create.py's variables plus the manuals' four extras. */
    assert_true(vars >= 107);
    assert_string_equal(kcfg_option_lookup("memory")->def, "128");
    assert_string_equal(kcfg_option_lookup("boot")->def, "'c'");
    assert_string_equal(kcfg_option_lookup("vncunused")->def, "1");
    assert_string_equal(kcfg_option_lookup("interface")->def, "'eth0'");
    assert_int_equal(kcfg_option_lookup("disk")->type, KCFG_T_LIST);
    assert_int_equal(kcfg_option_lookup("dryrun")->type, KCFG_T_SWITCH);
    assert_null(kcfg_option_lookup("arch_libdir"));
}

int run_vmcfg_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ints),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_continuations_comments),
        cmocka_unit_test(test_uname_and_if),
        cmocka_unit_test(test_expressions),
        cmocka_unit_test(test_unknown_names_kept),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_manual_mistakes),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_unterminated_buffers),
        cmocka_unit_test(test_find_config),
        cmocka_unit_test(test_options_table),
    };

    return cmocka_run_group_tests_name("vmcfg", tests, NULL, NULL);
}

int main(void)
{
    int rc = 0;

    rc |= run_vmcfg_tests();
    rc |= run_domain_tests();
    rc |= run_sxp_tests();
    rc |= run_xend_tests();
    return rc ? 1 : 0;
}
