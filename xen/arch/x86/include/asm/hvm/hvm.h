/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Vendor-neutral hardware virtualization (HVM).
 *
 * At boot hvm_enable() asks each compiled-in backend (start_svm(),
 * start_vmx()) to probe the CPU; the first that succeeds fills
 * hvm_funcs, and from then on generic code calls through that table and
 * never tests the vendor.  Every AP calls hvm_cpu_up() from its start
 * path to enable the same extension on itself.
 *
 * hap=<bool> on the command line (default on) lets the administrator
 * refuse nested paging (NPT/EPT); guests then use shadow paging.
 */
#ifndef ASM_HVM_HVM_H
#define ASM_HVM_HVM_H

#include <xen/types.h>
#include <asm/x86_emulate.h>     /* segment_register, x86_segment */

/* hap_capabilities: superpage sizes the nested page tables can map. */
#define HVM_HAP_SUPERPAGE_2MB   (1u << 0)
#define HVM_HAP_SUPERPAGE_1GB   (1u << 1)

struct vcpu;
struct domain;
struct hvm_exit;

/* Guest state the backends hold, for the accessors below. */
enum hvm_reg {
    HVM_REG_CR0,
    HVM_REG_CR2,
    HVM_REG_CR3,
    HVM_REG_CR4,
    HVM_REG_EFER,
    HVM_REG_PAT,
    HVM_REG_DR7,
    HVM_REG_INTR_SHADOW,        /* 1: STI/MOV SS shadow in effect */
};

/* Event types for hvm_inject_event() (Intel's encoding, as Xen uses). */
#define X86_EVENTTYPE_EXT_INTR     0
#define X86_EVENTTYPE_NMI          2
#define X86_EVENTTYPE_HW_EXCEPTION 3
#define X86_EVENTTYPE_SW_INTERRUPT 4
#define X86_EVENT_NO_EC            (-1)

struct hvm_function_table {
    const char *name;                   /* "SVM", "VMX" */

    /* Nested paging (NPT/EPT) present and usable by us. */
    bool hap_supported;
    unsigned int hap_capabilities;      /* HVM_HAP_SUPERPAGE_* */

    /*
     * Number of TLB tags (SVM ASIDs, VMX VPIDs), including the one the
     * host itself uses (0 on both).  <= 1 means none: flush on every
     * world switch.
     */
    unsigned int nr_asids;

    /* The 3-byte hypercall instruction (VMMCALL / VMCALL). */
    u8 hypercall_insn[3];

    /* Enable / disable the extension on the calling CPU. */
    int (*cpu_up)(void);
    void (*cpu_down)(void);

    /*
     * vCPU lifetime.  vcpu_initialise() sets the PVH entry state (32-bit
     * flat protected mode, CR0.PE only, see asm/hvm/hvm.h's users); the
     * caller then sets v->regs (rip, rbx, ...).
     */
    int (*vcpu_initialise)(struct vcpu *v);
    void (*vcpu_destroy)(struct vcpu *v);

    /*
     * Enter the guest once (v is current on this CPU) and come back with
     * the exit decoded into *exit.  Pending events and interrupts are
     * injected on the way in.  Returns with interrupts enabled.
     */
    void (*run)(struct vcpu *v, struct hvm_exit *exit);

    /* Guest state accessors. */
    u64 (*get_reg)(struct vcpu *v, enum hvm_reg reg);
    void (*set_reg)(struct vcpu *v, enum hvm_reg reg, u64 val);
    void (*get_segment)(struct vcpu *v, enum x86_segment seg,
                        struct segment_register *reg);
    void (*set_segment)(struct vcpu *v, enum x86_segment seg,
                        const struct segment_register *reg);
    /* gdtr/idtr: only base and limit matter. */
    void (*get_dtr)(struct vcpu *v, bool idt, struct segment_register *reg);
    void (*set_dtr)(struct vcpu *v, bool idt,
                    const struct segment_register *reg);
    unsigned int (*get_cpl)(struct vcpu *v);
    void (*set_tsc_offset)(struct vcpu *v, u64 offset);
    u64 (*get_tsc_offset)(struct vcpu *v);

    /*
     * INIT + start-up IPI: the INIT state, real mode at CS = vector << 8,
     * IP 0 (SDM vol. 3 9.4.4 / APM 16.3).
     */
    void (*reset_to_sipi)(struct vcpu *v, u8 vector);

    /* Print the vendor guest state (crash reports). */
    void (*dump)(struct vcpu *v);
};

/* The active backend's table; valid only when hvm_enabled. */
extern struct hvm_function_table hvm_funcs;
extern bool hvm_enabled;

