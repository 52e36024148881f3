/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Vendor-neutral HVM enablement: pick the backend, enable it on every
 * CPU, and report what the hardware offers in Xen's words so that boot
 * logs read the same as Xen's.
 */
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/console.h>
#include <xen/mm.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/hvm/hvm.h>
#include <asm/hvm/svm.h>
#include <asm/hvm/vmx.h>

struct hvm_function_table hvm_funcs;
bool hvm_enabled;

bool opt_hap_enabled = true;
boolean_param("hap", opt_hap_enabled);

static unsigned int cpus_up;

/*
 * One page per CPU for the backend's per-CPU hardware structure (SVM
 * host save area, VMXON region).  Kept for the life of the CPU: the
 * hardware may write to it at any VMRUN / VM exit.
 */
paddr_t hvm_alloc_cpu_page(unsigned int cpu, void **va)
{
    void *p = alloc_xenheap_page();

    if ( !p )
        return 0;
    memset(p, 0, PAGE_SIZE);
    if ( va )
        *va = p;
    return virt_to_maddr(p);
}

void hvm_asid_init(unsigned int nr_asids)
{
    static bool printed;

    if ( printed )
        return;
    printed = true;
    printk("HVM: ASIDs %sabled.\n", nr_asids > 1 ? "en" : "dis");
}

static void report_hap(void)
{
    if ( !hvm_funcs.hap_supported )
    {
        printk("HVM: Hardware Assisted Paging (HAP) not detected\n");
        return;
    }

    if ( !opt_hap_enabled )
    {
        /* Keep the table honest: generic code only asks hap_supported. */
        hvm_funcs.hap_supported = false;
        printk("HVM: Hardware Assisted Paging (HAP) disabled by the "
               "command line (hap=0): guests will use shadow paging\n");
        return;
    }

    printk("HVM: Hardware Assisted Paging (HAP) detected\n");
    printk("HVM: HAP page sizes: 4kB%s%s\n",
           hvm_funcs.hap_capabilities & HVM_HAP_SUPERPAGE_2MB ? ", 2MB" : "",
           hvm_funcs.hap_capabilities & HVM_HAP_SUPERPAGE_1GB ? ", 1GB" : "");
}

void hvm_enable(void)
{
    const struct hvm_function_table *fns;

    /*
     * Each backend checks its own CPUID bit and firmware locks and says
     * why it declines; at most one of them can succeed on a real CPU.
     */
    fns = start_svm();
    if ( !fns )
        fns = start_vmx();

    if ( !fns )
    {
        printk("HVM: no usable hardware virtualization: HVM disabled\n");
        return;
    }

    hvm_funcs = *fns;
    hvm_enabled = true;
    cpus_up = 1;

    printk("HVM: %s enabled\n", hvm_funcs.name);
    report_hap();
}

void hvm_cpu_up(void)
{
    int rc;

    if ( !hvm_enabled )
        return;

    rc = hvm_funcs.cpu_up();
    if ( rc )
    {
        /*
         * Firmware enabled the extension on the BSP but not here (or the
         * CPUs differ): guests must not be scheduled on this CPU.
         */
        printk(XENLOG_ERR "CPU%u: %s could not be enabled (%d)\n",
               smp_processor_id(), hvm_funcs.name, rc);
        return;
    }

    __atomic_fetch_add(&cpus_up, 1, __ATOMIC_SEQ_CST);
    printk(XENLOG_INFO "HVM: CPU%u: %s enabled\n", smp_processor_id(),
           hvm_funcs.name);
}

void hvm_cpu_down(void)
{
    if ( hvm_enabled && hvm_funcs.cpu_down )
        hvm_funcs.cpu_down();
}

unsigned int hvm_nr_cpus_up(void)
{
    return __atomic_load_n(&cpus_up, __ATOMIC_SEQ_CST);
}
