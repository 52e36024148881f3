/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SXP configurations and records over XML-RPC: xend's (vm ...) trees travel
 * as nested arrays of strings, as Xen's xend sent them
 * (docs/design/xend-xmlrpc.md).  Used by xm and xend; needs tools/config.
 */
#include <stddef.h>

#include "keelcfg.h"
#include "xmlrpc.h"
#include "xmlrpc_sxp.h"

struct sxp *xmlrpc_to_sxp(const struct xmlrpc_value *v)
{
    struct sxp *s;
    char buf[64];
    size_t i;

    if ( !v )
        return NULL;
    if ( v->type != XMLRPC_ARRAY )
    {
        const char *t = xmlrpc_atom_text(v, buf, sizeof(buf));

        return t ? sxp_atom(t) : NULL;
    }
    s = sxp_list();
    for ( i = 0; s && i < v->len; i++ )
    {
        struct sxp *c = xmlrpc_to_sxp(v->items[i]);

        if ( !c )
        {
            sxp_free(s);
            return NULL;
        }
        if ( !sxp_append(s, c) )
        {
            /* sxp_append freed c */
            sxp_free(s);
            return NULL;
        }
    }
    return s;
}

struct xmlrpc_value *xmlrpc_from_sxp(const struct sxp *s)
{
    struct xmlrpc_value *v;
    size_t i;

    if ( !s )
        return NULL;
    if ( s->type == SXP_ATOM )
        return xmlrpc_string(s->atom);
    v = xmlrpc_array();
    for ( i = 0; v && i < s->n; i++ )
    {
        struct xmlrpc_value *c = xmlrpc_from_sxp(s->items[i]);

        if ( !c || xmlrpc_array_append(v, c) )
        {
            xmlrpc_free(v);
            return NULL;
        }
    }
    return v;
}
