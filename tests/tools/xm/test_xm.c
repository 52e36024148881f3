/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xm: the output formats as pure functions, and the whole command end to
 * end (xm_main) against the TEST xend of xm_test_server.c.  Expected
 * texts were produced with Python's % operator on Xen 3.4's formats.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "format.h"
#include "xm.h"
#include "xm_test_server.h"

struct run {
    int rc;
    char *out, *err;
};

static struct run xm(const char *first, ...)
{
    char *argv[32] = { "xm", (char *)first };
    struct run r;
    size_t olen, elen;
    FILE *out = open_memstream(&r.out, &olen);
    FILE *err = open_memstream(&r.err, &elen);
    va_list ap;
    int argc = first ? 2 : 1;

    va_start(ap, first);
    while ( first && argc < 31 && (argv[argc] = va_arg(ap, char *)) )
        argc++;
    va_end(ap);
    argv[argc] = NULL;
    r.rc = xm_main(argc, argv, out, err);
    fclose(out);
    fclose(err);
    return r;
}

static void run_free(struct run *r)
{
    free(r->out);
    free(r->err);
}

static int setup(void **state)
{
    struct test_xend *t = calloc(1, sizeof(*t));

    assert_int_equal(test_xend_start(t), 0);
    setenv("XM_SERVER", t->path, 1);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct test_xend *t = *state;

    test_xend_stop(t);
    free(t);
    unsetenv("XM_SERVER");
    return 0;
}

static const char list_all[] =
    "Name                                        ID   Mem VCPUs      State   Time(s)\n"
    "Domain-0                                     0   944     2     r-----   5670.8\n"
    "web                                          1   512     1     -b----     12.1\n"
    "paused-guest                                 2   256     1     --p---      0.0\n"
    "a-very-long-domain-name-that-is-longer-than-forty-chars     3   128     4     ---s-- 123456.8\n"
    "crashed                                      4    64     1     ----c-      1.0\n"
    "dying                                        5    32     1     -----d      0.1\n"
    "managed                                          128     1     ------      0.0\n";

static void test_list(void **state)
{
    struct test_xend *t = *state;
    struct run r = xm("list", NULL);

    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, list_all);
    assert_string_equal(r.err, "");
    assert_string_equal(t->calls, "xend.domains_with_state True all "
                        "False\n");
    run_free(&r);
}

static void test_list_filter(void **state)
{
    struct test_xend *t = *state;
    struct run r = xm("list", "web", "0", NULL);

    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out,
        "Name                                        ID   Mem VCPUs      State   Time(s)\n"
        "web                                          1   512     1     -b----     12.1\n"
        "Domain-0                                     0   944     2     r-----   5670.8\n");
    assert_string_equal(t->calls, "xend.domain web False\n"
                        "xend.domain 0 False\n");
    run_free(&r);
}

static void test_list_unknown_domain(void **state)
{
    struct run r = xm("list", "web", "nosuch", NULL);

    assert_int_equal(r.rc, 1);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "Error: Domain 'nosuch' does not exist.\n");
    run_free(&r);

    r = xm("destroy", "nosuch", NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.err, "Error: Domain 'nosuch' does not exist.\n");
    run_free(&r);
}

static void test_list_long(void **state)
{
    struct run r = xm("list", "--long", "web", NULL);

    assert_int_equal(r.rc, 0);
    /* Longer than 80 columns: one item per line, as Xen's PrettyPrint. */
    assert_string_equal(r.out, "(domain\n    (domid 1)\n    (name web)\n"
                        "    (memory 512)\n    (vcpus 1)\n"
                        "    (online_vcpus 1)\n    (state -b----)\n"
                        "    (cpu_time 12.06)\n    (start_time 1000.5)\n"
                        ")\n");
    run_free(&r);
}

static void test_list_options(void **state)
{
    struct run r = xm("list", "--state=running", "web", NULL);

    assert_int_equal(r.rc, 1);
    assert_string_equal(r.err, "Error: You may specify either a state or "
                        "a particular VM, but not both\n");
    assert_non_null(strstr(r.out, "Usage: xm list [options] [Domain, ...]"));
    run_free(&r);

    r = xm("list", "--bogus", NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.err, "Error: option --bogus not recognized\n");
    run_free(&r);

    r = xm("list", "-z", NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.err, "Error: option -z not recognized\n");
    run_free(&r);

    r = xm("list", "--state", NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.err, "Error: option --state requires argument\n");
    run_free(&r);
}

