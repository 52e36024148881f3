/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * S-expressions as xend writes and reads them (xend-config.sxp, the
 * domain configurations of "xm create --dryrun" and "xm list --long").
 *
 * Reading follows xend's parser: atoms end at blanks, parentheses and
 * '#'; strings are 'single' or "double" quoted with C-style escapes; '#'
 * starts a comment.  Printing follows xend's PrettyPrint: a list that
 * fits in what is left of an 80-column line is printed on it, otherwise
 * its elements go one per line, indented four columns from its '(', and
 * its ')' goes on a line of its own.  Atoms are quoted the way Python's
 * repr() quotes them when they hold anything but letters, digits and
 * ".-_:/~".
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define LINE_WIDTH  80

struct sxp *sxp_atom(const char *text)
{
    struct sxp *s = calloc(1, sizeof(*s));

    if ( !s )
        return NULL;
    s->type = SXP_ATOM;
    s->atom = strdup(text ? text : "");
    if ( !s->atom )
    {
        free(s);
        return NULL;
    }
    return s;
}

struct sxp *sxp_atomf(const char *fmt, ...)
{
    va_list ap;
    char *text;
    struct sxp *s;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&text, fmt, ap);
    va_end(ap);
    if ( n < 0 )
        return NULL;
    s = sxp_atom(text);
    free(text);
    return s;
}

struct sxp *sxp_list(void)
{
    struct sxp *s = calloc(1, sizeof(*s));

    if ( s )
        s->type = SXP_LIST;
    return s;
}

struct sxp *sxp_append(struct sxp *list, struct sxp *child)
{
    if ( !list || !child || list->type != SXP_LIST )
    {
        sxp_free(child);
        return NULL;
    }
    if ( list->n == list->cap )
    {
        size_t cap = list->cap ? list->cap * 2 : 4;
        struct sxp **items = realloc(list->items, cap * sizeof(*items));

        if ( !items )
        {
            sxp_free(child);
            return NULL;
        }
        list->items = items;
        list->cap = cap;
    }
    list->items[list->n++] = child;
    return list;
}

struct sxp *sxp_add_pair(struct sxp *list, const char *name,
                         const char *value)
{
    struct sxp *pair = sxp_list();

    if ( !pair || !sxp_append(pair, sxp_atom(name)) ||
         !sxp_append(pair, sxp_atom(value)) )
    {
        sxp_free(pair);
        return NULL;
    }
    return sxp_append(list, pair);
}

void sxp_free(struct sxp *s)
{
    size_t i;

    if ( !s )
        return;
    for ( i = 0; i < s->n; i++ )
        sxp_free(s->items[i]);
    free(s->items);
    free(s->atom);
    free(s);
}

const char *sxp_name(const struct sxp *s)
{
    if ( !s || s->type != SXP_LIST || !s->n ||
         s->items[0]->type != SXP_ATOM )
        return NULL;
    return s->items[0]->atom;
}

const struct sxp *sxp_child(const struct sxp *list, const char *name)
{
    size_t i;

    if ( !list || list->type != SXP_LIST )
        return NULL;
    for ( i = 1; i < list->n; i++ )
    {
        const char *n = sxp_name(list->items[i]);

        if ( n && !strcmp(n, name) )
            return list->items[i];
    }
    return NULL;
}

const char *sxp_child_value(const struct sxp *list, const char *name)
{
    const struct sxp *c = sxp_child(list, name);

    if ( !c || c->n < 2 || c->items[1]->type != SXP_ATOM )
        return NULL;
    return c->items[1]->atom;
}

bool sxp_equal(const struct sxp *a, const struct sxp *b)
{
    size_t i;

    if ( !a || !b )
        return a == b;
    if ( a->type != b->type )
        return false;
    if ( a->type == SXP_ATOM )
        return !strcmp(a->atom, b->atom);
    if ( a->n != b->n )
        return false;
    for ( i = 0; i < a->n; i++ )
        if ( !sxp_equal(a->items[i], b->items[i]) )
            return false;
    return true;
}

/* ---- parsing ------------------------------------------------------------ */

struct sparser {
    const char *file;
    const char *s;
    size_t len, pos;
    int line;
    size_t line_start;
    struct kcfg_error *err;
    int depth;
};

static int scol(const struct sparser *p)
{
    return (int)(p->pos - p->line_start) + 1;
}

