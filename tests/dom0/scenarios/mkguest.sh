# SPDX-License-Identifier: GPL-2.0-or-later
# keel.test=mkguest: Debian's kernel as a PVH domU built by libxc
# (tests/dom0/mkguest.c), no xenstored/xenconsoled/xend:
#   1. builds that must fail (missing kernel, too little memory for the
#      kernel, more memory than the host has) leave no domain and no
#      memory behind;
#   2. one guest boots to its initramfs, powers off, is destroyed, twice;
#   3. two guests at once, the same.
# Free memory must be back exactly after the second round: the first
# real guest leaves one page-table page in dom0's own p2m (where dom0's
# kernel mapped the first guest's pages; it still holds other entries).
# The guest image and ramdisk are in /var/lib/xen/images/example/;
# keel.mkguest=fail,one,two picks the steps (default: all).
img=/var/lib/xen/images/example
args="console=hvc0 earlyprintk=xen keep_bootcon keel.test=guest"
args="$args keel.after=poweroff keel.modules=0"
steps=$(sed -n 's/.*keel\.mkguest=\([^ ]*\).*/\1/p' /proc/cmdline)
steps=$(echo "${steps:-fail,one,two}" | tr , " ")

for s in $steps; do
    case "$s" in
    fail)
        mkguest --expect build-fail --mem 128 /nonexistent/vmlinuz
        echo "mkguest: step missing-kernel rc=$?"
        mkguest --expect build-fail --mem 4 "$img/vmlinuz" "$img/initrd.gz"
        echo "mkguest: step too-little-memory rc=$?"
        # More than the host has: populate fails part-way.
        mkguest --expect build-fail --mem 4000 "$img/vmlinuz" "$img/initrd.gz"
        echo "mkguest: step more-than-free rc=$?"
        ;;
    one)
        mkguest --rounds 2 --mem 256 --vcpus 1 --timeout 400 \
            --cmdline "$args" \
            "$img/vmlinuz" "$img/initrd.gz"
        echo "mkguest: step one rc=$?"
        ;;
    two)
        mkguest --rounds 2 --count 2 --mem 160 --vcpus 1 --timeout 600 \
            --cmdline "$args" "$img/vmlinuz" "$img/initrd.gz"
        echo "mkguest: step two rc=$?"
        ;;
    esac
done
