# SPDX-License-Identifier: GPL-2.0-or-later
"""The Keel boot rig: boot media for every loader, and emulator runs.

Used by the system tests (tests/system/test_*.py), tests/rig/run.sh and
anyone who wants to boot the hypervisor by hand:

    import keel
    iso = keel.make_grub_iso(keel.out_path("x.iso"),
                             [keel.default_entry()], "multiboot2")
    r = keel.boot_qemu(iso=iso, until=keel.BOOT_DONE)
    assert "Brought up 2 CPUs" in r.log

Environment:
    KEEL_XEN_BUILD  directory holding xen, xen.gz (default: <tree>/xen)
    KEEL_CACHE      deps.sh's cache (default: ~/.cache/keel)
    KEEL_OUT        where logs and media go (default: <tree>/tests/out)
    KEEL_TEST_NAME  set by tests/run: names the console logs of a test
"""

import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))

# What the hypervisor prints once it has finished booting, before it starts
# dom0 ("Boot complete: starting dom0") or idles without one.
BOOT_DONE = r"\(XEN\) Boot complete: "
# dom0's kernel has taken over the console (its first lines).
DOM0_STARTED = r"\(XEN\) \*\*\* Serial input to DOM0 "
# Lines that mean it will not get there.
BOOT_FAILED = r"\(XEN\) (Panic on CPU|\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*\*)"

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"

DEFAULT_TIMEOUT = 120


class RigError(Exception):
    """The rig itself could not do what was asked (missing file, tool)."""


class BootFailure(AssertionError):
    """A boot did not reach what the test waited for."""


# --- where things are ----------------------------------------------------

