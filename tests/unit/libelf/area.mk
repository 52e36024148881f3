# SPDX-License-Identifier: GPL-2.0-or-later
# ELF64/ELF32 headers, program headers and notes, on crafted images.
XEN_SRCS := xen/common/libelf.c xen/common/lib.c
