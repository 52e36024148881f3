#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install what building and testing Keel needs, idempotently:
#   - the Debian packages (apt-get, as root; only what is missing),
#   - the Debian kernel used as dom0, fetched with `apt-get download` and
#     unpacked into the cache (never installed into this machine's /boot),
#   - grub-legacy's files (stage2_eltorito for GRUB 0.97 ISOs), unpacked,
#   - a busybox-static initramfs (initrd.gz),
#   - the PV guest ramdisk (initrd-guest.gz: front-end modules, scenarios),
#   - dom0's test and toolstack initramfs images.
# The cache is ${KEEL_CACHE:-$HOME/.cache/keel}.  When everything is there
# this makes no apt calls and returns at once.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${KEEL_CACHE:-$HOME/.cache/keel}

packages=(
    qemu-system-x86 qemu-utils bochs bochsbios vgabios bochs-term
    busybox-static grub-pc-bin grub-efi-amd64-bin grub-common grub2-common
    xorriso mtools ovmf cpio gnu-efi libfdt-dev zlib1g-dev liblzma-dev libxml2-dev
    libssl-dev gcc-multilib xz-utils zstd clang libclang-rt-14-dev
    libncurses-dev pkg-config e2fsprogs
    kconfig-frontends libcmocka-dev python3 gcc make gawk gzip
)

die()
{
    echo "deps.sh: error: $*" >&2
    exit 1
}

note()
{
    echo "deps.sh: $*"
}

as_root()
{
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run: $* (run deps.sh as root)"
    fi
}

# --- Debian packages ----------------------------------------------------
missing_packages()
{
    # One dpkg-query for all of them: fast enough for the fast path.
    # Packages dpkg has never heard of are not listed in its output at all.
    local installed
    installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' \
                "${packages[@]}" 2>/dev/null || true)
    installed=$(awk '$2 == "installed" { print $1 }' <<<"$installed")
    local p
    for p in "${packages[@]}"; do
        if ! grep -qxF "$p" <<<"$installed"; then
            echo "$p"
        fi
    done
}

apt_updated=0
apt_update()
{
    if [ "$apt_updated" -eq 0 ]; then
        note "apt-get update"
        as_root apt-get update -q || die "apt-get update failed"
        apt_updated=1
    fi
}

mapfile -t missing < <(missing_packages)
if [ "${#missing[@]}" -gt 0 ]; then
    note "installing: ${missing[*]}"
    apt_update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends "${missing[@]}" ||
        die "apt-get install of ${missing[*]} failed"
    mapfile -t still < <(missing_packages)
    [ "${#still[@]}" -eq 0 ] || die "still missing after install: ${still[*]}"
fi

mkdir -p "$cache" || die "cannot create cache directory $cache"

# apt's download sandbox user cannot write into root's home; as root, say
# so rather than have apt warn about it.
sandbox=
if [ "$(id -u)" -eq 0 ]; then
    sandbox="-o APT::Sandbox::User=root"
fi

# --- the dom0 kernel ----------------------------------------------------
# $cache/vmlinuz is a symlink into the unpacked package; its presence is the
# fast-path test.
if [ ! -e "$cache/vmlinuz" ]; then
    ver=$(apt-cache depends linux-image-amd64 2>/dev/null |
          sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*\)-amd64$/\1/p' |
          head -n1)
    if [ -z "$ver" ]; then
        apt_update
        ver=$(apt-cache depends linux-image-amd64 2>/dev/null |
              sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*\)-amd64$/\1/p' |
              head -n1)
    fi
    [ -n "$ver" ] ||
        die "cannot resolve the kernel version from 'apt-cache depends linux-image-amd64'"
    pkg=linux-image-$ver-amd64
    # Debian 12 ships the signed image under the plain name; fall back to
    # the -unsigned build where only that exists.
    if ! apt-cache show "$pkg" >/dev/null 2>&1; then
        pkg=$pkg-unsigned
    fi
    note "fetching $pkg"
    rm -rf "$cache/dl" && mkdir -p "$cache/dl"
    (cd "$cache/dl" && apt-get download -q $sandbox "$pkg") ||
        die "apt-get download $pkg failed"
    deb=$(ls "$cache/dl/"*.deb 2>/dev/null | head -n1)
    [ -n "$deb" ] || die "apt-get download $pkg produced no .deb"
    rm -rf "$cache/kernel"
    dpkg-deb -x "$deb" "$cache/kernel" || die "dpkg-deb -x $deb failed"
    img=$(ls "$cache/kernel/boot/"vmlinuz-* 2>/dev/null | head -n1)
    [ -n "$img" ] || die "no boot/vmlinuz-* in $deb"
    rm -rf "$cache/dl"
    ln -sfn "${img#"$cache"/}" "$cache/vmlinuz"
    note "dom0 kernel: $img"
fi

