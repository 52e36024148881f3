# SPDX-License-Identifier: GPL-2.0-or-later
"""The rig's own failure paths: a hang fails within its timeout with the
last console lines shown, an emulator that dies is reported as such."""

import os
import time

import bootcheck as bc
from bootcheck import keel


def test_rig_hang_fails_with_console_tail():
    # Wait for a line that never comes: the run must stop at the timeout,
    # kill QEMU and show what the console said last.
    t0 = time.monotonic()
    try:
        keel.boot_qemu(until=r"^this line is never printed$", fail=None,
                       timeout=6)
    except keel.BootFailure as e:
        msg = str(e)
    else:
        raise AssertionError("a hang did not fail")
    took = time.monotonic() - t0
    assert took < 6 + 10, "the timeout was not honoured (%.1fs)" % took
    assert "timed out after" in msg, msg
    assert "last " in msg and "| (XEN) " in msg, \
        "no console lines in the failure:\n" + msg


def test_rig_hang_result_and_kill():
    r = keel.boot_qemu(until=r"^never$", fail=None, timeout=4, check=False)
    assert r.timed_out and r.match is None and r.status is None, r.why()
    assert "(XEN) " in r.log, r.tail()
    assert os.path.exists(r.log_path)
    with open(r.log_path, "rb") as f:
        assert b"(XEN) " in f.read()
    # QEMU ran in its own session and has been reaped: nothing of that
    # session is left.
    left = [p for p in os.listdir("/proc") if p.isdigit() and
            _sid(p) == _sid_of_cmd(r)]
    assert not left, "QEMU left running: %r" % left


def _sid(pid):
    try:
        with open("/proc/%s/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[3])
    except (OSError, IndexError, ValueError):
        return None


def _sid_of_cmd(r):
    # The session id is the pid QEMU had; recorded by watch() as r.pid.
    return getattr(r, "pid", -1)


def test_rig_emulator_exit_reported():
    r = keel.boot_qemu(kernel="/nonexistent/xen", timeout=30, check=False)
    assert not r.timed_out and r.match is None, r.why()
    assert r.status not in (None, 0), r.why()
    assert "exited with status" in r.why()


def test_rig_initrd_escaping():
    s = keel.initrd_arg([("/k", "a=1,2 b"), "/i"])
    assert s == "/k a=1,,2 b,/i", s


def test_rig_media_configs():
    mods = [keel.Module("/x/vmlinuz", "/boot/vmlinuz", "ro console=hvc0"),
            keel.Module("/x/initrd.gz", "/boot/initrd.gz", nounzip=True)]
    e = keel.Entry("dom0_mem=512M", mods, kernel="/x/xen.gz")
    cfg = keel.grub2_cfg([e], "multiboot2")
    for want in ("serial --unit=0 --speed=115200", "terminal_input serial",
                 "set timeout=0", "multiboot2 /boot/xen.gz dom0_mem=512M",
                 "module2 /boot/vmlinuz ro console=hvc0",
                 "module2 --nounzip /boot/initrd.gz"):
        assert want in cfg, (want, cfg)
    lst = keel.menu_lst([e])
    for want in ("terminal --timeout=0 serial", "timeout 0",
                 "kernel /boot/xen.gz dom0_mem=512M",
                 "module /boot/vmlinuz ro console=hvc0",
                 "modulenounzip /boot/initrd.gz"):
        assert want in lst, (want, lst)
