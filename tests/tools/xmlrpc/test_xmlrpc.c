/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libxmlrpc: documents, limits, and a real client/server pair on a unix
 * socket in a temporary directory.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "xmlrpc.h"

static struct xmlrpc_value *sample(void)
{
    struct xmlrpc_value *a = xmlrpc_array(), *st = xmlrpc_struct();
    static const unsigned char bin[] = { 0, 1, 2, 0xff, 0xfe, '<', 0 };

    xmlrpc_array_append(a, xmlrpc_int(-7));
    xmlrpc_array_append(a, xmlrpc_int(5000000000LL));
    xmlrpc_array_append(a, xmlrpc_bool(true));
    xmlrpc_array_append(a, xmlrpc_double(-1.5e300));
    xmlrpc_array_append(a, xmlrpc_string("a <b> & 'c' \"d\"\r\n\tend"));
    xmlrpc_array_append(a, xmlrpc_string(""));
    xmlrpc_array_append(a, xmlrpc_string("  "));
    xmlrpc_array_append(a, xmlrpc_string("\xc3\xa9t\xc3\xa9 \xe2\x82\xac"));
    xmlrpc_array_append(a, xmlrpc_base64(bin, sizeof(bin)));
    xmlrpc_array_append(a, xmlrpc_base64("", 0));
    xmlrpc_array_append(a, xmlrpc_nil());
    xmlrpc_array_append(a, xmlrpc_array());
    xmlrpc_struct_set(st, "name & <x>", xmlrpc_string("v"));
    xmlrpc_struct_set(st, "n", xmlrpc_sxp("domain", "1", NULL));
    xmlrpc_array_append(a, st);
    xmlrpc_array_append(a, xmlrpc_struct());
    return a;
}

static void test_call_round_trip(void **state)
{
    struct xmlrpc_value *params = sample(), *back;
    struct xmlrpc_error err;
    size_t len;
    char *doc = xmlrpc_encode_call("xend.domain", params, &len), *method;

    assert_non_null(doc);
    assert_int_equal(xmlrpc_decode_call(doc, len, &method, &back, &err), 0);
    assert_string_equal(method, "xend.domain");
    assert_true(xmlrpc_equal(params, back));
    free(method);
    free(doc);
    xmlrpc_free(back);
    xmlrpc_free(params);
}

static void test_response_round_trip(void **state)
{
    struct xmlrpc_value *v = sample(), *back;
    struct xmlrpc_error err;
    size_t len;
    char *doc = xmlrpc_encode_response(v, &len);

    assert_int_equal(xmlrpc_decode_response(doc, len, &back, &err), 0);
    assert_true(xmlrpc_equal(v, back));
    /* Each element alone, too (a nil or a string as the whole result). */
    for ( size_t i = 0; i < v->len; i++ )
    {
        struct xmlrpc_value *one;
        char *d = xmlrpc_encode_response(v->items[i], &len);

        assert_int_equal(xmlrpc_decode_response(d, len, &one, &err), 0);
        assert_true(xmlrpc_equal(v->items[i], one));
        xmlrpc_free(one);
        free(d);
    }
    free(doc);
    xmlrpc_free(back);
    xmlrpc_free(v);
}

static void test_fault_round_trip(void **state)
{
    struct xmlrpc_value *r = (void *)1;
    struct xmlrpc_error err;
    size_t len;
    char *doc = xmlrpc_encode_fault(3, "dom<1>", &len);

    assert_int_equal(xmlrpc_decode_response(doc, len, &r, &err), -1);
    assert_null(r);
    assert_int_equal(err.status, XMLRPC_E_FAULT);
    assert_int_equal(err.code, 3);
    assert_string_equal(err.message, "dom<1>");
    free(doc);
}

/* Bytes XML cannot carry arrive as U+FFFD, and the document stays valid. */
static void test_unrepresentable_bytes(void **state)
{
    struct xmlrpc_value *v = xmlrpc_string("a\x1b[0mb\xff" "c\x01"), *back;
    struct xmlrpc_error err;
    size_t len;
    char *doc = xmlrpc_encode_response(v, &len);

    assert_int_equal(xmlrpc_decode_response(doc, len, &back, &err), 0);
    assert_string_equal(back->str, "a\xef\xbf\xbd[0mb\xef\xbf\xbd"
                        "c\xef\xbf\xbd");
    free(doc);
    xmlrpc_free(back);
    xmlrpc_free(v);
}

