/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domctl hypercall (__HYPERVISOR_domctl 36): the toolstack's per-domain
 * operations.  This interface is Keel's own (see the architecture page,
 * section 1): only dom0's tools use it, and it is versioned here.  The op
 * numbers and the shapes of the structures follow Xen 4.17's
 * public/domctl.h where that costs nothing, so Xen people can read the
 * tools; where Keel differs it says so next to the structure.
 *
 * The call is domctl(struct xen_domctl *): the hypervisor copies the
 * whole structure in, checks interface_version, runs the op and copies
 * the structure back (OUT fields) on success.  Guest pointers inside are
 * 64-bit dom0-virtual addresses.
 */
#ifndef PUBLIC_DOMCTL_H
#define PUBLIC_DOMCTL_H

#include <public/xen.h>

#define XEN_DOMCTL_INTERFACE_VERSION 0x4b450001u   /* "KE" 0001 */

/* 64-bit fields are 8-aligned whatever the compiler's habits. */
typedef uint64_t uint64_aligned_t __attribute__((aligned(8)));

typedef uint8_t xen_domain_handle_t[16];

/* A bitmap of nr_bits bits at a guest pointer (cpumaps). */
struct xenctl_bitmap {
    uint64_aligned_t bitmap;        /* XEN_GUEST_HANDLE_64(uint8) */
    uint32_t nr_bits;
    uint32_t pad;
};

/* ---- op numbers (Xen's) ---------------------------------------------- */

#define XEN_DOMCTL_createdomain         1
#define XEN_DOMCTL_destroydomain        2
#define XEN_DOMCTL_pausedomain          3
#define XEN_DOMCTL_unpausedomain        4
#define XEN_DOMCTL_getdomaininfo        5
#define XEN_DOMCTL_setvcpuaffinity      9
#define XEN_DOMCTL_max_mem             11
#define XEN_DOMCTL_setvcpucontext      12
#define XEN_DOMCTL_getvcpucontext      13   /* not implemented: -ENOSYS */
#define XEN_DOMCTL_getvcpuinfo         14
#define XEN_DOMCTL_max_vcpus           15
#define XEN_DOMCTL_scheduler_op        16
#define XEN_DOMCTL_setdomainhandle     17
#define XEN_DOMCTL_getvcpuaffinity     25
/*
 * Keel: HVM params of another domain.  Xen does this through hvm_op
 * with a domid; the toolstack's calls go here so that every
 * cross-domain write is a dom0-only domctl.  Same numbers as
 * HVMOP_set_param / HVMOP_get_param's params (public/hvm/params.h).
 */
#define XEN_DOMCTL_set_hvm_param     0x4b00
#define XEN_DOMCTL_get_hvm_param     0x4b01
/* Keel: copy a dom0 buffer into a paused guest's RAM (below). */
#define XEN_DOMCTL_keel_load_memory  0x4b02

/* ---- createdomain ---------------------------------------------------- */

/* flags (Xen's XEN_DOMCTL_CDF_*) */
#define XEN_DOMCTL_CDF_hvm             (1u << 0)
#define XEN_DOMCTL_CDF_hap             (1u << 1)
#define XEN_DOMCTL_CDF_s3_integrity    (1u << 2)
#define XEN_DOMCTL_CDF_oos_off         (1u << 3)
#define XEN_DOMCTL_CDF_xs_domain       (1u << 4)
#define XEN_DOMCTL_CDF_iommu           (1u << 5)
#define XEN_DOMCTL_CDF_nested_virt     (1u << 6)
#define XEN_DOMCTL_CDF_vpmu            (1u << 7)
/*
 * Keel runs every guest as a PVH/HVM container on NPT/EPT: hvm and hap
 * are required; xs_domain is recorded; the others give -EINVAL.
 */
#define XEN_DOMCTL_CDF_KEEL_ALLOWED \
    (XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap | XEN_DOMCTL_CDF_xs_domain | \
     XEN_DOMCTL_CDF_oos_off)

