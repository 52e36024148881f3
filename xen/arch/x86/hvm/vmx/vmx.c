/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intel VMX: detection and enablement on each CPU (SDM vol. 3C, 24.7
 * "Enabling and entering VMX operation"; capability MSRs in appendix A).
 * Running guests comes later; this file enters VMX root operation on
 * every CPU and says which optional features the CPU has.
 *
 * There is no VM entry here yet (no vcpu_initialise or run hook: no vCPU
 * can be created on Intel), so no vCPU is ever in guest mode on VMX.
 * The run path, when it comes, must do what svm_run does: take up the
 * p2m's flush_gen (INVEPT if it moved), then set v->in_guest just before
 * VMLAUNCH/VMRESUME and clear it right after the exit;
 * domain_reap_zombies' TLB wait before freeing a zombie's frames relies
 * on that (xen/include/xen/sched.h, in_guest).
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/console.h>
#include <asm/processor.h>
#include <asm/current.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/vmx.h>

struct vmx_caps vmx_caps;

/* Physical address of each CPU's VMXON region. */
static paddr_t vmxon_region[NR_CPUS];
static bool in_vmx[NR_CPUS];

/* VMXON reports failure in CF (VMfailInvalid) or ZF (VMfailValid). */
static int __vmxon(paddr_t addr)
{
    u8 fail;

    __asm__ __volatile__ ( "vmxon %1; setbe %0"
                           : "=qm" (fail) : "m" (addr) : "cc", "memory" );
    return fail ? -EIO : 0;
}

static void __vmxoff(void)
{
    __asm__ __volatile__ ( "vmxoff" ::: "cc", "memory" );
}

static bool vmx_present(void)
{
    return cpuid_ecx(1) & CPUID1_ECX_VMX;
}

/*
 * SDM 23.7: VMXON outside SMX needs IA32_FEATURE_CONTROL bit 2 and the
 * lock bit.  If the firmware left the MSR unlocked we may set and lock
 * it ourselves; locked without bit 2 means the firmware disabled VT-x.
 */
static int vmx_feature_control(void)
{
    u64 fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

    if ( !(fc & FEATURE_CONTROL_LOCK) )
    {
        fc |= FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMXON_OUTSIDE_SMX;
        wrmsr(MSR_IA32_FEATURE_CONTROL, fc);
        fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
    }

    return (fc & FEATURE_CONTROL_VMXON_OUTSIDE_SMX) ? 0 : -EACCES;
}

/*
 * SDM 23.8: in VMX operation CR0 and CR4 must respect the FIXED0 (must
 * be 1) and FIXED1 (may be 1) MSRs.  In practice this sets CR0.NE and
 * CR4.VMXE; anything else we cannot satisfy is an error rather than a
 * #GP from VMXON.
 */
static int vmx_fix_control_registers(void)
{
    unsigned long cr0 = read_cr0(), cr4 = read_cr4() | X86_CR4_VMXE;
    u64 cr0_f0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
    u64 cr0_f1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
    u64 cr4_f0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
    u64 cr4_f1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);

    cr0 |= cr0_f0;
    cr4 |= cr4_f0;
    if ( (cr0 & ~cr0_f1) || (cr4 & ~cr4_f1) )
        return -EINVAL;

    write_cr0(cr0);
    write_cr4(cr4);
    return 0;
}

static int vmx_cpu_up(void)
{
    unsigned int cpu = smp_processor_id();
    void *va;
    int rc;

    if ( !vmx_present() )
        return -ENODEV;
    if ( in_vmx[cpu] )
        return 0;

    rc = vmx_feature_control();
    if ( rc )
        return rc;

    if ( !vmxon_region[cpu] )
    {
        vmxon_region[cpu] = hvm_alloc_cpu_page(cpu, &va);
        if ( !vmxon_region[cpu] )
            return -ENOMEM;
        /* SDM 24.11.5: the region starts with the VMCS revision id. */
        *(u32 *)va = vmx_caps.revision_id;
    }

    rc = vmx_fix_control_registers();
    if ( rc )
        return rc;

    rc = __vmxon(vmxon_region[cpu]);
    if ( rc )
    {
        write_cr4(read_cr4() & ~X86_CR4_VMXE);
        return rc;
    }

    in_vmx[cpu] = true;
    return 0;
}

static void vmx_cpu_down(void)
{
    unsigned int cpu = smp_processor_id();

    if ( !in_vmx[cpu] )
        return;
    __vmxoff();
    write_cr4(read_cr4() & ~X86_CR4_VMXE);
    in_vmx[cpu] = false;
}

static struct hvm_function_table vmx_function_table = {
    .name     = "VMX",
    .cpu_up   = vmx_cpu_up,
    .cpu_down = vmx_cpu_down,
};

