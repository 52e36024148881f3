/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Domains and their rings.  INTRODUCE maps a guest's store page and binds
 * its event channel through a backend: the Xen one (xenstored_xen.c:
 * Linux's privcmd, gntdev and evtchn devices) or the fake one here whose
 * "pages" are files and whose "event channels" are datagrams, so the
 * ring code can be tested on any Linux host.
 *
 * Dying domains: as Xen's xenstored, we bind VIRQ_DOM_EXC and on each
 * event ask the hypervisor about every introduced domain.  One that shut
 * down (or crashed) fires @releaseDomain once so the toolstack looks;
 * one that is dying or gone is released here, whether or not the
 * toolstack ever sends XS_RELEASE (its late XS_RELEASE is then a no-op).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "xenstored.h"

#define PAGE_SIZE 4096

struct domain
{
    unsigned int domid;
    unsigned long mfn;
    unsigned int remote_port;
    int local_port;
    struct xenstore_domain_interface *intf;
    bool from_kernel;           /* dom0's page from its own kernel */
    bool bad_ring;              /* corrupt indexes seen: ignored since */
    bool lost_logged;           /* a lost event was reported once */
    bool shutdown;              /* its shutdown was announced */
    bool state_err_logged;      /* getdomaininfo failed, said once */
    struct conn *conn;
    struct domain *next;
};

static const struct backend *be;
static struct domain *domains;
/* Our port for VIRQ_DOM_EXC; -1: not bound (checked every second). */
static int dom_exc_port = -1;

/*
 * Domains we released because the hypervisor said they were dying: the
 * toolstack's own XS_RELEASE that follows is answered OK without a
 * second @releaseDomain.  A small ring: the oldest is forgotten first.
 */
#define GONE_MAX 64
static unsigned int gone_ids[GONE_MAX];
static unsigned int gone_n, gone_next;

static void gone_add(unsigned int domid)
{
    gone_ids[gone_next] = domid;
    gone_next = (gone_next + 1) % GONE_MAX;
    if ( gone_n < GONE_MAX )
        gone_n++;
}

/* Forget domid; true if it was there. */
static bool gone_take(unsigned int domid)
{
    unsigned int i;
    bool found = false;

    for ( i = 0; i < gone_n; i++ )
        if ( gone_ids[i] == domid )
        {
            /* A domid that is not valid marks the slot free. */
            gone_ids[i] = ~0u;
            found = true;
        }
    return found;
}

static struct domain *find_domain(unsigned int domid)
{
    struct domain *d;

    for ( d = domains; d; d = d->next )
        if ( d->domid == domid )
            return d;
    return NULL;
}

/* ---- the ring protocol ---- */
static size_t ring_write(void *data, const char *buf, size_t len)
{
    struct domain *d = data;
    struct xenstore_domain_interface *intf = d->intf;
    XENSTORE_RING_IDX cons, prod;
    size_t space, n, done = 0;

    if ( d->bad_ring )
        return 0;
    cons = __atomic_load_n(&intf->rsp_cons, __ATOMIC_ACQUIRE);
    prod = intf->rsp_prod;
    if ( prod - cons > XENSTORE_RING_SIZE )
    {
        if ( !d->bad_ring )
            xsd_log("dom%u: response ring indexes are corrupt (cons %u"
                    " prod %u): ignoring its ring from now on", d->domid,
                    cons, prod);
        d->bad_ring = true;
        intf->error = XENSTORE_ERROR_RINGIDX;
        return 0;
    }
    space = XENSTORE_RING_SIZE - (prod - cons);
    if ( len > space )
        len = space;
    while ( done < len )
    {
        size_t off = MASK_XENSTORE_IDX(prod + done);

        n = XENSTORE_RING_SIZE - off;
        if ( n > len - done )
            n = len - done;
        memcpy(intf->rsp + off, buf + done, n);
        done += n;
    }
    if ( done )
    {
        /* The data must be visible before the index that publishes it. */
        __atomic_store_n(&intf->rsp_prod, prod + done, __ATOMIC_RELEASE);
        be->notify(d->local_port);
    }
    return done;
}

static const struct ring_ops ring_ops = { .write = ring_write };

static void handle_ring(struct domain *d)
{
    struct xenstore_domain_interface *intf = d->intf;
    char buf[XENSTORE_RING_SIZE];

    if ( d->bad_ring )
        return;
    if ( d->conn )
        conn_flush(d->conn);
    while ( d->conn && conn_wants_input(d->conn) )
    {
        XENSTORE_RING_IDX cons = intf->req_cons;
        XENSTORE_RING_IDX prod = __atomic_load_n(&intf->req_prod,
                                                 __ATOMIC_ACQUIRE);
        size_t avail = prod - cons, done = 0;

        if ( avail == 0 )
            break;
        if ( avail > XENSTORE_RING_SIZE )
        {
            /* Once: a guest must not be able to flood the log. */
            xsd_log("dom%u: request ring indexes are corrupt (cons %u prod"
                    " %u): ignoring its ring from now on", d->domid, cons,
                    prod);
            d->bad_ring = true;
            intf->error = XENSTORE_ERROR_RINGIDX;
            break;
        }
        while ( done < avail )
        {
            size_t off = MASK_XENSTORE_IDX(cons + done);
            size_t n = XENSTORE_RING_SIZE - off;

            if ( n > avail - done )
                n = avail - done;
            memcpy(buf + done, intf->req + off, n);
            done += n;
        }
        __atomic_store_n(&intf->req_cons, cons + done, __ATOMIC_RELEASE);
        be->notify(d->local_port);
        conn_feed(d->conn, buf, done);
    }
    if ( d->conn )
        conn_flush(d->conn);
}

static struct domain *domain_add(unsigned int domid, unsigned long mfn,
                                 unsigned int port, void *page,
                                 bool from_kernel)
{
    struct domain *d = calloc(1, sizeof(*d));
    int local;

    if ( !d )
        return NULL;
    local = be->bind(domid, port);
    if ( local < 0 )
    {
        xsd_log("dom%u: cannot bind its event channel %u: %s", domid, port,
                strerror(errno));
        free(d);
        errno = EIO;
        return NULL;
    }
    d->domid = domid;
    d->mfn = mfn;
    d->remote_port = port;
    d->local_port = local;
    d->intf = page;
    d->from_kernel = from_kernel;
    d->conn = conn_new_ring(domid, d, &ring_ops);
    if ( !d->conn )
    {
        be->unbind(local);
        free(d);
        errno = ENOMEM;
        return NULL;
    }
    d->next = domains;
    domains = d;
    return d;
}

static void domain_free(struct domain *d)
{
    struct domain **pp;

    for ( pp = &domains; *pp; pp = &(*pp)->next )
        if ( *pp == d )
        {
            *pp = d->next;
            break;
        }
    be->unbind(d->local_port);
    if ( !d->from_kernel )
        be->unmap_ring(d->intf);
    else
        munmap(d->intf, PAGE_SIZE);
    free(d);
}

int domain_introduce(unsigned int domid, unsigned long mfn,
                     unsigned int port)
{
    struct domain *d = find_domain(domid);
    void *page;

    if ( d )
    {
        /* The toolstack repeating itself is harmless (Xen's rule). */
        if ( d->mfn == mfn && d->remote_port == port )
            return 0;
        xsd_log("INTRODUCE dom%u (page %lu, port %u) refused: already"
                " introduced with page %lu, port %u", domid, mfn, port,
                d->mfn, d->remote_port);
        return EEXIST;
    }
    /* A new domain with a recycled id: its release is its own. */
    gone_take(domid);
    page = be->map_ring(domid, mfn);
    if ( !page )
    {
        xsd_log("INTRODUCE dom%u: cannot map its store page %#lx: %s",
                domid, mfn, strerror(errno));
        return EIO;
    }
    d = domain_add(domid, mfn, port, page, false);
    if ( !d )
    {
        int e = errno;

        be->unmap_ring(page);
        return e;
    }
    xsd_log("introduced dom%u: page %#lx, event channel %u", domid, mfn,
            port);
    fire_special("@introduceDomain");
    /* The guest may have queued requests before we were told of it. */
    handle_ring(d);
    return 0;
}

/* Its connection (with its watches and transactions) goes at once. */
static void release(struct domain *d)
{
    if ( d->conn )
    {
        conn_kill(d->conn);
        d->conn = NULL;
    }
    domain_free(d);
}

int domain_release(unsigned int domid)
{
    struct domain *d = find_domain(domid);

    if ( !d )
        /* Already released when it died: the toolstack is not wrong. */
        return gone_take(domid) ? 0 : ENOENT;
    release(d);
    xsd_log("released dom%u", domid);
    fire_special("@releaseDomain");
    return 0;
}

void domain_check_all(void)
{
    struct domain *d, *next;
    bool released = false, shut = false;

    if ( !be || !be->domain_state )
        return;
    for ( d = domains; d; d = next )
    {
        int st;

        next = d->next;
        if ( d->from_kernel )
            continue;
        st = be->domain_state(d->domid);
        if ( st < 0 )
        {
            if ( !d->state_err_logged )
                xsd_log("dom%u: cannot ask the hypervisor about it (%s):"
                        " it stays introduced until XS_RELEASE", d->domid,
                        strerror(errno));
            d->state_err_logged = true;
            continue;
        }
        if ( st == DOM_SHUTDOWN && !d->shutdown )
        {
            d->shutdown = true;
            shut = true;
            xsd_log("dom%u shut down: firing @releaseDomain", d->domid);
        }
        if ( st != DOM_DYING )
            continue;
        xsd_log("dom%u is dying or gone: released (connection, watches and"
                " transactions dropped)", d->domid);
        gone_add(d->domid);
        release(d);
        fire_special("@releaseDomain");
        released = true;
    }
    if ( shut && !released )
        fire_special("@releaseDomain");
}

bool domain_is_introduced(unsigned int domid)
{
    return domid == 0 || find_domain(domid) != NULL;
}

int domain_resume(unsigned int domid)
{
    /* Nothing is held back for a suspended domain; just check it. */
    return find_domain(domid) ? 0 : ENOENT;
}

void domain_conn_gone(struct conn *c)
{
    struct domain *d;

    for ( d = domains; d; d = d->next )
        if ( d->conn == c )
            d->conn = NULL;
}

int domain_backend_fd(void)
{
    return be ? be->fd() : -1;
}

void domain_handle_events(void)
{
    struct domain *d;
    int port;

    while ( (port = be->pending()) >= 0 )
    {
        if ( port == dom_exc_port )
        {
            domain_check_all();
            continue;
        }
        for ( d = domains; d; d = d->next )
            if ( d->local_port == port )
            {
                handle_ring(d);
                break;
            }
    }
}

bool domain_any_introduced(void)
{
    struct domain *d;

    for ( d = domains; d; d = d->next )
        if ( !d->from_kernel )
            return true;
    return false;
}

/*
 * Requests waiting in a guest's ring that no event told us of: look
 * every so often, so a lost notification delays a guest instead of
 * hanging its xenbus for good, and say so once per domain (it is a bug
 * in event delivery somewhere below us).
 */
void domain_sweep(void)
{
    struct domain *d, *next;

    /* Without VIRQ_DOM_EXC, dying domains are found here instead. */
    if ( dom_exc_port < 0 )
        domain_check_all();
    for ( d = domains; d; d = next )
    {
        XENSTORE_RING_IDX cons, prod;

        next = d->next;
        if ( d->bad_ring || !d->conn )
            continue;
        cons = d->intf->req_cons;
        prod = __atomic_load_n(&d->intf->req_prod, __ATOMIC_ACQUIRE);
        if ( prod == cons )
            continue;
        if ( !d->lost_logged )
            xsd_log("dom%u: requests in its ring without an event on port"
                    " %d (a lost notification): handled by the periodic "
                    "check", d->domid, d->local_port);
        d->lost_logged = true;
        handle_ring(d);
    }
}

int domain_init(const struct backend *backend, bool dom0_from_kernel)
{
    be = backend;
    gone_n = gone_next = 0;
    dom_exc_port = be->bind_dom_exc ? be->bind_dom_exc() : -1;
    if ( dom_exc_port >= 0 )
        xsd_log("watching for dying domains on VIRQ_DOM_EXC (port %d)",
                dom_exc_port);
    else if ( be->bind_dom_exc )
        xsd_log("cannot bind VIRQ_DOM_EXC: %s (another dom0 program holds"
                " it, or not on Xen): dying domains are looked for every"
                " second instead", strerror(errno));
    if ( dom0_from_kernel && be->dom0_ring )
    {
        unsigned int port;
        void *page = be->dom0_ring(&port);

        if ( !page )
            xsd_log("no xenbus page from dom0's kernel (not running on Xen,"
                    " or not as the initial domain): serving the unix"
                    " sockets only");
        else if ( !domain_add(0, 0, port, page, true) )
            munmap(page, PAGE_SIZE);
        else
        {
            xsd_log("serving dom0's kernel xenbus on event channel %u",
                    port);
            handle_ring(domains);
            /* As Xen's: kick dom0's kernel once, so a xenbus that queued
             * requests or waits for replies before we came looks again. */
            be->notify(domains->local_port);
        }
    }
    return 0;
}

void domain_fini(void)
{
    while ( domains )
    {
        if ( domains->conn )
            conn_kill(domains->conn);
        domain_free(domains);
    }
    if ( be && dom_exc_port >= 0 )
        be->unbind(dom_exc_port);
    dom_exc_port = -1;
    if ( be && be->close )
        be->close();
    be = NULL;
}

/*
 * ---- the fake backend (tests) ----
 * DIR/ring-<mfn> is a guest's store page (4096 bytes, shared mapping).
 * A guest kicks us with a datagram {u32 domid, u32 port} sent to
 * DIR/evtchn; we kick it with a datagram {u32 port} sent to
 * DIR/guest-<domid>-<port>.
 * The fake hypervisor: DIR/dominfo-<domid> holds "running", "shutdown",
 * "crashed" or "dying" (no file: the domain is gone), and VIRQ_DOM_EXC
 * is the datagram {FAKE_HV_DOMID, VIRQ_DOM_EXC}.
 */
#define FAKE_PORTS 256
#define FAKE_HV_DOMID 0x7ff2    /* DOMID_XEN */
#define FAKE_VIRQ_DOM_EXC 3

static struct
{
    bool used;
    unsigned int domid, rport;
} fake_ports[FAKE_PORTS];
static char *fake_dir;
static int fake_fd = -1;

static int fake_fd_get(void)
{
    return fake_fd;
}

static void *fake_map_ring(unsigned int domid, unsigned long mfn)
{
    char *path;
    void *page;
    int fd;

    if ( asprintf(&path, "%s/ring-%lu", fake_dir, mfn) < 0 )
        return NULL;
    fd = open(path, O_RDWR | O_CLOEXEC);
    free(path);
    if ( fd < 0 )
        return NULL;
    page = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    return page == MAP_FAILED ? NULL : page;
}

static void fake_unmap_ring(void *page)
{
    munmap(page, PAGE_SIZE);
}

static int fake_bind(unsigned int domid, unsigned int rport)
{
    int i;

    for ( i = 1; i < FAKE_PORTS; i++ )
        if ( !fake_ports[i].used )
        {
            fake_ports[i].used = true;
            fake_ports[i].domid = domid;
            fake_ports[i].rport = rport;
            return i;
        }
    errno = ENOSPC;
    return -1;
}

static void fake_unbind(int port)
{
    if ( port > 0 && port < FAKE_PORTS )
        fake_ports[port].used = false;
}

static void fake_notify(int port)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    uint32_t msg;

    if ( port <= 0 || port >= FAKE_PORTS || !fake_ports[port].used )
        return;
    msg = fake_ports[port].rport;
    snprintf(a.sun_path, sizeof(a.sun_path), "%s/guest-%u-%u", fake_dir,
             fake_ports[port].domid, fake_ports[port].rport);
    /* A guest that is not listening simply misses the kick. */
    sendto(fake_fd, &msg, sizeof(msg), MSG_DONTWAIT, (struct sockaddr *)&a,
           sizeof(a));
}

