# SPDX-License-Identifier: GPL-2.0-or-later
# create_time, libxc level (keel.test=perfxc): tests/perf/create/vtprobe
# creates, builds and unpauses 128 MiB PVH guests whose /init
# (vtinit) prints its TSC and powers off:
#   cold     Debian's xz vmlinuz, empty kernel cache (decompression)
#   warm     the same kernel again (unpacked image from the cache)
#   staged   warm again, the image copied into a hypercall buffer first
#            (libxc's path before the hypervisor read the cache directly)
#   vmlinux  the uncompressed ELF (no cache)
#   cycles   20 create/build/unpause/destroy, free pages after each
#   full     10 halting tiny guests kept running, then warm again
d=/var/lib/xen/perf
args="console=hvc0 quiet"
rm -rf /tmp/kcache
mkdir -p /tmp/kcache
vtprobe create --label cold --cache /tmp/kcache --wait 400 \
    --cmdline "$args" $d/vmlinuz $d/initrd-vt.gz
vtprobe create --label warm --cache /tmp/kcache --wait 400 \
    --cmdline "$args" $d/vmlinuz $d/initrd-vt.gz
KEEL_XC_LOAD_STAGED=1 vtprobe create --label staged --cache /tmp/kcache \
    --wait 400 --cmdline "$args" $d/vmlinuz $d/initrd-vt.gz
vtprobe create --label vmlinux --cache "" --wait 400 \
    --cmdline "$args" $d/vmlinux $d/initrd-vt.gz
vtprobe create --label cycles --cache /tmp/kcache --cycles 20 \
    --cmdline "$args" $d/vmlinuz $d/initrd-vt.gz
i=1
while [ $i -le 10 ]; do
    vtprobe create --label tiny$i --keep --mem 16 $d/tinyguest >/dev/null ||
        echo "vtprobe: tiny$i failed"
    i=$((i + 1))
done
vtprobe create --label full --cache /tmp/kcache --wait 400 \
    --cmdline "$args" $d/vmlinuz $d/initrd-vt.gz
echo "perfxc: end"