def cache_dir():
    return os.environ.get("KEEL_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "keel")


def out_dir():
    d = os.environ.get("KEEL_OUT") or os.path.join(ROOT, "tests", "out")
    os.makedirs(d, exist_ok=True)
    return d


def out_path(name):
    """A path for a file named after the running test, under tests/out."""
    return os.path.join(out_dir(), "%s-%s" % (test_name(), name))


def test_name():
    return os.environ.get("KEEL_TEST_NAME") or "manual"


def xen_build_dir():
    return os.path.abspath(os.environ.get("KEEL_XEN_BUILD") or
                           os.path.join(ROOT, "xen"))


def _need(path, what, hint):
    if not os.path.exists(path):
        raise RigError("%s not found at %s (%s)" % (what, path, hint))
    return path


def xen_image(name="xen.gz"):
    """xen.gz (GRUB) or xen (QEMU -kernel) from the build directory."""
    return _need(os.path.join(xen_build_dir(), name), name,
                 "build it with make -C xen, or set KEEL_XEN_BUILD")


def dom0_kernel():
    """The Debian vmlinuz unpacked by deps.sh."""
    return _need(os.path.realpath(os.path.join(cache_dir(), "vmlinuz")),
                 "the dom0 kernel", "run make deps")


def dom0_kernel_name():
    """Its file name, e.g. vmlinuz-6.1.0-56-amd64."""
    return os.path.basename(dom0_kernel())


def initrd():
    return _need(os.path.join(cache_dir(), "initrd.gz"), "initrd.gz",
                 "run make deps")


def dom0_initrd():
    """The dom0 test initramfs (deps.sh: mkinitrd.py --dom0): Xen modules
    loaded by /init, hcall/tscrtc, scenarios run by keel.test=<name>."""
    return _need(os.path.join(cache_dir(), "initrd-dom0.gz"),
                 "initrd-dom0.gz", "run make deps")


def stage2_eltorito():
    return _need(os.path.realpath(os.path.join(cache_dir(),
                                               "stage2_eltorito")),
                 "GRUB 0.97's stage2_eltorito", "run make deps")


# --- boot entries --------------------------------------------------------

class Module:
    """A multiboot module: a host file, where it goes on the medium, its
    command line (without the path: the loader decides about that), and
    whether GRUB2 should leave a gzip file compressed (--nounzip)."""

    def __init__(self, src, dest=None, args="", nounzip=False):
        self.src = src
        self.dest = dest or "/boot/" + os.path.basename(src)
        self.args = args
        self.nounzip = nounzip


class Entry:
    """One menu entry: the hypervisor image and its modules."""

    def __init__(self, args="", modules=(), kernel=None,
                 kernel_dest="/boot/xen.gz", title="Keel"):
        self.kernel = kernel or xen_image("xen.gz")
        self.kernel_dest = kernel_dest
        self.args = args
        self.modules = list(modules)
        self.title = title


# Linux's IO-APIC timer check (timer_irq_works) counts timer interrupts
# in a window measured with the TSC.  Under emulation on a loaded host the
# interrupts lag the TSC and dom0 panics "IO-APIC + timer doesn't work"
# (seen with six emulators on two cores).  Linux skips the check itself in
# the VMs it recognises (KVM, VMware, Hyper-V); dom0 is told so here.
DOM0_TIMER_ARG = "no_timer_check"


def dom0_modules(kernel_args="console=hvc0 earlyprintk=xen",
                 initrd_nounzip=True, dest_dir="/boot", initrd_path=None):
    """The Debian vmlinuz and the busybox initramfs as modules
    (initrd_path=dom0_initrd() for the one with Xen modules and tests).
    DOM0_TIMER_ARG is added to kernel_args unless there already."""
    if DOM0_TIMER_ARG not in kernel_args.split():
        kernel_args = (kernel_args + " " + DOM0_TIMER_ARG).strip()
    k = dom0_kernel()
    rd = initrd_path or initrd()
    return [Module(k, dest_dir.rstrip("/") + "/" + os.path.basename(k),
                   kernel_args),
            Module(rd, dest_dir.rstrip("/") + "/" + os.path.basename(rd), "",
                   nounzip=initrd_nounzip)]


def _mkinitrd(*args):
    subprocess.run(["python3", os.path.join(ROOT, "tests", "rig",
                                            "mkinitrd.py"),
                    "--busybox", "/bin/busybox",
                    "--kernel-root", os.path.join(cache_dir(), "kernel")] +
                   list(args), check=True)


def guest_initrd(name):
    """A PV guest ramdisk (mkinitrd.py --guest: the front-end modules and
    tests/dom0/guest scenarios) built from the tree into tests/out."""
    out = os.path.join(out_dir(), "initrd-%s-guest.gz" % name)
    _mkinitrd("--guest", "-o", out)
    return out


def tools_initrd(name, guest_ramdisk=None, add=None):
    """dom0's toolstack initramfs built from the tree: `make -C tools
    install` into tests/out/<name>-tools (then add(dist) may put more
    there), made into tests/out/initrd-dom0-<name>.gz with the test
    programs, the scenarios and the example guest (Debian's kernel and
    guest_ramdisk, by default the cached busybox initrd.gz)."""
    o = out_dir()
    dist = os.path.join(o, name + "-tools")
    shutil.rmtree(dist, ignore_errors=True)
    subprocess.run(["make", "-s", "-C", os.path.join(ROOT, "tools"),
                    "install", "DESTDIR=" + dist], check=True,
                   stdout=subprocess.DEVNULL)
    if not os.path.exists(os.path.join(dist, "usr", "sbin", "xend")):
        raise RigError("make -C tools install put no usr/sbin/xend in %s"
                       % dist)
    if add:
        add(dist)
    out = os.path.join(o, "initrd-dom0-%s.gz" % name)
    _mkinitrd("--dom0", "--progs-dir", os.path.join(o, "dom0-progs"),
              "--tools", dist,
              "--guest-kernel", os.path.join(cache_dir(), "vmlinuz"),
              "--guest-ramdisk", guest_ramdisk or initrd(), "-o", out)
    return out


def default_entry(args="dom0_mem=512M console=com1 loglvl=all", **kw):
    return Entry(args=args, modules=dom0_modules(), **kw)


# --- GRUB media ----------------------------------------------------------

GRUB2_SERIAL = """serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
set default=0
"""

GRUB1_SERIAL = """serial --unit=0 --speed=115200
terminal --timeout=0 serial
default 0
timeout 0
hiddenmenu
"""

# The kinds make_grub_iso knows, and the names they may go by.
KINDS = {
    "multiboot": "multiboot", "mb1": "multiboot",
    "multiboot2": "multiboot2", "mb2": "multiboot2",
    "legacy_configfile": "legacy_configfile",
    "grub-legacy": "grub-legacy", "grub097": "grub-legacy",
    "grub0.97": "grub-legacy",
    "efi": "efi",
}


def _words(cmd, path, args):
    return " ".join(w for w in (cmd, path, args) if w)


def grub2_cfg(entries, kind):
    """grub.cfg text for GRUB2 booting entries with multiboot or
    multiboot2 (kind "efi" is multiboot2)."""
    mb, mod = (("multiboot", "module") if kind == "multiboot"
               else ("multiboot2", "module2"))
    out = [GRUB2_SERIAL]
    for e in entries:
        out.append("menuentry %s {" % shlex.quote(e.title))
        out.append("    " + _words(mb, e.kernel_dest, e.args))
        for m in e.modules:
            cmd = mod + (" --nounzip" if m.nounzip else "")
            out.append("    " + _words(cmd, m.dest, m.args))
        out.append("}")
    return "\n".join(out) + "\n"


def menu_lst(entries):
    """A menu.lst as a Xen 3.x / Oracle VM administrator writes it."""
    out = [GRUB1_SERIAL]
    for e in entries:
        out.append("title %s" % e.title)
        out.append("    " + _words("kernel", e.kernel_dest, e.args))
        for m in e.modules:
            # GRUB 0.97 and GRUB2's legacy parser both know modulenounzip.
            cmd = "modulenounzip" if m.nounzip else "module"
            out.append("    " + _words(cmd, m.dest, m.args))
    return "\n".join(out) + "\n"


def _populate(tree, entries):
    for e in entries:
        for src, dest in [(e.kernel, e.kernel_dest)] + \
                         [(m.src, m.dest) for m in e.modules]:
            if not os.path.exists(src):
                raise RigError("boot file %s not found" % src)
            target = os.path.join(tree, dest.lstrip("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            # Hard links where possible: the media are made per test.
            if os.path.exists(target):
                os.unlink(target)
            try:
                os.link(os.path.realpath(src), target)
            except OSError:
                shutil.copyfile(src, target)


def _run(cmd, what):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=120)
    if p.returncode:
        raise RigError("%s failed (exit %d): %s\n%s" % (
            what, p.returncode, " ".join(cmd),
            p.stdout.decode(errors="replace")[-3000:]))


def make_grub_iso(path, entries, kind):
    """Write a bootable ISO at path that boots the first of entries
    (Entry objects) automatically, menus on the serial port, by:

      "multiboot"          GRUB2 (BIOS and EFI hybrid) multiboot + module
      "multiboot2"         GRUB2 multiboot2 + module2
      "legacy_configfile"  GRUB2 reading /boot/grub/menu.lst
      "grub-legacy"        GRUB 0.97 (El Torito) reading menu.lst
      "efi"                GRUB2 multiboot2; boot it with efi=True

    Returns path."""
    kind_n = KINDS.get(kind)
    if kind_n is None:
        raise ValueError("unknown boot kind %r (one of %s)" %
                         (kind, ", ".join(sorted(KINDS))))
    if isinstance(entries, Entry):
        entries = [entries]
    path = os.path.abspath(path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tree = tempfile.mkdtemp(prefix="keel-iso-", dir=os.path.dirname(path))
    try:
        _populate(tree, entries)
        grub = os.path.join(tree, "boot", "grub")
        os.makedirs(grub, exist_ok=True)
        if kind_n == "grub-legacy":
            shutil.copyfile(stage2_eltorito(),
                            os.path.join(grub, "stage2_eltorito"))
            with open(os.path.join(grub, "menu.lst"), "w") as f:
                f.write(menu_lst(entries))
            _run(["xorriso", "-as", "mkisofs", "-quiet", "-R",
                  "-b", "boot/grub/stage2_eltorito", "-no-emul-boot",
                  "-boot-load-size", "4", "-boot-info-table",
                  "-o", path, tree], "xorriso")
        else:
            if kind_n == "legacy_configfile":
                with open(os.path.join(grub, "menu.lst"), "w") as f:
                    f.write(menu_lst(entries))
                cfg = GRUB2_SERIAL + \
                    "legacy_configfile /boot/grub/menu.lst\n"
            else:
                cfg = grub2_cfg(entries, kind_n)
            with open(os.path.join(grub, "grub.cfg"), "w") as f:
                f.write(cfg)
            _run(["grub-mkrescue", "-o", path, tree], "grub-mkrescue")
    finally:
        shutil.rmtree(tree, ignore_errors=True)
    return path


# --- running QEMU --------------------------------------------------------

_ANSI = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|[()][0-9A-Za-z]|[=>78cDEHM])")


def clean_console(raw):
    """Serial bytes to text lines: no CRs, no terminal escape sequences
    (GRUB2 draws with them), no NULs."""
    text = raw.decode("utf-8", errors="replace")
    text = _ANSI.sub("", text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "")


class BootResult:
    """What one emulator run did."""

    def __init__(self, cmd, raw, status, timed_out, match, seconds,
                 log_path, until):
        self.cmd = cmd
        self.raw = raw
        self.log = clean_console(raw)
        self.status = status            # exit status, None if we killed it
        self.timed_out = timed_out
        self.match = match              # re.Match of `until`, or None
        self.seconds = seconds
        self.log_path = log_path
        self.until = until

    @property
    def lines(self):
        return self.log.splitlines()

    @property
    def xen_lines(self):
        """The hypervisor's lines, without the "(XEN) " prefix."""
        return [l[6:] for l in self.lines if l.startswith("(XEN) ")]

    def grep(self, regex):
        """Every match of regex on a line, as re.Match objects."""
        r = re.compile(regex)
        return [m for m in (r.search(l) for l in self.lines) if m]

    def first(self, regex):
        """The first match of regex on a line; BootFailure if none."""
        found = self.grep(regex)
        if not found:
            raise BootFailure("no line matches /%s/\n%s" %
                              (regex, self.tail()))
        return found[0]

    def tail(self, n=30):
        lines = self.lines[-n:]
        return "last %d console lines (%s):\n%s" % (
            len(lines), self.log_path,
            "\n".join("    | " + l for l in lines))

    def why(self):
        if self.match:
            return "reached /%s/" % self.until
        if getattr(self, "failed", None):
            return "failed before /%s/: %s" % (self.until,
                                                self.failed.strip())
        if self.until is None and not self.timed_out:
            return "the emulator exited with status %s" % self.status
        if self.timed_out:
            return "timed out after %.0fs waiting for /%s/" % (
                getattr(self, "timeout", self.seconds), self.until)
        return "the emulator exited with status %s before /%s/ " \
            "appeared" % (
            self.status, self.until)


_run_counter = {}


def _log_path(name):
    base = name or test_name()
    n = _run_counter.get(base, 0)
    _run_counter[base] = n + 1
    return os.path.join(out_dir(),
                        "%s.log" % base if n == 0 else "%s.%d.log" % (base, n))


def initrd_arg(modules):
    """QEMU's multiboot -initrd string: "file args,file2 args"; a comma
    inside an argument is written as ",," (QEMU's escape)."""
    parts = []
    for m in modules:
        if isinstance(m, Module):
            src, args = m.src, m.args
        elif isinstance(m, (tuple, list)):
            src, args = m[0], (m[1] if len(m) > 1 else "")
        else:
            src, args = m, ""
        s = src + (" " + args if args else "")
        parts.append(s.replace(",", ",,"))
    return ",".join(parts)


def qemu_cmd(kernel=None, append=None, modules=(), iso=None, efi=False,
             cpu="max", smp=2, mem="2048", machine=None, extra=(),
             vars_copy=None):
    cmd = ["qemu-system-x86_64", "-accel", "tcg", "-cpu", cpu,
           "-smp", str(smp), "-m", str(mem),
           "-display", "none", "-serial", "stdio", "-monitor", "none",
           "-parallel", "none", "-no-reboot",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if efi:
        cmd += ["-M", machine or "q35",
                "-drive", "if=pflash,format=raw,readonly=on,file=" + OVMF_CODE,
                "-drive", "if=pflash,format=raw,file=" + vars_copy]
    elif machine:
        cmd += ["-M", machine]
    if iso:
        cmd += ["-cdrom", iso, "-boot", "d"]
    elif kernel:
        cmd += ["-kernel", kernel]
        if append is not None:
            cmd += ["-append", append]
        if modules:
            cmd += ["-initrd", initrd_arg(modules)]
    cmd += list(extra)
    return cmd


def _kill(proc):
    """Stop QEMU and anything it started: SIGTERM, then SIGKILL."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=3)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def watch(cmd, until=None, timeout=DEFAULT_TIMEOUT, name=None, fail=None,
          check=False, serial_fifo=None, term_log=None, script=()):
    """Run cmd (an emulator writing its console to stdout, or to the FIFO
    serial_fifo), stream the console to tests/out/<name>.log, and return
    a BootResult when `until` (a regex) appears in the cleaned console
    text, or `fail` does, or the process exits, or `timeout` seconds pass
    (then it is killed).  With check=True, anything but reaching `until`
    raises BootFailure showing the last 30 console lines.

    script: (regex, bytes) steps for typing on the serial line (emulator
    on stdout only): once a step's regex appears in the console text
    after where the previous step's matched, its bytes are written to
    the emulator's stdin.  `until` is looked for only after the last
    step was sent, and only in the text after its match."""
    log_path = _log_path(name)
    steps = [(re.compile(rx, re.M), data) for rx, data in script]
    script_pos = 0
    until_re = re.compile(until, re.M) if until else None
    fail_re = re.compile(fail, re.M) if fail else None
    start = time.monotonic()
    deadline = start + timeout
    raw = bytearray()
    match = None
    failed = None
    timed_out = False
    exited = False
    keep_open = None
    with open(log_path, "wb") as logf:
        logf.write(("# %s\n" % " ".join(shlex.quote(c) for c in cmd))
                   .encode())
        logf.flush()
        if serial_fifo:
            # Our own write end keeps the FIFO from reading as EOF before
            # the emulator opens it (and after it closes it): the loop
            # then wakes only for data, and learns of the exit by poll().
            fd = os.open(serial_fifo, os.O_RDONLY | os.O_NONBLOCK)
            keep_open = os.open(serial_fifo, os.O_WRONLY | os.O_NONBLOCK)
            out = open(term_log or os.devnull, "wb")
        else:
            out = subprocess.PIPE
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE
                                    if steps else subprocess.DEVNULL,
                                    stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        except OSError as e:
            raise RigError("cannot run %s: %s" % (cmd[0], e))
        if not serial_fifo:
            fd = proc.stdout.fileno()
        try:
            scanned = 0
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    timed_out = True
                    break
                ready, _, _ = select.select([fd], [], [], min(left, 0.5))
                if not ready:
                    if serial_fifo and proc.poll() is not None:
                        _drain(fd, raw, logf, 0.2)
                        exited = True
                        break
                    continue
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    exited = True   # EOF: the emulator exited
                    break
                raw += chunk
                logf.write(chunk)
                logf.flush()
                # Only look at complete lines, and only once new ones came.
                end = raw.rfind(b"\n")
                if end < scanned:
                    continue
                text = clean_console(bytes(raw[:end + 1]))
                while steps:
                    m = steps[0][0].search(text, script_pos)
                    if not m:
                        break
                    script_pos = m.end()
                    try:
                        proc.stdin.write(steps.pop(0)[1])
                        proc.stdin.flush()
                    except OSError:
                        pass    # the emulator is gone: seen as EOF next
                if until_re and not steps:
                    match = until_re.search(text, script_pos)
                    if match:
                        break
                if fail_re:
                    failed = fail_re.search(text)
                    if failed:
                        # Let the rest of a panic message arrive.
                        _drain(fd, raw, logf, 1.0)
                        break
                scanned = end + 1
        finally:
            _kill(proc)
            if proc.stdin:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
            _drain(fd, raw, logf, 0.3)
            if serial_fifo:
                os.close(fd)
                os.close(keep_open)
                out.close()
            else:
                proc.stdout.close()
    # The exit status is the emulator's own only if it stopped by itself.
    status = proc.returncode if exited else None
    if until_re and match is None and not steps:
        match = until_re.search(clean_console(bytes(raw)), script_pos)
    r = BootResult(cmd, bytes(raw), status, timed_out, match,
                   time.monotonic() - start, log_path, until)
    r.pid = proc.pid
    r.failed = None
    if failed:
        # The whole line that matched `fail`.
        text = clean_console(bytes(raw))
        m = fail_re.search(text)
        if m:
            ls = text.rfind("\n", 0, m.start()) + 1
            le = text.find("\n", m.end())
            r.failed = text[ls:le if le >= 0 else len(text)]
    r.timeout = timeout
    if check and until_re and not r.match:
        raise BootFailure("%s\n%s" % (r.why(), r.tail()))
    return r


def _drain(fd, raw, logf, seconds):
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        try:
            ready, _, _ = select.select([fd], [], [], left)
        except (ValueError, OSError):
            return
        if not ready:
            return
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return
        if not chunk:
            return
        raw += chunk
        logf.write(chunk)
        logf.flush()


def boot_qemu(kernel=None, append=None, modules=(), iso=None, efi=False,
              cpu="max", smp=2, mem="2048", machine=None, extra=(),
              until=BOOT_DONE, fail=BOOT_FAILED, timeout=DEFAULT_TIMEOUT,
              name=None, check=True, script=()):
    """Boot under qemu-system-x86_64 -accel tcg and watch the serial port.

    From a kernel: kernel= the ELF32 image (keel.xen_image("xen")),
    append= its command line (QEMU puts the image path in front),
    modules= Module objects, paths or (path, args) tuples for -initrd.
    From media: iso= a path from make_grub_iso; efi=True boots it under
    OVMF on q35 (with a private copy of the variable store).

    Returns a BootResult once `until` appears (then QEMU is killed), or
    `fail` appears, or QEMU exits, or `timeout` passes.  With check=True
    (the default) anything but reaching `until` raises BootFailure with
    the last 30 console lines.  script= types on the serial line as
    output arrives (see watch())."""
    vars_copy = None
    if efi:
        vars_copy = _log_path(name).replace(".log", ".vars.fd")
        _run_counter[name or test_name()] -= 1   # same number as the log
        shutil.copyfile(OVMF_VARS, vars_copy)
    if kernel is None and iso is None:
        kernel = xen_image("xen")
    cmd = qemu_cmd(kernel=kernel, append=append, modules=modules, iso=iso,
                   efi=efi, cpu=cpu, smp=smp, mem=mem, machine=machine,
                   extra=extra, vars_copy=vars_copy)
    try:
        return watch(cmd, until=until, timeout=timeout, name=name,
                     fail=fail, check=check, script=script)
    finally:
        if vars_copy:
            try:
                os.unlink(vars_copy)
            except OSError:
                pass


# --- running Bochs (Intel VT-x + EPT) ----------------------------------------

BOCHS_BIOS = "/usr/share/bochs/BIOS-bochs-latest"
BOCHS_VGABIOS = "/usr/share/bochs/VGABIOS-lgpl-latest"


def bochsrc(iso, serial, cpu_model="corei7_skylake_x", cpus=1, megs=512,
            log="bochs.log", extra=()):
    """A bochsrc booting iso from CD with COM1 going to the file serial.
    Debian's Bochs has no "nogui" display: "term" runs under script(1)."""
    lines = [
        "megs: %d" % megs,
        "cpu: model=%s, count=%d" % (cpu_model, cpus),
        "romimage: file=%s" % BOCHS_BIOS,
        "vgaromimage: file=%s" % BOCHS_VGABIOS,
        "ata0-master: type=cdrom, path=%s, status=inserted" % iso,
        "boot: cdrom",
        "com1: enabled=1, mode=file, dev=%s" % serial,
        # Guest time independent of the host: runs repeat exactly.
        "clock: sync=none, time0=946684800",
        "display_library: term",
        "log: %s" % log,
        "panic: action=fatal",
        "error: action=report",
        "info: action=ignore",
        "debug: action=ignore",
    ]
    return "\n".join(lines + list(extra)) + "\n"


def boot_bochs(iso, cpu_model="corei7_skylake_x", cpus=1, megs=512,
               until=BOOT_DONE, fail=BOOT_FAILED, timeout=300, name=None,
               check=True, extra=()):
    """Boot iso (from make_grub_iso) under Bochs with a VT-x CPU model and
    watch COM1, like boot_qemu.  COM1 goes to a FIFO that is read as it
    fills; Bochs' own log and its terminal display are kept next to the
    console log (tests/out/<name>.bochs/).  The guest can end the run by
    writing "Shutdown" to port 0x8900.  Bochs runs at ~140 MIPS: budget
    tens of seconds for GRUB and the hypervisor, minutes for a Linux."""
    base = _log_path(name)[:-len(".log")]
    _run_counter[name or test_name()] -= 1    # watch() takes the same name
    work = base + ".bochs"
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    fifo = os.path.join(work, "com1")
    os.mkfifo(fifo)
    rc = os.path.join(work, "bochsrc")
    with open(rc, "w") as f:
        f.write(bochsrc(os.path.abspath(iso), fifo, cpu_model, cpus, megs,
                        os.path.join(work, "bochs.log"), extra))
    # The debugger is compiled in: without commands it stops at a prompt.
    cmds = os.path.join(work, "cmds")
    with open(cmds, "w") as f:
        f.write("c\nquit\n")
    cmd = ["script", "-qfec",
           "bochs -q -f %s -rc %s" % (shlex.quote(rc), shlex.quote(cmds)),
           "/dev/null"]
    return watch(cmd, until=until, timeout=timeout, name=name, fail=fail,
                 check=check, serial_fifo=fifo,
                 term_log=os.path.join(work, "terminal.out"))


# --- a command line for run.sh and humans ---------------------------------

def _main(argv):
    import argparse
    ap = argparse.ArgumentParser(prog="keel.py",
                                 description="Keel boot rig helpers")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("iso", help="make a boot ISO")
    p.add_argument("kind", choices=sorted(KINDS))
    p.add_argument("output")
    p.add_argument("--xen", help="hypervisor image (default: xen.gz from "
                   "KEEL_XEN_BUILD or xen/)")
    p.add_argument("--args", default="dom0_mem=512M console=com1 "
                   "loglvl=all", help="hypervisor command line")
    p.add_argument("--dom0-args",
                   default="console=hvc0 earlyprintk=xen " + DOM0_TIMER_ARG)
    p.add_argument("--no-dom0", action="store_true",
                   help="no kernel/initrd modules")
    p.add_argument("--initrd", default=None,
                   help="dom0's initramfs (default: the plain busybox one)")
    p.add_argument("--print-config", action="store_true")
    a = ap.parse_args(argv)
    if a.cmd == "iso":
        # menu.lst gets plain "module" lines, as administrators write them.
        legacy = KINDS[a.kind] in ("grub-legacy", "legacy_configfile")
        mods = [] if a.no_dom0 else dom0_modules(a.dom0_args,
                                                 initrd_nounzip=not legacy,
                                                 initrd_path=a.initrd)
        e = Entry(args=a.args, modules=mods, kernel=a.xen)
        make_grub_iso(a.output, [e], a.kind)
        if a.print_config:
            kn = KINDS[a.kind]
            print(menu_lst([e]) if kn in ("grub-legacy",
                                          "legacy_configfile")
                  else grub2_cfg([e], kn), end="")
    return 0


if __name__ == "__main__":
    import sys
    try:
        sys.exit(_main(sys.argv[1:]))
    except RigError as e:
        print("keel.py: error: %s" % e, file=sys.stderr)
        sys.exit(1)