/* arch.emulation_flags (Xen's XEN_X86_EMU_*) */
#define XEN_X86_EMU_LAPIC              (1u << 0)
#define XEN_X86_EMU_HPET               (1u << 1)
#define XEN_X86_EMU_PM                 (1u << 2)
#define XEN_X86_EMU_RTC                (1u << 3)
#define XEN_X86_EMU_IOAPIC             (1u << 4)
#define XEN_X86_EMU_PIC                (1u << 5)
#define XEN_X86_EMU_VGA                (1u << 6)
#define XEN_X86_EMU_IOMMU              (1u << 7)
#define XEN_X86_EMU_PIT                (1u << 8)
#define XEN_X86_EMU_USE_PIRQ           (1u << 9)
#define XEN_X86_EMU_VPCI               (1u << 10)

struct xen_arch_domainconfig {
    uint32_t emulation_flags;       /* PVH: XEN_X86_EMU_LAPIC only */
    uint32_t misc_flags;
};

/*
 * IN: domain = the wanted domid, or 0 for "the next free one"; OUT:
 * domain = the new domid.  The domain starts paused (one pause count
 * held by the toolstack) with no memory, max_vcpus vCPUs offline.
 */
struct xen_domctl_createdomain {
    uint32_t ssidref;
    xen_domain_handle_t handle;     /* the guest's UUID */
    uint32_t flags;                 /* XEN_DOMCTL_CDF_* */
    uint32_t iommu_opts;            /* must be 0 */
    uint32_t max_vcpus;             /* 1 .. XEN_DOMCTL_MAX_VCPUS */
    uint32_t max_evtchn_port;       /* ignored: 2-level, 4096 ports */
    int32_t  max_grant_frames;      /* -1: default */
    int32_t  max_maptrack_frames;   /* -1: default */
    uint32_t grant_opts;
    uint32_t vmtrace_size;          /* must be 0 */
    uint32_t cpupool_id;            /* must be 0 */
    struct xen_arch_domainconfig arch;
};

/* Keel's limit on vCPUs per guest (the legacy vcpu_info slots). */
#define XEN_DOMCTL_MAX_VCPUS  XEN_LEGACY_MAX_VCPUS

/* ---- getdomaininfo --------------------------------------------------- */

#define XEN_DOMINF_dying         (1u << 0)  /* being destroyed */
#define XEN_DOMINF_hvm_guest     (1u << 1)
#define XEN_DOMINF_shutdown      (1u << 2)  /* shut down: see the reason */
#define XEN_DOMINF_paused        (1u << 3)  /* paused by the toolstack */
#define XEN_DOMINF_blocked       (1u << 4)  /* every online vCPU blocked */
#define XEN_DOMINF_running       (1u << 5)  /* some vCPU on a pCPU now */
#define XEN_DOMINF_debugged      (1u << 6)
#define XEN_DOMINF_xs_domain     (1u << 7)
#define XEN_DOMINF_hap           (1u << 8)
/* The SHUTDOWN_* reason (public/sched.h) of a shut-down domain. */
#define XEN_DOMINF_shutdownshift 16
#define XEN_DOMINF_shutdownmask  255

/*
 * OUT (IN: the domain field of struct xen_domctl).  Also the element of
 * sysctl getdomaininfolist.
 */
