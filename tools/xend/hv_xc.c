/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xend's hypervisor layer on libxc (the real one; tests use a fake). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenctrl.h>
#include <xenevtchn.h>
#include <xenguest.h>

#include "hv_xc.h"

#define XEND_MODULE "hv_xc"

struct hv_xc {
    xc_interface *xch;
    xenevtchn_handle *xce;
    int virq_port;
    char cache_dir[256];
    bool have_cache_dir;
};

static int fail(char *err, const char *what)
{
    int e = errno ? errno : EIO;

    snprintf(err, XEND_ERR_MAX, "%s: %s", what, strerror(e));
    return -e;
}

static void from_xc(struct xend_dominfo *d, const xc_dominfo_t *in)
{
    memset(d, 0, sizeof(*d));
    d->domid = in->domid;
    memcpy(d->handle, in->handle, 16);
    d->dying = in->dying;
    d->crashed = in->crashed;
    d->shutdown = in->shutdown;
    d->paused = in->paused;
    d->blocked = in->blocked;
    d->running = in->running;
    d->shutdown_reason = in->shutdown_reason;
    d->nr_pages = in->nr_pages;
    d->max_memkb = in->max_memkb;
    d->cpu_time_ns = in->cpu_time;
    d->online_vcpus = in->nr_online_vcpus;
    d->max_vcpu_id = in->max_vcpu_id;
}

static int x_physinfo(void *h, struct xend_physinfo *pi, char *err)
{
    struct hv_xc *hv = h;
    xc_physinfo_t p;

    memset(&p, 0, sizeof(p));
    if ( xc_physinfo(hv->xch, &p) )
        return fail(err, "sysctl physinfo");
    memset(pi, 0, sizeof(*pi));
    pi->nr_cpus = p.nr_cpus;
    pi->nr_nodes = p.nr_nodes;
    pi->cores_per_socket = p.cores_per_socket;
    pi->threads_per_core = p.threads_per_core;
    pi->cpu_khz = p.cpu_khz;
    pi->total_pages = p.total_pages;
    pi->free_pages = p.free_pages;
    memcpy(pi->hw_cap, p.hw_cap, sizeof(pi->hw_cap));
    pi->hvm = p.capabilities & XEN_SYSCTL_PHYSCAP_hvm;
    return 0;
}

static int x_version(void *h, struct xend_version *v, char *err)
{
    struct hv_xc *hv = h;
    xen_compile_info_t ci;
    xen_platform_parameters_t pp;
    int ver, sched;

    ver = xc_version(hv->xch, XENVER_version, NULL);
    if ( ver < 0 )
        return fail(err, "version");
    v->major = ver >> 16;
    v->minor = ver & 0xffff;
    xc_version(hv->xch, XENVER_extraversion, v->extra);
    xc_version(hv->xch, XENVER_capabilities, v->caps);
    xc_version(hv->xch, XENVER_changeset, v->changeset);
    xc_version(hv->xch, XENVER_commandline, v->commandline);
    memset(&ci, 0, sizeof(ci));
    if ( xc_version(hv->xch, XENVER_compile_info, &ci) == 0 )
    {
        memcpy(v->compiler, ci.compiler, sizeof(v->compiler));
        memcpy(v->compile_by, ci.compile_by, sizeof(v->compile_by));
        memcpy(v->compile_domain, ci.compile_domain,
               sizeof(v->compile_domain));
        memcpy(v->compile_date, ci.compile_date, sizeof(v->compile_date));
    }
    memset(&pp, 0, sizeof(pp));
    if ( xc_version(hv->xch, XENVER_platform_parameters, &pp) == 0 )
        v->virt_start = pp.virt_start;
    ver = xc_version(hv->xch, XENVER_pagesize, NULL);
    v->pagesize = ver > 0 ? (unsigned long)ver : 4096;
    if ( xc_sched_id(hv->xch, &sched) == 0 )
        snprintf(v->scheduler, sizeof(v->scheduler), "%s",
                 sched == XEN_SCHEDULER_CREDIT ? "credit" :
                 sched == XEN_SCHEDULER_CREDIT2 ? "credit2" :
                 sched == XEN_SCHEDULER_NULL ? "null" : "unknown");
    return 0;
}

static int x_list(void *h, struct xend_dominfo *out, unsigned int max,
                  char *err)
{
    struct hv_xc *hv = h;
    xc_dominfo_t *info = calloc(max, sizeof(*info));
    int n, i;

    if ( !info )
        return fail(err, "listing domains");
    n = xc_domain_getinfo(hv->xch, 0, max, info);
    if ( n < 0 )
    {
        n = fail(err, "sysctl getdomaininfolist");
        free(info);
        return n;
    }
    for ( i = 0; i < n; i++ )
        from_xc(&out[i], &info[i]);
    free(info);
    return n;
}

