/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vcpu_op hypercall (__HYPERVISOR_vcpu_op 24): vcpu_op(cmd, vcpuid, arg),
 * from Xen's public vcpu.h.
 */
#ifndef PUBLIC_VCPU_H
#define PUBLIC_VCPU_H

#include <public/xen.h>

#define VCPUOP_initialise                     0 /* vcpu_hvm_context */
#define VCPUOP_up                             1
#define VCPUOP_down                           2
#define VCPUOP_is_up                          3
#define VCPUOP_get_runstate_info              4
#define VCPUOP_register_runstate_memory_area  5
#define VCPUOP_set_periodic_timer             6
#define VCPUOP_stop_periodic_timer            7
#define VCPUOP_set_singleshot_timer           8
#define VCPUOP_stop_singleshot_timer          9
#define VCPUOP_register_vcpu_info            10
#define VCPUOP_send_nmi                      11
#define VCPUOP_get_physid                    12
#define VCPUOP_register_vcpu_time_memory_area 13

/* Same values as xen/sched.h, which may be included as well. */
#ifndef RUNSTATE_running
#define RUNSTATE_running  0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked  2
#define RUNSTATE_offline  3
#endif

struct vcpu_runstate_info {
    int state;                  /* RUNSTATE_* */
    uint64_t state_entry_time;  /* system time it entered that state */
    uint64_t time[4];           /* ns spent in each state */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;

/*
 * Set in state_entry_time by the hypervisor while it updates a
 * registered runstate area (with VMASST_TYPE_runstate_update_flag).
 */
#define XEN_RUNSTATE_UPDATE (1ULL << 63)

struct vcpu_register_runstate_memory_area {
    uint64_t addr;              /* guest virtual address of the area */
};

struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};

struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;    /* system time */
    uint32_t flags;
};
#define _VCPU_SSHOTTMR_future 0
#define VCPU_SSHOTTMR_future  (1U << _VCPU_SSHOTTMR_future)

struct vcpu_register_vcpu_info {
    uint64_t mfn;               /* gfn of the page holding the vcpu_info */
    uint32_t offset;            /* within that page */
    uint32_t rsvd;
};

struct vcpu_get_physid {
    uint64_t phys_id;
};
#define xen_vcpu_physid_to_x86_apicid(physid) ((uint32_t)(physid))
#define xen_vcpu_physid_to_x86_acpiid(physid) ((uint32_t)((physid) >> 32))

struct vcpu_register_time_memory_area {
    uint64_t addr;              /* guest virtual: vcpu_time_info */
};

_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "runstate_info");
_Static_assert(offsetof(struct vcpu_runstate_info, state_entry_time) == 8,
               "runstate_info.state_entry_time");
_Static_assert(offsetof(struct vcpu_runstate_info, time) == 16,
               "runstate_info.time");
_Static_assert(sizeof(struct vcpu_set_singleshot_timer) == 16,
               "vcpu_set_singleshot_timer");
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16,
               "vcpu_register_vcpu_info");

/*
 * VCPUOP_initialise for HVM/PVH vCPUs (Xen's public/hvm/hvm_vcpu.h):
 * the start state in 32-bit protected or 64-bit long mode.  The *_ar
 * fields use the VMCB attribute layout (type:4 s:1 dpl:2 p:1 avl:1 l:1
 * db:1 g:1).  In 64-bit mode segments are flat and set by the
 * hypervisor.
 */
struct vcpu_hvm_x86_32 {
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t eip, eflags;
    uint32_t cr0, cr3, cr4;
    uint32_t pad1;
    uint64_t efer;
    uint32_t cs_base, ds_base, ss_base, es_base, tr_base;
    uint32_t cs_limit, ds_limit, ss_limit, es_limit, tr_limit;
    uint16_t cs_ar, ds_ar, ss_ar, es_ar, tr_ar;
    uint16_t pad2[3];
};

struct vcpu_hvm_x86_64 {
    uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
    uint64_t rip, rflags;
    uint64_t cr0, cr3, cr4, efer;
};

#define VCPU_HVM_MODE_32B 0
#define VCPU_HVM_MODE_64B 1

struct vcpu_hvm_context {
    uint32_t mode;              /* VCPU_HVM_MODE_* */
    uint32_t pad;
    union {
        struct vcpu_hvm_x86_32 x86_32;
        struct vcpu_hvm_x86_64 x86_64;
    } cpu_regs;
};

_Static_assert(sizeof(struct vcpu_hvm_x86_32) == 120, "vcpu_hvm_x86_32");
_Static_assert(offsetof(struct vcpu_hvm_x86_32, efer) == 56,
               "vcpu_hvm_x86_32.efer");
_Static_assert(offsetof(struct vcpu_hvm_x86_32, cs_ar) == 104,
               "vcpu_hvm_x86_32.cs_ar");
_Static_assert(sizeof(struct vcpu_hvm_x86_64) == 112, "vcpu_hvm_x86_64");
_Static_assert(sizeof(struct vcpu_hvm_context) == 128, "vcpu_hvm_context");

#endif /* PUBLIC_VCPU_H */
