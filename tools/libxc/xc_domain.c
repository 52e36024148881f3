/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libxenctrl: per-domain operations (domctl, memory_op on a foreign
 * domain, event channels for a guest).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>
#include <public/event_channel.h>
#include "xc_private.h"

static void domctl_init(struct xen_domctl *d, uint32_t cmd, uint32_t domid)
{
    memset(d, 0, sizeof(*d));
    d->cmd = cmd;
    d->domain = (domid_t)domid;
}

/* domids are 16 bits on the wire: refuse what would be truncated. */
static int check_domid(uint32_t domid)
{
    if ( domid > 0xffff )
    {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

static int simple_domctl(xc_interface *xch, uint32_t cmd, uint32_t domid)
{
    struct xen_domctl d;

    if ( check_domid(domid) )
        return -1;
    domctl_init(&d, cmd, domid);
    return xc_domctl(xch, &d) < 0 ? -1 : 0;
}

void xc_domain_pvh_config(struct xen_domctl_createdomain *config,
                          unsigned int max_vcpus)
{
    memset(config, 0, sizeof(*config));
    config->flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    config->max_vcpus = max_vcpus;
    config->max_evtchn_port = -1u;
    config->max_grant_frames = -1;
    config->max_maptrack_frames = -1;
    config->arch.emulation_flags = XEN_X86_EMU_LAPIC;
}

int xc_domain_create(xc_interface *xch, uint32_t *pdomid,
                     struct xen_domctl_createdomain *config)
{
    struct xen_domctl d;

    if ( !pdomid || !config || check_domid(*pdomid) )
    {
        errno = EINVAL;
        return -1;
    }
    domctl_init(&d, XEN_DOMCTL_createdomain, *pdomid);
    d.u.createdomain = *config;
    if ( xc_domctl(xch, &d) < 0 )
        return -1;
    *pdomid = d.domain;
    *config = d.u.createdomain;
    return 0;
}

int xc_domain_destroy(xc_interface *xch, uint32_t domid)
{
    return simple_domctl(xch, XEN_DOMCTL_destroydomain, domid);
}

int xc_domain_pause(xc_interface *xch, uint32_t domid)
{
    return simple_domctl(xch, XEN_DOMCTL_pausedomain, domid);
}

int xc_domain_unpause(xc_interface *xch, uint32_t domid)
{
    return simple_domctl(xch, XEN_DOMCTL_unpausedomain, domid);
}

int xc_domain_setmaxmem(xc_interface *xch, uint32_t domid,
                        uint64_t max_memkb)
{
    struct xen_domctl d;

    if ( check_domid(domid) )
        return -1;
    domctl_init(&d, XEN_DOMCTL_max_mem, domid);
    d.u.max_mem.max_memkb = max_memkb;
    return xc_domctl(xch, &d) < 0 ? -1 : 0;
}

int xc_domain_max_vcpus(xc_interface *xch, uint32_t domid, unsigned int max)
{
    struct xen_domctl d;

    if ( check_domid(domid) )
        return -1;
    domctl_init(&d, XEN_DOMCTL_max_vcpus, domid);
    d.u.max_vcpus.max = max;
    return xc_domctl(xch, &d) < 0 ? -1 : 0;
}

int xc_domain_sethandle(xc_interface *xch, uint32_t domid,
                        xen_domain_handle_t handle)
{
    struct xen_domctl d;

    if ( check_domid(domid) )
        return -1;
    domctl_init(&d, XEN_DOMCTL_setdomainhandle, domid);
    memcpy(d.u.setdomainhandle.handle, handle, sizeof(xen_domain_handle_t));
    return xc_domctl(xch, &d) < 0 ? -1 : 0;
}

/* ---- info ------------------------------------------------------------ */

void xc_dominfo_from_raw(xc_dominfo_t *out, const xc_domaininfo_t *in)
{
    uint32_t f = in->flags;

    memset(out, 0, sizeof(*out));
    out->domid = in->domain;
    out->ssidref = in->ssidref;
    out->dying = !!(f & XEN_DOMINF_dying);
    out->shutdown = !!(f & XEN_DOMINF_shutdown);
    out->paused = !!(f & XEN_DOMINF_paused);
    out->blocked = !!(f & XEN_DOMINF_blocked);
    out->running = !!(f & XEN_DOMINF_running);
    out->hvm = !!(f & XEN_DOMINF_hvm_guest);
    out->debugged = !!(f & XEN_DOMINF_debugged);
    out->xenstore = !!(f & XEN_DOMINF_xs_domain);
    out->hap = !!(f & XEN_DOMINF_hap);
    out->shutdown_reason = (f >> XEN_DOMINF_shutdownshift) &
                           XEN_DOMINF_shutdownmask;
    /* Xen's libxc: a crash is a shutdown with reason crash. */
    if ( out->shutdown && out->shutdown_reason == SHUTDOWN_crash )
    {
        out->shutdown = 0;
        out->crashed = 1;
    }
    out->nr_pages = in->tot_pages;
    out->nr_outstanding_pages = in->outstanding_pages;
    out->nr_shared_pages = in->shr_pages;
    out->nr_paged_pages = in->paged_pages;
    out->shared_info_frame = in->shared_info_frame;
    out->cpu_time = in->cpu_time;
    /* max_pages ~0: unlimited; keep it saturated in KiB. */
    out->max_memkb = in->max_pages > (~0UL >> 2) ? ~0UL : in->max_pages << 2;
    out->nr_online_vcpus = in->nr_online_vcpus;
    out->max_vcpu_id = in->max_vcpu_id;
    memcpy(out->handle, in->handle, sizeof(out->handle));
    out->cpupool = in->cpupool;
    out->gpaddr_bits = in->gpaddr_bits;
    out->arch_config = in->arch_config;
}

int xc_domain_getinfolist(xc_interface *xch, uint32_t first_domain,
                          unsigned int max_domains, xc_domaininfo_t *info)
{
    struct xen_sysctl s;
    size_t size;
    void *b;
    int ret;

    if ( check_domid(first_domain) || (max_domains && !info) ||
         max_domains > 0x10000 )
    {
        errno = EINVAL;
        return -1;
    }
    if ( !max_domains )
        return 0;
    size = (size_t)max_domains * sizeof(*info);
    b = xc_bounce_in(xch, NULL, size);
    if ( !b )
        return -1;
    memset(&s, 0, sizeof(s));
    s.cmd = XEN_SYSCTL_getdomaininfolist;
    s.u.getdomaininfolist.first_domain = (domid_t)first_domain;
    s.u.getdomaininfolist.max_domains = max_domains;
    s.u.getdomaininfolist.buffer = (uintptr_t)b;
    ret = xc_sysctl(xch, &s);
    if ( ret < 0 )
    {
        xc_bounce_out(xch, b, NULL, size);
        return -1;
    }
    if ( s.u.getdomaininfolist.num_domains > max_domains )
    {
        xc_bounce_out(xch, b, NULL, size);
        errno = EIO;
        return -1;
    }
    xc_bounce_out(xch, b, info, size);
    return (int)s.u.getdomaininfolist.num_domains;
}

int xc_domain_getinfo(xc_interface *xch, uint32_t first_domid,
                      unsigned int max_doms, xc_dominfo_t *info)
{
    xc_domaininfo_t *raw;
    int n, i;

    if ( max_doms && !info )
    {
        errno = EINVAL;
        return -1;
    }
    if ( !max_doms )
        return 0;
    if ( max_doms > 0x10000 )
        max_doms = 0x10000;
    raw = calloc(max_doms, sizeof(*raw));
    if ( !raw )
    {
        errno = ENOMEM;
        return -1;
    }
    n = xc_domain_getinfolist(xch, first_domid, max_doms, raw);
    for ( i = 0; i < n; i++ )
        xc_dominfo_from_raw(&info[i], &raw[i]);
    free(raw);
    return n;
}

int xc_domain_getinfo_single(xc_interface *xch, uint32_t domid,
                             xc_dominfo_t *info)
{
    struct xen_domctl d;

    if ( !info || check_domid(domid) )
    {
        errno = EINVAL;
        return -1;
    }
    domctl_init(&d, XEN_DOMCTL_getdomaininfo, domid);
    if ( xc_domctl(xch, &d) < 0 )
        return -1;
    xc_dominfo_from_raw(info, &d.u.getdomaininfo);
    return 0;
}

/* ---- vCPUs ----------------------------------------------------------- */

void xc_vcpu_pvh_boot_context(struct vcpu_hvm_context *ctxt,
                              uint32_t entry, uint32_t start_info_gpa)
{
    struct vcpu_hvm_x86_32 *r = &ctxt->cpu_regs.x86_32;

    memset(ctxt, 0, sizeof(*ctxt));
    ctxt->mode = VCPU_HVM_MODE_32B;
    r->eip = entry;
    r->ebx = start_info_gpa;
    r->eflags = 0x2;                /* bit 1 is always set */
    r->cr0 = 0x11;                  /* PE | ET, no paging */
    /* Flat 4 GiB segments: code execute/read, data read/write. */
    r->cs_limit = r->ds_limit = r->ss_limit = r->es_limit = 0xffffffffu;
    r->cs_ar = 0xc9b;               /* type 0xb, S, P, DB, G */
    r->ds_ar = r->ss_ar = r->es_ar = 0xc93;
    r->tr_limit = 0x67;
    r->tr_ar = 0x8b;                /* busy 32-bit TSS, P */
}

int xc_vcpu_setcontext(xc_interface *xch, uint32_t domid, uint32_t vcpu,
                       const struct vcpu_hvm_context *ctxt)
{
    struct xen_domctl d;
    void *b;
    int ret;

    if ( !ctxt || check_domid(domid) )
    {
        errno = EINVAL;
        return -1;
    }
    b = xc_bounce_in(xch, ctxt, sizeof(*ctxt));
    if ( !b )
        return -1;
    domctl_init(&d, XEN_DOMCTL_setvcpucontext, domid);
    d.u.vcpucontext.vcpu = vcpu;
    d.u.vcpucontext.ctxt = (uintptr_t)b;
    ret = xc_domctl(xch, &d);
    xc_bounce_out(xch, b, NULL, sizeof(*ctxt));
    return ret < 0 ? -1 : 0;
}

int xc_vcpu_getinfo(xc_interface *xch, uint32_t domid, uint32_t vcpu,
                    xc_vcpuinfo_t *info)
{
    struct xen_domctl d;

    if ( !info || check_domid(domid) )
    {
        errno = EINVAL;
        return -1;
    }
    domctl_init(&d, XEN_DOMCTL_getvcpuinfo, domid);
    d.u.getvcpuinfo.vcpu = vcpu;
    if ( xc_domctl(xch, &d) < 0 )
        return -1;
    memset(info, 0, sizeof(*info));
    info->online = !!d.u.getvcpuinfo.online;
    info->blocked = !!d.u.getvcpuinfo.blocked;
    info->running = !!d.u.getvcpuinfo.running;
    info->cpu_time = d.u.getvcpuinfo.cpu_time;
    info->cpu = d.u.getvcpuinfo.cpu;
    return 0;
}

static int vcpu_affinity(xc_interface *xch, uint32_t cmd, uint32_t domid,
                         int vcpu, xc_cpumap_t hard, xc_cpumap_t soft,
                         uint32_t flags)
{
    struct xen_domctl d;
    int size = xc_get_cpumap_size(xch);
    uint8_t *bh = NULL, *bs = NULL;
    int ret = -1;

    if ( size <= 0 )
        return -1;
    if ( vcpu < 0 || check_domid(domid) ||
         ((flags & XEN_VCPUAFFINITY_HARD) && !hard) ||
         ((flags & XEN_VCPUAFFINITY_SOFT) && !soft) )
    {
        errno = EINVAL;
        return -1;
    }
    bh = xc_bounce_in(xch, (flags & XEN_VCPUAFFINITY_HARD) ? hard : NULL,
                      size);
    bs = xc_bounce_in(xch, (flags & XEN_VCPUAFFINITY_SOFT) ? soft : NULL,
                      size);
    if ( !bh || !bs )
        goto out;
    domctl_init(&d, cmd, domid);
    d.u.vcpuaffinity.vcpu = vcpu;
    d.u.vcpuaffinity.flags = flags;
    d.u.vcpuaffinity.cpumap_hard.bitmap = (uintptr_t)bh;
    d.u.vcpuaffinity.cpumap_hard.nr_bits = size * 8;
    d.u.vcpuaffinity.cpumap_soft.bitmap = (uintptr_t)bs;
    d.u.vcpuaffinity.cpumap_soft.nr_bits = size * 8;
    ret = xc_domctl(xch, &d) < 0 ? -1 : 0;
 out:
    xc_bounce_out(xch, bh, (ret == 0 && (flags & XEN_VCPUAFFINITY_HARD)) ?
                  hard : NULL, size);
    xc_bounce_out(xch, bs, (ret == 0 && (flags & XEN_VCPUAFFINITY_SOFT)) ?
                  soft : NULL, size);
    return ret;
}

int xc_vcpu_setaffinity(xc_interface *xch, uint32_t domid, int vcpu,
                        xc_cpumap_t cpumap_hard_inout,
                        xc_cpumap_t cpumap_soft_inout, uint32_t flags)
{
    return vcpu_affinity(xch, XEN_DOMCTL_setvcpuaffinity, domid, vcpu,
                         cpumap_hard_inout, cpumap_soft_inout, flags);
}

int xc_vcpu_getaffinity(xc_interface *xch, uint32_t domid, int vcpu,
                        xc_cpumap_t cpumap_hard, xc_cpumap_t cpumap_soft,
                        uint32_t flags)
{
    return vcpu_affinity(xch, XEN_DOMCTL_getvcpuaffinity, domid, vcpu,
                         cpumap_hard, cpumap_soft, flags);
}

/* ---- scheduler ------------------------------------------------------- */

static int sched_credit(xc_interface *xch, uint32_t domid, uint32_t cmd,
                        struct xen_domctl_sched_credit *sdom)
{
    struct xen_domctl d;

    if ( !sdom || check_domid(domid) )
    {
        errno = EINVAL;
        return -1;
    }
    domctl_init(&d, XEN_DOMCTL_scheduler_op, domid);
    d.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    d.u.scheduler_op.cmd = cmd;
    d.u.scheduler_op.u.credit = *sdom;
    if ( xc_domctl(xch, &d) < 0 )
        return -1;
    *sdom = d.u.scheduler_op.u.credit;
    return 0;
}

int xc_sched_credit_domain_set(xc_interface *xch, uint32_t domid,
                               struct xen_domctl_sched_credit *sdom)
{
    return sched_credit(xch, domid, XEN_DOMCTL_SCHEDOP_putinfo, sdom);
}

int xc_sched_credit_domain_get(xc_interface *xch, uint32_t domid,
                               struct xen_domctl_sched_credit *sdom)
{
    return sched_credit(xch, domid, XEN_DOMCTL_SCHEDOP_getinfo, sdom);
}

/* ---- memory ---------------------------------------------------------- */

static int reservation_op(xc_interface *xch, unsigned int cmd,
                          uint32_t domid, unsigned long nr_extents,
                          unsigned int extent_order, unsigned int mem_flags,
                          xen_pfn_t *extent_start)
{
    struct xen_memory_reservation *r;
    xen_pfn_t *b = NULL;
    size_t size = nr_extents * sizeof(xen_pfn_t);
    long ret;

    if ( check_domid(domid) || (nr_extents && !extent_start) ||
         nr_extents > (~0UL >> 4) / sizeof(xen_pfn_t) )
    {
        errno = EINVAL;
        return -1;
    }
    if ( !nr_extents )
        return 0;
    r = xc_bounce_in(xch, NULL, sizeof(*r));
    b = xc_bounce_in(xch, extent_start, size);
    if ( !r || !b )
    {
        xc_bounce_out(xch, r, NULL, sizeof(*r));
        xc_bounce_out(xch, b, NULL, size);
        errno = ENOMEM;
        return -1;
    }
    r->extent_start = (uintptr_t)b;
    r->nr_extents = nr_extents;
    r->extent_order = extent_order;
    r->mem_flags = mem_flags;
    r->domid = (domid_t)domid;
    /*
     * The hypervisor does a bounded number of extents per call and
     * returns the index it reached; the start index rides in cmd's high
     * bits (Xen's MEMOP_EXTENT_SHIFT).  Go on until done or stuck.
     */
    ret = 0;
    while ( (unsigned long)ret < nr_extents )
    {
        long r2 = xc_hypercall(xch, __HYPERVISOR_memory_op,
                               cmd | ((unsigned long)ret << 6),
                               (unsigned long)r, 0, 0, 0);

        if ( r2 < 0 )
        {
            if ( !ret )
                ret = -1;
            break;
        }
        if ( r2 <= ret )
            break;
        ret = r2;
    }
    xc_bounce_out(xch, r, NULL, sizeof(*r));
    xc_bounce_out(xch, b, ret < 0 ? NULL : extent_start, size);
    return ret < 0 ? -1 : (int)ret;
}

int xc_domain_populate_physmap(xc_interface *xch, uint32_t domid,
                               unsigned long nr_extents,
                               unsigned int extent_order,
                               unsigned int mem_flags,
                               xen_pfn_t *extent_start)
{
    return reservation_op(xch, XENMEM_populate_physmap, domid, nr_extents,
                          extent_order, mem_flags, extent_start);
}

int xc_domain_populate_physmap_exact(xc_interface *xch, uint32_t domid,
                                     unsigned long nr_extents,
                                     unsigned int extent_order,
                                     unsigned int mem_flags,
                                     xen_pfn_t *extent_start)
{
    int done = xc_domain_populate_physmap(xch, domid, nr_extents,
                                          extent_order, mem_flags,
                                          extent_start);

    if ( done < 0 )
        return -1;
    if ( (unsigned long)done != nr_extents )
    {
        /* The hypervisor stops at the first extent it cannot fill. */
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

int xc_domain_decrease_reservation(xc_interface *xch, uint32_t domid,
                                   unsigned long nr_extents,
                                   unsigned int extent_order,
                                   xen_pfn_t *extent_start)
{
    return reservation_op(xch, XENMEM_decrease_reservation, domid,
                          nr_extents, extent_order, 0, extent_start);
}

int xc_domain_decrease_reservation_exact(xc_interface *xch, uint32_t domid,
                                         unsigned long nr_extents,
                                         unsigned int extent_order,
                                         xen_pfn_t *extent_start)
{
    int done = xc_domain_decrease_reservation(xch, domid, nr_extents,
                                              extent_order, extent_start);

    if ( done < 0 )
        return -1;
    if ( (unsigned long)done != nr_extents )
    {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

long xc_domain_get_tot_pages(xc_interface *xch, uint32_t domid)
{
    domid_t *b;
    long ret;

    if ( check_domid(domid) )
        return -1;
    b = xc_bounce_in(xch, NULL, sizeof(*b));
    if ( !b )
        return -1;
    *b = (domid_t)domid;
    ret = xc_hypercall(xch, __HYPERVISOR_memory_op,
                       XENMEM_current_reservation, (unsigned long)b, 0, 0,
                       0);
    xc_bounce_out(xch, b, NULL, sizeof(*b));
    return ret;
}

/* ---- HVM params, event channels -------------------------------------- */

int xc_domain_load_memory(xc_interface *xch, uint32_t domid, uint64_t gpa,
                          const void *buf, uint32_t nr_bytes,
                          uint32_t flags)
{
    struct xen_domctl d;

    if ( check_domid(domid) )
        return -1;
    domctl_init(&d, XEN_DOMCTL_keel_load_memory, domid);
    d.u.keel_load_memory.gpa = gpa;
    d.u.keel_load_memory.buffer = (uintptr_t)buf;
    d.u.keel_load_memory.nr_bytes = nr_bytes;
    d.u.keel_load_memory.flags = flags;
    return xc_domctl(xch, &d) < 0 ? -1 : 0;
}

int xc_hvm_param_set(xc_interface *xch, uint32_t domid, uint32_t param,
                     uint64_t value)
{
    struct xen_domctl d;

    if ( check_domid(domid) )
        return -1;
    domctl_init(&d, XEN_DOMCTL_set_hvm_param, domid);
    d.u.hvm_param.index = param;
    d.u.hvm_param.value = value;
    return xc_domctl(xch, &d) < 0 ? -1 : 0;
}

int xc_hvm_param_get(xc_interface *xch, uint32_t domid, uint32_t param,
                     uint64_t *value)
{
    struct xen_domctl d;

    if ( !value || check_domid(domid) )
    {
        errno = EINVAL;
        return -1;
    }
    domctl_init(&d, XEN_DOMCTL_get_hvm_param, domid);
    d.u.hvm_param.index = param;
    if ( xc_domctl(xch, &d) < 0 )
        return -1;
    *value = d.u.hvm_param.value;
    return 0;
}

int xc_evtchn_alloc_unbound(xc_interface *xch, uint32_t dom,
                            uint32_t remote_dom)
{
    struct evtchn_alloc_unbound *b;
    long ret;
    int port;

    if ( check_domid(dom) || check_domid(remote_dom) )
        return -1;
    b = xc_bounce_in(xch, NULL, sizeof(*b));
    if ( !b )
        return -1;
    b->dom = (domid_t)dom;
    b->remote_dom = (domid_t)remote_dom;
    ret = xc_hypercall(xch, __HYPERVISOR_event_channel_op,
                       EVTCHNOP_alloc_unbound, (unsigned long)b, 0, 0, 0);
    port = (int)b->port;
    xc_bounce_out(xch, b, NULL, sizeof(*b));
    return ret < 0 ? -1 : port;
}
