# SPDX-License-Identifier: GPL-2.0-or-later
# keel.test=pvdev (needs the toolstack initramfs: xenstored, xend, the
# guest ramdisk as /var/lib/xen/images/example/initrd.gz): the PV data
# path driven by hand, without xend's device support.  dom0 exports a
# loop device as the guest's xvda (blkback) and a vif on bridge pvbr0
# (netback), writing Xen's xenstore layout itself; the guest runs
# tests/dom0/guest/pvdev.sh (reads, writes, pings) and powers off.
# "pvdev:" lines are what tests/system/test_pv_devices.py asserts; the
# guest's own are copied from its console log as "pvdev: guest: ...".

say() { echo "pvdev: $*"; }
fail()
{
    say "FAIL: $*"
    # What the back-ends got to, for whoever reads the log.
    ls /sys/bus/xen-backend/devices 2>&1 | sed 's/^/pvdev: backend dev: /'
    xenstore-ls -f /local/domain/0/backend 2>&1 | sed 's/^/pvdev: xs: /'
    xenstore-ls -f /local/domain/$D/device 2>&1 | sed 's/^/pvdev: xs: /'
    dmesg | tail -n 15 | sed 's/^/pvdev: dmesg: /'
    exit 1
}
D=none

# wait_for SECONDS COMMAND...: poll (guest seconds), bounded.
wait_for()
{
    n=$1
    shift
    while ! "$@" >/dev/null 2>&1; do
        n=$((n - 1))
        [ $n -gt 0 ] || return 1
        sleep 1
    done
}

# dom0's kernel probes its xenbus devices (the back-ends included) only
# after a first event from xenstored.  Xen's xenstored notifies dom0's
# port when it starts; one request through the kernel's own device
# (XENSTORED_PATH pointing nowhere makes libxenstore use /dev/xen/xenbus)
# has the same effect.
kick=$(XENSTORED_PATH=/nonexistent xenstore-read /local/domain/0/name 2>&1)
say "dom0 kernel xenbus: $kick"

fm() { xm info | sed -n 's/^free_memory *: //p'; }
FM1=$(fm)

# The disk: 64 MiB of random data with a marker in its first sector,
# 16 MiB of zeros after it (the guest writes at 65 MiB).
dd if=/dev/urandom of=/tmp/pvdev.img bs=1M count=64 2>/dev/null
printf 'keel-pvdev-disk-marker-1' |
    dd of=/tmp/pvdev.img conv=notrunc 2>/dev/null
truncate -s 80M /tmp/pvdev.img
say "disk sum $(dd if=/tmp/pvdev.img bs=1M count=64 2>/dev/null |
                md5sum | cut -d' ' -f1)"
losetup /dev/loop0 /tmp/pvdev.img || fail "losetup /dev/loop0"
# The same read in dom0 itself, for comparison with the guest's figure.
echo 3 > /proc/sys/vm/drop_caches
t0=$(cut -d' ' -f1 /proc/uptime)
dd if=/dev/loop0 of=/dev/null bs=1M count=64 2>/dev/null
t1=$(cut -d' ' -f1 /proc/uptime)
say "dom0 loop0 read: 67108864 bytes in $(awk -v a="$t0" -v b="$t1" \
    'BEGIN { d = b - a; if ( d <= 0 ) d = 0.01;
             printf "%.2f s, %.1f MB/s", d, 64 / d }')"
echo 3 > /proc/sys/vm/drop_caches
# A second, small disk exported read-only (mode r): xvdb.
dd if=/dev/zero of=/tmp/pvdev-ro.img bs=1M count=4 2>/dev/null
printf 'keel-pvdev-ro-marker-2' |
    dd of=/tmp/pvdev-ro.img conv=notrunc 2>/dev/null
RO_SUM=$(md5sum < /tmp/pvdev-ro.img | cut -d' ' -f1)
losetup -r /dev/loop1 /tmp/pvdev-ro.img || fail "losetup -r /dev/loop1"

out=$(brctl addbr pvbr0 2>&1) ||
    out=$(ip link add name pvbr0 type bridge 2>&1) ||
    fail "no bridge pvbr0: $out"
ip addr add 10.99.0.1/24 dev pvbr0
ip link set pvbr0 up

cat > /tmp/pvdev.cfg <<EOS
name = "pvdev"
kernel = "/var/lib/xen/images/example/vmlinuz"
ramdisk = "/var/lib/xen/images/example/initrd.gz"
extra = "console=hvc0 keel.test=pvdev keel.after=poweroff"
memory = 128
vcpus = 1
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
EOS
xm create -p /tmp/pvdev.cfg || fail "xm create -p"
D=$(xm domid pvdev) || fail "no domid"
say "guest is domain $D"

