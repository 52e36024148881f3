/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libxenstore: talks the xenstore wire protocol to xenstored over its
 * unix socket or the kernel's /dev/xen/xenbus (same framing on both).
 *
 * One request is in flight per handle.  Until the first watch, the
 * caller's thread reads its own reply; watch events met on the way are
 * queued.  From the first xs_watch() on, a reader thread owns the file
 * descriptor, because events may arrive at any time and xs_fileno()
 * must become readable without anybody calling into the library: replies
 * are handed to the waiting caller, events go to the queue and a byte
 * into the pipe whose read end xs_fileno() returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "xenstore.h"

struct xs_msg
{
    struct xsd_sockmsg hdr;
    char *body;                 /* hdr.len bytes plus a NUL */
    struct xs_msg *next;
};

struct xs_handle
{
    int fd;
    bool is_socket;
    uint32_t next_req_id;

    pthread_mutex_t request_mutex;      /* one request at a time */

    pthread_mutex_t mutex;              /* everything below */
    pthread_cond_t reply_cond;
    pthread_cond_t watch_cond;
    struct xs_msg *reply;               /* from the reader thread */
    struct xs_msg *watch_head, **watch_tail;
    int watch_pipe[2];
    bool reader_running;
    pthread_t reader;
    int dead_errno;                     /* nonzero once the fd failed */
};