/* Capability MSRs: allowed-1 settings live in the high 32 bits. */
static void vmx_read_caps(void)
{
    u64 basic = rdmsr(MSR_IA32_VMX_BASIC);
    u64 cap = 0;

    vmx_caps.revision_id = basic & VMX_BASIC_REVISION_MASK;
    vmx_caps.pin_allowed1 = rdmsr(MSR_IA32_VMX_PINBASED_CTLS) >> 32;
    vmx_caps.proc_allowed1 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS) >> 32;
    if ( vmx_caps.proc_allowed1 & CPU_BASED_SECONDARY_CTLS )
        vmx_caps.proc2_allowed1 =
            rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2) >> 32;

    /* SDM A.10: the EPT/VPID MSR exists only if either can be enabled. */
    if ( vmx_caps.proc2_allowed1 &
         (SECONDARY_ENABLE_EPT | SECONDARY_ENABLE_VPID) )
        cap = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
    vmx_caps.ept_vpid_cap = cap;

    /*
     * EPT is usable with 4-level tables in write-back memory and some
     * form of INVEPT; otherwise guests fall back to shadow paging.
     */
    vmx_caps.ept = (vmx_caps.proc2_allowed1 & SECONDARY_ENABLE_EPT) &&
                   (cap & EPT_CAP_WALK_LENGTH_4) &&
                   (cap & EPT_CAP_MEMTYPE_WB) &&
                   (cap & EPT_CAP_INVEPT) &&
                   (cap & (EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL));
    vmx_caps.vpid = (vmx_caps.proc2_allowed1 & SECONDARY_ENABLE_VPID) &&
                    (cap & VPID_CAP_INVVPID) &&
                    (cap & (VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL));
    /* Unrestricted guest requires EPT (SDM 26.2.1.1). */
    vmx_caps.unrestricted_guest =
        vmx_caps.ept &&
        (vmx_caps.proc2_allowed1 & SECONDARY_UNRESTRICTED_GUEST);
}

static void vmx_print_features(void)
{
    u32 pin = vmx_caps.pin_allowed1, proc = vmx_caps.proc_allowed1;
    u32 proc2 = vmx_caps.proc2_allowed1;
    bool printed = false;

    printk("VMX: Supported advanced features:\n");
#define P(cond, s) \
    do { \
        if ( cond ) \
        { \
            printk(" - %s\n", s); \
            printed = true; \
        } \
    } while ( 0 )
    P(proc2 & SECONDARY_VIRT_APIC_ACCESSES,
      "APIC MMIO access virtualisation");
    P(proc & CPU_BASED_TPR_SHADOW, "APIC TPR shadow");
    P(vmx_caps.ept, "Extended Page Tables (EPT)");
    P(vmx_caps.vpid, "Virtual-Processor Identifiers (VPID)");
    P(pin & PIN_BASED_VIRTUAL_NMIS, "Virtual NMI");
    P(proc & CPU_BASED_MSR_BITMAP, "MSR direct-access bitmap");
    P(vmx_caps.unrestricted_guest, "Unrestricted Guest");
    P(proc2 & SECONDARY_APIC_REGISTER_VIRT, "APIC Register Virtualization");
    P(proc2 & SECONDARY_VIRT_INTR_DELIVERY, "Virtual Interrupt Delivery");
    P(pin & PIN_BASED_POSTED_INTERRUPT, "Posted Interrupt Processing");
    P(proc2 & SECONDARY_VMCS_SHADOWING, "VMCS shadowing");
    P(proc2 & SECONDARY_ENABLE_VMFUNC, "VM Functions");
    P(proc2 & SECONDARY_EPT_VE, "Virtualisation Exceptions");
    P(proc2 & SECONDARY_ENABLE_PML, "Page Modification Logging");
    P(proc2 & SECONDARY_TSC_SCALING, "TSC Scaling");
#undef P
    if ( !printed )
        printk(" - none\n");
}

const struct hvm_function_table *start_vmx(void)
{
    int rc;

    if ( !vmx_present() )
        return NULL;

    if ( vmx_feature_control() )
    {
        printk(XENLOG_WARNING "VMX: VMX disabled by BIOS "
               "(IA32_FEATURE_CONTROL locked without VMXON outside SMX): "
               "enable VT-x in the firmware setup to run HVM guests\n");
        return NULL;
    }

    vmx_read_caps();
    if ( VMX_BASIC_REGION_SIZE(rdmsr(MSR_IA32_VMX_BASIC)) > PAGE_SIZE )
    {
        printk(XENLOG_ERR "VMX: VMXON region larger than a page\n");
        return NULL;
    }

    rc = vmx_cpu_up();
    if ( rc )
    {
        printk(XENLOG_ERR "VMX: failed to enter VMX operation (%d)\n", rc);
        return NULL;
    }

    vmx_function_table.nr_asids = vmx_caps.vpid ? VMX_NR_VPIDS : 0;
    hvm_asid_init(vmx_function_table.nr_asids);

    vmx_print_features();

    vmx_function_table.hap_supported = vmx_caps.ept;
    vmx_function_table.hap_capabilities =
        (vmx_caps.ept_vpid_cap & EPT_CAP_2MB_PAGES ?
         HVM_HAP_SUPERPAGE_2MB : 0) |
        (vmx_caps.ept_vpid_cap & EPT_CAP_1GB_PAGES ?
         HVM_HAP_SUPERPAGE_1GB : 0);

    return &vmx_function_table;
}
