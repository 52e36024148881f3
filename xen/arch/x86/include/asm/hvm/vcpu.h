/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-vCPU HVM state (struct vcpu's ->hvm).  The register file proper is
 * v->regs (struct cpu_user_regs): the backend copies rax/rip/rsp/rflags
 * between it and the VMCB/VMCS around every guest entry, so hvm/ code and
 * the emulator only ever look at v->regs.  Control registers, segments
 * and MSRs held in the VMCB/VMCS are reached through hvm_funcs accessors.
 */
#ifndef ASM_HVM_VCPU_H
#define ASM_HVM_VCPU_H

#include <xen/types.h>

struct vmcb_struct;

/* An event to deliver at the next guest entry (exception or interrupt). */
struct hvm_pending_event {
    bool pending;
    u8 vector;
    u8 type;                    /* X86_EVENTTYPE_* (asm/hvm/hvm.h) */
    bool has_error_code;
    u32 error_code;
};

struct svm_vcpu {
    struct vmcb_struct *vmcb;
    paddr_t vmcb_pa;
    u32 asid;                   /* 0: none yet on this CPU */
    u64 asid_generation;        /* per-CPU generation the ASID is from */
    unsigned int asid_cpu;      /* the pCPU it was taken on */
};

struct hvm_vcpu {
    /*
     * x87/SSE state (FXSAVE format) while another vCPU owns this pCPU's
     * registers.  The hypervisor itself never touches them.
     */
    u8 fpu[512] __attribute__((aligned(16)));

    struct svm_vcpu svm;        /* vendor state; a union once VMX runs */

    struct hvm_pending_event event;

    /* The guest's TLB must be flushed before it next runs (p2m change). */
    bool flush_tlb;

    /* p2m flush_gen this vCPU's TLB was last flushed at. */
    unsigned long p2m_flush_gen;

    /* MSR_TSC_AUX (RDTSCP's value), loaded lazily before each entry. */
    u32 tsc_aux;

    /* Hypercall page MSR (0x40000000): last value written. */
    u64 hypercall_msr;

    /* Guest MTRR default type written by the guest (reads back). */
    u64 mtrr_def_type;

    /* The last NPF retried after a TLB flush (a second one is fatal). */
    u64 last_npf_gpa;

    /* Messages about unhandled MSRs, so a loop cannot flood the log. */
    unsigned int msr_warnings;

    /* Exits since creation, for the debug keys and the perf tests. */
    u64 nr_exits;
};

#endif /* ASM_HVM_VCPU_H */
