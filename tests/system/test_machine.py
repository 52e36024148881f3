# SPDX-License-Identifier: GPL-2.0-or-later
"""What the hypervisor finds on differently shaped machines."""

import bootcheck as bc
from bootcheck import keel

ARGS = "dom0_mem=512M console=com1"


def _boot(**kw):
    return keel.boot_qemu(kernel=keel.xen_image("xen"), append=ARGS,
                          modules=keel.dom0_modules(bc.DOM0_ARGS), **kw)


def test_machine_3g_ram():
    r = _boot(mem="3072")
    bc.ram(r, 3072)
    bc.cpus(r, 2)


def test_machine_6g_ram_above_4g():
    # QEMU's pc machine puts 3 GiB below the PCI hole and the rest above
    # 4 GiB: all of it must be counted.
    r = _boot(mem="6G")
    bc.ram(r, 6144)
    bc.cpus(r, 2)


def test_machine_svm_without_npt():
    # qemu64 with SVM but no nested paging: SVM is enabled, HAP is not
    # detected (shadow paging will be used).
    r = _boot(cpu="qemu64,+svm")
    bc.svm(r, hap=False)
    bc.cpus(r, 2)
