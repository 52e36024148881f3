# SPDX-License-Identifier: GPL-2.0-or-later
# The guest page walker on crafted tables in a host buffer.
XEN_SRCS := xen/arch/x86/mm/guest_walk.c
