/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Grant mapping through Linux's gntdev device (see include/xengnttab.h):
 * IOCTL_GNTDEV_MAP_GRANT_REF reserves the grants and returns an offset
 * into the device; mmap() at that offset performs the map hypercall.
 * Unmapping is munmap() plus IOCTL_GNTDEV_UNMAP_GRANT_REF for the
 * offset, which the device tells us back from the address.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <xengnttab.h>

#define XC_PAGE_SHIFT 12

/* Linux's UAPI (include/uapi/xen/gntdev.h), restated. */
struct gntdev_ref {
    uint32_t domid;
    uint32_t ref;
};
struct gntdev_map {
    uint32_t count;
    uint32_t pad;
    uint64_t index;
    struct gntdev_ref refs[1];
};
struct gntdev_unmap {
    uint64_t index;
    uint32_t count;
    uint32_t pad;
};
struct gntdev_offset {
    uint64_t vaddr;
    uint64_t offset;
    uint32_t count;
    uint32_t pad;
};
struct gntdev_max {
    uint32_t count;
};
#define GNTDEV_MAP_GRANT_REF \
    _IOC(_IOC_NONE, 'G', 0, sizeof(struct gntdev_map))
#define GNTDEV_UNMAP_GRANT_REF \
    _IOC(_IOC_NONE, 'G', 1, sizeof(struct gntdev_unmap))
#define GNTDEV_GET_OFFSET_FOR_VADDR \
    _IOC(_IOC_NONE, 'G', 2, sizeof(struct gntdev_offset))
#define GNTDEV_SET_MAX_GRANTS \
    _IOC(_IOC_NONE, 'G', 3, sizeof(struct gntdev_max))

#define GNTDEV_PATH "/dev/xen/gntdev"

struct xengnttab_handle {
    int fd;
    char err[256];
};

static __thread char gnt_open_err[256];