static int connect_socket(const char *path)
{
    struct sockaddr_un addr;
    int fd;

    if ( strlen(path) >= sizeof(addr.sun_path) )
    {
        errno = ENAMETOOLONG;
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if ( fd < 0 )
        return -1;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    strcpy(addr.sun_path, path);
    if ( connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 )
    {
        int e = errno;

        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static struct xs_handle *handle_new(int fd, bool is_socket)
{
    struct xs_handle *h = calloc(1, sizeof(*h));

    if ( !h )
        return NULL;
    h->fd = fd;
    h->is_socket = is_socket;
    h->watch_tail = &h->watch_head;
    if ( pipe2(h->watch_pipe, O_CLOEXEC | O_NONBLOCK) < 0 )
    {
        free(h);
        return NULL;
    }
    pthread_mutex_init(&h->request_mutex, NULL);
    pthread_mutex_init(&h->mutex, NULL);
    pthread_cond_init(&h->reply_cond, NULL);
    pthread_cond_init(&h->watch_cond, NULL);
    return h;
}

struct xs_handle *xs_open(unsigned long flags)
{
    const char *path = (flags & XS_OPEN_READONLY) ? xs_daemon_socket_ro()
                                                  : xs_daemon_socket();
    struct xs_handle *h;
    int fd, e;

    fd = connect_socket(path);
    if ( fd >= 0 )
    {
        h = handle_new(fd, true);
        if ( !h )
            close(fd);
        return h;
    }
    if ( flags & XS_OPEN_SOCKETONLY )
        return NULL;
    e = errno;
    fd = open(xs_domain_dev(), O_RDWR | O_CLOEXEC);
    if ( fd < 0 )
    {
        /* The socket's error is the more useful one to report. */
        errno = e;
        return NULL;
    }
    h = handle_new(fd, false);
    if ( !h )
        close(fd);
    return h;
}

struct xs_handle *xs_daemon_open(void)
{
    return xs_open(0);
}

struct xs_handle *xs_daemon_open_readonly(void)
{
    return xs_open(XS_OPEN_READONLY);
}

struct xs_handle *xs_domain_open(void)
{
    int fd = open(xs_domain_dev(), O_RDWR | O_CLOEXEC);
    struct xs_handle *h;

    if ( fd < 0 )
        return NULL;
    h = handle_new(fd, false);
    if ( !h )
        close(fd);
    return h;
}

static void free_msgs(struct xs_msg *m)
{
    while ( m )
    {
        struct xs_msg *n = m->next;

        free(m->body);
        free(m);
        m = n;
    }
}

void xs_close(struct xs_handle *h)
{
    if ( !h )
        return;
    if ( h->reader_running )
    {
        /*
         * A shut-down socket ends the reader's read() cleanly; the
         * xenbus device cannot be shut down, but the reader only blocks
         * in read(), a cancellation point.
         */
        if ( !h->is_socket || shutdown(h->fd, SHUT_RDWR) < 0 )
            pthread_cancel(h->reader);
        pthread_join(h->reader, NULL);
    }
    close(h->fd);
    close(h->watch_pipe[0]);
    close(h->watch_pipe[1]);
    free_msgs(h->reply);
    free_msgs(h->watch_head);
    pthread_mutex_destroy(&h->request_mutex);
    pthread_mutex_destroy(&h->mutex);
    pthread_cond_destroy(&h->reply_cond);
    pthread_cond_destroy(&h->watch_cond);
    free(h);
}

void xs_daemon_close(struct xs_handle *h)
{
    xs_close(h);
}

static int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;

    while ( len )
    {
        ssize_t n = read(fd, p, len);

        if ( n < 0 && errno == EINTR )
            continue;
        if ( n < 0 )
            return -1;
        if ( n == 0 )
        {
            errno = ECONNRESET;
            return -1;
        }
        p += n;
        len -= n;
    }
    return 0;
}

static int write_all(struct xs_handle *h, const void *buf, size_t len)
{
    const char *p = buf;

    while ( len )
    {
        ssize_t n = h->is_socket ? send(h->fd, p, len, MSG_NOSIGNAL)
                                 : write(h->fd, p, len);

        if ( n < 0 && errno == EINTR )
            continue;
        if ( n < 0 )
            return -1;
        p += n;
        len -= n;
    }
    return 0;
}

static struct xs_msg *read_msg(int fd)
{
    struct xs_msg *m = calloc(1, sizeof(*m));

    if ( !m )
        return NULL;
    if ( read_all(fd, &m->hdr, sizeof(m->hdr)) )
        goto fail;
    if ( m->hdr.len > XENSTORE_PAYLOAD_MAX )
    {
        /* The stream cannot be trusted any more. */
        errno = EBADMSG;
        goto fail;
    }
    m->body = malloc(m->hdr.len + 1);
    if ( !m->body )
        goto fail;
    if ( read_all(fd, m->body, m->hdr.len) )
        goto fail;
    m->body[m->hdr.len] = '\0';
    return m;

 fail:
    free(m->body);
    free(m);
    return NULL;
}

/* Called with h->mutex held. */
static void queue_watch(struct xs_handle *h, struct xs_msg *m)
{
    char c = 'w';

    m->next = NULL;
    *h->watch_tail = m;
    h->watch_tail = &m->next;
    if ( write(h->watch_pipe[1], &c, 1) < 0 )
    {
        /* Pipe full: it is readable already, which is all we need. */
    }
    pthread_cond_broadcast(&h->watch_cond);
}

static void *reader_thread(void *arg)
{
    struct xs_handle *h = arg;

    for ( ;; )
    {
        struct xs_msg *m = read_msg(h->fd);

        pthread_mutex_lock(&h->mutex);
        if ( !m )
        {
            h->dead_errno = errno ? errno : EIO;
            pthread_cond_broadcast(&h->reply_cond);
            pthread_cond_broadcast(&h->watch_cond);
            pthread_mutex_unlock(&h->mutex);
            return NULL;
        }
        if ( m->hdr.type == XS_WATCH_EVENT )
            queue_watch(h, m);
        else
        {
            free_msgs(h->reply);
            h->reply = m;
            pthread_cond_broadcast(&h->reply_cond);
        }
        pthread_mutex_unlock(&h->mutex);
    }
}

/* Called with request_mutex held, so no reply is being read directly. */
static int start_reader(struct xs_handle *h)
{
    int rc = 0;

    pthread_mutex_lock(&h->mutex);
    if ( !h->reader_running )
    {
        rc = pthread_create(&h->reader, NULL, reader_thread, h);
        if ( rc == 0 )
            h->reader_running = true;
    }
    pthread_mutex_unlock(&h->mutex);
    if ( rc )
    {
        errno = rc;
        return -1;
    }
    return 0;
}

static struct xs_msg *get_reply(struct xs_handle *h)
{
    struct xs_msg *m;

    if ( h->reader_running )
    {
        pthread_mutex_lock(&h->mutex);
        while ( !h->reply && !h->dead_errno )
            pthread_cond_wait(&h->reply_cond, &h->mutex);
        m = h->reply;
        h->reply = NULL;
        if ( !m )
            errno = h->dead_errno;
        pthread_mutex_unlock(&h->mutex);
        return m;
    }
    for ( ;; )
    {
        m = read_msg(h->fd);
        if ( !m )
            return NULL;
        if ( m->hdr.type != XS_WATCH_EVENT )
            return m;
        pthread_mutex_lock(&h->mutex);
        queue_watch(h, m);
        pthread_mutex_unlock(&h->mutex);
    }
}

/*
 * Send one request made of iovecs; return the reply's payload (malloc'd,
 * NUL-terminated) and its length, or NULL with errno set.
 */
static char *xs_talkv(struct xs_handle *h, xs_transaction_t t,
                      enum xsd_sockmsg_type type, const struct iovec *iov,
                      unsigned int num, unsigned int *len)
{
    struct xsd_sockmsg hdr = { .type = type, .tx_id = t };
    struct xs_msg *m;
    char *buf, *p, *body;
    unsigned int i;
    size_t total = 0;

    if ( !h )
    {
        errno = EINVAL;
        return NULL;
    }
    for ( i = 0; i < num; i++ )
        total += iov[i].iov_len;
    if ( total > XENSTORE_PAYLOAD_MAX )
    {
        errno = E2BIG;
        return NULL;
    }
    buf = malloc(sizeof(hdr) + total);
    if ( !buf )
        return NULL;

    pthread_mutex_lock(&h->request_mutex);
    hdr.req_id = h->next_req_id++;
    hdr.len = total;
    memcpy(buf, &hdr, sizeof(hdr));
    p = buf + sizeof(hdr);
    for ( i = 0; i < num; i++ )
    {
        memcpy(p, iov[i].iov_base, iov[i].iov_len);
        p += iov[i].iov_len;
    }
    if ( h->dead_errno )
    {
        errno = h->dead_errno;
        m = NULL;
    }
    else if ( write_all(h, buf, sizeof(hdr) + total) )
    {
        /* Report a vanished daemon the same way on write as on read. */
        if ( errno == EPIPE )
            errno = ECONNRESET;
        m = NULL;
    }
    else
        m = get_reply(h);
    pthread_mutex_unlock(&h->request_mutex);
    free(buf);
    if ( !m )
        return NULL;

    if ( m->hdr.type == XS_ERROR )
    {
        int e = xs_error_from_name(m->body);

        free_msgs(m);
        errno = e;
        return NULL;
    }
    if ( m->hdr.type != type )
    {
        free_msgs(m);
        errno = EBADMSG;
        return NULL;
    }
    body = m->body;
    if ( len )
        *len = m->hdr.len;
    free(m);
    return body;
}

static char *xs_single(struct xs_handle *h, xs_transaction_t t,
                       enum xsd_sockmsg_type type, const char *str,
                       unsigned int *len)
{
    struct iovec iov = { (void *)str, strlen(str) + 1 };

    return xs_talkv(h, t, type, &iov, 1, len);
}

static bool xs_bool(char *reply)
{
    if ( !reply )
        return false;
    free(reply);
    return true;
}

/* Turn a block of NUL-terminated strings into a one-allocation vector. */
static char **split_strings(char *strings, unsigned int len,
                            unsigned int *num)
{
    unsigned int n = xs_count_strings(strings, len), i;
    char **vec;
    char *copy, *p;

    vec = malloc((n + 1) * sizeof(char *) + len);
    if ( !vec )
        return NULL;
    copy = (char *)(vec + n + 1);
    memcpy(copy, strings, len);
    for ( i = 0, p = copy; i < n; i++, p += strlen(p) + 1 )
        vec[i] = p;
    vec[n] = NULL;
    *num = n;
    return vec;
}

char **xs_directory(struct xs_handle *h, xs_transaction_t t,
                    const char *path, unsigned int *num)
{
    unsigned int len, n;
    char *s = xs_single(h, t, XS_DIRECTORY, path, &len);
    char **vec;

    if ( !s )
        return NULL;
    vec = split_strings(s, len, &n);
    free(s);
    if ( vec && num )
        *num = n;
    return vec;
}

void *xs_read(struct xs_handle *h, xs_transaction_t t,
              const char *path, unsigned int *len)
{
    return xs_single(h, t, XS_READ, path, len);
}

bool xs_write(struct xs_handle *h, xs_transaction_t t,
              const char *path, const void *data, unsigned int len)
{
    struct iovec iov[2] = {
        { (void *)path, strlen(path) + 1 },
        { (void *)data, len },
    };

    return xs_bool(xs_talkv(h, t, XS_WRITE, iov, 2, NULL));
}

bool xs_mkdir(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    return xs_bool(xs_single(h, t, XS_MKDIR, path, NULL));
}

bool xs_rm(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    return xs_bool(xs_single(h, t, XS_RM, path, NULL));
}

struct xs_permissions *xs_get_permissions(struct xs_handle *h,
                                          xs_transaction_t t,
                                          const char *path,
                                          unsigned int *num)
{
    unsigned int len, n;
    char *s = xs_single(h, t, XS_GET_PERMS, path, &len);
    struct xs_permissions *perms;

    if ( !s )
        return NULL;
    n = xs_count_strings(s, len);
    perms = n ? malloc(n * sizeof(*perms)) : NULL;
    if ( !perms )
    {
        free(s);
        errno = n ? ENOMEM : EINVAL;
        return NULL;
    }
    if ( !xs_strings_to_perms(perms, n, s) )
    {
        free(perms);
        perms = NULL;
    }
    else if ( num )
        *num = n;
    free(s);
    return perms;
}

bool xs_set_permissions(struct xs_handle *h, xs_transaction_t t,
                        const char *path, struct xs_permissions *perms,
                        unsigned int num_perms)
{
    struct iovec *iov;
    char (*bufs)[16];
    unsigned int i;
    bool ok = false;

    iov = calloc(num_perms + 1, sizeof(*iov));
    bufs = calloc(num_perms + 1, sizeof(*bufs));
    if ( !iov || !bufs )
        goto out;
    iov[0].iov_base = (void *)path;
    iov[0].iov_len = strlen(path) + 1;
    for ( i = 0; i < num_perms; i++ )
    {
        if ( !xs_perm_to_string(&perms[i], bufs[i], sizeof(bufs[i])) )
        {
            errno = EINVAL;
            goto out;
        }
        iov[i + 1].iov_base = bufs[i];
        iov[i + 1].iov_len = strlen(bufs[i]) + 1;
    }
    ok = xs_bool(xs_talkv(h, t, XS_SET_PERMS, iov, num_perms + 1, NULL));
 out:
    free(iov);
    free(bufs);
    return ok;
}

/* A request's bytes appended to *buf (grown as needed); -1 if too big
 * or out of memory. */
static int batch_add(char **buf, size_t *len, size_t *cap, uint32_t type,
                     uint32_t req_id, xs_transaction_t t,
                     const struct iovec *iov, unsigned int num)
{
    struct xsd_sockmsg hdr = { .type = type, .req_id = req_id, .tx_id = t };
    size_t total = 0, need;
    unsigned int i;

    for ( i = 0; i < num; i++ )
        total += iov[i].iov_len;
    if ( total > XENSTORE_PAYLOAD_MAX )
    {
        errno = E2BIG;
        return -1;
    }
    need = *len + sizeof(hdr) + total;
    if ( need > *cap )
    {
        size_t c = *cap ? *cap : 4096;
        char *p;

        while ( c < need )
            c *= 2;
        p = realloc(*buf, c);
        if ( !p )
            return -1;
        *buf = p;
        *cap = c;
    }
    hdr.len = total;
    memcpy(*buf + *len, &hdr, sizeof(hdr));
    *len += sizeof(hdr);
    for ( i = 0; i < num; i++ )
    {
        memcpy(*buf + *len, iov[i].iov_base, iov[i].iov_len);
        *len += iov[i].iov_len;
    }
    return 0;
}

static bool batch_one_by_one(struct xs_handle *h, xs_transaction_t t,
                             const struct xs_batch_op *ops, unsigned int num,
                             unsigned int *failed)
{
    unsigned int i;
    int err = 0;
    bool ok = true;

    for ( i = 0; i < num; i++ )
    {
        bool r = true;

        if ( ops[i].value )
            r = xs_write(h, t, ops[i].path, ops[i].value, ops[i].len);
        if ( r && ops[i].num_perms )
            r = xs_set_permissions(h, t, ops[i].path,
                                   (struct xs_permissions *)ops[i].perms,
                                   ops[i].num_perms);
        if ( !r && ok )
        {
            ok = false;
            err = errno;
            if ( failed )
                *failed = i;
        }
    }
    if ( !ok )
        errno = err;
    return ok;
}

bool xs_write_batch(struct xs_handle *h, xs_transaction_t t,
                    const struct xs_batch_op *ops, unsigned int num,
                    unsigned int *failed)
{
    char *buf = NULL, pbuf[8][16];
    size_t len = 0, cap = 0;
    unsigned int i, j, sent = 0, *owner = NULL;
    int err = 0;
    bool ok = true;

    if ( !h )
    {
        errno = EINVAL;
        return false;
    }
    if ( !h->is_socket || h->reader_running )
        return batch_one_by_one(h, t, ops, num, failed);
    owner = calloc(2 * num + 1, sizeof(*owner));
    if ( !owner )
        return false;

    pthread_mutex_lock(&h->request_mutex);
    for ( i = 0; i < num; i++ )
    {
        struct iovec iov[9];

        if ( ops[i].value )
        {
            iov[0] = (struct iovec){ (void *)ops[i].path,
                                     strlen(ops[i].path) + 1 };
            iov[1] = (struct iovec){ (void *)ops[i].value, ops[i].len };
            if ( batch_add(&buf, &len, &cap, XS_WRITE, h->next_req_id++, t,
                           iov, 2) )
                goto local_fail;
            owner[sent++] = i;
        }
        if ( ops[i].num_perms )
        {
            if ( ops[i].num_perms > 8 )
            {
                errno = E2BIG;
                goto local_fail;
            }
            iov[0] = (struct iovec){ (void *)ops[i].path,
                                     strlen(ops[i].path) + 1 };
            for ( j = 0; j < ops[i].num_perms; j++ )
            {
                if ( !xs_perm_to_string(&ops[i].perms[j], pbuf[j],
                                        sizeof(pbuf[j])) )
                {
                    errno = EINVAL;
                    goto local_fail;
                }
                iov[j + 1] = (struct iovec){ pbuf[j], strlen(pbuf[j]) + 1 };
            }
            if ( batch_add(&buf, &len, &cap, XS_SET_PERMS, h->next_req_id++,
                           t, iov, ops[i].num_perms + 1) )
                goto local_fail;
            owner[sent++] = i;
        }
        continue;

 local_fail:
        /* Nothing sent yet: report this op, send nothing. */
        pthread_mutex_unlock(&h->request_mutex);
        err = errno;
        free(buf);
        free(owner);
        if ( failed )
            *failed = i;
        errno = err;
        return false;
    }
    if ( h->dead_errno )
    {
        err = h->dead_errno;
        ok = false;
        sent = 0;
    }
    else if ( sent && write_all(h, buf, len) )
    {
        /* The stream is broken: nothing can be read back in step. */
        err = errno == EPIPE ? ECONNRESET : errno;
        h->dead_errno = err;
        ok = false;
        sent = 0;
    }
    if ( !ok && failed )
        *failed = 0;
    for ( i = 0; i < sent; i++ )
    {
        struct xs_msg *m = get_reply(h);

        if ( !m )
        {
            /* Lost the daemon mid-way: the rest cannot be read. */
            if ( ok )
            {
                ok = false;
                err = errno;
                if ( failed )
                    *failed = owner[i];
            }
            h->dead_errno = err ? err : ECONNRESET;
            break;
        }
        if ( ok && m->hdr.type == XS_ERROR )
        {
            ok = false;
            err = xs_error_from_name(m->body);
            if ( failed )
                *failed = owner[i];
        }
        free_msgs(m);
    }
    pthread_mutex_unlock(&h->request_mutex);
    free(buf);
    free(owner);
    if ( !ok )
        errno = err;
    return ok;
}

bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
    struct iovec iov[2] = {
        { (void *)path, strlen(path) + 1 },
        { (void *)token, strlen(token) + 1 },
    };

    if ( !h )
    {
        errno = EINVAL;
        return false;
    }
    pthread_mutex_lock(&h->request_mutex);
    if ( start_reader(h) )
    {
        pthread_mutex_unlock(&h->request_mutex);
        return false;
    }
    pthread_mutex_unlock(&h->request_mutex);
    return xs_bool(xs_talkv(h, XBT_NULL, XS_WATCH, iov, 2, NULL));
}

bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
    struct iovec iov[2] = {
        { (void *)path, strlen(path) + 1 },
        { (void *)token, strlen(token) + 1 },
    };

    return xs_bool(xs_talkv(h, XBT_NULL, XS_UNWATCH, iov, 2, NULL));
}

