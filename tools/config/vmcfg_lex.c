/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tokenizer of the vm.cfg language: Python's lexical rules for the subset
 * the manuals' files use.  Newlines inside brackets and after a backslash
 * are joined; outside brackets they end a statement, and the indentation
 * of a line opens or closes an "if" block (INDENT / DEDENT tokens).
 */
#include <stdlib.h>
#include <string.h>

#include "vmcfg.h"

struct lexer {
    const char *file;
    const char *src;
    size_t len, pos;
    int line;
    size_t line_start;
    struct kcfg_error *err;
    struct arena *arena;
    struct token *toks;
    size_t n, cap;
    /* Open brackets, for "never closed" messages. */
    struct {
        char c;
        int line, col;
    } brackets[KCFG_MAX_DEPTH];
    int depth;
    int indents[KCFG_MAX_DEPTH + 1];
    int n_indents;
};

static int col_of(const struct lexer *lx, size_t pos)
{
    return (int)(pos - lx->line_start) + 1;
}

static bool lex_error(struct lexer *lx, int line, int col,
                      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bool lex_error(struct lexer *lx, int line, int col,
                      const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_vset(lx->err, lx->file, line, col, fmt, ap);
    va_end(ap);
    return false;
}

static struct token *push(struct lexer *lx, enum tok t, size_t pos)
{
    struct token *tk;

    if ( lx->n == lx->cap )
    {
        size_t cap = lx->cap ? lx->cap * 2 : 256;
        struct token *n = realloc(lx->toks, cap * sizeof(*n));

        if ( !n )
        {
            lex_error(lx, 0, 0, "out of memory");
            return NULL;
        }
        lx->toks = n;
        lx->cap = cap;
    }
    tk = &lx->toks[lx->n++];
    memset(tk, 0, sizeof(*tk));
    tk->t = t;
    tk->line = lx->line;
    tk->col = col_of(lx, pos);
    tk->start = lx->src + pos;
    return tk;
}

static bool is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9');
}

static int hexval(char c)
{
    if ( c >= '0' && c <= '9' )
        return c - '0';
    if ( c >= 'a' && c <= 'f' )
        return c - 'a' + 10;
    if ( c >= 'A' && c <= 'F' )
        return c - 'A' + 10;
    return -1;
}

/* A newline inside a token (triple-quoted string, continuation). */
static void newline_at(struct lexer *lx, size_t pos)
{
    lx->line++;
    lx->line_start = pos + 1;
}

static bool lex_number(struct lexer *lx)
{
    size_t p = lx->pos, start = p;
    const char *s = lx->src;
    unsigned long long v = 0;
    int base = 10;
    struct token *tk;

    if ( s[p] == '0' && (s[p + 1] == 'x' || s[p + 1] == 'X') )
    {
        base = 16;
        p += 2;
    }
    else if ( s[p] == '0' && (s[p + 1] == 'o' || s[p + 1] == 'O') )
    {
        base = 8;
        p += 2;
    }
    else if ( s[p] == '0' && s[p + 1] >= '0' && s[p + 1] <= '9' )
    {
        base = 8;   /* Python 2: 0755 */
        p += 1;
    }

    {
        size_t digits = p;

        for ( ; p < lx->len; p++ )
        {
            int d = hexval(s[p]);

            if ( d < 0 || d >= base )
                break;
            if ( v > (0x7fffffffffffffffULL - (unsigned)d) / (unsigned)base )
            {
                size_t e = p;

                while ( e < lx->len && hexval(s[e]) >= 0 )
                    e++;
                return lex_error(lx, lx->line, col_of(lx, start),
                                 "integer '%.*s' is too large",
                                 (int)(e - start > 40 ? 40 : e - start),
                                 s + start);
            }
            v = v * (unsigned)base + (unsigned)d;
        }
        if ( p == digits && base != 10 && !(base == 8 && p == start + 1) )
            return lex_error(lx, lx->line, col_of(lx, start),
                             "expected digits after '%.*s'",
                             (int)(p - start), s + start);
    }
    if ( p < lx->len && (s[p] == 'L' || s[p] == 'l') )
        p++;

    if ( p < lx->len && (s[p] == '.' || s[p] == 'e' || s[p] == 'E') &&
         base != 16 )
    {
        size_t e = p;
        bool dots = false;

        while ( e < lx->len && (s[e] == '.' || (s[e] >= '0' && s[e] <= '9')
                                || s[e] == 'e' || s[e] == 'E') )
        {
            if ( s[e] == '.' && e != p )
                dots = true;
            e++;
        }
        if ( dots )
            return lex_error(lx, lx->line, col_of(lx, start),
                             "'%.*s' is not a number: put addresses and "
                             "versions in quotes ('%.*s')",
                             (int)(e - start), s + start,
                             (int)(e - start), s + start);
        return lex_error(lx, lx->line, col_of(lx, start),
                         "floating-point numbers such as '%.*s' are not "
                         "supported; use an integer", (int)(e - start),
                         s + start);
    }
    if ( p < lx->len && is_name_char(s[p]) )
    {
        size_t e = p;

        while ( e < lx->len && (is_name_char(s[e]) || s[e] == '/' ||
                                s[e] == '@') )
            e++;
        return lex_error(lx, lx->line, col_of(lx, start),
                         "invalid number '%.*s' (put text in quotes: "
                         "'%.*s')", (int)(e - start), s + start,
                         (int)(e - start), s + start);
    }

    tk = push(lx, T_INT, start);
    if ( !tk )
        return false;
    tk->ival = (long long)v;
    tk->len = p - start;
    lx->pos = p;
    return true;
}

