# SPDX-License-Identifier: GPL-2.0-or-later
# create_time through the toolstack (keel.test=perfxm, xenstored,
# xenconsoled and xend running): `xm create' of a 128 MiB guest (Debian's
# xz vmlinuz, vtinit as /init, which prints its TSC and powers off;
# on_poweroff=destroy), timed by vtprobe stamps before and after:
#   xcold   first create (xend's kernel cache empty)
#   xwarm   again
#   xfull   again, with 10 halting tiny guests running
#   xdev    again (no tiny guests), with a file vbd and a vif
#   then 20 create/destroy cycles of a tiny guest, xm info free_memory
#   after each.
# perfxdev.sh runs the device part alone through this script
# (PERFXM_STEPS=devices: xcold, xwarm, xdev and xdev2, the hotplug log).
d=/var/lib/xen/perf
steps=${PERFXM_STEPS:-all}
cat > /tmp/vt.cfg <<CFG
kernel = "$d/vmlinuz"
ramdisk = "$d/initrd-vt.gz"
extra = "console=hvc0 quiet"
memory = 128
vcpus = 1
on_poweroff = "destroy"
CFG
cat > /tmp/tiny.cfg <<CFG
kernel = "$d/tinyguest"
memory = 16
vcpus = 1
CFG

one()
{
    vtprobe stamp "$1-start"
    xm create ${2:-/tmp/vt.cfg} name=vt-$1
    echo "perfxm: create $1 rc=$?"
    vtprobe stamp "$1-created"
    # The guest powers itself off; bounded wait for it to be gone.
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
if [ "$steps" = all ]; then
    i=1
    while [ $i -le 10 ]; do
        xm create /tmp/tiny.cfg name=tiny$i >/dev/null ||
            echo "perfxm: tiny$i failed"
        i=$((i + 1))
    done
    xm list | sed 's/^/perfxm: list /'
    one xfull
    i=1
    while [ $i -le 10 ]; do
        xm destroy tiny$i
        i=$((i + 1))
    done
fi
# The cached guest with a file vbd and a vif on xenbr0 (xend runs
# network-bridge at start; the hotplug scripts attach loop and vif).
mkdir -p /var/lib/xen/images
dd if=/dev/zero of=/var/lib/xen/images/perf.img bs=1M count=8 2>/dev/null
cp /tmp/vt.cfg /tmp/vtdev.cfg
cat >> /tmp/vtdev.cfg <<CFG
disk = [ 'file:/var/lib/xen/images/perf.img,xvda,w' ]
vif = [ 'bridge=xenbr0' ]
CFG
one xdev /tmp/vtdev.cfg
if [ "$steps" = devices ]; then
    # Again, with loop and bridge state already warm.
    one xdev2 /tmp/vtdev.cfg
    sed 's/^/perfxm: hotplug.log: /' /var/log/xen/xen-hotplug.log
else
    i=1
    while [ $i -le 20 ]; do
        xm create /tmp/tiny.cfg name=cyc >/dev/null
        xm destroy cyc
        echo "perfxm: cycle $i $(xm info | grep free_memory)"
        i=$((i + 1))
    done
fi
grep -e "hv: build d[0-9]* phases:" -e "device(s) connected" \
    /var/log/xen/xend.log | \
    sed -e 's/.*\(hv: build\)/perfxm: xend.log: \1/' \
        -e 's/.*\(Domain [0-9]* (\)/perfxm: xend.log: \1/'
# xend's hypervisor calls and own steps with their TSC (create_time.py's
# timelines).
sed -n 's/.*\(hv: [a-z_A-Z]* d-*[0-9]*: \)/perfxm: \1/p' /var/log/xen/xend.log
echo "perfxm: end"
