# SPDX-License-Identifier: GPL-2.0-or-later
"""What dom0 sees and can do, through the dom0 test initramfs
(tests/rig/mkinitrd.py --dom0): the Xen modules load, /sys/hypervisor says
xen, dom0 has about dom0_mem of RAM and both vCPUs, privcmd issues a
hypercall, hypercalls with bad arguments fail cleanly while the hypervisor
keeps answering, and poweroff / reboot in dom0 turn the machine off and
restart it."""

import re

import bootcheck as bc
from bootcheck import keel

APPEND = "dom0_mem=512M dom0_max_vcpus=2 console=com1"
MODULES = ("xen-evtchn", "xen-privcmd", "xen-gntdev", "xen-gntalloc",
           "xenfs", "xen-blkback", "xen-netback")


def _mods(args):
    return keel.dom0_modules("console=hvc0 " + args,
                             initrd_path=keel.dom0_initrd())


def _d0(r, regex):
    """A line dom0 printed (through console_io: "(XEN) (d0) ...")."""
    return bc.xen_line(r, r"^\(d0\) " + regex)


def test_dom0_sees_xen_and_its_resources_then_powers_off():
    r = keel.boot_qemu(kernel=keel.xen_image("xen"), append=APPEND,
                       modules=_mods("keel.test=info,hcall,hcall-bad "
                                     "keel.after=poweroff"),
                       until=None, fail=keel.BOOT_FAILED, check=False,
                       timeout=500)
    if r.timed_out:
        bc.fail(r, "dom0 did not power the machine off")
    for m in MODULES:
        _d0(r, r"keel-initrd: insmod %s ok$" % re.escape(m.replace("-", "_")))
    _d0(r, r"keel-initrd: modules loaded: \d+ ok, 0 failed$")
    _d0(r, r"keel-initrd: xenfs mounted on /proc/xen$")

    _d0(r, r"info: hypervisor type xen$")
    _d0(r, r"info: nproc 2$")
    mem = _d0(r, r"info: mem total (\d+) MB$")
    # 512 MB of RAM less what the kernel keeps for itself.
    if not 440 <= int(mem.group(1)) <= 512:
        bc.fail(r, "dom0 sees %s MB with dom0_mem=512M" % mem.group(1))
    _d0(r, r"info: privcmd yes$")
    _d0(r, r"info: xenfs control_d$")

    # privcmd: xen_version through the hypercall page.
    _d0(r, r"hcall: xen_version 4\.17\S* features 0x[0-9a-f]{8}$")

    # Every bad call fails: an error code, or (grant ops) an error in the
    # op's status field, or (memory reservations) 0 extents done.  The
    # hypervisor still answers the same version afterwards.
    calls = [m.groups() for m in
             (re.search(r"^\(d0\) hcall: (?!bad: )(.*): ret=(-?\d+) "
                        r"\([A-Z]*[a-z]*\)(?: status=(-?\d+))?$", l)
              for l in r.xen_lines) if m]
    if len(calls) < 30:
        bc.fail(r, "only %d bad calls reported" % len(calls))
    ok = [w for w, ret, st in calls
          if "xen_version" not in w and int(ret) >= 0 and
          not (st is not None and int(st) < 0) and
          not (w.startswith("memory_op") and int(ret) == 0)]
    if ok:
        bc.fail(r, "bad calls that did not fail: %s" % ok)
    done = _d0(r, r"hcall: bad: done, (\d+) calls, (\d+) errors, "
                  r"hypervisor alive 4\.17$")
    if int(done.group(1)) < len(calls):
        bc.fail(r, "%s calls counted, %d reported" % (done.group(1),
                                                      len(calls)))
    if r.grep(r"Panic on CPU|Domain 0 \(vcpu#\d\) crashed|"
              r"\(d0\).*(BUG:|Oops|general protection|Call Trace)"):
        bc.fail(r, "something crashed")

    # poweroff in dom0: SCHEDOP_shutdown(poweroff) -> ACPI S5 -> QEMU quits.
    bc.xen_line(r, r"^Hardware Dom0 halted: halting machine$")
    if r.status != 0:
        bc.fail(r, "QEMU exit status %s" % r.status)


test_dom0_sees_xen_and_its_resources_then_powers_off.timeout = 560


def test_dom0_reboot_restarts_the_machine():
    # Without -no-reboot: the machine comes back and boots Keel again.
    cmd = keel.qemu_cmd(kernel=keel.xen_image("xen"), append=APPEND,
                        modules=_mods("keel.after=reboot keel.modules=0"))
    cmd.remove("-no-reboot")
    r = keel.watch(cmd, until=r"(?s)Hardware Dom0 shutdown: rebooting "
                              r"machine.*\(XEN\) Command line: ",
                   fail=keel.BOOT_FAILED, timeout=500, check=True)
    banners = [l for l in r.xen_lines if l.startswith("Command line: ")]
    if len(banners) != 2:
        bc.fail(r, "%d boots seen" % len(banners))


test_dom0_reboot_restarts_the_machine.timeout = 560


def test_dom0_from_grub_menu_lst():
    # The administrator's path: GRUB reading a menu.lst (legacy_configfile)
    # with dom0_mem= and dom0_max_vcpus=, the kernel and initrd as module
    # lines.  dom0 comes up on both vCPUs and its shell reads the serial
    # line.
    e = keel.Entry(APPEND, _mods("keel.test=info"))
    iso = keel.make_grub_iso(keel.out_path("menu_lst.iso"), [e],
                             "legacy_configfile")
    r = keel.boot_qemu(iso=iso,
                       script=[(r"\(XEN\) \(d0\) keel-initrd: ready",
                                b"echo typed-$((6*7))\r")],
                       until=r"^\(XEN\) \(d0\) typed-42$", timeout=500)
    bc.xen_line(r, r"^Command line: .*dom0_mem=512M dom0_max_vcpus=2")
    _d0(r, r"info: hypervisor type xen$")
    _d0(r, r"info: nproc 2$")


test_dom0_from_grub_menu_lst.timeout = 560
