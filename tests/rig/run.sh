#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot Keel under QEMU the way an administrator's machine would: a GRUB ISO
# whose GRUB reads a menu.lst (legacy_configfile) with the hypervisor, the
# Debian kernel as dom0 and the busybox initramfs.  The serial console is
# this terminal.  `make run` calls this after building the hypervisor.
#
# Environment (all optional):
#   KEEL_XEN_BUILD  directory with xen.gz (default: xen/)
#   KEEL_XEN_ARGS   hypervisor command line
#   KEEL_DOM0_ARGS  dom0 kernel command line
#   KEEL_INITRD     dom0's initramfs (default: the toolstack one that deps.sh
#                   builds, ~/.cache/keel/initrd-dom0-tools.gz: xenstored,
#                   xenconsoled, xend and xm started by its init scripts;
#                   the plain busybox initrd.gz if that is missing)
#   KEEL_LOADER     legacy_configfile (default), multiboot, multiboot2,
#                   grub-legacy (GRUB 0.97) or efi (GRUB-EFI under OVMF)
#   KEEL_QEMU_ARGS  extra QEMU arguments, e.g. "-m 4096 -smp 4" or "-s -S"
#   KEEL_CPU KEEL_SMP KEEL_MEM   -cpu/-smp/-m (max, 2, 2048)
#   KEEL_RUN_DIR    where the ISO goes (default: tests/out/run)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
rig=$root/tests/rig
build=${KEEL_XEN_BUILD:-$root/xen}
xen_args=${KEEL_XEN_ARGS:-"dom0_mem=512M dom0_max_vcpus=2 console=com1 com1=115200,8n1 loglvl=all"}
dom0_args=${KEEL_DOM0_ARGS:-"console=hvc0 earlyprintk=xen no_timer_check"}
loader=${KEEL_LOADER:-legacy_configfile}
run_dir=${KEEL_RUN_DIR:-$root/tests/out/run}

die()
{
    echo "run.sh: error: $*" >&2
    exit 1
}

[ -e "$build/xen.gz" ] ||
    die "no $build/xen.gz: build the hypervisor first (make, or make -C xen)"
command -v qemu-system-x86_64 >/dev/null || "$rig/deps.sh" ||
    die "installing the dependencies failed"
cache=${KEEL_CACHE:-$HOME/.cache/keel}
if [ ! -e "$cache/vmlinuz" ] || [ ! -e "$cache/initrd.gz" ] ||
   [ ! -e "$cache/stage2_eltorito" ]; then
    "$rig/deps.sh" || die "installing the dependencies failed"
fi

initrd=${KEEL_INITRD:-}
if [ -z "$initrd" ]; then
    if [ -e "$cache/initrd-dom0-tools.gz" ]; then
        initrd=$cache/initrd-dom0-tools.gz
    else
        initrd=$cache/initrd.gz
        echo "run.sh: no $cache/initrd-dom0-tools.gz (the tools did not" \
             "build?): dom0 gets the plain busybox initramfs, without xm"
    fi
fi

mkdir -p "$run_dir"
iso=$run_dir/keel-$loader.iso
echo "run.sh: making $iso ($loader), menu:"
KEEL_XEN_BUILD=$build python3 "$rig/keel.py" iso --print-config \
    --args "$xen_args" --dom0-args "$dom0_args" --initrd "$initrd" \
    "$loader" "$iso" |
    sed 's/^/    /' || die "making the boot ISO failed"

qemu=(qemu-system-x86_64 -accel tcg -cpu "${KEEL_CPU:-max}"
      -smp "${KEEL_SMP:-2}" -m "${KEEL_MEM:-2048}" -nographic -no-reboot
      -device isa-debug-exit,iobase=0xf4,iosize=0x04)
if [ "$loader" = efi ]; then
    cp /usr/share/OVMF/OVMF_VARS_4M.fd "$run_dir/OVMF_VARS_4M.fd"
    qemu+=(-M q35
           -drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
           -drive "if=pflash,format=raw,file=$run_dir/OVMF_VARS_4M.fd")
fi
qemu+=(-cdrom "$iso" -boot d)
# Word splitting of KEEL_QEMU_ARGS is intended.
# shellcheck disable=SC2206
qemu+=(${KEEL_QEMU_ARGS:-})

echo "run.sh: ${qemu[*]}"
echo "run.sh: the serial console follows; quit with Ctrl-A X"
exec "${qemu[@]}"
