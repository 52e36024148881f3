# SPDX-License-Identifier: GPL-2.0-or-later
"""PV devices from vm.cfg through the whole toolstack, in one boot: dom0's
/init loads xen-blkback, xen-netback, loop and bridge; xencommons starts
the hotplug listener (busybox uevent -> /etc/xen/scripts/xen-hotplug);
xend runs network-bridge (xenbr0, dom0 has no NIC here) at start.

Through dom0's shell: an 8 MiB image with a marker in its first sector,
dom0's 10.99.0.1 on xenbr0, then `xm create -c' of a guest with
disk=['file:/var/lib/xen/images/xmdev.img,xvda,w'] and
vif=['bridge=xenbr0'].  The guest (the PV guest ramdisk, with
commands typed at its shell over xm console) finds /dev/xvda with the
marker, writes a sector dom0 reads back after the guest is gone, brings
eth0 up and pings dom0.  While it runs: the hotplug results in xenstore
(hotplug-status connected, the loop device's numbers, Xen's devid 51712,
a 00:16:3e MAC), one loop device bound, one vif on the bridge.  After
`xm destroy': no back-end or front-end node, no bound loop device, no
vif, free memory back.  A create whose image does not exist fails with
Xen's "Device 51712 (vbd) could not be connected. File ... does not
exist." and leaves the same nothing behind."""

import os
import re

import bootcheck as bc
from bootcheck import keel

KERNEL_ARGS = "console=hvc0"
APPEND = "dom0_mem=768M console=com1 dom0=pvh"
READY = r"^\(XEN\) \(d0\) keel-initrd: ready"
IMG = "/var/lib/xen/images/xmdev.img"
MARKER = "keel-xmdev-disk-marker-7"     # 24 bytes at the image's start
GMARK = "written-by-the-guest-77"       # the guest writes it at sector 100

CFG = [
    'name = "xmdev"',
    'kernel = "/var/lib/xen/images/example/vmlinuz"',
    'ramdisk = "/var/lib/xen/images/example/initrd.gz"',
    'extra = "console=hvc0"',
    'memory = 128',
    'disk = [ "file:%s,xvda,w" ]' % IMG,
    'vif = [ "bridge=xenbr0" ]',
]

# Leak summary: domains and /vm entries, back-end directories per class,
# bound loop devices, vif interfaces, bridge ports, free memory.
CHK = (b"chk() { echo \"CHK-$1 doms=$(xenstore-list /local/domain | "
       b"tr '\\n' ,) vms=$(xenstore-list /vm 2>/dev/null | wc -l) "
       b"vbd=$(xenstore-list /local/domain/0/backend/vbd 2>/dev/null | "
       b"wc -l) vif=$(xenstore-list /local/domain/0/backend/vif "
       b"2>/dev/null | wc -l) "
       b"loops=$(cat /sys/block/loop*/loop/backing_file 2>/dev/null | "
       b"wc -l) vifs=$(ls /sys/class/net | grep -c '^vif') "
       b"brif=$(ls /sys/class/net/xenbr0/brif | wc -l) "
       b"fm=$(xm info | sed -n 's/^free_memory *: //p')\"; }; ")

# Each typed line stays below busybox ash's 1024-character edit buffer.
SETUP = (
    b"test -d /sys/class/net/xenbr0/bridge && echo XENBR0-$((1+1)); "
    b"grep -c network-bridge /var/log/xen/xend.log | sed s/^/NB=/; "
    b"ip addr add 10.99.0.1/24 dev xenbr0; mkdir -p /var/lib/xen/images; "
    b"dd if=/dev/zero of=" + IMG.encode() + b" bs=1M count=8 2>/dev/null; "
    b"printf " + MARKER.encode() + b" | dd of=" + IMG.encode() +
    b" conv=notrunc 2>/dev/null; echo setup-$((3*3))\r")

CREATE = (
    b"".join(b"echo '%s' >> /tmp/xmdev.cfg; " % l.encode() for l in CFG) +
    b"chk start; xm create -c /tmp/xmdev.cfg; "
    b"echo detached-$((40+2))\r")

