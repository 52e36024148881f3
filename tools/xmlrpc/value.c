/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XML-RPC value trees and the SXP-as-arrays helpers.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xmlrpc.h"

static struct xmlrpc_value *new_value(enum xmlrpc_type t)
{
    struct xmlrpc_value *v = calloc(1, sizeof(*v));

    if ( v )
        v->type = t;
    return v;
}

struct xmlrpc_value *xmlrpc_nil(void)
{
    return new_value(XMLRPC_NIL);
}

struct xmlrpc_value *xmlrpc_int(int64_t i)
{
    struct xmlrpc_value *v = new_value(XMLRPC_INT);

    if ( v )
        v->i = i;
    return v;
}

struct xmlrpc_value *xmlrpc_bool(bool b)
{
    struct xmlrpc_value *v = new_value(XMLRPC_BOOL);

    if ( v )
        v->i = b;
    return v;
}

struct xmlrpc_value *xmlrpc_double(double d)
{
    struct xmlrpc_value *v = new_value(XMLRPC_DOUBLE);

    if ( v )
        v->d = d;
    return v;
}

static struct xmlrpc_value *bytes_value(enum xmlrpc_type t, const void *s,
                                        size_t len)
{
    struct xmlrpc_value *v = new_value(t);

    if ( !v )
        return NULL;
    v->str = malloc(len + 1);
    if ( !v->str )
    {
        free(v);
        return NULL;
    }
    if ( len )
        memcpy(v->str, s, len);
    v->str[len] = '\0';
    v->len = len;
    return v;
}

struct xmlrpc_value *xmlrpc_string_len(const char *s, size_t len)
{
    return bytes_value(XMLRPC_STRING, s, len);
}

struct xmlrpc_value *xmlrpc_string(const char *s)
{
    return s ? xmlrpc_string_len(s, strlen(s)) : NULL;
}

struct xmlrpc_value *xmlrpc_stringf(const char *fmt, ...)
{
    struct xmlrpc_value *v;
    va_list ap;
    char *s;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if ( n < 0 )
        return NULL;
    v = xmlrpc_string_len(s, n);
    free(s);
    return v;
}

struct xmlrpc_value *xmlrpc_base64(const void *data, size_t len)
{
    return bytes_value(XMLRPC_BASE64, data, len);
}

struct xmlrpc_value *xmlrpc_array(void)
{
    return new_value(XMLRPC_ARRAY);
}

struct xmlrpc_value *xmlrpc_struct(void)
{
    return new_value(XMLRPC_STRUCT);
}

int xmlrpc_array_append(struct xmlrpc_value *arr, struct xmlrpc_value *v)
{
    if ( !arr || arr->type != XMLRPC_ARRAY || !v )
        goto fail;
    if ( arr->len == arr->cap )
    {
        size_t cap = arr->cap ? arr->cap * 2 : 4;
        struct xmlrpc_value **n = realloc(arr->items, cap * sizeof(*n));

        if ( !n )
            goto fail;
        arr->items = n;
        arr->cap = cap;
    }
    arr->items[arr->len++] = v;
    return 0;

 fail:
    xmlrpc_free(v);
    return -1;
}

int xmlrpc_struct_set(struct xmlrpc_value *st, const char *name,
                      struct xmlrpc_value *v)
{
    size_t i;
    char *n;

    if ( !st || st->type != XMLRPC_STRUCT || !v || !name )
        goto fail;
    for ( i = 0; i < st->len; i++ )
    {
        if ( strcmp(st->members[i].name, name) == 0 )
        {
            /* Later members win, as in Python's xmlrpclib. */
            xmlrpc_free(st->members[i].value);
            st->members[i].value = v;
            return 0;
        }
    }
    if ( st->len == st->cap )
    {
        size_t cap = st->cap ? st->cap * 2 : 4;
        struct xmlrpc_member *m = realloc(st->members, cap * sizeof(*m));

        if ( !m )
            goto fail;
        st->members = m;
        st->cap = cap;
    }
    n = strdup(name);
    if ( !n )
        goto fail;
    st->members[st->len].name = n;
    st->members[st->len].value = v;
    st->len++;
    return 0;

 fail:
    xmlrpc_free(v);
    return -1;
}

struct xmlrpc_value *xmlrpc_sxp(const char *first, ...)
{
    struct xmlrpc_value *arr = xmlrpc_array();
    const char *s;
    va_list ap;

    if ( !arr )
        return NULL;
    va_start(ap, first);
    for ( s = first; s; s = va_arg(ap, const char *) )
    {
        if ( xmlrpc_array_append(arr, xmlrpc_string(s)) )
        {
            va_end(ap);
            xmlrpc_free(arr);
            return NULL;
        }
    }
    va_end(ap);
    return arr;
}

void xmlrpc_free(struct xmlrpc_value *v)
{
    size_t i;

    if ( !v )
        return;
    if ( v->type == XMLRPC_ARRAY )
    {
        for ( i = 0; i < v->len; i++ )
            xmlrpc_free(v->items[i]);
        free(v->items);
    }
    else if ( v->type == XMLRPC_STRUCT )
    {
        for ( i = 0; i < v->len; i++ )
        {
            free(v->members[i].name);
            xmlrpc_free(v->members[i].value);
        }
        free(v->members);
    }
    free(v->str);
    free(v);
}

struct xmlrpc_value *xmlrpc_copy(const struct xmlrpc_value *v)
{
    struct xmlrpc_value *c;
    size_t i;

