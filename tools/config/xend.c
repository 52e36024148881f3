/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xend-config.sxp: one (name value) per option, every option with the
 * default the Oracle VM 2.2 manual (Appendix B) documents, or Xen 3.4's
 * XendOptions where the manual is silent.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum xtype { X_BOOL, X_INT, X_LONG, X_STR, X_SXP };

struct xopt {
    const char *name;
    enum xtype type;
    size_t off;
    const char *def;    /* NULL: no default (field stays NULL) */
};

#define O(n, t, f, d) { n, t, offsetof(struct kcfg_xend, f), d }

static const struct xopt xopts[] = {
    O("logfile", X_STR, logfile, "/var/log/xen/xend.log"),
    O("loglevel", X_STR, loglevel, "DEBUG"),
    O("xen-api-server", X_SXP, xen_api_server, "((unix))"),
    O("xend-http-server", X_BOOL, xend_http_server, "no"),
    O("xend-unix-server", X_BOOL, xend_unix_server, "no"),
    O("xend-tcp-xmlrpc-server", X_BOOL, xend_tcp_xmlrpc_server, "no"),
    O("xend-unix-xmlrpc-server", X_BOOL, xend_unix_xmlrpc_server, "yes"),
    O("xend-relocation-server", X_BOOL, xend_relocation_server, "no"),
    O("xend-relocation-ssl-server", X_BOOL, xend_relocation_ssl_server,
      "no"),
    O("xend-relocation-ssl", X_BOOL, xend_relocation_ssl, "no"),
    O("xend-unix-path", X_STR, xend_unix_path, "/var/lib/xend/xend-socket"),
    O("xen-tcp-xmlrpc-server-address", X_STR,
      xend_tcp_xmlrpc_server_address, "localhost"),
    O("xend-tcp-xmlrpc-server-address", X_STR,
      xend_tcp_xmlrpc_server_address, "localhost"),
    O("xen-tcp-xmlrpc-server-port", X_INT, xend_tcp_xmlrpc_server_port,
      "8006"),
    O("xend-tcp-xmlrpc-server-port", X_INT, xend_tcp_xmlrpc_server_port,
      "8006"),
    O("xend-tcp-xmlrpc-server-ssl-key-file", X_STR,
      xend_tcp_xmlrpc_server_ssl_key_file, NULL),
    O("xend-tcp-xmlrpc-server-ssl-cert-file", X_STR,
      xend_tcp_xmlrpc_server_ssl_cert_file, NULL),
    O("xend-port", X_INT, xend_port, "8000"),
    O("xend-relocation-port", X_INT, xend_relocation_port, "8002"),
    O("xend-relocation-ssl-port", X_INT, xend_relocation_ssl_port, "8003"),
    O("xend-address", X_STR, xend_address, ""),
    O("xend-relocation-address", X_STR, xend_relocation_address, ""),
    O("xend-relocation-hosts-allow", X_STR, xend_relocation_hosts_allow,
      ""),
    O("xend-relocation-server-ssl-key-file", X_STR,
      xend_relocation_server_ssl_key_file, NULL),
    O("xend-relocation-server-ssl-cert-file", X_STR,
      xend_relocation_server_ssl_cert_file, NULL),
    O("console-limit", X_INT, console_limit, "1024"),
    O("network-script", X_STR, network_script, NULL),
    O("vif-script", X_STR, vif_script, "vif-bridge"),
    O("dom0-min-mem", X_LONG, dom0_min_mem, "196"),
    O("dom0-cpus", X_INT, dom0_cpus, "0"),
    O("enable-dom0-ballooning", X_BOOL, enable_dom0_ballooning, "yes"),
    O("enable-dump", X_BOOL, enable_dump, "no"),
    O("external-migration-tool", X_STR, external_migration_tool, ""),
    O("vnc-listen", X_STR, vnc_listen, "127.0.0.1"),
    O("vncpasswd", X_STR, vncpasswd, ""),
    O("vnc-tls", X_BOOL, vnc_tls, "no"),
    O("vnc-x509-cert-dir", X_STR, vnc_x509_cert_dir, "/etc/xen/vnc"),
    O("vnc-x509-verify", X_BOOL, vnc_x509_verify, "no"),
    O("keymap", X_STR, keymap, "en-us"),
    O("xend-domains-path", X_STR, xend_domains_path,
      "/var/lib/xend/domains"),
    O("xend-state-path", X_STR, xend_state_path, "/var/lib/xend/state"),
    O("xend-storage-path", X_STR, xend_storage_path,
      "/var/lib/xend/storage"),
    O("xend-domains-lock-path", X_STR, xend_domains_lock_path, NULL),
    O("xend-domain-shutdown-timeout", X_INT, xend_domain_shutdown_timeout,
      "60"),
    O("usbdevice", X_STR, usbdevice, NULL),
    O("device-create-timeout", X_INT, device_create_timeout, "100"),
    O("device-destroy-timeout", X_INT, device_destroy_timeout, "100"),
    O("xend-domain-lock", X_BOOL, xend_domain_lock, "no"),
    O("xend-domain-lock-path", X_STR, xend_domain_lock_path,
      "/var/lib/xen/images/vm_locks"),
    O("xend-domain-lock-utility", X_STR, xend_domain_lock_utility,
      "domain-lock"),
    O("pci-passthrough-strict-check", X_BOOL, pci_passthrough_strict_check,
      "yes"),
    O("total_available_memory", X_LONG, total_available_memory, "0"),
};

