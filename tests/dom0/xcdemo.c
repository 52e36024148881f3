/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xcdemo: libxenctrl's domain calls against the running hypervisor, from
 * dom0 (keel.test=domctl).  Prints "xcdemo: ..." lines that
 * tests/system/test_domctl.py asserts, and "xcdemo: FAIL ..." for every
 * check that does not hold; exits 1 if any failed.
 *
 *   physinfo, sched_id, version            printed and checked for sanity
 *   create, max_mem, populate 16 MiB       getdomaininfo: paused, 4096 pages
 *   populate beyond max_mem                refused (ENOMEM)
 *   bad calls                              ESRCH / EINVAL / EFAULT
 *   a tiny guest (unless --no-guest)       prints "hello from d<N>" with
 *                                          CONSOLEIO_write and powers off;
 *                                          VIRQ_DOM_EXC reaches dom0
 *   destroy                                free memory back to the start
 *   --death: a guest that crashes          VIRQ_DOM_EXC, crashed, destroyed
 *     (jumps to unmapped memory: a nested  while dom0 still maps one of its
 *     page fault the hypervisor refuses)   pages: dying until unmapped, the
 *                                          page still readable, then gone
 *                                          and free memory exactly back
 *
 * No warm-up round: the hypervisor's small-object pools give their pages
 * back, so the first domain returns free memory exactly.
 *
 * Built static with libxc's sources compiled in (tests/dom0/Makefile).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../../tools/libxc/xc_private.c"
#include "../../tools/libxc/xc_domain.c"
#include "../../tools/libxc/xc_physinfo.c"
#include "../../tools/libxc/xc_foreign.c"

/*
 * VIRQ_DOM_EXC through Linux's evtchn device directly (libxc's
 * xc_evtchn.c and xc_foreign.c cannot share one translation unit).
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <xen/evtchn.h>

static int failures;

#define CHECK(cond, ...) do {                                           \
        if ( !(cond) )                                                  \
        {                                                               \
            failures++;                                                 \
            printf("xcdemo: FAIL %s:%d: ", __func__, __LINE__);         \
            printf(__VA_ARGS__);                                        \
            printf("\n");                                               \
        }                                                               \
    } while ( 0 )

/* Expect a libxc call to fail with errno e. */
#define EXPECT_ERR(call, e, what) do {                                  \
        errno = 0;                                                      \
        int rc_ = (call);                                               \
        int err_ = errno;                                               \
        printf("xcdemo: bad %s -> rc %d errno %s\n", what, rc_,         \
               rc_ < 0 ? strerrorname_np(err_) : "-");                  \
        CHECK(rc_ < 0 && err_ == (e), "%s: rc %d errno %d, want %d",    \
              what, rc_, err_, e);                                      \
    } while ( 0 )

#define GUEST_MB 16
#define GUEST_PAGES (GUEST_MB * 256)

static unsigned long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/*
 * The guest: 32-bit flat code at 0x1000, paging off.  Keel's hypercall
 * ABI is the 64-bit one (rax = number, rdi, rsi, rdx = arguments), which
 * 32-bit code reaches through edi, esi, edx (their upper halves start 0).
 */
static size_t guest_code(unsigned char *p, const char *msg, size_t msglen)
{
    size_t n = 0;
    uint32_t buf = 0x1100, sd = 0x1200;

#define B(x) (p[n++] = (x))
#define D(x) do { uint32_t d_ = (x); memcpy(p + n, &d_, 4); n += 4; } \
             while ( 0 )
    B(0xb8); D(__HYPERVISOR_console_io);     /* mov $18, %eax */
    B(0xbf); D(0);                           /* mov $CONSOLEIO_write, %edi */
    B(0xbe); D(msglen);                      /* mov $len, %esi */
    B(0xba); D(buf);                         /* mov $buf, %edx */
    B(0x0f); B(0x01); B(0xd9);               /* vmmcall */
    B(0xb8); D(__HYPERVISOR_sched_op);       /* mov $29, %eax */
    B(0xbf); D(SCHEDOP_shutdown);            /* mov $2, %edi */
    B(0xbe); D(sd);                          /* mov $sd, %esi */
    B(0x0f); B(0x01); B(0xd9);               /* vmmcall */
    B(0xf4);                                 /* hlt */
    B(0xeb); B(0xfd);                        /* jmp hlt */
#undef B
#undef D
    memcpy(p + 0x100, msg, msglen);
    memset(p + 0x200, 0, 4);                 /* sched_shutdown: poweroff */
    return n;
}

