/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A TEST xend: libxmlrpc's server with handlers that answer from fixture
 * domain records and log every call, so xm can be run end to end.  It is
 * not xend and decides nothing.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xm_test_server.h"

static struct xmlrpc_value *dom(const char *id, const char *name,
                                const char *mem, const char *vcpus,
                                const char *state, const char *cpu)
{
    struct xmlrpc_value *d = xmlrpc_sxp("domain", NULL);

    xmlrpc_array_append(d, xmlrpc_sxp("domid", id, NULL));
    xmlrpc_array_append(d, xmlrpc_sxp("name", name, NULL));
    xmlrpc_array_append(d, xmlrpc_sxp("memory", mem, NULL));
    xmlrpc_array_append(d, xmlrpc_sxp("vcpus", vcpus, NULL));
    xmlrpc_array_append(d, xmlrpc_sxp("online_vcpus", vcpus, NULL));
    xmlrpc_array_append(d, xmlrpc_sxp("state", state, NULL));
    xmlrpc_array_append(d, xmlrpc_sxp("cpu_time", cpu, NULL));
    xmlrpc_array_append(d, xmlrpc_sxp("start_time", "1000.5", NULL));
    return d;
}

/* Fixture domains: every state letter, a long name, big times. */
static struct xmlrpc_value *fixture_domains(void)
{
    struct xmlrpc_value *a = xmlrpc_array(), *img;

    xmlrpc_array_append(a, dom("0", "Domain-0", "944", "2", "r-----",
                               "5670.84"));
    xmlrpc_array_append(a, dom("1", "web", "512", "1", "-b----", "12.06"));
    xmlrpc_array_append(a, dom("2", "paused-guest", "256", "1", "--p---",
                               "0.0"));
    xmlrpc_array_append(a, dom("3", "a-very-long-domain-name-that-is-"
                               "longer-than-forty-chars", "128", "4",
                               "---s--", "123456.78"));
    xmlrpc_array_append(a, dom("4", "crashed", "64", "1", "----c-", "1.0"));
    xmlrpc_array_append(a, dom("5", "dying", "32", "1", "-----d", "0.05"));
    /* A managed domain that is not running: no domid. */
    img = xmlrpc_sxp("domain", NULL);
    xmlrpc_array_append(img, xmlrpc_sxp("name", "managed", NULL));
    xmlrpc_array_append(img, xmlrpc_sxp("memory", "128", NULL));
    xmlrpc_array_append(img, xmlrpc_sxp("vcpus", "1", NULL));
    xmlrpc_array_append(img, xmlrpc_sxp("state", "------", NULL));
    xmlrpc_array_append(img, xmlrpc_sxp("cpu_time", "0.0", NULL));
    xmlrpc_array_append(a, img);
    return a;
}

static const char *arg(const struct xmlrpc_value *p, size_t i)
{
    const struct xmlrpc_value *v = xmlrpc_array_get(p, i);

    return v && v->type == XMLRPC_STRING ? v->str : NULL;
}

static void log_call(struct test_xend *t, const char *method,
                     const struct xmlrpc_value *p)
{
    char *flat = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&flat, &len);
    size_t i;

    fprintf(f, "%s", method);
    for ( i = 0; p && i < p->len; i++ )
    {
        char buf[64];
        const char *s = xmlrpc_atom_text(p->items[i], buf, sizeof(buf));

        fprintf(f, " %s", s ? s : "[...]");
    }
    fputc('\n', f);
    fclose(f);
    pthread_mutex_lock(&t->lock);
    if ( strlen(t->calls) + len < sizeof(t->calls) )
        strcat(t->calls, flat);
    pthread_mutex_unlock(&t->lock);
    free(flat);
}

/* The fixture record whose name or domid is key, or NULL. */
static const struct xmlrpc_value *find(struct test_xend *t, const char *key)
{
    size_t i;

    for ( i = 0; key && i < t->domains->len; i++ )
    {
        char b1[64], b2[64];
        const struct xmlrpc_value *d = t->domains->items[i];
        const char *n = xmlrpc_sxp_child_value(d, "name", "", b1, 64);
        const char *id = xmlrpc_sxp_child_value(d, "domid", "", b2, 64);

        if ( !strcmp(n, key) || !strcmp(id, key) )
            return d;
    }
    return NULL;
}

