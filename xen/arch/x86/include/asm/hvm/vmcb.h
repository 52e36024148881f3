/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The AMD Virtual Machine Control Block (AMD64 APM vol. 2, appendix B):
 * a 4 KiB page with the control area at 0x000 and the guest state save
 * area at 0x400.  Offsets are fixed by the hardware; the static asserts
 * in vmcb.c check the ones we rely on.
 */
#ifndef ASM_HVM_VMCB_H
#define ASM_HVM_VMCB_H

#include <xen/types.h>
#include <asm/x86_emulate.h>     /* struct segment_register */

/* intercept_cr: reads in bits 0-15, writes in bits 16-31 (APM B.1). */
#define CR_INTERCEPT_CR0_READ   (1u << 0)
#define CR_INTERCEPT_CR3_READ   (1u << 3)
#define CR_INTERCEPT_CR4_READ   (1u << 4)
#define CR_INTERCEPT_CR8_READ   (1u << 8)
#define CR_INTERCEPT_CR0_WRITE  (1u << 16)
#define CR_INTERCEPT_CR3_WRITE  (1u << 19)
#define CR_INTERCEPT_CR4_WRITE  (1u << 20)
#define CR_INTERCEPT_CR8_WRITE  (1u << 24)

/* intercept1 (offset 0x0c) */
#define GENERAL1_INTERCEPT_INTR          (1u << 0)
#define GENERAL1_INTERCEPT_NMI           (1u << 1)
#define GENERAL1_INTERCEPT_SMI           (1u << 2)
#define GENERAL1_INTERCEPT_INIT          (1u << 3)
#define GENERAL1_INTERCEPT_VINTR         (1u << 4)
#define GENERAL1_INTERCEPT_CR0_SEL_WRITE (1u << 5)
#define GENERAL1_INTERCEPT_RDTSC         (1u << 14)
#define GENERAL1_INTERCEPT_RDPMC         (1u << 15)
#define GENERAL1_INTERCEPT_CPUID         (1u << 18)
#define GENERAL1_INTERCEPT_RSM           (1u << 19)
#define GENERAL1_INTERCEPT_IRET          (1u << 20)
#define GENERAL1_INTERCEPT_INVD          (1u << 22)
#define GENERAL1_INTERCEPT_PAUSE         (1u << 23)
#define GENERAL1_INTERCEPT_HLT           (1u << 24)
#define GENERAL1_INTERCEPT_INVLPG        (1u << 25)
#define GENERAL1_INTERCEPT_INVLPGA       (1u << 26)
#define GENERAL1_INTERCEPT_IOIO_PROT     (1u << 27)
#define GENERAL1_INTERCEPT_MSR_PROT      (1u << 28)
#define GENERAL1_INTERCEPT_TASK_SWITCH   (1u << 29)
#define GENERAL1_INTERCEPT_FERR_FREEZE   (1u << 30)
#define GENERAL1_INTERCEPT_SHUTDOWN      (1u << 31)

/* intercept2 (offset 0x10) */
#define GENERAL2_INTERCEPT_VMRUN         (1u << 0)
#define GENERAL2_INTERCEPT_VMMCALL       (1u << 1)
#define GENERAL2_INTERCEPT_VMLOAD        (1u << 2)
#define GENERAL2_INTERCEPT_VMSAVE        (1u << 3)
#define GENERAL2_INTERCEPT_STGI          (1u << 4)
#define GENERAL2_INTERCEPT_CLGI          (1u << 5)
#define GENERAL2_INTERCEPT_SKINIT        (1u << 6)
#define GENERAL2_INTERCEPT_RDTSCP        (1u << 7)
#define GENERAL2_INTERCEPT_ICEBP         (1u << 8)
#define GENERAL2_INTERCEPT_WBINVD        (1u << 9)
#define GENERAL2_INTERCEPT_MONITOR       (1u << 10)
#define GENERAL2_INTERCEPT_MWAIT         (1u << 11)
#define GENERAL2_INTERCEPT_MWAIT_COND    (1u << 12)
#define GENERAL2_INTERCEPT_XSETBV        (1u << 13)

