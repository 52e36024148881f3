/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sysctl hypercall (__HYPERVISOR_sysctl 35): the toolstack's host-wide
 * operations.  Keel's own interface, versioned here; op numbers and
 * structure shapes follow Xen 4.17's public/sysctl.h where that costs
 * nothing.  Only dom0 may call it.  The call is sysctl(struct xen_sysctl
 * *): copied in, run, copied back (OUT fields) on success.
 */
#ifndef PUBLIC_SYSCTL_H
#define PUBLIC_SYSCTL_H

#include <public/xen.h>
#include <public/domctl.h>

#define XEN_SYSCTL_INTERFACE_VERSION 0x4b450001u   /* "KE" 0001 */

#define XEN_SYSCTL_readconsole          1
#define XEN_SYSCTL_physinfo             3
#define XEN_SYSCTL_sched_id             4
#define XEN_SYSCTL_getdomaininfolist    6
#define XEN_SYSCTL_getcpuinfo           8

/*
 * readconsole: copies the hypervisor's console ring (what xm dmesg
 * shows).  Not incremental: the whole ring, oldest first, up to count
 * bytes.  Incremental: from *index (a running byte count, so a reader
 * that kept the index gets only what is new; if the ring overwrote part
 * of it, from the oldest byte still there); index OUT = the position
 * after the last byte copied.  clear: empty the ring after the copy.
 * count OUT: bytes copied (no NUL is added).
 */
struct xen_sysctl_readconsole {
    uint8_t  clear;
    uint8_t  incremental;
    uint8_t  pad0, pad1;
    uint32_t index;                 /* IN/OUT */
    uint64_aligned_t buffer;        /* XEN_GUEST_HANDLE_64(char) */
    uint32_t count;                 /* IN: buffer size; OUT: copied */
    uint32_t pad2;
};

/* physinfo capabilities */
#define XEN_SYSCTL_PHYSCAP_hvm          (1u << 0)
#define XEN_SYSCTL_PHYSCAP_pv           (1u << 1)
#define XEN_SYSCTL_PHYSCAP_directio     (1u << 2)
#define XEN_SYSCTL_PHYSCAP_hap          (1u << 3)
#define XEN_SYSCTL_PHYSCAP_shadow       (1u << 4)

struct xen_sysctl_physinfo {
    uint32_t threads_per_core;
    uint32_t cores_per_socket;
    uint32_t nr_cpus;               /* online pCPUs */
    uint32_t max_cpu_id;
    uint32_t nr_nodes;
    uint32_t max_node_id;
    uint32_t cpu_khz;
    uint32_t capabilities;          /* XEN_SYSCTL_PHYSCAP_* */
    uint32_t arch_capabilities;
    uint32_t pad;
    uint64_aligned_t total_pages;   /* RAM the hypervisor manages */
    uint64_aligned_t free_pages;    /* in its heap now */
    uint64_aligned_t scrub_pages;
    uint64_aligned_t outstanding_pages;
    uint64_aligned_t max_mfn;
    uint32_t hw_cap[8];             /* CPUID 1 edx, ecx, 0x80000001 edx, ecx */
};

struct xen_sysctl_sched_id {
    uint32_t sched_id;              /* OUT: XEN_SCHEDULER_* */
};

/*
 * getdomaininfolist: info on domains with id >= first_domain, in id
 * order, at most max_domains of them; num_domains OUT.
 */
struct xen_sysctl_getdomaininfolist {
    domid_t  first_domain;
    uint16_t pad0;
    uint32_t max_domains;
    uint64_aligned_t buffer;        /* xen_domctl_getdomaininfo_t[] */
    uint32_t num_domains;
    uint32_t pad1;
};

struct xen_sysctl_cpuinfo {
    uint64_aligned_t idletime;      /* ns this pCPU spent idle */
};
typedef struct xen_sysctl_cpuinfo xen_sysctl_cpuinfo_t;

/* getcpuinfo: per-pCPU info for pCPUs 0..max_cpus-1; nr_cpus OUT. */
struct xen_sysctl_getcpuinfo {
    uint32_t max_cpus;
    uint32_t pad;
    uint64_aligned_t info;          /* xen_sysctl_cpuinfo_t[] */
    uint32_t nr_cpus;
    uint32_t pad1;
};

struct xen_sysctl {
    uint32_t cmd;
    uint32_t interface_version;     /* XEN_SYSCTL_INTERFACE_VERSION */
    union {
        struct xen_sysctl_readconsole readconsole;
        struct xen_sysctl_physinfo physinfo;
        struct xen_sysctl_sched_id sched_id;
        struct xen_sysctl_getdomaininfolist getdomaininfolist;
        struct xen_sysctl_getcpuinfo getcpuinfo;
        uint8_t pad[128];
    } u;
};
typedef struct xen_sysctl xen_sysctl_t;

_Static_assert(sizeof(struct xen_sysctl) == 136, "xen_sysctl size");
_Static_assert(sizeof(struct xen_sysctl_physinfo) == 112,
               "xen_sysctl_physinfo size");

#endif /* PUBLIC_SYSCTL_H */
