/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xend-config.sxp: the manual's defaults, its example lines, errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static void test_defaults(void **state)
{
    struct kcfg_xend *x;
    struct kcfg_error err;

    assert_int_equal(kcfg_xend_defaults(&x), 0);
    assert_string_equal(x->logfile, "/var/log/xen/xend.log");
    assert_string_equal(x->loglevel, "DEBUG");
    {
        char *api = sxp_to_string_flat(x->xen_api_server);

        assert_string_equal(api, "((unix))");
        free(api);
    }
    assert_false(x->xend_http_server);
    assert_false(x->xend_unix_server);
    assert_false(x->xend_tcp_xmlrpc_server);
    assert_true(x->xend_unix_xmlrpc_server);
    assert_false(x->xend_relocation_server);
    assert_false(x->xend_relocation_ssl_server);
    assert_string_equal(x->xend_unix_path, "/var/lib/xend/xend-socket");
    assert_string_equal(x->xend_tcp_xmlrpc_server_address, "localhost");
    assert_int_equal(x->xend_tcp_xmlrpc_server_port, 8006);
    assert_null(x->xend_tcp_xmlrpc_server_ssl_key_file);
    assert_int_equal(x->xend_port, 8000);
    assert_int_equal(x->xend_relocation_port, 8002);
    assert_int_equal(x->xend_relocation_ssl_port, 8003);
    assert_string_equal(x->xend_address, "");
    assert_string_equal(x->xend_relocation_address, "");
    assert_string_equal(x->xend_relocation_hosts_allow, "");
    assert_int_equal(x->console_limit, 1024);
    assert_null(x->network_script);
    assert_string_equal(x->vif_script, "vif-bridge");
    assert_int_equal(x->dom0_min_mem, 196);
    assert_int_equal(x->dom0_cpus, 0);
    assert_true(x->enable_dom0_ballooning);
    assert_false(x->enable_dump);
    assert_string_equal(x->external_migration_tool, "");
    assert_string_equal(x->vnc_listen, "127.0.0.1");
    assert_string_equal(x->vncpasswd, "");
    assert_string_equal(x->xend_domains_path, "/var/lib/xend/domains");
    assert_int_equal(x->device_create_timeout, 100);
    assert_false(x->xend_domain_lock);
    assert_true(x->pci_passthrough_strict_check);
    assert_int_equal(x->total_available_memory, 0);
    assert_null(x->doc);
    kcfg_xend_free(x);

    /* An empty file is the defaults. */
    assert_int_equal(kcfg_xend_parse_string(NULL, "", 0, &x, &err), 0);
    assert_int_equal(x->xend_relocation_port, 8002);
    assert_int_equal(x->dom0_min_mem, 196);
    kcfg_xend_free(x);
}

static void test_manual_lines(void **state)
{
    size_t len;
    char *text = fixture("xend-config.sxp", &len);
    struct kcfg_xend *x;
    struct kcfg_error err;
    char buf[512], *api;

    if ( kcfg_xend_parse_string("xend-config.sxp", text, len, &x, &err) )
        fail_msg("%s", kcfg_error_format(&err, buf, sizeof(buf)));
    assert_true(x->xend_http_server);
    assert_true(x->xend_unix_server);
    assert_string_equal(x->xend_tcp_xmlrpc_server_ssl_key_file,
                        "/etc/xen/xmlrpc.key");
    assert_string_equal(x->xend_address, "localhost");
    assert_string_equal(x->xend_relocation_hosts_allow, "^localhost$");
    assert_int_equal(x->console_limit, 2048);
    assert_string_equal(x->network_script, "network-bridge");
    assert_string_equal(x->vif_script, "vif-nat");
    assert_int_equal(x->dom0_min_mem, 256);
    assert_string_equal(x->vnc_listen, "0.0.0.0");
    assert_string_equal(x->vncpasswd, "mypassword");
    api = sxp_to_string_flat(x->xen_api_server);
    assert_string_equal(api, "((unix))");
    free(api);
    assert_non_null(x->doc);
    /* Earlier lines are kept in the document. */
    {
        const struct sxp *first = x->doc->items[2];

        api = sxp_to_string_flat(first);
        assert_string_equal(api, "(xen-api-server ((10.1.1.1:9363 none) "
                            "(unix none)))");
        free(api);
        api = sxp_to_string_flat(x->doc->items[3]);
        assert_string_equal(api, "(xen-api-server ((9363 pam '^localhost$ "
                            "example\\\\.com$') (unix none)))");
        free(api);
    }
    kcfg_xend_free(x);
    free(text);
}

static void test_errors(void **state)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        { "(xend-port http)\n", "xend-config.sxp:1:12: xend-port: expected "
          "a number, found 'http'" },
        { "\n(xend-relocation-server maybe)\n", "xend-config.sxp:2:25: "
          "xend-relocation-server: expected yes or no, found 'maybe'" },
        { "(dom0-min-mem 256 512)\n", "xend-config.sxp:1:1: (dom0-min-mem "
          "...) takes one value, found 2" },
        { "(vif-script (a b))\n", "xend-config.sxp:1:13: vif-script: "
          "expected a single value, found a list" },
        { "loglevel DEBUG\n", "xend-config.sxp:1:1: expected (option value), "
          "found the bare word 'loglevel'" },
        { "(logfile /x\n", "xend-config.sxp:1:1: '(' is never closed "
          "(expected ')' before the end of the file)" },
    };
    size_t i;
    struct kcfg_xend *x;
    struct kcfg_error err;
    char buf[512];

    for ( i = 0; i < sizeof(cases) / sizeof(cases[0]); i++ )
    {
        assert_int_equal(kcfg_xend_parse_string(NULL, cases[i].text,
                                                strlen(cases[i].text), &x,
                                                &err), -1);
        assert_null(x);
        assert_string_equal(kcfg_error_format(&err, buf, sizeof(buf)),
                            cases[i].msg);
    }
    /* Options xend does not know are ignored, as xend does. */
    assert_int_equal(kcfg_xend_parse_string(NULL, "(future-option 1)\n"
                                            "(xend-port 9000)", 34, &x,
                                            &err), 0);
    assert_int_equal(x->xend_port, 9000);
    kcfg_xend_free(x);
}

static void test_parse_file(void **state)
{
    char *path = fixture_path("xend-config.sxp");
    struct kcfg_xend *x;
    struct kcfg_error err;

    assert_int_equal(kcfg_xend_parse_file(path, &x, &err), 0);
    assert_int_equal(x->dom0_min_mem, 256);
    kcfg_xend_free(x);
    free(path);
    assert_int_equal(kcfg_xend_parse_file("/nonexistent/xend-config.sxp",
                                          &x, &err), -1);
    assert_string_equal(err.msg, "cannot open: No such file or directory");
}

int run_xend_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_manual_lines),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_parse_file),
    };

    return cmocka_run_group_tests_name("xend", tests, NULL, NULL);
}
