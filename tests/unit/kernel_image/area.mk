# SPDX-License-Identifier: GPL-2.0-or-later
# bzImage / ELF / compressed vmlinux -> ELF image, segments, PVH entry.
XEN_SRCS := xen/arch/x86/kernel_image.c xen/common/libelf.c \
            xen/common/decompress/decompress.c \
            xen/common/decompress/inflate.c \
            xen/common/decompress/unxz.c xen/common/lib.c
STUBS := stubs.c
AREA_CFLAGS := -Wl,--no-as-needed -lz -llzma
