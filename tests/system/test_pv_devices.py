# SPDX-License-Identifier: GPL-2.0-or-later
"""The PV device data path between Debian's stock kernels: xen-blkback
and xen-netback in the PVH dom0, xen-blkfront and xen-netfront in a PVH
guest, set up by hand (tests/dom0/scenarios/pvdev.sh writes Xen's
xenstore layout itself; xend's device support is not needed).

Asserted: the front-end modules load in the guest; the guest sees
/dev/xvda with dom0's size and first-sector marker; 64 MiB read by the
guest hash to what dom0 wrote (the figure dd prints is reported); a
sector the guest wrote reads back in the guest after dropping its page
cache and in dom0's image after the guest is gone; a second disk
exported read-only is readable, read-only and refuses writes, its image
unchanged; eth0 pings dom0's
bridge address; the back-ends let go of the loop device and the vif;
free memory is the same before and after; no grant operation failed in
the hypervisor's log."""

import re

import bootcheck as bc
from bootcheck import keel

APPEND = "dom0_mem=768M console=com1 dom0=pvh loglvl=all"
KERNEL_ARGS = "console=hvc0 keel.test=pvdev"
END = r"^\(XEN\) \(d0\) keel-initrd: scenario pvdev end rc=\d+"


def pvdev_initrd():
    """The toolstack initramfs with the PV guest ramdisk (its scenario)."""
    return keel.tools_initrd("pvdev", keel.guest_initrd("pvdev"))


d0 = bc.d0_all
one = bc.d0_line


G = r"^pvdev: guest: "


def test_pv_disk_and_net():
    r = keel.boot_qemu(
        kernel=keel.xen_image("xen"), append=APPEND,
        modules=keel.dom0_modules(KERNEL_ARGS, initrd_path=pvdev_initrd()),
        until=END, timeout=1500)
    fails = d0(r, r"^pvdev: FAIL: (.*)$")
    if fails:
        bc.fail(r, "dom0's scenario failed: %s" % fails[0].group(1))
    one(r, r"keel-initrd: insmod bridge ok$")
    one(r, r"keel-initrd: insmod loop ok$")
    for m in ("xen_blkfront", "xen_netfront"):
        one(r, G + r"keel-guest: insmod %s ok$" % m)
    # 80 MiB = 163840 sectors, writable, dom0's marker in sector 0.
    one(r, G + r"pvdev: xvda 163840 sectors$")
    one(r, G + r"pvdev: xvda ro=0$")
    one(r, G + r"pvdev: first sector: keel-pvdev-disk-marker-1$")
    want = one(r, r"^pvdev: disk sum ([0-9a-f]{32})$").group(1)
    got = one(r, G + r"pvdev: read sum ([0-9a-f]{32})$").group(1)
    if want != got:
        bc.fail(r, "the guest read %s from xvda, dom0 wrote %s" %
                (got, want))
    rate = one(r, G + r"pvdev: dd read: (67108864 bytes in .* MB/s)$")
    rate = rate.group(1)
    print("xvda read in the guest: %s" % rate)
    local = one(r, r"^pvdev: dom0 loop0 read: (67108864 bytes in .* MB/s)$")
    print("the same read in dom0: %s" % local.group(1))
    one(r, G + r"pvdev: readback: written-by-guest-42$")
    # xvdb, exported with mode r: readable, read-only, writes refused,
    # its image the same afterwards.
    one(r, G + r"pvdev: xvdb ro=1$")
    one(r, G + r"pvdev: xvdb first sector: keel-pvdev-ro-marker-2$")
    one(r, G + r"pvdev: xvdb write refused$")
    one(r, r"^pvdev: read-only disk unchanged$")
    one(r, r"^pvdev: readback in dom0: written-by-guest-42$")
    ping = one(r, G + r"pvdev: ping: (\d+) packets transmitted, "
               r"(\d+) packets received")
    if int(ping.group(2)) < 3:
        bc.fail(r, "ping: %s of %s answered" % (ping.group(2),
                                                ping.group(1)))
    for m in d0(r, G + r"pvdev: ping: (round-trip .*)$"):
        print("ping dom0 from the guest: %s" % m.group(1))
    one(r, G + r"pvdev: done$")
    one(r, G + r"keel-guest: scenario pvdev end rc=0$")
    fm = one(r, r"^pvdev: free memory (\d+) MB before, (\d+) MB after$")
    if fm.group(1) != fm.group(2):
        bc.fail(r, "free memory %s MB before the guest, %s after" %
                (fm.group(1), fm.group(2)))
    one(r, r"^pvdev: done$")
    one(r, r"keel-initrd: scenario pvdev end rc=0$")
    # Ref 0 is the console ring libxc seeds for xenconsoled (which maps
    # it by gfn when the grant is not there): not the data path's.
    bad = [l for l in r.xen_lines if re.search(r"gnttab: .*fail", l) and
           not re.search(r"gnttab: d0 map of d\d+ ref 0 failed", l)]
    if bad:
        bc.fail(r, "failed grant operations: %s" % bad[:5])


test_pv_disk_and_net.timeout = 1600