static int x_create(void *h, const uint8_t uuid[16], unsigned int max_vcpus,
                    uint32_t *domid, char *err)
{
    struct hv_xc *hv = h;
    struct xen_domctl_createdomain cfg;

    memset(&cfg, 0, sizeof(cfg));
    xc_domain_pvh_config(&cfg, max_vcpus);
    memcpy(cfg.handle, uuid, 16);
    *domid = 0;
    if ( xc_domain_create(hv->xch, domid, &cfg) )
        return fail(err, "domctl createdomain");
    return 0;
}

static int x_set_maxmem(void *h, uint32_t domid, uint64_t kib, char *err)
{
    struct hv_xc *hv = h;

    return xc_domain_setmaxmem(hv->xch, domid, kib) ?
           fail(err, "domctl max_mem") : 0;
}

static int x_set_max_vcpus(void *h, uint32_t domid, unsigned int n,
                           char *err)
{
    struct hv_xc *hv = h;

    return xc_domain_max_vcpus(hv->xch, domid, n) ?
           fail(err, "domctl max_vcpus") : 0;
}

static int x_build(void *h, struct xend_build *b, char *err)
{
    struct hv_xc *hv = h;
    struct xc_dom_args a;
    struct xc_dom_result r;
    char timing[256];

    memset(&a, 0, sizeof(a));
    a.domid = b->domid;
    a.mem_mb = b->mem_mb;
    a.vcpus = b->vcpus;
    a.kernel = b->kernel;
    a.ramdisk = b->ramdisk;
    a.cmdline = b->cmdline;
    a.console_domid = 0;
    a.xenstore_domid = 0;
    a.cache_dir = hv->have_cache_dir ? hv->cache_dir : NULL;
    memset(&r, 0, sizeof(r));
    if ( xc_dom_build_pvh(hv->xch, &a, &r, err) )
        return -(errno ? errno : EIO);
    b->console_pfn = r.console_pfn;
    b->store_pfn = r.store_pfn;
    b->console_port = r.console_evtchn;
    b->store_port = r.store_evtchn;
    xc_dom_timing_format(&r, timing, sizeof(timing));
    snprintf(b->desc, sizeof(b->desc), "%.160s; %.160s", r.kernel_desc,
             timing);
    /* On its own line too: the "built:" line can outgrow a log line. */
    LOG_DEBUG("hv: build d%u phases: %s", b->domid, timing);
    return 0;
}

static int x_destroy(void *h, uint32_t domid, char *err)
{
    struct hv_xc *hv = h;

    if ( xc_domain_destroy(hv->xch, domid) )
        return errno == ESRCH ? -ESRCH : fail(err, "domctl destroydomain");
    return 0;
}

static int x_pause(void *h, uint32_t domid, char *err)
{
    struct hv_xc *hv = h;

    return xc_domain_pause(hv->xch, domid) ?
           fail(err, "domctl pausedomain") : 0;
}

static int x_unpause(void *h, uint32_t domid, char *err)
{
    struct hv_xc *hv = h;

    return xc_domain_unpause(hv->xch, domid) ?
           fail(err, "domctl unpausedomain") : 0;
}

static int x_vcpu_info(void *h, uint32_t domid, unsigned int vcpu,
                       struct xend_vcpuinfo *vi, char *err)
{
    struct hv_xc *hv = h;
    xc_vcpuinfo_t v;
    xc_cpumap_t map;
    int i, n;

    if ( xc_vcpu_getinfo(hv->xch, domid, vcpu, &v) )
        return fail(err, "domctl getvcpuinfo");
    vi->online = v.online;
    vi->blocked = v.blocked;
    vi->running = v.running;
    vi->cpu_time_ns = v.cpu_time;
    vi->cpu = v.cpu == (uint32_t)-1 ? -1 : (int)v.cpu;
    vi->cpumap = 0;
    map = xc_cpumap_alloc(hv->xch);
    n = xc_get_cpumap_size(hv->xch);
    if ( map && xc_vcpu_getaffinity(hv->xch, domid, vcpu, map, NULL,
                                    XEN_VCPUAFFINITY_HARD) == 0 )
        for ( i = 0; i < n * 8 && i < 64; i++ )
            if ( map[i / 8] >> (i % 8) & 1 )
                vi->cpumap |= 1ull << i;
    free(map);
    return 0;
}

static int x_vcpu_pin(void *h, uint32_t domid, unsigned int vcpu,
                      uint64_t cpumap, char *err)
{
    struct hv_xc *hv = h;
    xc_cpumap_t map = xc_cpumap_alloc(hv->xch);
    int i, n = xc_get_cpumap_size(hv->xch), rc;

    if ( !map || n <= 0 )
    {
        free(map);
        return fail(err, "allocating a CPU map");
    }
    for ( i = 0; i < n * 8 && i < 64; i++ )
        if ( cpumap >> i & 1 )
            map[i / 8] |= 1u << (i % 8);
    rc = xc_vcpu_setaffinity(hv->xch, domid, vcpu, map, NULL,
                             XEN_VCPUAFFINITY_HARD);
    free(map);
    return rc ? fail(err, "domctl setvcpuaffinity") : 0;
}

