# SPDX-License-Identifier: GPL-2.0-or-later
"""A guest that dies badly (tests/dom0/xcdemo.c --death): its vCPU jumps
to memory it does not have, a nested page fault the hypervisor refuses,
so the domain is crashed from the exit handler.  dom0 gets VIRQ_DOM_EXC,
sees it crashed and destroys it while still mapping one of its pages
(as xenconsoled maps the console ring): the domain stays dying and the
page keeps its contents until dom0 unmaps it, then the domain is gone
and free memory is exactly back.  dom0's shell still answers after."""

import os

import bootcheck as bc
from bootcheck import keel

import test_domctl

KERNEL_ARGS = "console=hvc0 keel-test=1 keel.test=guestdeath"
APPEND = "dom0_mem=512M console=com1"
READY = r"^\(XEN\) \(d0\) keel-initrd: ready$"


def death_initrd():
    """test_domctl's initramfs (xcdemo in /bin) plus the scenario."""
    out = keel.out_dir()
    scen = os.path.join(out, "guestdeath.sh")
    with open(scen, "w") as f:
        f.write("# keel.test=guestdeath: xcdemo --death\n"
                "xcdemo --death\n"
                'echo "guestdeath: xcdemo rc=$?"\n')
    return test_domctl.domctl_initrd(extra_scenarios={"guestdeath": scen},
                                     name="initrd-guestdeath.gz")


def test_guest_crash_and_zombie():
    r = keel.boot_qemu(
        kernel=keel.xen_image("xen"), append=APPEND,
        modules=keel.dom0_modules(KERNEL_ARGS, initrd_path=death_initrd()),
        script=[(READY, b"echo alive-$((6*7))\r")],
        until=r"^\(XEN\) \(d0\) alive-42$", timeout=500)
    d0 = r"^\(d0\) "
    bc.xen_line(r, d0 + r"xcdemo: death: d(\d+) unpaused$")
    # The hypervisor crashed it from the nested page fault exit.
    bc.xen_line(r, r"^d\d+v0 nested page fault at gpa 0x40000000 ")
    bc.xen_line(r, r"^Domain \d+ shutdown: reason 3$")
    bc.xen_line(r, d0 + r"xcdemo: death: crashed=1 shutdown=0$")
    bc.xen_line(r, d0 + r"xcdemo: death: VIRQ_DOM_EXC received$")
    # Destroyed with a page still mapped by dom0: dying, page intact.
    bc.xen_line(r, r"^Domain \d+ destroyed: \d+ pages returned, 1 still "
                r"mapped by other domains")
    bc.xen_line(r, d0 + r"xcdemo: death: destroyed, dying=1 nr_pages=1$")
    bc.xen_line(r, d0 + r'xcdemo: death: mapped page still reads '
                r'"xcdemo-marker"$')
    # dom0's munmap drops the last reference: gone, memory exactly back.
    bc.xen_line(r, r"^Domain \d+: last foreign/grant mapping gone, 1 pages "
                r"returned$")
    bc.xen_line(r, d0 + r"xcdemo: bad getinfo after the last unmap -> rc -1 "
                r"errno ESRCH$")
    bc.xen_line(r, d0 + r"xcdemo: death: free_pages before (\d+) after \1$")
    bc.xen_line(r, d0 + r"xcdemo: done \(0 failures\)$")
    bc.xen_line(r, d0 + r"guestdeath: xcdemo rc=0$")


test_guest_crash_and_zombie.timeout = 560
