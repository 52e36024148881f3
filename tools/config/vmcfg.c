/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Evaluator of the vm.cfg language.  xm executes these files as Python;
 * Keel evaluates the subset the manuals use instead (assignments, if/elif/
 * else, import os, re, os.uname(), re.search/match, int/str/len, the
 * arithmetic, string and list operators, % formatting), so a config can
 * be checked anywhere and nothing in it can run a program.  Statements
 * in an if branch not taken are parsed (syntax errors are still reported)
 * but not evaluated.
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "vmcfg.h"

const char *kcfg_machine_override;

/* Values that exist only during evaluation. */
#define V_MODULE ((enum kcfg_type)100)
#define V_FUNC   ((enum kcfg_type)101)

enum { MOD_OS = 1, MOD_RE, MOD_OS_PATH };
enum { FN_UNAME = 1, FN_SEARCH, FN_MATCH, FN_INT, FN_STR, FN_LEN };

struct parser {
    struct kcfg *cfg;
    const char *file;
    struct token *t;
    size_t n, pos;
    struct kcfg_error *err;
    int depth;
    bool exec;          /* false inside an if branch not taken */
};

typedef struct kcfg_value value_t;

static const struct token *cur(const struct parser *p)
{
    return &p->t[p->pos];
}

static bool is_op(const struct parser *p, const char *op)
{
    return cur(p)->t == T_OP && !strcmp(cur(p)->op, op);
}

static bool is_kw(const struct parser *p, const char *kw)
{
    const struct token *tk = cur(p);

    return tk->t == T_NAME && tk->len == strlen(kw) &&
           !strncmp(tk->start, kw, tk->len);
}

static bool perr_at(struct parser *p, int line, int col, const char *fmt,
                    ...) __attribute__((format(printf, 4, 5)));

static bool perr_at(struct parser *p, int line, int col, const char *fmt,
                    ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_vset(p->err, p->file, line, col, fmt, ap);
    va_end(ap);
    return false;
}

#define perr(p, ...) perr_at(p, cur(p)->line, cur(p)->col, __VA_ARGS__)

static bool oom(struct parser *p)
{
    return perr(p, "out of memory (the configuration is too large)");
}

/* Describes the current token for "found ..." parts of messages. */
static const char *tok_desc(const struct parser *p, char *buf, size_t len)
{
    const struct token *tk = cur(p);

    switch ( tk->t )
    {
    case T_EOF: return "the end of the file";
    case T_NEWLINE: return "the end of the line";
    case T_INDENT: return "an indented line";
    case T_DEDENT: return "the end of the block";
    case T_STR: return "a string";
    default:
        snprintf(buf, len, "'%.*s'", (int)(tk->len > 40 ? 40 : tk->len),
                 tk->start);
        return buf;
    }
}

static const char *type_name(const value_t *v)
{
    switch ( (int)v->type )
    {
    case KCFG_NONE: return "None";
    case KCFG_BOOL: return "bool";
    case KCFG_INT: return "int";
    case KCFG_STR: return "str";
    case KCFG_LIST: return v->tuple ? "tuple" : "list";
    case V_MODULE: return "module";
    default: return "function";
    }
}

static bool truth(const value_t *v)
{
    switch ( (int)v->type )
    {
    case KCFG_NONE: return false;
    case KCFG_BOOL:
    case KCFG_INT: return v->i != 0;
    case KCFG_STR: return v->len != 0;
    case KCFG_LIST: return v->n != 0;
    default: return true;
    }
}

static bool equal(const value_t *a, const value_t *b)
{
    size_t i;
    bool an = a->type == KCFG_INT || a->type == KCFG_BOOL;
    bool bn = b->type == KCFG_INT || b->type == KCFG_BOOL;

    if ( an && bn )
        return a->i == b->i;
    if ( a->type != b->type )
        return false;
    switch ( (int)a->type )
    {
    case KCFG_NONE: return true;
    case KCFG_STR: return a->len == b->len && !memcmp(a->s, b->s, a->len);
    case KCFG_LIST:
        if ( a->n != b->n || a->tuple != b->tuple )
            return false;
        for ( i = 0; i < a->n; i++ )
            if ( !equal(&a->items[i], &b->items[i]) )
                return false;
        return true;
    default: return a->i == b->i;
    }
}

static void set_int(value_t *v, long long i)
{
    v->type = KCFG_INT;
    v->i = i;
}

static bool set_str(struct parser *p, value_t *v, const char *s, size_t n)
{
    v->type = KCFG_STR;
    v->s = arena_strndup(&p->cfg->arena, s, n);
    v->len = n;
    v->text_line = v->text_column = 0;
    return v->s ? true : oom(p);
}

/* ---- variables ---------------------------------------------------------- */

static struct kcfg_var *find_var(struct kcfg *cfg, const char *name,
                                 size_t len)
{
    size_t i;

    for ( i = 0; i < cfg->n_vars; i++ )
        if ( strlen(cfg->vars[i].name) == len &&
             !memcmp(cfg->vars[i].name, name, len) )
            return &cfg->vars[i];
    return NULL;
}

static struct kcfg_var *add_var(struct kcfg *cfg, const char *name,
                                size_t len)
{
    struct kcfg_var *v;

    if ( cfg->n_vars >= KCFG_MAX_VARS )
        return NULL;
    if ( !cfg->vars )
    {
        cfg->vars = arena_alloc(&cfg->arena,
                                KCFG_MAX_VARS * sizeof(*cfg->vars));
        if ( !cfg->vars )
            return NULL;
    }
    v = &cfg->vars[cfg->n_vars];
    v->name = arena_strndup(&cfg->arena, name, len);
    if ( !v->name )
        return NULL;
    v->is_option = kcfg_option_lookup(v->name) != NULL &&
                   kcfg_option_lookup(v->name)->type != KCFG_T_SWITCH;
    cfg->n_vars++;
    return v;
}

/* ---- expressions -------------------------------------------------------- */

static bool expr(struct parser *p, value_t *v);

static bool enter(struct parser *p)
{
    if ( ++p->depth > KCFG_MAX_DEPTH )
        return perr(p, "expression nested more than %d levels deep",
                    KCFG_MAX_DEPTH);
    return true;
}

static bool expect_op(struct parser *p, const char *op, const char *what)
{
    char buf[64];

    if ( !is_op(p, op) )
        return perr(p, "expected %s, found %s", what,
                    tok_desc(p, buf, sizeof(buf)));
    p->pos++;
    return true;
}