static void test_info(void **state)
{
    struct run r = xm("info", NULL);

    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out,
        "host                   : keel-test\n"
        "release                : 6.1.0-18-amd64\n"
        "version                : #1 SMP Debian\n"
        "machine                : x86_64\n"
        "nr_cpus                : 4\n"
        "nr_nodes               : 1\n"
        "cores_per_socket       : 4\n"
        "threads_per_core       : 1\n"
        "cpu_mhz                : 2992\n"
        "hw_caps                : 178bfbff:00000000\n"
        "virt_caps              : hvm\n"
        "total_memory           : 4095\n"
        "free_memory            : 2048\n"
        "xen_major              : 4\n"
        "xen_minor              : 17\n"
        "xen_extra              : -keel\n"
        "xen_caps               : xen-3.0-x86_64 hvm-3.0-x86_64\n"
        "xen_scheduler          : credit\n"
        "xen_pagesize           : 4096\n"
        "platform_params        : virt_start=0xffff800000000000\n"
        "xen_changeset          : unavailable\n"
        "xen_commandline        : (none)\n");
    run_free(&r);

    r = xm("info", "extra", NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.err, "takes no domain"));
    run_free(&r);
}

static void test_vcpu_list(void **state)
{
    struct run r = xm("vcpu-list", "Domain-0", "web", NULL);

    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out,
        "Name                                ID  VCPU   CPU State   Time(s) CPU Affinity\n"
        "Domain-0                             0     0     0   r--       3.2 any cpu\n"
        "Domain-0                             0     1     -   --p       3.2 any cpu\n"
        "web                                  1     0     0   -b-       3.2 1\n");
    run_free(&r);

    r = xm("vcpu-list", "web", "ghost", NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "Error: Domain 'ghost' does not exist.\n");
    run_free(&r);
}

static void test_uptime(void **state)
{
    struct run r = xm("uptime", "web", NULL);
    const char *row;

    assert_int_equal(r.rc, 0);
    assert_true(strncmp(r.out, "Name                                ID "
                        "Uptime \n", 47) == 0);
    /* web started at 1000.5 s after the epoch: many days ago. */
    row = r.out + 47;
    assert_true(strncmp(row, "web                                  1 ",
                        39) == 0);
    assert_non_null(strstr(row, " days, "));
    run_free(&r);
}

static void test_dmesg_log(void **state)
{
    struct test_xend *t = *state;
    struct run r = xm("dmesg", NULL);

    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "(XEN) Keel\n(XEN) Boot complete\n");
    run_free(&r);
    r = xm("dmesg", "--clear", NULL);
    assert_string_equal(r.out, "(XEN) cleared\n");
    run_free(&r);
    r = xm("dmesg", "extra", NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.err, "Error: No parameter required\n");
    run_free(&r);
    r = xm("log", NULL);
    assert_string_equal(r.out, "[xend] started\n");
    run_free(&r);
    assert_string_equal(t->calls, "xend.node.dmesg.info\n"
                        "xend.node.dmesg.clear\nxend.node.log\n");
}

static void test_domain_ops(void **state)
{
    struct test_xend *t = *state;
    struct run r;

    r = xm("pause", "web", NULL);
    assert_int_equal(r.rc, 0);
    run_free(&r);
    r = xm("unpause", "1", NULL);
    run_free(&r);
    r = xm("mem-set", "web", "1g", NULL);
    assert_int_equal(r.rc, 0);
    run_free(&r);
    r = xm("mem-max", "web", "768", NULL);
    run_free(&r);
    r = xm("vcpu-set", "web", "2", NULL);
    run_free(&r);
    r = xm("vcpu-pin", "web", "0", "0-3,^2", NULL);
    run_free(&r);
    r = xm("domid", "web", NULL);
    assert_string_equal(r.out, "1\n");
    run_free(&r);
    r = xm("domname", "1", NULL);
    assert_string_equal(r.out, "web\n");
    run_free(&r);
    assert_string_equal(t->calls,
        "xend.domain.pause web\n"
        "xend.domain.unpause 1\n"
        "xend.domain.setMemoryTarget web 1024\n"
        "xend.domain.maxmem_set web 768\n"
        "xend.domain.setVCpuCount web 2\n"
        "xend.domain.pincpu web 0 0,1,3\n"
        "xend.domain web False\n"
        "xend.domain 1 False\n");

    /* xend's own message, word for word. */
    r = xm("mem-set", "web", "200000", NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.err, "Error: Domain web: cannot balloon to 200000 "
                        "MB: only 2048 MB free\n");
    run_free(&r);
    r = xm("mem-set", "web", "lots", NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.err, "Error: Invalid argument: memory size "
                        "'lots'.\n");
    run_free(&r);
    r = xm("pause", NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.err, "Error: 'xm pause' requires 1 argument.\n\n");
    assert_true(strncmp(r.out, "Usage: xm pause <Domain>\n", 25) == 0);
    run_free(&r);
}

