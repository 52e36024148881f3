# SPDX-License-Identifier: GPL-2.0-or-later
"""dom0's own drivers on QEMU's devices, their interrupts going through
the hypervisor: each physical IOAPIC pin dom0 unmasks in its vIOAPIC is
programmed to a hypervisor vector whose handler raises dom0's virtual
line (level pins masked until dom0's EOI).

pc:  ata_piix (ISA IRQ 14/15, edge) + e1000 (PCI INTx, level);
q35: ahci (PCI INTx, level: dom0's FADT says "MSI not supported") +
     e1000 (PCI INTx, level).

dom0 mounts an ext2 image, writes a file, syncs, reads it back after
dropping its caches; the test then reads the file from the image on the
host (debugfs, e2fsprogs).  dom0 brings eth0 up, gets a DHCP lease from
QEMU's user network and pings its gateway.  Interrupt counts in dom0's
/proc/interrupts and the hypervisor's one line per routed pin show the
path; the hypervisor's log must stay free of stray vectors and storms."""

import hashlib
import os
import re
import subprocess

import bootcheck as bc
from bootcheck import keel

APPEND = "dom0_mem=512M console=com1 dom0=pvh"
READY = r"\(XEN\) \(d0\) keel-initrd: ready$"
MODULES = ("ata_piix", "ahci", "sd_mod", "crc32c_generic", "ext4", "e1000")

