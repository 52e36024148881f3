#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Host check of mkinitrd.py --tools: a dist/install-like tree with a
program linked against zlib, a symlink, a script, tools/dom0-root's files
and parts that must stay out; the archive must hold the tree, every
library the program needs (checked with readelf, independently of the
ldd that mkinitrd uses) and the loader, /init must start the toolstack,
and two builds must be identical.  Run by test_console.c."""

import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "rig"))
sys.path.insert(0, os.path.join(ROOT, "tests", "dom0"))
import mkinitrd  # noqa: E402
from check_initrd import cpio_files  # noqa: E402

PROG = r"""
#include <stdio.h>
#include <zlib.h>
int main(void) { puts(zlibVersion()); return 0; }
"""


def cpio_entries(data):
    """{name: (mode, data)} of a newc archive, names in archive order."""
    out, off = {}, 0
    while True:
        hdr = data[off:off + 110]
        assert hdr[:6] == b"070701"
        mode = int(hdr[14:22], 16)
        size = int(hdr[54:62], 16)
        nlen = int(hdr[94:102], 16)
        name = data[off + 110:off + 110 + nlen - 1].decode()
        off = (off + 110 + nlen + 3) & ~3
        if name == "TRAILER!!!":
            return out
        assert name not in out, "%s twice in the archive" % name
        out[name] = (mode, data[off:off + size])
        off = (off + size + 3) & ~3


def needed(data, tmp):
    """DT_NEEDED names of an ELF image (readelf)."""
    path = os.path.join(tmp, "elf")
    with open(path, "wb") as f:
        f.write(data)
    out = subprocess.run(["readelf", "-d", path], stdout=subprocess.PIPE,
                         check=True).stdout.decode()
    return [l.split("[", 1)[1].split("]", 1)[0] for l in out.splitlines()
            if "(NEEDED)" in l]


def interp(data, tmp):
    path = os.path.join(tmp, "elf")
    with open(path, "wb") as f:
        f.write(data)
    out = subprocess.run(["readelf", "-l", path], stdout=subprocess.PIPE,
                         check=True).stdout.decode()
    for l in out.splitlines():
        if "Requesting program interpreter:" in l:
            return l.split(":", 1)[1].strip(" ]")
    return None


def main():
    tmp = tempfile.mkdtemp(prefix="check-mkinitrd-")
    try:
        dist = os.path.join(tmp, "install")
        # tools/dom0-root as `make dist' installs it.
        subprocess.run(["make", "-s", "-C",
                        os.path.join(ROOT, "tools", "dom0-root"), "install",
                        "DESTDIR=" + dist], check=True)
        sbin = os.path.join(dist, "usr", "sbin")
        os.makedirs(sbin)
        src = os.path.join(tmp, "p.c")
        with open(src, "w") as f:
            f.write(PROG)
        subprocess.run(["gcc", "-o", os.path.join(sbin, "zprog"), src,
                        "-lz"], check=True)
        os.symlink("zprog", os.path.join(sbin, "zlink"))
        with open(os.path.join(sbin, "script"), "w") as f:
            f.write("#!/bin/sh\necho hi\n")
        os.chmod(os.path.join(sbin, "script"), 0o755)
        for junk in ("boot/xen.gz", "usr/lib/debug/xen-syms",
                     "usr/include/x.h", "usr/lib/libfoo.a",
                     "usr/share/man/man1/xm.1"):
            os.makedirs(os.path.dirname(os.path.join(dist, junk)),
                        exist_ok=True)
            with open(os.path.join(dist, junk), "w") as f:
                f.write("x")

        kern = os.path.join(tmp, "vmlinuz")
        with open(kern, "wb") as f:
            f.write(b"kernel")
        data = mkinitrd.build("/bin/busybox", tools=dist, guest_kernel=kern)
        again = mkinitrd.build("/bin/busybox", tools=dist, guest_kernel=kern)
        assert data == again, "two builds differ"
        ent = cpio_entries(data)
        files = cpio_files(data)

        # The tree, modes kept, junk left out.
        assert files["usr/sbin/zprog"] == open(
            os.path.join(sbin, "zprog"), "rb").read()
        assert ent["usr/sbin/zprog"][0] & 0o777 == 0o755
        assert ent["usr/sbin/zlink"][0] & 0o170000 == 0o120000
        assert files["usr/sbin/zlink"] == b"zprog"
        assert files["usr/sbin/script"].startswith(b"#!/bin/sh")
        for junk in ("boot", "boot/xen.gz", "usr/lib/debug/xen-syms",
                     "usr/include/x.h", "usr/lib/libfoo.a",
                     "usr/share/man/man1/xm.1"):
            assert junk not in ent, "%s should be left out" % junk
        for f in ("etc/init.d/xencommons", "etc/init.d/keel-toolstack",
                  "etc/init.d/xend", "etc/xen/xend-config.sxp",
                  "etc/xen/example"):
            assert f in files, "%s missing" % f
        assert ent["etc/init.d/xencommons"][0] & 0o111
        for d in ("var/log/xen/console", "var/run/xenstored",
                  "var/lib/xend"):
            assert ent[d][0] & 0o170000 == 0o040000, d
        assert files["var/lib/xen/images/example/vmlinuz"] == b"kernel"
        # Every directory comes before what it holds.
        names = list(ent)
        for i, n in enumerate(names):
            if "/" in n:
                parent = n.rsplit("/", 1)[0]
                assert parent in ent and names.index(parent) < i, \
                    "%s before its directory" % n

        # Libraries: each DT_NEEDED of the program and of every library
        # included, found where Debian's loader looks; and the loader.
        libdir = "lib/x86_64-linux-gnu/"
        ld = interp(files["usr/sbin/zprog"], tmp)
        assert ld and ld.lstrip("/") in files, "no loader %s" % ld
        todo = [files["usr/sbin/zprog"]]
        # libc names the loader, which is already in (by its path).
        seen = {os.path.basename(ld)}
        while todo:
            for name in needed(todo.pop(), tmp):
                if name in seen:
                    continue
                seen.add(name)
                assert libdir + name in files, "%s not in the archive" % name
                assert files[libdir + name] == open(
                    "/" + libdir + name, "rb").read()
                todo.append(files[libdir + name])
        assert "libz.so.1" in seen and "libc.so.6" in seen, seen

        # /init starts the toolstack once the modules are in.
        init = files["init"].decode()
        assert "/etc/init.d/keel-toolstack start" in init
        assert init.index("modules loaded") < \
            init.index("keel-toolstack start") < init.index("scenario $t")

        # A library the host does not have is an error naming it.
        lib = os.path.join(tmp, "libgone.so")
        with open(os.path.join(tmp, "g.c"), "w") as f:
            f.write("int gone(void) { return 1; }\n")
        subprocess.run(["gcc", "-shared", "-fPIC", "-o", lib,
                        os.path.join(tmp, "g.c")], check=True)
        with open(os.path.join(tmp, "u.c"), "w") as f:
            f.write("int gone(void); int main(void) { return gone(); }\n")
        subprocess.run(["gcc", "-o", os.path.join(sbin, "uses-gone"),
                        os.path.join(tmp, "u.c"), "-L" + tmp, "-lgone"],
                       check=True)
        os.unlink(lib)
        try:
            mkinitrd.build("/bin/busybox", tools=dist)
            raise AssertionError("a missing library was accepted")
        except SystemExit as e:
            assert "libgone.so" in str(e) and "uses-gone" in str(e), e

        # Without --tools: no toolstack files.
        plain = cpio_files(mkinitrd.build("/bin/busybox"))
        assert "etc/init.d/keel-toolstack" not in plain
        assert plain["init"] == mkinitrd.INIT.encode()
    finally:
        shutil.rmtree(tmp)
    print("check_mkinitrd: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
