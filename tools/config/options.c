/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The options of "xm create": the command-line switches and the
 * configuration variables of Xen 3.x/4.1 create.py with their defaults,
 * plus the few variables the Oracle VM manuals use on top of those
 * (vif_other_config, disk_other_config, cdrom, ne2000).
 */
#include <string.h>

#include "internal.h"

#define SW(n, d, h)  { n, KCFG_T_SWITCH, d, h }
#define I(n, d, h)   { n, KCFG_T_INT, d, h }
#define S(n, d, h)   { n, KCFG_T_STR, d, h }
#define L(n, h)      { n, KCFG_T_LIST, "[]", h }
#define A(n, d, h)   { n, KCFG_T_ANY, d, h }

static const struct kcfg_option options[] = {
    /* Switches of xm create (not config variables). */
    SW("help", "0", "Print the help of xm create."),
    SW("help_config", "0", "Print the help of the config variables."),
    SW("quiet", "0", "Quiet."),
    SW("path", "'.:/etc/xen'", "Search path for configuration scripts."),
    SW("defconfig", "'xmdefconfig'", "Use the given Python config script."),
    SW("config", "None", "Domain configuration to use (SXP)."),
    SW("dryrun", "0", "Print the configuration as SXP, create nothing."),
    SW("xmldryrun", "0", "Print the configuration as XML, create nothing."),
    SW("skipdtd", "0", "Skip DTD checking of the XML."),
    SW("paused", "0", "Leave the domain paused after it is created."),
    SW("console_autoconnect", "0", "Connect to the console after create."),
    SW("vncviewer-autopass", "0", "Pass the VNC password to vncviewer."),

    /* Identity and boot. */
    S("vncpasswd", "None", "Password for the VNC console of an HVM guest."),
    I("vncviewer", "None", "Spawn a vncviewer listening for the guest."),
    I("vncconsole", "None", "Spawn a vncviewer for the guest's console."),
    S("name", "None", "Domain name; must be unique."),
    S("bootloader", "None", "Path to the boot loader (e.g. pygrub)."),
    S("bootargs", "None", "Arguments to pass to the boot loader."),
    S("bootentry", "None", "Deprecated: the entry to boot."),
    S("kernel", "None", "Path to the kernel image."),
    S("ramdisk", "''", "Path to the ramdisk (initrd)."),
    S("loader", "''", "Path to the HVM firmware."),
    S("features", "''", "Guest kernel features (PV)."),
    S("builder", "'linux'", "Domain builder: linux (PV) or hvm."),

    /* Memory and CPU. */
    I("memory", "128", "Domain memory in MB."),
    I("maxmem", "None", "Maximum domain memory in MB."),
    I("shadow_memory", "0", "Domain shadow memory in MB."),
    I("memory_sharing", "0", "Enable memory sharing."),
    I("cpu", "None", "CPU to run VCPU0 on."),
    A("cpus", "None", "CPUs to run the domain on (\"0-3,^1\" or a list)."),
    I("maxvcpus", "None", "Maximum number of VCPUs (hot-plug)."),

    /* Platform. */
    I("rtc_timeoffset", "0", "Offset of the HVM real-time clock in s."),
    I("pae", "1", "Disable or enable PAE of an HVM guest."),
    I("hpet", "0", "Enable the virtual HPET of an HVM guest."),
    I("timer_mode", "1", "Timer mode of an HVM guest (0-3)."),
    I("tsc_mode", "0", "TSC mode (0: default, 1: always emulate, ...)."),
    I("nomigrate", "0", "Refuse to migrate or save the domain."),
    I("vpt_align", "1", "Align virtual platform timers."),
    I("viridian", "0", "Expose Viridian (Hyper-V) interfaces."),
    I("acpi", "1", "Disable or enable ACPI of an HVM guest."),
    I("apic", "1", "Disable or enable the APIC of an HVM guest."),
    I("vcpus", "1", "Number of virtual CPUs."),
    I("vcpu_avail", "None", "Bitmap of the VCPUs online at boot."),
    I("vhpt", "0", "Log2 of the VHPT size (ia64)."),
    I("cpu_cap", "None", "CPU cap in percent of one physical CPU."),
    I("cpu_weight", "None", "Credit scheduler weight."),

    /* Lifecycle. */
    S("restart", "None", "Deprecated: use on_poweroff/on_reboot/on_crash."),
    S("on_poweroff", "None", "Action on poweroff (default destroy)."),
    S("on_reboot", "None", "Action on reboot (default restart)."),
    S("on_crash", "None", "Action on crash (default restart)."),

    /* Devices. */
    I("blkif", "0", "Make the domain a block device backend."),
    I("netif", "0", "Make the domain a network interface backend."),
    I("tpmif", "0", "Make the domain a TPM interface backend."),
    L("disk", "Disks: 'proto:target,vdev[:cdrom],mode[,backend]'."),
    L("pci", "PCI devices to pass through: 'BUS:DEV.FUNC'."),
    L("vscsi", "SCSI devices to pass through: 'PDEV,VDEV[,DOM]'."),
    L("vusb", "Virtual USB host controllers."),
    L("ioports", "I/O port ranges to pass through: 'FROM[-TO]' (hex)."),
    L("irq", "Interrupts to pass through."),
    L("vfb", "Virtual frame buffers: 'type=vnc,vncunused=1,...'."),
    L("vif", "Network interfaces: 'mac=...,bridge=...,...'."),
    L("vif2", "Network channel 2 interfaces."),
    L("vtpm", "Virtual TPM: 'instance=N,backend=DOM'."),
    L("access_control", "Security label: 'policy=...,label=...'."),
    I("nics", "-1", "Deprecated: number of network interfaces."),

    /* Kernel command line and network. */
    S("root", "''", "Root device for the kernel command line."),
    S("extra", "''", "Extra arguments for the kernel command line."),
    S("ip", "''", "IP address of the guest (kernel ip= argument)."),
    S("gateway", "''", "IP gateway (kernel ip= argument)."),
    S("netmask", "''", "IP netmask (kernel ip= argument)."),
    S("hostname", "''", "Host name (kernel ip= argument)."),
    S("interface", "'eth0'", "Interface name (kernel ip= argument)."),
    S("dhcp", "'off'", "Use DHCP: 'dhcp' or 'off'."),
    S("nfs_server", "None", "NFS server for an NFS root."),
    S("nfs_root", "None", "Path of the NFS root on the server."),

    /* HVM device model. */
    S("device_model", "None", "Path to the device model (qemu-dm)."),
    S("fda", "''", "Path to floppy A."),
    S("fdb", "''", "Path to floppy B."),
    S("parallel", "''", "Parallel port of the guest ('pty', ...)."),
    S("serial", "''", "Serial port of the guest ('pty', ...)."),
    I("monitor", "0", "Enable the device model monitor."),
    S("monitor_path", "''", "Path of the device model monitor."),
    I("localtime", "0", "RTC set to local time."),
    S("keymap", "''", "Keyboard layout of the VNC/SDL console."),
    I("usb", "0", "Emulate a USB controller."),
    S("usbdevice", "''", "USB device to emulate ('mouse', 'tablet')."),
    S("description", "''", "Description of the domain."),
    S("guest_os_type", "'default'", "Guest OS type (HVM)."),
    I("stdvga", "0", "Use a standard VGA instead of Cirrus Logic."),
    I("isa", "0", "Simulate an ISA-only system."),
    S("boot", "'c'", "Boot order: a (floppy), c (disk), d (CD-ROM), n."),
    I("nographic", "0", "Device model without graphics."),
    S("soundhw", "''", "Sound hardware to emulate."),

    /* Display. */
    I("vnc", "None", "Use VNC for the HVM console."),
    I("vncdisplay", "None", "VNC display number (port 5900+N)."),
    S("vnclisten", "None", "Address the VNC server listens on."),
    I("vncunused", "1", "Pick the first unused VNC port from 5900."),
    I("videoram", "4", "Video RAM in MB."),
    I("sdl", "None", "Use SDL for the HVM console."),
    I("gfx_passthru", "None", "Pass the graphics card through."),
    I("opengl", "None", "Use OpenGL with SDL."),
    S("display", "None", "X11 display for SDL."),
    S("xauthority", "None", "X11 authority file for SDL."),

    /* Miscellaneous. */
    S("uuid", "None", "xenstore UUID of the domain."),
    S("on_xend_start", "'ignore'", "Action when xend starts: ignore, start."),
    S("on_xend_stop", "'ignore'", "Action when xend stops: ignore, "
      "shutdown, suspend."),
    I("target", "0", "Domain id a stub domain serves."),
    I("hap", "1", "Use hardware-assisted paging."),
    I("s3_integrity", "1", "S3 memory integrity under tboot."),
    I("oos", "1", "Out-of-sync shadow pages."),
    L("cpuid", "CPUID bits of an HVM guest."),
    L("cpuid_check", "CPUID bits checked for an HVM guest."),
    I("machine_address_size", "None", "Bits of machine addresses."),
    I("suppress_spurious_page_faults", "None",
      "Suppress spurious page faults."),
    S("pool", "None", "CPU pool of the domain."),
    I("pci_msitranslate", "1", "Translate MSI to INTx for passthrough."),
    I("pci_power_mgmt", "0", "PCI power management of passthrough."),
    I("xen_platform_pci", "1", "Xen platform PCI device of HVM guests."),
    I("superpages", "0", "Build the domain with superpages."),

    /* Used by the Oracle VM manuals on top of create.py's options. */
    L("vif_other_config", "Inbound QoS: [[mac, 'tbf', params], ...]."),
    L("disk_other_config", "Disk I/O priority: [[vdev, 'ionice', "
      "params], ...]."),
    S("cdrom", "None", "CD-ROM image of an HVM guest."),
    I("ne2000", "0", "Emulate an NE2000 NIC (HVM)."),
};

const struct kcfg_option *kcfg_option_table(size_t *count)
{
    if ( count )
        *count = sizeof(options) / sizeof(options[0]);
    return options;
}

const struct kcfg_option *kcfg_option_lookup(const char *name)
{
    size_t i;

    for ( i = 0; i < sizeof(options) / sizeof(options[0]); i++ )
        if ( !strcmp(options[i].name, name) )
            return &options[i];
    return NULL;
}