/* [a, b, c] and (a, b) with trailing commas; p is past the opener. */
static bool sequence(struct parser *p, value_t *v, const char *close,
                     bool tuple_mode, int line, int col)
{
    value_t *items = NULL;
    size_t n = 0, cap = 0;
    bool had_comma = false;

    v->type = KCFG_LIST;
    v->line = line;
    v->column = col;
    while ( !is_op(p, close) )
    {
        value_t item;

        if ( n >= KCFG_MAX_ITEMS )
        {
            free(items);
            return perr(p, "more than %d items in one list",
                        KCFG_MAX_ITEMS);
        }
        memset(&item, 0, sizeof(item));
        if ( !expr(p, &item) )
        {
            free(items);
            return false;
        }
        if ( n == cap )
        {
            size_t ncap = cap ? cap * 2 : 8;
            value_t *ni = realloc(items, ncap * sizeof(*ni));

            if ( !ni )
            {
                free(items);
                return oom(p);
            }
            items = ni;
            cap = ncap;
        }
        items[n++] = item;
        if ( is_op(p, ",") )
        {
            p->pos++;
            had_comma = true;
            continue;
        }
        if ( !is_op(p, close) )
        {
            free(items);
            if ( !strcmp(close, "]") )
                return perr(p, "expected ']' or ',' after list item");
            return perr(p, "expected ')' or ',' after tuple item");
        }
    }
    p->pos++;   /* the closing bracket */

    if ( tuple_mode && n == 1 && !had_comma )
    {
        /* (expr) is just the expression. */
        *v = items[0];
        free(items);
        return true;
    }
    v->tuple = tuple_mode;
    v->n = n;
    if ( n )
    {
        v->items = arena_alloc(&p->cfg->arena, n * sizeof(*items));
        if ( !v->items )
        {
            free(items);
            return oom(p);
        }
        memcpy(v->items, items, n * sizeof(*items));
    }
    free(items);
    return true;
}

static bool atom(struct parser *p, value_t *v)
{
    const struct token *tk = cur(p);
    char buf[64];

    memset(v, 0, sizeof(*v));
    v->line = tk->line;
    v->column = tk->col;

    switch ( tk->t )
    {
    case T_INT:
        set_int(v, tk->ival);
        p->pos++;
        return true;
    case T_STR:
    {
        /* Adjacent literals are one string: 'a' "b" == 'ab'. */
        size_t total = 0, i = p->pos;
        char *s;

        while ( p->t[i].t == T_STR )
        {
            total += p->t[i].slen;
            if ( total > KCFG_MAX_STRING )
                return perr(p, "string longer than %u bytes",
                            KCFG_MAX_STRING);
            i++;
        }
        s = arena_alloc(&p->cfg->arena, total + 1);
        if ( !s )
            return oom(p);
        v->type = KCFG_STR;
        v->s = s;
        v->len = total;
        if ( i == p->pos + 1 && tk->text_col )
        {
            v->text_line = tk->line;
            v->text_column = tk->text_col;
        }
        for ( ; p->pos < i; p->pos++ )
        {
            memcpy(s, p->t[p->pos].sval, p->t[p->pos].slen);
            s += p->t[p->pos].slen;
        }
        return true;
    }
    case T_NAME:
    {
        struct kcfg_var *var;

        p->pos++;
        if ( tk->len == 4 && !strncmp(tk->start, "True", 4) )
        {
            v->type = KCFG_BOOL;
            v->i = 1;
            return true;
        }
        if ( tk->len == 5 && !strncmp(tk->start, "False", 5) )
        {
            v->type = KCFG_BOOL;
            return true;
        }
        if ( tk->len == 4 && !strncmp(tk->start, "None", 4) )
            return true;
        if ( tk->len == 2 && !strncmp(tk->start, "os", 2) &&
             p->cfg->imported_os )
        {
            v->type = V_MODULE;
            v->i = MOD_OS;
            return true;
        }
        if ( tk->len == 2 && !strncmp(tk->start, "re", 2) &&
             p->cfg->imported_re )
        {
            v->type = V_MODULE;
            v->i = MOD_RE;
            return true;
        }
        var = find_var(p->cfg, tk->start, tk->len);
        if ( var )
        {
            *v = var->value;
            v->line = tk->line;
            v->column = tk->col;
            return true;
        }
        if ( tk->len == 3 && !strncmp(tk->start, "int", 3) )
        {
            v->type = V_FUNC;
            v->i = FN_INT;
            return true;
        }
        if ( tk->len == 3 && !strncmp(tk->start, "str", 3) )
        {
            v->type = V_FUNC;
            v->i = FN_STR;
            return true;
        }
        if ( tk->len == 3 && !strncmp(tk->start, "len", 3) )
        {
            v->type = V_FUNC;
            v->i = FN_LEN;
            return true;
        }
        if ( !p->exec )
            return true;
        if ( (tk->len == 2 && (!strncmp(tk->start, "os", 2) ||
                               !strncmp(tk->start, "re", 2))) )
            return perr_at(p, tk->line, tk->col, "name '%.*s' is not "
                           "defined (add 'import %.*s' first)",
                           (int)tk->len, tk->start, (int)tk->len,
                           tk->start);
        return perr_at(p, tk->line, tk->col, "name '%.*s' is not defined "
                       "(to use it as text, quote it: '%.*s')",
                       (int)(tk->len > 64 ? 64 : tk->len), tk->start,
                       (int)(tk->len > 64 ? 64 : tk->len), tk->start);
    }
    case T_OP:
        if ( !strcmp(tk->op, "[") )
        {
            p->pos++;
            return sequence(p, v, "]", false, tk->line, tk->col);
        }
        if ( !strcmp(tk->op, "(") )
        {
            p->pos++;
            return sequence(p, v, ")", true, tk->line, tk->col);
        }
        if ( !strcmp(tk->op, "{") )
            return perr(p, "dictionaries ({...}) are not supported in "
                        "vm.cfg");
        break;
    default:
        break;
    }
    return perr(p, "expected a value (a number, a 'string', a [list] or "
                "a name), found %s", tok_desc(p, buf, sizeof(buf)));
}

