/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xenstored: connections, the protocol's operations, watches and the
 * main loop.  Single-threaded: every request is handled to completion
 * before the next, so operations are atomic without locks.
 *
 * Unix socket clients are dom0's tools and are privileged (socket_ro
 * ones may only read); ring clients are the domains introduced by the
 * toolstack, and dom0's own kernel when xenstored finds its xenbus page.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <keel/daemon.h>

#include "xenstored.h"

/* A slow reader must not make the daemon grow without bound. */
#define OUTPUT_LIMIT (1024 * 1024)

static FILE *log_file;
FILE *xsd_trace_file;
static bool verbose;

void xsd_log_to(FILE *f)
{
    log_file = f;
}

void xsd_log(const char *fmt, ...)
{
    FILE *f = log_file ? log_file : stderr;
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    va_list ap;

    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S",
             gmtime_r(&now, &tm));
    fprintf(f, "[%s] xenstored: ", stamp);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fflush(f);
    if ( verbose && log_file )
    {
        fprintf(stderr, "xenstored: ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
}

/* ---- connections ---- */
struct outbuf
{
    char *data;
    size_t len, off;
    struct outbuf *next;
};

struct watch
{
    char *path;         /* absolute, or @introduceDomain/@releaseDomain */
    char *token;
    bool relative;      /* events report the path relative to the domain */
    struct watch *next;
};

struct conn
{
    bool is_ring;
    int fd;
    bool readonly;
    unsigned int domid;
    bool privileged;
    const struct ring_ops *rops;
    void *rdata;

    struct xsd_sockmsg hdr;
    size_t hdr_got;
    char *body;
    size_t body_got;
    uint64_t discard;           /* payload bytes of a refused message */

    struct outbuf *out_head, **out_tail;
    size_t out_bytes;
    bool dropped_logged;

    struct watch *watches;
    unsigned int nwatches;
    uint32_t next_txid;
    bool dead;
    struct conn *next;
};

static struct conn *conns;

static struct conn *conn_alloc(void)
{
    struct conn *c = calloc(1, sizeof(*c));

    if ( !c )
        return NULL;
    c->fd = -1;
    c->out_tail = &c->out_head;
    c->next = conns;
    conns = c;
    return c;
}

struct conn *conn_new_socket(int fd, bool readonly)
{
    struct conn *c = conn_alloc();

    if ( !c )
        return NULL;
    c->fd = fd;
    c->readonly = readonly;
    c->domid = 0;
    c->privileged = true;
    return c;
}

struct conn *conn_new_ring(unsigned int domid, void *ring_data,
                           const struct ring_ops *ops)
{
    struct conn *c = conn_alloc();

    if ( !c )
        return NULL;
    c->is_ring = true;
    c->domid = domid;
    c->privileged = domid == 0;
    c->rops = ops;
    c->rdata = ring_data;
    return c;
}

unsigned int conn_domid(const struct conn *c)
{
    return c->domid;
}

bool conn_privileged(const struct conn *c)
{
    return c->privileged;
}

bool conn_has_output(const struct conn *c)
{
    return c->out_head != NULL;
}

bool conn_wants_input(const struct conn *c)
{
    /* A client that does not read its replies is not read either. */
    return !c->dead && c->out_bytes <= OUTPUT_LIMIT;
}

bool conn_is_dead(const struct conn *c)
{
    return c->dead;
}

void conn_kill(struct conn *c)
{
    c->dead = true;
}

static void watch_free(struct watch *w)
{
    free(w->path);
    free(w->token);
    free(w);
}

void conn_free(struct conn *c)
{
    struct conn **pp;

    for ( pp = &conns; *pp; pp = &(*pp)->next )
        if ( *pp == c )
        {
            *pp = c->next;
            break;
        }
    while ( c->watches )
    {
        struct watch *w = c->watches;

        c->watches = w->next;
        watch_free(w);
    }
    while ( c->out_head )
    {
        struct outbuf *o = c->out_head;

        c->out_head = o->next;
        free(o->data);
        free(o);
    }
    txn_free_all(c);
    if ( c->is_ring )
        domain_conn_gone(c);
    if ( c->fd >= 0 )
        close(c->fd);
    free(c->body);
    free(c);
}

static const char *type_name(uint32_t type)
{
    static const char *const names[] = {
        "CONTROL", "DIRECTORY", "READ", "GET_PERMS", "WATCH", "UNWATCH",
        "TRANSACTION_START", "TRANSACTION_END", "INTRODUCE", "RELEASE",
        "GET_DOMAIN_PATH", "WRITE", "MKDIR", "RM", "SET_PERMS",
        "WATCH_EVENT", "ERROR", "IS_DOMAIN_INTRODUCED", "RESUME",
        "SET_TARGET", "RESTRICT", "RESET_WATCHES", "DIRECTORY_PART",
    };

    return type < sizeof(names) / sizeof(names[0]) ? names[type] : "?";
}

static void trace(const char *dir, const struct conn *c,
                  const struct xsd_sockmsg *h, const char *data)
{
    unsigned int i;

    if ( !xsd_trace_file )
        return;
    fprintf(xsd_trace_file, "%s %s%u %s (req %u, tx %u, %u bytes) \"",
            dir, c->is_ring ? "dom" : "sock", c->is_ring ? c->domid : 0,
            type_name(h->type), h->req_id, h->tx_id, h->len);
    for ( i = 0; data && i < h->len && i < 256; i++ )
        fputc(data[i] == '\0' ? ' ' : (data[i] < ' ' || data[i] > '~')
              ? '.' : data[i], xsd_trace_file);
    fputs("\"\n", xsd_trace_file);
    fflush(xsd_trace_file);
}

static void send_msg(struct conn *c, uint32_t type, uint32_t req_id,
                     uint32_t tx_id, const void *data, size_t len)
{
    struct xsd_sockmsg h = { type, req_id, tx_id, len };
    struct outbuf *o;

    if ( c->dead )
        return;
    if ( type == XS_WATCH_EVENT && c->out_bytes > OUTPUT_LIMIT )
    {
        if ( !c->dropped_logged )
            xsd_log("%s%u is not reading its replies: dropping its watch"
                    " events", c->is_ring ? "dom" : "socket client of dom",
                    c->domid);
        c->dropped_logged = true;
        return;
    }
    trace("OUT", c, &h, data);
    o = malloc(sizeof(*o));
    if ( !o || !(o->data = malloc(sizeof(h) + len)) )
    {
        free(o);
        xsd_log("out of memory queueing a reply: dropping the connection");
        conn_kill(c);
        return;
    }
    memcpy(o->data, &h, sizeof(h));
    memcpy(o->data + sizeof(h), data, len);
    o->len = sizeof(h) + len;
    o->off = 0;
    o->next = NULL;
    *c->out_tail = o;
    c->out_tail = &o->next;
    c->out_bytes += o->len;
    conn_flush(c);
}

void conn_flush(struct conn *c)
{
    while ( c->out_head && !c->dead )
    {
        struct outbuf *o = c->out_head;
        size_t want = o->len - o->off;
        ssize_t n;

        if ( c->is_ring )
            n = c->rops->write(c->rdata, o->data + o->off, want);
        else
        {
            n = send(c->fd, o->data + o->off, want,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
            if ( n < 0 && (errno == EAGAIN || errno == EINTR) )
                n = 0;
            else if ( n < 0 )
            {
                conn_kill(c);
                return;
            }
        }
        if ( n == 0 )
            return;
        o->off += n;
        c->out_bytes -= n;
        if ( o->off == o->len )
        {
            c->out_head = o->next;
            if ( !c->out_head )
                c->out_tail = &c->out_head;
            free(o->data);
            free(o);
        }
    }
    if ( !c->out_head )
        c->dropped_logged = false;
}

static void reply(struct conn *c, const struct xsd_sockmsg *req,
                  const void *data, size_t len)
{
    send_msg(c, req->type, req->req_id, req->tx_id, data, len);
}

static void reply_str(struct conn *c, const struct xsd_sockmsg *req,
                      const char *s)
{
    reply(c, req, s, strlen(s) + 1);
}

static void reply_error(struct conn *c, const struct xsd_sockmsg *req,
                        int err)
{
    const char *name = xs_error_name(err);

    send_msg(c, XS_ERROR, req->req_id, req->tx_id, name, strlen(name) + 1);
}

/* ---- watches ---- */
static void watch_event(struct conn *c, struct watch *w, const char *path)
{
    size_t lp, lt = strlen(w->token);
    char *buf;

    if ( w->relative )
    {
        char prefix[40];
        size_t n = snprintf(prefix, sizeof(prefix), "/local/domain/%u/",
                            c->domid);

        if ( !strncmp(path, prefix, n) )
            path += n;
    }
    lp = strlen(path);
    buf = malloc(lp + lt + 2);
    if ( !buf )
        return;
    memcpy(buf, path, lp + 1);
    memcpy(buf + lp + 1, w->token, lt + 1);
    send_msg(c, XS_WATCH_EVENT, 0, 0, buf, lp + lt + 2);
    free(buf);
}

void fire_watches(const char *path, bool recursive,
                  const struct xs_permissions *perms, unsigned int nperms)
{
    struct conn *c;
    struct watch *w;

    for ( c = conns; c; c = c->next )
    {
        if ( c->dead )
            continue;
        /* Nobody learns of changes to nodes they may not read. */
        if ( !(perms_for(c, perms, nperms) & XS_PERM_READ) )
            continue;
        for ( w = c->watches; w; w = w->next )
        {
            if ( xs_path_is_subpath(w->path, path) )
                watch_event(c, w, path);
            else if ( recursive && xs_path_is_subpath(path, w->path) )
                watch_event(c, w, w->path);
        }
    }
}

void fire_special(const char *name)
{
    struct conn *c;
    struct watch *w;

    for ( c = conns; c; c = c->next )
        for ( w = c->watches; w && !c->dead; w = w->next )
            if ( !strcmp(w->path, name) )
                watch_event(c, w, name);
}

/* ---- requests ---- */
static bool valid_chars(const char *p)
{
    for ( ; *p; p++ )
        if ( !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
               (*p >= '0' && *p <= '9') || *p == '-' || *p == '/' ||
               *p == '_' || *p == '@') )
            return false;
    return true;
}

/*
 * Make a client's path absolute (relative ones live under the domain's
 * home) and check it is a well-formed node name.  Returns malloc'd.
 */
static char *canon_path(struct conn *c, const char *in, bool allow_special)
{
    size_t len = strlen(in);
    char *out;

    if ( allow_special &&
         (!strcmp(in, "@introduceDomain") || !strcmp(in, "@releaseDomain")) )
        return strdup(in);
    if ( !len || !valid_chars(in) || strstr(in, "//") ||
         strchr(in, '@') ||
         (len > 1 && in[len - 1] == '/') )
        return NULL;
    if ( in[0] == '/' )
    {
        if ( len > XENSTORE_ABS_PATH_MAX )
            return NULL;
        return strdup(in);
    }
    if ( len > XENSTORE_REL_PATH_MAX )
        return NULL;
    if ( asprintf(&out, "/local/domain/%u/%s", c->domid, in) < 0 )
        return NULL;
    return out;
}

/* The payload as exactly n NUL-terminated strings, or -1. */
static int split_args(char *body, size_t len, const char **argv, int max)
{
    int n = 0;
    size_t i, start = 0;

    if ( len == 0 || body[len - 1] != '\0' )
        return -1;
    for ( i = 0; i < len; i++ )
        if ( body[i] == '\0' )
        {
            if ( n == max )
                return -1;
            argv[n++] = body + start;
            start = i + 1;
        }
    return n;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;

    if ( *s < '0' || *s > '9' )
        return false;
    errno = 0;
    v = strtoul(s, &end, 10);
    if ( *end || errno || v > max )
        return false;
    *out = v;
    return true;
}

static bool type_is_readonly(uint32_t type)
{
    switch ( type )
    {
    case XS_CONTROL: case XS_DIRECTORY: case XS_READ: case XS_GET_PERMS:
    case XS_WATCH: case XS_UNWATCH: case XS_TRANSACTION_START:
    case XS_TRANSACTION_END: case XS_GET_DOMAIN_PATH:
    case XS_IS_DOMAIN_INTRODUCED:
        return true;
    }
    return false;
}

static bool type_uses_txn(uint32_t type)
{
    switch ( type )
    {
    case XS_DIRECTORY: case XS_READ: case XS_GET_PERMS: case XS_WRITE:
    case XS_MKDIR: case XS_RM: case XS_SET_PERMS: case XS_TRANSACTION_END:
        return true;
    }
    return false;
}

static int do_watch(struct conn *c, const struct xsd_sockmsg *req,
                    const char **argv, int argc)
{
    struct watch *w;
    char *path;

    if ( argc < 2 )
        return EINVAL;
    path = canon_path(c, argv[0], true);
    if ( !path )
        return EINVAL;
    for ( w = c->watches; w; w = w->next )
        if ( !strcmp(w->path, path) && !strcmp(w->token, argv[1]) )
        {
            free(path);
            return EEXIST;
        }
    if ( !c->privileged && c->nwatches >= xsd_quota.watch_nb )
    {
        xsd_log("dom%u: watch on %s refused: %u watches is the quota"
                " (--watch-nb)", c->domid, path, xsd_quota.watch_nb);
        free(path);
        return E2BIG;
    }
    w = calloc(1, sizeof(*w));
    if ( !w || !(w->token = strdup(argv[1])) )
    {
        free(w);
        free(path);
        return ENOMEM;
    }
    w->path = path;
    w->relative = argv[0][0] != '/' && argv[0][0] != '@';
    w->next = c->watches;
    c->watches = w;
    c->nwatches++;
    reply_str(c, req, "OK");
    /* Every new watch fires once, so the client can read initial state. */
    watch_event(c, w, w->path);
    return 0;
}

static int do_unwatch(struct conn *c, const char **argv, int argc)
{
    struct watch **pp;
    char *path;

    if ( argc < 2 )
        return EINVAL;
    path = canon_path(c, argv[0], true);
    if ( !path )
        return EINVAL;
    for ( pp = &c->watches; *pp; pp = &(*pp)->next )
        if ( !strcmp((*pp)->path, path) && !strcmp((*pp)->token, argv[1]) )
        {
            struct watch *w = *pp;

            *pp = w->next;
            watch_free(w);
            c->nwatches--;
            free(path);
            return 0;
        }
    free(path);
    return ENOENT;
}

static void process(struct conn *c, struct xsd_sockmsg *req, char *body)
{
    const char *argv[XENSTORE_PAYLOAD_MAX / 2 + 1];
    int argc = split_args(body, req->len, argv,
                          sizeof(argv) / sizeof(argv[0]));
    struct txn *t = NULL;
    const struct node *n;
    char *path = NULL;
    unsigned long v1, v2, v3;
    int rc = 0;
    char buf[64];

    trace("IN ", c, req, body);

    if ( c->readonly && !type_is_readonly(req->type) )
    {
        rc = EROFS;
        goto out;
    }
    if ( req->tx_id && type_uses_txn(req->type) )
    {
        t = txn_find(c, req->tx_id);
        if ( !t )
        {
            rc = ENOENT;
            goto out;
        }
    }

    switch ( req->type )
    {
    case XS_READ:
    case XS_DIRECTORY:
    case XS_GET_PERMS:
    case XS_MKDIR:
    case XS_RM:
        if ( argc != 1 || !(path = canon_path(c, argv[0], false)) )
        {
            rc = EINVAL;
            break;
        }
        if ( req->type == XS_MKDIR )
        {
            rc = st_write(c, t, path, "", 0, true);
            break;
        }
        if ( req->type == XS_RM )
        {
            rc = st_rm(c, t, path);
            break;
        }
        n = st_get(t, path);
        if ( !n )
            rc = ENOENT;
        else if ( !(perm_for(c, n) & XS_PERM_READ) )
            rc = EACCES;
        else if ( req->type == XS_READ )
        {
            reply(c, req, n->value, n->vlen);
            goto done;
        }
        else
        {
            char out[XENSTORE_PAYLOAD_MAX];
            size_t len = 0;
            unsigned int i;

            if ( req->type == XS_DIRECTORY )
                for ( i = 0; i < n->nchildren && rc == 0; i++ )
                {
                    size_t l = strlen(n->children[i]) + 1;

                    if ( len + l > sizeof(out) )
                        rc = E2BIG;
                    else
                        memcpy(out + len, n->children[i], l);
                    len += l;
                }
            else
                for ( i = 0; i < n->nperms && rc == 0; i++ )
                {
                    if ( len + 16 > sizeof(out) )
                        rc = E2BIG;
                    else
                    {
                        xs_perm_to_string(&n->perms[i], out + len, 16);
                        len += strlen(out + len) + 1;
                    }
                }
            if ( rc == 0 )
            {
                reply(c, req, out, len);
                goto done;
            }
        }
        break;

    case XS_WRITE:
    {
        size_t plen = strnlen(body, req->len);

        /* path NUL value: the value may be empty and is not terminated. */
        if ( plen == req->len || !(path = canon_path(c, body, false)) )
        {
            rc = EINVAL;
            break;
        }
        rc = st_write(c, t, path, body + plen + 1, req->len - plen - 1,
                      false);
        break;
    }

    case XS_SET_PERMS:
    {
        struct xs_permissions perms[XENSTORE_PAYLOAD_MAX / 3];

        if ( argc < 2 || !(path = canon_path(c, argv[0], false)) ||
             !xs_strings_to_perms(perms, argc - 1, argv[1]) )
        {
            rc = EINVAL;
            break;
        }
        rc = st_set_perms(c, t, path, perms, argc - 1);
        break;
    }

    case XS_WATCH:
        rc = do_watch(c, req, argv, argc);
        if ( rc == 0 )
            goto done;
        break;

    case XS_UNWATCH:
        rc = do_unwatch(c, argv, argc);
        break;

    case XS_RESET_WATCHES:
        while ( c->watches )
        {
            struct watch *w = c->watches;

            c->watches = w->next;
            watch_free(w);
        }
        c->nwatches = 0;
        break;

    case XS_TRANSACTION_START:
        if ( req->tx_id )
        {
            rc = EBUSY;     /* no nesting */
            break;
        }
        if ( !c->privileged && txn_count(c) >= xsd_quota.transaction )
        {
            xsd_log("dom%u: transaction refused: %u open is the quota"
                    " (--transaction)", c->domid, xsd_quota.transaction);
            rc = ENOSPC;
            break;
        }
        do
            c->next_txid++;
        while ( c->next_txid == 0 || txn_find(c, c->next_txid) );
        if ( !txn_new(c, c->next_txid) )
        {
            rc = ENOMEM;
            break;
        }
        snprintf(buf, sizeof(buf), "%u", c->next_txid);
        reply_str(c, req, buf);
        goto done;

    case XS_TRANSACTION_END:
        if ( !t )
            rc = ENOENT;
        else if ( argc != 1 || (strcmp(argv[0], "T") &&
                                strcmp(argv[0], "F")) )
            rc = EINVAL;
        else
            rc = txn_end(t, argv[0][0] == 'T');
        break;

    case XS_INTRODUCE:
        if ( !c->privileged )
            rc = EACCES;
        else if ( argc < 3 || !parse_uint(argv[0], 0x7fef, &v1) ||
                  !parse_uint(argv[1], ~0UL, &v2) ||
                  !parse_uint(argv[2], 0xffffffffUL, &v3) )
            rc = EINVAL;
        else
            rc = domain_introduce(v1, v2, v3);
        break;

    case XS_RELEASE:
    case XS_RESUME:
    case XS_GET_DOMAIN_PATH:
    case XS_IS_DOMAIN_INTRODUCED:
        if ( argc != 1 || !parse_uint(argv[0], 0x7fef, &v1) )
        {
            rc = EINVAL;
            break;
        }
        if ( req->type == XS_GET_DOMAIN_PATH )
        {
            snprintf(buf, sizeof(buf), "/local/domain/%lu", v1);
            reply_str(c, req, buf);
            goto done;
        }
        if ( req->type == XS_IS_DOMAIN_INTRODUCED )
        {
            reply_str(c, req, domain_is_introduced(v1) ? "T" : "F");
            goto done;
        }
        if ( !c->privileged )
            rc = EACCES;
        else if ( req->type == XS_RELEASE )
            rc = domain_release(v1);
        else
            rc = domain_resume(v1);
        break;

    case XS_CONTROL:
        if ( argc >= 2 && !strcmp(argv[0], "print") )
            xsd_log("client: %s", argv[1]);
        else
            rc = EINVAL;
        break;

    default:
        xsd_log("%s%u sent unknown message type %u",
                c->is_ring ? "dom" : "socket client, dom", c->domid,
                req->type);
        rc = ENOSYS;
        break;
    }

 out:
    if ( rc )
        reply_error(c, req, rc);
    else
        reply_str(c, req, "OK");
 done:
    free(path);
}

void conn_feed(struct conn *c, const char *data, size_t len)
{
    while ( len && !c->dead )
    {
        size_t n;

        if ( c->discard )
        {
            n = len < c->discard ? len : c->discard;
            c->discard -= n;
            data += n;
            len -= n;
            continue;
        }
        if ( c->hdr_got < sizeof(c->hdr) )
        {
            n = sizeof(c->hdr) - c->hdr_got;
            if ( n > len )
                n = len;
            memcpy((char *)&c->hdr + c->hdr_got, data, n);
            c->hdr_got += n;
            data += n;
            len -= n;
            if ( c->hdr_got < sizeof(c->hdr) )
                break;
            if ( c->hdr.len > XENSTORE_PAYLOAD_MAX )
            {
                /* Refuse it but stay in step with the stream. */
                xsd_log("%s%u sent a %s message of %u bytes (the limit is"
                        " %u): refused with E2BIG", c->is_ring ? "dom" :
                        "socket client, dom", c->domid,
                        type_name(c->hdr.type), c->hdr.len,
                        XENSTORE_PAYLOAD_MAX);
                reply_error(c, &c->hdr, E2BIG);
                c->discard = c->hdr.len;
                c->hdr_got = 0;
                continue;
            }
            c->body = malloc(c->hdr.len + 1);
            if ( !c->body )
            {
                conn_kill(c);
                return;
            }
            c->body_got = 0;
        }
        n = c->hdr.len - c->body_got;
        if ( n > len )
            n = len;
        memcpy(c->body + c->body_got, data, n);
        c->body_got += n;
        data += n;
        len -= n;
        if ( c->body_got == c->hdr.len )
        {
            char *body = c->body;
            struct xsd_sockmsg hdr = c->hdr;

            c->body = NULL;
            c->hdr_got = 0;
            body[hdr.len] = '\0';
            process(c, &hdr, body);
            free(body);
        }
    }
}

/* ---- the daemon ---- */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    stop_requested = sig;
}

