/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hcall: issue hypercalls from dom0 through /dev/xen/privcmd.
 *
 *   hcall version           xen_version: version, extraversion, features
 *   hcall raw OP [A0..A4]   one hypercall, numbers in C syntax
 *   hcall --bad             hypercalls with bad arguments (bad pointers,
 *                           huge counts, bad ports, bad grant refs, unknown
 *                           ops), each result printed; then xen_version
 *                           again to show the hypervisor still answers
 *
 * Every line starts with "hcall: ".  The last line of --bad is
 * "hcall: bad: done, N calls, M errors, hypervisor alive X.Y" or
 * "hcall: bad: FAILED ..." when xen_version stopped working.
 *
 * Nothing here may hurt dom0 itself: every pointer handed to the hypervisor
 * is either one of our own buffers, an address that is not mapped in this
 * process, or non-canonical, and only ports/refs/handles that cannot exist
 * are used (closing one of the kernel's own ports would break it).  Linux's
 * privcmd does not bound the op number (it indexes the hypercall page), so
 * only ops below 64 are issued.
 *
 * ABI facts (Xen public headers, Linux include/uapi/xen/privcmd.h):
 * IOCTL_PRIVCMD_HYPERCALL = _IOC(_IOC_NONE, 'P', 0, 48) on
 * struct { u64 op; u64 arg[5]; }; the ioctl returns the hypercall's result,
 * negative results as -1 with errno set.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

struct privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};

#define IOCTL_PRIVCMD_HYPERCALL \
    _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

/* Hypercall numbers (xen.h). */
#define HC_console_io        18
#define HC_grant_table_op    20
#define HC_xen_version       17
#define HC_memory_op         12
#define HC_multicall         13
#define HC_vcpu_op           24
#define HC_sched_op          29
#define HC_event_channel_op  32
#define HC_physdev_op        33
#define HC_hvm_op            34
#define HC_platform_op        7
#define HC_unused            60

#define XENVER_version       0
#define XENVER_extraversion  1
#define XENVER_get_features  6

#define DOMID_SELF           0x7ff0
#define DOMID_BAD            0x7fef   /* below the special ids, never made */

/* Addresses that cannot be valid in a guest. */
#define ADDR_UNMAPPED        0x1000UL               /* below mmap_min_addr */
#define ADDR_NONCANON        0x8000000000000000UL

static int fd = -1;
static int calls, errors;

static const char *ename(int e)
{
    switch ( e )
    {
    case 0: return "ok";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case E2BIG: return "E2BIG";
    case EBADF: return "EBADF";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENODEV: return "ENODEV";
    case EINVAL: return "EINVAL";
    case ENOSPC: return "ENOSPC";
    case ERANGE: return "ERANGE";
    case ENOSYS: return "ENOSYS";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    default: return "E?";
    }
}

/* One hypercall; returns its result (negative errno on error). */
static long hypercall(unsigned int op, uint64_t a0, uint64_t a1, uint64_t a2,
                      uint64_t a3, uint64_t a4)
{
    struct privcmd_hypercall h = { op, { a0, a1, a2, a3, a4 } };
    long r;

    calls++;
    r = ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h);
    if ( r < 0 )
    {
        r = -errno;
        errors++;
    }
    return r;
}

static void report(const char *what, long r)
{
    printf("hcall: %s: ret=%ld (%s)\n", what, r, ename(r < 0 ? -r : 0));
    fflush(stdout);
}

/* Report one whose per-op status field carries the error (grant ops). */
static void report_status(const char *what, long r, int16_t status)
{
    printf("hcall: %s: ret=%ld (%s) status=%d\n", what, r,
           ename(r < 0 ? -r : 0), status);
    fflush(stdout);
}

static int open_privcmd(void)
{
    fd = open("/dev/xen/privcmd", O_RDWR);
    if ( fd < 0 )
        fd = open("/proc/xen/privcmd", O_RDWR);
    if ( fd < 0 )
    {
        printf("hcall: cannot open /dev/xen/privcmd or /proc/xen/privcmd: "
               "%s\n", strerror(errno));
        return -1;
    }
    /* The hypervisor reads our buffers by guest address: keep them in. */
    mlockall(MCL_CURRENT | MCL_FUTURE);
    return 0;
}

