/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xenstored's Xen backend: guests' store pages through Linux's
 * /dev/xen/privcmd (by frame number) or /dev/xen/gntdev (by the reserved
 * grant), event channels through /dev/xen/evtchn, and dom0's own xenbus
 * page through /dev/xen/xenbus_backend (or /proc/xen/xsd_kva + xsd_port).
 * VIRQ_DOM_EXC is bound on the same evtchn device; what the hypervisor
 * says of a domain comes from libxc (xenstored_xc.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xen/interface/xen.h>  /* compat/: domid_t, xen_pfn_t */
#include <xen/evtchn.h>
#include <xen/gntdev.h>
#include <xen/privcmd.h>

#include "xenstored.h"

#define PAGE_SIZE 4096
/* Linux include/xen/xenbus_dev.h: returns dom0's xenstore event channel. */
#define IOCTL_XENBUS_BACKEND_EVTCHN _IOC(_IOC_NONE, 'B', 0, 0)
/* Xen's public xen.h: a domain shut down or died (global, dom0). */
#define XEN_VIRQ_DOM_EXC 3
/* Xen's public grant_table.h: the toolstack grants the store page here. */
#define GNTTAB_RESERVED_XENSTORE 1

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

static int xen_bind_dom_exc(void)
{
    struct ioctl_evtchn_bind_virq b = { .virq = XEN_VIRQ_DOM_EXC };

    if ( xen_fd() < 0 )
        return -1;
    return ioctl(evtchn_fd, IOCTL_EVTCHN_BIND_VIRQ, &b);
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
    xen_domain_state_close();
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
    .bind_dom_exc = xen_bind_dom_exc,
    .domain_state = xen_domain_state,
    .close = xen_close,
};
