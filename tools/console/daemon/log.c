/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest console logs with size-based rotation.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "consd.h"

void cons_log_init(struct cons_log *l)
{
    memset(l, 0, sizeof(*l));
    l->fd = -1;
}

/* mkdir -p */
static int make_dirs(const char *dir)
{
    char *p, *s = strdup(dir);
    int rc = 0;

    if ( !s )
        return -ENOMEM;
    for ( p = s + 1; ; p++ )
    {
        if ( *p == '/' || *p == '\0' )
        {
            char c = *p;

            *p = '\0';
            if ( mkdir(s, 0755) && errno != EEXIST )
            {
                rc = -errno;
                break;
            }
            *p = c;
            if ( c == '\0' )
                break;
        }
    }
    free(s);
    return rc;
}

static int log_open_fd(struct cons_log *l)
{
    struct stat st;

    l->fd = open(l->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if ( l->fd < 0 )
        return -errno;
    l->size = fstat(l->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
    return 0;
}

int cons_log_open(struct cons_log *l, const char *dir, const char *name,
                  uint64_t max_size, unsigned int keep)
{
    char *safe;
    size_t i;
    int rc;

    cons_log_init(l);
    l->max_size = max_size;
    l->keep = keep;
    rc = make_dirs(dir);
    if ( rc )
        return rc;
    /* A domain name must not climb out of the log directory. */
    safe = strdup(name);
    if ( !safe )
        return -ENOMEM;
    for ( i = 0; safe[i]; i++ )
        if ( safe[i] == '/' || (i == 0 && safe[i] == '.') )
            safe[i] = '_';
    if ( asprintf(&l->path, "%s/%s.log", dir, safe) < 0 )
    {
        l->path = NULL;
        free(safe);
        return -ENOMEM;
    }
    free(safe);
    rc = log_open_fd(l);
    if ( rc )
    {
        free(l->path);
        l->path = NULL;
    }
    return rc;
}

/* <path> -> <path>.1 -> ... -> <path>.<keep>; the oldest is dropped. */
static void log_rotate(struct cons_log *l)
{
    size_t len = strlen(l->path) + 16;
    char *from = malloc(len), *to = malloc(len);
    unsigned int i;

    close(l->fd);
    l->fd = -1;
    if ( from && to )
    {
        if ( l->keep == 0 )
            unlink(l->path);
        else
        {
            snprintf(to, len, "%s.%u", l->path, l->keep);
            unlink(to);
            for ( i = l->keep; i > 1; i-- )
            {
                snprintf(from, len, "%s.%u", l->path, i - 1);
                snprintf(to, len, "%s.%u", l->path, i);
                rename(from, to);
            }
            snprintf(to, len, "%s.1", l->path);
            rename(l->path, to);
        }
    }
    free(from);
    free(to);
    if ( log_open_fd(l) && !l->failed )
    {
        l->failed = true;
        consd_msg("cannot reopen %s after rotating it: %s", l->path,
                  strerror(errno));
    }
}

int cons_log_write(struct cons_log *l, const char *p, size_t n)
{
    while ( n )
    {
        size_t chunk = n;
        ssize_t w;

        if ( l->fd < 0 )
            return -EBADF;
        if ( l->max_size )
        {
            if ( l->size >= l->max_size )
            {
                log_rotate(l);
                continue;
            }
            if ( chunk > l->max_size - l->size )
                chunk = l->max_size - l->size;
        }
        w = write(l->fd, p, chunk);
        if ( w < 0 )
        {
            if ( errno == EINTR )
                continue;
            if ( !l->failed )
            {
                l->failed = true;
                consd_msg("writing %s: %s (console output is no longer "
                          "logged)", l->path, strerror(errno));
            }
            return -errno;
        }
        p += w;
        n -= w;
        l->size += w;
    }
    return 0;
}

int cons_log_reopen(struct cons_log *l)
{
    if ( !l->path )
        return 0;
    if ( l->fd >= 0 )
        close(l->fd);
    l->failed = false;
    return log_open_fd(l);
}

void cons_log_close(struct cons_log *l)
{
    if ( l->fd >= 0 )
    {
        /* The last words of a guest that died must reach the disk. */
        fdatasync(l->fd);
        close(l->fd);
    }
    free(l->path);
    cons_log_init(l);
}