static bool call_regex(struct parser *p, int fn, const value_t *args,
                       size_t n, value_t *v, const struct token *at)
{
    regex_t re;
    regmatch_t m;
    char *pat;
    int rc;
    size_t i;

    if ( n != 2 || args[0].type != KCFG_STR || args[1].type != KCFG_STR )
        return perr_at(p, at->line, at->col, "re.%s() takes two strings: "
                       "re.%s(pattern, text)", fn == FN_SEARCH ? "search" :
                       "match", fn == FN_SEARCH ? "search" : "match");
    if ( args[0].len > 256 )
        return perr_at(p, at->line, at->col, "regular expression longer "
                       "than 256 characters");
    /* Back-references and counted repeats can take exponential time. */
    for ( i = 0; i < args[0].len; i++ )
        if ( args[0].s[i] == '{' ||
             (args[0].s[i] == '\\' && i + 1 < args[0].len &&
              args[0].s[i + 1] >= '1' && args[0].s[i + 1] <= '9') )
            return perr_at(p, args[0].line, args[0].column, "regular "
                           "expression '%s': counted repeats ({n}) and "
                           "back-references are not supported",
                           args[0].s);
    pat = args[0].s;
    rc = regcomp(&re, pat, REG_EXTENDED);
    if ( rc )
    {
        char msg[128];

        regerror(rc, &re, msg, sizeof(msg));
        return perr_at(p, args[0].line, args[0].column, "invalid regular "
                       "expression '%s': %s", pat, msg);
    }
    rc = regexec(&re, args[1].s, 1, &m, 0);
    regfree(&re);
    memset(v, 0, sizeof(*v));
    if ( rc == 0 && (fn == FN_SEARCH || m.rm_so == 0) )
    {
        /* A match object is only ever tested for truth here. */
        v->type = KCFG_BOOL;
        v->i = 1;
    }
    return true;
}

static bool call(struct parser *p, const value_t *f, value_t *v,
                 const struct token *at)
{
    value_t args[4];
    size_t n = 0;

    /* p is past '('. */
    while ( !is_op(p, ")") )
    {
        if ( n == 4 )
            return perr(p, "too many arguments");
        memset(&args[n], 0, sizeof(args[n]));
        if ( !expr(p, &args[n]) )
            return false;
        n++;
        if ( is_op(p, ",") )
            p->pos++;
        else if ( !is_op(p, ")") )
            return perr(p, "expected ')' or ',' after function argument");
    }
    p->pos++;
    if ( !p->exec )
    {
        memset(v, 0, sizeof(*v));
        return true;
    }
    if ( f->type != V_FUNC )
        return perr_at(p, at->line, at->col, "a %s cannot be called",
                       type_name(f));

    switch ( f->i )
    {
    case FN_UNAME:
    {
        struct utsname u;
        const char *parts[5];
        size_t i;

        if ( n )
            return perr_at(p, at->line, at->col, "os.uname() takes no "
                           "arguments");
        if ( uname(&u) )
            memset(&u, 0, sizeof(u));
        parts[0] = u.sysname;
        parts[1] = u.nodename;
        parts[2] = u.release;
        parts[3] = u.version;
        parts[4] = kcfg_machine_override ? kcfg_machine_override :
                   u.machine;
        memset(v, 0, sizeof(*v));
        v->type = KCFG_LIST;
        v->tuple = true;
        v->n = 5;
        v->items = arena_alloc(&p->cfg->arena, 5 * sizeof(value_t));
        if ( !v->items )
            return oom(p);
        for ( i = 0; i < 5; i++ )
            if ( !set_str(p, &v->items[i], parts[i], strlen(parts[i])) )
                return false;
        return true;
    }
    case FN_SEARCH:
    case FN_MATCH:
        return call_regex(p, (int)f->i, args, n, v, at);
    case FN_INT:
        if ( n != 1 )
            return perr_at(p, at->line, at->col, "int() takes one "
                           "argument");
        if ( args[0].type == KCFG_INT || args[0].type == KCFG_BOOL )
        {
            set_int(v, args[0].i);
            return true;
        }
        if ( args[0].type == KCFG_STR )
        {
            char *end;
            long long i;
            const char *s = args[0].s;

            while ( *s == ' ' || *s == '\t' )
                s++;
            i = strtoll(s, &end, 10);
            while ( *end == ' ' || *end == '\t' || *end == '\n' )
                end++;
            if ( end == s || *end )
                return perr_at(p, args[0].line, args[0].column, "int(): "
                               "'%.40s' is not a decimal number",
                               args[0].s);
            set_int(v, i);
            return true;
        }
        return perr_at(p, at->line, at->col, "int() of a %s",
                       type_name(&args[0]));
    case FN_STR:
    {
        char buf[32];

        if ( n != 1 )
            return perr_at(p, at->line, at->col, "str() takes one "
                           "argument");
        switch ( (int)args[0].type )
        {
        case KCFG_STR:
            *v = args[0];
            return true;
        case KCFG_INT:
            snprintf(buf, sizeof(buf), "%lld", args[0].i);
            return set_str(p, v, buf, strlen(buf));
        case KCFG_BOOL:
            return set_str(p, v, args[0].i ? "True" : "False",
                           args[0].i ? 4 : 5);
        case KCFG_NONE:
            return set_str(p, v, "None", 4);
        default:
            return perr_at(p, at->line, at->col, "str() of a %s is not "
                           "supported", type_name(&args[0]));
        }
    }
    case FN_LEN:
        if ( n != 1 || (args[0].type != KCFG_STR &&
                        args[0].type != KCFG_LIST) )
            return perr_at(p, at->line, at->col, "len() takes one string "
                           "or list");
        set_int(v, (long long)(args[0].type == KCFG_STR ? args[0].len :
                               args[0].n));
        return true;
    }
    return perr_at(p, at->line, at->col, "unsupported function");
}

static bool postfix(struct parser *p, value_t *v)
{
    int line = cur(p)->line, col = cur(p)->col;

    if ( !atom(p, v) )
        return false;
    for ( ;; )
    {
        const struct token *at = cur(p);

        if ( is_op(p, "(") )
        {
            value_t f = *v;

            p->pos++;
            if ( !call(p, &f, v, at) )
                return false;
        }
        else if ( is_op(p, "[") )
        {
            value_t idx;
            long long i, n;

            p->pos++;
            memset(&idx, 0, sizeof(idx));
            if ( !expr(p, &idx) )
                return false;
            if ( is_op(p, ":") )
                return perr(p, "slices ([a:b]) are not supported");
            if ( !expect_op(p, "]", "']' after the index") )
                return false;
            if ( !p->exec )
                continue;
            if ( idx.type != KCFG_INT )
                return perr_at(p, idx.line, idx.column, "an index must "
                               "be an int, not a %s", type_name(&idx));
            if ( v->type == KCFG_LIST )
                n = (long long)v->n;
            else if ( v->type == KCFG_STR )
                n = (long long)v->len;
            else
                return perr_at(p, at->line, at->col, "a %s cannot be "
                               "indexed", type_name(v));
            i = idx.i < 0 ? idx.i + n : idx.i;
            if ( i < 0 || i >= n )
                return perr_at(p, idx.line, idx.column, "index %lld out "
                               "of range (the %s has %lld item%s)", idx.i,
                               type_name(v), n, n == 1 ? "" : "s");
            if ( v->type == KCFG_LIST )
                *v = v->items[i];
            else if ( !set_str(p, v, v->s + i, 1) )
                return false;
        }
        else if ( is_op(p, ".") )
        {
            const struct token *name;

            p->pos++;
            name = cur(p);
            if ( name->t != T_NAME )
                return perr(p, "expected a name after '.'");
            p->pos++;
            if ( !p->exec )
                continue;
            if ( v->type == V_MODULE && v->i == MOD_OS && name->len == 5 &&
                 !strncmp(name->start, "uname", 5) )
            {
                v->type = V_FUNC;
                v->i = FN_UNAME;
            }
            else if ( v->type == V_MODULE && v->i == MOD_RE &&
                      name->len == 6 && !strncmp(name->start, "search", 6) )
            {
                v->type = V_FUNC;
                v->i = FN_SEARCH;
            }
            else if ( v->type == V_MODULE && v->i == MOD_RE &&
                      name->len == 5 && !strncmp(name->start, "match", 5) )
            {
                v->type = V_FUNC;
                v->i = FN_MATCH;
            }
            else
                return perr_at(p, name->line, name->col, "'%.*s' is not "
                               "supported here (vm.cfg may use "
                               "os.uname(), re.search() and re.match())",
                               (int)(name->len > 40 ? 40 : name->len),
                               name->start);
        }
        else
            break;
    }
    v->line = line;
    v->column = col;
    return true;
}