static bool lex_string(struct lexer *lx, size_t prefix)
{
    const char *s = lx->src;
    size_t start = lx->pos, p = lx->pos + prefix;
    int line0 = lx->line, col0 = col_of(lx, start);
    bool raw = false;
    char q = s[p];
    bool triple;
    size_t content;
    char *out;
    size_t n = 0;
    struct token *tk;
    size_t i;

    for ( i = start; i < start + prefix; i++ )
        if ( s[i] == 'r' || s[i] == 'R' )
            raw = true;
    triple = p + 2 < lx->len && s[p + 1] == q && s[p + 2] == q;
    p += triple ? 3 : 1;
    content = p;

    out = malloc(KCFG_MAX_STRING + 1);
    if ( !out )
        return lex_error(lx, line0, col0, "out of memory");

    for ( ;; )
    {
        char c;

        if ( p >= lx->len )
        {
            free(out);
            if ( triple )
                return lex_error(lx, line0, col0, "unterminated string: "
                                 "the %c%c%c opened here is never closed",
                                 q, q, q);
            return lex_error(lx, line0, col0, "unterminated string: the "
                             "%c opened here is never closed", q);
        }
        c = s[p];
        if ( c == q && (!triple || (p + 2 < lx->len && s[p + 1] == q &&
                                    s[p + 2] == q)) )
        {
            p += triple ? 3 : 1;
            break;
        }
        if ( c == '\n' )
        {
            if ( !triple )
            {
                free(out);
                return lex_error(lx, line0, col0, "unterminated string: "
                                 "the %c opened here is not closed before "
                                 "the end of the line", q);
            }
            newline_at(lx, p);
        }
        if ( n >= KCFG_MAX_STRING )
        {
            free(out);
            return lex_error(lx, line0, col0, "string longer than %u "
                             "bytes", KCFG_MAX_STRING);
        }
        if ( c == '\0' )
        {
            free(out);
            return lex_error(lx, lx->line, col_of(lx, p),
                             "NUL character in a string");
        }
        if ( c != '\\' || p + 1 >= lx->len )
        {
            out[n++] = c;
            p++;
            continue;
        }
        /* Backslash escapes. */
        c = s[p + 1];
        if ( raw )
        {
            out[n++] = '\\';
            if ( c == '\n' )
                newline_at(lx, p + 1);
            if ( n < KCFG_MAX_STRING )
                out[n++] = c;
            p += 2;
            continue;
        }
        p += 2;
        switch ( c )
        {
        case '\n':
            newline_at(lx, p - 1);
            continue;
        case '\\': out[n++] = '\\'; continue;
        case '\'': out[n++] = '\''; continue;
        case '"': out[n++] = '"'; continue;
        case 'a': out[n++] = '\a'; continue;
        case 'b': out[n++] = '\b'; continue;
        case 'f': out[n++] = '\f'; continue;
        case 'n': out[n++] = '\n'; continue;
        case 'r': out[n++] = '\r'; continue;
        case 't': out[n++] = '\t'; continue;
        case 'v': out[n++] = '\v'; continue;
        case 'x':
        {
            int h1 = p < lx->len ? hexval(s[p]) : -1;
            int h2 = p + 1 < lx->len ? hexval(s[p + 1]) : -1;

            if ( h1 < 0 || h2 < 0 )
            {
                free(out);
                return lex_error(lx, lx->line, col_of(lx, p - 2),
                                 "invalid \\x escape: expected two hex "
                                 "digits");
            }
            c = (char)(h1 * 16 + h2);
            p += 2;
            break;
        }
        default:
            if ( c >= '0' && c <= '7' )
            {
                int v = c - '0', k;

                for ( k = 0; k < 2 && p < lx->len && s[p] >= '0' &&
                      s[p] <= '7'; k++ )
                    v = v * 8 + (s[p++] - '0');
                c = (char)(v & 0xff);
                break;
            }
            /* Unknown escapes stay as written, as in Python. */
            out[n++] = '\\';
            p--;
            continue;
        }
        if ( c == '\0' )
        {
            free(out);
            return lex_error(lx, lx->line, col_of(lx, p - 2),
                             "NUL character in a string");
        }
        out[n++] = c;
    }

    tk = push(lx, T_STR, start);
    if ( !tk )
    {
        free(out);
        return false;
    }
    tk->line = line0;
    tk->col = col0;
    tk->sval = arena_strndup(lx->arena, out, n);
    tk->slen = n;
    /*
     * Escapes only ever shrink the text, so equal lengths on one line mean
     * the bytes are the source's own.
     */
    if ( lx->line == line0 && p - (triple ? 3 : 1) - content == n )
        tk->text_col = col0 + (int)(content - start);
    tk->len = p - start;
    free(out);
    if ( !tk->sval )
        return lex_error(lx, line0, col0, "out of memory");
    lx->pos = p;
    return true;
}