    if ( !v )
        return NULL;
    switch ( v->type )
    {
    case XMLRPC_STRING:
    case XMLRPC_BASE64:
        return bytes_value(v->type, v->str, v->len);
    case XMLRPC_ARRAY:
        c = xmlrpc_array();
        for ( i = 0; c && i < v->len; i++ )
            if ( xmlrpc_array_append(c, xmlrpc_copy(v->items[i])) )
            {
                xmlrpc_free(c);
                return NULL;
            }
        return c;
    case XMLRPC_STRUCT:
        c = xmlrpc_struct();
        for ( i = 0; c && i < v->len; i++ )
            if ( xmlrpc_struct_set(c, v->members[i].name,
                                   xmlrpc_copy(v->members[i].value)) )
            {
                xmlrpc_free(c);
                return NULL;
            }
        return c;
    default:
        c = new_value(v->type);
        if ( c )
        {
            c->i = v->i;
            c->d = v->d;
        }
        return c;
    }
}

bool xmlrpc_equal(const struct xmlrpc_value *a, const struct xmlrpc_value *b)
{
    size_t i;

    if ( !a || !b )
        return a == b;
    if ( a->type != b->type )
        return false;
    switch ( a->type )
    {
    case XMLRPC_NIL:
        return true;
    case XMLRPC_INT:
    case XMLRPC_BOOL:
        return a->i == b->i;
    case XMLRPC_DOUBLE:
        return a->d == b->d || (isnan(a->d) && isnan(b->d));
    case XMLRPC_STRING:
    case XMLRPC_BASE64:
        return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
    case XMLRPC_ARRAY:
        if ( a->len != b->len )
            return false;
        for ( i = 0; i < a->len; i++ )
            if ( !xmlrpc_equal(a->items[i], b->items[i]) )
                return false;
        return true;
    case XMLRPC_STRUCT:
        if ( a->len != b->len )
            return false;
        for ( i = 0; i < a->len; i++ )
            if ( !xmlrpc_equal(a->members[i].value,
                               xmlrpc_struct_get(b, a->members[i].name)) )
                return false;
        return true;
    }
    return false;
}

struct xmlrpc_value *xmlrpc_array_get(const struct xmlrpc_value *arr,
                                      size_t i)
{
    if ( !arr || arr->type != XMLRPC_ARRAY || i >= arr->len )
        return NULL;
    return arr->items[i];
}

struct xmlrpc_value *xmlrpc_struct_get(const struct xmlrpc_value *st,
                                       const char *name)
{
    size_t i;

    if ( !st || st->type != XMLRPC_STRUCT )
        return NULL;
    for ( i = 0; i < st->len; i++ )
        if ( strcmp(st->members[i].name, name) == 0 )
            return st->members[i].value;
    return NULL;
}

const char *xmlrpc_type_name(enum xmlrpc_type t)
{
    static const char *const names[] = {
        [XMLRPC_NIL] = "nil", [XMLRPC_INT] = "int",
        [XMLRPC_BOOL] = "boolean", [XMLRPC_DOUBLE] = "double",
        [XMLRPC_STRING] = "string", [XMLRPC_BASE64] = "base64",
        [XMLRPC_ARRAY] = "array", [XMLRPC_STRUCT] = "struct",
    };

    return (unsigned int)t < sizeof(names) / sizeof(names[0]) ?
           names[t] : "?";
}

const char *xmlrpc_atom_text(const struct xmlrpc_value *v, char *buf,
                             size_t size)
{
    if ( !v )
        return NULL;
    switch ( v->type )
    {
    case XMLRPC_STRING:
        return v->str;
    case XMLRPC_INT:
        snprintf(buf, size, "%" PRId64, v->i);
        return buf;
    case XMLRPC_BOOL:
        /* Python's str(True) */
        snprintf(buf, size, "%s", v->i ? "True" : "False");
        return buf;
    case XMLRPC_DOUBLE:
        snprintf(buf, size, "%.12g", v->d);
        return buf;
    default:
        return NULL;
    }
}

const char *xmlrpc_sxp_name(const struct xmlrpc_value *v)
{
    const struct xmlrpc_value *h = xmlrpc_array_get(v, 0);

    return h && h->type == XMLRPC_STRING ? h->str : NULL;
}

const struct xmlrpc_value *xmlrpc_sxp_child(const struct xmlrpc_value *v,
                                            const char *name)
{
    size_t i;

    if ( !v || v->type != XMLRPC_ARRAY )
        return NULL;
    /* Element 0 is the list's own name. */
    for ( i = 1; i < v->len; i++ )
    {
        const char *n = xmlrpc_sxp_name(v->items[i]);

        if ( n && strcmp(n, name) == 0 )
            return v->items[i];
    }
    return NULL;
}

const char *xmlrpc_sxp_child_value(const struct xmlrpc_value *v,
                                   const char *name, const char *def,
                                   char *buf, size_t size)
{
    const struct xmlrpc_value *c = xmlrpc_sxp_child(v, name);
    const char *t;

    t = xmlrpc_atom_text(xmlrpc_array_get(c, 1), buf, size);
    return t ? t : def;
}

void xmlrpc_error_set(struct xmlrpc_error *err, enum xmlrpc_status st,
                      int code, const char *fmt, ...)
{
    va_list ap;

    if ( !err )
        return;
    err->status = st;
    err->code = code;
    err->sys_errno = st == XMLRPC_E_SYSTEM ? errno : 0;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
}
