#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build the busybox-static initramfs used as dom0's initrd.

Written as a "newc" cpio directly, so that device nodes (/dev/console)
need no root and the archive is byte-for-byte reproducible (mtime 0,
uid/gid 0, gzip without a timestamp).
"""

import argparse
import gzip
import io
import os
import stat
import sys

INIT = """#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Keel's test initramfs: enough of a system to reach a shell on hvc0.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "keel-initrd: /init running on $(uname -r)"
exec setsid cttyhack sh
"""


class Cpio:
    """A minimal writer for the SVR4 "newc" format (070701)."""

    def __init__(self):
        self.out = io.BytesIO()
        self.ino = 1

    def _entry(self, name, mode, data=b"", rdev=(0, 0), nlink=1):
        name_b = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0,
            rdev[0], rdev[1], len(name_b), 0))
        self.ino += 1
        self.out.write(hdr.encode() + name_b)
        self._pad()
        self.out.write(data)
        self._pad()

    def _pad(self):
        self.out.write(b"\0" * (-self.out.tell() % 4))

    def dir(self, name, perm=0o755):
        self._entry(name, stat.S_IFDIR | perm, nlink=2)

    def file(self, name, data, perm=0o644):
        self._entry(name, stat.S_IFREG | perm, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor, perm=0o600):
        self._entry(name, stat.S_IFCHR | perm, rdev=(major, minor))

    def finish(self):
        self._entry("TRAILER!!!", 0)
        return self.out.getvalue()


def build(busybox):
    with open(busybox, "rb") as f:
        bb = f.read()
    if bb[:4] != b"\x7fELF":
        raise SystemExit("mkinitrd: %s is not an ELF binary" % busybox)
    c = Cpio()
    for d in ("bin", "sbin", "dev", "proc", "sys", "tmp", "root", "etc",
              "lib", "lib/modules", "mnt", "var", "run"):
        c.dir(d)
    # The kernel opens /dev/console before /init runs (and before devtmpfs
    # is mounted), so the node has to be in the archive itself.
    c.chardev("dev/console", 5, 1)
    c.chardev("dev/null", 1, 3, 0o666)
    c.file("bin/busybox", bb, 0o755)
    c.symlink("bin/sh", "busybox")
    c.file("init", INIT.encode(), 0o755)
    return c.finish()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--busybox", default="/bin/busybox")
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args()
    data = build(args.busybox)
    with open(args.output, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0,
                           filename="") as gz:
            gz.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