static void test_shutdown_wait(void **state)
{
    struct test_xend *t = *state;
    struct run r = xm("shutdown", "-w", "1", NULL);

    assert_int_equal(r.rc, 0);
    assert_string_equal(r.out, "Domain web terminated\n"
                        "All domains terminated\n");
    assert_string_equal(t->calls,
        "xend.domain 1 False\n"
        "xend.domain.getRestartCount web\n"
        "xend.domain.shutdown web poweroff\n"
        "xend.domains False\n");
    run_free(&r);

    r = xm("shutdown", "-H", "-R", "web", NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.err, "Error: Can't specify halt and reboot\n");
    run_free(&r);
}

static void test_unsupported(void **state)
{
    struct run r = xm("migrate", "web", "host2", NULL);

    assert_int_equal(r.rc, 1);
    assert_string_equal(r.err, "Error: 'xm migrate' is not supported by "
                        "this Keel release yet. See 'xm help' for the "
                        "commands that are.\n");
    assert_string_equal(r.out, "");
    run_free(&r);

    r = xm("frobnicate", NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.err, "Error: Subcommand frobnicate not found!\n");
    run_free(&r);
}

/* Unique prefixes and Xen's deprecated aliases still work. */
static void test_prefix_and_alias(void **state)
{
    struct test_xend *t = *state;
    struct run r = xm("unp", "web", NULL);

    assert_int_equal(r.rc, 0);
    run_free(&r);
    r = xm("balloon", "web", "256", NULL);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.err, "Command balloon is deprecated.  Please use "
                        "xm mem-set instead.\n");
    run_free(&r);
    assert_string_equal(t->calls, "xend.domain.unpause web\n"
                        "xend.domain.setMemoryTarget web 256\n");
}

/* No xend: Xen's exact message, exit 1, nothing on stdout. */
static void test_no_xend(void **state)
{
    char dir[] = "/tmp/keel-xm-XXXXXX", path[64];
    struct run r;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/xmlrpc.sock", dir);
    setenv("XM_SERVER", path, 1);
    r = xm("list", NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "Error: Unable to connect to xend: No such "
                        "file or directory. Is xend running?\n");
    run_free(&r);
    /* Help needs no xend. */
    r = xm("help", "list", NULL);
    assert_int_equal(r.rc, 0);
    run_free(&r);
    unsetenv("XM_SERVER");
    rmdir(dir);
}