static bool factor(struct parser *p, value_t *v)
{
    const struct token *op = cur(p);

    if ( is_op(p, "-") || is_op(p, "+") || is_op(p, "~") )
    {
        bool ok;

        p->pos++;
        if ( !enter(p) )
            return false;
        ok = factor(p, v);
        p->depth--;
        if ( !ok || !p->exec )
            return ok;
        if ( v->type != KCFG_INT && v->type != KCFG_BOOL )
            return perr_at(p, op->line, op->col, "unary '%s' needs a "
                           "number, not a %s", op->op, type_name(v));
        v->type = KCFG_INT;
        if ( op->op[0] == '-' )
        {
            if ( v->i == (-0x7fffffffffffffffLL - 1) )
                return perr_at(p, op->line, op->col, "integer overflow");
            v->i = -v->i;
        }
        else if ( op->op[0] == '~' )
            v->i = ~v->i;
        v->line = op->line;
        v->column = op->col;
        return true;
    }
    if ( is_op(p, "**") )
        return perr(p, "unexpected '**'");
    return postfix(p, v);
}

/* "%s" % x, "%d-%s" % (a, b) */
static bool format(struct parser *p, const value_t *fmt, const value_t *arg,
                   value_t *v, const struct token *at)
{
    const value_t *args = arg;
    size_t nargs = 1, used = 0;
    char *out;
    size_t n = 0, i;

    if ( arg->type == KCFG_LIST && arg->tuple )
    {
        args = arg->items;
        nargs = arg->n;
    }
    out = malloc(KCFG_MAX_STRING + 64);
    if ( !out )
        return oom(p);

#define FAIL(...) do { free(out); return perr_at(p, at->line, at->col, \
                                                 __VA_ARGS__); } while ( 0 )

    for ( i = 0; i < fmt->len; i++ )
    {
        char spec[32], conv, piece[128];
        const char *text;
        size_t tlen, sl = 0;
        int width = 0;
        const value_t *a;

        if ( n > KCFG_MAX_STRING )
            FAIL("formatted string longer than %u bytes", KCFG_MAX_STRING);
        if ( fmt->s[i] != '%' )
        {
            out[n++] = fmt->s[i];
            continue;
        }
        spec[sl++] = '%';
        i++;
        if ( i < fmt->len && fmt->s[i] == '(' )
            FAIL("%%(name) formats are not supported");
        while ( i < fmt->len && strchr("-+ #0", fmt->s[i]) && sl < 8 )
            spec[sl++] = fmt->s[i++];
        while ( i < fmt->len && fmt->s[i] >= '0' && fmt->s[i] <= '9' )
        {
            width = width * 10 + (fmt->s[i] - '0');
            if ( width > 100 )
                FAIL("format width larger than 100");
            spec[sl++] = fmt->s[i++];
        }
        if ( i < fmt->len && fmt->s[i] == '.' )
        {
            int prec = 0;

            spec[sl++] = fmt->s[i++];
            while ( i < fmt->len && fmt->s[i] >= '0' && fmt->s[i] <= '9' )
            {
                prec = prec * 10 + (fmt->s[i] - '0');
                if ( prec > 100 )
                    FAIL("format precision larger than 100");
                spec[sl++] = fmt->s[i++];
            }
        }
        if ( i >= fmt->len )
            FAIL("incomplete format at the end of '%.40s'", fmt->s);
        conv = fmt->s[i];
        if ( conv == '%' )
        {
            out[n++] = '%';
            continue;
        }
        if ( !strchr("sdiuxXoc", conv) )
            FAIL("unsupported format character '%c'", conv);
        if ( used >= nargs )
            FAIL("not enough arguments for the format string");
        a = &args[used++];
        if ( conv == 's' )
        {
            char num[32];

            if ( a->type == KCFG_STR )
            {
                text = a->s;
                tlen = a->len;
            }
            else if ( a->type == KCFG_INT )
            {
                snprintf(num, sizeof(num), "%lld", a->i);
                text = num;
                tlen = strlen(num);
            }
            else if ( a->type == KCFG_BOOL || a->type == KCFG_NONE )
            {
                text = a->type == KCFG_NONE ? "None" : a->i ? "True" :
                       "False";
                tlen = strlen(text);
            }
            else
                FAIL("%%s of a %s is not supported", type_name(a));
            /* Pad by hand: text may be long. */
            {
                bool left = memchr(spec, '-', sl) != NULL;
                size_t pad = (size_t)width > tlen ? width - tlen : 0;

                if ( n + pad + tlen > KCFG_MAX_STRING )
                    FAIL("formatted string longer than %u bytes",
                         KCFG_MAX_STRING);
                if ( !left )
                    for ( ; pad; pad-- )
                        out[n++] = ' ';
                memcpy(out + n, text, tlen);
                n += tlen;
                for ( ; pad; pad-- )
                    out[n++] = ' ';
            }
            continue;
        }
        if ( a->type != KCFG_INT && a->type != KCFG_BOOL )
            FAIL("%%%c format: a number is required, not %s", conv,
                 type_name(a));
        if ( conv == 'c' )
        {
            if ( a->i <= 0 || a->i > 255 )
                FAIL("%%c: %lld is not a character", a->i);
            out[n++] = (char)a->i;
            continue;
        }
        if ( conv == 'i' || conv == 'u' )
            conv = 'd';
        spec[sl++] = 'l';
        spec[sl++] = 'l';
        spec[sl++] = conv;
        spec[sl] = '\0';
        snprintf(piece, sizeof(piece), spec, a->i);
        if ( n + strlen(piece) > KCFG_MAX_STRING )
            FAIL("formatted string longer than %u bytes", KCFG_MAX_STRING);
        memcpy(out + n, piece, strlen(piece));
        n += strlen(piece);
    }
    if ( used < nargs )
        FAIL("not all arguments converted during string formatting");
