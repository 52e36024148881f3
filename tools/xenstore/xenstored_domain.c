/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Domains and their rings.  INTRODUCE maps a guest's store page and binds
 * its event channel through a backend: the Xen one (Linux's privcmd,
 * gntdev and evtchn devices) or a fake one whose "pages" are files and
 * whose "event channels" are datagrams, so the ring code can be tested
 * on any Linux host.
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

#include <xen/interface/xen.h>  /* compat/: domid_t, xen_pfn_t */
#include <xen/evtchn.h>
#include <xen/gntdev.h>
#include <xen/privcmd.h>

#include "xenstored.h"

#define PAGE_SIZE 4096
/* Linux include/xen/xenbus_dev.h: returns dom0's xenstore event channel. */
#define IOCTL_XENBUS_BACKEND_EVTCHN _IOC(_IOC_NONE, 'B', 0, 0)
/* Xen's public grant_table.h: the toolstack grants the store page here. */
#define GNTTAB_RESERVED_XENSTORE 1

struct domain
{
    unsigned int domid;
    unsigned long mfn;
    unsigned int remote_port;
    int local_port;
    struct xenstore_domain_interface *intf;
    bool from_kernel;           /* dom0's page from its own kernel */
    struct conn *conn;
    struct domain *next;
};

static const struct backend *be;
static struct domain *domains;

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

    cons = __atomic_load_n(&intf->rsp_cons, __ATOMIC_ACQUIRE);
    prod = intf->rsp_prod;
    if ( prod - cons > XENSTORE_RING_SIZE )
    {
        xsd_log("dom%u: response ring indexes are corrupt (cons %u prod"
                " %u): not writing", d->domid, cons, prod);
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

    while ( d->conn && !conn_is_dead(d->conn) )
    {
        XENSTORE_RING_IDX cons = intf->req_cons;
        XENSTORE_RING_IDX prod = __atomic_load_n(&intf->req_prod,
                                                 __ATOMIC_ACQUIRE);
        size_t avail = prod - cons, done = 0;

        if ( avail == 0 )
            break;
        if ( avail > XENSTORE_RING_SIZE )
        {
            xsd_log("dom%u: request ring indexes are corrupt (cons %u prod"
                    " %u): ignoring the ring until it is reset", d->domid,
                    cons, prod);
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

int domain_release(unsigned int domid)
{
    struct domain *d = find_domain(domid);

    if ( !d )
        return ENOENT;
    if ( d->conn )
    {
        conn_kill(d->conn);
        d->conn = NULL;
    }
    domain_free(d);
    xsd_log("released dom%u", domid);
    fire_special("@releaseDomain");
    return 0;
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
        for ( d = domains; d; d = d->next )
            if ( d->local_port == port )
            {
                handle_ring(d);
                break;
            }
}

int domain_init(const struct backend *backend, bool dom0_from_kernel)
{
    be = backend;
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
    if ( be && be->close )
        be->close();
    be = NULL;
}

/* ---- the Xen backend: Linux's /dev/xen devices ---- */
static int evtchn_fd = -1;

struct mapping
{
    void *addr;
    bool grant;
    uint64_t index;
    struct mapping *next;
};
static struct mapping *mappings;
static int privcmd_fd = -1, gntdev_fd = -1;

static int xen_fd(void)
{
    if ( evtchn_fd < 0 )
    {
        evtchn_fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);
        if ( evtchn_fd < 0 )
            return -1;
    }
    return evtchn_fd;
}

static void *map_by_privcmd(unsigned int domid, unsigned long gfn)
{
    xen_pfn_t arr = gfn;
    int err = 0;
    struct privcmd_mmapbatch_v2 b;
    void *addr;

    if ( privcmd_fd < 0 )
        privcmd_fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if ( privcmd_fd < 0 )
        return NULL;
    addr = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
                privcmd_fd, 0);
    if ( addr == MAP_FAILED )
        return NULL;
    b.num = 1;
    b.dom = domid;
    b.addr = (uintptr_t)addr;
    b.arr = &arr;
    b.err = &err;
    if ( ioctl(privcmd_fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b) < 0 || err )
    {
        int e = err ? -err : errno;

        munmap(addr, PAGE_SIZE);
        errno = e;
        return NULL;
    }
    return addr;
}

static void *map_by_gntdev(unsigned int domid, uint64_t *index)
{
    struct ioctl_gntdev_map_grant_ref m;
    void *addr;

    if ( gntdev_fd < 0 )
        gntdev_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    if ( gntdev_fd < 0 )
        return NULL;
    memset(&m, 0, sizeof(m));
    m.count = 1;
    m.refs[0].domid = domid;
    m.refs[0].ref = GNTTAB_RESERVED_XENSTORE;
    if ( ioctl(gntdev_fd, IOCTL_GNTDEV_MAP_GRANT_REF, &m) < 0 )
        return NULL;
    addr = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
                gntdev_fd, m.index);
    if ( addr == MAP_FAILED )
    {
        struct ioctl_gntdev_unmap_grant_ref u = { .index = m.index,
                                                  .count = 1 };
        int e = errno;

        ioctl(gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
        errno = e;
        return NULL;
    }
    *index = m.index;
    return addr;
}

static void *xen_map_ring(unsigned int domid, unsigned long mfn)
{
    struct mapping *m = calloc(1, sizeof(*m));
    int e;

    if ( !m )
        return NULL;
    /* The store page by its frame number; else by its reserved grant. */
    m->addr = map_by_privcmd(domid, mfn);
    if ( !m->addr )
    {
        e = errno;
        m->addr = map_by_gntdev(domid, &m->index);
        if ( !m->addr )
        {
            free(m);
            errno = e;
            return NULL;
        }
        m->grant = true;
    }
    m->next = mappings;
    mappings = m;
    return m->addr;
}

static void xen_unmap_ring(void *page)
{
    struct mapping **pp, *m;

    for ( pp = &mappings; (m = *pp); pp = &m->next )
        if ( m->addr == page )
        {
            *pp = m->next;
            munmap(page, PAGE_SIZE);
            if ( m->grant )
            {
                struct ioctl_gntdev_unmap_grant_ref u = { .index = m->index,
                                                          .count = 1 };

                ioctl(gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
            }
            free(m);
            return;
        }
}

static int xen_bind(unsigned int domid, unsigned int remote_port)
{
    struct ioctl_evtchn_bind_interdomain b = { .remote_domain = domid,
                                               .remote_port = remote_port };

    if ( xen_fd() < 0 )
        return -1;
    return ioctl(evtchn_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
}

static void xen_unbind(int local_port)
{
    struct ioctl_evtchn_unbind u = { .port = local_port };

    if ( evtchn_fd >= 0 )
        ioctl(evtchn_fd, IOCTL_EVTCHN_UNBIND, &u);
}

static void xen_notify(int local_port)
{
    struct ioctl_evtchn_notify n = { .port = local_port };

    if ( evtchn_fd >= 0 )
        ioctl(evtchn_fd, IOCTL_EVTCHN_NOTIFY, &n);
}

static int xen_pending(void)
{
    unsigned int port;

    if ( evtchn_fd < 0 || read(evtchn_fd, &port, sizeof(port)) !=
                          (ssize_t)sizeof(port) )
        return -1;
    /* The kernel masks a port that fired until we write it back. */
    if ( write(evtchn_fd, &port, sizeof(port)) != (ssize_t)sizeof(port) )
        xsd_log("cannot unmask event channel %u: %s", port,
                strerror(errno));
    return port;
}

static void *xen_dom0_ring(unsigned int *port)
{
    void *page;
    int fd, p;

    /* Linux drivers/xen/xenbus/xenbus_dev_backend.c */
    fd = open("/dev/xen/xenbus_backend", O_RDWR | O_CLOEXEC);
    if ( fd >= 0 )
    {
        p = ioctl(fd, IOCTL_XENBUS_BACKEND_EVTCHN);
        page = p < 0 ? MAP_FAILED :
               mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
                    fd, 0);
        close(fd);
        if ( page != MAP_FAILED )
        {
            *port = p;
            return page;
        }
        xsd_log("/dev/xen/xenbus_backend: %s", strerror(errno));
    }
    /* Older kernels: /proc/xen/xsd_kva and xsd_port. */
    fd = open("/proc/xen/xsd_port", O_RDONLY | O_CLOEXEC);
    if ( fd >= 0 )
    {
        char buf[16] = "";
        ssize_t n = read(fd, buf, sizeof(buf) - 1);

        close(fd);
        p = n > 0 ? atoi(buf) : -1;
        fd = open("/proc/xen/xsd_kva", O_RDWR | O_CLOEXEC);
        if ( p >= 0 && fd >= 0 )
        {
            page = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
                        fd, 0);
            close(fd);
            if ( page != MAP_FAILED )
            {
                *port = p;
                return page;
            }
        }
        else if ( fd >= 0 )
            close(fd);
    }
    return NULL;
}

static void xen_close(void)
{
    while ( mappings )
        xen_unmap_ring(mappings->addr);
    if ( evtchn_fd >= 0 )
        close(evtchn_fd);
    if ( privcmd_fd >= 0 )
        close(privcmd_fd);
    if ( gntdev_fd >= 0 )
        close(gntdev_fd);
    evtchn_fd = privcmd_fd = gntdev_fd = -1;
}

const struct backend backend_xen = {
    .name = "Xen",
    .fd = xen_fd,
    .map_ring = xen_map_ring,
    .unmap_ring = xen_unmap_ring,
    .bind = xen_bind,
    .unbind = xen_unbind,
    .notify = xen_notify,
    .pending = xen_pending,
    .dom0_ring = xen_dom0_ring,
    .close = xen_close,
};

/*
 * ---- the fake backend (tests) ----
 * DIR/ring-<mfn> is a guest's store page (4096 bytes, shared mapping).
 * A guest kicks us with a datagram {u32 domid, u32 port} sent to
 * DIR/evtchn; we kick it with a datagram {u32 port} sent to
 * DIR/guest-<domid>-<port>.
 */
#define FAKE_PORTS 256

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
