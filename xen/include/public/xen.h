/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest-visible Xen ABI, x86_64 flavour: hypercall numbers, VIRQs,
 * reserved domain ids, and the shared_info / vcpu_info / vcpu_time_info
 * pages.  Written from the public interface description (Xen's
 * xen/include/public/xen.h and arch-x86/xen*.h, as summarised in
 * /work/shared/spec/xen-abi-and-formats.md); the byte layouts are what
 * guests expect and are pinned by the _Static_asserts at the bottom.
 *
 * Only the 64-bit layout is described: Keel runs 64-bit dom0s.  A 32-bit
 * guest would see 32-bit xen_ulong_t bitmaps and a different
 * arch_shared_info.
 */
#ifndef PUBLIC_XEN_H
#define PUBLIC_XEN_H

#include <xen/types.h>

/* Hypercall numbers (rax on VMCALL/VMMCALL). */
#define __HYPERVISOR_set_trap_table        0
#define __HYPERVISOR_mmu_update            1
#define __HYPERVISOR_set_gdt               2
#define __HYPERVISOR_stack_switch          3
#define __HYPERVISOR_set_callbacks         4
#define __HYPERVISOR_fpu_taskswitch        5
#define __HYPERVISOR_sched_op_compat       6
#define __HYPERVISOR_platform_op           7
#define __HYPERVISOR_set_debugreg          8
#define __HYPERVISOR_get_debugreg          9
#define __HYPERVISOR_update_descriptor    10
#define __HYPERVISOR_memory_op            12
#define __HYPERVISOR_multicall            13
#define __HYPERVISOR_update_va_mapping    14
#define __HYPERVISOR_set_timer_op         15
#define __HYPERVISOR_event_channel_op_compat 16
#define __HYPERVISOR_xen_version          17
#define __HYPERVISOR_console_io           18
#define __HYPERVISOR_physdev_op_compat    19
#define __HYPERVISOR_grant_table_op       20
#define __HYPERVISOR_vm_assist            21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                 23
#define __HYPERVISOR_vcpu_op              24
#define __HYPERVISOR_set_segment_base     25
#define __HYPERVISOR_mmuext_op            26
#define __HYPERVISOR_xsm_op               27
#define __HYPERVISOR_nmi_op               28
#define __HYPERVISOR_sched_op             29
#define __HYPERVISOR_callback_op          30
#define __HYPERVISOR_xenoprof_op          31
#define __HYPERVISOR_event_channel_op     32
#define __HYPERVISOR_physdev_op           33
#define __HYPERVISOR_hvm_op               34
#define __HYPERVISOR_sysctl               35
#define __HYPERVISOR_domctl               36
#define __HYPERVISOR_kexec_op             37
#define __HYPERVISOR_tmem_op              38
#define __HYPERVISOR_argo_op              39
#define __HYPERVISOR_xenpmu_op            40
#define __HYPERVISOR_dm_op                41
#define __HYPERVISOR_hypfs_op             42

/* Virtual interrupts, bound with EVTCHNOP_bind_virq. */
#define VIRQ_TIMER       0      /* per vCPU: singleshot/periodic timer */
#define VIRQ_DEBUG       1
#define VIRQ_CONSOLE     2      /* dom0: console input is available */
#define VIRQ_DOM_EXC     3      /* dom0: a domain died / shut down */
#define VIRQ_TBUF        4
#define VIRQ_DEBUGGER    6
#define VIRQ_XENOPROF    7
#define VIRQ_CON_RING    8      /* dom0: the hypervisor log grew */
#define VIRQ_PCPU_STATE  9
#define VIRQ_MEM_EVENT  10
#define VIRQ_ARGO       11
#define VIRQ_ENOMEM     12
#define VIRQ_XENPMU     13
#define NR_VIRQS        24

/*
 * Reserved domain ids.  xen/sched.h defines the same values for the
 * hypervisor's own use; the spellings match so both may be included.
 */
#ifndef DOMID_FIRST_RESERVED
#define DOMID_FIRST_RESERVED 0x7FF0
#endif
#ifndef DOMID_SELF
#define DOMID_SELF           0x7FF0
#endif
#ifndef DOMID_IO
#define DOMID_IO             0x7FF1
#endif
#ifndef DOMID_XEN
#define DOMID_XEN            0x7FF2
#endif
#ifndef DOMID_COW
#define DOMID_COW            0x7FF3
#endif
#ifndef DOMID_INVALID
#define DOMID_INVALID        0x7FF4
#endif
#ifndef DOMID_IDLE
#define DOMID_IDLE           0x7FFF
#endif

