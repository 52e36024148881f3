#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Boot-time benchmark: virtual time from machine reset to dom0's /init.

Boots, on this machine's QEMU (TCG) with deterministic virtual time
(-icount shift=0,sleep=off -seed 1 -rtc clock=vm, one CPU):

  native  Debian's kernel on bare QEMU (-M pc, -kernel vmlinuz -initrd)
  xen     Debian's Xen 4.17 with the same kernel as PVH dom0
          (-M q35 -device amd-iommu, dom0=pvh; QEMU -kernel loads its
          multiboot ELF32 image)
  keel    Keel with the same kernel as dom0 (-kernel xen)

The initramfs' /init is tests/dom0/tscrtc: it reads the TSC first thing,
times two CMOS RTC seconds ticks, and prints the virtual time at which it
started (RTC base fixed with -rtc base=2000-01-01T00:00:00, so a tick's
virtual time is known; only TSC differences are used, so a hypervisor's
TSC offset does not matter).  Then it powers the machine off.

Prints a table and the ratios keel/native and keel/xen.  No thresholds:
a run that does not reach /init is reported as "not reached" (Keel until
it boots dom0) and does not fail the benchmark; only a broken rig does.

    python3 tests/perf/boot_time.py [--only native,xen,keel] [-j N]
"""

import argparse
import concurrent.futures
import glob
import gzip
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "rig"))

import keel       # noqa: E402  (the rig)
import mkinitrd   # noqa: E402

RTC_BASE = "2000-01-01T00:00:00"
RTC_BASE_EPOCH = 946684800

COMMON = ["-icount", "shift=0,sleep=off", "-seed", "1",
          "-rtc", "base=%s,clock=vm" % RTC_BASE]
CPU = "max,-smap,-rdtscp"
SMP = 1
MEM = "1024"

DOM0_MEM = "512M"
# Figures measured when the benchmark was designed (test-rig.md).
REFERENCE = {"native": 6.16, "xen": 7.85}

RESULT = r"tscrtc: result tsc0=(\d+) hz=(\d+) rtc=(-?\d+) base=(\d+) " \
         r"vt_rtc_us=(\d+|-) vt_tsc_us=(\d+) src=(\w+)"
# Lines after which /init will not come.
HYP_FAILED = keel.BOOT_FAILED + \
    r"|\(XEN\) Boot complete: no dom0 builder yet" \
    r"|Kernel panic - not syncing"

XEN_PKG = "xen-hypervisor-4.17-amd64"


class Setup(Exception):
    """Something the benchmark needs is missing and cannot be made."""


# --- what is booted ------------------------------------------------------

def probe_initrd(out):
    """busybox + tscrtc as /init (no modules: the reference initramfs was
    a plain busybox one)."""
    path = os.path.join(out, "initrd-probe.gz")
    progs = mkinitrd.build_dom0_progs(os.path.join(out, "dom0-progs"))
    data = mkinitrd.build("/bin/busybox", progs={"tscrtc": progs["tscrtc"]},
                          probe=True)
    with open(path, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as gz:
            gz.write(data)
    return path


def xen417_image():
    """Debian's Xen 4.17 boot image (multiboot ELF32), fetched with
    apt-get download into the rig's cache and unpacked there."""
    cache = keel.cache_dir()
    unpacked = os.path.join(cache, "xen-4.17")
    found = glob.glob(os.path.join(unpacked, "boot", "xen-4.17*-amd64.gz"))
    if not found:
        dl = os.path.join(cache, "dl-xen")
        shutil.rmtree(dl, ignore_errors=True)
        os.makedirs(dl)
        cmd = ["apt-get", "download", "-q", XEN_PKG]
        if os.getuid() == 0:
            cmd[2:2] = ["-o", "APT::Sandbox::User=root"]
        p = subprocess.run(cmd, cwd=dl, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=300)
        debs = glob.glob(os.path.join(dl, "*.deb"))
        if p.returncode or not debs:
            raise Setup("apt-get download %s failed (run apt-get update "
                        "first?):\n%s" % (XEN_PKG,
                                          p.stdout.decode(errors="replace")))
        shutil.rmtree(unpacked, ignore_errors=True)
        subprocess.run(["dpkg-deb", "-x", debs[0], unpacked], check=True,
                       timeout=120)
        shutil.rmtree(dl, ignore_errors=True)
        found = glob.glob(os.path.join(unpacked, "boot",
                                       "xen-4.17*-amd64.gz"))
        if not found:
            raise Setup("%s has no boot/xen-4.17*-amd64.gz" % XEN_PKG)
    gz_path = found[0]
    # QEMU's -kernel takes the multiboot ELF32 but not a gzip file.
    elf = gz_path[:-3]
    if not os.path.exists(elf) or \
            os.path.getmtime(elf) < os.path.getmtime(gz_path):
        with gzip.open(gz_path, "rb") as src, open(elf + ".tmp", "wb") as dst:
            shutil.copyfileobj(src, dst)
        os.rename(elf + ".tmp", elf)
    with open(elf, "rb") as f:
        hdr = f.read(5)
    if hdr[:4] != b"\x7fELF" or hdr[4] != 1:
        raise Setup("%s is not an ELF32 image: QEMU -kernel would refuse "
                    "it (boot it from a GRUB ISO instead)" % elf)
    return elf