static const char *const ops3[] = { "//=", NULL };
static const char *const ops2[] = {
    "==", "!=", "<=", ">=", "+=", "-=", "*=", "//", "**", "<>", NULL
};
static const char ops1[] = "()[]{},:.=+-*%/<>;@&|^~`!";

static bool lex_op(struct lexer *lx)
{
    const char *s = lx->src + lx->pos;
    struct token *tk;
    size_t len = 0;
    int i;

    for ( i = 0; ops3[i]; i++ )
        if ( !strncmp(s, ops3[i], 3) )
            len = 3;
    for ( i = 0; !len && ops2[i]; i++ )
        if ( !strncmp(s, ops2[i], 2) )
            len = 2;
    if ( !len && *s && strchr(ops1, *s) )
        len = 1;
    if ( !len )
    {
        unsigned char c = (unsigned char)*s;

        if ( c >= 0x20 && c < 0x7f )
            return lex_error(lx, lx->line, col_of(lx, lx->pos),
                             "unexpected character '%c'", c);
        return lex_error(lx, lx->line, col_of(lx, lx->pos),
                         "unexpected byte 0x%02x (not valid here; strings "
                         "must be quoted)", c);
    }

    if ( *s == '(' || *s == '[' || *s == '{' )
    {
        if ( lx->depth >= KCFG_MAX_DEPTH )
            return lex_error(lx, lx->line, col_of(lx, lx->pos),
                             "brackets nested more than %d deep",
                             KCFG_MAX_DEPTH);
        lx->brackets[lx->depth].c = *s;
        lx->brackets[lx->depth].line = lx->line;
        lx->brackets[lx->depth].col = col_of(lx, lx->pos);
        lx->depth++;
    }
    else if ( *s == ')' || *s == ']' || *s == '}' )
    {
        char want = *s == ')' ? '(' : *s == ']' ? '[' : '{';

        if ( !lx->depth )
            return lex_error(lx, lx->line, col_of(lx, lx->pos),
                             "unmatched '%c'", *s);
        if ( lx->brackets[lx->depth - 1].c != want )
        {
            char close = lx->brackets[lx->depth - 1].c == '(' ? ')' :
                         lx->brackets[lx->depth - 1].c == '[' ? ']' : '}';

            return lex_error(lx, lx->line, col_of(lx, lx->pos),
                             "'%c' does not match the '%c' at %d:%d "
                             "(expected '%c')", *s,
                             lx->brackets[lx->depth - 1].c,
                             lx->brackets[lx->depth - 1].line,
                             lx->brackets[lx->depth - 1].col, close);
        }
        lx->depth--;
    }

    tk = push(lx, T_OP, lx->pos);
    if ( !tk )
        return false;
    memcpy(tk->op, s, len);
    tk->len = len;
    lx->pos += len;
    return true;
}

