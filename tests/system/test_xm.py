# SPDX-License-Identifier: GPL-2.0-or-later
"""xm and xend in dom0: the tools as `make -C tools install' puts them
(built here into tests/out, so xend is in the image whatever the cached
initrd-dom0-tools.gz holds), /init starting xenstored, xenconsoled and
xend, then through dom0's shell: `xm list' (Domain-0 in Xen's format),
`xm create /etc/xen/example', the guest listed, pause/unpause in the state
column, `xm destroy', `xm info' free_memory back to its earlier value, no
xenstore nodes left, and a broken vm.cfg giving its file:line:column
error and creating nothing.

Whether the guest's kernel gets to print anything is not asserted here
(the lifecycle is); the guest boot is the builder's test."""

import os
import re
import shutil
import subprocess

import bootcheck as bc
from bootcheck import keel

KERNEL_ARGS = "console=hvc0 keel-test=1"
APPEND = "dom0_mem=768M console=com1 dom0=pvh"
READY = r"^\(XEN\) \(d0\) keel-initrd: ready"

# One line typed at dom0's shell; markers use $((...)) so that the echo
# of the typed line itself never matches.
SCRIPT = (
    b"xm list; "
    b"echo FM1=$(xm info | grep free_memory); "
    b"xm create /etc/xen/example; echo create-rc-$((0+$?)); "
    b"xm list; "
    b"xm pause example; xm list example; "
    b"xm unpause example; xm list example; "
    b"xm destroy example; echo destroy-rc-$((0+$?)); "
    b"xm list; "
    b"echo FM2=$(xm info | grep free_memory); "
    b"xenstore-exists /local/domain/1 || echo nodes-gone-$((2*3)); "
    b"echo vm-children-$(xenstore-list /vm | wc -l); "
    b"printf 'name = \"broken\"\\nmemory = [128,\\n' > /tmp/broken.cfg; "
    b"xm create /tmp/broken.cfg; echo broken-rc-$((0+$?)); "
    b"xm list broken; echo broken-list-rc-$((0+$?)); "
    b"xm destroy nosuch; "
    b"echo done-$((6*7))\r")


def tools_initrd():
    """The tools installed into tests/out and made into a dom0 initramfs
    with the example guest's kernel and ramdisk."""
    out_dir = keel.out_dir()
    dist = os.path.join(out_dir, "xm-tools")
    shutil.rmtree(dist, ignore_errors=True)
    subprocess.run(["make", "-s", "-C", os.path.join(keel.ROOT, "tools"),
                    "install", "DESTDIR=" + dist], check=True,
                   stdout=subprocess.DEVNULL)
    assert os.path.exists(os.path.join(dist, "usr", "sbin", "xend"))
    cache = keel.cache_dir()
    out = os.path.join(out_dir, "initrd-dom0-xm.gz")
    subprocess.run(["python3", os.path.join(keel.ROOT, "tests", "rig",
                                            "mkinitrd.py"),
                    "--busybox", "/bin/busybox", "--dom0",
                    "--kernel-root", os.path.join(cache, "kernel"),
                    "--progs-dir", os.path.join(out_dir, "dom0-progs"),
                    "--tools", dist,
                    "--guest-kernel", os.path.join(cache, "vmlinuz"),
                    "--guest-ramdisk", os.path.join(cache, "initrd.gz"),
                    "-o", out], check=True)
    return out


def d0(r, regex):
    """Every match of regex on dom0's console lines."""
    rx = re.compile(regex)
    return [m for m in (rx.search(l[5:]) for l in r.xen_lines
                        if l.startswith("(d0) ")) if m]


def one(r, regex):
    m = d0(r, regex)
    if not m:
        bc.fail(r, "dom0 printed no line matching /%s/" % regex)
    return m


def test_xm_lifecycle():
    r = keel.boot_qemu(
        kernel=keel.xen_image("xen"), append=APPEND,
        modules=keel.dom0_modules(KERNEL_ARGS, initrd_path=tools_initrd()),
        script=[(READY, SCRIPT)],
        until=r"^\(XEN\) \(d0\) done-42", timeout=800)

    one(r, r"^keel-toolstack: started")
    one(r, r"^Name +ID +Mem VCPUs +State +Time\(s\)$")
    one(r, r"^Domain-0 +0 +\d+ +\d+ +r----- +\d+\.\d$")
    one(r, r'^Using config file "/etc/xen/example"\.$')
    one(r, r"^Started domain example \(id=\d+\)$")
    one(r, r"^create-rc-0$")
    # listed with its memory and vCPUs; paused and unpaused
    listed = d0(r, r"^example +(\d+) +128 +1 +([-rbpscd]{6}) +\d+\.\d$")
    states = [m.group(2) for m in listed]
    if len(states) < 3 or states[1][2] != "p" or states[2][2] != "-":
        bc.fail(r, "example's states in xm list: %s (want paused, then "
                "not)" % states)
    one(r, r"^destroy-rc-0$")
    fm1 = one(r, r"^FM1=free_memory +: (\d+)$")[0].group(1)
    fm2 = one(r, r"^FM2=free_memory +: (\d+)$")[0].group(1)
    if fm1 != fm2:
        bc.fail(r, "free_memory %s MiB before the guest, %s after its "
                "destroy" % (fm1, fm2))
    one(r, r"^nodes-gone-6$")
    one(r, r"^vm-children-0$")
    # a broken vm.cfg: file:line:column, nothing created
    one(r, r"^Error: /tmp/broken\.cfg:2:10: '\[' is never closed")
    one(r, r"^broken-rc-1$")
    one(r, r"^Error: Domain 'broken' does not exist\.$")
    one(r, r"^broken-list-rc-1$")
    one(r, r"^Error: Domain 'nosuch' does not exist\.$")


