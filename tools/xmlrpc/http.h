/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The HTTP/1.1 subset XML-RPC needs (library-internal): one message with
 * a Content-Length body, read under a deadline and within size limits.
 */
#ifndef KEEL_XMLRPC_HTTP_H
#define KEEL_XMLRPC_HTTP_H

#include <stdbool.h>
#include <stddef.h>

struct http_msg {
    /* Request: method and target; response: status code and reason. */
    char method[16];
    char target[256];
    int status;
    char reason[64];
    int minor;              /* HTTP/1.<minor> */
    bool close;             /* "Connection: close", or HTTP/1.0 */
    char *body;             /* malloc'd, NUL-terminated */
    size_t body_len;
};

enum http_rc {
    HTTP_OK = 0,
    HTTP_EOF = 1,           /* peer closed before the first byte */
    HTTP_TIMEOUT = 2,
    HTTP_ERRNO = 3,         /* read failed: errno */
    HTTP_BAD = 4,           /* malformed or over a limit: why in err */
};

/*
 * Reads one request (is_request) or response from fd.  timeout_ms bounds
 * the wait for each chunk of data (-1: none).  On HTTP_BAD, err (of size
 * errlen) says what was wrong.
 */
enum http_rc http_read(int fd, bool is_request, int timeout_ms,
                       struct http_msg *m, char *err, size_t errlen);
void http_msg_free(struct http_msg *m);
/* Writes all of buf; 0 or -1 (errno).  Never raises SIGPIPE. */
int http_write_all(int fd, const char *buf, size_t len);

#endif /* KEEL_XMLRPC_HTTP_H */
