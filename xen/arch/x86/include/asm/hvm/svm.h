/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD SVM backend (AMD64 APM vol. 2, chapter 15).
 */
#ifndef ASM_HVM_SVM_H
#define ASM_HVM_SVM_H

#include <xen/types.h>
#include <asm/hvm/hvm.h>
#include <asm/traps.h>

#define MSR_VM_CR               0xc0010114
#define VM_CR_LOCK              (1u << 3)
#define VM_CR_SVMDIS            (1u << 4)
#define MSR_VM_HSAVE_PA         0xc0010117

/* CPUID 0x80000001 ECX */
#define CPUID_80000001_ECX_SVM  (1u << 2)
/* CPUID 0x80000001 EDX */
#define CPUID_80000001_EDX_PAGE1GB (1u << 26)

/* CPUID 0x8000000A EDX: SVM feature identification (APM vol. 3, E.4.9) */
#define SVM_FEATURE_NPT             0   /* nested paging */
#define SVM_FEATURE_LBRV            1   /* LBR virtualization */
#define SVM_FEATURE_SVML            2   /* SVM lock */
#define SVM_FEATURE_NRIPS           3   /* next RIP saved on #VMEXIT */
#define SVM_FEATURE_TSCRATEMSR      4   /* TSC ratio MSR */
#define SVM_FEATURE_VMCBCLEAN       5   /* VMCB clean bits */
#define SVM_FEATURE_FLUSHBYASID     6   /* TLB flush by ASID */
#define SVM_FEATURE_DECODEASSISTS   7   /* decode assists */
#define SVM_FEATURE_PAUSEFILTER     10  /* pause intercept filter */
#define SVM_FEATURE_PAUSETHRESH     12  /* pause filter threshold */
#define SVM_FEATURE_AVIC            13  /* AMD virtual interrupt controller */
#define SVM_FEATURE_VLOADSAVE       15  /* virtual VMLOAD/VMSAVE */
#define SVM_FEATURE_VGIF            16  /* virtual GIF */

/* CPUID 0x8000000A EDX of the boot CPU (0 if SVM is not in use). */
extern u32 svm_feature_flags;

static inline bool cpu_has_svm_feature(unsigned int bit)
{
    return svm_feature_flags & (1u << bit);
}

struct vcpu;
struct vmcb_struct;

/* entry.S: one world switch (see there). */
void svm_vmrun(struct cpu_user_regs *regs, paddr_t vmcb_pa,
               paddr_t host_vmcb_pa);

/* vmcb.c */
int svm_init_permission_maps(void);
void svm_vmcb_set_real_mode(struct vmcb_struct *vmcb, u8 sipi_vector);

/* asid.c: per-CPU ASID state; pick v's ASID and TLB control for VMRUN. */
void svm_asid_init_cpu(unsigned int nr_asids);
void svm_asid_handle_vmrun(struct vcpu *v);

#define MSR_TSC_AUX             0xc0000103

#ifdef CONFIG_SVM
/* Probe and enable SVM on the BSP; NULL if the CPU cannot do SVM. */
const struct hvm_function_table *start_svm(void);
#else
static inline const struct hvm_function_table *start_svm(void)
{
    return NULL;
}
#endif

#endif /* ASM_HVM_SVM_H */