/* Exit codes (APM vol. 2, appendix C). */
#define VMEXIT_CR0_READ          0x000
#define VMEXIT_CR0_WRITE         0x010
#define VMEXIT_EXCEPTION_BASE    0x040       /* + vector */
#define VMEXIT_INTR              0x060
#define VMEXIT_NMI               0x061
#define VMEXIT_SMI               0x062
#define VMEXIT_INIT              0x063
#define VMEXIT_VINTR             0x064
#define VMEXIT_RDTSC             0x06e
#define VMEXIT_CPUID             0x072
#define VMEXIT_IRET              0x074
#define VMEXIT_INVD              0x076
#define VMEXIT_PAUSE             0x077
#define VMEXIT_HLT               0x078
#define VMEXIT_INVLPG            0x079
#define VMEXIT_IOIO              0x07b
#define VMEXIT_MSR               0x07c
#define VMEXIT_TASK_SWITCH       0x07d
#define VMEXIT_SHUTDOWN          0x07f
#define VMEXIT_VMRUN             0x080
#define VMEXIT_VMMCALL           0x081
#define VMEXIT_VMLOAD            0x082
#define VMEXIT_VMSAVE            0x083
#define VMEXIT_STGI              0x084
#define VMEXIT_CLGI              0x085
#define VMEXIT_SKINIT            0x086
#define VMEXIT_RDTSCP            0x087
#define VMEXIT_WBINVD            0x089
#define VMEXIT_MONITOR           0x08a
#define VMEXIT_MWAIT             0x08b
#define VMEXIT_XSETBV            0x08d
#define VMEXIT_NPF               0x400
#define VMEXIT_INVALID           ((u64)-1)

/* IOIO EXITINFO1 (APM 15.10.2). */
#define IOIO_TYPE_IN             (1u << 0)
#define IOIO_STR                 (1u << 2)
#define IOIO_REP                 (1u << 3)
#define IOIO_SZ8                 (1u << 4)
#define IOIO_SZ16                (1u << 5)
#define IOIO_SZ32                (1u << 6)
#define IOIO_PORT_SHIFT          16

/* NPF EXITINFO1: a #PF-style error code (APM 15.25.6). */
#define NPF_PRESENT              (1ul << 0)
#define NPF_WRITE                (1ul << 1)
#define NPF_USER                 (1ul << 2)
#define NPF_RSVD                 (1ul << 3)
#define NPF_FETCH                (1ul << 4)
#define NPF_FINAL_GPA            (1ul << 32)
#define NPF_IN_PT_WALK           (1ul << 33)

/* EVENTINJ and EXITINTINFO (APM 15.20). */
#define SVM_EVT_VECTOR_MASK      0xffu
#define SVM_EVT_TYPE_SHIFT       8
#define SVM_EVT_TYPE_MASK        (7u << SVM_EVT_TYPE_SHIFT)
#define SVM_EVT_TYPE_INTR        0
#define SVM_EVT_TYPE_NMI         2
#define SVM_EVT_TYPE_EXCEPTION   3
#define SVM_EVT_TYPE_SOFT_INT    4
#define SVM_EVT_EV               (1u << 11)  /* error code valid */
#define SVM_EVT_VALID            (1u << 31)

/* vintr (offset 0x60) */
#define VINTR_TPR_MASK           0xfful
#define VINTR_IRQ                (1ul << 8)
#define VINTR_PRIO_SHIFT         16
#define VINTR_IGN_TPR            (1ul << 20)
#define VINTR_MASKING            (1ul << 24)

/* tlb_control */
#define TLB_CTRL_NO_FLUSH        0
#define TLB_CTRL_FLUSH_ALL       1
#define TLB_CTRL_FLUSH_ASID      3

/* Segment attributes, the descriptor's bits 40-47 and 52-55 packed. */
#define SVM_SEG_TYPE(t)          ((t) & 0xf)
#define SVM_SEG_S                (1u << 4)
#define SVM_SEG_DPL(d)           (((d) & 3) << 5)
#define SVM_SEG_P                (1u << 7)
#define SVM_SEG_AVL              (1u << 8)
#define SVM_SEG_L                (1u << 9)
#define SVM_SEG_DB               (1u << 10)
#define SVM_SEG_G                (1u << 11)