test_xm_lifecycle.timeout = 900


# Leak and state summary typed once per scenario: the domains xenstore
# knows, /vm entries, console clients, ptys xenconsoled holds, free memory.
CHK = (b"chk() { echo \"CHK-$1 doms=$(xenstore-list /local/domain | "
       b"tr '\\n' ,) vms=$(xenstore-list /vm 2>/dev/null | wc -l) "
       b"cons=$(pidof xenconsole | wc -w) "
       b"pts=$(ls /dev/pts | grep -c '^[0-9]') "
       b"fm=$(xm info | sed -n 's/^free_memory *: //p')\"; }; ")
# Unanchored: a marker may follow a guest's prompt on the same line.
GUEST = r"\(d0\) .*keel-initrd: /init running on "
D0M = r"\(d0\) .*"

GUEST_SCRIPT = [
    # 1: create -c: the guest's /init on its console, typed input reaches
    # its shell, Ctrl-] comes back to dom0.
    (READY, CHK + b"chk start; xm create -c /etc/xen/example; "
     b"echo detached-$((40+2))\r"),
    (GUEST, b"echo guest-$((6*7))-alive\r"),
    (D0M + r"guest-42-alive", b"\x1d"),
    # 2: its console log; a second guest, powered off from inside.
    (D0M + r"detached-42",
     b"echo LOG=$(grep -c 'init running' "
     b"/var/log/xen/console/example.log); chk one; "
     b"xm create -c /etc/xen/example name=example2; "
     b"echo c2-exit-$((1+1))\r"),
    (GUEST, b"echo g2-$((5*5))\r"),
    (D0M + r"g2-25", b"poweroff -f\r"),
    # 3: two guests at once; a reboot from inside restarts example.
    (D0M + r"c2-exit-2",
     b"chk poweroff; xm create /etc/xen/example name=example2; "
     b"xm list; ID1=$(xm domid example); xm console example; "
     b"echo c1-exit-$((1+2))\r"),
    (D0M + r"example2 +\d+ +128 ", b"echo g1-$((7*7))\r"),
    (D0M + r"g1-49", b"reboot -f\r"),
    (D0M + r"c1-exit-3",
     b"echo ID1=$ID1 ID2=$(xm domid example); xm list; chk reboot; "
     b"xm console example; echo c3-exit-$((1+3))\r"),
    (D0M + r"CHK-reboot ", b"echo g3-$((8*8))\r"),
    (D0M + r"g3-64", b"\x1d"),
    # 4: xend killed and started again: both guests still there and
    # manageable; then both destroyed and nothing left.
    (D0M + r"c3-exit-4",
     b"kill -9 $(pidof xend); /etc/init.d/xend start; xm list; "
     b"xm pause example2; xm list example2; xm unpause example2; "
     b"xm destroy example2; echo d2-rc-$((0+$?)); "
     b"xm destroy example; echo d1-rc-$((0+$?)); xm list; chk end; "
     b"ps | grep -v grep | grep -c xenconsole | sed s/^/PS=/; "
     b"echo done-$((6*7))\r"),
]


def chk(r, tag):
    """The CHK-<tag> line's fields as a dict."""
    m = one(r, r"CHK-%s (.*)$" % tag)[-1].group(1)
    return dict(f.split("=", 1) for f in m.split())


def test_xm_guests():
    r = keel.boot_qemu(
        kernel=keel.xen_image("xen"), append=APPEND,
        modules=keel.dom0_modules(KERNEL_ARGS, initrd_path=tools_initrd()),
        script=GUEST_SCRIPT,
        until=r"^\(XEN\) \(d0\) done-42", timeout=1500)
    start = chk(r, "start")
    if start != {"doms": "0,", "vms": "0", "cons": "0", "pts": "0",
                 "fm": start["fm"]}:
        bc.fail(r, "before any guest: %s" % start)


test_xm_guests.timeout = 1600