static int run_guest(xc_interface *xch, uint32_t domid)
{
    xenforeignmemory_handle *fm;
    int xce;
    xen_pfn_t gfn = 1;
    struct vcpu_hvm_context ctx;
    unsigned char *page;
    char msg[64];
    xc_dominfo_t info;
    int port, got_virq = 0;
    unsigned long long t0;

    xce = open("/dev/xen/evtchn", O_RDWR);
    CHECK(xce >= 0, "evtchn open: %s", strerror(errno));
    {
        struct ioctl_evtchn_bind_virq bv = { .virq = VIRQ_DOM_EXC };

        port = xce >= 0 ? ioctl(xce, IOCTL_EVTCHN_BIND_VIRQ, &bv) : -1;
    }
    CHECK(port >= 0, "bind VIRQ_DOM_EXC: %s", strerror(errno));

    fm = xenforeignmemory_open(0);
    CHECK(fm, "foreignmemory open: %s", strerror(errno));
    if ( !fm )
        return -1;
    page = xenforeignmemory_map(fm, domid, PROT_READ | PROT_WRITE, 1, &gfn,
                                NULL);
    CHECK(page, "map gfn 1 of d%u: %s (%s)", domid, strerror(errno),
          xenforeignmemory_last_error(fm));
    if ( !page )
        return -1;
    snprintf(msg, sizeof(msg), "hello from d%u\n", domid);
    guest_code(page, msg, strlen(msg));
    xenforeignmemory_unmap(fm, page, 1);
    xenforeignmemory_close(fm);
    printf("xcdemo: guest code written\n");

    xc_vcpu_pvh_boot_context(&ctx, 0x1000, 0);
    CHECK(xc_vcpu_setcontext(xch, domid, 0, &ctx) == 0, "setcontext: %s",
          strerror(errno));
    EXPECT_ERR(xc_vcpu_setcontext(xch, domid, 0, &ctx), EEXIST,
               "setcontext on an online vCPU");
    CHECK(xc_domain_unpause(xch, domid) == 0, "unpause: %s",
          strerror(errno));
    printf("xcdemo: guest unpaused\n");

    t0 = now_ms();
    for ( ; ; )
    {
        if ( xc_domain_getinfo_single(xch, domid, &info) < 0 )
            break;
        if ( info.shutdown || info.crashed )
            break;
        if ( now_ms() - t0 > 20000 )
            break;
        usleep(10000);
    }
    CHECK(info.shutdown && info.shutdown_reason == SHUTDOWN_poweroff,
          "guest did not power off (shutdown %u crashed %u reason %u)",
          info.shutdown, info.crashed, info.shutdown_reason);
    printf("xcdemo: guest shutdown=%u reason=%u\n", info.shutdown,
           info.shutdown_reason);

    if ( xce >= 0 && port >= 0 )
    {
        struct pollfd pfd = { .fd = xce, .events = POLLIN };
        uint32_t p;

        /* The device hands out pending ports as 32-bit words. */
        if ( poll(&pfd, 1, 5000) > 0 &&
             read(xce, &p, sizeof(p)) == sizeof(p) )
            got_virq = (int)p == port;
        CHECK(got_virq, "no VIRQ_DOM_EXC on port %d", port);
        printf("xcdemo: VIRQ_DOM_EXC %s\n",
               got_virq ? "received" : "missing");
        close(xce);
    }
    return 0;
}

/*
 * The crashing guest: 32-bit flat code at 0x1000 that jumps to 1 GiB,
 * where the 16 MiB guest has nothing: an instruction fetch there is a
 * nested page fault no emulator claims, so the hypervisor crashes the
 * domain from its exit handler (hvm_domain_crash).
 */