static void skip_blank(struct sparser *p)
{
    while ( p->pos < p->len )
    {
        char c = p->s[p->pos];

        if ( c == '\n' )
        {
            p->line++;
            p->line_start = ++p->pos;
        }
        else if ( c == ' ' || c == '\t' || c == '\r' || c == '\v' ||
                  c == '\f' )
            p->pos++;
        else if ( c == '#' )
        {
            while ( p->pos < p->len && p->s[p->pos] != '\n' )
                p->pos++;
        }
        else
            break;
    }
}

static int hexv(char c)
{
    if ( c >= '0' && c <= '9' )
        return c - '0';
    if ( c >= 'a' && c <= 'f' )
        return c - 'a' + 10;
    if ( c >= 'A' && c <= 'F' )
        return c - 'A' + 10;
    return -1;
}

static struct sxp *parse_string(struct sparser *p)
{
    char q = p->s[p->pos];
    int line0 = p->line, col0 = scol(p);
    char *buf;
    size_t n = 0;
    struct sxp *a;

    buf = malloc(KCFG_MAX_STRING + 1);
    if ( !buf )
    {
        err_set(p->err, p->file, line0, col0, "out of memory");
        return NULL;
    }
    p->pos++;
    for ( ;; )
    {
        char c;

        if ( p->pos >= p->len )
        {
            err_set(p->err, p->file, line0, col0, "unterminated string: "
                    "the %c opened here is never closed", q);
            free(buf);
            return NULL;
        }
        if ( n >= KCFG_MAX_STRING )
        {
            err_set(p->err, p->file, line0, col0, "string longer than %u "
                    "bytes", KCFG_MAX_STRING);
            free(buf);
            return NULL;
        }
        c = p->s[p->pos++];
        if ( c == q )
            break;
        if ( c == '\n' )
        {
            p->line++;
            p->line_start = p->pos;
        }
        if ( c == '\\' && p->pos < p->len )
        {
            char e = p->s[p->pos++];
            const char *from = "abtnvfr\\'\"";
            const char *to = "\a\b\t\n\v\f\r\\'\"";
            const char *k = strchr(from, e);

            if ( k && e )
                c = to[k - from];
            else if ( e == 'x' && p->pos + 1 < p->len &&
                      hexv(p->s[p->pos]) >= 0 &&
                      hexv(p->s[p->pos + 1]) >= 0 )
            {
                c = (char)(hexv(p->s[p->pos]) * 16 +
                           hexv(p->s[p->pos + 1]));
                p->pos += 2;
            }
            else if ( e >= '0' && e <= '7' )
            {
                int v = e - '0', i;

                for ( i = 0; i < 2 && p->pos < p->len &&
                      p->s[p->pos] >= '0' && p->s[p->pos] <= '7'; i++ )
                    v = v * 8 + (p->s[p->pos++] - '0');
                if ( v > 0xff )
                {
                    err_set(p->err, p->file, p->line, scol(p) - 4,
                            "octal escape out of range");
                    free(buf);
                    return NULL;
                }
                c = (char)v;
            }
            else
            {
                /* Unknown escapes are kept, as xend does. */
                buf[n++] = '\\';
                p->pos--;
                continue;
            }
        }
        if ( c == '\0' )
        {
            err_set(p->err, p->file, p->line, scol(p) - 1,
                    "NUL character in a string");
            free(buf);
            return NULL;
        }
        buf[n++] = c;
    }
    buf[n] = '\0';
    a = sxp_atom(buf);
    free(buf);
    if ( !a )
    {
        err_set(p->err, p->file, line0, col0, "out of memory");
        return NULL;
    }
    a->line = line0;
    a->column = col0;
    return a;
}

static struct sxp *parse_expr(struct sparser *p)
{
    int line0 = p->line, col0 = scol(p);
    char c = p->s[p->pos];