#undef FAIL
    {
        bool ok = set_str(p, v, out, n);

        free(out);
        return ok;
    }
}

static bool checked(struct parser *p, bool overflow, const struct token *at)
{
    if ( overflow )
        return perr_at(p, at->line, at->col, "integer overflow");
    return true;
}

static bool repeat(struct parser *p, const value_t *seq, long long times,
                   value_t *v, const struct token *at)
{
    size_t unit = seq->type == KCFG_STR ? seq->len : seq->n;
    size_t limit = seq->type == KCFG_STR ? KCFG_MAX_STRING : KCFG_MAX_ITEMS;
    size_t k, total;
    value_t src = *seq;     /* v may be seq */

    seq = &src;
    if ( times < 0 )
        times = 0;
    if ( unit && (unsigned long long)times > limit / unit )
        return perr_at(p, at->line, at->col, "repetition makes a %s "
                       "longer than %zu", type_name(seq), limit);
    total = unit * (size_t)times;
    memset(v, 0, sizeof(*v));
    if ( seq->type == KCFG_STR )
    {
        char *s = arena_alloc(&p->cfg->arena, total + 1);

        if ( !s )
            return oom(p);
        for ( k = 0; k < (size_t)times; k++ )
            memcpy(s + k * unit, seq->s, unit);
        v->type = KCFG_STR;
        v->s = s;
        v->len = total;
        return true;
    }
    v->type = KCFG_LIST;
    v->tuple = seq->tuple;
    v->n = total;
    if ( total )
    {
        v->items = arena_alloc(&p->cfg->arena, total * sizeof(value_t));
        if ( !v->items )
            return oom(p);
        for ( k = 0; k < (size_t)times; k++ )
            memcpy(v->items + k * unit, seq->items, unit * sizeof(value_t));
    }
    return true;
}

static bool binop(struct parser *p, const struct token *op, value_t *a,
                  const value_t *b)
{
    char o = op->op[0];
    bool ai = a->type == KCFG_INT || a->type == KCFG_BOOL;
    bool bi = b->type == KCFG_INT || b->type == KCFG_BOOL;
    long long r;

    if ( ai && bi )
    {
        switch ( o )
        {
        case '+':
            if ( !checked(p, __builtin_add_overflow(a->i, b->i, &r), op) )
                return false;
            break;
        case '-':
            if ( !checked(p, __builtin_sub_overflow(a->i, b->i, &r), op) )
                return false;
            break;
        case '*':
            if ( !checked(p, __builtin_mul_overflow(a->i, b->i, &r), op) )
                return false;
            break;
        default:    /* '/', '//', '%': Python's floor semantics */
            if ( !b->i )
                return perr_at(p, op->line, op->col, "division by zero");
            if ( a->i == (-0x7fffffffffffffffLL - 1) && b->i == -1 )
                return perr_at(p, op->line, op->col, "integer overflow");
            if ( o == '%' )
            {
                r = a->i % b->i;
                if ( r && ((r < 0) != (b->i < 0)) )
                    r += b->i;
            }
            else
            {
                r = a->i / b->i;
                if ( (a->i % b->i) && ((a->i < 0) != (b->i < 0)) )
                    r--;
            }
            break;
        }
        set_int(a, r);
        return true;
    }
    if ( o == '+' && a->type == KCFG_STR && b->type == KCFG_STR )
    {
        char *s;

        if ( a->len + b->len > KCFG_MAX_STRING )
            return perr_at(p, op->line, op->col, "string longer than %u "
                           "bytes", KCFG_MAX_STRING);
        s = arena_alloc(&p->cfg->arena, a->len + b->len + 1);
        if ( !s )
            return oom(p);
        memcpy(s, a->s, a->len);
        memcpy(s + a->len, b->s, b->len);
        a->s = s;
        a->len += b->len;
        a->text_line = a->text_column = 0;
        return true;
    }
    if ( o == '+' && a->type == KCFG_LIST && b->type == KCFG_LIST &&
         a->tuple == b->tuple )
    {
        value_t *items;

        if ( a->n + b->n > KCFG_MAX_ITEMS )
            return perr_at(p, op->line, op->col, "more than %d items in "
                           "one list", KCFG_MAX_ITEMS);
        if ( a->n + b->n )
        {
            items = arena_alloc(&p->cfg->arena,
                                (a->n + b->n) * sizeof(value_t));
            if ( !items )
                return oom(p);
            if ( a->n )
                memcpy(items, a->items, a->n * sizeof(value_t));
            if ( b->n )
                memcpy(items + a->n, b->items, b->n * sizeof(value_t));
            a->items = items;
        }
        a->n += b->n;
        return true;
    }
    if ( o == '*' && (a->type == KCFG_STR || a->type == KCFG_LIST) && bi )
        return repeat(p, a, b->i, a, op);
    if ( o == '*' && ai && (b->type == KCFG_STR || b->type == KCFG_LIST) )
        return repeat(p, b, a->i, a, op);
    if ( o == '%' && a->type == KCFG_STR )
        return format(p, a, b, a, op);
    if ( o == '+' && (a->type == KCFG_STR || b->type == KCFG_STR) )
        return perr_at(p, op->line, op->col, "cannot add %s and %s "
                       "(convert with str(), or quote the number)",
                       type_name(a), type_name(b));
    return perr_at(p, op->line, op->col, "unsupported operand types for "
                   "'%s': %s and %s", op->op, type_name(a), type_name(b));
}

static bool term(struct parser *p, value_t *v)
{
    if ( !factor(p, v) )
        return false;
    while ( is_op(p, "*") || is_op(p, "%") || is_op(p, "/") ||
            is_op(p, "//") )
    {
        const struct token *op = cur(p);
        value_t b;
        int line = v->line, col = v->column;

        p->pos++;
        memset(&b, 0, sizeof(b));
        if ( !factor(p, &b) )
            return false;
        if ( p->exec && !binop(p, op, v, &b) )
            return false;
        v->line = line;
        v->column = col;
    }
    return true;
}

static bool arith(struct parser *p, value_t *v)
{
    if ( !term(p, v) )
        return false;
    while ( is_op(p, "+") || is_op(p, "-") )
    {
        const struct token *op = cur(p);
        value_t b;
        int line = v->line, col = v->column;

        p->pos++;
        memset(&b, 0, sizeof(b));
        if ( !term(p, &b) )
            return false;
        if ( p->exec && !binop(p, op, v, &b) )
            return false;
        v->line = line;
        v->column = col;
    }
    return true;
}

