# SPDX-License-Identifier: GPL-2.0-or-later
# Boot module identification (ELF, bzImage + payload, gzip, cpio, ...).
XEN_SRCS := xen/arch/x86/bootmod.c xen/common/lib.c