static int no_domain(struct xmlrpc_error *fault, const char *key)
{
    xmlrpc_error_set(fault, XMLRPC_E_FAULT, XMLRPC_FAULT_INVALID_DOMAIN,
                     "%s", key ? key : "");
    return -1;
}

static int h_domains_with_state(void *o, const struct xmlrpc_value *p,
                                struct xmlrpc_value **r,
                                struct xmlrpc_error *fault)
{
    struct test_xend *t = o;
    const struct xmlrpc_value *detail = xmlrpc_array_get(p, 0);
    size_t i;

    log_call(t, "xend.domains_with_state", p);
    if ( detail && detail->type == XMLRPC_BOOL && detail->i )
    {
        *r = xmlrpc_copy(t->domains);
        return 0;
    }
    *r = xmlrpc_array();
    for ( i = 0; i < t->domains->len; i++ )
    {
        char b[64];

        xmlrpc_array_append(*r, xmlrpc_string(xmlrpc_sxp_child_value(
            t->domains->items[i], "name", "", b, 64)));
    }
    return 0;
}

static int h_domains(void *o, const struct xmlrpc_value *p,
                     struct xmlrpc_value **r, struct xmlrpc_error *fault)
{
    struct test_xend *t = o;
    size_t i;

    log_call(t, "xend.domains", p);
    *r = xmlrpc_array();
    /* Running domains only, by name; "web" is gone once shut down. */
    for ( i = 0; i < t->domains->len; i++ )
    {
        char b[64];
        const char *n = xmlrpc_sxp_child_value(t->domains->items[i], "name",
                                               "", b, 64);

        if ( strcmp(n, "managed") && !(t->web_shut && !strcmp(n, "web")) )
            xmlrpc_array_append(*r, xmlrpc_string(n));
    }
    return 0;
}

static int h_domain(void *o, const struct xmlrpc_value *p,
                    struct xmlrpc_value **r, struct xmlrpc_error *fault)
{
    struct test_xend *t = o;
    const struct xmlrpc_value *d = find(t, arg(p, 0));

    log_call(t, "xend.domain", p);
    if ( !d )
        return no_domain(fault, arg(p, 0));
    *r = xmlrpc_copy(d);
    return 0;
}

static int h_vcpuinfo(void *o, const struct xmlrpc_value *p,
                      struct xmlrpc_value **r, struct xmlrpc_error *fault)
{
    struct test_xend *t = o;
    const struct xmlrpc_value *d = find(t, arg(p, 0));
    char b1[64], b2[64];
    const char *id, *n;
    int i, nv;

    log_call(t, "xend.domain.getVCPUInfo", p);
    if ( !d )
        return no_domain(fault, arg(p, 0));
    id = xmlrpc_sxp_child_value(d, "domid", "", b1, 64);
    n = xmlrpc_sxp_child_value(d, "name", "", b2, 64);
    *r = xmlrpc_sxp("domain", NULL);
    xmlrpc_array_append(*r, xmlrpc_sxp("domid", id, NULL));
    xmlrpc_array_append(*r, xmlrpc_sxp("name", n, NULL));
    nv = strcmp(n, "Domain-0") == 0 ? 2 : 1;
    for ( i = 0; i < nv; i++ )
    {
        struct xmlrpc_value *v = xmlrpc_sxp("vcpu", NULL), *map;
        char num[16];

        snprintf(num, sizeof(num), "%d", i);
        xmlrpc_array_append(v, xmlrpc_sxp("number", num, NULL));
        /* dom0's vCPU1 is offline; web is pinned to CPU 1 of 4. */
        xmlrpc_array_append(v, xmlrpc_sxp("online", i ? "0" : "1", NULL));
        xmlrpc_array_append(v, xmlrpc_sxp("blocked",
                                          strcmp(n, "web") ? "0" : "1",
                                          NULL));
        xmlrpc_array_append(v, xmlrpc_sxp("running",
                                          strcmp(n, "Domain-0") ? "0" : "1",
                                          NULL));
        xmlrpc_array_append(v, xmlrpc_sxp("cpu_time", "3.25", NULL));
        xmlrpc_array_append(v, xmlrpc_sxp("cpu", i ? "-1" : "0", NULL));
        map = strcmp(n, "web") ? xmlrpc_sxp("0", "1", "2", "3", NULL)
                               : xmlrpc_sxp("1", NULL);
        {
            struct xmlrpc_value *c = xmlrpc_sxp("cpumap", NULL);

            xmlrpc_array_append(c, map);
            xmlrpc_array_append(v, c);
        }
        if ( i == 1 )
        {
            /* An offline vCPU still has a CPU number in Xen. */
            xmlrpc_free(v->items[6]);
            v->items[6] = xmlrpc_sxp("cpu", "1", NULL);
        }
        xmlrpc_array_append(*r, v);
    }
    return 0;
}

