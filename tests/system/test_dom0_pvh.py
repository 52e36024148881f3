# SPDX-License-Identifier: GPL-2.0-or-later
"""The PVH dom0 builder (always used; one test also passes Xen's dom0=pvh,
which is accepted) places Debian's kernel, the initrd, dom0's ACPI tables
and hvm_start_info, then the scheduler takes over.  Only the builder's part is
asserted: how far the kernel gets depends on the rest of the hypervisor."""

import re

import bootcheck as bc
from bootcheck import keel

DOM0_STARTED = r"\(XEN\) \*\*\* Serial input to DOM0 \(type 'CTRL-a' three"

KERNEL_ARGS = "console=hvc0 earlyprintk=xen keel-test=1 " + keel.DOM0_TIMER_ARG


def _hex(m, i):
    return int(m.group(i), 16)


def _check_build(r):
    """The builder's lines; returns the start_info match."""
    bc.xen_line(r, r"^\*\*\* Building a PVH Dom0 \*\*\*$")

    # Every PT_LOAD segment lies in dom0 RAM per the map it is given.
    segs = [(int(m.group(1), 16), int(m.group(2), 16))
            for m in (re.search(r"^ELF: phdr: paddr=(0x[0-9a-f]+) "
                                r"memsz=(0x[0-9a-f]+)$", l)
                      for l in r.xen_lines) if m]
    if not segs:
        bc.fail(r, "no PT_LOAD segment placed")
    mem = bc.xen_line(r, r"^ELF: memory: (0x[0-9a-f]+) -> (0x[0-9a-f]+)$")
    kstart, kend = _hex(mem, 1), _hex(mem, 2)
    # Debian's x86_64 kernel is linked at 16 MiB.
    if kstart != 0x1000000 or kend <= kstart:
        bc.fail(r, "kernel at %#x-%#x" % (kstart, kend))

    ram = []
    for l in r.xen_lines:
        m = re.search(r"^ \[([0-9a-f]{16}), ([0-9a-f]{16})\] \((.*)\)$", l)
        if m and m.group(3) == "usable":
            ram.append((int(m.group(1), 16), int(m.group(2), 16) + 1))
    if not ram:
        bc.fail(r, "dom0's memory map has no RAM")

    def in_ram(s, e):
        return any(a <= s and e <= b for a, b in ram)

    for p, sz in segs:
        if not in_ram(p, p + sz):
            bc.fail(r, "segment %#x+%#x outside dom0 RAM" % (p, sz))

    # The initrd follows the kernel; start_info follows the initrd; all in
    # dom0 RAM below 4 GiB.
    ird = bc.xen_line(r, r"^Dom0 initrd: (0x[0-9a-f]+) -> (0x[0-9a-f]+) ")
    i0, i1 = _hex(ird, 1), _hex(ird, 2)
    si = bc.xen_line(r, r'^Dom0 start_info: (0x[0-9a-f]+) \((\d+) bytes\), '
                        r'cmdline "(.*)", 1 modules, RSDP (0x[0-9a-f]+)$')
    s0 = _hex(si, 1)
    if not (kend <= i0 < i1 <= s0 < 1 << 32):
        bc.fail(r, "layout kernel-%#x initrd %#x-%#x start_info %#x" %
                (kend, i0, i1, s0))
    if not in_ram(i0, i1) or not in_ram(s0, s0 + int(si.group(2))):
        bc.fail(r, "initrd or start_info outside dom0 RAM")
    # The module's string, without the image path QEMU puts first.
    if si.group(3) != KERNEL_ARGS:
        bc.fail(r, "dom0 command line %r" % si.group(3))
    if _hex(si, 4) == 0:
        bc.fail(r, "no RSDP for dom0")
    # dom0's own ACPI block (RSDP, XSDT, MADT for its vCPUs, FADT copy)
    # sits between the initrd and start_info, in an "ACPI data" range of
    # its memory map.
    acpi = bc.xen_line(r, r"^Dom0 ACPI: RSDP (0x[0-9a-f]+), (\d+) host "
                          r"tables, MADT for 2 vCPUs \((\d+) bytes\)$")
    a0 = _hex(acpi, 1)
    if a0 != _hex(si, 4) or not i1 <= a0 < s0:
        bc.fail(r, "ACPI block %#x, RSDP %#x, initrd end %#x, start_info "
                "%#x" % (a0, _hex(si, 4), i1, s0))
    acpi_ranges = []
    for l in r.xen_lines:
        m = re.search(r"^ \[([0-9a-f]{16}), ([0-9a-f]{16})\] \((.*)\)$", l)
        if m and m.group(3) == "ACPI data":
            acpi_ranges.append((int(m.group(1), 16), int(m.group(2), 16) + 1))
    if not any(a <= a0 and a0 + int(acpi.group(3)) <= b
               for a, b in acpi_ranges):
        bc.fail(r, "ACPI block %#x not in an ACPI data range %s" %
                (a0, acpi_ranges))

    # dom0_mem=512M: about 512 MB of RAM (low memory included).
    got = bc.xen_line(r, r"^Dom0 RAM: (\d+) pages \((\d+)MB\)$")
    if not 500 <= int(got.group(2)) <= 520:
        bc.fail(r, "dom0 RAM %s MB" % got.group(2))
    bc.xen_line(r, r"^Dom0 has maximum 2 VCPUs$")
    return si


def test_dom0_pvh_build():
    r = keel.boot_qemu(kernel=keel.xen_image("xen"),
                       append="dom0_mem=512M console=com1",
                       modules=keel.dom0_modules(KERNEL_ARGS),
                       until=DOM0_STARTED, timeout=240)
    _check_build(r)


test_dom0_pvh_build.timeout = 300