struct vmcb_struct {
    /* Control area. */
    u32 intercept_cr;               /* 0x000 */
    u32 intercept_dr;               /* 0x004 */
    u32 intercept_exceptions;       /* 0x008 */
    u32 intercept1;                 /* 0x00c */
    u32 intercept2;                 /* 0x010 */
    u32 intercept3;                 /* 0x014 */
    u8  res0[0x3c - 0x18];
    u16 pause_filter_thresh;        /* 0x03c */
    u16 pause_filter_count;         /* 0x03e */
    u64 iopm_base_pa;               /* 0x040 */
    u64 msrpm_base_pa;              /* 0x048 */
    u64 tsc_offset;                 /* 0x050 */
    u32 guest_asid;                 /* 0x058 */
    u8  tlb_control;                /* 0x05c */
    u8  res1[3];
    u64 vintr;                      /* 0x060 */
    u64 interrupt_shadow;           /* 0x068 */
    u64 exitcode;                   /* 0x070 */
    u64 exitinfo1;                  /* 0x078 */
    u64 exitinfo2;                  /* 0x080 */
    u64 exitintinfo;                /* 0x088 */
    u64 np_enable;                  /* 0x090 */
    u64 avic_apic_bar;              /* 0x098 */
    u64 ghcb_pa;                    /* 0x0a0 */
    u64 eventinj;                   /* 0x0a8 */
    u64 n_cr3;                      /* 0x0b0 */
    u64 virt_ext;                   /* 0x0b8 */
    u32 vmcb_clean;                 /* 0x0c0 */
    u32 res2;
    u64 nrip;                       /* 0x0c8 */
    u8  guest_ins_len;              /* 0x0d0 */
    u8  guest_ins[15];
    u8  res3[0x400 - 0xe0];

    /* State save area. */
    struct segment_register es;     /* 0x400 */
    struct segment_register cs;
    struct segment_register ss;
    struct segment_register ds;
    struct segment_register fs;
    struct segment_register gs;
    struct segment_register gdtr;
    struct segment_register ldtr;
    struct segment_register idtr;
    struct segment_register tr;     /* 0x490 */
    u8  res4[0x4cb - 0x4a0];
    u8  cpl;                        /* 0x4cb */
    u32 res5;
    u64 efer;                       /* 0x4d0 */
    u8  res6[0x548 - 0x4d8];
    u64 cr4;                        /* 0x548 */
    u64 cr3;                        /* 0x550 */
    u64 cr0;                        /* 0x558 */
    u64 dr7;                        /* 0x560 */
    u64 dr6;                        /* 0x568 */
    u64 rflags;                     /* 0x570 */
    u64 rip;                        /* 0x578 */
    u8  res7[0x5d8 - 0x580];
    u64 rsp;                        /* 0x5d8 */
    u8  res8[0x5f8 - 0x5e0];
    u64 rax;                        /* 0x5f8 */
    u64 star;                       /* 0x600 */
    u64 lstar;                      /* 0x608 */
    u64 cstar;                      /* 0x610 */
    u64 sfmask;                     /* 0x618 */
    u64 kernel_gs_base;             /* 0x620 */
    u64 sysenter_cs;                /* 0x628 */
    u64 sysenter_esp;               /* 0x630 */
    u64 sysenter_eip;               /* 0x638 */
    u64 cr2;                        /* 0x640 */
    u8  res9[0x668 - 0x648];
    u64 g_pat;                      /* 0x668 */
    u64 debugctl;                   /* 0x670 */
    u64 br_from;                    /* 0x678 */
    u64 br_to;                      /* 0x680 */
    u64 lastexcpfrom;               /* 0x688 */
    u64 lastexcpto;                 /* 0x690 */
    u8  res10[0x1000 - 0x698];
};

struct vcpu;

/* Allocate and fill the VMCB of v for its PVH entry state (vmcb.c). */
int svm_create_vmcb(struct vcpu *v);
void svm_destroy_vmcb(struct vcpu *v);

/* Print the guest state of a VMCB (crash reports). */
void svm_vmcb_dump(const char *from, const struct vmcb_struct *vmcb);

#endif /* ASM_HVM_VMCB_H */