static void test_help(void **state)
{
    struct run r = xm("help", NULL);
    const char *d, *h, *s, *v, *n;

    assert_int_equal(r.rc, 0);
    assert_true(strncmp(r.out, "Usage: xm <subcommand> [args]\n\nControl, "
                        "list, and manipulate Xen guest instances.\n\n"
                        "Domain Commands:\n", 100) == 0);
    d = strstr(r.out, "Domain Commands:\n");
    h = strstr(r.out, "\nXen Host Commands:\n");
    s = strstr(r.out, "\nScheduler Commands:\n");
    v = strstr(r.out, "\nVirtual Device Commands:\n");
    n = strstr(r.out, "\nVnet Commands:\n");
    assert_true(d && h && s && v && n && d < h && h < s && s < v && v < n);
    /* Each command in its group, in Xen's entry layout. */
    assert_non_null(strstr(d, " list                 List information "
                           "about all/some domains.          \n"));
    assert_true(strstr(r.out, " dmesg ") > h && strstr(r.out, " dmesg ") < s);
    assert_true(strstr(r.out, " block-attach ") > v);
    /* A description longer than 50 columns wraps at 22. */
    assert_non_null(strstr(r.out, " vcpu-set             Set the number of "
                           "active VCPUs for allowed for    \n"
                           "                      the domain.\n"));
    assert_non_null(strstr(r.out, "For more help on 'xm create' see the "
                           "xmdomain.cfg(5)  man page.\n"));
    run_free(&r);

    r = xm("help", "--long", NULL);
    assert_non_null(strstr(r.out, " xm list [options] [Domain, ...]\n"
                           "    List information about all/some domains.\n"
                           "  -l, --long "));
    assert_non_null(strstr(r.out, "    Migrate a domain to another machine. "
                           "(Not in this Keel release yet.)\n"));
    run_free(&r);

    r = xm("help", "dmesg", NULL);
    assert_string_equal(r.out,
        "Usage: xm dmesg [-c|--clear]\n\n"
        "Read and/or clear Xend's message buffer.\n"
        "  -c, --clear                    Clear dmesg buffer as well as "
        "printing it  \n\n");
    run_free(&r);

    /* "xm" alone: the common commands, exit 1 as Xen. */
    r = xm(NULL, NULL);
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.out, "Common 'xm' commands:\n\n console "));
    assert_non_null(strstr(r.out, "For a complete list of subcommands run "
                           "'xm help'.\n"));
    assert_null(strstr(r.out, "vcpu-pin"));
    run_free(&r);

    /* "xm <cmd> --help" is that command's usage. */
    r = xm("destroy", "--help", NULL);
    assert_int_equal(r.rc, 1);
    assert_string_equal(r.out, "Usage: xm destroy <Domain>\n\n"
                        "Terminate a domain immediately.\n");
    run_free(&r);
}

static void test_create_without_xend(void **state)
{
    char dir[] = "/tmp/keel-xm-XXXXXX", cfg[64], cwd[4096];
    FILE *f;
    struct run r;

    assert_non_null(mkdtemp(dir));
    snprintf(cfg, sizeof(cfg), "%s/vm.cfg", dir);
    f = fopen(cfg, "w");
    fputs("# fixture\nimport os, re\nname = 'guest1'\nmemory = '256'\n"
          "vcpus = 2\nkernel = '/boot/vmlinuz'\n"
          "disk = [ 'file:/img/a.img,xvda,w', ]\nvif = [ '' ]\n", f);
    fclose(f);
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(dir), 0);
    setenv("XM_SERVER", "/nonexistent/xmlrpc.sock", 1);
    r = xm("create", "--dryrun", "vm.cfg", "memory=512", NULL);
    assert_int_equal(r.rc, 0);
    assert_true(strncmp(r.out, "Using config file \"./vm.cfg\".\n(vm", 33)
                == 0);
    assert_non_null(strstr(r.out, "(name guest1)"));
    assert_non_null(strstr(r.out, "(memory 512)"));
    run_free(&r);

    f = fopen(cfg, "w");
    fputs("name = 'x'\nmemory = [1,\n", f);
    fclose(f);
    r = xm("create", "-n", "vm.cfg", NULL);
    assert_int_equal(r.rc, 1);
    assert_true(strncmp(r.err, "Error: ", 7) == 0);
    assert_non_null(strstr(r.err, "vm.cfg:"));
    run_free(&r);

    r = xm("create", "nosuch.cfg", NULL);
    assert_int_equal(r.rc, 1);
    assert_true(strncmp(r.err, "Error: Unable to open config file: "
                        "nosuch.cfg\n", 46) == 0);
    run_free(&r);
    assert_int_equal(chdir(cwd), 0);
    unlink(cfg);
    rmdir(dir);
    unsetenv("XM_SERVER");
}

/* ---- pure formatting ------------------------------------------------- */

static void test_state_string(void **state)
{
    char s[7];

    xm_state_string(0, s);
    assert_string_equal(s, "------");
    xm_state_string(XM_STATE_RUNNING, s);
    assert_string_equal(s, "r-----");
    xm_state_string(XM_STATE_BLOCKED | XM_STATE_PAUSED, s);
    assert_string_equal(s, "-bp---");
    xm_state_string(XM_STATE_SHUTDOWN | XM_STATE_CRASHED | XM_STATE_DYING,
                    s);
    assert_string_equal(s, "---scd");
}

