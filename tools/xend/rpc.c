/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xend's XML-RPC methods (docs/design/xend-xmlrpc.md, every method xm
 * calls) and the daemon around them: one thread per connection, one lock
 * over the domain table, and a watcher thread that notices domains that
 * shut down, crashed or vanished (@releaseDomain, VIRQ_DOM_EXC, and a
 * once-a-second look at the hypervisor's list as a safety net).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "xenstore.h"
#include "xmlrpc.h"
#include "xmlrpc_sxp.h"
#include "xend_priv.h"

#define XEND_MODULE "XendDomain"

/* ---- records ------------------------------------------------------------ */

static int add(struct xmlrpc_value *r, const char *k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int add(struct xmlrpc_value *r, const char *k, const char *fmt, ...)
{
    char val[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    return xmlrpc_array_append(r, xmlrpc_sxp(k, val, NULL));
}

static long dom0_target_mb(struct xend *x, const struct xend_dominfo *di)
{
    unsigned int len;
    char *t = xs_read(x->xs, XBT_NULL, "/local/domain/0/memory/target",
                      &len);
    long mb = t ? strtol(t, NULL, 10) / 1024 : 0;

    free(t);
    return mb > 0 ? mb : (long)((di->nr_pages * 4 + 512) / 1024);
}

struct xmlrpc_value *xd_record(struct xend *x, struct xdom *d, bool full)
{
    struct xmlrpc_value *r = xmlrpc_array();
    struct xend_dominfo di;
    bool running = xd_info(x, d, &di);
    const struct xend_vmcfg *c = d->have_cfg ? &d->cfg : NULL;
    char state[7] = "------";
    long mem, maxmem;
    unsigned int vcpus;

    if ( !r )
        return NULL;
    if ( running )
        xend_state_string(&di, state);
    if ( d->domid == 0 && running )
        mem = dom0_target_mb(x, &di);
    else if ( running && d->target_mb )
        mem = d->target_mb;
    else if ( running )
        mem = (di.nr_pages * 4 + 512) / 1024;
    else
        mem = c ? c->memory : 0;
    if ( running )
        maxmem = di.max_memkb >= (1ull << 50) ? mem :
                 (long)(di.max_memkb / 1024);
    else
        maxmem = c ? c->maxmem : mem;
    vcpus = running ? di.max_vcpu_id + 1 : c ? c->vcpus : 1;

    xmlrpc_array_append(r, xmlrpc_string("domain"));
    if ( running )
        add(r, "domid", "%d", d->domid);
    add(r, "uuid", "%s", d->uuid);
    add(r, "vcpus", "%u", vcpus);
    add(r, "vcpu_avail", "%" PRIu64, c ? c->vcpu_avail :
        (uint64_t)(vcpus >= 64 ? ~0ull : (1ull << vcpus) - 1));
    add(r, "cpu_weight", "256");
    add(r, "cpu_cap", "0");
    add(r, "on_poweroff", "%s", kcfg_action_name(c ? c->on_poweroff :
                                                 KCFG_ACTION_DESTROY));
    add(r, "on_reboot", "%s", kcfg_action_name(c ? c->on_reboot :
                                               KCFG_ACTION_RESTART));
    add(r, "on_crash", "%s", kcfg_action_name(c ? c->on_crash :
                                              KCFG_ACTION_RESTART));
    add(r, "on_xend_start", "ignore");
    add(r, "on_xend_stop", "ignore");
    add(r, "name", "%s", d->name);
    add(r, "memory", "%ld", mem);
    add(r, "maxmem", "%ld", maxmem);
    add(r, "shadow_memory", "0");
    if ( c && c->cpus[0] )
        add(r, "cpus", "%s", c->cpus);
    add(r, "online_vcpus", "%u", running ? di.online_vcpus : 0);
    add(r, "state", "%s", state);
    add(r, "cpu_time", "%.3f", running ? di.cpu_time_ns / 1e9 : 0.0);
    if ( running )
        add(r, "start_time", "%.2f", d->domid == 0 ? x->boot_time :
            d->start_time);
    /* Xen's DOM_STATE_RUNNING 2, DOM_STATE_HALTED 0. */
    add(r, "status", "%d", running ? 2 : 0);
    add(r, "managed", "%d", d->managed ? 1 : 0);
    if ( running && d->domid > 0 )
    {
        add(r, "store_mfn", "%" PRIu64, d->store_pfn);
        add(r, "console_mfn", "%" PRIu64, d->console_pfn);
        add(r, "restart_count", "%u", d->restart_count);
    }
    if ( full && d->config )
    {
        const struct sxp *img = sxp_child(d->config, "image");

        unsigned int i;

        if ( img )
            xmlrpc_array_append(r, xmlrpc_from_sxp(img));
        /* (device (vbd ...)) and (device (vif ... (mac ..))) as
         * configured, the MACs xend chose included. */
        for ( i = 1; i < d->config->n; i++ )
        {
            const struct sxp *c = d->config->items[i];

            if ( c->type == SXP_LIST && sxp_name(c) &&
                 !strcmp(sxp_name(c), "device") )
                xmlrpc_array_append(r, xmlrpc_from_sxp(c));
        }
    }
    return r;
}

static struct xmlrpc_value *vcpu_record(struct xend *x, struct xdom *d,
                                        struct xend_fail *f)
{
    struct xmlrpc_value *r;
    struct xend_dominfo di;
    char err[XEND_ERR_MAX] = "";
    unsigned int i, j;

    if ( !xd_info(x, d, &di) )
    {
        FAIL(f, XEND_FAULT_USER, "Domain '%s' is not running: it has no "
             "vCPUs to list", d->name);
        return NULL;
    }
    r = xmlrpc_array();
    xmlrpc_array_append(r, xmlrpc_string("domain"));
    add(r, "domid", "%d", d->domid);
    add(r, "name", "%s", d->name);
    add(r, "vcpu_count", "%u", di.max_vcpu_id + 1);
    for ( i = 0; i <= di.max_vcpu_id; i++ )
    {
        struct xend_vcpuinfo vi;
        struct xmlrpc_value *v, *map;
        int rc = x->ops->vcpu_info(x->hv, d->domid, i, &vi, err);

        if ( rc )
        {
            xmlrpc_free(r);
            FAIL(f, XEND_FAULT_INTERNAL, "Domain '%s': reading vCPU %u "
                 "failed: %s", d->name, i, err[0] ? err : strerror(-rc));
            return NULL;
        }
        v = xmlrpc_array();
        xmlrpc_array_append(v, xmlrpc_string("vcpu"));
        add(v, "number", "%u", i);
        add(v, "online", "%d", vi.online);
        add(v, "blocked", "%d", vi.blocked);
        add(v, "running", "%d", vi.running);
        add(v, "cpu_time", "%.3f", vi.cpu_time_ns / 1e9);
        add(v, "cpu", "%d", vi.cpu);
        map = xmlrpc_array();
        xmlrpc_array_append(map, xmlrpc_string("cpumap"));
        {
            struct xmlrpc_value *l = xmlrpc_array();

            for ( j = 0; j < 64; j++ )
                if ( vi.cpumap >> j & 1 )
                    xmlrpc_array_append(l, xmlrpc_stringf("%u", j));
            xmlrpc_array_append(map, l);
        }
        xmlrpc_array_append(v, map);
        xmlrpc_array_append(r, v);
    }
    return r;
}

static void cpu_ranges(char *buf, size_t len, unsigned int n)
{
    if ( n <= 1 )
        snprintf(buf, len, "0");
    else
        snprintf(buf, len, "0-%u", n - 1);
}

static struct xmlrpc_value *node_record(struct xend *x, struct xend_fail *f)
{
    struct xend_physinfo pi;
    struct xend_version v;
    struct utsname u;
    char err[XEND_ERR_MAX] = "", buf[128];
    struct xmlrpc_value *r;
    int rc;

    memset(&v, 0, sizeof(v));
    rc = x->ops->physinfo(x->hv, &pi, err);
    if ( !rc )
        rc = x->ops->version(x->hv, &v, err);
    if ( rc )
    {
        FAIL(f, XEND_FAULT_INTERNAL, "Cannot read the host's information "
             "from the hypervisor: %s", err[0] ? err : strerror(-rc));
        return NULL;
    }
    uname(&u);
    r = xmlrpc_array();
    xmlrpc_array_append(r, xmlrpc_string("xend"));
    add(r, "host", "%s", u.nodename);
    add(r, "release", "%s", u.release);
    add(r, "version", "%s", u.version);
    add(r, "machine", "%s", u.machine);
    add(r, "nr_cpus", "%u", pi.nr_cpus);
    add(r, "nr_nodes", "%u", pi.nr_nodes ? pi.nr_nodes : 1);
    add(r, "cores_per_socket", "%u", pi.cores_per_socket);
    add(r, "threads_per_core", "%u", pi.threads_per_core);
    add(r, "cpu_mhz", "%u", pi.cpu_khz / 1000);
    add(r, "hw_caps", "%08x:%08x:%08x:%08x:%08x:%08x:%08x:%08x",
        pi.hw_cap[0], pi.hw_cap[1], pi.hw_cap[2], pi.hw_cap[3],
        pi.hw_cap[4], pi.hw_cap[5], pi.hw_cap[6], pi.hw_cap[7]);
    add(r, "virt_caps", "%s", pi.hvm ? "hvm" : "");
    add(r, "total_memory", "%" PRIu64, pi.total_pages * 4 / 1024);
    add(r, "free_memory", "%" PRIu64, pi.free_pages * 4 / 1024);
    cpu_ranges(buf, sizeof(buf), pi.nr_cpus);
    add(r, "node_to_cpu", "node0:%s", buf);
    add(r, "node_to_memory", "node0:%" PRIu64, pi.free_pages * 4 / 1024);
    add(r, "xen_major", "%u", v.major);
    add(r, "xen_minor", "%u", v.minor);
    add(r, "xen_extra", "%s", v.extra);
    add(r, "xen_caps", "%s", v.caps);
    add(r, "xen_scheduler", "%s", v.scheduler[0] ? v.scheduler : "credit");
    add(r, "xen_pagesize", "%lu", v.pagesize ? v.pagesize : 4096);
    add(r, "platform_params", "virt_start=0x%" PRIx64, v.virt_start);
    add(r, "xen_changeset", "%s", v.changeset);
    add(r, "xen_commandline", "%s", v.commandline);
    add(r, "cc_compiler", "%s", v.compiler);
    add(r, "cc_compile_by", "%s", v.compile_by);
    add(r, "cc_compile_domain", "%s", v.compile_domain);
    add(r, "cc_compile_date", "%s", v.compile_date);
    add(r, "xend_config_format", "4");
    return r;
}

/* ---- parameters --------------------------------------------------------- */

static const char *p_str(const struct xmlrpc_value *params, size_t i,
                         char *buf, size_t len)
{
    return xmlrpc_atom_text(xmlrpc_array_get(params, i), buf, len);
}

static bool p_bool(const struct xmlrpc_value *params, size_t i, bool def)
{
    const struct xmlrpc_value *v = xmlrpc_array_get(params, i);

    if ( !v )
        return def;
    if ( v->type == XMLRPC_BOOL || v->type == XMLRPC_INT )
        return v->i != 0;
    if ( v->type == XMLRPC_STRING )
        return !strcmp(v->str, "1") || !strcasecmp(v->str, "true");
    return def;
}

static int p_long(const struct xmlrpc_value *params, size_t i, long *out)
{
    const struct xmlrpc_value *v = xmlrpc_array_get(params, i);
    char *end;

    if ( v && v->type == XMLRPC_INT )
    {
        *out = v->i;
        return 0;
    }
    if ( v && v->type == XMLRPC_STRING )
    {
        errno = 0;
        *out = strtol(v->str, &end, 10);
        if ( !errno && end != v->str && !*end )
            return 0;
    }
    return -1;
}

static int fault(struct xmlrpc_error *e, const struct xend_fail *f)
{
    xmlrpc_error_set(e, XMLRPC_E_FAULT, f->code, "%s", f->msg);
    return -1;
}

static int bad_params(struct xmlrpc_error *e, const char *method,
                      const char *want)
{
    xmlrpc_error_set(e, XMLRPC_E_FAULT, XMLRPC_FAULT_PARAMS,
                     "%s: bad arguments, expected %s", method, want);
    return -1;
}

/* ---- methods ------------------------------------------------------------ */

typedef int (*method_fn)(struct xend *x, const struct xmlrpc_value *p,
                         struct xmlrpc_value **res, struct xend_fail *f);

/* Look up param 0 as a domain. */
static struct xdom *p_dom(struct xend *x, const struct xmlrpc_value *p,
                          struct xend_fail *f)
{
    char buf[64];
    const char *what = p_str(p, 0, buf, sizeof(buf));

    if ( !what )
    {
        FAIL(f, XMLRPC_FAULT_PARAMS, "expected a domain name or id as the "
             "first argument");
        return NULL;
    }
    return xd_find(x, what, f);
}

static bool state_matches(struct xend *x, struct xdom *d, const char *state)
{
    struct xend_dominfo di;
    char s[7];

    if ( !strcmp(state, "all") )
        return true;
    if ( !xd_info(x, d, &di) )
        return false;
    xend_state_string(&di, s);
    if ( !strcmp(state, "running") )
        return s[0] == 'r';
    if ( !strcmp(state, "blocked") )
        return s[1] == 'b';
    if ( !strcmp(state, "paused") )
        return s[2] == 'p';
    if ( !strcmp(state, "shutdown") )
        return s[3] == 's';
    if ( !strcmp(state, "crashed") )
        return s[4] == 'c';
    if ( !strcmp(state, "dying") )
        return s[5] == 'd';
    return false;
}

/* Domains in id order (dom0 first), stopped managed ones last by name. */
static unsigned int sorted(struct xend *x, struct xdom **out)
{
    unsigned int i, j, n = 0;

    for ( i = 0; i < XEND_MAX_DOMS; i++ )
        if ( x->doms[i].used )
            out[n++] = &x->doms[i];
    for ( i = 1; i < n; i++ )
        for ( j = i; j > 0; j-- )
        {
            struct xdom *a = out[j - 1], *b = out[j];
            bool swap = a->domid < 0 ? (b->domid >= 0 ||
                                        strcmp(a->name, b->name) > 0)
                                     : (b->domid >= 0 && b->domid < a->domid);

            if ( !swap )
                break;
            out[j - 1] = b;
            out[j] = a;
        }
    return n;
}

static int m_domains_with_state(struct xend *x, const struct xmlrpc_value *p,
                                struct xmlrpc_value **res,
                                struct xend_fail *f)
{
    struct xdom *list[XEND_MAX_DOMS];
    bool detail = p_bool(p, 0, false), full = p_bool(p, 2, false);
    char buf[32];
    const char *state = p_str(p, 1, buf, sizeof(buf));
    unsigned int i, n;

    xd_scan(x);
    n = sorted(x, list);
    *res = xmlrpc_array();
    for ( i = 0; i < n; i++ )
    {
        if ( !state_matches(x, list[i], state ? state : "all") )
            continue;
        xmlrpc_array_append(*res, detail ? xd_record(x, list[i], full)
                                         : xmlrpc_string(list[i]->name));
    }
    return 0;
}

static int m_domains(struct xend *x, const struct xmlrpc_value *p,
                     struct xmlrpc_value **res, struct xend_fail *f)
{
    struct xdom *list[XEND_MAX_DOMS];
    bool detail = p_bool(p, 0, false);
    unsigned int i, n;

    xd_scan(x);
    n = sorted(x, list);
    *res = xmlrpc_array();
    for ( i = 0; i < n; i++ )
        if ( list[i]->domid >= 0 )
            xmlrpc_array_append(*res, detail ? xd_record(x, list[i], false)
                                             : xmlrpc_string(list[i]->name));
    return 0;
}

static int m_domain(struct xend *x, const struct xmlrpc_value *p,
                    struct xmlrpc_value **res, struct xend_fail *f)
{
    struct xdom *d;

    xd_scan(x);
    d = p_dom(x, p, f);
    if ( !d )
        return -1;
    *res = xd_record(x, d, p_bool(p, 1, false));
    /* A stopped managed domain answers with domid -1. */
    if ( *res && d->domid < 0 )
        xmlrpc_array_append(*res, xmlrpc_sxp("domid", "-1", NULL));
    return 0;
}

static struct sxp *p_config(const struct xmlrpc_value *p, struct xend_fail *f)
{
    struct sxp *s = xmlrpc_to_sxp(xmlrpc_array_get(p, 0));

    if ( !s )
        FAIL(f, XMLRPC_FAULT_PARAMS, "expected the domain's configuration "
             "as a (vm ...) SXP");
    return s;
}

static int m_create(struct xend *x, const struct xmlrpc_value *p,
                    struct xmlrpc_value **res, struct xend_fail *f)
{
    struct sxp *s = p_config(p, f);
    struct xdom *d;
    int rc;

    if ( !s )
        return -1;
    rc = xd_create(x, s, false, &d, f);
    sxp_free(s);
    if ( rc )
        return -1;
    *res = xd_record(x, d, false);
    return 0;
}

static int m_wait_devices(struct xend *x, const struct xmlrpc_value *p,
                          struct xmlrpc_value **res, struct xend_fail *f)
{
    /* The create already waited for every device's hotplug script
     * (and failed, undone, if one did not connect). */
    if ( !p_dom(x, p, f) )
        return -1;
    *res = xmlrpc_nil();
    return 0;
}

static int m_new(struct xend *x, const struct xmlrpc_value *p,
                 struct xmlrpc_value **res, struct xend_fail *f)
{
    struct sxp *s = p_config(p, f);
    int rc;

    if ( !s )
        return -1;
    rc = xd_new(x, s, f);
    sxp_free(s);
    if ( rc )
        return -1;
    *res = xmlrpc_nil();
    return 0;
}

#define SIMPLE(fn, call)                                                     \
static int fn(struct xend *x, const struct xmlrpc_value *p,                  \
              struct xmlrpc_value **res, struct xend_fail *f)                \
{                                                                            \
    struct xdom *d = p_dom(x, p, f);                                         \
                                                                             \
    if ( !d || (call) )                                                      \
        return -1;                                                           \
    *res = xmlrpc_nil();                                                     \
    return 0;                                                                \
}

SIMPLE(m_destroy, xd_destroy(x, d, f))
SIMPLE(m_pause, xd_pause(x, d, true, f))
SIMPLE(m_unpause, xd_pause(x, d, false, f))
SIMPLE(m_start, xd_start(x, d, p_bool(p, 1, false), f))
SIMPLE(m_delete, xd_delete(x, d, f))

static int m_shutdown(struct xend *x, const struct xmlrpc_value *p,
                      struct xmlrpc_value **res, struct xend_fail *f)
{
    struct xdom *d = p_dom(x, p, f);
    char buf[32];
    const char *reason = p_str(p, 1, buf, sizeof(buf));

    if ( !d || xd_shutdown(x, d, reason ? reason : "poweroff", f) )
        return -1;
    *res = xmlrpc_nil();
    return 0;
}

static int m_restart_count(struct xend *x, const struct xmlrpc_value *p,
                           struct xmlrpc_value **res, struct xend_fail *f)
{
    struct xdom *d = p_dom(x, p, f);

    if ( !d )
        return -1;
    *res = xmlrpc_int(d->restart_count);
    return 0;
}

#define WITH_LONG(fn, call, what)                                            \
static int fn(struct xend *x, const struct xmlrpc_value *p,                  \
              struct xmlrpc_value **res, struct xend_fail *f)                \
{                                                                            \
    struct xdom *d = p_dom(x, p, f);                                         \
    long n;                                                                  \
                                                                             \
    if ( !d )                                                                \
        return -1;                                                           \
    if ( p_long(p, 1, &n) )                                                  \
    {                                                                        \
        FAIL(f, XEND_FAULT_USER, "Invalid %s for domain '%s': expected a "   \
             "whole number", what, d->name);                                 \
        return -1;                                                           \
    }                                                                        \
    if ( call )                                                              \
        return -1;                                                           \
    *res = xmlrpc_nil();                                                     \
    return 0;                                                                \
}

WITH_LONG(m_mem_target, xd_mem_target(x, d, n, f), "memory size")
WITH_LONG(m_mem_max, xd_mem_max(x, d, n, f), "memory size")
WITH_LONG(m_vcpu_set, xd_vcpu_set(x, d, n, f), "vCPU count")

static int m_pincpu(struct xend *x, const struct xmlrpc_value *p,
                    struct xmlrpc_value **res, struct xend_fail *f)
{
    struct xdom *d = p_dom(x, p, f);
    char b1[32], b2[256];
    const char *vcpu = p_str(p, 1, b1, sizeof(b1));
    const char *cpus = p_str(p, 2, b2, sizeof(b2));

    if ( !d )
        return -1;
    if ( !vcpu || !cpus )
    {
        FAIL(f, XMLRPC_FAULT_PARAMS, "expected domain, vcpu and cpus");
        return -1;
    }
    if ( xd_pin(x, d, vcpu, cpus, f) )
        return -1;
    *res = xmlrpc_nil();
    return 0;
}

static int m_vcpu_info(struct xend *x, const struct xmlrpc_value *p,
                       struct xmlrpc_value **res, struct xend_fail *f)
{
    struct xdom *d = p_dom(x, p, f);

    if ( !d )
        return -1;
    *res = vcpu_record(x, d, f);
    return *res ? 0 : -1;
}

static int m_node_info(struct xend *x, const struct xmlrpc_value *p,
                       struct xmlrpc_value **res, struct xend_fail *f)
{
    *res = node_record(x, f);
    return *res ? 0 : -1;
}

static int dmesg(struct xend *x, bool clear, struct xmlrpc_value **res,
                 struct xend_fail *f)
{
    size_t len = 1u << 20;
    char *buf = malloc(len + 1);
    char err[XEND_ERR_MAX] = "";
    int rc;

    if ( !buf )
    {
        FAIL(f, XEND_FAULT_INTERNAL, "out of memory");
        return -1;
    }
    rc = x->ops->readconsole(x->hv, buf, &len, clear, err);
    if ( rc )
    {
        free(buf);
        FAIL(f, XEND_FAULT_INTERNAL, "Cannot read the hypervisor's console "
             "ring: %s", err[0] ? err : strerror(-rc));
        return -1;
    }
    *res = xmlrpc_string_len(buf, len);
    free(buf);
    return 0;
}

static int m_dmesg(struct xend *x, const struct xmlrpc_value *p,
                   struct xmlrpc_value **res, struct xend_fail *f)
{
    return dmesg(x, false, res, f);
}

static int m_dmesg_clear(struct xend *x, const struct xmlrpc_value *p,
                         struct xmlrpc_value **res, struct xend_fail *f)
{
    return dmesg(x, true, res, f);
}

static int m_log(struct xend *x, const struct xmlrpc_value *p,
                 struct xmlrpc_value **res, struct xend_fail *f)
{
    const char *path = xend_log_path();
    char *text = NULL;
    size_t cap = 0;
    FILE *fp;

    if ( !path )
    {
        *res = xmlrpc_string("");
        return 0;
    }
    fp = fopen(path, "re");
    if ( !fp )
    {
        FAIL(f, XEND_FAULT_INTERNAL, "Cannot read %s: %s", path,
             strerror(errno));
        return -1;
    }
    /* The last 4 MiB at most: the reply must fit the protocol's body. */
    if ( fseek(fp, 0, SEEK_END) == 0 && ftell(fp) > (4L << 20) )
        fseek(fp, -(4L << 20), SEEK_END);
    else
        fseek(fp, 0, SEEK_SET);
    if ( getdelim(&text, &cap, '\0', fp) < 0 )
    {
        free(text);
        text = NULL;
    }
    fclose(fp);
    *res = xmlrpc_string(text ? text : "");
    free(text);
    return 0;
}

static const struct {
    const char *name;
    method_fn fn;
} methods[] = {
    { "xend.domains_with_state", m_domains_with_state },
    { "xend.domains", m_domains },
    { "xend.domain", m_domain },
    { "xend.domain.create", m_create },
    { "xend.domain.waitForDevices", m_wait_devices },
    { "xend.domain.new", m_new },
    { "xend.domain.start", m_start },
    { "xend.domain.delete", m_delete },
    { "xend.domain.destroy", m_destroy },
    { "xend.domain.pause", m_pause },
    { "xend.domain.unpause", m_unpause },
    { "xend.domain.shutdown", m_shutdown },
    { "xend.domain.getRestartCount", m_restart_count },
    { "xend.domain.setMemoryTarget", m_mem_target },
    { "xend.domain.maxmem_set", m_mem_max },
    { "xend.domain.setVCpuCount", m_vcpu_set },
    { "xend.domain.pincpu", m_pincpu },
    { "xend.domain.getVCPUInfo", m_vcpu_info },
    { "xend.node.info", m_node_info },
    { "xend.node.dmesg.info", m_dmesg },
    { "xend.node.dmesg.clear", m_dmesg_clear },
    { "xend.node.log", m_log },
};

static const char *const unsupported[] = {
    "xend.domain.migrate", "xend.domain.save", "xend.domain.restore",
    "xend.domain.dump", "xend.domain.setName", "xend.domain.reset",
    "xend.domain.suspend", "xend.domain.resume", "xend.domain.send_sysrq",
    "xend.domain.send_trigger", "xend.domain.device_create",
    "xend.domain.destroyDevice", "xend.domain.getDeviceSxprs",
    "xend.domain.sched_credit_get", "xend.domain.sched_credit_set",
    "xend.node.send_debug_keys",
};

struct binding {
    struct xend *x;
    method_fn fn;
    const char *name;
};

static struct binding bindings[sizeof(methods) / sizeof(methods[0]) +
                               sizeof(unsupported) / sizeof(unsupported[0])];

static int dispatch(void *opaque, const struct xmlrpc_value *params,
                    struct xmlrpc_value **result, struct xmlrpc_error *e)
{
    struct binding *b = opaque;
    struct xend_fail f = { .code = XEND_FAULT_INTERNAL };
    struct xend_stamp st;
    const char *step;
    int rc;

    if ( !b->fn )
    {
        f.code = XEND_FAULT_USER;
        snprintf(f.msg, sizeof(f.msg), "%s is not supported by this Keel "
                 "release yet", b->name);
        return fault(e, &f);
    }
    *result = NULL;
    xend_stamp_start(&st);
    pthread_mutex_lock(&b->x->lock);
    rc = b->fn(b->x, params, result, &f);
    pthread_mutex_unlock(&b->x->lock);
    if ( (step = strrchr(b->name, '.')) )
    {
        char name[48];

        snprintf(name, sizeof(name), "rpc_%s", step + 1);
        xend_stamp_log(&st, name, -1);
    }
    if ( rc )
    {
        if ( f.code == XMLRPC_FAULT_PARAMS )
            return bad_params(e, b->name, f.msg);
        return fault(e, &f);
    }
    if ( !*result )
    {
        f.code = XEND_FAULT_INTERNAL;
        snprintf(f.msg, sizeof(f.msg), "%s: out of memory", b->name);
        return fault(e, &f);
    }
    return 0;
}

/* ---- the daemon --------------------------------------------------------- */

static void *watcher(void *arg)
{
    struct xend *x = arg;

    for ( ;; )
    {
        struct pollfd pf[3];
        int n = 0, evfd = x->ops->event_fd ? x->ops->event_fd(x->hv) : -1;

        pf[n].fd = x->stop_pipe[0];
        pf[n++].events = POLLIN;
        pf[n].fd = xs_fileno(x->xs_watch);
        pf[n++].events = POLLIN;
        if ( evfd >= 0 )
        {
            pf[n].fd = evfd;
            pf[n++].events = POLLIN;
        }
        /* The timeout is a safety net for an event that got lost. */
        if ( poll(pf, n, 1000) < 0 && errno != EINTR )
            break;
        if ( pf[0].revents )
            break;
        if ( pf[1].revents )
        {
            char **w;

            while ( (w = xs_check_watch(x->xs_watch)) )
                free(w);
        }
        if ( n > 2 && pf[2].revents && x->ops->event_ack )
            x->ops->event_ack(x->hv);
        pthread_mutex_lock(&x->lock);
        xd_scan(x);
        pthread_mutex_unlock(&x->lock);
    }
    return NULL;
}

struct conn {
    struct xend *x;
    int fd;
};

static void *serve_conn(void *arg)
{
    struct conn *c = arg;

    xmlrpc_server_serve_fd(c->x->srv, c->fd);
    close(c->fd);
    free(c);
    return NULL;
}

struct xend *xend_new(const struct xend_opts *o,
                      const struct xend_hv_ops *ops, void *hv,
                      char *err, size_t errlen)
{
    struct xend *x = calloc(1, sizeof(*x));
    struct kcfg_error ke;
    struct xmlrpc_error xe;
    char buf[512];
    size_t i, nm = sizeof(methods) / sizeof(methods[0]);

    if ( !x )
    {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&x->lock, NULL);
    x->stop_pipe[0] = x->stop_pipe[1] = -1;
    x->ops = ops;
    x->hv = hv;
    x->boot_time = xend_now();
    if ( o->config && access(o->config, F_OK) == 0 )
    {
        if ( kcfg_xend_parse_file(o->config, &x->xcfg, &ke) )
        {
            snprintf(err, errlen, "cannot use %s: %s", o->config,
                     kcfg_error_format(&ke, buf, sizeof(buf)));
            goto fail;
        }
    }
    else if ( kcfg_xend_defaults(&x->xcfg) )
    {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if ( xend_log_open(o->log ? o->log : x->xcfg->logfile,
                       x->xcfg->loglevel) )
    {
        snprintf(err, errlen, "cannot open the log %s: %s",
                 o->log ? o->log : x->xcfg->logfile, strerror(errno));
        goto fail;
    }
    snprintf(x->socket, sizeof(x->socket), "%s",
             o->socket ? o->socket : XMLRPC_DEFAULT_SOCKET);
    snprintf(x->domains_dir, sizeof(x->domains_dir), "%s",
             o->domains_dir ? o->domains_dir : x->xcfg->xend_domains_path);
    LOG_INFO("Xend started (config %s, socket %s, managed domains in %s)",
             o->config ? o->config : "(defaults)", x->socket,
             x->domains_dir);

    if ( pipe2(x->stop_pipe, O_CLOEXEC) )
    {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        goto fail;
    }
    x->xs = xs_open(0);
    x->xs_watch = x->xs ? xs_open(0) : NULL;
    if ( !x->xs || !x->xs_watch )
    {
        snprintf(err, errlen, "cannot connect to xenstored (%s): %s; is it "
                 "running? (/etc/init.d/xencommons start)",
                 xs_daemon_socket(), strerror(errno));
        goto fail;
    }
    if ( !xs_watch(x->xs_watch, "@releaseDomain", "release") )
    {
        snprintf(err, errlen, "cannot watch @releaseDomain in xenstore: %s",
                 strerror(errno));
        goto fail;
    }

    /* Domain-0 is always there. */
    x->doms[0].used = true;
    x->doms[0].domid = 0;
    snprintf(x->doms[0].name, sizeof(x->doms[0].name), "Domain-0");
    snprintf(x->doms[0].uuid, sizeof(x->doms[0].uuid),
             "00000000-0000-0000-0000-000000000000");
    xd_network_script(x);
    xd_rediscover(x);

    x->srv = xmlrpc_server_new();
    if ( !x->srv )
    {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    for ( i = 0; i < nm; i++ )
    {
        bindings[i].x = x;
        bindings[i].fn = methods[i].fn;
        bindings[i].name = methods[i].name;
        xmlrpc_server_register(x->srv, methods[i].name, dispatch,
                               &bindings[i]);
    }
    for ( i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++ )
    {
        bindings[nm + i].x = x;
        bindings[nm + i].fn = NULL;
        bindings[nm + i].name = unsupported[i];
        xmlrpc_server_register(x->srv, unsupported[i], dispatch,
                               &bindings[nm + i]);
    }
    {
        /* The socket's directory (/var/run/xend) may not exist yet. */
        char dir[256], *slash;

        snprintf(dir, sizeof(dir), "%s", x->socket);
        slash = strrchr(dir, '/');
        if ( slash && slash != dir )
        {
            *slash = '\0';
            mkdir(dir, 0700);
        }
    }
    if ( xmlrpc_server_listen(x->srv, x->socket, &xe) )
    {
        snprintf(err, errlen, "cannot listen on %s: %s", x->socket,
                 xe.message);
        goto fail;
    }
    if ( pthread_create(&x->watcher, NULL, watcher, x) )
    {
        snprintf(err, errlen, "cannot start the watcher thread");
        goto fail;
    }
    x->watcher_started = true;
    return x;

 fail:
    LOG_ERROR("Xend could not start: %s", err);
    xend_free(x);
    return NULL;
}

int xend_serve(struct xend *x)
{
    for ( ;; )
    {
        struct pollfd pf[2] = {
            { .fd = xmlrpc_server_fd(x->srv), .events = POLLIN },
            { .fd = x->stop_pipe[0], .events = POLLIN },
        };
        pthread_attr_t attr;
        pthread_t t;
        struct conn *c;
        int fd;

        if ( poll(pf, 2, -1) < 0 )
        {
            if ( errno == EINTR )
                continue;
            return -1;
        }
        if ( pf[1].revents )
            break;
        if ( !pf[0].revents )
            continue;
        fd = accept4(pf[0].fd, NULL, NULL, SOCK_CLOEXEC);
        if ( fd < 0 )
            continue;
        c = malloc(sizeof(*c));
        if ( !c )
        {
            close(fd);
            continue;
        }
        c->x = x;
        c->fd = fd;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        if ( pthread_create(&t, &attr, serve_conn, c) )
        {
            close(fd);
            free(c);
        }
        pthread_attr_destroy(&attr);
    }
    LOG_INFO("Xend stopping");
    return 0;
}

void xend_stop(struct xend *x)
{
    char b = 1;

    if ( x && x->stop_pipe[1] >= 0 )
        (void)!write(x->stop_pipe[1], &b, 1);
}

void xend_free(struct xend *x)
{
    unsigned int i;

    if ( !x )
        return;
    if ( x->watcher_started )
    {
        xend_stop(x);
        pthread_join(x->watcher, NULL);
    }
    /* Connection threads may still run: the domain table stays valid
     * until the process exits; only what they do not touch is freed. */
    if ( x->srv )
        close(xmlrpc_server_fd(x->srv));
    if ( x->srv )
        unlink(x->socket);
    pthread_mutex_lock(&x->lock);
    if ( x->xs_watch )
        xs_close(x->xs_watch);
    for ( i = 0; i < XEND_MAX_DOMS; i++ )
        if ( x->doms[i].used )
        {
            sxp_free(x->doms[i].config);
            xend_vmcfg_free(&x->doms[i].cfg);
        }
    kcfg_xend_free(x->xcfg);
    if ( x->stop_pipe[0] >= 0 )
        close(x->stop_pipe[0]);
    if ( x->stop_pipe[1] >= 0 )
        close(x->stop_pipe[1]);
    pthread_mutex_unlock(&x->lock);
    xend_log_close();
    /* x->xs, x->srv and x stay: a connection thread may be in them. */
}
