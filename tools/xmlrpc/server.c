/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XML-RPC server on a unix socket: a method table and a loop that serves
 * one connection at a time.  A daemon that needs concurrency polls
 * xmlrpc_server_fd(), accepts, and calls xmlrpc_server_serve_fd() from
 * its own threads; dispatch itself keeps no per-call state.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "http.h"
#include "xmlrpc.h"

/* How long a kept-alive connection may stay silent. */
#define IDLE_TIMEOUT_MS  10000

struct method {
    char *name;
    xmlrpc_handler_fn fn;
    void *opaque;
};

struct xmlrpc_server {
    int fd;
    char *path;
    struct method *methods;
    size_t nr, cap;
};

struct xmlrpc_server *xmlrpc_server_new(void)
{
    struct xmlrpc_server *s = calloc(1, sizeof(*s));

    if ( s )
        s->fd = -1;
    return s;
}

int xmlrpc_server_listen(struct xmlrpc_server *s, const char *path,
                         struct xmlrpc_error *err)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    struct stat st;
    int fd;

    if ( strlen(path) >= sizeof(sa.sun_path) || !*path )
    {
        errno = ENAMETOOLONG;
        xmlrpc_error_set(err, XMLRPC_E_SYSTEM, 0,
                         "socket path '%.100s' is empty or too long", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    /* Only a socket may be replaced: never unlink a user's file. */
    if ( lstat(path, &st) == 0 )
    {
        if ( !S_ISSOCK(st.st_mode) )
        {
            errno = EEXIST;
            xmlrpc_error_set(err, XMLRPC_E_SYSTEM, 0,
                             "%s exists and is not a socket", path);
            return -1;
        }
        unlink(path);
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if ( fd < 0 )
    {
        xmlrpc_error_set(err, XMLRPC_E_SYSTEM, 0, "socket: %s",
                         strerror(errno));
        return -1;
    }
    if ( bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
         chmod(path, 0600) < 0 || listen(fd, 16) < 0 )
    {
        int e = errno;

        close(fd);
        errno = e;
        xmlrpc_error_set(err, XMLRPC_E_SYSTEM, 0, "cannot listen on %s: %s",
                         path, strerror(e));
        return -1;
    }
    s->path = strdup(path);
    s->fd = fd;
    return 0;
}

int xmlrpc_server_register(struct xmlrpc_server *s, const char *method,
                           xmlrpc_handler_fn fn, void *opaque)
{
    size_t i;

    for ( i = 0; i < s->nr; i++ )
        if ( strcmp(s->methods[i].name, method) == 0 )
        {
            s->methods[i].fn = fn;
            s->methods[i].opaque = opaque;
            return 0;
        }
    if ( s->nr == s->cap )
    {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct method *m = realloc(s->methods, cap * sizeof(*m));

        if ( !m )
            return -1;
        s->methods = m;
        s->cap = cap;
    }
    s->methods[s->nr].name = strdup(method);
    if ( !s->methods[s->nr].name )
        return -1;
    s->methods[s->nr].fn = fn;
    s->methods[s->nr].opaque = opaque;
    s->nr++;
    return 0;
}

int xmlrpc_server_fd(const struct xmlrpc_server *s)
{
    return s->fd;
}

char *xmlrpc_server_dispatch(struct xmlrpc_server *s, const char *body,
                             size_t len, size_t *outlen)
{
    struct xmlrpc_value *params = NULL, *result = NULL;
    struct xmlrpc_error fault = { 0 };
    char *method = NULL, *out;
    size_t i;

    if ( xmlrpc_decode_call(body, len, &method, &params, &fault) )
        return xmlrpc_encode_fault(fault.code, fault.message, outlen);
    for ( i = 0; i < s->nr; i++ )
        if ( strcmp(s->methods[i].name, method) == 0 )
            break;
    if ( i == s->nr )
    {
        char msg[XMLRPC_MAX_METHOD + 64];

        /* Python's SimpleXMLRPCServer wording. */
        snprintf(msg, sizeof(msg), "method \"%s\" is not supported",
                 method);
        out = xmlrpc_encode_fault(XMLRPC_FAULT_NO_METHOD, msg, outlen);
    }
    else if ( s->methods[i].fn(s->methods[i].opaque, params, &result,
                               &fault) == 0 )
        out = xmlrpc_encode_response(result, outlen);
    else
    {
        if ( !fault.message[0] )
            snprintf(fault.message, sizeof(fault.message),
                     "%s failed without saying why", method);
        out = xmlrpc_encode_fault(fault.code ? fault.code :
                                  XMLRPC_FAULT_INTERNAL,
                                  fault.message, outlen);
    }
    xmlrpc_free(result);
    xmlrpc_free(params);
    free(method);
    return out;
}

static int send_reply(int fd, int status, const char *reason,
                      const char *body, size_t len, bool close_after)
{
    char head[256];
    int n;

    n = snprintf(head, sizeof(head),
                 "HTTP/1.1 %d %s\r\nServer: keel-xmlrpc/1\r\n"
                 "Content-Type: text/xml\r\nContent-Length: %zu\r\n"
                 "%s\r\n", status, reason, len,
                 close_after ? "Connection: close\r\n" : "");
    if ( http_write_all(fd, head, n) )
        return -1;
    return http_write_all(fd, body, len);
}

void xmlrpc_server_serve_fd(struct xmlrpc_server *s, int fd)
{
    for ( ;; )
    {
        struct http_msg m;
        char why[200], *out;
        size_t outlen = 0;
        enum http_rc rc;
        int sent;

        rc = http_read(fd, true, IDLE_TIMEOUT_MS, &m, why, sizeof(why));
        if ( rc == HTTP_BAD )
        {
            /* Answer in XML-RPC too, so any client can show why. */
            out = xmlrpc_encode_fault(XMLRPC_FAULT_INVALID, why, &outlen);
            if ( out )
                send_reply(fd, 400, "Bad Request", out, outlen, true);
            free(out);
            return;
        }
        if ( rc != HTTP_OK )
            return;
        if ( strcmp(m.method, "POST") != 0 )
        {
            snprintf(why, sizeof(why), "HTTP method %s: XML-RPC needs POST",
                     m.method);
            out = xmlrpc_encode_fault(XMLRPC_FAULT_INVALID, why, &outlen);
            if ( out )
                send_reply(fd, 405, "Method Not Allowed", out, outlen, true);
            free(out);
            http_msg_free(&m);
            return;
        }
        out = xmlrpc_server_dispatch(s, m.body, m.body_len, &outlen);
        http_msg_free(&m);
        if ( !out )
            return;
        sent = send_reply(fd, 200, "OK", out, outlen, m.close);
        free(out);
        if ( sent || m.close )
            return;
    }
}

int xmlrpc_server_handle(struct xmlrpc_server *s, int timeout_ms)
{
    struct pollfd p = { .fd = s->fd, .events = POLLIN };
    int n, c;

    if ( s->fd < 0 )
    {
        errno = EBADF;
        return -1;
    }
    n = poll(&p, 1, timeout_ms);
    if ( n < 0 )
        return errno == EINTR ? 0 : -1;
    if ( n == 0 )
        return 0;
    c = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);
    if ( c < 0 )
        return (errno == EINTR || errno == ECONNABORTED) ? 0 : -1;
    xmlrpc_server_serve_fd(s, c);
    close(c);
    return 1;
}

void xmlrpc_server_free(struct xmlrpc_server *s)
{
    size_t i;

    if ( !s )
        return;
    if ( s->fd >= 0 )
    {
        close(s->fd);
        if ( s->path )
            unlink(s->path);
    }
    for ( i = 0; i < s->nr; i++ )
        free(s->methods[i].name);
    free(s->methods);
    free(s->path);
    free(s);
}