    if ( c == '(' )
    {
        struct sxp *list;

        if ( ++p->depth > KCFG_MAX_DEPTH )
        {
            err_set(p->err, p->file, line0, col0, "lists nested more than "
                    "%d deep", KCFG_MAX_DEPTH);
            return NULL;
        }
        list = sxp_list();
        if ( !list )
        {
            err_set(p->err, p->file, line0, col0, "out of memory");
            return NULL;
        }
        list->line = line0;
        list->column = col0;
        p->pos++;
        for ( ;; )
        {
            struct sxp *child;

            skip_blank(p);
            if ( p->pos >= p->len )
            {
                err_set(p->err, p->file, line0, col0, "'(' is never closed "
                        "(expected ')' before the end of the file)");
                sxp_free(list);
                return NULL;
            }
            if ( p->s[p->pos] == ')' )
            {
                p->pos++;
                break;
            }
            if ( list->n >= KCFG_MAX_ITEMS )
            {
                err_set(p->err, p->file, p->line, scol(p), "more than %d "
                        "items in one list", KCFG_MAX_ITEMS);
                sxp_free(list);
                return NULL;
            }
            child = parse_expr(p);
            if ( !child )
            {
                sxp_free(list);
                return NULL;
            }
            if ( !sxp_append(list, child) )
            {
                err_set(p->err, p->file, line0, col0, "out of memory");
                sxp_free(list);
                return NULL;
            }
        }
        p->depth--;
        return list;
    }
    if ( c == ')' )
    {
        err_set(p->err, p->file, line0, col0, "unexpected ')' (no list is "
                "open)");
        return NULL;
    }
    if ( c == '\'' || c == '"' )
        return parse_string(p);
    {
        size_t start = p->pos;
        struct sxp *a;

        while ( p->pos < p->len )
        {
            unsigned char u = (unsigned char)p->s[p->pos];

            if ( u == ' ' || u == '\t' || u == '\n' || u == '\r' ||
                 u == '\v' || u == '\f' || u == '(' || u == ')' ||
                 u == '#' )
                break;
            if ( u < 0x20 || u == 0x7f )
            {
                err_set(p->err, p->file, p->line, scol(p), "invalid "
                        "character (code %d)", u);
                return NULL;
            }
            p->pos++;
        }
        if ( p->pos - start > KCFG_MAX_STRING )
        {
            err_set(p->err, p->file, line0, col0, "atom longer than %u "
                    "bytes", KCFG_MAX_STRING);
            return NULL;
        }
        a = calloc(1, sizeof(*a));
        if ( a )
            a->atom = strndup(p->s + start, p->pos - start);
        if ( !a || !a->atom )
        {
            free(a);
            err_set(p->err, p->file, line0, col0, "out of memory");
            return NULL;
        }
        a->type = SXP_ATOM;
        a->line = line0;
        a->column = col0;
        return a;
    }
}

static struct sxp *parse_doc(const char *file_name, const char *text,
                             size_t len, struct kcfg_error *err, bool one)
{
    struct sparser p;
    struct sxp *doc;

    memset(&p, 0, sizeof(p));
    p.file = file_name ? file_name : "sxp";
    p.s = text;
    p.len = len;
    p.line = 1;
    p.err = err;
    if ( len > KCFG_MAX_INPUT )
    {
        err_set(err, p.file, 0, 0, "larger than %u bytes", KCFG_MAX_INPUT);
        return NULL;
    }
    if ( memchr(text, '\0', len) )
    {
        const char *z = memchr(text, '\0', len);
        size_t i;

        for ( i = 0; i < (size_t)(z - text); i++ )
            if ( text[i] == '\n' )
            {
                p.line++;
                p.line_start = i + 1;
            }
        err_set(err, p.file, p.line, (int)(z - text - p.line_start) + 1,
                "NUL character in the file");
        return NULL;
    }
    doc = sxp_list();
    if ( !doc )
    {
        err_set(err, p.file, 0, 0, "out of memory");
        return NULL;
    }
    doc->line = 1;
    doc->column = 1;
    for ( ;; )
    {
        struct sxp *e;

        skip_blank(&p);
        if ( p.pos >= p.len )
            break;
        if ( one && doc->n )
        {
            err_set(err, p.file, p.line, scol(&p), "expected the end of "
                    "the input after one expression");
            sxp_free(doc);
            return NULL;
        }
        if ( doc->n >= KCFG_MAX_ITEMS )
        {
            err_set(err, p.file, p.line, scol(&p), "more than %d "
                    "top-level expressions", KCFG_MAX_ITEMS);
            sxp_free(doc);
            return NULL;
        }
        e = parse_expr(&p);
        if ( !e )
        {
            sxp_free(doc);
            return NULL;
        }
        if ( !sxp_append(doc, e) )
        {
            err_set(err, p.file, 0, 0, "out of memory");
            sxp_free(doc);
            return NULL;
        }
    }
    if ( one )
    {
        struct sxp *e;

        if ( !doc->n )
        {
            err_set(err, p.file, p.line, scol(&p), "expected an "
                    "expression, found the end of the input");
            sxp_free(doc);
            return NULL;
        }
        e = doc->items[0];
        doc->n = 0;
        sxp_free(doc);
        return e;
    }
    return doc;
}

struct sxp *sxp_parse(const char *file_name, const char *text, size_t len,
                      struct kcfg_error *err)
{
    return parse_doc(file_name, text, len, err, false);
}

