/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libxenctrl core: the handle, the privcmd transport, hypercall buffers
 * and the domctl/sysctl wrappers every other file uses.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <xenctrl.h>
#include "xc_private.h"

#define XC_PAGE_SIZE 4096UL

/*
 * Linux's UAPI (include/uapi/xen/privcmd.h), restated so the tools build
 * without kernel headers: struct privcmd_hypercall { __u64 op, arg[5]; }
 * and IOCTL_PRIVCMD_HYPERCALL = _IOC(_IOC_NONE, 'P', 0, sizeof(it)).
 */
struct keel_privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};
#define KEEL_IOCTL_PRIVCMD_HYPERCALL \
    _IOC(_IOC_NONE, 'P', 0, sizeof(struct keel_privcmd_hypercall))

static long privcmd_hypercall(void *opaque, unsigned long op,
                              const unsigned long args[5])
{
    xc_interface *xch = opaque;
    struct keel_privcmd_hypercall call = { .op = op };
    long ret;
    unsigned int i;

    for ( i = 0; i < 5; i++ )
        call.arg[i] = args[i];
    ret = ioctl(xch->fd, KEEL_IOCTL_PRIVCMD_HYPERCALL, &call);
    /* The ioctl returns the hypercall's result, or -1 with errno. */
    if ( ret < 0 )
        return -errno;
    return ret;
}

xc_interface *xc_interface_open(void *logger, void *dombuild_logger,
                                unsigned int open_flags)
{
    static const char *const paths[] = {
        "/dev/xen/privcmd", "/proc/xen/privcmd",
    };
    xc_interface *xch;
    unsigned int i;
    int fd = -1, err = ENOENT;

    if ( open_flags )
    {
        errno = EINVAL;
        return NULL;
    }
    for ( i = 0; i < sizeof(paths) / sizeof(paths[0]) && fd < 0; i++ )
    {
        fd = open(paths[i], O_RDWR | O_CLOEXEC);
        if ( fd < 0 && errno != ENOENT )
            err = errno;
    }
    if ( fd < 0 )
    {
        errno = err;
        return NULL;
    }
    xch = calloc(1, sizeof(*xch));
    if ( !xch )
    {
        close(fd);
        errno = ENOMEM;
        return NULL;
    }
    xch->fd = fd;
    xch->hypercall = privcmd_hypercall;
    xch->opaque = xch;
    return xch;
}

xc_interface *xc_interface_open_transport(xc_hypercall_fn fn, void *opaque)
{
    xc_interface *xch;

    if ( !fn )
    {
        errno = EINVAL;
        return NULL;
    }
    xch = calloc(1, sizeof(*xch));
    if ( !xch )
    {
        errno = ENOMEM;
        return NULL;
    }
    xch->fd = -1;
    xch->hypercall = fn;
    xch->opaque = opaque;
    return xch;
}

int xc_interface_close(xc_interface *xch)
{
    int rc = 0;

    if ( !xch )
        return 0;
    if ( xch->fd >= 0 )
        rc = close(xch->fd);
    if ( xch->bounce && xch->bounce_pid == getpid() )
        xc_hypercall_buffer_free(xch, xch->bounce, XC_PAGE_SIZE);
    free(xch);
    return rc;
}

int xc_interface_fd(xc_interface *xch)
{
    return xch ? xch->fd : -1;
}

const char *xc_strerror(xc_interface *xch, int errcode)
{
    switch ( errcode )
    {
    case ESRCH:
        return "no such domain";
    case EPERM:
        return "not permitted (only dom0 may do this)";
    case EINVAL:
        return "invalid argument";
    case EFAULT:
        return "bad address passed to the hypervisor";
    case ENOMEM:
        return "out of memory (hypervisor heap or the domain's maximum)";
    case ENOSYS:
        return "not implemented by this hypervisor";
    case EEXIST:
        return "already exists";
    case EBUSY:
        return "busy";
    case EACCES:
        return "permission denied on the privcmd device";
    case ENOENT:
        return "no privcmd device (is this dom0 with privcmd loaded?)";
    default:
        return strerror(errcode);
    }
}

long xc_hypercall(xc_interface *xch, unsigned long op, unsigned long a1,
                  unsigned long a2, unsigned long a3, unsigned long a4,
                  unsigned long a5)
{
    unsigned long args[5] = { a1, a2, a3, a4, a5 };
    long ret;

    if ( !xch )
    {
        errno = EINVAL;
        return -1;
    }
    ret = xch->hypercall(xch->opaque, op, args);
    if ( ret < 0 )
    {
        errno = (int)-ret;
        return -1;
    }
    return ret;
}


static size_t round_pages(size_t size)
{
    return (size + XC_PAGE_SIZE - 1) & ~(XC_PAGE_SIZE - 1);
}

long xc_memory_op(xc_interface *xch, unsigned int cmd, const void *arg,
                  size_t size)
{
    void *b = xc_hypercall_buffer_alloc(xch, size);
    long rc;
    int e;

    if ( !b )
    {
        errno = ENOMEM;
        return -1;
    }
    memcpy(b, arg, size);
    rc = xc_hypercall(xch, __HYPERVISOR_memory_op, cmd, (unsigned long)b,
                      0, 0, 0);
    e = errno;
    xc_hypercall_buffer_free(xch, b, size);
    errno = e;
    return rc;
}

