# SPDX-License-Identifier: GPL-2.0-or-later
"""What `make run' promises, through its own script: tests/rig/run.sh
makes the GRUB ISO (GRUB reading a menu.lst: kernel /xen.gz, module lines
for Debian's kernel and dom0's toolstack initramfs), starts QEMU with its
own command line and the serial console on stdio, and the user lands in
dom0's shell with xenstored, xenconsoled and xend running, where
`xm create -c example' boots the example guest to its shell at once.

The only difference from `make run': dom0's initramfs is built from this
tree's tools (KEEL_INITRD) instead of the copy deps.sh caches, so the test
sees the tools under test; it is made the same way (mkinitrd.py --tools
with the PV guest ramdisk as the example's)."""

import os

import bootcheck as bc
from bootcheck import keel

READY = r"^\(XEN\) \(d0\) keel-initrd: ready"
GUEST = r"\(d0\) .*keel-initrd: /init running on "
D0M = r"\(d0\) .*"

SCRIPT = [
    (READY, b"xm list; xm create -c example; "
     b"echo detached-$((40+2))\r"),
    (GUEST, b"echo guest-$((6*7))-alive\r"),
    (D0M + r"guest-42-alive", b"\x1d"),
    (D0M + r"detached-42",
     b"xm list; xm destroy example; echo destroy-rc-$((0+$?)); "
     b"xm list | sed s/^/AFTER:/; echo end-$((5*5))\r"),
]


def test_make_run():
    initrd = keel.tools_initrd("run", guest_ramdisk=keel.guest_initrd("run"))
    keel.xen_image("xen.gz")
    env = ["env", "KEEL_XEN_BUILD=" + keel.xen_build_dir(),
           "KEEL_INITRD=" + initrd,
           "KEEL_RUN_DIR=" + os.path.join(keel.out_dir(), "make-run")]
    r = keel.watch(env + ["bash", os.path.join(keel.ROOT, "tests", "rig",
                                               "run.sh")],
                   script=SCRIPT, until=r"^\(XEN\) \(d0\) end-25",
                   timeout=900, check=True)

    # run.sh's own boot path: its ISO (GRUB's menu.lst), its QEMU.
    if "run.sh: making " not in r.log or "legacy_configfile" not in r.log:
        bc.fail(r, "run.sh did not make its GRUB ISO (legacy_configfile)")
    if "run.sh: qemu-system-x86_64 " not in r.log:
        bc.fail(r, "run.sh did not print its QEMU command")
    bc.xen_line(r, r"^Boot complete: ")
    bc.d0_line(r, r"^Domain-0 +0 +\d+ +\d+ +r----- +\d+\.\d$")
    bc.d0_line(r, r'^Using config file "/etc/xen/example"\.$')
    bc.d0_line(r, r"^Started domain example \(id=\d+\)$")
    bc.d0_line(r, r"guest-42-alive")
    bc.d0_line(r, r"^example +\d+ +128 +1 +[-rbpscd]{6} +\d+\.\d$")
    bc.d0_line(r, r"^destroy-rc-0$")
    after = [m.group(1) for m in bc.d0_all(r, r"^AFTER:(\S+)")]
    if after != ["Name", "Domain-0"]:
        bc.fail(r, "xm list after xm destroy example: %s (want only "
                "Domain-0)" % after)


test_make_run.timeout = 1000
