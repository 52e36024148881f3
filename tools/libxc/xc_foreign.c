/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Foreign memory mapping through Linux's privcmd device (see
 * include/xenforeignmemory.h).  The kernel wants a fresh VMA of the
 * device: mmap() reserves it, IOCTL_PRIVCMD_MMAPBATCH_V2 fills it with
 * the foreign frames and reports each frame's status separately.
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
#include <xenforeignmemory.h>

#define XC_PAGE_SHIFT 12

/*
 * Linux's UAPI (include/uapi/xen/privcmd.h): the header in /usr/include
 * pulls in kernel-internal headers, so the layout is restated here.
 */
struct privcmd_batch_v2 {
    unsigned int num;
    domid_t dom;
    uint64_t addr;
    const xen_pfn_t *arr;
    int *err;
};
#define PRIVCMD_MMAPBATCH_V2 \
    _IOC(_IOC_NONE, 'P', 4, sizeof(struct privcmd_batch_v2))

struct xenforeignmemory_handle {
    int fd;
    char err[256];
};

static __thread char fm_open_err[256];

static const char *const privcmd_paths[] = {
    "/dev/xen/privcmd", "/proc/xen/privcmd",
};

static void fm_set_err(xenforeignmemory_handle *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void fm_set_err(xenforeignmemory_handle *h, const char *fmt, ...)
{
    va_list ap;
    int saved = errno;

    va_start(ap, fmt);
    vsnprintf(h ? h->err : fm_open_err, sizeof(fm_open_err), fmt, ap);
    va_end(ap);
    errno = saved;
}

xenforeignmemory_handle *xenforeignmemory_open(unsigned int flags)
{
    xenforeignmemory_handle *h;
    unsigned int i;
    int fd = -1, first_errno = 0;

    if ( flags )
    {
        errno = EINVAL;
        fm_set_err(NULL, "xenforeignmemory_open: unknown flags %#x", flags);
        return NULL;
    }
    for ( i = 0; i < sizeof(privcmd_paths) / sizeof(privcmd_paths[0]);
          i++ )
    {
        fd = open(privcmd_paths[i], O_RDWR | O_CLOEXEC);
        if ( fd >= 0 )
            break;
        if ( !first_errno )
            first_errno = errno;
    }
    if ( fd < 0 )
    {
        errno = first_errno;
        fm_set_err(NULL, "cannot open %s: %s (is this dom0 with the "
                "xen-privcmd module loaded?)", privcmd_paths[0],
                strerror(first_errno));
        return NULL;
    }
    h = calloc(1, sizeof(*h));
    if ( !h )
    {
        close(fd);
        errno = ENOMEM;
        fm_set_err(NULL, "xenforeignmemory_open: out of memory");
        return NULL;
    }
    h->fd = fd;
    return h;
}

int xenforeignmemory_close(xenforeignmemory_handle *h)
{
    int rc;

    if ( !h )
        return 0;
    rc = close(h->fd);
    free(h);
    return rc;
}

void *xenforeignmemory_map(xenforeignmemory_handle *h, uint32_t dom,
                           int prot, size_t num, const xen_pfn_t arr[],
                           int err[])
{
    struct privcmd_batch_v2 batch;
    int *errs = err, rc, e;
    size_t i, len = num << XC_PAGE_SHIFT;
    void *addr;

    if ( !num || num > (1u << 30) || dom >= DOMID_FIRST_RESERVED )
    {
        errno = EINVAL;
        fm_set_err(h, "cannot map %zu frames of domain %u: bad arguments",
                num, dom);
        return NULL;
    }
    if ( !errs && !(errs = calloc(num, sizeof(*errs))) )
    {
        errno = ENOMEM;
        fm_set_err(h, "cannot map %zu frames of domain %u: out of memory",
                num, dom);
        return NULL;
    }

    addr = mmap(NULL, len, prot, MAP_SHARED, h->fd, 0);
    if ( addr == MAP_FAILED )
    {
        fm_set_err(h, "cannot map %zu frames of domain %u (gfn %#lx...): "
                "mmap of privcmd: %s", num, dom, (unsigned long)arr[0],
                strerror(errno));
        addr = NULL;
        goto out;
    }

    memset(&batch, 0, sizeof(batch));
    batch.num = num;
    batch.dom = dom;
    batch.addr = (uintptr_t)addr;
    batch.arr = arr;
    batch.err = errs;
    do
        rc = ioctl(h->fd, PRIVCMD_MMAPBATCH_V2, &batch);
    while ( rc < 0 && errno == EINTR );
    /* ENOENT: done, but some frames failed (paged out); see errs[]. */
    if ( rc < 0 && errno != ENOENT )
    {
        e = errno;
        fm_set_err(h, "cannot map %zu frames of domain %u (gfn %#lx...): "
                "%s", num, dom, (unsigned long)arr[0], strerror(e));
        munmap(addr, len);
        addr = NULL;
        errno = e;
        goto out;
    }

    if ( !err )
        for ( i = 0; i < num; i++ )
        {
            if ( !errs[i] )
                continue;
            e = errs[i] < 0 ? -errs[i] : errs[i];
            fm_set_err(h, "cannot map gfn %#lx of domain %u: %s",
                    (unsigned long)arr[i], dom, strerror(e));
            munmap(addr, len);
            addr = NULL;
            errno = e;
            break;
        }

 out:
    if ( errs != err )
    {
        e = errno;
        free(errs);
        errno = e;
    }
    return addr;
}

int xenforeignmemory_unmap(xenforeignmemory_handle *h, void *addr,
                           size_t num)
{
    if ( !addr )
        return 0;
    if ( munmap(addr, num << XC_PAGE_SHIFT) )
    {
        fm_set_err(h, "cannot unmap %zu foreign frames at %p: %s", num, addr,
                strerror(errno));
        return -1;
    }
    return 0;
}

const char *xenforeignmemory_last_error(xenforeignmemory_handle *h)
{
    return h ? h->err : fm_open_err;
}
