# SPDX-License-Identifier: GPL-2.0-or-later
# keel.test=disk: dom0's own disk driver (ata_piix on pc, ahci on q35)
# on QEMU's disk: mount the ext2 image the test made, write a file
# through the page cache, sync, read it back from the disk after
# dropping the caches, unmount.  The test reads the file from the image
# on the host.  "disk:" lines are what the test asserts.

# The disk appears once the controller's probe and the SCSI scan are
# done, asynchronously: poll for it, bounded (guest seconds).
i=0
while [ ! -b /dev/sda ]; do
    i=$((i + 1))
    if [ $i -gt 60 ]; then
        echo "disk: no /dev/sda"
        exit 1
    fi
    sleep 1
done
echo "disk: /dev/sda $(cat /sys/block/sda/size) sectors"

mkdir -p /mnt
mount -t ext2 /dev/sda /mnt || { echo "disk: mount failed"; exit 1; }
echo "disk: mounted"
# 1 MiB of a known pattern: hundreds of DMA requests, each completed by
# an interrupt, and a short marker file.
yes keel-disk-pattern | head -c 1048576 > /mnt/pattern || exit 1
echo "keel-disk-ok written by dom0" > /mnt/marker || exit 1
sync
echo 3 > /proc/sys/vm/drop_caches
echo "disk: readback $(md5sum < /mnt/pattern | cut -d' ' -f1)"
umount /mnt || { echo "disk: umount failed"; exit 1; }
echo "disk: unmounted"
grep -E 'ata|ahci' /proc/interrupts | sed 's/^/disk: irq /'
