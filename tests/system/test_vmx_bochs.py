# SPDX-License-Identifier: GPL-2.0-or-later
"""Intel VT-x: the hypervisor booted from a GRUB ISO under Bochs with a
VMX CPU model (QEMU TCG has no VMX).  It must find VMX, enter VMX
operation on every CPU, and detect EPT as its nested paging (HAP).
Bochs is slow (~140 MIPS): each boot carries the hypervisor alone and
takes a few seconds of wall time."""

import re

import bootcheck as bc
from bootcheck import keel
import bochs


def _no_line(r, regex, why):
    rx = re.compile(regex)
    for l in r.xen_lines:
        if rx.search(l):
            bc.fail(r, "%s: %r" % (why, l))


def _vmx_on_every_cpu(r):
    """Every CPU the hypervisor brought up is in VMX operation."""
    up = [int(m.group(1)) for m in
          (re.match(r"^Brought up (\d+) CPUs?$", l) for l in r.xen_lines)
          if m]
    n = up[0] if up else 1      # no SMP bring-up yet: the BSP alone
    for cpu in range(1, n):
        bc.xen_line(r, r"^HVM: CPU%d: VMX enabled$" % cpu)
    _no_line(r, r"could not be enabled", "a CPU failed to enable VMX")
    return n


def test_vmx_bochs():
    r = bochs.boot_vmx()
    bc.xen_line(r, r"^HVM: ASIDs enabled\.$")
    bc.xen_line(r, r"^VMX: Supported advanced features:$")
    features = bochs.vmx_features(r)
    for f in ("Extended Page Tables (EPT)",
              "Virtual-Processor Identifiers (VPID)",
              "Unrestricted Guest"):
        if f not in features:
            bc.fail(r, "VMX feature %r not reported (got %s)" %
                    (f, features))
    bc.xen_line(r, r"^HVM: VMX enabled$")
    bc.xen_line(r, r"^HVM: Hardware Assisted Paging \(HAP\) detected$")
    sizes = bc.xen_line(r, r"^HVM: HAP page sizes: (.*)$").group(1)
    if not sizes.startswith("4kB") or "2MB" not in sizes:
        bc.fail(r, "EPT page sizes %r lack 4kB/2MB" % sizes)
    _no_line(r, r"SVM", "SVM reported on an Intel CPU")
    _no_line(r, r"disabled by BIOS|failed to", "VMX set-up complained")
    # Bochs is built with SMP: with cpu count=2 both CPUs must be in VMX
    # operation once the hypervisor brings up APs.
    _vmx_on_every_cpu(r)


test_vmx_bochs.timeout = 240


def test_vmx_bochs_hap_disabled():
    # hap=0: VMX still enabled, EPT present but refused, so guests will
    # use shadow paging; no "HAP detected" line may remain.
    r = bochs.boot_vmx(bochs.VMX_ARGS + " hap=0", cpus=1)
    bc.xen_line(r, r"^HVM: VMX enabled$")
    bc.xen_line(r, r"^HVM: Hardware Assisted Paging \(HAP\) disabled by "
                r"the command line \(hap=0\)")
    _no_line(r, r"^HVM: Hardware Assisted Paging \(HAP\) detected",
             "HAP reported although hap=0")
    _no_line(r, r"^HVM: HAP page sizes", "HAP page sizes despite hap=0")
    _no_line(r, r'parameter "hap"', "hap= not accepted")


test_vmx_bochs_hap_disabled.timeout = 240