static int fake_pending(void)
{
    uint32_t msg[2];
    int i;

    while ( recv(fake_fd, msg, sizeof(msg), MSG_DONTWAIT) ==
            (ssize_t)sizeof(msg) )
        for ( i = 1; i < FAKE_PORTS; i++ )
            if ( fake_ports[i].used && fake_ports[i].domid == msg[0] &&
                 fake_ports[i].rport == msg[1] )
                return i;
    return -1;
}

static int fake_bind_dom_exc(void)
{
    return fake_bind(FAKE_HV_DOMID, FAKE_VIRQ_DOM_EXC);
}

static int fake_domain_state(unsigned int domid)
{
    char *path, word[16] = "";
    FILE *f;

    if ( asprintf(&path, "%s/dominfo-%u", fake_dir, domid) < 0 )
        return -1;
    f = fopen(path, "r");
    free(path);
    if ( !f )
    {
        if ( errno == ENOENT )
            return DOM_DYING;
        return -1;
    }
    if ( fscanf(f, "%15s", word) != 1 )
        word[0] = '\0';
    fclose(f);
    if ( !strcmp(word, "running") )
        return DOM_RUNNING;
    if ( !strcmp(word, "shutdown") || !strcmp(word, "crashed") )
        return DOM_SHUTDOWN;
    if ( !strcmp(word, "dying") )
        return DOM_DYING;
    errno = EIO;
    return -1;
}

