/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The CPUID a guest sees (cpuid.c): the host's leaves filtered (no
 * SVM/VMX, no MONITOR/MWAIT, no XSAVE-managed state, no speculation or
 * machine-check MSRs we do not emulate), the hypervisor bit, x2APIC,
 * APIC IDs of the vLAPIC, and Xen's leaves at 0x40000000.
 */
#ifndef ASM_CPUID_H
#define ASM_CPUID_H

#include <xen/types.h>

struct vcpu;

struct cpuid_leaf {
    u32 a, b, c, d;
};

void guest_cpuid(struct vcpu *v, u32 leaf, u32 subleaf,
                 struct cpuid_leaf *res);

/*
 * The pure policy over a host result, for the unit tests: vcpu_id,
 * max_vcpus and domid describe the guest; guest_cr4 is for OSXSAVE/OSPKE.
 */
struct cpuid_guest_info {
    unsigned int vcpu_id;
    unsigned int max_vcpus;
    unsigned int domid;
    u32 apic_id;
    u64 guest_cr4;
    u32 tsc_khz;
};
void cpuid_policy_filter(const struct cpuid_guest_info *g, u32 leaf,
                         u32 subleaf, struct cpuid_leaf *res);

#endif /* ASM_CPUID_H */
