# SPDX-License-Identifier: GPL-2.0-or-later
# The buddy allocator and the boot allocator cores (no direct map, no lock).
XEN_SRCS := xen/common/page_alloc.c
