/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xenconsoled's domains: found through xenstore, each console page and
 * event channel connected to a pty, torn down without leaving anything
 * behind when the domain goes away.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pty.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "consd.h"

void consd_msg(const char *fmt, ...)
{
    va_list ap;

    fputs("xenconsoled: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void consd_init(struct consd *c, const struct cons_ops *ops, void *h,
                const struct consd_config *cfg)
{
    memset(c, 0, sizeof(*c));
    c->ops = ops;
    c->h = h;
    c->cfg = *cfg;
}

int consd_watch(struct consd *c)
{
    static const char *const paths[] = {
        "@introduceDomain", "@releaseDomain", "/local/domain",
    };
    unsigned int i;

    for ( i = 0; i < sizeof(paths) / sizeof(paths[0]); i++ )
        if ( c->ops->xs_watch(c->h, paths[i], CONSD_TOKEN) )
        {
            consd_msg("cannot watch %s in xenstore: %s", paths[i],
                      strerror(errno));
            return -1;
        }
    return 0;
}

struct cons_dom *consd_find(struct consd *c, unsigned int domid)
{
    struct cons_dom *d;

    for ( d = c->doms; d; d = d->next )
        if ( d->domid == domid )
            return d;
    return NULL;
}

static struct cons_dom *find_port(struct consd *c, unsigned int port)
{
    struct cons_dom *d;

    for ( d = c->doms; d; d = d->next )
        if ( d->local_port == (int)port )
            return d;
    return NULL;
}

static char *dom_read(struct consd *c, unsigned int domid, const char *node)
{
    char path[96];

    snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, node);
    return c->ops->xs_read(c->h, path);
}

/* A decimal or 0x number from xenstore; false if absent or malformed. */
static bool dom_read_u64(struct consd *c, unsigned int domid,
                         const char *node, uint64_t *out)
{
    char *v = dom_read(c, domid, node), *end;
    bool ok = false;

    if ( v )
    {
        errno = 0;
        *out = strtoull(v, &end, 0);
        ok = end != v && *end == '\0' && errno == 0;
        free(v);
    }
    return ok;
}

/* As much of p as the (non-blocking) pty takes now. */
static size_t write_pty(int fd, const char *p, size_t n)
{
    size_t done = 0;

    while ( done < n )
    {
        ssize_t w = write(fd, p + done, n - done);

        if ( w < 0 && errno == EINTR )
            continue;
        if ( w <= 0 )
            break;              /* EAGAIN: the pty is full */
        done += w;
    }
    return done;
}

/* Move everything the guest has written into the log and the pty (or
 * the buffer, while the pty is full). */
static void drain_ring(struct consd *c, struct cons_dom *d)
{
    char tmp[CONS_OUT_SIZE];
    bool any = false;
    size_t n;

    while ( (n = cons_ring_read_out(d->ring, tmp, sizeof(tmp))) > 0 )
    {
        size_t done = 0;

        any = true;
        if ( d->log.fd >= 0 )
            cons_log_write(&d->log, tmp, n);
        /* Straight into the pty while it has room: the buffer's limit
         * applies only to what the pty could not take. */
        if ( d->buf.len == 0 && d->master >= 0 )
            done = write_pty(d->master, tmp, n);
        cons_buf_append(&d->buf, tmp + done, n - done);
    }
    /* The guest may be waiting for room in its ring. */
    if ( any && d->local_port >= 0 )
        c->ops->evtchn_notify(c->h, d->local_port);
}

static void free_dom(struct consd *c, struct cons_dom *d)
{
    if ( d->ring )
    {
        /* Its last words, before the page goes. */
        drain_ring(c, d);
        consd_pty_output(c, d);
    }
    if ( d->local_port >= 0 )
        c->ops->evtchn_unbind(c->h, d->local_port);
    if ( d->ring )
        c->ops->unmap_ring(c->h, d->domid, d->ring);
    if ( d->master >= 0 )
        close(d->master);
    if ( d->slave >= 0 )
        close(d->slave);
    cons_log_close(&d->log);
    if ( d->buf.dropped && c->cfg.verbose )
        consd_msg("domain %u: %" PRIu64 " bytes of output dropped while "
                  "no client read them", d->domid, d->buf.dropped);
    cons_buf_free(&d->buf);
    free(d->name);
    free(d);
}

void consd_remove(struct consd *c, struct cons_dom *d)
{
    struct cons_dom **pp;

    for ( pp = &c->doms; *pp; pp = &(*pp)->next )
        if ( *pp == d )
        {
            *pp = d->next;
            break;
        }
    if ( c->cfg.verbose )
        consd_msg("domain %u (%s): console closed", d->domid, d->name);
    free_dom(c, d);
}