int xs_fileno(struct xs_handle *h)
{
    return h ? h->watch_pipe[0] : -1;
}

/* Called with h->mutex held and an event queued. */
static char **pop_watch(struct xs_handle *h, unsigned int *num)
{
    struct xs_msg *m = h->watch_head;
    char **vec;
    unsigned int n;
    char c;

    h->watch_head = m->next;
    if ( !h->watch_head )
        h->watch_tail = &h->watch_head;
    m->next = NULL;
    if ( read(h->watch_pipe[0], &c, 1) < 0 )
    {
        /* Empty pipe after an overflow: nothing to undo. */
    }
    vec = split_strings(m->body, m->hdr.len, &n);
    free_msgs(m);
    if ( vec && n < 2 )
    {
        free(vec);
        errno = EBADMSG;
        return NULL;
    }
    if ( vec && num )
        *num = n;
    return vec;
}

char **xs_read_watch(struct xs_handle *h, unsigned int *num)
{
    char **vec;

    if ( !h )
    {
        errno = EINVAL;
        return NULL;
    }
    pthread_mutex_lock(&h->request_mutex);
    if ( start_reader(h) )
    {
        pthread_mutex_unlock(&h->request_mutex);
        return NULL;
    }
    pthread_mutex_unlock(&h->request_mutex);

    pthread_mutex_lock(&h->mutex);
    while ( !h->watch_head && !h->dead_errno )
        pthread_cond_wait(&h->watch_cond, &h->mutex);
    if ( h->watch_head )
        vec = pop_watch(h, num);
    else
    {
        errno = h->dead_errno;
        vec = NULL;
    }
    pthread_mutex_unlock(&h->mutex);
    return vec;
}