/* hap=<bool> as given on the command line (default true). */
extern bool opt_hap_enabled;

/* True when guests may use nested paging (hardware has it and hap=1). */
static inline bool hvm_hap_enabled(void)
{
    return hvm_enabled && hvm_funcs.hap_supported;
}

/* BSP: probe the backends, enable HVM on this CPU, print what was found. */
void hvm_enable(void);

/* Each AP after its tables are up: enable the chosen extension here too. */
void hvm_cpu_up(void);

/* Leave SVM/VMX operation on this CPU (shutdown, kexec, CPU offline). */
void hvm_cpu_down(void);

/* Number of CPUs on which hvm_cpu_up() (or hvm_enable()) succeeded. */
unsigned int hvm_nr_cpus_up(void);

/*
 * For the backends: allocate a zeroed, page-aligned page for this CPU's
 * host save area / VMXON region.  Returns its physical address, 0 on
 * failure.
 */
paddr_t hvm_alloc_cpu_page(unsigned int cpu, void **va);

/* For the backends: report the TLB tag space once (Xen's wording). */
void hvm_asid_init(unsigned int nr_asids);

/* ---- Guests (hvm.c) ---- */

/*
 * Create the HVM state of v (struct hvm_vcpu, VMCB/VMCS in the PVH entry
 * state, vLAPIC).  0 or -errno.  The domain's p2m must exist (nested
 * paging root) before the vCPU first runs, not before this call.
 */
int hvm_vcpu_initialise(struct vcpu *v);
void hvm_vcpu_destroy(struct vcpu *v);

/*
 * Run v once on this CPU and handle the exit.  The scheduler calls it in
 * a loop, handling softirqs in between; it returns early (without
 * entering the guest) when a softirq is pending on this CPU.
 */
void hvm_vcpu_run(struct vcpu *v);

/* The vendor-neutral exit handlers (exits.c). */
void hvm_handle_exit(struct vcpu *v, struct hvm_exit *exit);

/*
 * Queue an exception or interrupt for the next guest entry.  error_code
 * is X86_EVENT_NO_EC for events without one.  A second exception queued
 * before delivery becomes #DF, as the hardware would make it.
 */
void hvm_inject_event(struct vcpu *v, u8 vector, u8 type, int error_code);
static inline void hvm_inject_gp(struct vcpu *v)
{
    hvm_inject_event(v, 13, X86_EVENTTYPE_HW_EXCEPTION, 0);
}
static inline void hvm_inject_ud(struct vcpu *v)
{
    hvm_inject_event(v, 6, X86_EVENTTYPE_HW_EXCEPTION, X86_EVENT_NO_EC);
}

/* Skip the instruction the guest exited on (also ends an STI shadow). */
void hvm_advance_rip(struct vcpu *v, unsigned int len);

/* Accessors through hvm_funcs. */
static inline u64 hvm_get_reg(struct vcpu *v, enum hvm_reg reg)
{
    return hvm_funcs.get_reg(v, reg);
}
static inline void hvm_set_reg(struct vcpu *v, enum hvm_reg reg, u64 val)
{
    hvm_funcs.set_reg(v, reg, val);
}
static inline void hvm_get_segment(struct vcpu *v, enum x86_segment seg,
                                   struct segment_register *reg)
{
    hvm_funcs.get_segment(v, seg, reg);
}
static inline void hvm_set_segment(struct vcpu *v, enum x86_segment seg,
                                   const struct segment_register *reg)
{
    hvm_funcs.set_segment(v, seg, reg);
}
static inline unsigned int hvm_get_cpl(struct vcpu *v)
{
    return hvm_funcs.get_cpl(v);
}

/* The guest's execution mode for the emulator (X86EMUL_MODE_*). */
unsigned int hvm_guest_mode(struct vcpu *v);

/*
 * The p2m of d changed in a way that needs a TLB flush (an entry that was
 * present changed or went away): every vCPU of d flushes before it next
 * enters the guest.
 */
void hvm_flush_guest_tlbs(struct domain *d);

/*
 * Crash the domain of v (never the hypervisor): print why, with the
 * vCPU's registers, and shut the domain down with SHUTDOWN_crash.
 */
void __attribute__((format(printf, 2, 3)))
hvm_domain_crash(struct vcpu *v, const char *fmt, ...);

/* Fill the hypercall page at va (4 KiB) with the backend's stubs. */
void hvm_init_hypercall_page(void *va);

/* Debug builds: hvm_selftest on the command line runs a tiny guest. */
void hvm_selftest(void);

#endif /* ASM_HVM_HVM_H */