static void gnt_set_err(xengnttab_handle *xgt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void gnt_set_err(xengnttab_handle *xgt, const char *fmt, ...)
{
    va_list ap;
    int saved = errno;

    va_start(ap, fmt);
    vsnprintf(xgt ? xgt->err : gnt_open_err, sizeof(gnt_open_err), fmt, ap);
    va_end(ap);
    errno = saved;
}

xengnttab_handle *xengnttab_open(unsigned int flags)
{
    xengnttab_handle *xgt;
    int fd;

    if ( flags )
    {
        errno = EINVAL;
        gnt_set_err(NULL, "xengnttab_open: unknown flags %#x", flags);
        return NULL;
    }
    fd = open(GNTDEV_PATH, O_RDWR | O_CLOEXEC);
    if ( fd < 0 )
    {
        gnt_set_err(NULL, "cannot open %s: %s (is this dom0 with the "
                "xen-gntdev module loaded?)", GNTDEV_PATH, strerror(errno));
        return NULL;
    }
    xgt = calloc(1, sizeof(*xgt));
    if ( !xgt )
    {
        close(fd);
        errno = ENOMEM;
        gnt_set_err(NULL, "xengnttab_open: out of memory");
        return NULL;
    }
    xgt->fd = fd;
    return xgt;
}

int xengnttab_close(xengnttab_handle *xgt)
{
    int rc;

    if ( !xgt )
        return 0;
    rc = close(xgt->fd);
    free(xgt);
    return rc;
}

int xengnttab_set_max_grants(xengnttab_handle *xgt, uint32_t nr_grants)
{
    struct gntdev_max m = { .count = nr_grants };

    /* Newer kernels dropped the ioctl: the limit is a module parameter. */
    if ( ioctl(xgt->fd, GNTDEV_SET_MAX_GRANTS, &m) < 0 && errno != ENOTTY &&
         errno != EINVAL )
    {
        gnt_set_err(xgt, "cannot set the grant mapping limit to %u: %s",
                nr_grants, strerror(errno));
        return -1;
    }
    return 0;
}

void *xengnttab_map_grant_refs(xengnttab_handle *xgt, uint32_t count,
                               const uint32_t *domids,
                               const grant_ref_t *refs, int prot)
{
    struct gntdev_map *map;
    struct gntdev_unmap un;
    size_t sz;
    uint32_t i;
    void *addr;
    int e;

    if ( !count || count > (1u << 20) )
    {
        errno = EINVAL;
        gnt_set_err(xgt, "cannot map %u grants: bad count", count);
        return NULL;
    }
    sz = sizeof(*map) + (count - 1) * sizeof(map->refs[0]);
    map = calloc(1, sz);
    if ( !map )
    {
        errno = ENOMEM;
        gnt_set_err(xgt, "cannot map %u grants: out of memory", count);
        return NULL;
    }
    map->count = count;
    for ( i = 0; i < count; i++ )
    {
        map->refs[i].domid = domids[i];
        map->refs[i].ref = refs[i];
    }
    if ( ioctl(xgt->fd, GNTDEV_MAP_GRANT_REF, map) < 0 )
    {
        gnt_set_err(xgt, "cannot map grant %u of domain %u%s: %s", refs[0],
                domids[0], count > 1 ? " (and more)" : "", strerror(errno));
        e = errno;
        free(map);
        errno = e;
        return NULL;
    }

    addr = mmap(NULL, (size_t)count << XC_PAGE_SHIFT, prot, MAP_SHARED,
                xgt->fd, map->index);
    if ( addr == MAP_FAILED )
    {
        e = errno;
        /* The hypervisor refused (a bad ref, a domain gone): say which. */
        gnt_set_err(xgt, "cannot map grant %u of domain %u%s: %s", refs[0],
                domids[0], count > 1 ? " (and more)" : "", strerror(e));
        un.index = map->index;
        un.count = count;
        un.pad = 0;
        ioctl(xgt->fd, GNTDEV_UNMAP_GRANT_REF, &un);
        free(map);
        errno = e;
        return NULL;
    }
    free(map);
    return addr;
}

void *xengnttab_map_grant_ref(xengnttab_handle *xgt, uint32_t domid,
                              grant_ref_t ref, int prot)
{
    return xengnttab_map_grant_refs(xgt, 1, &domid, &ref, prot);
}

void *xengnttab_map_domain_grant_refs(xengnttab_handle *xgt, uint32_t count,
                                      uint32_t domid,
                                      const grant_ref_t *refs, int prot)
{
    uint32_t *domids, i;
    void *addr;
    int e;

    if ( !count )
        return xengnttab_map_grant_refs(xgt, 0, NULL, refs, prot);
    domids = malloc(count * sizeof(*domids));
    if ( !domids )
    {
        errno = ENOMEM;
        gnt_set_err(xgt, "cannot map %u grants of domain %u: out of memory",
                count, domid);
        return NULL;
    }
    for ( i = 0; i < count; i++ )
        domids[i] = domid;
    addr = xengnttab_map_grant_refs(xgt, count, domids, refs, prot);
    e = errno;
    free(domids);
    errno = e;
    return addr;
}

int xengnttab_unmap(xengnttab_handle *xgt, void *start_address,
                    uint32_t count)
{
    struct gntdev_offset off = { .vaddr = (uintptr_t)start_address };
    struct gntdev_unmap un;

    if ( !start_address )
        return 0;
    if ( ioctl(xgt->fd, GNTDEV_GET_OFFSET_FOR_VADDR, &off) < 0 )
    {
        gnt_set_err(xgt, "cannot unmap grants at %p: not a grant mapping of "
                "this handle (%s)", start_address, strerror(errno));
        return -1;
    }
    if ( off.count != count )
    {
        errno = EINVAL;
        gnt_set_err(xgt, "cannot unmap %u grants at %p: %u were mapped there",
                count, start_address, off.count);
        return -1;
    }
    if ( munmap(start_address, (size_t)count << XC_PAGE_SHIFT) )
    {
        gnt_set_err(xgt, "cannot unmap grants at %p: %s", start_address,
                strerror(errno));
        return -1;
    }
    un.index = off.offset;
    un.count = count;
    un.pad = 0;
    if ( ioctl(xgt->fd, GNTDEV_UNMAP_GRANT_REF, &un) < 0 )
    {
        gnt_set_err(xgt, "cannot release %u grants at offset %#llx: %s", count,
                (unsigned long long)off.offset, strerror(errno));
        return -1;
    }
    return 0;
}

const char *xengnttab_last_error(xengnttab_handle *xgt)
{
    return xgt ? xgt->err : gnt_open_err;
}
