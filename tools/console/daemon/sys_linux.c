/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xenconsoled's platform in dom0: libxenstore, the console page through
 * /dev/xen/gntdev (grant ref 0, GNTTAB_RESERVED_CONSOLE) or else
 * /dev/xen/privcmd (foreign map of its gfn), /dev/xen/evtchn.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* Linux's uapi headers use these types without defining them. */
#include <xen/interface/xen.h>
#include <xen/evtchn.h>
#include <xen/gntdev.h>
#include <xen/privcmd.h>
#include <xenstore.h>

#include "consd.h"
#include "sys_linux.h"

#ifndef XBT_NULL
#define XBT_NULL 0
#endif

#define PAGE_SIZE 4096
#define GNTTAB_RESERVED_CONSOLE 0

/* How each mapped page was obtained, to undo it the same way. */
struct mapping {
    struct mapping *next;
    struct cons_ring *ring;
    bool granted;
    uint64_t index;             /* gntdev offset */
};

struct sys {
    struct xs_handle *xs;
    int privcmd, gntdev, evtchn;
    struct mapping *maps;
};

static char *s_xs_read(void *h, const char *path)
{
    struct sys *s = h;
    unsigned int len;

    return xs_read(s->xs, XBT_NULL, path, &len);
}

static int s_xs_write(void *h, const char *path, const char *value)
{
    struct sys *s = h;

    return xs_write(s->xs, XBT_NULL, path, value, strlen(value)) ? 0 : -1;
}

static char **s_xs_directory(void *h, const char *path, unsigned int *num)
{
    struct sys *s = h;

    return xs_directory(s->xs, XBT_NULL, path, num);
}

static int s_xs_watch(void *h, const char *path, const char *token)
{
    struct sys *s = h;

    return xs_watch(s->xs, path, token) ? 0 : -1;
}

static int s_xs_fileno(void *h)
{
    struct sys *s = h;

    return xs_fileno(s->xs);
}

static char **s_xs_read_watch(void *h, unsigned int *num)
{
    struct sys *s = h;
    char **w = xs_check_watch(s->xs);   /* never blocks the loop */

    *num = w ? 2 : 0;
    return w;
}

static struct cons_ring *map_grant(struct sys *s, unsigned int domid,
                                   uint64_t *index)
{
    struct ioctl_gntdev_map_grant_ref map = {
        .count = 1,
        .refs[0] = { .domid = domid, .ref = GNTTAB_RESERVED_CONSOLE },
    };
    struct ioctl_gntdev_unmap_grant_ref unmap = { .count = 1 };
    void *p;

    if ( s->gntdev < 0 ||
         ioctl(s->gntdev, IOCTL_GNTDEV_MAP_GRANT_REF, &map) )
        return NULL;
    p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, s->gntdev,
             map.index);
    if ( p == MAP_FAILED )
    {
        unmap.index = map.index;
        ioctl(s->gntdev, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap);
        return NULL;
    }
    *index = map.index;
    return p;
}

static struct cons_ring *map_foreign(struct sys *s, unsigned int domid,
                                     uint64_t gfn)
{
    xen_pfn_t pfn = gfn;
    int err = 0;
    struct privcmd_mmapbatch_v2 batch = {
        .num = 1, .dom = domid, .arr = &pfn, .err = &err,
    };
    void *p;

    if ( s->privcmd < 0 )
    {
        errno = ENODEV;
        return NULL;
    }
    p = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
             s->privcmd, 0);
    if ( p == MAP_FAILED )
        return NULL;
    batch.addr = (uintptr_t)p;
    if ( ioctl(s->privcmd, IOCTL_PRIVCMD_MMAPBATCH_V2, &batch) || err )
    {
        int e = err ? -err : errno;

        munmap(p, PAGE_SIZE);
        errno = e;
        return NULL;
    }
    return p;
}

static struct cons_ring *s_map_ring(void *h, unsigned int domid,
                                    uint64_t gfn)
{
    struct sys *s = h;
    struct mapping *m = calloc(1, sizeof(*m));

    if ( !m )
        return NULL;
    /* As Xen's xenconsoled: the reserved grant first, the gfn if the
     * builder did not grant it. */
    m->ring = map_grant(s, domid, &m->index);
    m->granted = m->ring != NULL;
    if ( !m->ring )
        m->ring = map_foreign(s, domid, gfn);
    if ( !m->ring )
    {
        free(m);
        return NULL;
    }
    m->next = s->maps;
    s->maps = m;
    return m->ring;
}