static int open_tty(struct cons_dom *d)
{
    struct termios t;
    char *name;
    int fl;

    if ( openpty(&d->master, &d->slave, NULL, NULL, NULL) )
    {
        d->master = d->slave = -1;
        return -errno;
    }
    /* The guest's bytes pass unchanged: no echo, no line editing. */
    if ( tcgetattr(d->slave, &t) == 0 )
    {
        cfmakeraw(&t);
        tcsetattr(d->slave, TCSANOW, &t);
    }
    name = ttyname(d->slave);
    snprintf(d->tty, sizeof(d->tty), "%s", name ? name : "");
    fl = fcntl(d->master, F_GETFL);
    fcntl(d->master, F_SETFL, fl | O_NONBLOCK);
    fcntl(d->master, F_SETFD, FD_CLOEXEC);
    fcntl(d->slave, F_SETFD, FD_CLOEXEC);
    return d->tty[0] ? 0 : -ENOTTY;
}

static bool failed_before(struct consd *c, unsigned int domid, uint64_t gfn,
                          unsigned int port)
{
    unsigned int i;

    for ( i = 0; i < c->nr_failed; i++ )
        if ( c->failed[i].domid == domid )
            return c->failed[i].gfn == gfn && c->failed[i].port == port;
    return false;
}

static void note_failure(struct consd *c, unsigned int domid, uint64_t gfn,
                         unsigned int port)
{
    unsigned int i;

    for ( i = 0; i < c->nr_failed; i++ )
        if ( c->failed[i].domid == domid )
            break;
    if ( i == c->nr_failed )
    {
        if ( c->nr_failed == sizeof(c->failed) / sizeof(c->failed[0]) )
            i = 0;              /* forget the oldest */
        else
            c->nr_failed++;
    }
    c->failed[i].domid = domid;
    c->failed[i].gfn = gfn;
    c->failed[i].port = port;
}

static void forget_failure(struct consd *c, unsigned int domid)
{
    unsigned int i;

    for ( i = 0; i < c->nr_failed; i++ )
        if ( c->failed[i].domid == domid )
        {
            c->failed[i] = c->failed[--c->nr_failed];
            return;
        }
}

static void add_dom(struct consd *c, unsigned int domid, uint64_t gfn,
                    unsigned int port)
{
    struct cons_dom *d = calloc(1, sizeof(*d));
    uint64_t limit;
    char path[96];
    int rc;

    if ( !d )
        return;
    d->domid = domid;
    d->gfn = gfn;
    d->remote_port = port;
    d->local_port = d->master = d->slave = -1;
    cons_log_init(&d->log);
    d->name = dom_read(c, domid, "name");
    if ( !d->name && asprintf(&d->name, "domain-%u", domid) < 0 )
        d->name = NULL;
    if ( !d->name )
        goto fail;
    /* xend writes console/limit (bytes) from xend-config's console-limit. */
    if ( !dom_read_u64(c, domid, "console/limit", &limit) )
        limit = c->cfg.buffer_limit;
    cons_buf_init(&d->buf, limit);

    d->ring = c->ops->map_ring(c->h, domid, gfn);
    if ( !d->ring )
    {
        consd_msg("domain %u (%s): cannot map its console page (gfn %#"
                  PRIx64 "): %s; its console stays unconnected", domid,
                  d->name, gfn, strerror(errno));
        goto fail;
    }
    rc = c->ops->evtchn_bind(c->h, domid, port);
    if ( rc < 0 )
    {
        consd_msg("domain %u (%s): cannot bind its console event channel "
                  "(remote port %u): %s; its console stays unconnected",
                  domid, d->name, port, strerror(-rc));
        goto fail;
    }
    d->local_port = rc;
    rc = open_tty(d);
    if ( rc )
    {
        consd_msg("domain %u (%s): cannot open a pty: %s", domid, d->name,
                  strerror(-rc));
        goto fail;
    }
    if ( c->cfg.log_dir )
    {
        rc = cons_log_open(&d->log, c->cfg.log_dir, d->name,
                           c->cfg.log_max_size, c->cfg.log_keep);
        if ( rc )
            /* The console still works; only the log is missing. */
            consd_msg("domain %u (%s): cannot open its log in %s: %s",
                      domid, d->name, c->cfg.log_dir, strerror(-rc));
    }
    snprintf(path, sizeof(path), "/local/domain/%u/console/tty", domid);
    if ( c->ops->xs_write(c->h, path, d->tty) )
    {
        consd_msg("domain %u (%s): cannot write %s: %s", domid, d->name,
                  path, strerror(errno));
        goto fail;
    }
    d->next = c->doms;
    c->doms = d;
    forget_failure(c, domid);
    if ( c->cfg.verbose )
        consd_msg("domain %u (%s): console on %s", domid, d->name, d->tty);
    /* Whatever the guest wrote before we came. */
    drain_ring(c, d);
    consd_pty_output(c, d);
    return;

 fail:
    note_failure(c, domid, gfn, port);
    free_dom(c, d);
}