void *xc_hypercall_buffer_alloc(xc_interface *xch, size_t size)
{
    size_t len = round_pages(size ? size : 1);
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if ( p == MAP_FAILED )
        return NULL;
    /*
     * The hypervisor cannot fault pages in: make them present and
     * writable now (a read-only zero page would reject its writes) and
     * keep them so.  mlock may fail without CAP_IPC_LOCK; dom0 has no
     * swap, so touching is what matters.
     */
    (void)madvise(p, len, MADV_DONTFORK);
    (void)mlock(p, len);
    memset(p, 0, len);
    return p;
}

void xc_hypercall_buffer_free(xc_interface *xch, void *buf, size_t size)
{
    size_t len = round_pages(size ? size : 1);

    if ( !buf )
        return;
    (void)munlock(buf, len);
    (void)munmap(buf, len);
}

/* The handle's kept page if it is free and this process's, else NULL. */
static void *bounce_take(xc_interface *xch, size_t size)
{
    if ( !xch || size > XC_PAGE_SIZE ||
         __atomic_exchange_n(&xch->bounce_busy, 1, __ATOMIC_ACQUIRE) )
        return NULL;
    if ( xch->bounce && xch->bounce_pid != getpid() )
        xch->bounce = NULL;             /* not mapped in a forked child */
    if ( !xch->bounce )
    {
        xch->bounce = xc_hypercall_buffer_alloc(xch, XC_PAGE_SIZE);
        xch->bounce_pid = getpid();
    }
    if ( !xch->bounce )
        __atomic_store_n(&xch->bounce_busy, 0, __ATOMIC_RELEASE);
    return xch->bounce;
}

void *xc_bounce_in(xc_interface *xch, const void *src, size_t size)
{
    void *b = bounce_take(xch, size);

    if ( b )
    {
        if ( src && size )
            memcpy(b, src, size);
        else
            memset(b, 0, size);
        return b;
    }
    b = xc_hypercall_buffer_alloc(xch, size);

    if ( !b )
    {
        errno = ENOMEM;
        return NULL;
    }
    if ( src && size )
        memcpy(b, src, size);
    return b;
}

void xc_bounce_out(xc_interface *xch, void *b, void *dst, size_t size)
{
    int saved = errno;

    if ( dst && b && size )
        memcpy(dst, b, size);
    if ( xch && b && b == xch->bounce )
        __atomic_store_n(&xch->bounce_busy, 0, __ATOMIC_RELEASE);
    else
        xc_hypercall_buffer_free(xch, b, size);
    errno = saved;
}

int xc_domctl(xc_interface *xch, struct xen_domctl *domctl)
{
    struct xen_domctl *b;
    long ret;

    domctl->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    b = xc_bounce_in(xch, domctl, sizeof(*domctl));
    if ( !b )
        return -1;
    ret = xc_hypercall(xch, __HYPERVISOR_domctl, (unsigned long)b, 0, 0, 0,
                       0);
    xc_bounce_out(xch, b, ret < 0 ? NULL : domctl, sizeof(*domctl));
    return ret < 0 ? -1 : (int)ret;
}

int xc_sysctl(xc_interface *xch, struct xen_sysctl *sysctl)
{
    struct xen_sysctl *b;
    long ret;

    sysctl->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    b = xc_bounce_in(xch, sysctl, sizeof(*sysctl));
    if ( !b )
        return -1;
    ret = xc_hypercall(xch, __HYPERVISOR_sysctl, (unsigned long)b, 0, 0, 0,
                       0);
    xc_bounce_out(xch, b, ret < 0 ? NULL : sysctl, sizeof(*sysctl));
    return ret < 0 ? -1 : (int)ret;
}

int xc_version(xc_interface *xch, int cmd, void *arg)
{
    size_t size;
    void *b = NULL;
    long ret;

    switch ( cmd )
    {
    case XENVER_version:
    case XENVER_pagesize:
        size = 0;
        break;
    case XENVER_extraversion:
        size = sizeof(xen_extraversion_t);
        break;
    case XENVER_compile_info:
        size = sizeof(xen_compile_info_t);
        break;
    case XENVER_capabilities:
        size = sizeof(xen_capabilities_info_t);
        break;
    case XENVER_commandline:
        size = sizeof(xen_commandline_t);
        break;
    case XENVER_changeset:
        size = sizeof(xen_changeset_info_t);
        break;
    default:
        size = 64;
        break;
    }
    if ( size )
    {
        if ( !arg )
        {
            errno = EINVAL;
            return -1;
        }
        b = xc_bounce_in(xch, arg, size);
        if ( !b )
            return -1;
    }
    ret = xc_hypercall(xch, __HYPERVISOR_xen_version, cmd,
                       (unsigned long)b, 0, 0, 0);
    if ( size )
        xc_bounce_out(xch, b, ret < 0 ? NULL : arg, size);
    return ret < 0 ? -1 : (int)ret;
}