static long show_version(const char *prefix)
{
    static char extra[16 + 1];
    static struct { uint32_t submap_idx, submap; } feat;
    long v;

    v = hypercall(HC_xen_version, XENVER_version, 0, 0, 0, 0);
    if ( v < 0 )
    {
        printf("hcall: %sxen_version: ret=%ld (%s)\n", prefix, v, ename(-v));
        return v;
    }
    memset(extra, 0, sizeof(extra));
    hypercall(HC_xen_version, XENVER_extraversion, (uintptr_t)extra, 0, 0,
              0);
    extra[16] = 0;
    feat.submap_idx = 0;
    feat.submap = 0;
    hypercall(HC_xen_version, XENVER_get_features, (uintptr_t)&feat, 0, 0,
              0);
    printf("hcall: %sxen_version %ld.%ld%s features 0x%08x\n", prefix,
           v >> 16, v & 0xffff, extra, feat.submap);
    fflush(stdout);
    return v;
}

/* --- the bad-argument run ---------------------------------------------- */

/* Structures laid out as in the public headers. */
struct evtchn_send { uint32_t port; };
struct evtchn_close { uint32_t port; };
struct evtchn_unmask { uint32_t port; };
struct evtchn_status {
    uint16_t dom;
    uint32_t port;
    uint32_t status;
    uint32_t vcpu;
    uint32_t u[2];
};
struct evtchn_bind_vcpu { uint32_t port; uint32_t vcpu; };
struct evtchn_bind_virq { uint32_t virq; uint32_t vcpu; uint32_t port; };
struct evtchn_bind_ipi { uint32_t vcpu; uint32_t port; };
struct evtchn_alloc_unbound { uint16_t dom, remote_dom; uint32_t port; };
struct evtchn_bind_interdomain {
    uint16_t remote_dom;
    uint32_t remote_port;
    uint32_t local_port;
};

struct gnttab_map_grant_ref {
    uint64_t host_addr;
    uint32_t flags;
    uint32_t ref;
    uint16_t dom;
    int16_t status;
    uint32_t handle;
    uint64_t dev_bus_addr;
};
struct gnttab_unmap_grant_ref {
    uint64_t host_addr;
    uint64_t dev_bus_addr;
    uint32_t handle;
    int16_t status;
};
struct gnttab_setup_table {
    uint16_t dom;
    uint32_t nr_frames;
    int16_t status;
    uint64_t frame_list;
};
struct gnttab_copy_ptr {
    union { uint32_t ref; uint64_t gmfn; } u;
    uint16_t domid;
    uint16_t offset;
};
struct gnttab_copy {
    struct gnttab_copy_ptr source, dest;
    uint16_t len;
    uint16_t flags;
    int16_t status;
};
struct xen_memory_reservation {
    uint64_t extent_start;
    uint64_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags;
    uint16_t domid;
};
struct xen_hvm_param {
    uint16_t domid;
    uint16_t pad;
    uint32_t index;
    uint64_t value;
};

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq        1
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_bind_ipi         7
#define EVTCHNOP_bind_vcpu        8
#define EVTCHNOP_unmask           9

#define GNTTABOP_map_grant_ref    0
#define GNTTABOP_unmap_grant_ref  1
#define GNTTABOP_setup_table      2
#define GNTTABOP_copy             5
#define GNTTABOP_query_size       6
#define GNTMAP_host_map           (1 << 1)
#define GNTCOPY_source_gref       (1 << 0)

#define XENMEM_populate_physmap   6
#define XENMEM_decrease_reservation 1
#define XENMEM_memory_map         9

#define HVMOP_set_param           0
#define HVMOP_get_param           1
#define VCPUOP_is_up              3
#define CONSOLEIO_write           0

/* Ports, refs and handles no domain can have. */
#define BAD_PORT                  0x7fffffffU
#define BAD_REF                   0xfffffff0U
#define BAD_HANDLE                0xfffffff0U