static int x_readconsole(void *h, char *buf, size_t *len, bool clear,
                         char *err)
{
    struct hv_xc *hv = h;
    unsigned int n = *len;

    if ( xc_readconsolering(hv->xch, buf, &n, clear, 0, NULL) )
        return fail(err, "sysctl readconsole");
    *len = n;
    return 0;
}

static int x_event_fd(void *h)
{
    struct hv_xc *hv = h;

    return hv->xce && hv->virq_port >= 0 ? xenevtchn_fd(hv->xce) : -1;
}

static void x_event_ack(void *h)
{
    struct hv_xc *hv = h;
    xenevtchn_port_or_error_t p = xenevtchn_pending(hv->xce);

    if ( p >= 0 )
        xenevtchn_unmask(hv->xce, p);
}

/*
 * Where a create's time goes: each hypervisor call on the create path,
 * logged at debug level with its duration and the TSC at its start
 * (Keel gives dom0 and guests the TSC without an offset, so
 * tests/perf/create_time.py lines these up with its own TSC stamps
 * around `xm create': the gaps between calls are xend's and xenstored's
 * own work).
 */
static uint64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint64_t tsc(void)
{
#if defined(__x86_64__) || defined(__i386__)
    return __builtin_ia32_rdtsc();
#else
    return 0;
#endif
}

static void trace(const char *op, long domid, uint64_t t0, uint64_t c0,
                  int rc)
{
    uint64_t ns = mono_ns() - t0;

    LOG_DEBUG("hv: %s d%ld: %llu.%03llu ms%s (tsc %llu)", op, domid,
              (unsigned long long)(ns / 1000000),
              (unsigned long long)(ns / 1000 % 1000),
              rc < 0 ? " (failed)" : "", (unsigned long long)c0);
}

#define TRACED(op, domid, call)                                         \
    do {                                                                \
        uint64_t t0_ = mono_ns(), c0_ = tsc();                          \
        int rc_ = (call);                                               \
                                                                        \
        trace(op, domid, t0_, c0_, rc_);                                \
        return rc_;                                                     \
    } while ( 0 )

static int t_physinfo(void *h, struct xend_physinfo *pi, char *err)
{
    TRACED("physinfo", -1, x_physinfo(h, pi, err));
}

static int t_create(void *h, const uint8_t uuid[16], unsigned int max_vcpus,
                    uint32_t *domid, char *err)
{
    TRACED("create", -1, x_create(h, uuid, max_vcpus, domid, err));
}

static int t_set_maxmem(void *h, uint32_t domid, uint64_t kib, char *err)
{
    TRACED("max_mem", (long)domid, x_set_maxmem(h, domid, kib, err));
}

static int t_set_max_vcpus(void *h, uint32_t domid, unsigned int n,
                           char *err)
{
    TRACED("max_vcpus", (long)domid, x_set_max_vcpus(h, domid, n, err));
}

static int t_build(void *h, struct xend_build *b, char *err)
{
    TRACED("build", (long)b->domid, x_build(h, b, err));
}

static int t_unpause(void *h, uint32_t domid, char *err)
{
    TRACED("unpause", (long)domid, x_unpause(h, domid, err));
}

const struct xend_hv_ops hv_xc_ops = {
    .physinfo = t_physinfo,
    .version = x_version,
    .list = x_list,
    .create = t_create,
    .set_maxmem = t_set_maxmem,
    .set_max_vcpus = t_set_max_vcpus,
    .build = t_build,
    .destroy = x_destroy,
    .pause = x_pause,
    .unpause = t_unpause,
    .vcpu_info = x_vcpu_info,
    .vcpu_pin = x_vcpu_pin,
    .readconsole = x_readconsole,
    .event_fd = x_event_fd,
    .event_ack = x_event_ack,
};

void *hv_xc_open(const char *cache_dir, char *err, size_t len)
{
    struct hv_xc *hv = calloc(1, sizeof(*hv));

    if ( !hv )
    {
        snprintf(err, len, "out of memory");
        return NULL;
    }
    hv->xch = xc_interface_open(NULL, NULL, 0);
    if ( !hv->xch )
    {
        snprintf(err, len, "cannot open the hypervisor interface "
                 "(/dev/xen/privcmd): %s; is this dom0 with the xen "
                 "modules loaded?", strerror(errno));
        free(hv);
        return NULL;
    }
    if ( cache_dir )
    {
        snprintf(hv->cache_dir, sizeof(hv->cache_dir), "%s", cache_dir);
        hv->have_cache_dir = true;
    }
    /* VIRQ_DOM_EXC tells dom0 a domain shut down or died; without it
     * xend still notices within a second. */
    hv->virq_port = -1;
    hv->xce = xenevtchn_open(0);
    if ( hv->xce )
        hv->virq_port = xenevtchn_bind_virq(hv->xce, VIRQ_DOM_EXC);
    return hv;
}
