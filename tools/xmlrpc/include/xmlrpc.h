/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libxmlrpc: XML-RPC (xmlrpc.com spec, plus Python's <nil/> extension that
 * Xen's xend used) carried as HTTP/1.1 POST over a unix socket, the way
 * Xen 3.x's xend served xm on /var/run/xend/xmlrpc.sock.
 *
 * Values are a small tree (struct xmlrpc_value).  SXP expressions travel
 * as nested arrays whose atoms are strings: (domain (domid 1) (name a)) is
 * ["domain", ["domid", "1"], ["name", "a"]].  The sxp helpers below read
 * such trees.
 *
 * Every input from the wire is bounded (XMLRPC_MAX_*); malformed XML or
 * HTTP turns into an error or a fault, never a crash.
 * The protocol between xm and xend is docs/design/xend-xmlrpc.md.
 */
#ifndef KEEL_XMLRPC_H
#define KEEL_XMLRPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define XMLRPC_DEFAULT_SOCKET   "/var/run/xend/xmlrpc.sock"

/* Limits on what is accepted from the wire. */
#define XMLRPC_MAX_BODY         (16u << 20)  /* HTTP body, bytes */
#define XMLRPC_MAX_HEADER       8192u        /* HTTP header block, bytes */
#define XMLRPC_MAX_DEPTH        64u          /* nesting of arrays/structs */
#define XMLRPC_MAX_ITEMS        (1u << 20)   /* values in one document */
#define XMLRPC_MAX_METHOD       256u         /* method name length */

/* Fault codes, as Xen's xend (XendClient.py) numbered them. */
#define XMLRPC_FAULT_INTERNAL        1  /* xend bug or unexpected failure */
#define XMLRPC_FAULT_GENERIC         2  /* error with a message for the user */
#define XMLRPC_FAULT_INVALID_DOMAIN  3  /* faultString is the domain asked */
/* Protocol-level faults (xmlrpc-epi "specification for fault codes"). */
#define XMLRPC_FAULT_PARSE       (-32700)
#define XMLRPC_FAULT_INVALID     (-32600)
#define XMLRPC_FAULT_NO_METHOD   (-32601)
#define XMLRPC_FAULT_PARAMS      (-32602)

enum xmlrpc_type {
    XMLRPC_NIL,
    XMLRPC_INT,          /* <int>/<i4>, and <i8> when it fits */
    XMLRPC_BOOL,
    XMLRPC_DOUBLE,
    XMLRPC_STRING,
    XMLRPC_BASE64,       /* decoded bytes in str/len */
    XMLRPC_ARRAY,
    XMLRPC_STRUCT,
};

struct xmlrpc_member;

struct xmlrpc_value {
    enum xmlrpc_type type;
    int64_t i;                      /* INT, BOOL (0/1) */
    double d;                       /* DOUBLE */
    char *str;                      /* STRING, BASE64 (NUL-terminated) */
    size_t len;                     /* STRING, BASE64: bytes; ARRAY: items;
                                       STRUCT: members */
    size_t cap;
    struct xmlrpc_value **items;    /* ARRAY */
    struct xmlrpc_member *members;  /* STRUCT */
};

struct xmlrpc_member {
    char *name;
    struct xmlrpc_value *value;
};

/* Constructors.  They return NULL only when memory is exhausted. */
struct xmlrpc_value *xmlrpc_nil(void);
struct xmlrpc_value *xmlrpc_int(int64_t v);
struct xmlrpc_value *xmlrpc_bool(bool v);
struct xmlrpc_value *xmlrpc_double(double v);
struct xmlrpc_value *xmlrpc_string(const char *s);
struct xmlrpc_value *xmlrpc_string_len(const char *s, size_t len);
struct xmlrpc_value *xmlrpc_stringf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
struct xmlrpc_value *xmlrpc_base64(const void *data, size_t len);
struct xmlrpc_value *xmlrpc_array(void);
struct xmlrpc_value *xmlrpc_struct(void);
/* Append/set take ownership of v (freed on failure); return 0 or -1. */
int xmlrpc_array_append(struct xmlrpc_value *arr, struct xmlrpc_value *v);
int xmlrpc_struct_set(struct xmlrpc_value *st, const char *name,
                      struct xmlrpc_value *v);
/* An array of the given atoms (strings), NULL-terminated: an SXP pair
 * such as ("name", "a", NULL) -> ["name", "a"]. */
struct xmlrpc_value *xmlrpc_sxp(const char *first, ...)
    __attribute__((sentinel));
struct xmlrpc_value *xmlrpc_copy(const struct xmlrpc_value *v);
void xmlrpc_free(struct xmlrpc_value *v);
bool xmlrpc_equal(const struct xmlrpc_value *a, const struct xmlrpc_value *b);

/* Accessors (NULL-safe: a NULL or wrongly typed value gives NULL/false). */
struct xmlrpc_value *xmlrpc_array_get(const struct xmlrpc_value *arr,
                                      size_t i);
struct xmlrpc_value *xmlrpc_struct_get(const struct xmlrpc_value *st,
                                       const char *name);
const char *xmlrpc_type_name(enum xmlrpc_type t);

/*
 * SXP helpers over arrays-of-strings.  An atom is a STRING (INT, DOUBLE
 * and BOOL are accepted and shown as text, since older servers sent them).
 *   sxp_name(["domain", ...])            -> "domain"
 *   sxp_child(v, "image")                -> first child list named image
 *   sxp_child_value(v, "domid", "-1")    -> atom of (domid X), or default
 */
const char *xmlrpc_sxp_name(const struct xmlrpc_value *v);
const struct xmlrpc_value *xmlrpc_sxp_child(const struct xmlrpc_value *v,
                                            const char *name);
/* Text of an atom in buf (size >= 32 for numbers); NULL if not an atom. */
const char *xmlrpc_atom_text(const struct xmlrpc_value *v, char *buf,
                             size_t size);
/* The value of (name X) in v as text; def if absent or not an atom.
 * Uses buf for numbers. */
const char *xmlrpc_sxp_child_value(const struct xmlrpc_value *v,
                                   const char *name, const char *def,
                                   char *buf, size_t size);

/* Errors: a fault (code/message from the peer) or a local/transport one. */
enum xmlrpc_status {
    XMLRPC_OK = 0,
    XMLRPC_E_FAULT = 1,     /* the server answered with a fault */
    XMLRPC_E_SYSTEM = 2,    /* socket/memory error; sys_errno set */
    XMLRPC_E_PROTOCOL = 3,  /* the peer sent bad HTTP or XML */
};

struct xmlrpc_error {
    enum xmlrpc_status status;
    int code;               /* fault code (XMLRPC_E_FAULT) */
    int sys_errno;          /* errno (XMLRPC_E_SYSTEM) */
    char message[512];      /* fault string or what went wrong */
};

void xmlrpc_error_set(struct xmlrpc_error *err, enum xmlrpc_status st,
                      int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Encoding and decoding of documents (pure; used by client and server).
 * Encoders return a malloc'd NUL-terminated document or NULL (ENOMEM).
 * Decoders return 0 or -1 with err filled (status PROTOCOL, code one of
 * the XMLRPC_FAULT_* protocol codes).
 */
char *xmlrpc_encode_call(const char *method,
                         const struct xmlrpc_value *params, size_t *len);
char *xmlrpc_encode_response(const struct xmlrpc_value *result, size_t *len);
char *xmlrpc_encode_fault(int code, const char *message, size_t *len);
/* params becomes an ARRAY of the call's parameters; *method is malloc'd. */
int xmlrpc_decode_call(const char *doc, size_t len, char **method,
                       struct xmlrpc_value **params,
                       struct xmlrpc_error *err);
/* A fault response gives -1 with err->status = XMLRPC_E_FAULT. */
int xmlrpc_decode_response(const char *doc, size_t len,
                           struct xmlrpc_value **result,
                           struct xmlrpc_error *err);

/* Client. */
struct xmlrpc_client;
/* Connects to a unix socket path ("httpu://" prefix accepted, as in
 * Xen's XM_SERVER).  NULL with err set (E_SYSTEM, sys_errno) on failure. */
struct xmlrpc_client *xmlrpc_connect(const char *path,
                                     struct xmlrpc_error *err);
/* Timeout for each call's reply, in milliseconds (default 5 minutes:
 * xend's create can take a while). */
void xmlrpc_set_timeout(struct xmlrpc_client *c, int timeout_ms);
/*
 * Calls method with the arguments that follow, terminated by NULL.  The
 * arguments are consumed (freed), whatever the outcome.  On success
 * *result is the reply (free it with xmlrpc_free) and 0 is returned;
 * otherwise -1 with err filled.
 */
int xmlrpc_call(struct xmlrpc_client *c, struct xmlrpc_value **result,
                struct xmlrpc_error *err, const char *method, ...)
    __attribute__((sentinel));
/* Same, with the parameters as an ARRAY (not consumed). */
int xmlrpc_call_array(struct xmlrpc_client *c, const char *method,
                      const struct xmlrpc_value *params,
                      struct xmlrpc_value **result, struct xmlrpc_error *err);
void xmlrpc_close(struct xmlrpc_client *c);

/* Server. */
struct xmlrpc_server;
/*
 * A handler gets the call's parameters (an ARRAY) and either sets *result
 * and returns 0, or fills fault (code + message) and returns -1.
 */
typedef int (*xmlrpc_handler_fn)(void *opaque,
                                 const struct xmlrpc_value *params,
                                 struct xmlrpc_value **result,
                                 struct xmlrpc_error *fault);

/* A server with no socket (for xmlrpc_server_dispatch). */
struct xmlrpc_server *xmlrpc_server_new(void);
/* Binds and listens on a unix socket (mode 0600), replacing a stale
 * socket file.  Returns 0 or -1 with err set. */
int xmlrpc_server_listen(struct xmlrpc_server *s, const char *path,
                         struct xmlrpc_error *err);
int xmlrpc_server_register(struct xmlrpc_server *s, const char *method,
                           xmlrpc_handler_fn fn, void *opaque);
/* The listening socket, for poll() in the owner's main loop. */
int xmlrpc_server_fd(const struct xmlrpc_server *s);
/*
 * Waits up to timeout_ms (-1: forever) for a connection, then serves it
 * until the peer closes it (HTTP/1.1 keep-alive) or it stays idle for
 * the idle timeout.  Returns 1 if a connection was served, 0 on timeout,
 * -1 on error (errno set).
 */
int xmlrpc_server_handle(struct xmlrpc_server *s, int timeout_ms);
/* Serves HTTP requests on an accepted connection fd until EOF. */
void xmlrpc_server_serve_fd(struct xmlrpc_server *s, int fd);
/* Turns one request document into a response document (fault on any
 * error).  Returns a malloc'd document or NULL (ENOMEM). */
char *xmlrpc_server_dispatch(struct xmlrpc_server *s, const char *body,
                             size_t len, size_t *outlen);
/* Closes the socket and removes its file. */
void xmlrpc_server_free(struct xmlrpc_server *s);

#endif /* KEEL_XMLRPC_H */