/*
 * Domain domid's console as xenstore describes it now: served (true),
 * or not ours / not there / failed before (false).  Leaves an existing
 * console alone unless its page or port changed.
 */
static bool scan_one(struct consd *c, unsigned long domid)
{
    struct cons_dom *d;
    uint64_t gfn, port;
    char *type;

    if ( !dom_read_u64(c, domid, "console/ring-ref", &gfn) ||
         !dom_read_u64(c, domid, "console/port", &port) ||
         port > 0xffffffffu )
        return false;
    /* Someone else (a device model) may serve this console. */
    type = dom_read(c, domid, "console/type");
    if ( type && strcmp(type, "xenconsoled") && strcmp(type, "") )
    {
        free(type);
        return false;
    }
    free(type);
    /* Dying or destroyed: its console goes (last words are logged by
     * consd_remove), whatever xenstore still says. */
    if ( c->ops->dom_state &&
         c->ops->dom_state(c->h, domid) == CONSD_DOM_GONE )
        return false;
    d = consd_find(c, domid);
    if ( d && (d->gfn != gfn || d->remote_port != port) )
    {
        /* A new console page under the same id. */
        consd_remove(c, d);
        d = NULL;
    }
    if ( !d )
    {
        if ( failed_before(c, domid, gfn, port) )
            return false;
        add_dom(c, domid, gfn, port);
        d = consd_find(c, domid);
    }
    return d != NULL;
}

/* Ids whose nodes are gone may be reused later: forget their failures. */
static void forget_stale_failures(struct consd *c, long only)
{
    unsigned int i;

    for ( i = 0; i < c->nr_failed; )
    {
        char *v;

        if ( only >= 0 && c->failed[i].domid != (unsigned long)only )
        {
            i++;
            continue;
        }
        v = dom_read(c, c->failed[i].domid, "console/ring-ref");
        if ( v )
        {
            free(v);
            i++;
        }
        else
            c->failed[i] = c->failed[--c->nr_failed];
    }
}

/* One domain's nodes changed: look at that domain only (a new guest's
 * layout fires a dozen events; rescanning every guest for each made
 * creation slower the more guests ran). */
static void scan_dom(struct consd *c, unsigned long domid)
{
    struct cons_dom *d;

    if ( domid == 0 || domid >= 0x7ff0 )
        return;
    if ( !scan_one(c, domid) && (d = consd_find(c, domid)) )
        consd_remove(c, d);
    forget_stale_failures(c, domid);
}

/*
 * Every domain in xenstore; known_too false: the consoles already served
 * are kept without looking at them again (a new domain was introduced:
 * only new ids matter, and a known one's changes come as its own
 * events).
 */
static void scan_all(struct consd *c, bool known_too)
{
    unsigned int i, num = 0;
    struct cons_dom *d, *next;
    char **ids;

    for ( d = c->doms; d; d = d->next )
        d->seen = false;
    ids = c->ops->xs_directory(c->h, "/local/domain", &num);
    for ( i = 0; ids && i < num; i++ )
    {
        unsigned long domid;
        char *end;

        errno = 0;
        domid = strtoul(ids[i], &end, 10);
        /* dom0's console is the hypervisor's, not a ring. */
        if ( end == ids[i] || *end || errno || domid == 0 ||
             domid >= 0x7ff0 )
            continue;
        d = consd_find(c, domid);
        if ( d && !known_too )
        {
            d->seen = true;
            continue;
        }
        if ( scan_one(c, domid) && (d = consd_find(c, domid)) )
            d->seen = true;
    }
    free(ids);
    for ( d = c->doms; d; d = next )
    {
        next = d->next;
        if ( !d->seen )
            consd_remove(c, d);
    }
    forget_stale_failures(c, -1);
}

void consd_scan(struct consd *c)
{
    scan_all(c, true);
}

/* A domain died: the consoles of domains that are gone go (without any
 * xenstore request; their nodes' removal comes as events of its own). */
static void check_released(struct consd *c)
{
    struct cons_dom *d, *next;

    if ( !c->ops->dom_state )
    {
        consd_scan(c);
        return;
    }
    for ( d = c->doms; d; d = next )
    {
        next = d->next;
        if ( c->ops->dom_state(c->h, d->domid) == CONSD_DOM_GONE )
            consd_remove(c, d);
    }
}