static void test_untyped_and_i4(void **state)
{
    static const char doc[] =
        "<?xml version='1.0'?><methodResponse><params><param><value>"
        "<array><data><value>plain text</value><value><i4> 42 </i4></value>"
        "<value><boolean>0</boolean></value><value><ex:nil "
        "xmlns:ex='http://ws.apache.org/xmlrpc/namespaces/extensions'/>"
        "</value><value><base64>AAEC\n/w==</base64></value>"
        "<!-- comment --></data></array></value></param></params>"
        "</methodResponse>";
    struct xmlrpc_value *r;
    struct xmlrpc_error err;

    assert_int_equal(xmlrpc_decode_response(doc, strlen(doc), &r, &err), 0);
    assert_int_equal(r->len, 5);
    assert_string_equal(r->items[0]->str, "plain text");
    assert_int_equal(r->items[1]->type, XMLRPC_INT);
    assert_int_equal(r->items[1]->i, 42);
    assert_int_equal(r->items[2]->type, XMLRPC_BOOL);
    assert_int_equal(r->items[3]->type, XMLRPC_NIL);
    assert_int_equal(r->items[4]->len, 4);
    assert_memory_equal(r->items[4]->str, "\x00\x01\x02\xff", 4);
    xmlrpc_free(r);
}

static void expect_bad_response(const char *doc, int code, const char *msg)
{
    struct xmlrpc_value *r = NULL;
    struct xmlrpc_error err;

    assert_int_equal(xmlrpc_decode_response(doc, strlen(doc), &r, &err), -1);
    assert_null(r);
    assert_int_equal(err.status, XMLRPC_E_PROTOCOL);
    assert_int_equal(err.code, code);
    if ( !strstr(err.message, msg) )
        fail_msg("'%s' does not say '%s'", err.message, msg);
}

#define RESP(v) "<methodResponse><params><param><value>" v \
                "</value></param></params></methodResponse>"

static void test_malformed(void **state)
{
    char deep[4096] = RESP(""), *p;
    size_t i;

    expect_bad_response("", XMLRPC_FAULT_PARSE, "malformed XML");
    expect_bad_response("<methodResponse><params>", XMLRPC_FAULT_PARSE,
                        "malformed XML");
    expect_bad_response("<foo/>", XMLRPC_FAULT_INVALID, "methodResponse");
    expect_bad_response(RESP("<int>12x</int>"), XMLRPC_FAULT_INVALID,
                        "bad <int>");
    expect_bad_response(RESP("<i4>4294967296</i4>"), XMLRPC_FAULT_INVALID,
                        "bad <i4>");
    expect_bad_response(RESP("<i8>99999999999999999999</i8>"),
                        XMLRPC_FAULT_INVALID, "bad <i8>");
    expect_bad_response(RESP("<boolean>yes</boolean>"),
                        XMLRPC_FAULT_INVALID, "bad <boolean>");
    expect_bad_response(RESP("<double>1e999</double>"),
                        XMLRPC_FAULT_INVALID, "bad <double>");
    expect_bad_response(RESP("<base64>AB$C</base64>"), XMLRPC_FAULT_INVALID,
                        "base64");
    expect_bad_response(RESP("<float>1</float>"), XMLRPC_FAULT_INVALID,
                        "unknown value type");
    expect_bad_response(RESP("<int>1</int><int>2</int>"),
                        XMLRPC_FAULT_INVALID, "more than one type");
    expect_bad_response(RESP("<array><value/></array>"),
                        XMLRPC_FAULT_INVALID, "without <data>");
    expect_bad_response(RESP("<struct><member><value/></member></struct>"),
                        XMLRPC_FAULT_INVALID, "<name> then <value>");
    expect_bad_response(RESP("<string>a<b/></string>"), XMLRPC_FAULT_INVALID,
                        "only text");
    expect_bad_response("<methodResponse>junk<params/></methodResponse>",
                        XMLRPC_FAULT_INVALID, "unexpected text");
    expect_bad_response("<methodResponse><params><param><value>1</value>"
                        "</param><param><value>2</value></param></params>"
                        "</methodResponse>", XMLRPC_FAULT_INVALID,
                        "exactly one");
    expect_bad_response("<methodResponse><fault><value><struct>"
                        "</struct></value></fault></methodResponse>",
                        XMLRPC_FAULT_INVALID, "faultCode");
    /* Entity expansion ("billion laughs") is refused with the DTD. */
    expect_bad_response("<?xml version='1.0'?><!DOCTYPE r [<!ENTITY a "
                        "'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;'>]>"
                        RESP("<string>&b;</string>"), XMLRPC_FAULT_INVALID,
                        "DTD");

    /* XMLRPC_MAX_DEPTH + 1 nested arrays. */
    p = deep;
    p += sprintf(p, "<methodResponse><params><param>");
    for ( i = 0; i <= XMLRPC_MAX_DEPTH; i++ )
        p += sprintf(p, "<value><array><data>");
    for ( i = 0; i <= XMLRPC_MAX_DEPTH; i++ )
        p += sprintf(p, "</data></array></value>");
    sprintf(p, "</param></params></methodResponse>");
    expect_bad_response(deep, XMLRPC_FAULT_INVALID, "nested deeper");
}

