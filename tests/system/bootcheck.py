# SPDX-License-Identifier: GPL-2.0-or-later
"""Assertions on what the hypervisor printed while booting, shared by the
system tests.  Every failure message ends with the last console lines."""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "rig"))
import keel  # noqa: E402

# A command line as a Xen 3.x / Oracle VM administrator writes it, plus the
# console settings the tests need.  "ro" and "crashkernel=" are not ours.
ADMIN_ARGS = ("dom0_mem=512M ro crashkernel=128M@16M console=com1 "
              "com1=115200,8n1 loglvl=all")
UNKNOWN = ("ro", "crashkernel")
DOM0_ARGS = "ro root=/dev/sda1 console=hvc0 earlyprintk=xen no_timer_check"


def fail(r, msg):
    raise keel.BootFailure("%s\n%s" % (msg, r.tail()))


def xen_line(r, regex):
    """The first match of regex against a line after its "(XEN) "."""
    rx = re.compile(regex)
    for l in r.xen_lines:
        m = rx.search(l)
        if m:
            return m
    fail(r, "the hypervisor printed no line matching /%s/" % regex)


def d0_all(r, regex):
    """Every match of regex on dom0's console lines ("(XEN) (d0) ...",
    matched after the "(d0) ")."""
    rx = re.compile(regex)
    return [m for m in (rx.search(l[5:]) for l in r.xen_lines
                        if l.startswith("(d0) ")) if m]


def d0_line(r, regex):
    """The first match of regex on dom0's console lines; fails if none."""
    m = d0_all(r, regex)
    if not m:
        fail(r, "dom0 printed no line matching /%s/" % regex)
    return m[0]


# The hypervisor prints a guest's console line in pieces of at most this
# many characters (CONS_LINE_MAX, xen/common/console_io.c).
CONS_LINE_MAX = 256


def d0_long(r, regex):
    """Every match of regex on dom0's console lines with the hypervisor's
    cuts undone (a piece of exactly CONS_LINE_MAX characters goes on in
    dom0's next line), for what dom0 prints longer than that."""
    rx = re.compile(regex)
    whole, cur = [], None
    for l in r.xen_lines:
        if not l.startswith("(d0) "):
            continue
        cur = l[5:] if cur is None else cur + l[5:]
        if len(l) - 5 != CONS_LINE_MAX:
            whole.append(cur)
            cur = None
    if cur is not None:
        whole.append(cur)
    found = [m for m in (rx.search(l) for l in whole) if m]
    if not found:
        fail(r, "dom0 printed no line (joined) matching /%s/" % regex)
    return found


def d0_some(r, regex):
    """Every match of regex on dom0's console lines, at least one (fails
    if none); scenarios look at the first or the last."""
    d0_line(r, regex)
    return d0_all(r, regex)


def d0_fields(r, tag):
    """The fields of the last "CHK-<tag> key=value ..." line dom0 printed
    (the tests' leak and state summaries), as a dict."""
    m = d0_some(r, r"CHK-%s (.*)$" % tag)[-1].group(1)
    return dict(f.split("=", 1) for f in m.split())


def cmdline(r, expected):
    """The cooked command line is exactly `expected`: the image path
    removed where the loader passed it, no word of ours lost where it
    did not."""
    got = xen_line(r, r"^Command line: ?(.*)$").group(1).strip()
    if got != expected:
        fail(r, "Command line: expected %r, got %r" % (expected, got))
    if "dom0_mem=512M" in expected and "dom0_mem=512M" not in got.split():
        fail(r, "dom0_mem=512M missing from the command line")


def unknown_params(r, names=UNKNOWN):
    for n in names:
        xen_line(r, r'^parameter "%s" unknown, ignored$' % re.escape(n))


def ram(r, mem_mb, slack_mb=8):
    """System RAM: N MB with N a little below what QEMU was given."""
    m = xen_line(r, r"^System RAM: (\d+)MB \((\d+)kB\)")
    n, kb = int(m.group(1)), int(m.group(2))
    if not (mem_mb - slack_mb <= n <= mem_mb):
        fail(r, "System RAM %dMB, expected %d-%dMB for -m %d" %
             (n, mem_mb - slack_mb, mem_mb, mem_mb))
    if abs(kb // 1024 - n) > 1:
        fail(r, "System RAM: %dMB does not match %dkB" % (n, kb))


def cpus(r, n=2):
    xen_line(r, r"^Brought up %d CPUs$" % n)


def svm(r, hap=True):
    xen_line(r, r"^HVM: SVM enabled$")
    has_hap = any(re.search(r"^HVM: Hardware Assisted Paging \(HAP\) "
                            r"detected$", l) for l in r.xen_lines)
    if has_hap != hap:
        fail(r, "HAP %s, expected %s" %
             ("detected" if has_hap else "not detected",
              "detected" if hap else "not detected"))


def dom0_modules(r):
    """Module 0 is Debian's vmlinuz (a bzImage with an XZ payload), module
    1 the initramfs (gzip, or cpio where the loader unzipped it)."""
    m0 = xen_line(r, r"^Module 0: .*").group(0)
    if not re.search(r"bzImage", m0) or not re.search(r"xz", m0, re.I):
        fail(r, "module 0 not identified as a bzImage with xz payload: %r"
             % m0)
    # The dom0 command line reached the hypervisor (with or without the
    # loader's path in front: dom0's builder cooks it).
    if not re.search(r'cmdline: "(\S+ )?%s"' % re.escape(DOM0_ARGS), m0):
        fail(r, "module 0's command line is not %r: %r" % (DOM0_ARGS, m0))
    m1 = xen_line(r, r"^Module 1: .*").group(0)
    if not re.search(r"gzip|cpio", m1, re.I):
        fail(r, "module 1 not identified as gzip or cpio: %r" % m1)


def full_boot(r, expected_cmdline, mem_mb=2048, slack_mb=8):
    """Everything a normal -smp 2, -cpu max boot with dom0 modules and
    ADMIN_ARGS shows."""
    cmdline(r, expected_cmdline)
    unknown_params(r)
    ram(r, mem_mb, slack_mb)
    cpus(r, 2)
    svm(r, hap=True)
    dom0_modules(r)
