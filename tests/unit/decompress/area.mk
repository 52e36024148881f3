# SPDX-License-Identifier: GPL-2.0-or-later
# gzip and xz decoders, cross-checked against zlib and liblzma.
XEN_SRCS := xen/common/decompress/decompress.c \
            xen/common/decompress/inflate.c \
            xen/common/decompress/unxz.c xen/common/lib.c
STUBS := stubs.c
AREA_CFLAGS := -Wl,--no-as-needed -lz -llzma
