# SPDX-License-Identifier: GPL-2.0-or-later
"""dom0's userland (mkinitrd.py --tools, cached by deps.sh as
initrd-dom0-tools.gz, or built here from $KEEL_TOOLS_DIST): /init starts
xenstored and xenconsoled from the init scripts, Domain-0's nodes are in
xenstore, and the daemons stop cleanly."""

import os
import subprocess

import bootcheck as bc
from bootcheck import keel

KERNEL_ARGS = "console=hvc0 keel-test=1"
APPEND = "dom0_mem=768M console=com1 dom0=pvh"
READY = r"^\(XEN\) \(d0\) keel-initrd: ready"


def tools_initrd():
    """$KEEL_TOOLS_DIST (a `make dist' tree) made into an initramfs in
    tests/out, else the cached initrd-dom0-tools.gz."""
    dist = os.environ.get("KEEL_TOOLS_DIST")
    if dist:
        out = os.path.join(keel.out_dir(), "initrd-dom0-tools.gz")
        subprocess.run(["python3", os.path.join(keel.ROOT, "tests", "rig",
                                                "mkinitrd.py"),
                        "--busybox", "/bin/busybox", "--dom0",
                        "--kernel-root", os.path.join(keel.cache_dir(),
                                                      "kernel"),
                        "--progs-dir", os.path.join(os.path.dirname(out),
                                                    "dom0-progs"),
                        "--tools", dist, "-o", out], check=True)
        return out
    return keel._need(os.path.join(keel.cache_dir(),
                                   "initrd-dom0-tools.gz"),
                      "initrd-dom0-tools.gz",
                      "run make deps (the tools must build)")


def test_dom0_toolstack_starts():
    r = keel.boot_qemu(
        kernel=keel.xen_image("xen"), append=APPEND,
        modules=keel.dom0_modules(KERNEL_ARGS, initrd_path=tools_initrd()),
        script=[(READY,
                 b"xenstore-ls /local/domain/0 | cat; "
                 b"/etc/init.d/keel-toolstack status; "
                 b"ls /dev/pts >/dev/null && echo pts-ok; "
                 b"/etc/init.d/keel-toolstack stop; "
                 b"echo done-$((6*7))\r")],
        until=r"^\(XEN\) \(d0\) done-42", timeout=500)
    for line in (r"^xencommons: xenstored started \(pid \d+\)",
                 r"^xencommons: xenconsoled started \(pid \d+\)",
                 r"^keel-toolstack: started",
                 r'^name = "Domain-0"',
                 r'^domid = "0"',
                 r"^xencommons: xenstored running \(pid \d+\)",
                 r"^xencommons: xenconsoled running \(pid \d+\)",
                 r"^pts-ok",
                 r"^xencommons: xenconsoled stopped",
                 r"^xencommons: xenstored stopped"):
        bc.xen_line(r, r"^\(d0\) " + line[1:])


test_dom0_toolstack_starts.timeout = 560