char **xs_check_watch(struct xs_handle *h)
{
    char **vec = NULL;

    if ( !h )
    {
        errno = EINVAL;
        return NULL;
    }
    pthread_mutex_lock(&h->mutex);
    if ( h->watch_head )
        vec = pop_watch(h, NULL);
    else
        errno = h->dead_errno ? h->dead_errno : EAGAIN;
    pthread_mutex_unlock(&h->mutex);
    return vec;
}

xs_transaction_t xs_transaction_start(struct xs_handle *h)
{
    char *s = xs_single(h, XBT_NULL, XS_TRANSACTION_START, "", NULL);
    unsigned long id;
    char *end;

    if ( !s )
        return XBT_NULL;
    errno = 0;
    id = strtoul(s, &end, 10);
    if ( *end || errno || id == 0 || id > UINT32_MAX )
    {
        free(s);
        errno = EBADMSG;
        return XBT_NULL;
    }
    free(s);
    return id;
}

bool xs_transaction_end(struct xs_handle *h, xs_transaction_t t,
                        bool abort)
{
    return xs_bool(xs_single(h, t, XS_TRANSACTION_END, abort ? "F" : "T",
                             NULL));
}

static char *xs_domid_op(struct xs_handle *h, enum xsd_sockmsg_type type,
                         unsigned int domid)
{
    char buf[16];

    snprintf(buf, sizeof(buf), "%u", domid);
    return xs_single(h, XBT_NULL, type, buf, NULL);
}