PATTERN = (b"keel-disk-pattern\n" * (1048576 // 18 + 1))[:1048576]
MARKER = b"keel-disk-ok written by dom0\n"

# Messages that mean an interrupt went astray, was lost or stormed: the
# hypervisor's (stray vectors, pins it could not route) and dom0's
# (Linux's unhandled-IRQ detector, libata's and e1000's timeouts).
ASTRAY = (r"^\(XEN\) (?!\(d0\)).*(No irq handler for vector|[Ss]purious|"
          r"[Uu]nexpected|cannot route GSI|cannot be routed|"
          r"reached no vCPU)|"
          r"nobody cared|Disabling IRQ|spurious 8259A|"
          r"ata\d+(\.\d+)?: (exception|lost interrupt|.*timeout)|"
          r"Tx Unit Hang")

# dom0's /proc/interrupts line as the scenarios echo it:
#  "disk: irq  14:   0   41   IO-APIC  14-edge   ata_piix"
IRQ_LINE = (r"^\(d0\) (?:disk|net): irq +(\d+): +([\d ]+?) +IO-APIC +"
            r"(\d+)-(edge|fasteoi) +(\S+)")


def _initrd(name):
    """The dom0 test initramfs plus the storage and NIC drivers (one per
    test: tests may run in parallel)."""
    out = keel.out_path(name)
    cmd = ["python3", os.path.join(keel.ROOT, "tests", "rig", "mkinitrd.py"),
           "--dom0", "-o", out]
    for m in MODULES:
        cmd += ["--module", m]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return out


def _disk(name):
    """A fresh 16 MiB ext2 image (no partition table: dom0 mounts sda)."""
    img = keel.out_path(name)
    if os.path.exists(img):
        os.unlink(img)
    with open(img, "wb") as f:
        f.truncate(16 << 20)
    subprocess.run(["mke2fs", "-q", "-t", "ext2", "-F", img], check=True)
    return img


def _host_read(img, path):
    """A file's bytes from the ext2 image, read on the host."""
    out = img + ".read"
    if os.path.exists(out):
        os.unlink(out)
    subprocess.run(["debugfs", "-R", "dump %s %s" % (path, out), img],
                   check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    if not os.path.exists(out):
        return None
    with open(out, "rb") as f:
        data = f.read()
    os.unlink(out)
    return data


def _irqs(r, driver_rx):
    """{gsi: (total count, trigger)} of dom0's IO-APIC lines whose action
    matches driver_rx."""
    found = {}
    rx = re.compile(IRQ_LINE)
    for m in (rx.search(l) for l in r.xen_lines):
        if not m or not re.search(driver_rx, m.group(5)):
            continue
        gsi = int(m.group(1))
        if int(m.group(3)) != gsi:
            bc.fail(r, "IRQ %d shown as IO-APIC pin %s" % (gsi, m.group(3)))
        found[gsi] = (sum(int(c) for c in m.group(2).split()), m.group(4))
    return found


def _check_gsi_routed(r, gsi, trigger):
    """The hypervisor announced the pin once, with dom0's trigger."""
    want = "level" if trigger == "fasteoi" else "edge"
    lines = [l for l in r.xen_lines
             if re.match(r"^d0: GSI %d -> " % gsi, l)]
    if len(lines) != 1:
        bc.fail(r, "GSI %d announced %d times" % (gsi, len(lines)))
    m = re.match(r"^d0: GSI %d -> vector (0x[0-9a-f]+) \((edge|level), "
                 r"(high|low)\)$" % gsi, lines[0])
    if not m or m.group(2) != want:
        bc.fail(r, "GSI %d: %r, dom0 uses it %s" % (gsi, lines[0], want))
    if int(m.group(1), 16) != 0x60 + gsi:
        bc.fail(r, "GSI %d on host vector %s" % (gsi, m.group(1)))


def _check(r, img, disk_rx, disk_trigger):
    # The disk: written, read back through the driver, and on the image.
    bc.xen_line(r, r"^\(d0\) disk: /dev/sda 32768 sectors$")
    bc.xen_line(r, r"^\(d0\) disk: mounted$")
    got = bc.xen_line(r, r"^\(d0\) disk: readback ([0-9a-f]{32})$")
    if got.group(1) != hashlib.md5(PATTERN).hexdigest():
        bc.fail(r, "dom0 read back md5 %s" % got.group(1))
    bc.xen_line(r, r"^\(d0\) disk: unmounted$")
    bc.xen_line(r, r"^\(d0\) keel-initrd: scenario disk end rc=0$")
    if _host_read(img, "/marker") != MARKER:
        bc.fail(r, "the image holds no /marker written by dom0")
    if _host_read(img, "/pattern") != PATTERN:
        bc.fail(r, "/pattern on the image differs from what dom0 wrote")

    # The NIC: link (an interrupt), a lease, the gateway answers.
    bc.xen_line(r, r"^\(d0\) net: eth0 link up$")
    bc.xen_line(r, r"^\(d0\) net: lease 10\.0\.2\.15 router 10\.0\.2\.2$")
    bc.xen_line(r, r"^\(d0\) net: ping 10\.0\.2\.2 3 replies$")
    bc.xen_line(r, r"^\(d0\) keel-initrd: scenario net end rc=0$")

    # The interrupts came through the vIOAPIC, a bounded number of them
    # (a level pin left unmasked in service storms into the thousands).
    for rx, trigger in ((disk_rx, disk_trigger), (r"^eth0$", "fasteoi")):
        irqs = _irqs(r, rx)
        if not irqs:
            bc.fail(r, "dom0 shows no IO-APIC line for /%s/" % rx)
        for gsi, (count, trig) in irqs.items():
            if trig != trigger:
                bc.fail(r, "IRQ %d is %s, expected %s" % (gsi, trig, trigger))
            if not 0 < count < 20000:
                bc.fail(r, "IRQ %d took %d interrupts" % (gsi, count))
            _check_gsi_routed(r, gsi, trig)

    astray = r.grep(ASTRAY)
    if astray:
        bc.fail(r, "stray interrupts: %r" % astray[0].string)
    if r.grep(r"Domain 0 \(vcpu#\d\) crashed|Panic on CPU"):
        bc.fail(r, "dom0 or the hypervisor crashed")


def _boot(machine, img, grub=None):
    """Boot with QEMU -kernel, or from a GRUB ISO of kind grub."""
    rd = _initrd("dom0_devices_%s.initrd.gz" % machine)
    mods = keel.dom0_modules("console=hvc0 keel.test=disk,net",
                             initrd_path=rd)
    devs = ["-drive", "file=%s,format=raw,if=ide" % img,
            "-netdev", "user,id=n0", "-device", "e1000,netdev=n0"]
    if grub:
        iso = keel.make_grub_iso(
            keel.out_path("dom0_devices_%s.iso" % machine),
            [keel.Entry(APPEND, mods)], grub)
        return keel.boot_qemu(iso=iso, machine=machine, extra=devs,
                              until=READY, timeout=540)
    return keel.boot_qemu(
        kernel=keel.xen_image("xen"), append=APPEND, machine=machine,
        modules=mods, extra=devs, until=READY, timeout=540)


def test_dom0_devices_pc():
    # PIIX: the IDE disk on ISA IRQ 14 (edge), e1000 on a PCI link (level).
    img = _disk("dom0_devices_pc.img")
    r = _boot("pc", img)
    _check(r, img, r"^ata_piix$", "edge")


test_dom0_devices_pc.timeout = 600


def test_dom0_devices_q35():
    # ICH9: the disk behind AHCI, a PCI INTx (level) like the e1000.
    img = _disk("dom0_devices_q35.img")
    r = _boot("q35", img)
    _check(r, img, r"^ahci", "fasteoi")


test_dom0_devices_q35.timeout = 600


def test_dom0_devices_grub_q35():
    # The same from an Oracle VM style menu.lst (GRUB 2's
    # legacy_configfile): the loader leaves the machine in another state
    # than QEMU's -kernel; the CD-ROM it boots from is one more AHCI port.
    img = _disk("dom0_devices_grub_q35.img")
    r = _boot("q35", img, grub="legacy_configfile")
    _check(r, img, r"^ahci", "fasteoi")


test_dom0_devices_grub_q35.timeout = 600
