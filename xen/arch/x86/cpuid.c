/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest CPUID policy.  Guests see the host's CPU with what we cannot or
 * will not virtualise taken away:
 *   - SVM/VMX/SMX (no nested virtualisation), SKINIT;
 *   - MONITOR/MWAIT(X) (would idle the physical CPU; HLT exits instead);
 *   - XSAVE and everything it manages (AVX, AVX-512, PKU, AMX, CET): the
 *     hypervisor does not switch XCR0 and the extended state between
 *     vCPUs yet, so guests use FXSAVE-managed state only;
 *   - machine check, performance counters, thermal/power, debug store,
 *     RDT, PT, and the speculation-control MSRs: their MSRs are not
 *     emulated (an unknown MSR raises #GP);
 *   - multi-core topology: each vCPU is a package of one thread (leaf 1
 *     HTT clear, leaves 0xb/0x1f empty, 0x80000008 NC 0), with the APIC
 *     ID the vLAPIC uses;
 * and with the hypervisor bit, x2APIC (the vLAPIC does both modes), and
 * Xen's leaves at 0x40000000 (public/arch-x86/cpuid.h; Xen's
 * cpuid_hypervisor_leaves()).
 */
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/time.h>
#include <asm/processor.h>
#include <asm/cpuid.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/vlapic.h>
#include <public/arch-x86/cpuid.h>

#define XEN_CPUID_MAX_LEAF      5
#define XEN_VERSION_MAJOR       4
#define XEN_VERSION_MINOR       17

#define BIT(n)  (1u << (n))

static void xen_leaves(const struct cpuid_guest_info *g, u32 idx, u32 sub,
                       struct cpuid_leaf *r)
{
    switch ( idx )
    {
    case 0:
        r->a = XEN_CPUID_LEAF(XEN_CPUID_MAX_LEAF);
        r->b = XEN_CPUID_SIGNATURE_EBX;
        r->c = XEN_CPUID_SIGNATURE_ECX;
        r->d = XEN_CPUID_SIGNATURE_EDX;
        break;
    case 1:
        r->a = (XEN_VERSION_MAJOR << 16) | XEN_VERSION_MINOR;
        break;
    case 2:
        r->a = 1;                       /* one hypercall page */
        r->b = XEN_HYPERCALL_MSR;
        break;
    case 3:
        /*
         * Time: subleaf 0 ecx and subleaf 2 eax give the TSC frequency in
         * kHz; no emulated TSC, TSC mode "default", no offset/scale.
         */
        if ( sub == 0 )
            r->c = g->tsc_khz;
        else if ( sub == 2 )
            r->a = g->tsc_khz;
        break;
    case 4:
        r->a = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT |
               XEN_HVM_CPUID_UPCALL_VECTOR;
        r->b = g->vcpu_id;
        r->c = g->domid;
        break;
    default:
        break;
    }
}