void consd_watch_event(struct consd *c, const char *path)
{
    const char *p;
    unsigned long domid;
    char *end;

    if ( !strcmp(path, "@releaseDomain") )
    {
        check_released(c);
        return;
    }
    if ( path[0] == '@' )
    {
        scan_all(c, false);
        return;
    }
    if ( strncmp(path, "/local/domain", 13) )
        return;
    p = path + 13;
    if ( *p == '\0' )
    {
        consd_scan(c);
        return;
    }
    if ( *p++ != '/' )
        return;
    errno = 0;
    domid = strtoul(p, &end, 10);
    if ( end == p || errno )
        return;
    p = end;
    /* The domain directory itself, its name, or its console nodes;
     * guests' device traffic elsewhere is none of our business. */
    if ( *p == '\0' || !strcmp(p, "/name") || !strcmp(p, "/console") ||
         (!strncmp(p, "/console/", 9) && strcmp(p, "/console/tty")) )
        scan_dom(c, domid);
}

void consd_pty_output(struct consd *c, struct cons_dom *d)
{
    const char *p;
    size_t n;

    if ( d->master >= 0 && (n = cons_buf_peek(&d->buf, &p)) > 0 )
        cons_buf_consume(&d->buf, write_pty(d->master, p, n));
}

void consd_pty_input(struct consd *c, struct cons_dom *d)
{
    char tmp[CONS_IN_SIZE];
    size_t space = cons_ring_in_space(d->ring);
    ssize_t r;

    if ( space == 0 || d->master < 0 )
        return;
    r = read(d->master, tmp, space < sizeof(tmp) ? space : sizeof(tmp));
    if ( r <= 0 )
        return;
    cons_ring_write_in(d->ring, tmp, r);
    c->ops->evtchn_notify(c->h, d->local_port);
}

void consd_evtchn(struct consd *c, unsigned int port)
{
    struct cons_dom *d = find_port(c, port);

    if ( !d )
        return;
    drain_ring(c, d);
    consd_pty_output(c, d);
}

int consd_run_once(struct consd *c, int timeout_ms)
{
    struct pollfd *fds;
    unsigned int *ids;
    unsigned int n = 0, nr = 2, i;
    struct cons_dom *d;
    int rc;

    for ( d = c->doms; d; d = d->next )
        nr++;
    fds = calloc(nr, sizeof(*fds));
    ids = calloc(nr, sizeof(*ids));
    if ( !fds || !ids )
    {
        free(fds);
        free(ids);
        return -ENOMEM;
    }
    fds[n++] = (struct pollfd){ .fd = c->ops->xs_fileno(c->h),
                                .events = POLLIN };
    fds[n++] = (struct pollfd){ .fd = c->ops->evtchn_fd(c->h),
                                .events = POLLIN };
    for ( d = c->doms; d; d = d->next )
    {
        short ev = 0;

        if ( cons_ring_in_space(d->ring) )
            ev |= POLLIN;
        if ( d->buf.len )
            ev |= POLLOUT;
        ids[n] = d->domid;
        fds[n++] = (struct pollfd){ .fd = ev ? d->master : -1,
                                    .events = ev };
    }
    rc = poll(fds, n, timeout_ms);
    if ( rc < 0 )
        rc = -errno;
    if ( rc > 0 )
    {
        int port;

        /* Guest output first: a domain about to go still gets logged. */
        if ( fds[1].revents & POLLIN )
            while ( (port = c->ops->evtchn_pending(c->h)) >= 0 )
            {
                consd_evtchn(c, port);
                c->ops->evtchn_unmask(c->h, port);
            }
        for ( i = 2; i < n; i++ )
        {
            if ( !fds[i].revents || !(d = consd_find(c, ids[i])) )
                continue;
            if ( fds[i].revents & POLLIN )
                consd_pty_input(c, d);
            if ( fds[i].revents & POLLOUT )
                consd_pty_output(c, d);
        }
        if ( fds[0].revents & POLLIN )
        {
            unsigned int num = 0;
            char **w = c->ops->xs_read_watch(c->h, &num);

            if ( w && num >= 2 && !strcmp(w[1], CONSD_TOKEN) )
                consd_watch_event(c, w[0]);
            free(w);
        }
    }
    free(fds);
    free(ids);
    return rc;
}

void consd_reopen_logs(struct consd *c)
{
    struct cons_dom *d;

    for ( d = c->doms; d; d = d->next )
        if ( d->log.path && cons_log_reopen(&d->log) )
            consd_msg("domain %u (%s): cannot reopen %s: %s", d->domid,
                      d->name, d->log.path, strerror(errno));
}

void consd_fini(struct consd *c)
{
    while ( c->doms )
        consd_remove(c, c->doms);
}
