/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helpers shared by libxenstore, xenstored and the xenstore-* tools:
 * default paths, permission strings and error names.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstore.h"

const char *xs_daemon_rundir(void)
{
    const char *s = getenv("XENSTORED_RUNDIR");

    return s ? s : XS_DEFAULT_RUNDIR;
}

const char *xs_daemon_socket(void)
{
    static char buf[4096];
    const char *s = getenv("XENSTORED_PATH");

    if ( s )
        return s;
    snprintf(buf, sizeof(buf), "%s/socket", xs_daemon_rundir());
    return buf;
}

const char *xs_daemon_socket_ro(void)
{
    static char buf[4096];
    const char *s = getenv("XENSTORED_PATH");

    /* A private socket given by path has its read-only twin beside it. */
    if ( s )
        snprintf(buf, sizeof(buf), "%s_ro", s);
    else
        snprintf(buf, sizeof(buf), "%s/socket_ro", xs_daemon_rundir());
    return buf;
}

const char *xs_domain_dev(void)
{
    return XS_DEFAULT_XENBUS;
}

/* The order matters only for readability; lookups go both ways. */
static const struct xsd_errors xs_errors[] = {
#define XSE(x) { x, #x }
    XSE(EINVAL), XSE(EACCES), XSE(EEXIST), XSE(EISDIR), XSE(ENOENT),
    XSE(ENOMEM), XSE(ENOSPC), XSE(EIO), XSE(ENOTEMPTY), XSE(ENOSYS),
    XSE(EROFS), XSE(EBUSY), XSE(EAGAIN), XSE(EISCONN), XSE(E2BIG),
    XSE(EPERM),
#undef XSE
};

int xs_error_from_name(const char *name)
{
    unsigned int i;

    for ( i = 0; i < sizeof(xs_errors) / sizeof(xs_errors[0]); i++ )
        if ( !strcmp(name, xs_errors[i].errstring) )
            return xs_errors[i].errnum;
    return EINVAL;
}

const char *xs_error_name(int err)
{
    unsigned int i;

    for ( i = 0; i < sizeof(xs_errors) / sizeof(xs_errors[0]); i++ )
        if ( xs_errors[i].errnum == err )
            return xs_errors[i].errstring;
    /* Anything the protocol cannot name is reported as an I/O error. */
    return "EIO";
}

bool xs_strings_to_perms(struct xs_permissions *perms, unsigned int num,
                         const char *strings)
{
    const char *p = strings;
    unsigned int i;

    for ( i = 0; i < num; i++, p += strlen(p) + 1 )
    {
        char *end;
        unsigned long id;

        switch ( *p )
        {
        case 'n': perms[i].perms = XS_PERM_NONE; break;
        case 'r': perms[i].perms = XS_PERM_READ; break;
        case 'w': perms[i].perms = XS_PERM_WRITE; break;
        case 'b': perms[i].perms = XS_PERM_READ | XS_PERM_WRITE; break;
        default:
            errno = EINVAL;
            return false;
        }
        errno = 0;
        id = strtoul(p + 1, &end, 10);
        if ( p[1] < '0' || p[1] > '9' || *end || errno || id > 0xffffffffUL )
        {
            errno = EINVAL;
            return false;
        }
        perms[i].id = id;
    }
    return true;
}

bool xs_perm_to_string(const struct xs_permissions *perm, char *buffer,
                       size_t buf_len)
{
    char c;
    int n;

    switch ( perm->perms & (XS_PERM_READ | XS_PERM_WRITE) )
    {
    case XS_PERM_READ: c = 'r'; break;
    case XS_PERM_WRITE: c = 'w'; break;
    case XS_PERM_READ | XS_PERM_WRITE: c = 'b'; break;
    default: c = 'n'; break;
    }
    n = snprintf(buffer, buf_len, "%c%u", c, perm->id);
    return n > 0 && (size_t)n < buf_len;
}

unsigned int xs_count_strings(const char *strings, unsigned int len)
{
    unsigned int i, n = 0;

    for ( i = 0; i < len; i++ )
        if ( strings[i] == '\0' )
            n++;
    return n;
}

bool xs_path_is_subpath(const char *parent, const char *child)
{
    size_t n = strlen(parent);

    if ( strncmp(parent, child, n) )
        return false;
    /* "/" is the parent of every absolute path. */
    if ( n && parent[n - 1] == '/' )
        return true;
    return child[n] == '\0' || child[n] == '/';
}
