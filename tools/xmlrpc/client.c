/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XML-RPC client over a unix socket (Xen's "httpu://" transport).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "http.h"
#include "xmlrpc.h"

struct xmlrpc_client {
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    int fd;
    int timeout_ms;
    bool used;              /* a reply already came on this connection */
};

static int open_socket(const char *path, struct xmlrpc_error *err)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd, e;

    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if ( fd < 0 )
    {
        xmlrpc_error_set(err, XMLRPC_E_SYSTEM, 0, "socket: %s",
                         strerror(errno));
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if ( connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 )
    {
        e = errno;
        close(fd);
        errno = e;
        /* Callers print this after "Unable to connect to xend: ". */
        xmlrpc_error_set(err, XMLRPC_E_SYSTEM, 0, "%s", strerror(e));
        return -1;
    }
    return fd;
}

struct xmlrpc_client *xmlrpc_connect(const char *path,
                                     struct xmlrpc_error *err)
{
    struct xmlrpc_client *c;

    if ( !path )
        path = XMLRPC_DEFAULT_SOCKET;
    if ( strncmp(path, "httpu://", 8) == 0 )
        path += 8;
    if ( strlen(path) >= sizeof(c->path) || !*path )
    {
        errno = ENAMETOOLONG;
        xmlrpc_error_set(err, XMLRPC_E_SYSTEM, 0,
                         "socket path '%.100s' is empty or too long", path);
        return NULL;
    }
    c = calloc(1, sizeof(*c));
    if ( !c )
    {
        xmlrpc_error_set(err, XMLRPC_E_SYSTEM, 0, "out of memory");
        return NULL;
    }
    strcpy(c->path, path);
    c->timeout_ms = 5 * 60 * 1000;
    c->fd = open_socket(c->path, err);
    if ( c->fd < 0 )
    {
        free(c);
        return NULL;
    }
    return c;
}

void xmlrpc_set_timeout(struct xmlrpc_client *c, int timeout_ms)
{
    c->timeout_ms = timeout_ms;
}

void xmlrpc_close(struct xmlrpc_client *c)
{
    if ( !c )
        return;
    if ( c->fd >= 0 )
        close(c->fd);
    free(c);
}

/* One request/response exchange; 1 means "connection was stale". */
static int exchange(struct xmlrpc_client *c, const char *req, size_t reqlen,
                    struct xmlrpc_value **result, struct xmlrpc_error *err)
{
    struct http_msg m;
    char why[200];
    enum http_rc rc;
    int ret;

    if ( http_write_all(c->fd, req, reqlen) )
    {
        if ( c->used && (errno == EPIPE || errno == ECONNRESET) )
            return 1;
        xmlrpc_error_set(err, XMLRPC_E_SYSTEM, 0, "%s", strerror(errno));
        return -1;
    }
    rc = http_read(c->fd, false, c->timeout_ms, &m, why, sizeof(why));
    switch ( rc )
    {
    case HTTP_OK:
        break;
    case HTTP_EOF:
        if ( c->used )
            return 1;
        xmlrpc_error_set(err, XMLRPC_E_PROTOCOL, 0,
                         "the server closed the connection without a reply");
        return -1;
    case HTTP_TIMEOUT:
        errno = ETIMEDOUT;
        xmlrpc_error_set(err, XMLRPC_E_SYSTEM, 0,
                         "no reply within %d ms", c->timeout_ms);
        return -1;
    case HTTP_ERRNO:
        if ( c->used && errno == ECONNRESET )
            return 1;
        xmlrpc_error_set(err, XMLRPC_E_SYSTEM, 0, "%s", strerror(errno));
        return -1;
    case HTTP_BAD:
        xmlrpc_error_set(err, XMLRPC_E_PROTOCOL, 0, "bad HTTP reply: %s",
                         why);
        return -1;
    }
    c->used = !m.close;
    ret = xmlrpc_decode_response(m.body, m.body_len, result, err);
    if ( ret && m.status != 200 && err->status == XMLRPC_E_PROTOCOL )
        xmlrpc_error_set(err, XMLRPC_E_PROTOCOL, 0, "HTTP status %d %s",
                         m.status, m.reason);
    http_msg_free(&m);
    if ( !c->used )
    {
        close(c->fd);
        c->fd = -1;
    }
    return ret ? -1 : 0;
}

int xmlrpc_call_array(struct xmlrpc_client *c, const char *method,
                      const struct xmlrpc_value *params,
                      struct xmlrpc_value **result, struct xmlrpc_error *err)
{
    char head[256], *body, *req;
    size_t blen, hlen;
    int rc, attempt;

    *result = NULL;
    memset(err, 0, sizeof(*err));
    body = xmlrpc_encode_call(method, params, &blen);
    if ( !body )
    {
        xmlrpc_error_set(err, XMLRPC_E_SYSTEM, 0, "out of memory");
        return -1;
    }
    hlen = snprintf(head, sizeof(head),
                    "POST /RPC2 HTTP/1.1\r\nHost: localhost\r\n"
                    "User-Agent: keel-xmlrpc/1\r\n"
                    "Content-Type: text/xml\r\nContent-Length: %zu\r\n\r\n",
                    blen);
    req = malloc(hlen + blen);
    if ( !req )
    {
        free(body);
        xmlrpc_error_set(err, XMLRPC_E_SYSTEM, 0, "out of memory");
        return -1;
    }
    memcpy(req, head, hlen);
    memcpy(req + hlen, body, blen);
    free(body);

    /*
     * A kept-alive connection may have been closed by the server since
     * the last reply; then, and only then, reconnect once and resend.
     */
    for ( attempt = 0; ; attempt++ )
    {
        if ( c->fd < 0 )
        {
            c->used = false;
            c->fd = open_socket(c->path, err);
            if ( c->fd < 0 )
            {
                rc = -1;
                break;
            }
        }
        rc = exchange(c, req, hlen + blen, result, err);
        if ( rc != 1 || attempt > 0 )
            break;
        close(c->fd);
        c->fd = -1;
    }
    if ( rc == 1 )
    {
        xmlrpc_error_set(err, XMLRPC_E_PROTOCOL, 0,
                         "the server closed the connection without a reply");
        rc = -1;
    }
    free(req);
    return rc;
}

int xmlrpc_call(struct xmlrpc_client *c, struct xmlrpc_value **result,
                struct xmlrpc_error *err, const char *method, ...)
{
    struct xmlrpc_value *params = xmlrpc_array(), *v;
    bool oom = !params;
    va_list ap;
    int rc;

    va_start(ap, method);
    while ( (v = va_arg(ap, struct xmlrpc_value *)) )
        if ( xmlrpc_array_append(params, v) )
            oom = true;
    va_end(ap);
    if ( oom )
    {
        xmlrpc_free(params);
        *result = NULL;
        xmlrpc_error_set(err, XMLRPC_E_SYSTEM, 0, "out of memory");
        return -1;
    }
    rc = xmlrpc_call_array(c, method, params, result, err);
    xmlrpc_free(params);
    return rc;
}