bool xs_introduce_domain(struct xs_handle *h, unsigned int domid,
                         unsigned long mfn, unsigned int eventchn)
{
    char d[16], m[24], p[16];
    struct iovec iov[3];

    snprintf(d, sizeof(d), "%u", domid);
    snprintf(m, sizeof(m), "%lu", mfn);
    snprintf(p, sizeof(p), "%u", eventchn);
    iov[0].iov_base = d;
    iov[0].iov_len = strlen(d) + 1;
    iov[1].iov_base = m;
    iov[1].iov_len = strlen(m) + 1;
    iov[2].iov_base = p;
    iov[2].iov_len = strlen(p) + 1;
    return xs_bool(xs_talkv(h, XBT_NULL, XS_INTRODUCE, iov, 3, NULL));
}

bool xs_release_domain(struct xs_handle *h, unsigned int domid)
{
    return xs_bool(xs_domid_op(h, XS_RELEASE, domid));
}

bool xs_resume_domain(struct xs_handle *h, unsigned int domid)
{
    return xs_bool(xs_domid_op(h, XS_RESUME, domid));
}

char *xs_get_domain_path(struct xs_handle *h, unsigned int domid)
{
    return xs_domid_op(h, XS_GET_DOMAIN_PATH, domid);
}

bool xs_is_domain_introduced(struct xs_handle *h, unsigned int domid)
{
    char *s = xs_domid_op(h, XS_IS_DOMAIN_INTRODUCED, domid);
    bool yes;

    if ( !s )
        return false;
    yes = !strcmp(s, "T");
    free(s);
    return yes;
}
