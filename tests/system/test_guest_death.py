# SPDX-License-Identifier: GPL-2.0-or-later
"""A guest that dies badly (tests/dom0/xcdemo.c --death): its vCPU jumps
to memory it does not have, a nested page fault the hypervisor refuses,
so the domain is crashed from the exit handler.  dom0 gets VIRQ_DOM_EXC,
sees it crashed and destroys it while still mapping one of its pages
(as xenconsoled maps the console ring): the domain stays dying and the
page keeps its contents until dom0 unmaps it, then the domain is gone
and free memory is exactly back.  dom0's shell still answers after.

test_xenstored_notices_death: with the toolstack running (xenstored,
xenconsoled, xend) a guest made by `xm create' is destroyed with the
hypervisor's own interface while xend is stopped (xsdie, a static dom0
program built here from tests/tools/xenstore/dom0/xsdie.c, maps its store
page first).  xenstored must notice by itself (VIRQ_DOM_EXC and
getdomaininfo): @releaseDomain seen by xenstore-watch, its connection
released; the zombie (destroyed, page still mapped) is listed by
getdomaininfolist as dying, by the 'q' debug key and by `xm list' with
state 'd' once xend is continued; no second release happens."""

import os
import re
import subprocess

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


def _add_xsdie(dist):
    libxc = os.path.join(keel.ROOT, "tools", "libxc")
    subprocess.run(["gcc", "-static", "-O2", "-std=gnu11", "-Wall",
                    "-Wextra", "-Werror", "-Wno-unused-parameter",
                    "-D_GNU_SOURCE", "-DKEEL_TOOLS",
                    "-I" + os.path.join(keel.ROOT, "xen", "include"),
                    "-I" + os.path.join(libxc, "include"),
                    "-o", os.path.join(dist, "usr", "bin", "xsdie"),
                    os.path.join(keel.ROOT, "tests", "tools", "xenstore",
                                 "dom0", "xsdie.c")] +
                   [os.path.join(libxc, f) for f in
                    ("xc_domain.c", "xc_private.c", "xc_physinfo.c",
                     "xc_foreign.c")], check=True)


def xsdie_tools_initrd():
    """The installed tools plus xsdie in /usr/bin, as a dom0 initramfs
    with the example guest (as test_xm's, from a private install tree)."""
    return keel.tools_initrd("guestdeath", add=_add_xsdie)


TOOLS_ARGS = "console=hvc0 keel-test=1"
TOOLS_APPEND = "dom0_mem=768M console=com1"
TOOLS_READY = r"^\(XEN\) \(d0\) keel-initrd: ready"
# Markers use $((...)) so the echo of the typed line never matches.
DEATH = (
    b"xenstore-watch @releaseDomain > /tmp/rel.log 2>&1 & "
    b"xm create /etc/xen/example; ID=$(xm domid example); "
    b"echo ID-$((0+ID))-$((6*7)); "
    b"kill -STOP $(pidof xend); mkfifo /tmp/go; "
    b"xsdie zombie $ID /tmp/go & \r")
AFTER = (
    b"kill -CONT $(pidof xend); xm list; "
    b"echo go > /tmp/go; wait $(pidof xsdie); "
    b"echo REL-$(grep -c '^@releaseDomain$' /tmp/rel.log)-$((1+1)); "
    b"grep \"dom$ID\" /var/log/xen/xenstored.log; "
    b"echo AGAIN-$(grep -c \"released dom$ID$\" "
    b"/var/log/xen/xenstored.log)-$((2+2)); "
    b"grep -i 'error' /var/log/xen/xend.log | tail -5; "
    b"echo end-$((6*7))\r")


def test_xenstored_notices_death():
    r = keel.boot_qemu(
        kernel=keel.xen_image("xen"), append=TOOLS_APPEND,
        modules=keel.dom0_modules(TOOLS_ARGS,
                                  initrd_path=xsdie_tools_initrd()),
        script=[(TOOLS_READY, DEATH),
                (r"^\(XEN\) \(d0\) xsdie: holding d\d+'s page",
                 b"\x01\x01\x01"),
                (r"^\(XEN\) \*\*\* Serial input to Xen", b"q"),
                (r"^\(XEN\) d\d+: dying \(destroyed\): \d+ pages still "
                 r"mapped", b"\x01\x01\x01"),
                (r"^\(XEN\) \*\*\* Serial input to DOM0", AFTER)],
        until=r"^\(XEN\) \(d0\) end-42", timeout=800)
    d0 = r"^\(d0\) "
    dom = bc.xen_line(r, d0 + r"ID-(\d+)-42$").group(1)
    if dom == "0":
        bc.fail(r, "xm create gave no domain id")
    bc.xen_line(r, d0 + r"xsdie: d%s destroyed$" % dom)
    # getdomaininfolist: the zombie is listed, dying, with its page.
    bc.xen_line(r, d0 + r"xsdie: held: d%s dying=1 shutdown=0 pages=[1-9]"
                % dom)
    bc.xen_line(r, d0 + r"xsdie: held: d0 dying=0 ")
    # The 'q' key lists it too.
    bc.xen_line(r, r"^d%s: dying \(destroyed\): [1-9]\d* pages still "
                r"mapped by other domains$" % dom)
    # xenstored released it by itself (xend was stopped) and said why;
    # the watch saw @releaseDomain beyond its registration event.
    bc.xen_line(r, d0 + r".*xenstored: dom%s is dying or gone: released "
                % dom)
    rel = int(bc.xen_line(r, d0 + r"REL-(\d+)-2$").group(1))
    if rel < 2:
        bc.fail(r, "xenstore-watch saw @releaseDomain %d times (the "
                "registration only)" % rel)
    # xend's own xs_release_domain later: no second release, no error.
    bc.xen_line(r, d0 + r"AGAIN-0-4$")
    for l in r.xen_lines:
        if re.search(r"\(d0\) .*ERROR.*(release|xenstore)", l):
            bc.fail(r, "xend complained about the release: %r" % l)
    # xm list (xend continued, xsdie still holding the page): the zombie
    # in Xen 3.x's way, state 'd', no vCPUs.
    bc.xen_line(r, d0 + r"Domain-0 +0 ")
    bc.xen_line(r, d0 + r"example +%s +\d+ +0 +-----d +\d+\.\d$" % dom)


test_xenstored_notices_death.timeout = 900