static void test_cpumap(void **state)
{
    struct xmlrpc_value *m = xmlrpc_sxp("5", "0", "1", "2", "7", "3", "1",
                                        "9", NULL);
    char buf[64];

    xm_format_cpumap(m, 8, buf, sizeof(buf));
    assert_string_equal(buf, "0-3,5,7");
    xm_format_cpumap(m, 4, buf, sizeof(buf));
    assert_string_equal(buf, "any cpu");
    xmlrpc_free(m);
    m = xmlrpc_array();
    xm_format_cpumap(m, 4, buf, sizeof(buf));
    assert_string_equal(buf, "no cpus");
    xmlrpc_free(m);
}

static void test_uptime_format(void **state)
{
    struct xm_dominfo d = { .domid = "7", .name = "web",
                            .start_time = 1000.0 };
    struct tm tm = { .tm_hour = 9, .tm_min = 5, .tm_sec = 1 };
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);

    assert_int_equal(xm_uptime_seconds(&d, 1000.0 + 3723.5, 0), 3724);
    xm_print_uptime(f, &d, 3723, false, &tm);
    xm_print_uptime(f, &d, 86400 + 59, false, &tm);
    xm_print_uptime(f, &d, 3 * 86400 + 7200, true, &tm);
    fclose(f);
    assert_string_equal(buf,
        "web                                  7  1:02:03\n"
        "web                                  7 1 day,  0:00:59\n"
        " 09:05:01 up 3 days,  2:00, web (7)\n");
    free(buf);
    d.domid[0] = '0';
    assert_int_equal(xm_uptime_seconds(&d, 5e9, 99.6), 100);
    d.domid[0] = '\0';
    assert_int_equal(xm_uptime_seconds(&d, 5e9, 99.6), 0);
}

static void test_sxp_pretty(void **state)
{
    struct xmlrpc_value *d = xmlrpc_sxp("domain", NULL), *img, *lin;
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);

    xmlrpc_array_append(d, xmlrpc_sxp("domid", "3", NULL));
    xmlrpc_array_append(d, xmlrpc_sxp("name", "has space", NULL));
    xmlrpc_array_append(d, xmlrpc_sxp("quote", "it's", NULL));
    xmlrpc_array_append(d, xmlrpc_sxp("empty", "", NULL));
    img = xmlrpc_sxp("image", NULL);
    lin = xmlrpc_sxp("linux", NULL);
    xmlrpc_array_append(lin, xmlrpc_sxp("kernel", "/boot/vmlinuz-6.1.0-18-"
                                        "amd64", NULL));
    xmlrpc_array_append(lin, xmlrpc_sxp("args", "root=/dev/xvda1 ro "
                                        "console=hvc0\n", NULL));
    xmlrpc_array_append(img, lin);
    xmlrpc_array_append(d, img);
    xm_sxp_pretty(f, d);
    fclose(f);
    assert_string_equal(buf,
        "(domain\n"
        "    (domid 3)\n"
        "    (name 'has space')\n"
        "    (quote \"it's\")\n"
        "    (empty )\n"
        "    (image\n"
        "        (linux\n"
        "            (kernel /boot/vmlinuz-6.1.0-18-amd64)\n"
        "            (args 'root=/dev/xvda1 ro console=hvc0\\n')\n"
        "        )\n"
        "    )\n"
        ")\n");
    free(buf);
    xmlrpc_free(d);
}

static void test_wrap(void **state)
{
    char lines[8][128];

    assert_int_equal(xm_wrap("short", 50, lines, 8), 1);
    assert_string_equal(lines[0], "short");
    assert_int_equal(xm_wrap("Set the number of active VCPUs for allowed "
                             "for the domain.", 50, lines, 8), 2);
    assert_string_equal(lines[0], "Set the number of active VCPUs for "
                        "allowed for");
    assert_string_equal(lines[1], "the domain.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define E(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
        E(test_list),
        E(test_list_filter),
        E(test_list_unknown_domain),
        E(test_list_long),
        E(test_list_options),
        E(test_info),
        E(test_vcpu_list),
        E(test_uptime),
        E(test_dmesg_log),
        E(test_domain_ops),
        E(test_shutdown_wait),
        E(test_unsupported),
        E(test_prefix_and_alias),
        cmocka_unit_test(test_no_xend),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_create_without_xend),
        cmocka_unit_test(test_state_string),
        cmocka_unit_test(test_cpumap),
        cmocka_unit_test(test_uptime_format),
        cmocka_unit_test(test_sxp_pretty),
        cmocka_unit_test(test_wrap),
    };

    return cmocka_run_group_tests_name("xm", tests, NULL, NULL);
}
