# SPDX-License-Identifier: GPL-2.0-or-later
"""CPUs, ACPI, interrupt controllers and timers as the hypervisor finds
them on QEMU's machines.  TCG's TSC follows host time, so the measured
frequencies are checked for shape, never for value."""

import re

import bootcheck as bc
from bootcheck import keel


def _boot(append, **kw):
    return keel.boot_qemu(kernel=keel.xen_image("xen"), append=append,
                          until=keel.BOOT_DONE, **kw)


def _count(r, regex):
    rx = re.compile(regex)
    return sum(1 for l in r.xen_lines if rx.search(l))


def test_cpu_q35_four_cpus():
    r = _boot("console=com1 loglvl=all", machine="q35", smp=4)
    bc.xen_line(r, r"^ACPI: RSDP [0-9A-F]{8}, 00(14|24) \(r[02] BOCHS \)$")
    bc.xen_line(r, r"^ACPI: (RSDT|XSDT) [0-9A-F]{8}, ")
    bc.xen_line(r, r"^ACPI: FACP [0-9A-F]{8}, ")
    bc.xen_line(r, r"^ACPI: DSDT [0-9A-F]{8}, ")
    bc.xen_line(r, r"^ACPI: Local APIC address 0xfee00000$")
    n = _count(r, r"^ACPI: LAPIC \(acpi_id\[0x0[0-3]\] lapic_id\[0x0[0-3]\]"
                  r" enabled\)$")
    if n != 4:
        bc.fail(r, "%d enabled LAPIC lines, expected 4" % n)
    bc.xen_line(r, r"^ACPI: IOAPIC \(id\[0x00\] address\[0xfec00000\] "
                   r"gsi_base\[0\]\)$")
    bc.xen_line(r, r"^ACPI: HPET id: 0x[0-9a-f]+ base: 0xfed00000$")
    bc.xen_line(r, r"^ACPI: S5 SLP_TYPa \d SLP_TYPb \d, PM1a_CNT 0x[0-9a-f]+")
    bc.xen_line(r, r"^IOAPIC\[0\]: apic_id \d+, version \d+, address "
                   r"0xfec00000, GSI 0-23$")
    bc.xen_line(r, r"^Detected \d+\.\d{3} MHz processor\.$")
    bc.xen_line(r, r"^APIC timer: ")
    bc.cpus(r, 4)
    bc.xen_line(r, r"^Timers: 4 CPUs ticking$")
    if _count(r, r"failed to start"):
        bc.fail(r, "an AP failed to start")


def test_cpu_nosmp():
    # "nosmp" is "smp" negated: the BSP alone, and its timer still ticks.
    r = _boot("console=com1 loglvl=all nosmp", smp=2)
    bc.cpus(r, 1)
    bc.xen_line(r, r"^Timers: 1 CPUs ticking$")
    if _count(r, r"^Booting processor"):
        bc.fail(r, "an AP was started despite nosmp")