static size_t crash_code(unsigned char *p)
{
    size_t n = 0;

    p[n++] = 0xb8;                           /* mov $0x40000000, %eax */
    p[n++] = 0x00; p[n++] = 0x00; p[n++] = 0x00; p[n++] = 0x40;
    p[n++] = 0xff; p[n++] = 0xe0;            /* jmp *%eax */
    /* vCPU 1 at 0x1010: blocked in hlt when vCPU 0 crashes. */
    p[0x10] = 0xfa;                          /* cli */
    p[0x11] = 0xf4;                          /* hlt */
    p[0x12] = 0xeb; p[0x13] = 0xfd;          /* jmp hlt */
    memcpy(p + 0x800, "xcdemo-marker", 14);  /* read back after destroy */
    return n;
}

static int wait_virq(int xce, int port)
{
    struct pollfd pfd = { .fd = xce, .events = POLLIN };
    uint32_t p;

    return poll(&pfd, 1, 5000) > 0 && read(xce, &p, sizeof(p)) == sizeof(p)
           && (int)p == port;
}

static int death(xc_interface *xch)
{
    struct xen_domctl_createdomain cfg;
    struct vcpu_hvm_context ctx;
    xenforeignmemory_handle *fm;
    xc_physinfo_t pi, pi2;
    xc_dominfo_t info;
    xen_pfn_t gfn = 1, gfns[GUEST_MB / 2];
    uint32_t domid = 0;
    unsigned char *page;
    unsigned long long t0;
    unsigned int i;
    int xce, port = -1;

    CHECK(xc_physinfo(xch, &pi) == 0, "physinfo: %s", strerror(errno));
    printf("xcdemo: death: free_pages %llu\n",
           (unsigned long long)pi.free_pages);
    xce = open("/dev/xen/evtchn", O_RDWR);
    if ( xce >= 0 )
    {
        struct ioctl_evtchn_bind_virq bv = { .virq = VIRQ_DOM_EXC };

        port = ioctl(xce, IOCTL_EVTCHN_BIND_VIRQ, &bv);
    }
    CHECK(port >= 0, "bind VIRQ_DOM_EXC: %s", strerror(errno));

    xc_domain_pvh_config(&cfg, 2);
    if ( xc_domain_create(xch, &domid, &cfg) )
    {
        CHECK(0, "create: %s", strerror(errno));
        return -1;
    }
    for ( i = 0; i < GUEST_MB / 2; i++ )
        gfns[i] = i * 512;
    CHECK(xc_domain_setmaxmem(xch, domid, GUEST_MB * 1024) == 0 &&
          xc_domain_populate_physmap_exact(xch, domid, GUEST_MB / 2, 9, 0,
                                           gfns) == 0,
          "populate: %s", strerror(errno));

    fm = xenforeignmemory_open(0);
    page = fm ? xenforeignmemory_map(fm, domid, PROT_READ | PROT_WRITE, 1,
                                     &gfn, NULL) : NULL;
    CHECK(page, "map gfn 1 of d%u: %s", domid, strerror(errno));
    if ( !page )
        return -1;
    crash_code(page);

    xc_vcpu_pvh_boot_context(&ctx, 0x1010, 0);
    CHECK(xc_vcpu_setcontext(xch, domid, 1, &ctx) == 0, "setcontext 1: %s",
          strerror(errno));
    xc_vcpu_pvh_boot_context(&ctx, 0x1000, 0);
    CHECK(xc_vcpu_setcontext(xch, domid, 0, &ctx) == 0, "setcontext: %s",
          strerror(errno));
    CHECK(xc_domain_unpause(xch, domid) == 0, "unpause: %s",
          strerror(errno));
    printf("xcdemo: death: d%u unpaused\n", domid);

    t0 = now_ms();
    memset(&info, 0, sizeof(info));
    while ( xc_domain_getinfo_single(xch, domid, &info) == 0 &&
            !info.crashed && !info.shutdown && now_ms() - t0 < 20000 )
        usleep(10000);
    printf("xcdemo: death: crashed=%u shutdown=%u\n", info.crashed,
           info.shutdown);
    CHECK(info.crashed, "the guest did not crash");
    CHECK(xce >= 0 && port >= 0 && wait_virq(xce, port),
          "no VIRQ_DOM_EXC");
    printf("xcdemo: death: VIRQ_DOM_EXC received\n");

    /* Destroyed while dom0 still maps its page: dying, not gone. */
    CHECK(xc_domain_destroy(xch, domid) == 0, "destroy: %s",
          strerror(errno));
    CHECK(xc_domain_getinfo_single(xch, domid, &info) == 0 && info.dying,
          "not dying after destroy with a page mapped (%s)",
          strerror(errno));
    printf("xcdemo: death: destroyed, dying=%u nr_pages=%lu\n", info.dying,
           (unsigned long)info.nr_pages);
    /* The page is still its own: dom0 reads what it wrote. */
    printf("xcdemo: death: mapped page still reads \"%s\"\n",
           (char *)page + 0x800);
    CHECK(!strcmp((char *)page + 0x800, "xcdemo-marker"),
          "mapped page changed");
    CHECK(xc_domain_create(xch, &(uint32_t){ domid }, &cfg) < 0 &&
          errno == EEXIST, "a dying domain's domid was reused");

    xenforeignmemory_unmap(fm, page, 1);
    xenforeignmemory_close(fm);
    EXPECT_ERR(xc_domain_getinfo_single(xch, domid, &info), ESRCH,
               "getinfo after the last unmap");
    CHECK(xc_physinfo(xch, &pi2) == 0, "physinfo");
    printf("xcdemo: death: free_pages before %llu after %llu\n",
           (unsigned long long)pi.free_pages,
           (unsigned long long)pi2.free_pages);
    CHECK(pi2.free_pages == pi.free_pages, "free memory not restored "
          "(%lld pages)", (long long)(pi2.free_pages - pi.free_pages));
    if ( xce >= 0 )
        close(xce);
    return 0;
}