struct sxp *sxp_parse_one(const char *file_name, const char *text,
                          size_t len, struct kcfg_error *err)
{
    return parse_doc(file_name, text, len, err, true);
}

/* ---- printing ----------------------------------------------------------- */

struct out {
    char *buf;
    size_t n, cap;
    bool failed;
};

static void put(struct out *o, const char *s, size_t n)
{
    if ( o->failed )
        return;
    if ( o->n + n + 1 > o->cap )
    {
        size_t cap = o->cap ? o->cap : 256;
        char *b;

        while ( cap < o->n + n + 1 )
            cap *= 2;
        b = realloc(o->buf, cap);
        if ( !b )
        {
            o->failed = true;
            return;
        }
        o->buf = b;
        o->cap = cap;
    }
    memcpy(o->buf + o->n, s, n);
    o->n += n;
    o->buf[o->n] = '\0';
}

static bool plain_atom(const char *a)
{
    if ( !*a )
        return false;   /* xend prints nothing; '' keeps it readable */
    if ( !strcmp(a, "@") )
        return true;
    for ( ; *a; a++ )
    {
        char c = *a;

        if ( (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             (c >= '0' && c <= '9') || strchr(".-_:/~", c) )
            continue;
        return false;
    }
    return true;
}

/* Python's repr() of a byte string. */
static size_t atom_text(const char *a, struct out *o)
{
    size_t start = o->n;
    char q;

    if ( plain_atom(a) )
    {
        put(o, a, strlen(a));
        return o->n - start;
    }
    q = strchr(a, '\'') && !strchr(a, '"') ? '"' : '\'';
    put(o, &q, 1);
    for ( ; *a; a++ )
    {
        unsigned char c = (unsigned char)*a;
        char esc[8];

        if ( c == '\\' || c == (unsigned char)q )
        {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(o, esc, 2);
        }
        else if ( c == '\t' )
            put(o, "\\t", 2);
        else if ( c == '\n' )
            put(o, "\\n", 2);
        else if ( c == '\r' )
            put(o, "\\r", 2);
        else if ( c < 0x20 || c >= 0x7f )
        {
            snprintf(esc, sizeof(esc), "\\x%02x", c);
            put(o, esc, 4);
        }
        else
            put(o, (const char *)&c, 1);
    }
    put(o, &q, 1);
    return o->n - start;
}

static void flat(const struct sxp *s, struct out *o)
{
    size_t i;

    if ( s->type == SXP_ATOM )
    {
        atom_text(s->atom, o);
        return;
    }
    put(o, "(", 1);
    for ( i = 0; i < s->n; i++ )
    {
        if ( i )
            put(o, " ", 1);
        flat(s->items[i], o);
    }
    put(o, ")", 1);
}

static size_t flat_width(const struct sxp *s, size_t limit)
{
    struct out o = { NULL, 0, 0, false };
    size_t n;

    (void)limit;
    flat(s, &o);
    n = o.failed ? (size_t)-1 : o.n;
    free(o.buf);
    return n;
}

static void indent(struct out *o, size_t col)
{
    put(o, "\n", 1);
    while ( col-- )
        put(o, " ", 1);
}

static size_t pretty(const struct sxp *s, struct out *o, size_t col)
{
    size_t i, w, c;

    if ( s->type == SXP_ATOM )
        return col + atom_text(s->atom, o);
    w = flat_width(s, LINE_WIDTH);
    if ( col + w <= LINE_WIDTH )
    {
        flat(s, o);
        return col + w;
    }
    put(o, "(", 1);
    c = col + 1;
    for ( i = 0; i < s->n; i++ )
    {
        if ( i )
        {
            indent(o, col + 4);
            c = col + 4;
        }
        c = pretty(s->items[i], o, c);
    }
    indent(o, col);
    put(o, ")", 1);
    return col + 1;
}

char *sxp_to_string(const struct sxp *s)
{
    struct out o = { NULL, 0, 0, false };

    pretty(s, &o, 0);
    put(&o, "\n", 1);
    if ( o.failed )
    {
        free(o.buf);
        return NULL;
    }
    return o.buf;
}

char *sxp_to_string_flat(const struct sxp *s)
{
    struct out o = { NULL, 0, 0, false };

    flat(s, &o);
    put(&o, "", 0);
    if ( o.failed || !o.buf )
    {
        free(o.buf);
        return o.failed ? NULL : strdup("");
    }
    return o.buf;
}

void sxp_print(FILE *f, const struct sxp *s)
{
    char *text = sxp_to_string(s);

    if ( text )
        fputs(text, f);
    free(text);
}