/* C11 allows repeating a typedef with the same type (xen/sched.h). */
typedef uint16_t domid_t;

typedef unsigned long xen_ulong_t;  /* 64 bits on x86_64 */
typedef unsigned long xen_pfn_t;

/* Legacy vcpu_info slots in shared_info; more need register_vcpu_info. */
#define XEN_LEGACY_MAX_VCPUS 32

/* Event-channel ports of the 2-level ABI: 64 words of 64 bits. */
#define EVTCHN_2L_NR_CHANNELS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)

/* x86_64 arch parts of vcpu_info and shared_info. */
struct arch_vcpu_info {
    unsigned long cr2;
    unsigned long pad;          /* sizeof(vcpu_info_t) == 64 */
};

struct arch_shared_info {
    unsigned long max_pfn;                      /* PV only */
    xen_pfn_t pfn_to_mfn_frame_list_list;       /* PV only */
    unsigned long nmi_reason;
    uint64_t p2m_cr3;
    uint64_t p2m_vaddr;
    uint64_t p2m_generation;
};

/*
 * Guest time: system_time (ns since boot) at tsc_timestamp, and the scale
 * to extrapolate: ns = ((tsc - tsc_timestamp) << / >> tsc_shift) *
 * tsc_to_system_mul >> 32.  version is odd while an update is in
 * progress; readers retry until it is even and unchanged.
 */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t   tsc_shift;
    uint8_t  flags;
    uint8_t  pad1[2];
};
#define XEN_PVCLOCK_TSC_STABLE_BIT (1 << 0)
#define XEN_PVCLOCK_GUEST_STOPPED  (1 << 1)

struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    xen_ulong_t evtchn_pending_sel;     /* which evtchn_pending words */
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};

struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    /* Wallclock at system time 0; wc_version odd while updating. */
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;                 /* 64-bit guests only */
    struct arch_shared_info arch;
};

typedef struct vcpu_info vcpu_info_t;
typedef struct vcpu_time_info vcpu_time_info_t;
typedef struct shared_info shared_info_t;

/* multicall: a batch of hypercalls, results written back per entry. */
struct multicall_entry {
    xen_ulong_t op;
    xen_ulong_t result;
    xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;

/* Layouts (x86_64), as guests compile them. */
_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info size");
_Static_assert(offsetof(struct vcpu_time_info, tsc_timestamp) == 8,
               "vcpu_time_info.tsc_timestamp");
_Static_assert(offsetof(struct vcpu_time_info, system_time) == 16,
               "vcpu_time_info.system_time");
_Static_assert(offsetof(struct vcpu_time_info, tsc_to_system_mul) == 24,
               "vcpu_time_info.tsc_to_system_mul");
_Static_assert(offsetof(struct vcpu_time_info, tsc_shift) == 28,
               "vcpu_time_info.tsc_shift");
_Static_assert(offsetof(struct vcpu_time_info, flags) == 29,
               "vcpu_time_info.flags");
_Static_assert(sizeof(struct arch_vcpu_info) == 16, "arch_vcpu_info size");
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info size");
_Static_assert(offsetof(struct vcpu_info, evtchn_upcall_mask) == 1,
               "vcpu_info.evtchn_upcall_mask");
_Static_assert(offsetof(struct vcpu_info, evtchn_pending_sel) == 8,
               "vcpu_info.evtchn_pending_sel");
_Static_assert(offsetof(struct vcpu_info, arch) == 16, "vcpu_info.arch");
_Static_assert(offsetof(struct vcpu_info, time) == 32, "vcpu_info.time");
_Static_assert(sizeof(struct arch_shared_info) == 48,
               "arch_shared_info size");
_Static_assert(offsetof(struct shared_info, evtchn_pending) == 2048,
               "shared_info.evtchn_pending");
_Static_assert(offsetof(struct shared_info, evtchn_mask) == 2560,
               "shared_info.evtchn_mask");
_Static_assert(offsetof(struct shared_info, wc_version) == 3072,
               "shared_info.wc_version");
_Static_assert(offsetof(struct shared_info, wc_sec_hi) == 3084,
               "shared_info.wc_sec_hi");
_Static_assert(offsetof(struct shared_info, arch) == 3088,
               "shared_info.arch");
_Static_assert(sizeof(struct shared_info) == 3136, "shared_info size");
_Static_assert(sizeof(struct shared_info) <= 4096, "shared_info fits a page");
_Static_assert(EVTCHN_2L_NR_CHANNELS == 4096, "2-level event channels");
_Static_assert(sizeof(struct multicall_entry) == 64, "multicall_entry size");

#endif /* PUBLIC_XEN_H */