# --- GRUB 0.97 (grub-legacy) ----------------------------------------------
# Debian's amd64 package keeps it under x86_64-pc/; a link at the top of
# the cache spares everyone the search.
stage2=$cache/stage2_eltorito
if [ ! -e "$stage2" ]; then
    note "fetching grub-legacy"
    rm -rf "$cache/dl" && mkdir -p "$cache/dl"
    if ! (cd "$cache/dl" && apt-get download -q $sandbox grub-legacy); then
        apt_update
        (cd "$cache/dl" && apt-get download -q $sandbox grub-legacy) ||
            die "apt-get download grub-legacy failed"
    fi
    deb=$(ls "$cache/dl/"grub-legacy_*.deb 2>/dev/null | head -n1)
    [ -n "$deb" ] || die "apt-get download grub-legacy produced no .deb"
    rm -rf "$cache/grub-legacy"
    dpkg-deb -x "$deb" "$cache/grub-legacy" || die "dpkg-deb -x $deb failed"
    rm -rf "$cache/dl"
    found=$(find "$cache/grub-legacy" -name stage2_eltorito -type f | head -n1)
    [ -n "$found" ] || die "grub-legacy's package has no stage2_eltorito"
    ln -sfn "${found#"$cache"/}" "$stage2"
fi

# --- the initramfs ------------------------------------------------------
# Rebuilt when the generator changes, so extending it reaches every cache.
if [ ! -e "$cache/initrd.gz" ] || [ "$here/mkinitrd.py" -nt "$cache/initrd.gz" ]; then
    note "building initrd.gz"
    python3 "$here/mkinitrd.py" --busybox /bin/busybox \
        -o "$cache/initrd.gz.tmp" || die "building the initramfs failed"
    mv "$cache/initrd.gz.tmp" "$cache/initrd.gz"
fi

# --- the PV guest ramdisk -------------------------------------------------
# busybox, xen-blkfront and xen-netfront, tests/dom0/guest's scenarios
# (mkinitrd.py --guest): the example guest's ramdisk.  Rebuilt when the
# generator or the guest scenarios change.
guest_src=$(cd "$here/../dom0/guest" && pwd)
guest_img=$cache/initrd-guest.gz
if [ ! -e "$guest_img" ] || [ "$here/mkinitrd.py" -nt "$guest_img" ] ||
   [ -n "$(find "$guest_src" -newer "$guest_img" -type f | head -n1)" ]; then
    note "building initrd-guest.gz"
    python3 "$here/mkinitrd.py" --busybox /bin/busybox --guest \
        --kernel-root "$cache/kernel" -o "$guest_img.tmp" ||
        die "building the guest ramdisk failed"
    mv "$guest_img.tmp" "$guest_img"
fi

# --- the dom0 test initramfs ------------------------------------------------
# The same plus the kernel's Xen modules, tests/dom0's static programs and
# scenario scripts (mkinitrd.py --dom0).  Rebuilt when the generator, the
# programs or the scenarios change.
dom0_src=$(cd "$here/../dom0" && pwd)
if [ ! -e "$cache/initrd-dom0.gz" ] || [ "$here/mkinitrd.py" -nt "$cache/initrd-dom0.gz" ] ||
   [ -n "$(find "$dom0_src" -newer "$cache/initrd-dom0.gz" -type f | head -n1)" ]; then
    note "building initrd-dom0.gz"
    python3 "$here/mkinitrd.py" --busybox /bin/busybox --dom0 \
        --kernel-root "$cache/kernel" --progs-dir "$cache/dom0-progs" \
        -o "$cache/initrd-dom0.gz.tmp" || die "building the dom0 initramfs failed"
    mv "$cache/initrd-dom0.gz.tmp" "$cache/initrd-dom0.gz"
fi

# --- dom0's userland (the toolstack initramfs) ------------------------------
# The dom0 test initramfs plus dom0's userland: the tools as `make dist'
# installs them (into $cache/dom0-tools, never into the tree's dist/),
# tools/dom0-root's init scripts and /etc/xen, the shared libraries they
# link, and the example guest's kernel and ramdisk (mkinitrd.py --tools).
# Rebuilt when anything under tools/ or the generator changes.  The tools
# belong to the tree, not to Debian: if they do not build yet, say so and
# go on (only `make run` and the toolstack tests need this image).
root=$(cd "$here/../.." && pwd)
tools_img=$cache/initrd-dom0-tools.gz
if [ ! -e "$tools_img" ] || [ "$here/mkinitrd.py" -nt "$tools_img" ] ||
   [ "$guest_img" -nt "$tools_img" ] ||
   [ -n "$(find "$root/tools" "$dom0_src" -newer "$tools_img" -type f \
           ! -path '*/build/*' | head -n1)" ]; then
    note "building initrd-dom0-tools.gz"
    rm -rf "$cache/dom0-tools"
    if make -s -C "$root/tools" install DESTDIR="$cache/dom0-tools" \
            >"$cache/dom0-tools.log" 2>&1; then
        python3 "$here/mkinitrd.py" --busybox /bin/busybox --dom0 \
            --kernel-root "$cache/kernel" --progs-dir "$cache/dom0-progs" \
            --tools "$cache/dom0-tools" --guest-kernel "$cache/vmlinuz" \
            --guest-ramdisk "$guest_img" \
            -o "$tools_img.tmp" || die "building the toolstack initramfs failed"
        mv "$tools_img.tmp" "$tools_img"
    else
        note "the tools do not build yet (make -C tools install: see" \
             "$cache/dom0-tools.log); initrd-dom0-tools.gz not made"
    fi
fi

exit 0