# Typed at the guest's shell (xm console): the front-ends connect in the
# background after insmod, so wait for them, bounded; then the marker,
# a write dom0 reads back later, eth0 up and a ping of dom0.
GUEST = (
    b"i=0; while [ ! -b /dev/xvda ] || [ ! -e /sys/class/net/eth0 ]; do "
    b"i=$((i+1)); [ $i -gt 60 ] && break; sleep 1; done; "
    b"echo G-SECTOR=$(dd if=/dev/xvda bs=24 count=1 2>/dev/null); "
    b"echo G-SIZE=$(cat /sys/block/xvda/size) G-RO=$(cat /sys/block/xvda/ro); "
    b"echo " + GMARK.encode() + b" | dd of=/dev/xvda bs=512 seek=100 "
    b"conv=sync,fsync 2>/dev/null; "
    b"echo G-MAC=$(cat /sys/class/net/eth0/address); ip link set eth0 up; "
    b"ip addr add 10.99.0.2/24 dev eth0; "
    b"ping -c 3 -w 30 10.99.0.1 | sed s/^/G-PING:/; "
    b"echo guest-done-$((7*11))\r")

NODES = (
    b"D=$(xm domid xmdev); B=/local/domain/0/backend/vbd/$D/51712; "
    b"V=/local/domain/0/backend/vif/$D/0; F=/local/domain/$D/device; "
    b"echo \"NODES hs=$(xenstore-read $B/hotplug-status) "
    b"pd=$(xenstore-read $B/physical-device) node=$(xenstore-read $B/node) "
    b"vdev=$(xenstore-read $F/vbd/51712/virtual-device) "
    b"fe=$(xenstore-read $F/vbd/51712/state) "
    b"vhs=$(xenstore-read $V/hotplug-status) mac=$(xenstore-read $V/mac) "
    b"fmac=$(xenstore-read $F/vif/0/mac) "
    b"vfe=$(xenstore-read $F/vif/0/state) "
    b"lo=$(stat -L -c %t:%T $(xenstore-read $B/node))\"; "
    b"ls /sys/class/net/xenbr0/brif | sed s/^/BRIF=/; "
    b"chk up; echo nodes-$((5*5))\r")

TEARDOWN = (
    b"xm destroy xmdev; echo destroy-rc-$((0+$?)); chk down; "
    b"echo D-READBACK=$(dd if=" + IMG.encode() + b" bs=512 skip=100 "
    b"count=1 2>/dev/null | head -c 23); "
    b"sed s/xmdev/xmbad/g /tmp/xmdev.cfg > /tmp/xmbad.cfg; "
    b"xm create /tmp/xmbad.cfg; echo bad-rc-$((0+$?)); chk bad; "
    b"tail -n 40 /var/log/xen/xen-hotplug.log; "
    b"grep 'connected in' /var/log/xen/xend.log | sed s/^/T-/; "
    b"echo done-$((6*7))\r")

# Unanchored: a marker may follow a guest's prompt on the same line.
D0M = r"\(d0\) .*"

SCRIPT = [
    (READY, CHK + b"echo chk-$((2+2))\r"),
    (D0M + r"chk-4", SETUP),
    (D0M + r"setup-9", CREATE),
    (D0M + r"keel-guest: ready", GUEST),
    (D0M + r"guest-done-77", b"\x1d"),
    (D0M + r"detached-42", NODES),
    (D0M + r"nodes-25", TEARDOWN),
]


def devices_initrd():
    """The tools installed into tests/out, the PV guest ramdisk (front-end
    modules, tests/dom0/guest scenarios) as the example guest's, both in
    dom0's initramfs with its back-end, loop and bridge modules."""
    def has_scripts(dist):
        for f in ("etc/xen/scripts/xen-hotplug", "etc/xen/scripts/block",
                  "etc/xen/scripts/vif-bridge",
                  "etc/xen/scripts/network-bridge"):
            assert os.path.exists(os.path.join(dist, f)), f
    return keel.tools_initrd("xmdev", guest_ramdisk=keel.guest_initrd("xmdev"),
                             add=has_scripts)


# The guest's console is dom0's while xm console is attached, so its lines
# are dom0's too.
d0 = bc.d0_all
one = bc.d0_some
chk = bc.d0_fields