int main(int argc, char **argv)
{
    bool guest = !(argc > 1 && !strcmp(argv[1], "--no-guest"));
    bool die = argc > 1 && !strcmp(argv[1], "--death");
    struct xen_domctl_createdomain cfg;
    struct xen_domctl_sched_credit cred;
    xc_physinfo_t pi, pi2;
    xc_dominfo_t info, list[8];
    xc_vcpuinfo_t vi;
    xen_pfn_t gfns[GUEST_MB / 2], one, huge = 0;
    uint64_t val;
    uint32_t domid = 0;
    char ring[4096];
    unsigned int nr, i;
    uint32_t idx = 0;
    int sched, n, ver, port;
    xc_interface *xch = xc_interface_open(NULL, NULL, 0);

    setvbuf(stdout, NULL, _IOLBF, 0);
    if ( !xch )
    {
        printf("xcdemo: cannot open privcmd: %s\n", xc_strerror(NULL, errno));
        return 1;
    }

    if ( die )
    {
        death(xch);
        xc_interface_close(xch);
        printf("xcdemo: %s (%d failures)\n", failures ? "FAILED" : "done",
               failures);
        return failures ? 1 : 0;
    }

    /* ---- host ---- */
    CHECK(xc_physinfo(xch, &pi) == 0, "physinfo: %s", strerror(errno));
    printf("xcdemo: physinfo nr_cpus=%u cores_per_socket=%u "
           "threads_per_core=%u cpu_khz=%u total_pages=%llu "
           "free_pages=%llu caps=%#x\n", pi.nr_cpus, pi.cores_per_socket,
           pi.threads_per_core, pi.cpu_khz,
           (unsigned long long)pi.total_pages,
           (unsigned long long)pi.free_pages, pi.capabilities);
    CHECK(pi.nr_cpus >= 1 && pi.cpu_khz > 100000 &&
          pi.free_pages > GUEST_PAGES && pi.free_pages < pi.total_pages &&
          (pi.capabilities & XEN_SYSCTL_PHYSCAP_hvm) &&
          pi.nr_cpus == pi.threads_per_core * pi.cores_per_socket,
          "physinfo not sane");
    CHECK(xc_sched_id(xch, &sched) == 0 && sched == XEN_SCHEDULER_CREDIT,
          "sched_id %d", sched);
    ver = xc_version(xch, XENVER_version, NULL);
    printf("xcdemo: version %d.%d sched_id %d\n", ver >> 16, ver & 0xffff,
           sched);
    nr = sizeof(ring);
    CHECK(xc_readconsolering(xch, ring, &nr, 0, 1, &idx) == 0 && nr > 0,
          "readconsolering: %s", strerror(errno));
    printf("xcdemo: console ring %u bytes, index %u\n", nr, idx);
    {
        xc_cpuinfo_t ci[4];
        int ncpu = 0;

        CHECK(xc_getcpuinfo(xch, 4, ci, &ncpu) == 0 && ncpu >= 1,
              "getcpuinfo: %s", strerror(errno));
        printf("xcdemo: getcpuinfo %d cpus, cpu0 idle %llu ms\n", ncpu,
               (unsigned long long)ci[0].idletime / 1000000);
    }

    /* ---- a domain ---- */
    xc_domain_pvh_config(&cfg, 1);
    memcpy(cfg.handle, "keel-xcdemo-uuid", 16);
    CHECK(xc_domain_create(xch, &domid, &cfg) == 0, "create: %s",
          xc_strerror(xch, errno));
    printf("xcdemo: created d%u\n", domid);
    CHECK(xc_domain_setmaxmem(xch, domid, GUEST_MB * 1024) == 0,
          "max_mem: %s", strerror(errno));
    for ( i = 0; i < GUEST_MB / 2; i++ )
        gfns[i] = i * 512;
    CHECK(xc_domain_populate_physmap_exact(xch, domid, GUEST_MB / 2, 9, 0,
                                           gfns) == 0,
          "populate %u MiB: %s", GUEST_MB, strerror(errno));
    one = GUEST_PAGES;
    EXPECT_ERR(xc_domain_populate_physmap_exact(xch, domid, 1, 0, 0, &one),
               ENOMEM, "populate beyond max_mem");
    CHECK(xc_domain_getinfo_single(xch, domid, &info) == 0, "getinfo: %s",
          strerror(errno));
    printf("xcdemo: d%u paused=%u nr_pages=%lu max_memkb=%lu vcpus=%u "
           "handle=%.16s\n", info.domid, info.paused, info.nr_pages,
           info.max_memkb, info.max_vcpu_id + 1, (char *)info.handle);
    CHECK(info.domid == domid && info.paused && !info.shutdown &&
          info.nr_pages == GUEST_PAGES && info.max_memkb == GUEST_MB * 1024,
          "getdomaininfo not as set");
    n = xc_domain_getinfo(xch, 0, 8, list);
    printf("xcdemo: getinfolist %d domains, first d%u\n", n,
           n > 0 ? list[0].domid : 0);
    CHECK(n >= 2 && list[0].domid == 0, "getinfolist %d", n);
    CHECK(xc_vcpu_getinfo(xch, domid, 0, &vi) == 0 && !vi.online,
          "vcpuinfo: %s", strerror(errno));
    cred.weight = 512;
    cred.cap = 0;
    CHECK(xc_sched_credit_domain_set(xch, domid, &cred) == 0, "credit set");
    memset(&cred, 0, sizeof(cred));
    CHECK(xc_sched_credit_domain_get(xch, domid, &cred) == 0 &&
          cred.weight == 512, "credit get %u", cred.weight);
    CHECK(xc_hvm_param_set(xch, domid, HVM_PARAM_STORE_PFN, 0xfeffc) == 0 &&
          xc_hvm_param_get(xch, domid, HVM_PARAM_STORE_PFN, &val) == 0 &&
          val == 0xfeffc, "hvm param store pfn");
    port = xc_evtchn_alloc_unbound(xch, domid, 0);
    CHECK(port > 0, "alloc_unbound: %s", strerror(errno));
    printf("xcdemo: credit weight %u, store pfn %#llx, unbound port %d\n",
           cred.weight, (unsigned long long)val, port);

    /* ---- bad calls ---- */
    EXPECT_ERR(xc_domain_getinfo_single(xch, 0x7000, &info), ESRCH,
               "getinfo of d28672");
    EXPECT_ERR(xc_domain_destroy(xch, 0x7000), ESRCH, "destroy of d28672");
    EXPECT_ERR(xc_domain_pause(xch, 0x7ff5), ESRCH, "pause of d32757");
    EXPECT_ERR(xc_domain_destroy(xch, 0), EINVAL, "destroy of dom0");
    EXPECT_ERR(xc_domain_populate_physmap_exact(xch, 0x7000, 1, 0, 0, &huge),
               ESRCH, "populate of d28672");
    EXPECT_ERR(xc_domain_populate_physmap_exact(xch, domid, 1, 20, 0,
                                                &huge),
               ENOMEM, "populate with order 20");
    EXPECT_ERR(xc_vcpu_getinfo(xch, domid, 99, &vi), EINVAL,
               "vcpuinfo of vCPU 99");
    EXPECT_ERR(xc_hvm_param_set(xch, domid, 5000, 1), EINVAL,
               "hvm param 5000");
    EXPECT_ERR(xc_domain_unpause(xch, 0), EINVAL, "unpause of dom0");
    {
        struct xen_domctl_createdomain bad;
        uint32_t id = 0;

        xc_domain_pvh_config(&bad, 0);
        EXPECT_ERR(xc_domain_create(xch, &id, &bad), EINVAL,
                   "create with 0 vCPUs");
        xc_domain_pvh_config(&bad, 100000);
        EXPECT_ERR(xc_domain_create(xch, &id, &bad), EINVAL,
                   "create with 100000 vCPUs");
        xc_domain_pvh_config(&bad, 1);
        id = domid;
        EXPECT_ERR(xc_domain_create(xch, &id, &bad), EEXIST,
                   "create of an existing domid");
    }
    {
        struct xen_domctl d;

        memset(&d, 0, sizeof(d));
        d.cmd = XEN_DOMCTL_getdomaininfo;
        d.domain = domid;
        d.interface_version = 0;
        /* xc_domctl fills the version: call the hypercall raw instead. */
        {
            struct xen_domctl *b = xc_hypercall_buffer_alloc(xch, sizeof(d));

            memcpy(b, &d, sizeof(d));
            EXPECT_ERR((int)xc_hypercall(xch, __HYPERVISOR_domctl,
                                         (unsigned long)b, 0, 0, 0, 0),
                       EACCES, "domctl with a wrong interface version");
            xc_hypercall_buffer_free(xch, b, sizeof(d));
        }
        EXPECT_ERR((int)xc_hypercall(xch, __HYPERVISOR_domctl, 0x10, 0, 0,
                                     0, 0),
                   EFAULT, "domctl at a bad pointer");
        EXPECT_ERR((int)xc_hypercall(xch, __HYPERVISOR_sysctl,
                                     0xffff800000000000UL, 0, 0, 0, 0),
                   EFAULT, "sysctl at a kernel pointer");
    }

    /* ---- run it ---- */
    if ( guest )
        run_guest(xch, domid);

    /* ---- destroy: every page back ---- */
    CHECK(xc_domain_destroy(xch, domid) == 0, "destroy: %s",
          strerror(errno));
    EXPECT_ERR(xc_domain_getinfo_single(xch, domid, &info), ESRCH,
               "getinfo after destroy");
    CHECK(xc_physinfo(xch, &pi2) == 0, "physinfo");
    printf("xcdemo: free_pages before %llu after %llu\n",
           (unsigned long long)pi.free_pages,
           (unsigned long long)pi2.free_pages);
    CHECK(pi2.free_pages == pi.free_pages, "free memory not restored "
          "(%lld pages)", (long long)(pi2.free_pages - pi.free_pages));

    xc_interface_close(xch);
    printf("xcdemo: %s (%d failures)\n", failures ? "FAILED" : "done",
           failures);
    return failures ? 1 : 0;
}