static bool contains(const value_t *hay, const value_t *needle)
{
    size_t i;

    if ( hay->type == KCFG_STR )
        return needle->type == KCFG_STR &&
               (needle->len == 0 ||
                memmem(hay->s, hay->len, needle->s, needle->len) != NULL);
    for ( i = 0; i < hay->n; i++ )
        if ( equal(&hay->items[i], needle) )
            return true;
    return false;
}

static bool comparison(struct parser *p, value_t *v)
{
    value_t left;
    bool result = true, any = false;

    if ( !arith(p, v) )
        return false;
    left = *v;
    for ( ;; )
    {
        const struct token *op = cur(p);
        char o[8] = "";
        value_t right;
        bool r;

        if ( is_op(p, "==") || is_op(p, "!=") || is_op(p, "<") ||
             is_op(p, ">") || is_op(p, "<=") || is_op(p, ">=") ||
             is_op(p, "<>") )
        {
            snprintf(o, sizeof(o), "%s", op->op);
            p->pos++;
        }
        else if ( is_kw(p, "in") )
        {
            strcpy(o, "in");
            p->pos++;
        }
        else if ( is_kw(p, "not") && p->t[p->pos + 1].t == T_NAME &&
                  p->t[p->pos + 1].len == 2 &&
                  !strncmp(p->t[p->pos + 1].start, "in", 2) )
        {
            strcpy(o, "not in");
            p->pos += 2;
        }
        else if ( is_kw(p, "is") )
            return perr(p, "'is' is not supported; use == or !=");
        else
            break;

        memset(&right, 0, sizeof(right));
        if ( !arith(p, &right) )
            return false;
        any = true;
        if ( !p->exec )
            continue;
        if ( !strcmp(o, "==") )
            r = equal(&left, &right);
        else if ( !strcmp(o, "!=") || !strcmp(o, "<>") )
            r = !equal(&left, &right);
        else if ( !strcmp(o, "in") || !strcmp(o, "not in") )
        {
            if ( right.type != KCFG_STR && right.type != KCFG_LIST )
                return perr_at(p, op->line, op->col, "'in' needs a string "
                               "or list on its right, not a %s",
                               type_name(&right));
            if ( right.type == KCFG_STR && left.type != KCFG_STR )
                return perr_at(p, op->line, op->col, "'in <string>' needs "
                               "a string on its left, not a %s",
                               type_name(&left));
            r = contains(&right, &left) == (o[0] == 'i');
        }
        else
        {
            int c;

            if ( (left.type == KCFG_INT || left.type == KCFG_BOOL) &&
                 (right.type == KCFG_INT || right.type == KCFG_BOOL) )
                c = left.i < right.i ? -1 : left.i > right.i;
            else if ( left.type == KCFG_STR && right.type == KCFG_STR )
            {
                size_t m = left.len < right.len ? left.len : right.len;

                c = memcmp(left.s, right.s, m);
                if ( !c )
                    c = left.len < right.len ? -1 : left.len > right.len;
            }
            else
                return perr_at(p, op->line, op->col, "cannot compare a %s "
                               "and a %s with '%s'", type_name(&left),
                               type_name(&right), o);
            r = (!strcmp(o, "<") && c < 0) || (!strcmp(o, ">") && c > 0) ||
                (!strcmp(o, "<=") && c <= 0) || (!strcmp(o, ">=") && c >= 0);
        }
        result = result && r;
        left = right;
    }
    if ( any )
    {
        int line = v->line, col = v->column;

        memset(v, 0, sizeof(*v));
        v->type = KCFG_BOOL;
        v->i = result;
        v->line = line;
        v->column = col;
    }
    return true;
}

static bool not_test(struct parser *p, value_t *v)
{
    if ( is_kw(p, "not") )
    {
        const struct token *op = cur(p);
        bool ok;

        p->pos++;
        if ( !enter(p) )
            return false;
        ok = not_test(p, v);
        p->depth--;
        if ( !ok )
            return false;
        ok = truth(v);
        memset(v, 0, sizeof(*v));
        v->type = KCFG_BOOL;
        v->i = !ok;
        v->line = op->line;
        v->column = op->col;
        return true;
    }
    return comparison(p, v);
}

/* and / or return one of their operands, as in Python. */
static bool and_test(struct parser *p, value_t *v)
{
    if ( !not_test(p, v) )
        return false;
    while ( is_kw(p, "and") )
    {
        value_t b;
        bool saved = p->exec;

        p->pos++;
        memset(&b, 0, sizeof(b));
        if ( saved && !truth(v) )
            p->exec = false;    /* short-circuit: parse only */
        if ( !not_test(p, &b) )
            return false;
        if ( p->exec )
            *v = b;
        p->exec = saved;
    }
    return true;
}

static bool or_test(struct parser *p, value_t *v)
{
    if ( !and_test(p, v) )
        return false;
    while ( is_kw(p, "or") )
    {
        value_t b;
        bool saved = p->exec;

        p->pos++;
        memset(&b, 0, sizeof(b));
        if ( saved && truth(v) )
            p->exec = false;
        if ( !and_test(p, &b) )
            return false;
        if ( p->exec )
            *v = b;
        p->exec = saved;
    }
    return true;
}

static bool expr(struct parser *p, value_t *v)
{
    bool ok;

    if ( !enter(p) )
        return false;
    ok = or_test(p, v);
    p->depth--;
    return ok;
}

/* ---- statements --------------------------------------------------------- */

static bool statement(struct parser *p);

static bool end_of_simple(struct parser *p)
{
    char buf[64];

    if ( cur(p)->t == T_NEWLINE )
    {
        p->pos++;
        return true;
    }
    return perr(p, "expected the end of the line after the statement, "
                "found %s", tok_desc(p, buf, sizeof(buf)));
}

