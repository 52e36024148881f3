# SPDX-License-Identifier: GPL-2.0-or-later
"""Domain lifetime under a real race (keel.test=domrace runs
tests/dom0/domrace on dom0, 2 vCPUs on 2 pCPUs): one dom0 thread maps a
guest's grants through gntdev, binds and notifies its event channels,
foreign-maps its pages and copies between its grants (2048 copies in one
grant_table_op) in a loop while the main thread destroys the guest, 20
rounds.  Every call must succeed or fail with a dying guest's error,
every unmap/unbind must succeed, nothing may succeed after the destroy
returned, the guest must be gone afterwards, free memory must not drift
between rounds, and the hypervisor must stay up.

Why it catches the old bug: domain lookups took no reference, so the
destroy freed the grant table (and event-channel arrays, vCPUs, p2m) under
an operation of dom0's on the other pCPU; each round gives that window
(a hypercall in flight on the guest while it is destroyed) a chance, and
a hit is a hypervisor fault (the panic CI saw in grant_unpin) or heap
corruption that the later rounds' checks and the free-memory count see.
The pass/fail verdict does not depend on timing: whichever side wins a
call, only the documented answers are accepted.  The destroy is aimed at
the worker's 2048-copy grant_table_op (the longest hypercall in the
guest's table).  Run against the tree before the fix (f18cd6a^, with the
same poisoning of freed structures that domain.c/grant_table.c now do),
round 7 of 20 hung dom0's vCPU in the hypervisor (dom0's RCU stall, the
run's timeout): the copy used the freed table.  Without poisoning the old
tree passed 20 rounds: a stale table often still looks valid."""

import gzip
import os
import sys

import bootcheck as bc
from bootcheck import keel

sys.path.insert(0, os.path.join(keel.ROOT, "tests", "rig"))
import mkinitrd  # noqa: E402

KERNEL_ARGS = "console=hvc0 keel-test=1 keel.test=domrace keel.domrace=20"
APPEND = "dom0_mem=512M console=com1 dom0=pvh"


def domrace_initrd():
    """The dom0 test initramfs with domrace in /bin, built from the tree."""
    out = keel.out_dir()
    progs_dir = os.path.join(out, "domrace-progs")
    progs = mkinitrd.build_dom0_progs(progs_dir)
    progs["domrace"] = os.path.join(progs_dir, "domrace")
    scen = mkinitrd.scenario_files(os.path.join(keel.ROOT, "tests", "dom0",
                                                "scenarios"))
    data = mkinitrd.build("/bin/busybox", list(mkinitrd.XEN_MODULES),
                          os.path.join(keel.cache_dir(), "kernel"),
                          progs, scen)
    path = os.path.join(out, "initrd-domrace.gz")
    with open(path, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as g:
            g.write(data)
    return path


def test_domrace():
    # A hypervisor panic or fatal trap ends the run early (keel's fail=).
    r = keel.boot_qemu(
        kernel=keel.xen_image("xen"), append=APPEND,
        modules=keel.dom0_modules(KERNEL_ARGS,
                                  initrd_path=domrace_initrd()),
        until=r"^\(XEN\) \(d0\) domrace: domrace rc=\d+", timeout=900)
    d0 = r"^\(d0\) "
    fails = bc.d0_all(r, r"domrace: FAIL .*")
    if fails:
        bc.fail(r, "domrace failed:\n" + "\n".join(m.group(0)
                                                     for m in fails[:20]))
    for n in range(1, 21):
        bc.xen_line(r, d0 + r"domrace: round %d: d\d+ destroyed after \d+ "
                    r"passes; grant maps ok=\d+ failed=\d+, binds ok=\d+ "
                    r"failed=\d+, foreign maps ok=\d+ failed=\d+, "
                    r"copies ok=\d+ failed=\d+$" % n)
    bc.xen_line(r, d0 + r"domrace: free_pages before \d+ after first round "
                r"(\d+) after last \1$")
    bc.xen_line(r, d0 + r"domrace: done \(0 failures\)$")
    bc.xen_line(r, d0 + r"domrace: domrace rc=0$")


test_domrace.timeout = 960
