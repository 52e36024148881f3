/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * AMD SVM: detection and enablement on each CPU (AMD64 APM vol. 2,
 * 15.4 "Enabling SVM").  Running guests comes later; this file only
 * turns SVM on and says which optional features the CPU has.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/console.h>
#include <asm/processor.h>
#include <asm/current.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm.h>

u32 svm_feature_flags;

/* Physical address of each CPU's host save area (VM_HSAVE_PA). */
static paddr_t hsa[NR_CPUS];

static void svm_cpu_down(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_SVME);
}

static bool svm_present(void)
{
    if ( cpuid_eax(0x80000000) < 0x8000000a )
        return false;
    return cpuid_ecx(0x80000001) & CPUID_80000001_ECX_SVM;
}

/*
 * APM 15.4: VM_CR.SVMDIS set means firmware turned SVM off; EFER.SVME
 * cannot be set (#GP).  With VM_CR.LOCK also set only the firmware
 * setup (or an SVM key) can change that.
 */
static bool svm_disabled_by_firmware(void)
{
    return rdmsr(MSR_VM_CR) & VM_CR_SVMDIS;
}

static int svm_cpu_up(void)
{
    unsigned int cpu = smp_processor_id();

    if ( !svm_present() )
        return -ENODEV;
    if ( svm_disabled_by_firmware() )
        return -EACCES;

    if ( !hsa[cpu] )
    {
        hsa[cpu] = hvm_alloc_cpu_page(cpu, NULL);
        if ( !hsa[cpu] )
            return -ENOMEM;
    }

    /*
     * The host save area must be set before the first VMRUN; the CPU
     * keeps host state there across guest execution (APM 15.30.4).
     */
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, hsa[cpu]);

    return 0;
}

static struct hvm_function_table svm_function_table = {
    .name     = "SVM",
    .cpu_up   = svm_cpu_up,
    .cpu_down = svm_cpu_down,
};

static void svm_print_features(void)
{
    bool printed = false;

    printk("SVM: Supported advanced features:\n");
#define P(bit, s) \
    do { \
        if ( cpu_has_svm_feature(bit) ) \
        { \
            printk(" - %s\n", s); \
            printed = true; \
        } \
    } while ( 0 )
    P(SVM_FEATURE_NPT, "Nested Page Tables (NPT)");
    P(SVM_FEATURE_LBRV, "Last Branch Record (LBR) Virtualisation");
    P(SVM_FEATURE_NRIPS, "Next-RIP Saved on #VMEXIT");
    P(SVM_FEATURE_VMCBCLEAN, "VMCB Clean Bits");
    P(SVM_FEATURE_FLUSHBYASID, "TLB flush by ASID");
    P(SVM_FEATURE_DECODEASSISTS, "DecodeAssists");
    P(SVM_FEATURE_VLOADSAVE, "Virtual VMLOAD/VMSAVE");
    P(SVM_FEATURE_VGIF, "Virtual GIF");
    P(SVM_FEATURE_PAUSEFILTER, "Pause-Intercept Filter");
    P(SVM_FEATURE_PAUSETHRESH, "Pause-Intercept Filter Threshold");
    P(SVM_FEATURE_TSCRATEMSR, "TSC Rate MSR");
    P(SVM_FEATURE_AVIC, "Advanced Virtual Interrupt Controller (AVIC)");
#undef P
    if ( !printed )
        printk(" - none\n");
}

const struct hvm_function_table *start_svm(void)
{
    int rc;

    if ( !svm_present() )
        return NULL;

    if ( svm_disabled_by_firmware() )
    {
        printk(XENLOG_WARNING "SVM: disabled by the BIOS (VM_CR.SVMDIS%s): "
               "enable SVM/AMD-V in the firmware setup to run HVM guests\n",
               rdmsr(MSR_VM_CR) & VM_CR_LOCK ? ", locked" : "");
        return NULL;
    }

    rc = svm_cpu_up();
    if ( rc )
    {
        printk(XENLOG_ERR "SVM: failed to initialise (%d)\n", rc);
        return NULL;
    }

    svm_feature_flags = cpuid_edx(0x8000000a);

    /*
     * Decode assists fill in instruction bytes relative to nRIP; without
     * NRIPS (QEMU TCG, for one) treat them as absent, as Xen does.
     */
    if ( !cpu_has_svm_feature(SVM_FEATURE_NRIPS) )
        svm_feature_flags &= ~(1u << SVM_FEATURE_DECODEASSISTS);

    svm_function_table.nr_asids = cpuid_ebx(0x8000000a);
    hvm_asid_init(svm_function_table.nr_asids);

    svm_print_features();

    svm_function_table.hap_supported = cpu_has_svm_feature(SVM_FEATURE_NPT);
    svm_function_table.hap_capabilities = HVM_HAP_SUPERPAGE_2MB;
    if ( cpuid_edx(0x80000001) & CPUID_80000001_EDX_PAGE1GB )
        svm_function_table.hap_capabilities |= HVM_HAP_SUPERPAGE_1GB;

    return &svm_function_table;
}