static void fake_close(void)
{
    char *path;

    if ( fake_fd >= 0 )
        close(fake_fd);
    fake_fd = -1;
    if ( fake_dir && asprintf(&path, "%s/evtchn", fake_dir) >= 0 )
    {
        unlink(path);
        free(path);
    }
    free(fake_dir);
    fake_dir = NULL;
    memset(fake_ports, 0, sizeof(fake_ports));
}

static struct backend backend_fake = {
    .name = "fake-rings",
    .fd = fake_fd_get,
    .map_ring = fake_map_ring,
    .unmap_ring = fake_unmap_ring,
    .bind = fake_bind,
    .unbind = fake_unbind,
    .notify = fake_notify,
    .pending = fake_pending,
    .dom0_ring = NULL,
    .bind_dom_exc = fake_bind_dom_exc,
    .domain_state = fake_domain_state,
    .close = fake_close,
};

struct backend *backend_fake_open(const char *dir)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };

    fake_dir = strdup(dir);
    if ( !fake_dir )
        return NULL;
    if ( (size_t)snprintf(a.sun_path, sizeof(a.sun_path), "%s/evtchn",
                          dir) >= sizeof(a.sun_path) )
    {
        xsd_log("--fake-rings %s: path too long for a unix socket", dir);
        return NULL;
    }
    unlink(a.sun_path);
    fake_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if ( fake_fd < 0 ||
         bind(fake_fd, (struct sockaddr *)&a, sizeof(a)) < 0 )
    {
        xsd_log("--fake-rings %s: cannot bind %s: %s", dir, a.sun_path,
                strerror(errno));
        return NULL;
    }
    return &backend_fake;
}
