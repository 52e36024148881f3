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

/* hap_capabilities: superpage sizes the nested page tables can map. */
#define HVM_HAP_SUPERPAGE_2MB   (1u << 0)
#define HVM_HAP_SUPERPAGE_1GB   (1u << 1)

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

    /* Enable / disable the extension on the calling CPU. */
    int (*cpu_up)(void);
    void (*cpu_down)(void);

    /*
     * Later: vcpu_initialise, vcpu_destroy, run, update_guest_cr,
     * inject_event, ...  Add members here; a backend leaves what it
     * does not implement NULL.
     */
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

#endif /* ASM_HVM_HVM_H */