static void s_unmap_ring(void *h, unsigned int domid, struct cons_ring *r)
{
    struct sys *s = h;
    struct mapping **pp, *m;

    for ( pp = &s->maps; (m = *pp); pp = &m->next )
        if ( m->ring == r )
            break;
    if ( !m )
        return;
    *pp = m->next;
    munmap(r, PAGE_SIZE);
    if ( m->granted )
    {
        struct ioctl_gntdev_unmap_grant_ref unmap = {
            .index = m->index, .count = 1,
        };

        ioctl(s->gntdev, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap);
    }
    free(m);
}

static int s_evtchn_bind(void *h, unsigned int domid, unsigned int port)
{
    struct sys *s = h;
    struct ioctl_evtchn_bind_interdomain bind = {
        .remote_domain = domid, .remote_port = port,
    };
    int rc = ioctl(s->evtchn, IOCTL_EVTCHN_BIND_INTERDOMAIN, &bind);

    return rc < 0 ? -errno : rc;
}

static void s_evtchn_unbind(void *h, unsigned int port)
{
    struct sys *s = h;
    struct ioctl_evtchn_unbind unbind = { .port = port };

    ioctl(s->evtchn, IOCTL_EVTCHN_UNBIND, &unbind);
}

static void s_evtchn_notify(void *h, unsigned int port)
{
    struct sys *s = h;
    struct ioctl_evtchn_notify notify = { .port = port };

    ioctl(s->evtchn, IOCTL_EVTCHN_NOTIFY, &notify);
}

static int s_evtchn_fd(void *h)
{
    struct sys *s = h;

    return s->evtchn;
}

static int s_evtchn_pending(void *h)
{
    struct sys *s = h;
    uint32_t port;

    if ( read(s->evtchn, &port, sizeof(port)) != sizeof(port) )
        return -1;
    return port;
}

static void s_evtchn_unmask(void *h, unsigned int port)
{
    struct sys *s = h;
    uint32_t p = port;

    if ( write(s->evtchn, &p, sizeof(p)) != sizeof(p) )
        return;             /* the port is gone with its domain */
}

static const struct cons_ops linux_ops = {
    .xs_read = s_xs_read,
    .xs_write = s_xs_write,
    .xs_directory = s_xs_directory,
    .xs_watch = s_xs_watch,
    .xs_fileno = s_xs_fileno,
    .xs_read_watch = s_xs_read_watch,
    .map_ring = s_map_ring,
    .unmap_ring = s_unmap_ring,
    .evtchn_bind = s_evtchn_bind,
    .evtchn_unbind = s_evtchn_unbind,
    .evtchn_notify = s_evtchn_notify,
    .evtchn_fd = s_evtchn_fd,
    .evtchn_pending = s_evtchn_pending,
    .evtchn_unmask = s_evtchn_unmask,
    .dom_state = sys_xc_dom_state,
};

const struct cons_ops *sys_linux_open(void **hp)
{
    struct sys *s = calloc(1, sizeof(*s));

    if ( !s )
        return NULL;
    s->evtchn = open("/dev/xen/evtchn", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if ( s->evtchn < 0 )
    {
        consd_msg("cannot open /dev/xen/evtchn: %s (is the xen-evtchn "
                  "module loaded?)", strerror(errno));
        free(s);
        return NULL;
    }
    /* Either may be missing; mapping then tries the other. */
    s->gntdev = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    s->privcmd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if ( s->gntdev < 0 && s->privcmd < 0 )
    {
        consd_msg("cannot open /dev/xen/gntdev nor /dev/xen/privcmd: %s "
                  "(are the xen-gntdev and xen-privcmd modules loaded?)",
                  strerror(errno));
        goto fail;
    }
    s->xs = xs_open(0);
    if ( !s->xs )
    {
        consd_msg("cannot connect to xenstore: %s (is xenstored "
                  "running?)", strerror(errno));
        goto fail;
    }
    *hp = s;
    return &linux_ops;

 fail:
    if ( s->gntdev >= 0 )
        close(s->gntdev);
    if ( s->privcmd >= 0 )
        close(s->privcmd);
    close(s->evtchn);
    free(s);
    return NULL;
}

void sys_linux_close(void *h)
{
    struct sys *s = h;

    sys_xc_close();
    xs_close(s->xs);
    if ( s->gntdev >= 0 )
        close(s->gntdev);
    if ( s->privcmd >= 0 )
        close(s->privcmd);
    close(s->evtchn);
    free(s);
}