def test_dom0_pvh_build_grub2_rsdp():
    # GRUB 2 hands over a copy of the RSDP in hypervisor memory: the host
    # tables are still found through it, and dom0 gets its own RSDP.
    e = keel.Entry("dom0_mem=512M console=com1 dom0=pvh",
                   keel.dom0_modules(KERNEL_ARGS))
    iso = keel.make_grub_iso(keel.out_path("dom0_pvh_mb2.iso"), [e],
                             "multiboot2")
    r = keel.boot_qemu(iso=iso, until=DOM0_STARTED, timeout=240)
    _check_build(r)


test_dom0_pvh_build_grub2_rsdp.timeout = 300


DOM0_INIT = r"\(XEN\) \(d0\) keel-initrd: /init running on "


def test_dom0_pvh_reaches_init():
    # Debian's unmodified kernel runs as PVH dom0 through the whole boot,
    # to the initramfs' /init, printing through console_io; it detects
    # the Xen ABI version Keel reports.
    r = keel.boot_qemu(kernel=keel.xen_image("xen"),
                       append="dom0_mem=512M console=com1",
                       modules=keel.dom0_modules(KERNEL_ARGS),
                       until=DOM0_INIT, timeout=400)
    bc.xen_line(r, r"^\(d0\) \[ *[0-9.]+\] Hypervisor detected: Xen HVM$")
    bc.xen_line(r, r"^\(d0\) \[ *[0-9.]+\] Xen version 4\.17\.$")
    bc.xen_line(r, r"^\(d0\) \[ *[0-9.]+\] Run /init as init process$")
    # The MADT lists dom0's vCPUs with its vLAPICs' IDs: INIT/SIPI reach
    # vCPU 1, and Linux reads the FADT copy and the MADT from dom0's block.
    bc.xen_line(r, r"^\(d0\) \[ *[0-9.]+\] smp: Brought up 1 node, "
                   r"2 CPUs$")
    bc.xen_line(r, r"^\(d0\) \[ *[0-9.]+\] ACPI: APIC 0x0*([0-9A-F]+) ")
    if r.grep(r"Domain 0 \(vcpu#\d\) crashed|Panic on CPU"):
        bc.fail(r, "dom0 or the hypervisor crashed")


test_dom0_pvh_reaches_init.timeout = 500


def test_no_dom0_kernel_idles():
    # Without a module there is no dom0: the hypervisor says so and idles.
    r = keel.boot_qemu(kernel=keel.xen_image("xen"),
                       append="dom0_mem=512M console=com1", timeout=120)
    bc.xen_line(r, r"^Boot complete: no dom0 kernel given \(the first "
                   r"'module' line in menu\.lst\), idling$")


def test_dom0_needs_nested_paging():
    # qemu64 has SVM but no NPT: a clear message instead of a dom0 that
    # cannot run.
    r = keel.boot_qemu(kernel=keel.xen_image("xen"),
                       append="dom0_mem=512M console=com1",
                       modules=keel.dom0_modules(KERNEL_ARGS),
                       cpu="qemu64,+svm", timeout=180)
    bc.xen_line(r, r"^Dom0: needs AMD-V with NPT or VT-x with EPT \(nested "
                   r"paging is off or missing\); shadow paging is not "
                   r"available yet$")
    bc.xen_line(r, r"^Boot complete: no dom0, idling$")


def _newc(entries):
    """An uncompressed "newc" cpio archive of (name, data) files."""
    out = bytearray()

    def add(name, data, mode):
        n = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            len(out), mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(n), 0))
        out.extend(hdr.encode() + n)
        out.extend(b"\0" * (-len(out) % 4))
        out.extend(data)
        out.extend(b"\0" * (-len(out) % 4))

    for name, data in entries:
        add(name, data, 0o100644)
    add("TRAILER!!!", b"", 0)
    return bytes(out)


def test_dom0_big_initrd_moved_out_of_the_kernels_way():
    # A 48 MB initrd: the loader puts it right after the dom0 kernel
    # module, across the 16 MiB+ range Debian's kernel is linked at.  The
    # hypervisor moves it, dom0 still gets every byte, and the modules'
    # memory goes back to the heap once dom0 has its copies.
    import hashlib
    import random
    blob = random.Random(1).randbytes(48 << 20)
    with open(keel.initrd(), "rb") as f:
        base = f.read()
    path = keel.out_path("big-initrd.img")
    with open(path, "wb") as f:
        # Linux unpacks concatenated archives, compressed or not.
        f.write(base + b"\0" * (-len(base) % 4) +
                _newc([("big.bin", blob)]))
    mods = keel.dom0_modules(KERNEL_ARGS, initrd_path=path)
    r = keel.boot_qemu(kernel=keel.xen_image("xen"),
                       append="dom0_mem=512M console=com1",
                       modules=mods,
                       script=[(DOM0_INIT, b"md5sum /big.bin\r")],
                       until=r"^\(XEN\) \(d0\) [0-9a-f]{32}  /big\.bin$",
                       timeout=400)
    m = bc.xen_line(r, r"^Dom0: moved boot module 1 \((\d+)kB\) from "
                       r"(0x[0-9a-f]+) to (0x[0-9a-f]+), out of the kernel's "
                       r"range$")
    if int(m.group(2), 16) >= 0x1000000 + 0x4000000:
        bc.fail(r, "module 1 was not in the kernel's way")
    bc.xen_line(r, r"^Freed \d+kB of boot modules$")
    want = hashlib.md5(blob).hexdigest()
    bc.xen_line(r, r"^\(d0\) %s  /big\.bin$" % want)


test_dom0_big_initrd_moved_out_of_the_kernels_way.timeout = 500