/* What libxml2 gives the decoder: references, CDATA, a declared encoding;
 * and what it refuses: bad UTF-8, unknown entities, element nesting far
 * past any value (refused while parsing, before a deep tree exists). */
static void test_xml_text_forms(void **state)
{
    static const char doc[] =
        "<?xml version='1.0'?><methodResponse><params><param><value>"
        "<array><data><value>a&lt;&amp;&#x41;&#66;</value>"
        "<value><string><![CDATA[<x>]]>y</string></value>"
        "</data></array></value></param></params></methodResponse>";
    static const char latin1[] =
        "<?xml version='1.0' encoding='ISO-8859-1'?><methodResponse>"
        "<params><param><value>caf\xe9</value></param></params>"
        "</methodResponse>";
    struct xmlrpc_value *r;
    struct xmlrpc_error err;
    char *deep, *p;
    size_t i;

    assert_int_equal(xmlrpc_decode_response(doc, strlen(doc), &r, &err), 0);
    assert_string_equal(r->items[0]->str, "a<&AB");
    assert_string_equal(r->items[1]->str, "<x>y");
    xmlrpc_free(r);
    assert_int_equal(xmlrpc_decode_response(latin1, strlen(latin1), &r,
                                            &err), 0);
    assert_string_equal(r->str, "caf\xc3\xa9");
    xmlrpc_free(r);

    expect_bad_response(RESP("<string>caf\xe9</string>"),
                        XMLRPC_FAULT_PARSE, "malformed XML");
    expect_bad_response(RESP("<string>&nbsp;</string>"),
                        XMLRPC_FAULT_PARSE, "malformed XML");
    expect_bad_response("<methodResponse></methodResponse><x/>",
                        XMLRPC_FAULT_PARSE, "malformed XML");
    deep = malloc(200000 * 7 + 64);
    assert_non_null(deep);
    p = deep + sprintf(deep, "<methodResponse>");
    for ( i = 0; i < 200000; i++ )
        p += sprintf(p, "<a>");
    strcpy(p, "</methodResponse>");
    /* Refused while parsing (libxml2's own nesting limit), not decoded. */
    expect_bad_response(deep, XMLRPC_FAULT_PARSE, "malformed XML");
    free(deep);
}

static void test_malformed_call(void **state)
{
    struct xmlrpc_value *params;
    struct xmlrpc_error err;
    char *method;
    static const char *const bad[] = {
        "<methodCall><params/></methodCall>",
        "<methodCall><methodName></methodName></methodCall>",
        "<methodCall><methodName>a</methodName><x/></methodCall>",
        "<methodCall><methodName>a</methodName><params><value/></params>"
        "</methodCall>",
        "not xml at all",
    };

    for ( size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++ )
    {
        assert_int_equal(xmlrpc_decode_call(bad[i], strlen(bad[i]), &method,
                                            &params, &err), -1);
        assert_null(method);
        assert_null(params);
        assert_int_equal(err.status, XMLRPC_E_PROTOCOL);
    }
}

