# SPDX-License-Identifier: GPL-2.0-or-later
"""A fault in the hypervisor: the report (registers, a call trace with
symbol names, the panic banner), then a halt with noreboot or a reboot
without it.  debug_crash= (debug builds) raises the fault at the end of
boot."""

import re

import bootcheck as bc
from bootcheck import keel

HALTED = r"^\(XEN\) Manual reset required \('noreboot' specified\)$"


def test_fault_ud2_report_and_noreboot():
    r = keel.boot_qemu(append="console=com1 debug_crash=ud2 noreboot",
                       until=HALTED, fail=None, timeout=60)
    bc.xen_line(r, r"^RIP: +[0-9a-f]{4}:\[<[0-9a-f]{16}>\] "
                   r"debug_crash_ud2\+0x0/0x[0-9a-f]+$")
    bc.xen_line(r, r"^Xen call trace:$")
    # The trace names the functions down to the entry code.
    for fn in ("debug_crash_ud2", "__start_xen"):
        bc.xen_line(r, r"^ +\[<[0-9a-f]{16}>\] . %s\+0x[0-9a-f]+/0x[0-9a-f]+$"
                    % re.escape(fn))
    bc.xen_line(r, r"^Panic on CPU 0:$")
    bc.xen_line(r, r"^FATAL TRAP: vector = 6 \(invalid opcode\)$")
    if any("Boot complete" in l for l in r.xen_lines):
        bc.fail(r, "boot went on after the fault")


def test_fault_pf_reboots():
    # Without noreboot the hypervisor resets the machine; -no-reboot turns
    # the reset into QEMU exiting by itself.
    r = keel.boot_qemu(append="console=com1 debug_crash=pf", until=None,
                       fail=None, timeout=90, check=False)
    if r.timed_out:
        bc.fail(r, "the machine did not reset within %ds" % 90)
    bc.xen_line(r, r"^FATAL TRAP: vector = 14 \(page fault\)$")
    bc.xen_line(r, r"^Reboot in five seconds\.\.\.$")
    if r.status != 0:
        bc.fail(r, "QEMU exited with status %s, expected 0 (a reset)"
                % r.status)


def test_rig_panic_fails_fast():
    # The rig stops at a panic rather than waiting for its timeout, and
    # shows it.
    try:
        keel.boot_qemu(append="console=com1 debug_crash=gp noreboot",
                       timeout=100)
    except keel.BootFailure as e:
        msg = str(e)
    else:
        raise AssertionError("a panic did not fail the boot")
    assert "failed before" in msg and "Panic on CPU" in msg, msg
    assert "vector = 13" in msg, msg


def _crash(kind, until=HALTED, timeout=60):
    return keel.boot_qemu(append="console=com1 noreboot debug_crash=" + kind,
                          until=until, fail=None, timeout=timeout)


def test_fault_de_and_gp_reports():
    r = _crash("de")
    bc.xen_line(r, r"^FATAL TRAP: vector = 0 \(divide error\)")
    r = _crash("gp")
    bc.xen_line(r, r"^FATAL TRAP: vector = 13 \(general protection fault\)")


def test_fault_double_fault_on_its_own_stack():
    r = _crash("df")
    bc.xen_line(r, r"^\*\*\* DOUBLE FAULT \*\*\*$")
    bc.xen_line(r, r"^DOUBLE FAULT -- system shutdown$")


def test_fault_while_reporting_halts():
    # The report itself faults: one hand-made line, then a halt, no loop.
    r = _crash("nested", until=r"while reporting a fault")
    if len(r.grep(r"while reporting a fault")) != 1:
        bc.fail(r, "the nested-fault guard printed more than once")


def test_fault_on_second_cpu_in_interrupt():
    r = _crash("ap")
    bc.xen_line(r, r"^Panic on CPU 1:$")
    bc.xen_line(r, r"^ +\[<[0-9a-f]{16}>\] . start_secondary\+")


def test_stray_vector_is_not_fatal():
    r = keel.boot_qemu(append="console=com1 debug_crash=stray", timeout=60)
    bc.xen_line(r, r"^CPU0: No irq handler for vector [0-9a-f]{2} "
                   r"\(unexpected, ignored\)$")
    if len(r.grep(r"No irq handler for vector")) != 1:
        bc.fail(r, "an unexpected vector was reported more than once")
    bc.xen_line(r, r"^debug_crash=stray: survived vector")


def test_poweroff_and_reboot_paths():
    # ACPI S5 makes QEMU quit; a reset makes it quit too under -no-reboot.
    for kind, line in (("poweroff", r"ACPI: entering S5"),
                       ("reboot", r"debug_crash=reboot")):
        for machine in ((), ("-M", "q35")):
            r = keel.boot_qemu(append="console=com1 debug_crash=" + kind,
                               extra=machine, until=None, fail=None,
                               timeout=60, check=False)
            if r.timed_out:
                bc.fail(r, "%s %s: QEMU still running" % (kind, machine))
            bc.xen_line(r, line)
            if r.status != 0:
                bc.fail(r, "%s: QEMU exit status %s" % (kind, r.status))
