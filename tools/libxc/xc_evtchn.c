/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Event channels through Linux's evtchn device (see include/xenevtchn.h).
 * Binding and notification are ioctls; the device reads back the ports
 * that fired (4 bytes each) and takes ports to unmask as writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <xenevtchn.h>

/* Linux's UAPI (include/uapi/xen/evtchn.h), restated. */
struct evtchn_ioc_virq { unsigned int virq; };
struct evtchn_ioc_interdomain { unsigned int remote_domain, remote_port; };
struct evtchn_ioc_unbound { unsigned int remote_domain; };
struct evtchn_ioc_port { unsigned int port; };

#define EVTCHN_BIND_VIRQ \
    _IOC(_IOC_NONE, 'E', 0, sizeof(struct evtchn_ioc_virq))
#define EVTCHN_BIND_INTERDOMAIN \
    _IOC(_IOC_NONE, 'E', 1, sizeof(struct evtchn_ioc_interdomain))
#define EVTCHN_BIND_UNBOUND_PORT \
    _IOC(_IOC_NONE, 'E', 2, sizeof(struct evtchn_ioc_unbound))
#define EVTCHN_UNBIND \
    _IOC(_IOC_NONE, 'E', 3, sizeof(struct evtchn_ioc_port))
#define EVTCHN_NOTIFY \
    _IOC(_IOC_NONE, 'E', 4, sizeof(struct evtchn_ioc_port))

#define EVTCHN_PATH "/dev/xen/evtchn"

struct xenevtchn_handle {
    int fd;
    char err[256];
};

static __thread char ev_open_err[256];

static void ev_set_err(xenevtchn_handle *xce, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void ev_set_err(xenevtchn_handle *xce, const char *fmt, ...)
{
    va_list ap;
    int saved = errno;

    va_start(ap, fmt);
    vsnprintf(xce ? xce->err : ev_open_err, sizeof(ev_open_err), fmt, ap);
    va_end(ap);
    errno = saved;
}

xenevtchn_handle *xenevtchn_open(unsigned int flags)
{
    xenevtchn_handle *xce;
    int fd;

    if ( flags )
    {
        errno = EINVAL;
        ev_set_err(NULL, "xenevtchn_open: unknown flags %#x", flags);
        return NULL;
    }
    fd = open(EVTCHN_PATH, O_RDWR | O_CLOEXEC);
    if ( fd < 0 )
    {
        ev_set_err(NULL, "cannot open %s: %s (is this dom0 with the "
                   "xen-evtchn module loaded?)", EVTCHN_PATH, strerror(errno));
        return NULL;
    }
    xce = calloc(1, sizeof(*xce));
    if ( !xce )
    {
        close(fd);
        errno = ENOMEM;
        ev_set_err(NULL, "xenevtchn_open: out of memory");
        return NULL;
    }
    xce->fd = fd;
    return xce;
}

int xenevtchn_close(xenevtchn_handle *xce)
{
    int rc;

    if ( !xce )
        return 0;
    /* Closing the device unbinds every port bound through it. */
    rc = close(xce->fd);
    free(xce);
    return rc;
}

int xenevtchn_fd(xenevtchn_handle *xce)
{
    return xce->fd;
}

static int do_ioctl(xenevtchn_handle *xce, unsigned long req, void *arg)
{
    int rc;

    do
        rc = ioctl(xce->fd, req, arg);
    while ( rc < 0 && errno == EINTR );
    return rc;
}

int xenevtchn_notify(xenevtchn_handle *xce, evtchn_port_t port)
{
    struct evtchn_ioc_port a = { .port = port };

    if ( do_ioctl(xce, EVTCHN_NOTIFY, &a) < 0 )
    {
        ev_set_err(xce, "cannot notify event channel port %u: %s", port,
                   strerror(errno));
        return -1;
    }
    return 0;
}

xenevtchn_port_or_error_t
xenevtchn_bind_unbound_port(xenevtchn_handle *xce, uint32_t domid)
{
    struct evtchn_ioc_unbound a = { .remote_domain = domid };
    int rc = do_ioctl(xce, EVTCHN_BIND_UNBOUND_PORT, &a);

    if ( rc < 0 )
        ev_set_err(xce, "cannot allocate an event channel port for domain "
                   "%u: %s", domid, strerror(errno));
    return rc;
}

xenevtchn_port_or_error_t
xenevtchn_bind_interdomain(xenevtchn_handle *xce, uint32_t domid,
                           evtchn_port_t remote_port)
{
    struct evtchn_ioc_interdomain a = {
        .remote_domain = domid, .remote_port = remote_port,
    };
    int rc = do_ioctl(xce, EVTCHN_BIND_INTERDOMAIN, &a);

    if ( rc < 0 )
        ev_set_err(xce, "cannot bind to port %u of domain %u: %s%s",
                   remote_port, domid, strerror(errno),
                   errno == EINVAL ? " (is that port unbound and offered to "
                   "dom0?)" : "");
    return rc;
}

xenevtchn_port_or_error_t
xenevtchn_bind_virq(xenevtchn_handle *xce, unsigned int virq)
{
    struct evtchn_ioc_virq a = { .virq = virq };
    int rc = do_ioctl(xce, EVTCHN_BIND_VIRQ, &a);

    if ( rc < 0 )
        ev_set_err(xce, "cannot bind VIRQ %u: %s", virq, strerror(errno));
    return rc;
}

int xenevtchn_unbind(xenevtchn_handle *xce, evtchn_port_t port)
{
    struct evtchn_ioc_port a = { .port = port };

    if ( do_ioctl(xce, EVTCHN_UNBIND, &a) < 0 )
    {
        ev_set_err(xce, "cannot unbind event channel port %u: %s", port,
                   strerror(errno));
        return -1;
    }
    return 0;
}

xenevtchn_port_or_error_t xenevtchn_pending(xenevtchn_handle *xce)
{
    unsigned int port;
    ssize_t n;

    do
        n = read(xce->fd, &port, sizeof(port));
    while ( n < 0 && errno == EINTR );
    if ( n != (ssize_t)sizeof(port) )
    {
        if ( n >= 0 )
            errno = EIO;
        if ( errno != EAGAIN )
            ev_set_err(xce, "cannot read pending event channel ports: %s",
                       strerror(errno));
        return -1;
    }
    return port;
}

int xenevtchn_unmask(xenevtchn_handle *xce, evtchn_port_t port)
{
    unsigned int p = port;
    ssize_t n;

    do
        n = write(xce->fd, &p, sizeof(p));
    while ( n < 0 && errno == EINTR );
    if ( n != (ssize_t)sizeof(p) )
    {
        if ( n >= 0 )
            errno = EIO;
        ev_set_err(xce, "cannot unmask event channel port %u: %s", port,
                   strerror(errno));
        return -1;
    }
    return 0;
}

const char *xenevtchn_last_error(xenevtchn_handle *xce)
{
    return xce ? xce->err : ev_open_err;
}
