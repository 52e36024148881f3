#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build the busybox-static initramfs used as dom0's initrd.

Written as a "newc" cpio directly, so that device nodes (/dev/console)
need no root and the archive is byte-for-byte reproducible (mtime 0,
uid/gid 0, gzip without a timestamp).

Without options it is the plain one: busybox and an /init that reaches a
shell.  With --dom0 (or --xen-modules, --prog, --scenarios) it becomes
the dom0 test initramfs:

  - kernel modules from the unpacked Debian kernel package (--kernel-root,
    default the rig's cache), with their dependencies resolved from
    modules.dep when the package has one (Debian's has not: depmod makes
    it at install time) or else from each module's .modinfo "depends=";
    .ko.xz/.ko.zst/.ko.gz are stored decompressed, listed in dependency
    order in /lib/modules/load.list;
  - the static programs of tests/dom0 (hcall, tscrtc) in /bin;
  - scenario scripts (tests/dom0/scenarios/*.sh) in /etc/keel/tests/.

Its /init prints markers the system tests wait for:

  keel-initrd: /init running on <uname -r>
  keel-initrd: insmod <name> ok | failed (<rc>)
  keel-initrd: modules loaded: <n> ok, <m> failed
  keel-initrd: xenfs mounted on /proc/xen | xenfs not mounted
  keel-initrd: scenario <name> begin / end rc=<rc>
  keel-initrd: ready

and runs the scenarios named on the kernel command line by
keel.test=<name>[,<name>...]; keel.after=shell|poweroff|reboot|halt says
what comes next (default: a shell on the console).  keel.modules=0 skips
loading the modules.

--guest makes the PV guest ramdisk instead: busybox, the front-end
modules (xen-blkfront, xen-netfront) and the guest scenarios of
tests/dom0/guest/ in /etc/keel/guest/.  Its /init prints

  keel-initrd: /init running on <uname -r>
  keel-guest: insmod <name> ok | failed (<rc>)
  keel-guest: modules loaded: <n> ok, <m> failed
  keel-guest: scenario <name> begin / end rc=<rc>
  keel-guest: ready

(its own prefix, so that a guest's console copied onto dom0's never
looks like dom0's markers), runs keel.test=... and keel.after=... like
dom0's, then a shell.

--probe puts tscrtc in front as /init (the boot-time benchmark): it times
its own start against the RTC, then executes the script, now /init.sh.

--tools DIR (with --dom0) adds dom0's userland: every file under DIR
(`make dist`'s dist/install: the tools, tools/dom0-root's init scripts and
/etc/xen) except what a running dom0 does not need (boot/, debug symbols,
headers, static archives, man pages), plus every shared library the ELF
programs in it need, as ldd resolves them on this (Debian) host, with the
dynamic loader.  After the modules load, /init runs
`/etc/init.d/keel-toolstack start` (xenstored, xenconsoled, then xend if
installed) before the scenarios; keel.toolstack=0 skips it.  Before
keel.after=poweroff|reboot|halt it runs `... stop`.  --guest-kernel and
--guest-ramdisk put the example guest's kernel and ramdisk where
/etc/xen/example expects them (/var/lib/xen/images/example/).
"""

import argparse
import gzip
import io
import lzma
import os
import re
import stat
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
DOM0_DIR = os.path.join(ROOT, "tests", "dom0")

# What dom0 needs for the toolstack and the back-ends (issue 3).
XEN_MODULES = ("xen-evtchn", "xen-privcmd", "xen-gntdev", "xen-gntalloc",
               "xenfs", "xen-blkback", "xen-netback")

# What dom0's back-ends need around them: a loop device under a file vbd,
# a bridge for the vifs (stp and llc come with it).
DOM0_MODULES = XEN_MODULES + ("loop", "bridge")

# A PV guest's front-ends (the guest ramdisk, --guest).
GUEST_MODULES = ("xen-blkfront", "xen-netfront")
GUEST_DIR = os.path.join(DOM0_DIR, "guest")

DOM0_PROGS = ("hcall", "tscrtc", "xcdemo")

# The /init scripts.  The three share their start (busybox's applets, the
# pseudo file systems, the "running on" marker) and dom0's and the guest's
# share the keel.<name>= parameters, the module loading and the scenario
# loop; they differ in their marker prefix (a guest's console copied onto
# dom0's must never look like dom0's markers), where the scenarios live and
# dom0's xenfs and toolstack steps.  So they are built from these parts.

def _init_start(title, path):
    return r"""#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# %s
/bin/busybox --install -s /bin
export PATH=%s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "keel-initrd: /init running on $(uname -r)"
""" % (title, path)


_INIT_PARAM = r"""
# keel.<name>=<value> from the kernel command line (the kernel passes
# dotted parameters to nobody, so read them here).
param()
{
    for w in $(cat /proc/cmdline); do
        case "$w" in
        keel.$1=*) echo "${w#keel.$1=}"; return 0 ;;
        esac
    done
    echo "$2"
}
"""

_INIT_MODULES = r"""
if [ "$(param modules 1)" != 0 ] && [ -s /lib/modules/load.list ]; then
    ok=0
    bad=0
    # In dependency order: insmod does not resolve anything itself.
    while read -r name path; do
        if out=$(insmod "/lib/modules/$path" 2>&1); then
            echo "@P@: insmod $name ok"
            ok=$((ok + 1))
        else
            echo "@P@: insmod $name failed ($out)"
            bad=$((bad + 1))
        fi
    done < /lib/modules/load.list
    echo "@P@: modules loaded: $ok ok, $bad failed"
fi
"""

_INIT_DOM0_XEN = r"""if grep -qw xenfs /proc/filesystems; then
    mkdir -p /proc/xen
    if mount -t xenfs xenfs /proc/xen; then
        echo "keel-initrd: xenfs mounted on /proc/xen"
    else
        echo "keel-initrd: xenfs not mounted"
    fi
fi

# dom0's toolstack (mkinitrd.py --tools): xenstored, xenconsoled, xend.
if [ "$(param toolstack 1)" != 0 ] && [ -x /etc/init.d/keel-toolstack ]; then
    /etc/init.d/keel-toolstack start
fi
"""

_INIT_SCENARIOS = r"""
for t in $(param test "" | tr , " "); do
    echo "@P@: scenario $t begin"
    if [ -f "@D@/$t.sh" ]; then
        sh "@D@/$t.sh"
        rc=$?
    else
        echo "@P@: no scenario $t"
        rc=127
    fi
    echo "@P@: scenario $t end rc=$rc"
done
echo "@P@: ready"

after=$(param after shell)
"""

_INIT_DOM0_STOP = (
    'if [ "$after" != shell ] && [ -x /etc/init.d/keel-toolstack ]; then\n'
    '    /etc/init.d/keel-toolstack stop\n'
    'fi\n')

_INIT_END = r"""case "$after" in
poweroff) poweroff -f ;;
reboot) reboot -f ;;
halt) halt -f ;;
esac
exec setsid cttyhack sh
"""


def _test_init(title, path, prefix, scen_dir, dom0):
    """dom0's or the guest's /init: markers with prefix, scenarios from
    scen_dir; dom0 adds xenfs and the toolstack's start and stop."""
    text = (_init_start(title, path) + _INIT_PARAM + _INIT_MODULES +
            (_INIT_DOM0_XEN if dom0 else "") + _INIT_SCENARIOS +
            (_INIT_DOM0_STOP if dom0 else "") + _INIT_END)
    return text.replace("@P@", prefix).replace("@D@", scen_dir)


GUEST_SHUTDOWN = r"""#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run by the guest's kernel when the toolstack asks it to @CMD@ (with no
# standard output: the line goes to the console itself).
echo "keel-guest: @CMD@ requested by the toolstack" > /dev/console
exec /bin/busybox @CMD@ -f
"""

INIT = (_init_start("Keel's test initramfs: enough of a system to reach "
                    "a shell on hvc0.", "/bin:/sbin") +
        "exec setsid cttyhack sh\n")

DOM0_INIT = _test_init("Keel's dom0 test initramfs (tests/rig/mkinitrd.py "
                       "--dom0).", "/usr/sbin:/usr/bin:/bin:/sbin",
                       "keel-initrd", "/etc/keel/tests", dom0=True)

GUEST_INIT = _test_init("Keel's PV guest ramdisk (tests/rig/mkinitrd.py "
                        "--guest).", "/bin:/sbin", "keel-guest",
                        "/etc/keel/guest", dom0=False)


class Cpio:
    """A minimal writer for the SVR4 "newc" format (070701)."""

    def __init__(self):
        self.out = io.BytesIO()
        self.ino = 1
        self.dirs = set()

    def _entry(self, name, mode, data=b"", rdev=(0, 0), nlink=1):
        name_b = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0,
            rdev[0], rdev[1], len(name_b), 0))
        self.ino += 1
        self.out.write(hdr.encode() + name_b)
        self._pad()
        self.out.write(data)
        self._pad()

    def _pad(self):
        self.out.write(b"\0" * (-self.out.tell() % 4))

    def dir(self, name, perm=0o755):
        # Once per directory: several sources may need the same parent.
        if name in self.dirs:
            return
        self.dirs.add(name)
        self._entry(name, stat.S_IFDIR | perm, nlink=2)

    def parents(self, path):
        """The directories above path, outermost first."""
        parts = path.split("/")
        for i in range(1, len(parts)):
            self.dir("/".join(parts[:i]))

    def file(self, name, data, perm=0o644):
        self._entry(name, stat.S_IFREG | perm, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor, perm=0o600):
        self._entry(name, stat.S_IFCHR | perm, rdev=(major, minor))

    def finish(self):
        self._entry("TRAILER!!!", 0)
        return self.out.getvalue()


# --- kernel modules --------------------------------------------------------

def _decompress(path):
    """A module file's contents, decompressed (.ko, .ko.xz/.zst/.gz)."""
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".xz"):
        return lzma.decompress(data)
    if path.endswith(".gz"):
        return gzip.decompress(data)
    if path.endswith(".zst"):
        p = subprocess.run(["zstd", "-dc", path], stdout=subprocess.PIPE,
                           check=True)
        return p.stdout
    return data


def modinfo(data):
    """The key=value strings of an ELF64 module's .modinfo section, as a
    dict of lists (a key may repeat, e.g. alias)."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a little-endian ELF64 module")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)

    def section(i):
        # sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size
        return struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)

    stroff = section(shstrndx)[4]
    info = {}
    for i in range(shnum):
        name_off, _, _, _, off, size = section(i)
        end = data.index(b"\0", stroff + name_off)
        if data[stroff + name_off:end] != b".modinfo":
            continue
        for item in data[off:off + size].split(b"\0"):
            if b"=" in item:
                k, v = item.decode(errors="replace").split("=", 1)
                info.setdefault(k, []).append(v)
    return info


def _modname(path):
    """Module name as the kernel spells it: basename, no .ko*, "_" for
    "-" (the kernel treats both alike)."""
    base = os.path.basename(path)
    base = base[:base.index(".ko")]
    return base.replace("-", "_")


class ModuleTree:
    """/lib/modules/<release>/ of an unpacked kernel package."""

    def __init__(self, kernel_root):
        mods = os.path.join(kernel_root, "lib", "modules")
        rels = sorted(d for d in os.listdir(mods)
                      if os.path.isdir(os.path.join(mods, d, "kernel")))
        if len(rels) != 1:
            raise SystemExit("mkinitrd: expected one kernel release under "
                             "%s, found %s" % (mods, rels or "none"))
        self.release = rels[0]
        self.dir = os.path.join(mods, self.release)
        self.paths = {}              # name -> path relative to self.dir
        for top, _, files in os.walk(os.path.join(self.dir, "kernel")):
            for f in files:
                if ".ko" in f and f.split(".ko", 1)[1] in \
                        ("", ".xz", ".zst", ".gz"):
                    rel = os.path.relpath(os.path.join(top, f), self.dir)
                    self.paths[_modname(f)] = rel
        self.builtin = set()
        b = os.path.join(self.dir, "modules.builtin")
        if os.path.exists(b):
            with open(b) as f:
                self.builtin = {_modname(l.strip()) for l in f if l.strip()}
        self.depmap = None
        dep = os.path.join(self.dir, "modules.dep")
        if os.path.exists(dep):
            self.depmap = {}
            with open(dep) as f:
                for line in f:
                    if ":" not in line:
                        continue
                    m, deps = line.split(":", 1)
                    self.depmap[_modname(m.strip())] = \
                        [_modname(d) for d in deps.split()]

    def deps(self, name):
        """Direct dependencies of a module (by name)."""
        if self.depmap is not None and name in self.depmap:
            return self.depmap[name]
        data = _decompress(os.path.join(self.dir, self.paths[name]))
        found = []
        for v in modinfo(data).get("depends", []):
            found += [_modname(d + ".ko") for d in v.split(",") if d]
        return found

    def resolve(self, wanted):
        """wanted and everything they need, dependencies first, without
        built-in ones.  Raises SystemExit on an unknown module."""
        order, state = [], {}

        def visit(n, chain):
            if n in self.builtin:
                return
            if n not in self.paths:
                raise SystemExit("mkinitrd: no module %s in %s (needed by "
                                 "%s)" % (n, self.dir,
                                          " <- ".join(chain) or "request"))
            if state.get(n) == "done":
                return
            if state.get(n) == "busy":
                raise SystemExit("mkinitrd: dependency loop: %s" %
                                 " -> ".join(chain + [n]))
            state[n] = "busy"
            for d in self.deps(n):
                visit(d, chain + [n])
            state[n] = "done"
            order.append(n)

        for w in wanted:
            visit(_modname(w + ".ko"), [])
        return order


def default_kernel_root():
    cache = os.environ.get("KEEL_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "keel")
    return os.path.join(cache, "kernel")


def build_dom0_progs(out_dir):
    """make -C tests/dom0 O=out_dir; returns {name: path}."""
    p = subprocess.run(["make", "-s", "-C", DOM0_DIR, "O=" + out_dir],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode:
        raise SystemExit("mkinitrd: building tests/dom0 failed:\n" +
                         p.stdout.decode(errors="replace"))
    return {n: os.path.join(out_dir, n) for n in DOM0_PROGS}


def scenario_files(scen_dir):
    if not scen_dir or not os.path.isdir(scen_dir):
        return {}
    return {f[:-3]: os.path.join(scen_dir, f)
            for f in sorted(os.listdir(scen_dir)) if f.endswith(".sh")}


# --- dom0's userland (--tools) ---------------------------------------------

# Parts of dist/install a running dom0 has no use for.
TOOLS_EXCLUDE = ("boot", "usr/lib/debug", "usr/include", "usr/share/man",
                 "usr/share/doc")

LDD_RE = re.compile(r"^\s*(?:(\S+)\s+=>\s+)?(\S+)\s+\(0x[0-9a-f]+\)$")


def _excluded(rel):
    return any(rel == e or rel.startswith(e + "/") for e in TOOLS_EXCLUDE) \
        or rel.endswith(".a")


def tools_tree(tools_dir):
    """[(archive path, kind, host path)] of a dist/install tree, sorted,
    parents first; kind is "dir", "file" or "symlink"."""
    out = []
    for top, dirs, files in os.walk(tools_dir):
        dirs.sort()
        rel_top = os.path.relpath(top, tools_dir)
        rel_top = "" if rel_top == "." else rel_top + "/"
        keep = []
        for d in dirs:
            rel = rel_top + d
            if _excluded(rel):
                continue
            if os.path.islink(os.path.join(top, d)):
                out.append((rel, "symlink", os.path.join(top, d)))
            else:
                keep.append(d)
                out.append((rel, "dir", os.path.join(top, d)))
        dirs[:] = keep
        for f in sorted(files):
            rel = rel_top + f
            if _excluded(rel):
                continue
            path = os.path.join(top, f)
            out.append((rel, "symlink" if os.path.islink(path) else "file",
                        path))
    return out


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def shared_libs(path):
    """{absolute path as the loader will look it up: host file} for one
    ELF program, transitively (ldd), the dynamic loader included; {} for
    a static one.  An unresolved library is an error."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LD_")}
    p = subprocess.run(["ldd", path], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env)
    out = p.stdout.decode(errors="replace")
    if p.returncode != 0 or "not a dynamic executable" in out or \
            "statically linked" in out:
        return {}
    libs = {}
    for line in out.splitlines():
        if "=> not found" in line:
            raise SystemExit("mkinitrd: %s needs %s, which this host does "
                             "not have (install its -dev package's "
                             "library)" % (path, line.split()[0]))
        m = LDD_RE.match(line)
        if not m:
            continue
        target = m.group(2)
        if not target.startswith("/"):
            continue            # linux-vdso.so.1: the kernel's
        libs[target] = os.path.realpath(target)
    return libs


def add_tools(c, tools_dir, guest_kernel=None, guest_ramdisk=None):
    """dist/install's files and their shared libraries into the archive."""
    if not os.path.isdir(tools_dir):
        raise SystemExit("mkinitrd: --tools %s: no such directory (run "
                         "`make dist` first)" % tools_dir)
    libs = {}
    for rel, kind, path in tools_tree(tools_dir):
        c.parents(rel)
        if kind == "dir":
            c.dir(rel, stat.S_IMODE(os.stat(path).st_mode))
        elif kind == "symlink":
            c.symlink(rel, os.readlink(path))
        else:
            with open(path, "rb") as f:
                data = f.read()
            c.file(rel, data, stat.S_IMODE(os.stat(path).st_mode))
            if data[:4] == b"\x7fELF":
                libs.update(shared_libs(path))
    for target in sorted(libs):
        rel = target.lstrip("/")
        c.parents(rel)
        with open(libs[target], "rb") as f:
            c.file(rel, f.read(), 0o755)
    for src, name in ((guest_kernel, "vmlinuz"),
                      (guest_ramdisk, "initrd.gz")):
        if src:
            rel = "var/lib/xen/images/example/" + name
            c.parents(rel)
            with open(src, "rb") as f:
                c.file(rel, f.read(), 0o644)
    return sorted(libs)


def build(busybox, modules=(), kernel_root=None, progs=None,
          scenarios=None, probe=False, tools=None, guest_kernel=None,
          guest_ramdisk=None, guest=False):
    """The cpio archive (bytes).  modules: names to include with their
    dependencies; progs: {name: host path} for /bin; scenarios: {name:
    host path} for /etc/keel/tests; probe: tscrtc (in progs) as /init;
    tools: a dist/install tree (dom0's userland), guest_kernel and
    guest_ramdisk: the example guest's; guest: the PV guest ramdisk
    (GUEST_INIT, scenarios in /etc/keel/guest)."""
    progs = progs or {}
    scenarios = scenarios or {}
    with open(busybox, "rb") as f:
        bb = f.read()
    if bb[:4] != b"\x7fELF":
        raise SystemExit("mkinitrd: %s is not an ELF binary" % busybox)
    dom0 = bool(modules or progs or scenarios or probe or tools) and \
        not guest
    c = Cpio()
    for d in ("bin", "sbin", "dev", "proc", "sys", "tmp", "root", "etc",
              "lib", "lib/modules", "mnt", "var", "run"):
        c.dir(d)
    # The kernel opens /dev/console before /init runs (and before devtmpfs
    # is mounted), so the node has to be in the archive itself.
    c.chardev("dev/console", 5, 1)
    c.chardev("dev/null", 1, 3, 0o666)
    c.file("bin/busybox", bb, 0o755)
    c.symlink("bin/sh", "busybox")
    if not dom0 and not guest:
        c.file("init", INIT.encode(), 0o755)
        return c.finish()

    if modules:
        tree = ModuleTree(kernel_root or default_kernel_root())
        order = tree.resolve(modules)
        made = set()
        listing = []
        for n in order:
            rel = tree.paths[n]
            rel_ko = rel[:rel.index(".ko") + 3]
            # Parent directories first: the kernel's unpacker needs them.
            parts = ("lib/modules/" + tree.release + "/" + rel_ko).split("/")
            for i in range(2, len(parts)):
                d = "/".join(parts[:i])
                if d not in made and d != "lib/modules":
                    c.dir(d)
                    made.add(d)
            c.file("lib/modules/%s/%s" % (tree.release, rel_ko),
                   _decompress(os.path.join(tree.dir, rel)))
            listing.append("%s %s/%s\n" % (n, tree.release, rel_ko))
        c.file("lib/modules/load.list", "".join(listing).encode())
    for name in sorted(progs):
        with open(progs[name], "rb") as f:
            c.file("bin/" + name, f.read(), 0o755)
    if scenarios:
        sdir = "etc/keel/guest" if guest else "etc/keel/tests"
        c.dir("etc/keel")
        c.dir(sdir)
        for name in sorted(scenarios):
            with open(scenarios[name], "rb") as f:
                c.file("%s/%s.sh" % (sdir, name), f.read(), 0o755)
    if guest:
        c.file("init", GUEST_INIT.encode(), 0o755)
        # xm shutdown/reboot ask a PV guest through xenstore's
        # control/shutdown; Linux then runs /sbin/poweroff or /sbin/reboot
        # (orderly_poweroff/orderly_reboot) and does nothing more if it is
        # missing.  busybox put its applets in /bin, and its own poweroff
        # would signal an init this ramdisk does not have: so these.
        for cmd in ("poweroff", "reboot"):
            c.file("sbin/" + cmd, GUEST_SHUTDOWN.replace(
                "@CMD@", cmd).encode(), 0o755)
        return c.finish()
    if tools:
        add_tools(c, tools, guest_kernel, guest_ramdisk)
    if probe:
        if "tscrtc" not in progs:
            raise SystemExit("mkinitrd: --probe needs the tscrtc program")
        c.file("init.sh", DOM0_INIT.encode(), 0o755)
        c.symlink("init", "bin/tscrtc")
    else:
        c.file("init", DOM0_INIT.encode(), 0o755)
    return c.finish()


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--busybox", default="/bin/busybox")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--dom0", action="store_true",
                    help="--xen-modules, the tests/dom0 programs and "
                    "scenarios")
    ap.add_argument("--guest", action="store_true",
                    help="the PV guest ramdisk: front-end modules (" +
                    " ".join(GUEST_MODULES) + ") and tests/dom0/guest's "
                    "scenarios")
    ap.add_argument("--xen-modules", action="store_true",
                    help="the Xen modules dom0 needs: " +
                    " ".join(XEN_MODULES))
    ap.add_argument("--module", action="append", default=[],
                    help="one more kernel module (repeatable)")
    ap.add_argument("--kernel-root", default=None,
                    help="unpacked kernel package (default: "
                    "$KEEL_CACHE/kernel)")
    ap.add_argument("--progs", action="store_true",
                    help="build and include tests/dom0's programs")
    ap.add_argument("--progs-dir", default=None,
                    help="where to build them (default: beside -o)")
    ap.add_argument("--scenarios", default=None,
                    help="directory of scenario scripts (with --dom0: "
                    "tests/dom0/scenarios)")
    ap.add_argument("--probe", action="store_true",
                    help="tscrtc as /init in front of the script "
                    "(implies --progs)")
    ap.add_argument("--tools", default=None, metavar="DIR",
                    help="dom0's userland: DIR (make dist's dist/install) "
                    "and the shared libraries its programs need")
    ap.add_argument("--guest-kernel", default=None,
                    help="with --tools: the example guest's kernel")
    ap.add_argument("--guest-ramdisk", default=None,
                    help="with --tools: the example guest's ramdisk")
    ap.add_argument("--list", action="store_true",
                    help="print the archive's modules in load order")
    args = ap.parse_args()
    modules = list(args.module)
    if args.guest and (args.dom0 or args.xen_modules or args.progs or
                       args.probe or args.tools):
        ap.error("--guest makes a guest's ramdisk: no dom0 options")
    if args.dom0:
        modules = list(DOM0_MODULES) + modules
    elif args.xen_modules:
        modules = list(XEN_MODULES) + modules
    elif args.guest:
        modules = list(GUEST_MODULES) + modules
    progs = None
    if args.dom0 or args.progs or args.probe:
        progs = build_dom0_progs(os.path.abspath(
            args.progs_dir or os.path.join(
                os.path.dirname(os.path.abspath(args.output)), "dom0-progs")))
    scen = args.scenarios
    if scen is None and args.dom0:
        scen = os.path.join(DOM0_DIR, "scenarios")
    elif scen is None and args.guest:
        scen = GUEST_DIR
    scenarios = scenario_files(scen)
    if (args.guest_kernel or args.guest_ramdisk) and not args.tools:
        ap.error("--guest-kernel and --guest-ramdisk need --tools")
    data = build(args.busybox, modules, args.kernel_root, progs, scenarios,
                 args.probe, args.tools, args.guest_kernel,
                 args.guest_ramdisk, args.guest)
    if args.list and modules:
        tree = ModuleTree(args.kernel_root or default_kernel_root())
        print("\n".join(tree.resolve(modules)))
    with open(args.output, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0,
                           filename="") as gz:
            gz.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
