/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Xen's CPUID leaves (public ABI, arch-x86/cpuid.h of the Xen interface).
 * The leaves start at XEN_CPUID_FIRST_LEAF (0x40000100 when Viridian is
 * also offered; guests scan in 0x100 steps).
 *
 *   base+0  eax: largest Xen leaf; ebx/ecx/edx: "XenVMMXenVMM"
 *   base+1  eax: major << 16 | minor
 *   base+2  eax: number of hypercall pages; ebx: the hypercall-page MSR;
 *           ecx: feature flags
 *   base+3  time (tsc mode, frequencies)
 *   base+4  HVM: eax feature flags, ebx vCPU id, ecx domain id
 *   base+5  PV: max subleaf, machine address width
 */
#ifndef PUBLIC_ARCH_X86_CPUID_H
#define PUBLIC_ARCH_X86_CPUID_H

#define XEN_CPUID_FIRST_LEAF    0x40000000
#define XEN_CPUID_LEAF(i)       (XEN_CPUID_FIRST_LEAF + (i))

/* "XenVMMXenVMM" in ebx, ecx, edx of base+0. */
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558  /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4d  /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566e  /* "nVMM" */

/* base+2 ecx */
#define XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD (1u << 0)

/* base+4 eax: HVM features */
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT  (1u << 0)
#define XEN_HVM_CPUID_X2APIC_VIRT       (1u << 1)
#define XEN_HVM_CPUID_IOMMU_MAPPINGS    (1u << 2)
#define XEN_HVM_CPUID_VCPU_ID_PRESENT   (1u << 3)  /* ebx = vcpu id */
#define XEN_HVM_CPUID_DOMID_PRESENT     (1u << 4)  /* ecx = domid */
#define XEN_HVM_CPUID_EXT_DEST_ID       (1u << 5)
#define XEN_HVM_CPUID_UPCALL_VECTOR     (1u << 6)  /* per-vCPU vector */

/* The hypercall-page MSR (base+2 ebx) without Viridian. */
#define XEN_HYPERCALL_MSR               0x40000000

#endif /* PUBLIC_ARCH_X86_CPUID_H */
