# SPDX-License-Identifier: GPL-2.0-or-later
# The guest page walker on crafted tables in a host buffer, and the guest
# copies (guest_access.c) on a p2m of host pages.
XEN_SRCS := xen/arch/x86/mm/guest_walk.c xen/arch/x86/guest_access.c \
            xen/arch/x86/mm/p2m.c xen/arch/x86/mm/p2m-pt.c \
            xen/arch/x86/mm/p2m-ept.c