static void test_sxp_helpers(void **state)
{
    struct xmlrpc_value *d = xmlrpc_sxp("domain", NULL), *img;
    char buf[32];

    xmlrpc_array_append(d, xmlrpc_sxp("domid", "4", NULL));
    xmlrpc_array_append(d, xmlrpc_sxp("name", "web", NULL));
    img = xmlrpc_sxp("image", NULL);
    xmlrpc_array_append(img, xmlrpc_sxp("linux", NULL));
    xmlrpc_array_append(d, img);
    {
        struct xmlrpc_value *m = xmlrpc_array();

        xmlrpc_array_append(m, xmlrpc_string("memory"));
        xmlrpc_array_append(m, xmlrpc_int(512));
        xmlrpc_array_append(d, m);
    }
    assert_string_equal(xmlrpc_sxp_name(d), "domain");
    assert_string_equal(xmlrpc_sxp_child_value(d, "name", "?", buf, 32),
                        "web");
    assert_string_equal(xmlrpc_sxp_child_value(d, "memory", "?", buf, 32),
                        "512");
    assert_string_equal(xmlrpc_sxp_child_value(d, "nope", "dflt", buf, 32),
                        "dflt");
    /* (image (linux)) is a list, not an atom. */
    assert_string_equal(xmlrpc_sxp_child_value(d, "image", "L", buf, 32),
                        "L");
    assert_ptr_equal(xmlrpc_sxp_child(d, "image"), img);
    /* The head is the list's name, never a child. */
    assert_null(xmlrpc_sxp_child(d, "domain"));
    xmlrpc_free(d);
}

/* ---- client <-> server ------------------------------------------------ */

struct srv {
    struct xmlrpc_server *s;
    pthread_t thread;
    volatile int stop;
    char dir[64], path[128];
};

static int h_echo(void *opaque, const struct xmlrpc_value *params,
                  struct xmlrpc_value **result, struct xmlrpc_error *fault)
{
    *result = xmlrpc_copy(params);
    return 0;
}

static int h_nodomain(void *opaque, const struct xmlrpc_value *params,
                      struct xmlrpc_value **result,
                      struct xmlrpc_error *fault)
{
    const struct xmlrpc_value *a = xmlrpc_array_get(params, 0);

    xmlrpc_error_set(fault, XMLRPC_E_FAULT, XMLRPC_FAULT_INVALID_DOMAIN,
                     "%s", a && a->type == XMLRPC_STRING ? a->str : "?");
    return -1;
}

static void *serve(void *arg)
{
    struct srv *s = arg;

    while ( !s->stop )
        xmlrpc_server_handle(s->s, 20);
    return NULL;
}

static int srv_setup(void **state)
{
    struct srv *s = calloc(1, sizeof(*s));
    struct xmlrpc_error err;

    strcpy(s->dir, "/tmp/keel-xmlrpc-XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    snprintf(s->path, sizeof(s->path), "%s/xmlrpc.sock", s->dir);
    s->s = xmlrpc_server_new();
    assert_int_equal(xmlrpc_server_listen(s->s, s->path, &err), 0);
    xmlrpc_server_register(s->s, "test.echo", h_echo, NULL);
    xmlrpc_server_register(s->s, "xend.domain", h_nodomain, NULL);
    assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
    *state = s;
    return 0;
}

static int srv_teardown(void **state)
{
    struct srv *s = *state;

    s->stop = 1;
    pthread_join(s->thread, NULL);
    xmlrpc_server_free(s->s);
    /* The socket file goes with the server. */
    assert_int_equal(access(s->path, F_OK), -1);
    rmdir(s->dir);
    free(s);
    return 0;
}

static void test_client_server(void **state)
{
    struct srv *s = *state;
    struct xmlrpc_error err;
    struct xmlrpc_value *r, *expect = sample();
    struct xmlrpc_client *c = xmlrpc_connect(s->path, &err);
    int i;

    assert_non_null(c);
    /* Several calls on one kept-alive connection. */
    for ( i = 0; i < 3; i++ )
    {
        assert_int_equal(xmlrpc_call(c, &r, &err, "test.echo", sample(),
                                     xmlrpc_string("x"), NULL), 0);
        assert_int_equal(r->len, 2);
        assert_true(xmlrpc_equal(r->items[0], expect));
        xmlrpc_free(r);
    }
    assert_int_equal(xmlrpc_call(c, &r, &err, "xend.domain",
                                 xmlrpc_string("nosuch"), NULL), -1);
    assert_int_equal(err.status, XMLRPC_E_FAULT);
    assert_int_equal(err.code, XMLRPC_FAULT_INVALID_DOMAIN);
    assert_string_equal(err.message, "nosuch");
    assert_int_equal(xmlrpc_call(c, &r, &err, "no.such.method", NULL), -1);
    assert_int_equal(err.code, XMLRPC_FAULT_NO_METHOD);
    assert_string_equal(err.message, "method \"no.such.method\" is not "
                        "supported");
    xmlrpc_close(c);
    xmlrpc_free(expect);

    /* httpu:// prefix, as in Xen's XM_SERVER. */
    {
        char uri[160];

        snprintf(uri, sizeof(uri), "httpu://%s", s->path);
        c = xmlrpc_connect(uri, &err);
        assert_non_null(c);
        assert_int_equal(xmlrpc_call(c, &r, &err, "test.echo", NULL), 0);
        xmlrpc_free(r);
        xmlrpc_close(c);
    }
}

/* Raw bytes in, whole reply out (the server closes after a bad request). */
static char *raw_exchange(const char *path, const char *req, size_t len)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    char *buf = calloc(1, 65536);
    size_t got = 0;
    ssize_t n;

    strcpy(sa.sun_path, path);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(write(fd, req, len), (ssize_t)len);
    shutdown(fd, SHUT_WR);
    while ( (n = read(fd, buf + got, 65535 - got)) > 0 )
        got += n;
    close(fd);
    return buf;
}

