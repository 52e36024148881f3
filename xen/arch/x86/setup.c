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

    panic("Nothing more to do: dom0 construction is not implemented yet");
}
