#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Instructions the hypervisor's decoders execute on Debian's kernel.

Extracts the xz payload of a bzImage, makes a gzip copy of the vmlinux it
holds (zlib level 9), and runs the host build of xen/common/decompress
(bench, see Makefile) on each under valgrind's callgrind, counting only
inside decompress().  Under QEMU with -icount shift=0 a guest instruction
is 1 ns of virtual time, so the count is the decoder's share of the
boot-time benchmark (boot_time.py).

    python3 tests/perf/decomp/count.py --bench B/bench --out B VMLINUZ
"""

import argparse
import gzip
import os
import re
import struct
import subprocess
import sys


def payload(vmlinuz):
    with open(vmlinuz, "rb") as f:
        img = f.read()
    if img[0x202:0x206] != b"HdrS":
        sys.exit("count: %s is not a bzImage" % vmlinuz)
    setup = ((img[0x1f1] or 4) + 1) * 512
    off, plen = struct.unpack_from("<II", img, 0x248)
    return img[setup + off:setup + off + plen]


def count(bench, path, out):
    cg = os.path.join(out, "callgrind." + os.path.basename(path))
    p = subprocess.run(["valgrind", "--tool=callgrind",
                        "--toggle-collect=decompress",
                        "--callgrind-out-file=" + cg, bench, path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=1800)
    err = p.stderr.decode(errors="replace")
    m = re.search(r"Collected : (\d+)", err)
    res = re.search(r"in (\d+) out (\d+) crc32 ([0-9a-f]+)",
                    p.stdout.decode())
    if p.returncode or not m or not res:
        sys.exit("count: %s failed:\n%s%s" % (bench, p.stdout.decode(),
                                               err[-2000:]))
    return int(m.group(1)), int(res.group(1)), int(res.group(2)), \
        res.group(3), cg


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bench", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("vmlinuz")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)

    xz_path = os.path.join(a.out, "payload.xz")
    with open(xz_path, "wb") as f:
        f.write(payload(a.vmlinuz))
    insns, cin, cout, crc, cg = count(a.bench, xz_path, a.out)
    rows = [("xz", insns, cin, cout, crc, cg)]

    gz_path = os.path.join(a.out, "vmlinux.gz")
    if not os.path.exists(gz_path) or \
            os.path.getmtime(gz_path) < os.path.getmtime(a.vmlinuz):
        # The decoder's own output is the vmlinux: decompress it with
        # Python's lzma to stay independent of the code under test.
        import lzma
        data = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(
            payload(a.vmlinuz))
        with gzip.GzipFile(gz_path + ".tmp", "wb", 9, mtime=0) as g:
            g.write(data)
        os.rename(gz_path + ".tmp", gz_path)
    insns, cin, cout, crc2, cg = count(a.bench, gz_path, a.out)
    rows.append(("gzip", insns, cin, cout, crc2, cg))
    if crc2 != crc:
        sys.exit("count: gzip and xz outputs differ (%s, %s)" % (crc, crc2))

    print("%-5s %10s %10s %14s %9s %11s" % ("", "in", "out", "instructions",
                                            "per byte", "at 1 ns"))
    for name, insns, cin, cout, crc, cg in rows:
        print("%-5s %10d %10d %14d %9.2f %9.3f s" % (
            name, cin, cout, insns, insns / cout, insns / 1e9))
    print("output CRC-32 %s; per-line profiles: callgrind_annotate "
          "--auto=yes %s" % (crc, rows[0][5]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
