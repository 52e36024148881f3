#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Guest-creation benchmark: virtual time from create to the guest's /init
and the toolstack's share of it (create until unpause), in dom0 on Keel
under QEMU with deterministic virtual time (-icount shift=0,sleep=off
-seed 1 -rtc clock=vm).

One boot of Keel with dom0 (Debian's kernel, the toolstack initramfs) runs
two scenarios from tests/perf/scenarios/:

  perfxc  libxc alone (tests/perf/create/vtprobe): a 128 MiB PVH guest from
          Debian's xz vmlinuz with an empty kernel cache (cold), again
          (warm), from the uncompressed vmlinux; 20 create/destroy cycles
          with the free pages after each; warm again with 10 halting tiny
          guests running.
  perfxm  the same guest through `xm create' (xend, xenstored,
          xenconsoled): cold, warm, with 10 tiny guests running, with a
          file vbd and a vif; 20 create/destroy cycles with `xm info'
          free_memory after each.

The guest's /init is tests/perf/create/vtinit: it prints its TSC first
thing and powers off.  Keel gives dom0 and guests the TSC without an
offset, so dom0's readings (vtprobe) and the guest's are one clock; its
rate against dom0's CLOCK_MONOTONIC (virtual time) is measured too.

Prints the figures and the ratios against Debian's Xen 4.17 (issue 4:
`xl create' of a 128 MB PVH guest returns after 4.4 s with the xz
vmlinuz, 0.33 s uncompressed).  No pass/fail thresholds on time; exit 1
only if a step failed (a guest that never reached /init, memory not
back), exit 2 if the rig is missing something.

    python3 tests/perf/create_time.py [--xen-build DIR] [--timeout S]
"""

import argparse
import gzip
import lzma
import os
import re
import shutil
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "rig"))

import keel       # noqa: E402  (the rig)
import mkinitrd   # noqa: E402

RTC_BASE = "2000-01-01T00:00:00"
COMMON = ["-icount", "shift=0,sleep=off", "-seed", "1",
          "-rtc", "base=%s,clock=vm" % RTC_BASE]
CPU = "max,-smap,-rdtscp"       # as boot_time.py
SMP = 2
MEM = "3072"
APPEND = "dom0_mem=1024M console=com1"
DOM0_ARGS = "console=hvc0 keel.after=poweroff keel.test="

# Issue 4's figures for Debian's Xen 4.17 (xl create of a 128 MB PVH
# guest, virtual time under icount).
XEN_XZ = 4.4            # until xl create returns, xz vmlinuz
XEN_XZ_UNPACK = 4.1     # of which decompressing
XEN_RAW = 0.33          # uncompressed kernel
TARGET_SHARE = 0.050    # toolstack's share without devices
XEN_DEVS = 0.62         # Xen 4.17: more with one vif and one file vbd
TARGET_DEV_SHARE = 0.150    # with a vif and a file vbd


class Setup(Exception):
    """Something the benchmark needs is missing and cannot be made."""


# --- what is booted ------------------------------------------------------

def run(cmd, what, timeout=900):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout)
    if p.returncode:
        raise Setup("%s failed:\n%s" % (
            what, p.stdout.decode(errors="replace")[-3000:]))


def probes(out):
    d = os.path.join(out, "create")
    run(["make", "-s", "-C", HERE, "probes", "PO=" + d],
        "building tests/perf/create")
    return {n: os.path.join(d, n) for n in ("vtprobe", "vtinit",
                                             "tinyguest")}


def vmlinux(vmlinuz, out):
    """The ELF inside the bzImage (its xz payload, unpacked here)."""
    path = os.path.join(out, "vmlinux")
    if os.path.exists(path) and \
            os.path.getmtime(path) >= os.path.getmtime(vmlinuz):
        return path
    with open(vmlinuz, "rb") as f:
        img = f.read()
    setup_sects = img[0x1f1] or 4
    off, length = struct.unpack_from("<II", img, 0x248)
    payload = img[(setup_sects + 1) * 512 + off:][:length]
    if payload[:6] != b"\xfd7zXZ\x00":
        raise Setup("%s: payload is not xz" % vmlinuz)
    elf = lzma.LZMADecompressor(lzma.FORMAT_XZ).decompress(payload)
    if elf[:4] != b"\x7fELF":
        raise Setup("%s: payload is not an ELF" % vmlinuz)
    with open(path + ".tmp", "wb") as f:
        f.write(elf)
    os.rename(path + ".tmp", path)
    return path


def guest_initrd(vtinit, out):
    """/init = vtinit, nothing else (the guest's whole userland)."""
    c = mkinitrd.Cpio()
    c.dir("dev")
    c.chardev("dev/console", 5, 1)
    with open(vtinit, "rb") as f:
        c.file("init", f.read(), 0o755)
    path = os.path.join(out, "initrd-vt.gz")
    with open(path, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as g:
            g.write(c.finish())
    return path


def tools(out):
    """The tools as make install puts them, or None (then perfxm is
    skipped: xm and xend are someone else's work in progress)."""
    dist = os.path.join(out, "tools")
    shutil.rmtree(dist, ignore_errors=True)
    p = subprocess.run(["make", "-s", "-C", os.path.join(ROOT, "tools"),
                        "install", "DESTDIR=" + dist],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=900)
    if p.returncode or not os.path.exists(
            os.path.join(dist, "usr", "sbin", "xend")):
        print("create_time: tools do not build, xm part skipped:\n%s" %
              p.stdout.decode(errors="replace")[-1500:])
        return None
    return dist


def dom0_initrd(out, prog, tools_dist):
    """dom0's initramfs (uncompressed cpio): Xen modules, vtprobe, the two
    scenarios, the toolstack, and a second archive appended (the kernel
    unpacks concatenated archives) with the guest images in
    /var/lib/xen/perf/."""
    vmlinuz = keel.dom0_kernel()
    scen = {n: os.path.join(HERE, "scenarios", n + ".sh")
            for n in ("perfxc", "perfxm", "perfxdev")}
    data = mkinitrd.build("/bin/busybox", list(mkinitrd.DOM0_MODULES),
                          os.path.join(keel.cache_dir(), "kernel"),
                          {"vtprobe": prog["vtprobe"]}, scen,
                          tools=tools_dist)
    c = mkinitrd.Cpio()
    for d in ("var", "var/lib", "var/lib/xen", "var/lib/xen/perf"):
        c.dir(d)
    for name, src in (("vmlinuz", vmlinuz),
                      ("vmlinux", vmlinux(vmlinuz, out)),
                      ("initrd-vt.gz", guest_initrd(prog["vtinit"], out)),
                      ("tinyguest", prog["tinyguest"])):
        with open(src, "rb") as f:
            c.file("var/lib/xen/perf/" + name, f.read(), 0o644)
    path = os.path.join(out, "initrd-create.cpio")
    with open(path, "wb") as f:
        f.write(data)
        f.write(c.finish())
    return path


# --- reading the results -------------------------------------------------

def parse(log):
    """Everything vtprobe and the scenarios printed, by kind."""
    r = {"create": {}, "phases": {}, "kernel": {}, "init": {}, "hz": [],
         "memory": [], "stamp": {}, "xminit": {}, "xmrc": {},
         "xmcycle": [], "fail": [], "xend": [], "list": [], "hcall": [],
         "hv": []}
    for line in log.splitlines():
        m = re.search(r"vtprobe: create (\S+) d(\d+) tsc_create=(\d+) "
                      r"tsc_domain=(\d+) tsc_built=(\d+) "
                      r"tsc_unpaused=(\d+)", line)
        if m:
            r["create"][m.group(1)] = [int(x) for x in m.groups()[2:]]
            continue
        m = re.search(r"vtprobe: phases (\S+) d\d+ (.*)", line)
        if m:
            r["phases"][m.group(1)] = dict(
                (k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)",
                                                   m.group(2)))
            continue
        m = re.search(r"vtprobe: kernel (\S+) d\d+ (.*)", line)
        if m:
            r["kernel"][m.group(1)] = m.group(2).strip()
            continue
        m = re.search(r"vtprobe: init (\S+) d\d+ tsc=(\d+)", line)
        if m:
            r["init"][m.group(1)] = int(m.group(2))
            continue
        m = re.search(r"vtprobe: hz \S+ tsc=(\d+) ns=(\d+)", line)
        if m and int(m.group(2)):
            r["hz"].append((int(m.group(1)), int(m.group(2))))
            continue
        m = re.search(r"vtprobe: memory (\S+) cycle (\d+) d\d+ free_pages "
                      r"before (\d+) after (\d+)", line)
        if m:
            r["memory"].append((m.group(1), int(m.group(2)),
                                int(m.group(3)), int(m.group(4))))
            continue
        m = re.search(r"vtprobe: hcall \S+ xen_version_ns=(\d+)", line)
        if m:
            r["hcall"].append(int(m.group(1)))
            continue
        m = re.search(r"perfxm: hv: (\w+) d(-?\d+): ([\d.]+) ms"
                      r"(?: \(failed\))? \(tsc (\d+)\)", line)
        if m:
            r["hv"].append((m.group(1), int(m.group(2)),
                            float(m.group(3)), int(m.group(4))))
            continue
        m = re.search(r"vtprobe: stamp (\S+) tsc=(\d+)", line)
        if m:
            r["stamp"][m.group(1)] = int(m.group(2))
            continue
        m = re.search(r"perfxm: init (\S+) vtinit: tsc=(\d+)", line)
        if m:
            r["xminit"][m.group(1)] = int(m.group(2))
            continue
        m = re.search(r"perfxm: create (\S+) rc=(\d+)", line)
        if m:
            r["xmrc"][m.group(1)] = int(m.group(2))
            continue
        m = re.search(r"perfxm: cycle (\d+) free_memory\s*:\s*(\d+)", line)
        if m:
            r["xmcycle"].append((int(m.group(1)), int(m.group(2))))
            continue
        m = re.search(r"perfxm: xend\.log: (.*)", line)
        if m:
            r["xend"].append(m.group(1))
            continue
        m = re.search(r"perfxm: list (.*)", line)
        if m:
            r["list"].append(m.group(1))
            continue
        if re.search(r"vtprobe: (\S+ FAILED|.*not reached|.*: \w+ failed)|"
                     r"perfxm: tiny\d+ failed|\(d0\) Error: ", line):
            r["fail"].append(line.strip())
    return r


def figures(r, expect=()):
    """Rows of (label, what, toolstack share s, create->/init s, note),
    a list of problems and the TSC rate; expect: the xm labels the
    scenarios run should have produced."""
    problems = []
    if not r["hz"]:
        return [], ["no TSC rate measured (vtprobe hz line missing)"], 1e9
    tsc, ns = max(r["hz"], key=lambda x: x[1])
    hz = tsc * 1e9 / ns

    def s(t):
        return t / hz

    rows = []
    for label, what in (("cold", "libxc, xz vmlinuz, cache empty"),
                        ("warm", "libxc, xz vmlinuz, cached"),
                        ("staged", "warm, copied via a hypercall buffer"),
                        ("vmlinux", "libxc, uncompressed vmlinux"),
                        ("full", "libxc, cached, 10 guests running")):
        c = r["create"].get(label)
        if not c:
            if label != "staged":       # older scenario files
                problems.append("%s: no create line" % label)
            continue
        ph = r["phases"].get(label, {})
        share = s(c[3] - c[0])
        init = r["init"].get(label)
        if init is None:
            problems.append("%s: the guest's /init was not reached" % label)
        note = "build %.4f s (load %.4f, unpack %.4f, populate %.4f, " \
            "copy %.4f [map %.4f, unmap %.4f, scan %.4f, fault %.4f, " \
            "stage %.4f, hv %.4f, %s pages written, %s " \
            "skipped], setup %.4f), cache_hit=%s cache_trusted=%s" % (
                s(c[2] - c[1]), ph.get("load_ns", 0) / 1e9,
                ph.get("unpack_ns", 0) / 1e9, ph.get("populate_ns", 0) / 1e9,
                ph.get("copy_ns", 0) / 1e9, ph.get("map_ns", 0) / 1e9,
                ph.get("unmap_ns", 0) / 1e9, ph.get("scan_ns", 0) / 1e9,
                ph.get("fault_ns", 0) / 1e9, ph.get("stage_ns", 0) / 1e9,
                ph.get("hcall_ns", 0) / 1e9, ph.get("pages_written", "?"),
                ph.get("pages_skipped", "?"), ph.get("setup_ns", 0) / 1e9,
                ph.get("cache_hit", "?"), ph.get("cache_trusted", "?"))
        rows.append((label, what, share,
                     s(init - c[0]) if init is not None else None, note))
    for label, what in (("xcold", "xm create, cache empty"),
                        ("xwarm", "xm create, cached"),
                        ("xfull", "xm create, cached, 10 guests running"),
                        ("xdev", "xm create, cached, vif + file vbd"),
                        ("xdev2", "xdev again (loop, bridge warm)")):
        a, b = r["stamp"].get(label + "-start"), \
            r["stamp"].get(label + "-created")
        if a is None or b is None:
            # perfxdev runs no xfull, perfxm no xdev2.
            if label in expect:
                problems.append("%s: not run" % label)
            continue
        if r["xmrc"].get(label):
            problems.append("%s: xm create exited %d" % (label,
                                                         r["xmrc"][label]))
        init = r["xminit"].get(label)
        if init is None:
            problems.append("%s: the guest's /init was not reached" % label)
        rows.append((label, what, s(b - a),
                     s(init - a) if init is not None else None,
                     "until xm create returned (process start included)"))
    return rows, problems, hz


def memory(r):
    """Lines about the create/destroy cycles and a list of problems."""
    out, problems = [], []
    cyc = [m for m in r["memory"] if m[0] == "cycles"]
    if cyc:
        first = cyc[0][3]
        drift = [(n, after - first) for _, n, _, after in cyc
                 if after != first]
        out.append("libxc: %d create/build/unpause/destroy cycles, free "
                   "pages before the first %d, after each %s" % (
                       len(cyc), cyc[0][2],
                       "the same (%d)" % first if not drift else
                       "DIFFERENT: %s" % drift))
        if cyc[0][2] != first:
            out.append("  (the first cycle kept %d pages: the hypervisor's "
                       "pools grow once for the first guests)" %
                       (cyc[0][2] - first))
        if drift:
            problems.append("memory lost in create/destroy cycles: %s" %
                            drift)
        if len(cyc) != 20:
            problems.append("%d cycles instead of 20" % len(cyc))
    else:
        problems.append("libxc cycles: not run")
    xc = r["xmcycle"]
    if xc:
        vals = sorted(set(v for _, v in xc))
        out.append("xm: %d create/destroy cycles, xm info free_memory "
                   "after each: %s" % (len(xc), ", ".join(
                       "%d MiB" % v for v in vals)))
        if len(vals) != 1:
            problems.append("xm cycles: free_memory changed: %s" % vals)
    return out, problems


def main(argv=None):
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--xen-build", default=keel.xen_build_dir(),
                    help="Keel's O= directory (default: KEEL_XEN_BUILD or "
                    "xen/)")
    ap.add_argument("--timeout", type=int, default=3600,
                    help="wall seconds for the whole run (default 3600)")
    ap.add_argument("--only", default="perfxc,perfxm",
                    help="scenarios: perfxc (libxc), perfxm (xm), perfxdev "
                    "(xm with devices only)")
    ap.add_argument("--log", default=None,
                    help="parse this console log instead of booting")
    a = ap.parse_args(argv)

    scen = [s for s in a.only.split(",") if s]
    if a.log:
        with open(a.log, errors="replace") as f:
            log = f.read()
        wall = 0.0
    else:
        out = os.path.join(keel.out_dir(), "perf")
        os.makedirs(out, exist_ok=True)
        try:
            build = os.path.abspath(a.xen_build)
            img = os.path.join(build, "xen")
            if not os.path.exists(img):
                run(["make", "-s", "-C", os.path.join(ROOT, "xen"),
                     "O=" + build], "building Keel into " + build)
            prog = probes(out)
            xm = [s for s in scen if s in ("perfxm", "perfxdev")]
            dist = tools(out) if xm else None
            if dist is None:
                for s in xm:
                    scen.remove(s)
            initrd = dom0_initrd(out, prog, dist)
        except (Setup, keel.RigError, subprocess.TimeoutExpired) as e:
            print("create_time: error: %s" % e, file=sys.stderr)
            return 2
        mods = keel.dom0_modules(DOM0_ARGS + ",".join(scen),
                                 initrd_path=initrd)
        print("create_time: Keel %s, -cpu %s -smp %d -m %s, %s, %s" % (
            img, CPU, SMP, MEM, " ".join(COMMON), APPEND))
        sys.stdout.flush()
        start = time.monotonic()
        r = keel.boot_qemu(kernel=img, append=APPEND, modules=mods,
                           cpu=CPU, smp=SMP, mem=MEM, extra=COMMON,
                           until=r"keel-initrd: ready", timeout=a.timeout,
                           name="perf-create_time", check=False)
        wall = time.monotonic() - start
        log = r.log
        if not r.match:
            print("create_time: the run did not finish: %s" % r.why())
    res = parse(log)
    expect = set()
    if "perfxm" in scen:
        expect |= {"xcold", "xwarm", "xfull", "xdev"}
    if "perfxdev" in scen:
        expect |= {"xcold", "xwarm", "xdev", "xdev2"}
    rows, problems, hz = figures(res, expect)
    mem_lines, mem_problems = memory(res)
    problems += mem_problems + res["fail"]
    if "perfxc" not in scen:
        # The libxc rows are perfxc's.
        problems = [p for p in problems if not re.match(
            r"(cold|warm|vmlinux|full): no create line|libxc cycles: "
            r"not run", p)]

    print()
    print("TSC %.3f MHz against dom0's clock (virtual time)" % (hz / 1e6))
    print("%-8s %-38s %10s %10s" % ("", "", "->unpause", "->/init"))
    for label, what, share, init, note in rows:
        print("%-8s %-38s %8.3f s %10s" % (
            label, what, share,
            "%8.3f s" % init if init is not None else "not reached"))
        print("%-8s   %s" % ("", note))
    print()
    for line in mem_lines:
        print(line)
    if res["list"]:
        print("xm list with the tiny guests: %d lines" % len(res["list"]))
    for line in res["xend"]:
        print("xend.log: " + line)
    if res["hcall"]:
        print("one hypercall round trip from dom0 userland (xen_version "
              "through privcmd): %d ns" % min(res["hcall"]))
    # xend's hypervisor calls inside each timed xm create.
    for label in ("xcold", "xwarm", "xfull", "xdev", "xdev2"):
        a, b = res["stamp"].get(label + "-start"), \
            res["stamp"].get(label + "-created")
        if a is None or b is None:
            continue
        steps = ["%s +%.1f (%.1f ms)" % (op, (t - a) * 1e3 / hz, ms)
                 for op, _, ms, t in sorted(res["hv"], key=lambda x: x[3])
                 if a <= t <= b]
        print("%s timeline, ms after xm started: %s; xm returned +%.1f" % (
            label, ", ".join(steps) or "(no hv: lines)", (b - a) * 1e3 / hz))

    by = {row[0]: row for row in rows}
    print()
    print("against Xen 4.17 (xl create returns: %.2f s xz, %.2f s "
          "uncompressed):" % (XEN_XZ, XEN_RAW))
    for label, ref in (("cold", XEN_XZ), ("xcold", XEN_XZ),
                       ("vmlinux", XEN_RAW), ("warm", XEN_RAW),
                       ("xwarm", XEN_RAW)):
        if label in by:
            print("  %-8s %.3f s = %.2fx of %.2f s" % (
                label, by[label][2], by[label][2] / ref, ref))
    for label in ("warm", "xwarm", "full", "xfull"):
        if label in by:
            print("  %-8s toolstack share %.1f ms (target <= %.0f ms)" % (
                label, by[label][2] * 1e3, TARGET_SHARE * 1e3))
    if "xdev" in by:
        print("  %-8s toolstack share %.1f ms (target <= %.0f ms with a vif "
              "and a vbd)" % ("xdev", by["xdev"][2] * 1e3,
                              TARGET_DEV_SHARE * 1e3))
        print("  %-8s %.3f s = %.2fx of Xen 4.17's %.2f + %.2f s" % (
            "xdev", by["xdev"][2], by["xdev"][2] / (XEN_RAW + XEN_DEVS),
            XEN_RAW, XEN_DEVS))
        if "xdev2" in by:
            print("  %-8s toolstack share %.1f ms" % (
                "xdev2", by["xdev2"][2] * 1e3))
        if "xwarm" in by:
            print("  xdev-xwarm: the two devices add %.1f ms (Xen 4.17: "
                  "%.2f s more)" % ((by["xdev"][2] - by["xwarm"][2]) * 1e3,
                                    XEN_DEVS))
    for a_, b_ in (("full", "warm"), ("xfull", "xwarm")):
        if a_ in by and b_ in by:
            print("  %s/%s: %.2fx (creation with 10 guests running)" % (
                a_, b_, by[a_][2] / by[b_][2]))
    if "cold" in by and "warm" in by:
        print("  warm/cold: %.3fx (the cache saves %.3f s)" % (
            by["warm"][2] / by["cold"][2], by["cold"][2] - by["warm"][2]))
    print()
    seen = {}
    for p in problems:
        seen[p] = seen.get(p, 0) + 1
    for p, n in seen.items():
        print("create_time: problem: %s%s" % (
            p, " (%d times)" % n if n > 1 else ""))
    print("create_time: done in %.0f s wall" % wall)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
