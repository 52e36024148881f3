/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * __start_xen(): the boot sequence of the hypervisor, in order.  Each step
 * is one call into the subsystem that owns it.
 */
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/console.h>
#include <xen/bootinfo.h>
#include <xen/version.h>
#include <xen/shutdown.h>
#include <asm/processor.h>
#include <asm/current.h>
#include <asm/setup.h>
#include <xen/acpi.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <asm/apic.h>
#include <asm/io_apic.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <xen/mm.h>
#include <asm/e820.h>
#include <asm/dom0.h>
#include <asm/hvm/hvm.h>
#include <asm/bootmod.h>
#include <asm/kernel_image.h>
#include <asm/dom0_build.h>
#include <asm/hvm/domain.h>
#include <xen/sched.h>
#include <xen/event.h>
#include <xen/grant_table.h>
#include <xen/guest_time.h>

static void print_banner(void)
{
    printk(" _  __          _ \n");
    printk("| |/ /___  ___ | |\n");
    printk("| ' </ -_)/ -_)| |\n");
    printk("|_|\\_\\___|\\___||_|   " KEEL_VERSION "\n\n");
    printk("Keel version " KEEL_VERSION " (" KEEL_COMPILE_BY "@"
           KEEL_COMPILE_HOST ") (" KEEL_COMPILER ") debug=%c " KEEL_COMPILE_DATE
           "\n",
#ifdef CONFIG_DEBUG
           'y'
#else
           'n'
#endif
          );
    printk("Xen interface version %d.%d\n", XEN_INTERFACE_MAJOR,
           XEN_INTERFACE_MINOR);
}

void __noreturn __start_xen(u32 magic, u32 info)
{
    const char *cmdline;
    int rc;

    get_cpu_info()->processor_id = 0;

    rc = multiboot_parse(magic, info);
    cmdline = cmdline_cook(boot_info.cmdline, boot_info.loader);
    cmdline_parse(cmdline);
    console_init_preirq();

    print_banner();
    if ( rc )
        panic("Not booted by a Multiboot loader (magic %#x)", magic);
    printk("Bootloader: %s (multiboot%s%s)\n", boot_info.loader,
           boot_info.mb_version == 2 ? "2" : "",
           boot_info.efi ? ", EFI" : "");
    printk("Command line: %s\n", cmdline);

    /*
     * The boot sequence.  Each step is owned by one subsystem; the marker
     * comments name the owner and are kept so the order stays readable.
     */
    /* [traps] BSP GDT/TSS/IDT, so that faults from here on are reported. */
    trap_init();
    /* [mm] e820 from the loader's map, boot allocator, direct map, heap. */
    e820_init();
    init_boot_allocator();
    init_directmap();
    end_boot_allocator();
    /* [cpu] ACPI tables, LAPIC, IOAPICs, TSC calibration, timers. */
    acpi_boot_init();
    init_bsp_apic();
    io_apic_init();
    time_init();
    calibrate_apic_timer();
    timer_init();
    local_irq_enable();
    /* [hvm] SVM or VMX on the BSP. */
    hvm_enable();
    hvm_selftest();     /* debug builds: hvm_selftest on the command line */
    /* [cpu] SMP bring-up: every AP runs cpu_init_tables + hvm_cpu_up. */
    smp_boot_cpus();
    /* [modules] identify the dom0 kernel and initrd modules. */
    bootmod_identify();
    kernel_image_boot_probe();  /* module 0 as an ELF image, PVH entry */
    /* [mm] dom0 memory and vCPU plan from dom0_mem= / dom0_max_vcpus=. */
    dom0_plan_init(num_online_cpus());
    /* [memop] memory_op and hvm_op hypercalls. */
    memory_op_init();
    hvm_op_init();
    /* [vcpuop] wallclock from the RTC; vcpu_op, physdev_op, platform_op. */
    guest_time_init();

    debug_crash();      /* [traps] debug builds: debug_crash= */

    /*
     * [dom] dom0 (always PVH) from the first module; without one, or
     * without nested paging (shadow paging is not there yet), the
     * hypervisor says why and idles: its debug keys still work.
     */
    if ( !boot_info.nr_modules )
        printk("Boot complete: no dom0 kernel given (the first 'module' "
               "line in menu.lst), idling\n");
    else if ( !hvm_hap_enabled() )
    {
        printk(XENLOG_ERR "Dom0: needs AMD-V with NPT or VT-x with EPT%s; "
               "shadow paging is not available yet\n",
               hvm_enabled ? " (nested paging is off or missing)" : "");
        printk("Boot complete: no dom0, idling\n");
    }
    else
    {
        printk("Boot complete: starting dom0\n");
        scheduler_init();
        event_channel_init();
        grant_table_op_init();
        dom0_construct_pvh();
        printk("*** Serial input to DOM0 (type 'CTRL-a' three times to "
               "switch input)\n");
        sched_start();
        schedule_and_run();
    }

    /* [cpu] idle loop (softirqs, timers, hlt) instead of halt_forever. */
    startup_cpu_idle_loop();
}