def test_xm_devices():
    r = keel.boot_qemu(
        kernel=keel.xen_image("xen"), append=APPEND,
        modules=keel.dom0_modules(KERNEL_ARGS,
                                  initrd_path=devices_initrd()),
        script=SCRIPT, until=r"^\(XEN\) \(d0\) done-42", timeout=1200)

    # dom0: back-end modules, hotplug listener, xenbr0 from xend's
    # network-script.
    for m in ("xen_blkback", "xen_netback", "loop", "bridge"):
        one(r, r"keel-initrd: insmod %s ok$" % m)
    one(r, r"^xencommons: hotplug listener started \(pid \d+\)$")
    one(r, r"XENBR0-2$")
    if int(one(r, r"^NB=(\d+)$")[0].group(1)) < 1:
        bc.fail(r, "xend.log does not mention network-bridge")
    start = chk(r, "start")
    fm0 = start.pop("fm")
    # (xenbr0's ports: dom0's NIC, if QEMU gave it one it has a driver for)
    ports0 = int(start["brif"])
    if dict(start, brif="-") != {"doms": "0,", "vms": "0", "vbd": "0",
                                 "vif": "0", "loops": "0", "vifs": "0",
                                 "brif": "-"}:
        bc.fail(r, "before the guest: %s" % start)

    # The guest: xvda with dom0's marker, eth0 pings dom0 over xenbr0.
    one(r, r"^Started domain xmdev \(id=\d+\)$")
    for m in ("xen_blkfront", "xen_netfront"):
        one(r, r"keel-guest: insmod %s ok$" % m)
    one(r, r"G-SECTOR=%s$" % MARKER)
    one(r, r"G-SIZE=16384 G-RO=0$")
    ping = one(r, r"G-PING:(\d+) packets transmitted, (\d+) packets "
               r"received")[0]
    if int(ping.group(2)) < 1:
        bc.fail(r, "the guest's ping of dom0: %s of %s answered" % (
            ping.group(2), ping.group(1)))
    gmac = one(r, r"G-MAC=(\S+)$")[0].group(1)

    # xenstore while it runs: the hotplug scripts' results, Xen's names.
    n = dict(f.split("=", 1) for f in
             one(r, r"^NODES (.*)$")[-1].group(1).split())
    if n["hs"] != "connected" or n["vhs"] != "connected":
        bc.fail(r, "hotplug-status: vbd %s, vif %s" % (n["hs"], n["vhs"]))
    if not re.match(r"^/dev/loop\d+$", n["node"]) or n["pd"] != n["lo"]:
        bc.fail(r, "vbd node %s, physical-device %s, the loop device's "
                "numbers %s" % (n["node"], n["pd"], n["lo"]))
    if n["vdev"] != "51712" or n["fe"] != "4" or n["vfe"] != "4":
        bc.fail(r, "front-ends: virtual-device %s, vbd state %s, vif state "
                "%s (want 51712, 4, 4)" % (n["vdev"], n["fe"], n["vfe"]))
    if not re.match(r"^00:16:3e:[0-7][0-9a-f](:[0-9a-f]{2}){2}$",
                    n["mac"]) or n["fmac"] != n["mac"] or gmac != n["mac"]:
        bc.fail(r, "vif mac: back-end %s, front-end %s, guest's eth0 %s" %
                (n["mac"], n["fmac"], gmac))
    up = chk(r, "up")
    if up["vbd"] != "1" or up["vif"] != "1" or up["loops"] != "1" or \
            up["vifs"] != "1" or int(up["brif"]) != ports0 + 1:
        bc.fail(r, "while the guest runs: %s" % up)
    one(r, r"^BRIF=vif\d+\.0$")

    # destroy: nothing left.
    one(r, r"destroy-rc-0$")
    down = chk(r, "down")
    if down != dict(start, fm=fm0):
        bc.fail(r, "after xm destroy: %s (want %s)" % (
            down, dict(start, fm=fm0)))

    # how long xend waited for the hotplug scripts (emulated time)
    for m in d0(r, r"^T-.*: (\d+ device\(s\) connected in [0-9.]+ s)$"):
        print("xend: %s" % m.group(1))

    # what the guest wrote is in the image
    one(r, r"D-READBACK=%s$" % GMARK)

    # a disk whose image does not exist: Xen's error, nothing left.
    one(r, r"^Error: Device 51712 \(vbd\) could not be connected\. File "
        r"/var/lib/xen/images/xmbad\.img does not exist\.")
    one(r, r"bad-rc-1$")
    bad = chk(r, "bad")
    if bad != dict(start, fm=fm0):
        bc.fail(r, "after the failed create: %s (want %s)" % (
            bad, dict(start, fm=fm0)))


test_xm_devices.timeout = 1300