static int h_info(void *o, const struct xmlrpc_value *p,
                  struct xmlrpc_value **r, struct xmlrpc_error *fault)
{
    static const char *const kv[][2] = {
        { "host", "keel-test" }, { "release", "6.1.0-18-amd64" },
        { "version", "#1 SMP Debian" }, { "machine", "x86_64" },
        { "nr_cpus", "4" }, { "nr_nodes", "1" },
        { "cores_per_socket", "4" }, { "threads_per_core", "1" },
        { "cpu_mhz", "2992" }, { "hw_caps", "178bfbff:00000000" },
        { "virt_caps", "hvm" }, { "total_memory", "4095" },
        { "free_memory", "2048" }, { "xen_major", "4" },
        { "xen_minor", "17" }, { "xen_extra", "-keel" },
        { "xen_caps", "xen-3.0-x86_64 hvm-3.0-x86_64" },
        { "xen_scheduler", "credit" }, { "xen_pagesize", "4096" },
        { "platform_params", "virt_start=0xffff800000000000" },
        { "xen_changeset", "unavailable" },
    };
    struct test_xend *t = o;
    size_t i;

    log_call(t, "xend.node.info", p);
    *r = xmlrpc_sxp("xend", NULL);
    for ( i = 0; i < sizeof(kv) / sizeof(kv[0]); i++ )
        xmlrpc_array_append(*r, xmlrpc_sxp(kv[i][0], kv[i][1], NULL));
    xmlrpc_array_append(*r, xmlrpc_sxp("xen_commandline", NULL));
    return 0;
}

static int h_text(void *o, const struct xmlrpc_value *p,
                  struct xmlrpc_value **r, struct xmlrpc_error *fault,
                  const char *method, const char *text)
{
    log_call(o, method, p);
    *r = xmlrpc_string(text);
    return 0;
}

static int h_dmesg(void *o, const struct xmlrpc_value *p,
                   struct xmlrpc_value **r, struct xmlrpc_error *fault)
{
    return h_text(o, p, r, fault, "xend.node.dmesg.info",
                  "(XEN) Keel\n(XEN) Boot complete\n");
}

static int h_dmesg_clear(void *o, const struct xmlrpc_value *p,
                         struct xmlrpc_value **r, struct xmlrpc_error *fault)
{
    return h_text(o, p, r, fault, "xend.node.dmesg.clear",
                  "(XEN) cleared\n");
}

static int h_log(void *o, const struct xmlrpc_value *p,
                 struct xmlrpc_value **r, struct xmlrpc_error *fault)
{
    return h_text(o, p, r, fault, "xend.node.log", "[xend] started");
}

/* Domain operations: check the domain, log, answer 0 (as xend's None). */
static int h_dom_op(void *o, const struct xmlrpc_value *p,
                    struct xmlrpc_value **r, struct xmlrpc_error *fault,
                    const char *method)
{
    struct test_xend *t = o;

    log_call(t, method, p);
    if ( !find(t, arg(p, 0)) )
        return no_domain(fault, arg(p, 0));
    if ( !strcmp(method, "xend.domain.shutdown") && !strcmp(arg(p, 0), "web") )
        t->web_shut = 1;
    if ( !strcmp(method, "xend.domain.setMemoryTarget") )
    {
        const struct xmlrpc_value *m = xmlrpc_array_get(p, 1);

        if ( m && m->type == XMLRPC_INT && m->i > 100000 )
        {
            xmlrpc_error_set(fault, XMLRPC_E_FAULT, XMLRPC_FAULT_GENERIC,
                             "Domain %s: cannot balloon to %lld MB: only "
                             "2048 MB free", arg(p, 0), (long long)m->i);
            return -1;
        }
    }
    *r = xmlrpc_nil();
    return 0;
}