struct xend_priv {
    struct sxp *doc;
    struct sxp *defaults[8];    /* parsed X_SXP defaults */
    size_t n_defaults;
    char *strings;              /* the strings the fields point into */
    size_t used, cap;
};

static const char *keep(struct xend_priv *pv, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p;

    /*
     * One block, sized up front by the caller, so earlier pointers stay
     * valid.
     */
    if ( pv->used + n > pv->cap )
        return NULL;
    p = pv->strings + pv->used;
    memcpy(p, s, n);
    pv->used += n;
    return p;
}

static bool parse_bool(const char *s, bool *out)
{
    if ( !strcasecmp(s, "yes") || !strcasecmp(s, "true") ||
         !strcmp(s, "1") || !strcasecmp(s, "on") )
        *out = true;
    else if ( !strcasecmp(s, "no") || !strcasecmp(s, "false") ||
              !strcmp(s, "0") || !strcasecmp(s, "off") )
        *out = false;
    else
        return false;
    return true;
}

static bool parse_num(const char *s, long min, long max, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);

    if ( !*s || *end || v < min || v > max )
        return false;
    *out = v;
    return true;
}

static bool set_opt(struct kcfg_xend *x, struct xend_priv *pv,
                    const struct xopt *o, const char *val,
                    const struct sxp *sval, char *why, size_t why_len)
{
    char *field = (char *)x + o->off;
    long l;

    switch ( o->type )
    {
    case X_BOOL:
        if ( !parse_bool(val, (bool *)field) )
        {
            snprintf(why, why_len, "expected yes or no");
            return false;
        }
        return true;
    case X_INT:
    case X_LONG:
        if ( !parse_num(val, 0, o->type == X_INT ? 0x7fffffff : 1L << 40,
                        &l) )
        {
            snprintf(why, why_len, "expected a number");
            return false;
        }
        if ( o->type == X_INT )
            *(int *)field = (int)l;
        else
            *(long *)field = l;
        return true;
    case X_STR:
        *(const char **)field = keep(pv, val);
        if ( !*(const char **)field )
        {
            snprintf(why, why_len, "out of memory");
            return false;
        }
        return true;
    case X_SXP:
        *(const struct sxp **)field = sval;
        return true;
    }
    return false;
}

static struct kcfg_xend *new_xend(size_t strings, struct kcfg_error *err)
{
    struct kcfg_xend *x = calloc(1, sizeof(*x));
    struct xend_priv *pv = calloc(1, sizeof(*pv));
    size_t i;
    char why[64];