static int listen_on(const char *path, mode_t mode)
{
    struct sockaddr_un addr;
    int fd;

    if ( strlen(path) >= sizeof(addr.sun_path) )
    {
        xsd_log("socket path %s is too long for a unix socket", path);
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if ( fd < 0 )
        return -1;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, path);
    unlink(path);
    if ( bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
         chmod(path, mode) < 0 || listen(fd, 64) < 0 )
    {
        xsd_log("cannot listen on %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* A pid file that cannot be written is logged, not fatal (as before). */
static void write_pid_file(const char *path, pid_t pid)
{
    if ( path && kd_write_pid(path, pid) )
        xsd_log("cannot write pid file %s: %s", path, strerror(errno));
}

static void usage(FILE *f)
{
    fprintf(f,
"Usage: xenstored [options]\n"
"  -N, --no-fork            stay in the foreground\n"
"  -F, --pid-file FILE      write the daemon's pid to FILE\n"
"  -R, --socket-dir DIR     sockets in DIR (default /var/run/xenstored)\n"
"  -L, --log-file FILE      log to FILE (default"
" /var/log/xen/xenstored.log)\n"
"  -T, --trace-file FILE    trace every message to FILE\n"
"  -D, --no-domain-init     do not connect dom0's kernel xenbus\n"
"  -E, --entry-nb N         nodes a domain may own (default 1000)\n"
"  -S, --entry-size N       bytes in one node (default 2048)\n"
"  -W, --watch-nb N         watches of a domain (default 128)\n"
"  -t, --transaction N      open transactions of a domain (default 10)\n"
"      --fake-rings DIR     test backend: rings and event channels\n"
"                           emulated by files in DIR (no Xen needed)\n"
"  -V, --verbose            log to stderr too\n"
"  -h, --help               this text\n");
}

static bool opt_uint(const char *arg, const char *name, unsigned int *out)
{
    unsigned long v;

    if ( kd_parse_ulong("xenstored", name, arg, 0x7fffffff, &v) )
        return false;
    *out = v;
    return true;
}

int xenstored_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "no-fork", no_argument, NULL, 'N' },
        { "pid-file", required_argument, NULL, 'F' },
        { "socket-dir", required_argument, NULL, 'R' },
        { "log-file", required_argument, NULL, 'L' },
        { "trace-file", required_argument, NULL, 'T' },
        { "no-domain-init", no_argument, NULL, 'D' },
        { "entry-nb", required_argument, NULL, 'E' },
        { "entry-size", required_argument, NULL, 'S' },
        { "watch-nb", required_argument, NULL, 'W' },
        { "transaction", required_argument, NULL, 't' },
        { "fake-rings", required_argument, NULL, 'f' },
        { "verbose", no_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *pid_file = NULL, *sock_dir = XS_DEFAULT_RUNDIR;
    const char *log_path = "/var/log/xen/xenstored.log";
    const char *trace_path = NULL, *fake_dir = NULL;
    bool no_fork = false, dom0_init = true;
    char *sock_rw = NULL, *sock_ro = NULL;
    const struct backend *be;
    int lfd_rw = -1, lfd_ro = -1, opt, rc = 1;
    struct sigaction sa;
    sigset_t stop_sigs, wait_mask;
    struct pollfd *pfd = NULL;
    size_t npfd_max = 0;
    const struct timespec sweep_every = { 1, 0 };
    int ready;

    optind = 1;
    while ( (opt = getopt_long(argc, argv, "NF:R:L:T:DE:S:W:t:Vh", longopts,
                               NULL)) != -1 )
    {
        switch ( opt )
        {
        case 'N': no_fork = true; break;
        case 'F': pid_file = optarg; break;
        case 'R': sock_dir = optarg; break;
        case 'L': log_path = optarg; break;
        case 'T': trace_path = optarg; break;
        case 'D': dom0_init = false; break;
        case 'f': fake_dir = optarg; dom0_init = false; break;
        case 'V': verbose = true; break;
        case 'E':
            if ( !opt_uint(optarg, "--entry-nb", &xsd_quota.entry_nb) )
                return 1;
            break;
        case 'S':
            if ( !opt_uint(optarg, "--entry-size", &xsd_quota.entry_size) )
                return 1;
            break;
        case 'W':
            if ( !opt_uint(optarg, "--watch-nb", &xsd_quota.watch_nb) )
                return 1;
            break;
        case 't':
            if ( !opt_uint(optarg, "--transaction",
                           &xsd_quota.transaction) )
                return 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 1;
        }
    }
    if ( optind < argc )
    {
        fprintf(stderr, "xenstored: unexpected argument '%s'\n",
                argv[optind]);
        usage(stderr);
        return 1;
    }

    if ( strcmp(log_path, "-") )
    {
        kd_mkdir_parent(log_path);
        log_file = fopen(log_path, "a");
        if ( !log_file )
            fprintf(stderr, "xenstored: cannot open log file %s (%s):"
                    " logging to stderr\n", log_path, strerror(errno));
    }
    if ( trace_path )
    {
        xsd_trace_file = fopen(trace_path, "a");
        if ( !xsd_trace_file )
            xsd_log("cannot open trace file %s: %s", trace_path,
                    strerror(errno));
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    /* Delivered only inside ppoll(), so a stop request is never missed
     * between the loop's check and the wait. */
    sigemptyset(&stop_sigs);
    sigaddset(&stop_sigs, SIGTERM);
    sigaddset(&stop_sigs, SIGINT);
    sigprocmask(SIG_BLOCK, &stop_sigs, &wait_mask);
    sigdelset(&wait_mask, SIGTERM);
    sigdelset(&wait_mask, SIGINT);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);

    if ( kd_mkdir_p(sock_dir) < 0 )
    {
        xsd_log("cannot create the socket directory %s: %s", sock_dir,
                strerror(errno));
        fprintf(stderr, "xenstored: cannot create the socket directory %s:"
                " %s\n", sock_dir, strerror(errno));
        goto out;
    }
    if ( asprintf(&sock_rw, "%s/socket", sock_dir) < 0 ||
         asprintf(&sock_ro, "%s/socket_ro", sock_dir) < 0 )
        goto out;
    lfd_rw = listen_on(sock_rw, 0600);
    lfd_ro = listen_on(sock_ro, 0660);
    if ( lfd_rw < 0 || lfd_ro < 0 )
    {
        fprintf(stderr, "xenstored: cannot listen on %s: %s (see the log"
                " %s)\n", sock_rw, strerror(errno), log_path);
        goto out;
    }

    store_init();
    be = fake_dir ? backend_fake_open(fake_dir) : &backend_xen;
    if ( !be || domain_init(be, dom0_init) < 0 )
    {
        fprintf(stderr, "xenstored: cannot set up the %s backend\n",
                fake_dir ? "fake-rings" : "Xen");
        goto out_store;
    }

    if ( !no_fork )
    {
        pid_t pid = fork();

        if ( pid < 0 )
            goto out_domain;
        if ( pid > 0 )
        {
            /* The sockets exist and the pid file is written before the
             * parent returns: scripts may go on at once. */
            write_pid_file(pid_file, pid);
            _exit(0);
        }
        setsid();
    }
    else
        write_pid_file(pid_file, getpid());
    xsd_log("started, pid %d, sockets %s and %s, %s backend", (int)getpid(),
            sock_rw, sock_ro, be->name);

    while ( !stop_requested )
    {
        size_t np = 0, nconns = 0;
        struct conn *c, *next;
        int bfd = domain_backend_fd();

        for ( c = conns; c; c = c->next )
            nconns++;
        if ( nconns + 3 > npfd_max )
        {
            npfd_max = (nconns + 3) * 2;
            free(pfd);
            pfd = malloc(npfd_max * sizeof(*pfd));
            if ( !pfd )
                break;
        }
        pfd[np++] = (struct pollfd){ lfd_rw, POLLIN, 0 };
        pfd[np++] = (struct pollfd){ lfd_ro, POLLIN, 0 };
        pfd[np++] = (struct pollfd){ bfd, POLLIN, 0 };
        for ( c = conns; c; c = c->next )
            if ( !c->is_ring )
                pfd[np++] = (struct pollfd){ c->fd,
                    (conn_wants_input(c) ? POLLIN : 0) |
                    (c->out_head ? POLLOUT : 0), 0 };

        /* With guests to serve, wake up now and then for domain_sweep. */
        if ( (ready = ppoll(pfd, np, domain_any_introduced() ?
                                         &sweep_every : NULL,
                            &wait_mask)) < 0 )
        {
            if ( errno == EINTR )
                continue;
            xsd_log("poll failed: %s", strerror(errno));
            break;
        }
        if ( ready == 0 )
            domain_sweep();
        for ( size_t i = 0; i < 2; i++ )
            if ( pfd[i].revents & POLLIN )
            {
                int fd = accept4(pfd[i].fd, NULL, NULL,
                                 SOCK_CLOEXEC | SOCK_NONBLOCK);

                if ( fd >= 0 && !conn_new_socket(fd, i == 1) )
                    close(fd);
            }
        if ( pfd[2].revents & POLLIN )
            domain_handle_events();
        for ( size_t i = 3; i < np; i++ )
        {
            if ( !pfd[i].revents )
                continue;
            for ( c = conns; c && c->fd != pfd[i].fd; c = c->next )
                ;
            if ( !c || c->is_ring || c->dead )
                continue;
            if ( pfd[i].revents & POLLOUT )
                conn_flush(c);
            if ( pfd[i].revents & (POLLIN | POLLHUP | POLLERR) )
            {
                char buf[4096];
                ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

                if ( n > 0 )
                    conn_feed(c, buf, n);
                else if ( n == 0 || (errno != EAGAIN && errno != EINTR) )
                    conn_kill(c);
            }
        }
        for ( c = conns; c; c = next )
        {
            next = c->next;
            if ( c->dead )
                conn_free(c);
        }
    }
    if ( stop_requested )
        xsd_log("signal %d: exiting", (int)stop_requested);
    rc = 0;
    free(pfd);

 out_domain:
    while ( conns )
        conn_free(conns);
    domain_fini();
 out_store:
    store_fini();
 out:
    if ( lfd_rw >= 0 )
    {
        close(lfd_rw);
        unlink(sock_rw);
    }
    if ( lfd_ro >= 0 )
    {
        close(lfd_ro);
        unlink(sock_ro);
    }
    if ( pid_file && rc == 0 )
        unlink(pid_file);
    free(sock_rw);
    free(sock_ro);
    if ( xsd_trace_file )
        fclose(xsd_trace_file);
    xsd_trace_file = NULL;
    if ( log_file )
        fclose(log_file);
    log_file = NULL;
    return rc;
}
