/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libxenctrl: host-wide queries (sysctl): physinfo, pCPU idle times,
 * the scheduler, the hypervisor's console ring, cpumap sizes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>
#include "xc_private.h"

static void sysctl_init(struct xen_sysctl *s, uint32_t cmd)
{
    memset(s, 0, sizeof(*s));
    s->cmd = cmd;
}

int xc_physinfo(xc_interface *xch, xc_physinfo_t *info)
{
    struct xen_sysctl s;

    if ( !info )
    {
        errno = EINVAL;
        return -1;
    }
    sysctl_init(&s, XEN_SYSCTL_physinfo);
    if ( xc_sysctl(xch, &s) < 0 )
        return -1;
    *info = s.u.physinfo;
    return 0;
}

int xc_sched_id(xc_interface *xch, int *sched_id)
{
    struct xen_sysctl s;

    if ( !sched_id )
    {
        errno = EINVAL;
        return -1;
    }
    sysctl_init(&s, XEN_SYSCTL_sched_id);
    if ( xc_sysctl(xch, &s) < 0 )
        return -1;
    *sched_id = (int)s.u.sched_id.sched_id;
    return 0;
}

int xc_getcpuinfo(xc_interface *xch, int max_cpus, xc_cpuinfo_t *info,
                  int *nr_cpus)
{
    struct xen_sysctl s;
    size_t size;
    void *b;

    if ( max_cpus <= 0 || max_cpus > 65536 || !info || !nr_cpus )
    {
        errno = EINVAL;
        return -1;
    }
    size = (size_t)max_cpus * sizeof(*info);
    b = xc_bounce_in(xch, NULL, size);
    if ( !b )
        return -1;
    sysctl_init(&s, XEN_SYSCTL_getcpuinfo);
    s.u.getcpuinfo.max_cpus = max_cpus;
    s.u.getcpuinfo.info = (uintptr_t)b;
    if ( xc_sysctl(xch, &s) < 0 )
    {
        xc_bounce_out(xch, b, NULL, size);
        return -1;
    }
    xc_bounce_out(xch, b, info, size);
    *nr_cpus = (int)s.u.getcpuinfo.nr_cpus;
    return 0;
}

int xc_readconsolering(xc_interface *xch, char *buffer,
                       unsigned int *pnr_chars, int clear, int incremental,
                       uint32_t *pindex)
{
    struct xen_sysctl s;
    unsigned int size;
    void *b;

    if ( !buffer || !pnr_chars || (incremental && !pindex) )
    {
        errno = EINVAL;
        return -1;
    }
    size = *pnr_chars;
    b = xc_bounce_in(xch, NULL, size);
    if ( !b )
        return -1;
    sysctl_init(&s, XEN_SYSCTL_readconsole);
    s.u.readconsole.clear = !!clear;
    s.u.readconsole.incremental = !!incremental;
    s.u.readconsole.index = pindex ? *pindex : 0;
    s.u.readconsole.buffer = (uintptr_t)b;
    s.u.readconsole.count = size;
    if ( xc_sysctl(xch, &s) < 0 )
    {
        xc_bounce_out(xch, b, NULL, size);
        return -1;
    }
    if ( s.u.readconsole.count > size )
    {
        xc_bounce_out(xch, b, NULL, size);
        errno = EIO;
        return -1;
    }
    xc_bounce_out(xch, b, buffer, s.u.readconsole.count);
    *pnr_chars = s.u.readconsole.count;
    if ( pindex )
        *pindex = s.u.readconsole.index;
    return 0;
}

int xc_get_max_cpus(xc_interface *xch)
{
    xc_physinfo_t info;

    if ( xc_physinfo(xch, &info) < 0 )
        return -1;
    return (int)info.max_cpu_id + 1;
}

int xc_get_cpumap_size(xc_interface *xch)
{
    int n = xc_get_max_cpus(xch);

    return n < 0 ? -1 : (n + 7) / 8;
}

xc_cpumap_t xc_cpumap_alloc(xc_interface *xch)
{
    int size = xc_get_cpumap_size(xch);

    if ( size <= 0 )
        return NULL;
    return calloc(1, size);
}