    if ( x && pv )
    {
        for ( i = 0; i < sizeof(xopts) / sizeof(xopts[0]); i++ )
            strings += xopts[i].def ? strlen(xopts[i].def) + 1 : 0;
        pv->cap = strings;
        pv->strings = malloc(strings);
    }
    if ( !x || !pv || !pv->strings )
    {
        free(x);
        if ( pv )
            free(pv->strings);
        free(pv);
        err_set(err, "xend-config.sxp", 0, 0, "out of memory");
        return NULL;
    }
    x->priv_ = pv;
    for ( i = 0; i < sizeof(xopts) / sizeof(xopts[0]); i++ )
    {
        const struct xopt *o = &xopts[i];
        struct sxp *s = NULL;

        if ( !o->def )
            continue;
        if ( o->type == X_SXP )
        {
            s = sxp_parse_one("default", o->def, strlen(o->def), err);
            if ( !s || pv->n_defaults >= 8 )
            {
                sxp_free(s);
                kcfg_xend_free(x);
                return NULL;
            }
            pv->defaults[pv->n_defaults++] = s;
        }
        if ( !set_opt(x, pv, o, o->def, s, why, sizeof(why)) )
        {
            err_set(err, "xend-config.sxp", 0, 0, "%s", why);
            kcfg_xend_free(x);
            return NULL;
        }
    }
    return x;
}

int kcfg_xend_defaults(struct kcfg_xend **out)
{
    *out = new_xend(0, NULL);
    return *out ? 0 : -1;
}

static size_t atom_bytes(const struct sxp *s)
{
    size_t n = 0, i;

    if ( s->type == SXP_ATOM )
        return strlen(s->atom) + 1;
    for ( i = 0; i < s->n; i++ )
        n += atom_bytes(s->items[i]);
    return n;
}

int kcfg_xend_parse_string(const char *file_name, const char *text,
                           size_t len, struct kcfg_xend **out,
                           struct kcfg_error *err)
{
    struct sxp *doc;
    struct kcfg_xend *x;
    struct xend_priv *pv;
    size_t i, k;

    *out = NULL;
    if ( !file_name )
        file_name = "xend-config.sxp";
    doc = sxp_parse(file_name, text, len, err);
    if ( !doc )
        return -1;
    x = new_xend(atom_bytes(doc), err);
    if ( !x )
    {
        sxp_free(doc);
        return -1;
    }
    pv = x->priv_;
    pv->doc = doc;
    x->doc = doc;

    for ( i = 0; i < doc->n; i++ )
    {
        const struct sxp *e = doc->items[i];
        const char *name = sxp_name(e);
        const struct xopt *o = NULL;
        char why[64];

        if ( e->type != SXP_LIST )
        {
            err_set(err, file_name, e->line, e->column, "expected "
                    "(option value), found the bare word '%.40s'", e->atom);
            goto fail;
        }
        if ( !name )
        {
            err_set(err, file_name, e->line, e->column, "expected "
                    "(option value): an option name first");
            goto fail;
        }
        for ( k = 0; k < sizeof(xopts) / sizeof(xopts[0]); k++ )
            if ( !strcmp(xopts[k].name, name) )
                o = &xopts[k];
        if ( !o )
            continue;   /* xend ignores options it does not know */
        if ( e->n != 2 )
        {
            err_set(err, file_name, e->line, e->column, "(%s ...) takes "
                    "one value, found %zu", name, e->n - 1);
            goto fail;
        }
        if ( o->type != X_SXP && e->items[1]->type != SXP_ATOM )
        {
            err_set(err, file_name, e->items[1]->line, e->items[1]->column,
                    "%s: expected a single value, found a list", name);
            goto fail;
        }
        if ( !set_opt(x, pv, o, e->items[1]->atom, e->items[1], why,
                      sizeof(why)) )
        {
            err_set(err, file_name, e->items[1]->line, e->items[1]->column,
                    "%s: %s, found '%.40s'", name, why, e->items[1]->atom);
            goto fail;
        }
    }
    *out = x;
    return 0;

 fail:
    kcfg_xend_free(x);
    return -1;
}

int kcfg_xend_parse_file(const char *path, struct kcfg_xend **out,
                         struct kcfg_error *err)
{
    size_t len;
    char *text = read_whole_file(path, &len, err);
    int rc;

    *out = NULL;
    if ( !text )
        return -1;
    rc = kcfg_xend_parse_string(path, text, len, out, err);
    free(text);
    return rc;
}

void kcfg_xend_free(struct kcfg_xend *x)
{
    struct xend_priv *pv;
    size_t i;

    if ( !x )
        return;
    pv = x->priv_;
    if ( pv )
    {
        sxp_free(pv->doc);
        for ( i = 0; i < pv->n_defaults; i++ )
            sxp_free(pv->defaults[i]);
        free(pv->strings);
        free(pv);
    }
    free(x);
}
