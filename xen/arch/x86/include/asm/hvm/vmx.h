/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intel VMX backend (SDM vol. 3C, chapters 23-24 and appendix A).
 */
#ifndef ASM_HVM_VMX_H
#define ASM_HVM_VMX_H

#include <xen/types.h>
#include <asm/hvm/hvm.h>

/* CPUID.1:ECX */
#define CPUID1_ECX_VMX              (1u << 5)

#define MSR_IA32_FEATURE_CONTROL    0x0000003a
#define FEATURE_CONTROL_LOCK        (1u << 0)
#define FEATURE_CONTROL_VMXON_IN_SMX  (1u << 1)
#define FEATURE_CONTROL_VMXON_OUTSIDE_SMX (1u << 2)

/* Capability MSRs (SDM vol. 3D, appendix A) */
#define MSR_IA32_VMX_BASIC          0x00000480
#define MSR_IA32_VMX_PINBASED_CTLS  0x00000481
#define MSR_IA32_VMX_PROCBASED_CTLS 0x00000482
#define MSR_IA32_VMX_EXIT_CTLS      0x00000483
#define MSR_IA32_VMX_ENTRY_CTLS     0x00000484
#define MSR_IA32_VMX_MISC           0x00000485
#define MSR_IA32_VMX_CR0_FIXED0     0x00000486
#define MSR_IA32_VMX_CR0_FIXED1     0x00000487
#define MSR_IA32_VMX_CR4_FIXED0     0x00000488
#define MSR_IA32_VMX_CR4_FIXED1     0x00000489
#define MSR_IA32_VMX_PROCBASED_CTLS2 0x0000048b
#define MSR_IA32_VMX_EPT_VPID_CAP   0x0000048c

/* IA32_VMX_BASIC */
#define VMX_BASIC_REVISION_MASK     0x7fffffffu
#define VMX_BASIC_REGION_SIZE(b)    (((b) >> 32) & 0x1fff)
#define VMX_BASIC_32BIT_ADDRESSES   (1ul << 48)

/* Pin-based VM-execution controls */
#define PIN_BASED_VIRTUAL_NMIS      (1u << 5)
#define PIN_BASED_POSTED_INTERRUPT  (1u << 7)

/* Primary processor-based VM-execution controls */
#define CPU_BASED_TPR_SHADOW        (1u << 21)
#define CPU_BASED_MSR_BITMAP        (1u << 28)
#define CPU_BASED_SECONDARY_CTLS    (1u << 31)

/* Secondary processor-based VM-execution controls */
#define SECONDARY_VIRT_APIC_ACCESSES (1u << 0)
#define SECONDARY_ENABLE_EPT        (1u << 1)
#define SECONDARY_ENABLE_RDTSCP     (1u << 3)
#define SECONDARY_ENABLE_VPID       (1u << 5)
#define SECONDARY_UNRESTRICTED_GUEST (1u << 7)
#define SECONDARY_APIC_REGISTER_VIRT (1u << 8)
#define SECONDARY_VIRT_INTR_DELIVERY (1u << 9)
#define SECONDARY_PAUSE_LOOP_EXITING (1u << 10)
#define SECONDARY_ENABLE_VMFUNC     (1u << 13)
#define SECONDARY_VMCS_SHADOWING    (1u << 14)
#define SECONDARY_ENABLE_PML        (1u << 17)
#define SECONDARY_EPT_VE            (1u << 18)
#define SECONDARY_TSC_SCALING       (1u << 25)

/* IA32_VMX_EPT_VPID_CAP */
#define EPT_CAP_EXEC_ONLY           (1ul << 0)
#define EPT_CAP_WALK_LENGTH_4       (1ul << 6)
#define EPT_CAP_MEMTYPE_UC          (1ul << 8)
#define EPT_CAP_MEMTYPE_WB          (1ul << 14)
#define EPT_CAP_2MB_PAGES           (1ul << 16)
#define EPT_CAP_1GB_PAGES           (1ul << 17)
#define EPT_CAP_INVEPT              (1ul << 20)
#define EPT_CAP_AD_BITS             (1ul << 21)
#define EPT_CAP_INVEPT_SINGLE       (1ul << 25)
#define EPT_CAP_INVEPT_ALL          (1ul << 26)
#define VPID_CAP_INVVPID            (1ul << 32)
#define VPID_CAP_INVVPID_ADDR       (1ul << 40)
#define VPID_CAP_INVVPID_SINGLE     (1ul << 41)
#define VPID_CAP_INVVPID_ALL        (1ul << 42)

/* VPIDs are 16 bits wide (SDM 28.1); VPID 0 belongs to the host. */
#define VMX_NR_VPIDS                (1u << 16)

/* What the boot CPU offers and we decided to use. */
struct vmx_caps {
    u32 revision_id;
    u32 pin_allowed1, proc_allowed1, proc2_allowed1;
    u64 ept_vpid_cap;
    bool ept, vpid, unrestricted_guest;
};
extern struct vmx_caps vmx_caps;

#ifdef CONFIG_VMX
/* Probe and enable VMX on the BSP; NULL if the CPU cannot do VMX. */
const struct hvm_function_table *start_vmx(void);
#else
static inline const struct hvm_function_table *start_vmx(void)
{
    return NULL;
}
#endif

#endif /* ASM_HVM_VMX_H */
