/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XML-RPC documents: methodCall, methodResponse and fault, encoded as text
 * and decoded with libxml2.  Decoding trusts nothing: no DTDs (so no
 * entity expansion), no network, bounded nesting and item counts.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "xmlrpc.h"

/* A growing output buffer; on allocation failure it poisons itself. */
struct buf {
    char *p;
    size_t len, cap;
    bool failed;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
    if ( b->failed )
        return;
    if ( b->len + n + 1 > b->cap )
    {
        size_t cap = b->cap ? b->cap : 256;
        char *p;

        while ( cap < b->len + n + 1 )
            cap *= 2;
        p = realloc(b->p, cap);
        if ( !p )
        {
            b->failed = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_str(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3)))
buf_printf(struct buf *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if ( n > 0 )
        buf_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static char *buf_finish(struct buf *b, size_t *len)
{
    if ( b->failed )
    {
        free(b->p);
        return NULL;
    }
    if ( len )
        *len = b->len;
    return b->p;
}

/*
 * Length of the valid UTF-8 sequence at s (of at most n bytes) that is an
 * XML 1.0 Char, or 0.  XML cannot carry most C0 controls at all, not even
 * as character references.
 */
static size_t xml_char_len(const unsigned char *s, size_t n)
{
    uint32_t c;
    size_t l, i;

    if ( s[0] < 0x80 )
        return (s[0] >= 0x20 || s[0] == '\t' || s[0] == '\n' ||
                s[0] == '\r') ? 1 : 0;
    if ( (s[0] & 0xe0) == 0xc0 )
    {
        l = 2;
        c = s[0] & 0x1f;
    }
    else if ( (s[0] & 0xf0) == 0xe0 )
    {
        l = 3;
        c = s[0] & 0x0f;
    }
    else if ( (s[0] & 0xf8) == 0xf0 )
    {
        l = 4;
        c = s[0] & 0x07;
    }
    else
        return 0;
    if ( l > n )
        return 0;
    for ( i = 1; i < l; i++ )
    {
        if ( (s[i] & 0xc0) != 0x80 )
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    /* Overlong forms, surrogates, non-characters FFFE/FFFF, > 10FFFF. */
    if ( (l == 2 && c < 0x80) || (l == 3 && c < 0x800) ||
         (l == 4 && c < 0x10000) || (c >= 0xd800 && c <= 0xdfff) ||
         c == 0xfffe || c == 0xffff || c > 0x10ffff )
        return 0;
    return l;
}

/*
 * Text content, escaped.  Bytes XML cannot carry (invalid UTF-8, C0
 * controls such as ESC from a console log) become U+FFFD: the reader
 * sees where something was lost instead of the whole reply failing.
 * Binary data must travel as base64.
 */
static void buf_escaped(struct buf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, l;

    while ( i < n )
    {
        switch ( u[i] )
        {
        case '&': buf_str(b, "&amp;"); i++; continue;
        case '<': buf_str(b, "&lt;"); i++; continue;
        case '>': buf_str(b, "&gt;"); i++; continue;
        /* A bare CR would be normalised to LF by the reader. */
        case '\r': buf_str(b, "&#13;"); i++; continue;
        }
        l = xml_char_len(u + i, n - i);
        if ( l == 0 )
        {
            buf_str(b, "\xef\xbf\xbd");
            i++;
            continue;
        }
        buf_add(b, s + i, l);
        i += l;
    }
}

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void buf_base64(struct buf *b, const unsigned char *d, size_t n)
{
    char q[4];
    size_t i;

    for ( i = 0; i < n; i += 3 )
    {
        uint32_t v = d[i] << 16;

        if ( i + 1 < n )
            v |= d[i + 1] << 8;
        if ( i + 2 < n )
            v |= d[i + 2];
        q[0] = b64chars[(v >> 18) & 63];
        q[1] = b64chars[(v >> 12) & 63];
        q[2] = i + 1 < n ? b64chars[(v >> 6) & 63] : '=';
        q[3] = i + 2 < n ? b64chars[v & 63] : '=';
        buf_add(b, q, 4);
    }
}

static void encode_value(struct buf *b, const struct xmlrpc_value *v)
{
    size_t i;

    buf_str(b, "<value>");
    switch ( v ? v->type : XMLRPC_NIL )
    {
    case XMLRPC_NIL:
        buf_str(b, "<nil/>");
        break;
    case XMLRPC_INT:
        if ( v->i >= INT32_MIN && v->i <= INT32_MAX )
            buf_printf(b, "<int>%" PRId64 "</int>", v->i);
        else
            buf_printf(b, "<i8>%" PRId64 "</i8>", v->i);
        break;
    case XMLRPC_BOOL:
        buf_printf(b, "<boolean>%d</boolean>", v->i ? 1 : 0);
        break;
    case XMLRPC_DOUBLE:
        /* The spec has no inf/nan; send them as Python's repr would. */
        if ( isfinite(v->d) )
            buf_printf(b, "<double>%.17g</double>", v->d);
        else
            buf_printf(b, "<double>%s</double>",
                       isnan(v->d) ? "nan" : v->d > 0 ? "inf" : "-inf");
        break;
    case XMLRPC_STRING:
        buf_str(b, "<string>");
        buf_escaped(b, v->str, v->len);
        buf_str(b, "</string>");
        break;
    case XMLRPC_BASE64:
        buf_str(b, "<base64>");
        buf_base64(b, (const unsigned char *)v->str, v->len);
        buf_str(b, "</base64>");
        break;
    case XMLRPC_ARRAY:
        buf_str(b, "<array><data>\n");
        for ( i = 0; i < v->len; i++ )
        {
            encode_value(b, v->items[i]);
            buf_str(b, "\n");
        }
        buf_str(b, "</data></array>");
        break;
    case XMLRPC_STRUCT:
        buf_str(b, "<struct>\n");
        for ( i = 0; i < v->len; i++ )
        {
            buf_str(b, "<member><name>");
            buf_escaped(b, v->members[i].name,
                        strlen(v->members[i].name));
            buf_str(b, "</name>");
            encode_value(b, v->members[i].value);
            buf_str(b, "</member>\n");
        }
        buf_str(b, "</struct>");
        break;
    }
    buf_str(b, "</value>");
}

char *xmlrpc_encode_call(const char *method,
                         const struct xmlrpc_value *params, size_t *len)
{
    struct buf b = { 0 };
    size_t i;

    buf_str(&b, "<?xml version='1.0'?>\n<methodCall>\n<methodName>");
    buf_escaped(&b, method, strlen(method));
    buf_str(&b, "</methodName>\n<params>\n");
    for ( i = 0; params && params->type == XMLRPC_ARRAY &&
                 i < params->len; i++ )
    {
        buf_str(&b, "<param>\n");
        encode_value(&b, params->items[i]);
        buf_str(&b, "\n</param>\n");
    }
    buf_str(&b, "</params>\n</methodCall>\n");
    return buf_finish(&b, len);
}

char *xmlrpc_encode_response(const struct xmlrpc_value *result, size_t *len)
{
    struct buf b = { 0 };

    buf_str(&b, "<?xml version='1.0'?>\n<methodResponse>\n<params>\n"
                "<param>\n");
    encode_value(&b, result);
    buf_str(&b, "\n</param>\n</params>\n</methodResponse>\n");
    return buf_finish(&b, len);
}

char *xmlrpc_encode_fault(int code, const char *message, size_t *len)
{
    struct buf b = { 0 };

    buf_str(&b, "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n"
                "<value><struct>\n<member>\n<name>faultCode</name>\n");
    buf_printf(&b, "<value><int>%d</int></value>\n</member>\n", code);
    buf_str(&b, "<member>\n<name>faultString</name>\n<value><string>");
    buf_escaped(&b, message ? message : "", message ? strlen(message) : 0);
    buf_str(&b, "</string></value>\n</member>\n</struct></value>\n"
                "</fault>\n</methodResponse>\n");
    return buf_finish(&b, len);
}

/* Decoding. */

struct dec {
    struct xmlrpc_error *err;
    size_t items;
};

static int dec_fail(struct dec *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int dec_fail(struct dec *d, const char *fmt, ...)
{
    va_list ap;

    if ( d->err )
    {
        d->err->status = XMLRPC_E_PROTOCOL;
        d->err->code = XMLRPC_FAULT_INVALID;
        d->err->sys_errno = 0;
        va_start(ap, fmt);
        vsnprintf(d->err->message, sizeof(d->err->message), fmt, ap);
        va_end(ap);
    }
    return -1;
}

static bool is_blank(const xmlChar *s)
{
    for ( ; s && *s; s++ )
        if ( *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' )
            return false;
    return true;
}

static bool named(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE &&
           strcmp((const char *)n->name, name) == 0;
}

/*
 * The only element child of n, or the next element sibling: anything
 * else between elements (text other than whitespace) is an error.
 */
static int next_element(struct dec *d, const xmlNode *n, xmlNode **out)
{
    for ( ; n; n = n->next )
    {
        if ( n->type == XML_ELEMENT_NODE )
        {
            *out = (xmlNode *)n;
            return 0;
        }
        if ( n->type == XML_TEXT_NODE && is_blank(n->content) )
            continue;
        if ( n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE )
            continue;
        return dec_fail(d, "unexpected text or node between elements");
    }
    *out = NULL;
    return 0;
}

/* Concatenated text of n's children (text and CDATA only). */
static int element_text(struct dec *d, const xmlNode *n, struct buf *b)
{
    const xmlNode *c;

    for ( c = n->children; c; c = c->next )
    {
        if ( c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE )
            buf_str(b, (const char *)c->content);
        else if ( c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE )
            continue;
        else
        {
            free(b->p);
            b->p = NULL;
            return dec_fail(d, "<%s> must contain only text", n->name);
        }
    }
    if ( b->failed )
        return dec_fail(d, "out of memory");
    if ( !b->p )
        buf_str(b, "");
    return b->failed ? dec_fail(d, "out of memory") : 0;
}

static char *trim(char *s)
{
    char *e;

    while ( *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' )
        s++;
    e = s + strlen(s);
    while ( e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
                      e[-1] == '\r') )
        *--e = '\0';
    return s;
}

static int b64val(int c)
{
    const char *p = c ? strchr(b64chars, c) : NULL;

    return p ? (int)(p - b64chars) : -1;
}

static struct xmlrpc_value *decode_base64(struct dec *d, const char *s)
{
    size_t n = strlen(s), o = 0;
    unsigned char *out = malloc(n / 4 * 3 + 3);
    uint32_t acc = 0;
    int bits = 0, pad = 0;
    struct xmlrpc_value *v;

    if ( !out )
    {
        dec_fail(d, "out of memory");
        return NULL;
    }
    for ( ; *s; s++ )
    {
        int c = (unsigned char)*s, x;

        if ( c == ' ' || c == '\t' || c == '\n' || c == '\r' )
            continue;
        if ( c == '=' )
        {
            pad++;
            continue;
        }
        x = b64val(c);
        if ( x < 0 || pad )
        {
            free(out);
            dec_fail(d, "bad character in <base64>");
            return NULL;
        }
        acc = (acc << 6) | x;
        bits += 6;
        if ( bits >= 8 )
        {
            bits -= 8;
            out[o++] = (acc >> bits) & 0xff;
        }
    }
    if ( pad > 2 )
    {
        free(out);
        dec_fail(d, "bad padding in <base64>");
        return NULL;
    }
    v = xmlrpc_base64(out, o);
    free(out);
    if ( !v )
        dec_fail(d, "out of memory");
    return v;
}

static struct xmlrpc_value *decode_value(struct dec *d, const xmlNode *val,
                                         unsigned int depth);

static struct xmlrpc_value *decode_scalar(struct dec *d, const xmlNode *t)
{
    const char *name = (const char *)t->name;
    struct buf b = { 0 };
    struct xmlrpc_value *v = NULL;
    char *s, *end;

    if ( element_text(d, t, &b) )
        return NULL;
    if ( strcmp(name, "string") == 0 )
        v = xmlrpc_string_len(b.p, b.len);
    else if ( strcmp(name, "int") == 0 || strcmp(name, "i4") == 0 ||
              strcmp(name, "i8") == 0 )
    {
        long long x;

        s = trim(b.p);
        errno = 0;
        x = strtoll(s, &end, 10);
        if ( !*s || *end || errno ||
             (strcmp(name, "i8") != 0 && (x < INT32_MIN || x > INT32_MAX)) )
        {
            dec_fail(d, "bad <%s> value '%.40s'", name, s);
            goto out;
        }
        v = xmlrpc_int(x);
    }
    else if ( strcmp(name, "boolean") == 0 )
    {
        s = trim(b.p);
        if ( strcmp(s, "0") && strcmp(s, "1") )
        {
            dec_fail(d, "bad <boolean> value '%.40s'", s);
            goto out;
        }
        v = xmlrpc_bool(s[0] == '1');
    }
    else if ( strcmp(name, "double") == 0 )
    {
        double x;

        s = trim(b.p);
        errno = 0;
        x = strtod(s, &end);
        if ( !*s || *end || errno == ERANGE )
        {
            dec_fail(d, "bad <double> value '%.40s'", s);
            goto out;
        }
        v = xmlrpc_double(x);
    }
    else if ( strcmp(name, "base64") == 0 )
    {
        v = decode_base64(d, b.p);
        goto out;
    }
    else if ( strcmp(name, "dateTime.iso8601") == 0 )
        v = xmlrpc_string(trim(b.p));
    else
    {
        dec_fail(d, "unknown value type <%.40s>", name);
        goto out;
    }
    if ( !v )
        dec_fail(d, "out of memory");
 out:
    free(b.p);
    return v;
}

static struct xmlrpc_value *decode_array(struct dec *d, const xmlNode *t,
                                         unsigned int depth)
{
    xmlNode *data, *n, *extra;
    struct xmlrpc_value *arr;

    if ( next_element(d, t->children, &data) )
        return NULL;
    if ( !named(data, "data") )
    {
        dec_fail(d, "<array> without <data>");
        return NULL;
    }
    if ( next_element(d, data->next, &extra) )
        return NULL;
    if ( extra )
    {
        dec_fail(d, "unexpected <%.40s> in <array>", extra->name);
        return NULL;
    }
    arr = xmlrpc_array();
    if ( !arr )
    {
        dec_fail(d, "out of memory");
        return NULL;
    }
    for ( n = data->children; ; n = n->next )
    {
        struct xmlrpc_value *v;

        if ( next_element(d, n, &n) )
            goto fail;
        if ( !n )
            break;
        if ( !named(n, "value") )
        {
            dec_fail(d, "unexpected <%.40s> in <data>", n->name);
            goto fail;
        }
        v = decode_value(d, n, depth + 1);
        if ( !v )
            goto fail;
        if ( xmlrpc_array_append(arr, v) )
        {
            dec_fail(d, "out of memory");
            goto fail;
        }
    }
    return arr;

 fail:
    xmlrpc_free(arr);
    return NULL;
}

static struct xmlrpc_value *decode_struct(struct dec *d, const xmlNode *t,
                                          unsigned int depth)
{
    struct xmlrpc_value *st = xmlrpc_struct();
    xmlNode *m;

    if ( !st )
    {
        dec_fail(d, "out of memory");
        return NULL;
    }
    for ( m = t->children; ; m = m->next )
    {
        xmlNode *name, *val, *extra;
        struct xmlrpc_value *v;
        struct buf b = { 0 };

        if ( next_element(d, m, &m) )
            goto fail;
        if ( !m )
            break;
        if ( !named(m, "member") )
        {
            dec_fail(d, "unexpected <%.40s> in <struct>", m->name);
            goto fail;
        }
        if ( next_element(d, m->children, &name) ||
             (name && next_element(d, name->next, &val)) )
            goto fail;
        if ( !named(name, "name") || !named(val, "value") )
        {
            dec_fail(d, "<member> needs <name> then <value>");
            goto fail;
        }
        if ( next_element(d, val->next, &extra) )
            goto fail;
        if ( extra )
        {
            dec_fail(d, "unexpected <%.40s> in <member>", extra->name);
            goto fail;
        }
        if ( element_text(d, name, &b) )
            goto fail;
        v = decode_value(d, val, depth + 1);
        if ( !v )
        {
            free(b.p);
            goto fail;
        }
        if ( xmlrpc_struct_set(st, b.p, v) )
        {
            free(b.p);
            dec_fail(d, "out of memory");
            goto fail;
        }
        free(b.p);
    }
    return st;

 fail:
    xmlrpc_free(st);
    return NULL;
}

static struct xmlrpc_value *decode_value(struct dec *d, const xmlNode *val,
                                         unsigned int depth)
{
    xmlNode *t, *extra;
    const xmlNode *c;
    struct xmlrpc_value *v;

    if ( depth > XMLRPC_MAX_DEPTH )
    {
        dec_fail(d, "values nested deeper than %u", XMLRPC_MAX_DEPTH);
        return NULL;
    }
    if ( ++d->items > XMLRPC_MAX_ITEMS )
    {
        dec_fail(d, "more than %u values", XMLRPC_MAX_ITEMS);
        return NULL;
    }
    /* <value>text</value> with no type element is a string. */
    for ( c = val->children; c; c = c->next )
        if ( c->type == XML_ELEMENT_NODE )
            break;
    if ( !c )
    {
        struct buf b = { 0 };

        if ( element_text(d, val, &b) )
            return NULL;
        v = xmlrpc_string_len(b.p, b.len);
        free(b.p);
        if ( !v )
            dec_fail(d, "out of memory");
        return v;
    }
    if ( next_element(d, val->children, &t) ||
         next_element(d, t->next, &extra) )
        return NULL;
    if ( extra )
    {
        dec_fail(d, "more than one type in <value>");
        return NULL;
    }
    if ( named(t, "array") )
        return decode_array(d, t, depth);
    if ( named(t, "struct") )
        return decode_struct(d, t, depth);
    if ( named(t, "nil") )
    {
        if ( t->children && next_element(d, t->children, &extra) )
            return NULL;
        v = xmlrpc_nil();
        if ( !v )
            dec_fail(d, "out of memory");
        return v;
    }
    return decode_scalar(d, t);
}

static xmlDoc *parse_doc(struct dec *d, const char *doc, size_t len)
{
    xmlDoc *x;

    if ( len > XMLRPC_MAX_BODY || len > INT_MAX )
    {
        dec_fail(d, "document of %zu bytes exceeds the %u byte limit",
                 len, XMLRPC_MAX_BODY);
        return NULL;
    }
    x = xmlReadMemory(doc, (int)len, NULL, NULL,
                      XML_PARSE_NONET | XML_PARSE_NOERROR |
                      XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
    if ( !x )
    {
        const xmlError *e = xmlGetLastError();

        dec_fail(d, "malformed XML%s%s", e && e->message ? ": " : "",
                 e && e->message ? e->message : "");
        if ( d->err )
        {
            char *nl = strchr(d->err->message, '\n');

            if ( nl )
                *nl = '\0';
            d->err->code = XMLRPC_FAULT_PARSE;
        }
        return NULL;
    }
    /* A DTD could declare entities (billion laughs); XML-RPC has none. */
    if ( x->intSubset || x->extSubset )
    {
        xmlFreeDoc(x);
        dec_fail(d, "DTDs are not allowed in XML-RPC");
        return NULL;
    }
    return x;
}

static int decode_params(struct dec *d, const xmlNode *params,
                         struct xmlrpc_value *arr, size_t max)
{
    xmlNode *p, *val, *extra;
    struct xmlrpc_value *v;

    for ( p = params->children; ; p = p->next )
    {
        if ( next_element(d, p, &p) )
            return -1;
        if ( !p )
            return 0;
        if ( !named(p, "param") )
            return dec_fail(d, "unexpected <%.40s> in <params>", p->name);
        if ( arr->len >= max )
            return dec_fail(d, "a response carries exactly one <param>");
        if ( next_element(d, p->children, &val) )
            return -1;
        if ( !named(val, "value") )
            return dec_fail(d, "<param> without <value>");
        if ( next_element(d, val->next, &extra) )
            return -1;
        if ( extra )
            return dec_fail(d, "unexpected <%.40s> in <param>",
                            extra->name);
        v = decode_value(d, val, 1);
        if ( !v )
            return -1;
        if ( xmlrpc_array_append(arr, v) )
            return dec_fail(d, "out of memory");
    }
}

int xmlrpc_decode_call(const char *doc, size_t len, char **method,
                       struct xmlrpc_value **params,
                       struct xmlrpc_error *err)
{
    struct dec d = { .err = err };
    xmlDoc *x;
    xmlNode *root, *mn, *ps = NULL, *extra;
    struct xmlrpc_value *arr = NULL;
    struct buf b = { 0 };
    int rc = -1;

    *method = NULL;
    *params = NULL;
    x = parse_doc(&d, doc, len);
    if ( !x )
        return -1;
    root = xmlDocGetRootElement(x);
    if ( !named(root, "methodCall") )
    {
        dec_fail(&d, "not a <methodCall>");
        goto out;
    }
    if ( next_element(&d, root->children, &mn) )
        goto out;
    if ( !named(mn, "methodName") )
    {
        dec_fail(&d, "<methodCall> without <methodName>");
        goto out;
    }
    if ( next_element(&d, mn->next, &ps) )
        goto out;
    if ( ps && (!named(ps, "params") || next_element(&d, ps->next, &extra) ||
                extra) )
    {
        dec_fail(&d, "unexpected element after <methodName>");
        goto out;
    }
    if ( element_text(&d, mn, &b) )
        goto out;
    if ( b.len == 0 || b.len > XMLRPC_MAX_METHOD )
    {
        dec_fail(&d, "method name is empty or longer than %u bytes",
                 XMLRPC_MAX_METHOD);
        goto out;
    }
    arr = xmlrpc_array();
    if ( !arr )
    {
        dec_fail(&d, "out of memory");
        goto out;
    }
    if ( ps && decode_params(&d, ps, arr, SIZE_MAX) )
        goto out;
    *method = b.p;
    b.p = NULL;
    *params = arr;
    arr = NULL;
    rc = 0;
 out:
    free(b.p);
    xmlrpc_free(arr);
    xmlFreeDoc(x);
    return rc;
}

static int decode_fault(struct dec *d, const xmlNode *f)
{
    xmlNode *val, *extra;
    struct xmlrpc_value *v;
    const struct xmlrpc_value *code, *str;
    int rc;

    if ( next_element(d, f->children, &val) )
        return -1;
    if ( !named(val, "value") || next_element(d, val->next, &extra) ||
         extra )
        return dec_fail(d, "<fault> must hold one <value>");
    v = decode_value(d, val, 1);
    if ( !v )
        return -1;
    code = xmlrpc_struct_get(v, "faultCode");
    str = xmlrpc_struct_get(v, "faultString");
    if ( !code || code->type != XMLRPC_INT || !str ||
         str->type != XMLRPC_STRING )
    {
        xmlrpc_free(v);
        return dec_fail(d, "<fault> needs faultCode (int) and "
                        "faultString (string)");
    }
    if ( d->err )
    {
        d->err->status = XMLRPC_E_FAULT;
        d->err->code = (int)code->i;
        d->err->sys_errno = 0;
        snprintf(d->err->message, sizeof(d->err->message), "%s", str->str);
    }
    rc = -1;
    xmlrpc_free(v);
    return rc;
}

int xmlrpc_decode_response(const char *doc, size_t len,
                           struct xmlrpc_value **result,
                           struct xmlrpc_error *err)
{
    struct dec d = { .err = err };
    xmlDoc *x;
    xmlNode *root, *body, *extra;
    struct xmlrpc_value *arr = NULL;
    int rc = -1;

    *result = NULL;
    x = parse_doc(&d, doc, len);
    if ( !x )
        return -1;
    root = xmlDocGetRootElement(x);
    if ( !named(root, "methodResponse") )
    {
        dec_fail(&d, "not a <methodResponse>");
        goto out;
    }
    if ( next_element(&d, root->children, &body) )
        goto out;
    if ( !body || next_element(&d, body->next, &extra) || extra )
    {
        dec_fail(&d, "<methodResponse> must hold <params> or <fault>");
        goto out;
    }
    if ( named(body, "fault") )
    {
        decode_fault(&d, body);
        goto out;
    }
    if ( !named(body, "params") )
    {
        dec_fail(&d, "unexpected <%.40s> in <methodResponse>", body->name);
        goto out;
    }
    arr = xmlrpc_array();
    if ( !arr )
    {
        dec_fail(&d, "out of memory");
        goto out;
    }
    if ( decode_params(&d, body, arr, 1) )
        goto out;
    if ( arr->len != 1 )
    {
        dec_fail(&d, "a response carries exactly one <param>");
        goto out;
    }
    *result = arr->items[0];
    arr->len = 0;
    rc = 0;
 out:
    xmlrpc_free(arr);
    xmlFreeDoc(x);
    return rc;
}