#define DOM_OP(fn, method)                                                \
    static int fn(void *o, const struct xmlrpc_value *p,                  \
                  struct xmlrpc_value **r, struct xmlrpc_error *f)        \
    {                                                                     \
        return h_dom_op(o, p, r, f, method);                              \
    }
DOM_OP(h_destroy, "xend.domain.destroy")
DOM_OP(h_pause, "xend.domain.pause")
DOM_OP(h_unpause, "xend.domain.unpause")
DOM_OP(h_shutdown, "xend.domain.shutdown")
DOM_OP(h_memtarget, "xend.domain.setMemoryTarget")
DOM_OP(h_maxmem, "xend.domain.maxmem_set")
DOM_OP(h_vcpuset, "xend.domain.setVCpuCount")
DOM_OP(h_pincpu, "xend.domain.pincpu")
DOM_OP(h_delete, "xend.domain.delete")

static int h_restart_count(void *o, const struct xmlrpc_value *p,
                           struct xmlrpc_value **r, struct xmlrpc_error *f)
{
    log_call(o, "xend.domain.getRestartCount", p);
    *r = xmlrpc_int(0);
    return 0;
}

static void *serve(void *arg)
{
    struct test_xend *t = arg;

    while ( !t->stop )
        xmlrpc_server_handle(t->srv, 20);
    return NULL;
}

int test_xend_start(struct test_xend *t)
{
    struct xmlrpc_error err;
    static const struct {
        const char *name;
        xmlrpc_handler_fn fn;
    } methods[] = {
        { "xend.domains_with_state", h_domains_with_state },
        { "xend.domains", h_domains },
        { "xend.domain", h_domain },
        { "xend.domain.getVCPUInfo", h_vcpuinfo },
        { "xend.node.info", h_info },
        { "xend.node.dmesg.info", h_dmesg },
        { "xend.node.dmesg.clear", h_dmesg_clear },
        { "xend.node.log", h_log },
        { "xend.domain.destroy", h_destroy },
        { "xend.domain.pause", h_pause },
        { "xend.domain.unpause", h_unpause },
        { "xend.domain.shutdown", h_shutdown },
        { "xend.domain.setMemoryTarget", h_memtarget },
        { "xend.domain.maxmem_set", h_maxmem },
        { "xend.domain.setVCpuCount", h_vcpuset },
        { "xend.domain.pincpu", h_pincpu },
        { "xend.domain.delete", h_delete },
        { "xend.domain.getRestartCount", h_restart_count },
    };
    size_t i;

    memset(t, 0, sizeof(*t));
    pthread_mutex_init(&t->lock, NULL);
    strcpy(t->dir, "/tmp/keel-xm-XXXXXX");
    if ( !mkdtemp(t->dir) )
        return -1;
    snprintf(t->path, sizeof(t->path), "%s/xmlrpc.sock", t->dir);
    t->domains = fixture_domains();
    t->srv = xmlrpc_server_new();
    if ( xmlrpc_server_listen(t->srv, t->path, &err) )
        return -1;
    for ( i = 0; i < sizeof(methods) / sizeof(methods[0]); i++ )
        xmlrpc_server_register(t->srv, methods[i].name, methods[i].fn, t);
    return pthread_create(&t->thread, NULL, serve, t) ? -1 : 0;
}

void test_xend_stop(struct test_xend *t)
{
    t->stop = 1;
    pthread_join(t->thread, NULL);
    xmlrpc_server_free(t->srv);
    xmlrpc_free(t->domains);
    rmdir(t->dir);
    pthread_mutex_destroy(&t->lock);
}