static bool assignment(struct parser *p)
{
    const struct token *name = cur(p), *op;
    value_t v;
    struct kcfg_var *var;
    char buf[64];

    p->pos++;
    op = cur(p);
    if ( !is_op(p, "=") && !is_op(p, "+=") )
    {
        if ( is_op(p, "[") || is_op(p, ".") )
            return perr(p, "only simple assignments 'name = value' are "
                        "supported");
        if ( is_op(p, "(") )
            return perr_at(p, name->line, name->col, "function calls "
                           "cannot be statements in vm.cfg ('%.*s(...)' "
                           "does nothing)", (int)(name->len > 40 ? 40 :
                           name->len), name->start);
        return perr(p, "expected '=' after '%.*s', found %s",
                    (int)(name->len > 40 ? 40 : name->len), name->start,
                    tok_desc(p, buf, sizeof(buf)));
    }
    p->pos++;
    if ( cur(p)->t == T_NEWLINE || cur(p)->t == T_EOF )
        return perr(p, "expected a value after '%s'", op->op);
    memset(&v, 0, sizeof(v));
    if ( !expr(p, &v) )
        return false;
    if ( is_op(p, ",") )
        return perr(p, "a bare tuple needs brackets: write "
                    "%.*s = [a, b] or (a, b)",
                    (int)(name->len > 40 ? 40 : name->len), name->start);
    if ( is_op(p, "=") )
        return perr(p, "chained assignments (a = b = 1) are not "
                    "supported");
    if ( !p->exec )
        return true;
    if ( v.type == V_MODULE || v.type == V_FUNC )
        return perr_at(p, v.line, v.column, "a %s cannot be stored in a "
                       "variable", type_name(&v));

    var = find_var(p->cfg, name->start, name->len);
    if ( op->op[0] == '+' )
    {
        value_t a;

        if ( !var )
            return perr_at(p, name->line, name->col, "name '%.*s' is not "
                           "defined (used by '+=')",
                           (int)(name->len > 40 ? 40 : name->len),
                           name->start);
        a = var->value;
        if ( !binop(p, op, &a, &v) )
            return false;
        a.line = v.line;
        a.column = v.column;
        v = a;
    }
    if ( !var )
    {
        if ( (name->len == 4 && (!strncmp(name->start, "True", 4) ||
                                 !strncmp(name->start, "None", 4))) ||
             (name->len == 5 && !strncmp(name->start, "False", 5)) )
            return perr_at(p, name->line, name->col, "cannot assign to "
                           "'%.*s'", (int)name->len, name->start);
        var = add_var(p->cfg, name->start, name->len);
        if ( !var )
            return perr_at(p, name->line, name->col, "more than %d "
                           "variables", KCFG_MAX_VARS);
    }
    /* A name=value given to xm create wins over the file. */
    if ( !var->locked )
        var->value = v;
    return true;
}

static bool import_stmt(struct parser *p)
{
    p->pos++;
    for ( ;; )
    {
        const struct token *m = cur(p);

        if ( m->t != T_NAME )
            return perr(p, "expected a module name after 'import'");
        if ( m->len == 2 && !strncmp(m->start, "os", 2) )
        {
            if ( p->exec )
                p->cfg->imported_os = true;
        }
        else if ( m->len == 2 && !strncmp(m->start, "re", 2) )
        {
            if ( p->exec )
                p->cfg->imported_re = true;
        }
        else
            return perr(p, "module '%.*s' is not available in vm.cfg "
                        "(only 'import os, re')",
                        (int)(m->len > 40 ? 40 : m->len), m->start);
        p->pos++;
        if ( !is_op(p, ",") )
            break;
        p->pos++;
    }
    return true;
}

static bool simple_stmts(struct parser *p)
{
    for ( ;; )
    {
        char buf[64];

        if ( is_kw(p, "import") )
        {
            if ( !import_stmt(p) )
                return false;
        }
        else if ( is_kw(p, "pass") )
            p->pos++;
        else if ( is_kw(p, "from") )
            return perr(p, "'from ... import' is not supported (only "
                        "'import os, re')");
        else if ( is_kw(p, "print") || is_kw(p, "def") ||
                  is_kw(p, "for") || is_kw(p, "while") ||
                  is_kw(p, "class") || is_kw(p, "exec") ||
                  is_kw(p, "del") || is_kw(p, "try") ||
                  is_kw(p, "with") || is_kw(p, "lambda") ||
                  is_kw(p, "return") || is_kw(p, "global") )
            return perr(p, "'%.*s' statements are not supported in vm.cfg "
                        "(assignments, if/elif/else and import os, re "
                        "are)", (int)cur(p)->len, cur(p)->start);
        else if ( cur(p)->t == T_NAME )
        {
            if ( !assignment(p) )
                return false;
        }
        else if ( cur(p)->t == T_INDENT )
            return perr(p, "unexpected indentation");
        else
            return perr(p, "expected a statement such as 'name = value', "
                        "found %s", tok_desc(p, buf, sizeof(buf)));
        if ( !is_op(p, ";") )
            break;
        p->pos++;
        if ( cur(p)->t == T_NEWLINE )
            break;
    }
    return end_of_simple(p);
}

static bool suite(struct parser *p, bool run)
{
    bool saved = p->exec, ok = true;

    if ( !run )
        p->exec = false;
    if ( cur(p)->t != T_NEWLINE )
        ok = simple_stmts(p);
    else
    {
        p->pos++;
        if ( cur(p)->t != T_INDENT )
            ok = perr(p, "expected an indented block after ':'");
        else
        {
            p->pos++;
            while ( ok && cur(p)->t != T_DEDENT && cur(p)->t != T_EOF )
                ok = statement(p);
            if ( ok && cur(p)->t == T_DEDENT )
                p->pos++;
        }
    }
    p->exec = saved;
    return ok;
}

static bool if_stmt(struct parser *p)
{
    bool taken = false;

    for ( ;; )
    {
        value_t cond;
        bool run;

        p->pos++;   /* 'if' or 'elif' */
        memset(&cond, 0, sizeof(cond));
        if ( !expr(p, &cond) )
            return false;
        if ( !expect_op(p, ":", "':' after the condition") )
            return false;
        run = p->exec && !taken && truth(&cond);
        if ( !suite(p, run) )
            return false;
        taken = taken || run;
        if ( !is_kw(p, "elif") )
            break;
    }
    if ( is_kw(p, "else") )
    {
        p->pos++;
        if ( !expect_op(p, ":", "':' after 'else'") )
            return false;
        if ( !suite(p, p->exec && !taken) )
            return false;
    }
    return true;
}

static bool statement(struct parser *p)
{
    if ( is_kw(p, "if") )
        return if_stmt(p);
    if ( is_kw(p, "elif") || is_kw(p, "else") )
        return perr(p, "'%.*s' without a matching 'if'", (int)cur(p)->len,
                    cur(p)->start);
    return simple_stmts(p);
}

/* ---- public interface --------------------------------------------------- */

static bool is_ident(const char *s, size_t n)
{
    size_t i;

    if ( !n || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' &&
                  s[0] <= 'Z') || s[0] == '_') )
        return false;
    for ( i = 1; i < n; i++ )
        if ( !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
               s[i] <= 'Z') || s[i] == '_' || (s[i] >= '0' && s[i] <= '9')) )
            return false;
    return true;
}

