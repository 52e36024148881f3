# SPDX-License-Identifier: GPL-2.0-or-later
# keel.test=pvdev inside a PV guest (tests/dom0/scenarios/pvdev.sh sets up
# dom0's side): the disk dom0 exported as xvda (its first sector carries a
# marker dom0 wrote, 64 MB read with dd for the throughput figure, a
# marker written at 65 MiB that dom0 reads back after the guest is gone)
# and eth0 on dom0's bridge (a bounded ping of dom0's 10.99.0.1).
# "pvdev:" lines are what dom0's scenario and the system test look for.

# Front-ends connect in the background after insmod: wait, bounded.
i=0
while [ ! -b /dev/xvda ]; do
    i=$((i + 1))
    if [ $i -gt 30 ]; then
        echo "pvdev: no /dev/xvda"
        ls /sys/bus/xen/devices 2>&1
        exit 1
    fi
    sleep 1
done
echo "pvdev: xvda $(cat /sys/block/xvda/size) sectors"
echo "pvdev: xvda ro=$(cat /sys/block/xvda/ro)"

m=$(dd if=/dev/xvda bs=512 count=1 2>/dev/null | head -c 24)
echo "pvdev: first sector: $m"

# 64 MiB through blkfront, timed on the guest's clock (Debian's busybox
# dd prints no rate).
t0=$(cut -d' ' -f1 /proc/uptime)
dd if=/dev/xvda of=/dev/null bs=1M count=64 2>/dev/null
t1=$(cut -d' ' -f1 /proc/uptime)
echo "pvdev: dd read: 67108864 bytes in $(awk -v a="$t0" -v b="$t1" \
    'BEGIN { d = b - a; if ( d <= 0 ) d = 0.01;
             printf "%.2f s, %.1f MB/s", d, 64 / d }')"
# What came through the ring must be what dom0 wrote: its sum of the
# first 64 MiB is in dom0's log.
sum=$(dd if=/dev/xvda bs=1M count=64 2>/dev/null | md5sum | cut -d' ' -f1)
echo "pvdev: read sum $sum"

# A write: straight to the device, synced, read back after dropping the
# page cache (so the read goes through the ring again).
echo "written-by-guest-$((6*7))" |
    dd of=/dev/xvda bs=512 seek=133120 conv=sync,fsync 2>/dev/null
sync
echo 3 > /proc/sys/vm/drop_caches
back=$(dd if=/dev/xvda bs=512 skip=133120 count=1 2>/dev/null | head -c 19)
echo "pvdev: readback: $back"

# xvdb: exported read-only (mode r): readable, a write refused.
i=0
while [ ! -b /dev/xvdb ]; do
    i=$((i + 1))
    if [ $i -gt 30 ]; then
        echo "pvdev: no /dev/xvdb"
        exit 1
    fi
    sleep 1
done
echo "pvdev: xvdb ro=$(cat /sys/block/xvdb/ro)"
echo "pvdev: xvdb first sector:" \
     "$(dd if=/dev/xvdb bs=512 count=1 2>/dev/null | head -c 22)"
if echo x | dd of=/dev/xvdb bs=512 seek=8 conv=sync,fsync 2>/dev/null
then
    echo "pvdev: xvdb write accepted"
else
    echo "pvdev: xvdb write refused"
fi

# The network: eth0 on dom0's bridge.
i=0
while [ ! -e /sys/class/net/eth0 ]; do
    i=$((i + 1))
    if [ $i -gt 30 ]; then
        echo "pvdev: no eth0"
        exit 1
    fi
    sleep 1
done
ip link set lo up
ip link set eth0 up
ip addr add 10.99.0.2/24 dev eth0
echo "pvdev: eth0 mac $(cat /sys/class/net/eth0/address)"
ping -c 5 -w 30 10.99.0.1 2>&1 | sed 's/^/pvdev: ping: /'
echo "pvdev: done"