# Xen's layout (its toolstack writes it in one transaction).  Front-end
# nodes first (a back-end's probe checks that its other end exists), the
# back-ends' "state" last (xenbus probes a device once its state node
# says Initialising).
# vbd VDEV NAME LOOP MODE: one disk's nodes, without the states.
vbd()
{
    b=/local/domain/0/backend/vbd/$D/$1
    f=/local/domain/$D/device/vbd/$1
    xenstore-write $f/backend $b $f/backend-id 0 \
        $f/virtual-device $1 $f/device-type disk || fail "vbd $2 front nodes"
    xenstore-chmod -r $f n$D r0 || fail "vbd $2 front permissions"
    # blkback wants the device's numbers, as Xen's block script writes.
    xenstore-write $b/frontend $f $b/frontend-id $D $b/online 1 \
        $b/removable 0 $b/mode $4 $b/type phy $b/dev $2 $b/params $3 \
        $b/physical-device "$(stat -L -c '%t:%T' $3)" ||
        fail "vbd $2 back nodes"
    xenstore-chmod -r $b n0 r$D || fail "vbd $2 back permissions"
}
# xvda = 202:0, xvdb = 202:16 (Xen's vdev numbers).
VBD=51712
BB=/local/domain/0/backend/vbd/$D/$VBD
BF=/local/domain/$D/device/vbd/$VBD
vbd $VBD xvda /dev/loop0 w
RB=/local/domain/0/backend/vbd/$D/51728
RF=/local/domain/$D/device/vbd/51728
vbd 51728 xvdb /dev/loop1 r

MAC=00:16:3e:00:99:02
VB=/local/domain/0/backend/vif/$D/0
VF=/local/domain/$D/device/vif/0
xenstore-write $VF/backend $VB $VF/backend-id 0 $VF/handle 0 \
    $VF/mac $MAC || fail "vif front nodes"
xenstore-chmod -r $VF n$D r0 || fail "vif front permissions"
xenstore-write $VB/frontend $VF $VB/frontend-id $D $VB/online 1 \
    $VB/handle 0 $VB/mac $MAC $VB/bridge pvbr0 \
    $VB/script /etc/xen/scripts/vif-bridge || fail "vif back nodes"
xenstore-chmod -r $VB n0 r$D || fail "vif back permissions"

# The front-ends' state first: a back-end that finds its other end's
# state missing (XenbusStateUnknown) unregisters itself at once.
xenstore-write $BF/state 1 $RF/state 1 $VF/state 1 ||
    fail "front-end state"
for f in $BF $RF $VF; do
    xenstore-chmod $f/state n$D r0
done
xenstore-write $BB/state 1 $RB/state 1 $VB/state 1 || fail "back-end state"

# What vif-bridge would do: the back-end's interface into the bridge,
# then hotplug-status (netback connects only after it).
wait_for 30 test -e /sys/class/net/vif$D.0 || fail "no vif$D.0 from netback"
out=$(brctl addif pvbr0 vif$D.0 2>&1) ||
    out=$(ip link set vif$D.0 master pvbr0 2>&1) ||
    fail "vif$D.0 not into pvbr0: $out"
ip link set vif$D.0 up
xenstore-write $VB/hotplug-status connected
say "backends: vbd state $(xenstore-read $BB/state)," \
    "vif state $(xenstore-read $VB/state)"

xm unpause pvdev || fail "xm unpause"

log=/var/log/xen/console/pvdev.log
done_guest() { grep -q "keel-guest: scenario pvdev end" $log; }
if ! wait_for 600 done_guest; then
    tail -n 20 $log | sed 's/^/pvdev: guest log: /'
    fail "the guest's scenario did not finish"
fi
grep "pvdev: \|keel-guest: " $log | tr -d '\r' | sed 's/^/pvdev: guest: /'
say "front states: vbd $(xenstore-read $BF/state)," \
    "vif $(xenstore-read $VF/state)"

# The guest powers off; xend destroys it.  Then the back-ends go (as
# xend's device teardown would remove them) and must let go of the
# loop device and the grants.
wait_for 120 sh -c '! xm domid pvdev' || fail "pvdev still there"
xenstore-rm /local/domain/0/backend/vbd/$D
xenstore-rm /local/domain/0/backend/vif/$D
wait_for 30 sh -c "! test -e /sys/class/net/vif$D.0" ||
    fail "vif$D.0 still there"
wait_for 30 losetup -d /dev/loop0 || fail "loop0 still busy"
wait_for 30 losetup -d /dev/loop1 || fail "loop1 still busy"
if [ "$(md5sum < /tmp/pvdev-ro.img | cut -d' ' -f1)" = "$RO_SUM" ]; then
    say "read-only disk unchanged"
else
    say "read-only disk CHANGED"
fi
say "readback in dom0: $(dd if=/tmp/pvdev.img bs=512 skip=133120 count=1 \
                         2>/dev/null | head -c 19)"
ip link set pvbr0 down
brctl delbr pvbr0
rm -f /tmp/pvdev.img /tmp/pvdev-ro.img
FM2=$(fm)
say "free memory $FM1 MB before, $FM2 MB after"
say "done"