struct xen_domctl_getdomaininfo {
    domid_t  domain;
    uint16_t pad1;
    uint32_t flags;                 /* XEN_DOMINF_* */
    uint64_aligned_t tot_pages;     /* pages the domain owns */
    uint64_aligned_t max_pages;     /* its max_mem, in pages */
    uint64_aligned_t outstanding_pages;
    uint64_aligned_t shr_pages;
    uint64_aligned_t paged_pages;
    uint64_aligned_t shared_info_frame; /* gfn, or ~0 if not mapped */
    uint64_aligned_t cpu_time;      /* ns, summed over its vCPUs */
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t cpupool;
    uint8_t  gpaddr_bits;
    uint8_t  pad2[7];
    struct xen_arch_domainconfig arch_config;
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;

/* ---- max_mem, max_vcpus ---------------------------------------------- */

struct xen_domctl_max_mem {
    uint64_aligned_t max_memkb;     /* IN; populate_physmap stops here */
};

struct xen_domctl_max_vcpus {
    uint32_t max;                   /* IN: may only be the created count */
};

/* ---- vCPUs ----------------------------------------------------------- */

/*
 * Keel: the context is a struct vcpu_hvm_context (public/vcpu.h, the
 * VCPUOP_initialise layout for PVH/HVM vCPUs), not Xen's PV
 * vcpu_guest_context.  A PVH kernel starts in 32-bit flat protected
 * mode at its XEN_ELFNOTE_PHYS32_ENTRY with ebx = the gpa of its
 * hvm_start_info.  The vCPU is made online (runnable once the domain is
 * unpaused).
 */
struct xen_domctl_vcpucontext {
    uint32_t vcpu;                  /* IN */
    uint32_t pad;
    uint64_aligned_t ctxt;          /* IN: struct vcpu_hvm_context * */
};

struct xen_domctl_getvcpuinfo {
    uint32_t vcpu;                  /* IN */
    uint8_t  online;                /* OUT */
    uint8_t  blocked;
    uint8_t  running;
    uint8_t  pad;
    uint64_aligned_t cpu_time;      /* OUT: ns */
    uint32_t cpu;                   /* OUT: the pCPU it runs on / last ran */
    uint32_t pad2;
};

#define XEN_VCPUAFFINITY_HARD  (1u << 0)
#define XEN_VCPUAFFINITY_SOFT  (1u << 1)
#define XEN_VCPUAFFINITY_FORCE (1u << 2)

/*
 * set: IN the maps named in flags (a vCPU runs on one pCPU of its hard
 * map; Keel keeps the soft map but does not use it).  get: OUT both.
 * A hard map with no online pCPU gives -EINVAL.
 */
struct xen_domctl_vcpuaffinity {
    uint32_t vcpu;
    uint32_t flags;                 /* XEN_VCPUAFFINITY_* */
    struct xenctl_bitmap cpumap_hard;
    struct xenctl_bitmap cpumap_soft;
};

/* ---- scheduler ------------------------------------------------------- */

#define XEN_SCHEDULER_CREDIT     5
#define XEN_SCHEDULER_CREDIT2    6
#define XEN_SCHEDULER_ARINC653   7
#define XEN_SCHEDULER_RTDS       8
#define XEN_SCHEDULER_NULL       9

#define XEN_DOMCTL_SCHEDOP_putinfo      0
#define XEN_DOMCTL_SCHEDOP_getinfo      1

/*
 * Credit parameters: weight 1..65535 (default 256), cap 0..100*nr_cpus
 * percent (0: none).  Keel stores and reports them; its round-robin
 * scheduler does not use them yet.
 */
struct xen_domctl_sched_credit {
    uint16_t weight;
    uint16_t cap;
};

struct xen_domctl_scheduler_op {
    uint32_t sched_id;              /* XEN_SCHEDULER_CREDIT */
    uint32_t cmd;                   /* XEN_DOMCTL_SCHEDOP_* */
    union {
        struct xen_domctl_sched_credit credit;
        uint8_t pad[16];
    } u;
};

/* ---- handle, HVM params ---------------------------------------------- */

struct xen_domctl_setdomainhandle {
    xen_domain_handle_t handle;
};

struct xen_domctl_hvm_param {
    uint32_t index;                 /* HVM_PARAM_* */
    uint32_t pad;
    uint64_aligned_t value;         /* IN (set) / OUT (get) */
};

/* ---- keel_load_memory ------------------------------------------------ */

/*
 * Copy nr_bytes from dom0's buffer (a dom0-virtual address of the
 * calling vCPU) to the target's guest-physical gpa.  The domain builder
 * uses it to load the kernel and ramdisk: mapping each guest page into
 * dom0 costs two p2m updates per 4 KiB page (about 17 us each under
 * emulation), this call none.  Hypervisors without it answer -ENOSYS:
 * the builder then maps the pages (tools/libxc/xc_dom_build.c).
 *
 * Rules, checked before anything is written:
 *   - the target is not the caller nor the hardware domain (-EINVAL) and
 *     is paused by the toolstack (XEN_DOMCTL_pausedomain, or still
 *     paused since createdomain) (-EBUSY): none of its vCPUs runs while
 *     its pages change, so it never sees a half-copied page.  A domain
 *     that ran before may be loaded again (it is the toolstack's domain).
 *   - 1 <= nr_bytes <= XEN_DOMCTL_KEEL_LOAD_MAX, flags only the bits
 *     below, gpa + nr_bytes does not wrap (-EINVAL).
 *   - every page of [gpa, gpa + nr_bytes) is ordinary writable RAM of
 *     the target (p2m_ram_rw) on a frame the target owns: no holes, MMIO,
 *     read-only or log-dirty RAM, grant-table frames, foreign or granted
 *     mappings (-EINVAL, nothing written).
 * OUT: done = bytes written from gpa on.  On success done == nr_bytes.
 * If reading dom0's buffer faults the call fails with -EFAULT and the
 * structure is still copied back: [gpa, gpa + done) holds the new bytes,
 * the rest of the page holding gpa + done may hold some of them, the
 * pages after it are untouched.
 */
#define XEN_DOMCTL_KEEL_LOAD_MAX        (8u << 20)
/* Also zero the last page from gpa + nr_bytes to its end. */
#define XEN_DOMCTL_KEEL_LOAD_ZERO_TAIL  (1u << 0)
#define XEN_DOMCTL_KEEL_LOAD_FLAGS      XEN_DOMCTL_KEEL_LOAD_ZERO_TAIL

struct xen_domctl_keel_load_memory {
    uint64_aligned_t gpa;           /* IN: target guest-physical address */
    uint64_aligned_t buffer;        /* IN: dom0-virtual source address */
    uint32_t nr_bytes;              /* IN */
    uint32_t flags;                 /* IN: XEN_DOMCTL_KEEL_LOAD_* */
    uint64_aligned_t done;          /* OUT: see above */
};

/* ---- the call -------------------------------------------------------- */

struct xen_domctl {
    uint32_t cmd;
    uint32_t interface_version;     /* XEN_DOMCTL_INTERFACE_VERSION */
    domid_t  domain;
    uint16_t _pad[3];
    union {
        struct xen_domctl_createdomain createdomain;
        struct xen_domctl_getdomaininfo getdomaininfo;
        struct xen_domctl_max_mem max_mem;
        struct xen_domctl_max_vcpus max_vcpus;
        struct xen_domctl_vcpucontext vcpucontext;
        struct xen_domctl_getvcpuinfo getvcpuinfo;
        struct xen_domctl_vcpuaffinity vcpuaffinity;
        struct xen_domctl_scheduler_op scheduler_op;
        struct xen_domctl_setdomainhandle setdomainhandle;
        struct xen_domctl_hvm_param hvm_param;
        struct xen_domctl_keel_load_memory keel_load_memory;
        uint8_t pad[128];
    } u;
};
typedef struct xen_domctl xen_domctl_t;

_Static_assert(sizeof(struct xen_domctl) == 144, "xen_domctl size");
_Static_assert(offsetof(struct xen_domctl, u) == 16, "xen_domctl.u");
_Static_assert(sizeof(struct xen_domctl_getdomaininfo) == 112,
               "xen_domctl_getdomaininfo size");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, tot_pages) == 8,
               "getdomaininfo.tot_pages");
_Static_assert(offsetof(struct xen_domctl_getdomaininfo, handle) == 76,
               "getdomaininfo.handle");
_Static_assert(sizeof(struct xen_domctl_createdomain) == 64,
               "xen_domctl_createdomain size");

#endif /* PUBLIC_DOMCTL_H */
