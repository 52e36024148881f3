# SPDX-License-Identifier: GPL-2.0-or-later
"""Intel VT-x boots under Bochs, the only emulator here that offers VMX
(with EPT, VPID and unrestricted guest); QEMU TCG never does.

keel.boot_bochs() runs Bochs (GRUB ISO on the CD-ROM, COM1 read through
a FIFO, display_library term under script(1), "-rc" with "c" + "quit")
and returns a keel.BootResult.  This module adds what a VT-x boot needs
on top of it:

    import bochs
    r = bochs.boot_vmx("console=com1 loglvl=all")
    r.first(r"^\\(XEN\\) HVM: VMX enabled$")
    assert "Extended Page Tables (EPT)" in bochs.vmx_features(r)

Bochs runs at ~140 MIPS: boot the hypervisor alone (no dom0 modules to
read from the CD) and keep the guest RAM small.
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keel  # noqa: E402

# Bochs 2.7 CPU models with VMX + EPT ("bochs --help cpu"); AMD's
# "ryzen" has SVM + NPT instead.
VMX_MODELS = ("corei7_skylake_x", "corei7_haswell_4770")
DEFAULT_MODEL = "corei7_skylake_x"

# A triple fault stops the run (as a Bochs panic, which is fatal) instead
# of resetting into GRUB and booting again until the timeout.
STOP_ON_TRIPLE_FAULT = "cpu: reset_on_triple_fault=0"

# Enough for the hypervisor's heap and a dom0 plan; less RAM is less
# for the page allocator to initialise at 140 MIPS.
DEFAULT_MEGS = 128

DEFAULT_TIMEOUT = 150

VMX_ARGS = "console=com1 loglvl=all"


def vmx_iso(path, args=VMX_ARGS, kind="multiboot", modules=()):
    """A GRUB ISO booting the hypervisor with args (and, if given, keel
    Module objects; none by default, to keep Bochs fast)."""
    e = keel.Entry(args=args, modules=list(modules), title="Keel VT-x")
    return keel.make_grub_iso(path, [e], kind)


def boot_vmx(args=VMX_ARGS, cpu=DEFAULT_MODEL, cpus=2, megs=DEFAULT_MEGS,
             until=keel.BOOT_DONE, fail=keel.BOOT_FAILED,
             timeout=DEFAULT_TIMEOUT, name=None, check=True, iso=None):
    """Boot the hypervisor under Bochs with a VT-x CPU model and watch
    COM1 until `until`; as keel.boot_bochs (BootFailure with the last
    console lines on a hang, a fault or a timeout)."""
    if cpu not in VMX_MODELS:
        raise keel.RigError("%s is not a Bochs model with VMX (one of %s)"
                            % (cpu, ", ".join(VMX_MODELS)))
    if iso is None:
        iso = vmx_iso(keel.out_path("vmx.iso"), args)
    return keel.boot_bochs(iso, cpu_model=cpu, cpus=cpus, megs=megs,
                           until=until, fail=fail, timeout=timeout,
                           name=name, check=check,
                           extra=[STOP_ON_TRIPLE_FAULT])


def vmx_features(r):
    """The " - <feature>" lines under "VMX: Supported advanced features:"
    in a BootResult, without the " - "."""
    out = []
    inside = False
    for line in r.xen_lines:
        if line == "VMX: Supported advanced features:":
            inside = True
            continue
        if inside:
            m = re.match(r"^ - (.*)$", line)
            if not m:
                break
            out.append(m.group(1))
    return out


def _main(argv):
    import argparse
    ap = argparse.ArgumentParser(
        prog="bochs.py",
        description="boot the hypervisor under Bochs with VT-x")
    ap.add_argument("--args", default=VMX_ARGS,
                    help="hypervisor command line")
    ap.add_argument("--cpu", default=DEFAULT_MODEL, choices=VMX_MODELS)
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--megs", type=int, default=DEFAULT_MEGS)
    ap.add_argument("--until", default=keel.BOOT_DONE)
    ap.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT)
    ap.add_argument("--iso", help="boot this ISO instead of making one")
    a = ap.parse_args(argv)
    r = boot_vmx(a.args, a.cpu, a.cpus, a.megs, until=a.until,
                 timeout=a.timeout, check=False, iso=a.iso, name="bochs")
    print(r.log, end="")
    print("# %s in %.1fs (console log %s)" % (r.why(), r.seconds,
                                               r.log_path))
    return 0 if r.match else 1


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