static void test_bad_http(void **state)
{
    struct srv *s = *state;
    static const char *const reqs[] = {
        "garbage\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n",
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST / HTTP/2.0\r\nContent-Length: 0\r\n\r\n",
    };
    char *r;

    for ( size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++ )
    {
        r = raw_exchange(s->path, reqs[i], strlen(reqs[i]));
        assert_true(strncmp(r, "HTTP/1.1 400 ", 13) == 0);
        assert_non_null(strstr(r, "<name>faultCode</name>"));
        free(r);
    }
    /* A header without end is cut at the limit. */
    {
        size_t n = XMLRPC_MAX_HEADER + 100;
        char *big = malloc(n);

        memset(big, 'a', n);
        memcpy(big, "POST / HTTP/1.1\r\nX: ", 20);
        r = raw_exchange(s->path, big, n);
        assert_non_null(strstr(r, "longer than"));
        free(r);
        free(big);
    }
    /* Malformed XML in a good HTTP request: HTTP 200 with a fault. */
    {
        static const char req[] = "POST /RPC2 HTTP/1.1\r\nContent-Length: "
                                  "9\r\n\r\n<broken>x";

        r = raw_exchange(s->path, req, strlen(req));
        assert_true(strncmp(r, "HTTP/1.1 200 OK\r\n", 17) == 0);
        assert_non_null(strstr(r, "<int>-32700</int>"));
        free(r);
    }
    /* GET is not XML-RPC. */
    {
        static const char req[] = "GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n";

        r = raw_exchange(s->path, req, strlen(req));
        assert_true(strncmp(r, "HTTP/1.1 405 ", 13) == 0);
        free(r);
    }
    /* The server still answers properly afterwards. */
    test_client_server(state);
}

static void test_no_server(void **state)
{
    struct xmlrpc_error err;
    char dir[] = "/tmp/keel-xmlrpc-XXXXXX", path[64];

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/none.sock", dir);
    assert_null(xmlrpc_connect(path, &err));
    assert_int_equal(err.status, XMLRPC_E_SYSTEM);
    assert_int_equal(err.sys_errno, ENOENT);
    assert_string_equal(err.message, "No such file or directory");
    rmdir(dir);
}

/* A server must not unlink something that is not a socket. */
static void test_listen_refuses_file(void **state)
{
    char dir[] = "/tmp/keel-xmlrpc-XXXXXX", path[64];
    struct xmlrpc_server *s = xmlrpc_server_new();
    struct xmlrpc_error err;
    FILE *f;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/file", dir);
    f = fopen(path, "w");
    fclose(f);
    assert_int_equal(xmlrpc_server_listen(s, path, &err), -1);
    assert_non_null(strstr(err.message, "not a socket"));
    assert_int_equal(access(path, F_OK), 0);
    xmlrpc_server_free(s);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_call_round_trip),
        cmocka_unit_test(test_response_round_trip),
        cmocka_unit_test(test_fault_round_trip),
        cmocka_unit_test(test_unrepresentable_bytes),
        cmocka_unit_test(test_untyped_and_i4),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_xml_text_forms),
        cmocka_unit_test(test_malformed_call),
        cmocka_unit_test(test_sxp_helpers),
        cmocka_unit_test_setup_teardown(test_client_server, srv_setup,
                                        srv_teardown),
        cmocka_unit_test_setup_teardown(test_bad_http, srv_setup,
                                        srv_teardown),
        cmocka_unit_test(test_no_server),
        cmocka_unit_test(test_listen_refuses_file),
    };

    return cmocka_run_group_tests_name("xmlrpc", tests, NULL, NULL);
}