void cpuid_policy_filter(const struct cpuid_guest_info *g, u32 leaf,
                         u32 subleaf, struct cpuid_leaf *r)
{
    if ( leaf >= 0x40000000 && leaf <= 0x4fffffff )
    {
        r->a = r->b = r->c = r->d = 0;
        if ( leaf < 0x40000100 )
            xen_leaves(g, leaf - XEN_CPUID_FIRST_LEAF, subleaf, r);
        return;
    }

    switch ( leaf )
    {
    case 0x1:
        /* ecx: DTES64 DS-CPL VMX SMX EST TM2 SDBG FMA xTPR PDCM XSAVE ... */
        r->c &= ~(BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) |
                  BIT(8) | BIT(11) | BIT(12) | BIT(14) | BIT(15) |
                  BIT(18) | BIT(26) | BIT(27) | BIT(28) | BIT(29));
        r->c |= BIT(21) | BIT(31);      /* x2APIC, hypervisor */
        /* edx: MCE PSN DS ACPI MCA HTT TM PBE */
        r->d &= ~(BIT(7) | BIT(14) | BIT(18) | BIT(21) | BIT(22) |
                  BIT(28) | BIT(29) | BIT(31));
        /* ebx: initial APIC ID, one logical processor per package. */
        r->b = (r->b & 0x0000ffff) | (g->apic_id << 24) | (1u << 16);
        break;
    case 0x4:
        /* Cache leaves: keep the caches, drop the core/thread counts. */
        r->a &= 0x3fff;
        break;
    case 0x5:   /* MONITOR/MWAIT */
    case 0x6:   /* thermal and power */
    case 0xa:   /* performance monitoring */
    case 0xb:   /* topology */
    case 0xd:   /* XSAVE */
    case 0xf:   /* RDT monitoring */
    case 0x10:  /* RDT allocation */
    case 0x12:  /* SGX */
    case 0x14:  /* processor trace */
    case 0x1a:  /* hybrid */
    case 0x1f:  /* topology v2 */
        r->a = r->b = r->c = r->d = 0;
        break;
    case 0x7:
        if ( subleaf != 0 )
        {
            r->a = r->b = r->c = r->d = 0;
            break;
        }
        r->a = 0;                       /* subleaf 0 only */
        /* TSC_ADJUST SGX AVX2 PQM MPX PQE AVX512* PT */
        r->b &= ~(BIT(1) | BIT(2) | BIT(5) | BIT(12) | BIT(14) | BIT(15) |
                  BIT(16) | BIT(17) | BIT(21) | BIT(25) | BIT(26) |
                  BIT(27) | BIT(28) | BIT(30) | BIT(31));
        /* AVX512_VBMI PKU OSPKE WAITPKG VBMI2 CET_SS VAES VPCLMUL VNNI
         * BITALG TME VPOPCNTDQ LA57 KL BUS_LOCK ENQCMD SGX_LC PKS */
        r->c &= ~(BIT(1) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) |
                  BIT(9) | BIT(10) | BIT(11) | BIT(12) | BIT(13) |
                  BIT(14) | BIT(16) | BIT(23) | BIT(24) | BIT(29) |
                  BIT(30) | BIT(31));
        /* 4VNNIW 4FMAPS UINTR VP2INTERSECT SRBDS MD_CLEAR TSX_FA HYBRID
         * TSXLDTRK PCONFIG ARCH_LBR IBT AMX FP16 IBRS STIBP L1D ARCH_CAP
         * CORE_CAP SSBD */
        r->d &= ~(BIT(2) | BIT(3) | BIT(5) | BIT(8) | BIT(9) | BIT(10) |
                  BIT(13) | BIT(15) | BIT(16) | BIT(18) | BIT(19) |
                  BIT(20) | BIT(22) | BIT(23) | BIT(24) | BIT(26) |
                  BIT(27) | BIT(28) | BIT(29) | BIT(30) | BIT(31));
        break;
    case 0x80000001:
        /* CMP_LEGACY SVM EXTAPIC OSVW IBS XOP SKINIT WDT LWP FMA4 TOPOEXT
         * PERFCTR_CORE/NB DBX PERFCTR_LLC MONITORX */
        r->c &= ~(BIT(1) | BIT(2) | BIT(3) | BIT(9) | BIT(10) | BIT(11) |
                  BIT(12) | BIT(13) | BIT(15) | BIT(16) | BIT(22) |
                  BIT(23) | BIT(24) | BIT(26) | BIT(28) | BIT(29));
        break;
    case 0x80000007:
        r->a = r->b = r->c = 0;
        r->d &= BIT(8);                 /* invariant TSC only */
        break;
    case 0x80000008:
        /* IBPB IBRS STIBP SSBD VIRT_SSBD and friends; one core. */
        r->b &= ~(BIT(12) | BIT(14) | BIT(15) | BIT(16) | BIT(17) |
                  BIT(18) | BIT(24) | BIT(25) | BIT(26));
        r->c = 0;
        r->d = 0;
        break;
    case 0x80000002: case 0x80000003: case 0x80000004:  /* brand */
    case 0x80000005: case 0x80000006:                   /* caches */
    case 0x80000000:
        break;
    default:
        if ( leaf > 0x80000008 && leaf <= 0x8fffffff )
            r->a = r->b = r->c = r->d = 0;
        break;
    }
}

#ifndef KEEL_HOST_TEST
void guest_cpuid(struct vcpu *v, u32 leaf, u32 subleaf,
                 struct cpuid_leaf *res)
{
    struct cpuid_guest_info g = {
        .vcpu_id = v->vcpu_id,
        .max_vcpus = v->domain->max_vcpus,
        .domid = v->domain->domain_id,
        .apic_id = VLAPIC_ID(v->vcpu_id),
        .guest_cr4 = hvm_get_reg(v, HVM_REG_CR4),
        .tsc_khz = cpu_khz,
    };

    cpuid_count(leaf, subleaf, &res->a, &res->b, &res->c, &res->d);
    cpuid_policy_filter(&g, leaf, subleaf, res);
}
#endif
