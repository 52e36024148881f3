# SPDX-License-Identifier: GPL-2.0-or-later
"""domctl/sysctl from dom0 (keel.test=domctl runs tests/dom0/xcdemo):
physinfo, a guest created, given 16 MiB, listed, run (it prints through
CONSOLEIO_write and powers off, VIRQ_DOM_EXC reaches dom0) and destroyed
with every page back; bad calls get errors."""

import gzip
import os
import sys

import bootcheck as bc
from bootcheck import keel

sys.path.insert(0, os.path.join(keel.ROOT, "tests", "rig"))
import mkinitrd  # noqa: E402

KERNEL_ARGS = "console=hvc0 keel-test=1 keel.test=domctl"
APPEND = "dom0_mem=512M console=com1 dom0=pvh"


def domctl_initrd(extra_scenarios=None, name="initrd-domctl.gz"):
    """The dom0 test initramfs with xcdemo in /bin, built from the tree
    (the cached one predates xcdemo); extra_scenarios: {name: path}."""
    out = keel.out_dir()
    progs_dir = os.path.join(out, "domctl-progs")
    progs = mkinitrd.build_dom0_progs(progs_dir)
    progs["xcdemo"] = os.path.join(progs_dir, "xcdemo")
    scen = mkinitrd.scenario_files(os.path.join(keel.ROOT, "tests", "dom0",
                                                "scenarios"))
    scen.update(extra_scenarios or {})
    data = mkinitrd.build("/bin/busybox", list(mkinitrd.XEN_MODULES),
                          os.path.join(keel.cache_dir(), "kernel"),
                          progs, scen)
    path = os.path.join(out, name)
    with open(path, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as g:
            g.write(data)
    return path


def test_domctl_xcdemo():
    r = keel.boot_qemu(
        kernel=keel.xen_image("xen"), append=APPEND,
        modules=keel.dom0_modules(KERNEL_ARGS, initrd_path=domctl_initrd()),
        until=r"^\(XEN\) \(d0\) domctl: xcdemo rc=\d+", timeout=500)
    d0 = r"^\(d0\) "
    bc.xen_line(r, d0 + r"xcdemo: physinfo nr_cpus=\d+ .*free_pages=\d+ "
                r"caps=0x[0-9a-f]+$")
    bc.xen_line(r, d0 + r"xcdemo: created d\d+$")
    bc.xen_line(r, d0 + r"xcdemo: d\d+ paused=1 nr_pages=4096 "
                r"max_memkb=16384 vcpus=1 handle=keel-xcdemo-uuid$")
    bc.xen_line(r, d0 + r"xcdemo: bad populate beyond max_mem -> rc -1 "
                r"errno ENOMEM$")
    bc.xen_line(r, d0 + r"xcdemo: bad getinfo of d28672 -> rc -1 "
                r"errno ESRCH$")
    bc.xen_line(r, d0 + r"xcdemo: bad destroy of dom0 -> rc -1 "
                r"errno EINVAL$")
    # The guest ran and said so on the hypervisor console.
    bc.xen_line(r, r"^\(d\d+\) hello from d\d+$")
    bc.xen_line(r, d0 + r"xcdemo: guest shutdown=1 reason=0$")
    bc.xen_line(r, d0 + r"xcdemo: VIRQ_DOM_EXC received$")
    bc.xen_line(r, r"^Domain \d+ destroyed: \d+ pages returned")
    bc.xen_line(r, d0 + r"xcdemo: free_pages before (\d+) after \1$")
    bc.xen_line(r, d0 + r"xcdemo: done \(0 failures\)$")
    bc.xen_line(r, d0 + r"domctl: xcdemo rc=0$")


test_domctl_xcdemo.timeout = 560