/* Handles the start of a logical line outside brackets. */
static bool lex_indent(struct lexer *lx, bool *eof)
{
    const char *s = lx->src;
    size_t p = lx->pos;
    int width = 0;

    for ( ;; )
    {
        width = 0;
        while ( p < lx->len && (s[p] == ' ' || s[p] == '\t' ||
                                s[p] == '\f' || s[p] == '\r') )
        {
            if ( s[p] == '\t' )
                width = (width / 8 + 1) * 8;
            else if ( s[p] == ' ' )
                width++;
            else if ( s[p] == '\f' )
                width = 0;
            p++;
        }
        if ( p < lx->len && s[p] == '#' )
            while ( p < lx->len && s[p] != '\n' )
                p++;
        if ( p < lx->len && s[p] == '\n' )
        {
            /* Blank or comment-only line: no statement, no indent. */
            newline_at(lx, p);
            p++;
            continue;
        }
        break;
    }
    lx->pos = p;
    if ( p >= lx->len )
    {
        *eof = true;
        return true;
    }
    *eof = false;

    if ( width > lx->indents[lx->n_indents - 1] )
    {
        if ( lx->n_indents > KCFG_MAX_DEPTH )
            return lex_error(lx, lx->line, col_of(lx, p),
                             "blocks nested more than %d deep",
                             KCFG_MAX_DEPTH);
        lx->indents[lx->n_indents++] = width;
        return push(lx, T_INDENT, p) != NULL;
    }
    while ( width < lx->indents[lx->n_indents - 1] )
    {
        lx->n_indents--;
        if ( !push(lx, T_DEDENT, p) )
            return false;
    }
    if ( width != lx->indents[lx->n_indents - 1] )
        return lex_error(lx, lx->line, col_of(lx, p),
                         "this line's indentation matches no enclosing "
                         "block");
    return true;
}

bool vmcfg_tokenize(const char *file, const char *src, size_t len,
                    struct arena *arena, struct token **out, size_t *count,
                    struct kcfg_error *err)
{
    struct lexer lx;
    bool line_start = true, ok = true;

    memset(&lx, 0, sizeof(lx));
    lx.file = file;
    lx.src = src;
    lx.len = len;
    lx.line = 1;
    lx.err = err;
    lx.arena = arena;
    lx.n_indents = 1;
    lx.indents[0] = 0;

    while ( ok )
    {
        char c;

        if ( line_start && !lx.depth )
        {
            bool eof;

            ok = lex_indent(&lx, &eof);
            if ( !ok || eof )
                break;
            line_start = false;
        }
        if ( lx.pos >= lx.len )
            break;
        c = src[lx.pos];
        if ( c == ' ' || c == '\t' || c == '\f' || c == '\r' )
            lx.pos++;
        else if ( c == '#' )
        {
            while ( lx.pos < lx.len && src[lx.pos] != '\n' )
                lx.pos++;
        }
        else if ( c == '\\' )
        {
            size_t p = lx.pos + 1;

            if ( p < lx.len && src[p] == '\r' )
                p++;
            if ( p >= lx.len || src[p] != '\n' )
                ok = lex_error(&lx, lx.line, col_of(&lx, lx.pos),
                               "a '\\' outside a string must end the line "
                               "(line continuation)");
            else
            {
                newline_at(&lx, p);
                lx.pos = p + 1;
            }
        }
        else if ( c == '\n' )
        {
            if ( !lx.depth )
            {
                ok = push(&lx, T_NEWLINE, lx.pos) != NULL;
                line_start = true;
            }
            newline_at(&lx, lx.pos);
            lx.pos++;
        }
        else if ( c >= '0' && c <= '9' )
            ok = lex_number(&lx);
        else if ( c == '\'' || c == '"' )
            ok = lex_string(&lx, 0);
        else if ( is_name_start(c) )
        {
            size_t p = lx.pos, pre;

            while ( p < lx.len && is_name_char(src[p]) )
                p++;
            pre = p - lx.pos;
            if ( pre <= 2 && p < lx.len &&
                 (src[p] == '\'' || src[p] == '"') &&
                 strspn(src + lx.pos, "rRuUbB") >= pre )
                ok = lex_string(&lx, pre);
            else
            {
                struct token *tk = push(&lx, T_NAME, lx.pos);

                ok = tk != NULL;
                if ( ok )
                {
                    tk->len = pre;
                    lx.pos = p;
                }
            }
        }
        else
            ok = lex_op(&lx);
    }

    if ( ok && lx.depth )
    {
        char close = lx.brackets[lx.depth - 1].c == '(' ? ')' :
                     lx.brackets[lx.depth - 1].c == '[' ? ']' : '}';

        ok = lex_error(&lx, lx.brackets[lx.depth - 1].line,
                       lx.brackets[lx.depth - 1].col,
                       "'%c' is never closed (expected '%c' before the "
                       "end of the file)", lx.brackets[lx.depth - 1].c,
                       close);
    }
    if ( ok && lx.n && lx.toks[lx.n - 1].t != T_NEWLINE &&
         lx.toks[lx.n - 1].t != T_DEDENT )
        ok = push(&lx, T_NEWLINE, lx.pos) != NULL;
    while ( ok && lx.n_indents > 1 )
    {
        lx.n_indents--;
        ok = push(&lx, T_DEDENT, lx.pos) != NULL;
    }
    if ( ok )
        ok = push(&lx, T_EOF, lx.pos) != NULL;
    if ( !ok )
    {
        free(lx.toks);
        return false;
    }
    *out = lx.toks;
    *count = lx.n;
    return true;
}
