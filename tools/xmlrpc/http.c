/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * HTTP/1.1 message framing for XML-RPC over a unix socket.
 *
 * The header block is read one byte at a time so that nothing of a
 * following pipelined request is consumed; it is a few hundred bytes, and
 * the body is then read in one go from its Content-Length.  Chunked
 * transfer coding is refused: no XML-RPC implementation xend talked to
 * used it.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http.h"
#include "xmlrpc.h"

static enum http_rc bad(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum http_rc bad(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return HTTP_BAD;
}

static enum http_rc wait_readable(int fd, int timeout_ms)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int n;

    do
        n = poll(&p, 1, timeout_ms);
    while ( n < 0 && errno == EINTR );
    if ( n < 0 )
        return HTTP_ERRNO;
    return n == 0 ? HTTP_TIMEOUT : HTTP_OK;
}

/* Reads up to len bytes (at least one); 0 at EOF. */
static ssize_t read_some(int fd, void *p, size_t len, int timeout_ms,
                         enum http_rc *rc)
{
    ssize_t n;

    *rc = wait_readable(fd, timeout_ms);
    if ( *rc != HTTP_OK )
        return -1;
    do
        n = read(fd, p, len);
    while ( n < 0 && errno == EINTR );
    if ( n < 0 )
        *rc = HTTP_ERRNO;
    return n;
}

static char *skip_ws(char *s)
{
    while ( *s == ' ' || *s == '\t' )
        s++;
    return s;
}

static enum http_rc parse_start(char *line, bool is_request,
                                struct http_msg *m, char *err, size_t errlen)
{
    char *sp1, *sp2, *ver;

    sp1 = strchr(line, ' ');
    if ( !sp1 )
        return bad(err, errlen, "malformed HTTP start line");
    *sp1 = '\0';
    if ( is_request )
    {
        sp2 = strchr(sp1 + 1, ' ');
        if ( !sp2 )
            return bad(err, errlen, "malformed HTTP request line");
        *sp2 = '\0';
        if ( strlen(line) >= sizeof(m->method) ||
             strlen(sp1 + 1) >= sizeof(m->target) )
            return bad(err, errlen, "HTTP method or target too long");
        strcpy(m->method, line);
        strcpy(m->target, sp1 + 1);
        ver = sp2 + 1;
    }
    else
        ver = line;
    if ( strncmp(ver, "HTTP/1.", 7) || !isdigit((unsigned char)ver[7]) ||
         ver[8] )
        return bad(err, errlen, "not HTTP/1.x ('%.20s')", ver);
    m->minor = ver[7] - '0';
    m->close = m->minor == 0;
    if ( !is_request )
    {
        char *end;
        long st = strtol(sp1 + 1, &end, 10);

        if ( end == sp1 + 1 || st < 100 || st > 599 ||
             (*end && *end != ' ') )
            return bad(err, errlen, "malformed HTTP status line");
        m->status = (int)st;
        snprintf(m->reason, sizeof(m->reason), "%s",
                 *end ? end + 1 : "");
    }
    return HTTP_OK;
}

enum http_rc http_read(int fd, bool is_request, int timeout_ms,
                       struct http_msg *m, char *err, size_t errlen)
{
    char head[XMLRPC_MAX_HEADER + 1];
    size_t used = 0, got;
    long long clen = -1;
    enum http_rc rc;
    char *line, *next;
    bool first = true;

    memset(m, 0, sizeof(*m));
    err[0] = '\0';
    /* The header block, up to the empty line. */
    for ( ;; )
    {
        ssize_t n;

        if ( used == XMLRPC_MAX_HEADER )
            return bad(err, errlen, "HTTP header longer than %u bytes",
                       XMLRPC_MAX_HEADER);
        n = read_some(fd, head + used, 1, timeout_ms, &rc);
        if ( n < 0 )
            return rc;
        if ( n == 0 )
        {
            if ( used == 0 )
                return HTTP_EOF;
            return bad(err, errlen, "connection closed inside the HTTP "
                       "header");
        }
        if ( head[used] == '\0' )
            return bad(err, errlen, "NUL byte in the HTTP header");
        used++;
        if ( used >= 2 && head[used - 1] == '\n' &&
             (head[used - 2] == '\n' ||
              (used >= 4 && head[used - 2] == '\r' &&
               head[used - 3] == '\n')) )
            break;
    }
    head[used] = '\0';

    for ( line = head; *line; line = next )
    {
        char *colon, *val, *e;

        next = strchr(line, '\n');
        *next++ = '\0';
        e = line + strlen(line);
        if ( e > line && e[-1] == '\r' )
            *--e = '\0';
        if ( first )
        {
            first = false;
            rc = parse_start(line, is_request, m, err, errlen);
            if ( rc != HTTP_OK )
                return rc;
            continue;
        }
        if ( !*line )
            break;
        colon = strchr(line, ':');
        if ( !colon || colon == line )
            return bad(err, errlen, "malformed HTTP header line");
        *colon = '\0';
        val = skip_ws(colon + 1);
        while ( e > val && (e[-1] == ' ' || e[-1] == '\t') )
            *--e = '\0';
        if ( strcasecmp(line, "Content-Length") == 0 )
        {
            char *end;

            if ( clen >= 0 )
                return bad(err, errlen, "two Content-Length headers");
            errno = 0;
            clen = strtoll(val, &end, 10);
            if ( !isdigit((unsigned char)*val) || *end || errno )
                return bad(err, errlen, "bad Content-Length '%.20s'", val);
        }
        else if ( strcasecmp(line, "Transfer-Encoding") == 0 )
            return bad(err, errlen, "Transfer-Encoding '%.20s' is not "
                       "supported; send a Content-Length", val);
        else if ( strcasecmp(line, "Connection") == 0 )
        {
            if ( strcasecmp(val, "close") == 0 )
                m->close = true;
            else if ( strcasecmp(val, "keep-alive") == 0 )
                m->close = false;
        }
    }
    if ( first )
        return bad(err, errlen, "empty HTTP message");
    if ( clen < 0 )
        return bad(err, errlen, "HTTP message without Content-Length");
    if ( clen > XMLRPC_MAX_BODY )
        return bad(err, errlen, "HTTP body of %lld bytes exceeds the %u "
                   "byte limit", clen, XMLRPC_MAX_BODY);

    m->body = malloc(clen + 1);
    if ( !m->body )
        return HTTP_ERRNO;
    for ( got = 0; got < (size_t)clen; )
    {
        ssize_t n = read_some(fd, m->body + got, clen - got, timeout_ms,
                              &rc);

        if ( n <= 0 )
        {
            http_msg_free(m);
            if ( n < 0 )
                return rc;
            return bad(err, errlen, "connection closed after %zu of %lld "
                       "body bytes", got, clen);
        }
        got += n;
    }
    m->body[clen] = '\0';
    m->body_len = clen;
    return HTTP_OK;
}

void http_msg_free(struct http_msg *m)
{
    free(m->body);
    m->body = NULL;
    m->body_len = 0;
}

int http_write_all(int fd, const char *buf, size_t len)
{
    while ( len )
    {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

        if ( n < 0 )
        {
            if ( errno == EINTR )
                continue;
            return -1;
        }
        buf += n;
        len -= n;
    }
    return 0;
}