static bool apply_override(struct kcfg *cfg, const char *ov,
                           struct kcfg_error *err)
{
    const char *eq = strchr(ov, '=');
    const char *name = ov, *val;
    size_t nlen;
    struct kcfg_var *var;
    char *end;
    long long i;

    if ( !eq )
    {
        err_set(err, "command line", 0, 0, "'%.60s': expected name=value",
                ov);
        return false;
    }
    while ( *name == ' ' )
        name++;
    nlen = (size_t)(eq - name);
    while ( nlen && name[nlen - 1] == ' ' )
        nlen--;
    if ( !is_ident(name, nlen) )
    {
        err_set(err, "command line", 0, 0, "'%.60s': '%.*s' is not a "
                "variable name", ov, (int)(nlen > 40 ? 40 : nlen), name);
        return false;
    }
    val = eq + 1;
    while ( *val == ' ' )
        val++;
    var = find_var(cfg, name, nlen);
    if ( !var )
        var = add_var(cfg, name, nlen);
    if ( !var )
    {
        err_set(err, "command line", 0, 0, "too many variables");
        return false;
    }
    memset(&var->value, 0, sizeof(var->value));
    var->locked = true;
    /* xm converts numeric options with int(); other values are text. */
    i = strtoll(val, &end, 0);
    if ( *val && !*end && (val[0] != '0' || !val[1] || val[1] == 'x' ||
                           val[1] == 'X') )
    {
        var->value.type = KCFG_INT;
        var->value.i = i;
        return true;
    }
    var->value.type = KCFG_STR;
    var->value.len = strlen(val);
    var->value.s = arena_strdup(&cfg->arena, val);
    if ( !var->value.s )
    {
        err_set(err, "command line", 0, 0, "out of memory");
        return false;
    }
    return true;
}

int kcfg_parse_string(const char *file_name, const char *text, size_t len,
                      const char *const *overrides, size_t n_overrides,
                      struct kcfg **out, struct kcfg_error *err)
{
    struct kcfg *cfg;
    struct parser p;
    struct token *toks = NULL;
    size_t ntok = 0, i;
    bool ok = true;
    char *copy = NULL;

    *out = NULL;
    if ( !file_name )
        file_name = "vm.cfg";
    if ( len > KCFG_MAX_INPUT )
    {
        err_set(err, file_name, 0, 0, "larger than %u bytes; a config "
                "file this big is not supported", KCFG_MAX_INPUT);
        return -1;
    }
    cfg = calloc(1, sizeof(*cfg));
    if ( !cfg )
    {
        err_set(err, file_name, 0, 0, "out of memory");
        return -1;
    }
    cfg->file = arena_strdup(&cfg->arena, file_name);
    for ( i = 0; ok && i < n_overrides; i++ )
        ok = apply_override(cfg, overrides[i], err);
    /* The tokenizer looks one byte ahead: give it a terminated copy. */
    if ( ok && !(copy = malloc(len + 1)) )
    {
        err_set(err, file_name, 0, 0, "out of memory");
        ok = false;
    }
    if ( ok )
    {
        memcpy(copy, text, len);
        copy[len] = '\0';
        ok = vmcfg_tokenize(file_name, copy, len, &cfg->arena, &toks, &ntok,
                            err);
    }
    if ( ok )
    {
        memset(&p, 0, sizeof(p));
        p.cfg = cfg;
        p.file = file_name;
        p.t = toks;
        p.n = ntok;
        p.err = err;
        p.exec = true;
        while ( ok && toks[p.pos].t != T_EOF )
        {
            if ( toks[p.pos].t == T_NEWLINE )
                p.pos++;
            else if ( toks[p.pos].t == T_INDENT )
                ok = perr(&p, "unexpected indentation (only lines inside "
                          "an 'if' block are indented)");
            else
                ok = statement(&p);
        }
    }
    free(toks);
    free(copy);
    if ( !ok || !cfg->file )
    {
        if ( ok )
            err_set(err, file_name, 0, 0, "out of memory");
        kcfg_free(cfg);
        return -1;
    }
    *out = cfg;
    return 0;
}

int kcfg_parse_file(const char *path, const char *const *overrides,
                    size_t n_overrides, struct kcfg **out,
                    struct kcfg_error *err)
{
    size_t len;
    char *text = read_whole_file(path, &len, err);
    int rc;

    *out = NULL;
    if ( !text )
        return -1;
    rc = kcfg_parse_string(path, text, len, overrides, n_overrides, out,
                           err);
    free(text);
    return rc;
}

void kcfg_free(struct kcfg *cfg)
{
    if ( !cfg )
        return;
    arena_release(&cfg->arena);
    free(cfg);
}

const struct kcfg_value *kcfg_get(const struct kcfg *cfg, const char *name)
{
    struct kcfg_var *v = find_var((struct kcfg *)cfg, name, strlen(name));

    return v ? &v->value : NULL;
}

const char *kcfg_var(const struct kcfg *cfg, size_t idx,
                     const struct kcfg_value **value, bool *is_option)
{
    if ( idx >= cfg->n_vars )
        return NULL;
    if ( value )
        *value = &cfg->vars[idx].value;
    if ( is_option )
        *is_option = cfg->vars[idx].is_option;
    return cfg->vars[idx].name;
}

int kcfg_find_config(const char *name, const char *search_path,
                     char *out, size_t out_len, struct kcfg_error *err)
{
    const char *dir, *end;

    if ( !name || !*name )
    {
        err_set(err, "", 0, 0, "no config file given");
        return -1;
    }
    if ( strchr(name, '/') )
    {
        if ( access(name, R_OK) )
        {
            err_set(err, name, 0, 0, "cannot read the config file: %s",
                    strerror(errno));
            return -1;
        }
        if ( (size_t)snprintf(out, out_len, "%s", name) >= out_len )
        {
            err_set(err, name, 0, 0, "path too long");
            return -1;
        }
        return 0;
    }
    if ( !search_path )
        search_path = ".:/etc/xen";
    for ( dir = search_path; ; dir = end + 1 )
    {
        size_t dlen;
        struct stat st;

        end = strchr(dir, ':');
        dlen = end ? (size_t)(end - dir) : strlen(dir);
        if ( dlen )
        {
            int n = snprintf(out, out_len, "%.*s/%s", (int)dlen, dir, name);

            if ( n > 0 && (size_t)n < out_len && !stat(out, &st) &&
                 S_ISREG(st.st_mode) )
            {
                /* xm prints ./name for a file found in the current dir. */
                return 0;
            }
        }
        if ( !end )
            break;
    }
    err_set(err, name, 0, 0, "config file not found in %s (give a path, "
            "or put it in /etc/xen)", search_path);
    return -1;
}
