#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Host check of mkinitrd.py's module handling: dependencies from
.modinfo and from modules.dep, compressed modules stored decompressed,
load order.  Uses two small modules of the cached Debian kernel; skips
(exit 0, says so) when the kernel is not in the cache."""

import gzip
import lzma
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "rig"))
import mkinitrd  # noqa: E402


def cpio_files(data):
    """{name: bytes} of a newc archive."""
    out, off = {}, 0
    while True:
        hdr = data[off:off + 110]
        assert hdr[:6] == b"070701", "bad cpio magic at %d" % off
        size = int(hdr[54:62], 16)
        nlen = int(hdr[94:102], 16)
        name = data[off + 110:off + 110 + nlen - 1].decode()
        off = (off + 110 + nlen + 3) & ~3
        if name == "TRAILER!!!":
            return out
        out[name] = data[off:off + size]
        off = (off + size + 3) & ~3


def main():
    src = os.path.join(mkinitrd.default_kernel_root(), "lib", "modules")
    rel = [d for d in os.listdir(src)] if os.path.isdir(src) else []
    if len(rel) != 1:
        print("check_initrd: no cached kernel, skipped")
        return 0
    xen = os.path.join(src, rel[0], "kernel", "drivers", "xen")
    privcmd = open(os.path.join(xen, "xen-privcmd.ko"), "rb").read()
    xenfs = open(os.path.join(xen, "xenfs", "xenfs.ko"), "rb").read()
    assert mkinitrd.modinfo(xenfs)["depends"] == ["xen-privcmd"]

    tmp = tempfile.mkdtemp(prefix="check-initrd-")
    try:
        d = os.path.join(tmp, "lib", "modules", "9.9.9-test", "kernel")
        os.makedirs(os.path.join(d, "x"))
        with open(os.path.join(d, "x", "xen-privcmd.ko.gz"), "wb") as f:
            f.write(gzip.compress(privcmd))
        with open(os.path.join(d, "xenfs.ko.xz"), "wb") as f:
            f.write(lzma.compress(xenfs, format=lzma.FORMAT_XZ))
        t = mkinitrd.ModuleTree(tmp)
        assert t.release == "9.9.9-test"
        # From .modinfo: xen-privcmd first.
        assert t.resolve(["xenfs"]) == ["xen_privcmd", "xenfs"], \
            t.resolve(["xenfs"])
        files = cpio_files(mkinitrd.build("/bin/busybox", ["xenfs"], tmp))
        base = "lib/modules/9.9.9-test/kernel/"
        assert files[base + "xenfs.ko"] == xenfs
        assert files[base + "x/xen-privcmd.ko"] == privcmd
        assert files["lib/modules/load.list"] == (
            b"xen_privcmd 9.9.9-test/kernel/x/xen-privcmd.ko\n"
            b"xenfs 9.9.9-test/kernel/xenfs.ko\n")
        assert b"keel-initrd: ready" in files["init"]
        # modules.dep wins over .modinfo (here: no dependency at all).
        with open(os.path.join(d, "..", "modules.dep"), "w") as f:
            f.write("kernel/xenfs.ko.xz:\nkernel/x/xen-privcmd.ko.gz:\n")
        assert mkinitrd.ModuleTree(tmp).resolve(["xenfs"]) == ["xenfs"]
        # An unknown module is an error, not a silent omission.
        try:
            t.resolve(["no-such-module"])
            raise AssertionError("unknown module accepted")
        except SystemExit as e:
            assert "no module no_such_module" in str(e), e
        # Without options: the plain initramfs, no modules, plain /init.
        plain = cpio_files(mkinitrd.build("/bin/busybox"))
        assert "lib/modules/load.list" not in plain
        assert plain["init"] == mkinitrd.INIT.encode()
        # --guest: the guest's /init, its scenarios where it looks.
        scen = os.path.join(tmp, "s.sh")
        with open(scen, "w") as f:
            f.write("echo hi\n")
        g = cpio_files(mkinitrd.build("/bin/busybox", ["xenfs"], tmp,
                                      scenarios={"s": scen}, guest=True))
        assert g["init"] == mkinitrd.GUEST_INIT.encode()
        assert g["etc/keel/guest/s.sh"] == b"echo hi\n"
        assert "etc/keel/tests/s.sh" not in g
        assert g["lib/modules/load.list"].startswith(b"xenfs ")
        assert b"keel-guest: ready" in g["init"]
    finally:
        shutil.rmtree(tmp)
    print("check_initrd: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
