# SPDX-License-Identifier: GPL-2.0-or-later
# The device part of perfxm alone (keel.test=perfxdev; create_time.py
# --only perfxdev), for working on the hotplug path without perfxm's
# tiny guests and cycles: `xm create' of the 128 MiB guest cold (fills
# xend's kernel cache), warm, then with a file vbd and a vif on xenbr0
# twice (xdev, xdev2: the second with loop and bridge state already
# warm).  Lines as perfxm's, so create_time.py reads them alike.
d=/var/lib/xen/perf
cat > /tmp/vt.cfg <<CFG
kernel = "$d/vmlinuz"
ramdisk = "$d/initrd-vt.gz"
extra = "console=hvc0 quiet"
memory = 128
vcpus = 1
on_poweroff = "destroy"
CFG

one()
{
    vtprobe stamp "$1-start"
    xm create ${2:-/tmp/vt.cfg} name=vt-$1
    echo "perfxm: create $1 rc=$?"
    vtprobe stamp "$1-created"
    n=0
    while xm list vt-$1 >/dev/null 2>&1 && [ $n -lt 600 ]; do
        sleep 0.5
        n=$((n + 1))
    done
    echo "perfxm: init $1 $(grep -h 'vtinit: tsc=' \
        /var/log/xen/console/vt-$1*.log 2>/dev/null | head -n 1)"
}

vtprobe create --label hz --cycles 1 --mem 16 $d/tinyguest >/dev/null
vtprobe create --label hz --cycles 1 --mem 16 $d/tinyguest | grep 'hz '
one xcold
one xwarm
mkdir -p /var/lib/xen/images
dd if=/dev/zero of=/var/lib/xen/images/perf.img bs=1M count=8 2>/dev/null
cp /tmp/vt.cfg /tmp/vtdev.cfg
cat >> /tmp/vtdev.cfg <<CFG
disk = [ 'file:/var/lib/xen/images/perf.img,xvda,w' ]
vif = [ 'bridge=xenbr0' ]
CFG
one xdev /tmp/vtdev.cfg
one xdev2 /tmp/vtdev.cfg
sed 's/^/perfxm: hotplug.log: /' /var/log/xen/xen-hotplug.log
grep "device(s) connected" /var/log/xen/xend.log | \
    sed 's/.*\(Domain\)/perfxm: xend.log: \1/'
sed -n 's/.*\(hv: [a-z_]* d-*[0-9]*: \)/perfxm: \1/p' /var/log/xen/xend.log
echo "perfxm: end"