def keel_image(build):
    """$O/xen, built with make -C xen O=build when missing."""
    img = os.path.join(build, "xen")
    if not os.path.exists(img):
        p = subprocess.run(["make", "-s", "-C", os.path.join(ROOT, "xen"),
                            "O=" + build], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=900)
        if p.returncode or not os.path.exists(img):
            raise Setup("building Keel into %s failed:\n%s" % (
                build, p.stdout.decode(errors="replace")[-3000:]))
    return img


class Config:
    def __init__(self, name, machine, kernel, append, modules, extra=(),
                 note=""):
        self.name = name
        self.machine = machine
        self.kernel = kernel
        self.append = append
        self.modules = modules
        self.extra = list(extra)
        self.note = note

    def cmd(self):
        c = keel.qemu_cmd(kernel=self.kernel, append=self.append,
                          modules=self.modules, cpu=CPU, smp=SMP, mem=MEM,
                          machine=self.machine, extra=COMMON + self.extra)
        return c


def configs(which, initrd, keel_build):
    vmlinuz = keel.dom0_kernel()
    dom0_args = "console=hvc0 keel.after=poweroff"
    out = []
    for name in which:
        if name == "native":
            out.append(Config(
                "native", "pc", vmlinuz, "console=ttyS0 keel.after=poweroff",
                [], ["-initrd", initrd], "Debian 6.1, -M pc"))
            # qemu_cmd takes -initrd only with -kernel modules: pass it raw.
        elif name == "xen":
            out.append(Config(
                "xen", "q35", xen417_image(),
                "dom0=pvh dom0_mem=%s console=com1 com1=115200,8n1"
                % DOM0_MEM,
                [(vmlinuz, dom0_args), initrd], ["-device", "amd-iommu"],
                "Xen 4.17 PVH dom0, -M q35 + amd-iommu"))
        elif name == "keel":
            out.append(Config(
                "keel", "pc", keel_image(keel_build),
                "dom0=pvh dom0_mem=%s console=com1" % DOM0_MEM,
                [(vmlinuz, dom0_args), initrd], [],
                "Keel dom0, -M pc"))
        else:
            raise Setup("unknown configuration %r" % name)
    return out


# --- running -------------------------------------------------------------

class Outcome:
    def __init__(self, cfg, vtime=None, why="", wall=0.0, log="", src="",
                 hz=0):
        self.cfg = cfg
        self.vtime = vtime          # seconds, None if /init not reached
        self.why = why
        self.wall = wall
        self.log = log
        self.src = src
        self.hz = hz