static int run_bad(void)
{
    static struct evtchn_send send;
    static struct evtchn_close cls;
    static struct evtchn_unmask unmask;
    static struct evtchn_status st;
    static struct evtchn_bind_vcpu bvcpu;
    static struct evtchn_bind_virq bvirq;
    static struct evtchn_bind_ipi bipi;
    static struct evtchn_alloc_unbound au;
    static struct evtchn_bind_interdomain bid;
    static struct gnttab_map_grant_ref map;
    static struct gnttab_unmap_grant_ref unmap;
    static struct gnttab_setup_table setup;
    static struct gnttab_copy copy;
    static struct xen_memory_reservation res;
    static struct xen_hvm_param param;
    static char page[4096] __attribute__((aligned(4096)));
    long v0, v1, r;

    v0 = show_version("bad: before: ");
    if ( v0 < 0 )
        return 1;

    /* Bad pointers. */
    report("xen_version extraversion to an unmapped address",
           hypercall(HC_xen_version, XENVER_extraversion, ADDR_UNMAPPED,
                     0, 0, 0));
    report("xen_version extraversion to a non-canonical address",
           hypercall(HC_xen_version, XENVER_extraversion, ADDR_NONCANON,
                     0, 0, 0));
    report("xen_version get_features from an unmapped address",
           hypercall(HC_xen_version, XENVER_get_features, ADDR_UNMAPPED,
                     0, 0, 0));
    report("xen_version unknown command 0x7fff",
           hypercall(HC_xen_version, 0x7fff, 0, 0, 0, 0));
    report("memory_op memory_map from an unmapped address",
           hypercall(HC_memory_op, XENMEM_memory_map, ADDR_UNMAPPED, 0, 0,
                     0));
    report("event_channel_op send from a non-canonical address",
           hypercall(HC_event_channel_op, EVTCHNOP_send, ADDR_NONCANON, 0,
                     0, 0));
    report("grant_table_op query_size from an unmapped address",
           hypercall(HC_grant_table_op, GNTTABOP_query_size, ADDR_UNMAPPED,
                     1, 0, 0));
    report("hvm_op get_param from an unmapped address",
           hypercall(HC_hvm_op, HVMOP_get_param, ADDR_UNMAPPED, 0, 0, 0));
    report("console_io write from an unmapped address",
           hypercall(HC_console_io, CONSOLEIO_write, 64, ADDR_UNMAPPED, 0,
                     0));

    /* Huge counts. */
    report("console_io write 2^31 bytes from a non-canonical address",
           hypercall(HC_console_io, CONSOLEIO_write, 0x80000000UL,
                     ADDR_NONCANON, 0, 0));
    report("multicall 2^31 calls from an unmapped address",
           hypercall(HC_multicall, ADDR_UNMAPPED, 0x80000000UL, 0, 0, 0));
    report("grant_table_op query_size count 2^32-1",
           hypercall(HC_grant_table_op, GNTTABOP_query_size, ADDR_UNMAPPED,
                     0xffffffffUL, 0, 0));
    report("grant_table_op copy count 2^31 from a non-canonical address",
           hypercall(HC_grant_table_op, GNTTABOP_copy, ADDR_NONCANON,
                     0x80000000UL, 0, 0));
    res.extent_start = ADDR_UNMAPPED;
    res.nr_extents = 1UL << 40;
    res.extent_order = 0;
    res.domid = DOMID_SELF;
    report("memory_op populate_physmap 2^40 extents, list unmapped",
           hypercall(HC_memory_op, XENMEM_populate_physmap, (uintptr_t)&res,
                     0, 0, 0));
    res.extent_order = 63;
    res.nr_extents = 1;
    report("memory_op decrease_reservation order 63, list unmapped",
           hypercall(HC_memory_op, XENMEM_decrease_reservation,
                     (uintptr_t)&res, 0, 0, 0));
    setup.dom = DOMID_SELF;
    setup.nr_frames = 0xffffffffU;
    setup.status = 0;
    setup.frame_list = ADDR_UNMAPPED;
    r = hypercall(HC_grant_table_op, GNTTABOP_setup_table,
                  (uintptr_t)&setup, 1, 0, 0);
    report_status("grant_table_op setup_table 2^32-1 frames", r,
                  setup.status);

    /* Bad event channel ports. */
    send.port = BAD_PORT;
    report("event_channel_op send to port 0x7fffffff",
           hypercall(HC_event_channel_op, EVTCHNOP_send, (uintptr_t)&send,
                     0, 0, 0));
    send.port = 4095;
    report("event_channel_op send to unbound port 4095",
           hypercall(HC_event_channel_op, EVTCHNOP_send, (uintptr_t)&send,
                     0, 0, 0));
    cls.port = BAD_PORT;
    report("event_channel_op close port 0x7fffffff",
           hypercall(HC_event_channel_op, EVTCHNOP_close, (uintptr_t)&cls,
                     0, 0, 0));
    unmask.port = BAD_PORT;
    report("event_channel_op unmask port 0x7fffffff",
           hypercall(HC_event_channel_op, EVTCHNOP_unmask,
                     (uintptr_t)&unmask, 0, 0, 0));
    st.dom = DOMID_SELF;
    st.port = BAD_PORT;
    report("event_channel_op status of port 0x7fffffff",
           hypercall(HC_event_channel_op, EVTCHNOP_status, (uintptr_t)&st,
                     0, 0, 0));
    st.dom = DOMID_BAD;
    st.port = 1;
    report("event_channel_op status in domain 0x7fef",
           hypercall(HC_event_channel_op, EVTCHNOP_status, (uintptr_t)&st,
                     0, 0, 0));
    bvcpu.port = BAD_PORT;
    bvcpu.vcpu = 0;
    report("event_channel_op bind_vcpu port 0x7fffffff",
           hypercall(HC_event_channel_op, EVTCHNOP_bind_vcpu,
                     (uintptr_t)&bvcpu, 0, 0, 0));
    bvirq.virq = 0x7fffffff;
    bvirq.vcpu = 0;
    report("event_channel_op bind_virq virq 0x7fffffff",
           hypercall(HC_event_channel_op, EVTCHNOP_bind_virq,
                     (uintptr_t)&bvirq, 0, 0, 0));
    bipi.vcpu = 0x7fffffff;
    report("event_channel_op bind_ipi vcpu 0x7fffffff",
           hypercall(HC_event_channel_op, EVTCHNOP_bind_ipi,
                     (uintptr_t)&bipi, 0, 0, 0));
    au.dom = DOMID_BAD;
    au.remote_dom = 0;
    report("event_channel_op alloc_unbound in domain 0x7fef",
           hypercall(HC_event_channel_op, EVTCHNOP_alloc_unbound,
                     (uintptr_t)&au, 0, 0, 0));
    bid.remote_dom = DOMID_BAD;
    bid.remote_port = 1;
    report("event_channel_op bind_interdomain to domain 0x7fef",
           hypercall(HC_event_channel_op, EVTCHNOP_bind_interdomain,
                     (uintptr_t)&bid, 0, 0, 0));
    report("event_channel_op unknown command 0x7fff",
           hypercall(HC_event_channel_op, 0x7fff, (uintptr_t)page, 0, 0,
                     0));

    /* Bad grant references and handles. */
    map.host_addr = 1UL << 45;   /* a guest frame far above RAM */
    map.flags = GNTMAP_host_map;
    map.ref = BAD_REF;
    map.dom = 0;
    map.status = 0;
    r = hypercall(HC_grant_table_op, GNTTABOP_map_grant_ref,
                  (uintptr_t)&map, 1, 0, 0);
    report_status("grant_table_op map_grant_ref ref 0xfffffff0 of dom0",
                  r, map.status);
    map.ref = 1;
    map.dom = DOMID_BAD;
    map.status = 0;
    r = hypercall(HC_grant_table_op, GNTTABOP_map_grant_ref,
                  (uintptr_t)&map, 1, 0, 0);
    report_status("grant_table_op map_grant_ref of domain 0x7fef", r,
                  map.status);
    unmap.host_addr = 1UL << 45;
    unmap.handle = BAD_HANDLE;
    unmap.status = 0;
    r = hypercall(HC_grant_table_op, GNTTABOP_unmap_grant_ref,
                  (uintptr_t)&unmap, 1, 0, 0);
    report_status("grant_table_op unmap_grant_ref handle 0xfffffff0", r,
                  unmap.status);
    memset(&copy, 0, sizeof(copy));
    copy.source.u.ref = BAD_REF;
    copy.source.domid = 0;
    copy.dest.u.gmfn = 1UL << 33;
    copy.dest.domid = DOMID_SELF;
    copy.len = 8;
    copy.flags = GNTCOPY_source_gref;
    r = hypercall(HC_grant_table_op, GNTTABOP_copy, (uintptr_t)&copy, 1, 0,
                  0);
    report_status("grant_table_op copy from ref 0xfffffff0", r, copy.status);
    report("grant_table_op unknown command 0x7fff",
           hypercall(HC_grant_table_op, 0x7fff, (uintptr_t)page, 1, 0, 0));

    /* Unknown or out-of-range everything else. */
    param.domid = DOMID_SELF;
    param.index = 0x7fffffff;
    report("hvm_op get_param index 0x7fffffff",
           hypercall(HC_hvm_op, HVMOP_get_param, (uintptr_t)&param, 0, 0,
                     0));
    param.domid = DOMID_BAD;
    param.index = 1;
    report("hvm_op get_param of domain 0x7fef",
           hypercall(HC_hvm_op, HVMOP_get_param, (uintptr_t)&param, 0, 0,
                     0));
    report("vcpu_op is_up vcpu 0x7fffffff",
           hypercall(HC_vcpu_op, VCPUOP_is_up, 0x7fffffff, 0, 0, 0));
    report("sched_op unknown command 0x7fff",
           hypercall(HC_sched_op, 0x7fff, 0, 0, 0, 0));
    report("physdev_op unknown command 0x7fff",
           hypercall(HC_physdev_op, 0x7fff, (uintptr_t)page, 0, 0, 0));
    /* interface_version 0: refused before anything is looked at. */
    memset(page, 0, sizeof(page));
    report("platform_op with interface version 0",
           hypercall(HC_platform_op, (uintptr_t)page, 0, 0, 0, 0));
    report("unused hypercall 60",
           hypercall(HC_unused, 0, 0, 0, 0, 0));

    v1 = show_version("bad: after: ");
    if ( v1 < 0 || v1 != v0 )
    {
        printf("hcall: bad: FAILED, xen_version %ld after the run (%ld "
               "before)\n", v1, v0);
        return 1;
    }
    printf("hcall: bad: done, %d calls, %d errors, hypervisor alive "
           "%ld.%ld\n", calls, errors, v1 >> 16, v1 & 0xffff);
    return 0;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: hcall version | hcall raw OP [A0 .. A4] | hcall --bad\n");
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if ( argc < 2 )
    {
        usage();
        return 2;
    }
    if ( strcmp(argv[1], "version") && strcmp(argv[1], "raw") &&
         strcmp(argv[1], "--bad") )
    {
        usage();
        return 2;
    }
    if ( open_privcmd() )
        return 1;
    if ( !strcmp(argv[1], "version") )
        return show_version("") < 0;
    if ( !strcmp(argv[1], "--bad") )
        return run_bad();

    {
        uint64_t a[5] = { 0 };
        unsigned long op;
        int i;
        long r;

        if ( argc < 3 || argc > 8 )
        {
            usage();
            return 2;
        }
        op = strtoul(argv[2], NULL, 0);
        if ( op >= 64 )
        {
            /* privcmd would jump past the hypercall page. */
            fprintf(stderr, "hcall: op %lu out of range (0..63)\n", op);
            return 2;
        }
        for ( i = 3; i < argc; i++ )
            a[i - 3] = strtoull(argv[i], NULL, 0);
        r = hypercall(op, a[0], a[1], a[2], a[3], a[4]);
        printf("hcall: raw %lu: ret=%ld (%s)\n", op, r,
               ename(r < 0 ? -r : 0));
        return r < 0;
    }
}
