/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Arena allocation, error messages and file reading for libkeelcfg.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

struct arena_chunk {
    struct arena_chunk *next;
    size_t used, size;
    max_align_t data[];
};

#define CHUNK_SIZE  (64u << 10)

void *arena_alloc(struct arena *a, size_t size)
{
    struct arena_chunk *c = a->chunks;
    size_t need = (size + 15) & ~(size_t)15;
    void *p;

    if ( need < size || a->exhausted )
        return NULL;
    if ( !c || c->size - c->used < need )
    {
        size_t csize = need > CHUNK_SIZE / 2 ? need : CHUNK_SIZE;

        if ( a->total + csize > ARENA_MAX )
        {
            a->exhausted = true;
            return NULL;
        }
        c = malloc(sizeof(*c) + csize);
        if ( !c )
        {
            a->exhausted = true;
            return NULL;
        }
        a->total += csize;
        c->size = csize;
        c->used = 0;
        /*
         * A big one-off block goes behind the current chunk so the
         * current chunk's free space stays usable.
         */
        if ( csize != CHUNK_SIZE && a->chunks )
        {
            c->next = a->chunks->next;
            a->chunks->next = c;
        }
        else
        {
            c->next = a->chunks;
            a->chunks = c;
        }
    }
    p = (char *)c->data + c->used;
    c->used += need;
    memset(p, 0, size);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);

    if ( p )
    {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if ( n < 0 || !(p = arena_alloc(a, (size_t)n + 1)) )
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void arena_release(struct arena *a)
{
    struct arena_chunk *c = a->chunks, *next;

    for ( ; c; c = next )
    {
        next = c->next;
        free(c);
    }
    a->chunks = NULL;
    a->total = 0;
    a->exhausted = false;
}

void err_vset(struct kcfg_error *err, const char *file, int line, int col,
              const char *fmt, va_list ap)
{
    if ( !err )
        return;
    snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
    err->line = line;
    err->column = col;
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

void err_set(struct kcfg_error *err, const char *file, int line, int col,
             const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    err_vset(err, file, line, col, fmt, ap);
    va_end(ap);
}

const char *kcfg_error_format(const struct kcfg_error *err, char *buf,
                              size_t len)
{
    if ( !len )
        return buf;
    if ( err->line > 0 && err->column > 0 )
        snprintf(buf, len, "%s:%d:%d: %s", err->file, err->line,
                 err->column, err->msg);
    else if ( err->line > 0 )
        snprintf(buf, len, "%s:%d: %s", err->file, err->line, err->msg);
    else if ( err->file[0] )
        snprintf(buf, len, "%s: %s", err->file, err->msg);
    else
        snprintf(buf, len, "%s", err->msg);
    return buf;
}

char *read_whole_file(const char *path, size_t *len, struct kcfg_error *err)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;
    struct stat st;

    if ( !f )
    {
        err_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    if ( fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode) )
    {
        fclose(f);
        err_set(err, path, 0, 0, "is a directory, not a config file");
        return NULL;
    }
    buf = malloc(KCFG_MAX_INPUT + 1);
    if ( !buf )
    {
        fclose(f);
        err_set(err, path, 0, 0, "out of memory reading the file");
        return NULL;
    }
    n = fread(buf, 1, KCFG_MAX_INPUT + 1, f);
    if ( ferror(f) )
    {
        err_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    if ( n > KCFG_MAX_INPUT )
    {
        err_set(err, path, 0, 0, "file is larger than %u bytes; a config "
                "file this big is not supported", KCFG_MAX_INPUT);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}
