# SPDX-License-Identifier: GPL-2.0-or-later
"""hvm_selftest: a tiny 32-bit guest under SVM + NPT before dom0 exists.

The guest (xen/arch/x86/hvm/selftest_guest.S) checks Xen's CPUID
signature, installs the hypercall page through the MSR leaf 0x40000002
names, and prints a line with console_io through that page; the
hypervisor checks that it halted with EAX = 0x600d.  Exits: CPUID four
times, RDMSR, WRMSR, three IN/OUT, VMMCALL, HLT, each with its length
decoded (TCG has no NRIPS; IOIO gives the next RIP).
"""

import bootcheck as bc
from bootcheck import keel

GUEST_LINE = r"^\(d32751\) HVM selftest guest: hello through the hypercall page$"


def _boot(append, **kw):
    return keel.boot_qemu(kernel=keel.xen_image("xen"), append=append, **kw)


def test_hvm_selftest_passes():
    r = _boot("dom0_mem=512M hvm_selftest")
    bc.xen_line(r, GUEST_LINE)
    m = bc.xen_line(r, r"^HVM selftest: passed \((\d+) exits\)$")
    # At least the eleven intercepted instructions; more only from host
    # interrupts arriving while the guest ran.
    if int(m.group(1)) < 11:
        bc.fail(r, "fewer exits than intercepted instructions")
    bc.cpus(r, 2)


def test_hvm_selftest_smap_off():
    # Real Xen behaved differently with SMAP exposed under TCG
    # (test-rig.md): run the guest on both CPU flavours.
    r = _boot("dom0_mem=512M hvm_selftest", cpu="max,-smap")
    bc.xen_line(r, r"^HVM selftest: passed \(\d+ exits\)$")


def test_hvm_selftest_without_npt():
    # qemu64 has SVM without nested paging: no guest can run yet.
    r = _boot("dom0_mem=512M hvm_selftest", cpu="qemu64,+svm")
    bc.xen_line(r, r"^HVM selftest: skipped, no nested paging$")


def test_hvm_selftest_off_by_default():
    r = _boot("dom0_mem=512M")
    if r.grep(r"HVM selftest|\(d32751\)"):
        bc.fail(r, "the selftest ran without hvm_selftest")
