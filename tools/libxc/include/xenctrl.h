/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libxenctrl: the toolstack's access to the hypervisor (Keel's libxc).
 *
 * Names and argument orders follow Xen 4.17's xenctrl.h so that code
 * written against Xen's libxc reads the same; where Keel differs (PVH
 * vCPU contexts, HVM params through domctl, exact getinfo) it says so.
 *
 * Conventions (Xen's): functions return 0 (or a count / a port) on
 * success and -1 with errno set on failure.  errno carries the
 * hypervisor's answer: ESRCH no such domain, EPERM not dom0, EINVAL a
 * bad argument, EFAULT a bad pointer, ENOMEM out of memory (or over
 * max_mem), EACCES/ENOENT no privcmd device.  xc_strerror(xch, errno)
 * gives words for a message.
 *
 * Hypercalls go through /dev/xen/privcmd (IOCTL_PRIVCMD_HYPERCALL).  On
 * a PVH dom0 the hypervisor reads and writes hypercall arguments through
 * dom0's own page tables; it cannot fault pages in, so every buffer it
 * touches must be present and writable: libxc bounces arguments through
 * buffers from xc_hypercall_buffer_alloc (page-aligned, mlock'ed,
 * written once, MADV_DONTFORK so a fork cannot make them copy-on-write).
 * Callers' own arrays are bounced for them.
 */
#ifndef XENCTRL_H
#define XENCTRL_H

#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>
#include <public/domctl.h>
#include <public/sysctl.h>
#include <public/vcpu.h>
#include <public/memory.h>
#include <public/hvm/params.h>
#include <public/sched.h>
#include <public/version.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct xc_interface_core xc_interface;

/* ---- the handle ------------------------------------------------------ */

/*
 * Opens /dev/xen/privcmd.  logger and dombuild_logger are accepted for
 * source compatibility and ignored (errors are returned, not logged);
 * open_flags must be 0.  NULL with errno set if there is no privcmd
 * (not dom0, or the module is not loaded).
 */
xc_interface *xc_interface_open(void *logger, void *dombuild_logger,
                                unsigned int open_flags);
int xc_interface_close(xc_interface *xch);

/*
 * Tests and tools that want a different transport (a fake hypervisor in
 * the unit tests) supply the hypercall function.  It returns the
 * hypercall's result (a negative errno value on failure).
 */
typedef long (*xc_hypercall_fn)(void *opaque, unsigned long op,
                                const unsigned long args[5]);
xc_interface *xc_interface_open_transport(xc_hypercall_fn fn, void *opaque);

/* The privcmd file descriptor (foreign mapping ioctls); -1 if none. */
int xc_interface_fd(xc_interface *xch);

/* Words for an errno value from a libxc call. */
const char *xc_strerror(xc_interface *xch, int errcode);

/* ---- raw calls and buffers ------------------------------------------- */

/*
 * A raw hypercall; args are passed as they are (pointers in them must
 * come from xc_hypercall_buffer_alloc).  Returns the result (>= 0) or -1
 * with errno.
 */
long xc_hypercall(xc_interface *xch, unsigned long op, unsigned long a1,
                  unsigned long a2, unsigned long a3, unsigned long a4,
                  unsigned long a5);
void *xc_hypercall_buffer_alloc(xc_interface *xch, size_t size);
void xc_hypercall_buffer_free(xc_interface *xch, void *buf, size_t size);
/*
 * XENMEM_<cmd> with arg (size bytes, read by the hypervisor only) passed
 * in a hypercall buffer.  As xc_hypercall; errno survives the free.
 */
long xc_memory_op(xc_interface *xch, unsigned int cmd, const void *arg,
                  size_t size);

/*
 * domctl / sysctl with the interface version filled in; the struct is
 * bounced and copied back on success.
 */
int xc_domctl(xc_interface *xch, struct xen_domctl *domctl);
int xc_sysctl(xc_interface *xch, struct xen_sysctl *sysctl);

/* ---- domains --------------------------------------------------------- */

/*
 * Creates a paused, empty domain.  *pdomid IN: the wanted id or 0 for
 * the next free one; OUT: its id.  config: see xen_domctl_createdomain
 * (Keel needs XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap and
 * arch.emulation_flags = XEN_X86_EMU_LAPIC for a PVH guest).
 */
int xc_domain_create(xc_interface *xch, uint32_t *pdomid,
                     struct xen_domctl_createdomain *config);
/* Fills config with a PVH guest's defaults (max_vcpus vCPUs). */
void xc_domain_pvh_config(struct xen_domctl_createdomain *config,
                          unsigned int max_vcpus);
int xc_domain_destroy(xc_interface *xch, uint32_t domid);
int xc_domain_pause(xc_interface *xch, uint32_t domid);
int xc_domain_unpause(xc_interface *xch, uint32_t domid);
int xc_domain_setmaxmem(xc_interface *xch, uint32_t domid,
                        uint64_t max_memkb);
int xc_domain_max_vcpus(xc_interface *xch, uint32_t domid,
                        unsigned int max);
int xc_domain_sethandle(xc_interface *xch, uint32_t domid,
                        xen_domain_handle_t handle);

typedef struct xc_dominfo {
    uint32_t      domid;
    uint32_t      ssidref;
    unsigned int  dying:1, crashed:1, shutdown:1,
                  paused:1, blocked:1, running:1,
                  hvm:1, debugged:1, xenstore:1, hap:1;
    unsigned int  shutdown_reason;  /* SHUTDOWN_* if shutdown */
    unsigned long nr_pages;         /* current number of pages */
    unsigned long nr_outstanding_pages;
    unsigned long nr_shared_pages;
    unsigned long nr_paged_pages;
    unsigned long shared_info_frame;
    uint64_t      cpu_time;         /* ns */
    unsigned long max_memkb;
    unsigned int  nr_online_vcpus;
    unsigned int  max_vcpu_id;
    xen_domain_handle_t handle;
    unsigned int  cpupool;
    uint8_t       gpaddr_bits;
    struct xen_arch_domainconfig arch_config;
} xc_dominfo_t;

typedef struct xen_domctl_getdomaininfo xc_domaininfo_t;

/*
 * Xen's semantics: info on up to max_doms domains with id >= first_domid,
 * in id order; returns how many were filled (0 if none), -1 on error.
 * So xc_domain_getinfo(xch, 5, 1, &info) may describe domain 7: check
 * info.domid, or use xc_domain_getinfo_single.
 */
int xc_domain_getinfo(xc_interface *xch, uint32_t first_domid,
                      unsigned int max_doms, xc_dominfo_t *info);
/* Exactly domid: 0, or -1 with errno ESRCH if it does not exist. */
int xc_domain_getinfo_single(xc_interface *xch, uint32_t domid,
                             xc_dominfo_t *info);
/* The raw records; returns how many were filled or -1. */
int xc_domain_getinfolist(xc_interface *xch, uint32_t first_domain,
                          unsigned int max_domains, xc_domaininfo_t *info);
/* Converts a raw record (used by the two above; exported for tests). */
void xc_dominfo_from_raw(xc_dominfo_t *out, const xc_domaininfo_t *in);

/* ---- vCPUs ----------------------------------------------------------- */

/*
 * Keel: sets a PVH/HVM vCPU's initial state (struct vcpu_hvm_context,
 * as VCPUOP_initialise takes it) and brings the vCPU online; it runs
 * once the domain is unpaused.
 */
int xc_vcpu_setcontext(xc_interface *xch, uint32_t domid, uint32_t vcpu,
                       const struct vcpu_hvm_context *ctxt);
/*
 * The PVH boot state: 32-bit flat protected mode, paging off, at entry
 * (the kernel's XEN_ELFNOTE_PHYS32_ENTRY) with ebx = start_info_gpa.
 */
void xc_vcpu_pvh_boot_context(struct vcpu_hvm_context *ctxt,
                              uint32_t entry, uint32_t start_info_gpa);

typedef struct xc_vcpuinfo {
    unsigned int online:1;
    unsigned int blocked:1;
    unsigned int running:1;
    uint64_t     cpu_time;          /* ns */
    uint32_t     cpu;
} xc_vcpuinfo_t;
int xc_vcpu_getinfo(xc_interface *xch, uint32_t domid, uint32_t vcpu,
                    xc_vcpuinfo_t *info);

/* cpumaps: one bit per pCPU, xc_get_cpumap_size() bytes. */
typedef uint8_t *xc_cpumap_t;
int xc_get_max_cpus(xc_interface *xch);
int xc_get_cpumap_size(xc_interface *xch);
xc_cpumap_t xc_cpumap_alloc(xc_interface *xch);     /* free() it */

/*
 * Sets the hard and/or soft affinity named in flags
 * (XEN_VCPUAFFINITY_HARD/SOFT) and writes back the effective maps.
 */
int xc_vcpu_setaffinity(xc_interface *xch, uint32_t domid, int vcpu,
                        xc_cpumap_t cpumap_hard_inout,
                        xc_cpumap_t cpumap_soft_inout, uint32_t flags);
int xc_vcpu_getaffinity(xc_interface *xch, uint32_t domid, int vcpu,
                        xc_cpumap_t cpumap_hard, xc_cpumap_t cpumap_soft,
                        uint32_t flags);

/* ---- scheduler ------------------------------------------------------- */

/* Stored and reported; Keel's round robin does not honour them yet. */
int xc_sched_credit_domain_set(xc_interface *xch, uint32_t domid,
                               struct xen_domctl_sched_credit *sdom);
int xc_sched_credit_domain_get(xc_interface *xch, uint32_t domid,
                               struct xen_domctl_sched_credit *sdom);
int xc_sched_id(xc_interface *xch, int *sched_id);

/* ---- memory ---------------------------------------------------------- */

/*
 * Fill nr_extents extents of 2^extent_order pages at the gfns in
 * extent_start (IN) with fresh memory of the hypervisor's heap.
 * Returns the number of extents done (populate_physmap) or 0 / -1
 * (_exact: all or error; ENOMEM if max_mem or the heap ran out, and the
 * extents done before stay populated).
 */
int xc_domain_populate_physmap(xc_interface *xch, uint32_t domid,
                               unsigned long nr_extents,
                               unsigned int extent_order,
                               unsigned int mem_flags,
                               xen_pfn_t *extent_start);
int xc_domain_populate_physmap_exact(xc_interface *xch, uint32_t domid,
                                     unsigned long nr_extents,
                                     unsigned int extent_order,
                                     unsigned int mem_flags,
                                     xen_pfn_t *extent_start);
/* Give the extents at the gfns back to the heap. */
int xc_domain_decrease_reservation(xc_interface *xch, uint32_t domid,
                                   unsigned long nr_extents,
                                   unsigned int extent_order,
                                   xen_pfn_t *extent_start);
int xc_domain_decrease_reservation_exact(xc_interface *xch, uint32_t domid,
                                         unsigned long nr_extents,
                                         unsigned int extent_order,
                                         xen_pfn_t *extent_start);
/* Pages the domain has (XENMEM_current_reservation); -1 on error. */
long xc_domain_get_tot_pages(xc_interface *xch, uint32_t domid);

/*
 * Copy nr_bytes (<= XEN_DOMCTL_KEEL_LOAD_MAX) from buf to the paused
 * domain's guest-physical gpa (XEN_DOMCTL_keel_load_memory; flags
 * XEN_DOMCTL_KEEL_LOAD_*).  The hypervisor reads buf through this
 * process's page tables and cannot fault pages in: buf's pages must be
 * present (a hypercall buffer, memory written before, or a file mapping
 * populated with MADV_POPULATE_READ or mlock).  -1 with errno: ENOSYS on
 * a hypervisor without it, EINVAL for a range that is not all the
 * domain's RAM (nothing written), EBUSY if it is not paused, EFAULT if a
 * page of buf was not present (part may be written: write it again).
 */
int xc_domain_load_memory(xc_interface *xch, uint32_t domid, uint64_t gpa,
                          const void *buf, uint32_t nr_bytes,
                          uint32_t flags);

/* ---- HVM params, event channels -------------------------------------- */

int xc_hvm_param_set(xc_interface *xch, uint32_t domid, uint32_t param,
                     uint64_t value);
int xc_hvm_param_get(xc_interface *xch, uint32_t domid, uint32_t param,
                     uint64_t *value);

/*
 * An unbound port in dom whose remote end remote_dom may bind (the
 * xenstore and console channels).  Returns the port or -1.
 */
int xc_evtchn_alloc_unbound(xc_interface *xch, uint32_t dom,
                            uint32_t remote_dom);

/* ---- host ------------------------------------------------------------ */

typedef struct xen_sysctl_physinfo xc_physinfo_t;
int xc_physinfo(xc_interface *xch, xc_physinfo_t *info);

typedef struct xen_sysctl_cpuinfo xc_cpuinfo_t;
/* Idle time of pCPUs 0..max_cpus-1; *nr_cpus OUT: how many filled. */
int xc_getcpuinfo(xc_interface *xch, int max_cpus, xc_cpuinfo_t *info,
                  int *nr_cpus);

/*
 * The hypervisor's console ring into buffer (*pnr_chars IN: its size,
 * OUT: bytes copied; no NUL added).  clear: empty the ring afterwards.
 * incremental: from *pindex (IN/OUT), so repeated calls get only new
 * text.
 */
int xc_readconsolering(xc_interface *xch, char *buffer,
                       unsigned int *pnr_chars, int clear, int incremental,
                       uint32_t *pindex);

/*
 * xen_version(cmd, arg): the result (XENVER_version: major << 16 |
 * minor); arg points to the command's buffer (bounced; its size is
 * taken from the command: extraversion 16, compile_info 140,
 * capabilities and commandline 1024, changeset 64, others 64).
 */
int xc_version(xc_interface *xch, int cmd, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* XENCTRL_H */
