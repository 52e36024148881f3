# SPDX-License-Identifier: GPL-2.0-or-later
"""The same hypervisor image booted on every path an administrator uses:
QEMU -kernel (multiboot1), GRUB2 multiboot and multiboot2, GRUB2 reading a
menu.lst, real GRUB 0.97, and GRUB-EFI under OVMF.  Each boot has -smp 2
and Debian's vmlinuz + the busybox initramfs as modules, and waits for
"Boot complete"."""

import bootcheck as bc
from bootcheck import keel


def _iso(kind, entry):
    return keel.make_grub_iso(keel.out_path(kind + ".iso"), [entry], kind)


def test_boot_qemu_kernel():
    # QEMU -kernel puts the image path in front of -append, as legacy
    # loaders do; modules come from -initrd with their own path first.
    r = keel.boot_qemu(kernel=keel.xen_image("xen"), append=bc.ADMIN_ARGS,
                       modules=keel.dom0_modules(bc.DOM0_ARGS))
    bc.full_boot(r, bc.ADMIN_ARGS)


def test_boot_grub2_multiboot():
    e = keel.Entry(bc.ADMIN_ARGS, keel.dom0_modules(bc.DOM0_ARGS))
    r = keel.boot_qemu(iso=_iso("multiboot", e))
    bc.full_boot(r, bc.ADMIN_ARGS)
    bc.xen_line(r, r"^Bootloader: GRUB 2.*\(multiboot\)")


def test_boot_grub2_multiboot2():
    e = keel.Entry(bc.ADMIN_ARGS, keel.dom0_modules(bc.DOM0_ARGS))
    r = keel.boot_qemu(iso=_iso("multiboot2", e))
    bc.full_boot(r, bc.ADMIN_ARGS)
    bc.xen_line(r, r"^Bootloader: GRUB 2.*\(multiboot2\)")


def test_boot_grub2_legacy_configfile():
    # GRUB2's legacy_configfile keeps the image path as the first word
    # even though it calls itself GRUB 2: the hypervisor must strip it.
    # Plain "module" lines, as admins write them: GRUB unzips the initrd.
    mods = keel.dom0_modules(bc.DOM0_ARGS, initrd_nounzip=False)
    e = keel.Entry(bc.ADMIN_ARGS, mods)
    r = keel.boot_qemu(iso=_iso("legacy_configfile", e))
    bc.full_boot(r, bc.ADMIN_ARGS)


def test_boot_grub_legacy_097():
    # Real GRUB 0.97 and a menu.lst laid out as on an Oracle VM server:
    # kernel /xen.gz at the top of the file system.
    mods = keel.dom0_modules(bc.DOM0_ARGS, dest_dir="/",
                             initrd_nounzip=False)
    e = keel.Entry(bc.ADMIN_ARGS, mods, kernel_dest="/xen.gz",
                   title="Oracle VM Server")
    r = keel.boot_qemu(iso=_iso("grub-legacy", e))
    bc.full_boot(r, bc.ADMIN_ARGS)
    bc.xen_line(r, r"^Bootloader: GNU GRUB 0\.97")


def test_boot_grub_efi():
    # Under OVMF the firmware keeps some memory for itself (runtime
    # services, ACPI NVS): a little more slack than on BIOS (2041MB of
    # 2048 seen with QEMU 7.2's OVMF).
    e = keel.Entry(bc.ADMIN_ARGS, keel.dom0_modules(bc.DOM0_ARGS))
    r = keel.boot_qemu(iso=_iso("efi", e), efi=True, timeout=180)
    bc.full_boot(r, bc.ADMIN_ARGS, slack_mb=16)
    bc.xen_line(r, r"^Bootloader: GRUB 2.*\(multiboot2, EFI\)")


test_boot_grub_efi.timeout = 300