def run_one(cfg, timeout):
    r = keel.watch(cfg.cmd(), until=RESULT, fail=HYP_FAILED,
                   timeout=timeout, name="perf-boot_time-" + cfg.name)
    if not r.match:
        if r.failed:
            why = "not reached: " + r.failed.strip()
        elif r.timed_out:
            why = "not reached: timed out after %ds" % timeout
        else:
            why = "not reached: QEMU exited (%s)" % r.status
        return Outcome(cfg, None, why, r.seconds, r.log_path)
    m = r.match
    vt_rtc, vt_tsc = m.group(5), int(m.group(6))
    if vt_rtc != "-":
        vt, how = int(vt_rtc) / 1e6, "rtc"
    else:
        # No usable RTC date: the TSC alone (right when it was 0 at reset).
        vt, how = vt_tsc / 1e6, "tsc only"
    o = Outcome(cfg, vt, how, r.seconds, r.log_path, m.group(7),
                int(m.group(2)))
    return o


def main(argv=None):
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--only", default="native,xen,keel",
                    help="comma-separated subset of native,xen,keel")
    ap.add_argument("-j", "--jobs", type=int,
                    default=max(1, min(3, os.cpu_count() or 1)),
                    help="boots at once (virtual time does not depend on "
                    "host load)")
    ap.add_argument("--timeout", type=int, default=400,
                    help="wall seconds per boot (default 400)")
    ap.add_argument("--xen-build", default=keel.xen_build_dir(),
                    help="Keel's O= directory (default: KEEL_XEN_BUILD or "
                    "xen/)")
    a = ap.parse_args(argv)
    which = [w.strip() for w in a.only.split(",") if w.strip()]

    out = os.path.join(keel.out_dir(), "perf")
    os.makedirs(out, exist_ok=True)
    try:
        initrd = probe_initrd(out)
        cfgs = configs(which, initrd, os.path.abspath(a.xen_build))
    except (Setup, keel.RigError) as e:
        print("boot_time: error: %s" % e, file=sys.stderr)
        return 2

    print("boot_time: QEMU %s, -cpu %s -smp %d -m %s, %s" % (
        qemu_version(), CPU, SMP, MEM, " ".join(COMMON)))
    for c in cfgs:
        print("boot_time: %-6s %s" % (c.name, " ".join(c.cmd())))
    sys.stdout.flush()

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        futs = [ex.submit(run_one, c, a.timeout) for c in cfgs]
        results = [f.result() for f in futs]
    by = {o.cfg.name: o for o in results}

    print()
    print("%-7s %12s %10s %9s  %s" % ("", "reset->/init", "reference",
                                       "wall", "what"))
    for o in results:
        vt = "%10.3f s" % o.vtime if o.vtime is not None else \
            "%12s" % "not reached"
        ref = REFERENCE.get(o.cfg.name)
        refs = "%8.2f s" % ref if ref else "%10s" % "-"
        print("%-7s %12s %10s %7.0f s  %s" % (o.cfg.name, vt, refs, o.wall,
                                              o.cfg.note))
    print()
    for o in results:
        if o.vtime is None:
            print("%s: %s (log %s)" % (o.cfg.name, o.why, o.log))
        else:
            print("%s: /init at %.6f s virtual (%s, RTC via %s, TSC %.3f "
                  "MHz); log %s" % (o.cfg.name, o.vtime, o.why, o.src,
                                    o.hz / 1e6, o.log))

    def ratio(a_, b_):
        x, y = by.get(a_), by.get(b_)
        if not x or not y:
            return None
        if x.vtime is None or y.vtime is None:
            return "%s/%s: n/a (%s not reached)" % (
                a_, b_, a_ if x.vtime is None else b_)
        return "%s/%s: %.2fx" % (a_, b_, x.vtime / y.vtime)

    print()
    for pair in (("xen", "native"), ("keel", "native"), ("keel", "xen")):
        r = ratio(*pair)
        if r:
            print("ratio " + r)
    print("boot_time: done in %.0f s wall" % (time.monotonic() - start))
    return 0


def qemu_version():
    try:
        p = subprocess.run(["qemu-system-x86_64", "--version"],
                           stdout=subprocess.PIPE, timeout=10)
        m = re.search(r"version (\S+)", p.stdout.decode())
        return m.group(1) if m else "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


if __name__ == "__main__":
    sys.exit(main())
